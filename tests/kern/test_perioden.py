import itertools
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kern.perioden import (
    Periode,
    eerste_dag_van_maand,
    is_feestdag,
    is_werkdag,
    iso_week,
    jaren,
    laatste_dag_van_maand,
    maanden,
    overlapt,
    plus_werkdagen,
    week_maandag,
    werkdagen_tussen,
)

dagen = st.dates(min_value=date(2015, 1, 1), max_value=date(2035, 12, 31))


@st.composite
def perioden(draw: st.DrawFn) -> Periode:
    begin = draw(dagen)
    lengte = draw(st.integers(min_value=0, max_value=1200))
    return Periode(begin, begin + timedelta(days=lengte))


@given(perioden())
def test_maanden_tile_the_period(periode: Periode) -> None:
    delen = list(maanden(periode))
    assert delen[0].begin == periode.begin
    assert delen[-1].eind == periode.eind
    assert sum(d.aantal_dagen() for d in delen) == periode.aantal_dagen()
    for vorige, volgende in itertools.pairwise(delen):
        assert vorige.eind is not None
        assert volgende.begin == vorige.eind + timedelta(days=1)
    for deel in delen:
        assert deel.eind is not None
        assert (deel.begin.year, deel.begin.month) == (deel.eind.year, deel.eind.month)


@given(perioden())
def test_jaren_tile_the_period(periode: Periode) -> None:
    delen = list(jaren(periode))
    assert sum(d.aantal_dagen() for d in delen) == periode.aantal_dagen()
    assert all(d.eind is not None and d.begin.year == d.eind.year for d in delen)


@given(perioden(), perioden())
def test_overlap_is_symmetric_and_matches_intersection(a: Periode, b: Periode) -> None:
    assert a.overlapt(b) == b.overlapt(a)
    assert a.overlapt(b) == (a.doorsnede(b) is not None)
    gedeeld = a.doorsnede(b)
    if gedeeld is not None:
        assert a.bevat(gedeeld.begin) and b.bevat(gedeeld.begin)


def test_open_periode_overlaps_everything_later() -> None:
    assert overlapt(date(2025, 1, 1), None, date(2030, 5, 1), date(2030, 5, 1))
    assert not overlapt(date(2025, 1, 1), date(2025, 12, 31), date(2026, 1, 1), None)
    assert overlapt(date(2025, 1, 1), date(2025, 12, 31), date(2025, 12, 31), None)


def test_periode_refuses_end_before_start() -> None:
    with pytest.raises(ValueError):
        Periode(date(2025, 2, 1), date(2025, 1, 31))


@given(dagen)
def test_month_boundaries(dag: date) -> None:
    assert eerste_dag_van_maand(dag).day == 1
    volgende = laatste_dag_van_maand(dag) + timedelta(days=1)
    assert volgende.day == 1
    assert eerste_dag_van_maand(dag) <= dag <= laatste_dag_van_maand(dag)


def test_leap_year() -> None:
    assert laatste_dag_van_maand(date(2028, 2, 10)) == date(2028, 2, 29)
    assert laatste_dag_van_maand(date(2027, 2, 10)) == date(2027, 2, 28)


def test_iso_weeks_across_new_year() -> None:
    assert iso_week(date(2026, 1, 1)) == (2026, 1)
    assert iso_week(date(2027, 1, 1)) == (2026, 53)
    assert iso_week(date(2024, 12, 30)) == (2025, 1)
    assert week_maandag(date(2026, 11, 28)) == date(2026, 11, 23)


def test_dutch_public_holidays() -> None:
    assert is_feestdag(date(2026, 4, 27))  # Koningsdag
    assert is_feestdag(date(2026, 12, 25))
    assert is_feestdag(date(2026, 4, 6))  # Tweede Paasdag
    assert not is_werkdag(date(2026, 5, 14))  # Hemelvaartsdag (a Thursday)
    assert is_werkdag(date(2026, 11, 27))  # a Friday
    assert not is_werkdag(date(2026, 11, 28))  # a Saturday


def test_working_days_skip_weekends_and_holidays() -> None:
    # Thursday 24 Dec 2026 + 3 working days: skips 25/26 Dec (holidays) and the weekend.
    assert plus_werkdagen(date(2026, 12, 24), 3) == date(2026, 12, 30)
    assert werkdagen_tussen(date(2026, 12, 24), date(2026, 12, 30)) == 3
    # Friday 24 Apr 2026 + 1: Monday 27 Apr is Koningsdag.
    assert plus_werkdagen(date(2026, 4, 24), 1) == date(2026, 4, 28)
    assert plus_werkdagen(date(2026, 4, 24), 0) == date(2026, 4, 24)


@given(dagen, st.integers(min_value=0, max_value=40))
def test_plus_werkdagen_inverts_werkdagen_tussen(dag: date, aantal: int) -> None:
    doel = plus_werkdagen(dag, aantal)
    assert werkdagen_tussen(dag, doel) == aantal
    if aantal:
        assert is_werkdag(doel)

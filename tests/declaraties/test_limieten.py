"""The volume limits of IV076-IV078 (TR321 per ProductPeriode, TR322 over the toewijzing): the
worked examples of the invulinstructies, and properties over many toewijzingen."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from declaraties.regels import Omvang, Toewijzing
from declaraties.regels.limieten import (
    kalendermaanden,
    kalenderweken,
    maximum_in_periode,
    maximum_totaal,
    zondagen,
)
from kern.perioden import laatste_dag_van_maand


def toewijzing(
    begin: date,
    eind: date | None,
    volume: int,
    eenheid: str,
    frequentie: str,
    *,
    categorie: str = "45",
) -> Toewijzing:
    return Toewijzing(
        toewijzing_nummer=1,
        bsn="999900006",
        ingangsdatum=begin,
        einddatum=eind,
        product_categorie=categorie,
        product_code="X",
        omvang=Omvang(volume, eenheid, frequentie),
    )


def per_maand(t: Toewijzing, *, hbh: bool = False) -> list[int | None]:
    """The maximum of every whole-month ProductPeriode the toewijzing touches (clipped to it,
    as TR387/TR388 want)."""
    assert t.einddatum is not None
    uitkomst = []
    begin = t.ingangsdatum.replace(day=1)
    while begin <= t.einddatum:
        eind = laatste_dag_van_maand(begin)
        uitkomst.append(
            maximum_in_periode(t, max(begin, t.ingangsdatum), min(eind, t.einddatum), hbh=hbh)
        )
        begin = eind + timedelta(days=1)
    return uitkomst


# --- the examples of the invulinstructies ------------------------------------------------------


def test_iv077_inspanningsgericht_per_week() -> None:
    # 3 uur per week, 07-10-2025 t/m 30-12-2025: October 4 weeks, November 5, December 5
    # (week 49 up to week 1 of 2026); 13 calendar weeks in total: 39 uur.
    t = toewijzing(date(2025, 10, 7), date(2025, 12, 30), 3, "04", "2")
    assert per_maand(t) == [12, 15, 15]
    assert maximum_totaal(t) == 39


def test_iv076_inspanningsgericht_per_week() -> None:
    # 3 uur per week, 07-07-2025 t/m 07-09-2025: July 4 weeks, August 5, September 1; 9 weeks.
    t = toewijzing(date(2025, 7, 7), date(2025, 9, 7), 3, "04", "2")
    assert per_maand(t) == [12, 15, 3]
    assert maximum_totaal(t) == 27


def test_iv077_outputgericht_per_week_not_ending_on_sunday() -> None:
    # € 300 per week (volume in eurocent), 07-07-2025 t/m 05-09-2025 (a Friday): July 3
    # Sundays; August 5 Sundays plus the broken last week, as its last Sunday (31-08) is in
    # August; September none.
    t = toewijzing(date(2025, 7, 7), date(2025, 9, 5), 30000, "83", "2")
    assert per_maand(t) == [90000, 180000, 0]
    assert maximum_totaal(t) == 270000


def test_iv077_outputgericht_per_week_ending_on_wednesday() -> None:
    # € 300 per week, 01-10-2025 t/m 31-12-2025 (a Wednesday): the broken last week falls in
    # December, whose last Sunday is the toewijzing's last.
    t = toewijzing(date(2025, 10, 1), date(2025, 12, 31), 30000, "83", "2")
    assert [
        zondagen(date(2025, m, 1), laatste_dag_van_maand(date(2025, m, 1))) for m in (10, 11, 12)
    ] == [4, 5, 4]
    assert per_maand(t) == [120000, 150000, 150000]
    assert maximum_totaal(t) == 420000


def test_outputgericht_per_week_ending_on_sunday_has_no_extra_week() -> None:
    t = toewijzing(date(2025, 7, 7), date(2025, 9, 7), 1, "82", "2")  # 07-09-2025 is a Sunday
    assert per_maand(t) == [3, 5, 1]
    assert maximum_totaal(t) == 9


def test_outputgericht_without_any_sunday_gets_one_week_where_it_ends() -> None:
    t = toewijzing(date(2025, 7, 28), date(2025, 8, 2), 1, "82", "2")  # Monday to Saturday
    assert per_maand(t) == [0, 1]
    assert maximum_totaal(t) == 1


def test_iv078_broken_period() -> None:
    # 3 uur per week, 12-11-2025 t/m 13-12-2025: the ProductPeriode 12-11 t/m 30-11 holds 3
    # calendar weeks, 9 uur, although its first week is broken.
    t = toewijzing(date(2025, 11, 12), date(2025, 12, 13), 3, "04", "2")
    assert maximum_in_periode(t, date(2025, 11, 12), date(2025, 11, 30), hbh=False) == 9
    # 15 uur per maand, 14-10-2025 t/m 13-12-2025: the broken October may hold all 15.
    t = toewijzing(date(2025, 10, 14), date(2025, 12, 13), 15, "04", "4")
    assert per_maand(t) == [15, 15, 15]
    assert maximum_totaal(t) == 45


def test_per_dag_and_totaal() -> None:
    t = toewijzing(date(2026, 2, 10), date(2026, 3, 5), 2, "14", "1")
    assert per_maand(t) == [38, 10]  # 19 days of February, 5 of March
    assert maximum_totaal(t) == 48
    t = toewijzing(date(2026, 2, 10), date(2026, 3, 5), 40, "04", "6")
    assert per_maand(t) == [40, 40]  # each line alone may hold the whole volume (TR321) ...
    assert maximum_totaal(t) == 40  # ... but together no more (TR322)


def test_hulp_bij_het_huishouden_may_hold_six_weeks_in_one_period() -> None:
    # iWmo categorie 01 per week: up to 6 x the weekly volume per ProductPeriode (TR321).
    t = toewijzing(date(2026, 1, 1), date(2026, 12, 31), 3, "04", "2", categorie="01")
    feb = (date(2026, 2, 1), date(2026, 2, 28))
    assert maximum_in_periode(t, *feb, hbh=True) == 18
    assert maximum_in_periode(t, *feb, hbh=False) == 15  # iJw (or not HbH): 5 weeks
    assert maximum_totaal(t) == 53 * 3


def test_open_ended_and_without_omvang() -> None:
    t = toewijzing(date(2026, 1, 1), None, 3, "04", "2")
    assert maximum_totaal(t) is None
    # March 2026 runs from Sunday 1 (week 9) to Tuesday 31 (week 14): 6 calendar weeks.
    assert maximum_in_periode(t, date(2026, 3, 1), date(2026, 3, 31), hbh=False) == 18
    zonder = Toewijzing(toewijzing_nummer=2, bsn="x", ingangsdatum=date(2026, 1, 1))
    assert maximum_in_periode(zonder, date(2026, 3, 1), date(2026, 3, 31), hbh=False) is None
    assert maximum_totaal(zonder) is None


# --- properties --------------------------------------------------------------------------------

datums = st.dates(min_value=date(2021, 1, 1), max_value=date(2030, 12, 31))


@st.composite
def perioden(draw: st.DrawFn) -> tuple[date, date]:
    begin = draw(datums)
    return begin, begin + timedelta(days=draw(st.integers(0, 800)))


@given(perioden())
def test_counting_matches_walking_the_days(per: tuple[date, date]) -> None:
    begin, eind = per
    dagen = [begin + timedelta(days=i) for i in range((eind - begin).days + 1)]
    assert zondagen(begin, eind) == sum(d.weekday() == 6 for d in dagen)
    assert kalenderweken(begin, eind) == len({d.isocalendar()[:2] for d in dagen})
    assert kalendermaanden(begin, eind) == len({(d.year, d.month) for d in dagen})
    assert (
        zondagen(eind, begin - timedelta(days=1))
        == kalenderweken(eind, begin - timedelta(days=1))
        == 0
    )


@settings(max_examples=300)
@given(perioden(), st.integers(1, 50), st.sampled_from(["82", "83"]), st.sampled_from(["1", "4"]))
def test_whole_month_shares_add_up_to_the_total(
    per: tuple[date, date], volume: int, eenheid: str, frequentie: str
) -> None:
    """Per dag and per maand, and outputgericht per week, split the total over the months
    exactly; inspanningsgericht per week counts a week split over two months in both, so its
    months hold at least the total."""
    t = toewijzing(*per, volume, eenheid, frequentie)
    assert sum(m or 0 for m in per_maand(t)) == maximum_totaal(t)


@settings(max_examples=300)
@given(perioden(), st.integers(1, 50), st.sampled_from(["82", "83"]))
def test_outputgericht_week_shares_add_up_to_the_total(
    per: tuple[date, date], volume: int, eenheid: str
) -> None:
    t = toewijzing(*per, volume, eenheid, "2")
    assert sum(m or 0 for m in per_maand(t)) == maximum_totaal(t)


@settings(max_examples=300)
@given(perioden(), st.integers(1, 50), st.sampled_from(["01", "04", "84", "14", "16"]))
def test_inspanningsgericht_week_shares_cover_the_total(
    per: tuple[date, date], volume: int, eenheid: str
) -> None:
    t = toewijzing(*per, volume, eenheid, "2")
    totaal = maximum_totaal(t)
    assert totaal is not None
    maanden = per_maand(t)
    assert sum(m or 0 for m in maanden) >= totaal
    # A month holds 1 to 6 calendar weeks of the toewijzing.
    assert all(m is not None and volume <= m <= 6 * volume for m in maanden)


@pytest.mark.parametrize("frequentie", ["1", "2", "4", "6"])
def test_limits_are_in_the_toewijzings_eenheid(frequentie: str) -> None:
    t = toewijzing(date(2026, 3, 1), date(2026, 3, 31), 2, "04", frequentie)
    verwacht = {"1": 62, "2": 12, "4": 2, "6": 2}[frequentie]
    assert maximum_in_periode(t, date(2026, 3, 1), date(2026, 3, 31), hbh=False) == verwacht

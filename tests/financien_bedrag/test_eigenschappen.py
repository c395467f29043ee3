"""Property-based tests of the reservation amount, against a naive day-by-day reference."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from financien.reserveringsbedrag import Omvang, Tarief, ToewijzingInvoer, reserveringsbedrag
from kern.exceptions import DomeinFout
from kern.geld import afronden

EERSTE = date(2024, 1, 1)
LAATSTE = date(2030, 12, 31)
CENT = Decimal("0.01")

#: (omvang eenheid, tarief eenheid, tariff units per omvang unit)
EENHEDEN = [
    ("04", "04", Fraction(1)),
    ("01", "04", Fraction(1, 60)),
    ("16", "04", Fraction(4)),
    ("04", "01", Fraction(60)),
    ("14", "14", Fraction(1)),
    ("82", "82", Fraction(1)),
    ("84", "82", Fraction(1)),
]

volumes = st.one_of(
    st.integers(min_value=0, max_value=500),
    st.decimals(min_value=Decimal("0"), max_value=Decimal("500"), places=2),
)
bedragen = st.decimals(min_value=Decimal("0"), max_value=Decimal("500"), places=2)


@st.composite
def perioden(draw, max_dagen=1100):
    begin = draw(st.dates(min_value=EERSTE, max_value=date(2028, 12, 31)))
    eind = begin + timedelta(days=draw(st.integers(min_value=0, max_value=max_dagen)))
    return begin, eind


@st.composite
def tariefreeksen(draw, eenheid="04", stijgend=False):
    """Tariffs covering 2023-2032 without gaps: 0..5 changes at random dates."""
    wissels = sorted(set(draw(st.lists(st.dates(min_value=EERSTE, max_value=LAATSTE), max_size=5))))
    prijzen = draw(st.lists(bedragen, min_size=len(wissels) + 1, max_size=len(wissels) + 1))
    if stijgend:
        prijzen.sort()
    starts = [date(2023, 1, 1), *wissels]
    return [
        Tarief(
            start, None if i + 1 == len(starts) else starts[i + 1] - timedelta(days=1), p, eenheid
        )
        for i, (start, p) in enumerate(zip(starts, prijzen, strict=True))
    ]


def referentie(begin, eind, volume, frequentie, factor, tarieven):
    """Exact cost per year, one day at a time, the tariff looked up by a linear scan."""
    totaal_dagen = (eind - begin).days + 1
    volume = Fraction(Decimal(volume))
    per_jaar = defaultdict(Fraction)
    dag = begin
    while dag <= eind:
        if frequentie == 1:
            hoeveel = volume
        elif frequentie == 2:
            hoeveel = volume / 7
        elif frequentie == 4:
            volgende = (dag.replace(day=28) + timedelta(days=4)).replace(day=1)
            hoeveel = volume / (volgende - dag.replace(day=1)).days
        else:
            hoeveel = volume / totaal_dagen
        if tarieven is None:
            prijs = Fraction(1)
        else:
            (tarief,) = [
                t
                for t in tarieven
                if t.ingangsdatum <= dag and (t.einddatum is None or dag <= t.einddatum)
            ]
            prijs = Fraction(tarief.bedrag) * factor
        per_jaar[dag.year] += hoeveel * prijs
        dag += timedelta(days=1)
    return dict(per_jaar)


def naar_decimal(waarde: Fraction) -> Decimal:
    """Exact enough for comparisons at a cent: 20 decimals, truncated."""
    return Decimal(waarde.numerator * 10**20 // waarde.denominator).scaleb(-20)


def bereken(begin, eind, volume, eenheid, frequentie, tarieven):
    return reserveringsbedrag(
        toewijzing=ToewijzingInvoer(begin, eind, omvang=Omvang(volume, eenheid, frequentie)),
        tarieven=tarieven,
    )


def controleer_optelling(uitkomst):
    assert sum(uitkomst.per_jaar.values(), Decimal(0)) == uitkomst.totaal
    assert list(uitkomst.per_jaar) == sorted(uitkomst.per_jaar)
    for deel in uitkomst.jaardelen:
        assert deel.bedrag.as_tuple().exponent == -2
        if deel.tariefdelen:
            assert sum(t.bedrag for t in deel.tariefdelen) == deel.bedrag
            assert sum(t.dagen for t in deel.tariefdelen) == deel.dagen
    assert (
        sum(d.dagen for d in uitkomst.jaardelen)
        == (uitkomst.einddatum - uitkomst.ingangsdatum).days + 1
    )


@settings(max_examples=120, deadline=None)
@given(
    periode=perioden(),
    volume=volumes,
    frequentie=st.sampled_from([1, 2, 4, 6]),
    eenheden=st.sampled_from(EENHEDEN),
    data=st.data(),
)
def test_matches_the_day_by_day_reference_and_the_years_add_up(
    periode, volume, frequentie, eenheden, data
):
    begin, eind = periode
    omvang_eenheid, tarief_eenheid, factor = eenheden
    tarieven = data.draw(tariefreeksen(tarief_eenheid))
    uitkomst = bereken(begin, eind, volume, omvang_eenheid, frequentie, tarieven)
    exact = referentie(begin, eind, volume, frequentie, factor, tarieven)

    assert uitkomst.totaal == afronden(naar_decimal(sum(exact.values(), Fraction(0))))
    assert set(uitkomst.per_jaar) == set(range(begin.year, eind.year + 1))
    for jaar, bedrag in uitkomst.per_jaar.items():
        assert abs(bedrag - naar_decimal(exact[jaar])) < CENT
    controleer_optelling(uitkomst)


@settings(max_examples=60, deadline=None)
@given(periode=perioden(), budget=bedragen.map(lambda b: b * 100))
def test_budget_is_spread_pro_rata_and_adds_up_to_the_budget(periode, budget):
    begin, eind = periode
    uitkomst = reserveringsbedrag(toewijzing=ToewijzingInvoer(begin, eind, budget=budget))
    assert uitkomst.totaal == budget
    exact = referentie(begin, eind, budget, 6, None, None)
    for jaar, bedrag in uitkomst.per_jaar.items():
        assert abs(bedrag - naar_decimal(exact[jaar])) < CENT
    controleer_optelling(uitkomst)


@settings(max_examples=60, deadline=None)
@given(periode=perioden(), volume=bedragen, frequentie=st.sampled_from([1, 2, 4, 6]))
def test_euros_cost_the_volume(periode, volume, frequentie):
    begin, eind = periode
    uitkomst = bereken(begin, eind, volume, "83", frequentie, [])
    exact = referentie(begin, eind, volume, frequentie, None, None)
    assert uitkomst.totaal == afronden(naar_decimal(sum(exact.values(), Fraction(0))))
    if frequentie == 6:
        assert uitkomst.totaal == volume
    controleer_optelling(uitkomst)


@settings(max_examples=100, deadline=None)
@given(
    periode=perioden(max_dagen=700),
    extra=st.integers(min_value=1, max_value=400),
    volume=volumes,
    frequentie=st.sampled_from([1, 2, 4]),
    data=st.data(),
)
def test_a_longer_period_never_costs_less(periode, extra, volume, frequentie, data):
    begin, eind = periode
    tarieven = data.draw(tariefreeksen())
    kort = bereken(begin, eind, volume, "04", frequentie, tarieven)
    lang = bereken(begin, eind + timedelta(days=extra), volume, "04", frequentie, tarieven)
    assert lang.totaal >= kort.totaal


@settings(max_examples=60, deadline=None)
@given(
    periode=perioden(max_dagen=700),
    extra=st.integers(min_value=1, max_value=400),
    volume=volumes,
    data=st.data(),
)
def test_totaal_never_costs_less_when_longer_while_tariffs_do_not_fall(
    periode, extra, volume, data
):
    # With frequentie totaal the volume is fixed, so a longer period only moves it to later
    # days: never cheaper as long as tariffs do not fall (see the counterexample below).
    begin, eind = periode
    tarieven = data.draw(tariefreeksen(stijgend=True))
    kort = bereken(begin, eind, volume, "04", 6, tarieven)
    lang = bereken(begin, eind + timedelta(days=extra), volume, "04", 6, tarieven)
    assert lang.totaal >= kort.totaal


def test_totaal_gets_cheaper_when_stretched_over_a_lower_tariff():
    """Documented consequence of "totaal": 100 hours over January only, or over January
    and February when February is cheaper."""
    tarieven = [
        Tarief(date(2026, 1, 1), date(2026, 1, 31), Decimal("60.00"), "04"),
        Tarief(date(2026, 2, 1), None, Decimal("30.00"), "04"),
    ]
    januari = bereken(date(2026, 1, 1), date(2026, 1, 31), 59, "04", 6, tarieven)
    tot_maart = bereken(date(2026, 1, 1), date(2026, 2, 28), 59, "04", 6, tarieven)
    assert januari.totaal == Decimal("3540.00")
    assert tot_maart.totaal == Decimal("2700.00")  # 31 h x 60 + 28 h x 30


@settings(max_examples=100, deadline=None)
@given(
    periode=perioden(max_dagen=800),
    volume=volumes,
    frequentie=st.sampled_from([1, 2]),
    oud=bedragen,
    nieuw=bedragen,
    data=st.data(),
)
def test_a_tariff_change_applies_from_its_date(periode, volume, frequentie, oud, nieuw, data):
    begin, eind = periode
    wissel = begin + timedelta(
        days=data.draw(st.integers(min_value=0, max_value=(eind - begin).days))
    )
    tarieven = [
        Tarief(date(2020, 1, 1), wissel - timedelta(days=1), oud, "04"),
        Tarief(wissel, None, nieuw, "04"),
    ]
    voor = (wissel - begin).days
    na = (eind - wissel).days + 1
    per_dag = Fraction(Decimal(volume)) / (1 if frequentie == 1 else 7)
    verwacht = per_dag * (voor * Fraction(oud) + na * Fraction(nieuw))
    uitkomst = bereken(begin, eind, volume, "04", frequentie, tarieven)
    assert uitkomst.totaal == afronden(naar_decimal(verwacht))
    delen = [t for j in uitkomst.jaardelen for t in j.tariefdelen]
    assert all(t.tarief == oud for t in delen if t.einddatum < wissel)
    assert all(t.tarief == nieuw for t in delen if t.ingangsdatum >= wissel)
    assert sum(t.dagen for t in delen if t.tarief == nieuw and t.ingangsdatum >= wissel) == na


@settings(max_examples=60, deadline=None)
@given(
    periode=perioden(),
    volume=volumes,
    frequentie=st.sampled_from([1, 2, 4, 6]),
    bedrag=bedragen,
    splitsing=st.dates(min_value=EERSTE, max_value=LAATSTE),
)
def test_splitting_a_tariff_into_two_equal_ones_changes_no_amount(
    periode, volume, frequentie, bedrag, splitsing
):
    begin, eind = periode
    een = [Tarief(date(2020, 1, 1), None, bedrag, "04")]
    twee = [
        Tarief(date(2020, 1, 1), splitsing - timedelta(days=1), bedrag, "04"),
        Tarief(splitsing, None, bedrag, "04"),
    ]
    a = bereken(begin, eind, volume, "04", frequentie, een)
    b = bereken(begin, eind, volume, "04", frequentie, twee)
    assert a.per_jaar == b.per_jaar
    assert a.totaal == b.totaal


@settings(max_examples=60, deadline=None)
@given(
    periode=perioden(max_dagen=800),
    frequentie=st.sampled_from([1, 2, 4, 6]),
    data=st.data(),
)
def test_a_gap_in_the_tariffs_is_named_exactly(periode, frequentie, data):
    begin, eind = periode
    lengte = (eind - begin).days
    van = begin + timedelta(days=data.draw(st.integers(min_value=0, max_value=lengte)))
    tot = van + timedelta(days=data.draw(st.integers(min_value=0, max_value=(eind - van).days)))
    tarieven = [
        Tarief(date(2020, 1, 1), van - timedelta(days=1), Decimal("60.00"), "04"),
        Tarief(tot + timedelta(days=1), None, Decimal("62.10"), "04"),
    ]
    with pytest.raises(DomeinFout) as fout:
        bereken(begin, eind, 5, "04", frequentie, tarieven)
    assert fout.value.code == "geen_contracttarief"
    assert fout.value.details["perioden"] == [[van.isoformat(), tot.isoformat()]]

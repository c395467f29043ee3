"""The pure rules on one toewijzing (:mod:`inkoop.toewijzingsregels`): examples for every
code, and properties of the stacking rule (OP259/TR302) and of changes (IV066)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inkoop.toewijzingsregels import (
    Inhoud,
    Wijziging,
    gestapeld,
    inhoud_controleren,
    overlappen,
    reden_wijziging_controleren,
    wijziging_controleren,
)
from kern.exceptions import DomeinFout

BASIS = Inhoud(
    wet="wmo",
    categorie="02",
    productcode="02A01",
    ingangsdatum=date(2026, 1, 1),
    einddatum=date(2026, 12, 31),
    volume=4,
    eenheid="04",
    frequentie="2",
)


def code_van(actie) -> str:
    with pytest.raises(DomeinFout) as fout:
        actie()
    return fout.value.code


# --- One toewijzing ---------------------------------------------------------------------------


def test_een_geldige_specifieke_toewijzing():
    inhoud_controleren(BASIS)
    inhoud_controleren(
        replace(BASIS, productcode=None, volume=None, eenheid="", frequentie="", budget=None)
    )


@pytest.mark.parametrize(
    ("wijziging", "code"),
    [
        ({"wet": "zvw"}, "wet_ongeldig"),
        ({"einddatum": date(2025, 12, 31)}, "einddatum_voor_ingangsdatum"),
        ({"frequentie": ""}, "omvang_onvolledig"),
        ({"budget": Decimal("10.00")}, "cd077"),
        ({"volume": None, "eenheid": "", "frequentie": ""}, "cd041"),
        (
            {
                "categorie": None,
                "productcode": None,
                "volume": None,
                "eenheid": "",
                "frequentie": "",
            },
            "cd079",
        ),
        (
            {
                "productcode": None,
                "volume": None,
                "eenheid": "",
                "frequentie": "",
                "budget": Decimal("10.00"),
                "einddatum": None,
            },
            "cd075",
        ),
        (
            {
                "productcode": None,
                "volume": None,
                "eenheid": "",
                "frequentie": "",
                "budget": Decimal("10.001"),
            },
            "budget_ongeldig",
        ),
        ({"einddatum": None}, "cd076"),
        ({"eenheid": "16", "frequentie": "1"}, "cs338"),
        ({"eenheid": "99"}, "eenheid_onbekend"),
        ({"frequentie": "5"}, "frequentie_onbekend"),
        ({"volume": 100_000_000}, "volume_ongeldig"),
    ],
)
def test_elke_regel_met_zijn_code(wijziging, code):
    assert code_van(lambda: inhoud_controleren(replace(BASIS, **wijziging))) == code


def test_cs338_geldt_pas_na_2020():
    inhoud_controleren(
        replace(
            BASIS,
            eenheid="16",
            frequentie="1",
            ingangsdatum=date(2020, 1, 1),
            einddatum=date(2020, 12, 31),
        )
    )


@pytest.mark.parametrize(
    ("reden", "code"), [("01", "cs336"), ("13", "cs335"), ("15", "reden_wijziging_ongeldig")]
)
def test_reden_wijziging(reden, code):
    assert code_van(lambda: reden_wijziging_controleren(reden)) == code
    assert reden_wijziging_controleren("14") == "14"


# --- Stacking -----------------------------------------------------------------------------------

dagen = st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 12, 31))


@st.composite
def inhouden(draw) -> Inhoud:
    begin = draw(dagen)
    eind = draw(st.one_of(st.none(), st.integers(0, 400).map(lambda n: begin + timedelta(n))))
    categorie = draw(st.sampled_from([None, "02", "07", "11", "12"]))
    code = None
    if categorie is not None:
        code = draw(st.sampled_from([None, f"{categorie}A01", f"{categorie}A02"]))
    return Inhoud(
        wet="wmo", categorie=categorie, productcode=code, ingangsdatum=begin, einddatum=eind
    )


@given(inhouden(), inhouden())
def test_stapeling_is_symmetrisch(a, b):
    assert gestapeld(a, b) == gestapeld(b, a)


@given(inhouden(), inhouden())
def test_zonder_overlap_nooit_stapeling(a, b):
    if not overlappen(a.ingangsdatum, a.einddatum, b.ingangsdatum, b.einddatum):
        assert not gestapeld(a, b)


@given(inhouden())
def test_hetzelfde_product_stapelt_met_zichzelf_behalve_hulpmiddelen(a):
    assert gestapeld(a, a) == (a.categorie not in {"11", "12"})


@given(dagen, st.integers(0, 400), dagen, st.integers(0, 400))
def test_overlap_is_een_gedeelde_dag(begin_a, duur_a, begin_b, duur_b):
    eind_a, eind_b = begin_a + timedelta(duur_a), begin_b + timedelta(duur_b)
    dagen_a = {begin_a + timedelta(i) for i in range(duur_a + 1)}
    dagen_b = {begin_b + timedelta(i) for i in range(duur_b + 1)}
    assert overlappen(begin_a, eind_a, begin_b, eind_b) == bool(dagen_a & dagen_b)


def test_stapeling_op_categorieniveau_en_generiek():
    specifiek = replace(BASIS, einddatum=None)
    ander_product = replace(specifiek, productcode="02A02")
    aspecifiek = replace(specifiek, productcode=None)
    generiek = replace(specifiek, categorie=None, productcode=None)
    hulpmiddel = replace(specifiek, categorie="11", productcode="11A01")
    assert not gestapeld(specifiek, ander_product)
    assert gestapeld(specifiek, aspecifiek)
    assert gestapeld(generiek, ander_product)
    assert not gestapeld(generiek, hulpmiddel)
    assert not gestapeld(replace(hulpmiddel, wet="jw"), replace(generiek, wet="wmo"))


# --- Changes (IV066) ------------------------------------------------------------------------------


TOTAAL = replace(BASIS, volume=100, frequentie="6")


@given(
    st.one_of(st.none(), dagen),
    st.integers(0, 1000),
    st.one_of(st.none(), st.booleans()),
)
def test_een_wijziging_is_toegestaan_precies_volgens_iv066_op298(einddatum, volume, instemming):
    nieuw = Wijziging(einddatum=einddatum, budget=None, volume=volume)
    verwacht = None
    if volume < TOTAAL.volume and instemming is not True:
        verwacht = "op298"
    elif (einddatum, volume) == (TOTAAL.einddatum, TOTAAL.volume):
        verwacht = "geen_wijziging"
    if verwacht is None:
        uitkomst = wijziging_controleren(TOTAAL, nieuw, instemming_aanbieder=instemming)
        assert (uitkomst.einddatum, uitkomst.volume) == (einddatum, volume)
        assert (uitkomst.productcode, uitkomst.eenheid, uitkomst.frequentie) == ("02A01", "04", "6")
    else:
        assert (
            code_van(lambda: wijziging_controleren(TOTAAL, nieuw, instemming_aanbieder=instemming))
            == verwacht
        )


def test_volume_bij_een_andere_frequentie_is_iv066():
    nieuw = Wijziging(einddatum=BASIS.einddatum, budget=None, volume=5)
    assert code_van(lambda: wijziging_controleren(BASIS, nieuw, instemming_aanbieder=True)) == (
        "iv066"
    )


def test_budget_verlagen_is_op299():
    budget = replace(
        BASIS, productcode=None, volume=None, eenheid="", frequentie="", budget=Decimal("100")
    )
    lager = Wijziging(einddatum=budget.einddatum, budget=Decimal("99.99"), volume=None)
    assert code_van(lambda: wijziging_controleren(budget, lager, instemming_aanbieder=None)) == (
        "op299"
    )
    assert wijziging_controleren(budget, lager, instemming_aanbieder=True).budget == Decimal(
        "99.99"
    )

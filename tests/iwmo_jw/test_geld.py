"""Money in the messages: integer eurocents on the wire, Decimal euros in the models, exactly."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iwmo_jw.codec import CodecFout, parse, serialize
from iwmo_jw.codec.modellen import BedragMetDC, Bericht323, Prestatie323, TotaalBedragMetDC
from kern.geld import eurocent_naar_euro
from tests.iwmo_jw.hulp import voorbeeld

LDT_BEDRAG_MAX = 99_999_999
LDT_TOTAALBEDRAG_MAX = 999_999_999_999


def _basis() -> Bericht323:
    bericht = parse(voorbeeld("JW323"))
    assert isinstance(bericht, Bericht323)
    return bericht


def _met(bericht: Bericht323, prestatie: Prestatie323, totaal: TotaalBedragMetDC) -> Bericht323:
    client = dataclasses.replace(bericht.declaratie.clienten[0], prestaties=(prestatie,))
    declaratie = dataclasses.replace(
        bericht.declaratie, clienten=(client,), totaal_ingediend_bedrag=totaal
    )
    return dataclasses.replace(bericht, declaratie=declaratie)


@pytest.mark.parametrize(
    ("tekst", "euro"),
    [("0", "0.00"), ("1", "0.01"), ("10", "0.10"), ("1250", "12.50"), ("99999999", "999999.99")],
)
def test_eurocent_tekst_wordt_decimal(tekst: str, euro: str) -> None:
    data = voorbeeld("JW323").replace(
        b"<jw323:ProductTarief>1250<", f"<jw323:ProductTarief>{tekst}<".encode(), 1
    )
    tarief = parse(data).declaratie.clienten[0].prestaties[0].product_tarief  # type: ignore[attr-defined]
    assert tarief == Decimal(euro)
    assert str(tarief) == euro  # two decimals, as kern.geld gives them
    assert tarief.as_tuple().exponent == -2


@settings(max_examples=60, deadline=None)
@given(
    tarief=st.integers(0, LDT_BEDRAG_MAX),
    bedrag=st.integers(0, LDT_BEDRAG_MAX),
    totaal=st.integers(0, LDT_TOTAALBEDRAG_MAX),
)
def test_bedragen_heen_en_terug_exact(tarief: int, bedrag: int, totaal: int) -> None:
    bericht = _basis()
    prestatie = dataclasses.replace(
        bericht.declaratie.clienten[0].prestaties[0],
        product_tarief=eurocent_naar_euro(tarief),
        ingediend_bedrag=BedragMetDC(bedrag=eurocent_naar_euro(bedrag), debet_credit="C"),
    )
    model = _met(
        bericht,
        prestatie,
        TotaalBedragMetDC(totaal_bedrag=eurocent_naar_euro(totaal), debet_credit="D"),
    )
    data = serialize(model)
    assert f"<jw323:ProductTarief>{tarief}</jw323:ProductTarief>".encode() in data
    assert f"<ijw:Bedrag>{bedrag}</ijw:Bedrag>".encode() in data
    assert f"<ijw:TotaalBedrag>{totaal}</ijw:TotaalBedrag>".encode() in data
    terug = parse(data)
    assert terug == model
    terug_prestatie = terug.declaratie.clienten[0].prestaties[0]  # type: ignore[attr-defined]
    assert terug_prestatie.ingediend_bedrag.bedrag * 100 == bedrag


def test_een_decimaal_wordt_twee() -> None:
    bericht = _basis()
    prestatie = dataclasses.replace(
        bericht.declaratie.clienten[0].prestaties[0], product_tarief=Decimal("12.5")
    )
    model = _met(bericht, prestatie, bericht.declaratie.totaal_ingediend_bedrag)
    data = serialize(model)
    assert b"<jw323:ProductTarief>1250<" in data
    assert str(parse(data).declaratie.clienten[0].prestaties[0].product_tarief) == "12.50"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("tarief", "melding"),
    [
        (Decimal("12.345"), "bedrag 12.345 is geen geheel aantal eurocenten"),
        (Decimal("NaN"), "bedrag NaN is geen geheel aantal eurocenten"),
        (Decimal("Infinity"), "bedrag Infinity is geen geheel aantal eurocenten"),
        (12.5, "verwacht een bedrag (Decimal), gekregen float"),
        (1250, "verwacht een bedrag (Decimal), gekregen int"),
    ],
)
def test_geen_halve_centen_en_geen_floats(tarief: object, melding: str) -> None:
    bericht = _basis()
    prestatie = dataclasses.replace(
        bericht.declaratie.clienten[0].prestaties[0], product_tarief=tarief
    )  # type: ignore[arg-type]
    with pytest.raises(CodecFout) as fout:
        serialize(_met(bericht, prestatie, bericht.declaratie.totaal_ingediend_bedrag))
    assert fout.value.code == "waarde_ongeldig"
    assert fout.value.melding == (
        "JW323 kan niet worden geschreven (veld declaratie.clienten[0].prestaties[0]"
        f".product_tarief): {melding}."
    )


def test_negatief_en_te_groot_weigert_het_xsd() -> None:
    bericht = _basis()
    for tarief, facet in (
        (Decimal("-0.01"), "minInclusive"),
        (Decimal("1000000.00"), "maxInclusive"),
    ):
        prestatie = dataclasses.replace(
            bericht.declaratie.clienten[0].prestaties[0], product_tarief=tarief
        )
        with pytest.raises(CodecFout) as fout:
            serialize(_met(bericht, prestatie, bericht.declaratie.totaal_ingediend_bedrag))
        assert fout.value.code == "xsd_ongeldig"
        assert f"[facet '{facet}']" in fout.value.meldingen[0].melding

"""The Excel channel: template, reading into the 323 dataclass, findings per row."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from declaraties.excel import BLAD_DECLARATIE, BLAD_PRESTATIES, ExcelOngeldig, lezen, sjabloon
from iwmo_jw.codec import parse, serialize

BSN = "999993653"


def _ingevuld(regels: list[list[object]], **kop: object) -> bytes:
    data = sjabloon(
        wet="jw",
        gemeentecode="0344",
        agb_code="73000001",
        periode_begin=date(2026, 10, 1),
        periode_eind=date(2026, 10, 31),
    )
    werkmap = load_workbook(io.BytesIO(data))
    blad = werkmap[BLAD_DECLARATIE]
    blad["B4"] = kop.get("declaratienummer", "DEC2026101")
    blad["B7"] = kop.get("dagtekening", date(2026, 11, 3))
    for sleutel, cel in (("wet", "B1"), ("gemeente", "B2")):
        if sleutel in kop:
            blad[cel] = kop[sleutel]
    prestaties = werkmap[BLAD_PRESTATIES]
    for rij, regel in enumerate(regels, start=2):  # the template pre-formats its first rows
        for kolom, waarde in enumerate(regel, start=1):
            prestaties.cell(row=rij, column=kolom, value=waarde)
    uit = io.BytesIO()
    werkmap.save(uit)
    return uit.getvalue()


def _regel(**anders: object) -> list[object]:
    waarden: dict[str, object] = {
        "bsn": BSN,
        "ref": "REF-1",
        "vorig": None,
        "nummer": 1234,
        "cat": "45",
        "code": "45A05",
        "begin": date(2026, 10, 1),
        "eind": date(2026, 10, 31),
        "volume": 600,
        "eenheid": "01",
        "tarief": 1.25,
        "bedrag": 750.0,
        "dc": "D",
    }
    waarden.update(anders)
    return list(waarden.values())


def test_template_round_trip_gives_an_xsd_valid_323():
    data = _ingevuld([_regel(), _regel(ref="REF-2", bedrag=12.35, volume=10, tarief=1.24)])
    bericht = lezen(data)
    assert bericht.soort.naam == "JW323"
    assert bericht.header.afzender == "73000001"
    assert bericht.header.ontvanger == "0344"
    decl = bericht.declaratie
    assert decl.declaratie_nummer == "DEC2026101"
    assert decl.totaal_ingediend_bedrag.totaal_bedrag == Decimal("762.35")
    assert decl.totaal_ingediend_bedrag.debet_credit == "D"
    [client] = decl.clienten
    assert client.bsn == BSN
    assert [p.ingediend_bedrag.bedrag for p in client.prestaties] == [
        Decimal("750.00"),
        Decimal("12.35"),
    ]
    xml = serialize(bericht)
    assert parse(xml).declaratie.declaratie_nummer == "DEC2026101"


def test_same_file_same_identity_other_file_other_identity():
    a = _ingevuld([_regel()])
    b = _ingevuld([_regel(ref="REF-9")])
    assert lezen(a).header.identificatie == lezen(a).header.identificatie
    assert lezen(a).header.identificatie != lezen(b).header.identificatie
    assert len(lezen(a).header.identificatie) <= 12


def test_credit_lines_make_the_total_credit():
    data = _ingevuld([_regel(ref="REF-3", vorig="REF-1", dc="C", bedrag=750)])
    totaal = lezen(data).declaratie.totaal_ingediend_bedrag
    assert (totaal.totaal_bedrag, totaal.debet_credit) == (Decimal("750"), "C")


def test_every_bad_row_is_reported_with_row_column_and_code():
    data = _ingevuld(
        [
            _regel(),
            _regel(begin="gisteren", dc="X"),
            _regel(bedrag=-5, bsn=None),
            _regel(bedrag=1.234),
        ]
    )
    with pytest.raises(ExcelOngeldig) as fout:
        lezen(data)
    gevonden = {(f.rij, f.code) for f in fout.value.fouten}
    assert gevonden == {
        (3, "datum_ongeldig"),
        (3, "debet_credit"),
        (4, "verplicht"),
        (4, "bedrag_ongeldig"),
        (5, "bedrag_ongeldig"),
    }
    assert fout.value.code == "excel_ongeldig"
    assert all(f.bericht for f in fout.value.fouten)


def test_missing_header_values_and_an_empty_sheet_are_refused():
    data = _ingevuld([], declaratienummer=None, wet="anders")
    with pytest.raises(ExcelOngeldig) as fout:
        lezen(data)
    assert {f.code for f in fout.value.fouten} == {"verplicht", "wet_onbekend"}


def test_a_file_that_is_no_workbook_is_refused_in_dutch():
    with pytest.raises(ExcelOngeldig) as fout:
        lezen(b"dit is geen excel")
    assert fout.value.fouten[0].code == "geen_excel"


def test_codes_typed_as_numbers_are_padded_back():
    data = _ingevuld([_regel(cat=45, eenheid=1)], gemeente=344)
    bericht = lezen(data)
    prestatie = bericht.declaratie.clienten[0].prestaties[0]
    assert (bericht.header.ontvanger, prestatie.product_categorie, prestatie.eenheid) == (
        "0344",
        "45",
        "01",
    )

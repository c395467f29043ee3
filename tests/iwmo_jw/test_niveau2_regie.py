"""Level 2 of start zorg (305) and stop zorg (307), and the client rules the 305, 307 and 315
share: for every rule a valid message and one that breaks exactly that rule."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iwmo_jw.codec import Melding, parse
from iwmo_jw.codec.modellen import Bericht305, Bericht307, Geboortedatum
from iwmo_jw.codec.niveau2 import niveau2_meldingen
from tests.iwmo_jw.hulp import voorbeeld
from tests.iwmo_jw.niveau2_hulp import PER_REGEL, Geval, controleer, ongeldig_bsn

STARTS = ("JW305", "WMO305")
STOPS = ("JW307", "WMO307")
MET_GEBOORTEDATUM = (*STARTS, *STOPS, "JW315", "WMO315")


def _client(b: Any, **velden: Any) -> Any:
    return replace(b, client=replace(b.client, **velden))


def _geboren(b: Any, dag: date, gebruik: str | None = None) -> Any:
    return _client(b, geboortedatum=Geboortedatum(datum=dag, datum_gebruik=gebruik))


def _jaren_terug(dag: date, jaren: int) -> date:
    if (dag.month, dag.day) == (2, 29):
        dag = dag - timedelta(days=1)
    return dag.replace(year=dag.year - jaren)


# --- the client (305, 307, 315) ------------------------------------------------------------------


def _cs002(b: Any, data: st.DataObject) -> Any:
    return _client(b, bsn=ongeldig_bsn(b.client.bsn))


def _cs139_dag(b: Any, data: st.DataObject) -> Any:
    dag = _jaren_terug(b.header.dagtekening, 10).replace(day=15)
    return _geboren(b, dag, "1")


def _cs139_maand(b: Any, data: st.DataObject) -> Any:
    dag = _jaren_terug(b.header.dagtekening, 10).replace(month=3, day=1)
    return _geboren(b, dag, "2")


def _cs139_onbekend(b: Any, data: st.DataObject) -> Any:
    dag = _jaren_terug(b.header.dagtekening, 10).replace(month=1, day=1)
    return _geboren(b, dag, "3")


def _tr002(b: Any, data: st.DataObject) -> Any:
    return _geboren(b, _jaren_terug(b.header.dagtekening, 120) - timedelta(days=1))


def _tr134_geboortedatum(b: Any, data: st.DataObject) -> Any:
    return _geboren(b, b.header.dagtekening + timedelta(days=1))


# --- 305 -----------------------------------------------------------------------------------------


def _start(b: Bericht305, **velden: Any) -> Bericht305:
    eerste = replace(b.client.start_producten[0], **velden)
    return _client(b, start_producten=(eerste, *b.client.start_producten[1:]))


def _cs058_start(b: Bericht305, data: st.DataObject) -> Bericht305:
    return _start(b, status_aanlevering=data.draw(st.sampled_from(["2", "9"])))


def _tr134_start(b: Bericht305, data: st.DataObject) -> Bericht305:
    return _start(b, begindatum=b.header.dagtekening + timedelta(days=1))


def _tr101_start(b: Bericht305, data: st.DataObject) -> Bericht305:
    producten = b.client.start_producten
    return _client(b, start_producten=(*producten, producten[0]))


# --- 307 -----------------------------------------------------------------------------------------


def _stop(b: Bericht307, **velden: Any) -> Bericht307:
    eerste = replace(b.client.stop_producten[0], **velden)
    return _client(b, stop_producten=(eerste, *b.client.stop_producten[1:]))


def _cs058_stop(b: Bericht307, data: st.DataObject) -> Bericht307:
    return _stop(b, status_aanlevering=data.draw(st.sampled_from(["2", "9"])))


def _tr018(b: Bericht307, data: st.DataObject) -> Bericht307:
    begin = b.client.stop_producten[0].begindatum
    return _stop(b, einddatum=begin - timedelta(days=1))


def _tr134_stop_einde(b: Bericht307, data: st.DataObject) -> Bericht307:
    return _stop(b, einddatum=b.header.dagtekening + timedelta(days=1))


def _tr134_stop_begin(b: Bericht307, data: st.DataObject) -> Bericht307:
    # A Begindatum after the Dagtekening: the Einddatum (not before it, TR018) is too.
    na = b.header.dagtekening + timedelta(days=1)
    return _stop(b, begindatum=na, einddatum=na)


def _tr101_stop(b: Bericht307, data: st.DataObject) -> Bericht307:
    producten = b.client.stop_producten
    return _client(b, stop_producten=(*producten, replace(producten[0], status_aanlevering="3")))


GEVALLEN = [
    Geval("CS002 elfproef", MET_GEBOORTEDATUM, _cs002, (("CS002", "Bsn"),)),
    Geval("CS139 dag onbekend", MET_GEBOORTEDATUM, _cs139_dag, (("CS139", "Datum"),)),
    Geval("CS139 maand onbekend", MET_GEBOORTEDATUM, _cs139_maand, (("CS139", "Datum"),)),
    Geval("CS139 datum onbekend", MET_GEBOORTEDATUM, _cs139_onbekend, (("CS139", "Datum"),)),
    Geval("TR002 120 jaar", MET_GEBOORTEDATUM, _tr002, (("TR002", "Datum"),)),
    Geval("TR134 geboortedatum", MET_GEBOORTEDATUM, _tr134_geboortedatum, (("TR134", "Datum"),)),
    Geval("CS058 start", STARTS, _cs058_start, (("CS058", "StatusAanlevering"),)),
    Geval("TR134 start", STARTS, _tr134_start, (("TR134", "Begindatum"),)),
    Geval("TR101 start", STARTS, _tr101_start, (("TR101", "StartProduct"),)),
    Geval("CS058 stop", STOPS, _cs058_stop, (("CS058", "StatusAanlevering"),)),
    Geval("TR018 stop", STOPS, _tr018, (("TR018", "Einddatum"),)),
    Geval("TR134 stop einde", STOPS, _tr134_stop_einde, (("TR134", "Einddatum"),)),
    Geval(
        "TR134 stop begin",
        STOPS,
        _tr134_stop_begin,
        (("TR134", "Begindatum"), ("TR134", "Einddatum")),
    ),
    Geval("TR101 stop", STOPS, _tr101_stop, (("TR101", "StopProduct"),)),
]


@pytest.mark.parametrize("geval", GEVALLEN, ids=str)
@PER_REGEL
@given(data=st.data())
def test_regel_van_start_en_stop(geval: Geval, data: st.DataObject) -> None:
    controleer(geval, data)


# --- edges and texts ---------------------------------------------------------------------------------


def test_geboortedatum_precies_120_jaar_terug_en_onbekend_mogen() -> None:
    b = parse(voorbeeld("JW305"))
    assert isinstance(b, Bericht305)
    assert b.header.dagtekening == date(2026, 4, 15)
    assert niveau2_meldingen(_geboren(b, date(1906, 4, 15))) == []
    assert niveau2_meldingen(_geboren(b, date(1900, 1, 1), "3")) == []
    assert [m.regel for m in niveau2_meldingen(_geboren(b, date(1906, 4, 14)))] == ["TR002"]
    # 01-01-1900 without DatumGebruik 3 is a real date, 126 years back.
    assert [m.regel for m in niveau2_meldingen(_geboren(b, date(1900, 1, 1)))] == ["TR002"]


def test_teksten_van_start_zorg() -> None:
    b = parse(voorbeeld("JW305"))
    assert isinstance(b, Bericht305)
    fout = _start(
        _client(
            b,
            bsn="999900007",
            geboortedatum=Geboortedatum(datum=date(2010, 2, 14), datum_gebruik="1"),
        ),
        status_aanlevering="2",
        begindatum=date(2026, 4, 16),
    )
    assert niveau2_meldingen(fout) == [
        Melding(
            "CS002",
            "0001",
            "Client: het BSN ******007 voldoet niet aan de elfproef (CS002)",
            None,
            "Bsn",
        ),
        Melding(
            "CS139",
            "0001",
            "Client, Geboortedatum: Datum 14-02-2010 past niet bij DatumGebruik 1; verwacht dag 01 "
            "(DatumGebruik 1: dag onbekend) (CS139)",
            None,
            "Datum",
        ),
        Melding(
            "CS058",
            "0001",
            "StartProduct 1: StatusAanlevering 2 is niet toegestaan; alleen 1 (eerste "
            "aanlevering) of 3 (verwijderen aanlevering) (CS058)",
            None,
            "StatusAanlevering",
        ),
        Melding(
            "TR134",
            "0001",
            "StartProduct 1: Begindatum 16-04-2026 ligt na de Dagtekening van het bericht "
            "(15-04-2026) (TR134)",
            None,
            "Begindatum",
        ),
    ]


def test_stop_zorg_voorbeeld_en_tr018() -> None:
    b = parse(voorbeeld("JW307"))
    assert isinstance(b, Bericht307)
    assert niveau2_meldingen(b) == []
    fout = _stop(b, einddatum=date(2026, 4, 2))
    assert niveau2_meldingen(fout) == [
        Melding(
            "TR018",
            "0001",
            "StopProduct 1: Einddatum 02-04-2026 ligt vóór de Begindatum 03-04-2026 (TR018)",
            None,
            "Einddatum",
        )
    ]

"""Level 2 of the declaration (WMO323 / JW323): for every rule a valid message and one that
breaks exactly that rule, then the texts people read, on the official example."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iwmo_jw.codec import Melding, parse, soort
from iwmo_jw.codec.modellen import (
    BedragMetDC,
    Bericht323,
    Client323,
    GeslotenPeriode,
    Prestatie323,
    Referentie,
    TotaalBedragMetDC,
)
from iwmo_jw.codec.niveau2 import niveau2_meldingen
from iwmo_jw.codec.niveau2.prestaties import PRESTATIEREGELS, _zeker_in_orde
from tests.iwmo_jw.hulp import voorbeeld
from tests.iwmo_jw.niveau2_hulp import PER_REGEL, Geval, controleer, ongeldig_bsn, vereist
from tests.iwmo_jw.strategies import bericht

DECLARATIES = ("JW323", "WMO323")
NIEUW_TOEWIJZING = 999_999_999  # no strategy draws it: a new line never shares a toewijzing


# --- building broken declarations ---------------------------------------------------------------


def _totaal(clienten: tuple[Client323, ...]) -> TotaalBedragMetDC:
    som = Decimal(0)
    for client in clienten:
        for p in client.prestaties:
            b = p.ingediend_bedrag
            som += -b.bedrag if b.debet_credit == "C" else b.bedrag
    return TotaalBedragMetDC(totaal_bedrag=abs(som), debet_credit="C" if som < 0 else "D")


def _met_clienten(b: Bericht323, clienten: tuple[Client323, ...]) -> Bericht323:
    """The declaration with other clients, its TotaalIngediendBedrag made to match (TR358)."""
    declaratie = replace(b.declaratie, clienten=clienten, totaal_ingediend_bedrag=_totaal(clienten))
    return replace(b, declaratie=declaratie)


def _regel(b: Bericht323, referentie: str, **velden: Any) -> Prestatie323:
    """A new, valid debit line modelled on the first one: its own reference and toewijzing,
    4 hours at € 10,00; ``velden`` change it."""
    eerste = b.declaratie.clienten[0].prestaties[0]
    nieuw = replace(
        eerste,
        product_referentie=Referentie(referentie_nummer=referentie),
        toewijzing_nummer=NIEUW_TOEWIJZING,
        eenheid="04",
        geleverd_volume=1,
        product_tarief=Decimal("10.00"),
        ingediend_bedrag=BedragMetDC(bedrag=Decimal("10.00"), debet_credit="D"),
    )
    return replace(nieuw, **velden)


def _erbij(b: Bericht323, *prestaties: Prestatie323) -> Bericht323:
    """``prestaties`` added to the first client."""
    clienten = b.declaratie.clienten
    eerste = replace(clienten[0], prestaties=(*clienten[0].prestaties, *prestaties))
    return _met_clienten(b, (eerste, *clienten[1:]))


def _credit(bedrag: str = "10.00") -> BedragMetDC:
    return BedragMetDC(bedrag=Decimal(bedrag), debet_credit="C")


def _periode(begin: date, eind: date) -> GeslotenPeriode:
    return GeslotenPeriode(begindatum=begin, einddatum=eind)


def _maandeinde(dag: date) -> date:
    volgende = (dag.replace(day=28) + timedelta(days=4)).replace(day=1)
    return volgende - timedelta(days=1)


def _declaratieperiode(b: Bericht323, begin: date, eind: date) -> Bericht323:
    declaratie = replace(b.declaratie, declaratie_periode=_periode(begin, eind))
    return replace(b, declaratie=declaratie)


# --- one case per rule ---------------------------------------------------------------------------


def _cs002(b: Bericht323, data: st.DataObject) -> Bericht323:
    eerste = b.declaratie.clienten[0]
    clienten = (replace(eerste, bsn=ongeldig_bsn(eerste.bsn)), *b.declaratie.clienten[1:])
    return _met_clienten(b, clienten)


def _tr101_client(b: Bericht323, data: st.DataObject) -> Bericht323:
    tweede = Client323(bsn=b.declaratie.clienten[0].bsn, prestaties=(_regel(b, "NIEUW1"),))
    return _met_clienten(b, (*b.declaratie.clienten, tweede))


def _tr101_prestatie(b: Bericht323, data: st.DataObject) -> Bericht323:
    bestaande = b.declaratie.clienten[0].prestaties[0].product_referentie.referentie_nummer
    return _erbij(b, _regel(b, bestaande))


def _tr358(b: Bericht323, data: st.DataObject) -> Bericht323:
    totaal = b.declaratie.totaal_ingediend_bedrag
    fout = replace(totaal, totaal_bedrag=totaal.totaal_bedrag + Decimal("0.01"))
    return replace(b, declaratie=replace(b.declaratie, totaal_ingediend_bedrag=fout))


def _cs325_totaal(b: Bericht323, data: st.DataObject) -> Bericht323:
    nul = _regel(b, "NUL1", ingediend_bedrag=BedragMetDC(bedrag=Decimal("0.00"), debet_credit="D"))
    client = replace(b.declaratie.clienten[0], prestaties=(nul,))
    totaal = TotaalBedragMetDC(totaal_bedrag=Decimal("0.00"), debet_credit="C")
    declaratie = replace(b.declaratie, clienten=(client,), totaal_ingediend_bedrag=totaal)
    return replace(b, declaratie=declaratie)


def _cs340(b: Bericht323, data: st.DataObject) -> Bericht323:
    periode = b.declaratie.declaratie_periode
    return _declaratieperiode(b, periode.begindatum + timedelta(days=1), periode.einddatum)


def _cs100_declaratieperiode(b: Bericht323, data: st.DataObject) -> Bericht323:
    return _declaratieperiode(b, date(2020, 12, 1), date(2020, 12, 31))


def _tr134_declaratieperiode(b: Bericht323, data: st.DataObject) -> Bericht323:
    # A whole month after the Dagtekening: its Einddatum lies after it too (TR137).
    begin = _maandeinde(b.header.dagtekening) + timedelta(days=1)
    return _declaratieperiode(b, begin, _maandeinde(begin))


def _tr137_declaratieperiode(b: Bericht323, data: st.DataObject) -> Bericht323:
    dagtekening = b.header.dagtekening
    vereist(dagtekening != _maandeinde(dagtekening))
    return _declaratieperiode(b, dagtekening.replace(day=1), _maandeinde(dagtekening))


def _tr315(b: Bericht323, data: st.DataObject) -> Bericht323:
    vorig = Referentie(referentie_nummer="NIEUW1", vorig_referentie_nummer="DUBBEL")
    ook = Referentie(referentie_nummer="NIEUW2", vorig_referentie_nummer="DUBBEL")
    return _erbij(
        b,
        _regel(b, "NIEUW1", product_referentie=vorig, ingediend_bedrag=_credit()),
        _regel(b, "NIEUW2", product_referentie=ook, ingediend_bedrag=_credit()),
    )


def _tr316(b: Bericht323, data: st.DataObject) -> Bericht323:
    bestaande = b.declaratie.clienten[-1].prestaties[-1].product_referentie.referentie_nummer
    referentie = Referentie(referentie_nummer="NIEUW1", vorig_referentie_nummer=bestaande)
    return _erbij(b, _regel(b, "NIEUW1", product_referentie=referentie, ingediend_bedrag=_credit()))


def _tr416(b: Bericht323, data: st.DataObject) -> Bericht323:
    debet = [
        p
        for c in b.declaratie.clienten
        for p in c.prestaties
        if p.ingediend_bedrag.debet_credit == "D"
    ]
    vereist(bool(debet))
    d = data.draw(st.sampled_from(debet), label="debet")
    return _erbij(
        b,
        _regel(
            b,
            "NIEUW1",
            toewijzing_nummer=d.toewijzing_nummer,
            product_categorie=d.product_categorie,
            product_code=d.product_code,
            product_periode=d.product_periode,
        ),
    )


def _met_declaratiedagtekening_uiterlijk(b: Bericht323, dag: date) -> Bericht323:
    """The DeclaratieDagtekening moved back to ``dag`` if it is later. Only TR335 reads it, and
    an earlier one only lowers its bound (five years before), so that breaks nothing."""
    eerder = min(b.declaratie.declaratie_dagtekening, dag)
    return replace(b, declaratie=replace(b.declaratie, declaratie_dagtekening=eerder))


def _cs337(b: Bericht323, data: st.DataObject) -> Bericht323:
    eind = b.declaratie.declaratie_periode.einddatum
    begin = eind.replace(day=1) - timedelta(days=1)
    vereist(begin >= date(2021, 1, 1))
    oud = _met_declaratiedagtekening_uiterlijk(b, begin)
    return _erbij(oud, _regel(b, "NIEUW1", product_periode=_periode(begin, eind)))


def _cs100_productperiode(b: Bericht323, data: st.DataObject) -> Bericht323:
    periode = _periode(date(2020, 12, 1), date(2020, 12, 31))
    oud = _met_declaratiedagtekening_uiterlijk(b, date(2021, 1, 1))
    return _erbij(oud, _regel(b, "NIEUW1", product_periode=periode))


def _tr134_productperiode(b: Bericht323, data: st.DataObject) -> Bericht323:
    # Begindatum after the Dagtekening: the Einddatum then is too (TR137), or lies before it.
    na = b.header.dagtekening + timedelta(days=1)
    return _erbij(b, _regel(b, "NIEUW1", product_periode=_periode(na, na)))


def _tr137_na_dagtekening(b: Bericht323, data: st.DataObject) -> Bericht323:
    dagtekening = b.header.dagtekening
    vereist(dagtekening != _maandeinde(dagtekening))
    periode = _periode(dagtekening.replace(day=1), dagtekening + timedelta(days=1))
    return _erbij(b, _regel(b, "NIEUW1", product_periode=periode))


def _tr137_voor_begindatum(b: Bericht323, data: st.DataObject) -> Bericht323:
    dagtekening = b.header.dagtekening
    vereist(dagtekening.day > 1)
    periode = _periode(dagtekening, dagtekening - timedelta(days=1))
    return _erbij(b, _regel(b, "NIEUW1", product_periode=periode))


def _tr335(b: Bericht323, data: st.DataObject) -> Bericht323:
    eind = date(2021, 1, 31)
    vereist(
        all(p.product_periode.einddatum > eind for c in b.declaratie.clienten for p in c.prestaties)
    )
    vereist(b.header.dagtekening >= eind)
    oud = _erbij(b, _regel(b, "NIEUW1", product_periode=_periode(date(2021, 1, 1), eind)))
    return replace(oud, declaratie=replace(oud.declaratie, declaratie_dagtekening=date(2026, 2, 1)))


def _cs339(b: Bericht323, data: st.DataObject) -> Bericht323:
    euro = BedragMetDC(bedrag=Decimal("10.01"), debet_credit="D")
    return _erbij(
        b,
        _regel(
            b,
            "NIEUW1",
            eenheid="83",
            geleverd_volume=1000,
            product_tarief=None,
            ingediend_bedrag=euro,
        ),
    )


def _cd087_zonder_tarief(b: Bericht323, data: st.DataObject) -> Bericht323:
    return _erbij(b, _regel(b, "NIEUW1", product_tarief=None))


def _cd087_tarief_bij_euros(b: Bericht323, data: st.DataObject) -> Bericht323:
    return _erbij(b, _regel(b, "NIEUW1", eenheid="83", geleverd_volume=1000))


def _cs325_prestatie(b: Bericht323, data: st.DataObject) -> Bericht323:
    referentie = Referentie(referentie_nummer="NIEUW1", vorig_referentie_nummer="OUD1")
    return _erbij(
        b, _regel(b, "NIEUW1", product_referentie=referentie, ingediend_bedrag=_credit("0.00"))
    )


def _cd060_credit_zonder_vorig(b: Bericht323, data: st.DataObject) -> Bericht323:
    return _erbij(b, _regel(b, "NIEUW1", ingediend_bedrag=_credit()))


def _cd060_debet_met_vorig(b: Bericht323, data: st.DataObject) -> Bericht323:
    referentie = Referentie(referentie_nummer="NIEUW1", vorig_referentie_nummer="OUD1")
    return _erbij(b, _regel(b, "NIEUW1", product_referentie=referentie))


GEVALLEN = [
    Geval("CS002 elfproef", DECLARATIES, _cs002, (("CS002", "Bsn"),)),
    Geval("TR101 client", DECLARATIES, _tr101_client, (("TR101", "Bsn"),)),
    Geval("TR101 prestatie", DECLARATIES, _tr101_prestatie, (("TR101", "ReferentieNummer"),)),
    Geval("TR358 totaal", DECLARATIES, _tr358, (("TR358", "TotaalBedrag"),)),
    Geval("CS325 totaal", DECLARATIES, _cs325_totaal, (("CS325", "DebetCredit"),)),
    Geval("CS340 maand", DECLARATIES, _cs340, (("CS340", "DeclaratiePeriode"),)),
    Geval(
        "CS100 declaratieperiode", DECLARATIES, _cs100_declaratieperiode, (("CS100", "Begindatum"),)
    ),
    Geval(
        "TR134 declaratieperiode",
        DECLARATIES,
        _tr134_declaratieperiode,
        (("TR134", "Begindatum"), ("TR137", "Einddatum")),
    ),
    Geval(
        "TR137 declaratieperiode", DECLARATIES, _tr137_declaratieperiode, (("TR137", "Einddatum"),)
    ),
    Geval("TR315 vorig uniek", DECLARATIES, _tr315, (("TR315", "VorigReferentieNummer"),)),
    Geval("TR316 zelfde bericht", DECLARATIES, _tr316, (("TR316", "VorigReferentieNummer"),)),
    Geval("TR416 tweede debet", DECLARATIES, _tr416, (("TR416", "DebetCredit"),)),
    Geval("CS337 een maand", DECLARATIES, _cs337, (("CS337", "Einddatum"),)),
    Geval("CS100 productperiode", DECLARATIES, _cs100_productperiode, (("CS100", "Begindatum"),)),
    Geval(
        "TR134 productperiode",
        DECLARATIES,
        _tr134_productperiode,
        (("TR134", "Begindatum"), ("TR137", "Einddatum")),
    ),
    Geval("TR137 na dagtekening", DECLARATIES, _tr137_na_dagtekening, (("TR137", "Einddatum"),)),
    Geval("TR137 voor begindatum", DECLARATIES, _tr137_voor_begindatum, (("TR137", "Einddatum"),)),
    Geval("TR335 vijf jaar", DECLARATIES, _tr335, (("TR335", "Einddatum"),)),
    Geval("CS339 euro is volume", DECLARATIES, _cs339, (("CS339", "Bedrag"),)),
    Geval("CD087 zonder tarief", DECLARATIES, _cd087_zonder_tarief, (("CD087", "ProductTarief"),)),
    Geval(
        "CD087 tarief bij euros",
        DECLARATIES,
        _cd087_tarief_bij_euros,
        (("CD087", "ProductTarief"),),
    ),
    Geval("CS325 prestatie", DECLARATIES, _cs325_prestatie, (("CS325", "DebetCredit"),)),
    Geval(
        "CD060 credit",
        DECLARATIES,
        _cd060_credit_zonder_vorig,
        (("CD060", "VorigReferentieNummer"),),
    ),
    Geval(
        "CD060 debet", DECLARATIES, _cd060_debet_met_vorig, (("CD060", "VorigReferentieNummer"),)
    ),
]


@pytest.mark.parametrize("geval", GEVALLEN, ids=str)
@PER_REGEL
@given(data=st.data())
def test_regel_van_de_declaratie(geval: Geval, data: st.DataObject) -> None:
    controleer(geval, data)


# --- the shortcut of the one-pass rules -----------------------------------------------------------


@PER_REGEL
@given(p=bericht(soort("WMO323")).map(lambda b: b.declaratie.clienten[0].prestaties[0]))
def test_zeker_in_orde_slaat_alleen_over_wat_de_regels_goedkeuren(p: Prestatie323) -> None:
    if _zeker_in_orde(p):
        assert [regel(p) for regel in PRESTATIEREGELS] == [None] * len(PRESTATIEREGELS)


# --- the texts, on the official example -------------------------------------------------------------


def _voorbeeld() -> Bericht323:
    """The official JW323 example with its duplicate RN004 made unique (RN005) and on its own
    toewijzing (10075): valid at level 2."""
    b = parse(voorbeeld("JW323"))
    assert isinstance(b, Bericht323)
    tweede = b.declaratie.clienten[1]
    prestaties = list(tweede.prestaties)
    prestaties[1] = replace(prestaties[1], toewijzing_nummer=10075)
    prestaties[2] = replace(prestaties[2], product_referentie=Referentie(referentie_nummer="RN005"))
    clienten = (b.declaratie.clienten[0], replace(tweede, prestaties=tuple(prestaties)))
    return replace(b, declaratie=replace(b.declaratie, clienten=clienten))


def test_het_gecorrigeerde_voorbeeld_is_geldig() -> None:
    assert niveau2_meldingen(_voorbeeld()) == []


def test_teksten_noemen_regel_plaats_en_waarde_maar_nooit_het_hele_bsn() -> None:
    b = _voorbeeld()
    eerste, tweede = b.declaratie.clienten
    p = eerste.prestaties[1]
    fout = _met_clienten(
        b,
        (
            replace(
                eerste,
                bsn="999900007",
                prestaties=(
                    eerste.prestaties[0],
                    replace(
                        p,
                        eenheid="83",
                        product_tarief=None,
                        geleverd_volume=24001,
                        product_periode=_periode(date(2026, 4, 1), date(2026, 5, 7)),
                    ),
                ),
            ),
            tweede,
        ),
    )
    totaal = fout.declaratie.totaal_ingediend_bedrag
    fout = replace(
        fout,
        declaratie=replace(
            fout.declaratie,
            totaal_ingediend_bedrag=replace(totaal, totaal_bedrag=Decimal("1234.56")),
        ),
    )
    assert niveau2_meldingen(fout) == [
        Melding(
            "CS002",
            "0001",
            "Client 1: het BSN ******007 voldoet niet aan de elfproef (CS002)",
            None,
            "Bsn",
        ),
        Melding(
            "TR358",
            "0001",
            "Declaratie, TotaalIngediendBedrag: € 1.234,56 D is niet de som van de prestaties: "
            "debet € 790,00 min credit € 0,00 is € 790,00 D (TR358)",
            None,
            "TotaalBedrag",
        ),
        Melding(
            "CS337",
            "0001",
            "Client 1, prestatie 2 (ReferentieNummer RN002): ProductPeriode 01-04-2026 t/m "
            "07-05-2026 valt niet binnen één kalendermaand (CS337)",
            None,
            "Einddatum",
        ),
        Melding(
            "TR137",
            "0001",
            "Client 1, prestatie 2 (ReferentieNummer RN002): ProductPeriode: Einddatum "
            "07-05-2026 ligt na de Dagtekening van het bericht (06-05-2026) (TR137)",
            None,
            "Einddatum",
        ),
        Melding(
            "CS339",
            "0001",
            "Client 1, prestatie 2 (ReferentieNummer RN002): bij Eenheid 83 (euro's) moet "
            "IngediendBedrag (€ 240,00) gelijk zijn aan GeleverdVolume (24001 eurocent) (CS339)",
            None,
            "Bedrag",
        ),
    ]

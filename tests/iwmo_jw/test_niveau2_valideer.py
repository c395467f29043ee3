"""Level 2 as ``valideer`` runs it: the official examples, messages that pass levels 1 and 2,
line numbers, the limits on findings, and the helpers the rules stand on."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from itertools import combinations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stdnum.nl import bsn as stdnum_bsn

from iwmo_jw.codec import Melding, Validatieresultaat, kop_van, parse, serialize, soort, valideer
from iwmo_jw.codec.modellen import Bericht323, Client323, Referentie
from iwmo_jw.codec.niveau2 import (
    MAX_PER_REGEL,
    REGELS,
    niveau2_bevindingen,
    niveau2_meldingen,
)
from iwmo_jw.codec.niveau2.basis import Aanvraag, elfproef, jaren_terug, overlappende_producten
from iwmo_jw.codec.soorten import Standaard
from tests.iwmo_jw.hulp import IJW_VOORBEELDEN, voorbeeld
from tests.iwmo_jw.strategies import NIVEAU2_BERICHTTYPEN, bericht, geldig_niveau2

# --- the official examples -------------------------------------------------------------------------


def test_jw323_faalt_op_niveau_2_door_de_dubbele_rn004() -> None:
    """The example declares RN004 twice for the second client (March and April 2026). With the
    Client's key, the Prestatie's key (ProductReferentie) is not unique: TR101. Its April line
    is moreover a second debit for toewijzing 10073, product 45/45A04, April 2026, which the
    first client's RN002 already declares: TR416 (the rule names no client). TR314 (8021)
    would also reject it, on level 3."""
    resultaat = valideer(voorbeeld("JW323"))
    assert (resultaat.geldig, resultaat.niveau, resultaat.berichttype) == (False, 2, "323")
    assert resultaat.bericht == parse(voorbeeld("JW323"))
    assert resultaat.fouten == [
        Melding(
            "TR101",
            "0001",
            "Client 2, prestatie 3 (ReferentieNummer RN004): dezelfde ReferentieNummer staat al "
            "bij prestatie 2 van deze client (TR101)",
            116,
            "ReferentieNummer",
        ),
        Melding(
            "TR416",
            "0001",
            "Client 2, prestatie 2 (ReferentieNummer RN004): tweede debetprestatie voor "
            "toewijzing 10073, product 45/45A04, periode 01-04-2026 t/m 30-04-2026; de eerste is "
            "client 1, prestatie 2 (TR416)",
            111,
            "DebetCredit",
        ),
    ]
    regels = voorbeeld("JW323").decode().splitlines()
    assert "<ijw:ReferentieNummer>RN004</ijw:ReferentieNummer>" in regels[116 - 1]
    assert "<ijw:DebetCredit>D</ijw:DebetCredit>" in regels[111 - 1]


def test_jw317_faalt_op_niveau_2_door_een_einddatum_voor_de_ingangsdatum() -> None:
    resultaat = valideer(voorbeeld("JW317"))
    assert (resultaat.geldig, resultaat.niveau) == (False, 2)
    assert [(m.regel, m.code, m.element, m.regelnummer) for m in resultaat.fouten] == [
        ("CS003", "0001", "Einddatum", 35)
    ]


@pytest.mark.parametrize("naam", IJW_VOORBEELDEN)
def test_uitkomst_van_elk_officieel_voorbeeld(naam: str) -> None:
    verwacht = {"JW315": 1, "JW318": 1, "JW317": 2, "JW323": 2}.get(naam)
    resultaat = valideer(voorbeeld(naam))
    assert resultaat.niveau == verwacht
    assert resultaat.geldig is (verwacht is None)
    if verwacht == 1:
        assert resultaat.bericht is None
    else:
        assert resultaat.bericht == parse(voorbeeld(naam))


def test_berichttypen_zonder_regels_op_niveau_2() -> None:
    assert sorted(REGELS) == sorted(NIVEAU2_BERICHTTYPEN) == ["305", "307", "315", "317", "323"]
    for naam in ("JW301", "JW319", "JW325", "JW302"):
        assert niveau2_meldingen(parse(voorbeeld(naam))) == []


# --- generated messages that pass both levels ------------------------------------------------------

NIVEAU2_SOORTEN = [f"{p}{t}" for t in NIVEAU2_BERICHTTYPEN for p in ("JW", "WMO")]


@pytest.mark.parametrize("naam", NIVEAU2_SOORTEN)
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(data=st.data())
def test_geldig_voor_niveau_2_gebouwde_berichten_zijn_geldig(
    naam: str, data: st.DataObject
) -> None:
    b = data.draw(geldig_niveau2(soort(naam)))
    data_ = serialize(b)
    resultaat = valideer(data_)
    assert resultaat == Validatieresultaat(
        geldig=True,
        niveau=None,
        standaard=b.soort.standaard.value,
        berichtcode=b.soort.berichtcode,
        berichttype=b.soort.berichttype,
        fouten=[],
        bericht=b,
        kop=kop_van(data_),
    )
    assert resultaat.kop is not None  # read from the same parse as the model


@pytest.mark.parametrize("naam", NIVEAU2_SOORTEN)
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_niveau_2_breekt_op_geen_enkel_schema_geldig_bericht(
    naam: str, data: st.DataObject
) -> None:
    """Any schema-valid message (dates from year 1 to 9999, any text): the rules report, they
    do not raise, and every finding names a rule, an element and the retourcode."""
    b = data.draw(bericht(soort(naam)))
    for melding in niveau2_meldingen(b):
        assert melding.code == "0001"
        assert melding.regel[:2] in ("CS", "CD", "TR") and melding.element
        assert melding.melding.endswith(f"({melding.regel})")


# --- limits ------------------------------------------------------------------------------------------


def _ongeldig_bsn(i: int) -> str:
    """A BSN that fails the eleven-test: eight digits and a check digit one too high."""
    cijfers = f"{i:08d}"
    controle = sum(g * int(c) for g, c in zip(range(9, 1, -1), cijfers, strict=True)) % 11
    return cijfers + str((controle + 1) % 10)


def _veel_clienten(aantal: int) -> Bericht323:
    """The JW323 example with ``aantal`` clients of one line each, every BSN failing CS002."""
    b = parse(voorbeeld("JW323"))
    assert isinstance(b, Bericht323)
    regel = b.declaratie.clienten[0].prestaties[0]
    clienten = tuple(
        Client323(
            bsn=_ongeldig_bsn(i),
            prestaties=(
                replace(
                    regel,
                    product_referentie=Referentie(referentie_nummer=f"R{i}"),
                    toewijzing_nummer=i,
                ),
            ),
        )
        for i in range(aantal)
    )
    totaal = replace(
        b.declaratie.totaal_ingediend_bedrag,
        totaal_bedrag=regel.ingediend_bedrag.bedrag * aantal,
    )
    declaratie = replace(b.declaratie, clienten=clienten, totaal_ingediend_bedrag=totaal)
    return replace(b, declaratie=declaratie)


def test_per_regel_de_eerste_honderd_en_dan_een_telling() -> None:
    b = _veel_clienten(MAX_PER_REGEL + 50)
    meldingen = niveau2_meldingen(b)
    assert len(meldingen) == MAX_PER_REGEL + 1
    assert {m.regel for m in meldingen} == {"CS002"}
    assert (
        meldingen[0].melding == "Client 1: het BSN ******001 voldoet niet aan de elfproef (CS002)"
    )
    assert meldingen[-1] == Melding(
        "CS002",
        "0001",
        "Regel CS002 faalt nog 50 keer in dit bericht; alleen de eerste 100 zijn genoemd (CS002)",
        None,
        "Bsn",
    )


def test_na_te_veel_bevindingen_stopt_de_controle() -> None:
    b = _veel_clienten(20)
    bevindingen = niveau2_bevindingen(b, max_per_regel=3, max_totaal=7)
    assert [x.regel for x in bevindingen] == ["CS002"] * 5
    assert [x.melding for x in bevindingen[3:]] == [
        "Regel CS002 faalt nog 4 keer in dit bericht; alleen de eerste 3 zijn genoemd (CS002)",
        "De controle op niveau 2 is na 7 bevindingen gestopt (bij regel CS002); het bericht kan "
        "nog meer fouten bevatten",
    ]


def test_regelnummers_van_veel_bevindingen_in_een_groot_bericht() -> None:
    data = serialize(_veel_clienten(MAX_PER_REGEL + 5))
    resultaat = valideer(data)
    regels = data.decode().splitlines()
    assert resultaat.niveau == 2
    for melding in resultaat.fouten[:MAX_PER_REGEL]:
        assert melding.regelnummer is not None
        assert "Bsn>" in regels[melding.regelnummer - 1]
    assert resultaat.fouten[-1].regelnummer is None  # the count belongs to no element


# --- the helpers -----------------------------------------------------------------------------------


@given(st.from_regex(r"[0-9]{9}", fullmatch=True))
def test_elfproef_zoals_python_stdnum(bsn: str) -> None:
    assert elfproef(bsn) is stdnum_bsn.is_valid(bsn)


def test_elfproef_voorbeelden() -> None:
    assert elfproef("999900006") and elfproef("111222333")
    assert not elfproef("999900007") and not elfproef("000000000") and not elfproef("12345678")


@pytest.mark.parametrize(
    ("dag", "jaren", "verwacht"),
    [
        (date(2026, 5, 6), 5, date(2021, 5, 6)),
        (date(2024, 2, 29), 5, date(2019, 2, 28)),
        (date(2024, 2, 29), 120, date(1904, 2, 29)),
        (date(100, 1, 1), 120, date.min),
    ],
)
def test_jaren_terug(dag: date, jaren: int, verwacht: date) -> None:
    assert jaren_terug(dag, jaren) == verwacht


_DAG = st.integers(0, 40).map(lambda n: date(2026, 1, 1) + timedelta(days=n))


@st.composite
def _aanvragen(draw: st.DrawFn) -> list[Aanvraag]:
    aantal = draw(st.integers(0, 7))
    uitkomst = []
    for i in range(aantal):
        begin = draw(_DAG)
        eind = draw(st.one_of(st.none(), _DAG.filter(lambda d, b=begin: d >= b)))
        categorie = draw(st.sampled_from([None, "01", "02", "11"]))
        code = None if categorie is None else draw(st.sampled_from([None, "A", "B"]))
        uitkomst.append(Aanvraag(i, categorie, code, begin, eind))
    return uitkomst


def _botsen(a: Aanvraag, b: Aanvraag, standaard: Standaard) -> bool:
    """The overlap rule of TR386/TR410 for one pair, straight from its text."""
    laatste = date.max
    if not (a.begin <= (b.eind or laatste) and b.begin <= (a.eind or laatste)):
        return False
    vrij = {"11", "12", "13", "14"} if standaard is Standaard.IWMO else set()
    if a.categorie in vrij or b.categorie in vrij:
        return False
    if a.categorie is None or b.categorie is None:
        return True
    if a.code is None or b.code is None:
        return a.categorie == b.categorie
    return (a.categorie, a.code) == (b.categorie, b.code)


@settings(max_examples=200)
@given(_aanvragen(), st.sampled_from(list(Standaard)))
def test_overlap_zoals_paarsgewijs_uit_de_regeltekst(
    aanvragen: list[Aanvraag], standaard: Standaard
) -> None:
    """The sweep reports a product iff some product that starts earlier (or at the same day
    and comes first) conflicts with it, and names such a product."""
    volgorde = {a.index: (a.begin, a.index) for a in aanvragen}
    verwacht = {
        b.index
        for a, b in combinations(sorted(aanvragen, key=lambda x: volgorde[x.index]), 2)
        if _botsen(a, b, standaard)
    }
    paren = list(overlappende_producten(aanvragen, standaard))
    assert {later.index for later, _ in paren} == verwacht
    assert len(paren) == len(verwacht)
    for later, eerder in paren:
        assert _botsen(later, eerder, standaard)
        assert volgorde[eerder.index] < volgorde[later.index]

"""Scene for the berichtenbox tests: the official iJw 3.2 example messages (copied verbatim
into ``voorbeelden/`` from shared/istandaarden/voorbeeldberichten/ijw-3.2), with header
fields changed where a test needs another identity; gemeente Diemen (0384, the examples'
gemeente) and Amsterdam (0363) served; two providers with a user each.

Two official examples fail level 2 (the rules inside a message, retourcode 0001): JW323
declares RN004 twice (TR101) with a second debit for toewijzing 10073 in April (TR416), and
JW317 asks for a NieuwProduct that ends before it starts (CS003). These tests are about the
berichtenbox, not about those rules, so :func:`voorbeeld` gives those two with the faults
corrected (:func:`officieel` gives the files as they are; the level-2 outcome of the
originals is tested in tests/iwmo_jw/test_niveau2_valideer.py and below where a test says so)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from lxml import etree
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from contracten.models import Zorgaanbieder
from iwmo_jw import routering
from kern.models import Gebruiker, Gemeente
from kern.services import gemeenten_aansluiten
from tests.factories import GebruikerFactory, ZorgaanbiederFactory, aanbieder_gebruiker, gemeente

VOORBEELDEN = Path(__file__).parent / "voorbeelden"
AMSTERDAM_TZ = ZoneInfo("Europe/Amsterdam")

#: AGB codes of the examples: 65656055 sends 305/307/317/323, 42420001 the 315.
AGB_JEUGDHULP = "65656055"
AGB_VERWIJS = "42420001"


def officieel(naam: str) -> bytes:
    """The official example, byte for byte."""
    return (VOORBEELDEN / f"{naam}.xml").read_bytes()


def _vervang_eenmaal(tekst: str, oud: str, nieuw: str, *, vanaf: int = 0) -> str:
    plek = tekst.index(oud, vanaf)
    return tekst[:plek] + nieuw + tekst[plek + len(oud) :]


def _jw323_niveau2_geldig(data: bytes) -> bytes:
    """The second client's lines become RN004 on toewijzing 10075 (April) and RN005 (March):
    no duplicate ReferentieNummer (TR101), no second April debit on 10073 (TR416)."""
    tekst = data.decode()
    tweede_client = tekst.index("<jw323:Bsn>999900018</jw323:Bsn>")
    tekst = _vervang_eenmaal(
        tekst,
        "<jw323:ToewijzingNummer>10073</jw323:ToewijzingNummer>",
        "<jw323:ToewijzingNummer>10075</jw323:ToewijzingNummer>",
        vanaf=tweede_client,
    )
    tweede_rn004 = tekst.index("RN004", tekst.index("RN004") + 1)
    return _vervang_eenmaal(tekst, "RN004", "RN005", vanaf=tweede_rn004).encode()


def _jw317_niveau2_geldig(data: bytes) -> bytes:
    """The NieuwProduct from 01-11-2026 ends on 28-02-2027 instead of 28-02-2024 (CS003)."""
    oud = b"<jw317:Einddatum>2024-02-28</jw317:Einddatum>"
    assert data.count(oud) == 1
    return data.replace(oud, b"<jw317:Einddatum>2027-02-28</jw317:Einddatum>")


_NIVEAU2_CORRECTIES: dict[str, Callable[[bytes], bytes]] = {
    "JW323": _jw323_niveau2_geldig,
    "JW317": _jw317_niveau2_geldig,
}


def voorbeeld(naam: str) -> bytes:
    """The official example; JW323 and JW317 with their level-2 faults corrected."""
    data = officieel(naam)
    correctie = _NIVEAU2_CORRECTIES.get(naam)
    return correctie(data) if correctie is not None else data


def bericht(
    naam: str,
    *,
    identificatie: str | None = None,
    afzender: str | None = None,
    ontvanger: str | None = None,
    identificatie_retour: str | None = None,
    dagtekening: str | None = None,
) -> bytes:
    """An example message with header fields replaced (the rest unchanged)."""
    root = etree.fromstring(voorbeeld(naam))
    header = root[0]
    vervangen = {
        "Identificatie": identificatie,
        "Afzender": afzender,
        "Ontvanger": ontvanger,
        "IdentificatieRetour": identificatie_retour,
        "Dagtekening": dagtekening,
    }
    for element in header.iter():
        naam_element = etree.QName(element).localname
        waarde = vervangen.get(naam_element)
        if waarde is not None and element.getparent().tag.endswith(
            ("Header", "BerichtIdentificatie")
        ):
            element.text = waarde
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def moment(dag: date, uur: int = 10) -> datetime:
    return datetime(dag.year, dag.month, dag.day, uur, 0, tzinfo=AMSTERDAM_TZ)


@pytest.fixture(autouse=True)
def lege_routering() -> Iterator[None]:
    """Every test starts with no handlers (nor their batches) registered and leaves none
    behind."""
    bewaard, partijen = dict(routering._HANDLERS), dict(routering._PARTIJEN)
    routering._HANDLERS.clear()
    routering._PARTIJEN.clear()
    yield
    routering._HANDLERS.clear()
    routering._HANDLERS.update(bewaard)
    routering._PARTIJEN.clear()
    routering._PARTIJEN.update(partijen)


@pytest.fixture
def diemen(db) -> Gemeente:
    g = gemeente("0384")
    gemeenten_aansluiten(door=None, gemeenten=[g])
    g.refresh_from_db()
    return g


@pytest.fixture
def amsterdam_aangesloten(db) -> Gemeente:
    g = gemeente("0363")
    gemeenten_aansluiten(door=None, gemeenten=[g])
    g.refresh_from_db()
    return g


@pytest.fixture
def jeugdhulp(db) -> Zorgaanbieder:
    return ZorgaanbiederFactory(agb_code=AGB_JEUGDHULP, naam="Jeugdhulp Zuid B.V.")


@pytest.fixture
def verwijs(db) -> Zorgaanbieder:
    return ZorgaanbiederFactory(agb_code=AGB_VERWIJS, naam="Verwijs Noord B.V.")


@pytest.fixture
def regisseur_diemen(diemen) -> Gebruiker:
    return GebruikerFactory(username="regie_diemen", rollen=["regisseur"], gemeenten=[diemen])


@pytest.fixture
def client_voor() -> Callable[[Gebruiker], APIClient]:
    def maak(gebruiker: Gebruiker) -> APIClient:
        client = APIClient()
        token, _ = Token.objects.get_or_create(user=gebruiker)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return maak


@pytest.fixture
def gebruiker_jeugdhulp(jeugdhulp) -> Gebruiker:
    return aanbieder_gebruiker(jeugdhulp, username="jeugdhulp")


@pytest.fixture
def gebruiker_verwijs(verwijs) -> Gebruiker:
    return aanbieder_gebruiker(verwijs, username="verwijs")

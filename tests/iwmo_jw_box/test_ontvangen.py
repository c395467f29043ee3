"""Receiving inbound messages: raw first, the outcome of every kind of input, idempotency."""

from __future__ import annotations

import copy
import hashlib
import io
import uuid
from datetime import date

import pytest
from django.db import IntegrityError, transaction
from lxml import etree

from iwmo_jw import services
from iwmo_jw.codec import Melding
from iwmo_jw.constants import BEWAARD_BIJ_TE_GROOT, BerichtStatus, Kanaal, TermijnSoort
from iwmo_jw.invoer import lees_begrensd, max_grootte
from iwmo_jw.models import (
    InkomendBericht,
    Termijn,
    UitgaandBericht,
)
from iwmo_jw.services import beoordelen, bericht_ontvangen, ontvangen
from kern.services import gemeenten_aansluiten
from tests.factories import gemeente
from tests.iwmo_jw_box.conftest import AGB_JEUGDHULP, bericht, moment, officieel, voorbeeld
from tests.utils import NietsVeranderd, tabel_tellingen

pytestmark = pytest.mark.django_db


def _historie(b: InkomendBericht) -> list[tuple[str, str]]:
    return list(b.statuswijzigingen.order_by("id").values_list("van_status", "naar_status"))


# --- Accepted ----------------------------------------------------------------------------------


def test_bericht_wordt_ruw_bewaard_met_de_gegevens_uit_de_header(diemen):
    data = voorbeeld("JW323")
    ontvangst = bericht_ontvangen(
        data=data,
        bestandsnaam="/tmp/in/JW323.xml",
        kanaal=Kanaal.GGK,
        ontvangen_op=moment(date(2026, 5, 6)),
    )
    b = InkomendBericht.objects.get(pk=ontvangst.bericht.pk)
    assert ontvangst.nieuw is True
    assert bytes(b.inhoud) == data
    assert b.inhoud_volledig is True
    assert b.sha256 == hashlib.sha256(data).hexdigest()
    assert b.grootte == len(data)
    assert b.bestandsnaam == "JW323.xml"
    assert b.kanaal == "ggk"
    assert b.ontvangen_op == moment(date(2026, 5, 6))
    assert (b.standaard, b.berichtcode, b.berichttype, b.berichtnaam) == (
        "ijw",
        490,
        "323",
        "JW323",
    )
    assert (b.afzender, b.ontvanger, b.identificatie) == (AGB_JEUGDHULP, "0384", "765432198")
    assert (b.gemeente, b.gemeentecode, b.agb_code) == (diemen, "0384", AGB_JEUGDHULP)
    assert b.status == BerichtStatus.WACHT_OP_VERWERKING
    # Wed 6 May 2026 + 10 working days, Ascension Day (Thu 14 May) not counted: Thu 21 May.
    assert list(b.termijnen.values_list("soort", "uiterste_datum")) == [
        (TermijnSoort.DECLARATIE_ANTWOORD, date(2026, 5, 21))
    ]


def test_geaccepteerd_bericht_krijgt_status_uitkomst_en_termijn(amsterdam_aangesloten):
    data = voorbeeld("JW305")
    b = bericht_ontvangen(data=data, ontvangen_op=moment(date(2026, 4, 15))).bericht
    b.refresh_from_db()
    assert b.status == BerichtStatus.WACHT_OP_VERWERKING
    assert (b.uitkomst_code, b.geldig, b.niveau, b.retourcode) == ("geldig", True, None, "")
    assert b.bevindingen == []
    assert b.gemeente == amsterdam_aangesloten
    assert b.gemeentecode == "0363"
    assert b.agb_code == AGB_JEUGDHULP
    assert b.dagtekening == date(2026, 4, 15)
    assert _historie(b) == [("", "ontvangen"), ("ontvangen", "wacht_op_verwerking")]
    # Wed 15 April 2026 + 3 working days = Mon 20 April.
    assert list(b.termijnen.values_list("soort", "werkdagen", "begindatum", "uiterste_datum")) == [
        (TermijnSoort.RETOUR, 3, date(2026, 4, 15), date(2026, 4, 20))
    ]


def test_retourbericht_heeft_eigen_identificatie_en_afzender(diemen):
    """A 302 copies the 301 header: its sender is the provider (Ontvanger in the header) and
    its own id is IdentificatieRetour; it is linked to our 301 when we sent it."""
    uit = services.bericht_uitgaand_vastleggen(data=voorbeeld("JW301"), antwoord_op=None)
    b = bericht_ontvangen(data=voorbeeld("JW302")).bericht
    b.refresh_from_db()
    assert (b.afzender, b.ontvanger) == ("42420001", "0384")
    assert (b.identificatie, b.identificatie_heen) == ("9452b7eb-c87", "123456789012")
    assert (b.gemeentecode, b.agb_code) == ("0384", "42420001")
    assert b.status == BerichtStatus.WACHT_OP_VERWERKING
    assert b.antwoord_op == uit
    assert b.termijnen.count() == 0


# --- Raw first ---------------------------------------------------------------------------------


def test_ruw_bericht_staat_er_ook_als_de_controle_crasht(diemen, monkeypatch):
    def kapot(*args, **kwargs):
        raise RuntimeError("controle stuk")

    monkeypatch.setattr(beoordelen, "valideer", kapot)
    data = voorbeeld("JW323")
    with pytest.raises(RuntimeError):
        bericht_ontvangen(data=data, bestandsnaam="JW323.xml")
    b = InkomendBericht.objects.get()
    assert bytes(b.inhoud) == data
    assert b.sha256 == hashlib.sha256(data).hexdigest()
    assert b.status == BerichtStatus.ONTVANGEN
    assert _historie(b) == [("", "ontvangen")]
    assert Termijn.objects.count() == 0


def test_onderbroken_ontvangst_wordt_bij_herhaling_afgemaakt_zonder_nieuwe_rij(diemen, monkeypatch):
    data = voorbeeld("JW323")
    with monkeypatch.context() as m:
        m.setattr(beoordelen, "valideer", lambda *a, **k: (_ for _ in ()).throw(RuntimeError()))
        with pytest.raises(RuntimeError):
            bericht_ontvangen(data=data)
    ontvangst = bericht_ontvangen(data=data)
    assert ontvangst.nieuw is False
    assert InkomendBericht.objects.count() == 1
    ontvangst.bericht.refresh_from_db()
    assert ontvangst.bericht.status == BerichtStatus.WACHT_OP_VERWERKING


# --- Idempotency -------------------------------------------------------------------------------


def test_zelfde_bytes_twee_keer_geeft_zelfde_uitkomst_en_schrijft_niets(diemen):
    data = voorbeeld("JW323")
    eerste = bericht_ontvangen(data=data)
    with NietsVeranderd("iwmo_jw", "kern"):
        tweede = bericht_ontvangen(data=data, bestandsnaam="nogmaals.xml")
    assert tweede.nieuw is False
    assert tweede.bericht.pk == eerste.bericht.pk
    assert tweede.bericht.status == BerichtStatus.WACHT_OP_VERWERKING
    assert tweede.bericht.uitkomst_code == eerste.bericht.uitkomst_code
    assert tweede.bericht.bestandsnaam == ""


def test_zelfde_bytes_van_een_geweigerd_bericht_geeft_dezelfde_weigering(diemen):
    eerste = bericht_ontvangen(data=b"<kapot")
    with NietsVeranderd("iwmo_jw"):
        tweede = bericht_ontvangen(data=b"<kapot")
    assert tweede.bericht.pk == eerste.bericht.pk
    assert tweede.bericht.uitkomst_code == "xml_onleesbaar"


def test_andere_bytes_met_zelfde_identificatie_wordt_geweigerd_met_9056(diemen):
    origineel = bericht_ontvangen(data=voorbeeld("JW323")).bericht
    anders = voorbeeld("JW323").replace(b"DN001", b"DN002")
    voor = tabel_tellingen("iwmo_jw")
    b = bericht_ontvangen(data=anders, bestandsnaam="tweede.xml").bericht
    b.refresh_from_db()
    assert b.pk != origineel.pk
    assert bytes(b.inhoud) == anders
    assert b.status == BerichtStatus.GEWEIGERD
    assert (b.uitkomst_code, b.retourcode, b.geldig) == ("identificatie_niet_uniek", "9056", False)
    assert b.origineel == origineel
    assert b.bevindingen[0]["regel"] == "TR056"
    assert b.bevindingen[0]["code"] == "9056"
    assert "765432198" in b.bevindingen[0]["melding"]
    assert _historie(b) == [("", "ontvangen"), ("ontvangen", "geweigerd")]
    na = tabel_tellingen("iwmo_jw")
    # One message with two history rows; no deadline, nothing else.
    assert na["iwmo_jw.InkomendBericht"] == voor["iwmo_jw.InkomendBericht"] + 1
    assert (
        na["iwmo_jw.InkomendBerichtStatusWijziging"]
        == voor["iwmo_jw.InkomendBerichtStatusWijziging"] + 2
    )
    assert na["iwmo_jw.Termijn"] == voor["iwmo_jw.Termijn"]
    # The refusal itself, sent again, gives the same refusal and no new rows.
    with NietsVeranderd("iwmo_jw"):
        nogmaals = bericht_ontvangen(data=anders)
    assert nogmaals.bericht.pk == b.pk


def test_zelfde_identificatie_van_andere_afzender_is_geen_dubbel(diemen):
    eerste = bericht_ontvangen(data=voorbeeld("JW323")).bericht
    ander = bericht_ontvangen(data=bericht("JW323", afzender="12345678")).bericht
    ander.refresh_from_db()
    assert ander.status == BerichtStatus.WACHT_OP_VERWERKING
    assert eerste.identificatie == ander.identificatie


def test_database_weigert_tweede_geaccepteerd_bericht_met_zelfde_identiteit(diemen):
    """The unique constraint is the last line of defence (the race path relies on it)."""
    b = bericht_ontvangen(data=voorbeeld("JW323")).bericht
    kopie = InkomendBericht.objects.get(pk=b.pk)
    kopie.pk = None
    kopie.uuid = uuid.uuid4()
    kopie.sha256 = "0" * 64
    kopie.status = BerichtStatus.ONTVANGEN
    kopie.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        InkomendBericht.objects.filter(pk=kopie.pk).update(status=BerichtStatus.VERWERKT)


def test_race_om_dezelfde_identiteit_wordt_9056_na_herlezen(diemen, monkeypatch):
    """Two arrivals with the same identity checked at the same time: the one that loses the
    race gets the IntegrityError, re-reads and is refused with 9056."""
    winnaar = bericht_ontvangen(data=voorbeeld("JW323")).bericht
    # Make the loser's duplicate check miss the winner once, as if it had not committed yet.
    echte = beoordelen._uitkomst_bepalen
    gemist = {"keer": 0}

    def eerste_keer_blind(b, invoer, resultaat, kop):
        if gemist["keer"] == 0:
            gemist["keer"] += 1
            status = winnaar.status
            InkomendBericht.objects.filter(pk=winnaar.pk).update(status=BerichtStatus.DUBBEL)
            try:
                return echte(b, invoer, resultaat, kop)
            finally:
                InkomendBericht.objects.filter(pk=winnaar.pk).update(status=status)
        return echte(b, invoer, resultaat, kop)

    monkeypatch.setattr(beoordelen, "_uitkomst_bepalen", eerste_keer_blind)
    verliezer = bericht_ontvangen(data=voorbeeld("JW323").replace(b"DN001", b"DN003")).bericht
    verliezer.refresh_from_db()
    assert verliezer.status == BerichtStatus.GEWEIGERD
    assert (verliezer.uitkomst_code, verliezer.retourcode) == ("identificatie_niet_uniek", "9056")
    assert verliezer.origineel_id == winnaar.pk
    assert _historie(verliezer) == [("", "ontvangen"), ("ontvangen", "geweigerd")]
    assert verliezer.termijnen.count() == 0


def test_race_met_dezelfde_bytes_wordt_dubbel(diemen, monkeypatch):
    data = voorbeeld("JW323")
    winnaar = bericht_ontvangen(data=data).bericht
    # The loser stored its raw row before the winner's was visible.
    verliezer = beoordelen._ruw_vastleggen(
        lees_begrensd(data, grens=max_grootte()),
        bestandsnaam="",
        kanaal=Kanaal.BESTAND,
        ontvangen_op=None,
    )
    b = ontvangen._beoordelen_en_routeren(verliezer.pk, lees_begrensd(data, grens=max_grootte()))
    assert b.status == BerichtStatus.DUBBEL
    assert b.uitkomst_code == "dubbel_ontvangen"
    assert b.origineel_id == winnaar.pk
    # Later arrivals of the same bytes find the winner, not the duplicate.
    assert bericht_ontvangen(data=data).bericht.pk == winnaar.pk


# --- Bad input -----------------------------------------------------------------------------------


def _weigering(data: bytes, **kwargs) -> InkomendBericht:
    with NietsVeranderd("kern", "contracten"):
        b = bericht_ontvangen(data=data, **kwargs).bericht
    b.refresh_from_db()
    assert b.status == BerichtStatus.GEWEIGERD
    assert b.geldig is False
    assert b.termijnen.count() == 0
    assert _historie(b) == [("", "ontvangen"), ("ontvangen", "geweigerd")]
    assert b.bevindingen, "a refusal names at least one finding"
    assert b.uitkomst_melding.startswith(b.bevindingen[0]["melding"])
    return b


def test_leeg_bestand(diemen):
    b = _weigering(b"")
    assert (b.uitkomst_code, b.niveau, b.grootte, bytes(b.inhoud)) == ("leeg", 1, 0, b"")
    assert b.bevindingen == [
        {
            "regel": "XML",
            "code": "leeg",
            "melding": "Het bestand is leeg.",
            "regelnummer": None,
            "element": None,
        }
    ]


def test_niet_goedgevormde_xml(diemen):
    data = voorbeeld("JW323")[:-40]
    b = _weigering(data)
    assert b.uitkomst_code == "xml_onleesbaar"
    assert "geen goedgevormde XML" in b.uitkomst_melding
    assert bytes(b.inhoud) == data
    assert (b.berichttype, b.gemeente, b.agb_code) == ("", None, "")


def test_doctype_is_verboden(diemen):
    data = voorbeeld("JW323").replace(b"?>", b'?>\n<!DOCTYPE lol [<!ENTITY a "aaaa">]>', 1)
    b = _weigering(data)
    assert b.uitkomst_code == "doctype_verboden"
    assert bytes(b.inhoud) == data


def test_onbekende_namespace(diemen):
    data = voorbeeld("JW323").replace(
        b"http://www.istandaarden.nl/ijw/3_2/jw323/schema", b"urn:example:declaratie"
    )
    b = _weigering(data)
    assert b.uitkomst_code == "namespace_onbekend"


def test_andere_versie(diemen):
    data = voorbeeld("JW323").replace(b"ijw/3_2/jw323", b"ijw/3_1/jw323")
    b = _weigering(data)
    assert b.uitkomst_code == "versie_niet_ondersteund"
    assert "3.1" in b.uitkomst_melding


def test_xsd_fout_met_regelnummer(diemen):
    # The official JW315 example has ToewijzingEinddatum 2027-06-31; Diemen is its gemeente.
    b = _weigering(voorbeeld("JW315"))
    assert (b.uitkomst_code, b.niveau) == ("xsd_ongeldig", 1)
    assert b.berichtnaam == "JW315"
    assert b.gemeente.code == "0384"
    assert b.agb_code == "42420001"
    assert [f["regelnummer"] for f in b.bevindingen] == [44, 66]
    assert b.bevindingen[0]["element"] == "ToewijzingEinddatum"
    assert b.uitkomst_melding.endswith("(en 1 andere bevinding)")


def test_te_groot_bestand_bewaart_alleen_het_begin(diemen, settings):
    settings.IWMO_JW_MAX_BERICHT_GROOTTE = 2 * BEWAARD_BIJ_TE_GROOT
    data = voorbeeld("JW323")
    groot = data + b"<!-- " + b"x" * (3 * BEWAARD_BIJ_TE_GROOT) + b" -->"
    b = _weigering(io.BytesIO(groot), bestandsnaam="groot.xml")
    assert b.uitkomst_code == "te_groot"
    assert b.inhoud_volledig is False
    assert bytes(b.inhoud) == groot[:BEWAARD_BIJ_TE_GROOT]
    assert b.grootte == len(groot)
    assert b.sha256 == hashlib.sha256(groot).hexdigest()
    assert "Alleen de eerste 1.048.576 bytes zijn bewaard" in b.uitkomst_melding
    assert "de grens is 2.097.152 bytes" in b.uitkomst_melding
    # The same big file again: found by its sha256, nothing new.
    with NietsVeranderd("iwmo_jw"):
        assert bericht_ontvangen(data=groot).bericht.pk == b.pk


def test_bericht_van_de_gemeente_wordt_niet_ontvangen(diemen):
    b = _weigering(voorbeeld("JW301"))
    assert b.uitkomst_code == "richting_onjuist"
    assert "Een JW301 wordt door de gemeente verstuurd" in b.uitkomst_melding


def test_gemeente_niet_aangesloten(diemen):
    gemeenten_aansluiten(door=None, gemeenten=[diemen], aangesloten=False)
    b = _weigering(voorbeeld("JW323"))
    assert b.uitkomst_code == "gemeente_niet_aangesloten"
    assert b.uitkomst_melding == (
        "Gemeente Diemen (0384) wordt door deze installatie niet bediend; het bericht is niet "
        "verwerkt."
    )
    assert b.gemeente == diemen


def test_onbekende_gemeentecode(diemen):
    b = _weigering(bericht("JW323", ontvanger="0001"))
    assert b.uitkomst_code == "gemeente_onbekend"
    assert b.gemeente is None
    assert b.gemeentecode == "0001"


def test_geweigerd_bericht_maakt_geen_antwoord_of_termijn(diemen):
    with NietsVeranderd("kern", "contracten"):
        bericht_ontvangen(data=b"\xff\xfe niet eens tekst")
    assert UitgaandBericht.objects.count() == 0
    assert Termijn.objects.count() == 0


def test_onbekend_kanaal_wordt_geweigerd_voor_opslag(diemen):
    from kern.exceptions import DomeinFout

    with NietsVeranderd("iwmo_jw"), pytest.raises(DomeinFout) as fout:
        bericht_ontvangen(data=voorbeeld("JW323"), kanaal="fax")
    assert fout.value.code == "kanaal_onbekend"


def test_niveau_2_fout_wordt_aanvaard_met_0001_en_alleen_eerste_termijn(diemen, monkeypatch):
    from iwmo_jw.codec import valideer as echte_valideer

    def met_niveau_2(data, **kwargs):
        resultaat = echte_valideer(data, **kwargs)
        resultaat.geldig = False
        resultaat.niveau = 2
        resultaat.fouten = [Melding("TR315", "0001", "Productcode onbekend.", 40, "Code")]
        return resultaat

    monkeypatch.setattr(beoordelen, "valideer", met_niveau_2)
    b = bericht_ontvangen(data=voorbeeld("JW317"), ontvangen_op=moment(date(2026, 1, 2))).bericht
    b.refresh_from_db()
    assert b.status == BerichtStatus.WACHT_OP_VERWERKING
    assert (b.uitkomst_code, b.geldig, b.niveau, b.retourcode) == (
        "ongeldig_niveau_2",
        False,
        2,
        "0001",
    )
    assert b.bevindingen == [
        {
            "regel": "TR315",
            "code": "0001",
            "melding": "Productcode onbekend.",
            "regelnummer": 40,
            "element": "Code",
        }
    ]
    # Fri 2 Jan 2026 + 3 working days = Wed 7 Jan; no 301/319 deadline after a 0001.
    assert list(b.termijnen.values_list("soort", "uiterste_datum")) == [
        (TermijnSoort.RETOUR, date(2026, 1, 7))
    ]


def test_officieel_jw323_wordt_op_niveau_2_afgekeurd_met_0001(diemen):
    """The official JW323 example as it is (see conftest): accepted for an answer, rejected
    on level 2 with retourcode 0001, the findings stored with their rule and line."""
    b = bericht_ontvangen(data=officieel("JW323"), ontvangen_op=moment(date(2026, 5, 6))).bericht
    b.refresh_from_db()
    assert b.status == BerichtStatus.WACHT_OP_VERWERKING
    assert (b.uitkomst_code, b.geldig, b.niveau, b.retourcode) == (
        "ongeldig_niveau_2",
        False,
        2,
        "0001",
    )
    assert [(f["regel"], f["code"], f["regelnummer"], f["element"]) for f in b.bevindingen] == [
        ("TR101", "0001", 116, "ReferentieNummer"),
        ("TR416", "0001", 111, "DebetCredit"),
    ]


# --- Query count -------------------------------------------------------------------------------


def _met_clienten(aantal: int) -> bytes:
    root = etree.fromstring(voorbeeld("JW323"))
    ns = {"jw323": "http://www.istandaarden.nl/ijw/3_2/jw323/schema"}
    clienten = root.find("jw323:Declaratie/jw323:Clienten", ns)
    eerste = clienten[0]
    for _ in range(aantal):
        clienten.append(copy.deepcopy(eerste))
    ident = root.find(".//{http://www.istandaarden.nl/ijw/3_2/basisschema/schema}Identificatie")
    ident.text = f"Q{aantal}"
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


@pytest.mark.parametrize("aantal", [0, 200])
def test_aantal_queries_van_een_ontvangst_ligt_vast(diemen, django_assert_num_queries, aantal):
    data = _met_clienten(aantal)
    gemeente("0384")  # warm nothing: the service looks the gemeente up itself
    with django_assert_num_queries(15):
        bericht_ontvangen(data=data)


def test_aantal_queries_van_een_geweigerd_bericht(diemen, django_assert_max_num_queries):
    with django_assert_max_num_queries(11):
        bericht_ontvangen(data=b"<kapot")

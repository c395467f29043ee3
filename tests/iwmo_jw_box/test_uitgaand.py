"""The outbox: storing outbound messages with their link, closing deadlines, export."""

from __future__ import annotations

import base64
import hashlib
from datetime import date

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from lxml import etree

from iwmo_jw.constants import TermijnSoort, UitgaandStatus
from iwmo_jw.models import UitgaandBericht
from iwmo_jw.services import (
    bericht_ontvangen,
    bericht_uitgaand_vastleggen,
    bericht_uitgaand_verzonden,
    uitgaande_berichten_exporteren,
)
from kern.exceptions import DomeinFout, GeenToegang
from kern.models import AuditRecord, Gemeente
from kern.services import gemeenten_aansluiten
from tests.factories import GebruikerFactory
from tests.iwmo_jw_box.conftest import bericht, moment, voorbeeld
from tests.utils import NietsVeranderd

pytestmark = pytest.mark.django_db


def _historie(b: UitgaandBericht) -> list[tuple[str, str]]:
    return list(b.statuswijzigingen.order_by("id").values_list("van_status", "naar_status"))


def test_uitgaand_bericht_wordt_vastgelegd(diemen, regisseur_diemen):
    data = voorbeeld("JW301")
    uit = bericht_uitgaand_vastleggen(data=data, antwoord_op=None, door=regisseur_diemen)
    uit.refresh_from_db()
    assert bytes(uit.inhoud) == data
    assert uit.sha256 == hashlib.sha256(data).hexdigest()
    assert uit.grootte == len(data)
    assert (uit.standaard, uit.berichtcode, uit.berichttype) == ("ijw", 436, "301")
    assert (uit.afzender, uit.ontvanger, uit.identificatie) == ("0384", "42420001", "123456789012")
    assert (uit.gemeente, uit.agb_code) == (diemen, "42420001")
    assert uit.status == UitgaandStatus.AANGEMAAKT
    assert uit.aangemaakt_door == regisseur_diemen
    assert uit.antwoord_op is None
    assert _historie(uit) == [("", "aangemaakt")]
    audit = AuditRecord.objects.get(
        content_type=ContentType.objects.get_for_model(UitgaandBericht), object_id=str(uit.pk)
    )
    assert audit.gebruiker == regisseur_diemen
    assert audit.na["berichttype"] == "301"
    assert "inhoud" not in audit.na


def test_ongeldig_uitgaand_bericht_wordt_geweigerd(diemen):
    with NietsVeranderd("iwmo_jw", "kern"), pytest.raises(DomeinFout) as fout:
        bericht_uitgaand_vastleggen(data=voorbeeld("JW318"), antwoord_op=None)
    assert fout.value.code == "uitgaand_bericht_ongeldig"
    assert fout.value.details["fouten"][0]["regelnummer"] == 33
    assert "RetourCode" in fout.value.bericht


@pytest.mark.parametrize("data", [b"", b"<geen/>"])
def test_onleesbaar_uitgaand_bericht_wordt_geweigerd(diemen, data):
    with NietsVeranderd("iwmo_jw"), pytest.raises(DomeinFout) as fout:
        bericht_uitgaand_vastleggen(data=data, antwoord_op=None)
    assert fout.value.code == "uitgaand_bericht_ongeldig"


def test_bericht_van_de_aanbieder_is_geen_uitgaand_bericht(diemen):
    with NietsVeranderd("iwmo_jw"), pytest.raises(DomeinFout) as fout:
        bericht_uitgaand_vastleggen(data=voorbeeld("JW323"), antwoord_op=None)
    assert fout.value.code == "richting_onjuist"


def test_uitgaand_voor_niet_bediende_gemeente_wordt_geweigerd(db):
    with NietsVeranderd("iwmo_jw"), pytest.raises(DomeinFout) as fout:
        bericht_uitgaand_vastleggen(data=voorbeeld("JW301"), antwoord_op=None)
    assert fout.value.code == "gemeente_niet_aangesloten"


def test_regisseur_van_andere_gemeente_mag_niet(diemen, amsterdam_aangesloten):
    ander = GebruikerFactory(rollen=["regisseur"], gemeenten=[amsterdam_aangesloten])
    with NietsVeranderd("iwmo_jw"), pytest.raises(DomeinFout) as fout:
        bericht_uitgaand_vastleggen(data=voorbeeld("JW301"), antwoord_op=None, door=ander)
    assert fout.value.code == "gemeente_buiten_bevoegdheid"


def test_inkoper_mag_geen_berichten_maken(diemen):
    inkoper = GebruikerFactory(rollen=["inkoper"], gemeenten=[diemen])
    with NietsVeranderd("iwmo_jw"), pytest.raises(GeenToegang):
        bericht_uitgaand_vastleggen(data=voorbeeld("JW301"), antwoord_op=None, door=inkoper)


def test_zelfde_bytes_geven_hetzelfde_bericht_andere_bytes_worden_geweigerd(diemen):
    eerste = bericht_uitgaand_vastleggen(data=voorbeeld("JW301"), antwoord_op=None)
    with NietsVeranderd("iwmo_jw", "kern"):
        assert bericht_uitgaand_vastleggen(data=voorbeeld("JW301"), antwoord_op=None) == eerste
    anders = voorbeeld("JW301").replace(b"2026-04-01", b"2026-04-02", 1)
    with NietsVeranderd("iwmo_jw", "kern"), pytest.raises(DomeinFout) as fout:
        bericht_uitgaand_vastleggen(data=anders, antwoord_op=None)
    assert fout.value.code == "identificatie_niet_uniek"
    assert fout.value.status == 409


def test_de_gemeente_die_de_aanroeper_las_scheelt_een_query(diemen):
    # Warm up (content types of the audit).
    bericht_uitgaand_vastleggen(data=voorbeeld("JW301"), antwoord_op=None)
    zonder = voorbeeld("JW301").replace(b"123456789012", b"123456789013")
    met = voorbeeld("JW301").replace(b"123456789012", b"123456789014")
    with CaptureQueriesContext(connection) as opgezocht:
        bericht_uitgaand_vastleggen(data=zonder, antwoord_op=None)
    with CaptureQueriesContext(connection) as gegeven:
        uit = bericht_uitgaand_vastleggen(data=met, antwoord_op=None, gemeente=diemen)
    assert len(gegeven) == len(opgezocht) - 1
    assert not [q for q in gegeven if 'FROM "kern_gemeente"' in q["sql"]]
    assert uit.gemeente == diemen
    # Another gemeente than the header's is not taken: the header's is looked up.
    ander = Gemeente.objects.create(code="0999", naam="Elders")
    nog_een = voorbeeld("JW301").replace(b"123456789012", b"123456789015")
    uit = bericht_uitgaand_vastleggen(data=nog_een, antwoord_op=None, gemeente=ander)
    assert uit.gemeente == diemen


def test_retour_wordt_gekoppeld_aan_het_heenbericht_en_sluit_de_termijn(amsterdam_aangesloten):
    vijf = bericht_ontvangen(
        data=voorbeeld("JW305"), ontvangen_op=moment(date(2026, 4, 15))
    ).bericht
    termijn = vijf.termijnen.get()
    assert termijn.gesloten_op is None
    # The official JW306 is the retour on the official JW305.
    zes = bericht_uitgaand_vastleggen(data=voorbeeld("JW306"), antwoord_op=None)
    assert zes.antwoord_op == vijf
    assert (zes.afzender, zes.ontvanger) == ("0363", "65656055")
    assert (zes.identificatie, zes.identificatie_heen) == ("7ae60051-e0f", "123456789012")
    termijn.refresh_from_db()
    assert termijn.gesloten_door == zes
    assert termijn.gesloten_op is not None


def test_319_sluit_alleen_de_termijn_voor_toewijzing_of_antwoord(diemen):
    vow = bericht_ontvangen(data=voorbeeld("JW317"), ontvangen_op=moment(date(2026, 1, 2))).bericht
    # Fri 2 Jan 2026: retour by Wed 7 Jan (3 working days), 301/319 by Fri 9 Jan (5).
    assert list(vow.termijnen.order_by("soort").values_list("soort", "uiterste_datum")) == [
        (TermijnSoort.RETOUR, date(2026, 1, 7)),
        (TermijnSoort.TOEWIJZING_OF_ANTWOORD, date(2026, 1, 9)),
    ]
    antwoord = bericht_uitgaand_vastleggen(data=voorbeeld("JW319"), antwoord_op=vow)
    open_ = {t.soort: t.gesloten_door for t in vow.termijnen.all()}
    assert open_ == {TermijnSoort.RETOUR: None, TermijnSoort.TOEWIJZING_OF_ANTWOORD: antwoord}
    assert list(vow.antwoorden.all()) == [antwoord]


def test_antwoord_van_verkeerd_type_wordt_geweigerd(diemen):
    vow = bericht_ontvangen(data=voorbeeld("JW317")).bericht
    with NietsVeranderd("iwmo_jw"), pytest.raises(DomeinFout) as fout:
        bericht_uitgaand_vastleggen(data=voorbeeld("JW325"), antwoord_op=vow)
    assert fout.value.code == "antwoord_past_niet"
    assert fout.value.bericht == "Een JW325 is geen antwoord op een JW317."


def test_antwoord_aan_andere_aanbieder_wordt_geweigerd(diemen):
    declaratie = bericht_ontvangen(data=bericht("JW323", afzender="11112222")).bericht
    with NietsVeranderd("iwmo_jw"), pytest.raises(DomeinFout) as fout:
        bericht_uitgaand_vastleggen(data=voorbeeld("JW325"), antwoord_op=declaratie)
    assert fout.value.code == "antwoord_past_niet"


def test_geweigerd_bericht_wordt_niet_beantwoord(diemen):
    gemeenten_aansluiten(door=None, gemeenten=[diemen], aangesloten=False)
    geweigerd = bericht_ontvangen(data=voorbeeld("JW323")).bericht
    gemeenten_aansluiten(door=None, gemeenten=[diemen])
    with NietsVeranderd("iwmo_jw"), pytest.raises(DomeinFout) as fout:
        bericht_uitgaand_vastleggen(data=voorbeeld("JW325"), antwoord_op=geweigerd)
    assert fout.value.code == "antwoord_past_niet"


# --- Export --------------------------------------------------------------------------------------


def test_export_schrijft_bestanden_en_markeert_ze(diemen, tmp_path):
    declaratie = bericht_ontvangen(data=voorbeeld("JW323")).bericht
    antwoord = bericht_uitgaand_vastleggen(data=voorbeeld("JW325"), antwoord_op=declaratie)
    toewijzing = bericht_uitgaand_vastleggen(data=voorbeeld("JW301"), antwoord_op=None)
    doel = tmp_path / "uit" / "nieuw"
    exports = uitgaande_berichten_exporteren(map=doel)
    assert [(e.bericht.pk, e.pad.name) for e in exports] == [
        (antwoord.pk, "JW325_0384_65656055_654321987.xml"),
        (toewijzing.pk, "JW301_0384_42420001_123456789012.xml"),
    ]
    assert (doel / "JW325_0384_65656055_654321987.xml").read_bytes() == voorbeeld("JW325")
    assert (doel / "JW301_0384_42420001_123456789012.xml").read_bytes() == voorbeeld("JW301")
    assert sorted(p.name for p in doel.iterdir()) == [
        "JW301_0384_42420001_123456789012.xml",
        "JW325_0384_65656055_654321987.xml",
    ]
    antwoord.refresh_from_db()
    assert antwoord.status == UitgaandStatus.GEEXPORTEERD
    assert antwoord.exportbestand == str(doel / "JW325_0384_65656055_654321987.xml")
    assert antwoord.geexporteerd_op is not None
    assert _historie(antwoord) == [("", "aangemaakt"), ("aangemaakt", "geexporteerd")]
    # A second run finds nothing pending.
    with NietsVeranderd("iwmo_jw"):
        assert uitgaande_berichten_exporteren(map=doel) == []


def test_verzonden_na_export(diemen, tmp_path):
    uit = bericht_uitgaand_vastleggen(data=voorbeeld("JW301"), antwoord_op=None)
    uitgaande_berichten_exporteren(map=tmp_path)
    uit = bericht_uitgaand_verzonden(bericht=uit, toelichting="GGK-referentie 42")
    assert uit.status == UitgaandStatus.VERZONDEN
    assert _historie(uit) == [
        ("", "aangemaakt"),
        ("aangemaakt", "geexporteerd"),
        ("geexporteerd", "verzonden"),
    ]
    with pytest.raises(DomeinFout) as fout:
        bericht_uitgaand_verzonden(bericht=uit)
    assert fout.value.code == "statusovergang_niet_toegestaan"


def test_export_in_stuf_ggk_envelop(diemen, tmp_path):
    from iwmo_jw.codec import envelop

    uit = bericht_uitgaand_vastleggen(data=voorbeeld("JW301"), antwoord_op=None)
    [export] = uitgaande_berichten_exporteren(map=tmp_path, envelop=True)
    assert export.pad.name == "JW301_0384_42420001_123456789012-ggk.xml"
    inhoud, gegevens = envelop.uitpakken(export.pad.read_bytes())
    assert inhoud == voorbeeld("JW301")
    assert gegevens.berichtcode == "Di01"
    assert (gegevens.zender.organisatie, gegevens.zender.applicatie) == (
        "0384",
        "Geldstromen sociaal domein",
    )
    assert (gegevens.ontvanger.organisatie, gegevens.ontvanger.applicatie) == ("42420001", "GGk")
    assert gegevens.functie == "JW301"
    assert gegevens.referentienummer == str(uit.uuid)
    assert gegevens.referentienummer_bericht == "123456789012"
    assert gegevens.bestandsnaam == "JW301_0384_42420001_123456789012.xml"
    # Independent of the codec's reader: the payload is the base64 of the exact bytes.
    boom = etree.fromstring(export.pad.read_bytes())
    [drager] = [e for e in boom.iter() if etree.QName(e).localname == "bericht"]
    assert base64.b64decode("".join(drager.itertext())) == voorbeeld("JW301")
    uit.refresh_from_db()
    assert uit.status == UitgaandStatus.GEEXPORTEERD
    assert bytes(uit.inhoud) == voorbeeld("JW301")  # the outbox keeps the bare message

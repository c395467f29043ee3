"""The commands bericht_valideren, bericht_inlezen and bericht_exporteren."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from iwmo_jw.constants import UitgaandStatus
from iwmo_jw.models import InkomendBericht
from iwmo_jw.routering import register_handler
from iwmo_jw.services import bericht_uitgaand_vastleggen
from tests.iwmo_jw_box.conftest import VOORBEELDEN, voorbeeld
from tests.utils import NietsVeranderd

# The official examples that pass levels 1 and 2. JW315 and JW318 fail the XSD; JW317 and
# JW323 fail level 2 (CS003; TR101 and TR416 for the duplicate RN004), see the report test.
GELDIG = ["JW301", "JW302", "JW305", "JW306", "JW307", "JW308", "JW316", "JW319"]
GELDIG += ["JW320", "JW325"]


def _json_regels(uitvoer: str) -> list[dict]:
    return [json.loads(regel) for regel in uitvoer.splitlines() if regel.strip()]


# --- bericht_valideren ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_valideren_van_geldige_voorbeelden_geeft_0_en_schrijft_niets():
    uit = StringIO()
    with NietsVeranderd("iwmo_jw", "kern"):
        call_command(
            "bericht_valideren", *[str(VOORBEELDEN / f"{n}.xml") for n in GELDIG], stdout=uit
        )
    regels = uit.getvalue().splitlines()
    assert regels[0] == f"{VOORBEELDEN / 'JW301.xml'}: geldig — ijw 301 (berichtcode 436)."
    assert regels[-1] == "Alle 10 bestanden geldig."


@pytest.mark.django_db
def test_valideren_met_ongeldige_geeft_1_en_een_leesbaar_verslag():
    uit = StringIO()
    with NietsVeranderd("iwmo_jw"), pytest.raises(CommandError) as fout:
        call_command(
            "bericht_valideren",
            str(VOORBEELDEN / "JW323.xml"),
            str(VOORBEELDEN / "JW315.xml"),
            str(VOORBEELDEN / "JW318.xml"),
            stdout=uit,
        )
    assert fout.value.returncode == 1
    assert str(fout.value) == "3 van 3 bestanden ongeldig."
    tekst = uit.getvalue()
    assert tekst.splitlines()[:3] == [
        f"{VOORBEELDEN / 'JW323.xml'}: ONGELDIG op niveau 2 (retourcode 0001 voor het hele "
        "bericht) — ijw 323 (berichtcode 490); 2 bevindingen:",
        "  [TR101 0001] regel 116, element ReferentieNummer: Client 2, prestatie 3 "
        "(ReferentieNummer RN004): dezelfde ReferentieNummer staat al bij prestatie 2 van deze "
        "client (TR101)",
        "  [TR416 0001] regel 111, element DebetCredit: Client 2, prestatie 2 (ReferentieNummer "
        "RN004): tweede debetprestatie voor toewijzing 10073, product 45/45A04, periode "
        "01-04-2026 t/m 30-04-2026; de eerste is client 1, prestatie 2 (TR416)",
    ]
    assert (
        f"{VOORBEELDEN / 'JW315.xml'}: ONGELDIG op niveau 1 — ijw 315 (berichtcode 446); 2 bevindingen:"
        in tekst
    )
    assert "  [XSD xsd_ongeldig] regel 44, element ToewijzingEinddatum: Regel 44:" in tekst
    assert (
        f"{VOORBEELDEN / 'JW318.xml'}: ONGELDIG op niveau 1 — ijw 318 (berichtcode 487); 1 bevinding:"
        in tekst
    )


def test_valideren_json(tmp_path):
    leeg = tmp_path / "leeg.xml"
    leeg.write_bytes(b"")
    uit = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "bericht_valideren",
            "--json",
            str(VOORBEELDEN / "JW305.xml"),
            str(VOORBEELDEN / "JW315.xml"),
            str(leeg),
            str(tmp_path / "bestaat-niet.xml"),
            stdout=uit,
        )
    geldig, vot, leeg_json, weg = _json_regels(uit.getvalue())
    assert geldig == {
        "bestand": str(VOORBEELDEN / "JW305.xml"),
        "standaard": "ijw",
        "berichtcode": 438,
        "berichttype": "305",
        "geldig": True,
        "niveau": None,
        "fouten": [],
    }
    assert (vot["standaard"], vot["berichtcode"], vot["geldig"], vot["niveau"]) == (
        "ijw",
        446,
        False,
        1,
    )
    assert [f["regelnummer"] for f in vot["fouten"]] == [44, 66]
    assert set(vot["fouten"][0]) == {"regel", "code", "melding", "regelnummer", "element"}
    assert vot["fouten"][0]["regel"] == "XSD"
    assert vot["fouten"][0]["code"] == "xsd_ongeldig"
    assert leeg_json["fouten"] == [
        {
            "regel": "XML",
            "code": "leeg",
            "melding": "Het bestand is leeg.",
            "regelnummer": None,
            "element": None,
        }
    ]
    assert (leeg_json["standaard"], leeg_json["berichtcode"]) == (None, None)
    assert weg["fouten"][0]["code"] == "bestand_onleesbaar"


def test_valideren_json_op_niveau_2():
    uit = StringIO()
    with pytest.raises(CommandError):
        call_command("bericht_valideren", "--json", str(VOORBEELDEN / "JW317.xml"), stdout=uit)
    [resultaat] = _json_regels(uit.getvalue())
    assert (resultaat["geldig"], resultaat["niveau"], resultaat["berichttype"]) == (False, 2, "317")
    assert resultaat["fouten"] == [
        {
            "regel": "CS003",
            "code": "0001",
            "melding": "NieuwProduct 1: Einddatum 28-02-2024 ligt vóór GewensteIngangsdatum "
            "01-11-2026 (CS003)",
            "regelnummer": 35,
            "element": "Einddatum",
        }
    ]


def test_valideren_te_groot_bestand(tmp_path, settings):
    settings.IWMO_JW_MAX_BERICHT_GROOTTE = 1000
    uit = StringIO()
    with pytest.raises(CommandError):
        call_command("bericht_valideren", "--json", str(VOORBEELDEN / "JW323.xml"), stdout=uit)
    [resultaat] = _json_regels(uit.getvalue())
    assert resultaat["fouten"][0]["code"] == "te_groot"
    assert "de grens is 1.000 bytes" in resultaat["fouten"][0]["melding"]


@pytest.mark.parametrize(("bestanden", "exitstatus"), [(["JW305"], 0), (["JW305", "JW318"], 1)])
def test_valideren_exitstatus_als_proces(bestanden, exitstatus):
    """The real exit status of ``manage.py`` (not only the exception of call_command)."""
    omgeving = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.ci"}
    proces = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "bericht_valideren",
            "--json",
            *[str(VOORBEELDEN / f"{n}.xml") for n in bestanden],
        ],
        cwd=Path(settings.BASE_DIR),
        env=omgeving,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proces.returncode == exitstatus, proces.stderr
    assert [r["geldig"] for r in _json_regels(proces.stdout)] == [n != "JW318" for n in bestanden]


# --- bericht_inlezen -----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("opties", [[], ["--tegelijk", "3"]])
def test_inlezen_in_banen_standaard_twee_op_postgresql(diemen, tmp_path, monkeypatch, opties):
    """bericht_inlezen handles a folder in two lanes on PostgreSQL (a sender's messages in
    one lane, in order: berichten_ontvangen), one elsewhere; --tegelijk says otherwise."""
    from django.db import connection

    from iwmo_jw.management.commands import bericht_inlezen

    gevraagd: list[int] = []
    echt = bericht_inlezen.berichten_ontvangen

    def berichten_ontvangen(**kwargs):
        gevraagd.append(kwargs["tegelijk"])
        return echt(**kwargs)

    monkeypatch.setattr(bericht_inlezen, "berichten_ontvangen", berichten_ontvangen)
    (tmp_path / "JW317.xml").write_bytes(voorbeeld("JW317"))
    call_command("bericht_inlezen", str(tmp_path), *opties, stdout=StringIO())
    standaard = 2 if connection.vendor == "postgresql" else 1
    assert gevraagd == [3 if opties else standaard]
    assert InkomendBericht.objects.count() == 1


@pytest.mark.django_db
def test_inlezen_van_een_map(diemen, tmp_path):
    for naam in ("JW323", "JW315", "JW317"):
        (tmp_path / f"{naam}.xml").write_bytes(voorbeeld(naam))
    (tmp_path / ".verborgen.xml").write_bytes(b"overslaan")
    uit = StringIO()
    with pytest.raises(CommandError) as fout:
        call_command("bericht_inlezen", str(tmp_path), stdout=uit)
    assert fout.value.returncode == 1
    assert str(fout.value) == "1 van 3 bestanden geweigerd of niet verwerkt."
    assert InkomendBericht.objects.count() == 3
    tekst = uit.getvalue()
    assert "JW315.xml: JW315 123456789012 — geweigerd (xsd_ongeldig)" in tekst
    assert "  [XSD xsd_ongeldig] regel 44: Regel 44:" in tekst
    assert "JW317.xml: JW317 987654321 — wacht op verwerking (geldig)" in tekst
    assert "  nog geen verwerker voor dit berichttype; het bericht wacht" in tekst
    assert "  termijn: Declaratie-antwoord (325) uiterlijk" in tekst
    assert ".verborgen" not in tekst


@pytest.mark.django_db
def test_inlezen_in_partijen_met_een_onleesbaar_bestand(diemen, tmp_path):
    for naam in ("JW323", "JW317"):
        (tmp_path / f"{naam}.xml").write_bytes(voorbeeld(naam))
    weg = tmp_path / "weg.xml"
    uit = StringIO()
    with pytest.raises(CommandError) as fout:
        call_command(
            "bericht_inlezen",
            str(tmp_path / "JW323.xml"),
            str(weg),
            str(tmp_path / "JW317.xml"),
            "--partij",
            "2",
            stdout=uit,
        )
    assert str(fout.value) == "1 van 3 bestanden geweigerd of niet verwerkt."
    regels = [r for r in uit.getvalue().splitlines() if not r.startswith(" ")]
    assert regels == [
        "JW323.xml: JW323 765432198 — wacht op verwerking (geldig)",
        f"{weg}: kan niet worden gelezen (No such file or directory).",
        "JW317.xml: JW317 987654321 — wacht op verwerking (geldig)",
    ]
    assert InkomendBericht.objects.count() == 2
    with pytest.raises(CommandError, match="--partij is minstens 1"):
        call_command("bericht_inlezen", str(weg), "--partij", "0")


@pytest.mark.django_db
def test_inlezen_met_verwerker_toont_het_antwoord(diemen, tmp_path):
    def antwoorden(bericht, resultaat):
        bericht_uitgaand_vastleggen(data=voorbeeld("JW325"), antwoord_op=bericht)

    register_handler("323", antwoorden)
    pad = tmp_path / "JW323.xml"
    pad.write_bytes(voorbeeld("JW323"))
    uit = StringIO()
    call_command("bericht_inlezen", str(pad), stdout=uit)
    tekst = uit.getvalue()
    assert "JW323.xml: JW323 765432198 — verwerkt (geldig)" in tekst
    assert "  antwoord JW325 654321987 (Aangemaakt, in de uitbox)" in tekst
    # Read again: nothing new, and it says so.
    uit = StringIO()
    with NietsVeranderd("iwmo_jw"):
        call_command("bericht_inlezen", str(pad), stdout=uit)
    assert "al ontvangen op" in uit.getvalue()
    assert "niets opnieuw opgeslagen" in uit.getvalue()


# --- bericht_exporteren --------------------------------------------------------------------------


@pytest.mark.django_db
def test_exporteren(diemen, tmp_path):
    uit_bericht = bericht_uitgaand_vastleggen(data=voorbeeld("JW301"), antwoord_op=None)
    uit = StringIO()
    call_command("bericht_exporteren", "--map", str(tmp_path / "uit"), stdout=uit)
    pad = tmp_path / "uit" / "JW301_0384_42420001_123456789012.xml"
    assert pad.read_bytes() == voorbeeld("JW301")
    assert uit.getvalue().splitlines() == [
        f"JW301 123456789012 -> {pad}",
        f"1 bericht(en) geëxporteerd naar {tmp_path / 'uit'}.",
    ]
    uit_bericht.refresh_from_db()
    assert uit_bericht.status == UitgaandStatus.GEEXPORTEERD
    uit = StringIO()
    call_command("bericht_exporteren", "--map", str(tmp_path / "uit"), stdout=uit)
    assert uit.getvalue().strip() == f"0 bericht(en) geëxporteerd naar {tmp_path / 'uit'}."


@pytest.mark.django_db
def test_exporteren_in_envelop(diemen, tmp_path):
    from iwmo_jw.codec import envelop

    bericht_uitgaand_vastleggen(data=voorbeeld("JW301"), antwoord_op=None)
    uit = StringIO()
    call_command("bericht_exporteren", "--map", str(tmp_path), "--envelop", stdout=uit)
    pad = tmp_path / "JW301_0384_42420001_123456789012-ggk.xml"
    assert uit.getvalue().splitlines()[0] == f"JW301 123456789012 -> {pad}"
    inhoud, gegevens = envelop.uitpakken(pad.read_bytes())
    assert (inhoud, gegevens.functie) == (voorbeeld("JW301"), "JW301")

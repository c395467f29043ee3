"""The tariff sheet over the API: template, export (scoped) and import (dry run by default,
all or nothing, errors per row as problem+json)."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from openpyxl import Workbook, load_workbook
from rest_framework.permissions import IsAuthenticated

from contracten.api.tariefblad import XLSX, TariefbladImportView
from contracten.models import Contract, Tariefperiode
from contracten.tariefblad import KOLOMMEN
from contracten.tariefblad.lezen import MAX_BESTAND_BYTES
from tests.api.conftest import PROBLEM, assert_probleem
from tests.utils import tabel_tellingen

pytestmark = pytest.mark.django_db

KOPPEN = [k.kop for k in KOLOMMEN]
KOP = {k.sleutel: k.kop for k in KOLOMMEN}
SJABLOON = "/api/v1/tariefblad/sjabloon/"
EXPORT = "/api/v1/tariefblad/"
IMPORT = "/api/v1/tariefblad/import/"


def blad(*regels: dict[str, Any]) -> bytes:
    """A sheet with the template's header row and rows given by column key."""
    werkmap = Workbook()
    ws = werkmap.active
    ws.title = "Tarieven"
    ws.append(KOPPEN)
    for regel in regels:
        ws.append([regel.get(k.sleutel) for k in KOLOMMEN])
    buffer = io.BytesIO()
    werkmap.save(buffer)
    return buffer.getvalue()


def regel(**velden: Any) -> dict[str, Any]:
    """A valid row: product 02A01 (hour) of Zorg Noord in Amsterdam from 01-01-2026."""
    return {
        "contractnummer": "AMS-2025-001",
        "agb_code": "12345678",
        "gemeentecode": "0363",
        "wet": "wmo",
        "productcategorie": "02",
        "productcode": "02A01",
        "eenheid": "04",
        "tarief": "68,40",
        "ingangsdatum": date(2026, 1, 1),
        **velden,
    }


def upload(data: bytes, naam: str = "tarieven.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(naam, data, content_type=XLSX)


def importeer(client: Any, data: bytes, **velden: Any) -> Any:
    return client.post(IMPORT, {"bestand": upload(data), **velden}, format="multipart")


def rijen(response: Any) -> list[list[Any]]:
    werkmap = load_workbook(io.BytesIO(response.content))
    return [list(r) for r in werkmap["Tarieven"].iter_rows(values_only=True)]


def perioden() -> list[tuple[str, str, Decimal, date, date | None]]:
    return [
        (p.contract.nummer, p.product.productcode, p.bedrag.amount, p.ingangsdatum, p.einddatum)
        for p in Tariefperiode.objects.select_related("contract", "product").order_by(
            "contract__nummer", "ingangsdatum"
        )
    ]


# --- Template ------------------------------------------------------------------------------


def test_sjabloon_downloaden(client_voor, aanbieder_user):
    response = client_voor(aanbieder_user).get(SJABLOON)
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == 'attachment; filename="tarievenblad-sjabloon.xlsx"'
    werkmap = load_workbook(io.BytesIO(response.content))
    assert werkmap.sheetnames == ["Tarieven", "Toelichting"]
    assert [c.value for c in werkmap["Tarieven"][1]] == KOPPEN
    assert werkmap["Tarieven"].max_row == 1


def test_sjabloon_met_accept_xlsx_en_zonder_aanmelding(client_voor, regisseur):
    response = client_voor(regisseur).get(SJABLOON, HTTP_ACCEPT=XLSX)
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    # An error while xlsx was asked for is still a readable problem+json.
    anoniem = client_voor(None).get(SJABLOON, HTTP_ACCEPT=XLSX)
    assert_probleem(anoniem, 401, "niet_aangemeld")
    assert_probleem(client_voor(None).get(EXPORT), 401, "niet_aangemeld")


# --- Export --------------------------------------------------------------------------------


def test_export_van_een_contract(client_voor, inkoper, tarief_ams, contract_ams):
    response = client_voor(inkoper).get(EXPORT, {"contract": str(contract_ams.uuid)})
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    vandaag = timezone.localdate().strftime("%Y%m%d")
    assert response["Content-Disposition"] == f'attachment; filename="tarieven-{vandaag}.xlsx"'
    kop, *regels = rijen(response)
    assert kop == KOPPEN
    assert regels == [
        [
            "AMS-2025-001",
            "12345678",
            "Zorg Noord B.V.",
            "0363",
            "wmo",
            "02",
            "02A01",
            "Begeleiding individueel",
            "04",
            65,
            datetime(2025, 1, 1),  # openpyxl reads a date cell as a datetime
            None,
        ]
    ]


def test_export_rondreis_via_proefrun_is_ongewijzigd(
    client_voor, inkoper, tarief_ams, contract_ams
):
    client = client_voor(inkoper)
    export = client.get(EXPORT, {"contract": str(contract_ams.uuid)})
    voor = tabel_tellingen()
    response = importeer(client, export.content, dry_run="true")
    assert response.status_code == 200, response.content
    assert response.json() == {
        "dry_run": True,
        "geslaagd": True,
        "aangemaakte_contracten": [],
        "tariefperioden_aangemaakt": 0,
        "ongewijzigd": 1,
        "fouten": [],
    }
    assert tabel_tellingen() == voor


def test_aanbieder_exporteert_alleen_eigen_contracten(
    client_voor, aanbieder_user, tarief_ams, tarief_rdam, contract_ams, contract_rdam
):
    client = client_voor(aanbieder_user)
    assert_probleem(
        client.get(EXPORT, {"contract": str(contract_rdam.uuid)}), 404, "contract_niet_gevonden"
    )
    # One contract out of scope refuses the whole export.
    assert_probleem(
        client.get(EXPORT, {"contract": [str(contract_ams.uuid), str(contract_rdam.uuid)]}),
        404,
        "contract_niet_gevonden",
    )
    assert_probleem(client.get(EXPORT, {"contract": "geen-uuid"}), 404, "contract_niet_gevonden")
    alles = client.get(EXPORT)
    assert alles.status_code == 200
    assert [r[0] for r in rijen(alles)[1:]] == ["AMS-2025-001"]


def test_export_zonder_contracten_is_alles_wat_de_gebruiker_ziet(
    client_voor, inkoper, inkoper_rotterdam, tarief_ams, tarief_rdam
):
    assert [r[:2] for r in rijen(client_voor(inkoper).get(EXPORT))[1:]] == [
        ["AMS-2025-001", "12345678"]
    ]
    assert [r[:2] for r in rijen(client_voor(inkoper_rotterdam).get(EXPORT))[1:]] == [
        ["RDAM-2025-001", "87654321"]
    ]


def test_export_van_twee_contracten(
    client_voor, inkoper, tarief_ams, tarief_rdam, contract_ams, contract_rdam, rotterdam
):
    inkoper.gemeenten.add(rotterdam)
    response = client_voor(inkoper).get(
        EXPORT, {"contract": [str(contract_rdam.uuid), str(contract_ams.uuid)]}
    )
    assert response.status_code == 200
    assert [(r[0], r[3], r[9]) for r in rijen(response)[1:]] == [
        ("AMS-2025-001", "0363", 65),
        ("RDAM-2025-001", "0599", 70.1),
    ]


# --- Import --------------------------------------------------------------------------------


def test_proefrun_schrijft_niets(client_voor, inkoper, tarief_ams):
    voor = tabel_tellingen()
    data = blad(regel(), regel(contractnummer="AMS-2026-NIEUW", ingangsdatum=date(2026, 1, 1)))
    # No dry_run field at all: a dry run (the safe default).
    response = importeer(client_voor(inkoper), data)
    assert response.status_code == 200, response.content
    assert response.json() == {
        "dry_run": True,
        "geslaagd": True,
        "aangemaakte_contracten": ["AMS-2026-NIEUW"],
        "tariefperioden_aangemaakt": 2,
        "ongewijzigd": 0,
        "fouten": [],
    }
    assert tabel_tellingen() == voor
    assert perioden() == [
        ("AMS-2025-001", "02A01", Decimal("65.00"), date(2025, 1, 1), None),
    ]


def test_import_legt_tariefperioden_vast(client_voor, inkoper, tarief_ams):
    data = blad(
        regel(),
        regel(
            contractnummer="AMS-2026-NIEUW",
            tarief=Decimal("71.15"),
            einddatum=date(2026, 12, 31),
        ),
    )
    response = importeer(client_voor(inkoper), data, dry_run="false")
    assert response.status_code == 201, response.content
    assert response.json() == {
        "dry_run": False,
        "geslaagd": True,
        "aangemaakte_contracten": ["AMS-2026-NIEUW"],
        "tariefperioden_aangemaakt": 2,
        "ongewijzigd": 0,
        "fouten": [],
    }
    assert perioden() == [
        ("AMS-2025-001", "02A01", Decimal("65.00"), date(2025, 1, 1), date(2025, 12, 31)),
        ("AMS-2025-001", "02A01", Decimal("68.40"), date(2026, 1, 1), None),
        ("AMS-2026-NIEUW", "02A01", Decimal("71.15"), date(2026, 1, 1), date(2026, 12, 31)),
    ]
    nieuw = Tariefperiode.objects.get(contract__nummer="AMS-2026-NIEUW")
    assert nieuw.aangemaakt_door == inkoper
    assert Contract.objects.get(nummer="AMS-2026-NIEUW").zorgaanbieder.agb_code == "12345678"

    # The same sheet again changes nothing.
    voor = tabel_tellingen()
    opnieuw = importeer(client_voor(inkoper), data, dry_run="false")
    assert opnieuw.status_code == 201, opnieuw.content
    assert (opnieuw.json()["tariefperioden_aangemaakt"], opnieuw.json()["ongewijzigd"]) == (0, 2)
    assert tabel_tellingen() == voor


@pytest.mark.parametrize("dry_run", ["true", "false"])
def test_blad_met_foute_regel_geeft_probleem_en_schrijft_niets(
    client_voor, inkoper, tarief_ams, dry_run
):
    voor = tabel_tellingen()
    data = blad(regel(), regel(productcode="02X99"))
    response = importeer(client_voor(inkoper), data, dry_run=dry_run)
    body = assert_probleem(response, 400, "tariefblad_ongeldig")
    assert body["detail"] == "Het tarievenblad bevat 1 fout; er is niets opgeslagen."
    assert body["fouten"] == [
        {
            "rij": 3,
            "kolom": "Productcode",
            "code": "product_onbekend",
            "bericht": "Product 02X99 in categorie 02 (wmo) is onbekend: "
            "het staat niet in de productcatalogus.",
        }
    ]
    assert body["dry_run"] is (dry_run == "true")
    assert body["geslaagd"] is False
    assert body["aangemaakte_contracten"] == []
    # A dry run reports what its valid rows would do; a refused real import reports zero.
    assert body["tariefperioden_aangemaakt"] == (1 if dry_run == "true" else 0)
    assert body["ongewijzigd"] == 0
    assert tabel_tellingen() == voor
    assert perioden() == [("AMS-2025-001", "02A01", Decimal("65.00"), date(2025, 1, 1), None)]


def test_meerdere_fouten_en_onleesbaar_bestand(client_voor, inkoper, tarief_ams):
    client = client_voor(inkoper)
    voor = tabel_tellingen()
    data = blad(regel(gemeentecode="9999"), regel(tarief="-1"))
    body = assert_probleem(importeer(client, data, dry_run="false"), 400, "tariefblad_ongeldig")
    assert body["detail"] == "Het tarievenblad bevat 2 fouten; er is niets opgeslagen."
    assert [(f["rij"], f["kolom"], f["code"]) for f in body["fouten"]] == [
        (2, "Gemeentecode", "gemeente_onbekend"),
        (3, "Tarief (euro)", "tarief_negatief"),
    ]

    onleesbaar = importeer(client, b"dit is geen Excel-bestand", dry_run="false")
    body = assert_probleem(onleesbaar, 400, "tariefblad_ongeldig")
    assert body["fouten"] == [
        {
            "rij": 0,
            "kolom": None,
            "code": "bestand_onleesbaar",
            "bericht": "Het bestand is geen leesbaar Excel-bestand (.xlsx).",
        }
    ]
    assert tabel_tellingen() == voor


def test_regisseur_mag_niet_importeren(client_voor, regisseur, tarief_ams):
    voor = tabel_tellingen()
    response = importeer(client_voor(regisseur), blad(regel()), dry_run="false")
    assert_probleem(response, 403, "geen_toegang")
    assert tabel_tellingen() == voor


def test_geen_toegang_uit_de_import_wordt_403(client_voor, regisseur, tarief_ams, monkeypatch):
    # Without the view's role check the module's own refusal must still answer 403.
    monkeypatch.setattr(TariefbladImportView, "permission_classes", [IsAuthenticated])
    voor = tabel_tellingen()
    response = importeer(client_voor(regisseur), blad(regel()), dry_run="false")
    body = assert_probleem(response, 403, "geen_toegang")
    assert body["detail"] == (
        "U heeft niet de rol die voor deze actie nodig is (inkoper of beheerder)."
    )
    assert tabel_tellingen() == voor


def test_aanbieder_mag_niet_importeren(client_voor, aanbieder_user, tarief_ams):
    response = importeer(client_voor(aanbieder_user), blad(regel()), dry_run="true")
    assert_probleem(response, 403, "geen_toegang")


def test_bestand_ontbreekt_of_verkeerd_verzoek(client_voor, inkoper, tarief_ams):
    client = client_voor(inkoper)
    voor = tabel_tellingen()
    body = assert_probleem(
        client.post(IMPORT, {"dry_run": "false"}, format="multipart"), 400, "ongeldige_invoer"
    )
    assert body["invalid_params"] == [
        {
            "name": "bestand",
            "code": "required",
            "reason": "Stuur het tarievenblad (.xlsx) mee in het veld `bestand`.",
        }
    ]
    leeg = assert_probleem(importeer(client, b""), 400, "ongeldige_invoer")
    assert [p["name"] for p in leeg["invalid_params"]] == ["bestand"]
    vaag = assert_probleem(
        importeer(client, blad(regel()), dry_run="misschien"), 400, "ongeldige_invoer"
    )
    assert [p["name"] for p in vaag["invalid_params"]] == ["dry_run"]
    json = client.post(IMPORT, {"dry_run": False}, format="json")
    assert_probleem(json, 415, "mediatype_niet_ondersteund")
    assert tabel_tellingen() == voor


def test_te_groot_bestand(client_voor, inkoper, tarief_ams):
    voor = tabel_tellingen()
    response = importeer(client_voor(inkoper), b"x" * (MAX_BESTAND_BYTES + 1), dry_run="false")
    body = assert_probleem(response, 413, "bestand_te_groot")
    assert body["detail"] == (
        "Het bestand is groter dan 20 MB, de grens voor een tarievenblad. Splits het blad, "
        "bijvoorbeeld per zorgaanbieder."
    )
    assert tabel_tellingen() == voor


# --- Schema --------------------------------------------------------------------------------


def test_schema_documenteert_bestanden_en_multipart():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    paden = schema["paths"]
    for pad in ("/api/v1/tariefblad/sjabloon/", "/api/v1/tariefblad/"):
        antwoord = paden[pad]["get"]["responses"]["200"]["content"]
        assert antwoord == {XLSX: {"schema": {"type": "string", "format": "binary"}}}
        assert "format" not in [p["name"] for p in paden[pad]["get"].get("parameters", [])]
    post = paden["/api/v1/tariefblad/import/"]["post"]
    assert list(post["requestBody"]["content"]) == ["multipart/form-data"]
    verzoek = schema["components"]["schemas"]["TariefbladImportRequest"]
    assert verzoek["properties"]["bestand"]["format"] == "binary"
    assert verzoek["properties"]["dry_run"]["default"] is True
    assert verzoek["required"] == ["bestand"]
    assert {"200", "201", "400", "401", "403", "413"} <= set(post["responses"])
    assert list(post["responses"]["400"]["content"]) == [PROBLEM]

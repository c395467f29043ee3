"""Indexation, SLA norms and spending caps."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from contracten.models import Bestedingsruimte, SlaNorm, Tariefperiode
from tests.api.conftest import assert_probleem
from tests.factories import TariefperiodeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def twee_tarieven(contract_ams, product, tarief_ams):
    from tests.factories import ProductFactory

    TariefperiodeFactory(
        contract=contract_ams,
        product=ProductFactory(productcode="02A02"),
        bedrag=Decimal("48.17"),
        ingangsdatum=date(2025, 1, 1),
    )
    return contract_ams


def test_indexatie_proefrun_schrijft_niets(client_voor, inkoper, twee_tarieven):
    response = client_voor(inkoper).post(
        "/api/v1/indexaties/",
        {
            "contracten": [str(twee_tarieven.uuid)],
            "ingangsdatum": "2026-01-01",
            "percentage": "3.25",
            "dry_run": True,
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json() == {
        "percentage": "3.2500",  # read with four decimals
        "dry_run": True,
        "regels": [
            {
                "contract_nummer": "AMS-2025-001",
                "agb_code": "12345678",
                "productcode": "02A01",
                "eenheid": "04",
                "oud_bedrag": "65.00",
                "nieuw_bedrag": "67.11",  # 65.00 * 1.0325 = 67.1125
                "valuta": "EUR",
                "ingangsdatum": "2026-01-01",
                "overgeslagen": "",
            },
            {
                "contract_nummer": "AMS-2025-001",
                "agb_code": "12345678",
                "productcode": "02A02",
                "eenheid": "04",
                "oud_bedrag": "48.17",
                "nieuw_bedrag": "49.74",  # 48.17 * 1.0325 = 49.735525
                "valuta": "EUR",
                "ingangsdatum": "2026-01-01",
                "overgeslagen": "",
            },
        ],
    }
    assert Tariefperiode.objects.count() == 2


def test_indexatie_met_indexcijfers_legt_vast(client_voor, inkoper, tarief_ams, contract_ams):
    response = client_voor(inkoper).post(
        "/api/v1/indexaties/",
        {
            "contracten": [str(contract_ams.uuid)],
            "ingangsdatum": "2026-01-01",
            "loonindex": "4.00",
            "materiele_index": "2.00",
            "loonaandeel": "0.75",
            "toelichting": "OVA 2026",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["percentage"] == "3.50000000"  # 0.7500 * 4.0000 + 0.2500 * 2.0000, exact
    assert body["dry_run"] is False
    assert [(r["oud_bedrag"], r["nieuw_bedrag"]) for r in body["regels"]] == [
        ("65.00", "67.28")  # 65.00 * 1.035 = 67.275 -> 67.28 (half up)
    ]
    nieuw = Tariefperiode.objects.get(ingangsdatum=date(2026, 1, 1))
    assert (nieuw.bedrag.amount, nieuw.reden, nieuw.toelichting) == (
        Decimal("67.28"),
        "indexatie",
        "OVA 2026",
    )
    tarief_ams.refresh_from_db()
    assert tarief_ams.einddatum == date(2025, 12, 31)


def test_indexatie_percentage_en_indexcijfers_samen(client_voor, inkoper, tarief_ams, contract_ams):
    response = client_voor(inkoper).post(
        "/api/v1/indexaties/",
        {
            "contracten": [str(contract_ams.uuid)],
            "ingangsdatum": "2026-01-01",
            "percentage": "3",
            "loonindex": "4",
        },
        format="json",
    )
    assert_probleem(response, 400, "indexatie_dubbel")
    assert Tariefperiode.objects.count() == 1


def test_indexatie_buiten_bevoegdheid_en_zonder_rol(
    client_voor, inkoper_rotterdam, regisseur, tarief_ams, contract_ams
):
    vraag = {
        "contracten": [str(contract_ams.uuid)],
        "ingangsdatum": "2026-01-01",
        "percentage": "3",
    }
    body = assert_probleem(
        client_voor(inkoper_rotterdam).post("/api/v1/indexaties/", vraag, format="json"),
        400,
        "ongeldige_invoer",
    )
    assert body["invalid_params"][0]["name"] == "contracten"
    assert_probleem(
        client_voor(regisseur).post("/api/v1/indexaties/", vraag, format="json"),
        403,
        "geen_toegang",
    )
    assert Tariefperiode.objects.count() == 1


def test_slanorm_vastleggen_en_wijzigen(client_voor, inkoper, contract_ams):
    client = client_voor(inkoper)
    eerste = client.post(
        "/api/v1/sla-normen/",
        {"contract": str(contract_ams.uuid), "soort": "wachttijd", "waarde": "28"},
        format="json",
    )
    assert eerste.status_code == 200, eerste.content
    assert eerste.json() == {
        "contract": {"uuid": str(contract_ams.uuid), "nummer": "AMS-2025-001"},
        "soort": "wachttijd",
        "waarde": "28.00",
        "eenheid": "kalenderdagen",
        "toelichting": "",
    }
    client.post(
        "/api/v1/sla-normen/",
        {
            "contract": str(contract_ams.uuid),
            "soort": "wachttijd",
            "waarde": "21",
            "toelichting": "Aangescherpt",
        },
        format="json",
    )
    norm = SlaNorm.objects.get()
    assert (norm.waarde, norm.toelichting) == (Decimal("21.00"), "Aangescherpt")
    lijst = client.get("/api/v1/sla-normen/", {"contract": str(contract_ams.uuid)}).json()
    assert [(n["soort"], n["waarde"]) for n in lijst["results"]] == [("wachttijd", "21.00")]


def test_slanorm_negatief_en_buiten_zicht(
    client_voor, inkoper, aanbieder_user, contract_ams, contract_rdam
):
    negatief = client_voor(inkoper).post(
        "/api/v1/sla-normen/",
        {"contract": str(contract_ams.uuid), "soort": "wachttijd", "waarde": "-1"},
        format="json",
    )
    body = assert_probleem(negatief, 400, "te_klein")
    assert body["invalid_params"][0]["name"] == "waarde"
    assert not SlaNorm.objects.exists()
    SlaNorm.objects.create(
        contract=contract_rdam, soort="wachttijd", waarde=5, eenheid="kalenderdagen"
    )
    assert client_voor(aanbieder_user).get("/api/v1/sla-normen/").json()["count"] == 0


def test_bestedingsruimte(client_voor, inkoper, aanbieder):
    client = client_voor(inkoper)
    response = client.post(
        "/api/v1/bestedingsruimten/",
        {
            "zorgaanbieder": str(aanbieder.uuid),
            "gemeente": "0363",
            "jaar": 2026,
            "bedrag": "1250000.00",
            "toelichting": "Plafond 2026",
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    ruimte = Bestedingsruimte.objects.get()
    assert response.json() == {
        "uuid": str(ruimte.uuid),
        "zorgaanbieder": {
            "uuid": str(aanbieder.uuid),
            "agb_code": "12345678",
            "naam": "Zorg Noord B.V.",
        },
        "gemeente": "0363",
        "jaar": 2026,
        "bedrag": "1250000.00",
        "valuta": "EUR",
        "toelichting": "Plafond 2026",
    }
    assert client.get(f"/api/v1/bestedingsruimten/{ruimte.uuid}/").json()["bedrag"] == "1250000.00"

    def jaren(**params: str) -> list[int]:
        return [
            r["jaar"] for r in client.get("/api/v1/bestedingsruimten/", params).json()["results"]
        ]

    assert jaren(jaar="2026") == [2026]
    assert jaren(jaar="2025") == []
    assert jaren(gemeente="0363", agb_code="12345678") == [2026]
    assert jaren(agb_code="87654321") == []


def test_bestedingsruimte_voor_andere_gemeente(client_voor, inkoper, aanbieder, rotterdam):
    response = client_voor(inkoper).post(
        "/api/v1/bestedingsruimten/",
        {"zorgaanbieder": str(aanbieder.uuid), "gemeente": "0599", "jaar": 2026, "bedrag": "10.00"},
        format="json",
    )
    assert_probleem(response, 400, "gemeente_buiten_bevoegdheid")
    assert not Bestedingsruimte.objects.exists()


def test_bestedingsruimte_buiten_zicht_is_404(client_voor, inkoper_rotterdam, aanbieder, amsterdam):
    ruimte = Bestedingsruimte.objects.create(
        zorgaanbieder=aanbieder, gemeente=amsterdam, jaar=2026, bedrag=Decimal("5.00")
    )
    client = client_voor(inkoper_rotterdam)
    assert client.get("/api/v1/bestedingsruimten/").json()["count"] == 0
    assert_probleem(
        client.get(f"/api/v1/bestedingsruimten/{ruimte.uuid}/"),
        404,
        "bestedingsruimte_niet_gevonden",
    )

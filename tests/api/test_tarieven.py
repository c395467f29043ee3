"""Tariff periods, corrections and the tariff lookup (tarief-op)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from contracten.models import Tariefperiode
from kern.models import AuditRecord
from tests.api.conftest import assert_probleem
from tests.factories import ContractFactory, ProductFactory, TariefperiodeFactory, categorie

pytestmark = pytest.mark.django_db


def test_tariefperiode_ophalen(
    client_voor, regisseur, tarief_ams, contract_ams, aanbieder, product
):
    response = client_voor(regisseur).get(f"/api/v1/tariefperioden/{tarief_ams.uuid}/")
    assert response.status_code == 200
    body = response.json()
    assert body.pop("aangemaakt_op")
    assert body == {
        "uuid": str(tarief_ams.uuid),
        "contract": {"uuid": str(contract_ams.uuid), "nummer": "AMS-2025-001"},
        "zorgaanbieder": {
            "uuid": str(aanbieder.uuid),
            "agb_code": "12345678",
            "naam": "Zorg Noord B.V.",
        },
        "product": {
            "uuid": str(product.uuid),
            "wet": "wmo",
            "categorie": "02",
            "productcode": "02A01",
            "naam": "Begeleiding individueel",
        },
        "bedrag": "65.00",
        "valuta": "EUR",
        "eenheid": "04",
        "ingangsdatum": "2025-01-01",
        "einddatum": None,
        "reden": "initieel",
        "toelichting": "",
        "vervangt": None,
        "is_vervangen": False,
    }


def test_aanbieder_ziet_tarieven_van_ander_niet(
    client_voor, aanbieder_user, tarief_ams, tarief_rdam
):
    client = client_voor(aanbieder_user)
    lijst = client.get("/api/v1/tariefperioden/").json()
    assert [t["uuid"] for t in lijst["results"]] == [str(tarief_ams.uuid)]
    assert client.get("/api/v1/tariefperioden/", {"agb_code": "87654321"}).json()["count"] == 0
    assert_probleem(
        client.get(f"/api/v1/tariefperioden/{tarief_rdam.uuid}/"),
        404,
        "tariefperiode_niet_gevonden",
    )


def _nieuw_tarief(contract, product, **extra):
    return {
        "contract": str(contract.uuid),
        "product": str(product.uuid),
        "bedrag": "68.40",
        "ingangsdatum": "2026-01-01",
        "toelichting": "Nieuw tarief 2026",
        **extra,
    }


def test_tariefperiode_toevoegen_sluit_de_lopende_af(
    client_voor, inkoper, tarief_ams, contract_ams, product
):
    response = client_voor(inkoper).post(
        "/api/v1/tariefperioden/",
        _nieuw_tarief(contract_ams, product, reden="wijziging"),
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["bedrag"], body["valuta"], body["ingangsdatum"], body["einddatum"]) == (
        "68.40",
        "EUR",
        "2026-01-01",
        None,
    )
    assert (body["reden"], body["toelichting"], body["eenheid"]) == (
        "wijziging",
        "Nieuw tarief 2026",
        "04",
    )
    nieuw = Tariefperiode.objects.get(uuid=body["uuid"])
    assert nieuw.bedrag.amount == Decimal("68.40")
    assert nieuw.aangemaakt_door == inkoper
    tarief_ams.refresh_from_db()
    assert tarief_ams.einddatum == date(2025, 12, 31)
    assert tarief_ams.bedrag.amount == Decimal("65.00")


def test_tariefperiode_toevoegen_met_productcode(client_voor, inkoper, contract_ams, product):
    response = client_voor(inkoper).post(
        "/api/v1/tariefperioden/",
        {
            "contract": str(contract_ams.uuid),
            "wet": "wmo",
            "productcategorie": "02",
            "productcode": "02A01",
            "bedrag": "65.00",
            "ingangsdatum": "2025-01-01",
            "einddatum": "2025-12-31",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["product"]["uuid"] == str(product.uuid)
    assert response.json()["einddatum"] == "2025-12-31"


def test_onbekende_productcode(client_voor, inkoper, contract_ams, product):
    response = client_voor(inkoper).post(
        "/api/v1/tariefperioden/",
        {
            "contract": str(contract_ams.uuid),
            "wet": "wmo",
            "productcategorie": "02",
            "productcode": "02X99",
            "bedrag": "65.00",
            "ingangsdatum": "2025-01-01",
        },
        format="json",
    )
    body = assert_probleem(response, 400, "product_onbekend")
    assert body["detail"] == "Onbekende productcode 02X99 in categorie 02 (wmo)."
    assert not Tariefperiode.objects.exists()


def test_product_ontbreekt_of_dubbel(client_voor, inkoper, contract_ams, product):
    client = client_voor(inkoper)
    zonder = _nieuw_tarief(contract_ams, product)
    del zonder["product"]
    body = assert_probleem(
        client.post("/api/v1/tariefperioden/", zonder, format="json"), 400, "ongeldige_invoer"
    )
    assert body["invalid_params"] == [
        {
            "name": "product",
            "code": "product_verplicht",
            "reason": "Geef het product met uuid of met wet, categorie en code.",
        }
    ]
    dubbel = _nieuw_tarief(
        contract_ams, product, wet="wmo", productcategorie="02", productcode="02A01"
    )
    body = assert_probleem(
        client.post("/api/v1/tariefperioden/", dubbel, format="json"), 400, "ongeldige_invoer"
    )
    assert body["invalid_params"][0]["code"] == "product_dubbel"
    assert not Tariefperiode.objects.exists()


def test_overlappend_tarief(client_voor, inkoper, tarief_ams, contract_ams, product):
    TariefperiodeFactory(
        contract=contract_ams, product=ProductFactory(), ingangsdatum=date(2025, 1, 1)
    )
    # A period that starts before the running one: overlaps it, nothing is closed.
    response = client_voor(inkoper).post(
        "/api/v1/tariefperioden/",
        _nieuw_tarief(contract_ams, product, ingangsdatum="2025-01-01", einddatum="2025-06-30"),
        format="json",
    )
    body = assert_probleem(response, 400, "tariefperiode_overlapt")
    assert body["detail"] == (
        "De tariefperiode overlapt met het tarief vanaf 01-01-2025 voor product 02A01 in "
        "contract AMS-2025-001."
    )
    assert body["overlapt_met"] == str(tarief_ams.uuid)
    assert Tariefperiode.objects.filter(contract=contract_ams, product=product).count() == 1
    tarief_ams.refresh_from_db()
    assert tarief_ams.einddatum is None


def test_tarief_einde_voor_ingang(client_voor, inkoper, contract_ams, product):
    response = client_voor(inkoper).post(
        "/api/v1/tariefperioden/",
        _nieuw_tarief(contract_ams, product, einddatum="2025-12-31"),
        format="json",
    )
    assert_probleem(response, 400, "einddatum_voor_ingangsdatum")
    assert not Tariefperiode.objects.exists()


def test_tarief_met_te_veel_decimalen_of_als_getal(client_voor, inkoper, contract_ams, product):
    client = client_voor(inkoper)
    te_fijn = client.post(
        "/api/v1/tariefperioden/",
        _nieuw_tarief(contract_ams, product, bedrag="68.405"),
        format="json",
    )
    body = assert_probleem(te_fijn, 400, "ongeldige_invoer")
    assert body["invalid_params"][0]["name"] == "bedrag"
    assert body["invalid_params"][0]["code"] == "max_decimal_places"
    assert not Tariefperiode.objects.exists()
    # A JSON number is read through its decimal text, never as a binary float.
    getal = client.post(
        "/api/v1/tariefperioden/", _nieuw_tarief(contract_ams, product, bedrag=68.1), format="json"
    )
    assert getal.json()["bedrag"] == "68.10"
    assert Tariefperiode.objects.get().bedrag.amount == Decimal("68.10")


def test_correctie_niet_via_toevoegen(client_voor, inkoper, contract_ams, product):
    response = client_voor(inkoper).post(
        "/api/v1/tariefperioden/",
        _nieuw_tarief(contract_ams, product, reden="correctie"),
        format="json",
    )
    body = assert_probleem(response, 400, "ongeldige_invoer")
    assert body["invalid_params"][0]["code"] == "correctie_via_corrigeren"


def test_tarief_voor_contract_buiten_bevoegdheid(
    client_voor, inkoper_rotterdam, contract_ams, product
):
    response = client_voor(inkoper_rotterdam).post(
        "/api/v1/tariefperioden/", _nieuw_tarief(contract_ams, product), format="json"
    )
    body = assert_probleem(response, 400, "ongeldige_invoer")
    assert body["invalid_params"][0]["name"] == "contract"
    assert body["invalid_params"][0]["code"] == "does_not_exist"
    assert not Tariefperiode.objects.exists()


def test_tarief_toevoegen_zonder_rol(client_voor, regisseur, contract_ams, product):
    response = client_voor(regisseur).post(
        "/api/v1/tariefperioden/", _nieuw_tarief(contract_ams, product), format="json"
    )
    assert_probleem(response, 403, "geen_toegang")
    assert not Tariefperiode.objects.exists()


def test_corrigeren(client_voor, inkoper, tarief_ams):
    client = client_voor(inkoper)
    response = client.post(
        f"/api/v1/tariefperioden/{tarief_ams.uuid}/corrigeren/",
        {"bedrag": "66.50", "toelichting": "Tikfout in het tarievenblad"},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["bedrag"], body["reden"], body["vervangt"], body["is_vervangen"]) == (
        "66.50",
        "correctie",
        str(tarief_ams.uuid),
        False,
    )
    assert (body["ingangsdatum"], body["einddatum"]) == ("2025-01-01", None)
    tarief_ams.refresh_from_db()
    assert tarief_ams.is_vervangen is True
    assert tarief_ams.bedrag.amount == Decimal("65.00")

    standaard = client.get("/api/v1/tariefperioden/").json()
    assert [t["bedrag"] for t in standaard["results"]] == ["66.50"]
    alles = client.get("/api/v1/tariefperioden/", {"ook_vervangen": "true"}).json()
    assert sorted(t["bedrag"] for t in alles["results"]) == ["65.00", "66.50"]
    # The replaced period stays readable by its uuid.
    oud = client.get(f"/api/v1/tariefperioden/{tarief_ams.uuid}/").json()
    assert oud["is_vervangen"] is True

    nogmaals = client.post(
        f"/api/v1/tariefperioden/{tarief_ams.uuid}/corrigeren/",
        {"bedrag": "67.00", "toelichting": "nog eens"},
        format="json",
    )
    assert_probleem(nogmaals, 409, "tariefperiode_al_vervangen")
    assert Tariefperiode.objects.count() == 2


def test_corrigeren_zonder_toelichting(client_voor, inkoper, tarief_ams):
    response = client_voor(inkoper).post(
        f"/api/v1/tariefperioden/{tarief_ams.uuid}/corrigeren/", {"bedrag": "66.50"}, format="json"
    )
    assert_probleem(response, 400, "ongeldige_invoer")
    assert Tariefperiode.objects.count() == 1
    assert not AuditRecord.objects.exists()


def test_tariefperioden_filteren(
    client_voor, aanbieder, ander_aanbieder, amsterdam, rotterdam, product
):
    from tests.factories import GebruikerFactory

    beide = GebruikerFactory(rollen=["regisseur"], gemeenten=[amsterdam, rotterdam])
    ander_product = ProductFactory(categorie=categorie("jw", "45"), productcode="45A01")
    a = ContractFactory(nummer="A", zorgaanbieder=aanbieder, gemeenten=[amsterdam])
    b = ContractFactory(nummer="B", zorgaanbieder=ander_aanbieder, gemeenten=[rotterdam])
    t1 = TariefperiodeFactory(
        contract=a, product=product, bedrag=Decimal("60.00"), einddatum=date(2025, 12, 31)
    )
    t2 = TariefperiodeFactory(
        contract=a, product=product, bedrag=Decimal("62.00"), ingangsdatum=date(2026, 1, 1)
    )
    t3 = TariefperiodeFactory(contract=b, product=ander_product, bedrag=Decimal("99.99"))
    client = client_voor(beide)

    def ids(**params: str) -> list[str]:
        return [t["uuid"] for t in client.get("/api/v1/tariefperioden/", params).json()["results"]]

    assert ids() == [str(t1.uuid), str(t2.uuid), str(t3.uuid)]
    assert ids(contract=str(b.uuid)) == [str(t3.uuid)]
    assert ids(product=str(product.uuid)) == [str(t1.uuid), str(t2.uuid)]
    assert ids(agb_code="12345678") == [str(t1.uuid), str(t2.uuid)]
    assert ids(gemeente="0599") == [str(t3.uuid)]
    assert ids(geldig_op="2025-06-30") == [str(t1.uuid), str(t3.uuid)]
    assert ids(geldig_op="2026-01-01", agb_code="12345678") == [str(t2.uuid)]
    assert ids(ordering="-ingangsdatum")[0] == str(t2.uuid)


# --- tarief-op -----------------------------------------------------------------------------

VRAAG = {
    "agb_code": "12345678",
    "gemeente": "0363",
    "wet": "wmo",
    "productcategorie": "02",
    "productcode": "02A01",
    "datum": "2025-03-01",
}


def test_tarief_op(client_voor, regisseur, tarief_ams):
    response = client_voor(regisseur).get("/api/v1/tarief-op/", VRAAG)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["uuid"] == str(tarief_ams.uuid)
    assert (body["bedrag"], body["valuta"], body["eenheid"]) == ("65.00", "EUR", "04")
    assert body["contract"]["nummer"] == "AMS-2025-001"


def test_tarief_op_voor_eigen_aanbieder(client_voor, aanbieder_user, tarief_ams):
    response = client_voor(aanbieder_user).get("/api/v1/tarief-op/", VRAAG)
    assert response.json()["bedrag"] == "65.00"


def test_geen_contracttarief(client_voor, regisseur, tarief_ams):
    response = client_voor(regisseur).get("/api/v1/tarief-op/", {**VRAAG, "datum": "2024-12-31"})
    body = assert_probleem(response, 404, "geen_contracttarief")
    assert body["detail"] == (
        "Geen contracttarief voor product 02A01 van aanbieder 12345678 in gemeente 0363 op "
        "31-12-2024."
    )
    assert body["datum"] == "2024-12-31"


def test_tarief_op_buiten_bevoegdheid_lekt_niets(
    client_voor, aanbieder_user, inkoper_rotterdam, tarief_ams, tarief_rdam
):
    # A provider asking about another provider's AGB, and Rotterdam asking about Amsterdam,
    # get the same answer as a combination that has no tariff at all.
    andere_agb = client_voor(aanbieder_user).get(
        "/api/v1/tarief-op/", {**VRAAG, "agb_code": "87654321", "gemeente": "0599"}
    )
    body = assert_probleem(andere_agb, 404, "geen_contracttarief")
    assert body["detail"] == (
        "Geen contracttarief voor product 02A01 van aanbieder 87654321 in gemeente 0599 op "
        "01-03-2025."
    )
    andere_gemeente = client_voor(inkoper_rotterdam).get("/api/v1/tarief-op/", VRAAG)
    body = assert_probleem(andere_gemeente, 404, "geen_contracttarief")
    assert body["detail"] == (
        "Geen contracttarief voor product 02A01 van aanbieder 12345678 in gemeente 0363 op "
        "01-03-2025."
    )


def test_tarief_op_onbekend_product_en_ontbrekende_parameter(client_voor, regisseur, tarief_ams):
    client = client_voor(regisseur)
    assert_probleem(
        client.get("/api/v1/tarief-op/", {**VRAAG, "productcode": "ZZZ"}), 400, "product_onbekend"
    )
    zonder_datum = {k: v for k, v in VRAAG.items() if k != "datum"}
    body = assert_probleem(client.get("/api/v1/tarief-op/", zonder_datum), 400, "ongeldige_invoer")
    assert body["invalid_params"] == [
        {"name": "datum", "code": "required", "reason": "Dit veld is vereist."}
    ]

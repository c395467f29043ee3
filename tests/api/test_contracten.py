"""Contracts: reading in scope, creating, changing (new version), status, history."""

from __future__ import annotations

from datetime import date

import pytest

from contracten.models import Contract, ContractStatusWijziging, ContractVersie
from kern.models import AuditRecord
from tests.api.conftest import assert_probleem
from tests.factories import ContractFactory, GebruikerFactory, ZorgaanbiederFactory

pytestmark = pytest.mark.django_db


def test_contract_ophalen(client_voor, regisseur, contract_ams, aanbieder):
    response = client_voor(regisseur).get(f"/api/v1/contracten/{contract_ams.uuid}/")
    assert response.status_code == 200
    assert response.json() == {
        "uuid": str(contract_ams.uuid),
        "nummer": "AMS-2025-001",
        "zorgaanbieder": {
            "uuid": str(aanbieder.uuid),
            "agb_code": "12345678",
            "naam": "Zorg Noord B.V.",
        },
        "gemeenten": ["0363"],
        "omschrijving": "Begeleiding Amsterdam",
        "ingangsdatum": "2025-01-01",
        "einddatum": None,
        "status": "actief",
        "versie": 1,
    }


def test_contractenlijst_is_gepagineerd_en_gescoped(
    client_voor, regisseur, contract_ams, contract_rdam
):
    body = client_voor(regisseur).get("/api/v1/contracten/").json()
    assert body["count"] == 1
    assert body["next"] is None
    assert [c["nummer"] for c in body["results"]] == ["AMS-2025-001"]


def test_rotterdam_ziet_amsterdams_contract_niet(client_voor, inkoper_rotterdam, contract_ams):
    client = client_voor(inkoper_rotterdam)
    assert client.get("/api/v1/contracten/").json()["count"] == 0
    assert_probleem(
        client.get(f"/api/v1/contracten/{contract_ams.uuid}/"), 404, "contract_niet_gevonden"
    )
    response = client.patch(
        f"/api/v1/contracten/{contract_ams.uuid}/",
        {"reden": "poging", "omschrijving": "gekaapt"},
        format="json",
    )
    assert_probleem(response, 404, "contract_niet_gevonden")
    contract_ams.refresh_from_db()
    assert (contract_ams.omschrijving, contract_ams.versie) == ("Begeleiding Amsterdam", 1)


def test_aanbieder_ziet_contract_van_ander_niet(
    client_voor, aanbieder_user, contract_ams, contract_rdam
):
    client = client_voor(aanbieder_user)
    assert [c["nummer"] for c in client.get("/api/v1/contracten/").json()["results"]] == [
        "AMS-2025-001"
    ]
    for pad in ("", "versies/", "statuswijzigingen/"):
        assert_probleem(
            client.get(f"/api/v1/contracten/{contract_rdam.uuid}/{pad}"),
            404,
            "contract_niet_gevonden",
        )


def test_contracten_filteren(client_voor, aanbieder, ander_aanbieder, amsterdam, rotterdam):
    beide = GebruikerFactory(rollen=["regisseur"], gemeenten=[amsterdam, rotterdam])
    ContractFactory(nummer="A", zorgaanbieder=aanbieder, gemeenten=[amsterdam])
    ContractFactory(
        nummer="B",
        zorgaanbieder=ander_aanbieder,
        gemeenten=[amsterdam, rotterdam],
        einddatum=date(2025, 6, 30),
    )
    ContractFactory(
        nummer="C", zorgaanbieder=ander_aanbieder, gemeenten=[rotterdam], status="concept"
    )
    ContractFactory(
        nummer="D",
        zorgaanbieder=aanbieder,
        gemeenten=[rotterdam],
        ingangsdatum=date(2026, 1, 1),
    )
    client = client_voor(beide)

    def nummers(**params: str) -> list[str]:
        return [c["nummer"] for c in client.get("/api/v1/contracten/", params).json()["results"]]

    assert nummers() == ["A", "B", "C", "D"]
    assert nummers(zorgaanbieder=str(ander_aanbieder.uuid)) == ["B", "C"]
    assert nummers(agb_code="12345678") == ["A", "D"]
    assert nummers(gemeente="0599") == ["B", "C", "D"]
    assert nummers(status="concept") == ["C"]
    assert nummers(actief_op="2025-03-01") == ["A", "B"]
    assert nummers(actief_op="2025-07-01") == ["A"]
    assert nummers(actief_op="2026-01-01") == ["A", "D"]
    assert nummers(ordering="-nummer") == ["D", "C", "B", "A"]
    assert_probleem(
        client.get("/api/v1/contracten/", {"actief_op": "morgen"}), 400, "ongeldige_invoer"
    )


def _nieuw_contract(aanbieder, **extra):
    return {
        "nummer": "AMS-2026-007",
        "zorgaanbieder": str(aanbieder.uuid),
        "gemeenten": ["0363"],
        "ingangsdatum": "2026-01-01",
        "einddatum": "2027-12-31",
        "omschrijving": "Hulp bij het huishouden",
        **extra,
    }


def test_contract_aanmaken(client_voor, inkoper, aanbieder):
    response = client_voor(inkoper).post(
        "/api/v1/contracten/", _nieuw_contract(aanbieder), format="json"
    )
    assert response.status_code == 201, response.content
    contract = Contract.objects.get(nummer="AMS-2026-007")
    assert response.json() == {
        "uuid": str(contract.uuid),
        "nummer": "AMS-2026-007",
        "zorgaanbieder": {
            "uuid": str(aanbieder.uuid),
            "agb_code": "12345678",
            "naam": "Zorg Noord B.V.",
        },
        "gemeenten": ["0363"],
        "omschrijving": "Hulp bij het huishouden",
        "ingangsdatum": "2026-01-01",
        "einddatum": "2027-12-31",
        "status": "concept",
        "versie": 1,
    }
    versie = ContractVersie.objects.get(contract=contract)
    assert (versie.versie, versie.reden, versie.aangemaakt_door) == (1, "Eerste versie", inkoper)


def test_rotterdam_kan_geen_contract_voor_amsterdam_maken(
    client_voor, inkoper_rotterdam, aanbieder
):
    response = client_voor(inkoper_rotterdam).post(
        "/api/v1/contracten/", _nieuw_contract(aanbieder), format="json"
    )
    body = assert_probleem(response, 400, "gemeente_buiten_bevoegdheid")
    assert body["detail"] == "Gemeente onbekend of buiten uw bevoegdheid: 0363."
    assert not Contract.objects.exists()
    assert not ContractVersie.objects.exists()
    assert not AuditRecord.objects.exists()


def test_contract_einde_voor_ingang(client_voor, inkoper, aanbieder):
    response = client_voor(inkoper).post(
        "/api/v1/contracten/",
        _nieuw_contract(aanbieder, einddatum="2025-12-31"),
        format="json",
    )
    body = assert_probleem(response, 400, "einddatum_voor_ingangsdatum")
    assert body["invalid_params"] == [
        {
            "name": "einddatum",
            "code": "einddatum_voor_ingangsdatum",
            "reason": "De einddatum ligt vóór de ingangsdatum.",
        }
    ]
    assert not Contract.objects.exists()


def test_contract_met_onbekende_gemeente_of_aanbieder(client_voor, inkoper, aanbieder):
    client = client_voor(inkoper)
    onbekende_gemeente = client.post(
        "/api/v1/contracten/", _nieuw_contract(aanbieder, gemeenten=["9999"]), format="json"
    )
    body = assert_probleem(onbekende_gemeente, 400, "ongeldige_invoer")
    assert body["invalid_params"] == [
        {
            "name": "gemeenten",
            "code": "does_not_exist",
            "reason": "Object met code=9999 bestaat niet.",
        }
    ]
    geen_uuid = client.post(
        "/api/v1/contracten/", _nieuw_contract(aanbieder, zorgaanbieder="abc"), format="json"
    )
    body = assert_probleem(geen_uuid, 400, "ongeldige_invoer")
    assert body["invalid_params"][0]["name"] == "zorgaanbieder"
    assert body["invalid_params"][0]["code"] == "does_not_exist"
    assert not Contract.objects.exists()


def test_aanbieder_buiten_zicht_bestaat_niet_voor_aanbieder_gebruiker(
    client_voor, aanbieder_user, ander_aanbieder
):
    # A provider user has no write role anyway: the refusal comes before anything is read.
    response = client_voor(aanbieder_user).post(
        "/api/v1/contracten/", _nieuw_contract(ander_aanbieder), format="json"
    )
    assert_probleem(response, 403, "geen_toegang")
    assert not Contract.objects.exists()


def test_dubbel_contractnummer_is_409(client_voor, inkoper, aanbieder, contract_ams):
    response = client_voor(inkoper).post(
        "/api/v1/contracten/", _nieuw_contract(aanbieder, nummer="AMS-2025-001"), format="json"
    )
    assert_probleem(response, 409, "contract_bestaat")
    assert Contract.objects.count() == 1


def test_contract_wijzigen_maakt_nieuwe_versie(client_voor, inkoper, contract_ams):
    response = client_voor(inkoper).patch(
        f"/api/v1/contracten/{contract_ams.uuid}/",
        {"reden": "Verlengd tot eind 2026", "einddatum": "2026-12-31"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["einddatum"] == "2026-12-31"
    assert response.json()["versie"] == 2
    versie = ContractVersie.objects.get(contract=contract_ams, versie=2)
    assert versie.reden == "Verlengd tot eind 2026"
    assert versie.gegevens["einddatum"] == "2026-12-31"


def test_contract_wijzigen_zonder_reden(client_voor, inkoper, contract_ams):
    response = client_voor(inkoper).patch(
        f"/api/v1/contracten/{contract_ams.uuid}/", {"omschrijving": "Nieuw"}, format="json"
    )
    body = assert_probleem(response, 400, "ongeldige_invoer")
    assert body["invalid_params"] == [
        {"name": "reden", "code": "required", "reason": "Dit veld is vereist."}
    ]
    contract_ams.refresh_from_db()
    assert (contract_ams.omschrijving, contract_ams.versie) == ("Begeleiding Amsterdam", 1)


def test_contract_wijzigen_lege_reden_en_niets_gewijzigd(client_voor, inkoper, contract_ams):
    client = client_voor(inkoper)
    leeg = client.patch(
        f"/api/v1/contracten/{contract_ams.uuid}/",
        {"reden": "   ", "omschrijving": "x"},
        format="json",
    )
    assert_probleem(leeg, 400, "ongeldige_invoer")  # blank after trimming
    niets = client.patch(
        f"/api/v1/contracten/{contract_ams.uuid}/", {"reden": "niets"}, format="json"
    )
    assert_probleem(niets, 400, "geen_wijziging")
    assert ContractVersie.objects.filter(contract=contract_ams).count() == 0
    contract_ams.refresh_from_db()
    assert contract_ams.versie == 1


def test_contract_einddatum_weghalen(client_voor, inkoper, aanbieder, amsterdam):
    contract = ContractFactory(
        zorgaanbieder=aanbieder, gemeenten=[amsterdam], einddatum=date(2025, 12, 31)
    )
    response = client_voor(inkoper).patch(
        f"/api/v1/contracten/{contract.uuid}/",
        {"reden": "Onbepaalde tijd", "einddatum": None},
        format="json",
    )
    assert response.json()["einddatum"] is None
    contract.refresh_from_db()
    assert contract.einddatum is None


def test_regisseur_mag_contract_niet_wijzigen(client_voor, regisseur, contract_ams):
    response = client_voor(regisseur).patch(
        f"/api/v1/contracten/{contract_ams.uuid}/",
        {"reden": "x", "omschrijving": "y"},
        format="json",
    )
    assert_probleem(response, 403, "geen_toegang")
    contract_ams.refresh_from_db()
    assert contract_ams.omschrijving == "Begeleiding Amsterdam"


def test_put_bestaat_niet(client_voor, inkoper, contract_ams):
    response = client_voor(inkoper).put(
        f"/api/v1/contracten/{contract_ams.uuid}/", {"reden": "x"}, format="json"
    )
    assert_probleem(response, 405, "methode_niet_toegestaan")


def test_status_wijzigen_en_geschiedenis(client_voor, inkoper, contract_ams):
    client = client_voor(inkoper)
    client.patch(
        f"/api/v1/contracten/{contract_ams.uuid}/",
        {"reden": "Einddatum vastgelegd", "einddatum": "2025-12-31"},
        format="json",
    )
    response = client.post(
        f"/api/v1/contracten/{contract_ams.uuid}/status/",
        {"status": "opgezegd", "reden": "Opgezegd per brief"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "opgezegd"

    wijzigingen = client.get(f"/api/v1/contracten/{contract_ams.uuid}/statuswijzigingen/").json()
    assert wijzigingen["count"] == 1
    [wijziging] = wijzigingen["results"]
    assert wijziging["van_status"] == "actief"
    assert wijziging["naar_status"] == "opgezegd"
    assert wijziging["reden"] == "Opgezegd per brief"
    assert wijziging["door"] == "inkoper"

    versies = client.get(f"/api/v1/contracten/{contract_ams.uuid}/versies/").json()
    assert versies["count"] == 1  # the factory wrote no version 1; the change wrote version 2
    [versie] = versies["results"]
    assert versie["versie"] == 2
    assert versie["reden"] == "Einddatum vastgelegd"
    assert versie["aangemaakt_door"] == "inkoper"
    assert versie["gegevens"] == {
        "nummer": "AMS-2025-001",
        "omschrijving": "Begeleiding Amsterdam",
        "ingangsdatum": "2025-01-01",
        "einddatum": "2025-12-31",
        "status": "actief",
        "gemeenten": ["0363"],
    }


def test_versies_van_een_nieuw_contract(client_voor, inkoper, aanbieder):
    client = client_voor(inkoper)
    uuid = client.post("/api/v1/contracten/", _nieuw_contract(aanbieder), format="json").json()[
        "uuid"
    ]
    client.patch(
        f"/api/v1/contracten/{uuid}/", {"reden": "Regio", "omschrijving": "HH regio"}, format="json"
    )
    versies = client.get(f"/api/v1/contracten/{uuid}/versies/").json()["results"]
    assert [(v["versie"], v["reden"], v["gegevens"]["omschrijving"]) for v in versies] == [
        (1, "Eerste versie", "Hulp bij het huishouden"),
        (2, "Regio", "HH regio"),
    ]


def test_statusovergang_niet_toegestaan(client_voor, inkoper, contract_ams):
    response = client_voor(inkoper).post(
        f"/api/v1/contracten/{contract_ams.uuid}/status/", {"status": "concept"}, format="json"
    )
    body = assert_probleem(response, 400, "statusovergang_niet_toegestaan")
    assert body["detail"] == "Een contract met status actief kan niet naar concept."
    assert not ContractStatusWijziging.objects.exists()
    contract_ams.refresh_from_db()
    assert contract_ams.status == "actief"


def test_onbekende_status(client_voor, inkoper, contract_ams):
    response = client_voor(inkoper).post(
        f"/api/v1/contracten/{contract_ams.uuid}/status/", {"status": "gepauzeerd"}, format="json"
    )
    body = assert_probleem(response, 400, "ongeldige_invoer")
    assert body["invalid_params"][0]["name"] == "status"
    assert body["invalid_params"][0]["code"] == "invalid_choice"


def test_aanbieder_mag_status_niet_wijzigen(client_voor, aanbieder_user, contract_ams):
    response = client_voor(aanbieder_user).post(
        f"/api/v1/contracten/{contract_ams.uuid}/status/", {"status": "beeindigd"}, format="json"
    )
    assert_probleem(response, 403, "geen_toegang")
    contract_ams.refresh_from_db()
    assert contract_ams.status == "actief"


def test_superuser_ziet_alles(client_voor, contract_ams, contract_rdam):
    beheer = GebruikerFactory(is_superuser=True)
    ZorgaanbiederFactory()
    body = client_voor(beheer).get("/api/v1/contracten/").json()
    assert [c["nummer"] for c in body["results"]] == ["AMS-2025-001", "RDAM-2025-001"]

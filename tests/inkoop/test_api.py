"""The inkoop API: the open-house chain end to end, scoping (404 outside the scope), roles
(403) and problem+json errors with stable codes."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from contracten.constants import ContractStatus
from contracten.models import Contract
from inkoop import services
from inkoop.constants import Besluit
from inkoop.models import Capaciteitsmelding, Inkooptraject, Inschrijving
from tests.inkoop.conftest import assert_probleem, perceel
from tests.utils import NietsVeranderd

pytestmark = pytest.mark.django_db


def test_open_house_keten_over_de_api(
    client_voor,
    inkoper,
    regisseur,
    aanbieder,
    aanbieder_user,
    begeleiding,
    begeleiding_groep,
    amsterdam,
    vandaag,
):
    ink = client_voor(inkoper)
    begin, eind = vandaag - timedelta(days=10), vandaag + timedelta(days=355)
    response = ink.post(
        "/api/v1/inkooptrajecten/",
        {
            "code": "OH-WMO-2026",
            "naam": "Begeleiding Amsterdam",
            "procedure": "open_house",
            "wet": "wmo",
            "gemeenten": ["0363"],
            "looptijd_begin": begin.isoformat(),
            "looptijd_eind": eind.isoformat(),
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    traject = response.json()
    assert (traject["status"], traject["gemeenten"], traject["percelen"]) == (
        "concept",
        ["0363"],
        [],
    )

    response = ink.post(
        "/api/v1/percelen/", {"traject": traject["uuid"], "naam": "Begeleiding"}, format="json"
    )
    assert response.status_code == 201, response.content
    perceel_uuid = response.json()["uuid"]
    for product, soort, bedrag in (
        (begeleiding, "vast", "65.00"),
        (begeleiding_groep, "plafond", "70.00"),
    ):
        response = ink.post(
            f"/api/v1/percelen/{perceel_uuid}/producten/",
            {"product": str(product.uuid), "tariefsoort": soort, "bedrag": bedrag},
            format="json",
        )
        assert response.status_code == 201, response.content
    response = ink.post(
        f"/api/v1/inkooptrajecten/{traject['uuid']}/status/",
        {"status": "gepubliceerd"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["publicatiedatum"] == vandaag.isoformat()

    # The provider sees the published traject and submits for itself.
    aan = client_voor(aanbieder_user)
    lijst = aan.get("/api/v1/inkooptrajecten/").json()
    assert [t["code"] for t in lijst["results"]] == ["OH-WMO-2026"]
    response = aan.post(
        "/api/v1/inschrijvingen/",
        {
            "perceel": perceel_uuid,
            "tarieven": [{"product": str(begeleiding_groep.uuid), "bedrag": "68.50"}],
            "toelichting": "Wij leveren in heel Amsterdam.",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    inschrijving = response.json()
    assert inschrijving["status"] == "ingediend"
    assert inschrijving["zorgaanbieder"]["agb_code"] == "12345678"
    assert inschrijving["tarieven"] == [
        {
            "product": {
                "uuid": str(begeleiding_groep.uuid),
                "wet": "wmo",
                "categorie": "02",
                "productcode": "02A02",
                "naam": "Begeleiding groep",
            },
            "bedrag": "68.50",
            "valuta": "EUR",
        }
    ]

    # The inkoper admits it: the contract appears, active, with the perceel's tariffs.
    response = ink.post(
        f"/api/v1/inschrijvingen/{inschrijving['uuid']}/beoordelen/",
        {"besluit": "toelaten"},
        format="json",
    )
    assert response.status_code == 200, response.content
    besluit = response.json()
    assert besluit["status"] == "toegelaten"
    assert besluit["toelatingsdatum"] == vandaag.isoformat()
    assert besluit["contract"]["nummer"] == "OH-WMO-2026-12345678"
    assert besluit["beoordeeld_door"] == "inkoper"
    contract = Contract.objects.get(nummer="OH-WMO-2026-12345678")
    assert contract.status == ContractStatus.ACTIEF

    # tarief-op answers it, for the regisseur of Amsterdam.
    reg = client_voor(regisseur)
    response = reg.get(
        "/api/v1/tarief-op/",
        {
            "agb_code": "12345678",
            "gemeente": "0363",
            "wet": "wmo",
            "productcategorie": "02",
            "productcode": "02A02",
            "datum": vandaag.isoformat(),
        },
    )
    assert response.status_code == 200, response.content
    assert response.json()["bedrag"] == "68.50"

    # The provider reports its waiting time and places; the regisseur finds it.
    response = aan.post(
        "/api/v1/capaciteit/",
        {
            "product": str(begeleiding.uuid),
            "gemeente": "0363",
            "wachttijd_dagen": 14,
            "beschikbare_plaatsen": 3,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    response = reg.get(
        "/api/v1/aanbieders-zoeken/",
        {"gemeente": "0363", "product": str(begeleiding.uuid), "datum": vandaag.isoformat()},
    )
    assert response.status_code == 200, response.content
    (rij,) = response.json()["results"]
    assert rij["zorgaanbieder"]["naam"] == "Zorg Noord B.V."
    assert rij["contract"]["nummer"] == "OH-WMO-2026-12345678"
    assert (
        rij["tarief"],
        rij["wachttijd_dagen"],
        rij["beschikbare_plaatsen"],
        rij["clientstop"],
    ) == (
        "65.00",
        14,
        3,
        False,
    )
    assert rij["tarief_einddatum"] == eind.isoformat()


# --- Scoping and roles ---------------------------------------------------------------------


def test_gemeente_ziet_alleen_trajecten_van_de_eigen_gemeenten(
    client_voor, open_house, inkoper_rotterdam, regisseur
):
    rdam = client_voor(inkoper_rotterdam)
    assert rdam.get("/api/v1/inkooptrajecten/").json()["count"] == 0
    assert_probleem(
        rdam.get(f"/api/v1/inkooptrajecten/{open_house.uuid}/"), 404, "inkooptraject_niet_gevonden"
    )
    p = perceel(open_house, "Begeleiding")
    assert_probleem(rdam.get(f"/api/v1/percelen/{p.uuid}/"), 404, "perceel_niet_gevonden")
    with NietsVeranderd("inkoop", "kern"):
        assert_probleem(
            rdam.post(
                f"/api/v1/inkooptrajecten/{open_house.uuid}/status/",
                {"status": "afgerond"},
                format="json",
            ),
            404,
            "inkooptraject_niet_gevonden",
        )
    # A regisseur of Amsterdam reads it, but does not run procurement.
    ams = client_voor(regisseur)
    assert ams.get(f"/api/v1/inkooptrajecten/{open_house.uuid}/").status_code == 200
    with NietsVeranderd("inkoop", "kern"):
        assert_probleem(
            ams.post(
                f"/api/v1/inkooptrajecten/{open_house.uuid}/status/",
                {"status": "afgerond"},
                format="json",
            ),
            403,
            "geen_toegang",
        )


def test_aanbieder_ziet_geen_concept_en_alleen_eigen_inschrijvingen(
    client_voor,
    traject_maken,
    inkoper,
    aanbieder,
    aanbieder_user,
    ander_aanbieder_user,
    begeleiding_groep,
):
    concept = traject_maken(code="CONCEPT", publiceren=False)
    open_house = traject_maken()
    aan = client_voor(aanbieder_user)
    assert [t["code"] for t in aan.get("/api/v1/inkooptrajecten/").json()["results"]] == [
        "OH-WMO-2026"
    ]
    assert_probleem(
        aan.get(f"/api/v1/inkooptrajecten/{concept.uuid}/"), 404, "inkooptraject_niet_gevonden"
    )
    response = aan.post(
        "/api/v1/inschrijvingen/",
        {
            "perceel": str(perceel(open_house, "Begeleiding").uuid),
            "tarieven": [{"product": str(begeleiding_groep.uuid), "bedrag": "68.50"}],
        },
        format="json",
    )
    assert response.status_code == 201
    uuid = response.json()["uuid"]
    ander = client_voor(ander_aanbieder_user)
    assert ander.get("/api/v1/inschrijvingen/").json()["count"] == 0
    assert_probleem(ander.get(f"/api/v1/inschrijvingen/{uuid}/"), 404, "inschrijving_niet_gevonden")
    with NietsVeranderd("inkoop", "contracten", "kern"):
        assert_probleem(
            ander.post(f"/api/v1/inschrijvingen/{uuid}/beoordelen/", {"besluit": "toelaten"}),
            404,
            "inschrijving_niet_gevonden",
        )
        # Its own submission cannot be admitted by the provider itself.
        assert_probleem(
            aan.post(f"/api/v1/inschrijvingen/{uuid}/beoordelen/", {"besluit": "toelaten"}),
            403,
            "geen_toegang",
        )
        # Nor can it submit on another provider's behalf.
        assert_probleem(
            ander.post(
                "/api/v1/inschrijvingen/",
                {
                    "perceel": str(perceel(open_house, "Dagbesteding").uuid),
                    "zorgaanbieder": str(aanbieder.uuid),
                },
                format="json",
            ),
            404,
            "zorgaanbieder_niet_gevonden",
        )
        assert_probleem(
            aan.post(
                "/api/v1/inkooptrajecten/",
                {"code": "X", "naam": "X", "procedure": "open_house", "wet": "wmo"},
                format="json",
            ),
            403,
            "geen_toegang",
        )


def test_inschrijven_na_sluiting_geeft_probleem_en_schrijft_niets(
    client_voor, traject_maken, aanbieder_user, begeleiding_groep, klok, vandaag
):
    traject = traject_maken(
        procedure="meervoudig_onderhands", code="MO-1", sluitingsdatum=vandaag + timedelta(days=3)
    )
    klok.zet(vandaag + timedelta(days=4))
    with NietsVeranderd("inkoop", "contracten", "kern"):
        body = assert_probleem(
            client_voor(aanbieder_user).post(
                "/api/v1/inschrijvingen/",
                {
                    "perceel": str(perceel(traject, "Begeleiding").uuid),
                    "tarieven": [{"product": str(begeleiding_groep.uuid), "bedrag": "68.50"}],
                },
                format="json",
            ),
            400,
            "inschrijving_gesloten",
        )
    assert "gesloten sinds" in body["detail"]


def test_plafond_overschreden_over_de_api(
    client_voor, open_house, aanbieder_user, begeleiding_groep
):
    with NietsVeranderd("inkoop", "contracten", "kern"):
        body = assert_probleem(
            client_voor(aanbieder_user).post(
                "/api/v1/inschrijvingen/",
                {
                    "perceel": str(perceel(open_house, "Begeleiding").uuid),
                    "tarieven": [{"product": str(begeleiding_groep.uuid), "bedrag": "70.01"}],
                },
                format="json",
            ),
            400,
            "tarief_boven_plafond",
        )
    assert body["plafond"] == "70.00"
    assert body["productcode"] == "02A02"


def test_capaciteit_voor_een_andere_aanbieder_is_404(
    client_voor,
    open_house,
    inkoper,
    aanbieder,
    aanbieder_user,
    ander_aanbieder_user,
    begeleiding,
    begeleiding_groep,
):
    inschrijving = services.inschrijving_indienen(
        door=aanbieder_user,
        perceel=perceel(open_house, "Begeleiding"),
        zorgaanbieder=aanbieder,
        tarieven={begeleiding_groep: Decimal("68.50")},
    )
    services.inschrijving_beoordelen(
        door=inkoper, inschrijving=inschrijving, besluit=Besluit.TOELATEN
    )
    aan = client_voor(aanbieder_user)
    response = aan.post(
        "/api/v1/capaciteit/",
        {"product": str(begeleiding.uuid), "gemeente": "0363", "wachttijd_dagen": 10},
        format="json",
    )
    assert response.status_code == 201, response.content
    melding_uuid = response.json()["uuid"]
    ander = client_voor(ander_aanbieder_user)
    with NietsVeranderd("inkoop", "kern"):
        assert_probleem(
            ander.post(
                "/api/v1/capaciteit/",
                {
                    "zorgaanbieder": str(aanbieder.uuid),
                    "product": str(begeleiding.uuid),
                    "gemeente": "0363",
                    "wachttijd_dagen": 99,
                },
                format="json",
            ),
            404,
            "zorgaanbieder_niet_gevonden",
        )
    assert_probleem(
        ander.get(f"/api/v1/capaciteit/{melding_uuid}/"), 404, "capaciteitsmelding_niet_gevonden"
    )
    assert ander.get("/api/v1/capaciteit/").json()["count"] == 0
    # The history: a second report; actueel=true shows only the latest.
    aan.post(
        "/api/v1/capaciteit/",
        {"product": str(begeleiding.uuid), "gemeente": "0363", "beschikbare_plaatsen": 4},
        format="json",
    )
    historie = aan.get("/api/v1/capaciteit/").json()
    assert [(r["wachttijd_dagen"], r["beschikbare_plaatsen"]) for r in historie["results"]] == [
        (10, 4),
        (10, None),
    ]
    actueel = aan.get("/api/v1/capaciteit/", {"actueel": "true"}).json()
    assert [(r["wachttijd_dagen"], r["beschikbare_plaatsen"]) for r in actueel["results"]] == [
        (10, 4)
    ]
    assert Capaciteitsmelding.objects.count() == 2


def test_clientstop_over_de_api(
    client_voor,
    open_house,
    inkoper,
    regisseur,
    regisseur_rotterdam,
    aanbieder,
    aanbieder_user,
    begeleiding,
    begeleiding_groep,
    vandaag,
):
    inschrijving = services.inschrijving_indienen(
        door=aanbieder_user,
        perceel=perceel(open_house, "Begeleiding"),
        zorgaanbieder=aanbieder,
        tarieven={begeleiding_groep: Decimal("68.50")},
    )
    services.inschrijving_beoordelen(
        door=inkoper, inschrijving=inschrijving, besluit=Besluit.TOELATEN
    )
    aan = client_voor(aanbieder_user)
    response = aan.post(
        "/api/v1/clientstops/",
        {
            "product": str(begeleiding.uuid),
            "gemeente": "0363",
            "ingangsdatum": vandaag.isoformat(),
            "reden": "Personeelstekort",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    stop = response.json()
    assert stop["status"] == "aangevraagd"
    with NietsVeranderd("inkoop", "kern"):
        assert_probleem(
            client_voor(regisseur_rotterdam).post(
                f"/api/v1/clientstops/{stop['uuid']}/beoordelen/", {"besluit": "goedkeuren"}
            ),
            404,
            "clientstop_niet_gevonden",
        )
        assert_probleem(
            aan.post(f"/api/v1/clientstops/{stop['uuid']}/beoordelen/", {"besluit": "goedkeuren"}),
            403,
            "geen_toegang",
        )
        assert_probleem(
            client_voor(regisseur).post("/api/v1/clientstops/", {}, format="json"),
            400,
            "ongeldige_invoer",
        )
    response = client_voor(regisseur).post(
        f"/api/v1/clientstops/{stop['uuid']}/beoordelen/",
        {"besluit": "goedkeuren", "toelichting": "Tijdelijk akkoord"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "goedgekeurd"
    historie = aan.get(f"/api/v1/clientstops/{stop['uuid']}/statuswijzigingen/").json()
    assert [(r["van_status"], r["naar_status"], r["door"]) for r in historie["results"]] == [
        ("", "aangevraagd", "noord"),
        ("aangevraagd", "goedgekeurd", "regisseur"),
    ]
    zoek = client_voor(regisseur).get(
        "/api/v1/aanbieders-zoeken/", {"gemeente": "0363", "product": str(begeleiding.uuid)}
    )
    assert [r["clientstop"] for r in zoek.json()["results"]] == [True]
    assert (
        client_voor(regisseur)
        .get(
            "/api/v1/aanbieders-zoeken/",
            {"gemeente": "0363", "product": str(begeleiding.uuid), "zonder_clientstop": "true"},
        )
        .json()["count"]
        == 0
    )


def test_traject_wijzigen_en_statusgeschiedenis(client_voor, traject_maken, inkoper, vandaag):
    traject = traject_maken(publiceren=False)
    ink = client_voor(inkoper)
    response = ink.patch(
        f"/api/v1/inkooptrajecten/{traject.uuid}/",
        {"naam": "Nieuwe naam", "gemeenten": ["0363"]},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["naam"] == "Nieuwe naam"
    assert [p["naam"] for p in response.json()["percelen"]] == ["Begeleiding", "Dagbesteding"]
    with NietsVeranderd("inkoop", "kern"):
        assert_probleem(
            ink.patch(
                f"/api/v1/inkooptrajecten/{traject.uuid}/", {"naam": "Nieuwe naam"}, format="json"
            ),
            400,
            "geen_wijziging",
        )
        assert_probleem(
            ink.patch(
                f"/api/v1/inkooptrajecten/{traject.uuid}/", {"gemeenten": ["0599"]}, format="json"
            ),
            400,
            "gemeente_buiten_bevoegdheid",
        )
    ink.post(f"/api/v1/inkooptrajecten/{traject.uuid}/status/", {"status": "gepubliceerd"})
    ink.post(
        f"/api/v1/inkooptrajecten/{traject.uuid}/status/", {"status": "afgerond", "reden": "Klaar"}
    )
    historie = ink.get(f"/api/v1/inkooptrajecten/{traject.uuid}/statuswijzigingen/").json()
    assert [(r["van_status"], r["naar_status"], r["reden"]) for r in historie["results"]] == [
        ("concept", "gepubliceerd", ""),
        ("gepubliceerd", "afgerond", "Klaar"),
    ]
    assert Inkooptraject.objects.get(pk=traject.pk).status == "afgerond"
    assert not Inschrijving.objects.exists()


def test_onbekende_uuid_is_404(client_voor, inkoper):
    ink = client_voor(inkoper)
    for pad, code in (
        ("inkooptrajecten", "inkooptraject_niet_gevonden"),
        ("percelen", "perceel_niet_gevonden"),
        ("inschrijvingen", "inschrijving_niet_gevonden"),
        ("capaciteit", "capaciteitsmelding_niet_gevonden"),
        ("clientstops", "clientstop_niet_gevonden"),
    ):
        assert_probleem(ink.get(f"/api/v1/{pad}/geen-uuid/"), 404, code)

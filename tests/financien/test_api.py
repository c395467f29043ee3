"""The financien API: budget posts with their position, budget changes through the services
with idempotency keys, the read-only ledger, scoping by gemeente and problem+json refusals."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from financien import services
from financien.models import Boeking, Reservering
from kern.models import Gebruiker
from tests.api.conftest import assert_probleem
from tests.factories import GebruikerFactory, ProductFactory, aanbieder_gebruiker, categorie
from tests.financien.conftest import D
from tests.utils import NietsVeranderd

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture
def client_voor():
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    def maak(gebruiker: Gebruiker) -> APIClient:
        client = APIClient()
        token, _ = Token.objects.get_or_create(user=gebruiker)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return maak


@pytest.fixture
def bh(client_voor, budgethouder):
    return client_voor(budgethouder)


@pytest.fixture
def scene(budgethouder, budgetpost, aanbieder):
    """A budget of 10,000 (1 January), a reservation of 1,000 (1 February) with one
    realisation of 250 (1 March)."""
    services.budget_toekennen(
        door=budgethouder,
        budgetpost=budgetpost,
        bedrag=D("10000.00"),
        reden="Begroting",
        idempotentiesleutel="begroting",
        boekdatum=date(2026, 1, 1),
    )
    boeking = services.reservering_boeken(
        door=None,
        budgetpost=budgetpost,
        zorgaanbieder=aanbieder,
        bedrag=D("1000.00"),
        bron_id="toewijzing-1",
        idempotentiesleutel="res-1",
        boekdatum=date(2026, 2, 1),
    )
    reservering = Reservering.objects.get(pk=boeking.reservering_id)
    services.realisatie_boeken(
        door=None,
        reservering=reservering,
        bedrag=D("250.00"),
        bron_id="prestatie-1",
        idempotentiesleutel="p1",
        boekdatum=date(2026, 3, 1),
    )
    return reservering


def test_budgetposten_met_stand(bh, budgetpost, scene):
    body = bh.get(f"{API}/budgetposten/").json()
    assert body["count"] == 1
    post = body["results"][0]
    assert {k: post[k] for k in ("uuid", "gemeente", "jaar", "wet", "taakveld")} == {
        "uuid": str(budgetpost.uuid),
        "gemeente": "0363",
        "jaar": 2026,
        "wet": "wmo",
        "taakveld": "6.71",
    }
    assert post["taakveld_omschrijving"] == "6.71 Maatwerkdienstverlening 18+"
    assert post["stand"] == {
        "peildatum": None,
        "budget": "10000.00",
        "gereserveerd": "750.00",
        "gerealiseerd": "250.00",
        "betaald": "0.00",
        "beschikbaar": "9000.00",
    }
    toen = bh.get(f"{API}/budgetposten/{budgetpost.uuid}/", {"peildatum": "2026-02-15"}).json()
    assert toen["stand"] == {
        "peildatum": "2026-02-15",
        "budget": "10000.00",
        "gereserveerd": "1000.00",
        "gerealiseerd": "0.00",
        "betaald": "0.00",
        "beschikbaar": "9000.00",
    }
    body = assert_probleem(
        bh.get(f"{API}/budgetposten/", {"peildatum": "gisteren"}), 400, "ongeldige_invoer"
    )
    assert body["invalid_params"][0]["name"] == "peildatum"


def test_budgetposten_lijst_in_vaste_querys(bh, budgethouder, amsterdam, scene):
    def tel() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert bh.get(f"{API}/budgetposten/").status_code == 200
        return len(ctx)

    een = tel()
    for taakveld in ("6.72", "6.81", "6.82"):
        services.budgetpost_aanmaken(
            door=budgethouder, gemeente=amsterdam, jaar=2026, wet="jw", taakveld=taakveld
        )
    assert tel() == een


def test_buiten_bevoegdheid_bestaat_niet(client_voor, budgetpost, scene, rotterdam, aanbieder):
    rdam = client_voor(GebruikerFactory(rollen=["budgethouder"], gemeenten=[rotterdam]))
    assert rdam.get(f"{API}/budgetposten/").json()["count"] == 0
    assert_probleem(
        rdam.get(f"{API}/budgetposten/{budgetpost.uuid}/"), 404, "budgetpost_niet_gevonden"
    )
    assert_probleem(
        rdam.post(
            f"{API}/budgetposten/{budgetpost.uuid}/budget-toekennen/",
            {"bedrag": "1.00", "reden": "x", "idempotentiesleutel": "x"},
        ),
        404,
        "budgetpost_niet_gevonden",
    )
    assert rdam.get(f"{API}/boekingen/").json()["count"] == 0
    boeking = Boeking.objects.first()
    assert_probleem(rdam.get(f"{API}/boekingen/{boeking.uuid}/"), 404, "boeking_niet_gevonden")
    assert_probleem(
        rdam.get(f"{API}/reserveringen/{scene.uuid}/"), 404, "reservering_niet_gevonden"
    )
    zorg = client_voor(aanbieder_gebruiker(aanbieder))
    assert zorg.get(f"{API}/reserveringen/").json()["count"] == 0
    assert_probleem(rdam.get(f"{API}/budgetposten/geen-uuid/"), 404, "budgetpost_niet_gevonden")


def test_budgetpost_aanmaken(bh, client_voor, amsterdam):
    antwoord = bh.post(
        f"{API}/budgetposten/",
        {
            "gemeente": "0363",
            "jaar": 2026,
            "wet": "jw",
            "taakveld": "6.72",
            "productcategorie": "45",
        },
        format="json",
    )
    assert antwoord.status_code == 201, antwoord.content
    assert antwoord.json()["productcategorie"] == "45"
    assert antwoord.json()["stand"]["budget"] == "0.00"
    regisseur = client_voor(GebruikerFactory(rollen=["regisseur"], gemeenten=[amsterdam]))
    with NietsVeranderd("financien", "kern"):
        assert_probleem(
            bh.post(
                f"{API}/budgetposten/",
                {
                    "gemeente": "0363",
                    "jaar": 2026,
                    "wet": "jw",
                    "taakveld": "6.72",
                    "productcategorie": "45",
                },
            ),
            409,
            "budgetpost_bestaat",
        )
        assert_probleem(
            bh.post(
                f"{API}/budgetposten/",
                {
                    "gemeente": "0363",
                    "jaar": 2026,
                    "wet": "jw",
                    "taakveld": "6.72",
                    "productcategorie": "02",
                },
            ),
            400,
            "productcategorie_onbekend",
        )
        assert_probleem(
            regisseur.post(
                f"{API}/budgetposten/",
                {"gemeente": "0363", "jaar": 2026, "wet": "wmo", "taakveld": "6.71"},
            ),
            403,
            "geen_toegang",
        )


def test_budget_toekennen_via_api_is_idempotent(bh, budgetpost):
    url = f"{API}/budgetposten/{budgetpost.uuid}/budget-toekennen/"
    verzoek = {
        "bedrag": "2500.00",
        "reden": "Begroting",
        "besluit": "RB 1",
        "idempotentiesleutel": "api-1",
    }
    eerste = bh.post(url, verzoek, format="json")
    assert eerste.status_code == 201, eerste.content
    boeking = eerste.json()
    assert (boeking["soort"], boeking["bron_type"], boeking["bedrag"]) == (
        "budget_toekenning",
        "begrotingswijziging",
        "2500.00",
    )
    assert sorted((r["rekeningsoort"], r["bedrag"]) for r in boeking["regels"]) == [
        ("begroting", "-2500.00"),
        ("beschikbaar", "2500.00"),
    ]
    with NietsVeranderd("financien", "kern"):
        tweede = bh.post(url, verzoek, format="json")
        assert tweede.json()["uuid"] == boeking["uuid"]
        assert_probleem(
            bh.post(url, {**verzoek, "bedrag": "2500.01"}, format="json"),
            409,
            "idempotentiesleutel_conflict",
        )
        assert_probleem(
            bh.post(url, {**verzoek, "bedrag": "0.00", "idempotentiesleutel": "n"}, format="json"),
            400,
            "bedrag_niet_positief",
        )
        assert_probleem(
            bh.post(
                f"{API}/budgetposten/{budgetpost.uuid}/budget-verlagen/",
                {"bedrag": "2500.01", "reden": "x", "idempotentiesleutel": "v"},
                format="json",
            ),
            400,
            "budget_negatief",
        )
    wijzigingen = bh.get(f"{API}/budgetposten/{budgetpost.uuid}/begrotingswijzigingen/").json()
    assert [
        (w["bedrag"], w["reden"], w["besluit"], w["boeking"], w["door"])
        for w in wijzigingen["results"]
    ] == [("2500.00", "Begroting", "RB 1", boeking["uuid"], "budgethouder")]


def test_boekingen_lezen_en_filteren(bh, budgetpost, scene, aanbieder):
    alle = bh.get(f"{API}/boekingen/", {"budgetpost": str(budgetpost.uuid)}).json()
    assert [b["soort"] for b in alle["results"]] == [
        "realisatie",
        "reservering",
        "budget_toekenning",
    ]
    realisatie = bh.get(f"{API}/boekingen/", {"soort": "realisatie"}).json()["results"][0]
    assert realisatie["reservering"] == str(scene.uuid)
    assert sorted(
        (r["rekeningsoort"], r["zorgaanbieder"], r["bedrag"]) for r in realisatie["regels"]
    ) == [
        ("gereserveerd", None, "-250.00"),
        ("te_betalen", str(aanbieder.uuid), "250.00"),
    ]
    assert bh.get(f"{API}/boekingen/", {"bron_id": "prestatie-1"}).json()["count"] == 1
    assert bh.get(f"{API}/boekingen/", {"boekdatum_tot": "2026-01-31"}).json()["count"] == 1
    een = bh.get(f"{API}/boekingen/{realisatie['uuid']}/").json()
    assert een == realisatie
    assert bh.post(f"{API}/boekingen/", {}).status_code == 405


def test_boekingen_lijst_in_vaste_querys(bh, scene):
    def tel() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert bh.get(f"{API}/boekingen/").status_code == 200
        return len(ctx)

    een = tel()
    for i in range(5):
        services.realisatie_boeken(
            door=None,
            reservering=scene,
            bedrag=D("1.00"),
            bron_id=f"x{i}",
            idempotentiesleutel=f"x{i}",
        )
    assert tel() == een


def test_reserveringen_lezen(bh, budgetpost, scene, aanbieder):
    body = bh.get(f"{API}/reserveringen/", {"bron_id": "toewijzing-1"}).json()
    assert body["count"] == 1
    r = body["results"][0]
    assert {
        k: r[k] for k in ("bedrag", "gerealiseerd_bedrag", "open_bedrag", "status", "jaar")
    } == {
        "bedrag": "1000.00",
        "gerealiseerd_bedrag": "250.00",
        "open_bedrag": "750.00",
        "status": "open",
        "jaar": 2026,
    }
    assert r["zorgaanbieder"]["uuid"] == str(aanbieder.uuid)
    assert r["budgetpost"]["uuid"] == str(budgetpost.uuid)
    assert bh.get(f"{API}/reserveringen/", {"status": "vrijgegeven"}).json()["count"] == 0
    assert bh.get(f"{API}/reserveringen/{scene.uuid}/").json()["uuid"] == str(scene.uuid)


def test_reservering_toont_haar_periode_en_de_geschiedenis_ervan(bh, scene):
    """The period now and every period it had, with the transfer that set it: a forecast on
    an earlier day uses the one of then."""
    wijziging = services.reservering_wijzigen(
        door=None,
        reservering=scene,
        bedrag=scene.bedrag,
        begindatum=date(2026, 2, 1),
        einddatum=date(2026, 7, 31),
        idempotentiesleutel="periode",
        boekdatum=date(2026, 4, 1),
    )
    eerste = scene.boekingen.order_by("pk").first()
    r = bh.get(f"{API}/reserveringen/{scene.uuid}/").json()
    assert (r["begindatum"], r["einddatum"]) == ("2026-02-01", "2026-07-31")
    assert r["perioden"] == [
        {
            "boeking": str(eerste.uuid),
            "boekdatum": "2026-02-01",
            "begindatum": None,
            "einddatum": None,
        },
        {
            "boeking": str(wijziging.uuid),
            "boekdatum": "2026-04-01",
            "begindatum": "2026-02-01",
            "einddatum": "2026-07-31",
        },
    ]


def test_reserveringenlijst_leest_de_perioden_in_een_vast_aantal_queries(
    bh, budgetpost, aanbieder, scene, django_assert_max_num_queries
):
    for i in range(5):
        services.reservering_boeken(
            door=None,
            budgetpost=budgetpost,
            zorgaanbieder=aanbieder,
            bedrag=D("10.00"),
            bron_id=f"extra-{i}",
            idempotentiesleutel=f"extra-{i}",
            begindatum=date(2026, 1, 1),
            einddatum=date(2026, 3, 31),
        )
    with django_assert_max_num_queries(8) as opgevangen:
        body = bh.get(f"{API}/reserveringen/").json()
    assert body["count"] == 6
    assert (
        sum("financien_reserveringsperiode" in q["sql"] for q in opgevangen.captured_queries) == 1
    )
    assert all(len(r["perioden"]) == 1 for r in body["results"])


def test_toewijzingsregels_en_jaar_afsluiten(bh, budgetpost):
    product = ProductFactory(categorie=categorie("wmo", "02"))
    antwoord = bh.post(
        f"{API}/budgetpost-toewijzingsregels/",
        {
            "gemeente": "0363",
            "wet": "wmo",
            "product": str(product.uuid),
            "taakveld": "6.71",
            "kostenplaats": "K1",
        },
        format="json",
    )
    assert antwoord.status_code == 200, antwoord.content
    regel = antwoord.json()
    assert (regel["productcategorie"], regel["product"]["uuid"], regel["kostenplaats"]) == (
        "02",
        str(product.uuid),
        "K1",
    )
    assert bh.get(f"{API}/budgetpost-toewijzingsregels/").json()["count"] == 1
    afgesloten = bh.post(f"{API}/begrotingsjaren/afsluiten/", {"gemeente": "0363", "jaar": 2026})
    assert afgesloten.status_code == 200, afgesloten.content
    assert afgesloten.json()["afgesloten"] is True
    assert_probleem(
        bh.post(
            f"{API}/budgetposten/{budgetpost.uuid}/budget-toekennen/",
            {"bedrag": "1.00", "reden": "x", "idempotentiesleutel": "na"},
        ),
        400,
        "jaar_afgesloten",
    )
    assert bh.get(f"{API}/begrotingsjaren/", {"afgesloten": "true"}).json()["count"] == 1

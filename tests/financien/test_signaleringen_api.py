"""The API of alerts, thresholds, the forecast, the obligations and the roll-over: scoping
(out of scope is 404), roles for writes (403), problem+json refusals and the shapes."""

from __future__ import annotations

from datetime import date

import pytest

from financien import services
from financien.models import Reservering, Signalering
from kern.models import Gebruiker
from tests.api.conftest import assert_probleem
from tests.factories import GebruikerFactory, aanbieder_gebruiker
from tests.financien.conftest import D

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
        bedrag=D("9125.00"),
        bron_id="toewijzing-1",
        idempotentiesleutel="res-1",
        boekdatum=date(2026, 1, 10),
        begindatum=date(2026, 1, 1),
        einddatum=date(2026, 12, 31),
    )
    reservering = Reservering.objects.get(pk=boeking.reservering_id)
    services.realisatie_boeken(
        door=None,
        reservering=reservering,
        bedrag=D("1000.00"),
        bron_id="p1",
        idempotentiesleutel="p1",
        boekdatum=date(2026, 2, 15),
    )
    services.signaleringen_evalueren(budgetpost_ids=[budgetpost.pk], vandaag=date(2026, 3, 31))
    return reservering


def test_signaleringen_lijst_detail_en_filters(bh, scene, budgetpost):
    body = bh.get(f"{API}/signaleringen/", {"soort": "budgetpost"}).json()
    assert body["count"] == 2
    laatste = body["results"][0]
    assert {k: laatste[k] for k in ("gemeente", "jaar", "soort", "lopend", "bevestigd")} == {
        "gemeente": "0363",
        "jaar": 2026,
        "soort": "budgetpost",
        "lopend": True,
        "bevestigd": False,
    }
    assert sorted(s["drempel"] for s in body["results"]) == [80, 90]
    assert laatste["budgetpost"]["uuid"] == str(budgetpost.uuid)
    assert laatste["norm_bedrag"] == "10000.00" and laatste["waarde_bedrag"] == "9125.00"
    assert laatste["percentage"] == "91.25"
    assert laatste["cijfers"]["gerealiseerd"] == "1000.00"
    detail = bh.get(f"{API}/signaleringen/{laatste['uuid']}/").json()
    assert detail == laatste
    assert bh.get(f"{API}/signaleringen/", {"bevestigd": "true"}).json()["count"] == 0
    assert bh.get(f"{API}/signaleringen/", {"gemeente": "0599"}).json()["count"] == 0
    # And the forecast (35,250, see below) is over the budget.
    assert bh.get(f"{API}/signaleringen/", {"jaar": 2026, "lopend": "true"}).json()["count"] == 3
    assert bh.get(f"{API}/signaleringen/", {"soort": "prognose"}).json()["count"] == 1


def test_bevestigen_over_de_api(bh, client_voor, scene, amsterdam):
    s = Signalering.objects.filter(drempel=80).get()
    regisseur = client_voor(GebruikerFactory(rollen=["regisseur"], gemeenten=[amsterdam]))
    assert_probleem(
        regisseur.post(f"{API}/signaleringen/{s.uuid}/bevestigen/", {}, format="json"),
        403,
        "geen_toegang",
    )
    antwoord = bh.post(
        f"{API}/signaleringen/{s.uuid}/bevestigen/", {"toelichting": "Gezien."}, format="json"
    )
    assert antwoord.status_code == 200
    body = antwoord.json()
    assert (body["bevestigd"], body["bevestigd_door"], body["bevestiging_toelichting"]) == (
        True,
        "budgethouder",
        "Gezien.",
    )
    assert_probleem(
        bh.post(f"{API}/signaleringen/{s.uuid}/bevestigen/", {}, format="json"),
        409,
        "signalering_al_bevestigd",
    )
    assert bh.get(f"{API}/signaleringen/", {"bevestigd": "true"}).json()["count"] == 1


def test_signaleringen_buiten_bevoegdheid(client_voor, scene, rotterdam, aanbieder):
    s = Signalering.objects.first()
    assert s is not None
    for gebruiker in (
        GebruikerFactory(rollen=["budgethouder"], gemeenten=[rotterdam]),
        aanbieder_gebruiker(aanbieder),
    ):
        client = client_voor(gebruiker)
        assert client.get(f"{API}/signaleringen/").json()["count"] == 0
        assert_probleem(
            client.get(f"{API}/signaleringen/{s.uuid}/"), 404, "signalering_niet_gevonden"
        )
    assert_probleem(
        client_voor(GebruikerFactory(rollen=["budgethouder"], gemeenten=[rotterdam])).post(
            f"{API}/signaleringen/{s.uuid}/bevestigen/", {}, format="json"
        ),
        404,
        "signalering_niet_gevonden",
    )


def test_drempels_over_de_api(bh, client_voor, budgetpost, amsterdam):
    antwoord = bh.post(
        f"{API}/signaleringsdrempels/",
        {"gemeente": "0363", "soort": "budgetpost", "percentages": [90, 75]},
        format="json",
    )
    assert antwoord.status_code == 200, antwoord.json()
    assert antwoord.json()["percentages"] == [75, 90] and antwoord.json()["budgetpost"] is None
    per_post = bh.post(
        f"{API}/signaleringsdrempels/",
        {
            "gemeente": "0363",
            "soort": "prognose",
            "budgetpost": str(budgetpost.uuid),
            "percentages": [95],
        },
        format="json",
    ).json()
    assert per_post["budgetpost"] == str(budgetpost.uuid)
    assert bh.get(f"{API}/signaleringsdrempels/").json()["count"] == 2
    assert bh.get(f"{API}/signaleringsdrempels/", {"soort": "prognose"}).json()["count"] == 1
    body = assert_probleem(
        bh.post(
            f"{API}/signaleringsdrempels/",
            {"gemeente": "0363", "soort": "budgetpost", "percentages": [0]},
            format="json",
        ),
        400,
        "ongeldige_invoer",
    )
    assert body["invalid_params"][0]["name"].startswith("percentages")
    regisseur = client_voor(GebruikerFactory(rollen=["regisseur"], gemeenten=[amsterdam]))
    assert_probleem(
        regisseur.post(
            f"{API}/signaleringsdrempels/",
            {"gemeente": "0363", "soort": "budgetpost", "percentages": [80]},
            format="json",
        ),
        403,
        "geen_toegang",
    )


def test_prognose_over_de_api(bh, client_voor, scene, budgetpost, rotterdam):
    body = bh.get(
        f"{API}/budgetposten/{budgetpost.uuid}/prognose/", {"peildatum": "2026-03-31"}
    ).json()
    # 9,125 over the year, 275 of 365 days to come = 6,875.00 (8,125 open).
    assert {
        k: body[k]
        for k in (
            "peildatum",
            "budget",
            "gerealiseerd",
            "verwacht_uit_reserveringen",
            "trend",
            "totaal",
            "verschil",
            "aantal_open_reserveringen",
            "resterende_maanden",
            "trend_maanden",
        )
    } == {
        "peildatum": "2026-03-31",
        "budget": "10000.00",
        "gerealiseerd": "1000.00",
        "verwacht_uit_reserveringen": "6875.00",
        # January brought 9,125 of new reservations, February and March none: 3,041.67 a
        # month for 9 months.
        "trend": "27375.00",
        "totaal": "35250.00",
        "verschil": "-25250.00",
        "aantal_open_reserveringen": 1,
        "resterende_maanden": "9.0000",
        "trend_maanden": 3,
    }
    assert body["instroom"] == [
        {"maand": "2026-01", "bedrag": "9125.00"},
        {"maand": "2026-02", "bedrag": "0.00"},
        {"maand": "2026-03", "bedrag": "0.00"},
    ]
    assert body["budgetpost"]["uuid"] == str(budgetpost.uuid)
    assert body["methode"].startswith("Prognose 2026 op 2026-03-31")
    buiten = client_voor(GebruikerFactory(rollen=["budgethouder"], gemeenten=[rotterdam]))
    assert_probleem(
        buiten.get(f"{API}/budgetposten/{budgetpost.uuid}/prognose/"),
        404,
        "budgetpost_niet_gevonden",
    )
    assert_probleem(
        bh.get(f"{API}/budgetposten/geen-uuid/prognose/"), 404, "budgetpost_niet_gevonden"
    )


def test_verplichtingen_over_de_api(bh, client_voor, scene, budgetpost, aanbieder, rotterdam):
    body = bh.get(f"{API}/verplichtingen/", {"gemeente": "0363", "peildatum": "2026-12-31"}).json()
    assert {k: body[k] for k in ("gemeente", "peildatum", "jaar", "aantal", "totaal")} == {
        "gemeente": "0363",
        "peildatum": "2026-12-31",
        "jaar": None,
        "aantal": 1,
        "totaal": "8125.00",
    }
    assert [
        (r["budgetpost"]["uuid"], r["zorgaanbieder"]["uuid"], r["aantal"], r["open_bedrag"])
        for r in body["regels"]
    ] == [(str(budgetpost.uuid), str(aanbieder.uuid), 1, "8125.00")]
    body = assert_probleem(
        bh.get(f"{API}/verplichtingen/", {"gemeente": "0363"}), 400, "ongeldige_invoer"
    )
    assert body["invalid_params"][0]["name"] == "peildatum"
    buiten = client_voor(GebruikerFactory(rollen=["budgethouder"], gemeenten=[rotterdam]))
    assert_probleem(
        buiten.get(f"{API}/verplichtingen/", {"gemeente": "0363", "peildatum": "2026-12-31"}),
        404,
        "gemeente_niet_gevonden",
    )


def test_doorrollen_over_de_api(
    bh, client_voor, budgethouder, budgetpost, budgetpost_2027, aanbieder, amsterdam
):
    services.reservering_boeken(
        door=None,
        budgetpost=budgetpost,
        zorgaanbieder=aanbieder,
        bedrag=D("365.00"),
        bron_id="t",
        idempotentiesleutel="t",
        begindatum=date(2026, 7, 3),
        einddatum=date(2027, 7, 2),
    )
    antwoord = bh.post(
        f"{API}/begrotingsjaren/doorrollen/", {"gemeente": "0363", "jaar": 2026}, format="json"
    )
    assert antwoord.status_code == 200, antwoord.json()
    body = antwoord.json()
    assert (body["van_jaar"], body["naar_jaar"], body["totaal"], body["eerder_doorgerold"]) == (
        2026,
        2027,
        "183.00",
        1,
    )
    assert body["doorgerold"][0]["bron_id"] == "t" and body["niet_doorgerold"] == []
    again = bh.post(
        f"{API}/begrotingsjaren/doorrollen/", {"gemeente": "0363", "jaar": 2026}, format="json"
    ).json()
    assert (again["totaal"], again["doorgerold"]) == ("0.00", [])
    regisseur = client_voor(GebruikerFactory(rollen=["regisseur"], gemeenten=[amsterdam]))
    assert_probleem(
        regisseur.post(
            f"{API}/begrotingsjaren/doorrollen/", {"gemeente": "0363", "jaar": 2026}, format="json"
        ),
        403,
        "geen_toegang",
    )

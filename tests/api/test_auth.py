"""Signing in (token and session), the 401 problem, and /ik/."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.api.conftest import assert_probleem
from tests.factories import GebruikerFactory

pytestmark = pytest.mark.django_db


def test_token_aanvragen_geeft_steeds_hetzelfde_token(inkoper):
    client = APIClient()
    eerste = client.post(
        "/api/v1/auth/token/",
        {"username": "inkoper", "password": "geheim-wachtwoord"},
        format="json",
    )
    tweede = client.post(
        "/api/v1/auth/token/",
        {"username": "inkoper", "password": "geheim-wachtwoord"},
        format="json",
    )
    assert eerste.status_code == 200
    assert eerste.json() == {"token": Token.objects.get(user=inkoper).key}
    assert tweede.json() == eerste.json()
    assert Token.objects.count() == 1


def test_token_met_fout_wachtwoord_geeft_probleem_en_geen_token(inkoper):
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "inkoper", "password": "fout"}, format="json"
    )
    body = assert_probleem(response, 400, "aanmelding_mislukt")
    assert body["detail"] == "Gebruikersnaam of wachtwoord is onjuist."
    assert not Token.objects.exists()


def test_token_zonder_wachtwoord_noemt_het_veld(inkoper):
    response = APIClient().post("/api/v1/auth/token/", {"username": "inkoper"}, format="json")
    body = assert_probleem(response, 400, "ongeldige_invoer")
    assert body["invalid_params"] == [
        {"name": "password", "code": "required", "reason": "Dit veld is vereist."}
    ]


def test_inactieve_gebruiker_krijgt_geen_token(inkoper):
    inkoper.is_active = False
    inkoper.save()
    response = APIClient().post(
        "/api/v1/auth/token/",
        {"username": "inkoper", "password": "geheim-wachtwoord"},
        format="json",
    )
    assert_probleem(response, 400, "aanmelding_mislukt")
    assert not Token.objects.exists()


def test_zonder_aanmelding_401_problem_json():
    response = APIClient().get("/api/v1/contracten/")
    body = assert_probleem(response, 401, "niet_aangemeld")
    assert body["detail"] == "Authenticatiegegevens zijn niet opgegeven."
    assert response["WWW-Authenticate"] == "Token"


def test_ongeldig_token_401():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0000000000000000000000000000000000000000")
    assert_probleem(client.get("/api/v1/ik/"), 401, "aanmelding_mislukt")


def test_ik_met_token(client_voor, inkoper):
    response = client_voor(inkoper).get("/api/v1/ik/")
    assert response.status_code == 200
    assert response.json() == {
        "username": "inkoper",
        "rollen": ["inkoper"],
        "gemeenten": ["0363"],
        "zorgaanbieder": None,
    }


def test_ik_met_sessie(inkoper):
    client = APIClient()
    assert client.login(username="inkoper", password="geheim-wachtwoord")
    response = client.get("/api/v1/ik/")
    assert response.status_code == 200
    assert response.json()["username"] == "inkoper"


def test_ik_voor_zorgaanbieder(client_voor, aanbieder, aanbieder_user):
    response = client_voor(aanbieder_user).get("/api/v1/ik/")
    assert response.json() == {
        "username": "noord",
        "rollen": ["zorgaanbieder"],
        "gemeenten": [],
        "zorgaanbieder": {
            "uuid": str(aanbieder.uuid),
            "agb_code": "12345678",
            "naam": "Zorg Noord B.V.",
        },
    }


def test_ik_met_meerdere_rollen_en_gemeenten(client_voor, amsterdam, rotterdam):
    gebruiker = GebruikerFactory(
        username="regio", rollen=["regisseur", "inkoper"], gemeenten=[rotterdam, amsterdam]
    )
    body = client_voor(gebruiker).get("/api/v1/ik/").json()
    assert body["rollen"] == ["inkoper", "regisseur"]
    assert body["gemeenten"] == ["0363", "0599"]


def test_api_root_verwijst_naar_documentatie(client_voor, inkoper):
    response = client_voor(inkoper).get("/api/v1/")
    assert response.status_code == 302
    assert response["Location"] == "/api/v1/docs/"

"""The API and admin of verzoeken and regiemeldingen: scoped lists, the work queue, decisions
with problem+json refusals, and the decision form on the admin page."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from inkoop.models import Regiemelding, Verzoek
from iwmo_jw.models import UitgaandBericht
from kern.constants import Rol
from kern.models import Gebruiker
from kern.services import gebruiker_aanmaken
from tests.factories import GebruikerFactory, aanbieder_gebruiker, gemeente
from tests.inkoop.conftest import assert_probleem
from tests.inkoop.test_admin import _formulier
from tests.inkoop.verzoek_hulp import (
    BSN_2,
    Scene,
    aangevraagd,
    moment,
    ontvangen,
    scene_maken,
    start,
    start_product,
    toewijzing_maken,
    vandaag,
    vot,
)


@pytest.fixture
def s(db) -> Scene:
    return scene_maken()


def _api(gebruiker: Gebruiker) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=gebruiker)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def twee(s) -> tuple[Verzoek, Verzoek]:
    eerste = ontvangen(vot(aangevraagd("A")), op=moment(date(2026, 11, 2)))
    tweede = ontvangen(
        vot(aangevraagd("B"), bsn=BSN_2, identificatie="VOT0002"), op=moment(date(2026, 10, 26))
    )
    return Verzoek.objects.get(bericht=eerste), Verzoek.objects.get(bericht=tweede)


def test_lijst_en_detail_zijn_afgeschermd_en_tonen_het_bsn_gemaskeerd(s, twee):
    regisseur = _api(s.regisseur)
    body = regisseur.get("/api/v1/verzoeken/").json()
    assert [v["referentie_aanbieder"] for v in body["results"]] == ["A", "B"]
    detail = regisseur.get(f"/api/v1/verzoeken/{twee[0].uuid}/").json()
    assert detail["bsn"] == "******006"
    assert detail["zorgaanbieder"]["agb_code"] == "12345678"
    assert detail["producten"][0]["productcode"] == "02A01"
    assert detail["status"] == "open"
    assert detail["uiterste_antwoorddatum"] == "2026-11-09"
    assert "999900006" not in str(body) + str(detail)
    aanbieder = _api(aanbieder_gebruiker(s.aanbieder, username="noord_api"))
    assert aanbieder.get("/api/v1/verzoeken/").json()["count"] == 2
    rotterdam = _api(GebruikerFactory(rollen=["regisseur"], gemeenten=[gemeente("0599")]))
    assert rotterdam.get("/api/v1/verzoeken/").json()["count"] == 0
    assert_probleem(
        rotterdam.get(f"/api/v1/verzoeken/{twee[0].uuid}/"), 404, "verzoek_niet_gevonden"
    )
    assert regisseur.get("/api/v1/verzoeken/", {"status": "afgewezen"}).json()["count"] == 0


def test_werkvoorraad_de_dringendste_eerst(s, twee):
    body = _api(s.regisseur).get("/api/v1/verzoeken/werkvoorraad/").json()
    assert [v["referentie_aanbieder"] for v in body["results"]] == ["B", "A"]
    assert all(v["werkdagen_over"] < 0 for v in body["results"])  # both deadlines passed
    client = _api(s.regisseur)
    url = "/api/v1/verzoeken/werkvoorraad/"
    assert client.get(url, {"gemeente": "0363"}).json()["count"] == 2
    assert client.get(url, {"gemeente": "0599"}).json()["count"] == 0
    assert client.get(url, {"gemeente": "9999"}).json()["count"] == 0


def test_beslissen_via_de_api(s, twee):
    a, b = twee
    regisseur = _api(s.regisseur)
    response = regisseur.post(
        f"/api/v1/verzoeken/{a.uuid}/afwijzen/", {"reden_afwijzing": "3"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["reden_afwijzing"]) == ("afgewezen", "3")
    assert response.json()["werkdagen_over"] is None
    assert_probleem(
        regisseur.post(f"/api/v1/verzoeken/{a.uuid}/in-onderzoek/", {}, format="json"),
        409,
        "statusovergang_niet_toegestaan",
    )
    aanbieder = _api(aanbieder_gebruiker(s.aanbieder, username="noord_api2"))
    assert_probleem(
        aanbieder.post(f"/api/v1/verzoeken/{b.uuid}/in-onderzoek/", {}, format="json"),
        403,
        "geen_toegang",
    )
    ongeldig = regisseur.post(
        f"/api/v1/verzoeken/{b.uuid}/afwijzen/", {"reden_afwijzing": "0"}, format="json"
    )
    assert ongeldig.status_code == 400
    assert ongeldig["Content-Type"] == "application/problem+json"
    assert "reden_afwijzing" in str(ongeldig.json())
    response = regisseur.post(f"/api/v1/verzoeken/{b.uuid}/toekennen/", {}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "toegekend"
    historie = regisseur.get(f"/api/v1/verzoeken/{b.uuid}/statuswijzigingen/").json()
    assert [(h["van_status"], h["naar_status"], h["door"]) for h in historie["results"]] == [
        ("", "open", None),
        ("open", "toegekend", s.regisseur.username),
    ]
    assert UitgaandBericht.objects.filter(berichttype="319").count() == 1
    assert UitgaandBericht.objects.filter(berichttype="301", antwoord_op=b.bericht).count() == 1


def test_regiemeldingen_lijst(s):
    t = toewijzing_maken(
        s, ingangsdatum=vandaag() - timedelta(days=30), einddatum=vandaag() + timedelta(days=60)
    )
    ontvangen(start(start_product(t.nummer, vandaag() - timedelta(days=3))))
    body = _api(s.regisseur).get("/api/v1/regiemeldingen/").json()
    melding = Regiemelding.objects.get()
    assert [
        (m["uuid"], m["soort"], m["toewijzingnummer"], m["begindatum"]) for m in body["results"]
    ] == [(str(melding.uuid), "start", t.nummer, (vandaag() - timedelta(days=3)).isoformat())]
    andere = _api(GebruikerFactory(rollen=["regisseur"], gemeenten=[gemeente("0599")]))
    assert andere.get("/api/v1/regiemeldingen/").json()["count"] == 0


# --- Admin -----------------------------------------------------------------------------------


def _url(model: Any, view: str, *args: Any) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_admin_toont_verzoeken_en_meldingen_en_beslist_via_de_service(s, twee):
    gebruiker = gebruiker_aanmaken(
        gebruikersnaam="regie_beheer",
        wachtwoord="geheim-wachtwoord",
        rollen=[Rol.BEHEERDER, Rol.REGISSEUR],
        gemeenten=[s.gemeente],
    )
    gebruiker.user_permissions.set(Permission.objects.filter(content_type__app_label="inkoop"))
    client = Client()
    client.force_login(gebruiker)
    a, _b = twee
    assert client.get(_url(Verzoek, "changelist")).status_code == 200
    pagina = client.get(_url(Verzoek, "change", a.pk))
    assert pagina.status_code == 200
    assert "******006" in pagina.content.decode()
    assert client.get(_url(Verzoek, "add")).status_code == 403
    assert client.get(_url(Verzoek, "delete", a.pk)).status_code == 403
    assert client.get(_url(Regiemelding, "changelist")).status_code == 200
    # Refusing without a reason: a Dutch form error, nothing changed.
    formulier = _formulier(pagina)
    fout = client.post(_url(Verzoek, "change", a.pk), {**formulier, "besluit": "afwijzen"})
    assert fout.status_code == 200
    assert "Kies een reden van afwijzing van 1 tot en met 9" in fout.content.decode()
    a.refresh_from_db()
    assert a.status == "open"
    response = client.post(
        _url(Verzoek, "change", a.pk),
        {**formulier, "besluit": "afwijzen", "reden": "7", "besluit_toelichting": "Nee"},
    )
    assert response.status_code == 302
    a.refresh_from_db()
    assert (a.status, a.reden_afwijzing, a.toelichting, a.beslist_door) == (
        "afgewezen",
        "7",
        "Nee",
        gebruiker,
    )

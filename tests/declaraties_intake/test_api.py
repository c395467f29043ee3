"""The declaraties API: submit as a provider (JSON and Excel), read the outcome, the 325 and
the outcome sheet; scoping (another provider and another gemeente see nothing)."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from declaraties.models import Declaratie
from iwmo_jw.codec import parse
from tests.declaraties_intake.test_kanalen import _api, _excel, _regels
from tests.factories import GebruikerFactory, ZorgaanbiederFactory, aanbieder_gebruiker, gemeente


def _client(gebruiker) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=gebruiker)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def test_a_provider_submits_json_and_reads_the_outcome(ds):
    aanbieder = _client(aanbieder_gebruiker(ds.scene.aanbieder, username="noord_api"))
    body = _api(ds, _regels(ds))
    antwoord = aanbieder.post(
        "/api/v1/declaraties/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert antwoord.status_code == 201, antwoord.json()
    data = antwoord.json()
    assert data["retourcode"] == {
        "code": "0200",
        "omschrijving": data["retourcode"]["omschrijving"],
    }
    assert [(p["referentienummer"], p["status"]) for p in data["prestaties"]] == [
        ("E1", "toegekend"),
        ("E2", "afgewezen"),
    ]
    [code] = data["prestaties"][1]["retourcodes"]
    assert code["code"] == "9321" and code["omschrijving"]
    assert data["prestaties"][0]["bsn"].startswith("*****")

    nogmaals = aanbieder.post(
        "/api/v1/declaraties/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert nogmaals.status_code == 200
    assert nogmaals.json()["uuid"] == data["uuid"]
    anders = dict(body, declaratienummer="ANDERS")
    conflict = aanbieder.post(
        "/api/v1/declaraties/", anders, format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert conflict.status_code == 409
    assert conflict.json()["code"] == "idempotentiesleutel_conflict"

    xml = aanbieder.get(f"/api/v1/declaraties/{data['uuid']}/antwoord/")
    assert xml.status_code == 200
    assert parse(xml.content).declaratie_antwoord.totaal_toegekend_bedrag.totaal_bedrag == 650

    blad = aanbieder.get(f"/api/v1/declaraties/{data['uuid']}/uitkomst/")
    werkmap = load_workbook(io.BytesIO(blad.content))
    afgewezen = list(werkmap["Afgewezen"].iter_rows(min_row=2, values_only=True))
    assert [(r[1], r[10]) for r in afgewezen] == [("E2", "9321")]
    assert afgewezen[0][11]  # the reason in Dutch
    assert [r[1] for r in werkmap["Toegekend"].iter_rows(min_row=2, values_only=True)] == ["E1"]

    gefilterd = aanbieder.get("/api/v1/prestaties/", {"retourcode": "9321"}).json()
    assert [p["referentienummer"] for p in gefilterd["results"]] == ["E2"]


def test_json_without_idempotency_key_is_refused(ds):
    aanbieder = _client(aanbieder_gebruiker(ds.scene.aanbieder, username="noord_api2"))
    antwoord = aanbieder.post("/api/v1/declaraties/", _api(ds, _regels(ds)), format="json")
    assert antwoord.status_code == 400
    assert antwoord.json()["code"] == "idempotentiesleutel_verplicht"
    assert Declaratie.objects.count() == 0


def test_excel_upload_and_template_download(ds):
    aanbieder = _client(aanbieder_gebruiker(ds.scene.aanbieder, username="noord_xls"))
    sjabloon = aanbieder.get("/api/v1/declaraties/sjabloon/", {"gemeente": "0363", "wet": "wmo"})
    assert sjabloon.status_code == 200
    kop = load_workbook(io.BytesIO(sjabloon.content))["Declaratie"]
    assert (kop["B1"].value, kop["B2"].value, kop["B3"].value) == (
        "wmo",
        "0363",
        ds.scene.aanbieder.agb_code,
    )
    bestand = io.BytesIO(_excel(ds, _regels(ds)))
    bestand.name = "oktober.xlsx"
    antwoord = aanbieder.post(
        "/api/v1/declaraties/excel/", {"bestand": bestand}, format="multipart"
    )
    assert antwoord.status_code == 201, antwoord.json()
    assert [p["status"] for p in antwoord.json()["prestaties"]] == ["toegekend", "afgewezen"]


def test_others_do_not_see_the_declaration(ds):
    aanbieder = _client(aanbieder_gebruiker(ds.scene.aanbieder, username="noord_api3"))
    uuid = aanbieder.post(
        "/api/v1/declaraties/", _api(ds, _regels(ds)), format="json", HTTP_IDEMPOTENCY_KEY="k"
    ).json()["uuid"]
    ander = _client(aanbieder_gebruiker(ZorgaanbiederFactory(), username="zuid_api"))
    assert ander.get(f"/api/v1/declaraties/{uuid}/").status_code == 404
    assert ander.get("/api/v1/prestaties/").json()["count"] == 0
    rotterdam = _client(
        GebruikerFactory(username="rdam", rollen=["beoordelaar"], gemeenten=[gemeente("0599")])
    )
    assert rotterdam.get(f"/api/v1/declaraties/{uuid}/").status_code == 404
    amsterdam = _client(
        GebruikerFactory(username="adam", rollen=["beoordelaar"], gemeenten=[ds.scene.gemeente])
    )
    assert amsterdam.get(f"/api/v1/declaraties/{uuid}/").status_code == 200
    assert amsterdam.post("/api/v1/declaraties/", {}, format="json").status_code == 403


def test_review_queue_and_credit_requests_over_the_api(ds):
    from datetime import date
    from decimal import Decimal

    from inkoop import services as inkoop_services

    beheerder = GebruikerFactory(
        username="beh_api", rollen=["beheerder"], gemeenten=[ds.scene.gemeente]
    )
    instelling = _client(beheerder).post(
        "/api/v1/beoordelingsinstellingen/",
        {
            "gemeente": "0363",
            "wet": "wmo",
            "steekproef_percentage": "0",
            "bedrag_drempel": "600.00",
        },
        format="json",
    )
    assert instelling.status_code == 201, instelling.json()
    aanbieder = _client(aanbieder_gebruiker(ds.scene.aanbieder, username="noord_rev"))
    uuid = aanbieder.post(
        "/api/v1/declaraties/", _api(ds, [("E1", 10, 9)]), format="json", HTTP_IDEMPOTENCY_KEY="r"
    ).json()["uuid"]
    beoordelaar = _client(
        GebruikerFactory(username="beo_api", rollen=["beoordelaar"], gemeenten=[ds.scene.gemeente])
    )
    [wacht] = beoordelaar.get("/api/v1/werkvoorraad/").json()["results"]
    assert wacht["redenen"] == ["bedrag"]
    assert isinstance(wacht["werkdagen_over"], int)
    assert aanbieder.get("/api/v1/werkvoorraad/").status_code == 200
    assert aanbieder.get("/api/v1/werkvoorraad/").json()["count"] == 0
    besluit = beoordelaar.post(
        f"/api/v1/werkvoorraad/{wacht['uuid']}/beoordelen/",
        {"besluit": "toekennen", "reden": "In orde."},
        format="json",
    )
    assert besluit.status_code == 200, besluit.json()
    assert aanbieder.get(f"/api/v1/declaraties/{uuid}/").json()["status"] == "beantwoord"

    inkoop_services.toewijzing_intrekken(
        door=ds.scene.regisseur,
        toewijzing=ds.toewijzing,
        einddatum=date(2026, 8, 31),
        reden_wijziging="02",
        versturen=False,
    )
    verzoeken = aanbieder.get("/api/v1/creditverzoeken/").json()["results"]
    assert [
        (v["prestatie"]["referentienummer"], v["redenen"], v["gecrediteerd"]) for v in verzoeken
    ] == [("E1", ["toewijzing_ingekort"], False)]
    assert Decimal(verzoeken[0]["te_crediteren"]) == Decimal("650.00")

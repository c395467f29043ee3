"""Payment batches over the API: the whole flow with its refusals as problem+json (four
eyes, paying twice), the files as downloads, scoping by gemeente, the payment account and
the accounts of the ledger."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from lxml import etree
from openpyxl import load_workbook

from financien import services
from financien.constants import BoekingSoort
from financien.models import Betaalbatch, Boeking
from kern.models import Gebruiker
from tests.api.conftest import assert_probleem
from tests.factories import GebruikerFactory, ZorgaanbiederFactory, aanbieder_gebruiker
from tests.financien.batchscene import grootboekstand, realiseer, reserveer
from tests.financien.conftest import D
from tests.financien.test_betaalbestanden import xsd
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
def bo(client_voor, beoordelaar):
    return client_voor(beoordelaar)


@pytest.fixture
def scene(budgethouder, budgetpost, aanbieder, ander_aanbieder, betaalrekening):
    services.budget_toekennen(
        door=budgethouder,
        budgetpost=budgetpost,
        bedrag=D("10000.00"),
        reden="Begroting",
        idempotentiesleutel="begroting",
    )
    realiseer(reserveer(budgetpost, aanbieder, "3000.00", "t1"), "1250.00", "p1", date(2026, 3, 1))
    realiseer(
        reserveer(budgetpost, ander_aanbieder, "3000.00", "t2"), "300.50", "p2", date(2026, 3, 1)
    )


def maak(client) -> dict:
    antwoord = client.post(
        f"{API}/betaalbatches/",
        {"gemeente": "0363", "uitvoeringsdatum": "2026-03-10", "omschrijving": "Maart"},
        format="json",
    )
    assert antwoord.status_code == 201, antwoord.content
    return antwoord.json()


def test_de_hele_gang_van_een_batch(bh, bo, budgethouder, beoordelaar, scene, aanbieder):
    batch = maak(bh)
    assert {
        k: batch[k]
        for k in ("gemeente", "referentie", "status", "totaal_bedrag", "aantal_betalingen")
    } == {
        "gemeente": "0363",
        "referentie": "BB-0363-000001",
        "status": "concept",
        "totaal_bedrag": "1550.50",
        "aantal_betalingen": 2,
    }
    assert batch["aangemaakt_door"] == "budgethouder"
    assert batch["overgeslagen"] == []
    assert batch["betalingen"][0] == {
        "zorgaanbieder": {
            "uuid": str(aanbieder.uuid),
            "agb_code": aanbieder.agb_code,
            "naam": "Zorg Noord B.V.",
        },
        "naam": "Zorg Noord B.V.",
        "iban": "NL91ABNA0417164300",
        "bedrag": "1250.00",
        "eind_tot_eind_id": "BB-0363-000001-0001",
        "boeking": None,
    }
    url = f"{API}/betaalbatches/{batch['uuid']}"

    # No file for the bank before approval.
    assert_probleem(bh.get(f"{url}/pain001/"), 400, "batch_niet_goedgekeurd")

    # Four eyes: the maker cannot approve; nothing changes.
    voor = grootboekstand()
    with NietsVeranderd("financien", "kern"):
        body = assert_probleem(bh.post(f"{url}/goedkeuren/"), 403, "vier_ogen")
    assert "vier ogen" in body["detail"]
    assert bh.get(f"{url}/").json()["status"] == "concept"

    antwoord = bo.post(f"{url}/goedkeuren/")
    assert antwoord.status_code == 200, antwoord.content
    assert (antwoord.json()["status"], antwoord.json()["goedgekeurd_door"]) == (
        "goedgekeurd",
        "beoordelaar",
    )

    pain = bh.get(f"{url}/pain001/")
    assert pain.status_code == 200
    assert pain["Content-Type"] == "application/xml"
    assert pain["Content-Disposition"] == 'attachment; filename="BB-0363-000001.xml"'
    xsd("pain.001.001.03").assertValid(etree.fromstring(pain.content))

    csv = bh.get(f"{url}/journaal/")
    assert csv.status_code == 200
    assert csv["Content-Type"] == "text/csv; charset=utf-8"
    assert csv["Content-Disposition"] == 'attachment; filename="BB-0363-000001-journaal.csv"'
    assert csv.content.decode().count("\r\n") == 3
    xlsx = bh.get(f"{url}/journaal/", {"formaat": "xlsx"})
    assert xlsx.status_code == 200
    assert load_workbook(io.BytesIO(xlsx.content))["Journaal"].max_row == 3
    assert_probleem(bh.get(f"{url}/journaal/", {"formaat": "pdf"}), 400, "ongeldige_invoer")
    assert grootboekstand() == voor

    antwoord = bo.post(f"{url}/betaald-melden/", {"betaaldatum": "2026-03-10"}, format="json")
    assert antwoord.status_code == 200, antwoord.content
    body = antwoord.json()
    assert (body["status"], body["betaaldatum"], body["betaald_door"]) == (
        "betaald",
        "2026-03-10",
        "beoordelaar",
    )
    assert all(b["boeking"] for b in body["betalingen"])
    assert [s["naar_status"] for s in body["statuswijzigingen"]] == [
        "concept",
        "goedgekeurd",
        "betaald",
    ]
    assert Boeking.objects.filter(soort=BoekingSoort.BETALING).count() == 2

    # Paying twice is refused and books nothing.
    voor = grootboekstand()
    with NietsVeranderd("financien", "kern"):
        assert_probleem(
            bh.post(f"{url}/betaald-melden/", {"betaaldatum": "2026-03-11"}, format="json"),
            409,
            "batch_al_betaald",
        )
    assert grootboekstand() == voor

    regels = bh.get(f"{url}/regels/").json()
    assert regels["count"] == 2
    assert {r["bedrag"] for r in regels["results"]} == {"1250.00", "300.50"}
    assert bh.get(f"{API}/betaalbatches/", {"status": "betaald"}).json()["count"] == 1
    assert bh.get(f"{API}/betaalbatches/", {"status": "concept"}).json()["count"] == 0


def test_annuleren_en_opnieuw(bh, bo, scene):
    batch = maak(bh)
    url = f"{API}/betaalbatches/{batch['uuid']}"
    assert_probleem(bo.post(f"{url}/annuleren/", {}, format="json"), 400, "ongeldige_invoer")
    antwoord = bo.post(f"{url}/annuleren/", {"reden": "Verkeerde datum"}, format="json")
    assert antwoord.status_code == 200
    assert antwoord.json()["status"] == "geannuleerd"
    assert maak(bh)["referentie"] == "BB-0363-000002"


def test_betaald_melden_van_een_concept_geweigerd(bh, bo, scene):
    batch = maak(bh)
    with NietsVeranderd("financien"):
        assert_probleem(
            bo.post(
                f"{API}/betaalbatches/{batch['uuid']}/betaald-melden/",
                {"betaaldatum": "2026-03-10"},
                format="json",
            ),
            400,
            "batch_niet_goedgekeurd",
        )


def test_niets_te_betalen(bh, betaalrekening):
    with NietsVeranderd("financien"):
        assert_probleem(
            bh.post(
                f"{API}/betaalbatches/",
                {"gemeente": "0363", "uitvoeringsdatum": "2026-03-10"},
                format="json",
            ),
            400,
            "niets_te_betalen",
        )


def test_schrijven_vraagt_budgethouder_of_beoordelaar(client_voor, amsterdam, scene):
    regisseur = client_voor(GebruikerFactory(rollen=["regisseur"], gemeenten=[amsterdam]))
    with NietsVeranderd("financien"):
        assert_probleem(
            regisseur.post(
                f"{API}/betaalbatches/",
                {"gemeente": "0363", "uitvoeringsdatum": "2026-03-10"},
                format="json",
            ),
            403,
            "geen_toegang",
        )


def test_een_andere_gemeente_ziet_de_batch_niet(client_voor, bh, scene, rotterdam, aanbieder):
    batch = maak(bh)
    url = f"{API}/betaalbatches/{batch['uuid']}"
    rdam = client_voor(
        GebruikerFactory(rollen=["budgethouder", "beoordelaar"], gemeenten=[rotterdam])
    )
    assert rdam.get(f"{API}/betaalbatches/").json()["count"] == 0
    with NietsVeranderd("financien", "kern"):
        for antwoord in (
            rdam.get(f"{url}/"),
            rdam.get(f"{url}/pain001/"),
            rdam.get(f"{url}/journaal/"),
            rdam.get(f"{url}/regels/"),
            rdam.post(f"{url}/goedkeuren/"),
            rdam.post(f"{url}/annuleren/", {"reden": "x"}, format="json"),
            rdam.post(f"{url}/betaald-melden/", {"betaaldatum": "2026-03-10"}, format="json"),
        ):
            assert_probleem(antwoord, 404, "betaalbatch_niet_gevonden")
    zorg = client_voor(aanbieder_gebruiker(aanbieder))
    assert zorg.get(f"{API}/betaalbatches/").json()["count"] == 0
    assert_probleem(zorg.get(f"{url}/"), 404, "betaalbatch_niet_gevonden")
    assert zorg.get(f"{API}/rekeningen/").json()["count"] == 0
    assert zorg.get(f"{API}/betaalrekeningen/").json()["count"] == 0
    assert_probleem(rdam.get(f"{API}/betaalbatches/geen-uuid/"), 404, "betaalbatch_niet_gevonden")


def test_lijst_van_batches_in_vaste_querys(bh, budgethouder, beoordelaar, amsterdam, scene):
    def tel() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert bh.get(f"{API}/betaalbatches/").status_code == 200
        return len(ctx)

    maak(bh)
    een = tel()
    for nummer in range(3):
        reservering = reserveer(
            Betaalbatch.objects.first().regels.first().budgetpost,
            ZorgaanbiederFactory(),
            "100.00",
            f"extra-{nummer}",
        )
        realiseer(reservering, "10.00", f"extra-{nummer}", date(2026, 3, 2))
        batch = services.betaalbatch_aanmaken(
            door=budgethouder, gemeente=amsterdam, uitvoeringsdatum=date(2026, 3, 10)
        )
        services.betaalbatch_goedkeuren(door=beoordelaar, batch=batch)
    assert tel() == een


def test_betaalrekening_over_de_api(bh, client_voor, amsterdam, beoordelaar):
    antwoord = bh.post(
        f"{API}/betaalrekeningen/",
        {"gemeente": "0363", "naam": "Gemeente Amsterdam", "iban": "NL14 BNGH 0285 0012 34"},
        format="json",
    )
    assert antwoord.status_code == 200, antwoord.content
    assert {k: antwoord.json()[k] for k in ("gemeente", "naam", "iban", "bic")} == {
        "gemeente": "0363",
        "naam": "Gemeente Amsterdam",
        "iban": "NL14BNGH0285001234",
        "bic": "",
    }
    assert bh.get(f"{API}/betaalrekeningen/").json()["count"] == 1
    with NietsVeranderd("financien"):
        assert_probleem(
            bh.post(
                f"{API}/betaalrekeningen/",
                {"gemeente": "0363", "naam": "X", "iban": "NL15BNGH0285001234"},
                format="json",
            ),
            400,
            "iban_ongeldig",
        )
        assert_probleem(
            client_voor(beoordelaar).post(
                f"{API}/betaalrekeningen/",
                {"gemeente": "0363", "naam": "X", "iban": "NL14BNGH0285001234"},
                format="json",
            ),
            403,
            "geen_toegang",
        )


def test_rekeningen_met_saldo(bh, scene, aanbieder, budgetpost):
    body = bh.get(
        f"{API}/rekeningen/", {"soort": "te_betalen", "zorgaanbieder": str(aanbieder.uuid)}
    ).json()
    assert body["count"] == 1
    rekening = body["results"][0]
    assert (rekening["soort"], rekening["saldo"], rekening["budgetpost"]["uuid"]) == (
        "te_betalen",
        "1250.00",
        str(budgetpost.uuid),
    )
    assert bh.get(f"{API}/rekeningen/", {"gemeente": "0363"}).json()["count"] == 7
    assert bh.post(f"{API}/rekeningen/", {}).status_code == 405

"""The API of clients and toewijzingen: scoped reads (404 outside the scope), writes through
the services (role regisseur), problem+json with the standard's codes, no BSN in a URL."""

from __future__ import annotations

from datetime import date

import pytest

from inkoop.models import Toewijzing
from iwmo_jw.models import UitgaandBericht
from tests.factories import GebruikerFactory, aanbieder_gebruiker, gemeente
from tests.inkoop.conftest import assert_probleem
from tests.inkoop.toewijzingscene import BSN, BSN_2, Scene, bouw_scene, vandaag_vastzetten
from tests.utils import NietsVeranderd

pytestmark = pytest.mark.django_db


@pytest.fixture
def s(regisseur, monkeypatch) -> Scene:
    vandaag_vastzetten(monkeypatch)
    return bouw_scene(regisseur)


def verstrekken_body(s: Scene, **extra) -> dict:
    return {
        "client": str(s.client.uuid),
        "zorgaanbieder": str(s.aanbieder.uuid),
        "wet": "wmo",
        "ingangsdatum": "2026-03-01",
        "einddatum": "2026-12-31",
        "product": str(s.begeleiding.uuid),
        "volume": 4,
        "frequentie": "2",
        **extra,
    }


def test_verstrekken_wijzigen_intrekken_en_geschiedenis(s, client_voor):
    api = client_voor(s.regisseur)
    antwoord = api.post("/api/v1/toewijzingen/", verstrekken_body(s), format="json")
    assert antwoord.status_code == 201, antwoord.content
    data = antwoord.json()
    assert (data["nummer"], data["status"], data["product"]["productcode"]) == (
        1,
        "actief",
        "02A01",
    )
    assert data["te_melden"] is False
    uuid = data["uuid"]

    antwoord = api.post(
        f"/api/v1/toewijzingen/{uuid}/wijzigen/",
        {"reden_wijziging": "04", "einddatum": "2027-02-28"},
        format="json",
    )
    assert antwoord.status_code == 200, antwoord.content
    assert antwoord.json()["einddatum"] == "2027-02-28"

    reserveringen = api.get(f"/api/v1/toewijzingen/{uuid}/reserveringen/").json()
    assert [(r["jaar"], r["bedrag"]) for r in reserveringen] == [
        (2026, "11365.72"),
        (2027, "2275.71"),
    ]

    antwoord = api.post(
        f"/api/v1/toewijzingen/{uuid}/intrekken/",
        {"reden_wijziging": "09", "einddatum": "2026-03-28"},
        format="json",
    )
    assert antwoord.json()["status"] == "ingetrokken"
    geschiedenis = api.get(f"/api/v1/toewijzingen/{uuid}/wijzigingen/").json()["results"]
    assert [g["gebeurtenis"] for g in geschiedenis] == ["verstrekt", "gewijzigd", "ingetrokken"]
    assert geschiedenis[0]["door"] == "regisseur"
    assert UitgaandBericht.objects.count() == 3


def test_regels_als_probleem_met_code_en_niets_veranderd(s, client_voor):
    api = client_voor(s.regisseur)
    with NietsVeranderd("inkoop", "financien", "iwmo_jw"):
        assert_probleem(
            api.post(
                "/api/v1/toewijzingen/",
                verstrekken_body(s, budget_bedrag="100.00"),
                format="json",
            ),
            400,
            "cd077",
        )
        assert_probleem(
            api.post(
                "/api/v1/toewijzingen/",
                verstrekken_body(s, zorgaanbieder=str(s.zonder_contract.uuid)),
                format="json",
            ),
            400,
            "geen_contract",
        )
        assert_probleem(
            api.post(
                "/api/v1/toewijzingen/",
                verstrekken_body(s, einddatum="2026-02-01"),
                format="json",
            ),
            400,
            "einddatum_voor_ingangsdatum",
        )


def test_volume_wijzigen_bij_frequentie_per_week_is_iv066(s, client_voor):
    api = client_voor(s.regisseur)
    uuid = api.post("/api/v1/toewijzingen/", verstrekken_body(s), format="json").json()["uuid"]
    assert_probleem(
        api.post(
            f"/api/v1/toewijzingen/{uuid}/wijzigen/",
            {"reden_wijziging": "04", "volume": 6},
            format="json",
        ),
        400,
        "iv066",
    )


def test_verwijderd_is_409_bij_nog_een_keer(s, client_voor):
    api = client_voor(s.regisseur)
    uuid = api.post("/api/v1/toewijzingen/", verstrekken_body(s), format="json").json()["uuid"]
    assert (
        api.post(f"/api/v1/toewijzingen/{uuid}/verwijderen/", {}, format="json").json()[
            "reden_wijziging"
        ]
        == "13"
    )
    assert_probleem(
        api.post(f"/api/v1/toewijzingen/{uuid}/verwijderen/", {}, format="json"),
        409,
        "toewijzing_niet_actief",
    )


def test_versturen_na_meerdere_wijzigingen(s, client_voor):
    api = client_voor(s.regisseur)
    for product in (s.begeleiding, s.dagbesteding):
        api.post(
            "/api/v1/toewijzingen/",
            verstrekken_body(s, product=str(product.uuid), versturen=False),
            format="json",
        )
    assert not UitgaandBericht.objects.exists()
    antwoord = api.post(
        "/api/v1/toewijzingen/versturen/",
        {"client": str(s.client.uuid), "zorgaanbieder": str(s.aanbieder.uuid), "wet": "wmo"},
        format="json",
    )
    assert antwoord.status_code == 201, antwoord.content
    assert antwoord.json()["berichtnaam"] == "WMO301"
    assert UitgaandBericht.objects.count() == 1


def test_alleen_de_regisseur_schrijft(s, client_voor):
    budgethouder = client_voor(s.budgethouder)
    assert_probleem(
        budgethouder.post("/api/v1/toewijzingen/", verstrekken_body(s), format="json"),
        403,
        "geen_toegang",
    )


def test_aanbieder_ziet_alleen_de_eigen_toewijzingen_en_geen_reserveringen(s, client_voor):
    regisseur = client_voor(s.regisseur)
    uuid = regisseur.post("/api/v1/toewijzingen/", verstrekken_body(s), format="json").json()[
        "uuid"
    ]
    eigen = client_voor(aanbieder_gebruiker(s.aanbieder, username="noord_tw"))
    ander = client_voor(aanbieder_gebruiker(s.zonder_contract, username="zuid_tw"))
    assert [t["uuid"] for t in eigen.get("/api/v1/toewijzingen/").json()["results"]] == [uuid]
    assert eigen.get(f"/api/v1/toewijzingen/{uuid}/reserveringen/").json() == []
    assert ander.get("/api/v1/toewijzingen/").json()["results"] == []
    assert_probleem(ander.get(f"/api/v1/toewijzingen/{uuid}/"), 404, "toewijzing_niet_gevonden")
    assert_probleem(
        eigen.post(f"/api/v1/toewijzingen/{uuid}/verwijderen/", {}, format="json"),
        403,
        "geen_toegang",
    )
    # The provider sees its client, with the BSN (it has it from the 301 anyway).
    [client] = eigen.get("/api/v1/clienten/").json()["results"]
    assert client["bsn"] == BSN
    assert ander.get("/api/v1/clienten/").json()["results"] == []


def test_andere_gemeente_ziet_niets(s, client_voor):
    regisseur = client_voor(s.regisseur)
    uuid = regisseur.post("/api/v1/toewijzingen/", verstrekken_body(s), format="json").json()[
        "uuid"
    ]
    rotterdam = client_voor(
        GebruikerFactory(username="rdam_tw", rollen=["regisseur"], gemeenten=[gemeente("0599")])
    )
    assert_probleem(rotterdam.get(f"/api/v1/toewijzingen/{uuid}/"), 404, "toewijzing_niet_gevonden")
    assert_probleem(
        rotterdam.post("/api/v1/clienten/zoeken/", {"gemeente": "0363", "bsn": BSN}, format="json"),
        404,
        "client_niet_gevonden",
    )


def test_client_vastleggen_en_zoeken_op_bsn_in_de_body(s, client_voor):
    api = client_voor(s.regisseur)
    body = {
        "gemeente": "0363",
        "bsn": BSN_2,
        "geboortedatum": "1961-07-01",
        "achternaam": "Jansen",
        "postcode": "1011 ab",
    }
    antwoord = api.post("/api/v1/clienten/", body, format="json")
    assert antwoord.status_code == 201, antwoord.content
    assert (antwoord.json()["bsn"], antwoord.json()["postcode"]) == (BSN_2, "1011AB")
    assert api.post("/api/v1/clienten/", body, format="json").status_code == 200
    gevonden = api.post("/api/v1/clienten/zoeken/", {"gemeente": "0363", "bsn": BSN_2})
    assert gevonden.status_code == 200 and gevonden.json()["achternaam"] == "Jansen"
    assert_probleem(
        api.post("/api/v1/clienten/zoeken/", {"gemeente": "0363", "bsn": "999990032"}),
        404,
        "client_niet_gevonden",
    )
    assert_probleem(
        api.post("/api/v1/clienten/", {**body, "bsn": "123456789"}, format="json"),
        400,
        "bsn_ongeldig",
    )
    # A budget holder sees clients of the gemeente, BSN masked.
    budgethouder = client_voor(s.budgethouder)
    bsns = {c["bsn"] for c in budgethouder.get("/api/v1/clienten/").json()["results"]}
    assert bsns == {"******019", "******020"}


def test_bij_te_stellen_lijst_en_filter_actueel(s, client_voor):
    api = client_voor(s.regisseur)
    uuid = api.post("/api/v1/toewijzingen/", verstrekken_body(s), format="json").json()["uuid"]
    api.post(
        "/api/v1/toewijzingen/",
        verstrekken_body(
            s,
            product=str(s.dagbesteding.uuid),
            ingangsdatum="2026-01-01",
            einddatum="2026-01-31",
        ),
        format="json",
    )
    Toewijzing.objects.filter(uuid=uuid).update(bijstellen=True, zorg_einddatum=date(2026, 6, 1))
    lijst = api.get("/api/v1/toewijzingen/bij-te-stellen/").json()["results"]
    assert [t["uuid"] for t in lijst] == [uuid]
    actueel = api.get("/api/v1/toewijzingen/?actueel=true").json()["results"]
    assert [t["uuid"] for t in actueel] == [uuid]
    assert len(api.get("/api/v1/toewijzingen/?actueel=false").json()["results"]) == 1

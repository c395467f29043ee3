"""The read-only API under /api/v1/berichten/: scope (404 outside it), outcome and findings,
raw download, filters, deadlines."""

from __future__ import annotations

import logging
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from iwmo_jw.services import bericht_ontvangen, bericht_uitgaand_vastleggen
from tests.factories import GebruikerFactory
from tests.iwmo_jw_box.conftest import AGB_JEUGDHULP, AGB_VERWIJS, bericht, moment, voorbeeld

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"
BSN = b"999900006"


@pytest.fixture
def scene(diemen, amsterdam_aangesloten, jeugdhulp, verwijs):
    return {
        # Jeugdhulp (65656055): a 323 to Diemen and a 305 to Amsterdam.
        "declaratie": bericht_ontvangen(
            data=voorbeeld("JW323"), ontvangen_op=moment(date(2026, 5, 6))
        ).bericht,
        "start": bericht_ontvangen(data=voorbeeld("JW305")).bericht,
        # Verwijs (42420001): the XSD-invalid official 315 to Diemen.
        "vot": bericht_ontvangen(data=voorbeeld("JW315"), bestandsnaam="JW315.xml").bericht,
        # Nobody's: not even XML.
        "onleesbaar": bericht_ontvangen(data=b"dit is geen bericht").bericht,
    }


def _uuids(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {r["uuid"] for r in response.json()["results"]}


def _probleem(response, status: int, code: str) -> None:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    assert response.json()["code"] == code


def test_regisseur_ziet_de_berichten_van_de_eigen_gemeente(scene, regisseur_diemen, client_voor):
    client = client_voor(regisseur_diemen)
    assert _uuids(client.get("/api/v1/berichten/inkomend/")) == {
        str(scene["declaratie"].uuid),
        str(scene["vot"].uuid),
    }
    _probleem(
        client.get(f"/api/v1/berichten/inkomend/{scene['start'].uuid}/"),
        404,
        "bericht_niet_gevonden",
    )
    _probleem(
        client.get(f"/api/v1/berichten/inkomend/{scene['start'].uuid}/inhoud/"),
        404,
        "bericht_niet_gevonden",
    )


def test_aanbieder_ziet_alleen_berichten_met_de_eigen_agb(
    scene, gebruiker_jeugdhulp, gebruiker_verwijs, client_voor
):
    jeugdhulp = client_voor(gebruiker_jeugdhulp)
    assert _uuids(jeugdhulp.get("/api/v1/berichten/inkomend/")) == {
        str(scene["declaratie"].uuid),
        str(scene["start"].uuid),  # in Amsterdam: a provider's scope is its AGB, not a gemeente
    }
    _probleem(
        jeugdhulp.get(f"/api/v1/berichten/inkomend/{scene['vot'].uuid}/"),
        404,
        "bericht_niet_gevonden",
    )
    verwijs = client_voor(gebruiker_verwijs)
    assert _uuids(verwijs.get("/api/v1/berichten/inkomend/")) == {str(scene["vot"].uuid)}


def test_inkoper_en_budgethouder_zien_geen_berichten(scene, diemen, client_voor):
    for rol in ("inkoper", "budgethouder"):
        gebruiker = GebruikerFactory(rollen=[rol], gemeenten=[diemen])
        client = client_voor(gebruiker)
        assert _uuids(client.get("/api/v1/berichten/inkomend/")) == set()
        _probleem(
            client.get(f"/api/v1/berichten/inkomend/{scene['declaratie'].uuid}/"),
            404,
            "bericht_niet_gevonden",
        )


def test_superuser_ziet_ook_onleesbare_berichten(scene, client_voor):
    client = client_voor(GebruikerFactory(is_superuser=True))
    assert _uuids(client.get("/api/v1/berichten/inkomend/")) == {
        str(b.uuid) for b in scene.values()
    }


def test_niet_aangemeld(scene, api_client):
    _probleem(api_client.get("/api/v1/berichten/inkomend/"), 401, "niet_aangemeld")


def test_ongeldige_uuid_is_niet_gevonden(scene, regisseur_diemen, client_voor):
    client = client_voor(regisseur_diemen)
    _probleem(client.get("/api/v1/berichten/inkomend/12345/"), 404, "bericht_niet_gevonden")
    _probleem(client.get("/api/v1/berichten/uitgaand/12345/inhoud/"), 404, "bericht_niet_gevonden")


def test_detail_met_uitkomst_bevindingen_en_termijnen(scene, gebruiker_verwijs, client_voor):
    client = client_voor(gebruiker_verwijs)
    data = client.get(f"/api/v1/berichten/inkomend/{scene['vot'].uuid}/").json()
    assert data["berichtnaam"] == "JW315"
    assert (data["status"], data["uitkomst_code"], data["geldig"], data["niveau"]) == (
        "geweigerd",
        "xsd_ongeldig",
        False,
        1,
    )
    assert (data["gemeente"], data["agb_code"], data["bestandsnaam"]) == (
        "0384",
        AGB_VERWIJS,
        "JW315.xml",
    )
    assert [b["regelnummer"] for b in data["bevindingen"]] == [44, 66]
    assert data["bevindingen"][0]["code"] == "xsd_ongeldig"
    assert data["bevindingen"][0]["element"] == "ToewijzingEinddatum"
    assert data["termijnen"] == []
    assert [(s["van_status"], s["naar_status"]) for s in data["statuswijzigingen"]] == [
        ("", "ontvangen"),
        ("ontvangen", "geweigerd"),
    ]
    assert "inhoud" not in data


def test_detail_van_declaratie_met_termijn_en_antwoord(scene, regisseur_diemen, client_voor):
    antwoord = bericht_uitgaand_vastleggen(data=voorbeeld("JW325"), antwoord_op=scene["declaratie"])
    client = client_voor(regisseur_diemen)
    data = client.get(f"/api/v1/berichten/inkomend/{scene['declaratie'].uuid}/").json()
    assert data["status"] == "wacht_op_verwerking"
    [termijn] = data["termijnen"]
    assert termijn["soort"] == "declaratie_antwoord"
    assert termijn["uiterste_datum"] == "2026-05-21"
    assert termijn["gesloten_door"] == str(antwoord.uuid)
    assert termijn["verlopen"] is False
    assert data["antwoorden"] == [
        {
            "uuid": str(antwoord.uuid),
            "berichtnaam": "JW325",
            "identificatie": "654321987",
            "status": "aangemaakt",
        }
    ]


def test_ruwe_inhoud_downloaden(scene, regisseur_diemen, client_voor):
    client = client_voor(regisseur_diemen)
    url = f"/api/v1/berichten/inkomend/{scene['declaratie'].uuid}/inhoud/"
    for accept in ("application/xml", "*/*", "application/json"):
        response = client.get(url, HTTP_ACCEPT=accept)
        assert response.status_code == 200
        assert response.content == voorbeeld("JW323")
        assert response["Content-Type"] == "application/xml"
        assert response["Content-Disposition"] == (
            f'attachment; filename="{scene["declaratie"].uuid}.xml"'
        )
        assert response["X-Inhoud-Volledig"] == "true"


def test_onleesbare_inhoud_is_octet_stream(scene, client_voor):
    client = client_voor(GebruikerFactory(is_superuser=True))
    response = client.get(f"/api/v1/berichten/inkomend/{scene['onleesbaar'].uuid}/inhoud/")
    assert response.content == b"dit is geen bericht"
    assert response["Content-Type"] == "application/octet-stream"


def test_filters(scene, client_voor):
    client = client_voor(GebruikerFactory(is_superuser=True))
    assert _uuids(client.get("/api/v1/berichten/inkomend/?status=geweigerd")) == {
        str(scene["vot"].uuid),
        str(scene["onleesbaar"].uuid),
    }
    assert _uuids(client.get("/api/v1/berichten/inkomend/?berichttype=323")) == {
        str(scene["declaratie"].uuid)
    }
    assert _uuids(client.get("/api/v1/berichten/inkomend/?gemeente=0363")) == {
        str(scene["start"].uuid)
    }
    assert _uuids(client.get(f"/api/v1/berichten/inkomend/?agb_code={AGB_VERWIJS}")) == {
        str(scene["vot"].uuid)
    }
    assert _uuids(client.get("/api/v1/berichten/inkomend/?uitkomst_code=xml_onleesbaar")) == {
        str(scene["onleesbaar"].uuid)
    }
    assert _uuids(client.get("/api/v1/berichten/inkomend/?ontvangen_tot=2026-05-06")) == {
        str(scene["declaratie"].uuid)
    }


def test_uitgaand_met_scope_en_inhoud(scene, regisseur_diemen, gebruiker_jeugdhulp, client_voor):
    antwoord = bericht_uitgaand_vastleggen(data=voorbeeld("JW325"), antwoord_op=scene["declaratie"])
    toewijzing = bericht_uitgaand_vastleggen(
        data=voorbeeld("JW301"), antwoord_op=None
    )  # to 42420001
    regie = client_voor(regisseur_diemen)
    assert _uuids(regie.get("/api/v1/berichten/uitgaand/")) == {
        str(antwoord.uuid),
        str(toewijzing.uuid),
    }
    data = regie.get(f"/api/v1/berichten/uitgaand/{antwoord.uuid}/").json()
    assert (data["berichtnaam"], data["status"], data["antwoord_op"]) == (
        "JW325",
        "aangemaakt",
        str(scene["declaratie"].uuid),
    )
    assert [(s["van_status"], s["naar_status"]) for s in data["statuswijzigingen"]] == [
        ("", "aangemaakt")
    ]
    assert "exportbestand" not in data
    response = regie.get(f"/api/v1/berichten/uitgaand/{antwoord.uuid}/inhoud/")
    assert response.content == voorbeeld("JW325")
    filter_ = regie.get(f"/api/v1/berichten/uitgaand/?antwoord_op={scene['declaratie'].uuid}")
    assert _uuids(filter_) == {str(antwoord.uuid)}
    # The provider sees the answer to its declaration, not the 301 to another provider.
    aanbieder = client_voor(gebruiker_jeugdhulp)
    assert _uuids(aanbieder.get("/api/v1/berichten/uitgaand/")) == {str(antwoord.uuid)}
    _probleem(
        aanbieder.get(f"/api/v1/berichten/uitgaand/{toewijzing.uuid}/inhoud/"),
        404,
        "bericht_niet_gevonden",
    )


def test_termijnen(scene, regisseur_diemen, client_voor):
    vow = bericht_ontvangen(data=voorbeeld("JW317")).bericht  # received today
    client = client_voor(regisseur_diemen)
    response = client.get("/api/v1/berichten/termijnen/")
    assert response.status_code == 200
    rijen = response.json()["results"]
    assert [(r["berichtnaam"], r["soort"]) for r in rijen] == [
        ("JW323", "declaratie_antwoord"),
        ("JW317", "retour"),
        ("JW317", "toewijzing_of_antwoord"),
    ]
    assert rijen[0]["verlopen"] is True  # 21 May 2026 lies before today
    verlopen = client.get("/api/v1/berichten/termijnen/?staat=verlopen").json()["results"]
    assert [r["bericht"] for r in verlopen] == [str(scene["declaratie"].uuid)]
    binnenkort = client.get("/api/v1/berichten/termijnen/?staat=open&binnen_dagen=0").json()
    assert [r["bericht"] for r in binnenkort["results"]] == [str(scene["declaratie"].uuid)]
    open_ = client.get("/api/v1/berichten/termijnen/?staat=open&binnen_dagen=30").json()
    assert {r["bericht"] for r in open_["results"]} == {
        str(scene["declaratie"].uuid),
        str(vow.uuid),
    }


def test_lijst_queries_groeien_niet_met_berichten(scene, regisseur_diemen, client_voor):
    client = client_voor(regisseur_diemen)
    client.get("/api/v1/berichten/inkomend/")  # warm up (token, roles)

    def aantal() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/api/v1/berichten/inkomend/").status_code == 200
        return len(queries)

    voor = aantal()
    for n in range(5):
        bericht_ontvangen(data=bericht("JW323", identificatie=f"EXTRA{n}"))
    assert aantal() == voor


def test_geen_ruwe_inhoud_geladen_voor_lijst_of_detail(scene, regisseur_diemen, client_voor):
    antwoord = bericht_uitgaand_vastleggen(data=voorbeeld("JW325"), antwoord_op=scene["declaratie"])
    client = client_voor(regisseur_diemen)
    urls = [
        "/api/v1/berichten/inkomend/",
        f"/api/v1/berichten/inkomend/{scene['declaratie'].uuid}/",
        "/api/v1/berichten/uitgaand/",
        f"/api/v1/berichten/uitgaand/{antwoord.uuid}/",
        "/api/v1/berichten/termijnen/",
    ]
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        # A message can be 25 MB: only the download reads the raw bytes.
        assert not [q for q in queries if '"inhoud"' in q["sql"]], url


def test_geen_bsn_in_logregels(diemen, caplog):
    caplog.set_level(logging.DEBUG)
    bericht_ontvangen(data=voorbeeld("JW323"))
    assert caplog.records  # receiving logs something ...
    assert BSN.decode() not in caplog.text  # ... but never message content
    assert AGB_JEUGDHULP not in caplog.text

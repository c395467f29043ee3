"""Gemeenten, productcategorieën, zorgaanbieders and producten."""

from __future__ import annotations

from datetime import date

import pytest

from contracten.models import Product, Zorgaanbieder
from kern.models import AuditRecord
from tests.api.conftest import assert_probleem
from tests.factories import ProductFactory, ZorgaanbiederFactory, categorie

pytestmark = pytest.mark.django_db


# --- Gemeenten -----------------------------------------------------------------------------


def test_gemeenten_gepagineerd(client_voor, regisseur):
    body = client_voor(regisseur).get("/api/v1/gemeenten/", {"page_size": 2}).json()
    assert body["count"] == 342
    assert len(body["results"]) == 2
    assert body["next"] == "http://testserver/api/v1/gemeenten/?page=2&page_size=2"
    assert body["previous"] is None


def test_gemeenten_filteren(client_voor, regisseur):
    client = client_voor(regisseur)
    op_naam = client.get("/api/v1/gemeenten/", {"naam": "rotterd"}).json()
    assert op_naam["results"] == [
        {"code": "0599", "naam": "Rotterdam", "provincie": "Zuid-Holland", "actief": True}
    ]
    op_code = client.get("/api/v1/gemeenten/", {"code": "0363"}).json()
    assert [g["naam"] for g in op_code["results"]] == ["Amsterdam"]
    provincie = client.get("/api/v1/gemeenten/", {"provincie": "zuid-holland"}).json()
    assert provincie["count"] > 1
    assert {g["provincie"] for g in provincie["results"]} == {"Zuid-Holland"}


def test_gemeente_op_code(client_voor, regisseur):
    client = client_voor(regisseur)
    assert client.get("/api/v1/gemeenten/0363/").json() == {
        "code": "0363",
        "naam": "Amsterdam",
        "provincie": "Noord-Holland",
        "actief": True,
    }
    assert_probleem(client.get("/api/v1/gemeenten/9999/"), 404, "gemeente_niet_gevonden")


def test_voorbij_de_laatste_pagina_is_404(client_voor, regisseur):
    assert_probleem(
        client_voor(regisseur).get("/api/v1/gemeenten/", {"page": 99}), 404, "niet_gevonden"
    )


# --- Productcategorieën --------------------------------------------------------------------


def test_productcategorieen_per_wet(client_voor, regisseur):
    client = client_voor(regisseur)
    wmo = client.get("/api/v1/productcategorieen/", {"wet": "wmo", "page_size": 100}).json()
    jw = client.get("/api/v1/productcategorieen/", {"wet": "jw", "page_size": 100}).json()
    assert wmo["count"] == 18
    assert jw["count"] == 24
    assert wmo["results"][1] == {"wet": "wmo", "code": "02", "omschrijving": "Begeleiding"}


def test_ongeldige_filterwaarde_is_400(client_voor, regisseur):
    response = client_voor(regisseur).get("/api/v1/productcategorieen/", {"wet": "awbz"})
    body = assert_probleem(response, 400, "ongeldige_invoer")
    assert body["invalid_params"][0]["name"] == "wet"


# --- Zorgaanbieders ------------------------------------------------------------------------

NIEUWE_AANBIEDER = {
    "agb_code": "11223344",
    "naam": "Thuiszorg West B.V.",
    "kvk_nummer": "12345678",
    "iban": "NL91 ABNA 0417 1643 00",
    "email": "info@thuiszorgwest.nl",
    "plaats": "Amsterdam",
}


def test_zorgaanbieder_aanmaken(client_voor, inkoper):
    response = client_voor(inkoper).post("/api/v1/zorgaanbieders/", NIEUWE_AANBIEDER, format="json")
    assert response.status_code == 201, response.content
    aanbieder = Zorgaanbieder.objects.get(agb_code="11223344")
    assert response.json() == {
        "uuid": str(aanbieder.uuid),
        "agb_code": "11223344",
        "naam": "Thuiszorg West B.V.",
        "kvk_nummer": "12345678",
        "iban": "NL91ABNA0417164300",
        "email": "info@thuiszorgwest.nl",
        "telefoon": "",
        "contactpersoon": "",
        "adres": "",
        "postcode": "",
        "plaats": "Amsterdam",
        "actief": True,
    }
    audit = AuditRecord.objects.get(object_id=str(aanbieder.pk), actie="aangemaakt")
    assert audit.gebruiker == inkoper


@pytest.mark.parametrize(
    ("veld", "waarde", "code", "detail"),
    [
        ("agb_code", "1234567A", "agb_ongeldig", "Een AGB-code bestaat uit precies 8 cijfers."),
        (
            "iban",
            "NL91ABNA0417164301",
            "iban_ongeldig",
            "Het IBAN is ongeldig (controleer landcode, lengte en controlecijfers).",
        ),
        ("kvk_nummer", "1234", "kvk_ongeldig", "Een KvK-nummer bestaat uit precies 8 cijfers."),
    ],
)
def test_zorgaanbieder_met_ongeldig_nummer_wordt_geweigerd(
    client_voor, inkoper, veld, waarde, code, detail
):
    response = client_voor(inkoper).post(
        "/api/v1/zorgaanbieders/", {**NIEUWE_AANBIEDER, veld: waarde}, format="json"
    )
    body = assert_probleem(response, 400, code)
    assert body["detail"] == detail
    assert body["invalid_params"] == [{"name": veld, "code": code, "reason": detail}]
    assert not Zorgaanbieder.objects.exists()
    assert not AuditRecord.objects.exists()


def test_zorgaanbieder_dubbele_agb_is_409(client_voor, inkoper, aanbieder):
    response = client_voor(inkoper).post(
        "/api/v1/zorgaanbieders/", {**NIEUWE_AANBIEDER, "agb_code": "12345678"}, format="json"
    )
    assert_probleem(response, 409, "zorgaanbieder_bestaat")
    assert Zorgaanbieder.objects.count() == 1


def test_zorgaanbieder_aanmaken_zonder_rol_is_403(client_voor, regisseur):
    response = client_voor(regisseur).post(
        "/api/v1/zorgaanbieders/", NIEUWE_AANBIEDER, format="json"
    )
    body = assert_probleem(response, 403, "geen_toegang")
    assert body["detail"] == (
        "U heeft niet de rol die voor deze actie nodig is (inkoper of beheerder)."
    )
    assert not Zorgaanbieder.objects.exists()


def test_zorgaanbieder_wijzigen(client_voor, inkoper, aanbieder):
    response = client_voor(inkoper).patch(
        f"/api/v1/zorgaanbieders/{aanbieder.uuid}/",
        {"naam": "Zorg Noord-West B.V.", "actief": False},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["naam"] == "Zorg Noord-West B.V."
    assert response.json()["actief"] is False
    aanbieder.refresh_from_db()
    assert (aanbieder.naam, aanbieder.actief, aanbieder.agb_code) == (
        "Zorg Noord-West B.V.",
        False,
        "12345678",
    )


def test_zorgaanbieder_agb_wijzigt_nooit(client_voor, inkoper, aanbieder):
    response = client_voor(inkoper).patch(
        f"/api/v1/zorgaanbieders/{aanbieder.uuid}/", {"agb_code": "99999999"}, format="json"
    )
    # agb_code is read-only: the request changes nothing, which is refused as such.
    assert_probleem(response, 400, "geen_wijziging")
    aanbieder.refresh_from_db()
    assert aanbieder.agb_code == "12345678"


def test_zorgaanbieder_wijzigen_met_ongeldig_iban_verandert_niets(client_voor, inkoper, aanbieder):
    response = client_voor(inkoper).patch(
        f"/api/v1/zorgaanbieders/{aanbieder.uuid}/",
        {"naam": "Nieuwe naam", "iban": "NL00XXXX0000000000"},
        format="json",
    )
    assert_probleem(response, 400, "iban_ongeldig")
    aanbieder.refresh_from_db()
    assert (aanbieder.naam, aanbieder.iban) == ("Zorg Noord B.V.", "NL91ABNA0417164300")


def test_zorgaanbieders_filteren(client_voor, regisseur, aanbieder, ander_aanbieder):
    ZorgaanbiederFactory(agb_code="55555555", naam="Slapende Zorg", actief=False)
    client = client_voor(regisseur)

    def agbs(**params: str) -> list[str]:
        return [
            a["agb_code"] for a in client.get("/api/v1/zorgaanbieders/", params).json()["results"]
        ]

    assert agbs() == ["87654321", "55555555", "12345678"]  # by naam
    assert agbs(agb_code="12345678") == ["12345678"]
    assert agbs(naam="ZUID") == ["87654321"]
    assert agbs(actief="false") == ["55555555"]
    assert agbs(ordering="agb_code") == ["12345678", "55555555", "87654321"]


def test_zorgaanbieder_ziet_alleen_zichzelf(
    client_voor, aanbieder, ander_aanbieder, aanbieder_user
):
    client = client_voor(aanbieder_user)
    lijst = client.get("/api/v1/zorgaanbieders/").json()
    assert [a["uuid"] for a in lijst["results"]] == [str(aanbieder.uuid)]
    assert_probleem(
        client.get(f"/api/v1/zorgaanbieders/{ander_aanbieder.uuid}/"),
        404,
        "zorgaanbieder_niet_gevonden",
    )


def test_onzin_uuid_in_url_is_404(client_voor, regisseur):
    assert_probleem(
        client_voor(regisseur).get("/api/v1/zorgaanbieders/geen-uuid/"),
        404,
        "zorgaanbieder_niet_gevonden",
    )


# --- Producten -----------------------------------------------------------------------------

NIEUW_PRODUCT = {
    "wet": "jw",
    "categorie": "45",
    "productcode": "45A12",
    "naam": "Jeugdhulp ambulant",
    "eenheid": "04",
    "uitvoeringsvariant": "inspanningsgericht",
    "ingangsdatum": "2025-01-01",
}


def test_product_aanmaken(client_voor, inkoper):
    response = client_voor(inkoper).post("/api/v1/producten/", NIEUW_PRODUCT, format="json")
    assert response.status_code == 201, response.content
    product = Product.objects.get(productcode="45A12")
    assert response.json() == {
        "uuid": str(product.uuid),
        "wet": "jw",
        "categorie": "45",
        "categorie_omschrijving": product.categorie.omschrijving,
        "productcode": "45A12",
        "naam": "Jeugdhulp ambulant",
        "eenheid": "04",
        "uitvoeringsvariant": "inspanningsgericht",
        "ingangsdatum": "2025-01-01",
        "einddatum": None,
    }


def test_product_in_onbekende_categorie(client_voor, inkoper):
    response = client_voor(inkoper).post(
        "/api/v1/producten/", {**NIEUW_PRODUCT, "categorie": "02"}, format="json"
    )
    assert_probleem(response, 400, "productcategorie_onbekend")
    assert not Product.objects.exists()


def test_product_met_einde_voor_ingang(client_voor, inkoper):
    response = client_voor(inkoper).post(
        "/api/v1/producten/", {**NIEUW_PRODUCT, "einddatum": "2024-12-31"}, format="json"
    )
    body = assert_probleem(response, 400, "einddatum_voor_ingangsdatum")
    assert body["detail"] == "De einddatum ligt vóór de ingangsdatum."
    assert not Product.objects.exists()


def test_product_wijzigen_alleen_naam_en_einddatum(client_voor, inkoper, product):
    client = client_voor(inkoper)
    response = client.patch(
        f"/api/v1/producten/{product.uuid}/",
        {"naam": "Begeleiding individueel (basis)", "einddatum": "2026-12-31", "eenheid": "14"},
        format="json",
    )
    assert response.status_code == 200, response.content
    product.refresh_from_db()
    assert (product.naam, product.einddatum, product.eenheid) == (
        "Begeleiding individueel (basis)",
        date(2026, 12, 31),
        "04",
    )
    heropend = client.patch(
        f"/api/v1/producten/{product.uuid}/", {"einddatum": None}, format="json"
    )
    assert heropend.json()["einddatum"] is None
    product.refresh_from_db()
    assert product.einddatum is None
    assert product.naam == "Begeleiding individueel (basis)"


def test_producten_filteren(client_voor, regisseur, product):
    oud = ProductFactory(
        categorie=categorie("jw", "45"),
        productcode="45A01",
        eenheid="14",
        uitvoeringsvariant="outputgericht",
        ingangsdatum=date(2015, 1, 1),
        einddatum=date(2019, 12, 31),
    )
    client = client_voor(regisseur)

    def codes(**params: str) -> list[str]:
        return [
            p["productcode"] for p in client.get("/api/v1/producten/", params).json()["results"]
        ]

    assert codes() == ["45A01", "02A01"]  # jw sorts before wmo
    assert codes(wet="wmo") == ["02A01"]
    assert codes(categorie="45") == ["45A01"]
    assert codes(productcode="02A01") == ["02A01"]
    assert codes(eenheid="14") == ["45A01"]
    assert codes(uitvoeringsvariant="inspanningsgericht") == ["02A01"]
    assert codes(geldig_op="2018-06-01") == ["45A01"]
    assert codes(geldig_op="2025-06-01") == ["02A01"]
    assert client.get(f"/api/v1/producten/{oud.uuid}/").json()["einddatum"] == "2019-12-31"

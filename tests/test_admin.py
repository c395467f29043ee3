"""The admin as a beheerder uses it: every page opens, writes go through the services, a
refused write is a Dutch form error, nothing financial is deleted, list pages do not N+1."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.authtoken.models import Token, TokenProxy

from contracten.constants import ContractStatus, Eenheid, SlaSoort, Uitvoeringsvariant
from contracten.models import (
    Bestedingsruimte,
    Contract,
    ContractStatusWijziging,
    ContractVersie,
    Product,
    SlaNorm,
    Tariefperiode,
    Zorgaanbieder,
    ZorgaanbiederGebruiker,
)
from contracten.services import (
    bestedingsruimte_vastleggen,
    contract_aanmaken,
    contract_status_wijzigen,
    product_aanmaken,
    slanorm_vastleggen,
    tariefperiode_toevoegen,
    zorgaanbieder_aanmaken,
    zorgaanbieder_gebruiker_koppelen,
)
from kern.constants import AuditActie, Rol
from kern.models import AuditRecord, Gebruiker, Gemeente
from kern.services import gebruiker_aanmaken
from tests.factories import ContractFactory, GebruikerFactory, ZorgaanbiederFactory
from tests.utils import tabel_tellingen

pytestmark = pytest.mark.django_db


@pytest.fixture
def beheerder(amsterdam) -> Gebruiker:
    return gebruiker_aanmaken(
        gebruikersnaam="beheerder",
        wachtwoord="geheim-wachtwoord",
        rollen=[Rol.BEHEERDER],
        gemeenten=[amsterdam],
    )


@pytest.fixture
def client_beheerder(beheerder) -> Client:
    client = Client()
    client.force_login(beheerder)
    return client


@pytest.fixture
def scene(amsterdam) -> dict[str, Any]:
    """One row of every model, made the way the application makes them."""
    aanbieder = zorgaanbieder_aanmaken(
        door=None, agb_code="98000001", naam="Zorg Noord B.V.", iban="NL91ABNA0417164300"
    )
    product = product_aanmaken(
        door=None,
        wet="wmo",
        categorie="02",
        productcode="02A01",
        naam="Begeleiding individueel",
        eenheid=Eenheid.UUR,
        uitvoeringsvariant=Uitvoeringsvariant.INSPANNINGSGERICHT,
        ingangsdatum=date(2024, 1, 1),
    )
    contract = contract_aanmaken(
        door=None,
        nummer="C-1",
        zorgaanbieder=aanbieder,
        gemeenten=[amsterdam],
        ingangsdatum=date(2025, 1, 1),
        einddatum=date(2026, 12, 31),
    )
    tarief = tariefperiode_toevoegen(
        door=None,
        contract=contract,
        product=product,
        bedrag=Decimal("65.00"),
        ingangsdatum=date(2025, 1, 1),
        einddatum=date(2026, 12, 31),
    )
    contract = contract_status_wijzigen(door=None, contract=contract, status=ContractStatus.ACTIEF)
    norm = slanorm_vastleggen(
        door=None, contract=contract, soort=SlaSoort.WACHTTIJD, waarde=Decimal("28")
    )
    ruimte = bestedingsruimte_vastleggen(
        door=None, zorgaanbieder=aanbieder, gemeente=amsterdam, jaar=2025, bedrag=Decimal("1000")
    )
    aanbieder_gebruiker = gebruiker_aanmaken(
        gebruikersnaam="aanbieder", wachtwoord=None, rollen=[Rol.ZORGAANBIEDER]
    )
    koppeling = zorgaanbieder_gebruiker_koppelen(
        door=None, gebruiker=aanbieder_gebruiker, zorgaanbieder=aanbieder
    )
    Token.objects.create(user=aanbieder_gebruiker)
    return {
        "aanbieder": aanbieder,
        "product": product,
        "contract": contract,
        "tarief": tarief,
        "norm": norm,
        "ruimte": ruimte,
        "koppeling": koppeling,
        "aanbieder_gebruiker": aanbieder_gebruiker,
    }


def _url(model: Any, view: str, *args: Any) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _formulier(response: Any) -> dict[str, Any]:
    """POST data equal to what the rendered admin page would submit unchanged."""
    data: dict[str, Any] = {}

    def neem(form: Any) -> None:
        for naam in form.fields:
            if form.fields[naam].disabled:
                continue
            waarde = form[naam].value()
            if waarde is None or waarde is False:
                continue
            if isinstance(waarde, list | tuple):
                data[form.add_prefix(naam)] = [str(w) for w in waarde]
            else:
                data[form.add_prefix(naam)] = str(waarde)

    neem(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        neem(formset.management_form)
        for form in formset.forms:
            neem(form)
    return data


# --- Every page opens ----------------------------------------------------------------------


def test_beheerder_opent_elke_beheerpagina(client_beheerder, beheerder, scene):
    objecten: dict[type, Any] = {
        Gemeente: Gemeente.objects.get(code="0363"),
        Gebruiker: scene["aanbieder_gebruiker"],
        AuditRecord: AuditRecord.objects.first(),
        Zorgaanbieder: scene["aanbieder"],
        ZorgaanbiederGebruiker: scene["koppeling"],
        Product: scene["product"],
        Contract: scene["contract"],
        ContractVersie: ContractVersie.objects.get(contract=scene["contract"]),
        ContractStatusWijziging: ContractStatusWijziging.objects.get(contract=scene["contract"]),
        Tariefperiode: scene["tarief"],
        SlaNorm: scene["norm"],
        Bestedingsruimte: scene["ruimte"],
        Group: Group.objects.get(name=Rol.INKOPER),
        TokenProxy: TokenProxy.objects.get(user=scene["aanbieder_gebruiker"]),
    }
    from contracten.models import Productcategorie

    objecten[Productcategorie] = Productcategorie.objects.get(wet="wmo", code="02")
    geregistreerd = {m for m in admin.site._registry if m._meta.app_label in {"kern", "contracten"}}
    assert geregistreerd <= set(objecten)  # every model of kern and contracten is covered
    assert {m._meta.model_name for m in geregistreerd} >= {
        "gemeente",
        "gebruiker",
        "auditrecord",
        "zorgaanbieder",
        "zorgaanbiedergebruiker",
        "productcategorie",
        "product",
        "contract",
        "contractversie",
        "contractstatuswijziging",
        "tariefperiode",
        "slanorm",
        "bestedingsruimte",
    }

    assert client_beheerder.get(reverse("admin:index")).status_code == 200
    alleen_lezen = {
        Gemeente,
        Productcategorie,
        AuditRecord,
        ContractVersie,
        ContractStatusWijziging,
    }
    for model, obj in objecten.items():
        assert client_beheerder.get(_url(model, "changelist")).status_code == 200, model
        assert client_beheerder.get(_url(model, "change", obj.pk)).status_code == 200, model
        verwacht_toevoegen = 403 if model in alleen_lezen or model is Group else 200
        assert client_beheerder.get(_url(model, "add")).status_code == verwacht_toevoegen, model


def test_alleen_lezen_modellen_hebben_geen_wijzigformulier(client_beheerder, scene):
    response = client_beheerder.get(_url(AuditRecord, "change", AuditRecord.objects.first().pk))
    assert response.status_code == 200
    assert not response.context["has_change_permission"]
    assert not response.context["has_delete_permission"]


def test_inkoper_zonder_staf_komt_niet_in_het_beheer(inkoper, scene):
    client = Client()
    client.force_login(inkoper)
    for url in (reverse("admin:index"), _url(Contract, "changelist")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


# --- Zorgaanbieder: written by the service, refused input is a form error ------------------


AANBIEDER_POST = {
    "agb_code": "98123456",
    "naam": "Nieuwe Zorg B.V.",
    "kvk_nummer": "12345678",
    "iban": "NL91 ABNA 0417 1643 00",
    "actief": "on",
    "contactpersoon": "",
    "email": "",
    "telefoon": "",
    "adres": "",
    "postcode": "",
    "plaats": "Utrecht",
}


def test_beheerder_voegt_zorgaanbieder_toe_via_de_service(client_beheerder, beheerder):
    response = client_beheerder.post(_url(Zorgaanbieder, "add"), AANBIEDER_POST)
    assert response.status_code == 302
    aanbieder = Zorgaanbieder.objects.get(agb_code="98123456")
    assert aanbieder.naam == "Nieuwe Zorg B.V."
    assert aanbieder.iban == "NL91ABNA0417164300"  # compacted by the service
    record = AuditRecord.objects.get(
        content_type=ContentType.objects.get_for_model(Zorgaanbieder), object_id=str(aanbieder.pk)
    )
    assert record.actie == AuditActie.AANGEMAAKT
    assert record.gebruiker == beheerder
    assert record.na["agb_code"] == "98123456"


@pytest.mark.parametrize(
    ("veld", "waarde", "bericht"),
    [
        ("agb_code", "1234", "Een AGB-code bestaat uit precies 8 cijfers."),
        ("agb_code", "9812345X", "Een AGB-code bestaat uit precies 8 cijfers."),
        (
            "iban",
            "NL00ABNA0417164300",
            "Het IBAN is ongeldig (controleer landcode, lengte en controlecijfers).",
        ),
    ],
)
def test_ongeldige_agb_of_iban_geeft_formulierfout(client_beheerder, veld, waarde, bericht):
    voor = tabel_tellingen()
    response = client_beheerder.post(_url(Zorgaanbieder, "add"), {**AANBIEDER_POST, veld: waarde})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors[veld] == [bericht]
    assert tabel_tellingen() == voor


def test_wijzigen_zorgaanbieder_via_service_met_audit(client_beheerder, beheerder, scene):
    aanbieder = scene["aanbieder"]
    url = _url(Zorgaanbieder, "change", aanbieder.pk)
    data = _formulier(client_beheerder.get(url))
    data["naam"] = "Zorg Noord en Oost B.V."
    response = client_beheerder.post(url, data)
    assert response.status_code == 302
    aanbieder.refresh_from_db()
    assert aanbieder.naam == "Zorg Noord en Oost B.V."
    assert aanbieder.agb_code == "98000001"
    record = AuditRecord.objects.filter(actie=AuditActie.GEWIJZIGD, gebruiker=beheerder).get()
    assert record.voor["naam"] == "Zorg Noord B.V."
    assert record.na["naam"] == "Zorg Noord en Oost B.V."


def test_veldfout_van_de_service_staat_bij_het_veld(client_beheerder, scene):
    """The ingangsdatum is read-only on the change page, so only the service can see that
    the new einddatum lies before it; its field message lands on the einddatum field."""
    product = scene["product"]
    url = _url(Product, "change", product.pk)
    data = _formulier(client_beheerder.get(url))
    data["einddatum"] = "2023-12-31"
    voor = tabel_tellingen()
    response = client_beheerder.post(url, data)
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors["einddatum"] == ["De einddatum ligt vóór de ingangsdatum."]
    assert form.non_field_errors() == []
    assert tabel_tellingen() == voor
    product.refresh_from_db()
    assert product.einddatum is None


def test_product_laten_vervallen_via_service(client_beheerder, beheerder, scene):
    product = scene["product"]
    url = _url(Product, "change", product.pk)
    data = _formulier(client_beheerder.get(url))
    data["einddatum"] = "2026-12-31"
    response = client_beheerder.post(url, data)
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.einddatum == date(2026, 12, 31)
    record = AuditRecord.objects.get(gebruiker=beheerder, object_id=str(product.pk))
    assert (record.voor["einddatum"], record.na["einddatum"]) == (None, "2026-12-31")


# --- Contracts -----------------------------------------------------------------------------


def test_contract_wijzigen_vraagt_een_reden(client_beheerder, scene):
    contract = scene["contract"]
    url = _url(Contract, "change", contract.pk)
    data = _formulier(client_beheerder.get(url))
    data["omschrijving"] = "Nieuwe omschrijving"
    voor = tabel_tellingen()
    response = client_beheerder.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["reden"] == [
        "Geef een reden voor de wijziging."
    ]
    assert tabel_tellingen() == voor


def test_contract_wijzigen_schrijft_een_versie(client_beheerder, beheerder, scene):
    contract = scene["contract"]
    url = _url(Contract, "change", contract.pk)
    data = _formulier(client_beheerder.get(url))
    data["omschrijving"] = "Verlengd met een jaar"
    data["einddatum"] = "2027-12-31"
    data["reden"] = "Verlenging per 2027"
    response = client_beheerder.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    contract.refresh_from_db()
    assert (contract.versie, contract.einddatum) == (2, date(2027, 12, 31))
    versie = ContractVersie.objects.get(contract=contract, versie=2)
    assert versie.reden == "Verlenging per 2027"
    assert versie.aangemaakt_door == beheerder
    assert versie.gegevens["omschrijving"] == "Verlengd met een jaar"


def test_domeinfout_van_de_service_wordt_formulierfout_zonder_wijziging(client_beheerder, scene):
    """The form is valid, the service refuses (tariffs would fall outside the term): the
    page comes back with the Dutch message and nothing was written."""
    contract = scene["contract"]
    url = _url(Contract, "change", contract.pk)
    data = _formulier(client_beheerder.get(url))
    data["ingangsdatum"] = "2025-06-01"
    data["reden"] = "Later begonnen"
    voor = tabel_tellingen()
    response = client_beheerder.post(url, data)
    assert response.status_code == 200
    [fout] = response.context["adminform"].form.non_field_errors()
    assert fout.startswith("Er zijn tariefperioden die buiten de nieuwe looptijd van het contract")
    assert tabel_tellingen() == voor
    contract.refresh_from_db()
    assert (contract.ingangsdatum, contract.versie) == (date(2025, 1, 1), 1)


def test_nieuwe_tariefperiode_en_slanorm_via_contractpagina(client_beheerder, beheerder, scene):
    contract = scene["contract"]
    extra = product_aanmaken(
        door=None,
        wet="wmo",
        categorie="07",
        productcode="07A01",
        naam="Dagbesteding",
        eenheid=Eenheid.DAGDEEL,
        uitvoeringsvariant=Uitvoeringsvariant.INSPANNINGSGERICHT,
        ingangsdatum=date(2024, 1, 1),
    )
    url = _url(Contract, "change", contract.pk)
    response = client_beheerder.get(url)
    data = _formulier(response)
    prefixen = {
        type(i.opts).__name__: i.formset.prefix for i in response.context["inline_admin_formsets"]
    }
    nieuw = prefixen["NieuweTariefperiodeInline"]
    sla = prefixen["SlaNormInline"]
    data.update(
        {
            f"{nieuw}-0-product": str(extra.pk),
            f"{nieuw}-0-bedrag": "41.25",
            f"{nieuw}-0-ingangsdatum": "2025-03-01",
            f"{nieuw}-0-einddatum": "2026-12-31",
            f"{nieuw}-0-toelichting": "Toegevoegd perceel",
            f"{sla}-1-soort": SlaSoort.ANTWOORD_VERZOEK,
            f"{sla}-1-waarde": "5",
            f"{sla}-0-waarde": "21",  # the existing wachttijd norm changes
        }
    )
    response = client_beheerder.post(url, data)
    assert response.status_code == 302
    periode = Tariefperiode.objects.get(contract=contract, product=extra)
    assert (periode.bedrag.amount, periode.eenheid) == (Decimal("41.25"), Eenheid.DAGDEEL)
    assert periode.aangemaakt_door == beheerder
    normen = dict(SlaNorm.objects.filter(contract=contract).values_list("soort", "waarde"))
    assert normen == {SlaSoort.WACHTTIJD: Decimal("21"), SlaSoort.ANTWOORD_VERZOEK: Decimal("5")}
    contract.refresh_from_db()
    assert contract.versie == 1  # no contract field changed: no new version


def test_overlappende_nieuwe_tariefperiode_is_formulierfout(client_beheerder, scene):
    contract = scene["contract"]
    url = _url(Contract, "change", contract.pk)
    response = client_beheerder.get(url)
    data = _formulier(response)
    nieuw = next(
        i.formset.prefix
        for i in response.context["inline_admin_formsets"]
        if type(i.opts).__name__ == "NieuweTariefperiodeInline"
    )
    data.update(
        {
            f"{nieuw}-0-product": str(scene["product"].pk),
            f"{nieuw}-0-bedrag": "70.00",
            f"{nieuw}-0-ingangsdatum": "2025-01-01",
            f"{nieuw}-0-einddatum": "2025-12-31",
        }
    )
    voor = tabel_tellingen()
    response = client_beheerder.post(url, data)
    assert response.status_code == 200
    [fout] = response.context["adminform"].form.non_field_errors()
    assert fout.startswith("Nieuwe tariefperiode: De tariefperiode overlapt")
    assert tabel_tellingen() == voor


def test_contract_toevoegen_met_tarief(client_beheerder, beheerder, scene, amsterdam):
    response = client_beheerder.get(_url(Contract, "add"))
    data = _formulier(response)
    nieuw = next(
        i.formset.prefix
        for i in response.context["inline_admin_formsets"]
        if type(i.opts).__name__ == "NieuweTariefperiodeInline"
    )
    data.update(
        {
            "nummer": "C-2",
            "zorgaanbieder": str(scene["aanbieder"].pk),
            "gemeenten": [str(amsterdam.pk)],
            "ingangsdatum": "2026-01-01",
            "einddatum": "2026-12-31",
            f"{nieuw}-0-product": str(scene["product"].pk),
            f"{nieuw}-0-bedrag": "66.10",
            f"{nieuw}-0-ingangsdatum": "2026-01-01",
        }
    )
    response = client_beheerder.post(_url(Contract, "add"), data)
    assert response.status_code == 302
    contract = Contract.objects.get(nummer="C-2")
    assert contract.status == ContractStatus.CONCEPT
    assert list(contract.gemeenten.all()) == [amsterdam]
    assert ContractVersie.objects.get(contract=contract).reden == "Eerste versie"
    [periode] = contract.tariefperioden.all()
    assert (periode.bedrag.amount, periode.ingangsdatum, periode.einddatum) == (
        Decimal("66.10"),
        date(2026, 1, 1),
        None,
    )


def test_contract_buiten_eigen_gemeenten_kan_niet_worden_gekozen(
    client_beheerder, scene, rotterdam
):
    response = client_beheerder.get(_url(Contract, "add"))
    keuzes = response.context["adminform"].form.fields["gemeenten"].queryset
    assert list(keuzes.values_list("code", flat=True)) == ["0363"]
    data = _formulier(response)
    data.update(
        {
            "nummer": "C-R",
            "zorgaanbieder": str(scene["aanbieder"].pk),
            "gemeenten": [str(rotterdam.pk)],
            "ingangsdatum": "2026-01-01",
        }
    )
    response = client_beheerder.post(_url(Contract, "add"), data)
    assert response.status_code == 200
    assert "gemeenten" in response.context["adminform"].form.errors
    assert not Contract.objects.filter(nummer="C-R").exists()


def test_statusacties_melden_per_contract(client_beheerder, beheerder, scene, amsterdam):
    zonder_tarief = contract_aanmaken(
        door=None,
        nummer="C-LEEG",
        zorgaanbieder=scene["aanbieder"],
        gemeenten=[amsterdam],
        ingangsdatum=date(2025, 1, 1),
    )
    response = client_beheerder.post(
        _url(Contract, "changelist"),
        {"action": "opzeggen", "_selected_action": [scene["contract"].pk, zonder_tarief.pk]},
        follow=True,
    )
    berichten = [str(m) for m in response.context["messages"]]
    assert berichten == [
        "Contract C-1 is nu opgezegd.",
        "Contract C-LEEG: Een contract met status concept kan niet naar opgezegd.",
    ]
    scene["contract"].refresh_from_db()
    zonder_tarief.refresh_from_db()
    assert (scene["contract"].status, zonder_tarief.status) == ("opgezegd", "concept")
    wijziging = ContractStatusWijziging.objects.get(
        contract=scene["contract"], naar_status="opgezegd"
    )
    assert wijziging.door == beheerder

    response = client_beheerder.post(
        _url(Contract, "changelist"),
        {"action": "activeren", "_selected_action": [zonder_tarief.pk]},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == [
        "Contract C-LEEG: Een contract zonder tarieven kan niet actief worden."
    ]


def test_contract_kan_niet_worden_verwijderd(client_beheerder, scene):
    contract = scene["contract"]
    assert client_beheerder.get(_url(Contract, "delete", contract.pk)).status_code == 403
    assert (
        client_beheerder.post(_url(Contract, "delete", contract.pk), {"post": "yes"}).status_code
        == 403
    )
    response = client_beheerder.post(
        _url(Contract, "changelist"),
        {"action": "delete_selected", "_selected_action": [contract.pk], "post": "yes"},
    )
    assert Contract.objects.filter(pk=contract.pk).exists()
    assert response.status_code in (200, 302)
    for model in (Tariefperiode, Bestedingsruimte, ContractVersie, AuditRecord, Zorgaanbieder):
        model_admin = admin.site._registry[model]
        assert not model_admin.has_delete_permission(response.wsgi_request)


# --- Tariff periods ------------------------------------------------------------------------


def test_tariefcorrectie_via_wijzigpagina(client_beheerder, beheerder, scene):
    oud = scene["tarief"]
    url = _url(Tariefperiode, "change", oud.pk)
    response = client_beheerder.post(
        url, {"nieuw_bedrag": "67.50", "correctie_toelichting": "Typefout in tarievenblad"}
    )
    assert response.status_code == 302
    oud.refresh_from_db()
    assert oud.is_vervangen
    nieuw = Tariefperiode.objects.get(vervangt=oud)
    assert (nieuw.bedrag.amount, nieuw.reden, nieuw.aangemaakt_door) == (
        Decimal("67.50"),
        "correctie",
        beheerder,
    )
    assert (nieuw.ingangsdatum, nieuw.einddatum) == (oud.ingangsdatum, oud.einddatum)
    # The replaced period can only be viewed now.
    response = client_beheerder.get(url)
    assert response.status_code == 200
    assert not response.context["has_change_permission"]


def test_tariefcorrectie_zonder_toelichting_is_formulierfout(client_beheerder, scene):
    voor = tabel_tellingen()
    response = client_beheerder.post(
        _url(Tariefperiode, "change", scene["tarief"].pk), {"nieuw_bedrag": "67.50"}
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["correctie_toelichting"] == [
        "Geef een toelichting bij de correctie."
    ]
    assert tabel_tellingen() == voor


def test_tariefcorrectie_met_gelijk_bedrag_weigert_de_service(client_beheerder, scene):
    voor = tabel_tellingen()
    response = client_beheerder.post(
        _url(Tariefperiode, "change", scene["tarief"].pk),
        {"nieuw_bedrag": "65.00", "correctie_toelichting": "Zelfde"},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [
        "Het nieuwe tarief is gelijk aan het oude."
    ]
    assert tabel_tellingen() == voor


def test_bestedingsruimte_wijzigen_via_service(client_beheerder, beheerder, scene):
    ruimte = scene["ruimte"]
    url = _url(Bestedingsruimte, "change", ruimte.pk)
    data = _formulier(client_beheerder.get(url))
    assert data["bedrag"] == "1000.00"
    data["bedrag"] = "2500.00"
    response = client_beheerder.post(url, data)
    assert response.status_code == 302
    ruimte.refresh_from_db()
    assert ruimte.bedrag.amount == Decimal("2500.00")
    record = AuditRecord.objects.get(gebruiker=beheerder, actie=AuditActie.GEWIJZIGD)
    assert record.voor["bedrag"] == {"bedrag": "1000.00", "valuta": "EUR"}


# --- Users ---------------------------------------------------------------------------------


def test_gebruiker_toevoegen_via_service(client_beheerder, beheerder, amsterdam):
    groep = Group.objects.get(name=Rol.BEHEERDER)
    response = client_beheerder.post(
        _url(Gebruiker, "add"),
        {
            "username": "nieuwe_beheerder",
            "usable_password": "true",
            "password1": "een-lang-wachtwoord-2025",
            "password2": "een-lang-wachtwoord-2025",
            "first_name": "Nina",
            "last_name": "Smit",
            "email": "nina@example.org",
            "groups": [str(groep.pk)],
            "gemeenten": [str(amsterdam.pk)],
        },
    )
    assert response.status_code == 302
    nieuw = Gebruiker.objects.get(username="nieuwe_beheerder")
    assert nieuw.is_staff and not nieuw.is_superuser
    assert nieuw.rollen() == {"beheerder"}
    assert nieuw.check_password("een-lang-wachtwoord-2025")
    assert AuditRecord.objects.get(object_id=str(nieuw.pk)).gebruiker == beheerder


def test_rol_beheerder_maakt_staf_en_wordt_gelogd(client_beheerder, beheerder, amsterdam):
    collega = GebruikerFactory(username="collega", rollen=[Rol.INKOPER], gemeenten=[amsterdam])
    url = _url(Gebruiker, "change", collega.pk)
    data = _formulier(client_beheerder.get(url))
    data["groups"] = [str(Group.objects.get(name=Rol.BEHEERDER).pk)]
    data["is_superuser"] = "on"  # read-only for a beheerder: ignored
    response = client_beheerder.post(url, data)
    assert response.status_code == 302
    collega.refresh_from_db()
    assert (collega.is_staff, collega.is_superuser) == (True, False)
    record = AuditRecord.objects.get(object_id=str(collega.pk), actie=AuditActie.GEWIJZIGD)
    assert (record.voor["rollen"], record.na["rollen"]) == (["inkoper"], ["beheerder"])
    assert record.gebruiker == beheerder


def test_superuser_is_onzichtbaar_voor_beheerder(client_beheerder):
    baas = GebruikerFactory(username="root", is_superuser=True, is_staff=True)
    assert client_beheerder.get(_url(Gebruiker, "change", baas.pk)).status_code == 302
    response = client_beheerder.get(_url(Gebruiker, "changelist"))
    assert "root" not in {g.username for g in response.context["cl"].result_list}


# --- Query counts --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "model",
    [Contract, Tariefperiode, Bestedingsruimte, SlaNorm, Zorgaanbieder, AuditRecord, Gebruiker],
)
def test_lijstpagina_queries_groeien_niet_met_rijen(
    client_beheerder, amsterdam, rotterdam, beheerder, model, django_assert_max_num_queries
):
    from tests.factories import ProductFactory, TariefperiodeFactory

    def rijen(aantal: int) -> None:
        for _ in range(aantal):
            aanbieder = ZorgaanbiederFactory()
            contract = ContractFactory(zorgaanbieder=aanbieder, gemeenten=[amsterdam, rotterdam])
            TariefperiodeFactory(contract=contract, product=ProductFactory())
            slanorm_vastleggen(
                door=None, contract=contract, soort=SlaSoort.WACHTTIJD, waarde=Decimal(14)
            )
            bestedingsruimte_vastleggen(
                door=None, zorgaanbieder=aanbieder, gemeente=amsterdam, jaar=2025, bedrag=Decimal(1)
            )
            GebruikerFactory(rollen=[Rol.INKOPER, Rol.REGISSEUR], gemeenten=[amsterdam])

    url = _url(model, "changelist")
    rijen(5)
    with CaptureQueriesContext(connection) as bij_vijf:
        response = client_beheerder.get(url)
    assert response.status_code == 200
    assert response.context["cl"].result_count >= 5
    rijen(20)
    with django_assert_max_num_queries(len(bij_vijf.captured_queries)):
        response = client_beheerder.get(url)
    assert response.context["cl"].result_count >= 25

"""The inkoop admin: every page opens, writes go through the services, a refused write is a
Dutch form error that changes nothing, decisions on submissions and clientstops are made on
their pages, list pages do not grow in queries with their rows."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contracten.models import Contract
from inkoop import services
from inkoop.constants import Besluit, ClientstopStatus, TrajectStatus
from inkoop.models import (
    Capaciteitsmelding,
    Clientstop,
    ClientstopStatusWijziging,
    Inkooptraject,
    InkooptrajectStatusWijziging,
    Inschrijving,
    InschrijvingTarief,
    Perceel,
    PerceelProduct,
)
from kern.constants import AuditActie, Rol
from kern.models import AuditRecord, Gebruiker
from kern.services import gebruiker_aanmaken
from tests.factories import ProductFactory, ZorgaanbiederFactory, categorie
from tests.inkoop.conftest import perceel
from tests.utils import tabel_tellingen

pytestmark = pytest.mark.django_db


@pytest.fixture
def beheerder(amsterdam) -> Gebruiker:
    """A beheerder of Amsterdam with the inkoop model permissions (which kern.rechten does
    not yet hand out; see the report)."""
    gebruiker = gebruiker_aanmaken(
        gebruikersnaam="beheerder",
        wachtwoord="geheim-wachtwoord",
        rollen=[Rol.BEHEERDER],
        gemeenten=[amsterdam],
    )
    gebruiker.user_permissions.set(Permission.objects.filter(content_type__app_label="inkoop"))
    return gebruiker


@pytest.fixture
def client_beheerder(beheerder) -> Client:
    client = Client()
    client.force_login(beheerder)
    return client


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


@pytest.fixture
def scene(
    open_house,
    inkoper,
    aanbieder,
    aanbieder_user,
    begeleiding,
    begeleiding_groep,
    amsterdam,
    vandaag,
):
    inschrijving = services.inschrijving_indienen(
        door=aanbieder_user,
        perceel=perceel(open_house, "Begeleiding"),
        zorgaanbieder=aanbieder,
        tarieven={begeleiding_groep: Decimal("68.50")},
    )
    services.inschrijving_beoordelen(
        door=inkoper, inschrijving=inschrijving, besluit=Besluit.TOELATEN
    )
    services.capaciteit_bijwerken(
        door=aanbieder_user,
        zorgaanbieder=aanbieder,
        product=begeleiding,
        gemeente=amsterdam,
        wachttijd_dagen=14,
        beschikbare_plaatsen=2,
    )
    stop = services.clientstop_aanvragen(
        door=aanbieder_user,
        zorgaanbieder=aanbieder,
        product=begeleiding,
        gemeente=amsterdam,
        ingangsdatum=vandaag,
        reden="Vol",
    )
    open_inschrijving = services.inschrijving_indienen(
        door=aanbieder_user,
        perceel=perceel(open_house, "Dagbesteding"),
        zorgaanbieder=aanbieder,
    )
    return {
        "traject": open_house,
        "inschrijving": inschrijving,
        "open_inschrijving": open_inschrijving,
        "stop": stop,
    }


def test_beheerder_opent_elke_beheerpagina(client_beheerder, scene):
    objecten: dict[type, Any] = {
        Inkooptraject: scene["traject"],
        InkooptrajectStatusWijziging: InkooptrajectStatusWijziging.objects.first(),
        Perceel: perceel(scene["traject"], "Begeleiding"),
        PerceelProduct: PerceelProduct.objects.first(),
        Inschrijving: scene["inschrijving"],
        InschrijvingTarief: InschrijvingTarief.objects.first(),
        Capaciteitsmelding: Capaciteitsmelding.objects.first(),
        Clientstop: scene["stop"],
        ClientstopStatusWijziging: ClientstopStatusWijziging.objects.first(),
    }
    # Clients, toewijzingen and verzoeken have admin tests of their own
    # (test_toewijzingen_admin.py and the verzoeken tests).
    elders = {"inkoop.models.toewijzing", "inkoop.models.verzoek"}
    geregistreerd = {
        m
        for m in admin.site._registry
        if m._meta.app_label == "inkoop" and m.__module__ not in elders
    }
    assert geregistreerd == set(objecten)
    toevoegen = {Inkooptraject, Perceel}
    for model, obj in objecten.items():
        assert client_beheerder.get(_url(model, "changelist")).status_code == 200, model
        assert client_beheerder.get(_url(model, "change", obj.pk)).status_code == 200, model
        verwacht = 200 if model in toevoegen else 403
        assert client_beheerder.get(_url(model, "add")).status_code == verwacht, model
        assert client_beheerder.get(_url(model, "delete", obj.pk)).status_code == 403, model


def test_traject_aanmaken_via_de_service(client_beheerder, beheerder, amsterdam, vandaag):
    response = client_beheerder.get(_url(Inkooptraject, "add"))
    data = _formulier(response)
    data.update(
        {
            "code": "AB-ADMIN",
            "naam": "Aanbesteding via beheer",
            "procedure": "openbare_aanbesteding",
            "wet": "wmo",
            "gemeenten": [str(amsterdam.pk)],
            "sluitingsdatum_inschrijving": (vandaag + timedelta(days=10)).isoformat(),
            "looptijd_begin": (vandaag + timedelta(days=30)).isoformat(),
            "looptijd_eind": (vandaag + timedelta(days=400)).isoformat(),
        }
    )
    response = client_beheerder.post(_url(Inkooptraject, "add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    traject = Inkooptraject.objects.get(code="AB-ADMIN")
    assert traject.status == TrajectStatus.CONCEPT
    assert list(traject.gemeenten.all()) == [amsterdam]
    audit = AuditRecord.objects.get(content_type__model="inkooptraject", object_id=str(traject.pk))
    assert (audit.actie, audit.gebruiker) == (AuditActie.AANGEMAAKT, beheerder)


def test_aanbesteding_zonder_sluitingsdatum_is_formulierfout(client_beheerder, amsterdam, vandaag):
    response = client_beheerder.get(_url(Inkooptraject, "add"))
    data = _formulier(response)
    data.update(
        {
            "code": "AB-FOUT",
            "naam": "Zonder sluiting",
            "procedure": "openbare_aanbesteding",
            "wet": "wmo",
            "gemeenten": [str(amsterdam.pk)],
            "looptijd_begin": vandaag.isoformat(),
            "looptijd_eind": (vandaag + timedelta(days=10)).isoformat(),
        }
    )
    voor = tabel_tellingen("inkoop", "kern")
    response = client_beheerder.post(_url(Inkooptraject, "add"), data)
    assert response.status_code == 200
    fouten = str(response.context["adminform"].form.errors)
    assert "sluitingsdatum" in fouten
    assert tabel_tellingen("inkoop", "kern") == voor


def test_statusactie_meldt_per_traject(client_beheerder, beheerder, scene, traject_maken):
    concept = traject_maken(code="CONCEPT-1", publiceren=False)
    response = client_beheerder.post(
        _url(Inkooptraject, "changelist"),
        {"action": "publiceren", "_selected_action": [concept.pk, scene["traject"].pk]},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == [
        "Traject CONCEPT-1 is nu gepubliceerd.",
        "Traject OH-WMO-2026: Een open house met status gepubliceerd kan niet naar gepubliceerd.",
    ]
    wijziging = InkooptrajectStatusWijziging.objects.get(traject=concept)
    assert (wijziging.van_status, wijziging.naar_status, wijziging.door) == (
        "concept",
        "gepubliceerd",
        beheerder,
    )


def test_product_aan_perceel_via_de_perceelpagina(client_beheerder, traject_maken):
    traject = traject_maken(code="CONCEPT-2", publiceren=False)
    p = perceel(traject, "Dagbesteding")
    extra = ProductFactory(categorie=categorie("wmo", "07"), productcode="07B01")
    jeugd = ProductFactory(categorie=categorie("jw", "45"), productcode="45A01")
    url = _url(Perceel, "change", p.pk)
    response = client_beheerder.get(url)
    data = _formulier(response)
    nieuw = next(
        i.formset.prefix
        for i in response.context["inline_admin_formsets"]
        if type(i.opts).__name__ == "NieuwPerceelProductInline"
    )
    fout = {
        **data,
        f"{nieuw}-0-product": str(jeugd.pk),
        f"{nieuw}-0-tariefsoort": "vast",
        f"{nieuw}-0-bedrag": "50.00",
    }
    voor = tabel_tellingen("inkoop", "kern")
    response = client_beheerder.post(url, fout)
    assert response.status_code == 200
    [melding] = response.context["adminform"].form.non_field_errors()
    assert melding.startswith("Nieuw product: Product 45A01 hoort bij de Jeugdwet")
    assert tabel_tellingen("inkoop", "kern") == voor

    data.update(
        {
            f"{nieuw}-0-product": str(extra.pk),
            f"{nieuw}-0-tariefsoort": "plafond",
            f"{nieuw}-0-bedrag": "50.00",
        }
    )
    response = client_beheerder.post(url, data)
    assert response.status_code == 302
    regel = PerceelProduct.objects.get(perceel=p, product=extra)
    assert (regel.tariefsoort, regel.bedrag.amount, regel.eenheid) == (
        "plafond",
        Decimal("50.00"),
        extra.eenheid,
    )


def test_inschrijving_toelaten_via_de_wijzigpagina(client_beheerder, beheerder, scene, aanbieder):
    inschrijving = scene["open_inschrijving"]
    url = _url(Inschrijving, "change", inschrijving.pk)
    data = _formulier(client_beheerder.get(url))
    data.update({"besluit": "toelaten"})
    response = client_beheerder.post(url, data)
    assert response.status_code == 302
    inschrijving.refresh_from_db()
    assert (inschrijving.status, inschrijving.beoordeeld_door) == ("toegelaten", beheerder)
    contract = Contract.objects.get(zorgaanbieder=aanbieder)
    assert sorted(contract.tariefperioden.values_list("product__productcode", flat=True)) == [
        "02A01",
        "02A02",
        "07A01",
    ]


def test_afwijzen_zonder_reden_is_formulierfout(client_beheerder, scene):
    inschrijving = scene["open_inschrijving"]
    url = _url(Inschrijving, "change", inschrijving.pk)
    data = _formulier(client_beheerder.get(url))
    data.update({"besluit": "afwijzen"})
    voor = tabel_tellingen("inkoop", "contracten", "kern")
    response = client_beheerder.post(url, data)
    assert response.status_code == 200
    assert "Verplicht bij afwijzen." in str(response.context["adminform"].form.errors)
    assert tabel_tellingen("inkoop", "contracten", "kern") == voor
    inschrijving.refresh_from_db()
    assert inschrijving.status == "ingediend"


def test_clientstop_goedkeuren_via_de_wijzigpagina(client_beheerder, beheerder, scene):
    stop = scene["stop"]
    url = _url(Clientstop, "change", stop.pk)
    data = _formulier(client_beheerder.get(url))
    data.update({"besluit": "goedkeuren", "besluit_reden": "Akkoord tot de zomer"})
    response = client_beheerder.post(url, data)
    assert response.status_code == 302
    stop.refresh_from_db()
    assert (stop.status, stop.beoordeeld_door, stop.besluit_toelichting) == (
        ClientstopStatus.GOEDGEKEURD,
        beheerder,
        "Akkoord tot de zomer",
    )


@pytest.mark.parametrize("model", [Inkooptraject, Inschrijving, Capaciteitsmelding, Clientstop])
def test_lijstpagina_queries_groeien_niet_met_rijen(
    client_beheerder, inkoper, amsterdam, traject_maken, model, django_assert_max_num_queries
):
    traject = traject_maken()
    p = perceel(traject, "Dagbesteding")
    teller = iter(range(1000))

    def rijen(aantal: int) -> None:
        for _ in range(aantal):
            i = next(teller)
            aanbieder = ZorgaanbiederFactory()
            services.inschrijving_indienen(door=inkoper, perceel=p, zorgaanbieder=aanbieder)
            Capaciteitsmelding.objects.create(
                zorgaanbieder=aanbieder,
                product=p.producten.get().product,
                gemeente=amsterdam,
                wachttijd_dagen=i,
            )
            Clientstop.objects.create(
                zorgaanbieder=aanbieder,
                product=p.producten.get().product,
                gemeente=amsterdam,
                ingangsdatum=traject.looptijd_begin,
                reden="Vol",
            )
            traject_maken(code=f"T-{i}", publiceren=False)

    url = _url(model, "changelist")
    rijen(3)
    with CaptureQueriesContext(connection) as weinig:
        response = client_beheerder.get(url)
    assert response.status_code == 200
    assert response.context["cl"].result_count >= 3
    rijen(15)
    with django_assert_max_num_queries(len(weinig.captured_queries)):
        response = client_beheerder.get(url)
    assert response.context["cl"].result_count >= 18

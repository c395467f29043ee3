"""The financien admin: every page opens, the ledger is read-only, budget posts and mapping
rules are written through the services, a year is closed by an action."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from financien import services
from financien.constants import RekeningSoort
from financien.models import (
    Begrotingsjaar,
    Begrotingswijziging,
    Betaalbatch,
    Betaalrekening,
    Boeking,
    Budgetpost,
    BudgetpostToewijzingsregel,
    Rekening,
    Reservering,
    Signalering,
    Signaleringsdrempel,
)
from kern.models import AuditRecord
from tests.factories import GebruikerFactory
from tests.financien.conftest import D
from tests.utils import NietsVeranderd

pytestmark = pytest.mark.django_db


@pytest.fixture
def beheer(amsterdam) -> Client:
    gebruiker = GebruikerFactory(
        username="systeembeheer", is_superuser=True, is_staff=True, gemeenten=[amsterdam]
    )
    client = Client()
    client.force_login(gebruiker)
    return client


@pytest.fixture
def scene(budgethouder, budgetpost, aanbieder):
    services.budget_toekennen(
        door=budgethouder,
        budgetpost=budgetpost,
        bedrag=D("100.00"),
        reden="Begroting",
        idempotentiesleutel="b",
    )
    boeking = services.reservering_boeken(
        door=None,
        budgetpost=budgetpost,
        zorgaanbieder=aanbieder,
        bedrag=D("50.00"),
        bron_id="t",
        idempotentiesleutel="t",
    )
    return Reservering.objects.get(pk=boeking.reservering_id)


MODELLEN = [
    Budgetpost,
    Begrotingsjaar,
    Begrotingswijziging,
    BudgetpostToewijzingsregel,
    Rekening,
    Boeking,
    Reservering,
]


def test_elke_pagina_opent(beheer, scene, budgethouder, amsterdam):
    services.toewijzingsregel_vastleggen(
        door=budgethouder, gemeente=amsterdam, wet="wmo", taakveld="6.71"
    )
    geregistreerd = {m for m in admin.site._registry if m._meta.app_label == "financien"}
    # Payment batches and alerts have their own admin tests (test_betaalbatches_admin.py,
    # test_signaleringen_admin.py).
    eigen_test = {Betaalbatch, Betaalrekening, Signalering, Signaleringsdrempel}
    assert geregistreerd - eigen_test == set(MODELLEN)
    for model in MODELLEN:
        naam = f"admin:financien_{model._meta.model_name}"
        assert beheer.get(reverse(f"{naam}_changelist")).status_code == 200
        obj = model.objects.first()
        assert beheer.get(reverse(f"{naam}_change", args=[obj.pk])).status_code == 200


def test_reservering_toont_haar_perioden_volgens_de_boekingen(beheer, scene):
    services.reservering_wijzigen(
        door=None,
        reservering=scene,
        bedrag=scene.bedrag,
        begindatum=date(2026, 3, 1),
        einddatum=date(2026, 9, 30),
        idempotentiesleutel="periode",
        boekdatum=date(2026, 2, 20),
    )
    pagina = beheer.get(reverse("admin:financien_reservering_change", args=[scene.pk]))
    inhoud = pagina.content.decode()
    inline = inhoud[inhoud.index("Periodes volgens de boekingen") :]
    # The period of the booking that made it (none) and the one of the change, in order.
    assert inline.index("het begrotingsjaar") < inline.index("20 februari 2026")
    assert inline.index("20 februari 2026") < inline.index("1 maart 2026")
    assert inline.index("1 maart 2026") < inline.index("30 september 2026")


@pytest.mark.parametrize(
    "model", [Rekening, Boeking, Reservering, Begrotingswijziging, Begrotingsjaar]
)
def test_grootboek_is_alleen_lezen(beheer, scene, model):
    model_admin = admin.site._registry[model]
    verzoek = type("Verzoek", (), {"user": GebruikerFactory(is_superuser=True)})()
    assert not model_admin.has_add_permission(verzoek)
    assert not model_admin.has_change_permission(verzoek, model.objects.first())
    assert not model_admin.has_delete_permission(verzoek, model.objects.first())


def test_budgetpost_toevoegen_via_de_service(beheer, amsterdam):
    antwoord = beheer.post(
        reverse("admin:financien_budgetpost_add"),
        {
            "gemeente": amsterdam.pk,
            "jaar": 2027,
            "wet": "jw",
            "taakveld": "6.82",
            "kostenplaats": "K7",
            "omschrijving": "Jeugdbescherming",
        },
    )
    assert antwoord.status_code == 302, antwoord.content.decode()[:2000]
    post = Budgetpost.objects.get(jaar=2027)
    assert post.rekeningen.count() == 3
    assert AuditRecord.objects.filter(object_id=str(post.pk), actie="aangemaakt").exists()
    with NietsVeranderd("financien"):
        dubbel = beheer.post(
            reverse("admin:financien_budgetpost_add"),
            {
                "gemeente": amsterdam.pk,
                "jaar": 2027,
                "wet": "jw",
                "taakveld": "6.82",
                "kostenplaats": "K7",
            },
        )
    assert dubbel.status_code == 200
    assert "Deze budgetpost bestaat al." in dubbel.content.decode()


def test_toewijzingsregel_via_de_service(beheer, amsterdam):
    antwoord = beheer.post(
        reverse("admin:financien_budgetposttoewijzingsregel_add"),
        {"gemeente": amsterdam.pk, "wet": "wmo", "taakveld": "6.6", "kostenplaats": ""},
    )
    assert antwoord.status_code == 302
    regel = BudgetpostToewijzingsregel.objects.get()
    assert AuditRecord.objects.filter(object_id=str(regel.pk), actie="aangemaakt").exists()


def test_jaar_afsluiten_als_actie(beheer, scene, amsterdam):
    jaar = Begrotingsjaar.objects.get(gemeente=amsterdam, jaar=2026)
    antwoord = beheer.post(
        reverse("admin:financien_begrotingsjaar_changelist"),
        {"action": "afsluiten", "_selected_action": [jaar.pk]},
        follow=True,
    )
    assert "afgesloten." in antwoord.content.decode()
    jaar.refresh_from_db()
    assert jaar.afgesloten
    assert Rekening.objects.filter(soort=RekeningSoort.GERESERVEERD).get().saldo == D("50.00")

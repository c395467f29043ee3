"""The admin of payment batches: the pages open, batches are read-only, the approve action
applies four eyes, and the payment account is kept through its service."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from financien import services
from financien.constants import BetaalbatchStatus
from financien.models import Betaalbatch, Betaalrekening
from tests.factories import GebruikerFactory
from tests.financien.batchscene import realiseer, reserveer
from tests.financien.conftest import D
from tests.utils import NietsVeranderd

pytestmark = pytest.mark.django_db


def inloggen(gebruiker) -> Client:
    client = Client()
    client.force_login(gebruiker)
    return client


@pytest.fixture
def batch(budgethouder, amsterdam, budgetpost, aanbieder, betaalrekening) -> Betaalbatch:
    services.budget_toekennen(
        door=budgethouder,
        budgetpost=budgetpost,
        bedrag=D("1000.00"),
        reden="Begroting",
        idempotentiesleutel="b",
    )
    realiseer(reserveer(budgetpost, aanbieder, "500.00", "t"), "120.00", "p", date(2026, 2, 1))
    return services.betaalbatch_aanmaken(
        door=budgethouder, gemeente=amsterdam, uitvoeringsdatum=date(2026, 2, 10)
    )


def test_de_paginas_openen(batch, amsterdam):
    beheer = inloggen(GebruikerFactory(is_superuser=True, is_staff=True, gemeenten=[amsterdam]))
    for model, obj in ((Betaalbatch, batch), (Betaalrekening, Betaalrekening.objects.get())):
        naam = f"admin:financien_{model._meta.model_name}"
        lijst = beheer.get(reverse(f"{naam}_changelist"))
        assert lijst.status_code == 200
        assert beheer.get(reverse(f"{naam}_change", args=[obj.pk])).status_code == 200
    assert (
        "BB-0363-000001"
        in beheer.get(reverse("admin:financien_betaalbatch_changelist")).content.decode()
    )
    model_admin = admin.site._registry[Betaalbatch]
    verzoek = type("Verzoek", (), {"user": GebruikerFactory(is_superuser=True)})()
    assert not model_admin.has_add_permission(verzoek)
    assert not model_admin.has_change_permission(verzoek, batch)
    assert not model_admin.has_delete_permission(verzoek, batch)


def test_goedkeuren_als_actie_met_vier_ogen(batch, budgethouder, beoordelaar):
    budgethouder.is_staff = beoordelaar.is_staff = True
    budgethouder.save()
    beoordelaar.save()
    url = reverse("admin:financien_betaalbatch_changelist")
    actie = {"action": "goedkeuren", "_selected_action": [batch.pk]}

    with NietsVeranderd("financien"):
        antwoord = inloggen(budgethouder).post(url, actie, follow=True)
    assert "zelf aangemaakt" in antwoord.content.decode()
    batch.refresh_from_db()
    assert batch.status == BetaalbatchStatus.CONCEPT

    antwoord = inloggen(beoordelaar).post(url, actie, follow=True)
    assert antwoord.status_code == 200
    assert "BB-0363-000001: goedgekeurd." in antwoord.content.decode()
    batch.refresh_from_db()
    assert (batch.status, batch.goedgekeurd_door) == (BetaalbatchStatus.GOEDGEKEURD, beoordelaar)


def test_betaalrekening_via_de_service(amsterdam):
    beheer = inloggen(GebruikerFactory(is_superuser=True, is_staff=True, gemeenten=[amsterdam]))
    antwoord = beheer.post(
        reverse("admin:financien_betaalrekening_add"),
        {"gemeente": amsterdam.pk, "naam": "Gemeente Amsterdam", "iban": "NL14 BNGH 0285 0012 34"},
    )
    assert antwoord.status_code == 302, antwoord.content.decode()[:2000]
    assert Betaalrekening.objects.get().iban == "NL14BNGH0285001234"
    with NietsVeranderd("financien"):
        fout = beheer.post(
            reverse(
                "admin:financien_betaalrekening_change", args=[Betaalrekening.objects.get().pk]
            ),
            {"naam": "Gemeente Amsterdam", "iban": "NL15BNGH0285001234", "bic": ""},
        )
    assert fout.status_code == 200
    assert "Het IBAN is ongeldig" in fout.content.decode()

"""The admin of alerts and thresholds: pages open, alerts are read-only and acknowledged by
an action through the service, thresholds are written through theirs."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from financien import services
from financien.models import Signalering, Signaleringsdrempel
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
def signalering(budgethouder, budgetpost, aanbieder, amsterdam) -> Signalering:
    services.reservering_boeken(
        door=None,
        budgetpost=budgetpost,
        zorgaanbieder=aanbieder,
        bedrag=D("50.00"),
        bron_id="t",
        idempotentiesleutel="t",
    )
    services.signaleringsdrempels_vastleggen(
        door=budgethouder, gemeente=amsterdam, soort="prognose", percentages=[]
    )
    [s] = services.signaleringen_evalueren(
        budgetpost_ids=[budgetpost.pk], vandaag=date(2026, 6, 30)
    )[:1]
    return s


def test_paginas_openen_en_signaleringen_zijn_alleen_lezen(beheer, signalering):
    for model in (Signalering, Signaleringsdrempel):
        naam = f"admin:financien_{model._meta.model_name}"
        assert beheer.get(reverse(f"{naam}_changelist")).status_code == 200
        obj = model.objects.first()
        assert beheer.get(reverse(f"{naam}_change", args=[obj.pk])).status_code == 200
    model_admin = admin.site._registry[Signalering]
    verzoek = type("Verzoek", (), {"user": GebruikerFactory(is_superuser=True)})()
    assert not model_admin.has_add_permission(verzoek)
    assert not model_admin.has_change_permission(verzoek, signalering)
    assert not model_admin.has_delete_permission(verzoek, signalering)


def test_bevestigen_als_actie(beheer, signalering):
    antwoord = beheer.post(
        reverse("admin:financien_signalering_changelist"),
        {"action": "bevestigen", "_selected_action": [signalering.pk]},
        follow=True,
    )
    assert ": bevestigd." in antwoord.content.decode()
    signalering.refresh_from_db()
    assert signalering.bevestigd
    nogmaals = beheer.post(
        reverse("admin:financien_signalering_changelist"),
        {"action": "bevestigen", "_selected_action": [signalering.pk]},
        follow=True,
    )
    assert "Deze signalering is al bevestigd." in nogmaals.content.decode()


def test_drempels_via_de_service(beheer, amsterdam):
    antwoord = beheer.post(
        reverse("admin:financien_signaleringsdrempel_add"),
        {"gemeente": amsterdam.pk, "soort": "budgetpost", "percentages": "[85, 95]"},
    )
    assert antwoord.status_code == 302, antwoord.content.decode()[:2000]
    drempel = Signaleringsdrempel.objects.get()
    assert drempel.percentages == [85, 95]
    assert AuditRecord.objects.filter(object_id=str(drempel.pk), actie="aangemaakt").exists()
    with NietsVeranderd("financien", "kern"):
        fout = beheer.post(
            reverse("admin:financien_signaleringsdrempel_change", args=[drempel.pk]),
            {"percentages": "[0]"},
        )
    assert fout.status_code == 200
    assert "Tussen 1 en 1000." in fout.content.decode()  # on the field

"""The admin of clients and toewijzingen: read only, scoped, the BSN only masked (never in a
page, never searchable, so never in a URL)."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import Permission
from django.test import Client as DjangoClient
from django.urls import reverse

from inkoop import services
from inkoop.models import Client, Toewijzing, Toewijzingnummering
from kern.constants import Rol
from kern.services import gebruiker_aanmaken
from tests.factories import gemeente
from tests.inkoop.toewijzingscene import BSN, bouw_scene, vandaag_vastzetten

pytestmark = pytest.mark.django_db


def _url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def scene(regisseur, monkeypatch):
    vandaag_vastzetten(monkeypatch)
    s = bouw_scene(regisseur)
    services.toewijzing_verstrekken(
        door=regisseur,
        client=s.client,
        zorgaanbieder=s.aanbieder,
        wet="wmo",
        ingangsdatum=date(2026, 3, 1),
        einddatum=date(2026, 12, 31),
        product=s.begeleiding,
        volume=4,
        frequentie="2",
    )
    return s


def beheer(gemeentecode: str) -> DjangoClient:
    gebruiker = gebruiker_aanmaken(
        gebruikersnaam=f"beheer_{gemeentecode}",
        wachtwoord="geheim-wachtwoord",
        rollen=[Rol.BEHEERDER],
        gemeenten=[gemeente(gemeentecode)],
    )
    gebruiker.user_permissions.set(Permission.objects.filter(content_type__app_label="inkoop"))
    client = DjangoClient()
    client.force_login(gebruiker)
    return client


def test_pagina_s_openen_alleen_lezen_en_bsn_gemaskeerd(scene):
    client = beheer("0363")
    toewijzing = Toewijzing.objects.get()
    for model, obj in (
        (Client, scene.client),
        (Toewijzing, toewijzing),
        (Toewijzingnummering, Toewijzingnummering.objects.get()),
    ):
        lijst = client.get(_url(model, "changelist"))
        assert lijst.status_code == 200
        assert BSN not in lijst.content.decode()
        detail = client.get(_url(model, "change", obj.pk))
        assert detail.status_code == 200
        assert BSN not in detail.content.decode()
        assert client.get(_url(model, "add")).status_code == 403
        assert client.post(_url(model, "change", obj.pk), {}).status_code == 403
    assert "******019" in client.get(_url(Client, "change", scene.client.pk)).content.decode()
    # The history is on the toewijzing's page.
    assert "verstrekt" in client.get(_url(Toewijzing, "change", toewijzing.pk)).content.decode()


def test_andere_gemeente_ziet_ze_niet(scene):
    client = beheer("0599")
    assert client.get(_url(Toewijzing, "change", Toewijzing.objects.get().pk)).status_code == 302
    lijst = client.get(_url(Client, "changelist"))
    assert "******019" not in lijst.content.decode()

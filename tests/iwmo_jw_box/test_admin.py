"""The admin of the berichtenbox is read-only and scoped like the API."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from iwmo_jw.models import (
    InkomendBericht,
    InkomendBerichtStatusWijziging,
    Termijn,
    UitgaandBericht,
    UitgaandBerichtStatusWijziging,
)
from iwmo_jw.services import bericht_ontvangen, bericht_uitgaand_vastleggen
from tests.factories import GebruikerFactory
from tests.iwmo_jw_box.conftest import voorbeeld

pytestmark = pytest.mark.django_db


def _url(model, view: str, *args) -> str:
    return reverse(f"admin:iwmo_jw_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def scene(diemen, amsterdam_aangesloten):
    declaratie = bericht_ontvangen(data=voorbeeld("JW323")).bericht
    start = bericht_ontvangen(data=voorbeeld("JW305")).bericht
    antwoord = bericht_uitgaand_vastleggen(data=voorbeeld("JW325"), antwoord_op=declaratie)
    return {"declaratie": declaratie, "start": start, "antwoord": antwoord}


def test_elke_pagina_opent_en_niets_is_te_wijzigen(scene):
    client = Client()
    client.force_login(GebruikerFactory(is_superuser=True, is_staff=True))
    for model, obj in (
        (InkomendBericht, scene["declaratie"]),
        (UitgaandBericht, scene["antwoord"]),
        (Termijn, scene["declaratie"].termijnen.get()),
    ):
        assert client.get(_url(model, "changelist")).status_code == 200
        pagina = client.get(_url(model, "change", obj.pk))
        assert pagina.status_code == 200
        assert b'name="_save"' not in pagina.content
        assert client.get(_url(model, "add")).status_code == 403
        assert client.post(_url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    assert InkomendBericht.objects.count() == 2
    # History rows are only shown inline, never on their own.
    assert InkomendBerichtStatusWijziging not in admin.site._registry
    assert UitgaandBerichtStatusWijziging not in admin.site._registry


def test_beheer_toont_alleen_berichten_in_de_eigen_gemeenten(scene, diemen):
    gebruiker = GebruikerFactory(is_staff=True, rollen=["beheerder"], gemeenten=[diemen])
    gebruiker.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="iwmo_jw", codename__startswith="view_")
    )
    client = Client()
    client.force_login(gebruiker)
    lijst = client.get(_url(InkomendBericht, "changelist"))
    assert lijst.status_code == 200
    assert list(lijst.context["cl"].result_list) == [scene["declaratie"]]
    buiten = client.get(_url(InkomendBericht, "change", scene["start"].pk))
    assert buiten.status_code == 302  # the admin's "does not exist" redirect

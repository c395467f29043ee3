"""Scene for the inkoop tests: a Wmo catalogue (two Begeleiding products, one Dagbesteding
product), providers with their users, and procurement built through the services.

Dates are relative to the real current day (``vandaag``): admission happens "today", and
capacity reports are stamped "now". The ``klok`` fixture moves inkoop's notion of today
(only) to test what happens after a closing date.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from contracten.constants import Eenheid, Uitvoeringsvariant
from contracten.models import Product, Zorgaanbieder
from inkoop import services
from inkoop.constants import Procedure, Tariefsoort, TrajectStatus
from inkoop.models import Inkooptraject, Perceel
from inkoop.services import _basis
from kern.models import Gebruiker
from tests.factories import (
    GebruikerFactory,
    ProductFactory,
    ZorgaanbiederFactory,
    aanbieder_gebruiker,
    categorie,
)

PROBLEM = "application/problem+json"


def assert_probleem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert body["code"] == code, body
    assert body["detail"]
    return body


@pytest.fixture
def vandaag() -> date:
    return timezone.localdate()


class Klok:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.monkeypatch = monkeypatch

    def zet(self, dag: date) -> None:
        self.monkeypatch.setattr(_basis, "vandaag", lambda: dag)


@pytest.fixture
def klok(monkeypatch) -> Klok:
    return Klok(monkeypatch)


@pytest.fixture
def client_voor() -> Callable[[Gebruiker | None], APIClient]:
    def maak(gebruiker: Gebruiker | None) -> APIClient:
        client = APIClient()
        if gebruiker is not None:
            token, _ = Token.objects.get_or_create(user=gebruiker)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return maak


@pytest.fixture
def begeleiding(db) -> Product:
    return ProductFactory(
        categorie=categorie("wmo", "02"),
        productcode="02A01",
        naam="Begeleiding individueel",
        eenheid=Eenheid.UUR,
        ingangsdatum=date(2020, 1, 1),
    )


@pytest.fixture
def begeleiding_groep(db) -> Product:
    return ProductFactory(
        categorie=categorie("wmo", "02"),
        productcode="02A02",
        naam="Begeleiding groep",
        eenheid=Eenheid.DAGDEEL,
        uitvoeringsvariant=Uitvoeringsvariant.INSPANNINGSGERICHT,
        ingangsdatum=date(2020, 1, 1),
    )


@pytest.fixture
def dagbesteding(db) -> Product:
    return ProductFactory(
        categorie=categorie("wmo", "07"),
        productcode="07A01",
        naam="Dagbesteding",
        eenheid=Eenheid.DAGDEEL,
        ingangsdatum=date(2020, 1, 1),
    )


@pytest.fixture
def aanbieder(db) -> Zorgaanbieder:
    return ZorgaanbiederFactory(agb_code="12345678", naam="Zorg Noord B.V.")


@pytest.fixture
def ander_aanbieder(db) -> Zorgaanbieder:
    return ZorgaanbiederFactory(agb_code="87654321", naam="Hulp Zuid B.V.")


@pytest.fixture
def aanbieder_user(aanbieder) -> Gebruiker:
    return aanbieder_gebruiker(aanbieder, username="noord")


@pytest.fixture
def ander_aanbieder_user(ander_aanbieder) -> Gebruiker:
    return aanbieder_gebruiker(ander_aanbieder, username="zuid")


@pytest.fixture
def regisseur_rotterdam(db, rotterdam) -> Gebruiker:
    return GebruikerFactory(username="regisseur_rdam", rollen=["regisseur"], gemeenten=[rotterdam])


@pytest.fixture
def traject_maken(inkoper, amsterdam, vandaag, begeleiding, begeleiding_groep, dagbesteding):
    """A traject with perceel Begeleiding (02A01 fixed 65.00, 02A02 ceiling 70.00) and
    perceel Dagbesteding (07A01 fixed 45.50), running from 30 days ago for a year."""

    def maak(
        *,
        procedure: str = Procedure.OPEN_HOUSE,
        code: str = "OH-WMO-2026",
        sluitingsdatum: date | None = None,
        begin: date | None = None,
        eind: date | None = None,
        publiceren: bool = True,
    ) -> Inkooptraject:
        traject = services.inkooptraject_aanmaken(
            door=inkoper,
            code=code,
            naam="Begeleiding en dagbesteding Amsterdam",
            procedure=procedure,
            wet="wmo",
            gemeenten=[amsterdam],
            looptijd_begin=begin or vandaag - timedelta(days=30),
            looptijd_eind=eind or vandaag + timedelta(days=365),
            sluitingsdatum_inschrijving=sluitingsdatum,
        )
        perceel = services.perceel_aanmaken(door=inkoper, traject=traject, naam="Begeleiding")
        services.perceel_product_toevoegen(
            door=inkoper,
            perceel=perceel,
            product=begeleiding,
            tariefsoort=Tariefsoort.VAST,
            bedrag=Decimal("65.00"),
        )
        services.perceel_product_toevoegen(
            door=inkoper,
            perceel=perceel,
            product=begeleiding_groep,
            tariefsoort=Tariefsoort.PLAFOND,
            bedrag=Decimal("70.00"),
        )
        tweede = services.perceel_aanmaken(door=inkoper, traject=traject, naam="Dagbesteding")
        services.perceel_product_toevoegen(
            door=inkoper,
            perceel=tweede,
            product=dagbesteding,
            tariefsoort=Tariefsoort.VAST,
            bedrag=Decimal("45.50"),
        )
        if publiceren:
            traject = services.inkooptraject_status_wijzigen(
                door=inkoper, traject=traject, status=TrajectStatus.GEPUBLICEERD
            )
        return traject

    return maak


@pytest.fixture
def open_house(traject_maken) -> Inkooptraject:
    return traject_maken()


def perceel(traject: Inkooptraject, naam: str) -> Perceel:
    return Perceel.objects.get(traject=traject, naam=naam)

"""Scene for the API tests: two providers, a contract in Amsterdam and one in Rotterdam,
a product with a tariff, and clients that sign in by token."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from contracten.models import Contract, Product, Tariefperiode, Zorgaanbieder
from kern.models import Gebruiker
from tests.factories import (
    ContractFactory,
    ProductFactory,
    TariefperiodeFactory,
    ZorgaanbiederFactory,
    aanbieder_gebruiker,
    categorie,
)

PROBLEM = "application/problem+json"


def assert_probleem(response: Any, status: int, code: str) -> dict[str, Any]:
    """The response is a problem+json with this status and code; returns the body."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert body["code"] == code, body
    assert body["status"] == status
    assert body["type"] == f"urn:geldstromen:fout:{code}"
    assert body["detail"]
    return body


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
def aanbieder(db) -> Zorgaanbieder:
    return ZorgaanbiederFactory(agb_code="12345678", naam="Zorg Noord B.V.")


@pytest.fixture
def ander_aanbieder(db) -> Zorgaanbieder:
    return ZorgaanbiederFactory(agb_code="87654321", naam="Jeugdhulp Zuid B.V.")


@pytest.fixture
def aanbieder_user(aanbieder) -> Gebruiker:
    return aanbieder_gebruiker(aanbieder, username="noord")


@pytest.fixture
def product(db) -> Product:
    return ProductFactory(
        categorie=categorie("wmo", "02"),
        productcode="02A01",
        naam="Begeleiding individueel",
        ingangsdatum=date(2020, 1, 1),
    )


@pytest.fixture
def contract_ams(aanbieder, amsterdam) -> Contract:
    return ContractFactory(
        nummer="AMS-2025-001",
        zorgaanbieder=aanbieder,
        gemeenten=[amsterdam],
        ingangsdatum=date(2025, 1, 1),
        omschrijving="Begeleiding Amsterdam",
    )


@pytest.fixture
def contract_rdam(ander_aanbieder, rotterdam) -> Contract:
    return ContractFactory(
        nummer="RDAM-2025-001",
        zorgaanbieder=ander_aanbieder,
        gemeenten=[rotterdam],
        ingangsdatum=date(2025, 1, 1),
    )


@pytest.fixture
def tarief_ams(contract_ams, product) -> Tariefperiode:
    return TariefperiodeFactory(
        contract=contract_ams,
        product=product,
        bedrag=Decimal("65.00"),
        ingangsdatum=date(2025, 1, 1),
    )


@pytest.fixture
def tarief_rdam(contract_rdam, product) -> Tariefperiode:
    return TariefperiodeFactory(
        contract=contract_rdam,
        product=product,
        bedrag=Decimal("70.10"),
        ingangsdatum=date(2025, 1, 1),
    )

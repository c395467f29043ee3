from __future__ import annotations

import pytest
from django.db import connection
from rest_framework.test import APIClient

from kern.models import Gebruiker
from tests.factories import GebruikerFactory, gemeente


@pytest.fixture
def amsterdam():
    return gemeente("0363")


@pytest.fixture
def rotterdam():
    return gemeente("0599")


@pytest.fixture
def inkoper(db, amsterdam) -> Gebruiker:
    return GebruikerFactory(username="inkoper", rollen=["inkoper"], gemeenten=[amsterdam])


@pytest.fixture
def inkoper_rotterdam(db, rotterdam) -> Gebruiker:
    return GebruikerFactory(username="inkoper_rdam", rollen=["inkoper"], gemeenten=[rotterdam])


@pytest.fixture
def regisseur(db, amsterdam) -> Gebruiker:
    return GebruikerFactory(username="regisseur", rollen=["regisseur"], gemeenten=[amsterdam])


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgres`` are skipped on SQLite; CI runs them on PostgreSQL."""
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL); CI runs it")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)

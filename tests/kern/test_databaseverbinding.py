"""The PostgreSQL connection settings the hot paths rely on."""

import pytest
from django.conf import settings
from django.db import connection

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def _voorbereid(merk: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", [f"%{merk}%"]
        )
        return cursor.fetchone()[0]


def test_a_statement_a_connection_repeats_is_prepared_on_the_server():
    """Server-side binding with psycopg's prepare threshold (DATABASE_PREPARE_THRESHOLD): run
    twice, a statement is prepared on its third run and then parsed and planned once
    (Django's default never prepares)."""
    drempel = settings.DATABASES["default"]["OPTIONS"]["prepare_threshold"]
    assert drempel == 2
    merk = "voorbereid_merk_1"
    with connection.cursor() as cursor:
        for i in range(drempel):
            cursor.execute(f"SELECT %s::integer + 1 AS {merk}", [i])
    assert _voorbereid(merk) == 0
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT %s::integer + 1 AS {merk}", [99])
        assert cursor.fetchone() == (100,)
    assert _voorbereid(merk) == 1

"""The PostgreSQL connection settings: prepared statements only when asked for."""

import os
import subprocess
import sys

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


def test_statements_are_not_prepared_by_default():
    """A generic plan made for other data can outlive its use (see config/settings/base.py):
    by default nothing is prepared, however often a connection runs a statement."""
    assert settings.DATABASES["default"]["OPTIONS"]["prepare_threshold"] is None
    merk = "voorbereid_merk_standaard"
    with connection.cursor() as cursor:
        for i in range(8):
            cursor.execute(f"SELECT %s::integer + 1 AS {merk}", [i])
    assert _voorbereid(merk) == 0


def test_the_threshold_setting_reaches_the_connection():
    """DATABASE_PREPARE_THRESHOLD=2: psycopg prepares a statement on its third run."""
    d = connection.settings_dict  # the test database: it exists while this test runs
    omgeving = {
        **os.environ,
        "DATABASE_URL": f"postgres://{d['USER']}@{d['HOST']}:{d['PORT'] or 5432}/{d['NAME']}",
        "DATABASE_PREPARE_THRESHOLD": "2",
        "DJANGO_SETTINGS_MODULE": "config.settings.ci",
    }
    script = (
        "import django; django.setup()\n"
        "from django.db import connection\n"
        "from django.conf import settings\n"
        "assert settings.DATABASES['default']['OPTIONS']['prepare_threshold'] == 2\n"
        "merk = 'voorbereid_merk_twee'\n"
        "def aantal():\n"
        "    with connection.cursor() as c:\n"
        "        c.execute('SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s',"
        " ['%' + merk + '%'])\n"
        "        return c.fetchone()[0]\n"
        "uitkomsten = []\n"
        "for i in range(3):\n"
        "    with connection.cursor() as c:\n"
        "        c.execute(f'SELECT %s::integer + 1 AS {merk}', [i])\n"
        "    uitkomsten.append(aantal())\n"
        "print(uitkomsten)\n"
    )
    uit = subprocess.run(
        [sys.executable, "-c", script],
        env=omgeving,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert uit.stdout.strip() == "[0, 0, 1]"

"""Columns with raw message bytes are compressed with lz4 on PostgreSQL (kern.migraties)."""

import pytest
from django.db import connection

from declaraties.models import Declaratie, Invoer
from iwmo_jw.constants import Kanaal
from iwmo_jw.invoer import lees_begrensd, max_grootte
from iwmo_jw.models import InkomendBericht, UitgaandBericht
from iwmo_jw.services.beoordelen import _ruw_vastleggen
from kern.migraties import LZ4, PGLZ, compressie, lz4_beschikbaar

RUWE_KOLOMMEN = [
    (InkomendBericht._meta.db_table, "inhoud"),
    (UitgaandBericht._meta.db_table, "inhoud"),
    (Invoer._meta.db_table, "inhoud"),
    (Declaratie._meta.db_table, "antwoord_inhoud"),
]


#: pg_attribute.attcompression of a column left at the server's default ('\0').
STANDAARD = ""


def _compressie(tabel: str, kolom: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attcompression FROM pg_attribute WHERE attrelid = %s::regclass "
            "AND attname = %s",
            [tabel, kolom],
        )
        return cursor.fetchone()[0].strip("\x00")


@pytest.mark.postgres
@pytest.mark.django_db
def test_raw_bytes_columns_use_lz4_after_the_migrations():
    """lz4 where the server has it; a server without keeps its default (pglz)."""
    verwacht = "l" if lz4_beschikbaar(connection) else STANDAARD
    assert {k: _compressie(*k) for k in RUWE_KOLOMMEN} == dict.fromkeys(RUWE_KOLOMMEN, verwacht)


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_stored_message_is_compressed_with_lz4_and_reads_back_whole():
    data = b"<Bericht>" + b"<Prestatie>0123456789</Prestatie>" * 20_000 + b"</Bericht>"
    bericht = _ruw_vastleggen(
        lees_begrensd(data, grens=max_grootte()),
        bestandsnaam="groot.xml",
        kanaal=Kanaal.BESTAND,
        ontvangen_op=None,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT pg_column_compression(inhoud) FROM {InkomendBericht._meta.db_table} "
            "WHERE id = %s",
            [bericht.pk],
        )
        assert cursor.fetchone()[0] == (LZ4 if lz4_beschikbaar(connection) else PGLZ)
    assert InkomendBericht.objects.get(pk=bericht.pk).inhoud_bytes() == data


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_reverse_operation_restores_pglz():
    """And on a server without lz4 both directions leave the column as it is."""
    lz4 = lz4_beschikbaar(connection)

    class _Editor:  # what RunPython hands over: a schema editor with this connection
        def __init__(self) -> None:
            self.connection = connection

        def execute(self, sql: str) -> None:
            with connection.cursor() as cursor:
                cursor.execute(sql)

    kolommen = RUWE_KOLOMMEN[:1]
    compressie(kolommen, PGLZ)(None, _Editor())
    assert _compressie(*kolommen[0]) == ("p" if lz4 else STANDAARD)
    compressie(kolommen, LZ4)(None, _Editor())
    assert _compressie(*kolommen[0]) == ("l" if lz4 else STANDAARD)


def test_other_databases_are_left_alone():
    uitgevoerd: list[str] = []

    class _Verbinding:
        vendor = "sqlite"

    class _Editor:
        connection = _Verbinding()

        def execute(self, sql: str) -> None:
            uitgevoerd.append(sql)

    compressie(RUWE_KOLOMMEN, LZ4)(None, _Editor())
    assert uitgevoerd == []

"""The raw Excel and API input and the stored answers compressed with lz4 on PostgreSQL, as
the berichtenbox's messages (kern.migraties)."""

from django.db import migrations

from kern.migraties import LZ4, PGLZ, compressie

KOLOMMEN = [
    ("declaraties_invoer", "inhoud"),
    ("declaraties_declaratie", "antwoord_inhoud"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("declaraties", "0002_minder_indexen"),
    ]

    operations = [
        migrations.RunPython(compressie(KOLOMMEN, LZ4), compressie(KOLOMMEN, PGLZ)),
    ]

"""The reservation table, updated by every declaration: one index fewer (reservering_bron_idx
is the prefix of the unique index of reservering_een_per_bron_per_jaar) and free space on its
pages (fillfactor 80) on PostgreSQL, so the update of a reservation's amounts mostly stays on
its page and writes no new index entries (a HOT update). Existing pages get the free space when
they are rewritten (VACUUM FULL or pg_repack); new ones at once."""

from django.db import migrations


def _fillfactor(waarde: int):
    def uitvoeren(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                f"ALTER TABLE financien_reservering SET (fillfactor = {int(waarde)})"
            )

    return uitvoeren


class Migration(migrations.Migration):
    dependencies = [
        ("financien", "0011_minder_indexen"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="reservering",
            name="reservering_bron_idx",
        ),
        migrations.RunPython(_fillfactor(80), _fillfactor(100)),
    ]

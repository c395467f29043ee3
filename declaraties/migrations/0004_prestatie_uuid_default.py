"""On PostgreSQL the database gives a new prestatie its uuid (``gen_random_uuid()``, built in
since PostgreSQL 13), so the intake's COPY leaves the column out: drawing 100,000 uuid4s in
Python and sending them as text cost about 2 % of a region's month. The model keeps its
Python default for every other insert and for other databases."""

from typing import Any

from django.db import migrations


def _standaard(zetten: bool) -> Any:
    def uitvoeren(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        waarde = "SET DEFAULT gen_random_uuid()" if zetten else "DROP DEFAULT"
        schema_editor.execute(f"ALTER TABLE declaraties_prestatie ALTER COLUMN uuid {waarde}")

    return uitvoeren


class Migration(migrations.Migration):
    dependencies = [
        ("declaraties", "0003_inhoud_lz4"),
    ]

    operations = [
        migrations.RunPython(_standaard(True), _standaard(False)),
    ]

"""Schema: on PostgreSQL, an exclusion constraint so that periods of one contract and product
that are not replaced never overlap. Other databases rely on the service's check
(``contracten.services.tariefperiode_toevoegen``), which runs everywhere.

Needs the btree_gist extension (CREATE EXTENSION needs a role that may create it).
"""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE contracten_tariefperiode
  ADD CONSTRAINT tariefperiode_geen_overlap
  EXCLUDE USING gist (
    contract_id WITH =,
    product_id WITH =,
    daterange(ingangsdatum, einddatum, '[]') WITH &&
  ) WHERE (NOT is_vervangen);
"""

DROP = "ALTER TABLE contracten_tariefperiode DROP CONSTRAINT IF EXISTS tariefperiode_geen_overlap;"


def vooruit(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def terug(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("contracten", "0002_productcategorieen_laden")]

    operations = [migrations.RunPython(vooruit, terug)]

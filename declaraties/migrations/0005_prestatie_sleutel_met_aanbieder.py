"""A prestatie's declaration and provider held by one foreign key on PostgreSQL:
(declaratie_id, zorgaanbieder_id) refers to the declaration's (id, zorgaanbieder_id).

Before, each had a key of its own, and the provider of a line could differ from its
declaration's. Now it cannot, and a stored line costs one key check at commit instead of two:
PostgreSQL checks a deferred key row by row. In the benchmark's month of 100,000 lines (in
batches, A/B on copies of one database) the commits took 3.2-3.6 s instead of 4.7-5.3 s.
The declaration's provider is still checked by the declaration's own key.

On other databases the two columns keep no key of their own (a composite key is not in
Django's model state, and SQLite rebuilds a table from that state when it alters it); the
intake, the only writer of prestaties, takes both from the declaration. Added NOT VALID and
then validated, so the check of the lines already stored reports a line whose provider is
not its declaration's by name.
"""

import django.db.models.deletion
from django.db import migrations, models

SLEUTEL = "prestatie_declaratie_met_zorgaanbieder_fk"


def vooruit(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"ALTER TABLE declaraties_prestatie ADD CONSTRAINT {SLEUTEL} "
            "FOREIGN KEY (declaratie_id, zorgaanbieder_id) "
            "REFERENCES declaraties_declaratie (id, zorgaanbieder_id) "
            "DEFERRABLE INITIALLY DEFERRED NOT VALID"
        )
        schema_editor.execute(f"ALTER TABLE declaraties_prestatie VALIDATE CONSTRAINT {SLEUTEL}")


def terug(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE declaraties_prestatie DROP CONSTRAINT {SLEUTEL}")


class Migration(migrations.Migration):
    dependencies = [
        ("contracten", "0003_tariefperiode_geen_overlap_postgres"),
        ("declaraties", "0004_prestatie_uuid_default"),
    ]

    operations = [
        # What the new key refers to, first.
        migrations.AddConstraint(
            model_name="declaratie",
            constraint=models.UniqueConstraint(
                fields=("id", "zorgaanbieder"), name="declaratie_met_zorgaanbieder_uniek"
            ),
        ),
        migrations.AlterField(
            model_name="prestatie",
            name="declaratie",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                help_text="De declaratie.",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="prestaties",
                to="declaraties.declaratie",
                verbose_name="declaratie",
            ),
        ),
        migrations.AlterField(
            model_name="prestatie",
            name="zorgaanbieder",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                help_text="De aanbieder (gelijk aan die van de declaratie).",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="prestaties",
                to="contracten.zorgaanbieder",
                verbose_name="zorgaanbieder",
            ),
        ),
        migrations.RunPython(vooruit, terug),
    ]

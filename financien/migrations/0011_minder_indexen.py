"""A reservation change is looked up by its transfer through reserveringsmutatie_uniek
(boeking, reservering); the transfer's own index went with every row inserted."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("financien", "0010_reserveringsperiode"),
    ]

    operations = [
        # Django would drop and re-add each foreign key to drop its index, validating
        # it again over the whole table; only the indexes go.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="reserveringsmutatie",
                    name="boeking",
                    field=models.ForeignKey(
                        db_index=False,
                        help_text="De boeking.",
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="reserveringsmutaties",
                        to="financien.boeking",
                        verbose_name="boeking",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "financien_reserveringsmutatie_boeking_id_671df477"',
                    reverse_sql='CREATE INDEX "financien_reserveringsmutatie_boeking_id_671df477" ON "financien_reserveringsmutatie" ("boeking_id")',
                ),
            ],
        ),
    ]

"""Fewer indexes on the prestatie table, which takes a region's every declared line: the
foreign keys to the declaration, the provider and the toewijzing are looked up through the
composite indexes that start with them, and the reviewers' columns, empty on nearly every
row, get partial indexes. Each inserted prestatie updated eleven indexes, now six."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("contracten", "0003_tariefperiode_geen_overlap_postgres"),
        ("declaraties", "0001_declaraties_prestaties"),
        ("inkoop", "0002_toewijzingen_verzoeken"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # Django would drop and re-add each foreign key to drop its index, validating
        # it again over the whole table; only the indexes go.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="prestatie",
                    name="beoordeeld_door",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        help_text="De beoordelaar.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="beoordeeld door",
                    ),
                ),
                migrations.AlterField(
                    model_name="prestatie",
                    name="bevestigd_door",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        help_text="De tweede beoordelaar die een afwijzing boven de drempel bevestigde.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="bevestigd door",
                    ),
                ),
                migrations.AlterField(
                    model_name="prestatie",
                    name="declaratie",
                    field=models.ForeignKey(
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
                    name="toewijzing",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        help_text="De toewijzing waarop gedeclareerd is; leeg als die niet bestaat.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="prestaties",
                        to="inkoop.toewijzing",
                        verbose_name="toewijzing",
                    ),
                ),
                migrations.AlterField(
                    model_name="prestatie",
                    name="zorgaanbieder",
                    field=models.ForeignKey(
                        db_index=False,
                        help_text="De aanbieder (gelijk aan die van de declaratie).",
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="prestaties",
                        to="contracten.zorgaanbieder",
                        verbose_name="zorgaanbieder",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "declaraties_prestatie_beoordeeld_door_id_3ff6e374"',
                    reverse_sql='CREATE INDEX "declaraties_prestatie_beoordeeld_door_id_3ff6e374" ON "declaraties_prestatie" ("beoordeeld_door_id")',
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "declaraties_prestatie_bevestigd_door_id_4d941da7"',
                    reverse_sql='CREATE INDEX "declaraties_prestatie_bevestigd_door_id_4d941da7" ON "declaraties_prestatie" ("bevestigd_door_id")',
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "declaraties_prestatie_declaratie_id_8d02c6e0"',
                    reverse_sql='CREATE INDEX "declaraties_prestatie_declaratie_id_8d02c6e0" ON "declaraties_prestatie" ("declaratie_id")',
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "declaraties_prestatie_toewijzing_id_8d02ca24"',
                    reverse_sql='CREATE INDEX "declaraties_prestatie_toewijzing_id_8d02ca24" ON "declaraties_prestatie" ("toewijzing_id")',
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "declaraties_prestatie_zorgaanbieder_id_8548dea4"',
                    reverse_sql='CREATE INDEX "declaraties_prestatie_zorgaanbieder_id_8548dea4" ON "declaraties_prestatie" ("zorgaanbieder_id")',
                ),
            ],
        ),
        migrations.AddIndex(
            model_name="prestatie",
            index=models.Index(
                condition=models.Q(("beoordeeld_door__isnull", False)),
                fields=["beoordeeld_door"],
                name="prestatie_beoordeeld_door_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="prestatie",
            index=models.Index(
                condition=models.Q(("bevestigd_door__isnull", False)),
                fields=["bevestigd_door"],
                name="prestatie_bevestigd_door_idx",
            ),
        ),
    ]

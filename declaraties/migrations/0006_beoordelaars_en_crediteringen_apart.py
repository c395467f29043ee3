"""A credit's debit and a held prestatie's beoordelaars move out of the prestatie table into
tables of their own (``Creditering``, ``Prestatiebeoordelaars``).

PostgreSQL checks a foreign key for every inserted row, also when the row leaves it empty:
the three keys that nearly every prestatie left empty (gecrediteerde_prestatie,
beoordeeld_door, bevestigd_door) cost every stored line three checks. Storing a region's
month (100,000 lines, in batches, A/B on copies of one database) took 8.0-8.1 s without them
against 8.7 s with them. The few lines that have one now have a row in the new tables; the
keys there are checked only for those.

The links already stored are copied over (and back when the migration is reversed).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _meteen(schema_editor):
    """Keys checked at once: the columns and tables are altered in the same transaction, which
    PostgreSQL refuses while checks of rows written in it are pending."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def vooruit(apps, schema_editor):
    _meteen(schema_editor)
    Prestatie = apps.get_model("declaraties", "Prestatie")
    Creditering = apps.get_model("declaraties", "Creditering")
    Prestatiebeoordelaars = apps.get_model("declaraties", "Prestatiebeoordelaars")
    Creditering.objects.bulk_create(
        Creditering(credit_id=credit, debet_id=debet)
        for credit, debet in Prestatie.objects.filter(
            gecrediteerde_prestatie__isnull=False
        ).values_list("pk", "gecrediteerde_prestatie_id")
    )
    Prestatiebeoordelaars.objects.bulk_create(
        Prestatiebeoordelaars(prestatie_id=pk, beoordeeld_door_id=door, bevestigd_door_id=bevestigd)
        for pk, door, bevestigd in Prestatie.objects.filter(
            beoordeeld_door__isnull=False
        ).values_list("pk", "beoordeeld_door_id", "bevestigd_door_id")
    )


def terug(apps, schema_editor):
    _meteen(schema_editor)
    Prestatie = apps.get_model("declaraties", "Prestatie")
    Creditering = apps.get_model("declaraties", "Creditering")
    Prestatiebeoordelaars = apps.get_model("declaraties", "Prestatiebeoordelaars")
    for credit, debet in Creditering.objects.values_list("credit_id", "debet_id"):
        Prestatie.objects.filter(pk=credit).update(gecrediteerde_prestatie_id=debet)
    for pk, door, bevestigd in Prestatiebeoordelaars.objects.values_list(
        "prestatie_id", "beoordeeld_door_id", "bevestigd_door_id"
    ):
        Prestatie.objects.filter(pk=pk).update(
            beoordeeld_door_id=door, bevestigd_door_id=bevestigd
        )


class Migration(migrations.Migration):
    dependencies = [
        ("declaraties", "0005_prestatie_sleutel_met_aanbieder"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Creditering",
            fields=[
                (
                    "credit",
                    models.OneToOneField(
                        help_text="De toegekende creditprestatie.",
                        on_delete=django.db.models.deletion.PROTECT,
                        primary_key=True,
                        related_name="creditering",
                        serialize=False,
                        to="declaraties.prestatie",
                        verbose_name="creditprestatie",
                    ),
                ),
                (
                    "debet",
                    models.OneToOneField(
                        help_text="De debetprestatie die de credit ongedaan maakt.",
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="gecrediteerd_door",
                        to="declaraties.prestatie",
                        verbose_name="gecrediteerde prestatie",
                    ),
                ),
            ],
            options={
                "verbose_name": "creditering",
                "verbose_name_plural": "crediteringen",
            },
        ),
        migrations.CreateModel(
            name="Prestatiebeoordelaars",
            fields=[
                (
                    "prestatie",
                    models.OneToOneField(
                        help_text="De beoordeelde prestatie.",
                        on_delete=django.db.models.deletion.PROTECT,
                        primary_key=True,
                        related_name="beoordelaars",
                        serialize=False,
                        to="declaraties.prestatie",
                        verbose_name="prestatie",
                    ),
                ),
                (
                    "beoordeeld_door",
                    models.ForeignKey(
                        help_text="De beoordelaar.",
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="beoordeeld door",
                    ),
                ),
                (
                    "bevestigd_door",
                    models.ForeignKey(
                        blank=True,
                        help_text=(
                            "De tweede beoordelaar die een afwijzing boven de drempel bevestigde."
                        ),
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="bevestigd door",
                    ),
                ),
            ],
            options={
                "verbose_name": "beoordelaars van een prestatie",
                "verbose_name_plural": "beoordelaars van prestaties",
            },
        ),
        migrations.RunPython(vooruit, terug),
        migrations.RemoveIndex(
            model_name="prestatie",
            name="prestatie_beoordeeld_door_idx",
        ),
        migrations.RemoveIndex(
            model_name="prestatie",
            name="prestatie_bevestigd_door_idx",
        ),
        migrations.RemoveField(
            model_name="prestatie",
            name="beoordeeld_door",
        ),
        migrations.RemoveField(
            model_name="prestatie",
            name="bevestigd_door",
        ),
        migrations.RemoveField(
            model_name="prestatie",
            name="gecrediteerde_prestatie",
        ),
    ]

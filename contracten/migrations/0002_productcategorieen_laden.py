"""Data: the productcategorie lists of iWmo 3.2 and iJw 3.2 (kern/data/productcategorie-*.csv)."""

from django.db import migrations


def laden(apps, schema_editor):
    from kern.codelijsten import productcategorieen_laden

    productcategorieen_laden(
        apps.get_model("contracten", "Productcategorie"), using=schema_editor.connection.alias
    )


def terug(apps, schema_editor):
    pass


class Migration(migrations.Migration):
    dependencies = [("contracten", "0001_catalogus_contracten_tarieven")]

    operations = [migrations.RunPython(laden, terug)]

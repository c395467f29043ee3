"""Data: the productcategorie lists of iWmo 3.2 and iJw 3.2 (kern/data/productcategorie-*.csv)."""

from django.db import migrations


def laden(apps, schema_editor):
    from kern.codelijsten import productcategorieen

    Productcategorie = apps.get_model("contracten", "Productcategorie")
    for wet in ("wmo", "jw"):
        for code, omschrijving in productcategorieen(wet):
            Productcategorie.objects.update_or_create(
                wet=wet, code=code, defaults={"omschrijving": omschrijving}
            )


def terug(apps, schema_editor):
    pass


class Migration(migrations.Migration):
    dependencies = [("contracten", "0001_catalogus_contracten_tarieven")]

    operations = [migrations.RunPython(laden, terug)]

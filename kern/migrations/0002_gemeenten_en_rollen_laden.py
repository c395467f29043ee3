"""Data: the CBS municipality list (kern/data/gemeenten.csv) and one group per role."""

from django.db import migrations


def laden(apps, schema_editor):
    from kern.codelijsten import gemeenten_laden
    from kern.constants import Rol

    gemeenten_laden(apps.get_model("kern", "Gemeente"), using=schema_editor.connection.alias)
    Group = apps.get_model("auth", "Group")
    for rol in Rol.values:
        Group.objects.get_or_create(name=rol)


def terug(apps, schema_editor):
    # The rows may be referenced by then; leaving them is the safe reverse.
    pass


class Migration(migrations.Migration):
    dependencies = [
        ("kern", "0001_gemeente_gebruiker_audit"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(laden, terug)]

from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class KernConfig(AppConfig):
    name = "kern"
    verbose_name = _("Kern")

    def ready(self) -> None:
        from kern import pg_lijsten
        from kern.lookups import registreren
        from kern.rechten import na_migratie

        registreren()
        connection_created.connect(pg_lijsten.registreren, dispatch_uid="kern.pg_lijsten")

        # Connected for every sender; the receiver itself acts only on the last app's signal.
        post_migrate.connect(na_migratie, dispatch_uid="kern.rechten.na_migratie")

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class KernConfig(AppConfig):
    name = "kern"
    verbose_name = _("Kern")

    def ready(self) -> None:
        from kern.lookups import registreren
        from kern.rechten import na_migratie

        registreren()

        # Connected for every sender; the receiver itself acts only on the last app's signal.
        post_migrate.connect(na_migratie, dispatch_uid="kern.rechten.na_migratie")

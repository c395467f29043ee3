from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeclaratiesConfig(AppConfig):
    name = "declaraties"
    verbose_name = _("Declaraties")

    def ready(self) -> None:
        from declaraties.services import declaratie_bericht_verwerken
        from iwmo_jw.routering import register_handler

        register_handler("323", declaratie_bericht_verwerken)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeclaratiesConfig(AppConfig):
    name = "declaraties"
    verbose_name = _("Declaraties")

    def ready(self) -> None:
        from declaraties.services import Declaratiepartij, declaratie_bericht_verwerken
        from financien.services import signaleringen_bundelen
        from iwmo_jw.routering import register_handler, register_partijcontext

        # A batch of messages stores its 323s together (Declaratiepartij).
        register_handler("323", declaratie_bericht_verwerken, partij=Declaratiepartij)
        # The alerts of what a batch booked are evaluated once.
        register_partijcontext(signaleringen_bundelen)

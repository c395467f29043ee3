from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InkoopConfig(AppConfig):
    name = "inkoop"
    verbose_name = _("Inkoop")

    def ready(self) -> None:
        # The handlers of the messages inkoop receives (305, 307, 315, 317).
        from inkoop.berichten import handlers_registreren

        handlers_registreren()

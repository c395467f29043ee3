from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KernConfig(AppConfig):
    name = "kern"
    verbose_name = _("Kern")

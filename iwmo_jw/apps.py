from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IwmoJwConfig(AppConfig):
    """The message adapter. Other apps register the handlers of the message types they
    process in their own ``AppConfig.ready`` (see :mod:`iwmo_jw.routering`)."""

    name = "iwmo_jw"
    verbose_name = _("Berichtenverkeer iWmo en iJw")

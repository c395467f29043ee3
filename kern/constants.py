import enum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Wet(models.TextChoices):
    WMO = "wmo", _("Wmo 2015")
    JW = "jw", _("Jeugdwet")


class Rol(models.TextChoices):
    """The roles of DESIGN.md. A user may hold several; each is a Django group of this name."""

    INKOPER = "inkoper", _("Inkoper")
    REGISSEUR = "regisseur", _("Regisseur / toegang")
    ZORGAANBIEDER = "zorgaanbieder", _("Zorgaanbieder")
    BEOORDELAAR = "beoordelaar", _("Beoordelaar")
    BUDGETHOUDER = "budgethouder", _("Budgethouder")
    BEHEERDER = "beheerder", _("Beheerder")


class AuditActie(models.TextChoices):
    AANGEMAAKT = "aangemaakt", _("Aangemaakt")
    GEWIJZIGD = "gewijzigd", _("Gewijzigd")
    STATUS = "status", _("Status gewijzigd")
    VERWIJDERD = "verwijderd", _("Verwijderd")
    GEIMPORTEERD = "geimporteerd", _("Geïmporteerd")


class Ongewijzigd(enum.Enum):
    """Sentinel for optional service arguments where ``None`` is a meaningful value
    (e.g. clearing an end date): ``ONGEWIJZIGD`` means "leave as it is"."""

    ONGEWIJZIGD = "ongewijzigd"


ONGEWIJZIGD = Ongewijzigd.ONGEWIJZIGD

"""Choices and transition tables of declaraties."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kanaal(models.TextChoices):
    """How a declaration arrived. All three go through the same validation."""

    BERICHT = "bericht", _("323-bericht")
    EXCEL = "excel", _("Excelbestand")
    API = "api", _("API")


class DeclaratieStatus(models.TextChoices):
    ONTVANGEN = "ontvangen", _("Ontvangen")
    TECHNISCH_AFGEKEURD = "technisch_afgekeurd", _("Technisch afgekeurd")
    IN_BEOORDELING = "in_beoordeling", _("In beoordeling")
    BEANTWOORD = "beantwoord", _("Beantwoord")


DECLARATIE_TRANSITIES: dict[str, frozenset[str]] = {
    DeclaratieStatus.ONTVANGEN: frozenset(
        {
            DeclaratieStatus.TECHNISCH_AFGEKEURD,
            DeclaratieStatus.IN_BEOORDELING,
            DeclaratieStatus.BEANTWOORD,
        }
    ),
    DeclaratieStatus.IN_BEOORDELING: frozenset({DeclaratieStatus.BEANTWOORD}),
    DeclaratieStatus.TECHNISCH_AFGEKEURD: frozenset(),
    DeclaratieStatus.BEANTWOORD: frozenset(),
}


class PrestatieStatus(models.TextChoices):
    """A prestatie is decided as a whole (no partial approval, NOTES 2.2)."""

    IN_BEOORDELING = "in_beoordeling", _("In beoordeling")
    TOEGEKEND = "toegekend", _("Toegekend")
    AFGEWEZEN = "afgewezen", _("Afgewezen")
    GECREDITEERD = "gecrediteerd", _("Gecrediteerd")
    IN_BETAALBATCH = "in_betaalbatch", _("In betaalbatch")
    BETAALD = "betaald", _("Betaald")


PRESTATIE_TRANSITIES: dict[str, frozenset[str]] = {
    PrestatieStatus.IN_BEOORDELING: frozenset(
        {PrestatieStatus.TOEGEKEND, PrestatieStatus.AFGEWEZEN}
    ),
    # (Straight to betaald when a batch was made and paid between two runs of the follower.)
    PrestatieStatus.TOEGEKEND: frozenset(
        {PrestatieStatus.GECREDITEERD, PrestatieStatus.IN_BETAALBATCH, PrestatieStatus.BETAALD}
    ),
    PrestatieStatus.IN_BETAALBATCH: frozenset(
        {PrestatieStatus.BETAALD, PrestatieStatus.TOEGEKEND, PrestatieStatus.GECREDITEERD}
    ),
    PrestatieStatus.BETAALD: frozenset({PrestatieStatus.GECREDITEERD}),
    PrestatieStatus.AFGEWEZEN: frozenset(),
    PrestatieStatus.GECREDITEERD: frozenset(),
}


class DebetCredit(models.TextChoices):
    DEBET = "D", _("Debet")
    CREDIT = "C", _("Credit")

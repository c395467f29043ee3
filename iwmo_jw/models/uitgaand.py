from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from iwmo_jw.constants import UitgaandStatus
from iwmo_jw.models.basis import BerichtBasis


class UitgaandBericht(BerichtBasis):
    """One message the gemeente sends (301, 306, 308, 316, 318, 319, 325), stored as the
    exact bytes that leave, with the inbound message it answers."""

    antwoord_op = models.ForeignKey(
        "iwmo_jw.InkomendBericht",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="antwoorden",
        verbose_name=_("antwoord op"),
        help_text=_("Het inkomende bericht dat dit bericht beantwoordt."),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=UitgaandStatus.choices,
        default=UitgaandStatus.AANGEMAAKT,
        help_text=_("Aangemaakt, geëxporteerd of verzonden."),
    )
    aangemaakt_op = models.DateTimeField(
        _("aangemaakt op"), default=timezone.now, db_index=True, help_text=_("Tijd.")
    )
    aangemaakt_door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("aangemaakt door"),
        help_text=_("Gebruiker; leeg als het systeem het bericht maakte."),
    )
    geexporteerd_op = models.DateTimeField(
        _("geëxporteerd op"), null=True, blank=True, help_text=_("Tijd van de export.")
    )
    exportbestand = models.CharField(
        _("exportbestand"),
        max_length=500,
        blank=True,
        help_text=_("Pad van het bestand waarin het bericht is geëxporteerd."),
    )
    verzonden_op = models.DateTimeField(
        _("verzonden op"), null=True, blank=True, help_text=_("Tijd van verzending.")
    )

    class Meta:
        verbose_name = _("uitgaand bericht")
        verbose_name_plural = _("uitgaande berichten")
        ordering = ["-aangemaakt_op", "-id"]
        indexes = [
            models.Index(fields=["status", "aangemaakt_op"], name="uitgaand_status_idx"),
            models.Index(fields=["gemeente", "aangemaakt_op"], name="uitgaand_gemeente_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=UitgaandStatus.values),
                name="uitgaand_bericht_status_geldig",
            ),
            models.UniqueConstraint(
                fields=["afzender", "berichtcode", "identificatie"],
                name="uitgaand_bericht_identiteit_uniek",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.berichtnaam} {self.identificatie}".strip()


class UitgaandBerichtStatusWijziging(models.Model):
    bericht = models.ForeignKey(
        UitgaandBericht,
        on_delete=models.PROTECT,
        related_name="statuswijzigingen",
        verbose_name=_("bericht"),
        help_text=_("Het uitgaande bericht."),
    )
    van_status = models.CharField(
        _("van"),
        max_length=20,
        blank=True,
        choices=UitgaandStatus.choices,
        help_text=_("Vorige status; leeg bij aanmaken."),
    )
    naar_status = models.CharField(
        _("naar"), max_length=20, choices=UitgaandStatus.choices, help_text=_("Nieuwe status.")
    )
    tijdstip = models.DateTimeField(_("tijdstip"), default=timezone.now, help_text=_("Tijd."))
    toelichting = models.CharField(
        _("toelichting"), max_length=500, blank=True, help_text=_("Reden of exportbestand.")
    )
    door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("door"),
        help_text=_("Gebruiker; leeg bij systeemacties."),
    )

    class Meta:
        verbose_name = _("statuswijziging uitgaand bericht")
        verbose_name_plural = _("statuswijzigingen uitgaande berichten")
        ordering = ["bericht", "tijdstip", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(naar_status__in=UitgaandStatus.values),
                name="uitgaand_wijziging_status_geldig",
            )
        ]

    def __str__(self) -> str:
        return f"{self.van_status or '-'} -> {self.naar_status}"

"""Fields every stored message has: the raw bytes and what its header says."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from iwmo_jw.constants import BerichtStandaard


class BerichtBasis(models.Model):
    uuid = models.UUIDField(
        _("uuid"), default=uuid.uuid4, unique=True, editable=False, help_text=_("Id in URL's.")
    )
    inhoud = models.BinaryField(
        _("inhoud"),
        editable=False,
        help_text=_("De bytes van het bericht, precies zoals ontvangen of aangemaakt."),
    )
    sha256 = models.CharField(
        _("sha256"),
        max_length=64,
        db_index=True,
        help_text=_("SHA-256 van het hele bericht (hexadecimaal)."),
    )
    grootte = models.PositiveBigIntegerField(
        _("grootte"), help_text=_("Grootte van het hele bericht in bytes.")
    )
    standaard = models.CharField(
        _("standaard"),
        max_length=4,
        blank=True,
        choices=BerichtStandaard.choices,
        help_text=_("iwmo of ijw; leeg als het bericht niet te herkennen was."),
    )
    berichtcode = models.PositiveSmallIntegerField(
        _("berichtcode"),
        null=True,
        blank=True,
        help_text=_("BerichtCode uit de header (COD002-VEKT), bijvoorbeeld 490."),
    )
    berichttype = models.CharField(
        _("berichttype"),
        max_length=3,
        blank=True,
        db_index=True,
        help_text=_("Berichtnummer zonder standaard, bijvoorbeeld 323."),
    )
    afzender = models.CharField(
        _("afzender"),
        max_length=20,
        blank=True,
        help_text=_(
            "Wie het bericht werkelijk verstuurde (bij een retourbericht de ontvanger uit de "
            "gekopieerde header): gemeentecode of AGB-code."
        ),
    )
    ontvanger = models.CharField(
        _("ontvanger"),
        max_length=20,
        blank=True,
        help_text=_("Voor wie het bericht werkelijk bestemd is: gemeentecode of AGB-code."),
    )
    identificatie = models.CharField(
        _("identificatie"),
        max_length=40,
        blank=True,
        help_text=_(
            "Eigen identificatie van het bericht (bij een retourbericht IdentificatieRetour)."
        ),
    )
    identificatie_heen = models.CharField(
        _("identificatie heenbericht"),
        max_length=40,
        blank=True,
        help_text=_("Bij een retourbericht: de identificatie van het beantwoorde bericht."),
    )
    dagtekening = models.DateField(
        _("dagtekening"), null=True, blank=True, help_text=_("Dagtekening uit de header.")
    )
    gemeentecode = models.CharField(
        _("gemeentecode"),
        max_length=20,
        blank=True,
        help_text=_("De gemeente-kant van het bericht zoals in de header."),
    )
    gemeente = models.ForeignKey(
        "kern.Gemeente",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("gemeente"),
        help_text=_("De gemeente waartoe het bericht behoort; leeg als die onbekend is."),
    )
    agb_code = models.CharField(
        _("AGB-code"),
        max_length=20,
        blank=True,
        db_index=True,
        help_text=_("De zorgaanbieder-kant van het bericht (AGB-code uit de header)."),
    )

    class Meta:
        abstract = True

    @property
    def berichtnaam(self) -> str:
        """``JW323`` / ``WMO301``; empty when the message was not recognised."""
        if not self.berichttype or not self.standaard:
            return ""
        prefix = "WMO" if self.standaard == BerichtStandaard.IWMO else "JW"
        return f"{prefix}{self.berichttype}"

    def inhoud_bytes(self) -> bytes:
        return bytes(self.inhoud)

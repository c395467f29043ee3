from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from iwmo_jw.constants import STATUSSEN_MET_IDENTITEIT, BerichtStatus, Kanaal
from iwmo_jw.models.basis import BerichtBasis


class InkomendBericht(BerichtBasis):
    """One message as received, stored raw before anything else is done with it, with its
    outcome (accepted, refused with findings, duplicate) and its processing status."""

    inhoud_volledig = models.BooleanField(
        _("inhoud volledig"),
        default=True,
        help_text=_(
            "Onwaar als het bestand groter was dan de grens: dan is alleen het begin bewaard "
            "(grootte en sha256 gelden voor het hele bestand)."
        ),
    )
    bestandsnaam = models.CharField(
        _("bestandsnaam"), max_length=255, blank=True, help_text=_("Naam van het bestand.")
    )
    kanaal = models.CharField(
        _("kanaal"),
        max_length=10,
        choices=Kanaal.choices,
        default=Kanaal.BESTAND,
        help_text=_("Langs welke weg het bericht binnenkwam."),
    )
    ontvangen_op = models.DateTimeField(
        _("ontvangen op"), default=timezone.now, db_index=True, help_text=_("Tijd van ontvangst.")
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=BerichtStatus.choices,
        default=BerichtStatus.ONTVANGEN,
        help_text=_("Waar het bericht staat in de verwerking."),
    )
    uitkomst_code = models.CharField(
        _("uitkomst"),
        max_length=40,
        blank=True,
        help_text=_("Vaste code van de uitkomst: geldig, xsd_ongeldig, identificatie_niet_uniek…"),
    )
    uitkomst_melding = models.TextField(
        _("uitkomst (tekst)"), blank=True, help_text=_("De uitkomst in woorden.")
    )
    retourcode = models.CharField(
        _("retourcode"),
        max_length=4,
        blank=True,
        help_text=_("Retourcode van de standaard bij weigering (0001, 9056); anders leeg."),
    )
    geldig = models.BooleanField(
        _("geldig"),
        null=True,
        blank=True,
        help_text=_(
            "Of het bericht de controles op niveau 1 en 2 doorstond; leeg zolang onbekend."
        ),
    )
    niveau = models.PositiveSmallIntegerField(
        _("niveau"),
        null=True,
        blank=True,
        help_text=_("Het controleniveau (1 of 2) waarop het bericht werd afgekeurd."),
    )
    bevindingen = models.JSONField(
        _("bevindingen"),
        default=list,
        blank=True,
        encoder=DjangoJSONEncoder,
        help_text=_("Lijst van bevindingen: regel, code, melding, regelnummer, element."),
    )
    origineel = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="herhalingen",
        verbose_name=_("origineel"),
        help_text=_("Bij een dubbel of niet-uniek bericht: het eerder ontvangen bericht."),
    )
    antwoord_op = models.ForeignKey(
        "iwmo_jw.UitgaandBericht",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="retouren",
        verbose_name=_("antwoord op"),
        help_text=_("Bij een retourbericht (302, 320): het uitgaande bericht dat het beantwoordt."),
    )
    beoordeeld_op = models.DateTimeField(
        _("beoordeeld op"), null=True, blank=True, help_text=_("Tijd van de controle.")
    )
    verwerkt_op = models.DateTimeField(
        _("verwerkt op"), null=True, blank=True, help_text=_("Tijd van de verwerking.")
    )
    verwerking_fout = models.TextField(
        _("verwerkingsfout"),
        blank=True,
        help_text=_("Waarom de laatste verwerking mislukte (code en melding)."),
    )

    class Meta:
        verbose_name = _("inkomend bericht")
        verbose_name_plural = _("inkomende berichten")
        ordering = ["-ontvangen_op", "-id"]
        indexes = [
            models.Index(fields=["status", "berichttype"], name="inkomend_status_type_idx"),
            models.Index(fields=["gemeente", "ontvangen_op"], name="inkomend_gemeente_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=BerichtStatus.values),
                name="inkomend_bericht_status_geldig",
            ),
            # The last line of defence of TR056: one accepted message per identity.
            models.UniqueConstraint(
                fields=["afzender", "berichtcode", "identificatie"],
                condition=models.Q(status__in=STATUSSEN_MET_IDENTITEIT),
                name="inkomend_bericht_identiteit_uniek",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.berichtnaam or 'bericht'} {self.identificatie or self.uuid}".strip()


class InkomendBerichtStatusWijziging(models.Model):
    bericht = models.ForeignKey(
        InkomendBericht,
        on_delete=models.PROTECT,
        related_name="statuswijzigingen",
        verbose_name=_("bericht"),
        help_text=_("Het inkomende bericht."),
    )
    van_status = models.CharField(
        _("van"),
        max_length=20,
        blank=True,
        choices=BerichtStatus.choices,
        help_text=_("Vorige status; leeg bij ontvangst."),
    )
    naar_status = models.CharField(
        _("naar"), max_length=20, choices=BerichtStatus.choices, help_text=_("Nieuwe status.")
    )
    tijdstip = models.DateTimeField(_("tijdstip"), default=timezone.now, help_text=_("Tijd."))
    toelichting = models.CharField(
        _("toelichting"), max_length=255, blank=True, help_text=_("Reden of uitkomst.")
    )
    door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("door"),
        help_text=_("Gebruiker; leeg bij ontvangst en verwerking door het systeem."),
    )

    class Meta:
        verbose_name = _("statuswijziging inkomend bericht")
        verbose_name_plural = _("statuswijzigingen inkomende berichten")
        ordering = ["bericht", "tijdstip", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(naar_status__in=BerichtStatus.values),
                name="inkomend_wijziging_status_geldig",
            )
        ]

    def __str__(self) -> str:
        return f"{self.van_status or '-'} -> {self.naar_status}"

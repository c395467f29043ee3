import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inkoop.constants import MAX_PLAATSEN, MAX_WACHTTIJD_DAGEN, ClientstopStatus


class Capaciteitsmelding(models.Model):
    """What a provider reports about one product in one gemeente: waiting time in days and
    available places, from ``geldig_vanaf`` on.

    Append-only: an update is a new row carrying both figures (an unchanged figure is copied
    from the previous row), so the current value is the latest row and every earlier value
    stays readable.
    """

    uuid = models.UUIDField(
        _("uuid"), default=uuid.uuid4, unique=True, editable=False, help_text=_("Id in URL's.")
    )
    zorgaanbieder = models.ForeignKey(
        "contracten.Zorgaanbieder",
        on_delete=models.PROTECT,
        related_name="capaciteitsmeldingen",
        verbose_name=_("zorgaanbieder"),
        help_text=_("De aanbieder."),
    )
    product = models.ForeignKey(
        "contracten.Product",
        on_delete=models.PROTECT,
        related_name="capaciteitsmeldingen",
        verbose_name=_("product"),
        help_text=_("Het product."),
    )
    gemeente = models.ForeignKey(
        "kern.Gemeente",
        on_delete=models.PROTECT,
        related_name="capaciteitsmeldingen",
        verbose_name=_("gemeente"),
        help_text=_("De gemeente."),
    )
    wachttijd_dagen = models.PositiveIntegerField(
        _("wachttijd in dagen"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_WACHTTIJD_DAGEN)],
        help_text=_("Verwachte wachttijd tot de start van de zorg, in kalenderdagen."),
    )
    beschikbare_plaatsen = models.PositiveIntegerField(
        _("beschikbare plaatsen"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_PLAATSEN)],
        help_text=_("Aantal cliënten dat de aanbieder nu kan aannemen."),
    )
    geldig_vanaf = models.DateTimeField(
        _("geldig vanaf"),
        default=timezone.now,
        help_text=_("Vanaf dit moment gelden deze cijfers (tot de volgende melding)."),
    )
    toelichting = models.CharField(
        _("toelichting"), max_length=255, blank=True, help_text=_("Vrije toelichting.")
    )
    gemeld_door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("gemeld door"),
        help_text=_("Gebruiker die de melding deed."),
    )

    class Meta:
        verbose_name = _("capaciteitsmelding")
        verbose_name_plural = _("capaciteitsmeldingen")
        ordering = ["zorgaanbieder", "product", "gemeente", "-geldig_vanaf", "-id"]
        indexes = [
            models.Index(
                fields=["zorgaanbieder", "product", "gemeente", "-geldig_vanaf"],
                name="capaciteit_actueel_idx",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(wachttijd_dagen__isnull=False)
                | models.Q(beschikbare_plaatsen__isnull=False),
                name="capaciteit_niet_leeg",
                violation_error_code="capaciteit_leeg",
                violation_error_message=_("Geef een wachttijd, beschikbare plaatsen of allebei."),
            ),
            models.CheckConstraint(
                condition=models.Q(wachttijd_dagen__lte=MAX_WACHTTIJD_DAGEN),
                name="capaciteit_wachttijd_redelijk",
                violation_error_code="wachttijd_onredelijk",
                violation_error_message=_("Een wachttijd is hoogstens tien jaar."),
            ),
        ]

    def __str__(self) -> str:
        return f"capaciteit vanaf {self.geldig_vanaf:%d-%m-%Y %H:%M}"


class Clientstop(models.Model):
    """A stop on new clients for one product in one gemeente. Per the Contractstandaarden it
    needs the gemeente's consent: the provider asks, an inkoper or regisseur of the gemeente
    approves or refuses. Only an approved stop counts, within its dates."""

    uuid = models.UUIDField(
        _("uuid"), default=uuid.uuid4, unique=True, editable=False, help_text=_("Id in URL's.")
    )
    zorgaanbieder = models.ForeignKey(
        "contracten.Zorgaanbieder",
        on_delete=models.PROTECT,
        related_name="clientstops",
        verbose_name=_("zorgaanbieder"),
        help_text=_("De aanbieder die geen nieuwe cliënten aanneemt."),
    )
    product = models.ForeignKey(
        "contracten.Product",
        on_delete=models.PROTECT,
        related_name="clientstops",
        verbose_name=_("product"),
        help_text=_("Het product."),
    )
    gemeente = models.ForeignKey(
        "kern.Gemeente",
        on_delete=models.PROTECT,
        related_name="clientstops",
        verbose_name=_("gemeente"),
        help_text=_("De gemeente die toestemming geeft."),
    )
    ingangsdatum = models.DateField(_("ingangsdatum"), help_text=_("Eerste dag van de stop."))
    einddatum = models.DateField(
        _("einddatum"),
        null=True,
        blank=True,
        help_text=_("Laatste dag van de stop; leeg is tot nader order."),
    )
    reden = models.TextField(_("reden"), help_text=_("Waarom de aanbieder de stop aanvraagt."))
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ClientstopStatus.choices,
        default=ClientstopStatus.AANGEVRAAGD,
        help_text=_("Aangevraagd, goedgekeurd, afgewezen, ingetrokken of opgeheven."),
    )
    aangevraagd_op = models.DateTimeField(
        _("aangevraagd op"), auto_now_add=True, help_text=_("Tijdstip van de aanvraag.")
    )
    aangevraagd_door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("aangevraagd door"),
        help_text=_("Gebruiker die de stop aanvroeg."),
    )
    beoordeeld_op = models.DateTimeField(
        _("beoordeeld op"), null=True, blank=True, help_text=_("Tijdstip van het besluit.")
    )
    beoordeeld_door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("beoordeeld door"),
        help_text=_("Gebruiker van de gemeente die besloot."),
    )
    besluit_toelichting = models.CharField(
        _("toelichting bij het besluit"),
        max_length=500,
        blank=True,
        help_text=_("Toelichting van de gemeente; verplicht bij afwijzen."),
    )

    class Meta:
        verbose_name = _("cliëntstop")
        verbose_name_plural = _("cliëntstops")
        ordering = ["-aangevraagd_op", "-id"]
        indexes = [
            models.Index(
                fields=["zorgaanbieder", "product", "gemeente", "status"],
                name="clientstop_zoek_idx",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(einddatum__isnull=True)
                | models.Q(einddatum__gte=models.F("ingangsdatum")),
                name="clientstop_einde_na_ingang",
                violation_error_code="einddatum_voor_ingangsdatum",
                violation_error_message=_("De einddatum ligt vóór de ingangsdatum."),
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ClientstopStatus.values),
                name="clientstop_status_geldig",
            ),
        ]

    def __str__(self) -> str:
        return f"cliëntstop vanaf {self.ingangsdatum:%d-%m-%Y}"


class ClientstopStatusWijziging(models.Model):
    """One status change of a clientstop (append-only history)."""

    clientstop = models.ForeignKey(
        Clientstop,
        on_delete=models.PROTECT,
        related_name="statuswijzigingen",
        verbose_name=_("cliëntstop"),
        help_text=_("De cliëntstop."),
    )
    van_status = models.CharField(
        _("van"),
        max_length=12,
        choices=ClientstopStatus.choices,
        blank=True,
        help_text=_("Vorige status; leeg bij de aanvraag."),
    )
    naar_status = models.CharField(
        _("naar"), max_length=12, choices=ClientstopStatus.choices, help_text=_("Nieuwe status.")
    )
    toelichting = models.CharField(
        _("toelichting"), max_length=500, blank=True, help_text=_("Toelichting.")
    )
    tijdstip = models.DateTimeField(_("tijdstip"), auto_now_add=True, help_text=_("Tijd."))
    door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("door"),
        help_text=_("Gebruiker die de status wijzigde."),
    )

    class Meta:
        verbose_name = _("statuswijziging cliëntstop")
        verbose_name_plural = _("statuswijzigingen cliëntstops")
        ordering = ["clientstop", "tijdstip", "id"]

    def __str__(self) -> str:
        return f"{self.van_status or '-'} -> {self.naar_status}"

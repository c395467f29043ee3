"""Budget alerts: the thresholds a gemeente sets, and the alerts raised when one is crossed.

An alert (:class:`Signalering`) is one *crossing*: the subject's figure reached a threshold
while it was below it. It stays *lopend* (running) until the figure drops clearly below the
threshold again (by ``FINANCIEN_SIGNALERING_MARGE`` percentage points, so a figure hovering at
the threshold is one crossing); then it ends (``beeindigd_op``), and a later rise is a new
crossing, a new row. At most one running alert per subject and threshold is a
partial unique constraint, so two evaluations at the same time cannot raise it twice.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from financien.constants import (
    SIGNALERINGSSOORTEN_PER_BUDGETPOST,
    BronType,
    MailStatus,
    SignaleringSoort,
)
from kern.geld import BEDRAG_DECIMAL_PLACES, BEDRAG_MAX_DIGITS

DREMPEL_MIN = 1
DREMPEL_MAX = 1000


class Signaleringsdrempel(models.Model):
    """The thresholds (percentages) of one kind of alert for a gemeente, or for one budget
    post (kinds budgetpost and prognose only). The most specific row applies; without any,
    :data:`financien.constants.STANDAARD_DREMPELS`. An empty list switches the kind off."""

    uuid = models.UUIDField(
        _("uuid"), default=uuid.uuid4, unique=True, editable=False, help_text=_("Id in URL's.")
    )
    gemeente = models.ForeignKey(
        "kern.Gemeente",
        on_delete=models.PROTECT,
        related_name="signaleringsdrempels",
        verbose_name=_("gemeente"),
        help_text=_("De gemeente waarvoor de drempels gelden."),
    )
    soort = models.CharField(
        _("soort"),
        max_length=20,
        choices=SignaleringSoort.choices,
        help_text=_("Waarop de drempels letten."),
    )
    budgetpost = models.ForeignKey(
        "financien.Budgetpost",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signaleringsdrempels",
        verbose_name=_("budgetpost"),
        help_text=_("Alleen voor deze budgetpost; leeg: voor alle budgetposten van de gemeente."),
    )
    percentages = models.JSONField(
        _("percentages"),
        default=list,
        blank=True,
        help_text=_(
            "De drempels in procenten van de norm, oplopend, bijvoorbeeld [80, 90, 100]; "
            "een lege lijst zet deze signalering uit."
        ),
    )
    bijgewerkt_op = models.DateTimeField(
        _("bijgewerkt op"), auto_now=True, help_text=_("Moment van de laatste wijziging.")
    )

    class Meta:
        verbose_name = _("signaleringsdrempel")
        verbose_name_plural = _("signaleringsdrempels")
        ordering = ["gemeente_id", "soort", "budgetpost_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["gemeente", "soort"],
                condition=models.Q(budgetpost__isnull=True),
                name="signaleringsdrempel_uniek_gemeente",
            ),
            models.UniqueConstraint(
                fields=["soort", "budgetpost"],
                condition=models.Q(budgetpost__isnull=False),
                name="signaleringsdrempel_uniek_budgetpost",
            ),
            models.CheckConstraint(
                condition=models.Q(soort__in=SignaleringSoort.values),
                name="signaleringsdrempel_soort_geldig",
            ),
            models.CheckConstraint(
                condition=models.Q(budgetpost__isnull=True)
                | models.Q(soort__in=SIGNALERINGSSOORTEN_PER_BUDGETPOST),
                name="signaleringsdrempel_budgetpost_bij_soort",
            ),
        ]

    def __str__(self) -> str:
        waar = f"budgetpost {self.budgetpost_id}" if self.budgetpost_id else "gemeente"
        return f"drempels {self.soort} ({waar}): {self.percentages}"


class Signalering(models.Model):
    """One crossing of a threshold by a subject (a budget post, its forecast, a toewijzing or
    a provider's bestedingsruimte), with the figures that caused it."""

    uuid = models.UUIDField(
        _("uuid"), default=uuid.uuid4, unique=True, editable=False, help_text=_("Id in URL's.")
    )
    gemeente = models.ForeignKey(
        "kern.Gemeente",
        on_delete=models.PROTECT,
        related_name="signaleringen",
        verbose_name=_("gemeente"),
        help_text=_("De gemeente van het onderwerp."),
    )
    jaar = models.PositiveSmallIntegerField(
        _("jaar"),
        help_text=_(
            "Begrotingsjaar van het onderwerp; bij een toewijzing het laatste jaar waarin zij "
            "een reservering heeft."
        ),
    )
    soort = models.CharField(
        _("soort"),
        max_length=20,
        choices=SignaleringSoort.choices,
        help_text=_("Waarop de signalering let."),
    )
    onderwerp_sleutel = models.CharField(
        _("onderwerpsleutel"),
        max_length=100,
        help_text=_(
            "Vaste sleutel van het onderwerp binnen de soort (budgetpost:<id>, "
            "toewijzing:<kenmerk>, bestedingsruimte:<id>)."
        ),
    )
    budgetpost = models.ForeignKey(
        "financien.Budgetpost",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signaleringen",
        verbose_name=_("budgetpost"),
        help_text=_("De budgetpost (soorten budgetpost en prognose)."),
    )
    zorgaanbieder = models.ForeignKey(
        "contracten.Zorgaanbieder",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signaleringen",
        verbose_name=_("zorgaanbieder"),
        help_text=_("De aanbieder (soorten toewijzing en bestedingsruimte)."),
    )
    bestedingsruimte = models.ForeignKey(
        "contracten.Bestedingsruimte",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signaleringen",
        verbose_name=_("bestedingsruimte"),
        help_text=_("De bestedingsruimte (soort bestedingsruimte)."),
    )
    bron_type = models.CharField(
        _("brontype"),
        max_length=30,
        choices=BronType.choices,
        blank=True,
        default="",
        help_text=_("Bij soort toewijzing: het brontype van de reserveringen."),
    )
    bron_id = models.CharField(
        _("bron-id"),
        max_length=64,
        blank=True,
        default="",
        help_text=_("Bij soort toewijzing: het kenmerk van de toewijzing."),
    )
    drempel = models.PositiveSmallIntegerField(
        _("drempel"), help_text=_("De overschreden drempel in procenten van de norm.")
    )
    norm_bedrag = models.DecimalField(
        _("norm"),
        max_digits=BEDRAG_MAX_DIGITS,
        decimal_places=BEDRAG_DECIMAL_PLACES,
        help_text=_(
            "Het bedrag dat 100% is: het budget, het gereserveerde bedrag van de toewijzing of "
            "de bestedingsruimte, in euro."
        ),
    )
    waarde_bedrag = models.DecimalField(
        _("waarde"),
        max_digits=BEDRAG_MAX_DIGITS,
        decimal_places=BEDRAG_DECIMAL_PLACES,
        help_text=_(
            "Het gemeten bedrag: gereserveerd plus gerealiseerd, de prognose of het "
            "gerealiseerde, in euro."
        ),
    )
    percentage = models.DecimalField(
        _("percentage"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Waarde als percentage van de norm; leeg als de norm nul is."),
    )
    cijfers = models.JSONField(
        _("cijfers"),
        default=dict,
        blank=True,
        help_text=_("Alle cijfers die tot de signalering leidden (bedragen als tekst)."),
    )
    omschrijving = models.CharField(
        _("omschrijving"),
        max_length=500,
        help_text=_("Wat er overschreden is, in één zin, met de cijfers."),
    )
    gesignaleerd_op = models.DateTimeField(
        _("gesignaleerd op"), auto_now_add=True, help_text=_("Moment van de overschrijding.")
    )
    beeindigd_op = models.DateTimeField(
        _("beëindigd op"),
        null=True,
        blank=True,
        help_text=_(
            "Moment waarop de waarde duidelijk onder de drempel zakte (standaard 2 "
            "procentpunt eronder); leeg zolang de overschrijding loopt. Een nieuwe "
            "overschrijding daarna is een nieuwe signalering."
        ),
    )
    bevestigd_op = models.DateTimeField(
        _("bevestigd op"), null=True, blank=True, help_text=_("Moment van bevestigen.")
    )
    bevestigd_door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bevestigd door"),
        help_text=_("Wie de signalering bevestigde."),
    )
    bevestiging_toelichting = models.TextField(
        _("toelichting bij bevestiging"),
        blank=True,
        help_text=_("Wat de budgethouder bij het bevestigen noteerde."),
    )

    mail_status = models.CharField(
        _("e-mailstatus"),
        max_length=20,
        choices=MailStatus.choices,
        default=MailStatus.TE_VERSTUREN,
        help_text=_("Wat er van de e-mail aan de budgethouders van de gemeente werd."),
    )
    mail_pogingen = models.PositiveSmallIntegerField(
        _("e-mailpogingen"),
        default=0,
        help_text=_("Hoe vaak het versturen is geprobeerd."),
    )
    gemaild_op = models.DateTimeField(
        _("gemaild op"),
        null=True,
        blank=True,
        help_text=_("Moment waarop de e-mail is verstuurd; leeg zolang dat niet gelukt is."),
    )
    mail_fout = models.CharField(
        _("e-mailfout"),
        max_length=200,
        blank=True,
        help_text=_("Bij een mislukte poging: het soort fout van de mailserver."),
    )

    class Meta:
        verbose_name = _("signalering")
        verbose_name_plural = _("signaleringen")
        ordering = ["-gesignaleerd_op", "-id"]
        indexes = [
            models.Index(fields=["gemeente", "jaar"], name="signalering_gemeente_jaar_idx"),
        ]
        constraints = [
            # Raised once per crossing: one running alert per subject and threshold.
            models.UniqueConstraint(
                fields=["soort", "onderwerp_sleutel", "drempel"],
                condition=models.Q(beeindigd_op__isnull=True),
                name="signalering_een_lopende_per_drempel",
            ),
            models.CheckConstraint(
                condition=models.Q(soort__in=SignaleringSoort.values),
                name="signalering_soort_geldig",
            ),
            models.CheckConstraint(
                condition=models.Q(drempel__gte=DREMPEL_MIN, drempel__lte=DREMPEL_MAX),
                name="signalering_drempel_redelijk",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(soort__in=SIGNALERINGSSOORTEN_PER_BUDGETPOST, budgetpost__isnull=False)
                    | (models.Q(soort=SignaleringSoort.TOEWIJZING) & ~models.Q(bron_id=""))
                    | models.Q(
                        soort=SignaleringSoort.BESTEDINGSRUIMTE, bestedingsruimte__isnull=False
                    )
                ),
                name="signalering_onderwerp_bij_soort",
            ),
            models.CheckConstraint(
                condition=models.Q(bevestigd_door__isnull=True)
                | models.Q(bevestigd_op__isnull=False),
                name="signalering_bevestigd_met_moment",
            ),
            models.CheckConstraint(
                condition=models.Q(mail_status__in=MailStatus.values),
                name="signalering_mail_status_geldig",
            ),
            models.CheckConstraint(
                condition=models.Q(mail_status=MailStatus.VERSTUURD, gemaild_op__isnull=False)
                | (~models.Q(mail_status=MailStatus.VERSTUURD) & models.Q(gemaild_op__isnull=True)),
                name="signalering_gemaild_met_moment",
            ),
        ]

    def __str__(self) -> str:
        return f"signalering {self.soort} {self.onderwerp_sleutel} {self.drempel}%"

    @property
    def bevestigd(self) -> bool:
        return self.bevestigd_op is not None

    @property
    def lopend(self) -> bool:
        return self.beeindigd_op is None

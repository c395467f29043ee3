"""Two-phase reservations: a pending amount on a budget post for one source (a toewijzing)
and one provider, posted in parts by realisations and resolved once (the rest released)."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from financien.constants import BronType, ReserveringStatus
from kern.geld import BEDRAG_DECIMAL_PLACES, BEDRAG_MAX_DIGITS


def _bedragveld(naam: StrOrPromise, hulp: StrOrPromise) -> models.DecimalField:
    return models.DecimalField(
        naam,
        max_digits=BEDRAG_MAX_DIGITS,
        decimal_places=BEDRAG_DECIMAL_PLACES,
        default=0,
        help_text=hulp,
    )


def _periode_geldig() -> models.Q:
    """A period has both ends or none, in order (a reservation's and each of its history)."""
    return models.Q(begindatum__isnull=True, einddatum__isnull=True) | models.Q(
        begindatum__isnull=False, einddatum__isnull=False, einddatum__gte=models.F("begindatum")
    )


class Reservering(models.Model):
    """The reservation of one source in one budget year (one budget post).

    The amounts are running totals, changed only by the services under a lock on this row
    and always equal to what the ledger says (``financien.selectors.grootboek_controleren``):

    - ``bedrag``: the amount reserved (as booked and changed since);
    - ``gerealiseerd_bedrag``: realised against it, net of credits;
    - ``open_bedrag``: what is still reserved: ``bedrag - gerealiseerd_bedrag`` while open,
      zero once resolved.

    ``begindatum``/``einddatum`` are the period ``bedrag`` is expected over (the forecast
    spreads it pro rata, see :mod:`financien.prognose`); without them the whole budget year.
    The period may run into the next year: :func:`financien.services.reserveringen_doorrollen`
    then carries the part of that year over to it. The transfers that set the period record
    it as a :class:`Reserveringsperiode`, so a forecast on a past day uses the period of then.

    The database holds the hard limit: realised never exceeds the reserved amount.
    """

    uuid = models.UUIDField(
        _("uuid"), default=uuid.uuid4, unique=True, editable=False, help_text=_("Id in URL's.")
    )
    budgetpost = models.ForeignKey(
        "financien.Budgetpost",
        on_delete=models.PROTECT,
        related_name="reserveringen",
        verbose_name=_("budgetpost"),
        help_text=_("De budgetpost waarop gereserveerd is."),
    )
    jaar = models.PositiveSmallIntegerField(
        _("jaar"), help_text=_("Begrotingsjaar (dat van de budgetpost).")
    )
    zorgaanbieder = models.ForeignKey(
        "contracten.Zorgaanbieder",
        on_delete=models.PROTECT,
        related_name="reserveringen",
        verbose_name=_("zorgaanbieder"),
        help_text=_("De aanbieder die de zorg levert en betaald krijgt."),
    )
    bron_type = models.CharField(
        _("brontype"),
        max_length=30,
        choices=BronType.choices,
        help_text=_("Waarvoor gereserveerd is (meestal een toewijzing)."),
    )
    bron_id = models.CharField(
        _("bron-id"), max_length=64, help_text=_("Kenmerk (uuid) van de bron.")
    )
    bedrag = _bedragveld(_("bedrag"), _("Het gereserveerde bedrag in euro, na wijzigingen."))
    gerealiseerd_bedrag = _bedragveld(
        _("gerealiseerd bedrag"), _("Wat erop gerealiseerd is, na crediteringen, in euro.")
    )
    open_bedrag = _bedragveld(
        _("open bedrag"), _("Wat nog gereserveerd staat, in euro; nul na afsluiten.")
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ReserveringStatus.choices,
        default=ReserveringStatus.OPEN,
        help_text=_("Open, of eenmalig afgehandeld (vrijgegeven of afgesloten)."),
    )
    begindatum = models.DateField(
        _("begindatum"),
        null=True,
        blank=True,
        help_text=_(
            "Eerste dag van de periode waarover het bedrag verwacht wordt (de toewijzing); "
            "leeg: het hele begrotingsjaar."
        ),
    )
    einddatum = models.DateField(
        _("einddatum"),
        null=True,
        blank=True,
        help_text=_(
            "Laatste dag van die periode (inclusief); mag in een volgend jaar liggen. Leeg: het "
            "hele begrotingsjaar."
        ),
    )
    doorgerold_uit = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="doorgerold_naar",
        verbose_name=_("doorgerold uit"),
        help_text=_(
            "De reservering van het vorige jaar waarvan deze het restant overnam bij het "
            "doorrollen; leeg bij een nieuwe reservering."
        ),
    )
    vrijgave = models.OneToOneField(
        "financien.Boeking",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="vrijgegeven_reservering",
        verbose_name=_("vrijgave"),
        help_text=_("De boeking die de reservering afhandelde; leeg zolang zij open is."),
    )
    aangemaakt_op = models.DateTimeField(
        _("aangemaakt op"), auto_now_add=True, help_text=_("Moment van reserveren.")
    )

    class Meta:
        verbose_name = _("reservering")
        verbose_name_plural = _("reserveringen")
        ordering = ["-aangemaakt_op", "-id"]
        # Looked up by (bron_type, bron_id) through reservering_een_per_bron_per_jaar. The
        # table is stored with free space on its pages (fillfactor 80, migration 0012): every
        # declaration updates its reservations' amounts, and an update that fits on its page
        # writes no new index entries (a HOT update).
        constraints = [
            models.UniqueConstraint(
                fields=["bron_type", "bron_id", "jaar"],
                name="reservering_een_per_bron_per_jaar",
                violation_error_code="reservering_bestaat",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ReserveringStatus.values),
                name="reservering_status_geldig",
            ),
            models.CheckConstraint(
                condition=models.Q(bron_type__in=BronType.values),
                name="reservering_brontype_geldig",
            ),
            models.CheckConstraint(
                condition=models.Q(bedrag__gte=0, gerealiseerd_bedrag__gte=0, open_bedrag__gte=0),
                name="reservering_bedragen_niet_negatief",
            ),
            # The hard limit (TR321/TR322/TR369): never more realised than reserved.
            models.CheckConstraint(
                condition=models.Q(gerealiseerd_bedrag__lte=models.F("bedrag")),
                name="reservering_niet_boven_bedrag",
            ),
            # Open: no resolution yet. Resolved (once): by one transfer, nothing left open.
            # (That an open reservation's open amount is bedrag - gerealiseerd_bedrag is a
            # PostgreSQL CHECK of migration 0002: SQLite would compute it in floating point.)
            models.CheckConstraint(
                condition=(
                    models.Q(status=ReserveringStatus.OPEN, vrijgave__isnull=True)
                    | (
                        ~models.Q(status=ReserveringStatus.OPEN)
                        & models.Q(vrijgave__isnull=False, open_bedrag=0)
                    )
                ),
                name="reservering_open_of_afgehandeld",
            ),
            models.CheckConstraint(
                condition=models.Q(open_bedrag__lte=models.F("bedrag")),
                name="reservering_open_niet_boven_bedrag",
            ),
            models.CheckConstraint(
                condition=_periode_geldig(),
                name="reservering_periode_geldig",
                violation_error_code="periode_ongeldig",
            ),
        ]

    def __str__(self) -> str:
        return f"reservering {self.bron_type} {self.bron_id} {self.jaar}"


class Reserveringsmutatie(models.Model):
    """What one transfer did to one reservation, for transfers that touch several at once
    (a processed declaration: :func:`financien.services.declaratie_boeken`). A transfer of a
    single reservation names it in ``Boeking.reservering`` and its legs say the rest; a
    transfer of many names none, and these rows attribute its effect, so every reservation's
    amounts can still be recomputed from the ledger (``grootboek_controleren``)."""

    boeking = models.ForeignKey(
        "financien.Boeking",
        on_delete=models.PROTECT,
        # Looked up through reserveringsmutatie_uniek (boeking, reservering).
        db_index=False,
        related_name="reserveringsmutaties",
        verbose_name=_("boeking"),
        help_text=_("De boeking."),
    )
    reservering = models.ForeignKey(
        Reservering,
        on_delete=models.PROTECT,
        related_name="mutaties",
        verbose_name=_("reservering"),
        help_text=_("De reservering."),
    )
    bedrag = models.DecimalField(
        _("bedrag"),
        max_digits=BEDRAG_MAX_DIGITS,
        decimal_places=BEDRAG_DECIMAL_PLACES,
        help_text=_("Verandering van het gereserveerde bedrag (aanvulling van een tekort)."),
    )
    gerealiseerd_bedrag = models.DecimalField(
        _("gerealiseerd bedrag"),
        max_digits=BEDRAG_MAX_DIGITS,
        decimal_places=BEDRAG_DECIMAL_PLACES,
        help_text=_("Verandering van het gerealiseerde bedrag (negatief bij een creditering)."),
    )

    class Meta:
        verbose_name = _("reserveringsmutatie")
        verbose_name_plural = _("reserveringsmutaties")
        ordering = ["boeking_id", "reservering_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["boeking", "reservering"], name="reserveringsmutatie_uniek"
            ),
        ]

    def __str__(self) -> str:
        return f"mutatie {self.reservering_id} {self.gerealiseerd_bedrag}"


class Reserveringsperiode(models.Model):
    """The period a reservation had from one transfer on: written by the transfer that made
    the reservation (:func:`financien.services.reservering_boeken`) and by every transfer that
    changed its period (:func:`financien.services.reservering_wijzigen`, also when rolling
    over to the next year). A forecast on a past peildatum takes the period of the last such
    transfer booked up to that day, not the reservation's current one. A reservation without
    rows (made by a declaration for an aspecifieke toewijzing) has never had a period."""

    reservering = models.ForeignKey(
        Reservering,
        on_delete=models.PROTECT,
        related_name="perioden",
        verbose_name=_("reservering"),
        help_text=_("De reservering."),
    )
    boeking = models.OneToOneField(
        "financien.Boeking",
        on_delete=models.PROTECT,
        related_name="reserveringsperiode",
        verbose_name=_("boeking"),
        help_text=_("De boeking waarmee de reservering deze periode kreeg."),
    )
    begindatum = models.DateField(
        _("begindatum"),
        null=True,
        blank=True,
        help_text=_("Eerste dag van de periode; leeg: het hele begrotingsjaar."),
    )
    einddatum = models.DateField(
        _("einddatum"),
        null=True,
        blank=True,
        help_text=_("Laatste dag van de periode (inclusief); leeg: het hele begrotingsjaar."),
    )

    class Meta:
        verbose_name = _("reserveringsperiode")
        verbose_name_plural = _("reserveringsperioden")
        ordering = ["reservering_id", "boeking_id"]
        constraints = [
            models.CheckConstraint(
                condition=_periode_geldig(),
                name="reserveringsperiode_geldig",
            ),
        ]

    def __str__(self) -> str:
        if self.begindatum is None or self.einddatum is None:
            return "het begrotingsjaar"
        return f"{self.begindatum:%d-%m-%Y} t/m {self.einddatum:%d-%m-%Y}"

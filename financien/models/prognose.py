"""The forecast's sums of open reservations, kept per budget post on PostgreSQL.

The year-end forecast (:mod:`financien.prognose`) needs, per budget post, the sum over its
open reservations of what each is still expected to cost this year
(:class:`financien.prognose.Reserveringssom`). A post holds thousands of reservations, and
summing them again for every alert evaluation after every declaration cost more than the rest
of the evaluation. So, as an account keeps its balance, a post keeps these sums for one day
(:class:`Prognosestand`, the day the terms look from) in one row per length of period
(:class:`Prognosesom`), and a statement trigger on the reservation table (migration 0013)
adds to them what each insert, update or delete of reservations changed, in the writer's own
transaction. The sums for another day are made once, from all reservations
(:func:`financien.services.prognosesommen_vastleggen`); until then the forecast sums the
reservations as before. ``grootboek_controleren`` holds the kept sums to a full count.

The trend of the forecast averages the new reservations of the last full months; a post keeps
those per month too (:class:`Instroomsom`, migration 0014), from every ``reservering``
transfer, which is never changed once booked.

SQLite has no statement triggers with transition tables: there nothing is kept and the
forecast always sums the reservations and the transfers."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from kern.geld import BEDRAG_DECIMAL_PLACES, BEDRAG_MAX_DIGITS


class Prognosestand(models.Model):
    """The day a budget post's kept sums (:class:`Prognosesom`) look from: they are exactly
    the sums over its open reservations as they now are, looking from ``dag``."""

    budgetpost = models.OneToOneField(
        "financien.Budgetpost",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="prognosestand",
        verbose_name=_("budgetpost"),
        help_text=_("De budgetpost."),
    )
    dag = models.DateField(
        _("dag"), help_text=_("De dag waarvandaan de sommen de resterende dagen tellen.")
    )

    class Meta:
        verbose_name = _("prognosestand")
        verbose_name_plural = _("prognosestanden")

    def __str__(self) -> str:
        return f"prognosestand {self.budgetpost_id} {self.dag:%d-%m-%Y}"


class Prognosesom(models.Model):
    """Of one budget post's open reservations whose period lasts ``periode`` days: the sum of
    ``min(open x periode, bedrag x dagen na de dag)`` in euros (``teller``), their open total
    and their number."""

    budgetpost = models.ForeignKey(
        "financien.Budgetpost",
        on_delete=models.CASCADE,
        # Looked up through prognosesom_per_periode (budgetpost, periode).
        db_index=False,
        related_name="+",
        verbose_name=_("budgetpost"),
        help_text=_("De budgetpost."),
    )
    periode = models.PositiveIntegerField(
        _("periode"), help_text=_("Lengte van de periode van de reserveringen, in dagen.")
    )
    teller = models.DecimalField(
        _("teller"),
        max_digits=30,
        decimal_places=BEDRAG_DECIMAL_PLACES,
        help_text=_("Som van open bedrag x periode of bedrag x resterende dagen, het kleinste."),
    )
    open_bedrag = models.DecimalField(
        _("open bedrag"),
        max_digits=BEDRAG_MAX_DIGITS + 4,
        decimal_places=BEDRAG_DECIMAL_PLACES,
        help_text=_("Wat op deze reserveringen nog open staat, in euro."),
    )
    aantal = models.IntegerField(_("aantal"), help_text=_("Aantal open reserveringen."))

    class Meta:
        verbose_name = _("prognosesom")
        verbose_name_plural = _("prognosesommen")
        constraints = [
            models.UniqueConstraint(
                fields=["budgetpost", "periode"], name="prognosesom_per_periode"
            ),
        ]

    def __str__(self) -> str:
        return f"prognosesom {self.budgetpost_id} {self.periode}"


class Instroomsom(models.Model):
    """What new reservations (not roll-overs) were booked on a budget post in one calendar
    month: the sum of its ``reservering`` transfers with a boekdatum in that month. The
    forecast's trend averages the last months of these (:func:`financien.prognose.trendmaanden`);
    kept on PostgreSQL by the triggers of migration financien 0014, as an account keeps its
    balance, because summing three months of a region's transfers again for every alert
    evaluation grew with the bookings."""

    budgetpost = models.ForeignKey(
        "financien.Budgetpost",
        on_delete=models.CASCADE,
        # Looked up through instroomsom_per_maand (budgetpost, maand).
        db_index=False,
        related_name="+",
        verbose_name=_("budgetpost"),
        help_text=_("De budgetpost."),
    )
    maand = models.DateField(_("maand"), help_text=_("De eerste dag van de maand."))
    bedrag = models.DecimalField(
        _("bedrag"),
        max_digits=BEDRAG_MAX_DIGITS + 4,
        decimal_places=BEDRAG_DECIMAL_PLACES,
        help_text=_("Som van de nieuwe reserveringen die in deze maand zijn geboekt, in euro."),
    )

    class Meta:
        verbose_name = _("instroomsom")
        verbose_name_plural = _("instroomsommen")
        constraints = [
            models.UniqueConstraint(fields=["budgetpost", "maand"], name="instroomsom_per_maand"),
        ]

    def __str__(self) -> str:
        return f"instroomsom {self.budgetpost_id} {self.maand:%m-%Y}"

"""The ledger: accounts, transfers (Boeking) and their legs (Boekingsregel).

Append-only: a transfer and its legs are written once and never updated or deleted
(corrections are new transfers; on PostgreSQL a trigger refuses UPDATE and DELETE, see
migration 0002). The legs of one transfer sum to zero: the services check it, and on
PostgreSQL a deferred constraint trigger checks it again at commit.

Each account keeps its balance in ``saldo``, updated in the same transaction as the legs
(``saldo = saldo + bedrag``, with the account rows locked in primary-key order), so a balance
is read in O(1); ``financien.selectors.grootboek_controleren`` recomputes every balance from
the legs and reports any difference.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from financien.constants import (
    AANBIEDER_REKENINGEN,
    BUDGETPOST_REKENINGEN,
    BoekingSoort,
    BronType,
    RekeningSoort,
)
from kern.geld import BEDRAG_DECIMAL_PLACES, BEDRAG_MAX_DIGITS


class Rekening(models.Model):
    """An account of a budget post; payable and paid are held per zorgaanbieder as well."""

    budgetpost = models.ForeignKey(
        "financien.Budgetpost",
        on_delete=models.PROTECT,
        related_name="rekeningen",
        verbose_name=_("budgetpost"),
        help_text=_("De budgetpost waartoe de rekening hoort."),
    )
    soort = models.CharField(
        _("soort"), max_length=20, choices=RekeningSoort.choices, help_text=_("Soort rekening.")
    )
    zorgaanbieder = models.ForeignKey(
        "contracten.Zorgaanbieder",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rekeningen",
        verbose_name=_("zorgaanbieder"),
        help_text=_("Alleen bij te betalen en betaald: de aanbieder."),
    )
    saldo = models.DecimalField(
        _("saldo"),
        max_digits=BEDRAG_MAX_DIGITS,
        decimal_places=BEDRAG_DECIMAL_PLACES,
        default=0,
        help_text=_("Som van alle boekingsregels op deze rekening, in euro."),
    )

    class Meta:
        verbose_name = _("rekening")
        verbose_name_plural = _("rekeningen")
        ordering = ["budgetpost_id", "soort", "zorgaanbieder_id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(soort__in=RekeningSoort.values), name="rekening_soort_geldig"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(soort__in=BUDGETPOST_REKENINGEN, zorgaanbieder__isnull=True)
                    | models.Q(soort__in=AANBIEDER_REKENINGEN, zorgaanbieder__isnull=False)
                ),
                name="rekening_aanbieder_bij_soort",
            ),
            models.UniqueConstraint(
                fields=["budgetpost", "soort"],
                condition=models.Q(zorgaanbieder__isnull=True),
                name="rekening_uniek_per_budgetpost",
            ),
            models.UniqueConstraint(
                fields=["budgetpost", "soort", "zorgaanbieder"],
                condition=models.Q(zorgaanbieder__isnull=False),
                name="rekening_uniek_per_aanbieder",
            ),
            # The balances that can never change sign.
            models.CheckConstraint(
                condition=~models.Q(soort=RekeningSoort.BEGROTING) | models.Q(saldo__lte=0),
                name="rekening_begroting_niet_positief",
            ),
            models.CheckConstraint(
                condition=~models.Q(soort__in=[RekeningSoort.GERESERVEERD, RekeningSoort.BETAALD])
                | models.Q(saldo__gte=0),
                name="rekening_gereserveerd_betaald_niet_negatief",
            ),
        ]

    def __str__(self) -> str:
        aanbieder = f" aanbieder {self.zorgaanbieder_id}" if self.zorgaanbieder_id else ""
        return f"{self.soort} (budgetpost {self.budgetpost_id}{aanbieder})"


class Boeking(models.Model):
    """One balanced transfer between accounts of one gemeente."""

    uuid = models.UUIDField(
        _("uuid"), default=uuid.uuid4, unique=True, editable=False, help_text=_("Id in URL's.")
    )
    gemeente = models.ForeignKey(
        "kern.Gemeente",
        on_delete=models.PROTECT,
        related_name="boekingen",
        verbose_name=_("gemeente"),
        help_text=_("De gemeente van de budgetposten van de boeking."),
    )
    soort = models.CharField(
        _("soort"), max_length=30, choices=BoekingSoort.choices, help_text=_("Soort boeking.")
    )
    bron_type = models.CharField(
        _("brontype"),
        max_length=30,
        choices=BronType.choices,
        help_text=_("Waar de boeking uit voortkomt."),
    )
    bron_id = models.CharField(
        _("bron-id"),
        max_length=64,
        help_text=_("Kenmerk (uuid of nummer) van de bron in de eigen toepassing."),
    )
    reservering = models.ForeignKey(
        "financien.Reservering",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="boekingen",
        verbose_name=_("reservering"),
        help_text=_("De reservering waarop de boeking betrekking heeft, als die er is."),
    )
    corrigeert = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="correcties",
        verbose_name=_("corrigeert"),
        help_text=_("De boeking die deze boeking (deels) terugdraait, zoals een realisatie."),
    )
    idempotentiesleutel = models.CharField(
        _("idempotentiesleutel"),
        max_length=200,
        unique=True,
        help_text=_("Unieke sleutel van de aanroeper: dezelfde sleutel boekt nooit twee keer."),
    )
    vingerafdruk = models.CharField(
        _("vingerafdruk"),
        max_length=64,
        help_text=_(
            "SHA-256 van de inhoud van de aanvraag, om hergebruik van een sleutel "
            "voor iets anders te herkennen."
        ),
    )
    bedrag = models.DecimalField(
        _("bedrag"),
        max_digits=BEDRAG_MAX_DIGITS,
        decimal_places=BEDRAG_DECIMAL_PLACES,
        help_text=_("Het bedrag dat de boeking verplaatst (som van de positieve regels)."),
    )
    omschrijving = models.CharField(
        _("omschrijving"), max_length=255, blank=True, help_text=_("Vrije omschrijving.")
    )
    boekdatum = models.DateField(
        _("boekdatum"),
        default=timezone.localdate,
        help_text=_("De dag waarop de boeking meetelt (voor standen op een peildatum)."),
    )
    tijdstip = models.DateTimeField(
        _("tijdstip"), auto_now_add=True, db_index=True, help_text=_("Moment van boeken.")
    )
    door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("door"),
        help_text=_("Wie de boeking veroorzaakte; leeg bij systeemacties."),
    )

    class Meta:
        verbose_name = _("boeking")
        verbose_name_plural = _("boekingen")
        ordering = ["-tijdstip", "-id"]
        indexes = [
            models.Index(fields=["bron_type", "bron_id"], name="boeking_bron_idx"),
            models.Index(fields=["boekdatum"], name="boeking_boekdatum_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(soort__in=BoekingSoort.values), name="boeking_soort_geldig"
            ),
            models.CheckConstraint(
                condition=models.Q(bron_type__in=BronType.values), name="boeking_brontype_geldig"
            ),
            models.CheckConstraint(
                condition=models.Q(bedrag__gte=0), name="boeking_bedrag_niet_negatief"
            ),
            models.CheckConstraint(
                condition=~models.Q(idempotentiesleutel=""), name="boeking_sleutel_niet_leeg"
            ),
            models.CheckConstraint(
                condition=models.Q(soort=BoekingSoort.CREDITERING, corrigeert__isnull=False)
                | (~models.Q(soort=BoekingSoort.CREDITERING) & models.Q(corrigeert__isnull=True)),
                name="boeking_creditering_corrigeert",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.soort} {self.bedrag} ({self.idempotentiesleutel})"


class Boekingsregel(models.Model):
    """A leg: an amount into (positive) or out of (negative) one account."""

    boeking = models.ForeignKey(
        Boeking,
        on_delete=models.PROTECT,
        related_name="regels",
        verbose_name=_("boeking"),
        help_text=_("De boeking waartoe de regel hoort."),
    )
    rekening = models.ForeignKey(
        Rekening,
        on_delete=models.PROTECT,
        related_name="regels",
        verbose_name=_("rekening"),
        help_text=_("De rekening die het bedrag ontvangt (positief) of afgeeft (negatief)."),
    )
    bedrag = models.DecimalField(
        _("bedrag"),
        max_digits=BEDRAG_MAX_DIGITS,
        decimal_places=BEDRAG_DECIMAL_PLACES,
        help_text=_("Positief: naar de rekening; negatief: van de rekening af."),
    )

    class Meta:
        verbose_name = _("boekingsregel")
        verbose_name_plural = _("boekingsregels")
        ordering = ["boeking_id", "id"]
        indexes = [models.Index(fields=["rekening", "boeking"], name="boekingsregel_rekening_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(bedrag=0), name="boekingsregel_bedrag_niet_nul"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bedrag} op rekening {self.rekening_id}"

"""Budgets: the year of a gemeente (open or closed), its budget posts, the changes to their
budget, and the rules that say which budget post pays for a product."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from financien.constants import Taakveld
from kern.constants import Wet
from kern.geld import BEDRAG_DECIMAL_PLACES, BEDRAG_MAX_DIGITS

JAAR_REDELIJK = models.Q(jaar__gte=2015) & models.Q(jaar__lte=2100)


class Begrotingsjaar(models.Model):
    """A budget year of one gemeente. Once closed, no new reservations or budget changes are
    booked on it (code ``jaar_afgesloten``); postings against existing reservations go on."""

    gemeente = models.ForeignKey(
        "kern.Gemeente",
        on_delete=models.PROTECT,
        related_name="begrotingsjaren",
        verbose_name=_("gemeente"),
        help_text=_("De gemeente van de begroting."),
    )
    jaar = models.PositiveSmallIntegerField(_("jaar"), help_text=_("Kalenderjaar."))
    afgesloten = models.BooleanField(
        _("afgesloten"),
        default=False,
        help_text=_("Waar wanneer het jaar is afgesloten: geen nieuwe reserveringen meer."),
    )
    afgesloten_op = models.DateTimeField(
        _("afgesloten op"), null=True, blank=True, help_text=_("Moment van afsluiten.")
    )
    afgesloten_door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("afgesloten door"),
        help_text=_("Wie het jaar afsloot."),
    )

    class Meta:
        verbose_name = _("begrotingsjaar")
        verbose_name_plural = _("begrotingsjaren")
        ordering = ["-jaar", "gemeente_id"]
        constraints = [
            models.UniqueConstraint(fields=["gemeente", "jaar"], name="begrotingsjaar_uniek"),
            models.CheckConstraint(
                condition=JAAR_REDELIJK,
                name="begrotingsjaar_jaar_redelijk",
                violation_error_code="jaar_ongeldig",
                violation_error_message=_("Het jaar moet tussen 2015 en 2100 liggen."),
            ),
            models.CheckConstraint(
                condition=models.Q(afgesloten=False) | models.Q(afgesloten_op__isnull=False),
                name="begrotingsjaar_afgesloten_met_moment",
            ),
        ]

    def __str__(self) -> str:
        return f"begrotingsjaar {self.jaar} (gemeente {self.gemeente_id})"


class Budgetpost(models.Model):
    """A line of the budget: gemeente x jaar x wet x taakveld, optionally narrowed to a
    kostenplaats and a productcategorie. The amount is not a column: it is the balance of the
    post's ``begroting`` account, changed only by begrotingswijzigingen."""

    uuid = models.UUIDField(
        _("uuid"), default=uuid.uuid4, unique=True, editable=False, help_text=_("Id in URL's.")
    )
    gemeente = models.ForeignKey(
        "kern.Gemeente",
        on_delete=models.PROTECT,
        related_name="budgetposten",
        verbose_name=_("gemeente"),
        help_text=_("De gemeente van de begroting."),
    )
    jaar = models.PositiveSmallIntegerField(_("jaar"), help_text=_("Begrotingsjaar."))
    wet = models.CharField(_("wet"), max_length=3, choices=Wet.choices, help_text=_("Wmo of Jw."))
    taakveld = models.CharField(
        _("taakveld"),
        max_length=4,
        choices=Taakveld.choices,
        help_text=_("Taakveld volgens de Iv3-indeling."),
    )
    kostenplaats = models.CharField(
        _("kostenplaats"),
        max_length=30,
        blank=True,
        default="",
        help_text=_("Kostenplaats in de financiële administratie van de gemeente; leeg is geen."),
    )
    productcategorie = models.ForeignKey(
        "contracten.Productcategorie",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="budgetposten",
        verbose_name=_("productcategorie"),
        help_text=_("Alleen voor deze productcategorie; leeg is voor alle categorieën."),
    )
    omschrijving = models.CharField(
        _("omschrijving"), max_length=200, blank=True, help_text=_("Vrije omschrijving.")
    )
    aangemaakt_op = models.DateTimeField(
        _("aangemaakt op"), auto_now_add=True, help_text=_("Moment van aanmaken.")
    )

    class Meta:
        verbose_name = _("budgetpost")
        verbose_name_plural = _("budgetposten")
        ordering = ["-jaar", "gemeente_id", "wet", "taakveld", "kostenplaats", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["gemeente", "jaar", "wet", "taakveld", "kostenplaats", "productcategorie"],
                condition=models.Q(productcategorie__isnull=False),
                name="budgetpost_uniek_met_categorie",
                violation_error_code="budgetpost_bestaat",
                violation_error_message=_("Deze budgetpost bestaat al."),
            ),
            models.UniqueConstraint(
                fields=["gemeente", "jaar", "wet", "taakveld", "kostenplaats"],
                condition=models.Q(productcategorie__isnull=True),
                name="budgetpost_uniek_zonder_categorie",
                violation_error_code="budgetpost_bestaat",
                violation_error_message=_("Deze budgetpost bestaat al."),
            ),
            models.CheckConstraint(
                condition=JAAR_REDELIJK,
                name="budgetpost_jaar_redelijk",
                violation_error_code="jaar_ongeldig",
                violation_error_message=_("Het jaar moet tussen 2015 en 2100 liggen."),
            ),
            models.CheckConstraint(
                condition=models.Q(wet__in=Wet.values), name="budgetpost_wet_geldig"
            ),
            models.CheckConstraint(
                condition=models.Q(taakveld__in=Taakveld.values), name="budgetpost_taakveld_geldig"
            ),
        ]

    def __str__(self) -> str:
        plaats = f" {self.kostenplaats}" if self.kostenplaats else ""
        return f"{self.jaar} {self.wet} {self.taakveld}{plaats}"


class Begrotingswijziging(models.Model):
    """A change of a budget post's budget with its reason; booked as one transfer between
    the post's ``begroting`` and ``beschikbaar`` accounts."""

    uuid = models.UUIDField(
        _("uuid"), default=uuid.uuid4, unique=True, editable=False, help_text=_("Id in URL's.")
    )
    budgetpost = models.ForeignKey(
        Budgetpost,
        on_delete=models.PROTECT,
        related_name="begrotingswijzigingen",
        verbose_name=_("budgetpost"),
        help_text=_("De budgetpost waarvan het budget verandert."),
    )
    bedrag = models.DecimalField(
        _("bedrag"),
        max_digits=BEDRAG_MAX_DIGITS,
        decimal_places=BEDRAG_DECIMAL_PLACES,
        help_text=_("Verhoging (positief) of verlaging (negatief) van het budget in euro."),
    )
    reden = models.TextField(_("reden"), help_text=_("Waarom het budget verandert."))
    besluit = models.CharField(
        _("besluit"),
        max_length=100,
        blank=True,
        help_text=_("Kenmerk van het besluit, bijvoorbeeld het nummer van de begrotingswijziging."),
    )
    boeking = models.OneToOneField(
        "financien.Boeking",
        on_delete=models.PROTECT,
        related_name="begrotingswijziging",
        verbose_name=_("boeking"),
        help_text=_("De boeking van deze wijziging in het grootboek."),
    )
    door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("door"),
        help_text=_("Wie de wijziging vastlegde; leeg bij systeemacties."),
    )
    tijdstip = models.DateTimeField(
        _("tijdstip"), auto_now_add=True, help_text=_("Moment van vastleggen.")
    )

    class Meta:
        verbose_name = _("begrotingswijziging")
        verbose_name_plural = _("begrotingswijzigingen")
        ordering = ["-tijdstip", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(bedrag=0), name="begrotingswijziging_niet_nul"
            ),
        ]

    def __str__(self) -> str:
        return f"begrotingswijziging {self.bedrag} (budgetpost {self.budgetpost_id})"


class BudgetpostToewijzingsregel(models.Model):
    """Which taakveld (and kostenplaats) pays for a product: a rule per gemeente and wet, for
    a whole productcategorie, or for one product. The most specific rule wins."""

    uuid = models.UUIDField(
        _("uuid"), default=uuid.uuid4, unique=True, editable=False, help_text=_("Id in URL's.")
    )
    gemeente = models.ForeignKey(
        "kern.Gemeente",
        on_delete=models.PROTECT,
        related_name="budgetpost_toewijzingsregels",
        verbose_name=_("gemeente"),
        help_text=_("De gemeente waarvoor de regel geldt."),
    )
    wet = models.CharField(_("wet"), max_length=3, choices=Wet.choices, help_text=_("Wmo of Jw."))
    productcategorie = models.ForeignKey(
        "contracten.Productcategorie",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="budgetpost_toewijzingsregels",
        verbose_name=_("productcategorie"),
        help_text=_("Leeg: de regel geldt voor de hele wet."),
    )
    product = models.ForeignKey(
        "contracten.Product",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="budgetpost_toewijzingsregels",
        verbose_name=_("product"),
        help_text=_("Leeg: de regel geldt voor de hele productcategorie."),
    )
    taakveld = models.CharField(
        _("taakveld"),
        max_length=4,
        choices=Taakveld.choices,
        help_text=_("Taakveld waarop het product drukt."),
    )
    kostenplaats = models.CharField(
        _("kostenplaats"),
        max_length=30,
        blank=True,
        default="",
        help_text=_("Kostenplaats waarop het product drukt; leeg is geen."),
    )

    class Meta:
        verbose_name = _("toewijzingsregel budgetpost")
        verbose_name_plural = _("toewijzingsregels budgetposten")
        ordering = ["gemeente_id", "wet", "productcategorie_id", "product_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["gemeente", "wet"],
                condition=models.Q(productcategorie__isnull=True, product__isnull=True),
                name="toewijzingsregel_uniek_wet",
            ),
            models.UniqueConstraint(
                fields=["gemeente", "wet", "productcategorie"],
                condition=models.Q(productcategorie__isnull=False, product__isnull=True),
                name="toewijzingsregel_uniek_categorie",
            ),
            models.UniqueConstraint(
                fields=["gemeente", "wet", "product"],
                condition=models.Q(product__isnull=False),
                name="toewijzingsregel_uniek_product",
            ),
            models.CheckConstraint(
                condition=models.Q(product__isnull=True) | models.Q(productcategorie__isnull=False),
                name="toewijzingsregel_product_met_categorie",
            ),
            models.CheckConstraint(
                condition=models.Q(wet__in=Wet.values), name="toewijzingsregel_wet_geldig"
            ),
            models.CheckConstraint(
                condition=models.Q(taakveld__in=Taakveld.values),
                name="toewijzingsregel_taakveld_geldig",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.wet} -> {self.taakveld}"

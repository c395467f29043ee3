import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from djmoney.models.fields import MoneyField

from contracten.constants import Eenheid, TariefReden
from contracten.models.contract import Contract
from contracten.models.product import Product
from kern.geld import BEDRAG_DECIMAL_PLACES, BEDRAG_MAX_DIGITS, VALUTA


class Tariefperiode(models.Model):
    """A dated tariff of one product in one contract. Never overwritten: an indexation or a
    change adds a period (closing an open-ended predecessor the day before); a correction of
    the same dates adds a period that *replaces* the old one (``vervangt``/``is_vervangen``).

    Among periods that are not replaced, those of one contract and product never overlap:
    the service checks it and, on PostgreSQL, an exclusion constraint enforces it
    (migration contracten 0002).
    """

    uuid = models.UUIDField(
        _("uuid"), default=uuid.uuid4, unique=True, editable=False, help_text=_("Id in URL's.")
    )
    contract = models.ForeignKey(
        Contract,
        on_delete=models.PROTECT,
        related_name="tariefperioden",
        verbose_name=_("contract"),
        help_text=_("Contract waarin het tarief is afgesproken."),
    )
    product = models.ForeignKey(
        Product,
        on_delete=models.PROTECT,
        related_name="tariefperioden",
        verbose_name=_("product"),
        help_text=_("Het product."),
    )
    bedrag = MoneyField(
        _("tarief"),
        max_digits=BEDRAG_MAX_DIGITS,
        decimal_places=BEDRAG_DECIMAL_PLACES,
        default_currency=VALUTA,
        currency_choices=[(VALUTA, "Euro")],
        help_text=_("Tarief in euro per eenheid."),
    )
    eenheid = models.CharField(
        _("eenheid"),
        max_length=2,
        choices=Eenheid.choices,
        help_text=_("Eenheid waarop het tarief betrekking heeft."),
    )
    ingangsdatum = models.DateField(_("ingangsdatum"), help_text=_("Eerste dag van het tarief."))
    einddatum = models.DateField(
        _("einddatum"), null=True, blank=True, help_text=_("Laatste dag; leeg is open.")
    )
    reden = models.CharField(
        _("reden"),
        max_length=12,
        choices=TariefReden.choices,
        default=TariefReden.INITIEEL,
        help_text=_("Waarom deze periode bestaat."),
    )
    toelichting = models.CharField(
        _("toelichting"), max_length=255, blank=True, help_text=_("Vrije toelichting.")
    )
    vervangt = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="vervangen_door",
        verbose_name=_("vervangt"),
        help_text=_("De periode die deze correctie vervangt."),
    )
    is_vervangen = models.BooleanField(
        _("vervangen"),
        default=False,
        help_text=_("Waar wanneer een correctie deze periode heeft vervangen; telt dan niet mee."),
    )
    aangemaakt_op = models.DateTimeField(
        _("aangemaakt op"), auto_now_add=True, help_text=_("Tijd.")
    )
    aangemaakt_door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("aangemaakt door"),
        help_text=_("Gebruiker; leeg bij systeemacties."),
    )

    class Meta:
        verbose_name = _("tariefperiode")
        verbose_name_plural = _("tariefperioden")
        ordering = ["contract", "product", "ingangsdatum", "id"]
        indexes = [
            models.Index(fields=["product", "ingangsdatum"], name="tariefperiode_product_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(einddatum__isnull=True)
                | models.Q(einddatum__gte=models.F("ingangsdatum")),
                name="tariefperiode_einde_na_ingang",
                violation_error_code="einddatum_voor_ingangsdatum",
                violation_error_message=_("De einddatum ligt vóór de ingangsdatum."),
            ),
            models.CheckConstraint(
                condition=models.Q(bedrag__gte=0),
                name="tariefperiode_bedrag_niet_negatief",
                violation_error_code="tarief_negatief",
                violation_error_message=_("Een tarief is niet negatief."),
            ),
            models.CheckConstraint(
                condition=models.Q(eenheid__in=Eenheid.values), name="tariefperiode_eenheid_geldig"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bedrag} per {self.get_eenheid_display()} vanaf {self.ingangsdatum}"

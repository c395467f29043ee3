import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _
from djmoney.models.fields import MoneyField

from contracten.models.zorgaanbieder import Zorgaanbieder
from kern.geld import BEDRAG_DECIMAL_PLACES, BEDRAG_MAX_DIGITS, VALUTA


class Bestedingsruimte(models.Model):
    """A yearly spending cap for one provider in one gemeente (soft: overruns are flagged)."""

    uuid = models.UUIDField(
        _("uuid"), default=uuid.uuid4, unique=True, editable=False, help_text=_("Id in URL's.")
    )
    zorgaanbieder = models.ForeignKey(
        Zorgaanbieder,
        on_delete=models.PROTECT,
        related_name="bestedingsruimten",
        verbose_name=_("zorgaanbieder"),
        help_text=_("De aanbieder."),
    )
    gemeente = models.ForeignKey(
        "kern.Gemeente",
        on_delete=models.PROTECT,
        related_name="bestedingsruimten",
        verbose_name=_("gemeente"),
        help_text=_("De gemeente die het plafond stelt."),
    )
    jaar = models.PositiveSmallIntegerField(_("jaar"), help_text=_("Kalenderjaar."))
    bedrag = MoneyField(
        _("bedrag"),
        max_digits=BEDRAG_MAX_DIGITS,
        decimal_places=BEDRAG_DECIMAL_PLACES,
        default_currency=VALUTA,
        currency_choices=[(VALUTA, "Euro")],
        help_text=_("Maximale besteding in het jaar."),
    )
    toelichting = models.CharField(
        _("toelichting"), max_length=255, blank=True, help_text=_("Vrije toelichting.")
    )

    class Meta:
        verbose_name = _("bestedingsruimte")
        verbose_name_plural = _("bestedingsruimten")
        ordering = ["jaar", "zorgaanbieder", "gemeente"]
        constraints = [
            models.UniqueConstraint(
                fields=["zorgaanbieder", "gemeente", "jaar"], name="bestedingsruimte_uniek"
            ),
            models.CheckConstraint(
                condition=models.Q(bedrag__gte=0),
                name="bestedingsruimte_niet_negatief",
                violation_error_code="bestedingsruimte_niet_negatief",
                violation_error_message=_("Een bestedingsruimte is niet negatief."),
            ),
            models.CheckConstraint(
                condition=models.Q(jaar__gte=2015) & models.Q(jaar__lte=2100),
                name="bestedingsruimte_jaar_redelijk",
                violation_error_code="bestedingsruimte_jaar_redelijk",
                violation_error_message=_("Het jaar moet tussen 2015 en 2100 liggen."),
            ),
        ]

    def __str__(self) -> str:
        return f"bestedingsruimte {self.jaar}: {self.bedrag}"

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from contracten.constants import SlaEenheid, SlaSoort
from contracten.models.contract import Contract


class SlaNorm(models.Model):
    """A service level agreed in a contract, stored with its unit (measured by later work)."""

    contract = models.ForeignKey(
        Contract,
        on_delete=models.PROTECT,
        related_name="sla_normen",
        verbose_name=_("contract"),
        help_text=_("Het contract."),
    )
    soort = models.CharField(
        _("soort"), max_length=30, choices=SlaSoort.choices, help_text=_("Wat de norm meet.")
    )
    waarde = models.DecimalField(
        _("waarde"),
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("De norm, in de eenheid hiernaast."),
    )
    eenheid = models.CharField(
        _("eenheid"), max_length=15, choices=SlaEenheid.choices, help_text=_("Eenheid van de norm.")
    )
    toelichting = models.CharField(
        _("toelichting"), max_length=255, blank=True, help_text=_("Vrije toelichting.")
    )

    class Meta:
        verbose_name = _("SLA-norm")
        verbose_name_plural = _("SLA-normen")
        ordering = ["contract", "soort"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "soort"], name="slanorm_uniek_per_soort"),
            models.CheckConstraint(
                condition=models.Q(soort__in=SlaSoort.values), name="slanorm_soort_geldig"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.soort}: {self.waarde} {self.eenheid}"

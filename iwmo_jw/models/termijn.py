from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from iwmo_jw.constants import TermijnSoort


class Termijn(models.Model):
    """A deadline by which the gemeente must answer an inbound message. Answering (an
    outbound message of a fitting type linked to the inbound one) closes it."""

    bericht = models.ForeignKey(
        "iwmo_jw.InkomendBericht",
        on_delete=models.PROTECT,
        related_name="termijnen",
        verbose_name=_("bericht"),
        help_text=_("Het inkomende bericht dat beantwoord moet worden."),
    )
    soort = models.CharField(
        _("soort"),
        max_length=30,
        choices=TermijnSoort.choices,
        help_text=_("Welk antwoord verwacht wordt."),
    )
    werkdagen = models.PositiveSmallIntegerField(
        _("werkdagen"), help_text=_("Lengte van de termijn in werkdagen.")
    )
    begindatum = models.DateField(
        _("begindatum"), help_text=_("Dag van ontvangst; de termijn telt vanaf de dag erna.")
    )
    uiterste_datum = models.DateField(
        _("uiterste datum"),
        db_index=True,
        help_text=_("Laatste dag waarop het antwoord op tijd is."),
    )
    gesloten_op = models.DateTimeField(
        _("gesloten op"),
        null=True,
        blank=True,
        help_text=_("Wanneer het antwoord werd vastgelegd of de termijn verviel."),
    )
    gesloten_door = models.ForeignKey(
        "iwmo_jw.UitgaandBericht",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="gesloten_termijnen",
        verbose_name=_("gesloten door"),
        help_text=_("Het uitgaande bericht dat de termijn sloot."),
    )
    sluitreden = models.CharField(
        _("sluitreden"),
        max_length=255,
        blank=True,
        help_text=_("Waarom de termijn zonder antwoord verviel."),
    )
    gesignaleerd_op = models.DateTimeField(
        _("gesignaleerd op"),
        null=True,
        blank=True,
        help_text=_("Wanneer het verstrijken van de termijn is gemeld (één keer)."),
    )

    class Meta:
        verbose_name = _("termijn")
        verbose_name_plural = _("termijnen")
        ordering = ["uiterste_datum", "id"]
        constraints = [
            models.UniqueConstraint(fields=["bericht", "soort"], name="termijn_per_soort_uniek"),
            models.CheckConstraint(
                condition=models.Q(soort__in=TermijnSoort.values), name="termijn_soort_geldig"
            ),
            models.CheckConstraint(
                condition=models.Q(gesloten_door__isnull=True)
                | models.Q(gesloten_op__isnull=False),
                name="termijn_gesloten_door_heeft_tijd",
            ),
            models.CheckConstraint(
                condition=models.Q(uiterste_datum__gt=models.F("begindatum")),
                name="termijn_uiterste_na_begin",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_soort_display()} uiterlijk {self.uiterste_datum:%d-%m-%Y}"

    @property
    def open(self) -> bool:
        return self.gesloten_op is None

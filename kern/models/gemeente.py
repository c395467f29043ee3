from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

gemeentecode_validator = RegexValidator(
    r"^\d{4}$", _("Een gemeentecode bestaat uit 4 cijfers (CBS)."), code="gemeentecode_ongeldig"
)


class Gemeente(models.Model):
    """A municipality by its CBS code (LDT_GemeenteCode), loaded from the CBS code list."""

    code = models.CharField(
        _("gemeentecode"),
        max_length=4,
        unique=True,
        validators=[gemeentecode_validator],
        help_text=_("CBS-gemeentecode, 4 cijfers."),
    )
    naam = models.CharField(_("naam"), max_length=100, help_text=_("Naam van de gemeente."))
    provincie = models.CharField(
        _("provincie"), max_length=50, blank=True, help_text=_("Provincie volgens het CBS.")
    )
    aangesloten = models.BooleanField(
        _("aangesloten"),
        default=False,
        help_text=_(
            "Waar wanneer deze installatie de berichten en het geld van deze gemeente verwerkt."
        ),
    )
    actief = models.BooleanField(
        _("actief"),
        default=True,
        help_text=_("Onwaar voor gemeenten die door herindeling zijn opgeheven."),
    )

    class Meta:
        verbose_name = _("gemeente")
        verbose_name_plural = _("gemeenten")
        ordering = ["naam"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[0-9]{4}$"), name="gemeente_code_4_cijfers"
            )
        ]

    def __str__(self) -> str:
        return f"{self.naam} ({self.code})"

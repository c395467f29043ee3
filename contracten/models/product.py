import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from contracten.constants import Eenheid, Uitvoeringsvariant
from contracten.validators import productcategorie_validator, productcode_validator
from kern.constants import Wet


class Productcategorie(models.Model):
    """An entry of LDT_ProductCategorie. iWmo and iJw have separate lists: keyed on the wet."""

    wet = models.CharField(_("wet"), max_length=3, choices=Wet.choices, help_text=_("Wmo of Jw."))
    code = models.CharField(
        _("code"),
        max_length=2,
        validators=[productcategorie_validator],
        help_text=_("Productcategorie volgens de codelijst van de standaard."),
    )
    omschrijving = models.CharField(
        _("omschrijving"), max_length=200, help_text=_("Omschrijving uit de codelijst.")
    )

    class Meta:
        verbose_name = _("productcategorie")
        verbose_name_plural = _("productcategorieën")
        ordering = ["wet", "code"]
        constraints = [
            models.UniqueConstraint(fields=["wet", "code"], name="productcategorie_uniek_per_wet"),
            models.CheckConstraint(
                condition=models.Q(wet__in=Wet.values), name="productcategorie_wet_geldig"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.wet} {self.code} {self.omschrijving}"


class Product(models.Model):
    """A product of the regional catalogue. Retired products keep their rows (einddatum set)
    so everything assigned under them stays valid."""

    uuid = models.UUIDField(
        _("uuid"), default=uuid.uuid4, unique=True, editable=False, help_text=_("Id in URL's.")
    )
    categorie = models.ForeignKey(
        Productcategorie,
        on_delete=models.PROTECT,
        related_name="producten",
        verbose_name=_("productcategorie"),
        help_text=_("Categorie (en daarmee de wet) van het product."),
    )
    productcode = models.CharField(
        _("productcode"),
        max_length=5,
        validators=[productcode_validator],
        help_text=_("Productcode, 1 tot 5 tekens."),
    )
    naam = models.CharField(_("naam"), max_length=200, help_text=_("Naam van het product."))
    eenheid = models.CharField(
        _("eenheid"),
        max_length=2,
        choices=Eenheid.choices,
        help_text=_("Eenheid waarin het product wordt toegewezen en gedeclareerd."),
    )
    uitvoeringsvariant = models.CharField(
        _("uitvoeringsvariant"),
        max_length=20,
        choices=Uitvoeringsvariant.choices,
        help_text=_("Inspanningsgericht, outputgericht of taakgericht."),
    )
    ingangsdatum = models.DateField(_("ingangsdatum"), help_text=_("Eerste dag van geldigheid."))
    einddatum = models.DateField(
        _("einddatum"),
        null=True,
        blank=True,
        help_text=_(
            "Laatste dag waarop het product nieuw mag worden gecontracteerd; leeg is open."
        ),
    )

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("producten")
        ordering = ["categorie__wet", "categorie__code", "productcode"]
        constraints = [
            models.UniqueConstraint(
                fields=["categorie", "productcode"], name="product_code_uniek_per_categorie"
            ),
            models.CheckConstraint(
                condition=models.Q(einddatum__isnull=True)
                | models.Q(einddatum__gte=models.F("ingangsdatum")),
                name="product_einde_na_ingang",
                violation_error_code="einddatum_voor_ingangsdatum",
                violation_error_message=_("De einddatum ligt vóór de ingangsdatum."),
            ),
            models.CheckConstraint(
                condition=models.Q(eenheid__in=Eenheid.values), name="product_eenheid_geldig"
            ),
            models.CheckConstraint(
                condition=models.Q(uitvoeringsvariant__in=Uitvoeringsvariant.values),
                name="product_uitvoeringsvariant_geldig",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.productcode} {self.naam}"

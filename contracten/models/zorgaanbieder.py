import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from contracten.validators import agb_validator, kvk_validator, valideer_iban


class Zorgaanbieder(models.Model):
    uuid = models.UUIDField(
        _("uuid"), default=uuid.uuid4, unique=True, editable=False, help_text=_("Id in URL's.")
    )
    agb_code = models.CharField(
        _("AGB-code"),
        max_length=8,
        unique=True,
        validators=[agb_validator],
        help_text=_("AGB-code van de zorgaanbieder (8 cijfers, Vektis)."),
    )
    kvk_nummer = models.CharField(
        _("KvK-nummer"),
        max_length=8,
        blank=True,
        validators=[kvk_validator],
        help_text=_("Nummer in het Handelsregister (8 cijfers)."),
    )
    naam = models.CharField(_("naam"), max_length=200, help_text=_("Statutaire of handelsnaam."))
    iban = models.CharField(
        _("IBAN"),
        max_length=34,
        blank=True,
        validators=[valideer_iban],
        help_text=_("Rekeningnummer voor betalingen, zonder spaties."),
    )
    email = models.EmailField(_("e-mail"), blank=True, help_text=_("Algemeen e-mailadres."))
    telefoon = models.CharField(_("telefoon"), max_length=20, blank=True, help_text=_("Telefoon."))
    contactpersoon = models.CharField(
        _("contactpersoon"), max_length=200, blank=True, help_text=_("Contactpersoon contract.")
    )
    adres = models.CharField(
        _("adres"), max_length=200, blank=True, help_text=_("Straat en huisnummer.")
    )
    postcode = models.CharField(_("postcode"), max_length=7, blank=True, help_text=_("Postcode."))
    plaats = models.CharField(_("plaats"), max_length=100, blank=True, help_text=_("Plaats."))
    actief = models.BooleanField(
        _("actief"),
        default=True,
        help_text=_("Inactieve aanbieders krijgen geen nieuwe opdrachten."),
    )

    class Meta:
        verbose_name = _("zorgaanbieder")
        verbose_name_plural = _("zorgaanbieders")
        ordering = ["naam"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(agb_code__regex=r"^[0-9]{8}$"),
                name="zorgaanbieder_agb_8_cijfers",
            )
        ]

    def __str__(self) -> str:
        return f"{self.naam} ({self.agb_code})"


class ZorgaanbiederGebruiker(models.Model):
    """Links a user with the zorgaanbieder role to the one provider whose data they see."""

    gebruiker = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="zorgaanbieder_koppeling",
        verbose_name=_("gebruiker"),
        help_text=_("Gebruiker met de rol zorgaanbieder."),
    )
    zorgaanbieder = models.ForeignKey(
        Zorgaanbieder,
        on_delete=models.PROTECT,
        related_name="gebruikers",
        verbose_name=_("zorgaanbieder"),
        help_text=_("De aanbieder namens wie de gebruiker werkt."),
    )

    class Meta:
        verbose_name = _("gebruiker van zorgaanbieder")
        verbose_name_plural = _("gebruikers van zorgaanbieders")

    def __str__(self) -> str:
        return f"gebruiker {self.gebruiker_id} -> aanbieder {self.zorgaanbieder_id}"

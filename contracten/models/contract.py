import uuid

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from contracten.constants import ContractStatus
from contracten.models.zorgaanbieder import Zorgaanbieder


class Contract(models.Model):
    """A contract with one provider covering one or more gemeenten.

    The row holds the current version; every change writes a :class:`ContractVersie` with
    the full state and its reason, so earlier versions stay readable.
    """

    uuid = models.UUIDField(
        _("uuid"), default=uuid.uuid4, unique=True, editable=False, help_text=_("Id in URL's.")
    )
    nummer = models.CharField(
        _("contractnummer"), max_length=40, unique=True, help_text=_("Uniek contractnummer.")
    )
    zorgaanbieder = models.ForeignKey(
        Zorgaanbieder,
        on_delete=models.PROTECT,
        related_name="contracten",
        verbose_name=_("zorgaanbieder"),
        help_text=_("De gecontracteerde aanbieder."),
    )
    gemeenten = models.ManyToManyField(
        "kern.Gemeente",
        related_name="contracten",
        verbose_name=_("gemeenten"),
        help_text=_("Gemeenten waarvoor het contract geldt."),
    )
    omschrijving = models.CharField(
        _("omschrijving"), max_length=255, blank=True, help_text=_("Korte omschrijving.")
    )
    ingangsdatum = models.DateField(_("ingangsdatum"), help_text=_("Eerste dag van het contract."))
    einddatum = models.DateField(
        _("einddatum"), null=True, blank=True, help_text=_("Laatste dag; leeg is onbepaalde tijd.")
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ContractStatus.choices,
        default=ContractStatus.CONCEPT,
        help_text=_("Concept, actief, opgezegd of beëindigd."),
    )
    versie = models.PositiveIntegerField(
        _("versie"), default=1, help_text=_("Nummer van de huidige versie.")
    )

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracten")
        ordering = ["nummer"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(einddatum__isnull=True)
                | models.Q(einddatum__gte=models.F("ingangsdatum")),
                name="contract_einde_na_ingang",
                violation_error_code="einddatum_voor_ingangsdatum",
                violation_error_message=_("De einddatum ligt vóór de ingangsdatum."),
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ContractStatus.values), name="contract_status_geldig"
            ),
        ]

    def __str__(self) -> str:
        return f"contract {self.nummer}"


class ContractVersie(models.Model):
    contract = models.ForeignKey(
        Contract,
        on_delete=models.PROTECT,
        related_name="versies",
        verbose_name=_("contract"),
        help_text=_("Het contract."),
    )
    versie = models.PositiveIntegerField(_("versie"), help_text=_("Volgnummer, vanaf 1."))
    reden = models.CharField(
        _("reden"), max_length=255, help_text=_("Waarom deze versie is gemaakt.")
    )
    gegevens = models.JSONField(
        _("gegevens"),
        encoder=DjangoJSONEncoder,
        help_text=_("Volledige inhoud van het contract in deze versie."),
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
        help_text=_("Gebruiker; leeg bij import of systeem."),
    )

    class Meta:
        verbose_name = _("contractversie")
        verbose_name_plural = _("contractversies")
        ordering = ["contract", "versie"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "versie"], name="contractversie_uniek")
        ]

    def __str__(self) -> str:
        return f"versie {self.versie}"


class ContractStatusWijziging(models.Model):
    contract = models.ForeignKey(
        Contract,
        on_delete=models.PROTECT,
        related_name="statuswijzigingen",
        verbose_name=_("contract"),
        help_text=_("Het contract."),
    )
    van_status = models.CharField(
        _("van"), max_length=12, choices=ContractStatus.choices, help_text=_("Vorige status.")
    )
    naar_status = models.CharField(
        _("naar"), max_length=12, choices=ContractStatus.choices, help_text=_("Nieuwe status.")
    )
    reden = models.CharField(_("reden"), max_length=255, blank=True, help_text=_("Toelichting."))
    tijdstip = models.DateTimeField(_("tijdstip"), auto_now_add=True, help_text=_("Tijd."))
    door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("door"),
        help_text=_("Gebruiker die de status wijzigde."),
    )

    class Meta:
        verbose_name = _("statuswijziging contract")
        verbose_name_plural = _("statuswijzigingen contracten")
        ordering = ["contract", "tijdstip", "id"]

    def __str__(self) -> str:
        return f"{self.van_status} -> {self.naar_status}"

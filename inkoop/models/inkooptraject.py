import uuid

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise
from djmoney.models.fields import MoneyField

from contracten.constants import Eenheid
from inkoop.constants import (
    AANBESTEDINGEN,
    InschrijvingStatus,
    Procedure,
    Tariefsoort,
    TrajectStatus,
)
from kern.constants import Wet
from kern.geld import BEDRAG_DECIMAL_PLACES, BEDRAG_MAX_DIGITS, VALUTA

#: A traject code plus "-" and an AGB code (8) is a contract number (at most 40 characters).
TRAJECTCODE_MAX = 31

trajectcode_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
    _("Een trajectcode bestaat uit letters, cijfers, punten, streepjes en liggende streepjes."),
    code="trajectcode_ongeldig",
)


def _bedragveld(verbose_name: StrOrPromise, help_text: StrOrPromise) -> MoneyField:
    return MoneyField(
        verbose_name,
        max_digits=BEDRAG_MAX_DIGITS,
        decimal_places=BEDRAG_DECIMAL_PLACES,
        default_currency=VALUTA,
        currency_choices=[(VALUTA, "Euro")],
        help_text=help_text,
    )


class Inkooptraject(models.Model):
    """A procurement procedure of one or more gemeenten for one law.

    An open house admits providers during its whole term; a tender (openbare or meervoudig
    onderhandse aanbesteding) takes submissions until its closing date, then assesses them.
    Admitting a provider gives it one contract per traject (see the services).
    """

    uuid = models.UUIDField(
        _("uuid"), default=uuid.uuid4, unique=True, editable=False, help_text=_("Id in URL's.")
    )
    code = models.CharField(
        _("code"),
        max_length=TRAJECTCODE_MAX,
        unique=True,
        validators=[trajectcode_validator],
        help_text=_(
            "Unieke code van het traject, bijvoorbeeld OH-WMO-2026; de contracten die eruit "
            "voortkomen krijgen het nummer <code>-<AGB-code>."
        ),
    )
    naam = models.CharField(_("naam"), max_length=200, help_text=_("Naam van het traject."))
    omschrijving = models.TextField(
        _("omschrijving"), blank=True, help_text=_("Toelichting op het traject.")
    )
    procedure = models.CharField(
        _("procedure"),
        max_length=25,
        choices=Procedure.choices,
        help_text=_("Open house, openbare aanbesteding of meervoudig onderhandse aanbesteding."),
    )
    wet = models.CharField(
        _("wet"), max_length=3, choices=Wet.choices, help_text=_("Wmo of Jeugdwet.")
    )
    gemeenten = models.ManyToManyField(
        "kern.Gemeente",
        related_name="inkooptrajecten",
        verbose_name=_("gemeenten"),
        help_text=_("De gemeenten die samen inkopen; de contracten gelden voor al deze gemeenten."),
    )
    publicatiedatum = models.DateField(
        _("publicatiedatum"),
        null=True,
        blank=True,
        help_text=_("Dag waarop het traject is gepubliceerd; leeg zolang het een concept is."),
    )
    sluitingsdatum_inschrijving = models.DateField(
        _("sluitingsdatum inschrijving"),
        null=True,
        blank=True,
        help_text=_(
            "Laatste dag waarop aanbieders kunnen inschrijven. Verplicht bij een aanbesteding; "
            "bij een open house leeg: inschrijven kan dan de hele looptijd."
        ),
    )
    looptijd_begin = models.DateField(
        _("begin looptijd"), help_text=_("Eerste dag waarop de contracten van het traject gelden.")
    )
    looptijd_eind = models.DateField(
        _("einde looptijd"), help_text=_("Laatste dag waarop de contracten van het traject gelden.")
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=TrajectStatus.choices,
        default=TrajectStatus.CONCEPT,
        help_text=_("Concept, gepubliceerd, gesloten, gegund, afgerond of ingetrokken."),
    )
    aangemaakt_op = models.DateTimeField(
        _("aangemaakt op"), auto_now_add=True, help_text=_("Tijd.")
    )

    class Meta:
        verbose_name = _("inkooptraject")
        verbose_name_plural = _("inkooptrajecten")
        ordering = ["-looptijd_begin", "code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(looptijd_eind__gte=models.F("looptijd_begin")),
                name="inkooptraject_eind_na_begin",
                violation_error_code="einddatum_voor_ingangsdatum",
                violation_error_message=_("Het einde van de looptijd ligt vóór het begin."),
            ),
            models.CheckConstraint(
                condition=models.Q(sluitingsdatum_inschrijving__isnull=True)
                | models.Q(sluitingsdatum_inschrijving__lte=models.F("looptijd_eind")),
                name="inkooptraject_sluiting_binnen_looptijd",
                violation_error_code="sluitingsdatum_na_looptijd",
                violation_error_message=_(
                    "De sluitingsdatum van de inschrijving ligt na het einde van de looptijd."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(procedure=Procedure.OPEN_HOUSE)
                | models.Q(sluitingsdatum_inschrijving__isnull=False),
                name="inkooptraject_aanbesteding_sluitingsdatum",
                violation_error_code="sluitingsdatum_verplicht",
                violation_error_message=_(
                    "Een aanbesteding heeft een sluitingsdatum voor de inschrijving."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(procedure__in=Procedure.values),
                name="inkooptraject_procedure_geldig",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=TrajectStatus.values),
                name="inkooptraject_status_geldig",
            ),
            models.CheckConstraint(
                condition=models.Q(wet__in=Wet.values), name="inkooptraject_wet_geldig"
            ),
        ]

    def __str__(self) -> str:
        return f"inkooptraject {self.code}"

    @property
    def is_aanbesteding(self) -> bool:
        return self.procedure in AANBESTEDINGEN


class InkooptrajectStatusWijziging(models.Model):
    """One status change of a traject (append-only history)."""

    traject = models.ForeignKey(
        Inkooptraject,
        on_delete=models.PROTECT,
        related_name="statuswijzigingen",
        verbose_name=_("inkooptraject"),
        help_text=_("Het traject."),
    )
    van_status = models.CharField(
        _("van"), max_length=12, choices=TrajectStatus.choices, help_text=_("Vorige status.")
    )
    naar_status = models.CharField(
        _("naar"), max_length=12, choices=TrajectStatus.choices, help_text=_("Nieuwe status.")
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
        help_text=_("Gebruiker die de status wijzigde; leeg bij systeemacties."),
    )

    class Meta:
        verbose_name = _("statuswijziging inkooptraject")
        verbose_name_plural = _("statuswijzigingen inkooptrajecten")
        ordering = ["traject", "tijdstip", "id"]

    def __str__(self) -> str:
        return f"{self.van_status} -> {self.naar_status}"


class Perceel(models.Model):
    """A lot of a traject: a set of products with the tariff or tariff ceiling of the
    procedure. A provider submits per perceel."""

    uuid = models.UUIDField(
        _("uuid"), default=uuid.uuid4, unique=True, editable=False, help_text=_("Id in URL's.")
    )
    traject = models.ForeignKey(
        Inkooptraject,
        on_delete=models.PROTECT,
        related_name="percelen",
        verbose_name=_("inkooptraject"),
        help_text=_("Het traject waarvan dit perceel deel is."),
    )
    naam = models.CharField(
        _("naam"), max_length=200, help_text=_("Naam van het perceel, uniek binnen het traject.")
    )
    omschrijving = models.TextField(
        _("omschrijving"), blank=True, help_text=_("Toelichting op het perceel.")
    )

    class Meta:
        verbose_name = _("perceel")
        verbose_name_plural = _("percelen")
        ordering = ["traject", "naam"]
        constraints = [
            models.UniqueConstraint(
                fields=["traject", "naam"],
                name="perceel_naam_uniek_per_traject",
                violation_error_code="perceel_bestaat",
            )
        ]

    def __str__(self) -> str:
        return f"perceel {self.naam}"


class PerceelProduct(models.Model):
    """A product of a perceel with its fixed tariff, or the ceiling under which each
    provider offers its own tariff."""

    perceel = models.ForeignKey(
        Perceel,
        on_delete=models.PROTECT,
        related_name="producten",
        verbose_name=_("perceel"),
        help_text=_("Het perceel."),
    )
    product = models.ForeignKey(
        "contracten.Product",
        on_delete=models.PROTECT,
        related_name="perceelproducten",
        verbose_name=_("product"),
        help_text=_("Het product uit de catalogus."),
    )
    tariefsoort = models.CharField(
        _("tariefsoort"),
        max_length=7,
        choices=Tariefsoort.choices,
        help_text=_("Vast tarief, of een plafond waaronder de aanbieder een tarief biedt."),
    )
    bedrag = _bedragveld(
        _("tarief of plafond"), _("Het vaste tarief of het tariefplafond, in euro per eenheid.")
    )
    eenheid = models.CharField(
        _("eenheid"),
        max_length=2,
        choices=Eenheid.choices,
        help_text=_("Eenheid waarop het tarief betrekking heeft."),
    )

    class Meta:
        verbose_name = _("product van een perceel")
        verbose_name_plural = _("producten van percelen")
        ordering = ["perceel", "product"]
        constraints = [
            models.UniqueConstraint(
                fields=["perceel", "product"],
                name="perceelproduct_uniek",
                violation_error_code="product_al_in_perceel",
            ),
            models.CheckConstraint(
                condition=models.Q(bedrag__gte=0),
                name="perceelproduct_bedrag_niet_negatief",
                violation_error_code="tarief_negatief",
                violation_error_message=_("Een tarief is niet negatief."),
            ),
            models.CheckConstraint(
                condition=models.Q(tariefsoort__in=Tariefsoort.values),
                name="perceelproduct_tariefsoort_geldig",
            ),
            models.CheckConstraint(
                condition=models.Q(eenheid__in=Eenheid.values),
                name="perceelproduct_eenheid_geldig",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_tariefsoort_display()} {self.bedrag}"


class Inschrijving(models.Model):
    """A provider's submission for a perceel: ingediend, then toegelaten (which produces or
    extends its contract) or afgewezen (with a reason)."""

    uuid = models.UUIDField(
        _("uuid"), default=uuid.uuid4, unique=True, editable=False, help_text=_("Id in URL's.")
    )
    perceel = models.ForeignKey(
        Perceel,
        on_delete=models.PROTECT,
        related_name="inschrijvingen",
        verbose_name=_("perceel"),
        help_text=_("Het perceel waarvoor de aanbieder inschrijft."),
    )
    zorgaanbieder = models.ForeignKey(
        "contracten.Zorgaanbieder",
        on_delete=models.PROTECT,
        related_name="inschrijvingen",
        verbose_name=_("zorgaanbieder"),
        help_text=_("De aanbieder die inschrijft."),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=InschrijvingStatus.choices,
        default=InschrijvingStatus.INGEDIEND,
        help_text=_("Ingediend, toegelaten of afgewezen."),
    )
    toelichting = models.TextField(
        _("toelichting"),
        blank=True,
        help_text=_("Toelichting van de aanbieder bij de inschrijving."),
    )
    ingediend_op = models.DateTimeField(
        _("ingediend op"), auto_now_add=True, help_text=_("Tijdstip van indienen.")
    )
    ingediend_door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ingediend door"),
        help_text=_("Gebruiker die indiende (de aanbieder zelf, of een inkoper namens haar)."),
    )
    beoordeeld_op = models.DateTimeField(
        _("beoordeeld op"), null=True, blank=True, help_text=_("Tijdstip van het besluit.")
    )
    beoordeeld_door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("beoordeeld door"),
        help_text=_("Gebruiker die besloot."),
    )
    reden = models.CharField(
        _("reden"),
        max_length=500,
        blank=True,
        help_text=_("Reden van het besluit; verplicht bij afwijzen."),
    )
    toelatingsdatum = models.DateField(
        _("toelatingsdatum"),
        null=True,
        blank=True,
        help_text=_("Eerste dag waarop de tarieven van dit perceel in het contract gelden."),
    )
    contract = models.ForeignKey(
        "contracten.Contract",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inschrijvingen",
        verbose_name=_("contract"),
        help_text=_("Het contract dat de toelating heeft gemaakt of uitgebreid."),
    )

    class Meta:
        verbose_name = _("inschrijving")
        verbose_name_plural = _("inschrijvingen")
        ordering = ["perceel", "ingediend_op", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["perceel", "zorgaanbieder"],
                condition=models.Q(
                    status__in=[InschrijvingStatus.INGEDIEND, InschrijvingStatus.TOEGELATEN]
                ),
                name="inschrijving_een_lopende_per_perceel",
                violation_error_code="inschrijving_bestaat",
                violation_error_message=_(
                    "Deze aanbieder heeft al een lopende of toegelaten inschrijving op dit perceel."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=InschrijvingStatus.values),
                name="inschrijving_status_geldig",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=InschrijvingStatus.TOEGELATEN)
                | (models.Q(contract__isnull=False) & models.Q(toelatingsdatum__isnull=False)),
                name="inschrijving_toegelaten_met_contract",
            ),
        ]

    def __str__(self) -> str:
        return f"inschrijving {self.uuid}"


class InschrijvingTarief(models.Model):
    """The tariff a provider offers for a product with a tariff ceiling."""

    inschrijving = models.ForeignKey(
        Inschrijving,
        on_delete=models.PROTECT,
        related_name="tarieven",
        verbose_name=_("inschrijving"),
        help_text=_("De inschrijving."),
    )
    perceel_product = models.ForeignKey(
        PerceelProduct,
        on_delete=models.PROTECT,
        related_name="aangeboden_tarieven",
        verbose_name=_("product van het perceel"),
        help_text=_("Het product met tariefplafond."),
    )
    bedrag = _bedragveld(
        _("aangeboden tarief"), _("Het tarief dat de aanbieder biedt, in euro per eenheid.")
    )

    class Meta:
        verbose_name = _("aangeboden tarief")
        verbose_name_plural = _("aangeboden tarieven")
        ordering = ["inschrijving", "perceel_product"]
        constraints = [
            models.UniqueConstraint(
                fields=["inschrijving", "perceel_product"], name="inschrijvingtarief_uniek"
            ),
            models.CheckConstraint(
                condition=models.Q(bedrag__gte=0),
                name="inschrijvingtarief_niet_negatief",
                violation_error_code="tarief_negatief",
                violation_error_message=_("Een tarief is niet negatief."),
            ),
        ]

    def __str__(self) -> str:
        return f"aangeboden {self.bedrag}"

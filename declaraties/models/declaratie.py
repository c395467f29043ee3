"""Declarations and their prestaties, with the outcome per prestatie.

A Declaratie is one 323 (or the same content from Excel or the API). Its raw input is kept
before anything else: the inbound message (``bericht``) for a 323, an :class:`Invoer` for the
other channels. A Prestatie is one line, decided as a whole: toegekend with the approved
amount, or afgewezen with its retourcodes. Amounts are positive euros with ``debet_credit``
saying the sign, as in the message; eurocents exist only at the codec boundary.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from declaraties.constants import DebetCredit, DeclaratieStatus, Kanaal, PrestatieStatus
from kern.constants import Wet
from kern.geld import BEDRAG_DECIMAL_PLACES, BEDRAG_MAX_DIGITS


def _bedrag(
    naam: StrOrPromise, hulp: StrOrPromise, *, null: bool = False, default: int | None = None
) -> models.DecimalField:
    return models.DecimalField(
        naam,
        max_digits=BEDRAG_MAX_DIGITS,
        decimal_places=BEDRAG_DECIMAL_PLACES,
        help_text=hulp,
        null=null,
        blank=null,
        default=default if default is not None else models.NOT_PROVIDED,
    )


class Invoer(models.Model):
    """The raw input of an Excel or API submission, stored before it is read, with the
    provider's idempotency key: the same key with the same bytes gives the first answer, with
    other bytes it is refused."""

    uuid = models.UUIDField(
        _("uuid"), default=uuid.uuid4, unique=True, editable=False, help_text=_("Id in URL's.")
    )
    kanaal = models.CharField(
        _("kanaal"), max_length=10, choices=Kanaal.choices, help_text=_("Excel of API.")
    )
    zorgaanbieder = models.ForeignKey(
        "contracten.Zorgaanbieder",
        on_delete=models.PROTECT,
        related_name="declaratie_invoer",
        verbose_name=_("zorgaanbieder"),
        help_text=_("De indienende aanbieder."),
    )
    idempotentiesleutel = models.CharField(
        _("idempotentiesleutel"),
        max_length=200,
        help_text=_("De Idempotency-Key van de aanbieder (of de hash van het bestand)."),
    )
    sha256 = models.CharField(_("sha256"), max_length=64, help_text=_("Hash van de inhoud."))
    inhoud = models.BinaryField(_("inhoud"), help_text=_("De ruwe invoer, ongewijzigd."))
    bestandsnaam = models.CharField(
        _("bestandsnaam"), max_length=255, blank=True, help_text=_("Naam van het bestand.")
    )
    ontvangen_op = models.DateTimeField(
        _("ontvangen op"), auto_now_add=True, help_text=_("Moment van ontvangst.")
    )
    door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("door"),
        help_text=_("De gebruiker die indiende."),
    )
    fout = models.TextField(
        _("fout"), blank=True, help_text=_("Waarom de invoer niet verwerkt kon worden.")
    )

    class Meta:
        verbose_name = _("declaratie-invoer")
        verbose_name_plural = _("declaratie-invoer")
        ordering = ["-ontvangen_op", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["zorgaanbieder", "kanaal", "idempotentiesleutel"],
                name="invoer_sleutel_uniek",
                violation_error_code="idempotentiesleutel_conflict",
            ),
            models.CheckConstraint(
                condition=models.Q(kanaal__in=[Kanaal.EXCEL, Kanaal.API]),
                name="invoer_kanaal_geldig",
            ),
        ]

    def __str__(self) -> str:
        return f"invoer {self.kanaal} {self.ontvangen_op:%Y-%m-%d}"


class Declaratie(models.Model):
    """One declaration of one provider to one gemeente for one month."""

    uuid = models.UUIDField(
        _("uuid"), default=uuid.uuid4, unique=True, editable=False, help_text=_("Id in URL's.")
    )
    gemeente = models.ForeignKey(
        "kern.Gemeente",
        on_delete=models.PROTECT,
        related_name="declaraties",
        verbose_name=_("gemeente"),
        help_text=_("De ontvangende gemeente."),
    )
    wet = models.CharField(_("wet"), max_length=3, choices=Wet.choices, help_text=_("De wet."))
    zorgaanbieder = models.ForeignKey(
        "contracten.Zorgaanbieder",
        on_delete=models.PROTECT,
        related_name="declaraties",
        verbose_name=_("zorgaanbieder"),
        help_text=_("De declarerende aanbieder."),
    )
    kanaal = models.CharField(
        _("kanaal"),
        max_length=10,
        choices=Kanaal.choices,
        help_text=_("Hoe de declaratie binnenkwam."),
    )
    bericht = models.OneToOneField(
        "iwmo_jw.InkomendBericht",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="declaratie",
        verbose_name=_("bericht"),
        help_text=_("Het 323-bericht (kanaal bericht)."),
    )
    invoer = models.OneToOneField(
        Invoer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="declaratie",
        verbose_name=_("invoer"),
        help_text=_("De ruwe Excel- of API-invoer."),
    )
    berichtidentificatie = models.CharField(
        _("berichtidentificatie"), max_length=12, help_text=_("Identificatie uit de header.")
    )
    declaratienummer = models.CharField(
        _("declaratienummer"), max_length=12, help_text=_("DeclaratieNummer.")
    )
    periode_begin = models.DateField(_("periode begin"), help_text=_("DeclaratiePeriode begin."))
    periode_eind = models.DateField(_("periode eind"), help_text=_("DeclaratiePeriode eind."))
    dagtekening = models.DateField(_("dagtekening"), help_text=_("DeclaratieDagtekening."))
    totaal_ingediend_bedrag = _bedrag(
        _("totaal ingediend"), _("TotaalIngediendBedrag in euro (credit negatief).")
    )
    totaal_toegekend_bedrag = _bedrag(
        _("totaal toegekend"),
        _("TotaalToegekendBedrag in euro (credit negatief); leeg tot beantwoord."),
        null=True,
    )
    retourcode = models.CharField(
        _("retourcode"),
        max_length=4,
        blank=True,
        help_text=_("Retourcode op declaratieniveau (8001 bij volledig toegekend)."),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=DeclaratieStatus.choices,
        default=DeclaratieStatus.ONTVANGEN,
        help_text=_("Ontvangen, technisch afgekeurd, in beoordeling of beantwoord."),
    )
    clientcodes = models.JSONField(
        _("retourcodes per cliënt"),
        default=dict,
        blank=True,
        help_text=_("Afgewezen cliënten: volgnummer in de declaratie -> retourcodes."),
    )
    geteld = models.BooleanField(
        _("telt als verzonden"),
        default=False,
        help_text=_(
            "Niet afgewezen op niveau 2, header of declaratie: de declaratie telt mee voor de "
            "regels over eerdere declaraties (TR056, TR314, TR318, TR333)."
        ),
    )
    ontvangen_op = models.DateTimeField(
        _("ontvangen op"), help_text=_("Moment van ontvangst van de ruwe invoer.")
    )
    uiterste_antwoorddatum = models.DateField(
        _("uiterste antwoorddatum"), help_text=_("Tien werkdagen na ontvangst (IV087).")
    )
    antwoord = models.OneToOneField(
        "iwmo_jw.UitgaandBericht",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="declaratie",
        verbose_name=_("antwoord"),
        help_text=_("De 325 in de uitbox."),
    )
    antwoord_inhoud = models.BinaryField(
        _("antwoord (325)"),
        null=True,
        blank=True,
        help_text=_(
            "De 325 bij een declaratie via Excel of API (via een bericht staat zij in de uitbox)."
        ),
    )
    beantwoord_op = models.DateTimeField(
        _("beantwoord op"), null=True, blank=True, help_text=_("Moment van het antwoord.")
    )

    class Meta:
        verbose_name = _("declaratie")
        verbose_name_plural = _("declaraties")
        ordering = ["-ontvangen_op", "-id"]
        indexes = [
            models.Index(
                fields=["zorgaanbieder", "periode_begin"], name="declaratie_aanb_periode_idx"
            ),
            models.Index(fields=["gemeente", "status"], name="declaratie_gemeente_status_idx"),
        ]
        constraints = [
            # What the prestaties' key (declaratie, zorgaanbieder) refers to (migration 0005).
            models.UniqueConstraint(
                fields=["id", "zorgaanbieder"], name="declaratie_met_zorgaanbieder_uniek"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=DeclaratieStatus.values),
                name="declaratie_status_geldig",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    kanaal=Kanaal.BERICHT, bericht__isnull=False, invoer__isnull=True
                )
                | (
                    ~models.Q(kanaal=Kanaal.BERICHT)
                    & models.Q(bericht__isnull=True, invoer__isnull=False)
                ),
                name="declaratie_ruwe_invoer_bewaard",
            ),
        ]

    def __str__(self) -> str:
        return f"declaratie {self.declaratienummer}"


class Prestatie(models.Model):
    """One line of a declaration, with its outcome."""

    # On PostgreSQL the column has a database default too (gen_random_uuid(), migration 0004):
    # the intake's COPY leaves the uuid to it. A migration that alters this field keeps it.
    uuid = models.UUIDField(
        _("uuid"), default=uuid.uuid4, unique=True, editable=False, help_text=_("Id in URL's.")
    )
    # The database holds declaratie and zorgaanbieder together, on PostgreSQL: one foreign
    # key (declaratie_id, zorgaanbieder_id) to the declaration's (id, zorgaanbieder_id)
    # (migration 0005), so the provider of a line is its declaration's, and a line costs one
    # key check at commit instead of two (about 1.5 s of a region's month of 100,000 lines).
    declaratie = models.ForeignKey(
        Declaratie,
        on_delete=models.PROTECT,
        # Looked up through prestatie_regel_uniek (declaratie, regelnummer).
        db_index=False,
        db_constraint=False,
        related_name="prestaties",
        verbose_name=_("declaratie"),
        help_text=_("De declaratie."),
    )
    regelnummer = models.PositiveIntegerField(
        _("regelnummer"), help_text=_("Volgnummer in de declaratie (vanaf 1).")
    )
    zorgaanbieder = models.ForeignKey(
        "contracten.Zorgaanbieder",
        on_delete=models.PROTECT,
        # Looked up through prestatie_referentie_idx (zorgaanbieder, referentienummer).
        db_index=False,
        db_constraint=False,  # see declaratie
        related_name="prestaties",
        verbose_name=_("zorgaanbieder"),
        help_text=_("De aanbieder (gelijk aan die van de declaratie)."),
    )
    bsn = models.CharField(
        _("BSN"), max_length=9, help_text=_("BSN van de cliënt; nooit in een URL.")
    )
    toewijzing = models.ForeignKey(
        "inkoop.Toewijzing",
        on_delete=models.PROTECT,
        # Looked up through prestatie_toewijzing_idx (toewijzing, periode_begin).
        db_index=False,
        null=True,
        blank=True,
        related_name="prestaties",
        verbose_name=_("toewijzing"),
        help_text=_("De toewijzing waarop gedeclareerd is; leeg als die niet bestaat."),
    )
    toewijzingnummer = models.PositiveBigIntegerField(
        _("toewijzingnummer"), help_text=_("ToewijzingNummer zoals gedeclareerd.")
    )
    referentienummer = models.CharField(
        _("referentienummer"), max_length=20, help_text=_("ProductReferentie/ReferentieNummer.")
    )
    vorig_referentienummer = models.CharField(
        _("vorig referentienummer"),
        max_length=20,
        blank=True,
        help_text=_("Bij een credit: het ReferentieNummer van de debetprestatie."),
    )
    productcategorie = models.CharField(
        _("productcategorie"), max_length=2, help_text=_("ProductCategorie.")
    )
    productcode = models.CharField(_("productcode"), max_length=5, help_text=_("ProductCode."))
    periode_begin = models.DateField(_("periode begin"), help_text=_("ProductPeriode begin."))
    periode_eind = models.DateField(_("periode eind"), help_text=_("ProductPeriode eind."))
    geleverd_volume = models.PositiveIntegerField(
        _("geleverd volume"), help_text=_("GeleverdVolume in de eenheid.")
    )
    eenheid = models.CharField(_("eenheid"), max_length=2, help_text=_("Eenheid (WJ756)."))
    product_tarief = _bedrag(
        _("producttarief"), _("ProductTarief in euro; leeg bij eenheid 83."), null=True
    )
    ingediend_bedrag = _bedrag(_("ingediend bedrag"), _("IngediendBedrag in euro (positief)."))
    debet_credit = models.CharField(
        _("debet/credit"), max_length=1, choices=DebetCredit.choices, help_text=_("D of C.")
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=PrestatieStatus.choices,
        help_text=_("Uitkomst en verdere levensloop van de prestatie."),
    )
    retourcodes = models.CharField(
        _("retourcodes"),
        max_length=40,
        blank=True,
        help_text=_("De retourcodes bij afwijzing, gescheiden door komma's."),
    )
    toegekend_bedrag = _bedrag(
        _("toegekend bedrag"),
        _("Toegekend bedrag in euro (positief); 0 bij afwijzing."),
        default=0,
    )
    beoordelingsredenen = models.CharField(
        _("redenen voor beoordeling"),
        max_length=60,
        blank=True,
        help_text=_(
            "Waarom de prestatie ter beoordeling is aangehouden (steekproef, bedrag, afwijkend)."
        ),
    )
    besluit = models.CharField(
        _("besluit"),
        max_length=10,
        blank=True,
        help_text=_("Besluit van de beoordelaar: toekennen of afwijzen."),
    )
    besluit_reden = models.CharField(
        _("reden van het besluit"), max_length=255, blank=True, help_text=_("Toelichting.")
    )
    besluit_retourcode = models.CharField(
        _("retourcode bij afwijzing"),
        max_length=4,
        blank=True,
        help_text=_("De retourcode die de 325 bij een afwijzing draagt."),
    )
    beoordeeld_op = models.DateTimeField(
        _("beoordeeld op"), null=True, blank=True, help_text=_("Moment van het besluit.")
    )

    class Meta:
        verbose_name = _("prestatie")
        verbose_name_plural = _("prestaties")
        ordering = ["declaratie_id", "regelnummer"]
        indexes = [
            models.Index(
                fields=["zorgaanbieder", "referentienummer"], name="prestatie_referentie_idx"
            ),
            models.Index(fields=["toewijzing", "periode_begin"], name="prestatie_toewijzing_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["declaratie", "regelnummer"], name="prestatie_regel_uniek"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=PrestatieStatus.values),
                name="prestatie_status_geldig",
            ),
            models.CheckConstraint(
                condition=models.Q(debet_credit__in=DebetCredit.values),
                name="prestatie_debet_credit_geldig",
            ),
            models.CheckConstraint(
                condition=models.Q(ingediend_bedrag__gte=0, toegekend_bedrag__gte=0),
                name="prestatie_bedragen_positief",
            ),
            models.CheckConstraint(
                condition=models.Q(toegekend_bedrag__lte=models.F("ingediend_bedrag")),
                name="prestatie_toegekend_niet_boven_ingediend",
            ),
        ]

    def __str__(self) -> str:
        return f"prestatie {self.referentienummer}"


class _StatusWijziging(models.Model):
    """A row of a status history: from, to, why, who, when. Subclasses add the object."""

    van_status = models.CharField(_("van"), max_length=20, help_text=_("Vorige status."))
    naar_status = models.CharField(_("naar"), max_length=20, help_text=_("Nieuwe status."))
    reden = models.CharField(_("reden"), max_length=255, blank=True, help_text=_("Reden."))
    door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("door"),
        help_text=_("Wie; leeg bij verwerking van een bericht."),
    )
    op = models.DateTimeField(_("op"), auto_now_add=True, help_text=_("Moment."))

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.van_status} -> {self.naar_status}"


class DeclaratieStatusWijziging(_StatusWijziging):
    """History of a declaration's status."""

    declaratie = models.ForeignKey(
        Declaratie,
        on_delete=models.PROTECT,
        related_name="statuswijzigingen",
        verbose_name=_("declaratie"),
        help_text=_("De declaratie."),
    )

    class Meta:
        verbose_name = _("statuswijziging declaratie")
        verbose_name_plural = _("statuswijzigingen declaratie")
        ordering = ["declaratie_id", "op", "id"]


class PrestatieStatusWijziging(_StatusWijziging):
    """History of a prestatie's status after its outcome (credit, batch, payment)."""

    prestatie = models.ForeignKey(
        Prestatie,
        on_delete=models.PROTECT,
        related_name="statuswijzigingen",
        verbose_name=_("prestatie"),
        help_text=_("De prestatie."),
    )

    class Meta:
        verbose_name = _("statuswijziging prestatie")
        verbose_name_plural = _("statuswijzigingen prestatie")
        ordering = ["prestatie_id", "op", "id"]


class Creditering(models.Model):
    """An approved credit prestatie and the approved debit it undid (the debit is then
    ``gecrediteerd``). Few lines are credits: the link has a table of its own, so the
    prestatie table carries no key that nearly every row leaves empty (PostgreSQL checks a
    foreign key for every inserted row, empty or not: three such keys were about a tenth of
    storing a region's month)."""

    credit = models.OneToOneField(
        Prestatie,
        on_delete=models.PROTECT,
        primary_key=True,
        related_name="creditering",
        verbose_name=_("creditprestatie"),
        help_text=_("De toegekende creditprestatie."),
    )
    debet = models.OneToOneField(
        Prestatie,
        on_delete=models.PROTECT,
        related_name="gecrediteerd_door",
        verbose_name=_("gecrediteerde prestatie"),
        help_text=_("De debetprestatie die de credit ongedaan maakt."),
    )

    class Meta:
        verbose_name = _("creditering")
        verbose_name_plural = _("crediteringen")

    def __str__(self) -> str:
        return f"credit {self.credit_id} van {self.debet_id}"


class Prestatiebeoordelaars(models.Model):
    """Who decided on a prestatie held for review, and who confirmed a rejection above the
    four-eyes threshold (the decision itself is on the prestatie). In a table of its own for
    the reason :class:`Creditering` is."""

    prestatie = models.OneToOneField(
        Prestatie,
        on_delete=models.PROTECT,
        primary_key=True,
        related_name="beoordelaars",
        verbose_name=_("prestatie"),
        help_text=_("De beoordeelde prestatie."),
    )
    beoordeeld_door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("beoordeeld door"),
        help_text=_("De beoordelaar."),
    )
    bevestigd_door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bevestigd door"),
        help_text=_("De tweede beoordelaar die een afwijzing boven de drempel bevestigde."),
    )

    class Meta:
        verbose_name = _("beoordelaars van een prestatie")
        verbose_name_plural = _("beoordelaars van prestaties")

    def __str__(self) -> str:
        return f"beoordelaars van prestatie {self.prestatie_id}"


class RegelInstelling(models.Model):
    """A level-4 rule a gemeente switched off for one wet, because its agreements with the
    providers leave it out. Only rules in ``declaraties.regels.UITSCHAKELBAAR`` can be."""

    gemeente = models.ForeignKey(
        "kern.Gemeente",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("gemeente"),
        help_text=_("De gemeente."),
    )
    wet = models.CharField(_("wet"), max_length=3, choices=Wet.choices, help_text=_("De wet."))
    regel = models.CharField(_("regel"), max_length=10, help_text=_("Regel-id, bijv. TR418."))
    uitgeschakeld = models.BooleanField(
        _("uitgeschakeld"), default=True, help_text=_("De regel wordt niet toegepast.")
    )
    toelichting = models.CharField(
        _("toelichting"), max_length=255, blank=True, help_text=_("Waarom (de afspraak).")
    )
    gewijzigd_op = models.DateTimeField(
        _("gewijzigd op"), auto_now=True, help_text=_("Moment van de laatste wijziging.")
    )

    class Meta:
        verbose_name = _("regelinstelling")
        verbose_name_plural = _("regelinstellingen")
        ordering = ["gemeente_id", "wet", "regel"]
        constraints = [
            models.UniqueConstraint(
                fields=["gemeente", "wet", "regel"], name="regelinstelling_uniek"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.regel} {self.wet}"


class Beoordelingsinstelling(models.Model):
    """Which prestaties of a gemeente's declarations are held for review before the 325 is
    sent: a random share, every prestatie above an amount, and prestaties far from the
    provider's own average for the product; and above which amount a rejection needs a
    second beoordelaar (four eyes)."""

    gemeente = models.ForeignKey(
        "kern.Gemeente",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("gemeente"),
        help_text=_("De gemeente."),
    )
    wet = models.CharField(_("wet"), max_length=3, choices=Wet.choices, help_text=_("De wet."))
    steekproef_percentage = models.DecimalField(
        _("steekproef (%)"),
        max_digits=5,
        decimal_places=2,
        default=0,
        help_text=_("Aandeel van de toegekende prestaties dat willekeurig wordt beoordeeld."),
    )
    bedrag_drempel = models.DecimalField(
        _("bedragdrempel"),
        max_digits=BEDRAG_MAX_DIGITS,
        decimal_places=BEDRAG_DECIMAL_PLACES,
        null=True,
        blank=True,
        help_text=_("Elke prestatie vanaf dit bedrag wordt beoordeeld; leeg: geen."),
    )
    afwijking_factor = models.DecimalField(
        _("afwijkingsfactor"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_(
            "Beoordeel een prestatie die zoveel keer hoger (of lager) is dan het eigen "
            "gemiddelde van de aanbieder voor dat product; leeg: niet."
        ),
    )
    vier_ogen_drempel = models.DecimalField(
        _("vier-ogendrempel"),
        max_digits=BEDRAG_MAX_DIGITS,
        decimal_places=BEDRAG_DECIMAL_PLACES,
        null=True,
        blank=True,
        help_text=_("Een afwijzing vanaf dit bedrag vraagt een tweede beoordelaar; leeg: nooit."),
    )
    gewijzigd_op = models.DateTimeField(
        _("gewijzigd op"), auto_now=True, help_text=_("Moment van de laatste wijziging.")
    )

    class Meta:
        verbose_name = _("beoordelingsinstelling")
        verbose_name_plural = _("beoordelingsinstellingen")
        ordering = ["gemeente_id", "wet"]
        constraints = [
            models.UniqueConstraint(
                fields=["gemeente", "wet"], name="beoordelingsinstelling_uniek"
            ),
            models.CheckConstraint(
                condition=models.Q(steekproef_percentage__gte=0, steekproef_percentage__lte=100),
                name="beoordeling_steekproef_percentage",
            ),
            models.CheckConstraint(
                condition=models.Q(afwijking_factor__isnull=True)
                | models.Q(afwijking_factor__gt=1),
                name="beoordeling_afwijking_factor",
            ),
        ]

    def __str__(self) -> str:
        return f"beoordeling {self.wet}"

"""Payment batches: the realisations and credits of a gemeente, not yet paid, collected per
provider into one batch that a second person approves, that is exported as a SEPA credit
transfer (pain.001) and a journal file, and that books the payments once it is paid.

- :class:`Betaalrekening`: the gemeente's own account the batch pays from (debtor).
- :class:`Betaalbatch`: the batch, with its status (concept -> goedgekeurd -> betaald, or
  geannuleerd before payment) and the history of its changes.
- :class:`Betaalbatchbetaling`: one credit transfer per provider, the net of its lines, with
  the name and IBAN it is paid to as they were when the batch was made (the approver
  approves those, not whatever the provider's record says later).
- :class:`Betaalbatchregel`: one movement into (a realisation, positive) or out of (a
  credit, negative) a provider's ``te_betalen`` account: a leg of a transfer. A leg is in at
  most one batch that is not cancelled (a partial unique constraint).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise
from stdnum import bic as stdnum_bic

from contracten.validators import valideer_iban
from financien.constants import BetaalbatchStatus
from kern.geld import BEDRAG_DECIMAL_PLACES, BEDRAG_MAX_DIGITS

#: Characters the SEPA rulebook allows in references (MsgId, EndToEndId).
SEPA_REFERENTIE = r"^[A-Za-z0-9-]{1,35}$"


def valideer_bic(waarde: str) -> None:
    """BIC (ISO 9362) of 8 or 11 characters (python-stdnum)."""
    if not stdnum_bic.is_valid(waarde):
        raise ValidationError(
            _("De BIC is ongeldig (8 of 11 tekens: bank, land, plaats en eventueel filiaal)."),
            code="bic_ongeldig",
        )


def _gebruiker(naam: StrOrPromise, hulp: StrOrPromise) -> models.ForeignKey:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=naam,
        help_text=hulp,
    )


class Betaalrekening(models.Model):
    """The bank account a gemeente pays its providers from (the debtor of the pain.001)."""

    uuid = models.UUIDField(
        _("uuid"), default=uuid.uuid4, unique=True, editable=False, help_text=_("Id in URL's.")
    )
    gemeente = models.OneToOneField(
        "kern.Gemeente",
        on_delete=models.PROTECT,
        related_name="betaalrekening",
        verbose_name=_("gemeente"),
        help_text=_("De gemeente die van deze rekening betaalt."),
    )
    naam = models.CharField(
        _("naam rekeninghouder"),
        max_length=70,
        help_text=_("Naam van de rekeninghouder zoals de bank die kent (hoogstens 70 tekens)."),
    )
    iban = models.CharField(
        _("IBAN"),
        max_length=34,
        validators=[valideer_iban],
        help_text=_("IBAN van de rekening, zonder spaties."),
    )
    bic = models.CharField(
        _("BIC"),
        max_length=11,
        blank=True,
        validators=[valideer_bic],
        help_text=_("BIC van de bank (8 of 11 tekens); leeg mag binnen SEPA."),
    )
    gewijzigd_op = models.DateTimeField(
        _("gewijzigd op"), auto_now=True, help_text=_("Moment van de laatste wijziging.")
    )

    class Meta:
        verbose_name = _("betaalrekening")
        verbose_name_plural = _("betaalrekeningen")
        ordering = ["gemeente_id"]

    def __str__(self) -> str:
        return f"betaalrekening {self.iban} (gemeente {self.gemeente_id})"


class Betaalbatch(models.Model):
    """A payment run of one gemeente: per provider the net of its open realisations and
    credits. Made by one person, approved by another, exported, then reported paid."""

    uuid = models.UUIDField(
        _("uuid"), default=uuid.uuid4, unique=True, editable=False, help_text=_("Id in URL's.")
    )
    gemeente = models.ForeignKey(
        "kern.Gemeente",
        on_delete=models.PROTECT,
        related_name="betaalbatches",
        verbose_name=_("gemeente"),
        help_text=_("De gemeente die betaalt."),
    )
    volgnummer = models.PositiveIntegerField(
        _("volgnummer"), help_text=_("Volgnummer van de batch binnen de gemeente (1, 2, ...).")
    )
    referentie = models.CharField(
        _("referentie"),
        max_length=35,
        unique=True,
        help_text=_(
            "Kenmerk van de batch (BB-<gemeentecode>-<volgnummer>): het berichtkenmerk van "
            "het SEPA-bestand en de omschrijving bij de aanbieder."
        ),
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=BetaalbatchStatus.choices,
        default=BetaalbatchStatus.CONCEPT,
        help_text=_("Concept, goedgekeurd, betaald of geannuleerd."),
    )
    tot_en_met = models.DateField(
        _("tot en met"),
        null=True,
        blank=True,
        help_text=_("Alleen boekingen met een boekdatum tot en met deze dag; leeg is alle."),
    )
    uitvoeringsdatum = models.DateField(
        _("uitvoeringsdatum"), help_text=_("Gewenste uitvoeringsdatum van de overboekingen.")
    )
    omschrijving = models.CharField(
        _("omschrijving"), max_length=200, blank=True, help_text=_("Vrije omschrijving.")
    )
    totaal_bedrag = models.DecimalField(
        _("totaalbedrag"),
        max_digits=BEDRAG_MAX_DIGITS,
        decimal_places=BEDRAG_DECIMAL_PLACES,
        help_text=_("Som van de betalingen van de batch, in euro."),
    )
    aantal_betalingen = models.PositiveIntegerField(
        _("aantal betalingen"), help_text=_("Aantal overboekingen (één per aanbieder).")
    )
    overgeslagen = models.JSONField(
        _("overgeslagen"),
        default=list,
        blank=True,
        help_text=_(
            "Aanbieders met open boekingen die niet in deze batch worden betaald, met de "
            "reden; hun boekingen blijven open voor een volgende batch."
        ),
    )
    debiteur_naam = models.CharField(
        _("naam betaalrekening"),
        max_length=70,
        help_text=_("Naam van de rekening waarvan betaald wordt, bij het aanmaken."),
    )
    debiteur_iban = models.CharField(
        _("IBAN betaalrekening"),
        max_length=34,
        help_text=_("IBAN van de rekening waarvan betaald wordt, bij het aanmaken."),
    )
    debiteur_bic = models.CharField(
        _("BIC betaalrekening"),
        max_length=11,
        blank=True,
        help_text=_("BIC van de rekening waarvan betaald wordt, bij het aanmaken."),
    )
    aangemaakt_door = _gebruiker(_("aangemaakt door"), _("Wie de batch aanmaakte."))
    aangemaakt_op = models.DateTimeField(
        _("aangemaakt op"), auto_now_add=True, help_text=_("Moment van aanmaken.")
    )
    goedgekeurd_door = _gebruiker(
        _("goedgekeurd door"), _("Wie de batch goedkeurde (nooit wie hem aanmaakte).")
    )
    goedgekeurd_op = models.DateTimeField(
        _("goedgekeurd op"), null=True, blank=True, help_text=_("Moment van goedkeuren.")
    )
    betaaldatum = models.DateField(
        _("betaaldatum"),
        null=True,
        blank=True,
        help_text=_("De dag waarop de bank de batch betaalde (boekdatum van de betalingen)."),
    )
    betaald_door = _gebruiker(_("betaald gemeld door"), _("Wie de betaling meldde."))

    class Meta:
        verbose_name = _("betaalbatch")
        verbose_name_plural = _("betaalbatches")
        ordering = ["-aangemaakt_op", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["gemeente", "volgnummer"], name="betaalbatch_volgnummer_uniek"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=BetaalbatchStatus.values),
                name="betaalbatch_status_geldig",
            ),
            models.CheckConstraint(
                condition=models.Q(referentie__regex=SEPA_REFERENTIE),
                name="betaalbatch_referentie_sepa",
            ),
            models.CheckConstraint(
                condition=models.Q(totaal_bedrag__gt=0, aantal_betalingen__gt=0),
                name="betaalbatch_niet_leeg",
            ),
            # Four eyes, held by the database too: the approver is never the creator.
            models.CheckConstraint(
                condition=models.Q(goedgekeurd_door__isnull=True)
                | ~models.Q(goedgekeurd_door=models.F("aangemaakt_door")),
                name="betaalbatch_vier_ogen",
                violation_error_code="vier_ogen",
            ),
            models.CheckConstraint(
                condition=~models.Q(
                    status__in=[BetaalbatchStatus.GOEDGEKEURD, BetaalbatchStatus.BETAALD]
                )
                | models.Q(goedgekeurd_door__isnull=False, goedgekeurd_op__isnull=False),
                name="betaalbatch_goedgekeurd_door_iemand",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=BetaalbatchStatus.BETAALD)
                | models.Q(betaaldatum__isnull=False),
                name="betaalbatch_betaald_met_datum",
            ),
        ]

    def __str__(self) -> str:
        return self.referentie


class BetaalbatchStatusWijziging(models.Model):
    """One status change of a batch (append-only history)."""

    batch = models.ForeignKey(
        Betaalbatch,
        on_delete=models.PROTECT,
        related_name="statuswijzigingen",
        verbose_name=_("betaalbatch"),
        help_text=_("De batch."),
    )
    van_status = models.CharField(
        _("van"),
        max_length=12,
        blank=True,
        choices=BetaalbatchStatus.choices,
        help_text=_("Vorige status; leeg bij het aanmaken."),
    )
    naar_status = models.CharField(
        _("naar"), max_length=12, choices=BetaalbatchStatus.choices, help_text=_("Nieuwe status.")
    )
    reden = models.CharField(_("reden"), max_length=255, blank=True, help_text=_("Toelichting."))
    tijdstip = models.DateTimeField(
        _("tijdstip"), auto_now_add=True, help_text=_("Moment van de wijziging.")
    )
    door = _gebruiker(_("door"), _("Wie de status wijzigde; leeg bij systeemacties."))

    class Meta:
        verbose_name = _("statuswijziging betaalbatch")
        verbose_name_plural = _("statuswijzigingen betaalbatches")
        ordering = ["batch_id", "tijdstip", "id"]

    def __str__(self) -> str:
        return f"{self.van_status or '-'} -> {self.naar_status}"


class Betaalbatchbetaling(models.Model):
    """One credit transfer of a batch: the net amount to one provider."""

    batch = models.ForeignKey(
        Betaalbatch,
        on_delete=models.PROTECT,
        related_name="betalingen",
        verbose_name=_("betaalbatch"),
        help_text=_("De batch."),
    )
    zorgaanbieder = models.ForeignKey(
        "contracten.Zorgaanbieder",
        on_delete=models.PROTECT,
        related_name="betaalbatchbetalingen",
        verbose_name=_("zorgaanbieder"),
        help_text=_("De aanbieder die betaald wordt."),
    )
    naam = models.CharField(
        _("naam begunstigde"),
        max_length=200,
        help_text=_("Naam van de aanbieder bij het aanmaken van de batch."),
    )
    iban = models.CharField(
        _("IBAN begunstigde"),
        max_length=34,
        help_text=_("IBAN van de aanbieder bij het aanmaken van de batch."),
    )
    bedrag = models.DecimalField(
        _("bedrag"),
        max_digits=BEDRAG_MAX_DIGITS,
        decimal_places=BEDRAG_DECIMAL_PLACES,
        help_text=_("Het saldo van de regels van deze aanbieder: wat overgemaakt wordt, in euro."),
    )
    eind_tot_eind_id = models.CharField(
        _("end-to-end-id"),
        max_length=35,
        unique=True,
        help_text=_("Kenmerk van de overboeking (EndToEndId) dat de aanbieder terugziet."),
    )
    boeking = models.OneToOneField(
        "financien.Boeking",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="betaalbatchbetaling",
        verbose_name=_("boeking"),
        help_text=_("De betaling in het grootboek; leeg tot de batch betaald is."),
    )

    class Meta:
        verbose_name = _("betaling in betaalbatch")
        verbose_name_plural = _("betalingen in betaalbatches")
        ordering = ["batch_id", "naam", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "zorgaanbieder"], name="betaalbatchbetaling_een_per_aanbieder"
            ),
            models.CheckConstraint(
                condition=models.Q(bedrag__gt=0), name="betaalbatchbetaling_bedrag_positief"
            ),
            models.CheckConstraint(
                condition=models.Q(eind_tot_eind_id__regex=SEPA_REFERENTIE),
                name="betaalbatchbetaling_kenmerk_sepa",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.eind_tot_eind_id} {self.bedrag}"


class Betaalbatchregel(models.Model):
    """A realisation (positive) or credit (negative) paid by a batch: one leg of a transfer
    on a provider's ``te_betalen`` account (a realisation or credit of one prestatie has one
    such leg; the netted bookings of a declaration may have one per budget post)."""

    batch = models.ForeignKey(
        Betaalbatch,
        on_delete=models.PROTECT,
        related_name="regels",
        verbose_name=_("betaalbatch"),
        help_text=_("De batch."),
    )
    betaling = models.ForeignKey(
        Betaalbatchbetaling,
        on_delete=models.PROTECT,
        related_name="regels",
        verbose_name=_("betaling"),
        help_text=_("De overboeking aan de aanbieder waarin de regel meetelt."),
    )
    boekingsregel = models.ForeignKey(
        "financien.Boekingsregel",
        on_delete=models.PROTECT,
        related_name="betaalbatchregels",
        verbose_name=_("boekingsregel"),
        help_text=_("De regel op de rekening te betalen van de aanbieder."),
    )
    boeking = models.ForeignKey(
        "financien.Boeking",
        on_delete=models.PROTECT,
        related_name="betaalbatchregels",
        verbose_name=_("boeking"),
        help_text=_("De realisatie of creditering waartoe de regel hoort."),
    )
    budgetpost = models.ForeignKey(
        "financien.Budgetpost",
        on_delete=models.PROTECT,
        related_name="betaalbatchregels",
        verbose_name=_("budgetpost"),
        help_text=_("De budgetpost van de boeking (voor het journaal)."),
    )
    bedrag = models.DecimalField(
        _("bedrag"),
        max_digits=BEDRAG_MAX_DIGITS,
        decimal_places=BEDRAG_DECIMAL_PLACES,
        help_text=_("Positief voor een realisatie, negatief voor een creditering, in euro."),
    )
    actief = models.BooleanField(
        _("actief"),
        default=True,
        help_text=_("Onwaar als de batch is geannuleerd: de regel is dan weer vrij."),
    )

    class Meta:
        verbose_name = _("regel van betaalbatch")
        verbose_name_plural = _("regels van betaalbatches")
        ordering = ["batch_id", "id"]
        constraints = [
            # Each realisation or credit is paid by at most one batch.
            models.UniqueConstraint(
                fields=["boekingsregel"],
                condition=models.Q(actief=True),
                name="betaalbatchregel_boeking_een_keer",
                violation_error_code="boeking_al_in_batch",
            ),
            models.CheckConstraint(
                condition=~models.Q(bedrag=0), name="betaalbatchregel_bedrag_niet_nul"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bedrag} (boekingsregel {self.boekingsregel_id})"

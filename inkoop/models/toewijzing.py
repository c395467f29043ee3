"""Opdrachten: clients, their toewijzingen (the 301's ToegewezenProduct) and their history.

A toewijzing is the gemeente's order to one provider to deliver one product (specifiek), a
category (aspecifiek) or a budget (generiek) to one client for a period. It keeps its
ToewijzingNummer for life (unique per gemeente per wet, TR332); a change touches only what
IV066 allows, and every change is a history row. Its expected cost is reserved in financien
(source ``toewijzing``, ``bron_id`` = the uuid) by the services in ``inkoop.services``.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from inkoop.constants import ToewijzingGebeurtenis, ToewijzingStatus
from kern.bsn import maskeer_bsn
from kern.constants import Wet
from kern.geld import BEDRAG_DECIMAL_PLACES, BEDRAG_MAX_DIGITS


class Client(models.Model):
    """A client of one gemeente, with the personal data a 301 must carry (Geboortedatum,
    Geslacht, Naam, one address). The BSN is stored because the messages need it; it never
    appears in a URL, a log line or an aggregated figure (``__str__`` masks it)."""

    uuid = models.UUIDField(
        _("uuid"), default=uuid.uuid4, unique=True, editable=False, help_text=_("Id in URL's.")
    )
    gemeente = models.ForeignKey(
        "kern.Gemeente",
        on_delete=models.PROTECT,
        related_name="clienten",
        verbose_name=_("gemeente"),
        help_text=_("De gemeente waarvan dit een cliënt is."),
    )
    bsn = models.CharField(
        _("BSN"), max_length=9, help_text=_("Burgerservicenummer (elfproef); nooit in een URL.")
    )
    geboortedatum = models.DateField(_("geboortedatum"), help_text=_("Geboortedatum."))
    datum_gebruik = models.CharField(
        _("datumgebruik"),
        max_length=1,
        blank=True,
        help_text=_("Welk deel van de geboortedatum bekend is (COD170); leeg: volledig."),
    )
    geslacht = models.CharField(
        _("geslacht"), max_length=1, default="0", help_text=_("Geslacht (COD046).")
    )
    achternaam = models.CharField(_("achternaam"), max_length=200, help_text=_("Geslachtsnaam."))
    voorvoegsel = models.CharField(
        _("voorvoegsel"), max_length=10, blank=True, help_text=_("Voorvoegsel van de achternaam.")
    )
    voorletters = models.CharField(
        _("voorletters"), max_length=6, blank=True, help_text=_("Voorletters.")
    )
    voornamen = models.CharField(
        _("voornamen"), max_length=200, blank=True, help_text=_("Voornamen.")
    )
    naamgebruik = models.CharField(
        _("naamgebruik"), max_length=1, default="1", help_text=_("Naamgebruik (COD700).")
    )
    adres_soort = models.CharField(
        _("soort adres"),
        max_length=2,
        default="01",
        help_text=_("Soort adres (COD757); 01 is het BRP-adres."),
    )
    straatnaam = models.CharField(
        _("straatnaam"), max_length=24, blank=True, help_text=_("Straatnaam.")
    )
    huisnummer = models.PositiveIntegerField(
        _("huisnummer"), null=True, blank=True, help_text=_("Huisnummer.")
    )
    huisletter = models.CharField(
        _("huisletter"), max_length=1, blank=True, help_text=_("Huisletter.")
    )
    huisnummer_toevoeging = models.CharField(
        _("huisnummertoevoeging"), max_length=4, blank=True, help_text=_("Toevoeging.")
    )
    postcode = models.CharField(_("postcode"), max_length=10, blank=True, help_text=_("Postcode."))
    plaatsnaam = models.CharField(
        _("plaatsnaam"), max_length=80, blank=True, help_text=_("Woonplaats.")
    )
    aangemaakt_op = models.DateTimeField(
        _("aangemaakt op"), auto_now_add=True, help_text=_("Moment van vastleggen.")
    )
    gewijzigd_op = models.DateTimeField(
        _("gewijzigd op"), auto_now=True, help_text=_("Moment van de laatste wijziging.")
    )

    class Meta:
        verbose_name = _("cliënt")
        verbose_name_plural = _("cliënten")
        ordering = ["gemeente_id", "achternaam", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["gemeente", "bsn"],
                name="client_bsn_uniek_per_gemeente",
                violation_error_code="client_bestaat",
            ),
        ]

    def __str__(self) -> str:
        return f"cliënt {maskeer_bsn(self.bsn)}"


class Toewijzingnummering(models.Model):
    """The last ToewijzingNummer handed out per gemeente and wet, taken under a row lock so
    two regisseurs never get the same number (the unique constraint is the last defence)."""

    gemeente = models.ForeignKey(
        "kern.Gemeente",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("gemeente"),
        help_text=_("De gemeente."),
    )
    wet = models.CharField(_("wet"), max_length=3, choices=Wet.choices, help_text=_("De wet."))
    laatste = models.PositiveBigIntegerField(
        _("laatste nummer"), default=0, help_text=_("Het laatst uitgegeven nummer.")
    )

    class Meta:
        verbose_name = _("toewijzingnummering")
        verbose_name_plural = _("toewijzingnummeringen")
        constraints = [
            models.UniqueConstraint(fields=["gemeente", "wet"], name="nummering_per_gemeente_wet"),
        ]

    def __str__(self) -> str:
        return f"nummering {self.wet} {self.laatste}"


class Toewijzing(models.Model):
    """One ToegewezenProduct of a 301: product (or category, or nothing for a generieke
    toewijzing), period, and either Omvang (volume, eenheid, frequentie) or Budget.

    ``te_melden`` marks a toewijzing that changed since the last 301 to its provider, so the
    next 301 includes it even when it has ended (OP087)."""

    uuid = models.UUIDField(
        _("uuid"), default=uuid.uuid4, unique=True, editable=False, help_text=_("Id in URL's.")
    )
    gemeente = models.ForeignKey(
        "kern.Gemeente",
        on_delete=models.PROTECT,
        related_name="toewijzingen",
        verbose_name=_("gemeente"),
        help_text=_("De gemeente die toewijst."),
    )
    wet = models.CharField(_("wet"), max_length=3, choices=Wet.choices, help_text=_("De wet."))
    nummer = models.PositiveBigIntegerField(
        _("toewijzingnummer"), help_text=_("ToewijzingNummer: uniek per gemeente per wet.")
    )
    client = models.ForeignKey(
        Client,
        on_delete=models.PROTECT,
        related_name="toewijzingen",
        verbose_name=_("cliënt"),
        help_text=_("De cliënt."),
    )
    zorgaanbieder = models.ForeignKey(
        "contracten.Zorgaanbieder",
        on_delete=models.PROTECT,
        related_name="toewijzingen",
        verbose_name=_("zorgaanbieder"),
        help_text=_("De aanbieder die de opdracht krijgt."),
    )
    productcategorie = models.ForeignKey(
        "contracten.Productcategorie",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="toewijzingen",
        verbose_name=_("productcategorie"),
        help_text=_("Productcategorie; leeg bij een generieke toewijzing (alleen budget)."),
    )
    product = models.ForeignKey(
        "contracten.Product",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="toewijzingen",
        verbose_name=_("product"),
        help_text=_("Product; leeg bij een aspecifieke of generieke toewijzing."),
    )
    referentie_aanbieder = models.CharField(
        _("referentie aanbieder"),
        max_length=200,
        blank=True,
        help_text=_(
            "Referentie uit het verzoek (315/317) van de aanbieder, teruggegeven in de 301."
        ),
    )
    toewijzingsmoment = models.DateTimeField(
        _("toewijzingsmoment"),
        help_text=_("Toewijzingsdatum en -tijd van de laatste vaststelling (IV013)."),
    )
    ingangsdatum = models.DateField(_("ingangsdatum"), help_text=_("Eerste dag van levering."))
    einddatum = models.DateField(
        _("einddatum"), null=True, blank=True, help_text=_("Laatste dag van levering; leeg: open.")
    )
    reden_wijziging = models.CharField(
        _("reden wijziging"),
        max_length=2,
        blank=True,
        help_text=_("RedenWijziging (WMO002/JZ002) van de laatste wijziging; leeg bij toekenning."),
    )
    volume = models.PositiveIntegerField(
        _("volume"), null=True, blank=True, help_text=_("Omvang: volume in de eenheid.")
    )
    eenheid = models.CharField(
        _("eenheid"), max_length=2, blank=True, help_text=_("Omvang: eenheid (WJ756).")
    )
    frequentie = models.CharField(
        _("frequentie"), max_length=1, blank=True, help_text=_("Omvang: frequentie (WMO757).")
    )
    budget_bedrag = models.DecimalField(
        _("budget"),
        max_digits=BEDRAG_MAX_DIGITS,
        decimal_places=BEDRAG_DECIMAL_PLACES,
        null=True,
        blank=True,
        help_text=_("Toegewezen budget in euro (in het bericht in eurocent)."),
    )
    commentaar = models.CharField(
        _("commentaar"), max_length=200, blank=True, help_text=_("Toelichting in de 301.")
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ToewijzingStatus.choices,
        default=ToewijzingStatus.ACTIEF,
        help_text=_("Actief, ingetrokken of verwijderd."),
    )
    te_melden = models.BooleanField(
        _("te melden"),
        default=True,
        help_text=_("Gewijzigd sinds de laatste 301 aan de aanbieder (OP087)."),
    )
    zorg_begindatum = models.DateField(
        _("start zorg"), null=True, blank=True, help_text=_("Begindatum uit de 305 (start zorg).")
    )
    zorg_einddatum = models.DateField(
        _("stop zorg"), null=True, blank=True, help_text=_("Einddatum uit de 307 (stop zorg).")
    )
    reden_beeindiging = models.CharField(
        _("reden beëindiging"),
        max_length=2,
        blank=True,
        help_text=_("RedenBeeindiging uit de 307 (WMO588/JZ588)."),
    )
    bijstellen = models.BooleanField(
        _("bij te stellen"),
        default=False,
        help_text=_(
            "De zorg is gestopt vóór de einddatum: de regisseur stelt de toewijzing bij. "
            "Dit blokkeert nooit een betaling (OP364)."
        ),
    )
    verzoek = models.ForeignKey(
        "inkoop.Verzoek",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="toewijzingen",
        verbose_name=_("verzoek"),
        help_text=_("Het verzoek (315/317) waarop deze toewijzing het antwoord is."),
    )
    aangemaakt_op = models.DateTimeField(
        _("aangemaakt op"), auto_now_add=True, help_text=_("Moment van vastleggen.")
    )
    gewijzigd_op = models.DateTimeField(
        _("gewijzigd op"), auto_now=True, help_text=_("Moment van de laatste wijziging.")
    )

    class Meta:
        verbose_name = _("toewijzing")
        verbose_name_plural = _("toewijzingen")
        ordering = ["gemeente_id", "wet", "nummer"]
        indexes = [
            models.Index(fields=["client", "zorgaanbieder"], name="toewijzing_client_aanb_idx"),
            models.Index(
                fields=["zorgaanbieder", "ingangsdatum"], name="toewijzing_aanb_start_idx"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["gemeente", "wet", "nummer"],
                name="toewijzingnummer_uniek",
                violation_error_code="9332",
            ),
            models.CheckConstraint(
                condition=models.Q(einddatum__isnull=True)
                | models.Q(einddatum__gte=models.F("ingangsdatum")),
                name="toewijzing_einde_na_ingang",
            ),
            # Omvang and Budget exclude each other (CD077/CD078).
            models.CheckConstraint(
                condition=models.Q(volume__isnull=True) | models.Q(budget_bedrag__isnull=True),
                name="toewijzing_omvang_of_budget",
            ),
            models.CheckConstraint(
                condition=models.Q(budget_bedrag__isnull=True) | models.Q(budget_bedrag__gte=0),
                name="toewijzing_budget_niet_negatief",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ToewijzingStatus.values),
                name="toewijzing_status_geldig",
            ),
        ]

    def __str__(self) -> str:
        return f"toewijzing {self.wet} {self.nummer}"


class ToewijzingWijziging(models.Model):
    """History of a toewijzing: what happened, the values before and after, the reason and
    whether the provider consented (a lower budget or volume needs it, OP298/OP299)."""

    toewijzing = models.ForeignKey(
        Toewijzing,
        on_delete=models.PROTECT,
        related_name="wijzigingen",
        verbose_name=_("toewijzing"),
        help_text=_("De toewijzing."),
    )
    gebeurtenis = models.CharField(
        _("gebeurtenis"),
        max_length=30,
        choices=ToewijzingGebeurtenis.choices,
        help_text=_("Wat er gebeurde."),
    )
    reden_wijziging = models.CharField(
        _("reden wijziging"),
        max_length=2,
        blank=True,
        help_text=_("RedenWijziging, indien van toepassing."),
    )
    toelichting = models.CharField(
        _("toelichting"), max_length=255, blank=True, help_text=_("Toelichting.")
    )
    instemming_aanbieder = models.BooleanField(
        _("instemming aanbieder"),
        null=True,
        blank=True,
        help_text=_("Heeft de aanbieder ingestemd met een verlaging (OP298/OP299)?"),
    )
    voor = models.JSONField(_("voor"), default=dict, blank=True, help_text=_("Waarden vooraf."))
    na = models.JSONField(_("na"), default=dict, blank=True, help_text=_("Waarden achteraf."))
    door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("door"),
        help_text=_("Wie de wijziging deed; leeg bij een bericht of migratie."),
    )
    op = models.DateTimeField(_("op"), auto_now_add=True, help_text=_("Moment."))

    class Meta:
        verbose_name = _("toewijzingwijziging")
        verbose_name_plural = _("toewijzingwijzigingen")
        ordering = ["toewijzing_id", "op", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(gebeurtenis__in=ToewijzingGebeurtenis.values),
                name="toewijzingwijziging_gebeurtenis_geldig",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.gebeurtenis} {self.op:%Y-%m-%d}"

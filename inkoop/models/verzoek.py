"""Verzoeken (315 VOT, 317 VOW) in the regisseur's work queue, and the regiemeldingen (305
start zorg, 307 stop zorg) recorded on toewijzingen."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from inkoop.constants import RegiemeldingSoort, VerzoekSoort, VerzoekStatus
from kern.constants import Wet


class Verzoek(models.Model):
    """A provider's request for a toewijzing (315) or a change (317).

    ``producten`` holds the requested products as the message gave them (for a 317 the whole
    desired situation: unchanged, changed and new products); the regisseur decides the
    verzoek as a whole: toekennen (the 301 follows), afwijzen or in onderzoek (a 319 follows).
    Only one open verzoek per client per provider (TR374 -> 9374): a partial unique
    constraint holds it."""

    uuid = models.UUIDField(
        _("uuid"), default=uuid.uuid4, unique=True, editable=False, help_text=_("Id in URL's.")
    )
    gemeente = models.ForeignKey(
        "kern.Gemeente",
        on_delete=models.PROTECT,
        related_name="verzoeken",
        verbose_name=_("gemeente"),
        help_text=_("De gemeente aan wie het verzoek is gericht."),
    )
    wet = models.CharField(_("wet"), max_length=3, choices=Wet.choices, help_text=_("De wet."))
    soort = models.CharField(
        _("soort"), max_length=3, choices=VerzoekSoort.choices, help_text=_("315 of 317.")
    )
    client = models.ForeignKey(
        "inkoop.Client",
        on_delete=models.PROTECT,
        related_name="verzoeken",
        verbose_name=_("cliënt"),
        help_text=_("De cliënt."),
    )
    zorgaanbieder = models.ForeignKey(
        "contracten.Zorgaanbieder",
        on_delete=models.PROTECT,
        related_name="verzoeken",
        verbose_name=_("zorgaanbieder"),
        help_text=_("De aanbieder die het verzoek deed."),
    )
    bericht = models.ForeignKey(
        "iwmo_jw.InkomendBericht",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="verzoeken",
        verbose_name=_("bericht"),
        help_text=_("Het inkomende 315- of 317-bericht."),
    )
    referentie_aanbieder = models.CharField(
        _("referentie aanbieder"),
        max_length=200,
        blank=True,
        help_text=_("ReferentieAanbieder van het verzoek (wordt in 301/319 teruggegeven)."),
    )
    reden_verzoek = models.CharField(
        _("reden verzoek"),
        max_length=1,
        blank=True,
        help_text=_("RedenVerzoek (WJ758) van een 317; leeg bij een 315."),
    )
    producten = models.JSONField(
        _("producten"),
        default=list,
        blank=True,
        help_text=_(
            "De gevraagde producten zoals het bericht ze gaf, elk met 'soort' (aangevraagd, "
            "ongewijzigd, te_wijzigen of nieuw)."
        ),
    )
    signaleringen = models.JSONField(
        _("signaleringen"),
        default=list,
        blank=True,
        help_text=_(
            "Aandachtspunten voor de regisseur, elk met 'code' en 'melding' (bijvoorbeeld "
            "geen_contract: de aanbieder heeft geen lopend contract voor een gevraagd product)."
        ),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=VerzoekStatus.choices,
        default=VerzoekStatus.OPEN,
        help_text=_("Open, in onderzoek, toegekend of afgewezen."),
    )
    ontvangen_op = models.DateTimeField(
        _("ontvangen op"), help_text=_("Moment van ontvangst van het verzoek.")
    )
    uiterste_antwoorddatum = models.DateField(
        _("uiterste antwoorddatum"),
        help_text=_("Vijf werkdagen na ontvangst (OP274/OP346); acht weken na 'in onderzoek'."),
    )
    beantwoord_op = models.DateTimeField(
        _("beantwoord op"),
        null=True,
        blank=True,
        help_text=_(
            "Moment van het eerste antwoord (301 of 319, ook 'in onderzoek'); telt voor de "
            "antwoordtermijn van vijf werkdagen."
        ),
    )
    beslist_op = models.DateTimeField(
        _("beslist op"), null=True, blank=True, help_text=_("Moment van het (eind)besluit.")
    )
    beslist_door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("beslist door"),
        help_text=_("De regisseur die besliste."),
    )
    reden_afwijzing = models.CharField(
        _("reden afwijzing"),
        max_length=2,
        blank=True,
        help_text=_("RedenAfwijzingVerzoek (WJ759) in de 319."),
    )
    toelichting = models.CharField(
        _("toelichting"), max_length=255, blank=True, help_text=_("Toelichting bij het besluit.")
    )

    class Meta:
        verbose_name = _("verzoek")
        verbose_name_plural = _("verzoeken")
        ordering = ["uiterste_antwoorddatum", "ontvangen_op", "id"]
        indexes = [
            models.Index(fields=["gemeente", "status"], name="verzoek_gemeente_status_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "zorgaanbieder"],
                condition=models.Q(status__in=["open", "in_onderzoek"]),
                name="verzoek_een_open_per_client_aanbieder",
                violation_error_code="9374",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=VerzoekStatus.values),
                name="verzoek_status_geldig",
            ),
            models.CheckConstraint(
                condition=models.Q(soort__in=VerzoekSoort.values), name="verzoek_soort_geldig"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["open", "in_onderzoek"])
                | models.Q(beslist_op__isnull=False),
                name="verzoek_besluit_heeft_moment",
            ),
        ]

    def __str__(self) -> str:
        return f"verzoek {self.soort} {self.status}"


class VerzoekReferentie(models.Model):
    """One ReferentieAanbieder of a verzoek (a 315 has one per AangevraagdProduct, a 317 one
    for the whole verzoek). Unique per provider within the wet (TR347 -> 9347), also under
    concurrent messages: the constraint is the last defence."""

    verzoek = models.ForeignKey(
        Verzoek,
        on_delete=models.PROTECT,
        related_name="referenties",
        verbose_name=_("verzoek"),
        help_text=_("Het verzoek."),
    )
    zorgaanbieder = models.ForeignKey(
        "contracten.Zorgaanbieder",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("zorgaanbieder"),
        help_text=_("De aanbieder die de referentie gaf."),
    )
    wet = models.CharField(_("wet"), max_length=3, choices=Wet.choices, help_text=_("De wet."))
    referentie_aanbieder = models.CharField(
        _("referentie aanbieder"),
        max_length=200,
        help_text=_("ReferentieAanbieder zoals in het bericht."),
    )

    class Meta:
        verbose_name = _("referentie van een verzoek")
        verbose_name_plural = _("referenties van verzoeken")
        ordering = ["verzoek_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["zorgaanbieder", "wet", "referentie_aanbieder"],
                name="verzoekreferentie_uniek_per_aanbieder_wet",
                violation_error_code="9347",
            ),
        ]

    def __str__(self) -> str:
        return f"referentie {self.referentie_aanbieder}"


class VerzoekStatusWijziging(models.Model):
    """History of a verzoek's status."""

    verzoek = models.ForeignKey(
        Verzoek,
        on_delete=models.PROTECT,
        related_name="statuswijzigingen",
        verbose_name=_("verzoek"),
        help_text=_("Het verzoek."),
    )
    van_status = models.CharField(
        _("van"), max_length=20, blank=True, help_text=_("Vorige status; leeg bij ontvangst.")
    )
    naar_status = models.CharField(_("naar"), max_length=20, help_text=_("Nieuwe status."))
    reden = models.CharField(_("reden"), max_length=255, blank=True, help_text=_("Reden."))
    door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("door"),
        help_text=_("Wie; leeg bij een bericht."),
    )
    op = models.DateTimeField(_("op"), auto_now_add=True, help_text=_("Moment."))

    class Meta:
        verbose_name = _("statuswijziging verzoek")
        verbose_name_plural = _("statuswijzigingen verzoek")
        ordering = ["verzoek_id", "op", "id"]

    def __str__(self) -> str:
        return f"{self.van_status} -> {self.naar_status}"


class Regiemelding(models.Model):
    """A start (305) or stop (307) of care reported on a toewijzing. A correction with
    StatusAanlevering 3 marks the earlier melding ``verwijderd``; nothing is deleted."""

    uuid = models.UUIDField(
        _("uuid"), default=uuid.uuid4, unique=True, editable=False, help_text=_("Id in URL's.")
    )
    toewijzing = models.ForeignKey(
        "inkoop.Toewijzing",
        on_delete=models.PROTECT,
        related_name="regiemeldingen",
        verbose_name=_("toewijzing"),
        help_text=_("De toewijzing waarop de melding betrekking heeft."),
    )
    soort = models.CharField(
        _("soort"),
        max_length=5,
        choices=RegiemeldingSoort.choices,
        help_text=_("Start (305) of stop (307)."),
    )
    begindatum = models.DateField(
        _("begindatum"),
        help_text=_("Begindatum van de levering (bij een stop: die van de start die hij stopt)."),
    )
    einddatum = models.DateField(
        _("einddatum"),
        null=True,
        blank=True,
        help_text=_("Bij een stop: laatste dag van levering."),
    )
    reden_beeindiging = models.CharField(
        _("reden beëindiging"), max_length=2, blank=True, help_text=_("Bij een stop: de reden.")
    )
    bericht = models.ForeignKey(
        "iwmo_jw.InkomendBericht",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="regiemeldingen",
        verbose_name=_("bericht"),
        help_text=_("Het inkomende 305- of 307-bericht."),
    )
    verwijderd = models.BooleanField(
        _("verwijderd"),
        default=False,
        help_text=_("Door de aanbieder ingetrokken (StatusAanlevering 3)."),
    )
    verwijderd_door = models.ForeignKey(
        "iwmo_jw.InkomendBericht",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verwijderd door"),
        help_text=_("Het bericht (StatusAanlevering 3) dat de melding verwijderde."),
    )
    ontvangen_op = models.DateTimeField(
        _("ontvangen op"), auto_now_add=True, help_text=_("Moment van vastleggen.")
    )

    class Meta:
        verbose_name = _("regiemelding")
        verbose_name_plural = _("regiemeldingen")
        ordering = ["toewijzing_id", "ontvangen_op", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(soort__in=RegiemeldingSoort.values),
                name="regiemelding_soort_geldig",
            ),
            # A stop has its einddatum (on or after the begindatum, TR018); a start has none.
            models.CheckConstraint(
                condition=models.Q(soort="start", einddatum__isnull=True)
                | models.Q(soort="stop", einddatum__gte=models.F("begindatum")),
                name="regiemelding_einddatum_bij_stop",
            ),
            # TR074: one current melding per key (the last defence against a double start or
            # a double stop arriving concurrently).
            models.UniqueConstraint(
                fields=["toewijzing", "begindatum"],
                condition=models.Q(soort="start", verwijderd=False),
                name="regiemelding_start_uniek",
                violation_error_code="9074",
            ),
            models.UniqueConstraint(
                fields=["toewijzing", "begindatum", "einddatum"],
                condition=models.Q(soort="stop", verwijderd=False),
                name="regiemelding_stop_uniek",
                violation_error_code="9074",
            ),
        ]

    def __str__(self) -> str:
        if self.einddatum is not None:
            return f"{self.soort} {self.begindatum} t/m {self.einddatum}"
        return f"{self.soort} {self.begindatum}"

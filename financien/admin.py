"""Admin of financien. The ledger (accounts, transfers with their legs, reservations, budget
changes) is read-only here: it is written by the services only and never changed. Budget
posts and mapping rules are added through their services; a budget year is closed with an
action that calls :func:`financien.services.jaar_afsluiten`. Lists read through the
selectors, so a beheerder sees the books of their own gemeenten.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from contracten.models import Productcategorie
from financien import selectors
from financien.models import (
    Begrotingsjaar,
    Begrotingswijziging,
    Betaalbatch,
    Betaalbatchbetaling,
    BetaalbatchStatusWijziging,
    Betaalrekening,
    Boeking,
    Boekingsregel,
    Budgetpost,
    BudgetpostToewijzingsregel,
    Rekening,
    Reservering,
    Reserveringsperiode,
    Signalering,
    Signaleringsdrempel,
)
from financien.services import (
    betaalbatch_goedkeuren,
    betaalrekening_vastleggen,
    budgetpost_aanmaken,
    jaar_afsluiten,
    signalering_bevestigen,
    signaleringsdrempels_vastleggen,
    toewijzingsregel_vastleggen,
)
from kern.admin import AlleenLezenAdmin, DienstModelAdmin, actor, neem_over
from kern.exceptions import DomeinFout
from kern.toegang import gemeente_filter

# --- Budgets ------------------------------------------------------------------------------


@admin.register(Budgetpost)
class BudgetpostAdmin(DienstModelAdmin):
    """Budget posts are added through ``budgetpost_aanmaken`` and never changed; their
    budget changes by begrotingswijzigingen (API or service), not by editing a number."""

    list_display = ("jaar", "gemeente", "wet", "taakveld", "kostenplaats", "productcategorie")
    list_select_related = ("gemeente", "productcategorie")
    list_filter = ("jaar", "wet", "taakveld", ("gemeente", admin.RelatedOnlyFieldListFilter))
    search_fields = ("kostenplaats", "omschrijving")
    fields = (
        "gemeente",
        "jaar",
        "wet",
        "taakveld",
        "kostenplaats",
        "productcategorie",
        "omschrijving",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Budgetpost]:
        return selectors.budgetposten_zichtbaar(gebruiker=actor(request))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = form.cleaned_data
        with self.dienst():
            budgetpost = budgetpost_aanmaken(
                door=actor(request),
                gemeente=data["gemeente"],
                jaar=data["jaar"],
                wet=data["wet"],
                taakveld=data["taakveld"],
                kostenplaats=data.get("kostenplaats") or "",
                productcategorie=data.get("productcategorie"),
                omschrijving=data.get("omschrijving") or "",
            )
        neem_over(obj, budgetpost)


@admin.register(Begrotingsjaar)
class BegrotingsjaarAdmin(AlleenLezenAdmin):
    list_display = ("jaar", "gemeente", "afgesloten", "afgesloten_op", "afgesloten_door")
    list_select_related = ("gemeente", "afgesloten_door")
    list_filter = ("afgesloten", "jaar")
    actions = ["afsluiten"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Begrotingsjaar]:
        return selectors.begrotingsjaren_zichtbaar(gebruiker=actor(request))

    @admin.action(description=_("Geselecteerde begrotingsjaren afsluiten"))
    def afsluiten(self, request: HttpRequest, queryset: QuerySet[Begrotingsjaar]) -> None:
        for begrotingsjaar in queryset.select_related("gemeente"):
            try:
                jaar_afsluiten(
                    door=actor(request), gemeente=begrotingsjaar.gemeente, jaar=begrotingsjaar.jaar
                )
            except DomeinFout as fout:
                self.message_user(request, f"{begrotingsjaar}: {fout.bericht}", messages.ERROR)
            else:
                self.message_user(request, f"{begrotingsjaar}: afgesloten.", messages.SUCCESS)


@admin.register(Begrotingswijziging)
class BegrotingswijzigingAdmin(AlleenLezenAdmin):
    list_display = ("tijdstip", "budgetpost", "bedrag", "reden", "besluit", "door")
    list_select_related = ("budgetpost", "door")
    search_fields = ("reden", "besluit")
    date_hierarchy = "tijdstip"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Begrotingswijziging]:
        return Begrotingswijziging.objects.filter(
            gemeente_filter(actor(request), "budgetpost__gemeente")
        )


@admin.register(BudgetpostToewijzingsregel)
class BudgetpostToewijzingsregelAdmin(DienstModelAdmin):
    """Mapping rules, written through ``toewijzingsregel_vastleggen`` (which replaces the
    rule at the same level, with an audit record)."""

    fields = ("gemeente", "wet", "productcategorie", "product", "taakveld", "kostenplaats")
    list_display = ("gemeente", "wet", "productcategorie", "product", "taakveld", "kostenplaats")
    list_select_related = ("gemeente", "productcategorie", "product")
    list_filter = ("wet", "taakveld")
    raw_id_fields = ("product",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[BudgetpostToewijzingsregel]:
        return selectors.toewijzingsregels_zichtbaar(gebruiker=actor(request))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ("gemeente", "wet", "productcategorie", "product") if obj is not None else ()

    def formfield_for_foreignkey(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> forms.ModelChoiceField | None:
        if db_field.name == "productcategorie":
            kwargs["queryset"] = Productcategorie.objects.all()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = form.cleaned_data
        with self.dienst():
            regel = toewijzingsregel_vastleggen(
                door=actor(request),
                gemeente=obj.gemeente if change else data["gemeente"],
                wet=obj.wet if change else data["wet"],
                productcategorie=obj.productcategorie if change else data.get("productcategorie"),
                product=obj.product if change else data.get("product"),
                taakveld=data["taakveld"],
                kostenplaats=data.get("kostenplaats") or "",
            )
        neem_over(obj, regel)


# --- Ledger (read-only) -------------------------------------------------------------------


@admin.register(Rekening)
class RekeningAdmin(AlleenLezenAdmin):
    list_display = ("budgetpost", "soort", "zorgaanbieder", "saldo")
    list_select_related = ("budgetpost", "zorgaanbieder")
    list_filter = ("soort",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Rekening]:
        return Rekening.objects.filter(gemeente_filter(actor(request), "budgetpost__gemeente"))


class BoekingsregelInline(admin.TabularInline):
    model = Boekingsregel
    fields = ("rekening", "bedrag")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Boekingsregel]:
        return super().get_queryset(request).select_related("rekening")


@admin.register(Boeking)
class BoekingAdmin(AlleenLezenAdmin):
    inlines = [BoekingsregelInline]
    list_display = ("tijdstip", "boekdatum", "soort", "bedrag", "bron_type", "bron_id", "door")
    list_select_related = ("door",)
    list_filter = ("soort", "bron_type")
    search_fields = ("=bron_id", "=idempotentiesleutel", "omschrijving")
    date_hierarchy = "tijdstip"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Boeking]:
        return selectors.boekingen_zichtbaar(gebruiker=actor(request))


class ReserveringsperiodeInline(admin.TabularInline):
    """The reservation's periods in booking order: which transfer set which period."""

    model = Reserveringsperiode
    fields = ("boeking", "boekdatum", "begindatum", "einddatum")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _("periodes volgens de boekingen")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Reserveringsperiode]:
        return super().get_queryset(request).select_related("boeking").order_by("boeking_id")

    @admin.display(description=_("boekdatum"))
    def boekdatum(self, obj: Reserveringsperiode) -> str:
        return date_format(obj.boeking.boekdatum)


@admin.register(Reservering)
class ReserveringAdmin(AlleenLezenAdmin):
    inlines = [ReserveringsperiodeInline]
    list_display = (
        "bron_type",
        "bron_id",
        "jaar",
        "zorgaanbieder",
        "bedrag",
        "gerealiseerd_bedrag",
        "open_bedrag",
        "status",
    )
    list_select_related = ("zorgaanbieder",)
    list_filter = ("status", "jaar", "bron_type")
    search_fields = ("=bron_id", "zorgaanbieder__naam")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Reservering]:
        return selectors.reserveringen_zichtbaar(gebruiker=actor(request))


# --- Payment batches ----------------------------------------------------------------------


@admin.register(Betaalrekening)
class BetaalrekeningAdmin(DienstModelAdmin):
    """The gemeente's payment account, kept through ``betaalrekening_vastleggen``."""

    fields = ("gemeente", "naam", "iban", "bic")
    list_display = ("gemeente", "naam", "iban", "bic", "gewijzigd_op")
    list_select_related = ("gemeente",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Betaalrekening]:
        return selectors.betaalrekeningen_zichtbaar(gebruiker=actor(request))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ("gemeente",) if obj is not None else ()

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = form.cleaned_data
        with self.dienst():
            rekening = betaalrekening_vastleggen(
                door=actor(request),
                gemeente=obj.gemeente if change else data["gemeente"],
                naam=data["naam"],
                iban=data["iban"],
                bic=data.get("bic") or "",
            )
        neem_over(obj, rekening)


class BetaalbatchbetalingInline(admin.TabularInline):
    model = Betaalbatchbetaling
    fields = ("eind_tot_eind_id", "naam", "iban", "bedrag", "boeking")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class BetaalbatchStatusWijzigingInline(admin.TabularInline):
    model = BetaalbatchStatusWijziging
    fields = ("tijdstip", "van_status", "naar_status", "reden", "door")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Betaalbatch)
class BetaalbatchAdmin(AlleenLezenAdmin):
    """Batches are made, approved, cancelled and paid through their services (API); here
    they are listed, and approved with an action that applies the four-eyes rule."""

    inlines = [BetaalbatchbetalingInline, BetaalbatchStatusWijzigingInline]
    list_display = (
        "referentie",
        "gemeente",
        "status",
        "uitvoeringsdatum",
        "totaal_bedrag",
        "aantal_betalingen",
        "aangemaakt_door",
        "goedgekeurd_door",
        "betaaldatum",
    )
    list_select_related = ("gemeente", "aangemaakt_door", "goedgekeurd_door")
    list_filter = ("status",)
    search_fields = ("=referentie",)
    date_hierarchy = "aangemaakt_op"
    actions = ["goedkeuren"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Betaalbatch]:
        return selectors.betaalbatches_zichtbaar(gebruiker=actor(request))

    @admin.action(description=_("Geselecteerde betaalbatches goedkeuren (vier ogen)"))
    def goedkeuren(self, request: HttpRequest, queryset: QuerySet[Betaalbatch]) -> None:
        for batch in queryset:
            try:
                betaalbatch_goedkeuren(door=actor(request), batch=batch)
            except DomeinFout as fout:
                self.message_user(request, f"{batch}: {fout.bericht}", messages.ERROR)
            else:
                self.message_user(request, f"{batch}: goedgekeurd.", messages.SUCCESS)


# --- Alerts -------------------------------------------------------------------------------


@admin.register(Signalering)
class SignaleringAdmin(AlleenLezenAdmin):
    """Alerts are raised by the evaluation, never edited; a budgethouder acknowledges them
    with an action that calls :func:`financien.services.signalering_bevestigen`."""

    list_display = (
        "gesignaleerd_op",
        "gemeente",
        "jaar",
        "soort",
        "drempel",
        "percentage",
        "omschrijving",
        "beeindigd_op",
        "bevestigd_op",
        "mail_status",
    )
    list_select_related = ("gemeente",)
    list_filter = (
        "soort",
        "jaar",
        ("bevestigd_op", admin.EmptyFieldListFilter),
        "mail_status",
    )
    search_fields = ("omschrijving", "=bron_id")
    date_hierarchy = "gesignaleerd_op"
    actions = ["bevestigen"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Signalering]:
        return selectors.signaleringen_zichtbaar(gebruiker=actor(request))

    @admin.action(description=_("Geselecteerde signaleringen bevestigen"))
    def bevestigen(self, request: HttpRequest, queryset: QuerySet[Signalering]) -> None:
        for signalering in queryset.select_related("gemeente"):
            try:
                signalering_bevestigen(door=actor(request), signalering=signalering)
            except DomeinFout as fout:
                self.message_user(request, f"{signalering}: {fout.bericht}", messages.ERROR)
            else:
                self.message_user(request, f"{signalering}: bevestigd.", messages.SUCCESS)


@admin.register(Signaleringsdrempel)
class SignaleringsdrempelAdmin(DienstModelAdmin):
    """Thresholds, written through ``signaleringsdrempels_vastleggen`` (which replaces those
    at the same level, with an audit record)."""

    fields = ("gemeente", "soort", "budgetpost", "percentages")
    list_display = ("gemeente", "soort", "budgetpost", "percentages", "bijgewerkt_op")
    list_select_related = ("gemeente", "budgetpost")
    list_filter = ("soort",)
    raw_id_fields = ("budgetpost",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Signaleringsdrempel]:
        return selectors.signaleringsdrempels_zichtbaar(gebruiker=actor(request))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ("gemeente", "soort", "budgetpost") if obj is not None else ()

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = form.cleaned_data
        with self.dienst():
            drempel = signaleringsdrempels_vastleggen(
                door=actor(request),
                gemeente=obj.gemeente if change else data["gemeente"],
                soort=obj.soort if change else data["soort"],
                budgetpost=obj.budgetpost if change else data.get("budgetpost"),
                percentages=data.get("percentages") or [],
            )
        neem_over(obj, drempel)

"""Admin of declaraties: declarations and prestaties are read-only (they are the outcome of
the intake and review services); the gemeente's review settings and switched-off rules are
saved through their services, so every change is checked and audited. Lists read through the
selectors: a user sees the declarations of its own gemeenten. No BSN in a list column."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from declaraties import selectors, services
from declaraties.models import (
    Beoordelingsinstelling,
    Creditering,
    Declaratie,
    DeclaratieStatusWijziging,
    Prestatie,
    Prestatiebeoordelaars,
    RegelInstelling,
)
from kern.admin import AlleenLezenAdmin, DienstModelAdmin, actor
from kern.toegang import gemeente_filter


class _AlleenLezenInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class DeclaratieStatusInline(_AlleenLezenInline):
    model = DeclaratieStatusWijziging
    fields = ("op", "van_status", "naar_status", "reden", "door")
    readonly_fields = fields


class CrediteringInline(_AlleenLezenInline):
    """On a credit: the debit it undid."""

    model = Creditering
    fk_name = "credit"
    fields = ("debet",)
    readonly_fields = fields


class BeoordelaarsInline(_AlleenLezenInline):
    model = Prestatiebeoordelaars
    fields = ("beoordeeld_door", "bevestigd_door")
    readonly_fields = fields


@admin.register(Declaratie)
class DeclaratieAdmin(AlleenLezenAdmin):
    inlines = [DeclaratieStatusInline]
    list_display = (
        "declaratienummer",
        "zorgaanbieder",
        "gemeente",
        "wet",
        "periode_begin",
        "status",
        "retourcode",
        "totaal_ingediend_bedrag",
        "totaal_toegekend_bedrag",
        "uiterste_antwoorddatum",
    )
    list_select_related = ("zorgaanbieder", "gemeente")
    list_filter = ("status", "wet", "kanaal", "retourcode")
    search_fields = ("=declaratienummer", "=berichtidentificatie", "zorgaanbieder__naam")
    exclude = ("antwoord_inhoud", "clientcodes")
    date_hierarchy = "ontvangen_op"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Declaratie]:
        return selectors.declaraties_zichtbaar(gebruiker=actor(request))


@admin.register(Prestatie)
class PrestatieAdmin(AlleenLezenAdmin):
    inlines = [CrediteringInline, BeoordelaarsInline]
    list_display = (
        "referentienummer",
        "declaratie",
        "toewijzingnummer",
        "productcode",
        "periode_begin",
        "ingediend_bedrag",
        "debet_credit",
        "status",
        "retourcodes",
        "toegekend_bedrag",
    )
    list_select_related = ("declaratie",)
    list_filter = ("status", "debet_credit", "eenheid")
    search_fields = ("=referentienummer", "=toewijzingnummer", "=declaratie__declaratienummer")
    exclude = ("bsn",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Prestatie]:
        return selectors.prestaties_zichtbaar(gebruiker=actor(request))


@admin.register(Beoordelingsinstelling)
class BeoordelingsinstellingAdmin(DienstModelAdmin):
    list_display = (
        "gemeente",
        "wet",
        "steekproef_percentage",
        "bedrag_drempel",
        "afwijking_factor",
        "vier_ogen_drempel",
    )
    list_select_related = ("gemeente",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Beoordelingsinstelling]:
        return Beoordelingsinstelling.objects.filter(gemeente_filter(actor(request)))

    def save_model(
        self, request: HttpRequest, obj: Beoordelingsinstelling, form: Any, change: bool
    ) -> None:
        with self.dienst():
            bewaard = services.beoordelingsinstelling_vastleggen(
                door=actor(request),
                gemeente=obj.gemeente,
                wet=obj.wet,
                steekproef_percentage=obj.steekproef_percentage,
                bedrag_drempel=obj.bedrag_drempel,
                afwijking_factor=obj.afwijking_factor,
                vier_ogen_drempel=obj.vier_ogen_drempel,
            )
        obj.pk = bewaard.pk


@admin.register(RegelInstelling)
class RegelInstellingAdmin(DienstModelAdmin):
    list_display = ("gemeente", "wet", "regel", "uitgeschakeld", "toelichting")
    list_select_related = ("gemeente",)
    list_filter = ("wet", "uitgeschakeld")

    def get_queryset(self, request: HttpRequest) -> QuerySet[RegelInstelling]:
        return RegelInstelling.objects.filter(gemeente_filter(actor(request)))

    def save_model(
        self, request: HttpRequest, obj: RegelInstelling, form: Any, change: bool
    ) -> None:
        with self.dienst():
            bewaard = services.regel_instellen(
                door=actor(request),
                gemeente=obj.gemeente,
                wet=obj.wet,
                regel=obj.regel,
                uitgeschakeld=obj.uitgeschakeld,
                toelichting=obj.toelichting,
            )
        obj.pk = bewaard.pk

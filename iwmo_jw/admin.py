"""Admin of the berichtenbox: read-only. Messages are written by the services only (receipt,
outbox, export); the admin shows them, scoped like the API, without loading raw bytes in
lists. The raw bytes are downloaded through the API (``/api/v1/berichten/.../inhoud/``)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from iwmo_jw import selectors
from iwmo_jw.models import (
    InkomendBericht,
    InkomendBerichtStatusWijziging,
    Termijn,
    UitgaandBericht,
    UitgaandBerichtStatusWijziging,
)
from kern.admin import actor


class _AlleenLezen(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class _AlleenLezenInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class InkomendStatusInline(_AlleenLezenInline):
    model = InkomendBerichtStatusWijziging
    fields = ("tijdstip", "van_status", "naar_status", "toelichting", "door")
    readonly_fields = fields


class TermijnInline(_AlleenLezenInline):
    model = Termijn
    fk_name = "bericht"
    fields = (
        "soort",
        "werkdagen",
        "begindatum",
        "uiterste_datum",
        "gesloten_op",
        "gesloten_door",
        "sluitreden",
        "gesignaleerd_op",
    )
    readonly_fields = fields


@admin.register(InkomendBericht)
class InkomendBerichtAdmin(_AlleenLezen):
    list_display = (
        "ontvangen_op",
        "berichtnaam_weergave",
        "identificatie",
        "afzender",
        "gemeente",
        "status",
        "uitkomst_code",
        "retourcode",
    )
    list_filter = ("status", "standaard", "berichttype", "kanaal", "geldig")
    list_select_related = ("gemeente",)
    search_fields = ("=identificatie", "=afzender", "=agb_code", "=sha256", "=uuid")
    date_hierarchy = "ontvangen_op"
    exclude = ("inhoud",)
    readonly_fields = (
        "uuid",
        "ontvangen_op",
        "kanaal",
        "bestandsnaam",
        "grootte",
        "sha256",
        "inhoud_volledig",
        "standaard",
        "berichtcode",
        "berichttype",
        "afzender",
        "ontvanger",
        "identificatie",
        "identificatie_heen",
        "dagtekening",
        "gemeentecode",
        "gemeente",
        "agb_code",
        "status",
        "uitkomst_code",
        "uitkomst_melding",
        "retourcode",
        "geldig",
        "niveau",
        "bevindingen",
        "origineel",
        "antwoord_op",
        "beoordeeld_op",
        "verwerkt_op",
        "verwerking_fout",
    )
    inlines = (TermijnInline, InkomendStatusInline)

    def get_queryset(self, request: HttpRequest) -> QuerySet[InkomendBericht]:
        return selectors.inkomende_berichten_zichtbaar(gebruiker=actor(request))

    @admin.display(description=_("bericht"), ordering="berichttype")
    def berichtnaam_weergave(self, obj: InkomendBericht) -> str:
        return obj.berichtnaam or "—"


class UitgaandStatusInline(_AlleenLezenInline):
    model = UitgaandBerichtStatusWijziging
    fields = ("tijdstip", "van_status", "naar_status", "toelichting", "door")
    readonly_fields = fields


@admin.register(UitgaandBericht)
class UitgaandBerichtAdmin(_AlleenLezen):
    list_display = (
        "aangemaakt_op",
        "berichtnaam_weergave",
        "identificatie",
        "ontvanger",
        "gemeente",
        "status",
    )
    list_filter = ("status", "standaard", "berichttype")
    list_select_related = ("gemeente",)
    search_fields = ("=identificatie", "=ontvanger", "=agb_code", "=sha256", "=uuid")
    date_hierarchy = "aangemaakt_op"
    exclude = ("inhoud",)
    readonly_fields = (
        "uuid",
        "standaard",
        "berichtcode",
        "berichttype",
        "afzender",
        "ontvanger",
        "identificatie",
        "identificatie_heen",
        "dagtekening",
        "gemeentecode",
        "gemeente",
        "agb_code",
        "grootte",
        "sha256",
        "antwoord_op",
        "status",
        "aangemaakt_op",
        "aangemaakt_door",
        "geexporteerd_op",
        "exportbestand",
        "verzonden_op",
    )
    inlines = (UitgaandStatusInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[UitgaandBericht]:
        return selectors.uitgaande_berichten_zichtbaar(gebruiker=actor(request))

    @admin.display(description=_("bericht"), ordering="berichttype")
    def berichtnaam_weergave(self, obj: UitgaandBericht) -> str:
        return obj.berichtnaam


@admin.register(Termijn)
class TermijnAdmin(_AlleenLezen):
    list_display = (
        "uiterste_datum",
        "soort",
        "bericht",
        "gemeente_weergave",
        "gesloten_op",
        "gesignaleerd_op",
    )
    list_filter = ("soort", ("gesloten_op", admin.EmptyFieldListFilter))
    readonly_fields = (
        "bericht",
        "soort",
        "werkdagen",
        "begindatum",
        "uiterste_datum",
        "gesloten_op",
        "gesloten_door",
        "sluitreden",
        "gesignaleerd_op",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Termijn]:
        return selectors.termijnen_zichtbaar(gebruiker=actor(request))

    @admin.display(description=_("gemeente"))
    def gemeente_weergave(self, obj: Termijn) -> str:
        return str(obj.bericht.gemeente) if obj.bericht.gemeente else "—"

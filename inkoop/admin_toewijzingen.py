"""Admin of clients and toewijzingen: read only. Toewijzingen are issued and changed through
the services (API), which book the reservations and send the 301; the admin shows them with
their history. The BSN is shown masked and cannot be searched for (it would end up in the
URL); search a client by name."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from inkoop import selectors
from inkoop.models import Client, Toewijzing, Toewijzingnummering, ToewijzingWijziging
from kern.admin import AlleenLezenAdmin, actor
from kern.bsn import maskeer_bsn


class _Geschiedenis(admin.TabularInline):
    model = ToewijzingWijziging
    extra = 0
    can_delete = False
    fields = ("op", "gebeurtenis", "reden_wijziging", "instemming_aanbieder", "door", "voor", "na")
    readonly_fields = fields
    ordering = ("op", "id")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Client)
class ClientAdmin(AlleenLezenAdmin):
    list_display = ("__str__", "achternaam", "voorletters", "geboortedatum", "gemeente")
    list_select_related = ("gemeente",)
    list_filter = (("gemeente", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("achternaam",)
    fields = (
        "uuid",
        "gemeente",
        "bsn_gemaskeerd",
        "geboortedatum",
        "datum_gebruik",
        "geslacht",
        "achternaam",
        "voorvoegsel",
        "voorletters",
        "voornamen",
        "naamgebruik",
        "adres_soort",
        "straatnaam",
        "huisnummer",
        "huisletter",
        "huisnummer_toevoeging",
        "postcode",
        "plaatsnaam",
        "aangemaakt_op",
        "gewijzigd_op",
    )
    readonly_fields = fields

    @admin.display(description=_("BSN"))
    def bsn_gemaskeerd(self, obj: Client) -> str:
        return maskeer_bsn(obj.bsn)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Client]:
        return selectors.clienten_zichtbaar(gebruiker=actor(request))


@admin.register(Toewijzing)
class ToewijzingAdmin(AlleenLezenAdmin):
    list_display = (
        "nummer",
        "wet",
        "gemeente",
        "zorgaanbieder",
        "productcategorie",
        "product",
        "ingangsdatum",
        "einddatum",
        "status",
        "bijstellen",
    )
    list_select_related = ("gemeente", "zorgaanbieder", "productcategorie", "product")
    list_filter = ("status", "wet", "bijstellen", ("gemeente", admin.RelatedOnlyFieldListFilter))
    search_fields = ("=nummer", "zorgaanbieder__naam", "=zorgaanbieder__agb_code")
    date_hierarchy = "ingangsdatum"
    inlines = [_Geschiedenis]
    fields = (
        "uuid",
        "gemeente",
        "wet",
        "nummer",
        "client",
        "zorgaanbieder",
        "productcategorie",
        "product",
        "referentie_aanbieder",
        "toewijzingsmoment",
        "ingangsdatum",
        "einddatum",
        "reden_wijziging",
        "volume",
        "eenheid",
        "frequentie",
        "budget_bedrag",
        "commentaar",
        "status",
        "te_melden",
        "zorg_begindatum",
        "zorg_einddatum",
        "reden_beeindiging",
        "bijstellen",
        "verzoek",
        "aangemaakt_op",
        "gewijzigd_op",
    )
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[Toewijzing]:
        return selectors.toewijzingen_zichtbaar(gebruiker=actor(request))


@admin.register(Toewijzingnummering)
class ToewijzingnummeringAdmin(AlleenLezenAdmin):
    list_display = ("gemeente", "wet", "laatste")
    list_select_related = ("gemeente",)
    fields = ("gemeente", "wet", "laatste")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[Toewijzingnummering]:
        qs = super().get_queryset(request).select_related("gemeente")
        gebruiker = actor(request)
        if gebruiker.is_superuser:
            return qs
        return qs.filter(gemeente_id__in=gebruiker.gemeente_ids())

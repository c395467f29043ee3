"""Admin of verzoeken (315/317) and regiemeldingen (305/307), imported by :mod:`inkoop.admin`.

Verzoeken arrive as messages; the regisseur decides one on its page (toekennen, afwijzen or
in onderzoek) through :mod:`inkoop.services`. Regiemeldingen and the status history are read
only. Nothing is deleted.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from inkoop import selectors, services
from inkoop.constants import VERZOEK_OPEN
from inkoop.models import Regiemelding, Verzoek, VerzoekStatusWijziging
from inkoop.services.verzoekbesluiten import REDEN_AFWIJZING_KEUZES
from kern.admin import AlleenLezenAdmin, DienstModelAdmin, actor, neem_over
from kern.bsn import maskeer_bsn

TOEKENNEN = "toekennen"
AFWIJZEN = "afwijzen"
IN_ONDERZOEK = "in_onderzoek"


class VerzoekStatusWijzigingInline(admin.TabularInline):
    model = VerzoekStatusWijziging
    extra = 0
    fields = ("op", "van_status", "naar_status", "reden", "door")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[VerzoekStatusWijziging]:
        return super().get_queryset(request).select_related("door")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class VerzoekBeslissenForm(forms.ModelForm):
    besluit = forms.ChoiceField(
        label=_("besluit"),
        choices=[
            ("", "---------"),
            (TOEKENNEN, _("Toekennen (301)")),
            (AFWIJZEN, _("Afwijzen (319)")),
            (IN_ONDERZOEK, _("In onderzoek (319)")),
        ],
        required=False,
        help_text=_("Het verzoek wordt als geheel beslist."),
    )
    reden = forms.ChoiceField(
        label=_("reden van afwijzing"),
        choices=[("", "---------"), *REDEN_AFWIJZING_KEUZES],
        required=False,
        help_text=_("Verplicht bij afwijzen (RedenAfwijzingVerzoek)."),
    )
    woonplaatsbeginsel_gemeente = forms.CharField(
        label=_("gemeente (woonplaatsbeginsel)"),
        max_length=4,
        required=False,
        help_text=_("Alleen bij reden 8 in de Jeugdwet: CBS-code van de gemeente."),
    )
    besluit_toelichting = forms.CharField(
        label=_("toelichting"),
        max_length=255,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    class Meta:
        model = Verzoek
        fields = ()


VERZOEK_VELDEN = (
    "soort",
    "status",
    "gemeente",
    "wet",
    "zorgaanbieder",
    "client_gemaskeerd",
    "referentie_aanbieder",
    "reden_verzoek",
    "producten",
    "signaleringen",
    "ontvangen_op",
    "uiterste_antwoorddatum",
    "beantwoord_op",
    "beslist_op",
    "beslist_door",
    "reden_afwijzing",
    "toelichting",
)


@admin.register(Verzoek)
class VerzoekAdmin(DienstModelAdmin):
    form = VerzoekBeslissenForm
    list_display = (
        "ontvangen_op",
        "soort",
        "zorgaanbieder",
        "gemeente",
        "status",
        "uiterste_antwoorddatum",
    )
    list_select_related = ("zorgaanbieder", "gemeente", "client")
    list_filter = ("status", "soort", "wet", ("gemeente", admin.RelatedOnlyFieldListFilter))
    search_fields = ("zorgaanbieder__naam", "=zorgaanbieder__agb_code", "=referentie_aanbieder")
    date_hierarchy = "ontvangen_op"
    readonly_fields = VERZOEK_VELDEN
    inlines = (VerzoekStatusWijzigingInline,)

    @admin.display(description=_("cliënt"))
    def client_gemaskeerd(self, obj: Verzoek) -> str:
        return maskeer_bsn(obj.client.bsn)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Verzoek]:
        return selectors.verzoeken_zichtbaar(gebruiker=actor(request))

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets: list[Any] = [(None, {"fields": VERZOEK_VELDEN})]
        if (
            obj is not None
            and obj.status in VERZOEK_OPEN
            and self.has_change_permission(request, obj)
        ):
            fieldsets.append(
                (
                    _("Beslissen"),
                    {
                        "fields": (
                            "besluit",
                            "reden",
                            "woonplaatsbeginsel_gemeente",
                            "besluit_toelichting",
                        )
                    },
                )
            )
        return fieldsets

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # verzoeken arrive as messages

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = form.cleaned_data
        besluit = data.get("besluit")
        if not besluit:
            return
        toelichting = data.get("besluit_toelichting") or ""
        with self.dienst():
            if besluit == TOEKENNEN:
                verzoek = services.verzoek_toekennen(
                    door=actor(request), verzoek=obj, toelichting=toelichting
                )
            elif besluit == AFWIJZEN:
                verzoek = services.verzoek_afwijzen(
                    door=actor(request),
                    verzoek=obj,
                    reden_afwijzing=data.get("reden") or "",
                    toelichting=toelichting,
                    woonplaatsbeginsel_gemeente=data.get("woonplaatsbeginsel_gemeente") or "",
                )
            else:
                verzoek = services.verzoek_in_onderzoek(
                    door=actor(request), verzoek=obj, toelichting=toelichting
                )
        neem_over(obj, verzoek)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # The history is written by the services; the admin's change message reads these
        # attributes, which ``formset.save()`` would have set.
        for formset in formsets:
            formset.new_objects = []
            formset.changed_objects = []
            formset.deleted_objects = []


@admin.register(Regiemelding)
class RegiemeldingAdmin(AlleenLezenAdmin):
    """Starts and stops arrive as messages (305/307); read only."""

    list_display = (
        "toewijzing",
        "soort",
        "begindatum",
        "einddatum",
        "reden_beeindiging",
        "verwijderd",
        "ontvangen_op",
    )
    list_select_related = ("toewijzing",)
    list_filter = ("soort", "verwijderd")
    search_fields = ("=toewijzing__nummer", "toewijzing__zorgaanbieder__naam")
    fields = (
        "toewijzing",
        "soort",
        "begindatum",
        "einddatum",
        "reden_beeindiging",
        "bericht",
        "verwijderd",
        "verwijderd_door",
        "ontvangen_op",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Regiemelding]:
        return selectors.regiemeldingen_zichtbaar(gebruiker=actor(request))

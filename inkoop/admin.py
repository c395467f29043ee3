"""Admin of inkoop: every write goes through :mod:`inkoop.services`.

Lists read through the selectors, so a beheerder sees what their gemeenten see. Trajecten are
made and changed here, their status moves with admin actions; percelen get products on their
own page; a submission or a clientstop is decided on its page (besluit and reden). Capacity
reports and histories are read only. Nothing is deleted.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from inkoop import selectors, services
from inkoop.constants import (
    Besluit,
    ClientstopBesluit,
    ClientstopStatus,
    InschrijvingStatus,
    TrajectStatus,
)
from inkoop.models import (
    Capaciteitsmelding,
    Clientstop,
    ClientstopStatusWijziging,
    Inkooptraject,
    InkooptrajectStatusWijziging,
    Inschrijving,
    InschrijvingTarief,
    Perceel,
    PerceelProduct,
)
from kern.admin import AlleenLezenAdmin, DienstModelAdmin, actor, gemeenten_van, neem_over
from kern.exceptions import DomeinFout
from kern.geld import BEDRAG_DECIMAL_PLACES, BEDRAG_MAX_DIGITS


class _AlleenLezenInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _geen_formset_wijzigingen(formset: Any, nieuw: list[Any] | None = None) -> None:
    """The admin's change message reads these attributes, which ``formset.save()`` would set;
    the services save instead, so set them here."""
    formset.new_objects = nieuw or []
    formset.changed_objects = []
    formset.deleted_objects = []


# --- Inkooptrajecten -----------------------------------------------------------------------

TRAJECT_WIJZIGBAAR = (
    "naam",
    "omschrijving",
    "gemeenten",
    "looptijd_begin",
    "looptijd_eind",
    "sluitingsdatum_inschrijving",
)


class PerceelInline(_AlleenLezenInline):
    model = Perceel
    fields = ("naam", "omschrijving")
    readonly_fields = fields
    show_change_link = True  # products are added on the perceel's own page


class TrajectStatusWijzigingInline(_AlleenLezenInline):
    model = InkooptrajectStatusWijziging
    fields = ("tijdstip", "van_status", "naar_status", "reden", "door")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[InkooptrajectStatusWijziging]:
        return super().get_queryset(request).select_related("door")


@admin.register(Inkooptraject)
class InkooptrajectAdmin(DienstModelAdmin):
    list_display = (
        "code",
        "naam",
        "procedure",
        "wet",
        "status",
        "sluitingsdatum_inschrijving",
        "looptijd_begin",
        "looptijd_eind",
    )
    list_filter = ("status", "procedure", "wet")
    search_fields = ("code", "naam")
    fieldsets = (
        (None, {"fields": ("code", "naam", "omschrijving", "procedure", "wet", "status")}),
        (
            _("Gemeenten en data"),
            {
                "fields": (
                    "gemeenten",
                    "publicatiedatum",
                    "sluitingsdatum_inschrijving",
                    "looptijd_begin",
                    "looptijd_eind",
                )
            },
        ),
    )
    filter_horizontal = ("gemeenten",)
    inlines = (PerceelInline, TrajectStatusWijzigingInline)
    actions = ("publiceren", "sluiten", "gunnen", "afronden", "intrekken")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Inkooptraject]:
        return selectors.inkooptrajecten_zichtbaar(gebruiker=actor(request))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None:
            return ("code", "procedure", "wet", "status", "publicatiedatum")
        return ("status", "publicatiedatum")

    def formfield_for_manytomany(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> forms.ModelMultipleChoiceField | None:
        if db_field.name == "gemeenten":
            kwargs["queryset"] = gemeenten_van(request)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = form.cleaned_data
        door = actor(request)
        with self.dienst():
            if not change:
                traject = services.inkooptraject_aanmaken(
                    door=door,
                    code=data["code"],
                    naam=data["naam"],
                    procedure=data["procedure"],
                    wet=data["wet"],
                    gemeenten=list(data["gemeenten"]),
                    looptijd_begin=data["looptijd_begin"],
                    looptijd_eind=data["looptijd_eind"],
                    sluitingsdatum_inschrijving=data.get("sluitingsdatum_inschrijving"),
                    omschrijving=data.get("omschrijving", ""),
                )
            else:
                gewijzigd = [v for v in TRAJECT_WIJZIGBAAR if v in form.changed_data]
                if not gewijzigd:
                    return
                kwargs: dict[str, Any] = {v: data[v] for v in gewijzigd}
                if "gemeenten" in kwargs:
                    kwargs["gemeenten"] = list(kwargs["gemeenten"])
                traject = services.inkooptraject_wijzigen(door=door, traject=obj, **kwargs)
        neem_over(obj, traject)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # No form.save_m2m(): the services set the gemeenten themselves.
        for formset in formsets:
            _geen_formset_wijzigingen(formset)

    def _status_wijzigen(
        self, request: HttpRequest, queryset: QuerySet[Inkooptraject], status: str, reden: str
    ) -> None:
        """Each selected traject on its own (one service call, one transaction each)."""
        door = actor(request)
        label = TrajectStatus(status).label.lower()
        for traject in queryset.order_by("code"):
            try:
                services.inkooptraject_status_wijzigen(
                    door=door, traject=traject, status=status, reden=reden
                )
            except DomeinFout as fout:
                self.message_user(
                    request, f"Traject {traject.code}: {fout.bericht}", messages.ERROR
                )
            else:
                self.message_user(
                    request, f"Traject {traject.code} is nu {label}.", messages.SUCCESS
                )

    @admin.action(description=_("Geselecteerde trajecten publiceren"), permissions=["change"])
    def publiceren(self, request: HttpRequest, queryset: QuerySet[Inkooptraject]) -> None:
        self._status_wijzigen(request, queryset, TrajectStatus.GEPUBLICEERD, "")

    @admin.action(
        description=_("Inschrijving van geselecteerde aanbestedingen sluiten"),
        permissions=["change"],
    )
    def sluiten(self, request: HttpRequest, queryset: QuerySet[Inkooptraject]) -> None:
        self._status_wijzigen(request, queryset, TrajectStatus.GESLOTEN, "")

    @admin.action(description=_("Geselecteerde aanbestedingen gunnen"), permissions=["change"])
    def gunnen(self, request: HttpRequest, queryset: QuerySet[Inkooptraject]) -> None:
        self._status_wijzigen(request, queryset, TrajectStatus.GEGUND, "")

    @admin.action(description=_("Geselecteerde trajecten afronden"), permissions=["change"])
    def afronden(self, request: HttpRequest, queryset: QuerySet[Inkooptraject]) -> None:
        self._status_wijzigen(request, queryset, TrajectStatus.AFGEROND, "")

    @admin.action(description=_("Geselecteerde trajecten intrekken"), permissions=["change"])
    def intrekken(self, request: HttpRequest, queryset: QuerySet[Inkooptraject]) -> None:
        self._status_wijzigen(
            request, queryset, TrajectStatus.INGETROKKEN, "Ingetrokken in het beheer."
        )


@admin.register(InkooptrajectStatusWijziging)
class InkooptrajectStatusWijzigingAdmin(AlleenLezenAdmin):
    list_display = ("traject", "van_status", "naar_status", "reden", "tijdstip", "door")
    list_select_related = ("traject", "door")
    list_filter = ("naar_status",)
    fields = ("traject", "van_status", "naar_status", "reden", "tijdstip", "door")

    def get_queryset(self, request: HttpRequest) -> QuerySet[InkooptrajectStatusWijziging]:
        return InkooptrajectStatusWijziging.objects.filter(
            traject__in=selectors.inkooptrajecten_zichtbaar(gebruiker=actor(request)).values("pk")
        )


# --- Percelen ------------------------------------------------------------------------------


class PerceelProductInline(_AlleenLezenInline):
    model = PerceelProduct
    fields = ("product", "tariefsoort", "bedrag", "eenheid")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[PerceelProduct]:
        return super().get_queryset(request).select_related("product")


class NieuwPerceelProductForm(forms.ModelForm):
    bedrag = forms.DecimalField(
        label=_("tarief of plafond"),
        max_digits=BEDRAG_MAX_DIGITS,
        decimal_places=BEDRAG_DECIMAL_PLACES,
        help_text=_("Bedrag in euro per eenheid, hoogstens twee decimalen."),
    )

    class Meta:
        model = PerceelProduct
        fields = ("product", "tariefsoort", "bedrag", "eenheid")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "eenheid" in self.fields:
            self.fields["eenheid"].required = False
            self.fields["eenheid"].help_text = _("Leeg: de eenheid van het product.")


class NieuwePerceelProductenFormSet(BaseInlineFormSet):
    """Only extra (new) forms: existing products are shown by :class:`PerceelProductInline`."""


class NieuwPerceelProductInline(admin.TabularInline):
    model = PerceelProduct
    form = NieuwPerceelProductForm
    formset = NieuwePerceelProductenFormSet
    fields = ("product", "tariefsoort", "bedrag", "eenheid")
    extra = 1
    can_delete = False
    verbose_name = _("nieuw product")
    verbose_name_plural = _("nieuwe producten")

    def get_queryset(self, request: HttpRequest) -> QuerySet[PerceelProduct]:
        return PerceelProduct.objects.none()

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Perceel)
class PerceelAdmin(DienstModelAdmin):
    list_display = ("naam", "traject")
    list_select_related = ("traject",)
    search_fields = ("naam", "traject__code", "traject__naam")
    fields = ("traject", "naam", "omschrijving")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Perceel]:
        return selectors.percelen_zichtbaar(gebruiker=actor(request))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ("traject", "naam", "omschrijving") if obj is not None else ()

    def get_inlines(self, request: HttpRequest, obj: Any) -> Any:
        if obj is None:
            return []
        return [PerceelProductInline, NieuwPerceelProductInline]

    def formfield_for_foreignkey(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> forms.ModelChoiceField | None:
        if db_field.name == "traject":
            kwargs["queryset"] = Inkooptraject.objects.filter(
                pk__in=selectors.inkooptrajecten_zichtbaar(gebruiker=actor(request)).values("pk"),
                status=TrajectStatus.CONCEPT,
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            return  # a perceel's own fields do not change; products come through the inline
        data = form.cleaned_data
        with self.dienst():
            perceel = services.perceel_aanmaken(
                door=actor(request),
                traject=data["traject"],
                naam=data["naam"],
                omschrijving=data.get("omschrijving", ""),
            )
        neem_over(obj, perceel)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        for formset in formsets:
            self.save_formset(request, form, formset, change)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        nieuw: list[Any] = []
        if isinstance(formset, NieuwePerceelProductenFormSet):
            for f in formset.forms:
                if not f.has_changed():
                    continue
                data = f.cleaned_data
                with self.dienst(bron=str(_("Nieuw product"))):
                    nieuw.append(
                        services.perceel_product_toevoegen(
                            door=actor(request),
                            perceel=form.instance,
                            product=data["product"],
                            tariefsoort=data["tariefsoort"],
                            bedrag=data["bedrag"],
                            eenheid=data.get("eenheid") or None,
                        )
                    )
        _geen_formset_wijzigingen(formset, nieuw)


@admin.register(PerceelProduct)
class PerceelProductAdmin(AlleenLezenAdmin):
    list_display = ("perceel", "product", "tariefsoort", "bedrag", "eenheid")
    list_select_related = ("perceel", "product")
    list_filter = ("tariefsoort",)
    fields = ("perceel", "product", "tariefsoort", "bedrag", "eenheid")

    def get_queryset(self, request: HttpRequest) -> QuerySet[PerceelProduct]:
        return PerceelProduct.objects.filter(
            perceel__in=selectors.percelen_zichtbaar(gebruiker=actor(request)).values("pk")
        )


# --- Inschrijvingen ------------------------------------------------------------------------


class InschrijvingTariefInline(_AlleenLezenInline):
    model = InschrijvingTarief
    fields = ("perceel_product", "bedrag")
    readonly_fields = fields


class InschrijvingBeoordeelForm(forms.ModelForm):
    besluit = forms.ChoiceField(
        label=_("besluit"),
        choices=[("", "---------"), *Besluit.choices],
        required=False,
        help_text=_("Toelaten maakt of verlengt het contract van de aanbieder."),
    )
    besluit_reden = forms.CharField(
        label=_("reden"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Verplicht bij afwijzen."),
    )

    class Meta:
        model = Inschrijving
        fields = ()


INSCHRIJVING_VELDEN = (
    "perceel",
    "zorgaanbieder",
    "status",
    "toelichting",
    "ingediend_op",
    "ingediend_door",
    "beoordeeld_op",
    "beoordeeld_door",
    "reden",
    "toelatingsdatum",
    "contract",
)


@admin.register(Inschrijving)
class InschrijvingAdmin(DienstModelAdmin):
    form = InschrijvingBeoordeelForm
    list_display = ("zorgaanbieder", "perceel", "status", "ingediend_op", "toelatingsdatum")
    list_select_related = ("zorgaanbieder", "perceel")
    list_filter = ("status",)
    search_fields = ("zorgaanbieder__naam", "=zorgaanbieder__agb_code", "perceel__naam")
    readonly_fields = INSCHRIJVING_VELDEN
    inlines = (InschrijvingTariefInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Inschrijving]:
        return selectors.inschrijvingen_zichtbaar(gebruiker=actor(request))

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets: list[Any] = [(None, {"fields": INSCHRIJVING_VELDEN})]
        if (
            obj is not None
            and obj.status == InschrijvingStatus.INGEDIEND
            and self.has_change_permission(request, obj)
        ):
            fieldsets.append((_("Beoordelen"), {"fields": ("besluit", "besluit_reden")}))
        return fieldsets

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # providers submit through the API

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = form.cleaned_data
        if not data.get("besluit"):
            return
        with self.dienst():
            inschrijving = services.inschrijving_beoordelen(
                door=actor(request),
                inschrijving=obj,
                besluit=data["besluit"],
                reden=data.get("besluit_reden") or "",
            )
        neem_over(obj, inschrijving)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        for formset in formsets:
            _geen_formset_wijzigingen(formset)


@admin.register(InschrijvingTarief)
class InschrijvingTariefAdmin(AlleenLezenAdmin):
    list_display = ("inschrijving", "perceel_product", "bedrag")
    list_select_related = ("inschrijving", "perceel_product")
    fields = ("inschrijving", "perceel_product", "bedrag")

    def get_queryset(self, request: HttpRequest) -> QuerySet[InschrijvingTarief]:
        return InschrijvingTarief.objects.filter(
            inschrijving__in=selectors.inschrijvingen_zichtbaar(gebruiker=actor(request)).values(
                "pk"
            )
        )


# --- Capaciteit en cliëntstops -------------------------------------------------------------


@admin.register(Capaciteitsmelding)
class CapaciteitsmeldingAdmin(AlleenLezenAdmin):
    """Providers report through the API; the history is read only."""

    list_display = (
        "zorgaanbieder",
        "product",
        "gemeente",
        "wachttijd_dagen",
        "beschikbare_plaatsen",
        "geldig_vanaf",
    )
    list_select_related = ("zorgaanbieder", "product", "gemeente")
    list_filter = (("gemeente", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("zorgaanbieder__naam", "=zorgaanbieder__agb_code", "product__productcode")
    date_hierarchy = "geldig_vanaf"
    fields = (
        "zorgaanbieder",
        "product",
        "gemeente",
        "wachttijd_dagen",
        "beschikbare_plaatsen",
        "geldig_vanaf",
        "toelichting",
        "gemeld_door",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Capaciteitsmelding]:
        return selectors.capaciteitsmeldingen_zichtbaar(gebruiker=actor(request))


class ClientstopStatusWijzigingInline(_AlleenLezenInline):
    model = ClientstopStatusWijziging
    fields = ("tijdstip", "van_status", "naar_status", "toelichting", "door")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[ClientstopStatusWijziging]:
        return super().get_queryset(request).select_related("door")


class ClientstopBeoordeelForm(forms.ModelForm):
    besluit = forms.ChoiceField(
        label=_("besluit"),
        choices=[("", "---------"), *ClientstopBesluit.choices],
        required=False,
        help_text=_("Alleen een goedgekeurde cliëntstop telt."),
    )
    besluit_reden = forms.CharField(
        label=_("toelichting bij het besluit"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Verplicht bij afwijzen."),
    )

    class Meta:
        model = Clientstop
        fields = ()


CLIENTSTOP_VELDEN = (
    "zorgaanbieder",
    "product",
    "gemeente",
    "ingangsdatum",
    "einddatum",
    "reden",
    "status",
    "aangevraagd_op",
    "aangevraagd_door",
    "beoordeeld_op",
    "beoordeeld_door",
    "besluit_toelichting",
)


@admin.register(Clientstop)
class ClientstopAdmin(DienstModelAdmin):
    form = ClientstopBeoordeelForm
    list_display = ("zorgaanbieder", "product", "gemeente", "ingangsdatum", "einddatum", "status")
    list_select_related = ("zorgaanbieder", "product", "gemeente")
    list_filter = ("status", ("gemeente", admin.RelatedOnlyFieldListFilter))
    search_fields = ("zorgaanbieder__naam", "=zorgaanbieder__agb_code", "product__productcode")
    readonly_fields = CLIENTSTOP_VELDEN
    inlines = (ClientstopStatusWijzigingInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Clientstop]:
        return selectors.clientstops_zichtbaar(gebruiker=actor(request))

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets: list[Any] = [(None, {"fields": CLIENTSTOP_VELDEN})]
        if (
            obj is not None
            and obj.status == ClientstopStatus.AANGEVRAAGD
            and self.has_change_permission(request, obj)
        ):
            fieldsets.append((_("Beoordelen"), {"fields": ("besluit", "besluit_reden")}))
        return fieldsets

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # providers ask through the API

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = form.cleaned_data
        if not data.get("besluit"):
            return
        with self.dienst():
            stop = services.clientstop_beoordelen(
                door=actor(request),
                clientstop=obj,
                besluit=data["besluit"],
                toelichting=data.get("besluit_reden") or "",
            )
        neem_over(obj, stop)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        for formset in formsets:
            _geen_formset_wijzigingen(formset)


@admin.register(ClientstopStatusWijziging)
class ClientstopStatusWijzigingAdmin(AlleenLezenAdmin):
    list_display = ("clientstop", "van_status", "naar_status", "tijdstip", "door")
    list_select_related = ("clientstop", "door")
    list_filter = ("naar_status",)
    fields = ("clientstop", "van_status", "naar_status", "toelichting", "tijdstip", "door")

    def get_queryset(self, request: HttpRequest) -> QuerySet[ClientstopStatusWijziging]:
        return ClientstopStatusWijziging.objects.filter(
            clientstop__in=selectors.clientstops_zichtbaar(gebruiker=actor(request)).values("pk")
        )


# Clients and toewijzingen (read only); verzoeken (315/317) and start/stop meldingen (305/307).
from inkoop import admin_toewijzingen, admin_verzoeken  # noqa: E402, F401

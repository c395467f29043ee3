"""Admin of contracten: every write goes through :mod:`contracten.services`.

Lists read through the selectors, so a beheerder sees what their gemeenten see. Tariff periods
are never edited: new ones are added (on the contract page or the tariff list), a wrong
amount is corrected on the period's page, which adds a replacing period. Status changes of
contracts are admin actions. Nothing is deleted.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from contracten.constants import ContractStatus, TariefReden
from contracten.models import (
    Bestedingsruimte,
    Contract,
    ContractStatusWijziging,
    ContractVersie,
    Product,
    Productcategorie,
    SlaNorm,
    Tariefperiode,
    Zorgaanbieder,
    ZorgaanbiederGebruiker,
)
from contracten.selectors import (
    bestedingsruimten_zichtbaar,
    contracten_zichtbaar,
    producten_zichtbaar,
    slanormen_zichtbaar,
    tariefperioden_zichtbaar,
    zorgaanbieders_zichtbaar,
)
from contracten.services import (
    ZORGAANBIEDER_VELDEN,
    bestedingsruimte_vastleggen,
    contract_aanmaken,
    contract_status_wijzigen,
    contract_wijzigen,
    product_aanmaken,
    product_wijzigen,
    slanorm_vastleggen,
    tariefperiode_corrigeren,
    tariefperiode_toevoegen,
    zorgaanbieder_aanmaken,
    zorgaanbieder_gebruiker_koppelen,
    zorgaanbieder_wijzigen,
)
from kern.admin import AlleenLezenAdmin, DienstModelAdmin, actor, gemeenten_van, neem_over
from kern.constants import Rol
from kern.exceptions import DomeinFout
from kern.geld import BEDRAG_DECIMAL_PLACES, BEDRAG_MAX_DIGITS
from kern.models import Gebruiker


def _bedragveld(label: Any, *, required: bool = True) -> forms.DecimalField:
    """A plain euro amount field (the model's MoneyField would add a currency choice)."""
    return forms.DecimalField(
        label=label,
        max_digits=BEDRAG_MAX_DIGITS,
        decimal_places=BEDRAG_DECIMAL_PLACES,
        min_value=Decimal("0"),
        required=required,
        help_text=_("Bedrag in euro, hoogstens twee decimalen."),
    )


class _BedragInitieel:
    """Show a stored MoneyField's amount (not the Money object) in a Decimal form field."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form: Any = self
        if form.instance.pk and "bedrag" in form.fields:
            form.initial["bedrag"] = form.instance.bedrag.amount


def _geen_formset_wijzigingen(formset: Any, nieuw: list[Any] | None = None) -> None:
    """The admin's change message reads these attributes, which ``formset.save()`` would set;
    the services save instead, so set them here."""
    formset.new_objects = nieuw or []
    formset.changed_objects = []
    formset.deleted_objects = []


# --- Zorgaanbieders ------------------------------------------------------------------------


@admin.register(Zorgaanbieder)
class ZorgaanbiederAdmin(DienstModelAdmin):
    list_display = ("naam", "agb_code", "kvk_nummer", "plaats", "actief")
    list_filter = ("actief",)
    search_fields = ("naam", "=agb_code", "=kvk_nummer", "plaats")
    fieldsets = (
        (None, {"fields": ("agb_code", "naam", "kvk_nummer", "iban", "actief")}),
        (
            _("Contact"),
            {"fields": ("contactpersoon", "email", "telefoon", "adres", "postcode", "plaats")},
        ),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Zorgaanbieder]:
        return zorgaanbieders_zichtbaar(gebruiker=actor(request))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ("agb_code",) if obj is not None else ()

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = form.cleaned_data
        velden = {v: data[v] for v in ZORGAANBIEDER_VELDEN if v in data}
        with self.dienst():
            if change:
                gewijzigd = {v: velden[v] for v in form.changed_data if v in velden}
                if not gewijzigd:
                    return
                aanbieder = zorgaanbieder_wijzigen(
                    door=actor(request), zorgaanbieder=obj, **gewijzigd
                )
            else:
                naam = velden.pop("naam")
                aanbieder = zorgaanbieder_aanmaken(
                    door=actor(request), agb_code=data["agb_code"], naam=naam, **velden
                )
        neem_over(obj, aanbieder)


@admin.register(ZorgaanbiederGebruiker)
class ZorgaanbiederGebruikerAdmin(DienstModelAdmin):
    list_display = ("gebruiker", "zorgaanbieder")
    list_select_related = ("gebruiker", "zorgaanbieder")
    search_fields = ("gebruiker__username", "zorgaanbieder__naam", "=zorgaanbieder__agb_code")
    fields = ("gebruiker", "zorgaanbieder")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ("gebruiker",) if obj is not None else ()

    def formfield_for_foreignkey(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> forms.ModelChoiceField | None:
        if db_field.name == "gebruiker":
            kwargs["queryset"] = Gebruiker.objects.filter(groups__name=Rol.ZORGAANBIEDER).order_by(
                "username"
            )
        elif db_field.name == "zorgaanbieder":
            kwargs["queryset"] = zorgaanbieders_zichtbaar(gebruiker=actor(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        gebruiker = obj.gebruiker if change else form.cleaned_data["gebruiker"]
        with self.dienst():
            koppeling = zorgaanbieder_gebruiker_koppelen(
                door=actor(request),
                gebruiker=gebruiker,
                zorgaanbieder=form.cleaned_data["zorgaanbieder"],
            )
        neem_over(obj, koppeling)


# --- Catalogue -----------------------------------------------------------------------------


@admin.register(Productcategorie)
class ProductcategorieAdmin(AlleenLezenAdmin):
    """The categories come from the code lists of iWmo and iJw (data migration)."""

    list_display = ("code", "omschrijving", "wet")
    list_filter = ("wet",)
    search_fields = ("=code", "omschrijving")


@admin.register(Product)
class ProductAdmin(DienstModelAdmin):
    list_display = (
        "productcode",
        "naam",
        "categorie",
        "eenheid",
        "uitvoeringsvariant",
        "ingangsdatum",
        "einddatum",
    )
    list_select_related = ("categorie",)
    list_filter = ("categorie__wet", "eenheid", "uitvoeringsvariant", "categorie")
    search_fields = ("productcode", "naam")
    fields = (
        "categorie",
        "productcode",
        "naam",
        "eenheid",
        "uitvoeringsvariant",
        "ingangsdatum",
        "einddatum",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Product]:
        return producten_zichtbaar(gebruiker=actor(request))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # Code, category and unit identify the product in messages and tariffs.
        if obj is not None:
            return ("categorie", "productcode", "eenheid", "uitvoeringsvariant", "ingangsdatum")
        return ()

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = form.cleaned_data
        with self.dienst():
            if change:
                wijzigingen: dict[str, Any] = {}
                if "naam" in form.changed_data:
                    wijzigingen["naam"] = data["naam"]
                if "einddatum" in form.changed_data:
                    wijzigingen["einddatum"] = data["einddatum"]
                if not wijzigingen:
                    return
                product = product_wijzigen(door=actor(request), product=obj, **wijzigingen)
            else:
                categorie: Productcategorie = data["categorie"]
                product = product_aanmaken(
                    door=actor(request),
                    wet=categorie.wet,
                    categorie=categorie.code,
                    productcode=data["productcode"],
                    naam=data["naam"],
                    eenheid=data["eenheid"],
                    uitvoeringsvariant=data["uitvoeringsvariant"],
                    ingangsdatum=data["ingangsdatum"],
                    einddatum=data.get("einddatum"),
                )
        neem_over(obj, product)


# --- Contracts -----------------------------------------------------------------------------

CONTRACT_WIJZIGBAAR = frozenset({"ingangsdatum", "einddatum", "gemeenten", "omschrijving"})


class ContractForm(forms.ModelForm):
    reden = forms.CharField(
        label=_("reden"),
        max_length=255,
        required=False,
        help_text=_(
            "Waarom het contract wijzigt; verplicht bij een wijziging. "
            "Komt in de contractversie en het auditlog."
        ),
    )

    class Meta:
        model = Contract
        fields = (
            "nummer",
            "zorgaanbieder",
            "gemeenten",
            "omschrijving",
            "ingangsdatum",
            "einddatum",
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        wijzigt = bool(set(self.changed_data) & CONTRACT_WIJZIGBAAR)
        if self.instance.pk and wijzigt and not (data.get("reden") or "").strip():
            self.add_error("reden", _("Geef een reden voor de wijziging."))
        return data


class _AlleenLezenInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ContractVersieInline(_AlleenLezenInline):
    model = ContractVersie
    fields = ("versie", "reden", "aangemaakt_op", "aangemaakt_door")
    readonly_fields = fields
    ordering = ("-versie",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[ContractVersie]:
        return super().get_queryset(request).select_related("aangemaakt_door")


class ContractStatusWijzigingInline(_AlleenLezenInline):
    model = ContractStatusWijziging
    fields = ("tijdstip", "van_status", "naar_status", "reden", "door")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[ContractStatusWijziging]:
        return super().get_queryset(request).select_related("door")


class TariefperiodeInline(_AlleenLezenInline):
    model = Tariefperiode
    fields = (
        "product",
        "bedrag",
        "eenheid",
        "ingangsdatum",
        "einddatum",
        "reden",
        "is_vervangen",
        "toelichting",
    )
    readonly_fields = fields
    ordering = ("product__productcode", "ingangsdatum", "id")
    show_change_link = True  # a correction is made on the period's own page

    def get_queryset(self, request: HttpRequest) -> QuerySet[Tariefperiode]:
        return super().get_queryset(request).select_related("product")


class NieuweTariefperiodeForm(forms.ModelForm):
    bedrag = _bedragveld(_("tarief"))
    reden = forms.ChoiceField(
        label=_("reden"),
        choices=[
            (r.value, r.label)
            for r in (TariefReden.INITIEEL, TariefReden.WIJZIGING, TariefReden.INDEXATIE)
        ],
        initial=TariefReden.INITIEEL,
        help_text=_("Waarom deze periode bestaat."),
    )

    class Meta:
        model = Tariefperiode
        fields: tuple[str, ...] = (
            "product",
            "bedrag",
            "eenheid",
            "ingangsdatum",
            "einddatum",
            "reden",
            "toelichting",
        )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "eenheid" in self.fields:
            self.fields["eenheid"].required = False
            self.fields["eenheid"].help_text = _("Leeg: de eenheid van het product.")


class NieuweTarievenFormSet(BaseInlineFormSet):
    """Only extra (new) forms: existing periods are shown by :class:`TariefperiodeInline`."""


class NieuweTariefperiodeInline(admin.TabularInline):
    model = Tariefperiode
    form = NieuweTariefperiodeForm
    formset = NieuweTarievenFormSet
    fields = ("product", "bedrag", "eenheid", "ingangsdatum", "einddatum", "reden", "toelichting")
    extra = 1
    can_delete = False
    verbose_name = _("nieuwe tariefperiode")
    verbose_name_plural = _("nieuwe tariefperioden")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Tariefperiode]:
        return Tariefperiode.objects.none()

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SlaNormForm(forms.ModelForm):
    class Meta:
        model = SlaNorm
        fields = ("soort", "waarde", "toelichting")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and "soort" in self.fields:
            self.fields["soort"].disabled = True  # a norm keeps its kind; add another instead


class SlaNormFormSet(BaseInlineFormSet):
    """The SLA inline's formset; its own class so ``save_formset`` can route it to
    ``slanorm_vastleggen`` (``isinstance`` check) instead of saving rows directly."""


class SlaNormInline(admin.TabularInline):
    model = SlaNorm
    form = SlaNormForm
    formset = SlaNormFormSet
    fields = ("soort", "waarde", "eenheid", "toelichting")
    readonly_fields = ("eenheid",)
    extra = 1
    can_delete = False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Contract)
class ContractAdmin(DienstModelAdmin):
    form = ContractForm
    list_display = (
        "nummer",
        "zorgaanbieder",
        "gemeenten_weergave",
        "status",
        "ingangsdatum",
        "einddatum",
        "versie",
    )
    list_select_related = ("zorgaanbieder",)
    list_filter = ("status", ("gemeenten", admin.RelatedOnlyFieldListFilter), "ingangsdatum")
    search_fields = ("nummer", "omschrijving", "zorgaanbieder__naam", "=zorgaanbieder__agb_code")
    fieldsets = (
        (None, {"fields": ("nummer", "zorgaanbieder", "status", "versie")}),
        (
            _("Looptijd en gemeenten"),
            {"fields": ("ingangsdatum", "einddatum", "gemeenten", "omschrijving", "reden")},
        ),
    )
    filter_horizontal = ("gemeenten",)
    actions = ("activeren", "opzeggen", "beeindigen")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Contract]:
        return contracten_zichtbaar(gebruiker=actor(request))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None:
            return ("nummer", "zorgaanbieder", "status", "versie")
        return ("status", "versie")

    def get_inlines(self, request: HttpRequest, obj: Any) -> Any:
        nieuw = [NieuweTariefperiodeInline, SlaNormInline]
        if obj is None:
            return nieuw
        return [
            TariefperiodeInline,
            *nieuw,
            ContractVersieInline,
            ContractStatusWijzigingInline,
        ]

    def formfield_for_manytomany(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> forms.ModelMultipleChoiceField | None:
        if db_field.name == "gemeenten":
            kwargs["queryset"] = gemeenten_van(request)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def formfield_for_foreignkey(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> forms.ModelChoiceField | None:
        if db_field.name == "zorgaanbieder":
            kwargs["queryset"] = zorgaanbieders_zichtbaar(gebruiker=actor(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("gemeenten"))
    def gemeenten_weergave(self, obj: Contract) -> str:
        return ", ".join(sorted(g.naam for g in obj.gemeenten.all()))

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = form.cleaned_data
        door = actor(request)
        with self.dienst():
            if not change:
                contract = contract_aanmaken(
                    door=door,
                    nummer=data["nummer"],
                    zorgaanbieder=data["zorgaanbieder"],
                    gemeenten=list(data["gemeenten"]),
                    ingangsdatum=data["ingangsdatum"],
                    einddatum=data.get("einddatum"),
                    omschrijving=data.get("omschrijving", ""),
                    reden=(data.get("reden") or "").strip() or "Eerste versie",
                )
            else:
                gewijzigd = set(form.changed_data) & CONTRACT_WIJZIGBAAR
                if not gewijzigd:
                    return
                kwargs: dict[str, Any] = {v: data[v] for v in gewijzigd}
                if "gemeenten" in kwargs:
                    kwargs["gemeenten"] = list(kwargs["gemeenten"])
                contract = contract_wijzigen(
                    door=door, contract=obj, reden=data.get("reden") or "", **kwargs
                )
        neem_over(obj, contract)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # No form.save_m2m(): the contract services set the gemeenten themselves.
        for formset in formsets:
            self.save_formset(request, form, formset, change)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        contract: Contract = form.instance
        door = actor(request)
        nieuw: list[Any] = []
        if isinstance(formset, NieuweTarievenFormSet):
            for f in formset.forms:
                if not f.has_changed():
                    continue
                data = f.cleaned_data
                with self.dienst(bron=str(_("Nieuwe tariefperiode"))):
                    nieuw.append(
                        tariefperiode_toevoegen(
                            door=door,
                            contract=contract,
                            product=data["product"],
                            bedrag=data["bedrag"],
                            ingangsdatum=data["ingangsdatum"],
                            einddatum=data.get("einddatum"),
                            eenheid=data.get("eenheid") or None,
                            reden=data.get("reden") or TariefReden.INITIEEL,
                            toelichting=data.get("toelichting", ""),
                        )
                    )
        elif isinstance(formset, SlaNormFormSet):
            for f in formset.forms:
                if not f.has_changed():
                    continue
                data = f.cleaned_data
                soort = f.instance.soort if f.instance.pk else data["soort"]
                with self.dienst(bron=str(_("SLA-norm"))):
                    norm = slanorm_vastleggen(
                        door=door,
                        contract=contract,
                        soort=soort,
                        waarde=data["waarde"],
                        toelichting=data.get("toelichting", ""),
                    )
                if not f.instance.pk:
                    nieuw.append(norm)
        _geen_formset_wijzigingen(formset, nieuw)

    def _status_wijzigen(
        self, request: HttpRequest, queryset: QuerySet[Contract], status: str, reden: str
    ) -> None:
        """Change each selected contract on its own (one service call, one transaction each)
        and report per contract."""
        door = actor(request)
        label = ContractStatus(status).label.lower()
        for contract in queryset.order_by("nummer"):
            try:
                contract_status_wijzigen(door=door, contract=contract, status=status, reden=reden)
            except DomeinFout as fout:
                self.message_user(
                    request, f"Contract {contract.nummer}: {fout.bericht}", messages.ERROR
                )
            else:
                self.message_user(
                    request, f"Contract {contract.nummer} is nu {label}.", messages.SUCCESS
                )

    @admin.action(description=_("Geselecteerde contracten activeren"), permissions=["change"])
    def activeren(self, request: HttpRequest, queryset: QuerySet[Contract]) -> None:
        self._status_wijzigen(
            request, queryset, ContractStatus.ACTIEF, "Geactiveerd in het beheer."
        )

    @admin.action(description=_("Geselecteerde contracten opzeggen"), permissions=["change"])
    def opzeggen(self, request: HttpRequest, queryset: QuerySet[Contract]) -> None:
        self._status_wijzigen(request, queryset, ContractStatus.OPGEZEGD, "Opgezegd in het beheer.")

    @admin.action(description=_("Geselecteerde contracten beëindigen"), permissions=["change"])
    def beeindigen(self, request: HttpRequest, queryset: QuerySet[Contract]) -> None:
        self._status_wijzigen(
            request, queryset, ContractStatus.BEEINDIGD, "Beëindigd in het beheer."
        )


@admin.register(ContractVersie)
class ContractVersieAdmin(AlleenLezenAdmin):
    list_display = ("contract", "versie", "reden", "aangemaakt_op", "aangemaakt_door")
    list_select_related = ("contract", "aangemaakt_door")
    search_fields = ("contract__nummer", "reden")
    fields = ("contract", "versie", "reden", "gegevens", "aangemaakt_op", "aangemaakt_door")

    def get_queryset(self, request: HttpRequest) -> QuerySet[ContractVersie]:
        return ContractVersie.objects.filter(
            contract__in=contracten_zichtbaar(gebruiker=actor(request)).values("pk")
        )


@admin.register(ContractStatusWijziging)
class ContractStatusWijzigingAdmin(AlleenLezenAdmin):
    list_display = ("contract", "van_status", "naar_status", "reden", "tijdstip", "door")
    list_select_related = ("contract", "door")
    list_filter = ("naar_status",)
    search_fields = ("contract__nummer", "reden")
    fields = ("contract", "van_status", "naar_status", "reden", "tijdstip", "door")

    def get_queryset(self, request: HttpRequest) -> QuerySet[ContractStatusWijziging]:
        return ContractStatusWijziging.objects.filter(
            contract__in=contracten_zichtbaar(gebruiker=actor(request)).values("pk")
        )


# --- Tariff periods ------------------------------------------------------------------------


class TariefperiodeToevoegForm(NieuweTariefperiodeForm):
    class Meta(NieuweTariefperiodeForm.Meta):
        fields = (
            "contract",
            "product",
            "bedrag",
            "eenheid",
            "ingangsdatum",
            "einddatum",
            "reden",
            "toelichting",
        )


class TariefperiodeCorrectieForm(forms.ModelForm):
    nieuw_bedrag = _bedragveld(_("gecorrigeerd tarief"), required=False)
    correctie_toelichting = forms.CharField(
        label=_("toelichting bij de correctie"),
        max_length=255,
        required=False,
        help_text=_("Waarom het tarief wordt gecorrigeerd; verplicht bij een correctie."),
    )

    class Meta:
        model = Tariefperiode
        fields = ()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("nieuw_bedrag") is not None
            and not (data.get("correctie_toelichting") or "").strip()
        ):
            self.add_error("correctie_toelichting", _("Geef een toelichting bij de correctie."))
        return data


TARIEFPERIODE_VELDEN = (
    "contract",
    "product",
    "bedrag",
    "eenheid",
    "ingangsdatum",
    "einddatum",
    "reden",
    "toelichting",
)


@admin.register(Tariefperiode)
class TariefperiodeAdmin(DienstModelAdmin):
    list_display = (
        "contract",
        "product",
        "bedrag",
        "eenheid",
        "ingangsdatum",
        "einddatum",
        "reden",
        "is_vervangen",
    )
    list_select_related = ("contract", "product")
    list_filter = ("reden", "is_vervangen", "eenheid", "product__categorie__wet", "ingangsdatum")
    search_fields = (
        "contract__nummer",
        "product__productcode",
        "product__naam",
        "contract__zorgaanbieder__naam",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Tariefperiode]:
        return tariefperioden_zichtbaar(gebruiker=actor(request), ook_vervangen=True)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ((None, {"fields": TARIEFPERIODE_VELDEN}),)
        fieldsets: list[Any] = [
            (
                None,
                {
                    "fields": (
                        *TARIEFPERIODE_VELDEN,
                        "vervangt",
                        "is_vervangen",
                        "aangemaakt_op",
                        "aangemaakt_door",
                    )
                },
            )
        ]
        if self.has_change_permission(request, obj):
            fieldsets.append(
                (
                    _("Correctie"),
                    {
                        "fields": ("nieuw_bedrag", "correctie_toelichting"),
                        "description": _(
                            "Een correctie vervangt deze periode door een nieuwe met hetzelfde "
                            "tijdvak; de oude blijft zichtbaar als vervangen."
                        ),
                    },
                )
            )
        return fieldsets

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ()
        return (
            *TARIEFPERIODE_VELDEN,
            "vervangt",
            "is_vervangen",
            "aangemaakt_op",
            "aangemaakt_door",
        )

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        kwargs["form"] = TariefperiodeToevoegForm if obj is None else TariefperiodeCorrectieForm
        return super().get_form(request, obj, change=change, **kwargs)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.is_vervangen:
            return False  # only the newest period of a correction chain is corrected
        return super().has_change_permission(request, obj)

    def formfield_for_foreignkey(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> forms.ModelChoiceField | None:
        if db_field.name == "contract":
            kwargs["queryset"] = Contract.objects.filter(
                pk__in=contracten_zichtbaar(gebruiker=actor(request)).values("pk")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = form.cleaned_data
        door = actor(request)
        if change:
            if data.get("nieuw_bedrag") is None:
                return
            with self.dienst():
                nieuw = tariefperiode_corrigeren(
                    door=door,
                    tariefperiode=obj,
                    bedrag=data["nieuw_bedrag"],
                    toelichting=data["correctie_toelichting"],
                )
            self.message_user(
                request,
                f"Correctie vastgelegd: {nieuw} vervangt de oude periode.",
                messages.SUCCESS,
            )
            obj.refresh_from_db()
            return
        with self.dienst():
            periode = tariefperiode_toevoegen(
                door=door,
                contract=data["contract"],
                product=data["product"],
                bedrag=data["bedrag"],
                ingangsdatum=data["ingangsdatum"],
                einddatum=data.get("einddatum"),
                eenheid=data.get("eenheid") or None,
                reden=data.get("reden") or TariefReden.INITIEEL,
                toelichting=data.get("toelichting", ""),
            )
        neem_over(obj, periode)


# --- SLA norms and spending caps -----------------------------------------------------------


@admin.register(SlaNorm)
class SlaNormAdmin(DienstModelAdmin):
    list_display = ("contract", "soort", "waarde", "eenheid")
    list_select_related = ("contract",)
    list_filter = ("soort",)
    search_fields = ("contract__nummer", "contract__zorgaanbieder__naam")

    def get_queryset(self, request: HttpRequest) -> QuerySet[SlaNorm]:
        return slanormen_zichtbaar(gebruiker=actor(request))

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ("contract", "soort", "waarde", "eenheid", "toelichting")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ("contract", "soort", "eenheid") if obj is not None else ("eenheid",)

    def formfield_for_foreignkey(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> forms.ModelChoiceField | None:
        if db_field.name == "contract":
            kwargs["queryset"] = Contract.objects.filter(
                pk__in=contracten_zichtbaar(gebruiker=actor(request)).values("pk")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = form.cleaned_data
        with self.dienst():
            norm = slanorm_vastleggen(
                door=actor(request),
                contract=obj.contract if change else data["contract"],
                soort=obj.soort if change else data["soort"],
                waarde=data["waarde"],
                toelichting=data.get("toelichting", ""),
            )
        neem_over(obj, norm)


class BestedingsruimteForm(_BedragInitieel, forms.ModelForm):
    bedrag = _bedragveld(_("bedrag"))

    class Meta:
        model = Bestedingsruimte
        fields = ("zorgaanbieder", "gemeente", "jaar", "bedrag", "toelichting")


@admin.register(Bestedingsruimte)
class BestedingsruimteAdmin(DienstModelAdmin):
    form = BestedingsruimteForm
    list_display = ("zorgaanbieder", "gemeente", "jaar", "bedrag")
    list_select_related = ("zorgaanbieder", "gemeente")
    list_filter = ("jaar", ("gemeente", admin.RelatedOnlyFieldListFilter))
    search_fields = ("zorgaanbieder__naam", "=zorgaanbieder__agb_code")
    fields = ("zorgaanbieder", "gemeente", "jaar", "bedrag", "toelichting")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Bestedingsruimte]:
        return bestedingsruimten_zichtbaar(gebruiker=actor(request))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ("zorgaanbieder", "gemeente", "jaar") if obj is not None else ()

    def formfield_for_foreignkey(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> forms.ModelChoiceField | None:
        if db_field.name == "zorgaanbieder":
            kwargs["queryset"] = zorgaanbieders_zichtbaar(gebruiker=actor(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = form.cleaned_data
        with self.dienst():
            ruimte = bestedingsruimte_vastleggen(
                door=actor(request),
                zorgaanbieder=obj.zorgaanbieder if change else data["zorgaanbieder"],
                gemeente=obj.gemeente if change else data["gemeente"],
                jaar=obj.jaar if change else data["jaar"],
                bedrag=data["bedrag"],
                toelichting=data.get("toelichting", ""),
            )
        neem_over(obj, ruimte)

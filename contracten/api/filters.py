"""Query filters of the contracten API (django-filter). They narrow what the selectors
already scoped to the user; they never widen it."""

from __future__ import annotations

from datetime import date

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from contracten.constants import CONTRACT_LOPEND, ContractStatus, Eenheid, Uitvoeringsvariant
from contracten.models import (
    Bestedingsruimte,
    Contract,
    Product,
    Productcategorie,
    SlaNorm,
    Tariefperiode,
    Zorgaanbieder,
)
from kern.constants import Wet


def _geldig_op(qs: QuerySet, dag: date) -> QuerySet:
    return qs.filter(ingangsdatum__lte=dag).filter(
        Q(einddatum__isnull=True) | Q(einddatum__gte=dag)
    )


class ZorgaanbiederFilter(django_filters.FilterSet):
    agb_code = django_filters.CharFilter(help_text=_("AGB-code (8 cijfers)."))
    naam = django_filters.CharFilter(
        lookup_expr="icontains", help_text=_("Deel van de naam (hoofdletterongevoelig).")
    )
    actief = django_filters.BooleanFilter(help_text=_("Alleen actieve of alleen inactieve."))

    class Meta:
        model = Zorgaanbieder
        fields = ["agb_code", "naam", "actief"]


class ProductcategorieFilter(django_filters.FilterSet):
    wet = django_filters.ChoiceFilter(choices=Wet.choices, help_text=_("Wmo of Jw."))

    class Meta:
        model = Productcategorie
        fields = ["wet"]


class ProductFilter(django_filters.FilterSet):
    wet = django_filters.ChoiceFilter(
        field_name="categorie__wet", choices=Wet.choices, help_text=_("Wmo of Jw.")
    )
    categorie = django_filters.CharFilter(
        field_name="categorie__code", help_text=_("Productcategorie (2 cijfers).")
    )
    productcode = django_filters.CharFilter(help_text=_("Productcode."))
    eenheid = django_filters.ChoiceFilter(choices=Eenheid.choices, help_text=_("Eenheid."))
    uitvoeringsvariant = django_filters.ChoiceFilter(
        choices=Uitvoeringsvariant.choices, help_text=_("Uitvoeringsvariant.")
    )
    geldig_op = django_filters.DateFilter(
        method="filter_geldig_op", help_text=_("Alleen producten die op deze dag geldig zijn.")
    )

    class Meta:
        model = Product
        fields = ["wet", "categorie", "productcode", "eenheid", "uitvoeringsvariant", "geldig_op"]

    def filter_geldig_op(self, queryset: QuerySet, name: str, value: date) -> QuerySet:
        return _geldig_op(queryset, value)


class ContractFilter(django_filters.FilterSet):
    zorgaanbieder = django_filters.UUIDFilter(
        field_name="zorgaanbieder__uuid", help_text=_("uuid van de zorgaanbieder.")
    )
    agb_code = django_filters.CharFilter(
        field_name="zorgaanbieder__agb_code", help_text=_("AGB-code van de zorgaanbieder.")
    )
    gemeente = django_filters.CharFilter(
        field_name="gemeenten__code", help_text=_("CBS-code van een gemeente van het contract.")
    )
    status = django_filters.ChoiceFilter(
        choices=ContractStatus.choices, help_text=_("Status van het contract.")
    )
    actief_op = django_filters.DateFilter(
        method="filter_actief_op",
        help_text=_(
            "Alleen contracten die op deze dag lopen (actief of opgezegd, binnen de looptijd)."
        ),
    )

    class Meta:
        model = Contract
        fields = ["zorgaanbieder", "agb_code", "gemeente", "status", "actief_op"]

    def filter_actief_op(self, queryset: QuerySet, name: str, value: date) -> QuerySet:
        return _geldig_op(queryset, value).filter(status__in=CONTRACT_LOPEND)


class TariefperiodeFilter(django_filters.FilterSet):
    contract = django_filters.UUIDFilter(
        field_name="contract__uuid", help_text=_("uuid van het contract.")
    )
    product = django_filters.UUIDFilter(
        field_name="product__uuid", help_text=_("uuid van het product.")
    )
    agb_code = django_filters.CharFilter(
        field_name="contract__zorgaanbieder__agb_code",
        help_text=_("AGB-code van de zorgaanbieder."),
    )
    gemeente = django_filters.CharFilter(
        field_name="contract__gemeenten__code",
        help_text=_("CBS-code van een gemeente van het contract."),
    )
    geldig_op = django_filters.DateFilter(
        method="filter_geldig_op", help_text=_("Alleen perioden die op deze dag gelden.")
    )
    ook_vervangen = django_filters.BooleanFilter(
        method="filter_ook_vervangen",
        help_text=_("Waar: ook perioden tonen die door een correctie zijn vervangen."),
    )

    class Meta:
        model = Tariefperiode
        fields = ["contract", "product", "agb_code", "gemeente", "geldig_op", "ook_vervangen"]

    def filter_geldig_op(self, queryset: QuerySet, name: str, value: date) -> QuerySet:
        return _geldig_op(queryset, value)

    def filter_ook_vervangen(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        return queryset  # applied in filter_queryset: the default (absent) must also act

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("ook_vervangen"):
            queryset = queryset.filter(is_vervangen=False)
        return queryset


class SlaNormFilter(django_filters.FilterSet):
    contract = django_filters.UUIDFilter(
        field_name="contract__uuid", help_text=_("uuid van het contract.")
    )

    class Meta:
        model = SlaNorm
        fields = ["contract"]


class BestedingsruimteFilter(django_filters.FilterSet):
    jaar = django_filters.NumberFilter(help_text=_("Kalenderjaar."))
    gemeente = django_filters.CharFilter(
        field_name="gemeente__code", help_text=_("CBS-code van de gemeente.")
    )
    agb_code = django_filters.CharFilter(
        field_name="zorgaanbieder__agb_code", help_text=_("AGB-code van de zorgaanbieder.")
    )

    class Meta:
        model = Bestedingsruimte
        fields = ["jaar", "gemeente", "agb_code"]

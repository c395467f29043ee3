"""Query filters of the financien API (django-filter). They narrow what the selectors already
scoped to the user; they never widen it."""

from __future__ import annotations

import uuid

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from financien.constants import BoekingSoort, BronType, ReserveringStatus, Taakveld
from financien.models import (
    Begrotingsjaar,
    Boeking,
    Boekingsregel,
    Budgetpost,
    BudgetpostToewijzingsregel,
    Reservering,
)
from kern.constants import Wet


def _gemeente() -> django_filters.CharFilter:
    return django_filters.CharFilter(
        field_name="gemeente__code", help_text=_("CBS-code van de gemeente (4 cijfers).")
    )


class BudgetpostFilter(django_filters.FilterSet):
    gemeente = _gemeente()
    jaar = django_filters.NumberFilter(help_text=_("Begrotingsjaar."))
    wet = django_filters.ChoiceFilter(choices=Wet.choices, help_text=_("Wmo of Jw."))
    taakveld = django_filters.ChoiceFilter(choices=Taakveld.choices, help_text=_("Taakveld."))
    kostenplaats = django_filters.CharFilter(help_text=_("Kostenplaats (exact)."))

    class Meta:
        model = Budgetpost
        fields = ["gemeente", "jaar", "wet", "taakveld", "kostenplaats"]


class BegrotingsjaarFilter(django_filters.FilterSet):
    gemeente = _gemeente()
    jaar = django_filters.NumberFilter(help_text=_("Begrotingsjaar."))
    afgesloten = django_filters.BooleanFilter(help_text=_("Alleen afgesloten of open jaren."))

    class Meta:
        model = Begrotingsjaar
        fields = ["gemeente", "jaar", "afgesloten"]


class ToewijzingsregelFilter(django_filters.FilterSet):
    gemeente = _gemeente()
    wet = django_filters.ChoiceFilter(choices=Wet.choices, help_text=_("Wmo of Jw."))

    class Meta:
        model = BudgetpostToewijzingsregel
        fields = ["gemeente", "wet"]


class BoekingFilter(django_filters.FilterSet):
    gemeente = _gemeente()
    soort = django_filters.ChoiceFilter(choices=BoekingSoort.choices, help_text=_("Soort boeking."))
    bron_type = django_filters.ChoiceFilter(choices=BronType.choices, help_text=_("Brontype."))
    bron_id = django_filters.CharFilter(help_text=_("Kenmerk van de bron (exact)."))
    budgetpost = django_filters.UUIDFilter(
        method="filter_budgetpost", help_text=_("uuid van een budgetpost: boekingen die hem raken.")
    )
    reservering = django_filters.UUIDFilter(
        field_name="reservering__uuid", help_text=_("uuid van de reservering.")
    )
    boekdatum_vanaf = django_filters.DateFilter(
        field_name="boekdatum", lookup_expr="gte", help_text=_("Boekdatum op of na deze dag.")
    )
    boekdatum_tot = django_filters.DateFilter(
        field_name="boekdatum", lookup_expr="lte", help_text=_("Boekdatum op of voor deze dag.")
    )

    class Meta:
        model = Boeking
        fields = [
            "gemeente",
            "soort",
            "bron_type",
            "bron_id",
            "budgetpost",
            "reservering",
            "boekdatum_vanaf",
            "boekdatum_tot",
        ]

    def filter_budgetpost(self, queryset: QuerySet, name: str, value: uuid.UUID) -> QuerySet:
        regels = Boekingsregel.objects.filter(rekening__budgetpost__uuid=value).values("boeking_id")
        return queryset.filter(Q(pk__in=regels) | Q(reservering__budgetpost__uuid=value))


class ReserveringFilter(django_filters.FilterSet):
    gemeente = django_filters.CharFilter(
        field_name="budgetpost__gemeente__code", help_text=_("CBS-code van de gemeente.")
    )
    budgetpost = django_filters.UUIDFilter(
        field_name="budgetpost__uuid", help_text=_("uuid van de budgetpost.")
    )
    zorgaanbieder = django_filters.UUIDFilter(
        field_name="zorgaanbieder__uuid", help_text=_("uuid van de zorgaanbieder.")
    )
    status = django_filters.ChoiceFilter(
        choices=ReserveringStatus.choices, help_text=_("Status van de reservering.")
    )
    bron_type = django_filters.ChoiceFilter(choices=BronType.choices, help_text=_("Brontype."))
    bron_id = django_filters.CharFilter(help_text=_("Kenmerk van de bron (exact)."))
    jaar = django_filters.NumberFilter(help_text=_("Begrotingsjaar."))

    class Meta:
        model = Reservering
        fields = [
            "gemeente",
            "budgetpost",
            "zorgaanbieder",
            "status",
            "bron_type",
            "bron_id",
            "jaar",
        ]

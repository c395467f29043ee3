"""Query filters of the inkoop API (django-filter). They narrow what the selectors already
scoped to the user; they never widen it."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from inkoop.constants import ClientstopStatus, InschrijvingStatus, Procedure, TrajectStatus
from inkoop.models import Capaciteitsmelding, Clientstop, Inkooptraject, Inschrijving, Perceel
from inkoop.selectors import alleen_actuele_meldingen
from kern.constants import Wet


class InkooptrajectFilter(django_filters.FilterSet):
    code = django_filters.CharFilter(help_text=_("Code van het traject."))
    status = django_filters.ChoiceFilter(
        choices=TrajectStatus.choices, help_text=_("Status van het traject.")
    )
    procedure = django_filters.ChoiceFilter(
        choices=Procedure.choices, help_text=_("Soort procedure.")
    )
    wet = django_filters.ChoiceFilter(choices=Wet.choices, help_text=_("Wmo of Jeugdwet."))
    gemeente = django_filters.CharFilter(
        field_name="gemeenten__code",
        distinct=True,
        help_text=_("CBS-code van een gemeente van het traject."),
    )

    class Meta:
        model = Inkooptraject
        fields = ["code", "status", "procedure", "wet", "gemeente"]


class PerceelFilter(django_filters.FilterSet):
    traject = django_filters.UUIDFilter(
        field_name="traject__uuid", help_text=_("uuid van het traject.")
    )

    class Meta:
        model = Perceel
        fields = ["traject"]


class InschrijvingFilter(django_filters.FilterSet):
    traject = django_filters.UUIDFilter(
        field_name="perceel__traject__uuid", help_text=_("uuid van het traject.")
    )
    perceel = django_filters.UUIDFilter(
        field_name="perceel__uuid", help_text=_("uuid van het perceel.")
    )
    status = django_filters.ChoiceFilter(
        choices=InschrijvingStatus.choices, help_text=_("Status van de inschrijving.")
    )
    agb_code = django_filters.CharFilter(
        field_name="zorgaanbieder__agb_code", help_text=_("AGB-code van de aanbieder.")
    )

    class Meta:
        model = Inschrijving
        fields = ["traject", "perceel", "status", "agb_code"]


class CapaciteitsmeldingFilter(django_filters.FilterSet):
    agb_code = django_filters.CharFilter(
        field_name="zorgaanbieder__agb_code", help_text=_("AGB-code van de aanbieder.")
    )
    product = django_filters.UUIDFilter(
        field_name="product__uuid", help_text=_("uuid van het product.")
    )
    gemeente = django_filters.CharFilter(
        field_name="gemeente__code", help_text=_("CBS-code van de gemeente.")
    )
    actueel = django_filters.BooleanFilter(
        method="filter_actueel",
        help_text=_(
            "Waar: alleen de geldende melding per aanbieder, product en gemeente (zonder "
            "geschiedenis)."
        ),
    )

    class Meta:
        model = Capaciteitsmelding
        fields = ["agb_code", "product", "gemeente", "actueel"]

    def filter_actueel(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        return alleen_actuele_meldingen(queryset) if value else queryset


class ClientstopFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=ClientstopStatus.choices, help_text=_("Status van de cliëntstop.")
    )
    agb_code = django_filters.CharFilter(
        field_name="zorgaanbieder__agb_code", help_text=_("AGB-code van de aanbieder.")
    )
    product = django_filters.UUIDFilter(
        field_name="product__uuid", help_text=_("uuid van het product.")
    )
    gemeente = django_filters.CharFilter(
        field_name="gemeente__code", help_text=_("CBS-code van de gemeente.")
    )

    class Meta:
        model = Clientstop
        fields = ["status", "agb_code", "product", "gemeente"]

"""Query filters of the declaraties API. They narrow what the selectors scoped; never widen."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from declaraties.constants import DeclaratieStatus, Kanaal, PrestatieStatus
from declaraties.models import Declaratie, Prestatie
from kern.constants import Wet


class DeclaratieFilter(django_filters.FilterSet):
    gemeente = django_filters.CharFilter(
        field_name="gemeente__code", help_text=_("CBS-code van de gemeente.")
    )
    zorgaanbieder = django_filters.CharFilter(
        field_name="zorgaanbieder__agb_code", help_text=_("AGB-code van de zorgaanbieder.")
    )
    wet = django_filters.ChoiceFilter(choices=Wet.choices, help_text=_("Wmo of Jw."))
    status = django_filters.ChoiceFilter(choices=DeclaratieStatus.choices, help_text=_("Status."))
    kanaal = django_filters.ChoiceFilter(choices=Kanaal.choices, help_text=_("Kanaal."))
    periode_van = django_filters.DateFilter(
        field_name="periode_begin", lookup_expr="gte", help_text=_("Declaratieperiode vanaf.")
    )
    periode_tot = django_filters.DateFilter(
        field_name="periode_begin", lookup_expr="lte", help_text=_("Declaratieperiode tot en met.")
    )
    retourcode = django_filters.CharFilter(help_text=_("Retourcode op declaratieniveau."))

    class Meta:
        model = Declaratie
        fields = ["gemeente", "zorgaanbieder", "wet", "status", "kanaal", "retourcode"]


class PrestatieFilter(django_filters.FilterSet):
    declaratie = django_filters.UUIDFilter(
        field_name="declaratie__uuid", help_text=_("De declaratie.")
    )
    zorgaanbieder = django_filters.CharFilter(
        field_name="zorgaanbieder__agb_code", help_text=_("AGB-code van de zorgaanbieder.")
    )
    status = django_filters.ChoiceFilter(choices=PrestatieStatus.choices, help_text=_("Status."))
    periode_van = django_filters.DateFilter(
        field_name="periode_begin", lookup_expr="gte", help_text=_("Productperiode vanaf.")
    )
    periode_tot = django_filters.DateFilter(
        field_name="periode_begin", lookup_expr="lte", help_text=_("Productperiode tot en met.")
    )
    retourcode = django_filters.CharFilter(
        method="_met_code", help_text=_("Alleen prestaties die deze retourcode kregen.")
    )
    toewijzingnummer = django_filters.NumberFilter(help_text=_("ToewijzingNummer."))

    class Meta:
        model = Prestatie
        fields = ["declaratie", "zorgaanbieder", "status", "toewijzingnummer"]

    def _met_code(self, qs: QuerySet[Prestatie], naam: str, waarde: str) -> QuerySet[Prestatie]:
        # retourcodes is "c1,c2,..."; match a whole code.
        return (
            qs.filter(retourcodes__regex=rf"(^|,){waarde}(,|$)") if waarde.isalnum() else qs.none()
        )

"""Query filters of the berichtenbox API. They narrow what the selectors already scoped to
the user; they never widen it."""

from __future__ import annotations

from datetime import date, timedelta

import django_filters
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from iwmo_jw.constants import BerichtStandaard, BerichtStatus, TermijnSoort, UitgaandStatus
from iwmo_jw.models import InkomendBericht, Termijn, UitgaandBericht


class _BerichtFilter(django_filters.FilterSet):
    standaard = django_filters.ChoiceFilter(
        choices=BerichtStandaard.choices, help_text=_("iwmo of ijw.")
    )
    berichttype = django_filters.CharFilter(help_text=_("Berichtnummer, bijvoorbeeld 323."))
    gemeente = django_filters.CharFilter(
        field_name="gemeente__code", help_text=_("CBS-code van de gemeente.")
    )
    agb_code = django_filters.CharFilter(help_text=_("AGB-code van de zorgaanbieder."))
    identificatie = django_filters.CharFilter(help_text=_("Identificatie van het bericht."))


class InkomendBerichtFilter(_BerichtFilter):
    status = django_filters.ChoiceFilter(
        choices=BerichtStatus.choices, help_text=_("Status van het bericht.")
    )
    uitkomst_code = django_filters.CharFilter(
        help_text=_("Code van de uitkomst, bijvoorbeeld xsd_ongeldig.")
    )
    geldig = django_filters.BooleanFilter(help_text=_("Alleen geldige of alleen ongeldige."))
    ontvangen_vanaf = django_filters.DateFilter(
        field_name="ontvangen_op__date",
        lookup_expr="gte",
        help_text=_("Ontvangen op of na deze dag."),
    )
    ontvangen_tot = django_filters.DateFilter(
        field_name="ontvangen_op__date",
        lookup_expr="lte",
        help_text=_("Ontvangen op of voor deze dag."),
    )

    class Meta:
        model = InkomendBericht
        fields = [
            "standaard",
            "berichttype",
            "gemeente",
            "agb_code",
            "identificatie",
            "status",
            "uitkomst_code",
            "geldig",
            "ontvangen_vanaf",
            "ontvangen_tot",
        ]


class UitgaandBerichtFilter(_BerichtFilter):
    status = django_filters.ChoiceFilter(
        choices=UitgaandStatus.choices, help_text=_("Status van het bericht.")
    )
    antwoord_op = django_filters.UUIDFilter(
        field_name="antwoord_op__uuid", help_text=_("uuid van het beantwoorde inkomende bericht.")
    )
    aangemaakt_vanaf = django_filters.DateFilter(
        field_name="aangemaakt_op__date",
        lookup_expr="gte",
        help_text=_("Aangemaakt op of na deze dag."),
    )
    aangemaakt_tot = django_filters.DateFilter(
        field_name="aangemaakt_op__date",
        lookup_expr="lte",
        help_text=_("Aangemaakt op of voor deze dag."),
    )

    class Meta:
        model = UitgaandBericht
        fields = [
            "standaard",
            "berichttype",
            "gemeente",
            "agb_code",
            "identificatie",
            "status",
            "antwoord_op",
            "aangemaakt_vanaf",
            "aangemaakt_tot",
        ]


class TermijnFilter(django_filters.FilterSet):
    soort = django_filters.ChoiceFilter(
        choices=TermijnSoort.choices, help_text=_("Welk antwoord verwacht wordt.")
    )
    gemeente = django_filters.CharFilter(
        field_name="bericht__gemeente__code", help_text=_("CBS-code van de gemeente.")
    )
    staat = django_filters.ChoiceFilter(
        method="filter_staat",
        choices=[
            ("open", _("Open (nog niet beantwoord)")),
            ("verlopen", _("Verlopen (open en de uiterste datum is voorbij)")),
            ("gesloten", _("Gesloten (beantwoord of vervallen)")),
        ],
        help_text=_("open, verlopen of gesloten."),
    )
    binnen_dagen = django_filters.NumberFilter(
        method="filter_binnen_dagen",
        min_value=0,
        help_text=_(
            "Alleen termijnen waarvan de uiterste datum hoogstens zoveel kalenderdagen na "
            "vandaag ligt (verlopen termijnen horen daar ook bij)."
        ),
    )

    class Meta:
        model = Termijn
        fields = ["soort", "gemeente", "staat", "binnen_dagen"]

    def filter_staat(self, queryset: QuerySet[Termijn], name: str, value: str) -> QuerySet[Termijn]:
        if value == "gesloten":
            return queryset.filter(gesloten_op__isnull=False)
        queryset = queryset.filter(gesloten_op__isnull=True)
        if value == "verlopen":
            return queryset.filter(uiterste_datum__lt=_vandaag())
        return queryset

    def filter_binnen_dagen(
        self, queryset: QuerySet[Termijn], name: str, value: int
    ) -> QuerySet[Termijn]:
        return queryset.filter(uiterste_datum__lte=_vandaag() + timedelta(days=int(value)))


def _vandaag() -> date:
    return timezone.localdate()

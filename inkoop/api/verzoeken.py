"""API of verzoeken (315/317), the regisseur's work queue and decisions, start and stop
meldingen (305/307) and the SLA figures. Thin: check the shape of the input, call a selector
(reads, scoped to the user) or a service (writes), show the result."""

from __future__ import annotations

import uuid as uuid_lib
from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from contracten import selectors as contracten_selectors
from contracten.api.serializers import ZorgaanbiederRefSerializer
from inkoop import selectors, services
from inkoop.constants import RegiemeldingSoort, VerzoekSoort, VerzoekStatus
from inkoop.models import Regiemelding, Verzoek, VerzoekStatusWijziging
from inkoop.selectors.sla import SlaRegel, sla_overzicht
from inkoop.services.verzoekbesluiten import REDEN_AFWIJZING_KEUZES
from kern.api.permissions import huidige_gebruiker
from kern.api.schema import probleem
from kern.api.views import ApiView
from kern.bsn import maskeer_bsn
from kern.constants import Wet
from kern.models import Gemeente

# --- Serializers -----------------------------------------------------------------------------


class VerzoekProductSerializer(serializers.Serializer):
    """One requested product as the message gave it (fields absent for a soort are null)."""

    soort = serializers.CharField(
        help_text=_("aangevraagd (315), ongewijzigd, te_wijzigen of nieuw (317).")
    )
    referentie_aanbieder = serializers.CharField(
        required=False, allow_null=True, help_text=_("ReferentieAanbieder (315).")
    )
    toewijzing_nummer = serializers.IntegerField(
        required=False, allow_null=True, help_text=_("De toewijzing (ongewijzigd, te wijzigen).")
    )
    productcategorie = serializers.CharField(
        required=False, allow_blank=True, help_text=_("Productcategorie; leeg: generiek.")
    )
    productcode = serializers.CharField(
        required=False, allow_blank=True, help_text=_("Productcode; leeg: aspecifiek.")
    )
    ingangsdatum = serializers.DateField(
        required=False, allow_null=True, help_text=_("Gevraagde (gewenste) ingangsdatum.")
    )
    einddatum = serializers.DateField(
        required=False, allow_null=True, help_text=_("Gevraagde einddatum.")
    )
    volume = serializers.IntegerField(
        required=False, allow_null=True, help_text=_("Omvang: volume.")
    )
    eenheid = serializers.CharField(
        required=False, allow_blank=True, help_text=_("Omvang: eenheid (WJ756).")
    )
    frequentie = serializers.CharField(
        required=False, allow_blank=True, help_text=_("Omvang: frequentie (WMO757).")
    )
    budget = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        required=False,
        allow_null=True,
        help_text=_("Gevraagd budget in euro."),
    )


class VerzoekSignaleringSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("Vaste code, bijvoorbeeld geen_contract."))
    melding = serializers.CharField(help_text=_("Wat de regisseur moet weten."))


class VerzoekSerializer(serializers.ModelSerializer):
    gemeente: serializers.SlugRelatedField[Gemeente] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, help_text=_("CBS-code van de gemeente.")
    )
    zorgaanbieder = ZorgaanbiederRefSerializer(read_only=True, help_text=_("De aanbieder."))
    client = serializers.UUIDField(
        source="client.uuid", read_only=True, help_text=_("uuid van de cliënt.")
    )
    bsn = serializers.SerializerMethodField(help_text=_("BSN van de cliënt, gemaskeerd."))
    bericht = serializers.UUIDField(
        source="bericht.uuid",
        read_only=True,
        allow_null=True,
        help_text=_("uuid van het inkomende 315- of 317-bericht."),
    )
    # Plain strings where an enum of the same field name is already published elsewhere.
    status = serializers.ChoiceField(
        choices=VerzoekStatus.choices, read_only=True, help_text=_("Status van het verzoek.")
    )
    producten = VerzoekProductSerializer(
        many=True, read_only=True, help_text=_("De gevraagde producten.")
    )
    signaleringen = VerzoekSignaleringSerializer(
        many=True, read_only=True, help_text=_("Aandachtspunten voor de regisseur.")
    )
    werkdagen_over = serializers.SerializerMethodField(
        help_text=_(
            "Bij een open verzoek: werkdagen tot de uiterste antwoorddatum (0 op de laatste "
            "dag, negatief als die voorbij is); anders leeg."
        )
    )
    beslist_door = serializers.CharField(
        source="beslist_door.username",
        read_only=True,
        allow_null=True,
        help_text=_("Gebruikersnaam van de regisseur die besliste."),
    )

    class Meta:
        model = Verzoek
        fields = [
            "uuid",
            "soort",
            "status",
            "gemeente",
            "wet",
            "zorgaanbieder",
            "client",
            "bsn",
            "bericht",
            "referentie_aanbieder",
            "reden_verzoek",
            "producten",
            "signaleringen",
            "ontvangen_op",
            "uiterste_antwoorddatum",
            "werkdagen_over",
            "beantwoord_op",
            "beslist_op",
            "beslist_door",
            "reden_afwijzing",
            "toelichting",
        ]
        read_only_fields = fields

    def get_bsn(self, verzoek: Verzoek) -> str:
        return maskeer_bsn(verzoek.client.bsn)

    def get_werkdagen_over(self, verzoek: Verzoek) -> int | None:
        if verzoek.status not in (VerzoekStatus.OPEN, VerzoekStatus.IN_ONDERZOEK):
            return None
        return selectors.werkdagen_over(verzoek.uiterste_antwoorddatum, timezone.localdate())


class VerzoekStatusWijzigingSerializer(serializers.ModelSerializer):
    van_status = serializers.CharField(
        read_only=True, help_text=_("Vorige status; leeg bij ontvangst.")
    )
    naar_status = serializers.CharField(read_only=True, help_text=_("Nieuwe status."))
    door = serializers.CharField(
        source="door.username",
        read_only=True,
        allow_null=True,
        help_text=_("Gebruikersnaam; leeg bij ontvangst van het bericht."),
    )

    class Meta:
        model = VerzoekStatusWijziging
        fields = ["van_status", "naar_status", "reden", "op", "door"]
        read_only_fields = fields


class VerzoekToekennenSerializer(serializers.Serializer):
    toelichting = serializers.CharField(
        required=False, allow_blank=True, max_length=255, help_text=_("Toelichting.")
    )


class VerzoekInOnderzoekSerializer(serializers.Serializer):
    toelichting = serializers.CharField(
        required=False, allow_blank=True, max_length=255, help_text=_("Toelichting.")
    )


class VerzoekAfwijzenSerializer(serializers.Serializer):
    reden_afwijzing = serializers.ChoiceField(
        choices=REDEN_AFWIJZING_KEUZES, help_text=_("RedenAfwijzingVerzoek (WJ759) in de 319.")
    )
    toelichting = serializers.CharField(
        required=False, allow_blank=True, max_length=255, help_text=_("Toelichting.")
    )
    woonplaatsbeginsel_gemeente = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=4,
        help_text=_(
            "Alleen bij reden 8 in de Jeugdwet: CBS-code van de verantwoordelijke gemeente."
        ),
    )


class RegiemeldingSerializer(serializers.ModelSerializer):
    toewijzing = serializers.UUIDField(
        source="toewijzing.uuid", read_only=True, help_text=_("uuid van de toewijzing.")
    )
    toewijzingnummer = serializers.IntegerField(
        source="toewijzing.nummer", read_only=True, help_text=_("ToewijzingNummer.")
    )
    zorgaanbieder = ZorgaanbiederRefSerializer(
        source="toewijzing.zorgaanbieder", read_only=True, help_text=_("De aanbieder.")
    )
    bericht = serializers.UUIDField(
        source="bericht.uuid",
        read_only=True,
        allow_null=True,
        help_text=_("uuid van het 305- of 307-bericht."),
    )

    class Meta:
        model = Regiemelding
        fields = [
            "uuid",
            "soort",
            "toewijzing",
            "toewijzingnummer",
            "zorgaanbieder",
            "begindatum",
            "einddatum",
            "reden_beeindiging",
            "verwijderd",
            "bericht",
            "ontvangen_op",
        ]
        read_only_fields = fields


class AntwoordtijdenSerializer(serializers.Serializer):
    norm_werkdagen = serializers.DecimalField(
        max_digits=8, decimal_places=2, help_text=_("De norm in werkdagen.")
    )
    norm_bron = serializers.ChoiceField(
        choices=[("contract", _("contract")), ("standaard", _("standaard (5 werkdagen)"))],
        help_text=_("Waar de norm vandaan komt."),
    )
    ontvangen = serializers.IntegerField(help_text=_("Verzoeken ontvangen in de maand."))
    beantwoord = serializers.IntegerField(help_text=_("Daarvan beantwoord (301 of 319)."))
    binnen_norm = serializers.IntegerField(help_text=_("Beantwoord binnen de norm."))
    buiten_norm = serializers.IntegerField(help_text=_("Beantwoord na de norm."))
    open_buiten_norm = serializers.IntegerField(
        help_text=_("Nog niet beantwoord en de norm al voorbij.")
    )
    percentage_binnen_norm = serializers.DecimalField(
        max_digits=4,
        decimal_places=1,
        allow_null=True,
        help_text=_("Deel van de beantwoorde verzoeken binnen de norm, in procenten."),
    )
    gemiddeld_werkdagen = serializers.DecimalField(
        max_digits=6, decimal_places=1, allow_null=True, help_text=_("Gemiddelde antwoordtijd.")
    )
    maximum_werkdagen = serializers.IntegerField(
        allow_null=True, help_text=_("Langste antwoordtijd.")
    )
    gemiddelde_doorlooptijd_werkdagen = serializers.DecimalField(
        max_digits=6,
        decimal_places=1,
        allow_null=True,
        help_text=_("Gemiddelde tijd tot het eindbesluit (toegekend of afgewezen)."),
    )


class WachttijdenSerializer(serializers.Serializer):
    norm_dagen = serializers.DecimalField(
        max_digits=8,
        decimal_places=2,
        allow_null=True,
        help_text=_("De norm in kalenderdagen uit het contract; leeg: geen norm."),
    )
    gemeld_aantal = serializers.IntegerField(help_text=_("Gemelde wachttijden in de maand."))
    gemeld_gemiddeld = serializers.DecimalField(
        max_digits=7, decimal_places=1, allow_null=True, help_text=_("Gemiddelde gemelde.")
    )
    gemeld_maximum = serializers.IntegerField(allow_null=True, help_text=_("Langste gemelde."))
    gemeld_boven_norm = serializers.IntegerField(help_text=_("Gemelde boven de norm."))
    gestart_aantal = serializers.IntegerField(
        help_text=_("Toewijzingen waarvan de zorg in de maand startte (305).")
    )
    gerealiseerd_gemiddeld = serializers.DecimalField(
        max_digits=7,
        decimal_places=1,
        allow_null=True,
        help_text=_("Gemiddelde dagen van toewijzing tot start zorg."),
    )
    gerealiseerd_maximum = serializers.IntegerField(
        allow_null=True, help_text=_("Langste wachttijd tot start zorg.")
    )
    gerealiseerd_boven_norm = serializers.IntegerField(help_text=_("Starts na de norm."))


class SlaRegelSerializer(serializers.Serializer):
    zorgaanbieder = ZorgaanbiederRefSerializer(read_only=True, help_text=_("De aanbieder."))
    jaar = serializers.IntegerField(help_text=_("Jaar."))
    maand = serializers.IntegerField(help_text=_("Maand (1-12)."))
    antwoordtijden = AntwoordtijdenSerializer(help_text=_("Antwoordtijden op 315/317."))
    wachttijden = WachttijdenSerializer(help_text=_("Gemelde en gerealiseerde wachttijden."))


class SlaVraagSerializer(serializers.Serializer):
    jaar = serializers.IntegerField(min_value=2000, max_value=2100, help_text=_("Jaar."))
    maand = serializers.IntegerField(min_value=1, max_value=12, help_text=_("Maand (1-12)."))
    zorgaanbieder = serializers.UUIDField(
        required=False, help_text=_("uuid van één aanbieder (optioneel).")
    )


# --- Filters ---------------------------------------------------------------------------------


class VerzoekFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=VerzoekStatus.choices, help_text=_("Status van het verzoek.")
    )
    soort = django_filters.ChoiceFilter(
        choices=VerzoekSoort.choices, help_text=_("vot (315) of vow (317).")
    )
    wet = django_filters.ChoiceFilter(choices=Wet.choices, help_text=_("Wmo of Jeugdwet."))
    gemeente = django_filters.CharFilter(
        field_name="gemeente__code", help_text=_("CBS-code van de gemeente.")
    )
    zorgaanbieder = django_filters.UUIDFilter(
        field_name="zorgaanbieder__uuid", help_text=_("uuid van de aanbieder.")
    )

    class Meta:
        model = Verzoek
        fields = ["status", "soort", "wet", "gemeente", "zorgaanbieder"]


class RegiemeldingFilter(django_filters.FilterSet):
    soort = django_filters.ChoiceFilter(
        choices=RegiemeldingSoort.choices, help_text=_("start (305) of stop (307).")
    )
    toewijzing = django_filters.UUIDFilter(
        field_name="toewijzing__uuid", help_text=_("uuid van de toewijzing.")
    )
    verwijderd = django_filters.BooleanFilter(help_text=_("Ook (alleen) verwijderde meldingen."))

    class Meta:
        model = Regiemelding
        fields = ["soort", "toewijzing", "verwijderd"]


# --- Views -----------------------------------------------------------------------------------


def _invoer(serializer_class: type[Any], request: Request) -> dict[str, Any]:
    invoer = serializer_class(data=request.data)
    invoer.is_valid(raise_exception=True)
    data: dict[str, Any] = invoer.validated_data
    return data


@extend_schema_view(
    list=extend_schema(summary="Verzoeken zoeken"),
    retrieve=extend_schema(summary="Verzoek ophalen"),
)
@extend_schema(tags=["verzoeken"])
class VerzoekViewSet(
    ApiView, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Verzoek]
):
    omschrijving = (
        "Verzoeken om toewijzing (315) en om wijziging (317) van aanbieders, met de werkvoorraad "
        "van de regisseur. De regisseur kent een verzoek als geheel toe (de 301 volgt), wijst "
        "het af of zet het in onderzoek (een 319 volgt), binnen vijf werkdagen. Een gemeente "
        "ziet de verzoeken van de eigen gemeenten, een zorgaanbieder de eigen."
    )
    permission_classes = [IsAuthenticated]  # who may decide is checked by the services
    queryset = Verzoek.objects.none()
    serializer_class = VerzoekSerializer
    lookup_field = "uuid"
    filterset_class = VerzoekFilter
    ordering_fields = ["ontvangen_op", "uiterste_antwoorddatum", "status"]

    def get_queryset(self) -> QuerySet[Verzoek]:
        return selectors.verzoeken_zichtbaar(gebruiker=huidige_gebruiker(self.request)).order_by(
            "-ontvangen_op", "-pk"
        )

    def get_object(self) -> Verzoek:
        return selectors.verzoek_ophalen(
            gebruiker=huidige_gebruiker(self.request), uuid=self.kwargs["uuid"]
        )

    def _antwoord(self, verzoek: Verzoek) -> Response:
        return Response(
            VerzoekSerializer(
                selectors.verzoek_ophalen(
                    gebruiker=huidige_gebruiker(self.request), uuid=verzoek.uuid
                )
            ).data
        )

    @extend_schema(
        summary="Werkvoorraad: open verzoeken, de dringendste eerst",
        parameters=[
            OpenApiParameter("gemeente", str, description="CBS-code van één gemeente (optioneel).")
        ],
        responses={200: VerzoekSerializer(many=True)},
    )
    @action(detail=False, methods=["get"], filter_backends=[])
    def werkvoorraad(self, request: Request) -> Response:
        gebruiker = huidige_gebruiker(request)
        gemeente = None
        code = request.query_params.get("gemeente")
        if code:
            gemeente = Gemeente.objects.filter(code=code).first()
        regels = (
            []
            if code and gemeente is None  # an unknown gemeente has no verzoeken
            else selectors.werkvoorraad(gebruiker=gebruiker, gemeente=gemeente)
        )
        pagina = self.paginate_queryset([r.verzoek for r in regels])  # type: ignore[arg-type]
        assert pagina is not None  # every list is paginated (settings)
        return self.get_paginated_response(VerzoekSerializer(pagina, many=True).data)

    @extend_schema(
        summary="Verzoek toekennen (301)",
        description="Kent het verzoek als geheel toe zoals gevraagd: de producten worden "
        "toewijzingen (met hun reservering) en één 301 beantwoordt het bericht. Wat de regels "
        "weigeren (stapeling, geen contract, geen budgetpost) weigert het hele verzoek.",
        request=VerzoekToekennenSerializer,
        responses={
            200: VerzoekSerializer,
            **probleem(409, "Het verzoek is al beslist (`statusovergang_niet_toegestaan`)."),
        },
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def toekennen(self, request: Request, uuid: str) -> Response:
        verzoek = self.get_object()
        data = _invoer(VerzoekToekennenSerializer, request)
        verzoek = services.verzoek_toekennen(
            door=huidige_gebruiker(request),
            verzoek=verzoek,
            toelichting=data.get("toelichting", ""),
        )
        return self._antwoord(verzoek)

    @extend_schema(
        summary="Verzoek afwijzen (319)",
        description="Wijst het verzoek als geheel af: een 319 'verzoek afgewezen' met de reden "
        "per ReferentieAanbieder. Reden 8 (woonplaatsbeginsel) noemt in de Jeugdwet de "
        "verantwoordelijke gemeente.",
        request=VerzoekAfwijzenSerializer,
        responses={
            200: VerzoekSerializer,
            **probleem(409, "Het verzoek is al beslist (`statusovergang_niet_toegestaan`)."),
        },
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def afwijzen(self, request: Request, uuid: str) -> Response:
        verzoek = self.get_object()
        data = _invoer(VerzoekAfwijzenSerializer, request)
        verzoek = services.verzoek_afwijzen(
            door=huidige_gebruiker(request),
            verzoek=verzoek,
            reden_afwijzing=data["reden_afwijzing"],
            toelichting=data.get("toelichting", ""),
            woonplaatsbeginsel_gemeente=data.get("woonplaatsbeginsel_gemeente", ""),
        )
        return self._antwoord(verzoek)

    @extend_schema(
        summary="Verzoek in onderzoek (319)",
        description="Antwoordt 'aanvraag in onderzoek' (eenmalig); binnen acht weken volgt dan "
        "een toekenning of afwijzing.",
        request=VerzoekInOnderzoekSerializer,
        responses={
            200: VerzoekSerializer,
            **probleem(409, "Het verzoek is al in onderzoek of beslist."),
        },
    )
    @action(detail=True, methods=["post"], url_path="in-onderzoek", filter_backends=[])
    def in_onderzoek(self, request: Request, uuid: str) -> Response:
        verzoek = self.get_object()
        data = _invoer(VerzoekInOnderzoekSerializer, request)
        verzoek = services.verzoek_in_onderzoek(
            door=huidige_gebruiker(request),
            verzoek=verzoek,
            toelichting=data.get("toelichting", ""),
        )
        return self._antwoord(verzoek)

    @extend_schema(
        summary="Statuswijzigingen van een verzoek",
        responses={200: VerzoekStatusWijzigingSerializer(many=True)},
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def statuswijzigingen(self, request: Request, uuid: str) -> Response:
        verzoek = self.get_object()
        pagina = self.paginate_queryset(selectors.verzoek_statuswijzigingen(verzoek))  # type: ignore[arg-type]
        assert pagina is not None
        return self.get_paginated_response(VerzoekStatusWijzigingSerializer(pagina, many=True).data)


@extend_schema_view(
    list=extend_schema(summary="Start- en stopmeldingen zoeken"),
    retrieve=extend_schema(summary="Start- of stopmelding ophalen"),
)
@extend_schema(tags=["verzoeken"])
class RegiemeldingViewSet(
    ApiView,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Regiemelding],
):
    omschrijving = (
        "Start zorg (305) en stop zorg (307) zoals ontvangen, per toewijzing; een melding die "
        "de aanbieder introk (StatusAanlevering 3) staat er met `verwijderd`."
    )
    queryset = Regiemelding.objects.none()
    serializer_class = RegiemeldingSerializer
    lookup_field = "uuid"
    filterset_class = RegiemeldingFilter
    ordering_fields = ["ontvangen_op", "begindatum"]

    def get_queryset(self) -> QuerySet[Regiemelding]:
        return selectors.regiemeldingen_zichtbaar(
            gebruiker=huidige_gebruiker(self.request)
        ).order_by("-ontvangen_op", "-pk")

    def get_object(self) -> Regiemelding:
        return selectors.regiemelding_ophalen(
            gebruiker=huidige_gebruiker(self.request), uuid=self.kwargs["uuid"]
        )


@extend_schema(tags=["verzoeken"])
class SlaViewSet(ApiView, viewsets.GenericViewSet[Any]):
    omschrijving = (
        "SLA-cijfers per aanbieder en maand: antwoordtijden op verzoeken (315/317) tegen de "
        "norm uit het contract (anders de vijf werkdagen van de standaard), en gemelde en "
        "gerealiseerde wachttijden tot start zorg tegen de contractnorm. Alleen totalen."
    )
    queryset = Verzoek.objects.none()
    serializer_class = SlaRegelSerializer
    filter_backends: list[Any] = []

    @extend_schema(
        operation_id="sla_overzicht",
        summary="SLA-cijfers van een maand",
        parameters=[SlaVraagSerializer],
        responses={200: SlaRegelSerializer(many=True)},
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        gebruiker = huidige_gebruiker(request)
        vraag = SlaVraagSerializer(data=request.query_params)
        vraag.is_valid(raise_exception=True)
        d = vraag.validated_data
        aanbieder = None
        if d.get("zorgaanbieder") is not None:
            aanbieder = contracten_selectors.zorgaanbieder_ophalen(
                gebruiker=gebruiker, uuid=uuid_lib.UUID(str(d["zorgaanbieder"]))
            )
        regels: list[SlaRegel] = sla_overzicht(
            gebruiker=gebruiker, jaar=d["jaar"], maand=d["maand"], zorgaanbieder=aanbieder
        )
        pagina = self.paginate_queryset(regels)  # type: ignore[arg-type]
        assert pagina is not None
        return self.get_paginated_response(SlaRegelSerializer(pagina, many=True).data)

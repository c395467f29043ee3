"""Views of clients and toewijzingen (opdrachten). Thin: check the shape of the input, call a
selector (reads, scoped to the user: 404 outside it) or a service (writes, which check the
role regisseur), and show the result.

A BSN never goes in a URL or a query string: a client is found by BSN with
``POST /clienten/zoeken/`` (the body is not logged).
"""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from contracten.models import Productcategorie
from inkoop import selectors, services
from inkoop.api.toewijzing_serializers import (
    ClientSerializer,
    ClientVastleggenSerializer,
    ClientZoekenSerializer,
    ToewijzingenVersturenSerializer,
    ToewijzingIntrekkenSerializer,
    ToewijzingReserveringSerializer,
    ToewijzingSerializer,
    ToewijzingVerstrekkenSerializer,
    ToewijzingVerwijderenSerializer,
    ToewijzingWijzigenSerializer,
    ToewijzingWijzigingSerializer,
    UitgaandBerichtRefSerializer,
    verstrek_argumenten,
)
from inkoop.api.views import _invoer, _Pagina
from inkoop.constants import ToewijzingStatus
from inkoop.models import Client, Toewijzing
from inkoop.services import _basis
from kern.api.permissions import huidige_gebruiker
from kern.api.schema import probleem
from kern.api.views import ApiView
from kern.constants import ONGEWIJZIGD, Wet
from kern.exceptions import DomeinFout

# --- Filters --------------------------------------------------------------------------------


class ClientFilter(django_filters.FilterSet):
    gemeente = django_filters.CharFilter(
        field_name="gemeente__code", help_text=_("CBS-code van de gemeente.")
    )
    achternaam = django_filters.CharFilter(
        lookup_expr="icontains", help_text=_("Deel van de achternaam (hoofdletterongevoelig).")
    )

    class Meta:
        model = Client
        fields = ["gemeente", "achternaam"]


class ToewijzingFilter(django_filters.FilterSet):
    client = django_filters.UUIDFilter(
        field_name="client__uuid", help_text=_("uuid van de cliënt.")
    )
    zorgaanbieder = django_filters.UUIDFilter(
        field_name="zorgaanbieder__uuid", help_text=_("uuid van de aanbieder.")
    )
    agb_code = django_filters.CharFilter(
        field_name="zorgaanbieder__agb_code", help_text=_("AGB-code van de aanbieder.")
    )
    gemeente = django_filters.CharFilter(
        field_name="gemeente__code", help_text=_("CBS-code van de gemeente.")
    )
    wet = django_filters.ChoiceFilter(choices=Wet.choices, help_text=_("Wmo of Jeugdwet."))
    nummer = django_filters.NumberFilter(help_text=_("ToewijzingNummer."))
    status = django_filters.ChoiceFilter(
        choices=ToewijzingStatus.choices, help_text=_("Status van de toewijzing.")
    )
    bijstellen = django_filters.BooleanFilter(
        help_text=_("Waar: de zorg is gestopt vóór de einddatum; de regisseur stelt bij.")
    )
    actueel = django_filters.BooleanFilter(
        method="filter_actueel",
        help_text=_("Waar: alleen toewijzingen die vandaag of later gelden (niet verwijderd)."),
    )

    class Meta:
        model = Toewijzing
        fields = [
            "client",
            "zorgaanbieder",
            "agb_code",
            "gemeente",
            "wet",
            "nummer",
            "status",
            "bijstellen",
            "actueel",
        ]

    def filter_actueel(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        geldig = ~Q(status=ToewijzingStatus.VERWIJDERD) & (
            Q(einddatum__isnull=True) | Q(einddatum__gte=_basis.vandaag())
        )
        return queryset.filter(geldig) if value else queryset.exclude(geldig)


# --- Clients --------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Cliënten zoeken"),
    retrieve=extend_schema(summary="Cliënt ophalen"),
)
@extend_schema(tags=["toewijzingen"])
class ClientViewSet(
    ApiView, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Client]
):
    omschrijving = (
        "Cliënten van een gemeente, met de persoonsgegevens die een toewijzing (301) meestuurt. "
        "Een gemeente ziet de cliënten van de eigen gemeenten, een zorgaanbieder die met een "
        "toewijzing bij haar. Het BSN staat nooit in een URL: zoek op BSN met "
        "`POST /clienten/zoeken/`. Vastleggen vraagt de rol regisseur."
    )
    permission_classes = [IsAuthenticated]  # who may write is decided by the services
    queryset = Client.objects.none()
    serializer_class = ClientSerializer
    lookup_field = "uuid"
    filterset_class = ClientFilter
    ordering_fields = ["achternaam", "geboortedatum"]

    def get_queryset(self) -> QuerySet[Client]:
        return selectors.clienten_zichtbaar(gebruiker=huidige_gebruiker(self.request))

    def get_object(self) -> Client:
        return selectors.client_ophalen(
            gebruiker=huidige_gebruiker(self.request), uuid=self.kwargs["uuid"]
        )

    @extend_schema(
        summary="Cliënt vastleggen",
        description="Nieuw, of bijwerken wanneer de gemeente het BSN al kent (dan 200). Het "
        "BSN moet de elfproef doorstaan (`bsn_ongeldig`).",
        request=ClientVastleggenSerializer,
        responses={201: ClientSerializer, 200: ClientSerializer},
    )
    def create(self, request: Request) -> Response:
        gebruiker = huidige_gebruiker(request)
        data = _invoer(ClientVastleggenSerializer, request, self)
        bestond = Client.objects.filter(
            gemeente=data["gemeente"], bsn=str(data["bsn"]).replace(" ", "")
        ).exists()
        client = services.client_vastleggen(door=gebruiker, **data)
        return Response(
            ClientSerializer(client, context=self.get_serializer_context()).data,
            status=status.HTTP_200_OK if bestond else status.HTTP_201_CREATED,
        )

    @extend_schema(
        operation_id="clienten_zoeken_op_bsn",
        summary="Cliënt zoeken op BSN",
        description="Het BSN gaat in de body, zodat het niet in een URL of een log komt. 404 "
        "wanneer de gemeente (binnen uw bevoegdheid) geen cliënt met dit BSN heeft.",
        request=ClientZoekenSerializer,
        responses={200: ClientSerializer},
    )
    @action(detail=False, methods=["post"], filter_backends=[], pagination_class=None)
    def zoeken(self, request: Request) -> Response:
        data = _invoer(ClientZoekenSerializer, request, self)
        client = selectors.client_zoeken(
            gebruiker=huidige_gebruiker(request), gemeente=data["gemeente"], bsn=data["bsn"]
        )
        return Response(ClientSerializer(client, context=self.get_serializer_context()).data)


# --- Toewijzingen ---------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Toewijzingen zoeken"),
    retrieve=extend_schema(summary="Toewijzing ophalen"),
)
@extend_schema(tags=["toewijzingen"])
class ToewijzingViewSet(
    _Pagina,
    ApiView,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Toewijzing],
):
    omschrijving = (
        "Opdrachten (toewijzingen) aan zorgaanbieders: verstrekken, wijzigen, intrekken en "
        "verwijderen volgens iWmo/iJw 3.2, elk met de reservering in de begroting en een 301 "
        "in de berichtenbox. Een gemeente ziet de toewijzingen van de eigen gemeenten, een "
        "zorgaanbieder alleen de eigen. Schrijven vraagt de rol regisseur."
    )
    permission_classes = [IsAuthenticated]  # who may write is decided by the services
    queryset = Toewijzing.objects.none()
    serializer_class = ToewijzingSerializer
    lookup_field = "uuid"
    filterset_class = ToewijzingFilter
    ordering_fields = ["nummer", "ingangsdatum", "einddatum", "toewijzingsmoment"]

    def get_queryset(self) -> QuerySet[Toewijzing]:
        return selectors.toewijzingen_zichtbaar(gebruiker=huidige_gebruiker(self.request))

    def get_object(self) -> Toewijzing:
        return selectors.toewijzing_ophalen(
            gebruiker=huidige_gebruiker(self.request), uuid=self.kwargs["uuid"]
        )

    def _antwoord(self, toewijzing: Toewijzing, code: int = status.HTTP_200_OK) -> Response:
        opnieuw = selectors.toewijzing_ophalen(
            gebruiker=huidige_gebruiker(self.request), uuid=toewijzing.uuid
        )
        return Response(ToewijzingSerializer(opnieuw).data, status=code)

    @extend_schema(
        summary="Toewijzing verstrekken",
        description="Specifiek (`product` met omvang), aspecifiek (`productcategorie` met "
        "omvang, budget of geen van beide) of generiek (alleen `budget_bedrag`). Geweigerd "
        "zonder lopend contract (`geen_contract`), bij stapeling (`op259`), omvang én budget "
        "(`cd077`), een ontbrekende einddatum (`cd075`, `cd076`), een einddatum vóór de "
        "ingangsdatum (`einddatum_voor_ingangsdatum`) of zonder budgetpost "
        "(`geen_budgetpost`). Reserveert de verwachte kosten per jaar en zet een 301 klaar.",
        request=ToewijzingVerstrekkenSerializer,
        responses={201: ToewijzingSerializer},
    )
    def create(self, request: Request) -> Response:
        data = _invoer(ToewijzingVerstrekkenSerializer, request, self)
        categorie: Productcategorie | None = None
        if data.get("productcategorie"):
            categorie = Productcategorie.objects.filter(
                wet=data["wet"], code=data["productcategorie"]
            ).first()
            if categorie is None:
                raise DomeinFout(
                    f"Productcategorie {data['productcategorie']} bestaat niet in de codelijst "
                    f"van de {data['wet']}.",
                    code="productcategorie_onbekend",
                    velden={"productcategorie": ["Onbekende categorie."]},
                )
        toewijzing = services.toewijzing_verstrekken(
            door=huidige_gebruiker(request),
            productcategorie=categorie,
            **verstrek_argumenten(data),
        )
        return self._antwoord(toewijzing, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Toewijzing wijzigen",
        description="Alleen einddatum, budget, en volume bij frequentie 6 (IV066, anders "
        "`iv066`); het nummer blijft. Verlagen van volume of budget vraagt "
        "`instemming_aanbieder` (`op298`, `op299`). Een veld weglaten laat het ongewijzigd.",
        request=ToewijzingWijzigenSerializer,
        responses={200: ToewijzingSerializer, **probleem(409, "De toewijzing is niet actief.")},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def wijzigen(self, request: Request, uuid: str) -> Response:
        toewijzing = self.get_object()
        data = _invoer(ToewijzingWijzigenSerializer, request, self)
        toewijzing = services.toewijzing_wijzigen(
            door=huidige_gebruiker(request),
            toewijzing=toewijzing,
            reden_wijziging=data["reden_wijziging"],
            einddatum=data.get("einddatum", ONGEWIJZIGD),
            budget_bedrag=data.get("budget_bedrag", ONGEWIJZIGD),
            volume=data.get("volume", ONGEWIJZIGD),
            instemming_aanbieder=data.get("instemming_aanbieder"),
            versturen=data["versturen"],
        )
        return self._antwoord(toewijzing)

    @extend_schema(
        summary="Toewijzing intrekken",
        description="De toewijzing eindigt eerder (niet vóór de ingangsdatum); wat daarna "
        "gereserveerd stond, komt vrij.",
        request=ToewijzingIntrekkenSerializer,
        responses={200: ToewijzingSerializer, **probleem(409, "De toewijzing is verwijderd.")},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def intrekken(self, request: Request, uuid: str) -> Response:
        toewijzing = self.get_object()
        data = _invoer(ToewijzingIntrekkenSerializer, request, self)
        toewijzing = services.toewijzing_intrekken(
            door=huidige_gebruiker(request),
            toewijzing=toewijzing,
            einddatum=data["einddatum"],
            reden_wijziging=data["reden_wijziging"],
            versturen=data["versturen"],
        )
        return self._antwoord(toewijzing)

    @extend_schema(
        summary="Toewijzing verwijderen",
        description="Alsof zij nooit is verstrekt: RedenWijziging 13, einddatum gelijk aan de "
        "ingangsdatum, alle reserveringen vrijgegeven. Geweigerd zolang er goedgekeurde, niet "
        "gecrediteerde prestaties zijn (`9385`).",
        request=ToewijzingVerwijderenSerializer,
        responses={200: ToewijzingSerializer, **probleem(409, "De toewijzing is al verwijderd.")},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def verwijderen(self, request: Request, uuid: str) -> Response:
        toewijzing = self.get_object()
        data = _invoer(ToewijzingVerwijderenSerializer, request, self)
        toewijzing = services.toewijzing_verwijderen(
            door=huidige_gebruiker(request), toewijzing=toewijzing, versturen=data["versturen"]
        )
        return self._antwoord(toewijzing)

    @extend_schema(
        summary="Geschiedenis van een toewijzing",
        responses={200: ToewijzingWijzigingSerializer(many=True)},
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def wijzigingen(self, request: Request, uuid: str) -> Response:
        toewijzing = self.get_object()
        return self._pagina(
            selectors.toewijzing_wijzigingen(toewijzing=toewijzing), ToewijzingWijzigingSerializer
        )

    @extend_schema(
        summary="Reserveringen van een toewijzing",
        description="Per begrotingsjaar wat gereserveerd, gerealiseerd en nog open is (alleen "
        "voor medewerkers van de gemeente; een zorgaanbieder krijgt een lege lijst).",
        responses={200: ToewijzingReserveringSerializer(many=True)},
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def reserveringen(self, request: Request, uuid: str) -> Response:
        toewijzing = self.get_object()
        rijen = selectors.toewijzing_reserveringen(
            gebruiker=huidige_gebruiker(request), toewijzing=toewijzing
        )
        return Response(ToewijzingReserveringSerializer(rijen, many=True).data)

    @extend_schema(
        summary="Toewijzingen van een cliënt versturen (301)",
        description="Zet één 301 klaar met alle geldende en gewijzigde toewijzingen van de "
        "cliënt bij de aanbieder (OP087); na wijzigingen met `versturen=false`.",
        request=ToewijzingenVersturenSerializer,
        responses={201: UitgaandBerichtRefSerializer},
    )
    @action(detail=False, methods=["post"], filter_backends=[], pagination_class=None)
    def versturen(self, request: Request) -> Response:
        data = _invoer(ToewijzingenVersturenSerializer, request, self)
        bericht = services.toewijzingen_versturen(door=huidige_gebruiker(request), **data)
        return Response(UitgaandBerichtRefSerializer(bericht).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Bij te stellen toewijzingen",
        description="Toewijzingen waarvan de zorg vóór de einddatum stopte (307): de regisseur "
        "stelt ze bij. Dit houdt nooit een betaling tegen (OP364).",
        responses={200: ToewijzingSerializer(many=True)},
    )
    @action(detail=False, methods=["get"], url_path="bij-te-stellen", filter_backends=[])
    def bij_te_stellen(self, request: Request) -> Response:
        return self._pagina(
            selectors.toewijzingen_bij_te_stellen(gebruiker=huidige_gebruiker(request)),
            ToewijzingSerializer,
        )


__all__ = ["ClientViewSet", "ToewijzingViewSet"]

"""Views of the inkoop API. Thin: check the shape of the input, call a selector (reads,
scoped to the user) or a service (writes), and show the result with an output serializer."""

from __future__ import annotations

import uuid as uuid_lib
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from contracten import selectors as contracten_selectors
from contracten.models import Product, Productcategorie, Tariefperiode, Zorgaanbieder
from inkoop import selectors, services
from inkoop.api.filters import (
    CapaciteitsmeldingFilter,
    ClientstopFilter,
    InkooptrajectFilter,
    InschrijvingFilter,
    PerceelFilter,
)
from inkoop.api.serializers import (
    AanbiedersZoekenVraagSerializer,
    AanbiederZoekresultaatSerializer,
    CapaciteitBijwerkenSerializer,
    CapaciteitsmeldingSerializer,
    ClientstopAanvragenSerializer,
    ClientstopBeoordelenSerializer,
    ClientstopOpheffenSerializer,
    ClientstopSerializer,
    ClientstopStatusWijzigingSerializer,
    InkooptrajectAanmakenSerializer,
    InkooptrajectSerializer,
    InkooptrajectStatusWijzigenSerializer,
    InkooptrajectStatusWijzigingSerializer,
    InkooptrajectWijzigenSerializer,
    InschrijvingBeoordelenSerializer,
    InschrijvingIndienenSerializer,
    InschrijvingSerializer,
    PerceelAanmakenSerializer,
    PerceelProductSerializer,
    PerceelProductToevoegenSerializer,
    PerceelSerializer,
)
from inkoop.models import Capaciteitsmelding, Clientstop, Inkooptraject, Inschrijving, Perceel
from kern.api.permissions import huidige_gebruiker
from kern.api.schema import probleem
from kern.api.views import ApiView
from kern.constants import ONGEWIJZIGD
from kern.exceptions import DomeinFout, GeenToegang, NietGevonden
from kern.models import Gebruiker, Gemeente


def _invoer(serializer_class: type[Any], request: Request, view: Any) -> dict[str, Any]:
    """Validate ``request.data`` with an input serializer; 400 problem+json when invalid."""
    invoer = serializer_class(data=request.data, context=view.get_serializer_context())
    invoer.is_valid(raise_exception=True)
    data: dict[str, Any] = invoer.validated_data
    return data


def _product(data: dict[str, Any]) -> Product:
    product: Product | None = data.get("product")
    if product is not None:
        return product
    return contracten_selectors.product_zoeken(
        wet=data["wet"], categorie=data["productcategorie"], productcode=data["productcode"]
    )


def _aanbieder(gebruiker: Gebruiker, uuid: uuid_lib.UUID | None) -> Zorgaanbieder:
    """The provider named in the request (404 outside the user's scope), or, when none is
    named, the provider a zorgaanbieder user works for."""
    if uuid is not None:
        return contracten_selectors.zorgaanbieder_ophalen(gebruiker=gebruiker, uuid=uuid)
    aanbieder_id = contracten_selectors.zorgaanbieder_id_van(gebruiker)
    if aanbieder_id is None:
        raise DomeinFout(
            "Geef de zorgaanbieder op (uuid).",
            code="zorgaanbieder_verplicht",
            velden={"zorgaanbieder": ["Verplicht voor wie niet namens een aanbieder werkt."]},
        )
    return Zorgaanbieder.objects.get(pk=aanbieder_id)


class _Pagina:
    """A paginated list from a detail action (a history)."""

    def _pagina(self, qs: QuerySet[Any], serializer_class: type[Any]) -> Response:
        view: Any = self
        pagina = view.paginate_queryset(qs)
        assert pagina is not None  # every list is paginated (settings)
        antwoord: Response = view.get_paginated_response(serializer_class(pagina, many=True).data)
        return antwoord


# --- Inkooptrajecten -----------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Inkooptrajecten zoeken"),
    retrieve=extend_schema(summary="Inkooptraject ophalen"),
)
@extend_schema(tags=["inkoop"])
class InkooptrajectViewSet(
    _Pagina,
    ApiView,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Inkooptraject],
):
    omschrijving = (
        "Inkooptrajecten: open house, openbare of meervoudig onderhandse aanbesteding. Een "
        "gemeente ziet de trajecten van de eigen gemeenten, een zorgaanbieder de gepubliceerde. "
        "Aanmaken, wijzigen en de status wijzigen vraagt de rol inkoper of beheerder."
    )
    queryset = Inkooptraject.objects.none()
    serializer_class = InkooptrajectSerializer
    lookup_field = "uuid"
    filterset_class = InkooptrajectFilter
    ordering_fields = ["code", "looptijd_begin", "sluitingsdatum_inschrijving", "status"]

    def get_queryset(self) -> QuerySet[Inkooptraject]:
        return selectors.inkooptrajecten_zichtbaar(gebruiker=huidige_gebruiker(self.request))

    def get_object(self) -> Inkooptraject:
        return selectors.inkooptraject_ophalen(
            gebruiker=huidige_gebruiker(self.request), uuid=self.kwargs["uuid"]
        )

    def _opnieuw(self, traject: Inkooptraject) -> Inkooptraject:
        return selectors.inkooptraject_ophalen(
            gebruiker=huidige_gebruiker(self.request), uuid=traject.uuid
        )

    @extend_schema(
        summary="Inkooptraject aanmaken (status concept)",
        request=InkooptrajectAanmakenSerializer,
        responses={201: InkooptrajectSerializer, **probleem(409, "De code bestaat al.")},
    )
    def create(self, request: Request) -> Response:
        data = _invoer(InkooptrajectAanmakenSerializer, request, self)
        traject = services.inkooptraject_aanmaken(door=huidige_gebruiker(request), **data)
        return Response(
            InkooptrajectSerializer(self._opnieuw(traject)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        summary="Inkooptraject wijzigen",
        description="Gemeenten en looptijd wijzigen alleen in concept (`traject_niet_concept`); "
        "de sluitingsdatum na publicatie alleen naar later zolang de inschrijving open is.",
        request=InkooptrajectWijzigenSerializer,
        responses={200: InkooptrajectSerializer},
    )
    def partial_update(self, request: Request, uuid: str) -> Response:
        traject = self.get_object()
        data = _invoer(InkooptrajectWijzigenSerializer, request, self)
        traject = services.inkooptraject_wijzigen(
            door=huidige_gebruiker(request),
            traject=traject,
            naam=data.get("naam"),
            omschrijving=data.get("omschrijving"),
            gemeenten=data.get("gemeenten"),
            looptijd_begin=data.get("looptijd_begin"),
            looptijd_eind=data.get("looptijd_eind"),
            sluitingsdatum_inschrijving=data.get("sluitingsdatum_inschrijving", ONGEWIJZIGD),
        )
        return Response(InkooptrajectSerializer(self._opnieuw(traject)).data)

    @extend_schema(
        summary="Status van een inkooptraject wijzigen",
        description="Open house: concept → gepubliceerd → afgerond. Aanbesteding: concept → "
        "gepubliceerd → gesloten (na de sluitingsdatum) → gegund (alle inschrijvingen "
        "beoordeeld) → afgerond. Intrekken kan tot er aanbieders zijn toegelaten.",
        request=InkooptrajectStatusWijzigenSerializer,
        responses={200: InkooptrajectSerializer},
    )
    @action(detail=True, methods=["post"], url_path="status", filter_backends=[])
    def status_wijzigen(self, request: Request, uuid: str) -> Response:
        traject = self.get_object()
        data = _invoer(InkooptrajectStatusWijzigenSerializer, request, self)
        traject = services.inkooptraject_status_wijzigen(
            door=huidige_gebruiker(request),
            traject=traject,
            status=data["status"],
            reden=data.get("reden", ""),
        )
        return Response(InkooptrajectSerializer(self._opnieuw(traject)).data)

    @extend_schema(
        summary="Statuswijzigingen van een inkooptraject",
        responses={200: InkooptrajectStatusWijzigingSerializer(many=True)},
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def statuswijzigingen(self, request: Request, uuid: str) -> Response:
        traject = self.get_object()
        return self._pagina(
            selectors.statuswijzigingen_van(traject), InkooptrajectStatusWijzigingSerializer
        )


# --- Percelen ------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Percelen zoeken"),
    retrieve=extend_schema(summary="Perceel ophalen"),
)
@extend_schema(tags=["inkoop"])
class PerceelViewSet(
    ApiView, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Perceel]
):
    omschrijving = (
        "Percelen van inkooptrajecten met hun producten en het vaste tarief of tariefplafond "
        "per product. Percelen en producten worden toegevoegd zolang het traject een concept is."
    )
    queryset = Perceel.objects.none()
    serializer_class = PerceelSerializer
    lookup_field = "uuid"
    filterset_class = PerceelFilter
    ordering_fields = ["naam"]

    def get_queryset(self) -> QuerySet[Perceel]:
        return selectors.percelen_zichtbaar(gebruiker=huidige_gebruiker(self.request))

    def get_object(self) -> Perceel:
        return selectors.perceel_ophalen(
            gebruiker=huidige_gebruiker(self.request), uuid=self.kwargs["uuid"]
        )

    @extend_schema(
        summary="Perceel toevoegen",
        request=PerceelAanmakenSerializer,
        responses={201: PerceelSerializer, **probleem(409, "De naam bestaat al in het traject.")},
    )
    def create(self, request: Request) -> Response:
        data = _invoer(PerceelAanmakenSerializer, request, self)
        perceel = services.perceel_aanmaken(door=huidige_gebruiker(request), **data)
        return Response(
            PerceelSerializer(
                selectors.perceel_ophalen(gebruiker=huidige_gebruiker(request), uuid=perceel.uuid)
            ).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary="Product aan een perceel toevoegen",
        description="Met een vast tarief, of een tariefplafond waaronder elke aanbieder bij "
        "inschrijving een eigen tarief biedt. Een product staat in hoogstens één perceel van "
        "een traject (`product_al_in_traject`).",
        request=PerceelProductToevoegenSerializer,
        responses={
            201: PerceelProductSerializer,
            **probleem(409, "Het product staat al in een perceel van dit traject."),
        },
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def producten(self, request: Request, uuid: str) -> Response:
        perceel = self.get_object()
        data = _invoer(PerceelProductToevoegenSerializer, request, self)
        regel = services.perceel_product_toevoegen(
            door=huidige_gebruiker(request),
            perceel=perceel,
            product=_product(data),
            tariefsoort=data["tariefsoort"],
            bedrag=data["bedrag"],
            eenheid=data.get("eenheid"),
        )
        return Response(PerceelProductSerializer(regel).data, status=status.HTTP_201_CREATED)


# --- Inschrijvingen ------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Inschrijvingen zoeken"),
    retrieve=extend_schema(summary="Inschrijving ophalen"),
)
@extend_schema(tags=["inkoop"])
class InschrijvingViewSet(
    ApiView,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Inschrijving],
):
    omschrijving = (
        "Inschrijvingen van aanbieders op percelen. Een zorgaanbieder schrijft in voor zichzelf "
        "en ziet alleen de eigen inschrijvingen; een inkoper kan namens een aanbieder inschrijven "
        "en beoordeelt (toelaten of afwijzen). Toelaten maakt of verlengt het contract van de "
        "aanbieder met de tarieven van het perceel."
    )
    permission_classes = [IsAuthenticated]  # who may do what is decided by the services
    queryset = Inschrijving.objects.none()
    serializer_class = InschrijvingSerializer
    lookup_field = "uuid"
    filterset_class = InschrijvingFilter
    ordering_fields = ["ingediend_op", "beoordeeld_op", "status"]

    def get_queryset(self) -> QuerySet[Inschrijving]:
        return selectors.inschrijvingen_zichtbaar(gebruiker=huidige_gebruiker(self.request))

    def get_object(self) -> Inschrijving:
        return selectors.inschrijving_ophalen(
            gebruiker=huidige_gebruiker(self.request), uuid=self.kwargs["uuid"]
        )

    def _opnieuw(self, inschrijving: Inschrijving) -> Inschrijving:
        return selectors.inschrijving_ophalen(
            gebruiker=huidige_gebruiker(self.request), uuid=inschrijving.uuid
        )

    @extend_schema(
        summary="Inschrijven op een perceel",
        description="Bij een aanbesteding tot en met de sluitingsdatum, bij een open house de "
        "hele looptijd (daarna `inschrijving_gesloten`). Voor elk product met een tariefplafond "
        "biedt de aanbieder een tarief tot dat plafond (`aangeboden_tarief_ontbreekt`, "
        "`tarief_boven_plafond`).",
        request=InschrijvingIndienenSerializer,
        responses={
            201: InschrijvingSerializer,
            **probleem(409, "Er is al een lopende inschrijving (`inschrijving_bestaat`)."),
        },
    )
    def create(self, request: Request) -> Response:
        gebruiker = huidige_gebruiker(request)
        data = _invoer(InschrijvingIndienenSerializer, request, self)
        inschrijving = services.inschrijving_indienen(
            door=gebruiker,
            perceel=data["perceel"],
            zorgaanbieder=_aanbieder(gebruiker, data.get("zorgaanbieder")),
            tarieven={t["product"]: t["bedrag"] for t in data.get("tarieven", [])},
            toelichting=data.get("toelichting", ""),
        )
        return Response(
            InschrijvingSerializer(self._opnieuw(inschrijving)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary="Inschrijving beoordelen (toelaten of afwijzen)",
        description="Toelaten maakt het contract `<trajectcode>-<AGB-code>` (of breidt het uit "
        "met de producten van dit perceel), voor de gemeenten van het traject, met de tarieven "
        "van het perceel vanaf vandaag (of het begin van de looptijd) tot het einde van de "
        "looptijd, en zet het op actief. Afwijzen vraagt een reden.",
        request=InschrijvingBeoordelenSerializer,
        responses={
            200: InschrijvingSerializer,
            **probleem(409, "De inschrijving is al beoordeeld (`inschrijving_al_beoordeeld`)."),
        },
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def beoordelen(self, request: Request, uuid: str) -> Response:
        inschrijving = self.get_object()
        data = _invoer(InschrijvingBeoordelenSerializer, request, self)
        inschrijving = services.inschrijving_beoordelen(
            door=huidige_gebruiker(request),
            inschrijving=inschrijving,
            besluit=data["besluit"],
            reden=data.get("reden", ""),
        )
        return Response(InschrijvingSerializer(self._opnieuw(inschrijving)).data)


# --- Capaciteit ----------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Capaciteitsmeldingen (geschiedenis)"),
    retrieve=extend_schema(summary="Capaciteitsmelding ophalen"),
)
@extend_schema(tags=["capaciteit"])
class CapaciteitViewSet(
    ApiView,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Capaciteitsmelding],
):
    omschrijving = (
        "Wachttijd en beschikbare plaatsen per aanbieder, product en gemeente. Elke melding is "
        "een nieuwe regel; de laatste geldt (`actueel=true` toont alleen die). Een zorgaanbieder "
        "meldt en ziet alleen de eigen cijfers, een gemeente die van de eigen gemeenten."
    )
    permission_classes = [IsAuthenticated]  # who may report is decided by the service
    queryset = Capaciteitsmelding.objects.none()
    serializer_class = CapaciteitsmeldingSerializer
    lookup_field = "uuid"
    filterset_class = CapaciteitsmeldingFilter
    ordering_fields = ["geldig_vanaf", "wachttijd_dagen", "beschikbare_plaatsen"]

    def get_queryset(self) -> QuerySet[Capaciteitsmelding]:
        return selectors.capaciteitsmeldingen_zichtbaar(
            gebruiker=huidige_gebruiker(self.request)
        ).order_by("-geldig_vanaf", "-pk")

    def get_object(self) -> Capaciteitsmelding:
        return selectors.capaciteitsmelding_ophalen(
            gebruiker=huidige_gebruiker(self.request), uuid=self.kwargs["uuid"]
        )

    @extend_schema(
        summary="Wachttijd en plaatsen melden",
        description="Een nieuwe melding, geldig vanaf nu. Een cijfer dat u weglaat houdt de "
        "vorige waarde. Alleen voor een product waarvoor de aanbieder in die gemeente een "
        "lopend contract heeft (`geen_contract`).",
        request=CapaciteitBijwerkenSerializer,
        responses={201: CapaciteitsmeldingSerializer},
    )
    def create(self, request: Request) -> Response:
        gebruiker = huidige_gebruiker(request)
        data = _invoer(CapaciteitBijwerkenSerializer, request, self)
        melding = services.capaciteit_bijwerken(
            door=gebruiker,
            zorgaanbieder=_aanbieder(gebruiker, data.get("zorgaanbieder")),
            product=data["product"],
            gemeente=data["gemeente"],
            wachttijd_dagen=data.get("wachttijd_dagen", ONGEWIJZIGD),
            beschikbare_plaatsen=data.get("beschikbare_plaatsen", ONGEWIJZIGD),
            toelichting=data.get("toelichting", ""),
        )
        return Response(CapaciteitsmeldingSerializer(melding).data, status=status.HTTP_201_CREATED)


# --- Clientstops ---------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Cliëntstops zoeken"),
    retrieve=extend_schema(summary="Cliëntstop ophalen"),
)
@extend_schema(tags=["capaciteit"])
class ClientstopViewSet(
    _Pagina,
    ApiView,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Clientstop],
):
    omschrijving = (
        "Cliëntstops: een aanbieder vraagt toestemming om geen nieuwe cliënten aan te nemen; een "
        "inkoper of regisseur van de gemeente keurt goed of wijst af. Alleen een goedgekeurde "
        "stop telt, binnen zijn data. De aanbieder kan een stop intrekken of opheffen."
    )
    permission_classes = [IsAuthenticated]  # who may do what is decided by the services
    queryset = Clientstop.objects.none()
    serializer_class = ClientstopSerializer
    lookup_field = "uuid"
    filterset_class = ClientstopFilter
    ordering_fields = ["aangevraagd_op", "ingangsdatum", "status"]

    def get_queryset(self) -> QuerySet[Clientstop]:
        return selectors.clientstops_zichtbaar(gebruiker=huidige_gebruiker(self.request))

    def get_object(self) -> Clientstop:
        return selectors.clientstop_ophalen(
            gebruiker=huidige_gebruiker(self.request), uuid=self.kwargs["uuid"]
        )

    @extend_schema(
        summary="Cliëntstop aanvragen (zorgaanbieder)",
        request=ClientstopAanvragenSerializer,
        responses={
            201: ClientstopSerializer,
            **probleem(409, "Er is al een open cliëntstop (`clientstop_bestaat`)."),
        },
    )
    def create(self, request: Request) -> Response:
        gebruiker = huidige_gebruiker(request)
        data = _invoer(ClientstopAanvragenSerializer, request, self)
        aanbieder_id = contracten_selectors.zorgaanbieder_id_van(gebruiker)
        if aanbieder_id is None:
            raise GeenToegang("Alleen de zorgaanbieder zelf vraagt een cliëntstop aan.")
        stop = services.clientstop_aanvragen(
            door=gebruiker,
            zorgaanbieder=Zorgaanbieder.objects.get(pk=aanbieder_id),
            product=data["product"],
            gemeente=data["gemeente"],
            ingangsdatum=data["ingangsdatum"],
            einddatum=data.get("einddatum"),
            reden=data["reden"],
        )
        return Response(ClientstopSerializer(stop).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Cliëntstop beoordelen (gemeente)",
        request=ClientstopBeoordelenSerializer,
        responses={
            200: ClientstopSerializer,
            **probleem(409, "De stop is al beoordeeld (`clientstop_al_beoordeeld`)."),
        },
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def beoordelen(self, request: Request, uuid: str) -> Response:
        stop = self.get_object()
        data = _invoer(ClientstopBeoordelenSerializer, request, self)
        stop = services.clientstop_beoordelen(
            door=huidige_gebruiker(request),
            clientstop=stop,
            besluit=data["besluit"],
            toelichting=data.get("toelichting", ""),
        )
        return Response(ClientstopSerializer(stop).data)

    @extend_schema(
        summary="Cliëntstop intrekken of opheffen (zorgaanbieder)",
        description="Een aanvraag, of een goedgekeurde stop die nog niet is ingegaan, wordt "
        "ingetrokken; een lopende stop wordt opgeheven en eindigt gisteren.",
        request=ClientstopOpheffenSerializer,
        responses={
            200: ClientstopSerializer,
            **probleem(409, "De stop is al afgewezen, ingetrokken of opgeheven."),
        },
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def opheffen(self, request: Request, uuid: str) -> Response:
        stop = self.get_object()
        data = _invoer(ClientstopOpheffenSerializer, request, self)
        stop = services.clientstop_opheffen(
            door=huidige_gebruiker(request),
            clientstop=stop,
            toelichting=data.get("toelichting", ""),
        )
        return Response(ClientstopSerializer(stop).data)

    @extend_schema(
        summary="Statuswijzigingen van een cliëntstop",
        responses={200: ClientstopStatusWijzigingSerializer(many=True)},
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def statuswijzigingen(self, request: Request, uuid: str) -> Response:
        stop = self.get_object()
        return self._pagina(
            selectors.clientstop_statuswijzigingen(stop), ClientstopStatusWijzigingSerializer
        )


# --- Provider search -----------------------------------------------------------------------


@extend_schema(tags=["capaciteit"])
class AanbiedersZoekenViewSet(
    ApiView, mixins.ListModelMixin, viewsets.GenericViewSet[Tariefperiode]
):
    omschrijving = (
        "Welke aanbieders leveren een product (of een product uit een categorie) in een gemeente "
        "op een datum: met contracttarief, wachttijd, beschikbare plaatsen en cliëntstop. Voor "
        "medewerkers van gemeenten; een gemeente buiten uw bevoegdheid geeft 404."
    )
    queryset = Tariefperiode.objects.none()
    serializer_class = AanbiederZoekresultaatSerializer
    filter_backends: list[Any] = []

    @extend_schema(
        operation_id="aanbieders_zoeken",
        summary="Aanbieders zoeken",
        parameters=[AanbiedersZoekenVraagSerializer],
        responses={200: AanbiederZoekresultaatSerializer(many=True)},
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        gebruiker = huidige_gebruiker(request)
        vraag = AanbiedersZoekenVraagSerializer(data=request.query_params)
        vraag.is_valid(raise_exception=True)
        d = vraag.validated_data
        gemeente = Gemeente.objects.filter(code=d["gemeente"]).first()
        if gemeente is None:
            raise NietGevonden(
                "Gemeente niet gevonden of buiten uw bevoegdheid.", code="gemeente_niet_gevonden"
            )
        product: Product | None = None
        categorie: Productcategorie | None = None
        if d.get("product") is not None:
            product = Product.objects.select_related("categorie").filter(uuid=d["product"]).first()
            if product is None:
                raise DomeinFout("Onbekend product.", code="product_onbekend")
        elif d.get("productcode"):
            product = contracten_selectors.product_zoeken(
                wet=d["wet"], categorie=d["productcategorie"], productcode=d["productcode"]
            )
        else:
            categorie = Productcategorie.objects.filter(
                wet=d["wet"], code=d["productcategorie"]
            ).first()
            if categorie is None:
                raise DomeinFout(
                    f"Productcategorie {d['productcategorie']} bestaat niet in de codelijst van "
                    f"de {d['wet']}.",
                    code="productcategorie_onbekend",
                )
        qs = selectors.aanbieders_zoeken(
            gebruiker=gebruiker,
            gemeente=gemeente,
            datum=d.get("datum") or timezone.localdate(),
            product=product,
            productcategorie=categorie,
            sortering=d["sortering"],
            zonder_clientstop=d["zonder_clientstop"],
        )
        pagina = self.paginate_queryset(qs)
        assert pagina is not None  # every list is paginated (settings)
        return self.get_paginated_response(AanbiederZoekresultaatSerializer(pagina, many=True).data)

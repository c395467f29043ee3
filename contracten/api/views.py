"""Views of the contracten API. Thin: check the shape of the input, call a selector (reads,
scoped to the user) or a service (writes), and show the result with an output serializer."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from contracten import selectors, services
from contracten.api.filters import (
    BestedingsruimteFilter,
    ContractFilter,
    ProductcategorieFilter,
    ProductFilter,
    SlaNormFilter,
    TariefperiodeFilter,
    ZorgaanbiederFilter,
)
from contracten.api.serializers import (
    BestedingsruimteSerializer,
    BestedingsruimteVastleggenSerializer,
    ContractAanmakenSerializer,
    ContractSerializer,
    ContractStatusWijzigenSerializer,
    ContractStatusWijzigingSerializer,
    ContractVersieSerializer,
    ContractWijzigenSerializer,
    IkSerializer,
    IndexatieAanvraagSerializer,
    IndexatieResultaatSerializer,
    ProductAanmakenSerializer,
    ProductcategorieSerializer,
    ProductSerializer,
    ProductWijzigenSerializer,
    SlaNormSerializer,
    SlaNormVastleggenSerializer,
    TariefOpVraagSerializer,
    TariefperiodeAanmakenSerializer,
    TariefperiodeCorrigerenSerializer,
    TariefperiodeSerializer,
    ZorgaanbiederAanmakenSerializer,
    ZorgaanbiederSerializer,
    ZorgaanbiederWijzigenSerializer,
)
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
)
from kern.api.permissions import huidige_gebruiker
from kern.api.schema import probleem
from kern.api.views import ApiView, uuid_of_niet_gevonden
from kern.constants import ONGEWIJZIGD
from kern.exceptions import NietGevonden
from kern.geld import VALUTA


def _invoer(serializer_class: type[Any], request: Request, view: Any) -> dict[str, Any]:
    """Validate ``request.data`` with an input serializer; 400 problem+json when invalid."""
    invoer = serializer_class(data=request.data, context=view.get_serializer_context())
    invoer.is_valid(raise_exception=True)
    data: dict[str, Any] = invoer.validated_data
    return data


# --- Me ------------------------------------------------------------------------------------


@extend_schema(tags=["aanmelden"])
class IkView(ApiView):
    """Who am I: the signed-in user with roles, gemeenten and (for providers) the provider."""

    omschrijving = (
        "De aangemelde gebruiker: rollen, gemeenten en (voor een zorgaanbieder) de aanbieder."
    )

    @extend_schema(operation_id="ik", summary="Huidige gebruiker", responses={200: IkSerializer})
    def get(self, request: Request) -> Response:
        gebruiker = huidige_gebruiker(request)
        aanbieder_id = selectors.zorgaanbieder_id_van(gebruiker)
        gegevens = {
            "username": gebruiker.username,
            "rollen": sorted(gebruiker.rollen()),
            "gemeenten": sorted(gebruiker.gemeenten.values_list("code", flat=True)),
            "zorgaanbieder": (
                Zorgaanbieder.objects.filter(pk=aanbieder_id).first() if aanbieder_id else None
            ),
        }
        return Response(IkSerializer(gegevens).data)


# --- Zorgaanbieders ------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Zorgaanbieders zoeken"),
    retrieve=extend_schema(summary="Zorgaanbieder ophalen"),
)
class ZorgaanbiederViewSet(
    ApiView,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Zorgaanbieder],
):
    """The provider register. A provider user sees only its own provider."""

    omschrijving = "Het register van zorgaanbieders. Een gebruiker van een zorgaanbieder ziet alleen de eigen aanbieder. Aanmaken en wijzigen vraagt de rol inkoper of beheerder."

    queryset = Zorgaanbieder.objects.none()
    serializer_class = ZorgaanbiederSerializer
    lookup_field = "uuid"
    filterset_class = ZorgaanbiederFilter
    ordering_fields = ["naam", "agb_code"]

    def get_queryset(self) -> QuerySet[Zorgaanbieder]:
        return selectors.zorgaanbieders_zichtbaar(gebruiker=huidige_gebruiker(self.request))

    def get_object(self) -> Zorgaanbieder:
        return selectors.zorgaanbieder_ophalen(
            gebruiker=huidige_gebruiker(self.request), uuid=self.kwargs["uuid"]
        )

    @extend_schema(
        summary="Zorgaanbieder aanmaken",
        request=ZorgaanbiederAanmakenSerializer,
        responses={201: ZorgaanbiederSerializer, **probleem(409, "De AGB-code bestaat al.")},
    )
    def create(self, request: Request) -> Response:
        data = _invoer(ZorgaanbiederAanmakenSerializer, request, self)
        aanbieder = services.zorgaanbieder_aanmaken(door=huidige_gebruiker(request), **data)
        return Response(ZorgaanbiederSerializer(aanbieder).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Zorgaanbieder wijzigen",
        request=ZorgaanbiederWijzigenSerializer,
        responses={200: ZorgaanbiederSerializer},
    )
    def partial_update(self, request: Request, uuid: str) -> Response:
        aanbieder = self.get_object()
        data = _invoer(ZorgaanbiederWijzigenSerializer, request, self)
        aanbieder = services.zorgaanbieder_wijzigen(
            door=huidige_gebruiker(request), zorgaanbieder=aanbieder, **data
        )
        return Response(ZorgaanbiederSerializer(aanbieder).data)


# --- Catalogue -----------------------------------------------------------------------------


@extend_schema_view(list=extend_schema(summary="Productcategorieën (codelijst)"))
class ProductcategorieViewSet(
    ApiView, mixins.ListModelMixin, viewsets.GenericViewSet[Productcategorie]
):
    """The product categories of the code lists of iWmo and iJw."""

    omschrijving = "De productcategorieën uit de codelijsten van iWmo en iJw."

    queryset = Productcategorie.objects.none()
    serializer_class = ProductcategorieSerializer
    filterset_class = ProductcategorieFilter
    ordering_fields = ["wet", "code"]

    def get_queryset(self) -> QuerySet[Productcategorie]:
        return selectors.productcategorieen()


@extend_schema_view(
    list=extend_schema(summary="Producten zoeken"),
    retrieve=extend_schema(summary="Product ophalen"),
)
class ProductViewSet(
    ApiView, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Product]
):
    """The regional product catalogue (a shared register: every signed-in user reads it)."""

    omschrijving = "De regionale productencatalogus. Code, categorie en eenheid van een product veranderen nooit; alleen naam en einddatum zijn te wijzigen."

    queryset = Product.objects.none()
    serializer_class = ProductSerializer
    lookup_field = "uuid"
    filterset_class = ProductFilter
    ordering_fields = ["productcode", "naam", "ingangsdatum"]

    def get_queryset(self) -> QuerySet[Product]:
        return selectors.producten_zichtbaar(gebruiker=huidige_gebruiker(self.request))

    def get_object(self) -> Product:
        bericht, code = "Product niet gevonden.", "product_niet_gevonden"
        uuid = uuid_of_niet_gevonden(self.kwargs["uuid"], bericht=bericht, code=code)
        product = self.get_queryset().filter(uuid=uuid).first()
        if product is None:
            raise NietGevonden(bericht, code=code)
        return product

    @extend_schema(
        summary="Product aanmaken",
        request=ProductAanmakenSerializer,
        responses={201: ProductSerializer, **probleem(409, "Het product bestaat al.")},
    )
    def create(self, request: Request) -> Response:
        data = _invoer(ProductAanmakenSerializer, request, self)
        product = services.product_aanmaken(door=huidige_gebruiker(request), **data)
        return Response(ProductSerializer(product).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Product wijzigen (naam, einddatum)",
        request=ProductWijzigenSerializer,
        responses={200: ProductSerializer},
    )
    def partial_update(self, request: Request, uuid: str) -> Response:
        product = self.get_object()
        data = _invoer(ProductWijzigenSerializer, request, self)
        product = services.product_wijzigen(
            door=huidige_gebruiker(request),
            product=product,
            naam=data.get("naam"),
            einddatum=data.get("einddatum", ONGEWIJZIGD),
        )
        return Response(ProductSerializer(product).data)


# --- Contracts -----------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Contracten zoeken"),
    retrieve=extend_schema(summary="Contract ophalen"),
)
class ContractViewSet(
    ApiView, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Contract]
):
    """Contracts with their versions and status history. A provider user sees its own
    contracts, a municipal user those of its gemeenten; anything else answers 404."""

    omschrijving = "Contracten met hun versies en statuswijzigingen. Een zorgaanbieder ziet de eigen contracten, een gemeente de contracten van de eigen gemeenten; al het andere geeft 404."

    queryset = Contract.objects.none()
    serializer_class = ContractSerializer
    lookup_field = "uuid"
    filterset_class = ContractFilter
    ordering_fields = ["nummer", "ingangsdatum", "einddatum", "status"]

    def get_queryset(self) -> QuerySet[Contract]:
        return selectors.contracten_zichtbaar(gebruiker=huidige_gebruiker(self.request))

    def get_object(self) -> Contract:
        return selectors.contract_ophalen(
            gebruiker=huidige_gebruiker(self.request), uuid=self.kwargs["uuid"]
        )

    @extend_schema(
        summary="Contract aanmaken (status concept, versie 1)",
        request=ContractAanmakenSerializer,
        responses={201: ContractSerializer, **probleem(409, "Het contractnummer bestaat al.")},
    )
    def create(self, request: Request) -> Response:
        data = _invoer(ContractAanmakenSerializer, request, self)
        contract = services.contract_aanmaken(door=huidige_gebruiker(request), **data)
        return Response(ContractSerializer(contract).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Contract wijzigen (nieuwe versie, met reden)",
        request=ContractWijzigenSerializer,
        responses={200: ContractSerializer},
    )
    def partial_update(self, request: Request, uuid: str) -> Response:
        contract = self.get_object()
        data = _invoer(ContractWijzigenSerializer, request, self)
        contract = services.contract_wijzigen(
            door=huidige_gebruiker(request),
            contract=contract,
            reden=data["reden"],
            ingangsdatum=data.get("ingangsdatum"),
            einddatum=data.get("einddatum", ONGEWIJZIGD),
            gemeenten=data.get("gemeenten"),
            omschrijving=data.get("omschrijving"),
        )
        return Response(ContractSerializer(contract).data)

    @extend_schema(
        summary="Status van een contract wijzigen",
        request=ContractStatusWijzigenSerializer,
        responses={200: ContractSerializer},
    )
    @action(detail=True, methods=["post"], url_path="status", filter_backends=[])
    def status_wijzigen(self, request: Request, uuid: str) -> Response:
        contract = self.get_object()
        data = _invoer(ContractStatusWijzigenSerializer, request, self)
        contract = services.contract_status_wijzigen(
            door=huidige_gebruiker(request),
            contract=contract,
            status=data["status"],
            reden=data.get("reden", ""),
        )
        return Response(ContractSerializer(contract).data)

    @extend_schema(
        summary="Versies van een contract",
        responses={200: ContractVersieSerializer(many=True)},
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def versies(self, request: Request, uuid: str) -> Response:
        contract = self.get_object()
        qs = (
            ContractVersie.objects.filter(contract=contract)
            .select_related("aangemaakt_door")
            .order_by("versie")
        )
        return self._pagina(qs, ContractVersieSerializer)

    @extend_schema(
        summary="Statuswijzigingen van een contract",
        responses={200: ContractStatusWijzigingSerializer(many=True)},
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def statuswijzigingen(self, request: Request, uuid: str) -> Response:
        contract = self.get_object()
        qs = (
            ContractStatusWijziging.objects.filter(contract=contract)
            .select_related("door")
            .order_by("tijdstip", "id")
        )
        return self._pagina(qs, ContractStatusWijzigingSerializer)

    def _pagina(self, qs: QuerySet[Any], serializer_class: type[Any]) -> Response:
        pagina = self.paginate_queryset(qs)
        assert pagina is not None  # every list is paginated (settings)
        return self.get_paginated_response(serializer_class(pagina, many=True).data)


# --- Tariff periods ------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Tariefperioden zoeken"),
    retrieve=extend_schema(summary="Tariefperiode ophalen (ook vervangen perioden)"),
)
class TariefperiodeViewSet(
    ApiView,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Tariefperiode],
):
    """Dated tariffs. Never changed: a new period closes the running one, a correction
    replaces a period with a new one (``vervangt``)."""

    omschrijving = "Tarieven met een geldigheidsperiode. Een tarief wordt nooit overschreven: een nieuwe periode sluit de lopende af, een correctie vervangt een periode door een nieuwe (`vervangt`). Lijsten tonen vervangen perioden alleen met `ook_vervangen=true`."

    queryset = Tariefperiode.objects.none()
    serializer_class = TariefperiodeSerializer
    lookup_field = "uuid"
    filterset_class = TariefperiodeFilter
    ordering_fields = ["ingangsdatum", "einddatum", "aangemaakt_op"]

    def get_queryset(self) -> QuerySet[Tariefperiode]:
        # Replaced periods are dropped by the filter unless ook_vervangen=true.
        return selectors.tariefperioden_zichtbaar(
            gebruiker=huidige_gebruiker(self.request), ook_vervangen=True
        ).select_related("vervangt")

    def get_object(self) -> Tariefperiode:
        return selectors.tariefperiode_ophalen(
            gebruiker=huidige_gebruiker(self.request), uuid=self.kwargs["uuid"]
        )

    @extend_schema(
        summary="Tariefperiode toevoegen",
        description="Een lopende periode die vóór de nieuwe begint, wordt de dag ervoor "
        "afgesloten; elke andere overlap wordt geweigerd (`tariefperiode_overlapt`). Het "
        "product geeft u met `product` (uuid) of met `wet`, `productcategorie` en "
        "`productcode` (onbekend: `product_onbekend`).",
        request=TariefperiodeAanmakenSerializer,
        responses={201: TariefperiodeSerializer},
    )
    def create(self, request: Request) -> Response:
        data = _invoer(TariefperiodeAanmakenSerializer, request, self)
        product = data.get("product") or selectors.product_zoeken(
            wet=data["wet"], categorie=data["productcategorie"], productcode=data["productcode"]
        )
        periode = services.tariefperiode_toevoegen(
            door=huidige_gebruiker(request),
            contract=data["contract"],
            product=product,
            bedrag=data["bedrag"],
            ingangsdatum=data["ingangsdatum"],
            einddatum=data.get("einddatum"),
            eenheid=data.get("eenheid"),
            reden=data["reden"],
            toelichting=data.get("toelichting", ""),
        )
        return Response(TariefperiodeSerializer(periode).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Tarief corrigeren (nieuwe periode vervangt deze)",
        request=TariefperiodeCorrigerenSerializer,
        responses={
            201: TariefperiodeSerializer,
            **probleem(409, "De periode is al vervangen (`tariefperiode_al_vervangen`)."),
        },
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def corrigeren(self, request: Request, uuid: str) -> Response:
        periode = self.get_object()
        data = _invoer(TariefperiodeCorrigerenSerializer, request, self)
        nieuw = services.tariefperiode_corrigeren(
            door=huidige_gebruiker(request),
            tariefperiode=periode,
            bedrag=data["bedrag"],
            toelichting=data["toelichting"],
        )
        return Response(TariefperiodeSerializer(nieuw).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["tariefperioden"])
class TariefOpView(ApiView):
    """The contract tariff of one provider, gemeente and product on one day."""

    omschrijving = "Het contracttarief van één aanbieder, gemeente en product op één dag."

    @extend_schema(
        operation_id="tarief_op",
        summary="Geldend contracttarief op een datum",
        parameters=[TariefOpVraagSerializer],
        responses={
            200: TariefperiodeSerializer,
            **probleem(
                404,
                "Geen contracttarief (`geen_contracttarief`): geen lopend contract met een "
                "tarief voor dit product op deze datum, of aanbieder of gemeente buiten uw "
                "bevoegdheid.",
            ),
        },
    )
    def get(self, request: Request) -> Response:
        gebruiker = huidige_gebruiker(request)
        vraag = TariefOpVraagSerializer(data=request.query_params)
        vraag.is_valid(raise_exception=True)
        d = vraag.validated_data
        product = selectors.product_zoeken(
            wet=d["wet"], categorie=d["productcategorie"], productcode=d["productcode"]
        )
        periode = selectors.tarief_op_zichtbaar(
            gebruiker=gebruiker,
            agb_code=d["agb_code"],
            gemeentecode=d["gemeente"],
            product=product,
            datum=d["datum"],
        )
        return Response(TariefperiodeSerializer(periode).data)


# --- Indexation ----------------------------------------------------------------------------


@extend_schema(tags=["indexaties"])
class IndexatieView(ApiView):
    """Index the tariffs of contracts from a date (or show what that would do)."""

    omschrijving = "Indexatie van de tarieven van contracten vanaf een datum."

    @extend_schema(
        operation_id="indexatie_toepassen",
        summary="Tarieven indexeren",
        description="Per contract en product wordt het tarief dat de dag vóór de "
        "ingangsdatum geldt met het percentage verhoogd (afgerond op centen) en als nieuwe "
        "tariefperiode vastgelegd. Geef `percentage`, of `loonindex`, `materiele_index` en "
        "`loonaandeel` (percentage = loonaandeel x loonindex + (1 - loonaandeel) x materiële "
        "index). Met `dry_run` wordt niets vastgelegd (200); anders 201.",
        request=IndexatieAanvraagSerializer,
        responses={
            200: OpenApiResponse(IndexatieResultaatSerializer, description="Proefrun."),
            201: OpenApiResponse(IndexatieResultaatSerializer, description="Vastgelegd."),
        },
    )
    def post(self, request: Request) -> Response:
        gebruiker = huidige_gebruiker(request)
        invoer = IndexatieAanvraagSerializer(data=request.data, context={"request": request})
        invoer.is_valid(raise_exception=True)
        d = invoer.validated_data
        percentage = services.indexatiepercentage(
            percentage=d.get("percentage"),
            loonindex=d.get("loonindex"),
            materiele_index=d.get("materiele_index"),
            loonaandeel=d.get("loonaandeel"),
        )
        regels = services.indexatie_toepassen(
            door=gebruiker,
            contracten=d["contracten"],
            ingangsdatum=d["ingangsdatum"],
            percentage=percentage,
            dry_run=d["dry_run"],
            toelichting=d.get("toelichting", ""),
        )
        resultaat = {
            "percentage": percentage,
            "dry_run": d["dry_run"],
            "regels": [{**asdict(regel), "valuta": VALUTA} for regel in regels],
        }
        return Response(
            IndexatieResultaatSerializer(resultaat).data,
            status=status.HTTP_200_OK if d["dry_run"] else status.HTTP_201_CREATED,
        )


# --- SLA norms and spending caps -----------------------------------------------------------


@extend_schema_view(list=extend_schema(summary="SLA-normen"))
class SlaNormViewSet(ApiView, mixins.ListModelMixin, viewsets.GenericViewSet[SlaNorm]):
    """The service levels agreed in contracts; one norm per contract and kind."""

    omschrijving = "De servicenormen (SLA) uit contracten: één norm per contract en soort."

    queryset = SlaNorm.objects.none()
    serializer_class = SlaNormSerializer
    filterset_class = SlaNormFilter
    ordering_fields = ["soort"]

    def get_queryset(self) -> QuerySet[SlaNorm]:
        return selectors.slanormen_zichtbaar(gebruiker=huidige_gebruiker(self.request))

    @extend_schema(
        summary="SLA-norm vastleggen (aanmaken of wijzigen)",
        description="Legt de norm van deze soort in het contract vast; bestaat die al, dan "
        "krijgt hij de nieuwe waarde. De eenheid volgt uit de soort.",
        request=SlaNormVastleggenSerializer,
        responses={200: SlaNormSerializer},
    )
    def create(self, request: Request) -> Response:
        data = _invoer(SlaNormVastleggenSerializer, request, self)
        norm = services.slanorm_vastleggen(door=huidige_gebruiker(request), **data)
        return Response(SlaNormSerializer(norm).data)


@extend_schema_view(
    list=extend_schema(summary="Bestedingsruimten"),
    retrieve=extend_schema(summary="Bestedingsruimte ophalen"),
)
class BestedingsruimteViewSet(
    ApiView,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Bestedingsruimte],
):
    """Yearly spending caps per provider and gemeente (soft: overruns are flagged)."""

    omschrijving = "Bestedingsruimte (plafond) per aanbieder, gemeente en jaar. Een overschrijding wordt gesignaleerd, niet geblokkeerd."

    queryset = Bestedingsruimte.objects.none()
    serializer_class = BestedingsruimteSerializer
    lookup_field = "uuid"
    filterset_class = BestedingsruimteFilter
    ordering_fields = ["jaar"]

    def get_queryset(self) -> QuerySet[Bestedingsruimte]:
        return selectors.bestedingsruimten_zichtbaar(gebruiker=huidige_gebruiker(self.request))

    def get_object(self) -> Bestedingsruimte:
        bericht, code = "Bestedingsruimte niet gevonden.", "bestedingsruimte_niet_gevonden"
        uuid = uuid_of_niet_gevonden(self.kwargs["uuid"], bericht=bericht, code=code)
        ruimte = self.get_queryset().filter(uuid=uuid).first()
        if ruimte is None:
            raise NietGevonden(bericht, code=code)
        return ruimte

    @extend_schema(
        summary="Bestedingsruimte vastleggen (aanmaken of wijzigen)",
        description="Legt het plafond van de aanbieder in de gemeente voor het jaar vast; "
        "bestaat het al, dan krijgt het het nieuwe bedrag.",
        request=BestedingsruimteVastleggenSerializer,
        responses={200: BestedingsruimteSerializer, **probleem(409)},
    )
    def create(self, request: Request) -> Response:
        data = _invoer(BestedingsruimteVastleggenSerializer, request, self)
        ruimte = services.bestedingsruimte_vastleggen(door=huidige_gebruiker(request), **data)
        return Response(BestedingsruimteSerializer(ruimte).data)

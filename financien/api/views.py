"""Views of the financien API. Thin: check the shape of the input, call a selector (reads,
scoped to the user's gemeenten) or a service (writes), show the result.

Budgets and the ledger are read by every municipal user in scope; budget writes (a budget
post, a begrotingswijziging, a mapping rule, closing a year) need the role budgethouder or
beheerder. The ledger itself is read-only here: reservations, realisations, credits and
payments are booked by the services of opdrachten, declaraties and payment batches.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from financien import selectors, services
from financien.api.filters import (
    BegrotingsjaarFilter,
    BoekingFilter,
    BudgetpostFilter,
    ReserveringFilter,
    ToewijzingsregelFilter,
)
from financien.api.serializers import (
    BegrotingsjaarSerializer,
    BegrotingswijzigingSerializer,
    BoekingSerializer,
    BudgetpostAanmakenSerializer,
    BudgetpostSerializer,
    BudgetWijzigenSerializer,
    JaarAfsluitenSerializer,
    PeildatumSerializer,
    ReserveringSerializer,
    ToewijzingsregelSerializer,
    ToewijzingsregelVastleggenSerializer,
)
from financien.models import (
    Begrotingsjaar,
    Boeking,
    Boekingsregel,
    Budgetpost,
    BudgetpostToewijzingsregel,
    Reservering,
)
from kern.api.permissions import SchrijvenAlleenInkoperOfBeheerder, huidige_gebruiker
from kern.api.schema import probleem
from kern.api.views import ApiView
from kern.constants import Rol


class SchrijvenAlleenBudgethouderOfBeheerder(SchrijvenAlleenInkoperOfBeheerder):
    """Reads for every signed-in user (scoped by the selectors); writes for budgethouder and
    beheerder. The services check the role again."""

    rollen = (Rol.BUDGETHOUDER, Rol.BEHEERDER)
    message = _("U heeft niet de rol die voor deze actie nodig is (budgethouder of beheerder).")


class FinancienView(ApiView):
    permission_classes = [IsAuthenticated, SchrijvenAlleenBudgethouderOfBeheerder]


def _invoer(serializer_class: type[Any], request: Request, view: Any) -> dict[str, Any]:
    invoer = serializer_class(data=request.data, context=view.get_serializer_context())
    invoer.is_valid(raise_exception=True)
    data: dict[str, Any] = invoer.validated_data
    return data


def _peildatum(request: Request) -> date | None:
    vraag = PeildatumSerializer(data=request.query_params)
    vraag.is_valid(raise_exception=True)
    peildatum: date | None = vraag.validated_data.get("peildatum")
    return peildatum


def _boeking_antwoord(boeking: Boeking) -> Response:
    boeking = _boekingen_met_regels(Boeking.objects.filter(pk=boeking.pk)).get()
    return Response(BoekingSerializer(boeking).data, status=status.HTTP_201_CREATED)


def _boekingen_met_regels(qs: QuerySet[Boeking]) -> QuerySet[Boeking]:
    return qs.select_related("gemeente", "reservering", "corrigeert", "door").prefetch_related(
        Prefetch(
            "regels",
            queryset=Boekingsregel.objects.select_related(
                "rekening__budgetpost", "rekening__zorgaanbieder"
            ).order_by("id"),
        )
    )


_BOEKING_WEIGERINGEN = probleem(
    409,
    "De idempotentiesleutel is al gebruikt voor een andere aanvraag "
    "(`idempotentiesleutel_conflict`).",
)


# --- Budget posts -------------------------------------------------------------------------


@extend_schema(tags=["budgetten"])
@extend_schema_view(
    list=extend_schema(summary="Budgetposten met hun stand", parameters=[PeildatumSerializer]),
    retrieve=extend_schema(summary="Budgetpost met zijn stand", parameters=[PeildatumSerializer]),
)
class BudgetpostViewSet(
    FinancienView,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Budgetpost],
):
    """Budget posts (gemeente x jaar x wet x taakveld) with their position."""

    omschrijving = (
        "Budgetposten per gemeente, jaar, wet en taakveld, met hun stand: budget, "
        "gereserveerd (obligo), gerealiseerd, betaald en beschikbaar (budget min gereserveerd "
        "min gerealiseerd). Met `peildatum` de stand op die dag. Aanmaken en het budget "
        "wijzigen vraagt de rol budgethouder of beheerder; dezelfde `idempotentiesleutel` "
        "boekt nooit twee keer."
    )

    queryset = Budgetpost.objects.none()
    serializer_class = BudgetpostSerializer
    lookup_field = "uuid"
    filterset_class = BudgetpostFilter
    ordering_fields = ["jaar", "wet", "taakveld", "kostenplaats"]

    def get_queryset(self) -> QuerySet[Budgetpost]:
        return selectors.budgetposten_zichtbaar(gebruiker=huidige_gebruiker(self.request)).order_by(
            "-jaar", "wet", "taakveld", "kostenplaats", "id"
        )

    def get_object(self) -> Budgetpost:
        return selectors.budgetpost_ophalen(
            gebruiker=huidige_gebruiker(self.request), uuid=self.kwargs["uuid"]
        )

    def _toon(self, posten: list[Budgetpost], peildatum: date | None, **kwargs: Any) -> Any:
        standen = selectors.budgetstanden_voor(posten, peildatum=peildatum)
        context = {**self.get_serializer_context(), "standen": standen}
        return BudgetpostSerializer(posten, context=context, **kwargs).data

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        peildatum = _peildatum(request)
        pagina = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        assert pagina is not None  # every list is paginated (settings)
        return self.get_paginated_response(self._toon(list(pagina), peildatum, many=True))

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        peildatum = _peildatum(request)
        budgetpost = self.get_object()
        return Response(self._toon([budgetpost], peildatum, many=True)[0])

    @extend_schema(
        summary="Budgetpost aanmaken",
        request=BudgetpostAanmakenSerializer,
        responses={
            201: BudgetpostSerializer,
            **probleem(409, "Deze budgetpost bestaat al (`budgetpost_bestaat`)."),
        },
    )
    def create(self, request: Request) -> Response:
        data = _invoer(BudgetpostAanmakenSerializer, request, self)
        budgetpost = services.budgetpost_aanmaken(door=huidige_gebruiker(request), **data)
        return Response(
            self._toon([budgetpost], None, many=True)[0], status=status.HTTP_201_CREATED
        )

    def _budget_wijzigen(self, request: Request, service: Any) -> Response:
        budgetpost = self.get_object()
        data = _invoer(BudgetWijzigenSerializer, request, self)
        boeking = service(door=huidige_gebruiker(request), budgetpost=budgetpost, **data)
        return _boeking_antwoord(boeking)

    @extend_schema(
        summary="Budget verhogen (begrotingswijziging)",
        request=BudgetWijzigenSerializer,
        responses={201: BoekingSerializer, **_BOEKING_WEIGERINGEN},
    )
    @action(detail=True, methods=["post"], url_path="budget-toekennen", filter_backends=[])
    def budget_toekennen(self, request: Request, uuid: str) -> Response:
        return self._budget_wijzigen(request, services.budget_toekennen)

    @extend_schema(
        summary="Budget verlagen (begrotingswijziging)",
        description=(
            "Verlaagt het budget. Een budget wordt nooit negatief (`budget_negatief`); "
            "beschikbaar mag wel negatief worden: budgetten zijn zacht."
        ),
        request=BudgetWijzigenSerializer,
        responses={201: BoekingSerializer, **_BOEKING_WEIGERINGEN},
    )
    @action(detail=True, methods=["post"], url_path="budget-verlagen", filter_backends=[])
    def budget_verlagen(self, request: Request, uuid: str) -> Response:
        return self._budget_wijzigen(request, services.budget_verlagen)

    @extend_schema(
        summary="Begrotingswijzigingen van een budgetpost",
        responses={200: BegrotingswijzigingSerializer(many=True)},
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def begrotingswijzigingen(self, request: Request, uuid: str) -> Response:
        qs: QuerySet[Any] = selectors.begrotingswijzigingen_van(budgetpost=self.get_object())
        pagina = self.paginate_queryset(qs)
        assert pagina is not None
        return self.get_paginated_response(BegrotingswijzigingSerializer(pagina, many=True).data)


# --- Budget years -------------------------------------------------------------------------


@extend_schema(tags=["budgetten"])
@extend_schema_view(list=extend_schema(summary="Begrotingsjaren"))
class BegrotingsjaarViewSet(
    FinancienView, mixins.ListModelMixin, viewsets.GenericViewSet[Begrotingsjaar]
):
    """Budget years per gemeente, open or closed."""

    omschrijving = (
        "Begrotingsjaren per gemeente. Op een afgesloten jaar wordt niet meer gereserveerd of "
        "begroot (`jaar_afgesloten`); realisaties op bestaande reserveringen gaan door."
    )

    queryset = Begrotingsjaar.objects.none()
    serializer_class = BegrotingsjaarSerializer
    filterset_class = BegrotingsjaarFilter
    ordering_fields = ["jaar"]

    def get_queryset(self) -> QuerySet[Begrotingsjaar]:
        return selectors.begrotingsjaren_zichtbaar(gebruiker=huidige_gebruiker(self.request))

    @extend_schema(
        summary="Begrotingsjaar afsluiten",
        request=JaarAfsluitenSerializer,
        responses={200: BegrotingsjaarSerializer},
    )
    @action(detail=False, methods=["post"], filter_backends=[], pagination_class=None)
    def afsluiten(self, request: Request) -> Response:
        data = _invoer(JaarAfsluitenSerializer, request, self)
        jaar = services.jaar_afsluiten(door=huidige_gebruiker(request), **data)
        return Response(BegrotingsjaarSerializer(jaar).data)


# --- Mapping ------------------------------------------------------------------------------


@extend_schema(tags=["budgetten"])
@extend_schema_view(list=extend_schema(summary="Toewijzingsregels van budgetposten"))
class ToewijzingsregelViewSet(
    FinancienView,
    mixins.ListModelMixin,
    viewsets.GenericViewSet[BudgetpostToewijzingsregel],
):
    """Which taakveld (and kostenplaats) pays for a wet, productcategorie or product."""

    omschrijving = (
        "Welke budgetpost een product betaalt: een regel per wet, per productcategorie of per "
        "product, naar taakveld en kostenplaats. De meest specifieke regel geldt."
    )

    queryset = BudgetpostToewijzingsregel.objects.none()
    serializer_class = ToewijzingsregelSerializer
    filterset_class = ToewijzingsregelFilter
    ordering_fields = ["wet", "taakveld"]

    def get_queryset(self) -> QuerySet[BudgetpostToewijzingsregel]:
        return selectors.toewijzingsregels_zichtbaar(
            gebruiker=huidige_gebruiker(self.request)
        ).order_by("wet", "productcategorie__code", "product__productcode", "id")

    @extend_schema(
        summary="Toewijzingsregel vastleggen (vervangt die op hetzelfde niveau)",
        request=ToewijzingsregelVastleggenSerializer,
        responses={200: ToewijzingsregelSerializer},
    )
    def create(self, request: Request) -> Response:
        data = _invoer(ToewijzingsregelVastleggenSerializer, request, self)
        regel = services.toewijzingsregel_vastleggen(door=huidige_gebruiker(request), **data)
        return Response(ToewijzingsregelSerializer(regel).data)


# --- Ledger (read-only) -------------------------------------------------------------------


@extend_schema(tags=["grootboek"])
@extend_schema_view(
    list=extend_schema(summary="Boekingen zoeken"),
    retrieve=extend_schema(summary="Boeking ophalen met haar regels"),
)
class BoekingViewSet(
    FinancienView,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Boeking],
):
    """The transfers of the ledger with their legs (read-only)."""

    omschrijving = (
        "De boekingen van het grootboek met hun regels; de regels van een boeking tellen op "
        "tot nul. Alleen lezen: een boeking wordt nooit gewijzigd of verwijderd, een correctie "
        "is een nieuwe boeking."
    )

    queryset = Boeking.objects.none()
    serializer_class = BoekingSerializer
    lookup_field = "uuid"
    filterset_class = BoekingFilter
    ordering_fields = ["tijdstip", "boekdatum", "bedrag"]

    def get_queryset(self) -> QuerySet[Boeking]:
        return _boekingen_met_regels(
            selectors.boekingen_zichtbaar(gebruiker=huidige_gebruiker(self.request))
        ).order_by("-tijdstip", "-id")

    def get_object(self) -> Boeking:
        boeking = selectors.boeking_ophalen(
            gebruiker=huidige_gebruiker(self.request), uuid=self.kwargs["uuid"]
        )
        return _boekingen_met_regels(Boeking.objects.filter(pk=boeking.pk)).get()


@extend_schema(tags=["grootboek"])
@extend_schema_view(
    list=extend_schema(summary="Reserveringen zoeken"),
    retrieve=extend_schema(summary="Reservering ophalen"),
)
class ReserveringViewSet(
    FinancienView,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Reservering],
):
    """Reservations (pending transfers) with what was realised and what is still open."""

    omschrijving = (
        "Reserveringen per opdracht en jaar: het gereserveerde bedrag, wat erop gerealiseerd is "
        "en wat nog open staat. Alleen lezen: ze worden geboekt door de opdrachten."
    )

    queryset = Reservering.objects.none()
    serializer_class = ReserveringSerializer
    lookup_field = "uuid"
    filterset_class = ReserveringFilter
    ordering_fields = ["aangemaakt_op", "jaar", "bedrag", "open_bedrag"]

    def get_queryset(self) -> QuerySet[Reservering]:
        return selectors.reserveringen_zichtbaar(
            gebruiker=huidige_gebruiker(self.request)
        ).order_by("-aangemaakt_op", "-id")

    def get_object(self) -> Reservering:
        return selectors.reservering_ophalen(
            gebruiker=huidige_gebruiker(self.request), uuid=self.kwargs["uuid"]
        )

"""Views of the declaraties API. Thin: read through the selectors (scoped to the user), write
through the services.

- ``GET /declaraties/``, ``GET /declaraties/{uuid}/``: declarations with their outcome;
  ``/prestaties/`` the lines with the retourcodes' Dutch texts; ``/antwoord/`` the 325;
  ``/uitkomst/`` the outcome as an Excel sheet (approved and rejected apart).
- ``POST /declaraties/`` (JSON, header ``Idempotency-Key``) and ``POST /declaraties/excel/``
  (the filled-in template): submit a declaration as a zorgaanbieder; the answer is the
  outcome per prestatie. The same key with the same body answers 200 with the first outcome.
- ``GET /declaraties/sjabloon/``: the Excel template, filled in with the provider's AGB code.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from contracten.models import Zorgaanbieder
from contracten.selectors import zorgaanbieder_id_van
from declaraties import excel, selectors, services
from declaraties.api.filters import DeclaratieFilter, PrestatieFilter
from declaraties.api.invoer import DeclaratieInvoerSerializer, naar_bericht
from declaraties.api.serializers import (
    BeoordelenSerializer,
    BeoordelingsinstellingSerializer,
    CreditverzoekSerializer,
    CreditverzoekVraagSerializer,
    DeclaratieSerializer,
    DeclaratieUitkomstSerializer,
    ExcelInvoerSerializer,
    PrestatieSerializer,
    RegelInstellingSerializer,
    SjabloonVraagSerializer,
    WerkvoorraadSerializer,
)
from declaraties.correcties import creditverzoeken
from declaraties.models import Beoordelingsinstelling, Declaratie, Prestatie, RegelInstelling
from declaraties.retourcodes import retourcodes
from iwmo_jw.codec import Standaard
from kern.api.bestanden import XLSX, XML, XlsxRenderer, XmlRenderer, bestand_antwoord
from kern.api.permissions import SchrijvenAlleenInkoperOfBeheerder, huidige_gebruiker
from kern.api.schema import probleem
from kern.api.views import ApiView
from kern.constants import Rol
from kern.exceptions import DomeinFout, GeenToegang, NietGevonden
from kern.models import Gebruiker
from kern.toegang import gemeente_filter, is_gemeentegebruiker


class IndienenAlleenZorgaanbieder(SchrijvenAlleenInkoperOfBeheerder):
    rollen = (Rol.ZORGAANBIEDER,)
    message = _("Alleen een zorgaanbieder kan declaraties indienen.")


def _eigen_aanbieder(gebruiker: Gebruiker) -> Zorgaanbieder:
    aanbieder_id = zorgaanbieder_id_van(gebruiker)
    if aanbieder_id is None:
        raise GeenToegang("Uw account is niet aan een zorgaanbieder gekoppeld.")
    return Zorgaanbieder.objects.get(pk=aanbieder_id)


_INDIENEN_WEIGERINGEN = {
    **probleem(
        400,
        "Ongeldige invoer of een declaratie die niet verwerkt kon worden (`formaat_ongeldig`, "
        "`excel_ongeldig`, `gemeente_niet_aangesloten`, `agb_onjuist`, "
        "`idempotentiesleutel_verplicht`).",
    ),
    **probleem(
        409,
        "De idempotentiesleutel is al gebruikt voor een andere declaratie "
        "(`idempotentiesleutel_conflict`).",
    ),
}


@extend_schema(tags=["declaraties"])
class DeclaratieViewSet(
    ApiView,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Declaratie],
):
    """Declarations (323, Excel, API) with the outcome per prestatie."""

    permission_classes = [IsAuthenticated, IndienenAlleenZorgaanbieder]
    queryset = Declaratie.objects.none()  # for the schema; get_queryset scopes
    serializer_class = DeclaratieSerializer
    filterset_class = DeclaratieFilter
    lookup_field = "uuid"
    parser_classes = [JSONParser, MultiPartParser]

    def get_queryset(self) -> QuerySet[Declaratie]:
        return selectors.declaraties_zichtbaar(gebruiker=huidige_gebruiker(self.request)).order_by(
            "-ontvangen_op", "-id"
        )

    def get_object(self) -> Declaratie:
        return selectors.declaratie_ophalen(
            gebruiker=huidige_gebruiker(self.request), uuid=self.kwargs["uuid"]
        )

    @extend_schema(summary="Declaraties", description="Gefilterd op aanbieder, periode, status.")
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(summary="Een declaratie met de uitkomst per prestatie")
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(DeclaratieUitkomstSerializer(self.get_object()).data)

    @extend_schema(
        summary="Declaratie indienen (JSON)",
        description=(
            "Dezelfde velden als een 323. Verplicht: header `Idempotency-Key`. Dezelfde sleutel "
            "met dezelfde inhoud geeft de eerste uitkomst (200); met andere inhoud 409."
        ),
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                required=True,
                description="Unieke sleutel van deze indiening (hoogstens 200 tekens).",
            )
        ],
        request=DeclaratieInvoerSerializer,
        responses={
            201: DeclaratieUitkomstSerializer,
            200: DeclaratieUitkomstSerializer,
            **_INDIENEN_WEIGERINGEN,
        },
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        ruw = request.body  # the raw body, kept as it came (read before request.data)
        gebruiker = huidige_gebruiker(request)
        aanbieder = _eigen_aanbieder(gebruiker)
        sleutel = request.headers.get("Idempotency-Key", "").strip()
        if not sleutel:
            raise DomeinFout(
                "De header Idempotency-Key is verplicht.", code="idempotentiesleutel_verplicht"
            )
        invoer = DeclaratieInvoerSerializer(data=request.data)
        invoer.is_valid(raise_exception=True)
        model = naar_bericht(invoer.validated_data, agb_code=aanbieder.agb_code, sleutel=sleutel)
        verwerking = services.declaratie_api_indienen(
            door=gebruiker,
            zorgaanbieder=aanbieder,
            model=model,
            ruw=ruw,
            idempotentiesleutel=sleutel,
        )
        return Response(
            DeclaratieUitkomstSerializer(verwerking.declaratie).data,
            status=status.HTTP_201_CREATED if verwerking.nieuw else status.HTTP_200_OK,
        )

    @extend_schema(
        summary="Declaratie indienen (Excelsjabloon)",
        request={"multipart/form-data": ExcelInvoerSerializer},
        responses={
            201: DeclaratieUitkomstSerializer,
            200: DeclaratieUitkomstSerializer,
            **_INDIENEN_WEIGERINGEN,
        },
    )
    @action(detail=False, methods=["post"], url_path="excel", filter_backends=[])
    def excel(self, request: Request) -> Response:
        gebruiker = huidige_gebruiker(request)
        aanbieder = _eigen_aanbieder(gebruiker)
        invoer = ExcelInvoerSerializer(data=request.data)
        invoer.is_valid(raise_exception=True)
        bestand = invoer.validated_data["bestand"]
        verwerking = services.declaratie_excel_indienen(
            door=gebruiker,
            zorgaanbieder=aanbieder,
            data=bestand.read(),
            bestandsnaam=getattr(bestand, "name", "") or "",
        )
        return Response(
            DeclaratieUitkomstSerializer(verwerking.declaratie).data,
            status=status.HTTP_201_CREATED if verwerking.nieuw else status.HTTP_200_OK,
        )

    @extend_schema(
        summary="Excelsjabloon voor declaraties",
        parameters=[SjabloonVraagSerializer, OpenApiParameter("format", exclude=True)],
        responses={(200, XLSX): OpenApiResponse(OpenApiTypes.BINARY, description="Sjabloon.")},
    )
    @action(
        detail=False,
        methods=["get"],
        filter_backends=[],
        pagination_class=None,
        renderer_classes=[JSONRenderer, XlsxRenderer],
    )
    def sjabloon(self, request: Request) -> HttpResponse:
        vraag = SjabloonVraagSerializer(data=request.query_params)
        vraag.is_valid(raise_exception=True)
        aanbieder_id = zorgaanbieder_id_van(huidige_gebruiker(request))
        agb = (
            Zorgaanbieder.objects.values_list("agb_code", flat=True).get(pk=aanbieder_id)
            if aanbieder_id is not None
            else ""
        )
        data = excel.sjabloon(
            wet=vraag.validated_data.get("wet", ""),
            gemeentecode=vraag.validated_data.get("gemeente", ""),
            agb_code=agb,
            periode_begin=vraag.validated_data.get("periode_begin"),
            periode_eind=vraag.validated_data.get("periode_eind"),
        )
        return bestand_antwoord(data, XLSX, "declaratie-sjabloon.xlsx")

    @extend_schema(
        summary="De 325 (declaratie-antwoord) als XML",
        parameters=[OpenApiParameter("format", exclude=True)],
        responses={(200, XML): OpenApiResponse(OpenApiTypes.BINARY, description="De 325.")},
    )
    @action(
        detail=True,
        methods=["get"],
        filter_backends=[],
        pagination_class=None,
        renderer_classes=[JSONRenderer, XmlRenderer],
    )
    def antwoord(self, request: Request, uuid: str) -> HttpResponse:
        declaratie = self.get_object()
        inhoud = selectors.antwoord_inhoud(declaratie=declaratie)
        if inhoud is None:
            raise NietGevonden(
                "Deze declaratie is nog niet beantwoord.", code="antwoord_niet_gevonden"
            )
        return bestand_antwoord(inhoud, XML, f"325-{declaratie.declaratienummer}.xml")

    @extend_schema(
        summary="De uitkomst als Excel (toegekend en afgewezen apart, met de reden)",
        parameters=[OpenApiParameter("format", exclude=True)],
        responses={(200, XLSX): OpenApiResponse(OpenApiTypes.BINARY, description="Uitkomst.")},
    )
    @action(
        detail=True,
        methods=["get"],
        filter_backends=[],
        pagination_class=None,
        renderer_classes=[JSONRenderer, XlsxRenderer],
    )
    def uitkomst(self, request: Request, uuid: str) -> HttpResponse:
        declaratie = self.get_object()
        teksten = retourcodes(Standaard.IWMO if declaratie.wet == "wmo" else Standaard.IJW)
        regels = [
            excel.Uitkomstregel(
                regelnummer=p.regelnummer,
                referentienummer=p.referentienummer,
                toewijzingnummer=p.toewijzingnummer,
                product=f"{p.productcategorie} {p.productcode}",
                begindatum=p.periode_begin,
                einddatum=p.periode_eind,
                geleverd_volume=p.geleverd_volume,
                eenheid=p.eenheid,
                ingediend_bedrag=p.ingediend_bedrag,
                debet_credit=p.debet_credit,
                toegekend_bedrag=p.toegekend_bedrag,
                retourcodes=tuple(c for c in p.retourcodes.split(",") if c),
                redenen=tuple(teksten.get(c, c) for c in p.retourcodes.split(",") if c),
            )
            for p in declaratie.prestaties.order_by("regelnummer")
        ]
        kop = [
            ("Declaratienummer", declaratie.declaratienummer),
            ("Zorgaanbieder", declaratie.zorgaanbieder.naam),
            ("Gemeente", declaratie.gemeente.naam),
            (
                "Periode",
                f"{declaratie.periode_begin:%d-%m-%Y} t/m {declaratie.periode_eind:%d-%m-%Y}",
            ),
            ("Totaal ingediend", declaratie.totaal_ingediend_bedrag),
            ("Totaal toegekend", declaratie.totaal_toegekend_bedrag),
            ("Retourcode", f"{declaratie.retourcode} {teksten.get(declaratie.retourcode, '')}"),
        ]
        return bestand_antwoord(
            excel.uitkomst(kop=kop, regels=regels),
            XLSX,
            f"uitkomst-{declaratie.declaratienummer}.xlsx",
        )


@extend_schema(tags=["declaraties"])
class PrestatieViewSet(
    ApiView,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Prestatie],
):
    """Prestaties of the declarations in scope, with their outcome."""

    permission_classes = [IsAuthenticated, IndienenAlleenZorgaanbieder]
    queryset = Prestatie.objects.none()  # for the schema; get_queryset scopes
    serializer_class = PrestatieSerializer
    filterset_class = PrestatieFilter
    lookup_field = "uuid"

    def get_queryset(self) -> QuerySet[Prestatie]:
        return selectors.prestaties_zichtbaar(gebruiker=huidige_gebruiker(self.request)).order_by(
            "declaratie_id", "regelnummer"
        )

    @extend_schema(summary="Prestaties met hun uitkomst")
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(summary="Een prestatie met haar uitkomst")
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().retrieve(request, *args, **kwargs)


class AlleenBeoordelaar(SchrijvenAlleenInkoperOfBeheerder):
    rollen = (Rol.BEOORDELAAR,)
    message = _("Alleen een beoordelaar kan prestaties beoordelen.")


class AlleenBeheerderSchrijft(SchrijvenAlleenInkoperOfBeheerder):
    rollen = (Rol.BEHEERDER,)
    message = _("Alleen een beheerder wijzigt de instellingen van een gemeente.")


_BEOORDELEN_WEIGERINGEN = {
    **probleem(
        400,
        "Geen reden, een ongeldige retourcode, of er is al besloten (`reden_verplicht`, "
        "`retourcode_ongeldig`, `al_beoordeeld`, `niets_te_bevestigen`).",
    ),
    **probleem(403, "Geen beoordelaar, of de eigen afwijzing bevestigen (`vier_ogen`)."),
}


@extend_schema(tags=["declaraties"])
class WerkvoorraadViewSet(ApiView, mixins.ListModelMixin, viewsets.GenericViewSet[Prestatie]):
    """The review queue: held prestaties with the working days left until the answer is due;
    decide them with ``beoordelen`` and confirm a rejection above the threshold with
    ``bevestigen``."""

    permission_classes = [IsAuthenticated, AlleenBeoordelaar]
    queryset = Prestatie.objects.none()
    serializer_class = WerkvoorraadSerializer
    lookup_field = "uuid"

    def get_queryset(self) -> QuerySet[Prestatie]:
        return selectors.werkvoorraad(gebruiker=huidige_gebruiker(self.request))

    def _prestatie(self) -> Prestatie:
        try:
            return self.get_queryset().get(uuid=self.kwargs["uuid"])
        except (Prestatie.DoesNotExist, ValueError, DjangoValidationError):
            raise NietGevonden("Prestatie niet gevonden.", code="prestatie_niet_gevonden") from None

    @extend_schema(summary="Te beoordelen prestaties (werkvoorraad)")
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(
        summary="Een aangehouden prestatie beoordelen",
        request=BeoordelenSerializer,
        responses={200: WerkvoorraadSerializer, **_BEOORDELEN_WEIGERINGEN},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def beoordelen(self, request: Request, uuid: str) -> Response:
        invoer = BeoordelenSerializer(data=request.data)
        invoer.is_valid(raise_exception=True)
        prestatie = services.prestatie_beoordelen(
            door=huidige_gebruiker(request), prestatie=self._prestatie(), **invoer.validated_data
        )
        return Response(WerkvoorraadSerializer(prestatie).data)

    @extend_schema(
        summary="Een voorgestelde afwijzing bevestigen (vier ogen)",
        request=None,
        responses={200: WerkvoorraadSerializer, **_BEOORDELEN_WEIGERINGEN},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def bevestigen(self, request: Request, uuid: str) -> Response:
        prestatie = services.prestatie_afwijzing_bevestigen(
            door=huidige_gebruiker(request), prestatie=self._prestatie()
        )
        return Response(WerkvoorraadSerializer(prestatie).data)


@extend_schema(tags=["declaraties"])
class BeoordelingsinstellingViewSet(
    ApiView, mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet[Any]
):
    """Which prestaties a gemeente holds for review (POST sets them for a gemeente and wet)."""

    permission_classes = [IsAuthenticated, AlleenBeheerderSchrijft]
    queryset = Beoordelingsinstelling.objects.none()
    serializer_class = BeoordelingsinstellingSerializer

    def get_queryset(self) -> QuerySet[Beoordelingsinstelling]:
        gebruiker = huidige_gebruiker(self.request)
        if not is_gemeentegebruiker(gebruiker):
            return Beoordelingsinstelling.objects.none()
        return Beoordelingsinstelling.objects.filter(gemeente_filter(gebruiker)).select_related(
            "gemeente"
        )

    @extend_schema(summary="Beoordelingsinstellingen")
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(summary="Beoordelingsinstelling vastleggen")
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        invoer = BeoordelingsinstellingSerializer(data=request.data)
        invoer.is_valid(raise_exception=True)
        gegevens = dict(invoer.validated_data)
        instelling = services.beoordelingsinstelling_vastleggen(
            door=huidige_gebruiker(request), **gegevens
        )
        return Response(
            BeoordelingsinstellingSerializer(instelling).data, status=status.HTTP_201_CREATED
        )


@extend_schema(tags=["declaraties"])
class RegelInstellingViewSet(
    ApiView, mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet[Any]
):
    """The level-4 rules a gemeente switched off per wet (POST switches one off or on)."""

    permission_classes = [IsAuthenticated, AlleenBeheerderSchrijft]
    queryset = RegelInstelling.objects.none()
    serializer_class = RegelInstellingSerializer

    def get_queryset(self) -> QuerySet[RegelInstelling]:
        gebruiker = huidige_gebruiker(self.request)
        if not is_gemeentegebruiker(gebruiker):
            return RegelInstelling.objects.none()
        return RegelInstelling.objects.filter(gemeente_filter(gebruiker)).select_related("gemeente")

    @extend_schema(summary="Uitgeschakelde regels")
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(
        summary="Regel uit- of aanzetten",
        responses={
            201: RegelInstellingSerializer,
            **probleem(400, "Deze regel kan niet uit (`regel_niet_uitschakelbaar`)."),
        },
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        invoer = RegelInstellingSerializer(data=request.data)
        invoer.is_valid(raise_exception=True)
        instelling = services.regel_instellen(
            door=huidige_gebruiker(request), **dict(invoer.validated_data)
        )
        return Response(RegelInstellingSerializer(instelling).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["declaraties"])
class CreditverzoekViewSet(ApiView, viewsets.GenericViewSet[Any]):
    """Approved prestaties that no longer fit after a tariff correction or a shortened
    toewijzing: the credit requests per provider, and which have been credited since."""

    queryset = Prestatie.objects.none()
    serializer_class = CreditverzoekSerializer

    @extend_schema(summary="Creditverzoeken", parameters=[CreditverzoekVraagSerializer])
    def list(self, request: Request) -> Response:
        vraag = CreditverzoekVraagSerializer(data=request.query_params)
        vraag.is_valid(raise_exception=True)
        gebruiker = huidige_gebruiker(request)
        agb = vraag.validated_data.get("zorgaanbieder")
        aanbieder_id = None
        if agb:
            aanbieder_id = (
                Zorgaanbieder.objects.filter(agb_code=agb).values_list("pk", flat=True).first()
            )
            if aanbieder_id is None:
                raise NietGevonden(
                    "Zorgaanbieder niet gevonden.", code="zorgaanbieder_niet_gevonden"
                )
        verzoeken = creditverzoeken(
            gebruiker=gebruiker,
            zorgaanbieder_id=aanbieder_id,
            sinds=vraag.validated_data.get("sinds"),
        )
        gecrediteerd = vraag.validated_data.get("gecrediteerd")
        if gecrediteerd is not None:
            verzoeken = [v for v in verzoeken if v.gecrediteerd == gecrediteerd]
        pagina = self.paginate_queryset(verzoeken)  # type: ignore[arg-type]
        data = CreditverzoekSerializer(pagina if pagina is not None else verzoeken, many=True).data
        return self.get_paginated_response(data) if pagina is not None else Response(data)

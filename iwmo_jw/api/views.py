"""Read-only views of the berichtenbox: inbound and outbound messages with their outcome,
findings and deadlines, the raw bytes, and the open deadlines. Scoped by the selectors:
what lies outside the user's scope answers 404. Identifiers in URLs are uuids, never a BSN
or a message identification."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.serializers import BaseSerializer

from iwmo_jw import selectors
from iwmo_jw.api.filters import InkomendBerichtFilter, TermijnFilter, UitgaandBerichtFilter
from iwmo_jw.api.serializers import (
    InkomendBerichtLijstSerializer,
    InkomendBerichtSerializer,
    TermijnSerializer,
    UitgaandBerichtDetailSerializer,
    UitgaandBerichtSerializer,
)
from iwmo_jw.models import InkomendBericht, Termijn, UitgaandBericht
from kern.api.permissions import huidige_gebruiker
from kern.api.views import ApiView


class InhoudZonderOnderhandeling:
    """The raw download answers whatever the client accepts (``application/xml``, ``*/*``):
    content negotiation may not refuse it with 406. Errors are still problem+json."""

    action: str

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        return super().perform_content_negotiation(  # type: ignore[misc]
            request, force=force or self.action == "inhoud"
        )


def _inhoud_antwoord(inhoud: selectors.Inhoud) -> HttpResponse:
    antwoord = HttpResponse(
        inhoud.data, content_type="application/xml" if inhoud.is_xml else "application/octet-stream"
    )
    antwoord["Content-Disposition"] = f'attachment; filename="{inhoud.bestandsnaam}"'
    antwoord["X-Inhoud-Volledig"] = "true" if inhoud.volledig else "false"
    return antwoord


_INHOUD_SCHEMA = extend_schema(
    summary="Ruwe inhoud downloaden",
    description=(
        "De bytes van het bericht precies zoals ontvangen of aangemaakt. Van een bestand dat "
        "groter was dan de grens is alleen het begin bewaard (kop `X-Inhoud-Volledig: false`)."
    ),
    responses={
        (200, "application/xml"): OpenApiResponse(
            OpenApiTypes.BINARY, description="Het bericht (XML)."
        ),
        (200, "application/octet-stream"): OpenApiResponse(
            OpenApiTypes.BINARY, description="Een bestand dat niet als bericht te lezen was."
        ),
    },
)


@extend_schema_view(
    list=extend_schema(summary="Inkomende berichten zoeken"),
    retrieve=extend_schema(summary="Inkomend bericht ophalen (uitkomst, bevindingen, termijnen)"),
)
@extend_schema(tags=["berichten"])
class InkomendBerichtViewSet(
    InhoudZonderOnderhandeling,
    ApiView,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[InkomendBericht],
):
    omschrijving = (
        "Ontvangen iWmo- en iJw-berichten met hun uitkomst (geldig, geweigerd met bevindingen, "
        "dubbel), status van verwerking en antwoordtermijnen. Een zorgaanbieder ziet de eigen "
        "berichten; een gemeente (regisseur, beoordelaar, beheerder) die van de eigen gemeenten."
    )
    queryset = InkomendBericht.objects.none()
    lookup_field = "uuid"
    filterset_class = InkomendBerichtFilter
    ordering_fields = ["ontvangen_op", "dagtekening", "berichttype", "status"]

    def get_serializer_class(self) -> type[BaseSerializer[InkomendBericht]]:
        if self.action == "retrieve":
            return InkomendBerichtSerializer
        return InkomendBerichtLijstSerializer

    def get_queryset(self) -> QuerySet[InkomendBericht]:
        return selectors.inkomende_berichten_zichtbaar(gebruiker=huidige_gebruiker(self.request))

    def get_object(self) -> InkomendBericht:
        return selectors.inkomend_bericht_ophalen(
            gebruiker=huidige_gebruiker(self.request), uuid=self.kwargs["uuid"]
        )

    @_INHOUD_SCHEMA
    @action(
        detail=True,
        methods=["get"],
        url_path="inhoud",
        filterset_class=None,
        pagination_class=None,
    )
    def inhoud(self, request: Request, uuid: str) -> HttpResponse:
        return _inhoud_antwoord(
            selectors.inhoud_ophalen(
                gebruiker=huidige_gebruiker(request), uuid=uuid, richting="inkomend"
            )
        )


@extend_schema_view(
    list=extend_schema(summary="Uitgaande berichten zoeken"),
    retrieve=extend_schema(summary="Uitgaand bericht ophalen"),
)
@extend_schema(tags=["berichten"])
class UitgaandBerichtViewSet(
    InhoudZonderOnderhandeling,
    ApiView,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[UitgaandBericht],
):
    omschrijving = (
        "Berichten die de gemeente verstuurt (301, 306, 308, 316, 318, 319, 325), met het "
        "inkomende bericht dat ze beantwoorden en hun status (aangemaakt, geëxporteerd, "
        "verzonden)."
    )
    queryset = UitgaandBericht.objects.none()
    lookup_field = "uuid"
    filterset_class = UitgaandBerichtFilter
    ordering_fields = ["aangemaakt_op", "berichttype", "status"]

    def get_serializer_class(self) -> type[BaseSerializer[UitgaandBericht]]:
        if self.action == "retrieve":
            return UitgaandBerichtDetailSerializer
        return UitgaandBerichtSerializer

    def get_queryset(self) -> QuerySet[UitgaandBericht]:
        return selectors.uitgaande_berichten_zichtbaar(gebruiker=huidige_gebruiker(self.request))

    def get_object(self) -> UitgaandBericht:
        return selectors.uitgaand_bericht_ophalen(
            gebruiker=huidige_gebruiker(self.request), uuid=self.kwargs["uuid"]
        )

    @_INHOUD_SCHEMA
    @action(
        detail=True,
        methods=["get"],
        url_path="inhoud",
        filterset_class=None,
        pagination_class=None,
    )
    def inhoud(self, request: Request, uuid: str) -> HttpResponse:
        return _inhoud_antwoord(
            selectors.inhoud_ophalen(
                gebruiker=huidige_gebruiker(request), uuid=uuid, richting="uitgaand"
            )
        )


@extend_schema_view(list=extend_schema(summary="Antwoordtermijnen"))
@extend_schema(tags=["berichten"])
class TermijnViewSet(ApiView, mixins.ListModelMixin, viewsets.GenericViewSet[Termijn]):
    omschrijving = (
        "De termijnen waarbinnen de gemeente moet antwoorden (retour binnen 3 werkdagen, 301 of "
        "319 binnen 5, 325 binnen 10), soonst eerst. Filter `staat=verlopen` toont wat te laat "
        "is, `binnen_dagen` wat binnenkort verloopt."
    )
    queryset = Termijn.objects.none()
    serializer_class = TermijnSerializer
    filterset_class = TermijnFilter
    ordering_fields = ["uiterste_datum"]

    def get_queryset(self) -> QuerySet[Termijn]:
        return selectors.termijnen_zichtbaar(gebruiker=huidige_gebruiker(self.request)).order_by(
            "uiterste_datum", "pk"
        )

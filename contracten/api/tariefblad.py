"""The tariff sheet over the API: the empty template, the export of contracts' tariffs and
the import (dry run or real), on top of :mod:`contracten.tariefblad`.

The views only check the shape of a request, pick the contracts through the selectors and
turn the module's :class:`~contracten.tariefblad.ImportResultaat` into an answer; every
rule of the import lives in the module and the services it calls.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from contracten import selectors
from contracten.models import Contract
from contracten.tariefblad import (
    ImportResultaat,
    tarieven_exporteren,
    tarieven_importeren,
    tarievenblad_sjabloon,
)
from contracten.tariefblad.lezen import MAX_BESTAND_BYTES
from kern.api.permissions import huidige_gebruiker
from kern.api.schema import probleem
from kern.api.views import ApiView
from kern.exceptions import DomeinFout, GeenToegang

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_MB = 1024 * 1024
_GRENS_MB = MAX_BESTAND_BYTES // _MB


class BestandTeGroot(DomeinFout):
    """The upload exceeds the tariff sheet's size limit (413)."""

    status = 413
    code = "bestand_te_groot"


class XlsxRenderer(BaseRenderer):
    """Lets a client ask for the sheet with ``Accept: <xlsx>``.

    The sheet itself is returned as a ready ``HttpResponse``; this renderer only renders
    what reaches it otherwise, i.e. an error body (problem+json), which it writes as JSON."""

    media_type = XLSX
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        if isinstance(data, bytes):
            return data
        return JSONRenderer().render(data, "application/json", renderer_context)


def _xlsx(inhoud: bytes, bestandsnaam: str) -> HttpResponse:
    response = HttpResponse(inhoud, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{bestandsnaam}"'
    return response


# --- Serializers ---------------------------------------------------------------------------


class TariefbladImportSerializer(serializers.Serializer):
    bestand = serializers.FileField(
        help_text=_(
            "Het tarievenblad (.xlsx) in het formaat van het sjabloon; hoogstens %(mb)d MB."
        )
        % {"mb": _GRENS_MB},
        error_messages={
            "required": _("Stuur het tarievenblad (.xlsx) mee in het veld `bestand`."),
            "empty": _("Het bestand is leeg."),
        },
    )
    dry_run = serializers.BooleanField(
        default=True,
        help_text=_(
            "Proefrun: controleer het blad en meld wat een import zou doen, zonder iets "
            "op te slaan. Standaard `true`; stuur `false` om echt te importeren."
        ),
    )


class TariefbladFoutSerializer(serializers.Serializer):
    rij = serializers.IntegerField(
        help_text=_(
            "Rijnummer in het blad Tarieven zoals Excel het toont; 0 is het bestand zelf, "
            "1 de kopregel."
        )
    )
    kolom = serializers.CharField(
        allow_null=True,
        help_text=_("Kop van de kolom waar de fout zit; leeg als de fout de hele rij betreft."),
    )
    code = serializers.CharField(
        help_text=_("Stabiele foutcode in snake_case, bijvoorbeeld `product_onbekend`.")
    )
    bericht = serializers.CharField(help_text=_("Uitleg in het Nederlands."))


class TariefbladResultaatSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField(
        help_text=_("Of dit een proefrun was (dan is niets opgeslagen).")
    )
    geslaagd = serializers.BooleanField(help_text=_("Waar als het blad geen fouten bevat."))
    aangemaakte_contracten = serializers.ListField(
        child=serializers.CharField(),
        help_text=_(
            "Nummers van de contracten die de import aanmaakt (bij een proefrun: zou aanmaken)."
        ),
    )
    tariefperioden_aangemaakt = serializers.IntegerField(
        help_text=_(
            "Aantal nieuwe tariefperioden; regels van meerdere gemeenten met hetzelfde "
            "contract, product, periode en bedrag vormen samen één periode."
        )
    )
    ongewijzigd = serializers.IntegerField(
        help_text=_("Aantal tariefperioden die al precies zo bestonden en niet veranderen.")
    )
    fouten = TariefbladFoutSerializer(
        many=True, help_text=_("De geweigerde regels; leeg als het blad in orde is.")
    )


# --- Views ---------------------------------------------------------------------------------

_BINAIR = OpenApiTypes.BINARY
#: The sheet views offer two renderers, so the schema would list DRF's ``?format=`` switch;
#: the answer is the sheet either way, so it is left out.
_ZONDER_FORMAT = OpenApiParameter("format", exclude=True)
_IMPORTVELDEN = (
    "Het antwoord bevat naast de probleemvelden ook `dry_run`, `geslaagd`, "
    "`aangemaakte_contracten`, `tariefperioden_aangemaakt`, `ongewijzigd` en `fouten` (per "
    "fout `rij`, `kolom`, `code` en `bericht`)."
)


@extend_schema(tags=["tariefblad"])
class TariefbladSjabloonView(ApiView):
    """The empty tariff sheet."""

    omschrijving = (
        "Het lege tarievenblad (.xlsx): de kopregel op het blad Tarieven en een blad "
        "Toelichting dat elke kolom uitlegt."
    )
    renderer_classes = [JSONRenderer, XlsxRenderer]

    @extend_schema(
        operation_id="tariefblad_sjabloon",
        summary="Leeg tarievenblad (sjabloon)",
        parameters=[_ZONDER_FORMAT],
        responses={
            (200, XLSX): OpenApiResponse(_BINAIR, description="Het sjabloon als .xlsx."),
        },
    )
    def get(self, request: Request) -> HttpResponse:
        return _xlsx(tarievenblad_sjabloon(), "tarievenblad-sjabloon.xlsx")


@extend_schema(tags=["tariefblad"])
class TariefbladExportView(ApiView):
    """The tariffs of the given contracts (or of every visible one) as a tariff sheet."""

    omschrijving = (
        "De tarieven van contracten als tarievenblad (.xlsx), in het formaat dat de import "
        "leest: één regel per tariefperiode en gemeente. Zonder `contract` komen alle "
        "contracten die u mag zien erin; een zorgaanbieder ziet alleen de eigen contracten."
    )
    renderer_classes = [JSONRenderer, XlsxRenderer]

    @extend_schema(
        operation_id="tariefblad_exporteren",
        summary="Tarieven exporteren als tarievenblad",
        parameters=[
            _ZONDER_FORMAT,
            OpenApiParameter(
                "contract",
                OpenApiTypes.UUID,
                many=True,
                explode=True,
                description=_(
                    "uuid van een contract; herhaal de parameter voor meer contracten. "
                    "Leeg: alle contracten die u mag zien."
                ),
            ),
        ],
        responses={
            (200, XLSX): OpenApiResponse(
                _BINAIR, description="Het tarievenblad als .xlsx (tarieven-JJJJMMDD.xlsx)."
            ),
            **probleem(
                404,
                "Een genoemd contract bestaat niet of ligt buiten uw bevoegdheid "
                "(`contract_niet_gevonden`).",
            ),
        },
    )
    def get(self, request: Request) -> HttpResponse:
        gebruiker = huidige_gebruiker(request)
        uuids = list(dict.fromkeys(request.query_params.getlist("contract")))
        contracten: Iterable[Contract]
        if uuids:
            contracten = [
                selectors.contract_ophalen(gebruiker=gebruiker, uuid=uuid) for uuid in uuids
            ]
        else:
            contracten = selectors.contracten_zichtbaar(gebruiker=gebruiker)
        bestandsnaam = f"tarieven-{timezone.localdate():%Y%m%d}.xlsx"
        return _xlsx(tarieven_exporteren(contracten=contracten), bestandsnaam)


def _resultaat(resultaat: ImportResultaat) -> dict[str, Any]:
    data: dict[str, Any] = TariefbladResultaatSerializer(resultaat).data
    return data


@extend_schema(tags=["tariefblad"])
class TariefbladImportView(ApiView):
    """Import a tariff sheet, all or nothing; a dry run by default."""

    omschrijving = (
        "Importeer een tarievenblad (.xlsx), alles of niets. Standaard is het een proefrun "
        "(`dry_run`): het blad wordt volledig gecontroleerd en het antwoord zegt wat een "
        "import zou doen, zonder iets op te slaan. Met `dry_run=false` worden contracten en "
        "tariefperioden vastgelegd, maar alleen als geen enkele regel een fout heeft. Een "
        "tarief dat al precies zo bestaat, telt als `ongewijzigd`."
    )
    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="tariefblad_importeren",
        summary="Tarievenblad importeren (of proefrun)",
        request={"multipart/form-data": TariefbladImportSerializer},
        responses={
            200: OpenApiResponse(
                TariefbladResultaatSerializer,
                description="Proefrun zonder fouten: wat een import zou doen.",
            ),
            201: OpenApiResponse(
                TariefbladResultaatSerializer, description="Geïmporteerd en vastgelegd."
            ),
            **probleem(
                400,
                "Het blad bevat fouten (`tariefblad_ongeldig`, er is niets opgeslagen) of het "
                "verzoek is ongeldig (`ongeldige_invoer`, bijvoorbeeld zonder bestand). "
                f"{_IMPORTVELDEN}",
            ),
            **probleem(413, f"Het bestand is groter dan {_GRENS_MB} MB (`bestand_te_groot`)."),
        },
    )
    def post(self, request: Request) -> Response:
        gebruiker = huidige_gebruiker(request)
        invoer = TariefbladImportSerializer(data=request.data)
        invoer.is_valid(raise_exception=True)
        bestand = invoer.validated_data["bestand"]
        dry_run: bool = invoer.validated_data["dry_run"]
        if bestand.size > MAX_BESTAND_BYTES:
            raise BestandTeGroot(
                f"Het bestand is groter dan {_GRENS_MB} MB, de grens voor een "
                "tarievenblad. Splits het blad, bijvoorbeeld per zorgaanbieder."
            )
        resultaat = tarieven_importeren(bestand=bestand.read(), door=gebruiker, dry_run=dry_run)
        geweigerd = next(
            (f for f in resultaat.fouten if f.rij == 0 and f.code == GeenToegang.code), None
        )
        if geweigerd is not None:
            raise GeenToegang(geweigerd.bericht)
        if resultaat.fouten:
            aantal = len(resultaat.fouten)
            raise DomeinFout(
                f"Het tarievenblad bevat {aantal} {'fout' if aantal == 1 else 'fouten'}; "
                "er is niets opgeslagen.",
                code="tariefblad_ongeldig",
                details=_resultaat(resultaat),
            )
        return Response(
            _resultaat(resultaat),
            status=status.HTTP_200_OK if dry_run else status.HTTP_201_CREATED,
        )

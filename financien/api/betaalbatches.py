"""Payment batches over the API, the gemeente's payment account, and the accounts of the
ledger (read-only).

Thin, like the rest of the financien API: the input serializers check the shape, the
services decide (four eyes, status rules, paying once) and refuse with their stable codes.
Reading is scoped to the user's gemeenten (out of scope: 404). Making, approving,
cancelling and reporting a batch paid need the role budgethouder or beoordelaar; the
payment account is kept by a budgethouder or beheerder.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Prefetch, QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from contracten.api.serializers import ZorgaanbiederRefSerializer, bedrag_veld
from financien import betaalbestanden, selectors, services
from financien.api.serializers import BudgetpostRefSerializer
from financien.api.views import FinancienView
from financien.constants import BetaalbatchStatus, Overslaanreden, RekeningSoort
from financien.models import (
    Betaalbatch,
    Betaalbatchbetaling,
    Betaalbatchregel,
    BetaalbatchStatusWijziging,
    Betaalrekening,
    Rekening,
)
from kern.api.bestanden import (
    CSV,
    XLSX,
    XML,
    CsvRenderer,
    XlsxRenderer,
    XmlRenderer,
    bestand_antwoord,
)
from kern.api.permissions import SchrijvenAlleenInkoperOfBeheerder, huidige_gebruiker
from kern.api.schema import probleem
from kern.api.views import ApiView
from kern.constants import Rol
from kern.models import Gemeente


class SchrijvenAlleenBudgethouderOfBeoordelaar(SchrijvenAlleenInkoperOfBeheerder):
    """Reads for every signed-in user (scoped by the selectors); batch writes for budgethouder
    and beoordelaar. The services check the role (and four eyes) again."""

    rollen = (Rol.BUDGETHOUDER, Rol.BEOORDELAAR)
    message = _("U heeft niet de rol die voor deze actie nodig is (budgethouder of beoordelaar).")


#: The file actions offer several renderers; DRF's ``?format=`` switch is left out.
_ZONDER_FORMAT = OpenApiParameter("format", exclude=True)


# --- Serializers ---------------------------------------------------------------------------


def _gebruikersnaam(source: str, hulp: StrOrPromise) -> serializers.CharField:
    return serializers.CharField(
        source=f"{source}.username", read_only=True, allow_null=True, default=None, help_text=hulp
    )


class BetaalrekeningSerializer(serializers.ModelSerializer):
    gemeente: serializers.SlugRelatedField[Gemeente] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, help_text=_("CBS-code van de gemeente (4 cijfers).")
    )

    class Meta:
        model = Betaalrekening
        fields = ["uuid", "gemeente", "naam", "iban", "bic", "gewijzigd_op"]
        read_only_fields = fields


class BetaalrekeningVastleggenSerializer(serializers.Serializer):
    gemeente = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Gemeente.objects.all(),
        help_text=_("CBS-code van de gemeente (4 cijfers)."),
    )
    naam = serializers.CharField(
        max_length=70, help_text=_("Naam van de rekeninghouder zoals de bank die kent.")
    )
    iban = serializers.CharField(max_length=42, help_text=_("IBAN van de rekening."))
    bic = serializers.CharField(
        required=False, allow_blank=True, max_length=14, help_text=_("BIC; leeg mag.")
    )


class OvergeslagenSerializer(serializers.Serializer):
    zorgaanbieder = serializers.UUIDField(help_text=_("uuid van de zorgaanbieder."))
    naam = serializers.CharField(help_text=_("Naam van de zorgaanbieder."))
    saldo = bedrag_veld(help_text=_("Het saldo van zijn open boekingen, in euro."))
    reden = serializers.ChoiceField(
        choices=Overslaanreden.choices, help_text=_("Waarom hij in deze batch niet wordt betaald.")
    )


class BetaalbatchbetalingSerializer(serializers.ModelSerializer):
    zorgaanbieder = ZorgaanbiederRefSerializer(read_only=True, help_text=_("De aanbieder."))
    boeking = serializers.UUIDField(
        source="boeking.uuid",
        read_only=True,
        allow_null=True,
        default=None,
        help_text=_("uuid van de betaling in het grootboek; leeg tot de batch betaald is."),
    )

    class Meta:
        model = Betaalbatchbetaling
        fields = ["zorgaanbieder", "naam", "iban", "bedrag", "eind_tot_eind_id", "boeking"]
        read_only_fields = fields


class BetaalbatchStatusWijzigingSerializer(serializers.ModelSerializer):
    door = _gebruikersnaam("door", _("Gebruikersnaam van wie de status wijzigde."))

    class Meta:
        model = BetaalbatchStatusWijziging
        fields = ["van_status", "naar_status", "reden", "tijdstip", "door"]
        read_only_fields = fields


class BetaalbatchSerializer(serializers.ModelSerializer):
    gemeente: serializers.SlugRelatedField[Gemeente] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, help_text=_("CBS-code van de gemeente.")
    )
    status = serializers.ChoiceField(
        choices=BetaalbatchStatus.choices, read_only=True, help_text=_("Status van de batch.")
    )
    overgeslagen = OvergeslagenSerializer(
        many=True,
        read_only=True,
        help_text=_(
            "Aanbieders met open boekingen die niet in deze batch worden betaald; hun "
            "boekingen blijven open (verrekenen met een volgende batch)."
        ),
    )
    aangemaakt_door = _gebruikersnaam("aangemaakt_door", _("Wie de batch aanmaakte."))
    goedgekeurd_door = _gebruikersnaam("goedgekeurd_door", _("Wie de batch goedkeurde."))
    betaald_door = _gebruikersnaam("betaald_door", _("Wie de betaling meldde."))

    class Meta:
        model = Betaalbatch
        fields = [
            "uuid",
            "gemeente",
            "referentie",
            "status",
            "tot_en_met",
            "uitvoeringsdatum",
            "omschrijving",
            "totaal_bedrag",
            "aantal_betalingen",
            "overgeslagen",
            "debiteur_naam",
            "debiteur_iban",
            "debiteur_bic",
            "aangemaakt_door",
            "aangemaakt_op",
            "goedgekeurd_door",
            "goedgekeurd_op",
            "betaaldatum",
            "betaald_door",
        ]
        read_only_fields = fields


class BetaalbatchDetailSerializer(BetaalbatchSerializer):
    betalingen = BetaalbatchbetalingSerializer(
        many=True, read_only=True, help_text=_("De overboekingen, één per aanbieder.")
    )
    statuswijzigingen = BetaalbatchStatusWijzigingSerializer(
        many=True, read_only=True, help_text=_("De geschiedenis van de status.")
    )

    class Meta(BetaalbatchSerializer.Meta):
        fields = [*BetaalbatchSerializer.Meta.fields, "betalingen", "statuswijzigingen"]
        read_only_fields = fields


class BetaalbatchAanmakenSerializer(serializers.Serializer):
    gemeente = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Gemeente.objects.all(),
        help_text=_("CBS-code van de gemeente die betaalt."),
    )
    uitvoeringsdatum = serializers.DateField(
        help_text=_("Gewenste uitvoeringsdatum van de overboekingen.")
    )
    tot_en_met = serializers.DateField(
        required=False,
        allow_null=True,
        help_text=_("Alleen boekingen met een boekdatum tot en met deze dag; leeg is alle."),
    )
    omschrijving = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text=_("Vrije omschrijving.")
    )


class BetaalbatchAnnulerenSerializer(serializers.Serializer):
    reden = serializers.CharField(max_length=255, help_text=_("Waarom de batch vervalt."))


class BetaaldMeldenSerializer(serializers.Serializer):
    betaaldatum = serializers.DateField(
        help_text=_("De dag waarop de bank de batch betaalde (boekdatum van de betalingen).")
    )


class JournaalSerializer(serializers.Serializer):
    formaat = serializers.ChoiceField(
        choices=[("csv", "csv"), ("xlsx", "xlsx")],
        default="csv",
        help_text=_("`csv` (standaard) of `xlsx`."),
    )


class BetaalbatchregelSerializer(serializers.ModelSerializer):
    boeking = serializers.UUIDField(
        source="boeking.uuid", read_only=True, help_text=_("uuid van de realisatie of creditering.")
    )
    soort = serializers.CharField(
        source="boeking.soort", read_only=True, help_text=_("Realisatie of creditering.")
    )
    boekdatum = serializers.DateField(
        source="boeking.boekdatum", read_only=True, help_text=_("Boekdatum van de boeking.")
    )
    zorgaanbieder = serializers.UUIDField(
        source="betaling.zorgaanbieder.uuid", read_only=True, help_text=_("uuid van de aanbieder.")
    )
    budgetpost = BudgetpostRefSerializer(read_only=True, help_text=_("De budgetpost."))

    class Meta:
        model = Betaalbatchregel
        fields = ["boeking", "soort", "boekdatum", "zorgaanbieder", "budgetpost", "bedrag"]
        read_only_fields = fields


class RekeningSerializer(serializers.ModelSerializer):
    budgetpost = BudgetpostRefSerializer(read_only=True, help_text=_("De budgetpost."))
    soort = serializers.ChoiceField(
        choices=RekeningSoort.choices, read_only=True, help_text=_("Soort rekening.")
    )
    zorgaanbieder = ZorgaanbiederRefSerializer(
        read_only=True, allow_null=True, help_text=_("De aanbieder (bij te betalen en betaald).")
    )

    class Meta:
        model = Rekening
        fields = ["budgetpost", "soort", "zorgaanbieder", "saldo"]
        read_only_fields = fields


# --- Filters -------------------------------------------------------------------------------


class BetaalbatchFilter(django_filters.FilterSet):
    gemeente = django_filters.CharFilter(
        field_name="gemeente__code", help_text=_("CBS-code van de gemeente.")
    )
    status = django_filters.ChoiceFilter(
        choices=BetaalbatchStatus.choices, help_text=_("Status van de batch.")
    )

    class Meta:
        model = Betaalbatch
        fields = ["gemeente", "status"]


class RekeningFilter(django_filters.FilterSet):
    gemeente = django_filters.CharFilter(
        field_name="budgetpost__gemeente__code", help_text=_("CBS-code van de gemeente.")
    )
    budgetpost = django_filters.UUIDFilter(
        field_name="budgetpost__uuid", help_text=_("uuid van de budgetpost.")
    )
    jaar = django_filters.NumberFilter(
        field_name="budgetpost__jaar", help_text=_("Begrotingsjaar.")
    )
    soort = django_filters.ChoiceFilter(
        choices=RekeningSoort.choices, help_text=_("Soort rekening.")
    )
    zorgaanbieder = django_filters.UUIDFilter(
        field_name="zorgaanbieder__uuid", help_text=_("uuid van de zorgaanbieder.")
    )

    class Meta:
        model = Rekening
        fields = ["gemeente", "budgetpost", "jaar", "soort", "zorgaanbieder"]


# --- Views ---------------------------------------------------------------------------------

_GEWEIGERD = {
    **probleem(
        403,
        "Zonder de rol budgethouder of beoordelaar (`geen_toegang`), of goedkeuren van een "
        "batch die u zelf aanmaakte (`vier_ogen`).",
    ),
    **probleem(409, "De batch is al betaald (`batch_al_betaald`)."),
}


def _invoer(serializer_class: type[serializers.Serializer], data: Any) -> dict[str, Any]:
    invoer = serializer_class(data=data)
    invoer.is_valid(raise_exception=True)
    gegevens: dict[str, Any] = invoer.validated_data
    return gegevens


@extend_schema(tags=["betaalbatches"])
@extend_schema_view(
    list=extend_schema(summary="Betaalbatches zoeken"),
    retrieve=extend_schema(summary="Betaalbatch ophalen met zijn betalingen"),
)
class BetaalbatchViewSet(
    ApiView,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Betaalbatch],
):
    """Payment batches: make, approve (four eyes), cancel, report paid, and their files."""

    omschrijving = (
        "Betaalbatches: per gemeente de goedgekeurde, nog niet betaalde realisaties en "
        "crediteringen, per zorgaanbieder verrekend tot één overboeking. Een aanbieder die per "
        "saldo niets tegoed heeft, wordt overgeslagen en verrekend met een volgende batch "
        "(Contractstandaarden art. 3.12). Een tweede persoon keurt de batch goed (`vier_ogen`); "
        "daarna zijn er het SEPA-bestand (pain.001) en het journaal (CSV of Excel), en meldt u "
        "de batch betaald, wat de betalingen boekt. Schrijven vraagt de rol budgethouder of "
        "beoordelaar."
    )
    permission_classes = [IsAuthenticated, SchrijvenAlleenBudgethouderOfBeoordelaar]
    queryset = Betaalbatch.objects.none()
    serializer_class = BetaalbatchSerializer
    lookup_field = "uuid"
    filterset_class = BetaalbatchFilter
    ordering_fields = ["aangemaakt_op", "uitvoeringsdatum", "totaal_bedrag"]

    def get_queryset(self) -> QuerySet[Betaalbatch]:
        return selectors.betaalbatches_zichtbaar(
            gebruiker=huidige_gebruiker(self.request)
        ).order_by("-aangemaakt_op", "-id")

    def get_object(self) -> Betaalbatch:
        return selectors.betaalbatch_ophalen(
            gebruiker=huidige_gebruiker(self.request), uuid=self.kwargs["uuid"]
        )

    def _detail(self, batch: Betaalbatch, status_code: int = status.HTTP_200_OK) -> Response:
        batch = (
            selectors.betaalbatches_zichtbaar(gebruiker=huidige_gebruiker(self.request))
            .prefetch_related(
                Prefetch(
                    "betalingen",
                    queryset=Betaalbatchbetaling.objects.select_related(
                        "zorgaanbieder", "boeking"
                    ).order_by("eind_tot_eind_id"),
                ),
                Prefetch(
                    "statuswijzigingen",
                    queryset=BetaalbatchStatusWijziging.objects.select_related("door").order_by(
                        "tijdstip", "id"
                    ),
                ),
            )
            .get(pk=batch.pk)
        )
        return Response(BetaalbatchDetailSerializer(batch).data, status=status_code)

    @extend_schema(responses={200: BetaalbatchDetailSerializer})
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._detail(self.get_object())

    @extend_schema(
        summary="Betaalbatch aanmaken",
        description=(
            "Verzamelt voor de gemeente alle realisaties en crediteringen die nog in geen "
            "batch zitten (met `tot_en_met` alleen die tot en met die boekdatum). Een "
            "creditering gaat pas mee als haar realisatie betaald is of in dezelfde batch "
            "zit. Geweigerd zonder betaalrekening (`geen_betaalrekening`) of als er niets te "
            "betalen is (`niets_te_betalen`)."
        ),
        request=BetaalbatchAanmakenSerializer,
        responses={201: BetaalbatchDetailSerializer},
    )
    def create(self, request: Request) -> Response:
        data = _invoer(BetaalbatchAanmakenSerializer, request.data)
        batch = services.betaalbatch_aanmaken(door=huidige_gebruiker(request), **data)
        return self._detail(batch, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Betaalbatch goedkeuren (vier ogen)",
        description="Door een ander dan wie de batch aanmaakte (`vier_ogen`).",
        request=None,
        responses={200: BetaalbatchDetailSerializer, **_GEWEIGERD},
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def goedkeuren(self, request: Request, uuid: str) -> Response:
        batch = services.betaalbatch_goedkeuren(
            door=huidige_gebruiker(request), batch=self.get_object()
        )
        return self._detail(batch)

    @extend_schema(
        summary="Betaalbatch annuleren",
        description="Alleen voor betaling; de boekingen zijn daarna vrij voor een nieuwe batch.",
        request=BetaalbatchAnnulerenSerializer,
        responses={200: BetaalbatchDetailSerializer, **_GEWEIGERD},
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def annuleren(self, request: Request, uuid: str) -> Response:
        batch = self.get_object()
        data = _invoer(BetaalbatchAnnulerenSerializer, request.data)
        batch = services.betaalbatch_annuleren(door=huidige_gebruiker(request), batch=batch, **data)
        return self._detail(batch)

    @extend_schema(
        summary="Betaalbatch betaald melden",
        description=(
            "Boekt per aanbieder de betaling (te betalen -> betaald) op de betaaldatum, niet "
            "eerder dan de laatste boeking in de batch (`betaaldatum_te_vroeg`). Een batch wordt "
            "één keer betaald (`batch_al_betaald`); eerst goedkeuren (`batch_niet_goedgekeurd`)."
        ),
        request=BetaaldMeldenSerializer,
        responses={200: BetaalbatchDetailSerializer, **_GEWEIGERD},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="betaald-melden",
        filter_backends=[],
        pagination_class=None,
    )
    def betaald_melden(self, request: Request, uuid: str) -> Response:
        batch = self.get_object()
        data = _invoer(BetaaldMeldenSerializer, request.data)
        batch = services.betaalbatch_betaald_melden(
            door=huidige_gebruiker(request), batch=batch, **data
        )
        return self._detail(batch)

    @extend_schema(
        summary="Regels van een betaalbatch",
        responses={200: BetaalbatchregelSerializer(many=True)},
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def regels(self, request: Request, uuid: str) -> Response:
        qs: QuerySet[Any] = selectors.betaalbatchregels_van(batch=self.get_object())
        pagina = self.paginate_queryset(qs)
        assert pagina is not None
        return self.get_paginated_response(BetaalbatchregelSerializer(pagina, many=True).data)

    @extend_schema(
        summary="SEPA-betaalbestand (pain.001.001.03)",
        parameters=[_ZONDER_FORMAT],
        responses={
            (200, XML): OpenApiResponse(
                OpenApiTypes.BINARY,
                description="Het pain.001-bestand, gecontroleerd tegen het XML-schema.",
            ),
            **probleem(400, "De batch is niet goedgekeurd (`batch_niet_goedgekeurd`)."),
        },
    )
    @action(
        detail=True,
        methods=["get"],
        filter_backends=[],
        pagination_class=None,
        renderer_classes=[JSONRenderer, XmlRenderer],
    )
    def pain001(self, request: Request, uuid: str) -> HttpResponse:
        batch = self.get_object()
        return bestand_antwoord(betaalbestanden.pain001(batch), XML, f"{batch.referentie}.xml")

    @extend_schema(
        summary="Journaal voor de financiële administratie (CSV of Excel)",
        parameters=[_ZONDER_FORMAT, JournaalSerializer],
        responses={
            (200, CSV): OpenApiResponse(
                OpenApiTypes.BINARY,
                description="Het journaal als CSV (standaard) of Excel (`formaat=xlsx`).",
            ),
            (200, XLSX): OpenApiResponse(
                OpenApiTypes.BINARY,
                description="Het journaal als CSV (standaard) of Excel (`formaat=xlsx`).",
            ),
            **probleem(400, "Onbekend `formaat` (`ongeldige_invoer`)."),
        },
    )
    @action(
        detail=True,
        methods=["get"],
        filter_backends=[],
        pagination_class=None,
        renderer_classes=[JSONRenderer, CsvRenderer, XlsxRenderer],
    )
    def journaal(self, request: Request, uuid: str) -> HttpResponse:
        batch = self.get_object()
        formaat = _invoer(JournaalSerializer, request.query_params)["formaat"]
        naam = f"{batch.referentie}-journaal.{formaat}"
        if formaat == "xlsx":
            return bestand_antwoord(betaalbestanden.journaal_xlsx(batch), XLSX, naam)
        return bestand_antwoord(betaalbestanden.journaal_csv(batch), f"{CSV}; charset=utf-8", naam)


@extend_schema(tags=["betaalbatches"])
@extend_schema_view(list=extend_schema(summary="Betaalrekeningen van gemeenten"))
class BetaalrekeningViewSet(
    FinancienView, mixins.ListModelMixin, viewsets.GenericViewSet[Betaalrekening]
):
    """The account each gemeente pays its providers from."""

    omschrijving = (
        "De rekening waarvan een gemeente haar zorgaanbieders betaalt (de debiteur in het "
        "SEPA-bestand). Vastleggen vraagt de rol budgethouder of beheerder; een batch houdt de "
        "rekening waarmee hij is aangemaakt."
    )
    queryset = Betaalrekening.objects.none()
    serializer_class = BetaalrekeningSerializer
    ordering_fields = ["gemeente__code"]

    def get_queryset(self) -> QuerySet[Betaalrekening]:
        return selectors.betaalrekeningen_zichtbaar(
            gebruiker=huidige_gebruiker(self.request)
        ).order_by("gemeente__code")

    @extend_schema(
        summary="Betaalrekening vastleggen (vervangt de bestaande)",
        request=BetaalrekeningVastleggenSerializer,
        responses={200: BetaalrekeningSerializer},
    )
    def create(self, request: Request) -> Response:
        data = _invoer(BetaalrekeningVastleggenSerializer, request.data)
        rekening = services.betaalrekening_vastleggen(door=huidige_gebruiker(request), **data)
        return Response(BetaalrekeningSerializer(rekening).data)


@extend_schema(tags=["grootboek"])
@extend_schema_view(list=extend_schema(summary="Rekeningen met hun saldo"))
class RekeningViewSet(FinancienView, mixins.ListModelMixin, viewsets.GenericViewSet[Rekening]):
    """The accounts of the ledger with their balance (read-only)."""

    omschrijving = (
        "De rekeningen van het grootboek met hun saldo: per budgetpost begroting, beschikbaar "
        "en gereserveerd, en per zorgaanbieder te betalen en betaald. Een negatief saldo te "
        "betalen is wat een aanbieder na een creditering terug moet betalen; de volgende "
        "betaalbatch verrekent het. Alleen lezen."
    )
    queryset = Rekening.objects.none()
    serializer_class = RekeningSerializer
    filterset_class = RekeningFilter
    ordering_fields = ["saldo"]

    def get_queryset(self) -> QuerySet[Rekening]:
        return selectors.rekeningen_zichtbaar(gebruiker=huidige_gebruiker(self.request)).order_by(
            "budgetpost_id", "soort", "zorgaanbieder_id", "id"
        )

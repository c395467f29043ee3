"""Budget alerts, their thresholds, the forecast of a budget post, the obligations on a
balance date and the roll-over of open reservations, over the API.

Thin, like the rest of the financien API: input serializers check the shape, selectors read
(scoped to the user's gemeenten; out of scope is 404) and services write. Reading is for
every municipal user in scope; acknowledging an alert, setting thresholds and rolling over
need the role budgethouder or beheerder.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from contracten.api.serializers import (
    ZichtbaarSlugField,
    ZorgaanbiederRefSerializer,
    bedrag_veld,
)
from financien import selectors, services
from financien.api.serializers import BudgetpostRefSerializer, PeildatumSerializer
from financien.api.views import FinancienView
from financien.constants import BronType, MailStatus, SignaleringSoort
from financien.models import Budgetpost, Signalering, Signaleringsdrempel
from financien.models.signalering import DREMPEL_MAX, DREMPEL_MIN
from financien.prognose import TREND_MAANDEN, Prognoseberekening
from financien.services.signaleringen import DREMPELS_MAX_AANTAL, TOELICHTING_MAX
from kern.api.permissions import huidige_gebruiker
from kern.api.schema import probleem
from kern.models import Gemeente


def _gemeente_veld(**kwargs: Any) -> serializers.SlugRelatedField[Gemeente]:
    return serializers.SlugRelatedField(
        slug_field="code", help_text=_("CBS-code van de gemeente (4 cijfers)."), **kwargs
    )


# --- Serializers ------------------------------------------------------------------------------


class SignaleringSerializer(serializers.ModelSerializer):
    gemeente: serializers.SlugRelatedField[Gemeente] = _gemeente_veld(read_only=True)
    soort = serializers.ChoiceField(
        choices=SignaleringSoort.choices, read_only=True, help_text=_("Waarop de signalering let.")
    )
    budgetpost = BudgetpostRefSerializer(
        read_only=True, allow_null=True, help_text=_("De budgetpost (budgetpost, prognose).")
    )
    zorgaanbieder = ZorgaanbiederRefSerializer(
        read_only=True,
        allow_null=True,
        help_text=_("De aanbieder (toewijzing, bestedingsruimte)."),
    )
    bestedingsruimte = serializers.UUIDField(
        source="bestedingsruimte.uuid",
        read_only=True,
        allow_null=True,
        default=None,
        help_text=_("uuid van de bestedingsruimte (soort bestedingsruimte)."),
    )
    bron_type = serializers.ChoiceField(
        choices=BronType.choices,
        allow_blank=True,
        read_only=True,
        help_text=_("Bij soort toewijzing: het brontype; anders leeg."),
    )
    cijfers = serializers.DictField(
        child=serializers.CharField(),
        read_only=True,
        help_text=_("Alle cijfers die tot de signalering leidden; bedragen als tekst in euro."),
    )
    lopend = serializers.BooleanField(
        read_only=True,
        help_text=_(
            "Waar zolang de overschrijding loopt: tot de waarde duidelijk onder de drempel zakt."
        ),
    )
    mail_status = serializers.ChoiceField(
        choices=MailStatus.choices,
        read_only=True,
        help_text=_("Wat er van de e-mail aan de budgethouders werd."),
    )
    bevestigd = serializers.BooleanField(read_only=True, help_text=_("Waar als bevestigd."))
    bevestigd_door = serializers.CharField(
        source="bevestigd_door.username",
        read_only=True,
        allow_null=True,
        default=None,
        help_text=_("Gebruikersnaam van wie bevestigde."),
    )

    class Meta:
        model = Signalering
        fields = [
            "uuid",
            "gemeente",
            "jaar",
            "soort",
            "drempel",
            "omschrijving",
            "norm_bedrag",
            "waarde_bedrag",
            "percentage",
            "cijfers",
            "budgetpost",
            "zorgaanbieder",
            "bestedingsruimte",
            "bron_type",
            "bron_id",
            "gesignaleerd_op",
            "lopend",
            "beeindigd_op",
            "bevestigd",
            "bevestigd_op",
            "bevestigd_door",
            "bevestiging_toelichting",
            "mail_status",
            "gemaild_op",
        ]
        read_only_fields = fields


class SignaleringBevestigenSerializer(serializers.Serializer):
    toelichting = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=TOELICHTING_MAX,
        help_text=_("Wat de budgethouder bij het bevestigen noteert (bijvoorbeeld de actie)."),
    )


class SignaleringsdrempelSerializer(serializers.ModelSerializer):
    gemeente: serializers.SlugRelatedField[Gemeente] = _gemeente_veld(read_only=True)
    soort = serializers.ChoiceField(
        choices=SignaleringSoort.choices, read_only=True, help_text=_("Waarop de drempels letten.")
    )
    budgetpost = serializers.UUIDField(
        source="budgetpost.uuid",
        read_only=True,
        allow_null=True,
        default=None,
        help_text=_("uuid van de budgetpost; leeg: alle budgetposten van de gemeente."),
    )
    percentages = serializers.ListField(
        child=serializers.IntegerField(),
        read_only=True,
        help_text=_("De drempels in procenten, oplopend; leeg: deze signalering staat uit."),
    )

    class Meta:
        model = Signaleringsdrempel
        fields = ["uuid", "gemeente", "soort", "budgetpost", "percentages", "bijgewerkt_op"]
        read_only_fields = fields


class SignaleringsdrempelVastleggenSerializer(serializers.Serializer):
    gemeente = _gemeente_veld(queryset=Gemeente.objects.all())
    soort = serializers.ChoiceField(
        choices=SignaleringSoort.choices, help_text=_("Waarop de drempels letten.")
    )
    budgetpost = ZichtbaarSlugField(
        slug_field="uuid",
        queryset=Budgetpost.objects.all(),
        zichtbaar=selectors.budgetposten_zichtbaar,
        required=False,
        allow_null=True,
        help_text=_(
            "uuid van één budgetpost (soorten budgetpost en prognose); leeg: de hele gemeente."
        ),
    )
    percentages = serializers.ListField(
        child=serializers.IntegerField(min_value=DREMPEL_MIN, max_value=DREMPEL_MAX),
        allow_empty=True,
        max_length=DREMPELS_MAX_AANTAL,
        help_text=_(
            "De drempels in procenten van de norm, bijvoorbeeld [80, 90, 100]; een lege lijst "
            "zet deze signalering uit."
        ),
    )


class InstroommaandSerializer(serializers.Serializer):
    maand = serializers.CharField(source="label", help_text=_("Maand (jjjj-mm)."))
    bedrag = bedrag_veld(help_text=_("Nieuwe reserveringen in die maand, in euro."))


class PrognoseSerializer(serializers.Serializer):
    budgetpost = serializers.SerializerMethodField(help_text=_("De budgetpost."))
    peildatum = serializers.DateField(help_text=_("De dag waarvandaan de prognose kijkt."))
    budget = bedrag_veld(help_text=_("Het budget in euro."))
    gerealiseerd = bedrag_veld(help_text=_("Gerealiseerd tot en met de peildatum, in euro."))
    verwacht_uit_reserveringen = bedrag_veld(
        help_text=_(
            "Wat de open reserveringen na de peildatum in dit jaar nog verwacht kosten: per "
            "reservering pro rata naar dagen van haar periode, nooit meer dan wat open staat."
        )
    )
    trend = bedrag_veld(
        help_text=_(
            "Verwachte kosten van opdrachten die nog niet verstrekt zijn: gemiddelde nieuwe "
            "reserveringen per maand maal de resterende maanden."
        )
    )
    totaal = bedrag_veld(help_text=_("Gerealiseerd + verwacht uit reserveringen + trend."))
    verschil = bedrag_veld(
        help_text=_("Budget min totaal: positief is ruimte, negatief een verwachte overschrijding.")
    )
    open_reserveringen = bedrag_veld(
        help_text=_("Wat op de peildatum nog open staat op de reserveringen, in euro.")
    )
    aantal_open_reserveringen = serializers.IntegerField(
        help_text=_("Aantal reserveringen dat op de peildatum open staat.")
    )
    instroom = InstroommaandSerializer(
        many=True, help_text=_("Nieuwe reserveringen per volle maand waarover de trend middelt.")
    )
    gemiddelde_instroom = bedrag_veld(help_text=_("Gemiddelde van die maanden, in euro."))
    resterende_maanden = serializers.DecimalField(
        max_digits=7,
        decimal_places=4,
        help_text=_(
            "Maanden van het jaar na de peildatum (de rest van de lopende maand naar dagen)."
        ),
    )
    trend_maanden = serializers.SerializerMethodField(
        help_text=_("Over hoeveel volle maanden de trend middelt.")
    )
    methode = serializers.CharField(help_text=_("De berekening in woorden, met deze cijfers."))

    def get_budgetpost(self, obj: Prognoseberekening) -> dict[str, Any]:
        return dict(BudgetpostRefSerializer(self.context["budgetpost"]).data)

    def get_trend_maanden(self, obj: Prognoseberekening) -> int:
        return TREND_MAANDEN


class VerplichtingenVraagSerializer(serializers.Serializer):
    gemeente = _gemeente_veld(queryset=Gemeente.objects.all())
    peildatum = serializers.DateField(
        help_text=_("De balansdatum, bijvoorbeeld 2026-12-31 (boekdatum tot en met).")
    )
    jaar = serializers.IntegerField(
        required=False,
        min_value=2015,
        max_value=2100,
        help_text=_("Alleen de budgetposten van dit begrotingsjaar; leeg: alle jaren."),
    )


class VerplichtingregelSerializer(serializers.Serializer):
    budgetpost = BudgetpostRefSerializer(help_text=_("De budgetpost."))
    zorgaanbieder = ZorgaanbiederRefSerializer(help_text=_("De aanbieder."))
    aantal = serializers.IntegerField(help_text=_("Aantal open reserveringen."))
    open_bedrag = bedrag_veld(help_text=_("Wat daarop op de peildatum open stond, in euro."))


class VerplichtingenSerializer(serializers.Serializer):
    gemeente = serializers.CharField(
        source="gemeente.code", help_text=_("CBS-code van de gemeente (4 cijfers).")
    )
    peildatum = serializers.DateField(help_text=_("De balansdatum."))
    jaar = serializers.IntegerField(
        allow_null=True, help_text=_("Het begrotingsjaar waartoe beperkt is; leeg: alle jaren.")
    )
    aantal = serializers.IntegerField(help_text=_("Aantal open reserveringen."))
    totaal = bedrag_veld(help_text=_("Het totaal van de verplichtingen, in euro."))
    regels = VerplichtingregelSerializer(
        many=True, help_text=_("Per budgetpost en aanbieder (nooit per cliënt).")
    )


class DoorrollenSerializer(serializers.Serializer):
    gemeente = _gemeente_veld(queryset=Gemeente.objects.all())
    jaar = serializers.IntegerField(
        min_value=2015,
        max_value=2099,
        help_text=_("Het jaar waarvan de open reserveringen naar het volgende jaar gaan."),
    )
    boekdatum = serializers.DateField(
        required=False, help_text=_("Boekdatum van het doorrollen; leeg is 1 januari erna.")
    )


class DoorrollingSerializer(serializers.Serializer):
    van = serializers.UUIDField(source="van.uuid", help_text=_("De reservering van het oude jaar."))
    naar = serializers.UUIDField(
        source="naar.uuid", help_text=_("De nieuwe reservering in het volgende jaar.")
    )
    bron_id = serializers.CharField(source="van.bron_id", help_text=_("Kenmerk van de bron."))
    bedrag = bedrag_veld(help_text=_("Het doorgerolde bedrag in euro."))


class NietDoorgeroldSerializer(serializers.Serializer):
    reservering = serializers.UUIDField(
        source="reservering.uuid", help_text=_("De reservering die bleef staan.")
    )
    code = serializers.CharField(help_text=_("Waarom (geen_budgetpost, al_gereserveerd, ...)."))
    reden = serializers.CharField(help_text=_("De reden in woorden."))


class DoorrolverslagSerializer(serializers.Serializer):
    gemeente = serializers.CharField(
        source="gemeente.code", help_text=_("CBS-code van de gemeente (4 cijfers).")
    )
    van_jaar = serializers.IntegerField(help_text=_("Het oude jaar."))
    naar_jaar = serializers.IntegerField(help_text=_("Het nieuwe jaar."))
    totaal = bedrag_veld(help_text=_("Totaal dat deze keer is doorgerold, in euro."))
    doorgerold = DoorrollingSerializer(many=True, help_text=_("Wat deze keer is doorgerold."))
    niet_doorgerold = NietDoorgeroldSerializer(
        many=True, help_text=_("Reserveringen die doorlopen maar bleven staan, met de reden.")
    )
    eerder_doorgerold = serializers.IntegerField(
        help_text=_("Reserveringen van het oude jaar die (ook eerder) zijn doorgerold.")
    )


# --- Filters ----------------------------------------------------------------------------------


class SignaleringFilter(django_filters.FilterSet):
    gemeente = django_filters.CharFilter(
        field_name="gemeente__code", help_text=_("CBS-code van de gemeente (4 cijfers).")
    )
    jaar = django_filters.NumberFilter(help_text=_("Begrotingsjaar."))
    soort = django_filters.ChoiceFilter(
        choices=SignaleringSoort.choices, help_text=_("Soort signalering.")
    )
    bevestigd = django_filters.BooleanFilter(
        field_name="bevestigd_op",
        lookup_expr="isnull",
        exclude=True,
        help_text=_("Alleen bevestigde (true) of onbevestigde (false)."),
    )
    lopend = django_filters.BooleanFilter(
        field_name="beeindigd_op",
        lookup_expr="isnull",
        help_text=_("Alleen lopende (true) of beëindigde (false) overschrijdingen."),
    )
    budgetpost = django_filters.UUIDFilter(
        field_name="budgetpost__uuid", help_text=_("uuid van de budgetpost.")
    )

    class Meta:
        model = Signalering
        fields = ["gemeente", "jaar", "soort", "bevestigd", "lopend", "budgetpost"]


class SignaleringsdrempelFilter(django_filters.FilterSet):
    gemeente = django_filters.CharFilter(
        field_name="gemeente__code", help_text=_("CBS-code van de gemeente (4 cijfers).")
    )
    soort = django_filters.ChoiceFilter(
        choices=SignaleringSoort.choices, help_text=_("Soort signalering.")
    )

    class Meta:
        model = Signaleringsdrempel
        fields = ["gemeente", "soort"]


def _invoer(serializer_class: type[Any], data: Any, view: Any) -> dict[str, Any]:
    invoer = serializer_class(data=data, context=view.get_serializer_context())
    invoer.is_valid(raise_exception=True)
    result: dict[str, Any] = invoer.validated_data
    return result


# --- Views ------------------------------------------------------------------------------------


@extend_schema(tags=["signaleringen"])
@extend_schema_view(
    list=extend_schema(summary="Signaleringen zoeken"),
    retrieve=extend_schema(summary="Signalering ophalen met haar cijfers"),
)
class SignaleringViewSet(
    FinancienView,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Signalering],
):
    """Alerts: thresholds crossed by a budget post, its forecast, a toewijzing or a
    provider's bestedingsruimte."""

    omschrijving = (
        "Signaleringen van de budgetbewaking: een budgetpost waarvan gereserveerd plus "
        "gerealiseerd een drempel van het budget bereikt (standaard 80, 90 en 100%), een "
        "prognose voor het jaareinde boven het budget, een toewijzing waarvan 80% van het "
        "gereserveerde bedrag gerealiseerd is, en een aanbieder die zijn bestedingsruimte "
        "nadert. Eén signalering per overschrijding, met de cijfers die haar veroorzaakten; "
        "zakt de waarde duidelijk onder de drempel (standaard 2 procentpunt eronder), dan is "
        "de overschrijding beëindigd en is een volgende een nieuwe signalering; een waarde die "
        "rond de drempel schommelt, geeft dus één signalering. Bevestigen vraagt de rol budgethouder of beheerder."
    )

    queryset = Signalering.objects.none()
    serializer_class = SignaleringSerializer
    lookup_field = "uuid"
    filterset_class = SignaleringFilter
    ordering_fields = ["gesignaleerd_op", "jaar", "drempel", "percentage"]

    def get_queryset(self) -> QuerySet[Signalering]:
        return selectors.signaleringen_zichtbaar(
            gebruiker=huidige_gebruiker(self.request)
        ).order_by("-gesignaleerd_op", "-id")

    def get_object(self) -> Signalering:
        return selectors.signalering_ophalen(
            gebruiker=huidige_gebruiker(self.request), uuid=self.kwargs["uuid"]
        )

    @extend_schema(
        summary="Signalering bevestigen",
        request=SignaleringBevestigenSerializer,
        responses={
            200: SignaleringSerializer,
            **probleem(409, "De signalering is al bevestigd (`signalering_al_bevestigd`)."),
        },
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def bevestigen(self, request: Request, uuid: str) -> Response:
        signalering = self.get_object()
        data = _invoer(SignaleringBevestigenSerializer, request.data, self)
        services.signalering_bevestigen(
            door=huidige_gebruiker(request),
            signalering=signalering,
            toelichting=data.get("toelichting", ""),
        )
        return Response(SignaleringSerializer(self.get_object()).data)


@extend_schema(tags=["signaleringen"])
@extend_schema_view(list=extend_schema(summary="Drempels van signaleringen"))
class SignaleringsdrempelViewSet(
    FinancienView,
    mixins.ListModelMixin,
    viewsets.GenericViewSet[Signaleringsdrempel],
):
    """The thresholds a gemeente set (without any: 80/90/100, prognose 100, toewijzing 80)."""

    omschrijving = (
        "De drempels van de signaleringen per gemeente, of per budgetpost voor de soorten "
        "budgetpost en prognose. Zonder eigen drempels gelden de standaarden: budgetpost en "
        "bestedingsruimte 80, 90 en 100%, prognose 100%, toewijzing 80%. Een lege lijst zet "
        "een soort uit. Vastleggen vraagt de rol budgethouder of beheerder."
    )

    queryset = Signaleringsdrempel.objects.none()
    serializer_class = SignaleringsdrempelSerializer
    filterset_class = SignaleringsdrempelFilter
    ordering_fields = ["soort"]

    def get_queryset(self) -> QuerySet[Signaleringsdrempel]:
        return selectors.signaleringsdrempels_zichtbaar(
            gebruiker=huidige_gebruiker(self.request)
        ).order_by("gemeente__code", "soort", "budgetpost_id", "id")

    @extend_schema(
        summary="Drempels vastleggen (vervangt die op hetzelfde niveau)",
        request=SignaleringsdrempelVastleggenSerializer,
        responses={200: SignaleringsdrempelSerializer},
    )
    def create(self, request: Request) -> Response:
        data = _invoer(SignaleringsdrempelVastleggenSerializer, request.data, self)
        drempel = services.signaleringsdrempels_vastleggen(door=huidige_gebruiker(request), **data)
        return Response(SignaleringsdrempelSerializer(drempel).data)


class _EnkeleView(FinancienView):
    """A view of one operation that is not a model's list or detail."""

    def get_serializer_context(self) -> dict[str, Any]:
        return {"request": self.request, "view": self}


@extend_schema(tags=["budgetten"])
class PrognoseView(_EnkeleView):
    """The year-end forecast of one budget post with its parts."""

    omschrijving = (
        "De prognose voor het jaareinde van een budgetpost: gerealiseerd tot de peildatum, "
        "plus wat de open reserveringen daarna in dit jaar nog verwacht kosten (pro rata naar "
        "dagen van hun periode, nooit meer dan wat open staat), plus een trend voor opdrachten "
        "die nog niet verstrekt zijn (gemiddelde nieuwe reserveringen per maand over de laatste "
        "drie volle maanden, maal de resterende maanden). Elk deel staat apart, met de methode "
        "in woorden. Zonder `peildatum`: alles wat tot nu is geboekt, gezien vanaf vandaag."
    )

    @extend_schema(
        operation_id="budgetposten_prognose",
        summary="Prognose voor het jaareinde",
        parameters=[
            OpenApiParameter(
                "uuid", OpenApiTypes.UUID, OpenApiParameter.PATH, description="De budgetpost."
            ),
            PeildatumSerializer,
        ],
        responses={200: PrognoseSerializer},
    )
    def get(self, request: Request, uuid: str) -> Response:
        vraag = PeildatumSerializer(data=request.query_params)
        vraag.is_valid(raise_exception=True)
        budgetpost = selectors.budgetpost_ophalen(gebruiker=huidige_gebruiker(request), uuid=uuid)
        prognose = selectors.prognose(
            budgetpost=budgetpost, peildatum=vraag.validated_data.get("peildatum")
        )
        return Response(PrognoseSerializer(prognose, context={"budgetpost": budgetpost}).data)


@extend_schema(tags=["budgetten"])
class VerplichtingenView(_EnkeleView):
    """The obligations of a gemeente on a balance date."""

    omschrijving = (
        "De verplichtingen van een gemeente op een balansdatum (bijvoorbeeld 31 december): "
        "elke reservering die op die dag open stond, met het bedrag dat toen open stond, "
        "opgeteld per budgetpost en aanbieder. Met `jaar` alleen de budgetposten van dat "
        "begrotingsjaar."
    )

    @extend_schema(
        operation_id="verplichtingen",
        summary="Verplichtingen op een balansdatum",
        parameters=[VerplichtingenVraagSerializer],
        responses={200: VerplichtingenSerializer},
    )
    def get(self, request: Request) -> Response:
        vraag = VerplichtingenVraagSerializer(data=request.query_params)
        vraag.is_valid(raise_exception=True)
        uitkomst = selectors.verplichtingen(
            gebruiker=huidige_gebruiker(request), **vraag.validated_data
        )
        return Response(VerplichtingenSerializer(uitkomst).data)


@extend_schema(tags=["budgetten"])
class DoorrollenView(_EnkeleView):
    """Carry open reservations running into the next year over to it."""

    omschrijving = (
        "Rolt de open reserveringen van een jaar waarvan de periode in het volgende jaar "
        "doorloopt door: het deel voor de dagen na 31 december wordt een reservering op de "
        "overeenkomende budgetpost van het volgende jaar, de oude reservering wordt met dat "
        "deel verlaagd en blijft open voor late declaraties. Een tweede keer boekt niets. "
        "Vraagt de rol budgethouder of beheerder."
    )

    @extend_schema(
        operation_id="begrotingsjaren_doorrollen",
        summary="Open reserveringen doorrollen naar het volgende jaar",
        request=DoorrollenSerializer,
        responses={200: DoorrolverslagSerializer},
    )
    def post(self, request: Request) -> Response:
        data = _invoer(DoorrollenSerializer, request.data, self)
        verslag = services.reserveringen_doorrollen(
            door=huidige_gebruiker(request),
            gemeente=data["gemeente"],
            van_jaar=data["jaar"],
            boekdatum=data.get("boekdatum"),
        )
        return Response(DoorrolverslagSerializer(verslag).data, status=status.HTTP_200_OK)

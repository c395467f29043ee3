"""Serializers of the inkoop API.

Output serializers (``<Object>Serializer``) show an object with its ``uuid`` and small nested
references (shared with the contracten API); input serializers (``<Object><Verb>Serializer``)
only check the shape of a request, the services decide the rest. Money is a decimal string
with ``valuta`` ``"EUR"``.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from contracten.api.serializers import (
    ContractRefSerializer,
    ProductRefSerializer,
    ZichtbaarSlugField,
    ZorgaanbiederRefSerializer,
    bedrag_veld,
    valuta_veld,
)
from contracten.constants import Eenheid
from contracten.models import Product, Tariefperiode
from inkoop.constants import (
    MAX_PLAATSEN,
    MAX_WACHTTIJD_DAGEN,
    Besluit,
    ClientstopBesluit,
    ClientstopStatus,
    InschrijvingStatus,
    Procedure,
    Sortering,
    Tariefsoort,
    TrajectStatus,
)
from inkoop.models import (
    Capaciteitsmelding,
    Clientstop,
    ClientstopStatusWijziging,
    Inkooptraject,
    InkooptrajectStatusWijziging,
    Inschrijving,
    InschrijvingTarief,
    Perceel,
    PerceelProduct,
)
from inkoop.selectors import inkooptrajecten_zichtbaar, percelen_zichtbaar
from kern.constants import Wet
from kern.models import Gemeente


def _gemeenten_veld(**kwargs: Any) -> Any:
    # SlugRelatedField(many=True) is a ManyRelatedField at runtime; the stubs cannot say so.
    return serializers.SlugRelatedField(
        many=True,
        slug_field="code",
        queryset=Gemeente.objects.all(),
        help_text=_("CBS-codes van de gemeenten die samen inkopen."),
        **kwargs,
    )


def _gemeente_code(help_text: Any) -> serializers.SlugRelatedField[Gemeente]:
    return serializers.SlugRelatedField(slug_field="code", read_only=True, help_text=help_text)


def _gebruikersnaam(source: str, help_text: Any) -> serializers.CharField:
    return serializers.CharField(
        source=source, read_only=True, allow_null=True, help_text=help_text
    )


# --- References ----------------------------------------------------------------------------


class InkooptrajectRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Inkooptraject
        fields = ["uuid", "code", "naam"]
        read_only_fields = fields


class PerceelRefSerializer(serializers.ModelSerializer):
    traject = InkooptrajectRefSerializer(read_only=True, help_text=_("Het traject."))

    class Meta:
        model = Perceel
        fields = ["uuid", "naam", "traject"]
        read_only_fields = fields


# --- Inkooptrajecten -----------------------------------------------------------------------


class PerceelKortSerializer(serializers.ModelSerializer):
    class Meta:
        model = Perceel
        fields = ["uuid", "naam"]
        read_only_fields = fields


class InkooptrajectSerializer(serializers.ModelSerializer):
    gemeenten: serializers.SlugRelatedField[Gemeente] = serializers.SlugRelatedField(
        many=True,
        read_only=True,
        slug_field="code",
        help_text=_("CBS-codes van de gemeenten die samen inkopen."),
    )
    # Plain strings where an enum of the same field name is already published elsewhere.
    status = serializers.ChoiceField(
        choices=TrajectStatus.choices, read_only=True, help_text=_("Status van het traject.")
    )
    percelen = PerceelKortSerializer(
        many=True, read_only=True, help_text=_("De percelen van het traject.")
    )

    class Meta:
        model = Inkooptraject
        fields = [
            "uuid",
            "code",
            "naam",
            "omschrijving",
            "procedure",
            "wet",
            "gemeenten",
            "publicatiedatum",
            "sluitingsdatum_inschrijving",
            "looptijd_begin",
            "looptijd_eind",
            "status",
            "percelen",
        ]
        read_only_fields = fields


class InkooptrajectAanmakenSerializer(serializers.Serializer):
    code = serializers.CharField(
        max_length=31,
        help_text=_("Unieke code, bijvoorbeeld OH-WMO-2026; contracten heten <code>-<AGB-code>."),
    )
    naam = serializers.CharField(max_length=200, help_text=_("Naam van het traject."))
    omschrijving = serializers.CharField(
        required=False, allow_blank=True, help_text=_("Toelichting op het traject.")
    )
    procedure = serializers.ChoiceField(choices=Procedure.choices, help_text=_("Soort procedure."))
    wet = serializers.ChoiceField(choices=Wet.choices, help_text=_("Wmo of Jeugdwet."))
    gemeenten = _gemeenten_veld()
    looptijd_begin = serializers.DateField(help_text=_("Eerste dag van de contracten."))
    looptijd_eind = serializers.DateField(help_text=_("Laatste dag van de contracten."))
    sluitingsdatum_inschrijving = serializers.DateField(
        required=False,
        allow_null=True,
        help_text=_("Laatste dag om in te schrijven; verplicht bij een aanbesteding."),
    )


class InkooptrajectWijzigenSerializer(serializers.Serializer):
    naam = serializers.CharField(
        required=False, max_length=200, help_text=_("Naam van het traject.")
    )
    omschrijving = serializers.CharField(
        required=False, allow_blank=True, help_text=_("Toelichting op het traject.")
    )
    gemeenten = _gemeenten_veld(required=False)
    looptijd_begin = serializers.DateField(
        required=False, help_text=_("Eerste dag van de contracten (alleen in concept).")
    )
    looptijd_eind = serializers.DateField(
        required=False, help_text=_("Laatste dag van de contracten (alleen in concept).")
    )
    sluitingsdatum_inschrijving = serializers.DateField(
        required=False,
        allow_null=True,
        help_text=_("Laatste dag om in te schrijven; na publicatie alleen naar later."),
    )


class InkooptrajectStatusWijzigenSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=TrajectStatus.choices, help_text=_("De nieuwe status van het traject.")
    )
    reden = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=255,
        help_text=_("Toelichting; verplicht bij intrekken."),
    )


class InkooptrajectStatusWijzigingSerializer(serializers.ModelSerializer):
    van_status = serializers.CharField(
        read_only=True, help_text=_("Vorige status van het traject.")
    )
    naar_status = serializers.CharField(
        read_only=True, help_text=_("Nieuwe status van het traject.")
    )
    door = _gebruikersnaam("door.username", _("Gebruikersnaam van wie de status wijzigde."))

    class Meta:
        model = InkooptrajectStatusWijziging
        fields = ["van_status", "naar_status", "reden", "tijdstip", "door"]
        read_only_fields = fields


# --- Percelen ------------------------------------------------------------------------------


class PerceelProductSerializer(serializers.ModelSerializer):
    product = ProductRefSerializer(read_only=True, help_text=_("Het product."))
    bedrag = bedrag_veld(
        source="bedrag.amount",
        read_only=True,
        help_text=_("Het vaste tarief of het tariefplafond per eenheid."),
    )
    valuta = valuta_veld("bedrag_currency")

    class Meta:
        model = PerceelProduct
        fields = ["product", "tariefsoort", "bedrag", "valuta", "eenheid"]
        read_only_fields = fields


class PerceelSerializer(serializers.ModelSerializer):
    traject = InkooptrajectRefSerializer(read_only=True, help_text=_("Het traject."))
    producten = PerceelProductSerializer(
        many=True, read_only=True, help_text=_("De producten met hun tarief of plafond.")
    )

    class Meta:
        model = Perceel
        fields = ["uuid", "traject", "naam", "omschrijving", "producten"]
        read_only_fields = fields


class PerceelAanmakenSerializer(serializers.Serializer):
    traject = ZichtbaarSlugField(
        slug_field="uuid",
        queryset=Inkooptraject.objects.all(),
        zichtbaar=inkooptrajecten_zichtbaar,
        help_text=_("uuid van het traject (in concept)."),
    )
    naam = serializers.CharField(
        max_length=200, help_text=_("Naam van het perceel, uniek in het traject.")
    )
    omschrijving = serializers.CharField(
        required=False, allow_blank=True, help_text=_("Toelichting op het perceel.")
    )


class ProductKeuzeSerializer(serializers.Serializer):
    """A product by uuid, or by wet, productcategorie and productcode."""

    product = serializers.SlugRelatedField(
        slug_field="uuid",
        queryset=Product.objects.all(),
        required=False,
        help_text=_("uuid van het product; of geef wet, productcategorie en productcode."),
    )
    wet = serializers.ChoiceField(
        choices=Wet.choices,
        required=False,
        help_text=_("Wet van het product (met productcategorie en productcode)."),
    )
    productcategorie = serializers.CharField(
        required=False, help_text=_("Productcategorie (2 cijfers) van het product.")
    )
    productcode = serializers.CharField(required=False, help_text=_("Productcode."))

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        codevelden = [v for v in ("wet", "productcategorie", "productcode") if attrs.get(v)]
        if attrs.get("product") is not None and codevelden:
            raise serializers.ValidationError(
                {"product": [_("Geef het product óf met uuid óf met wet, categorie en code.")]},
                code="product_dubbel",
            )
        if attrs.get("product") is None and len(codevelden) != 3:
            raise serializers.ValidationError(
                {"product": [_("Geef het product met uuid of met wet, categorie en code.")]},
                code="product_verplicht",
            )
        return attrs


class PerceelProductToevoegenSerializer(ProductKeuzeSerializer):
    tariefsoort = serializers.ChoiceField(
        choices=Tariefsoort.choices, help_text=_("Vast tarief of tariefplafond.")
    )
    bedrag = bedrag_veld(
        help_text=_('Het tarief of plafond per eenheid, als decimale tekst: "65.00".')
    )
    eenheid = serializers.ChoiceField(
        choices=Eenheid.choices,
        required=False,
        help_text=_("Eenheid van het tarief; standaard die van het product."),
    )


# --- Inschrijvingen ------------------------------------------------------------------------


class InschrijvingTariefSerializer(serializers.ModelSerializer):
    product = ProductRefSerializer(
        source="perceel_product.product", read_only=True, help_text=_("Het product.")
    )
    bedrag = bedrag_veld(
        source="bedrag.amount", read_only=True, help_text=_("Het aangeboden tarief per eenheid.")
    )
    valuta = valuta_veld("bedrag_currency")

    class Meta:
        model = InschrijvingTarief
        fields = ["product", "bedrag", "valuta"]
        read_only_fields = fields


class InschrijvingSerializer(serializers.ModelSerializer):
    perceel = PerceelRefSerializer(read_only=True, help_text=_("Het perceel."))
    zorgaanbieder = ZorgaanbiederRefSerializer(read_only=True, help_text=_("De aanbieder."))
    status = serializers.ChoiceField(
        choices=InschrijvingStatus.choices,
        read_only=True,
        help_text=_("Ingediend, toegelaten of afgewezen."),
    )
    tarieven = InschrijvingTariefSerializer(
        many=True,
        read_only=True,
        help_text=_("De aangeboden tarieven voor producten met een tariefplafond."),
    )
    beoordeeld_door = _gebruikersnaam(
        "beoordeeld_door.username", _("Gebruikersnaam van wie besloot.")
    )
    contract = ContractRefSerializer(
        read_only=True,
        allow_null=True,
        help_text=_("Het contract dat de toelating maakte of uitbreidde."),
    )

    class Meta:
        model = Inschrijving
        fields = [
            "uuid",
            "perceel",
            "zorgaanbieder",
            "status",
            "toelichting",
            "tarieven",
            "ingediend_op",
            "beoordeeld_op",
            "beoordeeld_door",
            "reden",
            "toelatingsdatum",
            "contract",
        ]
        read_only_fields = fields


class AangebodenTariefSerializer(serializers.Serializer):
    product = serializers.SlugRelatedField(
        slug_field="uuid",
        queryset=Product.objects.all(),
        help_text=_("uuid van een product van het perceel met een tariefplafond."),
    )
    bedrag = bedrag_veld(help_text=_("Het aangeboden tarief per eenheid, tot het plafond."))


class InschrijvingIndienenSerializer(serializers.Serializer):
    perceel = ZichtbaarSlugField(
        slug_field="uuid",
        queryset=Perceel.objects.all(),
        zichtbaar=percelen_zichtbaar,
        help_text=_("uuid van het perceel."),
    )
    zorgaanbieder = serializers.UUIDField(
        required=False,
        help_text=_(
            "uuid van de aanbieder; een zorgaanbieder laat dit weg (de eigen aanbieder), een "
            "inkoper die namens een aanbieder inschrijft geeft het op."
        ),
    )
    tarieven = AangebodenTariefSerializer(
        many=True,
        required=False,
        help_text=_("Per product met een tariefplafond het aangeboden tarief."),
    )
    toelichting = serializers.CharField(
        required=False, allow_blank=True, help_text=_("Toelichting bij de inschrijving.")
    )

    def validate_tarieven(self, waarde: list[dict[str, Any]]) -> list[dict[str, Any]]:
        producten = [t["product"].pk for t in waarde]
        if len(producten) != len(set(producten)):
            raise serializers.ValidationError(
                _("Elk product komt hoogstens één keer voor."), code="product_dubbel"
            )
        return waarde


class InschrijvingBeoordelenSerializer(serializers.Serializer):
    besluit = serializers.ChoiceField(choices=Besluit.choices, help_text=_("Toelaten of afwijzen."))
    reden = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=500,
        help_text=_("Reden van het besluit; verplicht bij afwijzen."),
    )


# --- Capaciteit ----------------------------------------------------------------------------


class CapaciteitsmeldingSerializer(serializers.ModelSerializer):
    zorgaanbieder = ZorgaanbiederRefSerializer(read_only=True, help_text=_("De aanbieder."))
    product = ProductRefSerializer(read_only=True, help_text=_("Het product."))
    gemeente = _gemeente_code(_("CBS-code van de gemeente."))

    class Meta:
        model = Capaciteitsmelding
        fields = [
            "uuid",
            "zorgaanbieder",
            "product",
            "gemeente",
            "wachttijd_dagen",
            "beschikbare_plaatsen",
            "geldig_vanaf",
            "toelichting",
        ]
        read_only_fields = fields


class CapaciteitBijwerkenSerializer(serializers.Serializer):
    zorgaanbieder = serializers.UUIDField(
        required=False,
        help_text=_("uuid van de aanbieder; een zorgaanbieder laat dit weg (de eigen aanbieder)."),
    )
    product = serializers.SlugRelatedField(
        slug_field="uuid", queryset=Product.objects.all(), help_text=_("uuid van het product.")
    )
    gemeente = serializers.SlugRelatedField(
        slug_field="code", queryset=Gemeente.objects.all(), help_text=_("CBS-code van de gemeente.")
    )
    wachttijd_dagen = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        max_value=MAX_WACHTTIJD_DAGEN,
        help_text=_(
            "Wachttijd in kalenderdagen; weglaten houdt de vorige waarde, `null` maakt hem onbekend."
        ),
    )
    beschikbare_plaatsen = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        max_value=MAX_PLAATSEN,
        help_text=_(
            "Beschikbare plaatsen; weglaten houdt de vorige waarde, `null` maakt ze onbekend."
        ),
    )
    toelichting = serializers.CharField(
        required=False, allow_blank=True, max_length=255, help_text=_("Vrije toelichting.")
    )


# --- Clientstops ---------------------------------------------------------------------------


class ClientstopSerializer(serializers.ModelSerializer):
    zorgaanbieder = ZorgaanbiederRefSerializer(read_only=True, help_text=_("De aanbieder."))
    product = ProductRefSerializer(read_only=True, help_text=_("Het product."))
    gemeente = _gemeente_code(_("CBS-code van de gemeente."))
    status = serializers.ChoiceField(
        choices=ClientstopStatus.choices,
        read_only=True,
        help_text=_("Aangevraagd, goedgekeurd, afgewezen, ingetrokken of opgeheven."),
    )
    beoordeeld_door = _gebruikersnaam(
        "beoordeeld_door.username", _("Gebruikersnaam van wie besloot.")
    )

    class Meta:
        model = Clientstop
        fields = [
            "uuid",
            "zorgaanbieder",
            "product",
            "gemeente",
            "ingangsdatum",
            "einddatum",
            "reden",
            "status",
            "aangevraagd_op",
            "beoordeeld_op",
            "beoordeeld_door",
            "besluit_toelichting",
        ]
        read_only_fields = fields


class ClientstopStatusWijzigingSerializer(serializers.ModelSerializer):
    van_status = serializers.CharField(
        read_only=True, help_text=_("Vorige status; leeg bij de aanvraag.")
    )
    naar_status = serializers.CharField(read_only=True, help_text=_("Nieuwe status."))
    door = _gebruikersnaam("door.username", _("Gebruikersnaam van wie de status wijzigde."))

    class Meta:
        model = ClientstopStatusWijziging
        fields = ["van_status", "naar_status", "toelichting", "tijdstip", "door"]
        read_only_fields = fields


class ClientstopAanvragenSerializer(serializers.Serializer):
    product = serializers.SlugRelatedField(
        slug_field="uuid", queryset=Product.objects.all(), help_text=_("uuid van het product.")
    )
    gemeente = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Gemeente.objects.all(),
        help_text=_("CBS-code van de gemeente die toestemming geeft."),
    )
    ingangsdatum = serializers.DateField(help_text=_("Eerste dag van de stop; vandaag of later."))
    einddatum = serializers.DateField(
        required=False, allow_null=True, help_text=_("Laatste dag; leeg is tot nader order.")
    )
    reden = serializers.CharField(help_text=_("Waarom de aanbieder geen nieuwe cliënten aanneemt."))


class ClientstopBeoordelenSerializer(serializers.Serializer):
    besluit = serializers.ChoiceField(
        choices=ClientstopBesluit.choices, help_text=_("Goedkeuren of afwijzen.")
    )
    toelichting = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=500,
        help_text=_("Toelichting; verplicht bij afwijzen."),
    )


class ClientstopOpheffenSerializer(serializers.Serializer):
    toelichting = serializers.CharField(
        required=False, allow_blank=True, max_length=500, help_text=_("Toelichting.")
    )


# --- Provider search -----------------------------------------------------------------------


class AanbiedersZoekenVraagSerializer(serializers.Serializer):
    gemeente = serializers.CharField(help_text=_("CBS-code van de gemeente van de cliënt."))
    datum = serializers.DateField(
        required=False, help_text=_("De dag waarop het contract moet lopen; standaard vandaag.")
    )
    product = serializers.UUIDField(
        required=False,
        help_text=_(
            "uuid van het product; of geef wet, productcategorie en eventueel productcode."
        ),
    )
    wet = serializers.ChoiceField(
        choices=Wet.choices, required=False, help_text=_("Wet (met productcategorie).")
    )
    productcategorie = serializers.CharField(
        required=False,
        help_text=_("Productcategorie (2 cijfers); zonder productcode: alle producten erin."),
    )
    productcode = serializers.CharField(
        required=False, help_text=_("Productcode (met wet en productcategorie).")
    )
    sortering = serializers.ChoiceField(
        choices=Sortering.choices,
        default=Sortering.TARIEF,
        help_text=_("Volgorde; een minteken sorteert aflopend."),
    )
    zonder_clientstop = serializers.BooleanField(
        default=False,
        help_text=_("Waar: aanbieders met een geldende cliëntstop weglaten."),
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        codevelden = [v for v in ("wet", "productcategorie", "productcode") if attrs.get(v)]
        if attrs.get("product") is not None and codevelden:
            raise serializers.ValidationError(
                {"product": [_("Geef het product óf met uuid óf met wet, categorie en code.")]},
                code="product_dubbel",
            )
        if attrs.get("product") is None and not (
            attrs.get("wet") and attrs.get("productcategorie")
        ):
            raise serializers.ValidationError(
                {
                    "product": [
                        _("Geef een product (uuid), of wet en productcategorie (en productcode).")
                    ]
                },
                code="product_verplicht",
            )
        return attrs


class AanbiederZoekresultaatSerializer(serializers.ModelSerializer):
    zorgaanbieder = ZorgaanbiederRefSerializer(
        source="contract.zorgaanbieder", read_only=True, help_text=_("De aanbieder.")
    )
    product = ProductRefSerializer(read_only=True, help_text=_("Het product."))
    contract = ContractRefSerializer(read_only=True, help_text=_("Het lopende contract."))
    tarief = bedrag_veld(
        source="bedrag.amount",
        read_only=True,
        help_text=_("Contracttarief per eenheid op de datum."),
    )
    valuta = valuta_veld("bedrag_currency")
    tarief_ingangsdatum = serializers.DateField(
        source="ingangsdatum", read_only=True, help_text=_("Eerste dag van dit tarief.")
    )
    tarief_einddatum = serializers.DateField(
        source="einddatum",
        read_only=True,
        allow_null=True,
        help_text=_("Laatste dag; leeg is open."),
    )
    wachttijd_dagen = serializers.IntegerField(
        read_only=True, allow_null=True, help_text=_("Gemelde wachttijd in dagen; leeg: onbekend.")
    )
    beschikbare_plaatsen = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text=_("Gemelde beschikbare plaatsen; leeg: onbekend."),
    )
    capaciteit_gemeld_op = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text=_("Wanneer wachttijd en plaatsen zijn gemeld.")
    )
    clientstop = serializers.BooleanField(
        read_only=True, help_text=_("Waar als een goedgekeurde cliëntstop op de datum geldt.")
    )
    clientstop_einddatum = serializers.DateField(
        read_only=True,
        allow_null=True,
        help_text=_("Laatste dag van die cliëntstop; leeg: tot nader order of geen stop."),
    )

    class Meta:
        model = Tariefperiode
        fields = [
            "zorgaanbieder",
            "product",
            "contract",
            "tarief",
            "valuta",
            "eenheid",
            "tarief_ingangsdatum",
            "tarief_einddatum",
            "wachttijd_dagen",
            "beschikbare_plaatsen",
            "capaciteit_gemeld_op",
            "clientstop",
            "clientstop_einddatum",
        ]
        read_only_fields = fields

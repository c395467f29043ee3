"""Serializers of the financien API.

Output serializers show budgets, transfers and reservations with their ``uuid``; amounts are
decimal strings in euro (``"1000.00"``), never floats. Input serializers only check the
shape of a request; the services decide the rest, so refusals carry the domain's stable code.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from contracten.api.serializers import (
    ProductRefSerializer,
    ZichtbaarSlugField,
    ZorgaanbiederRefSerializer,
    bedrag_veld,
)
from contracten.models import Product, Productcategorie
from contracten.selectors import producten_zichtbaar
from financien.constants import (
    BoekingSoort,
    BronType,
    RekeningSoort,
    ReserveringStatus,
    Taakveld,
)
from financien.models import (
    Begrotingsjaar,
    Begrotingswijziging,
    Boeking,
    Boekingsregel,
    Budgetpost,
    BudgetpostToewijzingsregel,
    Reservering,
    Reserveringsperiode,
)
from financien.selectors import Budgetstand
from financien.services import SLEUTEL_MAX
from kern.constants import Wet
from kern.exceptions import DomeinFout
from kern.models import Gemeente


def _gemeente_veld(**kwargs: Any) -> serializers.SlugRelatedField[Gemeente]:
    return serializers.SlugRelatedField(
        slug_field="code", help_text=_("CBS-code van de gemeente (4 cijfers)."), **kwargs
    )


def _productcategorie(wet: str, code: str | None) -> Productcategorie | None:
    if not code:
        return None
    try:
        return Productcategorie.objects.get(wet=wet, code=code)
    except Productcategorie.DoesNotExist:
        raise DomeinFout(
            f"Productcategorie {code} bestaat niet in de codelijst van de {wet}.",
            code="productcategorie_onbekend",
            velden={"productcategorie": ["Onbekende productcategorie."]},
        ) from None


# --- Budget posts -------------------------------------------------------------------------


class BudgetstandSerializer(serializers.Serializer):
    peildatum = serializers.DateField(
        allow_null=True, help_text=_("Peildatum van de stand; leeg is alles wat tot nu is geboekt.")
    )
    budget = bedrag_veld(help_text=_("Het budget in euro (na begrotingswijzigingen)."))
    gereserveerd = bedrag_veld(help_text=_("Nog openstaand gereserveerd (obligo), in euro."))
    gerealiseerd = bedrag_veld(help_text=_("Gerealiseerd (na crediteringen), in euro."))
    betaald = bedrag_veld(help_text=_("Het deel van het gerealiseerde dat is betaald, in euro."))
    beschikbaar = bedrag_veld(
        help_text=_("Budget min gereserveerd min gerealiseerd, in euro; kan negatief zijn.")
    )


class BudgetpostSerializer(serializers.ModelSerializer):
    gemeente: serializers.SlugRelatedField[Gemeente] = _gemeente_veld(read_only=True)
    taakveld_omschrijving = serializers.CharField(
        source="get_taakveld_display", read_only=True, help_text=_("Naam van het taakveld.")
    )
    productcategorie = serializers.CharField(
        source="productcategorie.code",
        read_only=True,
        allow_null=True,
        default=None,
        help_text=_("Productcategorie (2 cijfers) als de post daartoe beperkt is, anders leeg."),
    )
    stand = serializers.SerializerMethodField(
        help_text=_("De stand van de budgetpost (op de gevraagde peildatum).")
    )

    class Meta:
        model = Budgetpost
        fields = [
            "uuid",
            "gemeente",
            "jaar",
            "wet",
            "taakveld",
            "taakveld_omschrijving",
            "kostenplaats",
            "productcategorie",
            "omschrijving",
            "stand",
        ]
        read_only_fields = fields

    @extend_schema_field(BudgetstandSerializer)
    def get_stand(self, obj: Budgetpost) -> dict[str, Any]:
        standen: dict[int, Budgetstand] = self.context["standen"]
        return dict(BudgetstandSerializer(standen[obj.pk]).data)


class BudgetpostRefSerializer(serializers.ModelSerializer):
    gemeente: serializers.SlugRelatedField[Gemeente] = _gemeente_veld(read_only=True)

    class Meta:
        model = Budgetpost
        fields = ["uuid", "gemeente", "jaar", "wet", "taakveld", "kostenplaats"]
        read_only_fields = fields


class BudgetpostAanmakenSerializer(serializers.Serializer):
    gemeente = _gemeente_veld(queryset=Gemeente.objects.all())
    jaar = serializers.IntegerField(min_value=2015, max_value=2100, help_text=_("Begrotingsjaar."))
    wet = serializers.ChoiceField(choices=Wet.choices, help_text=_("Wmo of Jw."))
    taakveld = serializers.ChoiceField(
        choices=Taakveld.choices, help_text=_("Taakveld volgens de Iv3-indeling.")
    )
    kostenplaats = serializers.CharField(
        required=False, allow_blank=True, max_length=30, help_text=_("Kostenplaats; leeg is geen.")
    )
    productcategorie = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=2,
        help_text=_("Alleen voor deze productcategorie (2 cijfers); leeg is alle."),
    )
    omschrijving = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text=_("Vrije omschrijving.")
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs["productcategorie"] = _productcategorie(attrs["wet"], attrs.get("productcategorie"))
        return attrs


class PeildatumSerializer(serializers.Serializer):
    peildatum = serializers.DateField(
        required=False,
        help_text=_("Toon de stand op deze dag (boekdatum tot en met); leeg is de stand nu."),
    )


class BudgetWijzigenSerializer(serializers.Serializer):
    bedrag = bedrag_veld(help_text=_("Bedrag van de verhoging of verlaging, groter dan nul."))
    reden = serializers.CharField(help_text=_("Waarom het budget verandert."))
    besluit = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text=_("Kenmerk van het besluit (bijvoorbeeld de begrotingswijziging)."),
    )
    idempotentiesleutel = serializers.CharField(
        max_length=SLEUTEL_MAX,
        help_text=_("Unieke sleutel van deze aanvraag: dezelfde sleutel boekt nooit twee keer."),
    )
    boekdatum = serializers.DateField(
        required=False, help_text=_("Dag waarop de wijziging meetelt; leeg is vandaag.")
    )


class BegrotingswijzigingSerializer(serializers.ModelSerializer):
    boeking = serializers.UUIDField(
        source="boeking.uuid", read_only=True, help_text=_("uuid van de boeking.")
    )
    door = serializers.CharField(
        source="door.username",
        read_only=True,
        allow_null=True,
        default=None,
        help_text=_("Gebruikersnaam van wie de wijziging vastlegde."),
    )

    class Meta:
        model = Begrotingswijziging
        fields = ["uuid", "bedrag", "reden", "besluit", "boeking", "door", "tijdstip"]
        read_only_fields = fields


class BegrotingsjaarSerializer(serializers.ModelSerializer):
    gemeente: serializers.SlugRelatedField[Gemeente] = _gemeente_veld(read_only=True)

    class Meta:
        model = Begrotingsjaar
        fields = ["gemeente", "jaar", "afgesloten", "afgesloten_op"]
        read_only_fields = fields


class JaarAfsluitenSerializer(serializers.Serializer):
    gemeente = _gemeente_veld(queryset=Gemeente.objects.all())
    jaar = serializers.IntegerField(min_value=2015, max_value=2100, help_text=_("Begrotingsjaar."))


# --- Mapping ------------------------------------------------------------------------------


class ToewijzingsregelSerializer(serializers.ModelSerializer):
    gemeente: serializers.SlugRelatedField[Gemeente] = _gemeente_veld(read_only=True)
    productcategorie = serializers.CharField(
        source="productcategorie.code",
        read_only=True,
        allow_null=True,
        default=None,
        help_text=_("Productcategorie (2 cijfers); leeg: de regel geldt voor de hele wet."),
    )
    product = ProductRefSerializer(
        read_only=True,
        allow_null=True,
        help_text=_("Het product; leeg: de regel geldt voor de hele productcategorie."),
    )

    class Meta:
        model = BudgetpostToewijzingsregel
        fields = [
            "uuid",
            "gemeente",
            "wet",
            "productcategorie",
            "product",
            "taakveld",
            "kostenplaats",
        ]
        read_only_fields = fields


class ToewijzingsregelVastleggenSerializer(serializers.Serializer):
    gemeente = _gemeente_veld(queryset=Gemeente.objects.all())
    wet = serializers.ChoiceField(choices=Wet.choices, help_text=_("Wmo of Jw."))
    productcategorie = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=2,
        help_text=_("Productcategorie (2 cijfers); leeg: de regel geldt voor de hele wet."),
    )
    product = ZichtbaarSlugField(
        slug_field="uuid",
        queryset=Product.objects.all(),
        zichtbaar=producten_zichtbaar,
        required=False,
        allow_null=True,
        help_text=_("uuid van het product; leeg: de regel geldt voor de hele categorie."),
    )
    taakveld = serializers.ChoiceField(
        choices=Taakveld.choices, help_text=_("Taakveld waarop het product drukt.")
    )
    kostenplaats = serializers.CharField(
        required=False, allow_blank=True, max_length=30, help_text=_("Kostenplaats; leeg is geen.")
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs["productcategorie"] = _productcategorie(attrs["wet"], attrs.get("productcategorie"))
        return attrs


# --- Ledger -------------------------------------------------------------------------------


class BoekingsregelSerializer(serializers.ModelSerializer):
    rekeningsoort = serializers.ChoiceField(
        source="rekening.soort",
        choices=RekeningSoort.choices,
        read_only=True,
        help_text=_("Soort rekening."),
    )
    budgetpost = serializers.UUIDField(
        source="rekening.budgetpost.uuid", read_only=True, help_text=_("uuid van de budgetpost.")
    )
    zorgaanbieder = serializers.UUIDField(
        source="rekening.zorgaanbieder.uuid",
        read_only=True,
        allow_null=True,
        default=None,
        help_text=_("uuid van de zorgaanbieder (bij te betalen en betaald)."),
    )
    bedrag = bedrag_veld(
        read_only=True, help_text=_("Positief: naar de rekening; negatief: van de rekening af.")
    )

    class Meta:
        model = Boekingsregel
        fields = ["rekeningsoort", "budgetpost", "zorgaanbieder", "bedrag"]
        read_only_fields = fields


class BoekingSerializer(serializers.ModelSerializer):
    gemeente: serializers.SlugRelatedField[Gemeente] = _gemeente_veld(read_only=True)
    soort = serializers.ChoiceField(
        choices=BoekingSoort.choices, read_only=True, help_text=_("Soort boeking.")
    )
    bron_type = serializers.ChoiceField(
        choices=BronType.choices, read_only=True, help_text=_("Waar de boeking uit voortkomt.")
    )
    reservering = serializers.UUIDField(
        source="reservering.uuid",
        read_only=True,
        allow_null=True,
        default=None,
        help_text=_("uuid van de reservering waarop de boeking betrekking heeft."),
    )
    corrigeert = serializers.UUIDField(
        source="corrigeert.uuid",
        read_only=True,
        allow_null=True,
        default=None,
        help_text=_("uuid van de boeking die deze boeking (deels) terugdraait."),
    )
    door = serializers.CharField(
        source="door.username",
        read_only=True,
        allow_null=True,
        default=None,
        help_text=_("Gebruikersnaam van wie de boeking veroorzaakte; leeg bij systeemacties."),
    )
    regels = BoekingsregelSerializer(
        many=True, read_only=True, help_text=_("De regels; samen tellen ze op tot nul.")
    )

    class Meta:
        model = Boeking
        fields = [
            "uuid",
            "gemeente",
            "soort",
            "bron_type",
            "bron_id",
            "reservering",
            "corrigeert",
            "idempotentiesleutel",
            "bedrag",
            "omschrijving",
            "boekdatum",
            "tijdstip",
            "door",
            "regels",
        ]
        read_only_fields = fields


class ReserveringsperiodeSerializer(serializers.ModelSerializer):
    boeking = serializers.UUIDField(
        source="boeking.uuid", read_only=True, help_text=_("De boeking die de periode zette.")
    )
    boekdatum = serializers.DateField(
        source="boeking.boekdatum", read_only=True, help_text=_("De boekdatum van die boeking.")
    )

    class Meta:
        model = Reserveringsperiode
        fields = ["boeking", "boekdatum", "begindatum", "einddatum"]
        read_only_fields = fields


class ReserveringSerializer(serializers.ModelSerializer):
    budgetpost = BudgetpostRefSerializer(read_only=True, help_text=_("De budgetpost."))
    zorgaanbieder = ZorgaanbiederRefSerializer(read_only=True, help_text=_("De aanbieder."))
    status = serializers.ChoiceField(
        choices=ReserveringStatus.choices, read_only=True, help_text=_("Open of afgehandeld.")
    )
    bron_type = serializers.ChoiceField(
        choices=BronType.choices, read_only=True, help_text=_("Waarvoor gereserveerd is.")
    )
    perioden = ReserveringsperiodeSerializer(
        many=True,
        read_only=True,
        help_text=_(
            "De perioden die de reservering had, in volgorde van boeken: een prognose op een "
            "eerdere dag rekent met de periode van toen."
        ),
    )

    class Meta:
        model = Reservering
        fields = [
            "uuid",
            "budgetpost",
            "zorgaanbieder",
            "bron_type",
            "bron_id",
            "jaar",
            "bedrag",
            "gerealiseerd_bedrag",
            "open_bedrag",
            "status",
            "begindatum",
            "einddatum",
            "perioden",
            "aangemaakt_op",
        ]
        read_only_fields = fields

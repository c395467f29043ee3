"""Serializers of the contracten API.

Output serializers (``<Object>Serializer``) show an object with its ``uuid``, small nested
references and gemeenten as CBS codes. Input serializers (``<Object><Verb>Serializer``) only
check the shape of a request; the services decide everything else (formats of AGB, KvK, IBAN
and product codes included, so their errors carry the domain's stable code). Money is a
decimal string (``"65.00"``) with ``valuta`` ``"EUR"``; never a float.
"""

from __future__ import annotations

import uuid as uuid_lib
from collections.abc import Callable
from typing import Any

from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise
from rest_framework import serializers

from contracten.constants import ContractStatus, Eenheid, SlaSoort, TariefReden, Uitvoeringsvariant
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
from contracten.selectors import contracten_zichtbaar, zorgaanbieders_zichtbaar
from kern.api.permissions import huidige_gebruiker
from kern.constants import Rol, Wet
from kern.geld import BEDRAG_DECIMAL_PLACES, BEDRAG_MAX_DIGITS
from kern.models import Gemeente

# --- Building blocks -----------------------------------------------------------------------


def bedrag_veld(**kwargs: Any) -> serializers.DecimalField:
    """A money amount in euros: a decimal string with two decimals, read exactly."""
    return serializers.DecimalField(
        max_digits=BEDRAG_MAX_DIGITS, decimal_places=BEDRAG_DECIMAL_PLACES, **kwargs
    )


def valuta_veld(source: str) -> serializers.CharField:
    return serializers.CharField(
        source=source, read_only=True, help_text=_("Valuta van het bedrag, altijd `EUR`.")
    )


class ZichtbaarSlugField(serializers.SlugRelatedField):
    """A reference by uuid (or code) to an object the acting user may see.

    ``zichtbaar`` is a selector taking the user; an object outside the user's scope is
    answered exactly like one that does not exist. ``queryset`` only names the model for the
    schema and is never used to look anything up."""

    def __init__(self, *, zichtbaar: Callable[..., QuerySet[Any]], **kwargs: Any) -> None:
        self.zichtbaar = zichtbaar
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet[Any]:
        return self.zichtbaar(gebruiker=huidige_gebruiker(self.context["request"]))

    def to_internal_value(self, data: Any) -> Model:
        if self.slug_field == "uuid":
            try:
                uuid_lib.UUID(str(data))
            except ValueError:
                self.fail("does_not_exist", slug_name=self.slug_field, value=str(data))
        result: Model = super().to_internal_value(data)
        return result


# --- Small nested references ---------------------------------------------------------------


class ZorgaanbiederRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Zorgaanbieder
        fields = ["uuid", "agb_code", "naam"]
        read_only_fields = fields


class ProductRefSerializer(serializers.ModelSerializer):
    wet = serializers.ChoiceField(
        source="categorie.wet", choices=Wet.choices, read_only=True, help_text=_("Wmo of Jw.")
    )
    categorie = serializers.CharField(
        source="categorie.code", read_only=True, help_text=_("Productcategorie (2 cijfers).")
    )

    class Meta:
        model = Product
        fields = ["uuid", "wet", "categorie", "productcode", "naam"]
        read_only_fields = fields


class ContractRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Contract
        fields = ["uuid", "nummer"]
        read_only_fields = fields


# --- Me ------------------------------------------------------------------------------------


class IkSerializer(serializers.Serializer):
    username = serializers.CharField(help_text=_("Gebruikersnaam."))
    rollen = serializers.ListField(
        child=serializers.ChoiceField(choices=Rol.choices),
        help_text=_("De rollen van de gebruiker."),
    )
    gemeenten = serializers.ListField(
        child=serializers.CharField(),
        help_text=_("CBS-codes van de gemeenten waarvoor de gebruiker werkt."),
    )
    zorgaanbieder = ZorgaanbiederRefSerializer(
        allow_null=True,
        help_text=_("De zorgaanbieder namens wie de gebruiker werkt; leeg voor gemeenten."),
    )


# --- Zorgaanbieders ------------------------------------------------------------------------


class ZorgaanbiederSerializer(serializers.ModelSerializer):
    class Meta:
        model = Zorgaanbieder
        fields = [
            "uuid",
            "agb_code",
            "naam",
            "kvk_nummer",
            "iban",
            "email",
            "telefoon",
            "contactpersoon",
            "adres",
            "postcode",
            "plaats",
            "actief",
        ]
        read_only_fields = fields


class _ZorgaanbiederVelden(serializers.Serializer):
    kvk_nummer = serializers.CharField(
        required=False, allow_blank=True, help_text=_("Nummer in het Handelsregister (8 cijfers).")
    )
    iban = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=_("Rekeningnummer voor betalingen; spaties worden verwijderd."),
    )
    email = serializers.CharField(
        required=False, allow_blank=True, max_length=254, help_text=_("Algemeen e-mailadres.")
    )
    telefoon = serializers.CharField(
        required=False, allow_blank=True, max_length=20, help_text=_("Telefoon.")
    )
    contactpersoon = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text=_("Contactpersoon contract.")
    )
    adres = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text=_("Straat en huisnummer.")
    )
    postcode = serializers.CharField(
        required=False, allow_blank=True, max_length=7, help_text=_("Postcode.")
    )
    plaats = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text=_("Plaats.")
    )
    actief = serializers.BooleanField(
        required=False, help_text=_("Inactieve aanbieders krijgen geen nieuwe opdrachten.")
    )


class ZorgaanbiederAanmakenSerializer(_ZorgaanbiederVelden):
    agb_code = serializers.CharField(
        help_text=_("AGB-code van de zorgaanbieder (8 cijfers, Vektis); verandert nooit.")
    )
    naam = serializers.CharField(max_length=200, help_text=_("Statutaire of handelsnaam."))


class ZorgaanbiederWijzigenSerializer(_ZorgaanbiederVelden):
    naam = serializers.CharField(
        required=False, max_length=200, help_text=_("Statutaire of handelsnaam.")
    )


# --- Catalogue -----------------------------------------------------------------------------


class ProductcategorieSerializer(serializers.ModelSerializer):
    class Meta:
        model = Productcategorie
        fields = ["wet", "code", "omschrijving"]
        read_only_fields = fields


class ProductSerializer(serializers.ModelSerializer):
    wet = serializers.ChoiceField(
        source="categorie.wet", choices=Wet.choices, read_only=True, help_text=_("Wmo of Jw.")
    )
    categorie = serializers.CharField(
        source="categorie.code", read_only=True, help_text=_("Productcategorie (2 cijfers).")
    )
    categorie_omschrijving = serializers.CharField(
        source="categorie.omschrijving",
        read_only=True,
        help_text=_("Omschrijving van de productcategorie uit de codelijst."),
    )

    class Meta:
        model = Product
        fields = [
            "uuid",
            "wet",
            "categorie",
            "categorie_omschrijving",
            "productcode",
            "naam",
            "eenheid",
            "uitvoeringsvariant",
            "ingangsdatum",
            "einddatum",
        ]
        read_only_fields = fields


class ProductAanmakenSerializer(serializers.Serializer):
    wet = serializers.ChoiceField(choices=Wet.choices, help_text=_("Wmo of Jw."))
    categorie = serializers.CharField(
        help_text=_("Productcategorie (2 cijfers) uit de codelijst van de wet.")
    )
    productcode = serializers.CharField(
        help_text=_("Productcode, 1 tot 5 letters of cijfers; uniek binnen de categorie.")
    )
    naam = serializers.CharField(max_length=200, help_text=_("Naam van het product."))
    eenheid = serializers.ChoiceField(
        choices=Eenheid.choices,
        help_text=_("Eenheid waarin het product wordt toegewezen en gedeclareerd."),
    )
    uitvoeringsvariant = serializers.ChoiceField(
        choices=Uitvoeringsvariant.choices,
        help_text=_("Inspanningsgericht, outputgericht of taakgericht."),
    )
    ingangsdatum = serializers.DateField(help_text=_("Eerste dag van geldigheid."))
    einddatum = serializers.DateField(
        required=False,
        allow_null=True,
        help_text=_("Laatste dag waarop het product nieuw mag worden gecontracteerd."),
    )


class ProductWijzigenSerializer(serializers.Serializer):
    naam = serializers.CharField(
        required=False, max_length=200, help_text=_("Nieuwe naam van het product.")
    )
    einddatum = serializers.DateField(
        required=False,
        allow_null=True,
        help_text=_("Einddatum zetten (laten vervallen) of met `null` weer openen."),
    )


# --- Contracts -----------------------------------------------------------------------------


def _gemeenten_veld(**kwargs: Any) -> Any:
    # SlugRelatedField(many=True) is a ManyRelatedField at runtime; the stubs cannot say so.
    return serializers.SlugRelatedField(
        many=True,
        slug_field="code",
        queryset=Gemeente.objects.all(),
        help_text=_("CBS-codes van de gemeenten waarvoor het contract geldt."),
        **kwargs,
    )


class ContractSerializer(serializers.ModelSerializer):
    zorgaanbieder = ZorgaanbiederRefSerializer(
        read_only=True, help_text=_("De gecontracteerde aanbieder.")
    )
    gemeenten: serializers.SlugRelatedField[Gemeente] = serializers.SlugRelatedField(
        many=True,
        read_only=True,
        slug_field="code",
        help_text=_("CBS-codes van de gemeenten waarvoor het contract geldt."),
    )

    class Meta:
        model = Contract
        fields = [
            "uuid",
            "nummer",
            "zorgaanbieder",
            "gemeenten",
            "omschrijving",
            "ingangsdatum",
            "einddatum",
            "status",
            "versie",
        ]
        read_only_fields = fields


class ContractAanmakenSerializer(serializers.Serializer):
    nummer = serializers.CharField(max_length=40, help_text=_("Uniek contractnummer."))
    zorgaanbieder = ZichtbaarSlugField(
        slug_field="uuid",
        queryset=Zorgaanbieder.objects.all(),
        zichtbaar=zorgaanbieders_zichtbaar,
        help_text=_("uuid van de gecontracteerde aanbieder."),
    )
    gemeenten = _gemeenten_veld()
    ingangsdatum = serializers.DateField(help_text=_("Eerste dag van het contract."))
    einddatum = serializers.DateField(
        required=False, allow_null=True, help_text=_("Laatste dag; leeg is onbepaalde tijd.")
    )
    omschrijving = serializers.CharField(
        required=False, allow_blank=True, max_length=255, help_text=_("Korte omschrijving.")
    )
    reden = serializers.CharField(
        required=False,
        max_length=255,
        help_text=_("Reden bij de eerste versie; standaard 'Eerste versie'."),
    )


class ContractWijzigenSerializer(serializers.Serializer):
    reden = serializers.CharField(
        max_length=255, help_text=_("Waarom het contract wijzigt; komt in de nieuwe versie.")
    )
    ingangsdatum = serializers.DateField(
        required=False, help_text=_("Nieuwe eerste dag van het contract.")
    )
    einddatum = serializers.DateField(
        required=False,
        allow_null=True,
        help_text=_("Nieuwe laatste dag; `null` maakt het contract voor onbepaalde tijd."),
    )
    gemeenten = _gemeenten_veld(required=False)
    omschrijving = serializers.CharField(
        required=False, allow_blank=True, max_length=255, help_text=_("Korte omschrijving.")
    )


class ContractStatusWijzigenSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=ContractStatus.choices, help_text=_("De nieuwe status van het contract.")
    )
    reden = serializers.CharField(
        required=False, allow_blank=True, max_length=255, help_text=_("Toelichting.")
    )


class ContractGegevensSerializer(serializers.Serializer):
    """The contract as it was in one version (stored with the version)."""

    nummer = serializers.CharField(help_text=_("Contractnummer."))
    omschrijving = serializers.CharField(help_text=_("Korte omschrijving."))
    ingangsdatum = serializers.DateField(help_text=_("Eerste dag van het contract."))
    einddatum = serializers.DateField(
        allow_null=True, help_text=_("Laatste dag; leeg is onbepaalde tijd.")
    )
    status = serializers.ChoiceField(
        choices=ContractStatus.choices, help_text=_("Status in deze versie.")
    )
    gemeenten = serializers.ListField(
        child=serializers.CharField(), help_text=_("CBS-codes van de gemeenten in deze versie.")
    )


class ContractVersieSerializer(serializers.ModelSerializer):
    gegevens = ContractGegevensSerializer(
        read_only=True, help_text=_("Volledige inhoud van het contract in deze versie.")
    )
    aangemaakt_door = serializers.CharField(
        source="aangemaakt_door.username",
        read_only=True,
        allow_null=True,
        help_text=_("Gebruikersnaam; leeg bij import of systeem."),
    )

    class Meta:
        model = ContractVersie
        fields = ["versie", "reden", "aangemaakt_op", "aangemaakt_door", "gegevens"]
        read_only_fields = fields


class ContractStatusWijzigingSerializer(serializers.ModelSerializer):
    # Plain strings: the ContractStatus enum is already published under the name "status".
    van_status = serializers.CharField(
        read_only=True,
        help_text=_("Vorige status: concept, actief, opgezegd of beeindigd."),
    )
    naar_status = serializers.CharField(
        read_only=True,
        help_text=_("Nieuwe status: concept, actief, opgezegd of beeindigd."),
    )
    door = serializers.CharField(
        source="door.username",
        read_only=True,
        allow_null=True,
        help_text=_("Gebruikersnaam van wie de status wijzigde; leeg bij systeemacties."),
    )

    class Meta:
        model = ContractStatusWijziging
        fields = ["van_status", "naar_status", "reden", "tijdstip", "door"]
        read_only_fields = fields


# --- Tariff periods ------------------------------------------------------------------------


class TariefperiodeSerializer(serializers.ModelSerializer):
    contract = ContractRefSerializer(
        read_only=True, help_text=_("Contract waarin het tarief is afgesproken.")
    )
    zorgaanbieder = ZorgaanbiederRefSerializer(
        source="contract.zorgaanbieder", read_only=True, help_text=_("De aanbieder.")
    )
    product = ProductRefSerializer(read_only=True, help_text=_("Het product."))
    bedrag = bedrag_veld(source="bedrag.amount", read_only=True, help_text=_("Tarief per eenheid."))
    valuta = valuta_veld("bedrag_currency")
    vervangt = serializers.UUIDField(
        source="vervangt.uuid",
        read_only=True,
        allow_null=True,
        help_text=_("uuid van de periode die deze correctie vervangt."),
    )

    class Meta:
        model = Tariefperiode
        fields = [
            "uuid",
            "contract",
            "zorgaanbieder",
            "product",
            "bedrag",
            "valuta",
            "eenheid",
            "ingangsdatum",
            "einddatum",
            "reden",
            "toelichting",
            "vervangt",
            "is_vervangen",
            "aangemaakt_op",
        ]
        read_only_fields = fields


class TariefperiodeAanmakenSerializer(serializers.Serializer):
    contract = ZichtbaarSlugField(
        slug_field="uuid",
        queryset=Contract.objects.all(),
        zichtbaar=contracten_zichtbaar,
        help_text=_("uuid van het contract."),
    )
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
    bedrag = bedrag_veld(help_text=_('Tarief per eenheid in euro, als decimale tekst: "65.00".'))
    ingangsdatum = serializers.DateField(help_text=_("Eerste dag van het tarief."))
    einddatum = serializers.DateField(
        required=False, allow_null=True, help_text=_("Laatste dag; leeg is open.")
    )
    eenheid = serializers.ChoiceField(
        choices=Eenheid.choices,
        required=False,
        help_text=_("Eenheid van het tarief; standaard die van het product."),
    )
    reden = serializers.ChoiceField(
        choices=TariefReden.choices,
        default=TariefReden.INITIEEL,
        help_text=_("Waarom deze periode bestaat; een correctie gaat via `corrigeren`."),
    )
    toelichting = serializers.CharField(
        required=False, allow_blank=True, max_length=255, help_text=_("Vrije toelichting.")
    )

    def validate_reden(self, waarde: str) -> str:
        if waarde == TariefReden.CORRECTIE:
            raise serializers.ValidationError(
                _("Een correctie maakt u met de actie corrigeren van de tariefperiode."),
                code="correctie_via_corrigeren",
            )
        return waarde

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


class TariefperiodeCorrigerenSerializer(serializers.Serializer):
    bedrag = bedrag_veld(help_text=_("Het juiste tarief per eenheid, als decimale tekst."))
    toelichting = serializers.CharField(
        max_length=255, help_text=_("Waarom het tarief wordt gecorrigeerd (verplicht).")
    )


class TariefOpVraagSerializer(serializers.Serializer):
    agb_code = serializers.CharField(help_text=_("AGB-code van de zorgaanbieder."))
    gemeente = serializers.CharField(help_text=_("CBS-gemeentecode, 4 cijfers."))
    wet = serializers.ChoiceField(choices=Wet.choices, help_text=_("Wmo of Jw."))
    productcategorie = serializers.CharField(help_text=_("Productcategorie (2 cijfers)."))
    productcode = serializers.CharField(help_text=_("Productcode."))
    datum = serializers.DateField(help_text=_("De dag waarop het tarief moet gelden."))


# --- Indexation ----------------------------------------------------------------------------


def _index_veld(help_text: StrOrPromise) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=9, decimal_places=4, required=False, allow_null=True, help_text=help_text
    )


class IndexatieAanvraagSerializer(serializers.Serializer):
    contracten = ZichtbaarSlugField(
        many=True,
        allow_empty=False,
        slug_field="uuid",
        queryset=Contract.objects.all(),
        zichtbaar=contracten_zichtbaar,
        help_text=_("uuid's van de contracten waarvan de tarieven worden geïndexeerd."),
    )
    ingangsdatum = serializers.DateField(
        help_text=_("Eerste dag van de geïndexeerde tarieven (meestal 1 januari).")
    )
    percentage = _index_veld(
        _('Indexatiepercentage, bijvoorbeeld "3.25"; of geef de drie indexcijfers.')
    )
    loonindex = _index_veld(_("Loonindex in procenten (bijvoorbeeld OVA)."))
    materiele_index = _index_veld(_("Materiële index in procenten (bijvoorbeeld CPI/IMC)."))
    loonaandeel = _index_veld(_("Aandeel loonkosten als fractie tussen 0 en 1."))
    dry_run = serializers.BooleanField(
        default=False,
        help_text=_("Waar: alleen laten zien wat er zou gebeuren, niets vastleggen."),
    )
    toelichting = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=255,
        help_text=_("Toelichting bij de nieuwe tariefperioden."),
    )


class IndexatieRegelSerializer(serializers.Serializer):
    contract_nummer = serializers.CharField(help_text=_("Contractnummer."))
    agb_code = serializers.CharField(help_text=_("AGB-code van de aanbieder."))
    productcode = serializers.CharField(help_text=_("Productcode."))
    eenheid = serializers.ChoiceField(
        choices=Eenheid.choices, help_text=_("Eenheid van het tarief.")
    )
    oud_bedrag = bedrag_veld(allow_null=True, help_text=_("Tarief op de dag vóór de ingangsdatum."))
    nieuw_bedrag = bedrag_veld(
        allow_null=True, help_text=_("Geïndexeerd tarief; leeg als het tarief is overgeslagen.")
    )
    valuta = serializers.CharField(help_text=_("Valuta van de bedragen, altijd `EUR`."))
    ingangsdatum = serializers.DateField(help_text=_("Eerste dag van het nieuwe tarief."))
    overgeslagen = serializers.CharField(
        allow_blank=True, help_text=_("Waarom dit tarief niet is geïndexeerd; leeg als wel.")
    )


class IndexatieResultaatSerializer(serializers.Serializer):
    percentage = serializers.DecimalField(
        max_digits=None,
        decimal_places=None,
        help_text=_("Het toegepaste percentage (exact; alleen de tarieven zijn afgerond)."),
    )
    dry_run = serializers.BooleanField(help_text=_("Waar als er niets is vastgelegd."))
    regels = IndexatieRegelSerializer(many=True, help_text=_("Eén regel per tarief."))


# --- SLA norms and spending caps -----------------------------------------------------------


class SlaNormSerializer(serializers.ModelSerializer):
    contract = ContractRefSerializer(read_only=True, help_text=_("Het contract."))
    # A plain string: the name "eenheid" is already published for the product units.
    eenheid = serializers.CharField(
        read_only=True,
        help_text=_(
            "Eenheid van de norm (volgt uit de soort): werkdagen, kalenderdagen, weken of procent."
        ),
    )

    class Meta:
        model = SlaNorm
        fields = ["contract", "soort", "waarde", "eenheid", "toelichting"]
        read_only_fields = fields


class SlaNormVastleggenSerializer(serializers.Serializer):
    contract = ZichtbaarSlugField(
        slug_field="uuid",
        queryset=Contract.objects.all(),
        zichtbaar=contracten_zichtbaar,
        help_text=_("uuid van het contract."),
    )
    soort = serializers.ChoiceField(choices=SlaSoort.choices, help_text=_("Wat de norm meet."))
    waarde = serializers.DecimalField(
        max_digits=8, decimal_places=2, help_text=_("De norm, in de eenheid van de soort.")
    )
    toelichting = serializers.CharField(
        required=False, allow_blank=True, max_length=255, help_text=_("Vrije toelichting.")
    )


class BestedingsruimteSerializer(serializers.ModelSerializer):
    zorgaanbieder = ZorgaanbiederRefSerializer(read_only=True, help_text=_("De aanbieder."))
    gemeente: serializers.SlugRelatedField[Gemeente] = serializers.SlugRelatedField(
        slug_field="code",
        read_only=True,
        help_text=_("CBS-code van de gemeente die het plafond stelt."),
    )
    bedrag = bedrag_veld(
        source="bedrag.amount", read_only=True, help_text=_("Maximale besteding in het jaar.")
    )
    valuta = valuta_veld("bedrag_currency")

    class Meta:
        model = Bestedingsruimte
        fields = ["uuid", "zorgaanbieder", "gemeente", "jaar", "bedrag", "valuta", "toelichting"]
        read_only_fields = fields


class BestedingsruimteVastleggenSerializer(serializers.Serializer):
    zorgaanbieder = ZichtbaarSlugField(
        slug_field="uuid",
        queryset=Zorgaanbieder.objects.all(),
        zichtbaar=zorgaanbieders_zichtbaar,
        help_text=_("uuid van de aanbieder."),
    )
    gemeente = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Gemeente.objects.all(),
        help_text=_("CBS-code van de gemeente die het plafond stelt."),
    )
    jaar = serializers.IntegerField(min_value=2015, max_value=2100, help_text=_("Kalenderjaar."))
    bedrag = bedrag_veld(help_text=_("Maximale besteding in het jaar, als decimale tekst."))
    toelichting = serializers.CharField(
        required=False, allow_blank=True, max_length=255, help_text=_("Vrije toelichting.")
    )

"""Serializers of clients and toewijzingen (see :mod:`inkoop.api.serializers` for the
conventions). The BSN is only in request bodies and answers, never in a URL; it is shown in
full to regisseurs and to the provider of the client's toewijzingen, masked to others."""

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
from contracten.constants import Eenheid
from contracten.models import Product, Zorgaanbieder
from contracten.selectors import producten_zichtbaar, zorgaanbieders_zichtbaar
from inkoop.constants import (
    REDENEN_WIJZIGING,
    ToewijzingGebeurtenis,
    ToewijzingStatus,
)
from inkoop.models import Client, Toewijzing, ToewijzingWijziging
from inkoop.selectors import clienten_zichtbaar
from inkoop.toewijzingsregels import FREQUENTIES, REFERENTIE_MAX, VOLUME_MAX
from kern.api.permissions import huidige_gebruiker
from kern.bsn import maskeer_bsn
from kern.constants import Rol, Wet
from kern.models import Gemeente
from kern.toegang import ziet_alles

#: Roles that see a BSN in full (the provider sees those of its own clients).
BSN_ROLLEN = (Rol.REGISSEUR, Rol.ZORGAANBIEDER)

REDEN_WIJZIGING_KEUZES = [(code, f"{code} {tekst}") for code, tekst in REDENEN_WIJZIGING.items()]
FREQUENTIE_KEUZES = [
    ("1", _("Per dag")),
    ("2", _("Per week")),
    ("4", _("Per maand")),
    ("6", _("Totaal binnen geldigheidsduur toewijzing")),
]
assert {c for c, _t in FREQUENTIE_KEUZES} == FREQUENTIES


def _gemeente_veld() -> serializers.SlugRelatedField[Gemeente]:
    return serializers.SlugRelatedField(
        slug_field="code", queryset=Gemeente.objects.all(), help_text=_("CBS-code van de gemeente.")
    )


# --- Clients --------------------------------------------------------------------------------


class ClientSerializer(serializers.ModelSerializer):
    gemeente: serializers.SlugRelatedField[Gemeente] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, help_text=_("CBS-code van de gemeente.")
    )
    bsn = serializers.SerializerMethodField(
        help_text=_("BSN; gemaskeerd (******123) voor wie het niet nodig heeft.")
    )

    class Meta:
        model = Client
        fields = [
            "uuid",
            "gemeente",
            "bsn",
            "geboortedatum",
            "datum_gebruik",
            "geslacht",
            "achternaam",
            "voorvoegsel",
            "voorletters",
            "voornamen",
            "naamgebruik",
            "adres_soort",
            "straatnaam",
            "huisnummer",
            "huisletter",
            "huisnummer_toevoeging",
            "postcode",
            "plaatsnaam",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField())
    def get_bsn(self, client: Client) -> str:
        request = self.context.get("request")
        if request is not None:
            gebruiker = huidige_gebruiker(request)
            if ziet_alles(gebruiker) or gebruiker.heeft_rol(*BSN_ROLLEN):
                return client.bsn
        return maskeer_bsn(client.bsn)


class ClientRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Client
        fields = ["uuid", "achternaam", "voorletters", "geboortedatum"]
        read_only_fields = fields


class ClientVastleggenSerializer(serializers.Serializer):
    gemeente = _gemeente_veld()
    bsn = serializers.CharField(max_length=11, help_text=_("BSN (elfproef)."))
    geboortedatum = serializers.DateField(help_text=_("Geboortedatum."))
    datum_gebruik = serializers.CharField(
        required=False, allow_blank=True, max_length=1, help_text=_("DatumGebruik (COD170).")
    )
    geslacht = serializers.CharField(
        required=False, max_length=1, help_text=_("Geslacht (COD046): 0, 1 of 2.")
    )
    achternaam = serializers.CharField(max_length=200, help_text=_("Geslachtsnaam."))
    voorvoegsel = serializers.CharField(
        required=False, allow_blank=True, max_length=10, help_text=_("Voorvoegsel.")
    )
    voorletters = serializers.CharField(
        required=False, allow_blank=True, max_length=12, help_text=_("Voorletters.")
    )
    voornamen = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text=_("Voornamen.")
    )
    naamgebruik = serializers.CharField(
        required=False, max_length=1, help_text=_("Naamgebruik (COD700).")
    )
    adres_soort = serializers.CharField(
        required=False, max_length=2, help_text=_("Soort adres (COD757).")
    )
    straatnaam = serializers.CharField(
        required=False, allow_blank=True, max_length=24, help_text=_("Straatnaam.")
    )
    huisnummer = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=99999, help_text=_("Huisnummer.")
    )
    huisletter = serializers.CharField(
        required=False, allow_blank=True, max_length=1, help_text=_("Huisletter.")
    )
    huisnummer_toevoeging = serializers.CharField(
        required=False, allow_blank=True, max_length=4, help_text=_("Huisnummertoevoeging.")
    )
    postcode = serializers.CharField(
        required=False, allow_blank=True, max_length=10, help_text=_("Postcode.")
    )
    plaatsnaam = serializers.CharField(
        required=False, allow_blank=True, max_length=80, help_text=_("Woonplaats.")
    )


class ClientZoekenSerializer(serializers.Serializer):
    gemeente = _gemeente_veld()
    bsn = serializers.CharField(max_length=11, help_text=_("BSN van de cliënt (elfproef)."))


# --- Toewijzingen ---------------------------------------------------------------------------


class ToewijzingSerializer(serializers.ModelSerializer):
    gemeente: serializers.SlugRelatedField[Gemeente] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, help_text=_("CBS-code van de gemeente.")
    )
    client = ClientRefSerializer(read_only=True, help_text=_("De cliënt."))
    zorgaanbieder = ZorgaanbiederRefSerializer(read_only=True, help_text=_("De aanbieder."))
    productcategorie = serializers.CharField(
        source="productcategorie.code",
        read_only=True,
        allow_null=True,
        help_text=_("Productcategorie; leeg bij een generieke toewijzing."),
    )
    product = ProductRefSerializer(
        read_only=True, allow_null=True, help_text=_("Product; leeg bij (a)generiek.")
    )
    status = serializers.ChoiceField(
        choices=ToewijzingStatus.choices,
        read_only=True,
        help_text=_("Actief, ingetrokken of verwijderd."),
    )
    verzoek = serializers.UUIDField(
        source="verzoek.uuid",
        read_only=True,
        allow_null=True,
        help_text=_("Het verzoek (315/317) waarop dit het antwoord is."),
    )

    class Meta:
        model = Toewijzing
        fields = [
            "uuid",
            "nummer",
            "wet",
            "gemeente",
            "client",
            "zorgaanbieder",
            "productcategorie",
            "product",
            "referentie_aanbieder",
            "toewijzingsmoment",
            "ingangsdatum",
            "einddatum",
            "reden_wijziging",
            "volume",
            "eenheid",
            "frequentie",
            "budget_bedrag",
            "commentaar",
            "status",
            "te_melden",
            "zorg_begindatum",
            "zorg_einddatum",
            "reden_beeindiging",
            "bijstellen",
            "verzoek",
            "aangemaakt_op",
            "gewijzigd_op",
        ]
        read_only_fields = fields


class ToewijzingVerstrekkenSerializer(serializers.Serializer):
    client = ZichtbaarSlugField(
        slug_field="uuid",
        queryset=Client.objects.all(),
        zichtbaar=clienten_zichtbaar,
        help_text=_("uuid van de cliënt."),
    )
    zorgaanbieder = ZichtbaarSlugField(
        slug_field="uuid",
        queryset=Zorgaanbieder.objects.all(),
        zichtbaar=zorgaanbieders_zichtbaar,
        help_text=_("uuid van de aanbieder."),
    )
    wet = serializers.ChoiceField(choices=Wet.choices, help_text=_("Wmo of Jeugdwet."))
    ingangsdatum = serializers.DateField(help_text=_("Eerste dag van levering."))
    einddatum = serializers.DateField(
        required=False, allow_null=True, help_text=_("Laatste dag van levering; leeg: open.")
    )
    product = ZichtbaarSlugField(
        slug_field="uuid",
        queryset=Product.objects.all(),
        zichtbaar=producten_zichtbaar,
        required=False,
        allow_null=True,
        help_text=_("uuid van het product (specifieke toewijzing)."),
    )
    productcategorie = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=2,
        help_text=_("Productcategorie zonder product (aspecifieke toewijzing)."),
    )
    volume = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        max_value=VOLUME_MAX,
        help_text=_("Omvang: volume (bij eenheid 83 in eurocent)."),
    )
    eenheid = serializers.ChoiceField(
        choices=Eenheid.choices,
        required=False,
        allow_blank=True,
        help_text=_("Omvang: eenheid (WJ756); standaard die van het product."),
    )
    frequentie = serializers.ChoiceField(
        choices=FREQUENTIE_KEUZES,
        required=False,
        allow_blank=True,
        help_text=_("Omvang: frequentie."),
    )
    budget_bedrag = bedrag_veld(
        required=False, allow_null=True, help_text=_("Budget in euro (in plaats van omvang).")
    )
    referentie_aanbieder = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=REFERENTIE_MAX,
        help_text=_("ReferentieAanbieder uit het verzoek (315/317), als die er is."),
    )
    commentaar = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text=_("Toelichting in de 301.")
    )
    versturen = serializers.BooleanField(
        default=True,
        help_text=_("Meteen een 301 naar de aanbieder (standaard); uit bij meerdere wijzigingen."),
    )


class ToewijzingWijzigenSerializer(serializers.Serializer):
    reden_wijziging = serializers.ChoiceField(
        choices=REDEN_WIJZIGING_KEUZES, help_text=_("RedenWijziging (WMO002/JZ002).")
    )
    einddatum = serializers.DateField(
        required=False, allow_null=True, help_text=_("Nieuwe einddatum; weglaten: ongewijzigd.")
    )
    budget_bedrag = bedrag_veld(
        required=False, allow_null=True, help_text=_("Nieuw budget; weglaten: ongewijzigd.")
    )
    volume = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        max_value=VOLUME_MAX,
        help_text=_("Nieuw volume (alleen bij frequentie 6); weglaten: ongewijzigd."),
    )
    instemming_aanbieder = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("De aanbieder stemt in met een verlaging (OP298/OP299)."),
    )
    versturen = serializers.BooleanField(default=True, help_text=_("Meteen een 301 sturen."))


class ToewijzingIntrekkenSerializer(serializers.Serializer):
    einddatum = serializers.DateField(help_text=_("De nieuwe (vroegere) einddatum."))
    reden_wijziging = serializers.ChoiceField(
        choices=REDEN_WIJZIGING_KEUZES, help_text=_("RedenWijziging (WMO002/JZ002).")
    )
    versturen = serializers.BooleanField(default=True, help_text=_("Meteen een 301 sturen."))


class ToewijzingVerwijderenSerializer(serializers.Serializer):
    versturen = serializers.BooleanField(default=True, help_text=_("Meteen een 301 sturen."))


class ToewijzingenVersturenSerializer(serializers.Serializer):
    client = ZichtbaarSlugField(
        slug_field="uuid",
        queryset=Client.objects.all(),
        zichtbaar=clienten_zichtbaar,
        help_text=_("uuid van de cliënt."),
    )
    zorgaanbieder = ZichtbaarSlugField(
        slug_field="uuid",
        queryset=Zorgaanbieder.objects.all(),
        zichtbaar=zorgaanbieders_zichtbaar,
        help_text=_("uuid van de aanbieder."),
    )
    wet = serializers.ChoiceField(choices=Wet.choices, help_text=_("Wmo of Jeugdwet."))


class UitgaandBerichtRefSerializer(serializers.Serializer):
    uuid = serializers.UUIDField(read_only=True, help_text=_("uuid van het bericht."))
    berichtnaam = serializers.CharField(read_only=True, help_text=_("WMO301 of JW301."))
    identificatie = serializers.CharField(read_only=True, help_text=_("BerichtIdentificatie."))
    status = serializers.CharField(read_only=True, help_text=_("Status in de berichtenbox."))


class ToewijzingWijzigingSerializer(serializers.ModelSerializer):
    gebeurtenis = serializers.ChoiceField(
        choices=ToewijzingGebeurtenis.choices, read_only=True, help_text=_("Wat er gebeurde.")
    )
    door = serializers.CharField(
        source="door.username",
        read_only=True,
        allow_null=True,
        help_text=_("Gebruikersnaam; leeg bij een bericht of migratie."),
    )
    voor = serializers.JSONField(read_only=True, help_text=_("Waarden vooraf."))
    na = serializers.JSONField(read_only=True, help_text=_("Waarden achteraf."))

    class Meta:
        model = ToewijzingWijziging
        fields = [
            "gebeurtenis",
            "reden_wijziging",
            "toelichting",
            "instemming_aanbieder",
            "voor",
            "na",
            "door",
            "op",
        ]
        read_only_fields = fields


class ToewijzingReserveringSerializer(serializers.Serializer):
    jaar = serializers.IntegerField(read_only=True, help_text=_("Begrotingsjaar."))
    budgetpost = serializers.UUIDField(read_only=True, help_text=_("uuid van de budgetpost."))
    bedrag = bedrag_veld(read_only=True, help_text=_("Gereserveerd in euro."))
    gerealiseerd_bedrag = bedrag_veld(read_only=True, help_text=_("Gerealiseerd in euro."))
    open_bedrag = bedrag_veld(read_only=True, help_text=_("Nog gereserveerd in euro."))
    status = serializers.CharField(read_only=True, help_text=_("Open, vrijgegeven, afgesloten."))


def verstrek_argumenten(data: dict[str, Any]) -> dict[str, Any]:
    """The service's keyword arguments from a validated verstrekken request (without the
    productcategorie, which the view resolves)."""
    return {
        veld: data[veld]
        for veld in (
            "client",
            "zorgaanbieder",
            "wet",
            "ingangsdatum",
            "einddatum",
            "product",
            "volume",
            "eenheid",
            "frequentie",
            "budget_bedrag",
            "referentie_aanbieder",
            "commentaar",
            "versturen",
        )
        if veld in data
    }

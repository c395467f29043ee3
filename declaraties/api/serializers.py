"""Output serializers of the declaraties API (the input of the API channel is in
:mod:`declaraties.api.invoer`)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from declaraties.models import Beoordelingsinstelling, Declaratie, Prestatie, RegelInstelling
from declaraties.retourcodes import retourcodes
from iwmo_jw.codec import Standaard
from kern.bsn import maskeer_bsn
from kern.models import Gemeente


def _standaard(wet: str) -> Standaard:
    return Standaard.IWMO if wet == "wmo" else Standaard.IJW


def _codes(codes: list[str], wet: str) -> list[dict[str, str]]:
    teksten = retourcodes(_standaard(wet))
    return [{"code": c, "omschrijving": teksten.get(c, "")} for c in codes if c]


class RetourcodeSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Retourcode (WJ001).")
    omschrijving = serializers.CharField(help_text="De betekenis van de code, in het Nederlands.")


class DeclaratieSerializer(serializers.ModelSerializer[Declaratie]):
    gemeente = serializers.CharField(source="gemeente.code", help_text="Gemeentecode (CBS).")
    zorgaanbieder = serializers.CharField(
        source="zorgaanbieder.agb_code", help_text="AGB-code van de zorgaanbieder."
    )
    zorgaanbieder_naam = serializers.CharField(source="zorgaanbieder.naam", help_text="Naam.")
    retourcode = serializers.SerializerMethodField(help_text="Retourcode op declaratieniveau.")

    class Meta:
        model = Declaratie
        fields = [
            "uuid",
            "gemeente",
            "wet",
            "zorgaanbieder",
            "zorgaanbieder_naam",
            "kanaal",
            "berichtidentificatie",
            "declaratienummer",
            "periode_begin",
            "periode_eind",
            "dagtekening",
            "status",
            "retourcode",
            "totaal_ingediend_bedrag",
            "totaal_toegekend_bedrag",
            "ontvangen_op",
            "uiterste_antwoorddatum",
            "beantwoord_op",
        ]
        read_only_fields = fields

    @extend_schema_field(RetourcodeSerializer(allow_null=True))
    def get_retourcode(self, obj: Declaratie) -> dict[str, str] | None:
        codes = _codes([obj.retourcode], obj.wet)
        return codes[0] if codes else None


class PrestatieSerializer(serializers.ModelSerializer[Prestatie]):
    declaratie = serializers.UUIDField(source="declaratie.uuid", help_text="De declaratie.")
    bsn = serializers.SerializerMethodField(help_text="BSN van de cliënt, gemaskeerd.")
    retourcodes = serializers.SerializerMethodField(
        help_text="Waarom de prestatie is afgewezen (leeg bij toekenning)."
    )

    class Meta:
        model = Prestatie
        fields = [
            "uuid",
            "declaratie",
            "regelnummer",
            "bsn",
            "referentienummer",
            "vorig_referentienummer",
            "toewijzingnummer",
            "productcategorie",
            "productcode",
            "periode_begin",
            "periode_eind",
            "geleverd_volume",
            "eenheid",
            "product_tarief",
            "ingediend_bedrag",
            "debet_credit",
            "status",
            "retourcodes",
            "toegekend_bedrag",
        ]
        read_only_fields = fields

    def get_bsn(self, obj: Prestatie) -> str:
        return maskeer_bsn(obj.bsn)

    @extend_schema_field(RetourcodeSerializer(many=True))
    def get_retourcodes(self, obj: Prestatie) -> list[dict[str, str]]:
        return _codes(obj.retourcodes.split(","), obj.declaratie.wet)


class DeclaratieUitkomstSerializer(DeclaratieSerializer):
    """A declaration with the outcome of every prestatie (the answer to a submission)."""

    prestaties = serializers.SerializerMethodField(help_text="Alle prestaties met hun uitkomst.")

    class Meta(DeclaratieSerializer.Meta):
        fields = [*DeclaratieSerializer.Meta.fields, "prestaties"]
        read_only_fields = fields

    @extend_schema_field(PrestatieSerializer(many=True))
    def get_prestaties(self, obj: Declaratie) -> list[dict[str, Any]]:
        rijen = obj.prestaties.select_related("declaratie").order_by("regelnummer")
        return PrestatieSerializer(rijen, many=True).data  # type: ignore[return-value]


class ExcelInvoerSerializer(serializers.Serializer):
    bestand = serializers.FileField(help_text="Het ingevulde sjabloon (.xlsx).")


class SjabloonVraagSerializer(serializers.Serializer):
    gemeente = serializers.RegexField(r"^\d{4}$", required=False, help_text="Gemeentecode.")
    wet = serializers.ChoiceField(
        choices=[("wmo", "Wmo"), ("jw", "Jeugdwet")], required=False, help_text="Wet."
    )
    periode_begin = serializers.DateField(required=False, help_text="Eerste dag van de maand.")
    periode_eind = serializers.DateField(required=False, help_text="Laatste dag van de maand.")


class WerkvoorraadSerializer(PrestatieSerializer):
    """A held prestatie in the review queue, with its deadline."""

    gemeente = serializers.CharField(source="declaratie.gemeente.code", help_text="Gemeente.")
    zorgaanbieder = serializers.CharField(source="zorgaanbieder.agb_code", help_text="AGB-code.")
    declaratienummer = serializers.CharField(source="declaratie.declaratienummer", help_text="Nr.")
    uiterste_antwoorddatum = serializers.DateField(
        source="declaratie.uiterste_antwoorddatum", help_text="Uiterlijk antwoord (325)."
    )
    werkdagen_over = serializers.SerializerMethodField(
        help_text="Werkdagen tot de uiterste antwoorddatum (negatief: verstreken)."
    )
    redenen = serializers.SerializerMethodField(help_text="Waarom aangehouden.")
    wacht_op_bevestiging = serializers.SerializerMethodField(
        help_text="Een voorgestelde afwijzing wacht op een tweede beoordelaar."
    )

    class Meta(PrestatieSerializer.Meta):
        fields = [
            *PrestatieSerializer.Meta.fields,
            "gemeente",
            "zorgaanbieder",
            "declaratienummer",
            "uiterste_antwoorddatum",
            "werkdagen_over",
            "redenen",
            "besluit",
            "besluit_reden",
            "besluit_retourcode",
            "wacht_op_bevestiging",
        ]
        read_only_fields = fields

    def get_werkdagen_over(self, obj: Prestatie) -> int:
        from declaraties.selectors import werkdagen_over

        return werkdagen_over(obj.declaratie.uiterste_antwoorddatum)

    def get_redenen(self, obj: Prestatie) -> list[str]:
        return [r for r in obj.beoordelingsredenen.split(",") if r]

    def get_wacht_op_bevestiging(self, obj: Prestatie) -> bool:
        return obj.besluit == "afwijzen"


class BeoordelenSerializer(serializers.Serializer):
    besluit = serializers.ChoiceField(
        choices=[("toekennen", "Toekennen"), ("afwijzen", "Afwijzen")], help_text="Het besluit."
    )
    reden = serializers.CharField(max_length=255, help_text="De reden van het besluit.")
    retourcode = serializers.CharField(
        max_length=4,
        required=False,
        default="",
        allow_blank=True,
        help_text="Bij afwijzen: de retourcode van de regel die de prestatie overtreedt.",
    )


class BeoordelingsinstellingSerializer(serializers.ModelSerializer[Beoordelingsinstelling]):
    gemeente = serializers.SlugRelatedField(
        slug_field="code", queryset=Gemeente.objects.all(), help_text="Gemeentecode."
    )

    class Meta:
        model = Beoordelingsinstelling
        fields = [
            "gemeente",
            "wet",
            "steekproef_percentage",
            "bedrag_drempel",
            "afwijking_factor",
            "vier_ogen_drempel",
            "gewijzigd_op",
        ]
        read_only_fields = ["gewijzigd_op"]


class RegelInstellingSerializer(serializers.ModelSerializer[RegelInstelling]):
    gemeente = serializers.SlugRelatedField(
        slug_field="code", queryset=Gemeente.objects.all(), help_text="Gemeentecode."
    )

    class Meta:
        model = RegelInstelling
        fields = ["gemeente", "wet", "regel", "uitgeschakeld", "toelichting", "gewijzigd_op"]
        read_only_fields = ["gewijzigd_op"]


class CreditverzoekSerializer(serializers.Serializer):
    """An approved prestatie that no longer fits: what to credit and why."""

    prestatie = PrestatieSerializer(help_text="De prestatie.")
    zorgaanbieder = serializers.CharField(
        source="prestatie.zorgaanbieder.agb_code", help_text="AGB-code."
    )
    redenen = serializers.ListField(
        child=serializers.CharField(), help_text="tarief_gecorrigeerd en/of toewijzing_ingekort."
    )
    toelichting = serializers.CharField(help_text="Waarom, in het Nederlands.")
    te_crediteren = serializers.DecimalField(
        max_digits=14, decimal_places=2, help_text="Het te crediteren bedrag in euro."
    )
    gecrediteerd = serializers.BooleanField(help_text="Al gecrediteerd: het verzoek is afgedaan.")


class CreditverzoekVraagSerializer(serializers.Serializer):
    zorgaanbieder = serializers.RegexField(
        r"^\d{8}$", required=False, help_text="AGB-code van de zorgaanbieder."
    )
    sinds = serializers.DateField(required=False, help_text="Productperiodes vanaf deze datum.")
    gecrediteerd = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Alleen open (false) of afgedane (true).",
    )

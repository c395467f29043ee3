"""The API channel of declarations: a JSON body with the fields of a 323, read into the
codec's ``Bericht323`` (the same dataclass a message or an Excel sheet gives)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rest_framework import serializers

from declaraties.invoer import bericht323, identificatie_van
from iwmo_jw.codec.modellen import (
    BedragMetDC,
    Bericht323,
    Client323,
    GeslotenPeriode,
    Prestatie323,
    Referentie,
)


def _bedragveld(hulp: str, *, verplicht: bool = True) -> serializers.DecimalField:
    if verplicht:
        return serializers.DecimalField(
            max_digits=12, decimal_places=2, min_value=Decimal(0), help_text=hulp
        )
    return serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=Decimal(0),
        required=False,
        allow_null=True,
        default=None,
        help_text=hulp,
    )


class PeriodeInvoerSerializer(serializers.Serializer):
    begindatum = serializers.DateField(help_text="Eerste dag.")
    einddatum = serializers.DateField(help_text="Laatste dag.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["einddatum"] < attrs["begindatum"]:
            raise serializers.ValidationError(
                "De einddatum ligt vóór de begindatum.", code="periode_ongeldig"
            )
        return attrs


class PrestatieInvoerSerializer(serializers.Serializer):
    referentienummer = serializers.CharField(max_length=20, help_text="ReferentieNummer.")
    vorig_referentienummer = serializers.CharField(
        max_length=20,
        required=False,
        allow_blank=True,
        default="",
        help_text="Bij een credit: het ReferentieNummer van de debetprestatie.",
    )
    toewijzingnummer = serializers.IntegerField(
        min_value=0, max_value=999_999_999, help_text="ToewijzingNummer."
    )
    productcategorie = serializers.CharField(max_length=2, help_text="ProductCategorie.")
    productcode = serializers.CharField(max_length=5, help_text="ProductCode.")
    productperiode = PeriodeInvoerSerializer(help_text="ProductPeriode.")
    geleverd_volume = serializers.IntegerField(
        min_value=0, max_value=99_999_999, help_text="GeleverdVolume."
    )
    eenheid = serializers.CharField(max_length=2, help_text="Eenheid (WJ756).")
    product_tarief = _bedragveld("ProductTarief in euro; leeg bij eenheid 83.", verplicht=False)
    ingediend_bedrag = _bedragveld("IngediendBedrag in euro.")
    debet_credit = serializers.ChoiceField(
        choices=[("D", "Debet"), ("C", "Credit")], help_text="D of C."
    )


class ClientInvoerSerializer(serializers.Serializer):
    bsn = serializers.RegexField(r"^\d{9}$", help_text="BSN van de cliënt (9 cijfers).")
    prestaties = PrestatieInvoerSerializer(many=True, allow_empty=False, help_text="Prestaties.")


class DeclaratieInvoerSerializer(serializers.Serializer):
    """A declaration submitted through the API: the fields of a 323."""

    wet = serializers.ChoiceField(choices=[("wmo", "Wmo"), ("jw", "Jeugdwet")], help_text="Wet.")
    gemeente = serializers.RegexField(r"^\d{4}$", help_text="Gemeentecode (CBS).")
    declaratienummer = serializers.RegexField(
        r"^[a-zA-Z0-9]{1,12}$", help_text="DeclaratieNummer (max. 12 letters/cijfers)."
    )
    declaratieperiode = PeriodeInvoerSerializer(help_text="DeclaratiePeriode (een maand).")
    dagtekening = serializers.DateField(help_text="DeclaratieDagtekening.")
    clienten = ClientInvoerSerializer(many=True, allow_empty=False, help_text="Cliënten.")


def naar_bericht(gegevens: dict[str, Any], *, agb_code: str, sleutel: str) -> Bericht323:
    """Validated API data -> ``Bericht323``. The BerichtIdentificatie derives from the
    provider's idempotency key, so a retry carries the same identity."""
    clienten = []
    for client in gegevens["clienten"]:
        prestaties = []
        for p in client["prestaties"]:
            prestaties.append(
                Prestatie323(
                    product_referentie=Referentie(
                        referentie_nummer=p["referentienummer"],
                        vorig_referentie_nummer=p["vorig_referentienummer"] or None,
                    ),
                    toewijzing_nummer=p["toewijzingnummer"],
                    product_categorie=p["productcategorie"],
                    product_code=p["productcode"],
                    product_periode=GeslotenPeriode(
                        begindatum=p["productperiode"]["begindatum"],
                        einddatum=p["productperiode"]["einddatum"],
                    ),
                    geleverd_volume=p["geleverd_volume"],
                    eenheid=p["eenheid"],
                    product_tarief=p["product_tarief"],
                    ingediend_bedrag=BedragMetDC(
                        bedrag=p["ingediend_bedrag"], debet_credit=p["debet_credit"]
                    ),
                )
            )
        clienten.append(Client323(bsn=client["bsn"], prestaties=tuple(prestaties)))
    return bericht323(
        wet=gegevens["wet"],
        agb_code=agb_code,
        gemeentecode=gegevens["gemeente"],
        identificatie=identificatie_van("A", sleutel.encode()),
        declaratienummer=gegevens["declaratienummer"],
        periode_begin=gegevens["declaratieperiode"]["begindatum"],
        periode_eind=gegevens["declaratieperiode"]["einddatum"],
        dagtekening=gegevens["dagtekening"],
        clienten=tuple(clienten),
    )

"""Output serializers of the berichtenbox API (read-only). Gemeenten appear as CBS codes,
related messages by ``uuid``; the raw bytes are only available through ``.../inhoud/``."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from iwmo_jw.models import (
    InkomendBericht,
    InkomendBerichtStatusWijziging,
    Termijn,
    UitgaandBericht,
    UitgaandBerichtStatusWijziging,
)
from iwmo_jw.termijnen import is_verlopen


def _gemeente_veld() -> serializers.CharField:
    return serializers.CharField(
        source="gemeente.code",
        read_only=True,
        allow_null=True,
        default=None,
        help_text=_("CBS-code van de gemeente; leeg als die onbekend is."),
    )


def _uuid_veld(source: str, help_text: Any) -> serializers.UUIDField:
    return serializers.UUIDField(
        source=source, read_only=True, allow_null=True, default=None, help_text=help_text
    )


class BevindingSerializer(serializers.Serializer):
    regel = serializers.CharField(
        help_text=_("De regel die faalde: XML, XSD, TR056 of een regel van de standaard.")
    )
    code = serializers.CharField(
        help_text=_("Stabiele code (xsd_ongeldig, leeg, …) of de retourcode (0001, 9056).")
    )
    melding = serializers.CharField(help_text=_("De bevinding in het Nederlands."))
    regelnummer = serializers.IntegerField(
        allow_null=True, help_text=_("Regelnummer in het bestand, als dat bekend is.")
    )
    element = serializers.CharField(
        allow_null=True, help_text=_("Het element waar de bevinding over gaat, als dat bekend is.")
    )


class _BerichtKopVelden(serializers.ModelSerializer):
    berichtnaam = serializers.CharField(
        read_only=True, help_text=_("Naam van het bericht, bijvoorbeeld JW323; leeg als onbekend.")
    )
    gemeente = _gemeente_veld()


_KOP_VELDEN = [
    "uuid",
    "berichtnaam",
    "standaard",
    "berichtcode",
    "berichttype",
    "afzender",
    "ontvanger",
    "identificatie",
    "identificatie_heen",
    "dagtekening",
    "gemeente",
    "agb_code",
    "grootte",
]


class BerichtRefSerializer(serializers.Serializer):
    uuid = serializers.UUIDField(help_text=_("uuid van het bericht."))
    berichtnaam = serializers.CharField(help_text=_("Naam van het bericht, bijvoorbeeld JW325."))
    identificatie = serializers.CharField(help_text=_("Identificatie van het bericht."))
    status = serializers.CharField(help_text=_("Status van het bericht."))


class InkomendStatusWijzigingSerializer(serializers.ModelSerializer):
    class Meta:
        model = InkomendBerichtStatusWijziging
        fields = ["van_status", "naar_status", "tijdstip", "toelichting"]
        read_only_fields = fields


class UitgaandStatusWijzigingSerializer(serializers.ModelSerializer):
    class Meta:
        model = UitgaandBerichtStatusWijziging
        fields = ["van_status", "naar_status", "tijdstip"]
        read_only_fields = fields


class TermijnSerializer(serializers.ModelSerializer):
    bericht = serializers.UUIDField(
        source="bericht.uuid", read_only=True, help_text=_("uuid van het inkomende bericht.")
    )
    berichtnaam = serializers.CharField(
        source="bericht.berichtnaam", read_only=True, help_text=_("Naam van dat bericht.")
    )
    gemeente = serializers.CharField(
        source="bericht.gemeente.code",
        read_only=True,
        allow_null=True,
        default=None,
        help_text=_("CBS-code van de gemeente."),
    )
    agb_code = serializers.CharField(
        source="bericht.agb_code", read_only=True, help_text=_("AGB-code van de zorgaanbieder.")
    )
    verlopen = serializers.SerializerMethodField(
        help_text=_("Waar als de termijn open is en de uiterste datum vandaag voorbij is.")
    )
    gesloten_door = _uuid_veld(
        "gesloten_door.uuid", _("uuid van het uitgaande bericht dat de termijn sloot.")
    )

    class Meta:
        model = Termijn
        fields = [
            "bericht",
            "berichtnaam",
            "gemeente",
            "agb_code",
            "soort",
            "werkdagen",
            "begindatum",
            "uiterste_datum",
            "verlopen",
            "gesloten_op",
            "gesloten_door",
            "sluitreden",
            "gesignaleerd_op",
        ]
        read_only_fields = fields

    def get_verlopen(self, termijn: Termijn) -> bool:
        return termijn.gesloten_op is None and is_verlopen(
            termijn.uiterste_datum, timezone.localdate()
        )


class InkomendBerichtLijstSerializer(_BerichtKopVelden):
    class Meta:
        model = InkomendBericht
        fields = [
            *_KOP_VELDEN,
            "kanaal",
            "bestandsnaam",
            "ontvangen_op",
            "status",
            "uitkomst_code",
            "retourcode",
            "geldig",
            "niveau",
        ]
        read_only_fields = fields


class InkomendBerichtSerializer(InkomendBerichtLijstSerializer):
    bevindingen = BevindingSerializer(
        many=True, read_only=True, help_text=_("De bevindingen van de controle.")
    )
    origineel = _uuid_veld(
        "origineel.uuid", _("Bij een dubbel of niet-uniek bericht: het eerder ontvangen bericht.")
    )
    antwoord_op = _uuid_veld(
        "antwoord_op.uuid",
        _("Bij een retourbericht (302, 320): het beantwoorde uitgaande bericht."),
    )
    termijnen = TermijnSerializer(
        many=True,
        read_only=True,
        help_text=_("De antwoordtermijnen van de gemeente voor dit bericht."),
    )
    antwoorden = BerichtRefSerializer(
        many=True,
        read_only=True,
        help_text=_("De uitgaande berichten die dit bericht beantwoorden."),
    )
    statuswijzigingen = InkomendStatusWijzigingSerializer(
        many=True, read_only=True, help_text=_("De statusgeschiedenis.")
    )

    class Meta(InkomendBerichtLijstSerializer.Meta):
        fields = [
            *InkomendBerichtLijstSerializer.Meta.fields,
            "sha256",
            "inhoud_volledig",
            "uitkomst_melding",
            "bevindingen",
            "origineel",
            "antwoord_op",
            "beoordeeld_op",
            "verwerkt_op",
            "verwerking_fout",
            "termijnen",
            "antwoorden",
            "statuswijzigingen",
        ]
        read_only_fields = fields


class UitgaandBerichtSerializer(_BerichtKopVelden):
    antwoord_op = _uuid_veld(
        "antwoord_op.uuid", _("Het inkomende bericht dat dit bericht beantwoordt.")
    )

    class Meta:
        model = UitgaandBericht
        fields = [
            *_KOP_VELDEN,
            "sha256",
            "status",
            "aangemaakt_op",
            "geexporteerd_op",
            "verzonden_op",
            "antwoord_op",
        ]
        read_only_fields = fields


class UitgaandBerichtDetailSerializer(UitgaandBerichtSerializer):
    statuswijzigingen = UitgaandStatusWijzigingSerializer(
        many=True, read_only=True, help_text=_("De statusgeschiedenis.")
    )

    class Meta(UitgaandBerichtSerializer.Meta):
        fields = [*UitgaandBerichtSerializer.Meta.fields, "statuswijzigingen"]
        read_only_fields = fields

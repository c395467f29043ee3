"""Serializers of the kernel API: problems, token sign-in, gemeenten."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from kern.models import Gemeente


class OngeldigeParameterSerializer(serializers.Serializer):
    name = serializers.CharField(
        help_text=_("Het veld waar de fout zit (met punten voor geneste velden).")
    )
    code = serializers.CharField(help_text=_("Stabiele foutcode voor dit veld."))
    reason = serializers.CharField(help_text=_("Uitleg in het Nederlands."))


class ProbleemSerializer(serializers.Serializer):
    """An error body (RFC 9457, ``application/problem+json``)."""

    type = serializers.CharField(help_text=_("URN van het soort fout, eindigt op de code."))
    code = serializers.CharField(
        help_text=_("Stabiele foutcode in snake_case, bijvoorbeeld `tariefperiode_overlapt`.")
    )
    title = serializers.CharField(help_text=_("Korte titel bij de HTTP-status."))
    status = serializers.IntegerField(help_text=_("De HTTP-status."))
    detail = serializers.CharField(help_text=_("Uitleg in het Nederlands."))
    invalid_params = OngeldigeParameterSerializer(
        many=True, required=False, help_text=_("De ongeldige velden, als die er zijn.")
    )


class TokenAanvraagSerializer(serializers.Serializer):
    username = serializers.CharField(help_text=_("Gebruikersnaam."))
    password = serializers.CharField(
        style={"input_type": "password"}, trim_whitespace=False, help_text=_("Wachtwoord.")
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(
        help_text=_("Het token; stuur het mee als `Authorization: Token <token>`.")
    )


class GemeenteSerializer(serializers.ModelSerializer):
    class Meta:
        model = Gemeente
        fields = ["code", "naam", "provincie", "actief"]
        read_only_fields = fields

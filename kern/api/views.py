"""Views of the kernel API: sign-in by token and the gemeenten (CBS list), plus the base
pieces every API view of the project uses (:class:`ApiView`, :func:`uuid_of_niet_gevonden`)."""

from __future__ import annotations

import uuid as uuid_lib
from collections.abc import Sequence

import django_filters
from django.contrib.auth import authenticate
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.authentication import BaseAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.schemas.inspectors import ViewInspector
from rest_framework.views import APIView

from kern.api.permissions import SchrijvenAlleenInkoperOfBeheerder
from kern.api.schema import ProbleemAutoSchema
from kern.api.serializers import GemeenteSerializer, TokenAanvraagSerializer, TokenSerializer
from kern.exceptions import DomeinFout, NietGevonden
from kern.models import Gebruiker, Gemeente


class ApiView(APIView):
    """Base of every API view (put it first among the bases): problem responses in the
    schema, reads for signed-in users, writes for inkoper and beheerder."""

    schema: ViewInspector | None = ProbleemAutoSchema()
    #: Dutch description of the view's operations in the OpenAPI schema.
    omschrijving: str = ""
    permission_classes = [IsAuthenticated, SchrijvenAlleenInkoperOfBeheerder]


def uuid_of_niet_gevonden(waarde: str, *, bericht: str, code: str) -> uuid_lib.UUID:
    """Parse a uuid from a URL; anything else is simply not found (404), never a 400."""
    try:
        return uuid_lib.UUID(str(waarde))
    except ValueError:
        raise NietGevonden(bericht, code=code) from None


@extend_schema(tags=["aanmelden"])
class TokenAanvragenView(APIView):
    """Exchange a username and password for an API token (the same token on every call)."""

    schema = ProbleemAutoSchema()
    authentication_classes: Sequence[type[BaseAuthentication]] = []
    permission_classes = [AllowAny]
    publiek = True
    omschrijving = (
        "Wissel gebruikersnaam en wachtwoord in voor een API-token. Elke aanvraag geeft "
        "hetzelfde token; stuur het mee als `Authorization: Token <token>`."
    )

    @extend_schema(
        operation_id="token_aanvragen",
        summary="Token aanvragen",
        request=TokenAanvraagSerializer,
        responses={200: TokenSerializer},
    )
    def post(self, request: Request) -> Response:
        aanvraag = TokenAanvraagSerializer(data=request.data)
        aanvraag.is_valid(raise_exception=True)
        gebruiker = authenticate(
            request=request._request,
            username=aanvraag.validated_data["username"],
            password=aanvraag.validated_data["password"],
        )
        if not isinstance(gebruiker, Gebruiker):
            raise DomeinFout(
                str(_("Gebruikersnaam of wachtwoord is onjuist.")), code="aanmelding_mislukt"
            )
        token, _aangemaakt = Token.objects.get_or_create(user=gebruiker)
        return Response(TokenSerializer({"token": token.key}).data)


class GemeenteFilter(django_filters.FilterSet):
    naam = django_filters.CharFilter(
        lookup_expr="icontains", help_text=_("Deel van de naam (hoofdletterongevoelig).")
    )
    code = django_filters.CharFilter(help_text=_("CBS-gemeentecode, 4 cijfers."))
    provincie = django_filters.CharFilter(
        lookup_expr="iexact", help_text=_("Provincie (hoofdletterongevoelig).")
    )

    class Meta:
        model = Gemeente
        fields = ["naam", "code", "provincie"]


@extend_schema(tags=["gemeenten"])
class GemeenteViewSet(
    ApiView, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Gemeente]
):
    """The municipalities of the CBS list (a public register: every signed-in user reads it)."""

    omschrijving = "De gemeenten volgens de CBS-lijst, met hun gemeentecode."
    queryset = Gemeente.objects.all()
    serializer_class = GemeenteSerializer
    lookup_field = "code"
    filterset_class = GemeenteFilter
    ordering_fields = ["naam", "code", "provincie"]

    def get_queryset(self) -> QuerySet[Gemeente]:
        return Gemeente.objects.all()

    def get_object(self) -> Gemeente:
        try:
            return Gemeente.objects.get(code=self.kwargs["code"])
        except Gemeente.DoesNotExist:
            raise NietGevonden(
                str(_("Gemeente niet gevonden.")), code="gemeente_niet_gevonden"
            ) from None

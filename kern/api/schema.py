"""OpenAPI schema helpers: every operation documents its ``application/problem+json`` errors.

Views set ``schema = ProbleemAutoSchema()``. The schema class adds the problem responses an
operation can give (400 invalid input, 401 not signed in, 403 role missing, 404 not found or
outside the user's scope) unless the view documents that status itself with
``@extend_schema(responses=...)``; :func:`probleem` builds such an entry for other statuses
(409) or a more specific description.
"""

from __future__ import annotations

from typing import Any, Literal

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework.permissions import SAFE_METHODS

from kern.api.problem import PROBLEM_CONTENT_TYPE
from kern.api.serializers import ProbleemSerializer

_OMSCHRIJVINGEN = {
    400: "Ongeldige invoer of een geweigerde actie; `code` zegt waarom, `invalid_params` "
    "noemt de velden.",
    401: "Niet aangemeld (token of sessie ontbreekt of is ongeldig).",
    403: "Aangemeld, maar zonder de rol die voor deze actie nodig is (`geen_toegang`).",
    404: "Niet gevonden of buiten uw bevoegdheid (bij een lijst: een pagina die niet bestaat).",
    409: "Conflict met bestaande gegevens (bijvoorbeeld een dubbele sleutel).",
}


def probleem(status: int, omschrijving: str | None = None) -> dict[Any, OpenApiResponse]:
    """One ``responses`` entry for a problem+json answer with ``status``."""
    return {
        (status, PROBLEM_CONTENT_TYPE): OpenApiResponse(
            response=ProbleemSerializer, description=omschrijving or _OMSCHRIJVINGEN[status]
        )
    }


class ProbleemAutoSchema(AutoSchema):
    """AutoSchema that adds the standard problem responses to every operation.

    A view with ``publiek = True`` (the token endpoint) gets no 401 or 403. Docstrings are
    English and for developers: the description of an operation is the view's Dutch
    ``omschrijving`` (or an ``@extend_schema(description=...)``), never a docstring."""

    def get_description(self) -> str:  # type: ignore[override]
        return str(getattr(self.view, "omschrijving", ""))

    def _probleemstatussen(self) -> list[int]:
        statussen = [400] if self.method not in SAFE_METHODS or self._is_list_view() else []
        publiek = getattr(self.view, "publiek", False)
        if not publiek:
            statussen.append(401)
            if self.method not in SAFE_METHODS:
                statussen.append(403)
        if "{" in self.path or self._is_list_view():
            statussen.append(404)
        return statussen

    def _get_response_bodies(
        self, direction: Literal["request", "response"] = "response"
    ) -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        for status in self._probleemstatussen():
            if str(status) not in responses:
                responses[str(status)] = self._get_response_for_code(
                    OpenApiResponse(
                        response=ProbleemSerializer, description=_OMSCHRIJVINGEN[status]
                    ),
                    str(status),
                    [PROBLEM_CONTENT_TYPE],
                    direction,
                )
        return responses

"""Errors as RFC 9457 ``application/problem+json`` with a stable ``code``.

Every error body has ``type``, ``code``, ``title``, ``status`` and ``detail`` (Dutch), plus
``invalid_params`` (field, reason) for field errors.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from kern.exceptions import DomeinFout, van_validation_error

PROBLEM_CONTENT_TYPE = "application/problem+json"

_TITELS = {
    400: "Ongeldige invoer",
    401: "Niet aangemeld",
    403: "Geen toegang",
    404: "Niet gevonden",
    405: "Methode niet toegestaan",
    409: "Conflict",
    413: "Bestand te groot",
    415: "Bestandsformaat niet ondersteund",
    429: "Te veel verzoeken",
}

_DRF_CODES = {
    exceptions.NotAuthenticated: "niet_aangemeld",
    exceptions.AuthenticationFailed: "aanmelding_mislukt",
    exceptions.PermissionDenied: "geen_toegang",
    exceptions.NotFound: "niet_gevonden",
    exceptions.MethodNotAllowed: "methode_niet_toegestaan",
    exceptions.ParseError: "onleesbaar_verzoek",
    exceptions.UnsupportedMediaType: "mediatype_niet_ondersteund",
    exceptions.Throttled: "te_veel_verzoeken",
}


def problem(
    *,
    status_code: int,
    code: str,
    detail: str,
    invalid_params: list[dict[str, str]] | None = None,
    extra: dict[str, Any] | None = None,
) -> Response:
    body: dict[str, Any] = {
        "type": f"urn:geldstromen:fout:{code}",
        "code": code,
        "title": _TITELS.get(status_code, "Fout"),
        "status": status_code,
        "detail": detail,
    }
    if invalid_params:
        body["invalid_params"] = invalid_params
    if extra:
        body.update(extra)
    return Response(body, status=status_code, content_type=PROBLEM_CONTENT_TYPE)


def _params(detail: Any, prefix: str = "") -> list[dict[str, str]]:
    params: list[dict[str, str]] = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            params += _params(value, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(detail, list):
        for index, value in enumerate(detail):
            if isinstance(value, dict | list):
                params += _params(value, f"{prefix}.{index}" if prefix else str(index))
            else:
                params += _params(value, prefix)
    else:
        code = getattr(detail, "code", None) or "ongeldig"
        params.append(
            {"name": prefix or "non_field_errors", "code": str(code), "reason": str(detail)}
        )
    return params


def _veldcode(exc: DomeinFout, veld: str, index: int) -> str:
    codes = exc.veldcodes.get(veld, [])
    return codes[index] if index < len(codes) else exc.code


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        exc = van_validation_error(exc)
    if isinstance(exc, DomeinFout):
        params = [
            {
                "name": veld,
                "code": _veldcode(exc, veld, i),
                "reason": bericht,
            }
            for veld, berichten in exc.velden.items()
            for i, bericht in enumerate(berichten)
        ]
        return problem(
            status_code=exc.status,
            code=exc.code,
            detail=exc.bericht,
            invalid_params=params,
            extra=exc.details or None,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        params = _params(exc.detail)
        return problem(
            status_code=status.HTTP_400_BAD_REQUEST,
            code="ongeldige_invoer",
            detail="; ".join(f"{p['name']}: {p['reason']}" for p in params),
            invalid_params=params,
        )
    code = next((c for cls, c in _DRF_CODES.items() if isinstance(exc, cls)), "fout")
    detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
    result = problem(status_code=response.status_code, code=code, detail=str(detail))
    for header in ("WWW-Authenticate", "Retry-After", "Allow"):
        if header in response:
            result[header] = response[header]
    return result

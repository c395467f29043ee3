"""Domain errors: a Dutch message for people and a stable code for machines.

Services raise :class:`DomeinFout` (or a subclass); the API turns it into
``application/problem+json`` with the code, the command line prints the message. Codes are
part of the public contract: never rename one, add a new one instead.
"""

from __future__ import annotations

from typing import Any


class DomeinFout(Exception):
    """A refused action. ``code`` is stable snake_case; ``bericht`` is Dutch for the user."""

    status = 400
    code = "ongeldige_invoer"

    def __init__(
        self,
        bericht: str,
        *,
        code: str | None = None,
        velden: dict[str, list[str]] | None = None,
        veldcodes: dict[str, list[str]] | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(bericht)
        self.bericht = bericht
        if code is not None:
            self.code = code
        self.velden = velden or {}
        #: Per field, the stable code of each message in ``velden`` (same order); fields
        #: without an entry carry the error's own ``code``.
        self.veldcodes = veldcodes or {}
        self.details = details or {}

    def __str__(self) -> str:
        return self.bericht


class NietGevonden(DomeinFout):
    """The object does not exist or lies outside the user's scope (both answer 404)."""

    status = 404
    code = "niet_gevonden"


class Conflict(DomeinFout):
    status = 409
    code = "conflict"


class GeenToegang(DomeinFout):
    """The user may see the object but not perform this action on it."""

    status = 403
    code = "geen_toegang"


#: Django's generic validation codes, mapped to this project's stable Dutch codes.
GENERIEKE_CODES = {
    "max_length": "te_lang",
    "min_length": "te_kort",
    "invalid_choice": "ongeldige_keuze",
    "required": "verplicht",
    "blank": "verplicht",
    "null": "verplicht",
    "unique": "bestaat_al",
    "unique_together": "bestaat_al",
    "invalid": "ongeldig",
    "max_value": "te_groot",
    "min_value": "te_klein",
    "max_digits": "te_veel_cijfers",
    "max_decimal_places": "te_veel_decimalen",
}


def van_validation_error(error: Any, *, code: str = "ongeldige_invoer") -> DomeinFout:
    """Turn a Django ``ValidationError`` (from ``full_clean``) into a :class:`DomeinFout`.

    The error's code is the first project-specific code among the field errors (e.g.
    ``agb_ongeldig``), else the first generic one mapped to Dutch (``te_lang``), else ``code``.
    A constraint name (``CheckConstraint``/``UniqueConstraint`` violation) is used as is.
    """
    velden: dict[str, list[str]] = {}
    veldcodes: dict[str, list[str]] = {}
    codes: list[str] = []
    if hasattr(error, "error_dict"):
        for veld, fouten in error.error_dict.items():
            velden[veld] = [str(m) for f in fouten for m in f.messages]
            veldcodes[veld] = [
                GENERIEKE_CODES.get(f.code, f.code) if f.code else code
                for f in fouten
                for _ in f.messages
            ]
            codes += [f.code for f in fouten if f.code]
    elif getattr(error, "error_list", None):
        codes += [f.code for f in error.error_list if f.code]
    berichten = [m for lijst in velden.values() for m in lijst] or [str(m) for m in error.messages]
    specifiek = [c for c in codes if c not in GENERIEKE_CODES]
    if specifiek:
        fout_code = specifiek[0]
    elif codes:
        fout_code = GENERIEKE_CODES[codes[0]]
    else:
        fout_code = code
    return DomeinFout(" ".join(berichten), code=fout_code, velden=velden, veldcodes=veldcodes)

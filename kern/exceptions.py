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
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(bericht)
        self.bericht = bericht
        if code is not None:
            self.code = code
        self.velden = velden or {}
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


def van_validation_error(error: Any, *, code: str = "ongeldige_invoer") -> DomeinFout:
    """Turn a Django ``ValidationError`` (from ``full_clean``) into a :class:`DomeinFout`."""
    velden: dict[str, list[str]] = {}
    if hasattr(error, "error_dict"):
        for veld, fouten in error.error_dict.items():
            velden[veld] = [str(m) for f in fouten for m in f.messages]
    berichten = [m for lijst in velden.values() for m in lijst] or [str(m) for m in error.messages]
    fout_code = code
    if hasattr(error, "error_dict"):
        codes = {f.code for fouten in error.error_dict.values() for f in fouten if f.code}
        if len(codes) == 1:
            fout_code = codes.pop()
    elif getattr(error, "code", None):
        fout_code = error.code
    return DomeinFout("; ".join(berichten), code=fout_code, velden=velden)

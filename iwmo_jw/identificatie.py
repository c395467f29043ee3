"""The one way this service names a message it writes (301, 306, 308, 316, 318, 319, 325)."""

from __future__ import annotations

import secrets
import string
import time

_BASE36 = string.digits + string.ascii_uppercase


def _base36(getal: int) -> str:
    tekens = []
    while getal:
        getal, rest = divmod(getal, 36)
        tekens.append(_BASE36[rest])
    return "".join(reversed(tekens)) or "0"


def nieuwe_berichtidentificatie() -> str:
    """A new BerichtIdentificatie (at most 12 characters, LDT_IdentificatieBericht): the
    moment in milliseconds in base 36 (8 characters until 2059, so they sort by time) and 4
    random characters, so two messages of one gemeente in the same millisecond still differ
    (TR056 asks uniqueness per sender and message type; the outbox's unique constraint on
    sender, BerichtCode and Identificatie is the last defence)."""
    moment = _base36(time.time_ns() // 1_000_000).rjust(8, "0")
    return moment + "".join(secrets.choice(_BASE36) for _ in range(4))

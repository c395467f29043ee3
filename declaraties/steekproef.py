"""Which approved prestaties are held for review before the 325 goes out. Pure.

Three reasons, each switched on by the gemeente's :class:`Beoordelingsinstelling`:

- ``steekproef``: a random share. "Random" is a hash of the provider, the ReferentieNummer
  and the declaration's identity, so the same declaration processed again draws the same
  lines (a retry must give the same outcome), while a provider cannot predict which lines of
  a new declaration are drawn;
- ``bedrag``: every line at or above an amount;
- ``afwijkend``: a line whose amount is more than ``factor`` times the provider's own average
  for that product (or less than the average divided by ``factor``). Without an average (no
  history yet) a line is not afwijkend.

Credits are never held: a gemeente may reject a credit on technical grounds only (IV085).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

STEEKPROEF = "steekproef"
BEDRAG = "bedrag"
AFWIJKEND = "afwijkend"

_SCHAAL = 1_000_000


@dataclass(frozen=True, slots=True)
class Instelling:
    steekproef_percentage: Decimal = Decimal(0)
    bedrag_drempel: Decimal | None = None
    afwijking_factor: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Kandidaat:
    """An approved debit line: its key and what the reasons look at."""

    sleutel: int
    referentienummer: str
    productcode: str
    bedrag: Decimal


def getrokken(*, zaad: str, referentienummer: str, percentage: Decimal) -> bool:
    """Whether a line falls in the random share: its hash, as a number in [0, 1), below
    ``percentage`` / 100."""
    if percentage <= 0:
        return False
    if percentage >= 100:
        return True
    digest = hashlib.sha256(f"{zaad}\x1f{referentienummer}".encode()).digest()
    positie = int.from_bytes(digest[:8], "big") % _SCHAAL
    return Decimal(positie) < percentage * _SCHAAL / 100


def te_beoordelen(
    kandidaten: Iterable[Kandidaat],
    *,
    instelling: Instelling,
    zaad: str,
    gemiddelden: Mapping[str, Decimal],
) -> dict[int, tuple[str, ...]]:
    """The lines to hold, keyed by ``sleutel``, with their reasons (in a fixed order)."""
    gekozen: dict[int, tuple[str, ...]] = {}
    for k in kandidaten:
        redenen: list[str] = []
        if getrokken(
            zaad=zaad,
            referentienummer=k.referentienummer,
            percentage=instelling.steekproef_percentage,
        ):
            redenen.append(STEEKPROEF)
        if instelling.bedrag_drempel is not None and k.bedrag >= instelling.bedrag_drempel:
            redenen.append(BEDRAG)
        factor = instelling.afwijking_factor
        gemiddelde = gemiddelden.get(k.productcode)
        if (
            factor is not None
            and gemiddelde is not None
            and gemiddelde > 0
            and (k.bedrag > gemiddelde * factor or k.bedrag * factor < gemiddelde)
        ):
            redenen.append(AFWIJKEND)
        if redenen:
            gekozen[k.sleutel] = tuple(redenen)
    return gekozen

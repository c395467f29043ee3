"""Prices of a prestatie: which contract tariff it must carry (TR418) and what its
IngediendBedrag must be (TR346), with the one place for IV081's rounding of hours declared in
minutes.

IV081: when the tariff is agreed per hour and the prestatie is declared in minutes,

- ProductTarief = hourly tariff / 60, rounded to cents (shown only);
- IngediendBedrag = hourly tariff x minutes / 60, rounded to cents: the *unrounded* minute
  tariff is used, never the rounded ProductTarief.

Rounding is arithmetic (half up, 1,455 -> 1,46), through :func:`kern.geld.afronden`.
"""

from __future__ import annotations

from decimal import Decimal

from declaraties.regels.context import MINUUT, UUR, Tarief
from kern.geld import afronden

_ZESTIG = Decimal(60)


def minuuttarief(uurtarief: Decimal) -> Decimal:
    """IV081: the ProductTarief of a prestatie in minutes under an hourly tariff."""
    return afronden(uurtarief / _ZESTIG)


def bedrag_in_minuten(uurtarief: Decimal, minuten: int) -> Decimal:
    """IV081/TR346: the IngediendBedrag of ``minuten`` minutes under an hourly tariff."""
    return afronden(uurtarief * minuten / _ZESTIG)


def tarief_past(tarief: Tarief, eenheid: str, product_tarief: Decimal) -> bool:
    """TR418: ``product_tarief`` (declared in ``eenheid``) is this contract tariff: the same
    eenheid and amount, or minutes against an hourly tariff with the IV081 minute tariff."""
    if tarief.eenheid == eenheid:
        return tarief.bedrag == product_tarief
    if tarief.eenheid == UUR and eenheid == MINUUT:
        return minuuttarief(tarief.bedrag) == product_tarief
    return False


def passende_tarieven(tarieven: tuple[Tarief, ...]) -> frozenset[tuple[str, Decimal]]:
    """TR418 for many lines at once: the (eenheid, ProductTarief) pairs that
    :func:`tarief_past` accepts for one of ``tarieven``: each tariff in its own eenheid, and
    an hourly tariff also as its IV081 minute tariff. A Decimal is equal to, and hashes as,
    the same amount with other trailing zeros, so membership is ``tarief_past``'s equality."""
    paren = {(t.eenheid, t.bedrag) for t in tarieven}
    paren.update((MINUUT, minuuttarief(t.bedrag)) for t in tarieven if t.eenheid == UUR)
    return frozenset(paren)


def verwacht_bedrag(
    geleverd_volume: int, eenheid: str, product_tarief: Decimal, tarieven: tuple[Tarief, ...]
) -> Decimal:
    """TR346: what IngediendBedrag must be. GeleverdVolume x ProductTarief, except for minutes
    whose ProductTarief is the IV081 minute tariff of a valid hourly contract tariff: then
    that hourly tariff x minutes / 60, rounded."""
    if eenheid == MINUUT:
        for tarief in tarieven:
            if tarief.eenheid == UUR and minuuttarief(tarief.bedrag) == product_tarief:
                return bedrag_in_minuten(tarief.bedrag, geleverd_volume)
    return product_tarief * geleverd_volume

"""Money helpers: one precision, one rounding rule, and the eurocent boundary of the messages.

Amounts in the domain are ``Decimal`` euros. The iWmo/iJw messages carry integer eurocents;
convert with :func:`eurocent_naar_euro` and :func:`euro_naar_eurocent` at that boundary only.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from moneyed import Money

#: Every money field in the project uses these (large enough for a region's yearly budget).
BEDRAG_MAX_DIGITS = 14
BEDRAG_DECIMAL_PLACES = 2
VALUTA = "EUR"

CENT = Decimal("0.01")


def afronden(bedrag: Decimal) -> Decimal:
    """Round a computed amount to whole cents, half away from zero (ROUND_HALF_UP)."""
    if not isinstance(bedrag, Decimal):
        raise TypeError("afronden verwacht een Decimal, geen float of int")
    return bedrag.quantize(CENT, rounding=ROUND_HALF_UP)


def euro(bedrag: Decimal | str | int) -> Money:
    """A ``Money`` in euros; strings and ints are read exactly, floats are refused."""
    if isinstance(bedrag, float):
        raise TypeError("geen float voor geldbedragen")
    return Money(Decimal(bedrag), VALUTA)


def eurocent_naar_euro(eurocent: int) -> Decimal:
    """Integer eurocents (as in the messages) to a Decimal euro amount with two decimals."""
    if isinstance(eurocent, bool) or not isinstance(eurocent, int):
        raise TypeError("eurocenten zijn een geheel getal")
    return (Decimal(eurocent) / 100).quantize(CENT)


def euro_naar_eurocent(bedrag: Decimal) -> int:
    """A Decimal euro amount to integer eurocents; refuses amounts with fractions of a cent."""
    if not isinstance(bedrag, Decimal):
        raise TypeError("euro_naar_eurocent verwacht een Decimal")
    centen = bedrag * 100
    if centen != centen.to_integral_value():
        raise ValueError(f"bedrag {bedrag} heeft meer dan twee decimalen")
    return int(centen)

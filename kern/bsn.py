"""BSN validation through python-stdnum (the eleven-test), and masking for display."""

from __future__ import annotations

from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.nl import bsn as stdnum_bsn

from kern.exceptions import DomeinFout


class OngeldigBsn(DomeinFout):
    code = "bsn_ongeldig"


def valideer_bsn(waarde: str) -> str:
    """Return the compact 9-digit BSN or raise :class:`OngeldigBsn` (the value is not echoed)."""
    try:
        return str(stdnum_bsn.validate(waarde))
    except StdnumValidationError:
        # Never repeat the number itself: it may be a real BSN with a typo.
        raise OngeldigBsn(
            "Het BSN is ongeldig (geen 9 cijfers of voldoet niet aan de elfproef)."
        ) from None


def maskeer_bsn(waarde: str) -> str:
    """Show only the last three digits: ``******123``."""
    compact = stdnum_bsn.compact(waarde)
    return "*" * max(len(compact) - 3, 0) + compact[-3:]

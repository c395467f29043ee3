"""Field validators with Dutch messages and stable codes (the code becomes the API error code)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from stdnum import iban as stdnum_iban
from stdnum.exceptions import ValidationError as StdnumValidationError

agb_validator = RegexValidator(
    r"^\d{8}$", _("Een AGB-code bestaat uit precies 8 cijfers."), code="agb_ongeldig"
)
kvk_validator = RegexValidator(
    r"^\d{8}$", _("Een KvK-nummer bestaat uit precies 8 cijfers."), code="kvk_ongeldig"
)
productcode_validator = RegexValidator(
    r"^[A-Za-z0-9]{1,5}$",
    _("Een productcode bestaat uit 1 tot 5 letters of cijfers."),
    code="productcode_ongeldig",
)
productcategorie_validator = RegexValidator(
    r"^\d{2}$", _("Een productcategorie bestaat uit 2 cijfers."), code="productcategorie_ongeldig"
)


def iban_compact(waarde: str) -> str:
    return str(stdnum_iban.compact(waarde))


def valideer_iban(waarde: str) -> None:
    """IBAN with country format and mod-97 check digits (python-stdnum)."""
    try:
        stdnum_iban.validate(waarde)
    except StdnumValidationError:
        raise ValidationError(
            _("Het IBAN is ongeldig (controleer landcode, lengte en controlecijfers)."),
            code="iban_ongeldig",
        ) from None

"""Reading single cells of the tariff sheet. Each reader returns a clean value or raises
:class:`CelFout` with a stable code and a Dutch message. Pure: no database."""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from contracten.constants import Eenheid
from kern.constants import Wet
from kern.geld import BEDRAG_DECIMAL_PLACES, BEDRAG_MAX_DIGITS, CENT

_MAX_BEDRAG = Decimal(10) ** (BEDRAG_MAX_DIGITS - BEDRAG_DECIMAL_PLACES)
_DATUM_NL = re.compile(r"(\d{1,2})-(\d{1,2})-(\d{4})")
_DATUM_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_WETTEN = {"wmo": Wet.WMO, "wmo 2015": Wet.WMO, "jw": Wet.JW, "jeugdwet": Wet.JW}


class CelFout(Exception):
    def __init__(self, code: str, bericht: str) -> None:
        super().__init__(bericht)
        self.code = code
        self.bericht = bericht


def tekst(waarde: Any) -> str:
    if waarde is None:
        return ""
    if isinstance(waarde, float) and waarde.is_integer():
        return str(int(waarde))
    return str(waarde).strip()


def is_leeg(waarde: Any) -> bool:
    return waarde is None or (isinstance(waarde, str) and not waarde.strip())


def _cijfercode(waarde: Any, lengte: int) -> str:
    """A code of digits. A numeric cell has lost its leading zeros: they are put back."""
    code = tekst(waarde)
    if isinstance(waarde, int | float) and not isinstance(waarde, bool) and code.isdigit():
        code = code.zfill(lengte)
    return code


def contractnummer(waarde: Any) -> str:
    nummer = tekst(waarde)
    if len(nummer) > 40:
        raise CelFout("contractnummer_ongeldig", "Een contractnummer heeft hoogstens 40 tekens.")
    return nummer


def agb_code(waarde: Any) -> str:
    code = _cijfercode(waarde, 8)
    if not re.fullmatch(r"\d{8}", code):
        raise CelFout("agb_ongeldig", "Een AGB-code bestaat uit precies 8 cijfers.")
    return code


def gemeentecode(waarde: Any) -> str:
    code = _cijfercode(waarde, 4)
    if not re.fullmatch(r"\d{4}", code):
        raise CelFout("gemeentecode_ongeldig", "Een gemeentecode bestaat uit 4 cijfers (CBS).")
    return code


def wet(waarde: Any) -> str:
    gevonden = _WETTEN.get(tekst(waarde).lower())
    if gevonden is None:
        raise CelFout("wet_ongeldig", f"Wet {tekst(waarde)!r} is onbekend; gebruik wmo of jw.")
    return gevonden.value


def productcategorie(waarde: Any) -> str:
    code = _cijfercode(waarde, 2)
    if not re.fullmatch(r"\d{2}", code):
        raise CelFout("productcategorie_ongeldig", "Een productcategorie bestaat uit 2 cijfers.")
    return code


def productcode(waarde: Any) -> str:
    code = tekst(waarde)
    if not re.fullmatch(r"[A-Za-z0-9]{1,5}", code):
        raise CelFout(
            "productcode_ongeldig", "Een productcode bestaat uit 1 tot 5 letters of cijfers."
        )
    return code


def eenheid(waarde: Any) -> str:
    code = _cijfercode(waarde, 2)
    if code not in Eenheid.values:
        raise CelFout(
            "eenheid_onbekend",
            f"Eenheid {code!r} is onbekend; gebruik 01, 04, 14, 16, 82, 83 of 84.",
        )
    return code


def tarief(waarde: Any) -> Decimal:
    """A tariff in euro with at most two decimals, returned with exactly two.

    A numeric cell arrives as a float. It is read through its 15 significant digits (the
    precision Excel itself shows), as text, so 12.3 becomes Decimal("12.30") and a value
    computed in Excel as 71.50000000000001 becomes 71.50; no binary arithmetic touches it.
    Text may use a decimal comma and a euro sign ("€ 1.234,50").
    """
    ongeldig = CelFout(
        "tarief_ongeldig", f"Het tarief {tekst(waarde)!r} is geen bedrag (bijvoorbeeld 65,40)."
    )
    if isinstance(waarde, bool):
        raise ongeldig
    if isinstance(waarde, int | Decimal):
        bedrag = Decimal(waarde)
    elif isinstance(waarde, float):
        if not math.isfinite(waarde):
            raise ongeldig
        bedrag = Decimal(format(waarde, ".15g"))
    elif isinstance(waarde, str):
        getal = re.sub(r"(?i)[\s\u00a0€]|eur", "", waarde)
        if "," in getal and "." in getal:
            if getal.rfind(",") > getal.rfind("."):
                getal = getal.replace(".", "").replace(",", ".")  # 1.234,56
            else:
                getal = getal.replace(",", "")  # 1,234.56
        else:
            getal = getal.replace(",", ".")
        if not re.fullmatch(r"-?\d+(\.\d+)?", getal):
            raise ongeldig
        bedrag = Decimal(getal)
    else:
        raise ongeldig
    if not bedrag.is_finite():
        raise ongeldig
    if bedrag < 0:
        raise CelFout("tarief_negatief", "Een tarief is niet negatief.")
    if bedrag >= _MAX_BEDRAG:
        raise CelFout("tarief_ongeldig", "Het tarief is te groot.")
    if bedrag != bedrag.quantize(CENT):
        raise CelFout(
            "tarief_decimalen", "Een tarief heeft hoogstens twee decimalen (hele centen)."
        )
    return abs(bedrag.quantize(CENT))  # abs: -0.00 becomes 0.00


def datum(waarde: Any) -> date:
    """A date cell, or text as dd-mm-jjjj or jjjj-mm-dd."""
    if isinstance(waarde, datetime):
        return waarde.date()
    if isinstance(waarde, date):
        return waarde
    ongeldig = CelFout(
        "datum_ongeldig",
        f"De datum {tekst(waarde)!r} is ongeldig; gebruik een datumcel of dd-mm-jjjj.",
    )
    if not isinstance(waarde, str):
        raise ongeldig
    if match := _DATUM_NL.fullmatch(waarde.strip()):
        dag, maand, jaar = (int(d) for d in match.groups())
    elif match := _DATUM_ISO.fullmatch(waarde.strip()):
        jaar, maand, dag = (int(d) for d in match.groups())
    else:
        raise ongeldig
    try:
        return date(jaar, maand, dag)
    except ValueError:
        raise ongeldig from None

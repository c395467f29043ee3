"""The Dutch texts of the retourcodes (``LDT_RetourCode`` of the iWmo 3.2 and iJw 3.2
basisschema), for people who read a 325 or a rejected prestatie.

The lists are package data copied from ``shared/istandaarden/codelijsten/xsd-enumeraties/`` by
``scripts/codelijsten_kopieren.py`` (never edited by hand; a test compares them with the
source). The two standards differ in a few texts of codes a 323 never gets (9360, 9365, 9413,
9415), so each has its own list.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from types import MappingProxyType

from iwmo_jw.codec import Standaard

DATA = Path(__file__).resolve().parent / "data"

_BESTANDEN = {Standaard.IWMO: "retourcodes-wmo.csv", Standaard.IJW: "retourcodes-jw.csv"}


@cache
def retourcodes(standaard: Standaard = Standaard.IWMO) -> Mapping[str, str]:
    """Retourcode -> Dutch description, as the standard's code list has it."""
    with (DATA / _BESTANDEN[standaard]).open(encoding="utf-8", newline="") as handle:
        return MappingProxyType({r["code"]: r["omschrijving"] for r in csv.DictReader(handle)})


def omschrijving(code: str, standaard: Standaard = Standaard.IWMO) -> str:
    """The description of ``code``; raises KeyError for a code the standard does not know."""
    return retourcodes(standaard)[code]

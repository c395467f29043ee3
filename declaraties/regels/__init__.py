"""Levels 3 and 4 of the validation of an incoming declaration (323): the rules across
messages and against external sources (contract tariffs, product list, CBS list, system date),
each a small pure function named after its official rule id, with its retourcode (NOTES.md
section 4, IV087/IV088).

- ``context``: :class:`DeclaratieContext`, everything the rules need, loaded elsewhere for the
  whole message in a fixed number of queries;
- ``kop``: the rules on Header, Declaratie and Client; ``prestaties``: the rules on one
  Prestatie; ``limieten``: the volume per ProductPeriode and per toewijzing (IV076-IV078);
  ``tarieven``: contract tariff and IV081 rounding;
- ``tabel``: the rule tables (id, retourcode, class, level, may be switched off);
- ``uitvoeren``: :func:`beoordelen`, the runner (credits before debits, running totals).

Level 2 (retourcode 0001) is the codec's (``iwmo_jw.codec.niveau2``) and runs first; the 325
answer is built by :mod:`declaraties.antwoord`.
"""

from declaraties.regels.basis import Bevinding, Klasse, Regel
from declaraties.regels.context import (
    DeclaratieContext,
    EerdereDebet,
    Omvang,
    Sleutel,
    Tarief,
    Toewijzing,
    Verbruik,
    VerbruikRij,
    basisvolume,
)
from declaraties.regels.tabel import (
    ALLE_REGELS,
    CLIENTREGELS,
    CREDITREGELS,
    DEBETREGELS,
    DECLARATIEREGELS,
    HEADERREGELS,
    RETOURCODES,
    UITSCHAKELBAAR,
)
from declaraties.regels.uitvoeren import (
    NIET_BEOORDEELD,
    Beoordeling,
    PrestatieUitkomst,
    Uitkomst,
    beoordelen,
)

__all__ = [
    "ALLE_REGELS",
    "CLIENTREGELS",
    "CREDITREGELS",
    "DEBETREGELS",
    "DECLARATIEREGELS",
    "HEADERREGELS",
    "NIET_BEOORDEELD",
    "RETOURCODES",
    "UITSCHAKELBAAR",
    "Beoordeling",
    "Bevinding",
    "DeclaratieContext",
    "EerdereDebet",
    "Klasse",
    "Omvang",
    "PrestatieUitkomst",
    "Regel",
    "Sleutel",
    "Tarief",
    "Toewijzing",
    "Uitkomst",
    "Verbruik",
    "VerbruikRij",
    "basisvolume",
    "beoordelen",
]

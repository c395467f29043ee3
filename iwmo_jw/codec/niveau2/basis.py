"""What every level-2 rule uses: the finding (:class:`Bevinding`), its path in the message,
and small pure helpers for BSNs, dates, amounts and overlapping products.

A rule is a pure function ``regel(bericht) -> Iterator[Bevinding]`` named after its official
id (``cs002_bsn_elfproef``). A :class:`Bevinding` carries the rule id, the element, a Dutch
text for people (never a whole BSN: :func:`maskeer`) and the path of the element in the
message, so that :func:`iwmo_jw.codec.niveau2.met_regelnummers` can add the line number when
the XML tree is at hand. The retourcode of every level-2 finding is ``0001``.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from operator import mul
from typing import Any

from iwmo_jw.codec.fouten import Melding
from iwmo_jw.codec.soorten import Standaard
from kern.bsn import maskeer_bsn

#: The retourcode of every finding of level 2 ("technisch afgekeurd", IV088).
RETOURCODE = "0001"

#: CS100: dates of the DeclaratiePeriode and ProductPeriode are on or after this day.
CS100_VANAF = date(2021, 1, 1)
#: CD080/CD095/CD096, CS338/CS343: the rules apply when the end date lies after this day.
EINDE_2020 = date(2020, 12, 31)

#: One step of a path: the element's local name and its position (0-based) among the
#: siblings of that name, e.g. ("Prestatie", 3).
Stap = tuple[str, int]
Pad = tuple[Stap, ...]


@dataclass(frozen=True, slots=True)
class Bevinding:
    """One level-2 finding: ``regel`` (CS002, TR358, ...), ``element`` (its local name),
    ``melding`` (Dutch, for people) and ``pad``, the path from the root to the element."""

    regel: str
    element: str
    melding: str
    pad: Pad = ()

    def als_melding(self, regelnummer: int | None = None) -> Melding:
        return Melding(
            regel=self.regel,
            code=RETOURCODE,
            melding=self.melding,
            regelnummer=regelnummer,
            element=self.element,
        )


Regel = Callable[[Any], Iterator[Bevinding]]


def bevinding(regel: str, element: str, plaats: str, tekst: str, pad: Pad) -> Bevinding:
    """A finding whose text reads ``"<plaats>: <tekst> (<regel>)"``."""
    return Bevinding(regel, element, f"{plaats}: {tekst} ({regel})", pad)


# --- BSN ---------------------------------------------------------------------------------------

_GEWICHTEN = (9, 8, 7, 6, 5, 4, 3, 2, -1)


def elfproef(bsn: str) -> bool:
    """The eleven-test of CS002: ``(9*d1 + 8*d2 + ... + 2*d8 - d9) mod 11 == 0`` for nine
    digits; like python-stdnum (``kern.bsn``) it refuses 000000000."""
    if len(bsn) != 9 or not bsn.isascii() or not bsn.isdigit() or bsn == "000000000":
        return False
    return sum(map(mul, _GEWICHTEN, map(int, bsn))) % 11 == 0


def maskeer(bsn: str) -> str:
    """``******123``: a BSN is never shown in full."""
    return maskeer_bsn(bsn)


# --- dates and amounts -------------------------------------------------------------------------


def datum(dag: date) -> str:
    """Dutch notation, as the rule texts use it: 01-01-2021."""
    return f"{dag.day:02d}-{dag.month:02d}-{dag.year:04d}"


def periode(begin: date, eind: date | None) -> str:
    return f"{datum(begin)} t/m {datum(eind) if eind is not None else '(open)'}"


def bedrag(euro: Decimal) -> str:
    """``€ 1.234,56`` (the message itself holds 123456 eurocent)."""
    tekst = f"{euro:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
    return f"€ {tekst}"


def laatste_dag_van_maand(dag: date) -> date:
    return dag.replace(day=calendar.monthrange(dag.year, dag.month)[1])


def jaren_terug(dag: date, jaren: int) -> date:
    """The same calendar day ``jaren`` years earlier; 29 February becomes 28 February when the
    earlier year has none; before year 1 it is the first day there is."""
    jaar = dag.year - jaren
    if jaar < 1:
        return date.min
    if dag.month == 2 and dag.day == 29 and not calendar.isleap(jaar):
        return date(jaar, 2, 28)
    return dag.replace(year=jaar)


# --- paths and places --------------------------------------------------------------------------

CLIENT: Pad = (("Client", 0),)


def client_pad(*rest: Stap) -> Pad:
    """Path below the single Client of a 305, 307, 315 or 317."""
    return CLIENT + rest


# --- products that may not overlap (TR386, TR410) -----------------------------------------------

#: iWmo only: products of these categories may overlap, also at category level (TR386, TR410).
WMO_OVERLAP_TOEGESTAAN = frozenset({"11", "12", "13", "14"})


@dataclass(frozen=True, slots=True)
class Aanvraag:
    """A requested product for the overlap rules: its position, category and code (None when
    not given) and its period (``eind`` None: open)."""

    index: int
    categorie: str | None
    code: str | None
    begin: date
    eind: date | None


def overlappende_producten(
    aanvragen: Iterable[Aanvraag], standaard: Standaard
) -> Iterator[tuple[Aanvraag, Aanvraag]]:
    """Pairs ``(later, eerder)`` of requested products whose periods overlap while the rule
    forbids it (TR386, TR410):

    - the same product (categorie and code) may not overlap itself;
    - a product without a code counts at category level: it may not overlap any product of
      its category;
    - a product without a category may not overlap any product;
    - iWmo only: products of categories 11, 12, 13 and 14 may overlap, also at category level,
      and a product without a category may overlap those.

    Each product is reported at most once, against an earlier-starting product it overlaps
    (sweep over the begin dates: O(n log n), whatever the message holds)."""
    vrij = WMO_OVERLAP_TOEGESTAAN if standaard is Standaard.IWMO else frozenset()
    # For each bucket: the product with the latest end among those seen so far (sorted by
    # begin, so a product overlaps an earlier one iff that one ends on or after its begin).
    per_product: dict[tuple[str, str], Aanvraag] = {}
    per_categorie: dict[str, Aanvraag] = {}  # any product of the category
    categorie_zonder_code: dict[str, Aanvraag] = {}
    zonder_categorie: Aanvraag | None = None
    alle: Aanvraag | None = None  # any product (not of a free category)

    def langst(huidig: Aanvraag | None, nieuw: Aanvraag) -> Aanvraag:
        if huidig is None:
            return nieuw
        if huidig.eind is None:
            return huidig
        if nieuw.eind is None or nieuw.eind > huidig.eind:
            return nieuw
        return huidig

    def raakt(eerder: Aanvraag | None, later: Aanvraag) -> bool:
        return eerder is not None and (eerder.eind is None or eerder.eind >= later.begin)

    for a in sorted(aanvragen, key=lambda a: (a.begin, a.index)):
        if a.categorie in vrij:
            continue
        if a.categorie is None:
            kandidaten: tuple[Aanvraag | None, ...] = (alle,)
        elif a.code is None:
            kandidaten = (per_categorie.get(a.categorie), zonder_categorie)
        else:
            kandidaten = (
                per_product.get((a.categorie, a.code)),
                categorie_zonder_code.get(a.categorie),
                zonder_categorie,
            )
        for eerder in kandidaten:
            if eerder is not None and raakt(eerder, a):
                yield a, eerder
                break
        alle = langst(alle, a)
        if a.categorie is None:
            zonder_categorie = langst(zonder_categorie, a)
            continue
        per_categorie[a.categorie] = langst(per_categorie.get(a.categorie), a)
        if a.code is None:
            categorie_zonder_code[a.categorie] = langst(categorie_zonder_code.get(a.categorie), a)
        else:
            sleutel = (a.categorie, a.code)
            per_product[sleutel] = langst(per_product.get(sleutel), a)


def product_tekst(categorie: str | None, code: str | None) -> str:
    if categorie is None:
        return "zonder product"
    if code is None:
        return f"categorie {categorie}"
    return f"product {categorie}/{code}"

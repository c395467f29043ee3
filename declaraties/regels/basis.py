"""What every level-3/4 rule of the 323 shares: the rule's definition (:class:`Regel`: id,
retourcode, class of the message it sits on, level), the finding (:class:`Bevinding`), the
prestatie under assessment (:class:`Lijn`) and the running state of the message
(:class:`Stand`), plus the few text helpers the Dutch findings use.

A rule is a pure function that returns None when the rule holds and otherwise a Dutch text for
people saying what is wrong (never a whole BSN). The runner wraps that text in a
:class:`Bevinding` with the rule's id and retourcode.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Generic, TypeVar

from declaraties.regels.context import DeclaratieContext, Sleutel, Toewijzing
from iwmo_jw.codec import Standaard
from iwmo_jw.codec.modellen import Bericht323, Client323, Prestatie323


class Klasse(enum.StrEnum):
    """The berichtklasse a rule's retourcode is set on (IV087)."""

    HEADER = "header"
    DECLARATIE = "declaratie"
    CLIENT = "client"
    PRESTATIE = "prestatie"


@dataclass(frozen=True, slots=True)
class Bevinding:
    """One finding: the rule, its retourcode, the class it is set on and a Dutch text."""

    regel: str
    retourcode: str
    klasse: Klasse
    melding: str


@dataclass(slots=True)
class Lijn:
    """One prestatie under assessment, with what the runner looked up for it once: its
    toewijzing (None when unknown), whether it is a credit, its ReferentieNummer and the
    first day of its ProductPeriode's month."""

    client_index: int
    prestatie_index: int
    bsn: str
    prestatie: Prestatie323
    toewijzing: Toewijzing | None
    credit: bool
    referentie: str
    maand: date

    @classmethod
    def van(
        cls,
        client_index: int,
        prestatie_index: int,
        bsn: str,
        prestatie: Prestatie323,
        toewijzing: Toewijzing | None,
    ) -> Lijn:
        return cls(
            client_index,
            prestatie_index,
            bsn,
            prestatie,
            toewijzing,
            prestatie.ingediend_bedrag.debet_credit == "C",
            prestatie.product_referentie.referentie_nummer,
            prestatie.product_periode.begindatum.replace(day=1),
        )

    @property
    def sleutel(self) -> Sleutel:
        p = self.prestatie
        return (
            p.toewijzing_nummer,
            p.product_periode.begindatum,
            p.product_periode.einddatum,
            p.product_categorie,
            p.product_code,
        )


@dataclass(slots=True)
class Stand:
    """The state of the assessment of one message: what it approved so far (on top of
    :class:`~declaraties.regels.context.DeclaratieContext`) and which references it has seen.
    The rules only read it; the runner updates it after each prestatie.

    ``volume``/``volume_per_maand``/``bedrag`` are the net (debits minus credits) approvals of
    this message per toewijzing, in basis units and euros. ``open_debetten`` starts as a copy
    of the context's and follows the approvals. ``referenties``: every ReferentieNummer
    assessed so far (TR314); ``gecrediteerd``: debits credited in this message (TR390)."""

    standaard: Standaard
    declaratie_einde: date
    open_debetten: dict[Sleutel, int]
    volume: dict[int, int] = field(default_factory=dict)
    volume_per_maand: dict[tuple[int, date], int] = field(default_factory=dict)
    bedrag: dict[int, Decimal] = field(default_factory=dict)
    referenties: set[str] = field(default_factory=set)
    gecrediteerd: set[str] = field(default_factory=set)

    @classmethod
    def begin(cls, bericht: Bericht323, context: DeclaratieContext) -> Stand:
        return cls(
            standaard=bericht.soort.standaard,
            declaratie_einde=bericht.declaratie.declaratie_periode.einddatum,
            open_debetten=dict(context.open_debetten),
        )


HeaderRegel = Callable[[Bericht323, DeclaratieContext], str | None]
ClientRegel = Callable[[Client323, DeclaratieContext], str | None]
PrestatieRegel = Callable[[Lijn, DeclaratieContext, Stand], str | None]

F = TypeVar("F", HeaderRegel, ClientRegel, PrestatieRegel)


@dataclass(frozen=True, slots=True)
class Regel(Generic[F]):
    """A rule: its official id and retourcode, the class its code is set on, the control
    level (3: across messages, 4: external source, IV088), whether a gemeente may switch it
    off, and the pure function."""

    id: str
    retourcode: str
    klasse: Klasse
    niveau: int
    uitschakelbaar: bool
    functie: F

    def bevinding(self, melding: str) -> Bevinding:
        return Bevinding(self.id, self.retourcode, self.klasse, f"{melding} ({self.id})")


# --- texts -------------------------------------------------------------------------------------


def datum(dag: date) -> str:
    """Dutch notation: 01-04-2026."""
    return f"{dag.day:02d}-{dag.month:02d}-{dag.year:04d}"


def periode(begin: date, eind: date | None) -> str:
    return f"{datum(begin)} t/m {datum(eind) if eind is not None else '(open)'}"


def bedrag(euro: Decimal) -> str:
    """``€ 1.234,56``."""
    tekst = f"{euro:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
    return f"€ {tekst}"


def getal(n: int) -> str:
    return f"{n:,}".replace(",", ".")

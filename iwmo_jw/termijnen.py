"""Answer deadlines of the gemeente, in Dutch working days (weekends and public holidays do
not count; :func:`kern.perioden.plus_werkdagen`). Pure functions; the scoped reads are in
:mod:`iwmo_jw.selectors` (``termijnen_open``, ``termijnen_verlopen``, ``termijnen_overzicht``).

NOTES.md 1.2 and the FAQ "reactietijden":

- 305 / 307: the retour (306 / 308) within 3 werkdagen;
- 315 / 317: the retour (316 / 318) within 3 werkdagen, and a 301 or 319 within 5;
- 323: exactly one 325 within 10 werkdagen;
- after a 319 "aanvraag in onderzoek" (315 / 317): the definitive 301 or 319 within eight
  weeks (:data:`ONDERZOEKTERMIJN`), a follow-up deadline the regisseur's decision opens.

A message refused at level 2 gets only its retour (or 325) with retourcode 0001; no 301 or
319 follows, so only the first deadline applies.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from iwmo_jw.constants import TermijnSoort
from kern.perioden import plus_werkdagen


@dataclass(frozen=True, slots=True)
class Termijnregel:
    soort: TermijnSoort
    werkdagen: int
    #: Outbound message types that meet this deadline.
    antwoorden: frozenset[str]


TERMIJNREGELS: dict[str, tuple[Termijnregel, ...]] = {
    "305": (Termijnregel(TermijnSoort.RETOUR, 3, frozenset({"306"})),),
    "307": (Termijnregel(TermijnSoort.RETOUR, 3, frozenset({"308"})),),
    "315": (
        Termijnregel(TermijnSoort.RETOUR, 3, frozenset({"316"})),
        Termijnregel(TermijnSoort.TOEWIJZING_OF_ANTWOORD, 5, frozenset({"301", "319"})),
    ),
    "317": (
        Termijnregel(TermijnSoort.RETOUR, 3, frozenset({"318"})),
        Termijnregel(TermijnSoort.TOEWIJZING_OF_ANTWOORD, 5, frozenset({"301", "319"})),
    ),
    "323": (Termijnregel(TermijnSoort.DECLARATIE_ANTWOORD, 10, frozenset({"325"})),),
}


#: After "aanvraag in onderzoek" a 301 or a refusal follows within eight weeks (FAQ
#: reactietijden): calendar weeks, not working days.
ONDERZOEKTERMIJN = timedelta(weeks=8)

#: Deadlines opened later than the message's arrival, by a decision on it, with the outbound
#: types that meet them.
VERVOLGTERMIJNEN: dict[str, dict[TermijnSoort, frozenset[str]]] = {
    heen: {TermijnSoort.DEFINITIEF_ANTWOORD: frozenset({"301", "319"})} for heen in ("315", "317")
}


@dataclass(frozen=True, slots=True)
class Deadline:
    soort: TermijnSoort
    werkdagen: int
    begindatum: date
    uiterste_datum: date


def uiterste_datum(ontvangstdatum: date, werkdagen: int) -> date:
    """The last day on which the answer is in time: ``werkdagen`` working days after the day
    of receipt (the day of receipt itself does not count)."""
    return plus_werkdagen(ontvangstdatum, werkdagen)


def termijnen_voor(
    berichttype: str, ontvangstdatum: date, *, alleen_eerste: bool = False
) -> list[Deadline]:
    """The deadlines an inbound message of ``berichttype`` received on ``ontvangstdatum``
    starts (none for 302 and 320). ``alleen_eerste``: refused at level 2."""
    regels = TERMIJNREGELS.get(berichttype, ())
    if alleen_eerste:
        regels = regels[:1]
    return [
        Deadline(r.soort, r.werkdagen, ontvangstdatum, uiterste_datum(ontvangstdatum, r.werkdagen))
        for r in regels
    ]


def termijnsoorten_van_antwoord(heen_type: str, antwoord_type: str) -> frozenset[TermijnSoort]:
    """The deadlines an outbound ``antwoord_type`` meets for an inbound ``heen_type`` (a 301
    to a 315 meets the five-day deadline or, after "in onderzoek", the eight-week one)."""
    soorten = {r.soort for r in TERMIJNREGELS.get(heen_type, ()) if antwoord_type in r.antwoorden}
    soorten |= {
        soort
        for soort, antwoorden in VERVOLGTERMIJNEN.get(heen_type, {}).items()
        if antwoord_type in antwoorden
    }
    return frozenset(soorten)


def is_verlopen(uiterste: date, peildatum: date) -> bool:
    """Overdue from the day after the last day."""
    return peildatum > uiterste

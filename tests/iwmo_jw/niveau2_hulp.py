"""Shared by the level-2 tests: a table of cases, each a level-2-valid message (from
``strategies.geldig_niveau2``) changed with ``dataclasses.replace`` so that it breaks one rule,
and the one check they all go through."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hypothesis import HealthCheck, assume, settings
from hypothesis import strategies as st

from iwmo_jw.codec import Bericht, serialize, soort
from iwmo_jw.codec.niveau2 import niveau2_meldingen
from tests.iwmo_jw.strategies import geldig_niveau2

#: Few examples per rule: each case is its own test, and the property test in
#: test_niveau2_valideer.py draws many more valid messages.
PER_REGEL = settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@dataclass(frozen=True)
class Geval:
    """Break one rule: ``maak(bericht, data)`` returns the broken message (``data`` draws
    what it needs; ``assume`` skips a message the case does not fit); ``verwacht`` is the
    exact list of (regel, element) the level-2 check must then report."""

    naam: str
    soorten: tuple[str, ...]
    maak: Callable[[Any, st.DataObject], Bericht]
    verwacht: tuple[tuple[str, str], ...]

    def __str__(self) -> str:
        return self.naam


def controleer(geval: Geval, data: st.DataObject) -> None:
    naam = data.draw(st.sampled_from(geval.soorten), label="soort")
    goed = data.draw(geldig_niveau2(soort(naam)), label="bericht")
    assert niveau2_meldingen(goed) == []
    fout = geval.maak(goed, data)
    # The broken message is still a real message: level 1 (XSD) accepts it.
    serialize(fout)
    meldingen = niveau2_meldingen(fout)
    assert {m.code for m in meldingen} == {"0001"}
    assert [(m.regel, m.element) for m in meldingen] == list(geval.verwacht), [
        m.melding for m in meldingen
    ]
    for m in meldingen:
        assert m.melding.endswith(f"({m.regel})")
        assert m.regelnummer is None  # only valideer, which has the XML, adds line numbers
        for bsn in _bsns(goed) | _bsns(fout):
            assert bsn not in m.melding, "a BSN is shown in full"


def _bsns(b: Any) -> set[str]:
    if b.soort.berichttype == "323":
        return {c.bsn for c in b.declaratie.clienten}
    return {b.client.bsn}


def vereist(voorwaarde: bool) -> None:
    """``assume`` with a name that reads as what it is: the case needs this message shape."""
    assume(voorwaarde)


def ongeldig_bsn(bsn: str) -> str:
    """The BSN with its last digit changed by one: the eleven-test then fails (the sum changes
    by 1 or 9, never by a multiple of 11)."""
    return bsn[:8] + str((int(bsn[8]) + 1) % 10)

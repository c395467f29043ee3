"""Level 2 of the iWmo 3.2 / iJw 3.2 validation: the rules inside one message that the
standard's XSLT layer applies (retourcode 0001 for the whole message, IV088).

Pure, like the rest of the codec. One module per message family:

- ``declaratie``: the 323 (declaratie), with ``prestaties`` for the rules on one prestatie,
  which share one pass over the lines;
- ``regie``: the 305 and 307 (start and stop zorg);
- ``verzoek``: the 315 and 317 (verzoek om toewijzing, verzoek om wijziging), with
  ``producten`` for the product rules they share;
- ``client``: the rules on the client of a 305, 307, 315 and 317 (CS002, CS139, TR002, TR134);
- ``basis``: the finding, paths and small helpers (eleven-test, dates, overlap).

Each rule is a small pure function named after its official id that yields
:class:`Bevinding` objects. :data:`REGELS` maps a message type (both standards) to its rules.
The other message types (301, 319, 325 and the retour messages, which this service sends or
which only acknowledge) have no level-2 rules here yet.

Use :func:`niveau2_meldingen` for the findings as :class:`~iwmo_jw.codec.fouten.Melding`
(code ``0001``, the rule id as ``regel``), or :func:`niveau2_bevindingen` with
:func:`met_regelnummers` when the XML tree is at hand (``valideer`` does that), to add the line
number of the element each finding is about. A rule that fails many times is reported
:data:`MAX_PER_REGEL` times, followed by one finding that says how many more there are; after
:data:`MAX_TOTAAL` findings the check stops (and says so), which bounds the work on a broken or
hostile file.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from lxml import etree

from iwmo_jw.codec.fouten import Melding
from iwmo_jw.codec.niveau2 import declaratie, regie, verzoek
from iwmo_jw.codec.niveau2.basis import RETOURCODE, Bevinding, Pad, Regel
from iwmo_jw.codec.velden import Bericht

__all__ = [
    "MAX_PER_REGEL",
    "MAX_TOTAAL",
    "REGELS",
    "RETOURCODE",
    "Bevinding",
    "Regel",
    "met_regelnummers",
    "niveau2_bevindingen",
    "niveau2_meldingen",
]

#: The rules per message type ("323" covers WMO323 and JW323), in reporting order.
REGELS: Mapping[str, tuple[Regel, ...]] = {
    "305": regie.REGELS_305,
    "307": regie.REGELS_307,
    "315": verzoek.REGELS_315,
    "317": verzoek.REGELS_317,
    "323": declaratie.REGELS,
}

#: Findings kept per rule id; the rest of that rule is counted in one closing finding.
MAX_PER_REGEL = 100
#: After this many findings in one message the check stops (the message is rejected anyway);
#: this bounds the work on a hostile or hopelessly broken file.
MAX_TOTAAL = 10_000


def _aantal(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def niveau2_bevindingen(
    bericht: Bericht, *, max_per_regel: int = MAX_PER_REGEL, max_totaal: int = MAX_TOTAAL
) -> list[Bevinding]:
    """Run the level-2 rules of the message's type. Empty when the message passes.

    At most ``max_per_regel`` findings per rule id are kept, followed (after all findings) by
    one per rule that says how many more there were; after ``max_totaal`` findings the check
    stops with a finding that says so."""
    uitkomst: list[Bevinding] = []
    aantallen: dict[str, int] = {}
    voorbeelden: dict[str, Bevinding] = {}
    totaal = 0
    gestopt: Bevinding | None = None  # the finding at which the check stopped
    for regel in REGELS.get(bericht.soort.berichttype, ()):
        for b in regel(bericht):
            totaal += 1
            n = aantallen[b.regel] = aantallen.get(b.regel, 0) + 1
            if n <= max_per_regel:
                uitkomst.append(b)
                voorbeelden.setdefault(b.regel, b)
            if totaal >= max_totaal:
                gestopt = b
                break
        if gestopt is not None:
            break
    for regel_id, n in aantallen.items():
        if n > max_per_regel:
            uitkomst.append(
                Bevinding(
                    regel_id,
                    voorbeelden[regel_id].element,
                    f"Regel {regel_id} faalt nog {_aantal(n - max_per_regel)} keer in dit "
                    f"bericht; alleen de eerste {max_per_regel} zijn genoemd ({regel_id})",
                )
            )
    if gestopt is not None:
        uitkomst.append(
            Bevinding(
                gestopt.regel,
                gestopt.element,
                f"De controle op niveau 2 is na {_aantal(max_totaal)} bevindingen gestopt (bij "
                f"regel {gestopt.regel}); het bericht kan nog meer fouten bevatten",
            )
        )
    return uitkomst


def niveau2_meldingen(bericht: Bericht, *, max_per_regel: int = MAX_PER_REGEL) -> list[Melding]:
    """The level-2 findings as :class:`Melding` (code ``0001``, no line numbers)."""
    return [b.als_melding() for b in niveau2_bevindingen(bericht, max_per_regel=max_per_regel)]


class _Zoeker:
    """Finds the elements of paths in a tree; the children of an element are listed once per
    name, so many findings in one large list cost one pass over it."""

    def __init__(self, root: etree._Element) -> None:
        self.root = root
        self._kinderen: dict[tuple[Any, str], list[etree._Element]] = {}

    def element(self, pad: Pad) -> etree._Element | None:
        huidig = self.root
        for naam, index in pad:
            sleutel = (huidig, naam)
            kinderen = self._kinderen.get(sleutel)
            if kinderen is None:
                kinderen = list(huidig.iterchildren("{*}" + naam))
                self._kinderen[sleutel] = kinderen
            if index >= len(kinderen):
                return None
            huidig = kinderen[index]
        return huidig


def met_regelnummers(bevindingen: Iterable[Bevinding], root: etree._Element) -> list[Melding]:
    """The findings as :class:`Melding`, each with the line number of its element in the tree
    the message was read from (``root``: its ``Bericht`` element)."""
    zoeker = _Zoeker(root)
    meldingen = []
    for b in bevindingen:
        element = zoeker.element(b.pad) if b.pad else None
        regelnummer = element.sourceline if element is not None else None
        meldingen.append(b.als_melding(regelnummer))
    return meldingen

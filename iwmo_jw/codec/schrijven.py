"""Writing: a message model -> XML bytes, in XSD order, indented with tabs like the official
examples. The text is built directly (no tree): every element name is precomputed per class and
message type (``tabellen.py``), values are escaped, and anything the XML cannot carry exactly is
refused with :class:`CodecFout` (``waarde_ongeldig``). Whether the result satisfies the XSD
(lengths, patterns, code lists) is checked by ``serialize`` afterwards, against the XSD itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, time
from decimal import Decimal
from operator import attrgetter
from typing import Any

from iwmo_jw.codec.fouten import CodecFout
from iwmo_jw.codec.modellen import BERICHT_KLASSEN
from iwmo_jw.codec.soorten import BerichtSoort, Standaard
from iwmo_jw.codec.tabellen import prefixen, structuur
from iwmo_jw.codec.velden import Aard, Bericht, Model, XmlVeld
from kern.geld import euro_naar_eurocent

_INSPRING = tuple("\n" + "\t" * diepte for diepte in range(32))

# Characters that need escaping, and characters XML 1.0 cannot carry at all.
_BIJZONDER = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ONMOGELIJK = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class _Fout(Exception):
    """A value that cannot be written; becomes a CodecFout naming the field by its path."""

    def __init__(self, melding: str) -> None:
        super().__init__(melding)
        self.melding = melding
        self.pad: list[str] = []

    def in_veld(self, deel: str) -> _Fout:
        self.pad.insert(0, deel)
        return self


def _tekst(waarde: Any) -> str:
    if type(waarde) is not str:
        raise _Fout(f"verwacht tekst (str), gekregen {type(waarde).__name__}")
    if _BIJZONDER.search(waarde) is None:
        return waarde
    onmogelijk = _ONMOGELIJK.search(waarde)
    if onmogelijk is not None:
        raise _Fout(f"het teken U+{ord(onmogelijk.group()):04X} kan in XML niet voorkomen")
    # A carriage return would come back as a line feed (XML end-of-line handling): keep it as
    # a character reference, so parsing gives back exactly this text.
    return (
        waarde.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\r", "&#13;")
    )


def _geheel(waarde: Any) -> str:
    if type(waarde) is not int:
        raise _Fout(f"verwacht een geheel getal (int), gekregen {type(waarde).__name__}")
    return str(waarde)


def _datum(waarde: Any) -> str:
    if type(waarde) is not date:
        raise _Fout(f"verwacht een datum (datetime.date), gekregen {type(waarde).__name__}")
    return waarde.isoformat()


def _tijd(waarde: Any) -> str:
    if type(waarde) is not time or waarde.tzinfo is not None:
        raise _Fout("verwacht een tijd zonder tijdzone (datetime.time)")
    return waarde.isoformat()


def _bedrag(waarde: Any) -> str:
    if type(waarde) is not Decimal:
        raise _Fout(f"verwacht een bedrag (Decimal), gekregen {type(waarde).__name__}")
    try:
        return str(euro_naar_eurocent(waarde))
    except (ValueError, ArithmeticError) as fout:
        raise _Fout(f"bedrag {waarde} is geen geheel aantal eurocenten") from fout


_WAARDE_SCHRIJVERS: dict[Aard, Callable[[Any], str]] = {
    Aard.TEKST: _tekst,
    Aard.GEHEEL: _geheel,
    Aard.DATUM: _datum,
    Aard.TIJD: _tijd,
    Aard.BEDRAG: _bedrag,
}


class _Stap:
    __slots__ = (
        "aard",
        "haal",
        "item_open",
        "item_schrijver",
        "item_sluit",
        "item_tabel",
        "naam",
        "open",
        "schrijver",
        "sluit",
        "tabel",
        "vast",
        "verplicht",
    )

    def __init__(self) -> None:
        self.aard: Aard | None = None
        self.haal: Callable[[Any], Any] = attrgetter("__class__")
        self.naam = ""
        self.open = self.sluit = ""
        self.item_open = self.item_sluit = ""
        self.verplicht = True
        self.vast: str | None = None
        self.schrijver: Callable[[Any], str] | None = None
        self.item_schrijver: Callable[[Any], str] | None = None
        self.tabel: _Schrijftabel | None = None
        self.item_tabel: _Schrijftabel | None = None


class _Schrijftabel:
    __slots__ = ("klasse", "stappen", "uitgesloten")

    def __init__(self, klasse: type[Model], soort: BerichtSoort) -> None:
        s = structuur(klasse, soort)
        self.klasse = klasse
        self.uitgesloten = s.uitgesloten
        stappen: list[_Stap] = []
        for element in s.elementen:
            stap = _Stap()
            stap.open = f"<{element.qnaam}>"
            stap.sluit = f"</{element.qnaam}>"
            stap.verplicht = element.verplicht
            if element.veld is None:
                stap.vast = element.vast
                stappen.append(stap)
                continue
            veld: XmlVeld = element.veld
            stap.aard = veld.aard
            stap.naam = element.veldnaam
            stap.haal = attrgetter(element.veldnaam)
            if veld.aard is Aard.SAMENGESTELD:
                assert veld.klasse is not None
                stap.tabel = _schrijftabel(veld.klasse, soort)
            elif veld.aard is Aard.LIJST:
                stap.item_open = f"<{element.item_qnaam}>"
                stap.item_sluit = f"</{element.item_qnaam}>"
                if veld.item_aard is Aard.SAMENGESTELD:
                    assert veld.klasse is not None
                    stap.item_tabel = _schrijftabel(veld.klasse, soort)
                else:
                    assert veld.item_aard is not None
                    stap.item_schrijver = _WAARDE_SCHRIJVERS[veld.item_aard]
            else:
                stap.schrijver = _WAARDE_SCHRIJVERS[veld.aard]
            stappen.append(stap)
        self.stappen = tuple(stappen)


_SCHRIJFTABELLEN: dict[tuple[type[Model], BerichtSoort], _Schrijftabel] = {}


def _schrijftabel(klasse: type[Model], soort: BerichtSoort) -> _Schrijftabel:
    tabel = _SCHRIJFTABELLEN.get((klasse, soort))
    if tabel is None:
        tabel = _SCHRIJFTABELLEN[(klasse, soort)] = _Schrijftabel(klasse, soort)
    return tabel


def _schrijf(obj: Any, tabel: _Schrijftabel, uit: list[str], diepte: int) -> None:
    if type(obj) is not tabel.klasse:
        raise _Fout(f"verwacht {tabel.klasse.__name__}, gekregen {type(obj).__name__}")
    for veldnaam, veld in tabel.uitgesloten:
        if getattr(obj, veldnaam) not in (None, ()):
            standaard = "iJw" if veld.alleen is Standaard.IJW else "iWmo"
            raise _Fout(f"{veld.naam} bestaat alleen in {standaard}").in_veld(veldnaam)
    inspring = _INSPRING[diepte]
    for stap in tabel.stappen:
        if stap.vast is not None:
            uit.append(f"{inspring}{stap.open}{stap.vast}{stap.sluit}")
            continue
        waarde = stap.haal(obj)
        if waarde is None or (stap.aard is Aard.LIJST and not waarde):
            if stap.verplicht:
                raise _Fout("is verplicht").in_veld(stap.naam)
            continue
        try:
            if stap.schrijver is not None:
                uit.append(f"{inspring}{stap.open}{stap.schrijver(waarde)}{stap.sluit}")
            elif stap.tabel is not None:
                uit.append(inspring + stap.open)
                _schrijf(waarde, stap.tabel, uit, diepte + 1)
                uit.append(inspring + stap.sluit)
            else:
                _schrijf_lijst(stap, waarde, uit, diepte)
        except _Fout as fout:
            raise fout.in_veld(stap.naam) from None


def _schrijf_lijst(stap: _Stap, waarden: Any, uit: list[str], diepte: int) -> None:
    if not isinstance(waarden, tuple | list):
        raise _Fout(f"verwacht een tuple, gekregen {type(waarden).__name__}")
    inspring = _INSPRING[diepte]
    item_inspring = _INSPRING[diepte + 1]
    uit.append(inspring + stap.open)
    tabel = stap.item_tabel
    schrijver = stap.item_schrijver
    for positie, waarde in enumerate(waarden):
        try:
            if tabel is not None:
                uit.append(item_inspring + stap.item_open)
                _schrijf(waarde, tabel, uit, diepte + 2)
                uit.append(item_inspring + stap.item_sluit)
            else:
                assert schrijver is not None
                uit.append(f"{item_inspring}{stap.item_open}{schrijver(waarde)}{stap.item_sluit}")
        except _Fout as fout:
            raise fout.in_veld(f"[{positie}]") from None
    uit.append(inspring + stap.sluit)


def schrijf_bericht(bericht: Bericht) -> bytes:
    """The XML of ``bericht`` (UTF-8). Raises :class:`CodecFout` (``waarde_ongeldig``) when a
    value cannot be written: a wrong type, a missing required element, a character XML cannot
    carry, an amount with a fraction of a cent, an iJw-only element in an iWmo message."""
    soort = getattr(bericht, "soort", None)
    if not isinstance(soort, BerichtSoort):
        raise CodecFout("waarde_ongeldig", "Geen bericht: er is geen soort (BerichtSoort) gegeven.")
    klasse = BERICHT_KLASSEN[soort.berichttype]
    bericht_prefix, basis_prefix = prefixen(soort)
    uit = [
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        f'<{bericht_prefix}:Bericht xmlns:{bericht_prefix}="{soort.namespace}" '
        f'xmlns:{basis_prefix}="{soort.basis_namespace}">',
    ]
    try:
        _schrijf(bericht, _schrijftabel(klasse, soort), uit, 1)
    except _Fout as fout:
        pad = ".".join(fout.pad).replace(".[", "[")
        waar = f" (veld {pad})" if pad else ""
        raise CodecFout(
            "waarde_ongeldig", f"{soort.naam} kan niet worden geschreven{waar}: {fout.melding}."
        ) from None
    uit.append(f"\n</{bericht_prefix}:Bericht>\n")
    return "".join(uit).encode("utf-8")

"""Reading: a schema-valid lxml tree -> the message model.

The tree must have passed XSD validation (``parse`` does that first): the reader then relies on
the XSD's guarantees instead of checking again. Children come in sequence order, required
elements are present, lists are non-empty, numbers and dates are well-formed. That is what makes
it fast: children are matched to fields by position, and an element's tag is read only to tell
whether an optional element is present.

Per model class and message type, a reader function is compiled once from the table in
``tabellen.py`` (the metadata of the dataclass fields). It handles the two common shapes of an
element directly, "all children present" and "only the required ones", by unpacking the
children and setting the model's slots; any other shape goes through a generic, table-driven
walk. No tag, field or converter is looked up per element.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, time
from decimal import Decimal
from functools import lru_cache
from typing import Any

from lxml import etree

from iwmo_jw.codec.fouten import CodecFout
from iwmo_jw.codec.modellen import BERICHT_KLASSEN
from iwmo_jw.codec.soorten import BerichtSoort
from iwmo_jw.codec.tabellen import Element, Structuur, structuur
from iwmo_jw.codec.velden import Aard, Bericht, Model
from kern.geld import eurocent_naar_euro

Lezer = Callable[[Any], Any]


class _Waardefout(ValueError):
    """A schema-valid value that has no Python counterpart (a date in the year 10000)."""


# --- values (from an element's text) ---------------------------------------------------------

_DATUM = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIJD = re.compile(r"(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?")


def _datum_ruim(tekst: str) -> date:
    """xs:date also allows surrounding whitespace and years beyond 9999 or before 1."""
    kern = tekst.strip()
    if _DATUM.fullmatch(kern):
        return date.fromisoformat(kern)
    raise _Waardefout(
        f"De datum '{kern}' valt buiten het bereik dat verwerkt kan worden (jaar 1 tot en met 9999)."
    )


def _tijd(tekst: str) -> time:
    kern = tekst.strip()
    match = _TIJD.fullmatch(kern)
    if match is None:  # the XSD (xs:time without a zone) rules this out
        raise _Waardefout(f"De tijd '{kern}' is niet te lezen.")
    uur, minuut, seconde, fractie = match.groups()
    if uur == "24":  # xs:time allows 24:00:00, the same moment as 00:00:00
        return time(0, 0, 0)
    # Python keeps microseconds; further digits of a fraction are dropped.
    microseconde = int((fractie or "0")[:6].ljust(6, "0"))
    return time(int(uur), int(minuut), int(seconde), microseconde)


#: Dates repeat even more (period boundaries); a date is immutable too.
_datum_snel = lru_cache(maxsize=4096)(date.fromisoformat)


@lru_cache(maxsize=4096)
def _euro(tekst: str) -> Decimal:
    # Amounts repeat (tariffs); a Decimal is immutable, so one object may serve many fields.
    return eurocent_naar_euro(int(tekst))


#: Text -> value, per kind. The strict set is the fast one: ``date.fromisoformat`` refuses what
#: xs:date allows beyond "YYYY-MM-DD"; when it does, the message is read again with the lenient set.
_OMZETTERS: dict[bool, dict[Aard, Callable[[str], Any]]] = {
    True: {Aard.GEHEEL: int, Aard.DATUM: _datum_snel, Aard.TIJD: _tijd, Aard.BEDRAG: _euro},
    False: {Aard.GEHEEL: int, Aard.DATUM: _datum_ruim, Aard.TIJD: _tijd, Aard.BEDRAG: _euro},
}


# --- the compiled reader per class and message type ------------------------------------------


class _Leestabel:
    """How to read one model from its element, for one message type."""

    __slots__ = ("klasse", "lees", "standaard", "stappen", "veldnamen")

    def __init__(self, klasse: type[Model], soort: BerichtSoort, streng: bool) -> None:
        s = structuur(klasse, soort)
        self.klasse = klasse
        self.veldnamen = s.veldnamen
        standaard = _standaarden(s)
        # One spare slot at the end takes what fixed elements "read" (they are not stored).
        self.standaard: list[Any] = [*standaard, None]
        afvoer = len(standaard)
        stappen: list[tuple[int, str, bool, Lezer]] = []
        for element in s.elementen:
            if element.veld is None:
                stappen.append((afvoer, element.tag, True, len))
            else:
                lezer = _lezer(element, soort, streng)
                stappen.append((element.index, element.tag, element.verplicht, lezer))
        self.stappen = tuple(stappen)
        self.lees: Lezer = _compileer(s, standaard, self._lees_traag, soort, streng)

    def _lees_traag(self, element: Any) -> Any:
        """Any shape: walk the children along the steps. A required step takes the next child
        for sure; an optional one only if the tag matches (else it is absent)."""
        waarden = self.standaard.copy()
        stappen = iter(self.stappen)
        for kind in element:
            for index, tag, verplicht, lees in stappen:
                if verplicht or kind.tag == tag:
                    waarden[index] = lees(kind)
                    break
        return self.klasse(**dict(zip(self.veldnamen, waarden, strict=False)))


_LEESTABELLEN: dict[tuple[type[Model], BerichtSoort, bool], _Leestabel] = {}


def _leestabel(klasse: type[Model], soort: BerichtSoort, streng: bool) -> _Leestabel:
    sleutel = (klasse, soort, streng)
    tabel = _LEESTABELLEN.get(sleutel)
    if tabel is None:  # built once; a race builds an equal table twice, harmlessly
        tabel = _LEESTABELLEN[sleutel] = _Leestabel(klasse, soort, streng)
    return tabel


def _standaarden(s: Structuur) -> list[Any]:
    standaard = list(s.standaard)
    if s.klasse is BERICHT_KLASSEN.get(s.soort.berichttype):
        standaard[s.veldnamen.index("soort")] = s.soort
    return standaard


def _lezer(element: Element, soort: BerichtSoort, streng: bool) -> Lezer:
    """Element -> value, for the generic walk."""
    veld = element.veld
    assert veld is not None
    if veld.aard is Aard.SAMENGESTELD or veld.item_aard is Aard.SAMENGESTELD:
        assert veld.klasse is not None
        sub = _leestabel(veld.klasse, soort, streng).lees
        if veld.aard is Aard.SAMENGESTELD:
            return sub
        return lambda wrapper: tuple([sub(kind) for kind in wrapper])
    if veld.aard is Aard.LIJST:
        assert veld.item_aard is not None
        return _tekstlezer(veld.item_aard, streng, lijst=True)
    return _tekstlezer(veld.aard, streng, lijst=False)


def _tekstlezer(aard: Aard, streng: bool, *, lijst: bool) -> Lezer:
    if aard is Aard.TEKST:
        if lijst:
            return lambda wrapper: tuple([kind.text for kind in wrapper])
        return lambda element: element.text
    omzetter = _OMZETTERS[streng][aard]
    if lijst:
        return lambda wrapper: tuple([omzetter(kind.text) for kind in wrapper])
    return lambda element: omzetter(element.text)


def _compileer(
    s: Structuur, standaard: list[Any], traag: Lezer, soort: BerichtSoort, streng: bool
) -> Lezer:
    """Compile the reader of one table. For Prestatie323 the first branch reads::

        if n == 9:
            k0, k1, k2, k3, k4, k5, k6, k7, k8, = element
            o = nieuw(klasse)
            o.product_referentie = sub0(k0)
            o.toewijzing_nummer = geheel(k1.text)
            o.product_categorie = k2.text
            ...
            o.product_tarief = euro(k7.text)
            o.ingediend_bedrag = sub8(k8)
            return o

    It bypasses ``__init__`` (object.__new__, then plain slot stores): the values come from a
    schema-valid message, and ``__init__``'s one check, the soort of a Bericht, holds by
    construction. Only field names (identifiers from the generated models) and this module's
    templates go into the source; values are passed in as globals of the compiled function.
    """
    omzetters = _OMZETTERS[streng]
    globalen: dict[str, Any] = {
        "nieuw": object.__new__,
        "klasse": s.klasse,
        "traag": traag,
        "geheel": omzetters[Aard.GEHEEL],
        "datum": omzetters[Aard.DATUM],
        "tijd": omzetters[Aard.TIJD],
        "euro": omzetters[Aard.BEDRAG],
    }
    for index, naam in enumerate(s.veldnamen):
        if not naam.isidentifier():  # generated names always are; never compile anything else
            raise ValueError(f"ongeldige veldnaam {naam!r}")
        globalen[f"d{index}"] = standaard[index]

    def expressie(element: Element, naam: str) -> str:
        veld = element.veld
        assert veld is not None
        if veld.klasse is not None:
            globalen[f"sub{element.index}"] = _leestabel(veld.klasse, soort, streng).lees
        if veld.aard is Aard.SAMENGESTELD:
            return f"sub{element.index}({naam})"
        if veld.aard is Aard.LIJST:
            if veld.item_aard is Aard.SAMENGESTELD:
                return f"tuple([sub{element.index}(x) for x in {naam}])"
            assert veld.item_aard is not None
            return f"tuple([{_waarde(veld.item_aard, 'x')} for x in {naam}])"
        return _waarde(veld.aard, naam)

    def tak(elementen: list[Element]) -> list[str]:
        namen = [f"k{j}" for j in range(len(elementen))]
        regels = [f"        {', '.join(namen)}, = element"] if namen else []
        regels.append("        o = nieuw(klasse)")
        gezet = set()
        for naam, element in zip(namen, elementen, strict=True):
            if element.veld is not None:
                regels.append(f"        o.{element.veldnaam} = {expressie(element, naam)}")
                gezet.add(element.index)
        regels += [
            f"        o.{naam} = d{i}" for i, naam in enumerate(s.veldnamen) if i not in gezet
        ]
        regels.append("        return o")
        return regels

    alle = list(s.elementen)
    verplicht = [e for e in alle if e.verplicht]
    regels = ["def lees(element):", "    n = len(element)"]
    regels += [f"    if n == {len(alle)}:", *tak(alle)]
    if len(verplicht) != len(alle):
        regels += [f"    if n == {len(verplicht)}:", *tak(verplicht)]
    regels.append("    return traag(element)")
    exec("\n".join(regels), globalen)
    lees: Lezer = globalen["lees"]
    return lees


def _waarde(aard: Aard, naam: str) -> str:
    functie = {Aard.GEHEEL: "geheel", Aard.DATUM: "datum", Aard.TIJD: "tijd", Aard.BEDRAG: "euro"}
    if aard is Aard.TEKST:
        return f"{naam}.text"
    return f"{functie[aard]}({naam}.text)"


@contextmanager
def _zonder_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building a model: the objects hold no cycles,
    and for a large message its repeated passes over the new objects cost more than the reading."""
    aan = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if aan:
            gc.enable()


def lees_bericht(root: etree._Element, soort: BerichtSoort) -> Bericht:
    """The model of a schema-valid message. Raises :class:`CodecFout` (``waarde_ongeldig``) for
    the rare schema-valid value Python cannot hold (a year beyond 9999)."""
    klasse = BERICHT_KLASSEN[soort.berichttype]
    try:
        with _zonder_gc():
            try:
                bericht: Bericht = _leestabel(klasse, soort, True).lees(root)
            except ValueError:
                # A date the fast path refuses (whitespace around it, or out of range): read
                # again with the lenient converters, which say what is wrong.
                bericht = _leestabel(klasse, soort, False).lees(root)
    except _Waardefout as fout:
        raise CodecFout("waarde_ongeldig", str(fout)) from None
    return bericht

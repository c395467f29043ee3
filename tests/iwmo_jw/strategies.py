"""Hypothesis strategies that build schema-valid messages of all 28 types of iWmo 3.2 / iJw 3.2.

The values come from the XSDs themselves, not from the codec: for every field of a model the
strategy looks up the element in the message's XSD (or the basisschema) and draws a value its
facets allow (code lists, lengths, ranges, patterns), in that standard: a JW323 gets iJw product
categories, a WMO323 iWmo ones. Only XSD validity is guaranteed; the rules of levels 2-4
(totals that add up, periods within a month, eleven-proof BSNs) are not.

Use::

    from tests.iwmo_jw.strategies import bericht
    @given(bericht(soort("JW323")))
    def test_...(b): ...

    # override a field anywhere by model class and field name:
    bericht(soort("JW323"), vervang={(Prestatie323, "eenheid"): st.just("83")})
"""

from __future__ import annotations

from dataclasses import fields
from datetime import date
from functools import cache
from typing import Any

from hypothesis import strategies as st
from lxml import etree

from iwmo_jw.codec import BERICHT_KLASSEN, SOORTEN, Bericht, BerichtSoort
from iwmo_jw.codec.schemas import schema_pad
from iwmo_jw.codec.velden import XML, Aard, Model
from kern.geld import eurocent_naar_euro

XS = "{http://www.w3.org/2001/XMLSchema}"

#: Repeated elements get 1..MAX_HERHALING items; strings without maxLength at most MAX_TEKST.
MAX_HERHALING = 3
MAX_TEKST = 40

# XML 1.0 characters (no surrogates: the utf-8 codec excludes them), with and without the
# line breaks that XSD's "." does not match.
_NIET_XML = [chr(c) for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF)]
XML_TEKEN = st.characters(codec="utf-8", exclude_characters=_NIET_XML)
XML_TEKEN_ZONDER_REGELEINDE = st.characters(
    codec="utf-8", exclude_characters=[*_NIET_XML, "\n", "\r"]
)
XSD_WIT = " \t\n\r"  # XSD's \s: exactly these four


def _met_zichtbaar_teken(tekst: str) -> bool:
    return any(teken not in XSD_WIT for teken in tekst)


def _patroon_strategie(patroon: str, minimum: int, maximum: int) -> st.SearchStrategy[str]:
    """The patterns of the iWmo/iJw XSDs, each by its XSD meaning."""
    if patroon == r".*[^\s].*":
        # XSD "." is any character but \n and \r; \s is space, tab, \n, \r.
        return st.text(
            XML_TEKEN_ZONDER_REGELEINDE, min_size=max(minimum, 1), max_size=maximum
        ).filter(_met_zichtbaar_teken)
    if patroon == r"([.\s]*\S+[.\s]*)+":
        # Any text with at least one character outside XSD's \s (LDT_Commentaar).
        return st.text(XML_TEKEN, min_size=max(minimum, 1), max_size=maximum).filter(
            _met_zichtbaar_teken
        )
    if patroon == r"[^:Z]*" or patroon == r"[^Z+-]+":
        raise AssertionError("datum- en tijdpatronen horen bij xs:date en xs:time")
    # The remaining patterns mean the same in Python's re: digits, letters, versions.
    toegestaan = {
        r"[0-9]{4}",
        r"[0-9]{8}",
        r"[0-9]{9}",
        r"[0-9]*",
        r"([a-zA-ZÀ-ỳ])+",
        r"([a-zA-Z0-9])+",
        r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)",
    }
    if patroon not in toegestaan:
        raise NotImplementedError(f"onbekend XSD-patroon {patroon!r}: voeg het hier toe")
    return st.from_regex(patroon, fullmatch=True).filter(lambda s: minimum <= len(s) <= maximum)


class _Xsd:
    """The message schema and basisschema of one message type, for facet lookups."""

    def __init__(self, soort: BerichtSoort) -> None:
        pad = schema_pad(soort)
        bericht = etree.parse(str(pad)).getroot()
        basis = etree.parse(str(pad.with_name("basisschema.xsd"))).getroot()
        self.typen = {t.get("name"): t for t in bericht.iterchildren(f"{XS}complexType")}
        self.basis_typen = {t.get("name"): t for t in basis.iterchildren(f"{XS}complexType")}
        self.simpel = {t.get("name"): t for t in basis.iterchildren(f"{XS}simpleType")}

    def complex_type(self, element: etree._Element) -> etree._Element:
        naam = (element.get("type") or "").split(":")[-1]
        return self.typen.get(naam) if naam in self.typen else self.basis_typen[naam]

    def facetten(self, element: etree._Element) -> dict[str, Any]:
        """The facets of a simple-typed element: the named type's, plus an inline restriction's
        (patterns of different derivation steps must all match)."""
        inline = element.find(f"{XS}simpleType/{XS}restriction")
        if inline is not None:
            naam = (inline.get("base") or "").split(":")[-1]
            extra: list[etree._Element] = list(inline)
        else:
            naam = (element.get("type") or "").split(":")[-1]
            extra = []
        restrictie = self.simpel[naam].find(f"{XS}restriction")
        assert restrictie is not None
        facetten: dict[str, Any] = {"basis": restrictie.get("base"), "patronen": [], "waarden": []}
        for stap in (list(restrictie), extra):
            patronen = []
            for facet in stap:
                if not isinstance(facet.tag, str):
                    continue
                soort = etree.QName(facet).localname
                if soort == "pattern":
                    patronen.append(facet.get("value"))
                elif soort == "enumeration":
                    facetten["waarden"].append(facet.get("value"))
                elif soort in ("minLength", "maxLength", "minInclusive", "maxInclusive"):
                    facetten[soort] = int(facet.get("value") or "0")
            if patronen:
                assert len(patronen) == 1, "patronen in één stap: niet nodig geweest"
                facetten["patronen"].append(patronen[0])
        return facetten


@cache
def _xsd(soort: BerichtSoort) -> _Xsd:
    return _Xsd(soort)


def _waarde(facetten: dict[str, Any], aard: Aard) -> st.SearchStrategy[Any]:
    basis = facetten["basis"]
    if basis == "xs:integer":
        getallen = st.integers(facetten["minInclusive"], facetten["maxInclusive"])
        return getallen.map(eurocent_naar_euro) if aard is Aard.BEDRAG else getallen
    if basis == "xs:date":
        return st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))
    if basis == "xs:time":
        return st.times()
    assert basis == "xs:string", basis
    if facetten["waarden"]:
        return st.sampled_from(facetten["waarden"])
    minimum = facetten.get("minLength", 0)
    maximum = facetten.get("maxLength", MAX_TEKST)
    patronen = facetten["patronen"]
    if not patronen:
        return st.text(XML_TEKEN, min_size=minimum, max_size=maximum)
    if len(patronen) > 1:
        # Patterns of two derivation steps would both have to match; the XSDs have none
        # (DeclaratieNummer's base type LDT_IdentificatieDeclaratie has no pattern of its own).
        raise NotImplementedError(f"meer dan één patroon: {patronen!r}")
    return _patroon_strategie(patronen[0], minimum, maximum)


def _kind(type_element: etree._Element, naam: str) -> etree._Element:
    for element in type_element.iter(f"{XS}element"):
        if element.get("name") == naam and element.getparent().getparent() is type_element:
            return element
    raise LookupError(f"{naam} niet gevonden in {type_element.get('name')}")


Vervangingen = dict[tuple[type[Model], str], st.SearchStrategy[Any]]


def _model(
    klasse: type[Model], type_element: etree._Element, soort: BerichtSoort, vervang: Vervangingen
) -> st.SearchStrategy[Any]:
    xsd = _xsd(soort)
    argumenten: dict[str, st.SearchStrategy[Any]] = {}
    for veld in fields(klasse):  # type: ignore[arg-type]
        if (klasse, veld.name) in vervang:
            argumenten[veld.name] = vervang[(klasse, veld.name)]
            continue
        xml = veld.metadata.get(XML)
        if xml is None:
            continue
        if xml.alleen is not None and xml.alleen is not soort.standaard:
            continue  # the element does not exist in this standard: keep the default None
        element = _kind(type_element, xml.naam)
        verplicht = element.get("minOccurs", "1") != "0"
        if xml.aard is Aard.SAMENGESTELD:
            strategie = _model(xml.klasse, xsd.complex_type(element), soort, vervang)
        elif xml.aard is Aard.LIJST:
            item = _kind(xsd.complex_type(element), xml.item)
            if xml.item_aard is Aard.SAMENGESTELD:
                item_strategie = _model(xml.klasse, xsd.complex_type(item), soort, vervang)
            else:
                item_strategie = _waarde(xsd.facetten(item), xml.item_aard)
            strategie = st.lists(item_strategie, min_size=1, max_size=MAX_HERHALING).map(tuple)
            if not verplicht:
                strategie = st.just(()) | strategie
            argumenten[veld.name] = strategie
            continue
        else:
            strategie = _waarde(xsd.facetten(element), xml.aard)
        argumenten[veld.name] = strategie if verplicht else st.none() | strategie
    return st.builds(klasse, **argumenten)


def bericht(
    soort: BerichtSoort, *, vervang: Vervangingen | None = None
) -> st.SearchStrategy[Bericht]:
    """Schema-valid messages of one type (``soort("JW323")``). ``vervang`` replaces the strategy
    of a field, keyed by (model class, field name)."""
    klasse = BERICHT_KLASSEN[soort.berichttype]
    vervangingen = {**(vervang or {}), (klasse, "soort"): st.just(soort)}
    return _model(klasse, _xsd(soort).typen["Root"], soort, vervangingen)


def berichten() -> st.SearchStrategy[Bericht]:
    """Schema-valid messages of any of the 28 types."""
    return st.one_of([bericht(s) for s in SOORTEN])

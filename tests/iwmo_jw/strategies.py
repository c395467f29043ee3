"""Hypothesis strategies that build schema-valid messages of all 28 types of iWmo 3.2 / iJw 3.2.

The values come from the XSDs themselves, not from the codec: for every field of a model the
strategy looks up the element in the message's XSD (or the basisschema) and draws a value its
facets allow (code lists, lengths, ranges, patterns), in that standard: a JW323 gets iJw product
categories, a WMO323 iWmo ones. Only XSD validity is guaranteed; the rules of levels 2-4
(totals that add up, periods within a month, eleven-proof BSNs) are not. For messages that also
pass level 2 use ``geldig_niveau2(soort)`` (305, 307, 315, 317, 323; at the end of this module).

Use::

    from tests.iwmo_jw.strategies import bericht
    @given(bericht(soort("JW323")))
    def test_...(b): ...

    # override a field anywhere by model class and field name:
    bericht(soort("JW323"), vervang={(Prestatie323, "eenheid"): st.just("83")})
"""

from __future__ import annotations

import calendar
from dataclasses import fields, replace
from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from typing import Any

from hypothesis import strategies as st
from lxml import etree

from iwmo_jw.codec import BERICHT_KLASSEN, SOORTEN, Bericht, BerichtSoort
from iwmo_jw.codec.modellen import (
    BedragMetDC,
    Bericht305,
    Bericht307,
    Bericht315,
    Bericht317,
    Bericht323,
    Client305,
    Client307,
    Client315,
    Client317,
    Client323,
    Geboortedatum,
    GeslotenPeriode,
    NieuwProduct317,
    Omvang,
    OngewijzigdProduct317,
    Prestatie323,
    Product,
    Referentie,
    TotaalBedragMetDC,
    Verwijzer,
)
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


# --- messages that also pass level 2 ------------------------------------------------------------
#
# ``geldig_niveau2(soort)`` builds messages of 305, 307, 315, 317 and 323 that satisfy the
# level-2 rules too (``iwmo_jw/codec/niveau2``): it draws a schema-valid message with
# ``bericht`` and then sets what the rules tie together (eleven-proof BSNs, dates relative to
# the Dagtekening, totals, unique keys, periods that do not overlap), written here from the rule
# texts, independently of the codec. It seeks out the edges: dates exactly 120 or 5 years back
# or on the Dagtekening, zero amounts, credits, Eenheid 83, shared toewijzingen in other months,
# and for iWmo the categories 11-14 that may overlap.

#: CS100: the first day a DeclaratiePeriode or ProductPeriode may have.
CS100_VANAF = date(2021, 1, 1)


def _elf(cijfers: str) -> int:
    return sum(gewicht * int(c) for gewicht, c in zip(range(9, 1, -1), cijfers, strict=True)) % 11


def bsns() -> st.SearchStrategy[str]:
    """BSNs that pass the eleven-test (CS002), 000000000 excluded."""
    return (
        st.integers(1, 99_999_999)
        .map(lambda n: f"{n:08d}")
        .filter(lambda cijfers: _elf(cijfers) < 10)
        .map(lambda cijfers: cijfers + str(_elf(cijfers)))
    )


def _jaren_eerder(dag: date, jaren: int) -> date:
    jaar = dag.year - jaren
    if dag.month == 2 and dag.day == 29 and not calendar.isleap(jaar):
        return date(jaar, 2, 28)
    return dag.replace(year=jaar)


def _maandeinde(dag: date) -> date:
    return dag.replace(day=calendar.monthrange(dag.year, dag.month)[1])


def _dagtekeningen() -> st.SearchStrategy[date]:
    """Dagtekeningen: modern dates, with 29 February and a year end drawn more often."""
    return st.one_of(
        st.dates(min_value=date(2021, 3, 1), max_value=date(2090, 12, 31)),
        st.sampled_from(
            [date(2024, 2, 29), date(2028, 2, 29), date(2025, 12, 31), date(2026, 1, 1)]
        ),
    )


@st.composite
def _geboortedatum(draw: st.DrawFn, dagtekening: date) -> Geboortedatum:
    """TR002, TR134, CS139: not more than 120 years back (or unknown), not after the
    Dagtekening, DatumGebruik consistent with the date."""
    gebruik = draw(st.sampled_from([None, "1", "2", "3"]))
    if gebruik == "3":
        return Geboortedatum(datum=date(1900, 1, 1), datum_gebruik="3")
    oudst = _jaren_eerder(dagtekening, 120)
    dag = draw(st.one_of(st.dates(oudst, dagtekening), st.sampled_from([oudst, dagtekening])))
    if gebruik == "1":
        dag = dag.replace(day=1)
    elif gebruik == "2":
        dag = dag.replace(day=1, month=1)
    if dag < oudst:  # rounding down to the 1st went past the 120 years: then no DatumGebruik
        dag, gebruik = oudst, None
    return Geboortedatum(datum=dag, datum_gebruik=gebruik)


def _met_header_dagtekening(b: Any, dagtekening: date) -> Any:
    header = b.header
    identificatie = replace(header.bericht_identificatie, dagtekening=dagtekening)
    return replace(b, header=replace(header, bericht_identificatie=identificatie))


@cache
def _basis(gekozen: BerichtSoort) -> st.SearchStrategy[Any]:
    """The schema-valid messages the level-2 strategies start from (with eleven-proof BSNs),
    built once per message type: a strategy is validated when first drawn from, which for a
    whole message costs more than drawing."""
    klasse = BERICHT_KLASSEN[gekozen.berichttype]
    client = {
        "305": Client305,
        "307": Client307,
        "315": Client315,
        "317": Client317,
        "323": Client323,
    }[gekozen.berichttype]
    vervang: Vervangingen = {(client, "bsn"): bsns()}
    if klasse is Bericht323:
        vervang[(Prestatie323, "toewijzing_nummer")] = st.integers(1, 3)
    return bericht(gekozen, vervang=vervang)


def _product_sleutel(product: Product | None) -> tuple[str, str | None] | None:
    return None if product is None else (product.categorie, product.code)


def _uniek(items: list[Any], sleutel: Any) -> list[Any]:
    """The items with the first of each key (order kept)."""
    gezien: dict[Any, Any] = {}
    for item in items:
        gezien.setdefault(sleutel(item), item)
    return list(gezien.values())


@st.composite
def _geldig_305(draw: st.DrawFn, gekozen: BerichtSoort) -> Bericht305:
    b = draw(_basis(gekozen))
    dagtekening = draw(_dagtekeningen())
    producten = [
        replace(
            p,
            status_aanlevering=draw(st.sampled_from(["1", "3"])),
            begindatum=draw(
                st.one_of(st.just(dagtekening), st.dates(date(2000, 1, 1), dagtekening))
            ),
        )
        for p in b.client.start_producten
    ]
    producten = _uniek(
        producten,
        lambda p: (
            p.toewijzing_nummer,
            _product_sleutel(p.product),
            p.toewijzing_ingangsdatum,
            p.begindatum,
        ),
    )
    client = replace(
        b.client, geboortedatum=draw(_geboortedatum(dagtekening)), start_producten=tuple(producten)
    )
    return _met_header_dagtekening(replace(b, client=client), dagtekening)


@st.composite
def _geldig_307(draw: st.DrawFn, gekozen: BerichtSoort) -> Bericht307:
    b = draw(_basis(gekozen))
    dagtekening = draw(_dagtekeningen())
    producten = []
    for p in b.client.stop_producten:
        begin = draw(st.dates(date(2000, 1, 1), dagtekening))
        eind = draw(st.one_of(st.just(begin), st.just(dagtekening), st.dates(begin, dagtekening)))
        status = draw(st.sampled_from(["1", "3"]))
        producten.append(replace(p, begindatum=begin, einddatum=eind, status_aanlevering=status))
    producten = _uniek(
        producten,
        lambda p: (
            p.toewijzing_nummer,
            _product_sleutel(p.product),
            p.toewijzing_ingangsdatum,
            p.begindatum,
            p.einddatum,
        ),
    )
    client = replace(
        b.client, geboortedatum=draw(_geboortedatum(dagtekening)), stop_producten=tuple(producten)
    )
    return _met_header_dagtekening(replace(b, client=client), dagtekening)


#: The shapes of a requested product (315 AangevraagdProduct, 317 NieuwProduct and
#: TeWijzigenProduct) that satisfy CD041, CD075-CD079, CD095/CD096, CS338/CS343.
_VORMEN = ("budget", "omvang", "alleen_categorie", "omvang_tot_2021")


@st.composite
def _aanvraag_velden(
    draw: st.DrawFn,
    product: Product | None,
    met_product: bool,
    begin: date,
    eind: date | None,
    categorie: str,
) -> dict[str, Any]:
    """Product, einddatum, Omvang and Budget of a requested product that satisfy the product
    conditions, given a drawn Product (with its standard's categories) and period."""
    vorm = draw(st.sampled_from(_VORMEN))
    if not met_product:  # TeWijzigenProduct: no Product element
        vorm = draw(st.sampled_from(["budget", "omvang_zonder_product"]))
    if vorm == "budget":  # CD075: einddatum; CD077: no Omvang; product optional
        einde = eind if eind is not None else begin
        # with a Budget no Omvang (CD077), so no ProductCode either (CD041)
        zonder_code = replace(product, code=None) if product is not None else None
        gekozen = draw(st.sampled_from([zonder_code, None])) if met_product else None
        return {
            "product": gekozen,
            "eind": einde,
            "omvang": None,
            "budget": eurocent_naar_euro(draw(st.integers(0, 99_999_999))),
        }
    omvang = Omvang(
        volume=draw(st.integers(0, 99_999_999)),
        eenheid=draw(st.sampled_from(["01", "04", "14", "16", "82", "83", "84"])),
        frequentie=draw(st.sampled_from(["1", "2", "4", "6"])),
    )
    if omvang.eenheid in ("14", "16", "83", "84"):  # CS338/CS343
        omvang = replace(omvang, frequentie=draw(st.sampled_from(["2", "4", "6"])))
    if omvang.frequentie == "2" and eind is None:  # CD076
        eind = begin
    if vorm == "omvang_zonder_product":
        return {"product": None, "eind": eind, "omvang": omvang, "budget": None}
    basis = product or Product(categorie=categorie, code=None)
    if vorm == "alleen_categorie":  # CD079 met, no code so no Omvang (CD095/CD096)
        return {"product": replace(basis, code=None), "eind": eind, "omvang": None, "budget": None}
    if vorm == "omvang_tot_2021" and eind is not None and eind <= date(2020, 12, 31):
        # no code, but ending by 31-12-2020: Omvang allowed (CD095/CD096 do not apply)
        return {
            "product": replace(basis, code=None),
            "eind": eind,
            "omvang": omvang,
            "budget": None,
        }
    code = basis.code or "A1"  # CD041: a code needs Omvang
    return {"product": replace(basis, code=code), "eind": eind, "omvang": omvang, "budget": None}


def _categorie(gekozen: BerichtSoort) -> str:
    """A product category that exists in the standard (iWmo 01-18, iJw 31-55)."""
    return "01" if gekozen.standaard.value == "iwmo" else "31"


def _zonder_overlap(begin: date, aantal: int, index: int) -> tuple[date, date | None]:
    """Periods that cannot overlap: item ``index`` gets its own 400-day block; the last may be
    open."""
    van = begin + timedelta(days=400 * index)
    tot = None if index == aantal - 1 else van + timedelta(days=399)
    return van, tot


@st.composite
def _aanvragen(
    draw: st.DrawFn,
    items: list[Any],
    gekozen: BerichtSoort,
    eerste_begin: date,
    met_product: bool = True,
) -> list[dict[str, Any]]:
    """Fields for each requested product with no forbidden overlap (TR386, TR410): either
    periods in separate blocks, or (with Products) every item a different coded product, or
    (iWmo) all in categories 11-14, which may overlap."""
    modus = draw(st.sampled_from(["blokken", "verschillend", "vrij"]))
    if modus == "vrij" and gekozen.standaard.value != "iwmo":
        modus = "blokken"
    if not met_product:
        modus = "blokken"
    uitkomst = []
    for i, item in enumerate(items):
        if modus == "blokken":
            begin, eind = _zonder_overlap(eerste_begin, len(items), i)
        else:
            begin = draw(st.dates(eerste_begin, eerste_begin + timedelta(days=60)))
            eind = draw(st.one_of(st.none(), st.dates(begin, begin + timedelta(days=500))))
        product = getattr(item, "product", None)
        velden = draw(_aanvraag_velden(product, met_product, begin, eind, _categorie(gekozen)))
        velden["begin"] = begin
        if modus == "verschillend":
            # every item its own coded product: categorie of the standard, unique code
            basis = product or Product(categorie=_categorie(gekozen))
            omvang = velden["omvang"] or Omvang(volume=1, eenheid="04", frequentie="4")
            velden.update(product=replace(basis, code=f"C{i}"), omvang=omvang, budget=None)
        elif modus == "vrij":  # iWmo: categories 11-14 may overlap, also at category level
            categorie = draw(st.sampled_from(["11", "12", "13", "14"]))
            velden["product"] = replace(
                velden["product"] or Product(categorie=categorie), categorie=categorie
            )
        uitkomst.append(velden)
    return uitkomst


def _verwijzer(draw: st.DrawFn, verwijzer: Verwijzer) -> Verwijzer:
    """CD066-CD068: types 02-05 have a ZorgverlenerCode or (without one) a Naam, never both;
    other types have no ZorgverlenerCode."""
    if verwijzer.type in ("02", "03", "04", "05"):
        if draw(st.booleans()):
            return replace(
                verwijzer, zorgverlener_code=verwijzer.zorgverlener_code or "12345678", naam=None
            )
        return replace(verwijzer, zorgverlener_code=None, naam=verwijzer.naam or "Dokter")
    return replace(verwijzer, zorgverlener_code=None)


@st.composite
def _geldig_315(draw: st.DrawFn, gekozen: BerichtSoort) -> Bericht315:
    b = draw(_basis(gekozen))
    dagtekening = draw(_dagtekeningen())
    items = list(b.client.aangevraagde_producten)
    eerste_begin = draw(st.dates(date(2015, 1, 1), date(2090, 1, 1)))
    velden = draw(_aanvragen(items, gekozen, eerste_begin))
    producten = []
    for i, (item, v) in enumerate(zip(items, velden, strict=True)):
        beschikking = item.beschikking_nummer
        producten.append(
            replace(
                item,
                referentie_aanbieder=f"R{i}-{item.referentie_aanbieder}"[:36].strip() or f"R{i}",
                product=v["product"],
                toewijzing_ingangsdatum=v["begin"],
                toewijzing_einddatum=v["eind"],
                omvang=v["omvang"],
                budget=v["budget"],
                beschikking_ingangsdatum=(
                    None if beschikking is None else item.beschikking_ingangsdatum or v["begin"]
                ),
                verwijzer=_verwijzer(draw, item.verwijzer),
            )
        )
    client = replace(
        b.client,
        geboortedatum=draw(_geboortedatum(dagtekening)),
        aangevraagde_producten=tuple(producten),
    )
    return _met_header_dagtekening(replace(b, client=client), dagtekening)


@st.composite
def _geldig_317(draw: st.DrawFn, gekozen: BerichtSoort) -> Bericht317:
    b = draw(_basis(gekozen))
    dagtekening = draw(_dagtekeningen())
    verzoek = b.client.verzoek
    ongewijzigd = _uniek(list(verzoek.ongewijzigde_producten), lambda o: o.toewijzing_nummer)
    te_wijzigen = _uniek(list(verzoek.te_wijzigen_producten), lambda t: t.toewijzing_nummer)
    nieuw = list(verzoek.nieuwe_producten)
    # TR352: an OngewijzigdProduct or TeWijzigenProduct; TR353: a TeWijzigenProduct or a
    # NieuwProduct.
    if not ongewijzigd and not te_wijzigen:
        ongewijzigd = [OngewijzigdProduct317(toewijzing_nummer=draw(st.integers(0, 999_999_999)))]
    if not te_wijzigen and not nieuw:
        nieuw = [NieuwProduct317(gewenste_ingangsdatum=dagtekening)]
    # TR380: a NieuwProduct starts after the Dagtekening.
    eerste_nieuw = dagtekening + timedelta(days=draw(st.integers(1, 400)))
    nieuwe = [
        replace(
            n,
            product=v["product"],
            gewenste_ingangsdatum=v["begin"],
            einddatum=v["eind"],
            omvang=v["omvang"],
            budget=v["budget"],
        )
        for n, v in zip(nieuw, draw(_aanvragen(nieuw, gekozen, eerste_nieuw)), strict=True)
    ]
    eerste_wijziging = draw(st.dates(date(2015, 1, 1), date(2090, 1, 1)))
    gewijzigd = [
        replace(
            t,
            gewenste_ingangsdatum=v["begin"],
            einddatum=v["eind"],
            omvang=v["omvang"],
            budget=v["budget"],
        )
        for t, v in zip(
            te_wijzigen,
            draw(_aanvragen(te_wijzigen, gekozen, eerste_wijziging, met_product=False)),
            strict=True,
        )
    ]
    nieuw_verzoek = replace(
        verzoek,
        ongewijzigde_producten=tuple(ongewijzigd),
        te_wijzigen_producten=tuple(gewijzigd),
        nieuwe_producten=tuple(nieuwe),
    )
    client = replace(b.client, verzoek=nieuw_verzoek)
    return _met_header_dagtekening(replace(b, client=client), dagtekening)


@st.composite
def _productperiode(
    draw: st.DrawFn, dagtekening: date, declaratie_dagtekening: date
) -> GeslotenPeriode:
    """CS337, CS100, TR134, TR137, TR335: within one calendar month, from 2021, ending on or
    before the Dagtekening and at most five years before the DeclaratieDagtekening."""
    vroegst = max(CS100_VANAF, _jaren_eerder(declaratie_dagtekening, 5))
    eind = draw(st.one_of(st.dates(vroegst, dagtekening), st.sampled_from([vroegst, dagtekening])))
    begin = draw(
        st.one_of(
            st.dates(max(eind.replace(day=1), CS100_VANAF), eind), st.just(eind.replace(day=1))
        )
    )
    begin = max(begin, CS100_VANAF)
    return GeslotenPeriode(begindatum=begin, einddatum=eind)


@st.composite
def _geldig_323(draw: st.DrawFn, gekozen: BerichtSoort) -> Bericht323:
    dagtekening = draw(st.dates(date(2021, 2, 1), date(2090, 12, 31)))
    # The DeclaratieDagtekening (checked by no level-2 rule) at most ~five years after the
    # Dagtekening, so that TR335 leaves room for a ProductPeriode.
    declaratie_dagtekening = draw(
        st.one_of(
            st.just(dagtekening), st.dates(date(2021, 1, 1), dagtekening + timedelta(days=1500))
        )
    )
    b = draw(_basis(gekozen))
    # CS340, CS100, TR134, TR137: a whole calendar month from 2021, ending by the Dagtekening.
    laatste = (
        dagtekening
        if dagtekening == _maandeinde(dagtekening)
        else dagtekening.replace(day=1) - timedelta(days=1)
    )
    maand_eind = _maandeinde(draw(st.dates(CS100_VANAF, laatste)))
    declaratie_periode = GeslotenPeriode(begindatum=maand_eind.replace(day=1), einddatum=maand_eind)

    clienten = _uniek(list(b.declaratie.clienten), lambda c: c.bsn)  # TR101 (Client)
    nummer = 0
    gezien_debet: set[tuple[Any, ...]] = set()
    nieuwe_clienten = []
    debet = credit = Decimal(0)
    for client in clienten:
        prestaties = []
        for p in client.prestaties:
            nummer += 1
            p = replace(
                p, product_periode=draw(_productperiode(dagtekening, declaratie_dagtekening))
            )
            # TR101 (Prestatie), TR315, TR316: unique references; a credit names a prestatie of
            # an earlier message.
            credit_regel = draw(st.booleans())
            if p.eenheid == "83":  # CD087, CS339
                bedrag = eurocent_naar_euro(p.geleverd_volume)
                tarief = None
            else:
                bedrag = p.ingediend_bedrag.bedrag
                tarief = p.product_tarief if p.product_tarief is not None else Decimal("12.50")
            if bedrag == 0:  # CS325
                credit_regel = False
            referentie = Referentie(
                referentie_nummer=f"R{nummer}",
                vorig_referentie_nummer=f"EERDER{nummer}" if credit_regel else None,  # CD060
            )
            p = replace(
                p,
                product_referentie=referentie,
                product_tarief=tarief,
                ingediend_bedrag=BedragMetDC(
                    bedrag=bedrag, debet_credit="C" if credit_regel else "D"
                ),
            )
            if not credit_regel:  # TR416: no second debit for the same key
                periode = (p.product_periode.begindatum, p.product_periode.einddatum)
                sleutel = (p.toewijzing_nummer, p.product_categorie, p.product_code, periode)
                if sleutel in gezien_debet:
                    p = replace(p, toewijzing_nummer=1000 + nummer)
                    sleutel = (p.toewijzing_nummer, p.product_categorie, p.product_code, periode)
                gezien_debet.add(sleutel)
                debet += bedrag
            else:
                credit += bedrag
            prestaties.append(p)
        nieuwe_clienten.append(replace(client, prestaties=tuple(prestaties)))
    som = debet - credit  # TR358; CS325: zero is D
    totaal = TotaalBedragMetDC(totaal_bedrag=abs(som), debet_credit="C" if som < 0 else "D")
    declaratie = replace(
        b.declaratie,
        declaratie_periode=declaratie_periode,
        declaratie_dagtekening=declaratie_dagtekening,
        totaal_ingediend_bedrag=totaal,
        clienten=tuple(nieuwe_clienten),
    )
    return _met_header_dagtekening(replace(b, declaratie=declaratie), dagtekening)


_GELDIG_NIVEAU2 = {
    "305": _geldig_305,
    "307": _geldig_307,
    "315": _geldig_315,
    "317": _geldig_317,
    "323": _geldig_323,
}

#: The message types that have level-2 rules (and a strategy here).
NIVEAU2_BERICHTTYPEN = tuple(_GELDIG_NIVEAU2)


def geldig_niveau2(gekozen: BerichtSoort) -> st.SearchStrategy[Bericht]:
    """Messages of one type (305, 307, 315, 317 or 323) that pass levels 1 and 2."""
    return _GELDIG_NIVEAU2[gekozen.berichttype](gekozen)

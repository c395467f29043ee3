"""Level 2 of the verzoek om toewijzing (315) and verzoek om wijziging (317): for every rule a
valid message and one that breaks exactly that rule; the overlap rules per standard."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iwmo_jw.codec import Melding, parse, soort
from iwmo_jw.codec.modellen import (
    AangevraagdProduct315,
    Achternaam,
    Bericht315,
    Bericht317,
    Client315,
    Geboortedatum,
    Header,
    NieuwProduct317,
    Omvang,
    OngewijzigdProduct317,
    Product,
    TeWijzigenProduct317,
    VerkorteNaam,
    Verwijzer,
)
from iwmo_jw.codec.niveau2 import niveau2_meldingen
from tests.iwmo_jw.hulp import voorbeeld
from tests.iwmo_jw.niveau2_hulp import PER_REGEL, Geval, controleer, ongeldig_bsn

VOTS = ("JW315", "WMO315")
VOWS = ("JW317", "WMO317")
PER_MAAND = Omvang(volume=4, eenheid="04", frequentie="4")


def _categorie(b: Any) -> str:
    return "01" if b.soort.standaard.value == "iwmo" else "31"


# --- 315 -----------------------------------------------------------------------------------------


def _aanvraag(b: Bericht315, **velden: Any) -> AangevraagdProduct315:
    """The first AangevraagdProduct as a clean specific request (product with code, Omvang per
    month, 30 days), then ``velden``."""
    eerste = b.client.aangevraagde_producten[0]
    begin = eerste.toewijzing_ingangsdatum
    schoon = replace(
        eerste,
        product=Product(categorie=_categorie(b), code="A1"),
        toewijzing_einddatum=begin + timedelta(days=30),
        omvang=PER_MAAND,
        budget=None,
    )
    return replace(schoon, **velden)


def _vot(b: Bericht315, *aanvragen: AangevraagdProduct315) -> Bericht315:
    return replace(b, client=replace(b.client, aangevraagde_producten=aanvragen))


def _een(**velden: Any) -> Any:
    return lambda b, data: _vot(b, _aanvraag(b, **velden))


def _tr383(b: Bericht315, data: st.DataObject) -> Bericht315:
    eerste = _aanvraag(b)
    assert eerste.toewijzing_einddatum is not None
    later = eerste.toewijzing_einddatum + timedelta(days=1)
    return _vot(b, eerste, _aanvraag(b, toewijzing_ingangsdatum=later, toewijzing_einddatum=later))


def _tr386(b: Bericht315, data: st.DataObject) -> Bericht315:
    eerste = _aanvraag(b)
    return _vot(b, eerste, replace(eerste, referentie_aanbieder="ANDER"))


def _cd043_zonder_datum(b: Bericht315, data: st.DataObject) -> Bericht315:
    return _vot(b, _aanvraag(b, beschikking_nummer=1, beschikking_ingangsdatum=None))


def _cd043_zonder_nummer(b: Bericht315, data: st.DataObject) -> Bericht315:
    eerste = _aanvraag(b)
    return _vot(
        b,
        replace(
            eerste, beschikking_nummer=None, beschikking_ingangsdatum=eerste.toewijzing_ingangsdatum
        ),
    )


def _verwijzer(**velden: Any) -> Any:
    return _een(verwijzer=Verwijzer(**velden))


GEVALLEN_315 = [
    Geval("TR383 referentie uniek", VOTS, _tr383, (("TR383", "ReferentieAanbieder"),)),
    Geval("TR386 overlap", VOTS, _tr386, (("TR386", "ToewijzingIngangsdatum"),)),
    Geval("CD079 product", VOTS, _een(product=None, omvang=None), (("CD079", "Product"),)),
    Geval(
        "CD075 einddatum bij budget",
        VOTS,
        _een(product=None, omvang=None, budget=Decimal("100.00"), toewijzing_einddatum=None),
        (("CD075", "ToewijzingEinddatum"),),
    ),
    Geval(
        "CD076 einddatum per week",
        VOTS,
        _een(omvang=replace(PER_MAAND, frequentie="2"), toewijzing_einddatum=None),
        (("CD076", "ToewijzingEinddatum"),),
    ),
    Geval(
        "CS003 einddatum",
        VOTS,
        lambda b, data: _vot(
            b,
            _aanvraag(
                b,
                toewijzing_einddatum=b.client.aangevraagde_producten[0].toewijzing_ingangsdatum
                - timedelta(days=1),
            ),
        ),
        (("CS003", "ToewijzingEinddatum"),),
    ),
    Geval("CD041 omvang bij code", VOTS, _een(omvang=None), (("CD041", "Omvang"),)),
    Geval(
        "CD077 en CD078 omvang en budget",
        VOTS,
        _een(budget=Decimal("100.00")),
        (("CD077", "Omvang"), ("CD078", "Budget")),
    ),
    Geval(
        "CD095 omvang zonder code",
        VOTS,
        lambda b, data: _vot(
            b, _aanvraag(b, product=Product(categorie=_categorie(b)), toewijzing_einddatum=None)
        ),
        (("CD095", "Omvang"),),
    ),
    Geval(
        "CS343 frequentie",
        VOTS,
        _een(omvang=Omvang(volume=1, eenheid="14", frequentie="1"), toewijzing_einddatum=None),
        (("CS343", "Frequentie"),),
    ),
    Geval("CD043 zonder datum", VOTS, _cd043_zonder_datum, (("CD043", "BeschikkingIngangsdatum"),)),
    Geval(
        "CD043 zonder nummer", VOTS, _cd043_zonder_nummer, (("CD043", "BeschikkingIngangsdatum"),)
    ),
    Geval(
        "CD066 naam en code",
        VOTS,
        _verwijzer(type="02", naam="Dokter", zorgverlener_code="12345678"),
        (("CD066", "Naam"),),
    ),
    Geval("CD067 geen naam", VOTS, _verwijzer(type="03"), (("CD067", "Naam"),)),
    Geval(
        "CD068 code bij gemeente",
        VOTS,
        _verwijzer(type="01", zorgverlener_code="12345678"),
        (("CD068", "ZorgverlenerCode"),),
    ),
]


# --- 317 -----------------------------------------------------------------------------------------


def _nieuw(b: Bericht317, **velden: Any) -> NieuwProduct317:
    """A clean NieuwProduct: product with code, Omvang per month, from 10 days after the
    Dagtekening for 30 days; then ``velden``."""
    begin = b.header.dagtekening + timedelta(days=10)
    schoon = NieuwProduct317(
        product=Product(categorie=_categorie(b), code="A1"),
        gewenste_ingangsdatum=begin,
        einddatum=begin + timedelta(days=30),
        omvang=PER_MAAND,
    )
    return replace(schoon, **velden)


def _wijziging(b: Bericht317, **velden: Any) -> TeWijzigenProduct317:
    begin = b.header.dagtekening
    schoon = TeWijzigenProduct317(
        toewijzing_nummer=7, gewenste_ingangsdatum=begin, einddatum=begin, omvang=PER_MAAND
    )
    return replace(schoon, **velden)


def _vow(
    b: Bericht317,
    ongewijzigd: tuple[OngewijzigdProduct317, ...] = (OngewijzigdProduct317(toewijzing_nummer=1),),
    te_wijzigen: tuple[TeWijzigenProduct317, ...] = (),
    nieuw: tuple[NieuwProduct317, ...] | None = None,
) -> Bericht317:
    verzoek = replace(
        b.client.verzoek,
        ongewijzigde_producten=ongewijzigd,
        te_wijzigen_producten=te_wijzigen,
        nieuwe_producten=(_nieuw(b),) if nieuw is None else nieuw,
    )
    return replace(b, client=replace(b.client, verzoek=verzoek))


def _nieuw_met(**velden: Any) -> Any:
    return lambda b, data: _vow(b, nieuw=(_nieuw(b, **velden),))


def _wijziging_met(**velden: Any) -> Any:
    return lambda b, data: _vow(b, te_wijzigen=(_wijziging(b, **velden),))


def _cs002_vow(b: Bericht317, data: st.DataObject) -> Bericht317:
    return replace(b, client=replace(b.client, bsn=ongeldig_bsn(b.client.bsn)))


def _tr101_ongewijzigd(b: Bericht317, data: st.DataObject) -> Bericht317:
    twee = (OngewijzigdProduct317(toewijzing_nummer=5), OngewijzigdProduct317(toewijzing_nummer=5))
    return _vow(b, ongewijzigd=twee)


def _tr101_te_wijzigen(b: Bericht317, data: st.DataObject) -> Bericht317:
    return _vow(b, te_wijzigen=(_wijziging(b), _wijziging(b)))


def _tr410(b: Bericht317, data: st.DataObject) -> Bericht317:
    return _vow(b, nieuw=(_nieuw(b), _nieuw(b)))


def _cs003_nieuw(b: Bericht317, data: st.DataObject) -> Bericht317:
    product = _nieuw(b)
    eerder = product.gewenste_ingangsdatum - timedelta(days=1)
    return _vow(b, nieuw=(replace(product, einddatum=eerder),))


GEVALLEN_317 = [
    Geval("CS002 elfproef", VOWS, _cs002_vow, (("CS002", "Bsn"),)),
    Geval(
        "TR352 niets actueels",
        VOWS,
        lambda b, data: _vow(b, ongewijzigd=()),
        (("TR352", "Verzoek"),),
    ),
    Geval("TR353 niets gevraagd", VOWS, lambda b, data: _vow(b, nieuw=()), (("TR353", "Verzoek"),)),
    Geval("TR101 ongewijzigd", VOWS, _tr101_ongewijzigd, (("TR101", "ToewijzingNummer"),)),
    Geval("TR101 te wijzigen", VOWS, _tr101_te_wijzigen, (("TR101", "ToewijzingNummer"),)),
    Geval(
        "TR380 nieuw na dagtekening",
        VOWS,
        lambda b, data: _vow(b, nieuw=(_nieuw(b, gewenste_ingangsdatum=b.header.dagtekening),)),
        (("TR380", "GewensteIngangsdatum"),),
    ),
    Geval("TR410 overlap", VOWS, _tr410, (("TR410", "GewensteIngangsdatum"),)),
    Geval("CD079 nieuw", VOWS, _nieuw_met(product=None, omvang=None), (("CD079", "Product"),)),
    Geval(
        "CD075 nieuw",
        VOWS,
        _nieuw_met(product=None, omvang=None, budget=Decimal("5.00"), einddatum=None),
        (("CD075", "Einddatum"),),
    ),
    Geval(
        "CD076 nieuw",
        VOWS,
        _nieuw_met(omvang=replace(PER_MAAND, frequentie="2"), einddatum=None),
        (("CD076", "Einddatum"),),
    ),
    Geval("CS003 nieuw", VOWS, _cs003_nieuw, (("CS003", "Einddatum"),)),
    Geval("CD041 nieuw", VOWS, _nieuw_met(omvang=None), (("CD041", "Omvang"),)),
    Geval(
        "CD077 en CD078 nieuw",
        VOWS,
        _nieuw_met(budget=Decimal("5.00")),
        (("CD077", "Omvang"), ("CD078", "Budget")),
    ),
    Geval(
        "CD096 nieuw",
        VOWS,
        lambda b, data: _vow(b, nieuw=(_nieuw(b, product=Product(categorie=_categorie(b))),)),
        (("CD096", "Omvang"),),
    ),
    Geval(
        "CS338 nieuw",
        VOWS,
        _nieuw_met(omvang=Omvang(volume=1, eenheid="16", frequentie="1")),
        (("CS338", "Frequentie"),),
    ),
    Geval(
        "CD075 te wijzigen",
        VOWS,
        _wijziging_met(omvang=None, budget=Decimal("5.00"), einddatum=None),
        (("CD075", "Einddatum"),),
    ),
    Geval(
        "CD076 te wijzigen",
        VOWS,
        _wijziging_met(omvang=replace(PER_MAAND, frequentie="2"), einddatum=None),
        (("CD076", "Einddatum"),),
    ),
    Geval(
        "CS003 te wijzigen",
        VOWS,
        lambda b, data: _vow(
            b, te_wijzigen=(_wijziging(b, einddatum=b.header.dagtekening - timedelta(days=1)),)
        ),
        (("CS003", "Einddatum"),),
    ),
    Geval(
        "CD077 en CD078 te wijzigen",
        VOWS,
        _wijziging_met(budget=Decimal("5.00")),
        (("CD077", "Omvang"), ("CD078", "Budget")),
    ),
    Geval(
        "CS338 te wijzigen",
        VOWS,
        _wijziging_met(omvang=Omvang(volume=1, eenheid="84", frequentie="1")),
        (("CS338", "Frequentie"),),
    ),
]


@pytest.mark.parametrize("geval", GEVALLEN_315 + GEVALLEN_317, ids=str)
@PER_REGEL
@given(data=st.data())
def test_regel_van_de_verzoeken(geval: Geval, data: st.DataObject) -> None:
    controleer(geval, data)


# --- overlap per standard, and the official examples --------------------------------------------


def _vot_voorbeeld(naam: str) -> Bericht315:
    """The official JW315 example is not schema-valid (2027-06-31); this is its level-2-valid
    model, built from the JW317 example's client, as WMO315 or JW315."""
    vow = parse(voorbeeld("JW317"))
    assert isinstance(vow, Bericht317)
    client = Client315(
        bsn=vow.client.bsn,
        geboortedatum=Geboortedatum(datum=date(2010, 2, 14)),
        geslacht="1",
        naam=VerkorteNaam(geslachtsnaam=Achternaam(achternaam="Wit")),
        aangevraagde_producten=(
            AangevraagdProduct315(
                referentie_aanbieder="A1",
                toewijzing_ingangsdatum=date(2026, 4, 1),
                toewijzing_einddatum=date(2026, 12, 31),
                product=Product(categorie="31", code="31A01"),
                omvang=PER_MAAND,
                verwijzer=Verwijzer(type="01"),
            ),
        ),
    )
    header = vow.header
    assert isinstance(header, Header)
    return Bericht315(soort=soort(naam), header=header, client=client)


def _met_producten(
    b: Bericht315, *producten: tuple[str, Product | None, date, date | None]
) -> Bericht315:
    eerste = b.client.aangevraagde_producten[0]
    aanvragen = tuple(
        replace(
            eerste,
            referentie_aanbieder=ref,
            product=product,
            toewijzing_ingangsdatum=begin,
            toewijzing_einddatum=eind,
            omvang=PER_MAAND if product is not None and product.code is not None else None,
            budget=None if product is not None else Decimal("1.00"),
        )
        for ref, product, begin, eind in producten
    )
    return _vot(b, *aanvragen)


APRIL = date(2026, 4, 1)
MEI = date(2026, 5, 1)


def test_wmo_categorie_11_tot_14_mag_overlappen_jw_kent_die_uitzondering_niet() -> None:
    wmo = _vot_voorbeeld("WMO315")
    huishouden = Product(categorie="11", code="11A1")
    assert (
        niveau2_meldingen(
            _met_producten(wmo, ("A", huishouden, APRIL, None), ("B", huishouden, MEI, None))
        )
        == []
    )
    # Without a category a request may overlap only 11-14 (iWmo) ...
    zonder = _met_producten(wmo, ("A", huishouden, APRIL, None), ("B", None, MEI, date(2026, 6, 1)))
    assert niveau2_meldingen(zonder) == []
    # ... and not another category.
    ander = _met_producten(
        wmo,
        ("A", Product(categorie="01", code="01A1"), APRIL, None),
        ("B", None, MEI, date(2026, 6, 1)),
    )
    assert [(m.regel, m.melding) for m in niveau2_meldingen(ander)] == [
        (
            "TR386",
            "AangevraagdProduct 2 (ReferentieAanbieder B): zonder product in 01-05-2026 t/m "
            "01-06-2026 overlapt met AangevraagdProduct 1 (product 01/01A1, 01-04-2026 t/m "
            "(open)) (TR386)",
        )
    ]


def test_overlap_op_categorieniveau_en_aansluitende_perioden() -> None:
    jw = _vot_voorbeeld("JW315")
    met_code = Product(categorie="31", code="31A01")
    ander_code = Product(categorie="31", code="31A02")
    alleen_categorie = Product(categorie="31")
    # Different codes of one category may overlap; periods that touch but do not share a day too.
    assert (
        niveau2_meldingen(
            _met_producten(jw, ("A", met_code, APRIL, None), ("B", ander_code, APRIL, None))
        )
        == []
    )
    assert (
        niveau2_meldingen(
            _met_producten(
                jw, ("A", met_code, APRIL, date(2026, 4, 30)), ("B", met_code, MEI, None)
            )
        )
        == []
    )
    # Without a code the category counts: it overlaps every product of category 31.
    fout = _met_producten(
        jw,
        ("A", met_code, APRIL, None),
        ("B", alleen_categorie, date(2026, 4, 30), date(2026, 4, 30)),
    )
    assert [(m.regel, m.element) for m in niveau2_meldingen(fout)] == [
        ("TR386", "ToewijzingIngangsdatum")
    ]
    # One day in common is an overlap.
    fout = _met_producten(jw, ("A", met_code, APRIL, date(2026, 5, 1)), ("B", met_code, MEI, None))
    assert [m.regel for m in niveau2_meldingen(fout)] == ["TR386"]


def test_het_officiele_vow_voorbeeld_faalt_op_cs003() -> None:
    b = parse(voorbeeld("JW317"))
    assert niveau2_meldingen(b) == [
        Melding(
            "CS003",
            "0001",
            "NieuwProduct 1: Einddatum 28-02-2024 ligt vóór GewensteIngangsdatum 01-11-2026 (CS003)",
            None,
            "Einddatum",
        )
    ]

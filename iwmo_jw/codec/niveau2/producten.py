"""The rules on requested products that the 315 and 317 share (AangevraagdProduct, NieuwProduct,
TeWijzigenProduct): each message's classes are viewed as :class:`Item`, and each rule is a
small function over items. The named rules of the messages (``verzoek.py``) call them.

Texts: CD041, CD075-CD079, CD095, CD096, CS003, CS338, CS343 from the iJw 3.2 table of
conditions and constraints; TR386 and TR410 (overlap) from the technische regels.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from iwmo_jw.codec.modellen import Bericht315, Bericht317, Omvang, Product
from iwmo_jw.codec.niveau2.basis import (
    EINDE_2020,
    Aanvraag,
    Bevinding,
    Pad,
    bevinding,
    client_pad,
    datum,
    overlappende_producten,
    periode,
    product_tekst,
)

#: CS338/CS343: units that need Frequentie 2, 4 or 6 ...
_EENHEDEN_MET_FREQUENTIE_EIS = frozenset({"14", "16", "83", "84"})
_FREQUENTIES_TOEGESTAAN = ("2", "4", "6")


@dataclass(frozen=True, slots=True)
class Item:
    """A requested product of a 315 or 317, as the shared product rules see it."""

    naam: str  # "AangevraagdProduct 2"
    #: The name with what identifies it: "AangevraagdProduct 2 (ReferentieAanbieder 40A1)".
    plaats: str
    pad: Pad  # path to the item's element
    index: int
    heeft_product: bool  # the class has a Product element (TeWijzigenProduct has none)
    product: Product | None
    begin_element: str  # ToewijzingIngangsdatum / GewensteIngangsdatum
    begin: date
    eind_element: str  # ToewijzingEinddatum / Einddatum
    eind: date | None
    omvang: Omvang | None
    budget: Decimal | None


def aangevraagde_producten(bericht: Bericht315) -> list[Item]:
    """The AangevraagdProducts of a 315."""
    return [
        Item(
            naam=f"AangevraagdProduct {i + 1}",
            plaats=f"AangevraagdProduct {i + 1} (ReferentieAanbieder {a.referentie_aanbieder})",
            pad=client_pad(("AangevraagdeProducten", 0), ("AangevraagdProduct", i)),
            index=i,
            heeft_product=True,
            product=a.product,
            begin_element="ToewijzingIngangsdatum",
            begin=a.toewijzing_ingangsdatum,
            eind_element="ToewijzingEinddatum",
            eind=a.toewijzing_einddatum,
            omvang=a.omvang,
            budget=a.budget,
        )
        for i, a in enumerate(bericht.client.aangevraagde_producten)
    ]


def nieuwe_producten(bericht: Bericht317) -> list[Item]:
    """The NieuwProducts of a 317."""
    return [
        Item(
            naam=f"NieuwProduct {i + 1}",
            plaats=f"NieuwProduct {i + 1}",
            pad=client_pad(("Verzoek", 0), ("NieuweProducten", 0), ("NieuwProduct", i)),
            index=i,
            heeft_product=True,
            product=n.product,
            begin_element="GewensteIngangsdatum",
            begin=n.gewenste_ingangsdatum,
            eind_element="Einddatum",
            eind=n.einddatum,
            omvang=n.omvang,
            budget=n.budget,
        )
        for i, n in enumerate(bericht.client.verzoek.nieuwe_producten)
    ]


def te_wijzigen_producten(bericht: Bericht317) -> list[Item]:
    """The TeWijzigenProducts of a 317 (they have no Product element)."""
    return [
        Item(
            naam=f"TeWijzigenProduct {i + 1}",
            plaats=f"TeWijzigenProduct {i + 1} (ToewijzingNummer {t.toewijzing_nummer})",
            pad=client_pad(("Verzoek", 0), ("TeWijzigenProducten", 0), ("TeWijzigenProduct", i)),
            index=i,
            heeft_product=False,
            product=None,
            begin_element="GewensteIngangsdatum",
            begin=t.gewenste_ingangsdatum,
            eind_element="Einddatum",
            eind=t.einddatum,
            omvang=t.omvang,
            budget=t.budget,
        )
        for i, t in enumerate(bericht.client.verzoek.te_wijzigen_producten)
    ]


def na_2020_of_open(item: Item) -> bool:
    return item.eind is None or item.eind > EINDE_2020


# --- the rules, over items -----------------------------------------------------------------------


def cd079(items: Iterable[Item]) -> Iterator[Bevinding]:
    for item in items:
        if item.heeft_product and item.budget is None and item.product is None:
            yield bevinding(
                "CD079",
                "Product",
                item.plaats,
                "zonder Budget is Product verplicht",
                item.pad,
            )


def cd075(items: Iterable[Item]) -> Iterator[Bevinding]:
    for item in items:
        if item.budget is not None and item.eind is None:
            yield bevinding(
                "CD075",
                item.eind_element,
                item.plaats,
                f"met een Budget is {item.eind_element} verplicht",
                item.pad,
            )


def cd076(items: Iterable[Item]) -> Iterator[Bevinding]:
    for item in items:
        if item.omvang is not None and item.omvang.frequentie == "2" and item.eind is None:
            yield bevinding(
                "CD076",
                item.eind_element,
                item.plaats,
                f"met Frequentie 2 (per week) is {item.eind_element} verplicht",
                item.pad,
            )


def cs003(items: Iterable[Item]) -> Iterator[Bevinding]:
    for item in items:
        if item.eind is not None and item.eind < item.begin:
            yield bevinding(
                "CS003",
                item.eind_element,
                item.plaats,
                f"{item.eind_element} {datum(item.eind)} ligt vóór {item.begin_element} "
                f"{datum(item.begin)}",
                (*item.pad, (item.eind_element, 0)),
            )


def cd041(items: Iterable[Item]) -> Iterator[Bevinding]:
    for item in items:
        if item.product is not None and item.product.code is not None and item.omvang is None:
            yield bevinding(
                "CD041",
                "Omvang",
                item.plaats,
                f"met een ProductCode ({item.product.code}) is Omvang verplicht",
                item.pad,
            )


def cd077(items: Iterable[Item]) -> Iterator[Bevinding]:
    for item in items:
        if item.budget is not None and item.omvang is not None:
            yield bevinding(
                "CD077",
                "Omvang",
                item.plaats,
                "met een Budget moet Omvang leeg zijn",
                (*item.pad, ("Omvang", 0)),
            )


def cd078(items: Iterable[Item]) -> Iterator[Bevinding]:
    for item in items:
        if item.omvang is not None and item.budget is not None:
            yield bevinding(
                "CD078",
                "Budget",
                item.plaats,
                "met een Omvang moet Budget leeg zijn",
                (*item.pad, ("Budget", 0)),
            )


def omvang_zonder_productcode(regel: str, items: Iterable[Item]) -> Iterator[Bevinding]:
    """CD095 (315) and CD096 (317): no Omvang without a ProductCode, unless the end date lies
    on or before 31-12-2020."""
    for item in items:
        if not item.heeft_product or item.omvang is None:
            continue
        zonder_code = item.product is None or item.product.code is None
        if zonder_code and na_2020_of_open(item):
            yield bevinding(
                regel,
                "Omvang",
                item.plaats,
                "zonder ProductCode moet Omvang leeg zijn (de einddatum ligt na 31-12-2020 of "
                "is leeg)",
                (*item.pad, ("Omvang", 0)),
            )


def frequentie_bij_eenheid(regel: str, items: Iterable[Item]) -> Iterator[Bevinding]:
    """CS338 (317) and CS343 (315): Eenheid 14, 16, 83 or 84 needs Frequentie 2, 4 or 6 when
    the end date lies after 31-12-2020 or is empty."""
    for item in items:
        omvang = item.omvang
        if (
            omvang is not None
            and omvang.eenheid in _EENHEDEN_MET_FREQUENTIE_EIS
            and omvang.frequentie not in _FREQUENTIES_TOEGESTAAN
            and na_2020_of_open(item)
        ):
            yield bevinding(
                regel,
                "Frequentie",
                item.plaats,
                f"bij Eenheid {omvang.eenheid} moet Frequentie 2, 4 of 6 zijn (niet "
                f"{omvang.frequentie})",
                (*item.pad, ("Omvang", 0), ("Frequentie", 0)),
            )


def geen_overlap(
    regel: str, items: list[Item], bericht: Bericht315 | Bericht317
) -> Iterator[Bevinding]:
    aanvragen = [
        Aanvraag(
            index=item.index,
            categorie=item.product.categorie if item.product is not None else None,
            code=item.product.code if item.product is not None else None,
            begin=item.begin,
            eind=item.eind,
        )
        for item in items
    ]
    paren = sorted(
        overlappende_producten(aanvragen, bericht.soort.standaard), key=lambda p: p[0].index
    )
    for later, eerder in paren:
        item, ander = items[later.index], items[eerder.index]
        yield bevinding(
            regel,
            item.begin_element,
            item.plaats,
            f"{product_tekst(later.categorie, later.code)} in {periode(later.begin, later.eind)} "
            f"overlapt met {ander.naam} "
            f"({product_tekst(eerder.categorie, eerder.code)}, "
            f"{periode(eerder.begin, eerder.eind)})",
            item.pad,
        )

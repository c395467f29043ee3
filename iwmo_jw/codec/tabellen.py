"""Precomputed tables: for each model class and message type, its elements in XSD order with
their tags and qualified names. Built once (cached) from the dataclass metadata; the reader and
the writer work from these tables only.
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, fields
from typing import Any

from iwmo_jw.codec.soorten import RELEASE, BerichtSoort
from iwmo_jw.codec.velden import XML, Kant, Model, XmlVeld

#: The values of the fixed header elements; BerichtVersie and BerichtSubversie follow from the
#: release ("3_2").
_VERSIE, _SUBVERSIE = RELEASE.split("_")


def prefixen(soort: BerichtSoort) -> tuple[str, str]:
    """The prefixes the writer uses: message ("jw323") and basisschema ("ijw")."""
    return f"{soort.prefix}{soort.berichttype}", soort.standaard.value


def vaste_waarde(naam: str, soort: BerichtSoort) -> str:
    waarden = {
        "BerichtCode": str(soort.berichtcode),
        "BerichtVersie": _VERSIE,
        "BerichtSubversie": _SUBVERSIE,
    }
    return waarden[naam]


@dataclass(frozen=True, slots=True)
class Element:
    """One element of a model in a given message type, in XSD order."""

    index: int  # position of its field in ``fields(klasse)``; -1 for a fixed element
    veldnaam: str  # "" for a fixed element
    tag: str  # "{namespace}Naam", as lxml reports it
    qnaam: str  # "jw323:Naam", as the writer writes it
    verplicht: bool
    veld: XmlVeld | None  # None for a fixed element
    vast: str | None = None  # the value of a fixed element
    item_tag: str | None = None  # LIJST: the repeated element
    item_qnaam: str | None = None


@dataclass(frozen=True, slots=True)
class Structuur:
    klasse: type[Model]
    soort: BerichtSoort
    veldnamen: tuple[str, ...]
    #: Per field: its default (None, ()) or, for a required field, None as a placeholder.
    standaard: tuple[Any, ...]
    elementen: tuple[Element, ...]
    #: Fields whose element does not exist in this message's standard (``XmlVeld.alleen``).
    uitgesloten: tuple[tuple[str, XmlVeld], ...]


_STRUCTUREN: dict[tuple[type[Model], BerichtSoort], Structuur] = {}


def structuur(klasse: type[Model], soort: BerichtSoort) -> Structuur:
    """The elements of ``klasse`` in message type ``soort`` (computed once)."""
    bekend = _STRUCTUREN.get((klasse, soort))
    if bekend is None:
        bekend = _STRUCTUREN[(klasse, soort)] = _structuur(klasse, soort)
    return bekend


def _structuur(klasse: type[Model], soort: BerichtSoort) -> Structuur:
    bericht_ns = soort.namespace
    basis_ns = soort.basis_namespace
    bericht_prefix, basis_prefix = prefixen(soort)
    if klasse.XML_KANT is Kant.BASIS:
        ns, prefix = basis_ns, basis_prefix
    else:
        ns, prefix = bericht_ns, bericht_prefix
    elementen: list[Element] = [
        Element(
            index=-1,
            veldnaam="",
            tag=f"{{{ns}}}{naam}",
            qnaam=f"{prefix}:{naam}",
            verplicht=True,
            veld=None,
            vast=vaste_waarde(naam, soort),
        )
        for naam in klasse.XML_VAST
    ]
    veldnamen: list[str] = []
    standaard: list[Any] = []
    uitgesloten: list[tuple[str, XmlVeld]] = []
    for index, veld in enumerate(fields(klasse)):  # type: ignore[arg-type]
        veldnamen.append(veld.name)
        standaard.append(None if veld.default is MISSING else veld.default)
        xml_veld: XmlVeld | None = veld.metadata.get(XML)
        if xml_veld is None:
            continue
        if xml_veld.alleen is not None and xml_veld.alleen is not soort.standaard:
            uitgesloten.append((veld.name, xml_veld))
            continue
        item_tag = item_qnaam = None
        if xml_veld.item is not None:
            # The repeated element is declared in the message schema, like its wrapper.
            item_tag = f"{{{bericht_ns}}}{xml_veld.item}"
            item_qnaam = f"{bericht_prefix}:{xml_veld.item}"
        elementen.append(
            Element(
                index=index,
                veldnaam=veld.name,
                tag=f"{{{ns}}}{xml_veld.naam}",
                qnaam=f"{prefix}:{xml_veld.naam}",
                verplicht=veld.default is MISSING,
                veld=xml_veld,
                item_tag=item_tag,
                item_qnaam=item_qnaam,
            )
        )
    return Structuur(
        klasse=klasse,
        soort=soort,
        veldnamen=tuple(veldnamen),
        standaard=tuple(standaard),
        elementen=tuple(elementen),
        uitgesloten=tuple(uitgesloten),
    )

"""Hardened XML reading with lxml: no DTD or DOCTYPE, no entity expansion, no network, a size
limit, and libxml2's depth limit. Every refusal is a :class:`CodecFout` with its own code."""

from __future__ import annotations

import re

from lxml import etree

from iwmo_jw.codec.fouten import CodecFout

#: The GGk limit for one message; callers may pass another (the berichtenbox reads a setting).
STANDAARD_MAX_GROOTTE = 25 * 1024 * 1024

# A DOCTYPE can only stand in the prolog, before the root element's start tag.
_PROLOG_EIND = re.compile(rb"<[A-Za-z_]")
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_ENTITY = re.compile(rb"<!ENTITY", re.IGNORECASE)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        load_dtd=False,
        dtd_validation=False,
        no_network=True,
        huge_tree=False,  # keeps libxml2's limits on depth and text node size
        remove_blank_text=False,
        collect_ids=False,
    )


def lees_xml(data: bytes, *, max_grootte: int = STANDAARD_MAX_GROOTTE) -> etree._ElementTree:
    """Parse ``data`` safely. Raises :class:`CodecFout` with code ``leeg``, ``te_groot``,
    ``doctype_verboden``, ``entiteit_verboden``, ``te_diep`` or ``xml_onleesbaar``."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError("lees_xml verwacht bytes")
    data = bytes(data)
    if not data.strip():
        raise CodecFout("leeg", "Het bestand is leeg.")
    if len(data) > max_grootte:
        raise CodecFout(
            "te_groot",
            f"Het bericht is {len(data):,} bytes; de grens is {max_grootte:,} bytes.".replace(
                ",", "."
            ),
        )
    eind = _PROLOG_EIND.search(data)
    proloog = data[: eind.start()] if eind else data
    if _DOCTYPE.search(proloog):
        raise CodecFout("doctype_verboden", "Een DOCTYPE (DTD) is in een bericht niet toegestaan.")
    if _ENTITY.search(data[:65536]):
        raise CodecFout(
            "entiteit_verboden", "Entiteitsdeclaraties zijn in een bericht niet toegestaan."
        )
    try:
        tree = etree.ElementTree(etree.fromstring(data, parser=_parser()))
    except etree.XMLSyntaxError as exc:
        bericht = str(exc.msg or exc)
        if "depth" in bericht.lower():
            raise CodecFout(
                "te_diep", "Het bericht is te diep genest om veilig te lezen."
            ) from None
        raise CodecFout(
            "xml_onleesbaar",
            f"Het bestand is geen goedgevormde XML (regel {exc.lineno}): {bericht}",
        ) from None
    docinfo = tree.docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise CodecFout("doctype_verboden", "Een DOCTYPE (DTD) is in een bericht niet toegestaan.")
    return tree

"""Hardened XML reading with lxml: no DTD or DOCTYPE, no entity expansion, no network, a size
limit, and libxml2's depth limit. Every refusal is a :class:`CodecFout` with its own code."""

from __future__ import annotations

from lxml import etree

from iwmo_jw.codec.fouten import CodecFout

#: The GGk limit for one message; callers may pass another (the berichtenbox reads a setting).
STANDAARD_MAX_GROOTTE = 25 * 1024 * 1024

# Markup declarations, refused before the parser sees them. XML spells them in capitals; a
# lowercase one is not well-formed anyway. The whole input is searched (a quick byte scan):
# looking only at the prolog can be fooled by a comment that contains "<a".
_DOCTYPE = b"<!DOCTYPE"
_ENTITY = b"<!ENTITY"


def _parser(*, grote_teksten: bool = False) -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        load_dtd=False,
        dtd_validation=False,
        no_network=True,
        # Keeps libxml2's limits on depth (256) and on the size of one text node (10 MB).
        huge_tree=grote_teksten,
        remove_blank_text=False,
        # Comments and processing instructions carry nothing for the standard; without them
        # every child of an element is an element (the codec's reader relies on that), and
        # text around a comment is joined into one text.
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
    )


def lees_xml(
    data: bytes, *, max_grootte: int = STANDAARD_MAX_GROOTTE, grote_teksten: bool = False
) -> etree._ElementTree:
    """Parse ``data`` safely. Raises :class:`CodecFout` with code ``leeg``, ``te_groot``,
    ``doctype_verboden``, ``entiteit_verboden``, ``te_diep`` or ``xml_onleesbaar``.

    ``grote_teksten`` lifts libxml2's 10 MB limit on one text node (and raises its depth limit
    from 256 to 2048); only the StUF-GGk envelope needs it, for its base64 payload. The size
    limit still applies first."""
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
    if data.find(_DOCTYPE) != -1:
        raise CodecFout("doctype_verboden", "Een DOCTYPE (DTD) is in een bericht niet toegestaan.")
    if data.find(_ENTITY) != -1:
        raise CodecFout(
            "entiteit_verboden", "Entiteitsdeclaraties zijn in een bericht niet toegestaan."
        )
    try:
        tree = etree.ElementTree(
            etree.fromstring(data, parser=_parser(grote_teksten=grote_teksten))
        )
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

"""Shared helpers of the codec tests: the example files and an independent XSD check."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from lxml import etree

from iwmo_jw.codec import BerichtSoort
from iwmo_jw.codec.schemas import SCHEMA_MAP, schema_pad

ROOT = Path(__file__).resolve().parents[2]
VOORBEELDEN = Path(__file__).resolve().parent / "voorbeelden"
SHARED = ROOT.parent / "shared" / "istandaarden"

#: The official iJw examples that do not satisfy the XSD (see voorbeelden/HERKOMST.md).
ONGELDIGE_VOORBEELDEN = {"JW315", "JW318"}
IJW_VOORBEELDEN = sorted(p.stem for p in (VOORBEELDEN / "ijw-3.2").glob("*.xml"))
GELDIGE_VOORBEELDEN = [naam for naam in IJW_VOORBEELDEN if naam not in ONGELDIGE_VOORBEELDEN]


def voorbeeld(naam: str) -> bytes:
    return (VOORBEELDEN / "ijw-3.2" / f"{naam}.xml").read_bytes()


def envelop_voorbeeld(naam: str) -> bytes:
    return (VOORBEELDEN / "stuf-ggk" / naam).read_bytes()


_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)


@cache
def _xsd(pad: Path) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(pad), parser=_PARSER))


def xsd_fouten(data: bytes, soort: BerichtSoort) -> list[str]:
    """The XSD's complaints about ``data``, checked with a plain lxml parse (not the codec's)."""
    xsd = _xsd(schema_pad(soort))
    if xsd.validate(etree.fromstring(data, parser=_PARSER)):
        return []
    return [fout.message for fout in xsd.error_log]


def envelop_xsd_fouten(data: bytes) -> list[str]:
    pad = SCHEMA_MAP / "stuf-ggk-0310-2.1.03" / "ggk0310_21" / "ggkberichten" / "ggk0310_msg.xsd"
    xsd = _xsd(pad)
    if xsd.validate(etree.fromstring(data, parser=_PARSER)):
        return []
    return [fout.message for fout in xsd.error_log]

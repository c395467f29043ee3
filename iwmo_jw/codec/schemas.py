"""Level 1: validation against the XSDs shipped in ``iwmo_jw/schemas`` (copied from shared/ by
``scripts/schemas_kopieren.py``). Schemas are compiled once per message type."""

from __future__ import annotations

import threading
from functools import cache
from pathlib import Path

from lxml import etree

from iwmo_jw.codec.fouten import Melding
from iwmo_jw.codec.soorten import BerichtSoort, Standaard

SCHEMA_MAP = Path(__file__).resolve().parent.parent / "schemas"
MAX_MELDINGEN = 100
_XS = "{http://www.w3.org/2001/XMLSchema}"


def schema_pad(soort: BerichtSoort) -> Path:
    map_naam = "iwmo-3.2" if soort.standaard is Standaard.IWMO else "ijw-3.2"
    return SCHEMA_MAP / map_naam / f"{soort.naam}.xsd"


#: The compiled schemas, per thread: an lxml validator keeps the error log of its last run on
#: the object, so two threads validating with one schema at once could read each other's
#: findings (the berichtenbox checks the next message of a batch in a thread of its own).
_PER_DRAAD = threading.local()


def _schema_uit_pad(pad: str) -> etree.XMLSchema:
    schemas: dict[str, etree.XMLSchema] | None = getattr(_PER_DRAAD, "schemas", None)
    if schemas is None:
        schemas = _PER_DRAAD.schemas = {}
    gevonden = schemas.get(pad)
    if gevonden is None:
        # Schema files are our own, shipped ones; imports resolve relative to their folder.
        parser = etree.XMLParser(no_network=True, resolve_entities=False)
        gevonden = schemas[pad] = etree.XMLSchema(etree.parse(pad, parser=parser))
    return gevonden


def schema(soort: BerichtSoort) -> etree.XMLSchema:
    return _schema_uit_pad(str(schema_pad(soort)))


@cache
def xsd_versies(soort: BerichtSoort) -> tuple[str, str]:
    """(BasisschemaXsdVersie, BerichtXsdVersie) from the appinfo of the message's schema."""
    appinfo = etree.parse(str(schema_pad(soort))).getroot().find(f"{_XS}annotation/{_XS}appinfo")
    if appinfo is None:
        raise LookupError(f"{schema_pad(soort).name} heeft geen appinfo")
    basis = soort.basis_namespace
    basisschema = appinfo.findtext(f"{{{basis}}}BasisschemaXsdVersie")
    bericht = appinfo.findtext(f"{{{basis}}}BerichtXsdVersie")
    if not basisschema or not bericht:
        raise LookupError(f"{schema_pad(soort).name} noemt zijn XSD-versies niet")
    return basisschema, bericht


def envelop_schema() -> etree.XMLSchema:
    return _schema_uit_pad(
        str(SCHEMA_MAP / "stuf-ggk-0310-2.1.03" / "ggk0310_21" / "ggkberichten" / "ggk0310_msg.xsd")
    )


def _element_naam(pad: str | None) -> str | None:
    if not pad:
        return None
    # "/wmo323:Bericht/wmo323:Declaratie/..." -> last step without prefix or index
    laatste = pad.rstrip("/").rsplit("/", 1)[-1]
    return laatste.split(":", 1)[-1].split("[", 1)[0] or None


def xsd_meldingen(xsd: etree.XMLSchema, tree: etree._ElementTree) -> list[Melding]:
    """Validate ``tree``; return the schema's findings (empty when valid)."""
    if xsd.validate(tree):
        return []
    meldingen = []
    for fout in list(xsd.error_log)[:MAX_MELDINGEN]:
        meldingen.append(
            Melding(
                regel="XSD",
                code="xsd_ongeldig",
                melding=f"Regel {fout.line}: {fout.message}",
                regelnummer=fout.line,
                element=_element_naam(fout.path),
            )
        )
    return meldingen

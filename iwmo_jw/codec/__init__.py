"""The iWmo 3.2 / iJw 3.2 codec. Pure: imports nothing of the domain apps.

Public API (stable; callers import from here):

- :func:`lees` — hardened parse + recognition: ``(tree, soort)``; raises :class:`CodecFout`.
- :func:`valideer` — levels 1 (XSD) and 2 (in-message rules) on raw bytes; never raises for bad
  input, returns a :class:`Validatieresultaat`.
- :func:`kop_van` — the header fields of raw bytes (after the level-1 checks of :func:`lees`).
"""

from __future__ import annotations

from lxml import etree

from iwmo_jw.codec.fouten import CodecFout, Melding, Validatieresultaat
from iwmo_jw.codec.herkennen import herken
from iwmo_jw.codec.kop import Kop, lees_kop
from iwmo_jw.codec.schemas import schema, xsd_meldingen
from iwmo_jw.codec.soorten import SOORTEN, BerichtSoort, Standaard, soort
from iwmo_jw.codec.xml import STANDAARD_MAX_GROOTTE, lees_xml

__all__ = [
    "SOORTEN",
    "STANDAARD_MAX_GROOTTE",
    "BerichtSoort",
    "CodecFout",
    "Kop",
    "Melding",
    "Standaard",
    "Validatieresultaat",
    "kop_van",
    "lees",
    "soort",
    "valideer",
]


def lees(
    data: bytes, *, max_grootte: int = STANDAARD_MAX_GROOTTE
) -> tuple[etree._ElementTree, BerichtSoort]:
    tree = lees_xml(data, max_grootte=max_grootte)
    return tree, herken(tree.getroot())


def kop_van(data: bytes, *, max_grootte: int = STANDAARD_MAX_GROOTTE) -> Kop:
    tree, gevonden = lees(data, max_grootte=max_grootte)
    return lees_kop(tree.getroot(), gevonden)


def valideer(data: bytes, *, max_grootte: int = STANDAARD_MAX_GROOTTE) -> Validatieresultaat:
    """Check ``data`` at level 1 (well-formed, safe, recognised, XSD) and level 2."""
    try:
        tree, gevonden = lees(data, max_grootte=max_grootte)
    except CodecFout as fout:
        return Validatieresultaat(geldig=False, niveau=1, fouten=list(fout.meldingen))
    resultaat = Validatieresultaat(
        geldig=True,
        niveau=None,
        standaard=gevonden.standaard.value,
        berichtcode=gevonden.berichtcode,
        berichttype=gevonden.berichttype,
    )
    meldingen = xsd_meldingen(schema(gevonden), tree)
    if meldingen:
        resultaat.geldig = False
        resultaat.niveau = 1
        resultaat.fouten = meldingen
        return resultaat
    return resultaat

"""The iWmo 3.2 / iJw 3.2 codec. Pure: imports nothing of the domain apps.

Public API (stable; callers import from here):

- :func:`lees` — hardened parse + recognition: ``(tree, soort)``; raises :class:`CodecFout`.
- :func:`valideer` — level 1 (safe, recognised, XSD) on raw bytes, with the parsed model when it
  passes, then level 2 (the rules inside the message, retourcode 0001; ``niveau2/``). Never
  raises for bad input, returns a :class:`Validatieresultaat`.
- :func:`niveau2_meldingen` — level 2 alone, on a parsed (or otherwise built) model.
- :func:`kop_van` — the header fields of raw bytes (after the level-1 checks of :func:`lees`).
- :func:`parse` — bytes -> the typed model (:class:`Bericht`; ``modellen.py``) after level 1;
  raises :class:`CodecFout`.
- :func:`serialize` — a model -> XML bytes, checked against the XSD; raises :class:`CodecFout`.
- :func:`xsd_versie` — the XSD versions of a message type, for the header of a new message.
"""

from __future__ import annotations

import contextlib

from lxml import etree

from iwmo_jw.codec.fouten import CodecFout, Melding, Validatieresultaat
from iwmo_jw.codec.herkennen import herken
from iwmo_jw.codec.kop import Kop, lees_kop
from iwmo_jw.codec.lezen import lees_bericht
from iwmo_jw.codec.modellen import BERICHT_KLASSEN, XsdVersie
from iwmo_jw.codec.niveau2 import met_regelnummers, niveau2_bevindingen, niveau2_meldingen
from iwmo_jw.codec.schemas import schema, xsd_meldingen, xsd_versies
from iwmo_jw.codec.schrijven import schrijf_bericht
from iwmo_jw.codec.soorten import SOORTEN, BerichtSoort, Standaard, soort
from iwmo_jw.codec.velden import Bericht, HeaderBasis
from iwmo_jw.codec.xml import STANDAARD_MAX_GROOTTE, lees_xml

__all__ = [
    "BERICHT_KLASSEN",
    "SOORTEN",
    "STANDAARD_MAX_GROOTTE",
    "Bericht",
    "BerichtSoort",
    "CodecFout",
    "HeaderBasis",
    "Kop",
    "Melding",
    "Standaard",
    "Validatieresultaat",
    "kop_van",
    "lees",
    "niveau2_meldingen",
    "parse",
    "serialize",
    "soort",
    "valideer",
    "xsd_versie",
]


def lees(
    data: bytes, *, max_grootte: int = STANDAARD_MAX_GROOTTE
) -> tuple[etree._ElementTree, BerichtSoort]:
    tree = lees_xml(data, max_grootte=max_grootte)
    return tree, herken(tree.getroot())


def kop_van(data: bytes, *, max_grootte: int = STANDAARD_MAX_GROOTTE) -> Kop:
    tree, gevonden = lees(data, max_grootte=max_grootte)
    return lees_kop(tree.getroot(), gevonden)


def _xsd_fout(
    soort: BerichtSoort, meldingen: list[Melding], *, geschreven: bool = False
) -> CodecFout:
    wat = "Het geschreven bericht" if geschreven else "Het bericht"
    return CodecFout(
        "xsd_ongeldig",
        f"{wat} voldoet niet aan het XSD van {soort.naam}: {meldingen[0].melding}",
        meldingen=meldingen,
    )


def parse(data: bytes, *, max_grootte: int = STANDAARD_MAX_GROOTTE) -> Bericht:
    """Read a message: hardened parsing, recognition (namespace and BerichtCode), XSD
    validation, then the typed model (``Bericht301`` .. ``Bericht325``, by message type).

    Raises :class:`CodecFout` (``niveau`` 1) with the findings when any of that fails."""
    tree, gevonden = lees(data, max_grootte=max_grootte)
    meldingen = xsd_meldingen(schema(gevonden), tree)
    if meldingen:
        raise _xsd_fout(gevonden, meldingen)
    return lees_bericht(tree.getroot(), gevonden)


def serialize(bericht: Bericht, *, valideren: bool = True) -> bytes:
    """Write a message as XML (UTF-8). With ``valideren`` (the default) the result is checked
    against the message type's XSD, so nothing invalid leaves the codec: a value outside its
    code list, too long, or breaking a pattern raises :class:`CodecFout` (``xsd_ongeldig``)
    with the XSD's findings. Values the XML cannot carry at all raise ``waarde_ongeldig``."""
    data = schrijf_bericht(bericht)
    if valideren:
        tree = lees_xml(data, max_grootte=len(data))
        meldingen = xsd_meldingen(schema(bericht.soort), tree)
        if meldingen:
            raise _xsd_fout(bericht.soort, meldingen, geschreven=True)
    return data


def xsd_versie(gekozen: BerichtSoort) -> XsdVersie:
    """The XsdVersie of the shipped schemas of a message type (BasisschemaXsdVersie and
    BerichtXsdVersie from their appinfo), for the header of a message this service writes."""
    basisschema, bericht = xsd_versies(gekozen)
    return XsdVersie(basisschema_xsd_versie=basisschema, bericht_xsd_versie=bericht)


def valideer(data: bytes, *, max_grootte: int = STANDAARD_MAX_GROOTTE) -> Validatieresultaat:
    """Check ``data`` at level 1 (well-formed, safe, recognised, XSD) and, when that passes, at
    level 2 (the rules inside the message, ``niveau2/``).

    - level 1 fails: ``geldig`` False, ``niveau`` 1, ``bericht`` None;
    - level 2 fails: ``geldig`` False, ``niveau`` 2, ``fouten`` the level-2 findings (code
      ``0001``, the rule id as ``regel``, the element's line number), ``bericht`` the model;
    - valid: ``geldig`` True, ``niveau`` None, ``bericht`` the model."""
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
    with contextlib.suppress(CodecFout):  # a header the XSD check below names: no kop
        resultaat.kop = lees_kop(tree.getroot(), gevonden)
    meldingen = xsd_meldingen(schema(gevonden), tree)
    if not meldingen:
        try:
            resultaat.bericht = lees_bericht(tree.getroot(), gevonden)
        except CodecFout as fout:
            meldingen = list(fout.meldingen)
    if meldingen:
        resultaat.geldig = False
        resultaat.niveau = 1
        resultaat.fouten = meldingen
        return resultaat
    assert resultaat.bericht is not None
    bevindingen = niveau2_bevindingen(resultaat.bericht)
    if bevindingen:
        resultaat.geldig = False
        resultaat.niveau = 2
        resultaat.fouten = met_regelnummers(bevindingen, tree.getroot())
    return resultaat

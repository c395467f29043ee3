"""The header (Header) of any message, read straight from the tree: what the berichtenbox
needs to store and route a message, available even before the full model is built."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from lxml import etree

from iwmo_jw.codec.soorten import BerichtSoort


@dataclass(frozen=True, slots=True)
class Kop:
    soort: BerichtSoort
    afzender: str  # gemeentecode (4) or AGB code (8)
    ontvanger: str
    identificatie: str
    dagtekening: date | None
    #: Only in a retour message (302, 306, ...): its own identification (IdentificatieRetour).
    #: Its header is a copy of the message it answers, so ``identificatie``, ``afzender`` and
    #: ``ontvanger`` are then those of that answered message.
    identificatie_retour: str | None = None


def lees_kop(root: etree._Element, soort: BerichtSoort) -> Kop:
    ns = soort.namespace
    basis = soort.basis_namespace
    header = root.find(f"{{{ns}}}Header")
    if header is None:
        header = etree.Element("leeg")

    def tekst(pad: str) -> str:
        return (header.findtext(pad) or "").strip()

    dagtekening_tekst = tekst(f"{{{ns}}}BerichtIdentificatie/{{{basis}}}Dagtekening")
    try:
        dagtekening = date.fromisoformat(dagtekening_tekst) if dagtekening_tekst else None
    except ValueError:
        dagtekening = None
    retour = tekst(f"{{{ns}}}IdentificatieRetour") or None
    return Kop(
        soort=soort,
        afzender=tekst(f"{{{ns}}}Afzender"),
        ontvanger=tekst(f"{{{ns}}}Ontvanger"),
        identificatie=tekst(f"{{{ns}}}BerichtIdentificatie/{{{basis}}}Identificatie"),
        dagtekening=dagtekening,
        identificatie_retour=retour,
    )

"""The columns of the tariff sheet: one definition feeds the header row, the "Toelichting"
sheet, the header matching of the import and the cell formats of the export."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

BLAD_TARIEVEN = "Tarieven"
BLAD_TOELICHTING = "Toelichting"


@dataclass(frozen=True)
class Kolom:
    sleutel: str
    kop: str
    verplicht: bool
    formaat: str
    voorbeeld: str
    toelichting: str
    aliassen: tuple[str, ...] = ()
    breedte: int = 14
    celformaat: str | None = None  # "@" keeps codes as text so leading zeros survive
    gelezen: bool = True  # False: written by the export for people, ignored by the import


_TEKST = "@"
_DATUM = "DD-MM-YYYY"
_BEDRAG = "#,##0.00"
_INFORMATIEF = "Alleen ter informatie; wordt bij import genegeerd."

KOLOMMEN: tuple[Kolom, ...] = (
    Kolom(
        "contractnummer",
        "Contractnummer",
        False,
        "tekst, max. 40 tekens",
        "WMO-2026-001",
        "Leeg: het lopende contract van de aanbieder voor deze gemeente op de ingangsdatum, "
        "anders een nieuw contract per aanbieder. Een onbekend nummer wordt aangemaakt.",
        ("contractnr",),
        18,
        _TEKST,
    ),
    Kolom(
        "agb_code",
        "AGB-code",
        True,
        "8 cijfers",
        "12345678",
        "AGB-code van de zorgaanbieder; de aanbieder moet al bestaan.",
        ("agb",),
        12,
        _TEKST,
    ),
    Kolom(
        "naam_zorgaanbieder",
        "Naam zorgaanbieder",
        False,
        "tekst",
        "Zorg en Welzijn B.V.",
        _INFORMATIEF,
        (),
        28,
        gelezen=False,
    ),
    Kolom(
        "gemeentecode",
        "Gemeentecode",
        True,
        "4 cijfers (CBS)",
        "0363",
        "Gemeente waarvoor het tarief geldt.",
        ("cbscode",),
        13,
        _TEKST,
    ),
    Kolom("wet", "Wet", True, "wmo of jw", "wmo", "Wmo 2015 (wmo) of Jeugdwet (jw).", (), 7),
    Kolom(
        "productcategorie",
        "Productcategorie",
        True,
        "2 cijfers",
        "02",
        "Productcategorie uit de codelijst van de wet.",
        ("categorie",),
        16,
        _TEKST,
    ),
    Kolom(
        "productcode",
        "Productcode",
        True,
        "1 tot 5 letters of cijfers",
        "02A01",
        "Product uit de productcatalogus (wet + categorie + productcode).",
        (),
        12,
        _TEKST,
    ),
    Kolom(
        "productnaam",
        "Productnaam",
        False,
        "tekst",
        "Begeleiding",
        _INFORMATIEF,
        (),
        30,
        gelezen=False,
    ),
    Kolom(
        "eenheid",
        "Eenheid",
        True,
        "01, 04, 14, 16, 82, 83 of 84",
        "04",
        "01 minuut, 04 uur, 14 etmaal, 16 dagdeel, 82 stuks (output), 83 euro's, "
        "84 stuks (inspanning); gelijk aan de eenheid van het product.",
        (),
        9,
        _TEKST,
    ),
    Kolom(
        "tarief",
        "Tarief (euro)",
        True,
        "bedrag, hoogstens 2 decimalen",
        "65,40",
        "Tarief in euro per eenheid; niet negatief.",
        ("tarief", "tarief in euro", "bedrag"),
        13,
        _BEDRAG,
    ),
    Kolom(
        "ingangsdatum",
        "Ingangsdatum",
        True,
        "datum (dd-mm-jjjj)",
        "01-01-2026",
        "Eerste dag van het tarief. Als tekst mag ook jjjj-mm-dd.",
        ("begindatum",),
        13,
        _DATUM,
    ),
    Kolom(
        "einddatum",
        "Einddatum",
        False,
        "datum (dd-mm-jjjj)",
        "31-12-2026",
        "Laatste dag van het tarief; leeg is onbepaald (open).",
        (),
        13,
        _DATUM,
    ),
)

TOELICHTING_ALGEMEEN = (
    "Eén regel per zorgaanbieder, gemeente, product en periode. Eén blad mag de tarieven "
    "van veel aanbieders bevatten.",
    "Dezelfde aanbieder, hetzelfde product en dezelfde periode in meerdere gemeenten van "
    "één contract vormen samen één tarief: het bedrag moet dan gelijk zijn. Wijkt het "
    "bedrag per gemeente af, geef die gemeente dan een eigen contractnummer.",
    "Perioden van hetzelfde contract en product mogen elkaar niet overlappen: geef een "
    "eerdere periode een einddatum als een nieuwe periode begint.",
    "Een import is alles-of-niets: bevat één regel een fout, dan wordt niets opgeslagen. "
    "Een proefimport toont vooraf alle fouten met hun rijnummer.",
    "Een tarief dat al precies zo bestaat, wordt overgeslagen: hetzelfde blad twee keer "
    "importeren verandert niets.",
)

KOP: dict[str, str] = {k.sleutel: k.kop for k in KOLOMMEN}
VERPLICHT: frozenset[str] = frozenset(k.sleutel for k in KOLOMMEN if k.verplicht)


def normaliseer_kop(kop: Any) -> str:
    """Header text without case, spaces and punctuation: "AGB-code" -> "agbcode"."""
    return re.sub(r"[^a-z0-9]", "", str(kop).lower()) if kop is not None else ""


KOP_NAAR_SLEUTEL: dict[str, str] = {
    normaliseer_kop(naam): k.sleutel for k in KOLOMMEN for naam in (k.sleutel, *k.aliassen, k.kop)
}

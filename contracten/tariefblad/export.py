"""Writing the tariff sheet: the empty template and the export of contracts' tariffs."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from contracten.models import Contract, Tariefperiode
from contracten.tariefblad.kolommen import (
    BLAD_TARIEVEN,
    BLAD_TOELICHTING,
    KOLOMMEN,
    TOELICHTING_ALGEMEEN,
)

_KOP_LETTER = Font(bold=True)
_KOP_VULLING = PatternFill("solid", fgColor="DDEBF7")


def _werkmap() -> tuple[Workbook, Any]:
    """A workbook with the header row on "Tarieven" and the filled "Toelichting" sheet."""
    werkmap = Workbook()
    blad = werkmap.active
    blad.title = BLAD_TARIEVEN
    blad.append([k.kop for k in KOLOMMEN])
    for positie, kolom in enumerate(KOLOMMEN, start=1):
        cel = blad.cell(row=1, column=positie)
        cel.font, cel.fill = _KOP_LETTER, _KOP_VULLING
        blad.column_dimensions[get_column_letter(positie)].width = kolom.breedte
    blad.freeze_panes = "A2"

    uitleg = werkmap.create_sheet(BLAD_TOELICHTING)
    uitleg.append(["Kolom", "Verplicht", "Formaat", "Voorbeeld", "Toelichting"])
    for cel in uitleg[1]:
        cel.font, cel.fill = _KOP_LETTER, _KOP_VULLING
    for kolom in KOLOMMEN:
        uitleg.append(
            [
                kolom.kop,
                "ja" if kolom.verplicht else "nee",
                kolom.formaat,
                kolom.voorbeeld,
                kolom.toelichting,
            ]
        )
    uitleg.append([])
    for zin in TOELICHTING_ALGEMEEN:
        uitleg.append([zin])
    for letter, breedte in zip("ABCDE", (20, 10, 30, 22, 90), strict=True):
        uitleg.column_dimensions[letter].width = breedte
    for rij in uitleg.iter_rows(min_row=2, max_row=len(KOLOMMEN) + 1):
        for cel in rij:
            cel.alignment = Alignment(wrap_text=True, vertical="top")
    return werkmap, blad


def _bytes(werkmap: Workbook) -> bytes:
    buffer = io.BytesIO()
    werkmap.save(buffer)
    return buffer.getvalue()


def tarievenblad_sjabloon() -> bytes:
    """An empty tariff sheet: the header row and the "Toelichting" sheet."""
    werkmap, _ = _werkmap()
    return _bytes(werkmap)


def tarieven_exporteren(*, contracten: Iterable[Contract]) -> bytes:
    """The tariff periods (not replaced) of ``contracten`` as a tariff sheet that the import
    accepts: one row per period and gemeente of its contract, with the contract number.
    The caller chooses (and scopes) the contracts."""
    perioden = (
        Tariefperiode.objects.filter(contract__in=[c.pk for c in contracten], is_vervangen=False)
        .select_related("contract__zorgaanbieder", "product__categorie")
        .prefetch_related("contract__gemeenten")
        .order_by(
            "contract__nummer",
            "product__categorie__wet",
            "product__categorie__code",
            "product__productcode",
            "ingangsdatum",
        )
    )
    werkmap, blad = _werkmap()
    for periode in perioden:
        contract, product = periode.contract, periode.product
        for gemeente in sorted(contract.gemeenten.all(), key=lambda g: g.code):
            waarden = {
                "contractnummer": contract.nummer,
                "agb_code": contract.zorgaanbieder.agb_code,
                "naam_zorgaanbieder": contract.zorgaanbieder.naam,
                "gemeentecode": gemeente.code,
                "wet": product.categorie.wet,
                "productcategorie": product.categorie.code,
                "productcode": product.productcode,
                "productnaam": product.naam,
                "eenheid": periode.eenheid,
                "tarief": periode.bedrag.amount,  # a Decimal: written as an exact number
                "ingangsdatum": periode.ingangsdatum,
                "einddatum": periode.einddatum,
            }
            blad.append([waarden[k.sleutel] for k in KOLOMMEN])
            for positie, kolom in enumerate(KOLOMMEN, start=1):
                if kolom.celformaat:
                    blad.cell(row=blad.max_row, column=positie).number_format = kolom.celformaat
    return _bytes(werkmap)

"""The Excel channel of declarations: a published template and its reader.

The template holds the same fields as a 323 (one sheet with the declaration, one with a row
per prestatie). The reader turns a filled-in sheet into the codec's ``Bericht323``, the same
dataclass a parsed 323 gives, so an Excel submission goes through exactly the validation of a
message. Rows that cannot become a prestatie at all (a date that is no date, an amount that is
no amount) are reported together, each with its row, column, a Dutch reason and a stable code;
nothing is read half.

Amounts in the sheet are euros (the message carries eurocents; the codec converts).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from declaraties.invoer import bericht323, identificatie_van
from iwmo_jw.codec.modellen import (
    BedragMetDC,
    Bericht323,
    Client323,
    GeslotenPeriode,
    Prestatie323,
    Referentie,
)
from kern.exceptions import DomeinFout

BLAD_DECLARATIE = "Declaratie"
BLAD_PRESTATIES = "Prestaties"
BLAD_TOELICHTING = "Toelichting"

#: The declaration sheet: label in column A, value in column B, in this order.
KOPVELDEN: tuple[tuple[str, str], ...] = (
    ("wet", "Wet (wmo of jw)"),
    ("gemeente", "Gemeentecode (CBS, 4 cijfers)"),
    ("agb", "AGB-code zorgaanbieder (8 cijfers)"),
    ("declaratienummer", "Declaratienummer (max. 12 letters/cijfers)"),
    ("periode_begin", "Declaratieperiode begindatum"),
    ("periode_eind", "Declaratieperiode einddatum"),
    ("dagtekening", "Dagtekening"),
)

#: The prestaties sheet: one column per field of a 323 Prestatie (plus the BSN of its client).
KOLOMMEN: tuple[tuple[str, str], ...] = (
    ("bsn", "BSN"),
    ("referentienummer", "Referentienummer"),
    ("vorig_referentienummer", "Vorig referentienummer (alleen bij credit)"),
    ("toewijzingnummer", "Toewijzingnummer"),
    ("productcategorie", "Productcategorie"),
    ("productcode", "Productcode"),
    ("begindatum", "Begindatum productperiode"),
    ("einddatum", "Einddatum productperiode"),
    ("geleverd_volume", "Geleverd volume"),
    ("eenheid", "Eenheid"),
    ("product_tarief", "Producttarief (euro)"),
    ("ingediend_bedrag", "Ingediend bedrag (euro)"),
    ("debet_credit", "Debet/credit (D of C)"),
)

_VERPLICHT = frozenset(
    {
        "bsn",
        "referentienummer",
        "toewijzingnummer",
        "productcategorie",
        "productcode",
        "begindatum",
        "einddatum",
        "geleverd_volume",
        "eenheid",
        "ingediend_bedrag",
        "debet_credit",
    }
)

_TOELICHTING = (
    "Vul op het blad 'Declaratie' de gegevens van de declaratie in en op het blad 'Prestaties' "
    "één regel per prestatie: het totaal geleverde volume van één product in één productperiode "
    "voor één cliënt onder één toewijzing.",
    "Bedragen in euro met ten hoogste twee decimalen; datums als datum (dd-mm-jjjj).",
    "Een creditregel heeft een nieuw referentienummer, het referentienummer van de debetregel "
    "als vorig referentienummer, en C als debet/credit.",
    "Bij eenheid 83 (euro's) is het geleverd volume het bedrag in eurocent en blijft het "
    "producttarief leeg.",
    "De declaratie wordt op dezelfde manier gecontroleerd als een 323-bericht; u krijgt per "
    "regel de uitkomst terug.",
)


@dataclass(frozen=True, slots=True)
class Rijfout:
    """One finding in a sheet: where, why (Dutch) and a stable code."""

    rij: int
    kolom: str
    code: str
    bericht: str

    def als_dict(self) -> dict[str, Any]:
        return {"rij": self.rij, "kolom": self.kolom, "code": self.code, "bericht": self.bericht}


class ExcelOngeldig(DomeinFout):
    """The sheet cannot be read as a declaration; ``fouten`` lists every finding."""

    def __init__(self, fouten: list[Rijfout]) -> None:
        self.fouten = fouten
        super().__init__(
            f"Het Excelbestand bevat {len(fouten)} fout(en) en is niet verwerkt.",
            code="excel_ongeldig",
            details={"fouten": [f.als_dict() for f in fouten]},
        )


def sjabloon(
    *,
    wet: str = "",
    gemeentecode: str = "",
    agb_code: str = "",
    periode_begin: date | None = None,
    periode_eind: date | None = None,
) -> bytes:
    """The template as .xlsx bytes, with the provider's own header values filled in."""
    werkmap = Workbook()
    kop = werkmap.active
    assert kop is not None
    kop.title = BLAD_DECLARATIE
    vet = Font(bold=True)
    waarden: dict[str, Any] = {
        "wet": wet,
        "gemeente": gemeentecode,
        "agb": agb_code,
        "periode_begin": periode_begin,
        "periode_eind": periode_eind,
    }
    for rij, (sleutel, label) in enumerate(KOPVELDEN, start=1):
        kop.cell(row=rij, column=1, value=label).font = vet
        cel = kop.cell(row=rij, column=2, value=waarden.get(sleutel) or None)
        if sleutel in {"periode_begin", "periode_eind", "dagtekening"}:
            cel.number_format = "DD-MM-YYYY"
        elif sleutel in {"gemeente", "agb"}:
            cel.number_format = "@"
    kop.column_dimensions["A"].width = 44
    kop.column_dimensions["B"].width = 20

    blad = werkmap.create_sheet(BLAD_PRESTATIES)
    grijs = PatternFill("solid", fgColor="DDDDDD")
    for kolom, (_sleutel, label) in enumerate(KOLOMMEN, start=1):
        cel = blad.cell(row=1, column=kolom, value=label)
        cel.font = vet
        cel.fill = grijs
        blad.column_dimensions[cel.column_letter].width = max(14, len(label) + 2)
    blad.freeze_panes = "A2"
    letters = {
        sleutel: blad.cell(row=1, column=i).column_letter
        for i, (sleutel, _) in enumerate(KOLOMMEN, start=1)
    }
    dc = DataValidation(type="list", formula1='"D,C"', allow_blank=False)
    dc.error = "Kies D (debet) of C (credit)."
    blad.add_data_validation(dc)
    dc.add(f"{letters['debet_credit']}2:{letters['debet_credit']}10000")
    for sleutel in ("begindatum", "einddatum"):
        for rij in range(2, 202):
            blad[f"{letters[sleutel]}{rij}"].number_format = "DD-MM-YYYY"
    for sleutel in ("bsn", "productcategorie", "productcode", "eenheid", "referentienummer"):
        for rij in range(2, 202):
            blad[f"{letters[sleutel]}{rij}"].number_format = "@"

    uitleg = werkmap.create_sheet(BLAD_TOELICHTING)
    for rij, tekst in enumerate(_TOELICHTING, start=1):
        uitleg.cell(row=rij, column=1, value=tekst)
    uitleg.column_dimensions["A"].width = 120

    uit = io.BytesIO()
    werkmap.save(uit)
    return uit.getvalue()


# --- Reading ---------------------------------------------------------------------------------


def _tekst(waarde: Any) -> str:
    if waarde is None:
        return ""
    if isinstance(waarde, float) and waarde.is_integer():
        return str(int(waarde))
    return str(waarde).strip()


def _code(waarde: Any, lengte: int) -> str:
    """A code the sheet may have turned into a number (0344 -> 344): pad it back."""
    tekst = _tekst(waarde)
    return tekst.zfill(lengte) if tekst.isdigit() and len(tekst) < lengte else tekst


def _datum(waarde: Any) -> date | None:
    if isinstance(waarde, datetime):
        return waarde.date()
    if isinstance(waarde, date):
        return waarde
    tekst = _tekst(waarde)
    for formaat in ("%d-%m-%Y", "%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(tekst, formaat).date()
        except ValueError:
            continue
    return None


def _bedrag(waarde: Any) -> Decimal | None:
    if isinstance(waarde, bool):
        return None
    try:
        if isinstance(waarde, float):
            # Excel stores numbers as binary floats; the shortest repr is what the user typed.
            bedrag = Decimal(repr(waarde))
        elif isinstance(waarde, int | Decimal):
            bedrag = Decimal(waarde)
        else:
            bedrag = Decimal(_tekst(waarde).replace(",", "."))
    except InvalidOperation:
        return None
    if not bedrag.is_finite() or bedrag < 0 or bedrag != bedrag.quantize(Decimal("0.01")):
        return None
    return bedrag


def _geheel(waarde: Any) -> int | None:
    if isinstance(waarde, bool):
        return None
    if isinstance(waarde, int):
        return waarde if waarde >= 0 else None
    if isinstance(waarde, float) and waarde.is_integer() and waarde >= 0:
        return int(waarde)
    tekst = _tekst(waarde)
    return int(tekst) if tekst.isdigit() else None


def lezen(data: bytes) -> Bericht323:
    """Read a filled-in template into a ``Bericht323``. Raises :class:`ExcelOngeldig` with every
    finding when the file cannot be read as a declaration."""
    try:
        werkmap = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is no workbook
        raise ExcelOngeldig(
            [Rijfout(0, "", "geen_excel", "Het bestand is geen leesbaar Excelbestand (.xlsx).")]
        ) from None
    fouten: list[Rijfout] = []
    if BLAD_DECLARATIE not in werkmap.sheetnames or BLAD_PRESTATIES not in werkmap.sheetnames:
        raise ExcelOngeldig(
            [
                Rijfout(
                    0,
                    "",
                    "sjabloon_onbekend",
                    "Het bestand volgt het sjabloon niet: de bladen 'Declaratie' en "
                    "'Prestaties' ontbreken.",
                )
            ]
        )
    kop: dict[str, Any] = {}
    for rij, cellen in enumerate(
        werkmap[BLAD_DECLARATIE].iter_rows(min_row=1, max_row=len(KOPVELDEN), values_only=True),
        start=1,
    ):
        sleutel, label = KOPVELDEN[rij - 1]
        waarde = cellen[1] if len(cellen) > 1 else None
        kop[sleutel] = waarde
        if waarde in (None, ""):
            fouten.append(Rijfout(rij, label, "verplicht", f"{label} ontbreekt."))

    wet = _tekst(kop["wet"]).lower()
    if wet not in {"wmo", "jw"} and kop["wet"] not in (None, ""):
        fouten.append(Rijfout(1, KOPVELDEN[0][1], "wet_onbekend", "Wet moet 'wmo' of 'jw' zijn."))
    datums = {}
    for sleutel in ("periode_begin", "periode_eind", "dagtekening"):
        datums[sleutel] = _datum(kop[sleutel])
        if kop[sleutel] not in (None, "") and datums[sleutel] is None:
            rij = [k for k, _ in KOPVELDEN].index(sleutel) + 1
            fouten.append(
                Rijfout(rij, KOPVELDEN[rij - 1][1], "datum_ongeldig", "Geen geldige datum.")
            )

    clienten: dict[str, list[Prestatie323]] = {}
    blad = werkmap[BLAD_PRESTATIES]
    for rij, cellen in enumerate(blad.iter_rows(min_row=2, values_only=True), start=2):
        waarden = dict(zip((k for k, _ in KOLOMMEN), cellen, strict=False))
        if all(w in (None, "") for w in waarden.values()):
            continue
        labels = dict(KOLOMMEN)
        rijfouten: list[Rijfout] = []
        for sleutel in sorted(_VERPLICHT, key=[k for k, _ in KOLOMMEN].index):
            if waarden.get(sleutel) in (None, ""):
                rijfouten.append(
                    Rijfout(rij, labels[sleutel], "verplicht", f"{labels[sleutel]} ontbreekt.")
                )
        begin, eind = _datum(waarden.get("begindatum")), _datum(waarden.get("einddatum"))
        volume = _geheel(waarden.get("geleverd_volume"))
        nummer = _geheel(waarden.get("toewijzingnummer"))
        bedrag = _bedrag(waarden.get("ingediend_bedrag"))
        tarief_ruw = waarden.get("product_tarief")
        tarief = _bedrag(tarief_ruw) if tarief_ruw not in (None, "") else None
        dc = _tekst(waarden.get("debet_credit")).upper()
        controles = (
            ("begindatum", begin is None, "datum_ongeldig", "Geen geldige datum."),
            ("einddatum", eind is None, "datum_ongeldig", "Geen geldige datum."),
            ("geleverd_volume", volume is None, "geheel_getal", "Geen geheel getal van 0 of meer."),
            (
                "toewijzingnummer",
                nummer is None,
                "geheel_getal",
                "Geen geheel getal van 0 of meer.",
            ),
            (
                "ingediend_bedrag",
                bedrag is None,
                "bedrag_ongeldig",
                "Geen bedrag in euro (0 of meer, hoogstens twee decimalen).",
            ),
            (
                "product_tarief",
                tarief_ruw not in (None, "") and tarief is None,
                "bedrag_ongeldig",
                "Geen bedrag in euro (0 of meer, hoogstens twee decimalen).",
            ),
            (
                "debet_credit",
                dc not in {"D", "C"},
                "debet_credit",
                "Vul D (debet) of C (credit) in.",
            ),
        )
        for sleutel, fout, code, tekst in controles:
            if fout and waarden.get(sleutel) not in (None, ""):
                rijfouten.append(Rijfout(rij, labels[sleutel], code, tekst))
        if rijfouten:
            fouten.extend(rijfouten)
            continue
        assert begin and eind and volume is not None and nummer is not None and bedrag is not None
        vorig = _tekst(waarden.get("vorig_referentienummer")) or None
        prestatie = Prestatie323(
            product_referentie=Referentie(
                referentie_nummer=_tekst(waarden["referentienummer"]),
                vorig_referentie_nummer=vorig,
            ),
            toewijzing_nummer=nummer,
            product_categorie=_code(waarden["productcategorie"], 2),
            product_code=_code(waarden["productcode"], 5),
            product_periode=GeslotenPeriode(begindatum=begin, einddatum=eind),
            geleverd_volume=volume,
            eenheid=_code(waarden["eenheid"], 2),
            product_tarief=tarief,
            ingediend_bedrag=BedragMetDC(bedrag=bedrag, debet_credit=dc),
        )
        clienten.setdefault(_code(waarden["bsn"], 9), []).append(prestatie)
    if not clienten and not fouten:
        fouten.append(
            Rijfout(0, "", "geen_prestaties", "Het blad 'Prestaties' bevat geen enkele regel.")
        )
    if fouten:
        raise ExcelOngeldig(fouten)

    dagtekening = datums["dagtekening"]
    assert dagtekening and datums["periode_begin"] and datums["periode_eind"]
    return bericht323(
        wet=wet,
        agb_code=_code(kop["agb"], 8),
        gemeentecode=_code(kop["gemeente"], 4),
        identificatie=identificatie_van("X", data),
        declaratienummer=_tekst(kop["declaratienummer"]),
        periode_begin=datums["periode_begin"],
        periode_eind=datums["periode_eind"],
        dagtekening=dagtekening,
        clienten=tuple(
            Client323(bsn=bsn, prestaties=tuple(prestaties)) for bsn, prestaties in clienten.items()
        ),
    )


# --- The outcome as a sheet -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Uitkomstregel:
    """One prestatie as the outcome sheet shows it."""

    regelnummer: int
    referentienummer: str
    toewijzingnummer: int
    product: str
    begindatum: date
    einddatum: date
    geleverd_volume: int
    eenheid: str
    ingediend_bedrag: Decimal
    debet_credit: str
    toegekend_bedrag: Decimal
    retourcodes: tuple[str, ...]
    redenen: tuple[str, ...]


_UITKOMST_KOLOMMEN = (
    "Regel",
    "Referentienummer",
    "Toewijzingnummer",
    "Product",
    "Begindatum",
    "Einddatum",
    "Geleverd volume",
    "Eenheid",
    "Ingediend bedrag",
    "Debet/credit",
)


def uitkomst(*, kop: list[tuple[str, Any]], regels: list[Uitkomstregel]) -> bytes:
    """The outcome of a declaration as .xlsx: a summary, the approved lines and the rejected
    lines with their retourcodes and the reasons in Dutch. No BSN: the provider matches the
    lines by referentienummer."""
    werkmap = Workbook()
    samenvatting = werkmap.active
    assert samenvatting is not None
    samenvatting.title = "Samenvatting"
    vet = Font(bold=True)
    for rij, (label, waarde) in enumerate(kop, start=1):
        samenvatting.cell(row=rij, column=1, value=label).font = vet
        samenvatting.cell(row=rij, column=2, value=waarde)
    samenvatting.column_dimensions["A"].width = 32
    samenvatting.column_dimensions["B"].width = 24

    def blad(titel: str, extra: tuple[str, ...], selectie: list[Uitkomstregel]) -> None:
        ws = werkmap.create_sheet(titel)
        for kolom, label in enumerate((*_UITKOMST_KOLOMMEN, *extra), start=1):
            ws.cell(row=1, column=kolom, value=label).font = vet
        ws.freeze_panes = "A2"
        for r in selectie:
            waarden: list[Any] = [
                r.regelnummer,
                r.referentienummer,
                r.toewijzingnummer,
                r.product,
                r.begindatum,
                r.einddatum,
                r.geleverd_volume,
                r.eenheid,
                r.ingediend_bedrag,
                r.debet_credit,
            ]
            if extra == ("Toegekend bedrag",):
                waarden.append(r.toegekend_bedrag)
            else:
                waarden += [", ".join(r.retourcodes), " / ".join(r.redenen)]
            ws.append(waarden)
            for cel in ws[ws.max_row]:
                if isinstance(cel.value, date):
                    cel.number_format = "DD-MM-YYYY"
                elif isinstance(cel.value, Decimal):
                    cel.number_format = "#,##0.00"
        for letter in "ABCDEFGHIJKL":
            ws.column_dimensions[letter].width = 16
        ws.column_dimensions["L"].width = 80

    blad("Toegekend", ("Toegekend bedrag",), [r for r in regels if not r.retourcodes])
    blad("Afgewezen", ("Retourcodes", "Reden"), [r for r in regels if r.retourcodes])
    uit = io.BytesIO()
    werkmap.save(uit)
    return uit.getvalue()

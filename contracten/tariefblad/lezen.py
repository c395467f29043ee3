"""Reading an uploaded tariff sheet into checked rows: the file, the header row, and every
row's cells against the registers (providers, gemeenten, product catalogue). No writes."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from openpyxl import load_workbook

from contracten.constants import Eenheid
from contracten.models import Product, Productcategorie, Zorgaanbieder
from contracten.tariefblad import cellen
from contracten.tariefblad.kolommen import (
    BLAD_TARIEVEN,
    KOLOMMEN,
    KOP,
    KOP_NAAR_SLEUTEL,
    VERPLICHT,
    normaliseer_kop,
)
from kern.exceptions import DomeinFout
from kern.models import Gebruiker, Gemeente
from kern.toegang import eis_gemeenten_in_scope

#: Input limits: a region's whole tariff list is a few thousand rows.
MAX_BESTAND_BYTES = 20 * 1024 * 1024
MAX_RIJEN = 100_000


@dataclass(frozen=True)
class ImportFout:
    """One refused row (or the file when ``rij`` is 0, its header row when 1).
    ``kolom`` is the header of the column at fault, if one is; ``bericht`` is Dutch."""

    rij: int
    kolom: str | None
    code: str
    bericht: str


def fout(rij: int, code: str, bericht: str, sleutel: str | None = None) -> ImportFout:
    return ImportFout(
        rij=rij, kolom=KOP.get(sleutel) if sleutel else None, code=code, bericht=bericht
    )


@dataclass
class Regel:
    """A row whose cells passed every check."""

    rij: int
    contractnummer: str
    aanbieder: Zorgaanbieder
    gemeente: Gemeente
    product: Product
    eenheid: str
    bedrag: Decimal
    ingangsdatum: date
    einddatum: date | None
    contract: str = ""  # number of the contract the row resolves to (set later)


_ONLEESBAAR = "Het bestand is geen leesbaar Excel-bestand (.xlsx)."


def blad_lezen(data: bytes) -> tuple[list[tuple[Any, ...]], ImportFout | None]:
    """All rows of the "Tarieven" sheet (else the first sheet), or the file's error."""
    if len(data) > MAX_BESTAND_BYTES:
        grens = MAX_BESTAND_BYTES // (1024 * 1024)
        return [], fout(0, "bestand_te_groot", f"Het bestand is groter dan {grens} MB.")
    try:
        werkmap = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # any failure to parse untrusted input means: unreadable
        return [], fout(0, "bestand_onleesbaar", _ONLEESBAAR)
    rijen: list[tuple[Any, ...]] = []
    try:
        namen = werkmap.sheetnames
        blad = werkmap[BLAD_TARIEVEN] if BLAD_TARIEVEN in namen else werkmap.worksheets[0]
        for rij in blad.iter_rows(values_only=True):  # read-only mode parses lazily here
            rijen.append(tuple(rij))
            if len(rijen) > MAX_RIJEN + 1:
                return [], fout(
                    0, "bestand_te_groot", f"Het blad heeft meer dan {MAX_RIJEN} regels."
                )
    except Exception:
        return [], fout(0, "bestand_onleesbaar", _ONLEESBAAR)
    finally:
        werkmap.close()
    if not rijen:
        return [], fout(1, "blad_leeg", "Het blad is leeg; rij 1 hoort de kopregel te zijn.")
    return rijen, None


def kolommen_vinden(kopregel: tuple[Any, ...]) -> tuple[dict[str, int], ImportFout | None]:
    """Column positions by key from the header row; unknown headers are ignored."""
    posities: dict[str, int] = {}
    for positie, kop in enumerate(kopregel):
        sleutel = KOP_NAAR_SLEUTEL.get(normaliseer_kop(kop))
        if sleutel is None:
            continue
        if sleutel in posities:
            return posities, fout(
                1,
                "kolom_dubbel",
                f"De kolom {KOP[sleutel]} staat twee keer in de kopregel.",
                sleutel,
            )
        posities[sleutel] = positie
    ontbrekend = [k for k in KOLOMMEN if k.verplicht and k.sleutel not in posities]
    if ontbrekend:
        return posities, fout(
            1,
            "kolommen_ontbreken",
            "De kopregel (rij 1) mist de kolom(men) "
            + ", ".join(k.kop for k in ontbrekend)
            + ". Gebruik het sjabloon.",
            ontbrekend[0].sleutel if len(ontbrekend) == 1 else None,
        )
    return posities, None


_LEZERS = {
    "contractnummer": cellen.contractnummer,
    "agb_code": cellen.agb_code,
    "gemeentecode": cellen.gemeentecode,
    "wet": cellen.wet,
    "productcategorie": cellen.productcategorie,
    "productcode": cellen.productcode,
    "eenheid": cellen.eenheid,
    "tarief": cellen.tarief,
    "ingangsdatum": cellen.datum,
    "einddatum": cellen.datum,
}


class RegelLezer:
    """Checks rows against the registers, loaded once for the whole sheet."""

    def __init__(
        self, rijen: list[tuple[Any, ...]], posities: dict[str, int], door: Gebruiker | None
    ) -> None:
        self.door = door
        self.posities = posities
        self.rijen = [
            (nummer, rij)
            for nummer, rij in enumerate(rijen[1:], start=2)
            if not all(cellen.is_leeg(w) for w in rij)
        ]
        agb_codes = {_agb_of_leeg(self.cel(r, "agb_code")) for _, r in self.rijen}
        self.aanbieders = {
            a.agb_code: a for a in Zorgaanbieder.objects.filter(agb_code__in=agb_codes)
        }
        self.gemeenten = {g.code: g for g in Gemeente.objects.all()}
        self.categorieen = set(Productcategorie.objects.values_list("wet", "code"))
        self.producten = {
            (p.categorie.wet, p.categorie.code, p.productcode.upper()): p
            for p in Product.objects.select_related("categorie")
        }

    def cel(self, rij: tuple[Any, ...], sleutel: str) -> Any:
        positie = self.posities.get(sleutel)
        if positie is None or positie >= len(rij) or cellen.is_leeg(rij[positie]):
            return None
        return rij[positie]

    def lezen(self) -> tuple[list[Regel], list[ImportFout]]:
        regels: list[Regel] = []
        fouten: list[ImportFout] = []
        for nummer, rij in self.rijen:
            regel, rijfouten = self.regel(nummer, rij)
            fouten.extend(rijfouten)
            if regel is not None:
                regels.append(regel)
        return regels, fouten

    def regel(self, nummer: int, rij: tuple[Any, ...]) -> tuple[Regel | None, list[ImportFout]]:
        fouten: list[ImportFout] = []
        w: dict[str, Any] = {}
        for sleutel, lezer in _LEZERS.items():
            waarde = self.cel(rij, sleutel)
            if waarde is None:
                if sleutel in VERPLICHT:
                    fouten.append(
                        fout(nummer, "waarde_ontbreekt", f"{KOP[sleutel]} is verplicht.", sleutel)
                    )
                continue
            try:
                w[sleutel] = lezer(waarde)
            except cellen.CelFout as exc:
                fouten.append(fout(nummer, exc.code, exc.bericht, sleutel))

        aanbieder, gemeente, product = None, None, None
        if "agb_code" in w:
            aanbieder = self.aanbieders.get(w["agb_code"])
            if aanbieder is None:
                fouten.append(
                    fout(
                        nummer,
                        "zorgaanbieder_onbekend",
                        f"Er is geen zorgaanbieder met AGB-code {w['agb_code']}; "
                        "leg de aanbieder eerst vast.",
                        "agb_code",
                    )
                )
        if "gemeentecode" in w:
            gemeente = self.gemeenten.get(w["gemeentecode"])
            if gemeente is None:
                fouten.append(
                    fout(
                        nummer,
                        "gemeente_onbekend",
                        f"Gemeentecode {w['gemeentecode']} bestaat niet.",
                        "gemeentecode",
                    )
                )
            elif self.door is not None:
                try:
                    eis_gemeenten_in_scope(self.door, [gemeente])
                except DomeinFout as exc:
                    fouten.append(fout(nummer, exc.code, exc.bericht, "gemeentecode"))
        if {"wet", "productcategorie", "productcode"} <= w.keys():
            wet, categorie, code = w["wet"], w["productcategorie"], w["productcode"]
            product = self.producten.get((wet, categorie, code.upper()))
            if product is None:
                reden = (
                    f"categorie {categorie} staat niet in de codelijst van de {wet}"
                    if (wet, categorie) not in self.categorieen
                    else "het staat niet in de productcatalogus"
                )
                fouten.append(
                    fout(
                        nummer,
                        "product_onbekend",
                        f"Product {code} in categorie {categorie} ({wet}) is onbekend: {reden}.",
                        "productcode",
                    )
                )
            elif "eenheid" in w and w["eenheid"] != product.eenheid:
                fouten.append(
                    fout(
                        nummer,
                        "eenheid_wijkt_af",
                        f"Product {product.productcode} heeft eenheid {product.eenheid} "
                        f"({Eenheid(product.eenheid).label}); deze regel noemt {w['eenheid']} "
                        f"({Eenheid(w['eenheid']).label}).",
                        "eenheid",
                    )
                )
        if w.get("einddatum") and w.get("ingangsdatum") and w["einddatum"] < w["ingangsdatum"]:
            fouten.append(
                fout(
                    nummer,
                    "einddatum_voor_ingangsdatum",
                    "De einddatum ligt vóór de ingangsdatum.",
                    "einddatum",
                )
            )
        if fouten or aanbieder is None or gemeente is None or product is None:
            return None, fouten
        return (
            Regel(
                rij=nummer,
                contractnummer=w.get("contractnummer", ""),
                aanbieder=aanbieder,
                gemeente=gemeente,
                product=product,
                eenheid=w["eenheid"],
                bedrag=w["tarief"],
                ingangsdatum=w["ingangsdatum"],
                einddatum=w.get("einddatum"),
            ),
            [],
        )


def _agb_of_leeg(waarde: Any) -> str:
    try:
        return cellen.agb_code(waarde)
    except cellen.CelFout:
        return ""

"""Reading the code lists the package ships (copied from shared/ by scripts/codelijsten_kopieren.py)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


def _rijen(naam: str) -> Iterator[dict[str, str]]:
    with (DATA / naam).open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def gemeenten() -> list[tuple[str, str, str]]:
    """(code, naam, provincie) of every municipality in the CBS list."""
    return [(r["code"], r["naam"], r["provincie"]) for r in _rijen("gemeenten.csv")]


def productcategorieen(wet: str) -> list[tuple[str, str]]:
    """(code, omschrijving) of the productcategorie list of ``wet`` ("wmo" or "jw")."""
    if wet not in {"wmo", "jw"}:
        raise ValueError(f"onbekende wet {wet!r}")
    return [(r["code"], r["omschrijving"]) for r in _rijen(f"productcategorie-{wet}.csv")]

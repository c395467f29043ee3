"""Reading the code lists the package ships (copied from shared/ by scripts/codelijsten_kopieren.py)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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


def gemeenten_laden(gemeente_model: Any, *, using: str = "default") -> int:
    """Create the CBS gemeenten that are missing (idempotent); returns how many were added.

    Used by data migration kern 0002 and after every migrate/flush (``post_migrate``), so a
    flushed test database gets its reference data back."""
    bestaand = set(gemeente_model.objects.using(using).values_list("code", flat=True))
    nieuw = [
        gemeente_model(code=code, naam=naam, provincie=provincie)
        for code, naam, provincie in gemeenten()
        if code not in bestaand
    ]
    gemeente_model.objects.using(using).bulk_create(nieuw)
    return len(nieuw)


def productcategorieen_laden(categorie_model: Any, *, using: str = "default") -> int:
    """Create the missing productcategorieën of both laws (idempotent); see gemeenten_laden."""
    bestaand = set(categorie_model.objects.using(using).values_list("wet", "code"))
    nieuw = [
        categorie_model(wet=wet, code=code, omschrijving=omschrijving)
        for wet in ("wmo", "jw")
        for code, omschrijving in productcategorieen(wet)
        if (wet, code) not in bestaand
    ]
    categorie_model.objects.using(using).bulk_create(nieuw)
    return len(nieuw)

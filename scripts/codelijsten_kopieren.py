#!/usr/bin/env python
"""Copy the code lists the running service needs from ``../shared/istandaarden`` into the package.

The service must start without the shared folder beside it, so it ships these lists as
package data. Nobody edits the copies by hand: run this script (from the repository root)
after the shared lists change, and ``tests/kern/test_codelijsten.py`` fails while the copies
differ from their source.

Sources (all under ``../shared/istandaarden/codelijsten/``):

- ``jaapjunior-ijw-3.2/CBS_Gemeentecodes.md`` -> ``kern/data/gemeenten.csv``
  (CBS gemeentelijke indeling per 1 januari 2026; code, naam, provincie)
- ``xsd-enumeraties/iwmo-3.2_LDT_ProductCategorie.csv`` -> ``kern/data/productcategorie-wmo.csv``
- ``xsd-enumeraties/ijw-3.2_LDT_ProductCategorie.csv`` -> ``kern/data/productcategorie-jw.csv``
- ``xsd-enumeraties/iwmo-3.2_LDT_RetourCode.csv`` -> ``declaraties/data/retourcodes-wmo.csv``
- ``xsd-enumeraties/ijw-3.2_LDT_RetourCode.csv`` -> ``declaraties/data/retourcodes-jw.csv``
  (the Dutch texts of the retourcodes, ``declaraties/retourcodes.py``)
"""

from __future__ import annotations

import csv
import io
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SHARED = ROOT.parent / "shared" / "istandaarden" / "codelijsten"
DATA = ROOT / "kern" / "data"
DECLARATIES_DATA = ROOT / "declaraties" / "data"

GEMEENTE_RIJ = re.compile(r"^\|\s*(\d{4})\s*\|\s*([^|]+?)\s*\|\s*([^|]+?)\s*\|")


def gemeenten_csv(markdown: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["code", "naam", "provincie"])
    for line in markdown.splitlines():
        match = GEMEENTE_RIJ.match(line)
        if match:
            writer.writerow(match.groups())
    return out.getvalue()


def verwachte_bestanden(shared: Path = DEFAULT_SHARED) -> dict[Path, str]:
    """Return the content every shipped copy must have, keyed by its path in the package."""
    gemeenten = (shared / "jaapjunior-ijw-3.2" / "CBS_Gemeentecodes.md").read_text("utf-8")
    return {
        DATA / "gemeenten.csv": gemeenten_csv(gemeenten),
        DATA / "productcategorie-wmo.csv": (
            shared / "xsd-enumeraties" / "iwmo-3.2_LDT_ProductCategorie.csv"
        ).read_text("utf-8"),
        DATA / "productcategorie-jw.csv": (
            shared / "xsd-enumeraties" / "ijw-3.2_LDT_ProductCategorie.csv"
        ).read_text("utf-8"),
        DECLARATIES_DATA / "retourcodes-wmo.csv": (
            shared / "xsd-enumeraties" / "iwmo-3.2_LDT_RetourCode.csv"
        ).read_text("utf-8"),
        DECLARATIES_DATA / "retourcodes-jw.csv": (
            shared / "xsd-enumeraties" / "ijw-3.2_LDT_RetourCode.csv"
        ).read_text("utf-8"),
    }


def main() -> int:
    shared = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SHARED
    for path, content in verwachte_bestanden(shared).items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, "utf-8")
        print(f"geschreven: {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

#!/usr/bin/env python
"""Copy the message schemas the codec validates against from ``../shared/istandaarden`` into
``iwmo_jw/schemas/`` (the package must ship them). Bytes are copied unchanged.

Sources, as documented in ``../shared/istandaarden/SOURCES.md``:

- ``iwmo-3.2/*.xsd``: iWmo 3.2 (XSD version 1.0.0), Zorginstituut Nederland, via
  i-Sociaal-Lab/jaapjunior ``packages/api/wmo/bronnen/xsd/``.
- ``ijw-3.2/*.xsd``: iJw 3.2 (XSD version 0.1.0 as declared), same repository,
  ``packages/api/jw/bronnen/xsd/``.
- ``stuf-ggk-0310-2.1.03/``: the StUF-GGk envelope schemas (VNG-Realisatie/StUF-koppelvlak-iWmo-iJw,
  ``Ggk0310_21_03.zip``): ``0301/``, ``xmlmime/`` and ``ggk0310_21/ggkberichten/*.xsd``.

Run from the repository root after the shared schemas change; ``tests/iwmo_jw`` fails while a
shipped copy differs from its source.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SHARED = ROOT.parent / "shared" / "istandaarden"
DOEL = ROOT / "iwmo_jw" / "schemas"

PATRONEN = [
    "iwmo-3.2/*.xsd",
    "ijw-3.2/*.xsd",
    "stuf-ggk-0310-2.1.03/0301/*.xsd",
    "stuf-ggk-0310-2.1.03/xmlmime/*.xsd",
    "stuf-ggk-0310-2.1.03/ggk0310_21/ggkberichten/*.xsd",
]


def verwachte_bestanden(shared: Path = DEFAULT_SHARED) -> dict[Path, bytes]:
    result: dict[Path, bytes] = {}
    for patroon in PATRONEN:
        for bron in sorted(shared.glob(patroon)):
            result[DOEL / bron.relative_to(shared)] = bron.read_bytes()
    return result


def main() -> int:
    shared = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SHARED
    for pad, inhoud in verwachte_bestanden(shared).items():
        pad.parent.mkdir(parents=True, exist_ok=True)
        pad.write_bytes(inhoud)
        print(f"geschreven: {pad.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

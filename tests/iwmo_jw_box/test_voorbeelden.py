"""The example messages in ``voorbeelden/`` are verbatim copies of the official iJw 3.2
examples in shared/istandaarden/voorbeeldberichten/ijw-3.2 (SOURCES.md there names the
commit); this fails when a copy drifts from its source."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.iwmo_jw_box.conftest import VOORBEELDEN

BRON = (
    Path(__file__).resolve().parents[3]
    / "shared"
    / "istandaarden"
    / "voorbeeldberichten"
    / "ijw-3.2"
)


@pytest.mark.skipif(not BRON.is_dir(), reason="shared/istandaarden is not beside the repository")
def test_voorbeelden_zijn_ongewijzigde_kopieen():
    kopieen = sorted(p.name for p in VOORBEELDEN.glob("*.xml"))
    assert kopieen == sorted(p.name for p in BRON.glob("*.xml"))
    for naam in kopieen:
        assert (VOORBEELDEN / naam).read_bytes() == (BRON / naam).read_bytes(), naam

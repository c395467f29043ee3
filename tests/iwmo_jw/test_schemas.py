"""The shipped XSDs: equal to their source in shared/, and every one compiles."""

from __future__ import annotations

from pathlib import Path

import pytest

from iwmo_jw.codec import SOORTEN, BerichtSoort
from iwmo_jw.codec.schemas import envelop_schema, schema, schema_pad
from scripts.schemas_kopieren import DEFAULT_SHARED, verwachte_bestanden


@pytest.mark.skipif(not DEFAULT_SHARED.exists(), reason="shared/ is not beside the repository")
def test_meegeleverde_schemas_gelijk_aan_shared() -> None:
    verwacht = verwachte_bestanden()
    assert len(verwacht) == 30 + 5  # 2 x (14 messages + basisschema), 5 StUF-GGk files
    for pad, inhoud in verwacht.items():
        assert Path(pad).read_bytes() == inhoud, f"{pad} wijkt af: run scripts/schemas_kopieren.py"


@pytest.mark.parametrize("gekozen", SOORTEN, ids=lambda s: s.naam)
def test_schema_compileert(gekozen: BerichtSoort) -> None:
    assert schema_pad(gekozen).name == f"{gekozen.naam}.xsd"
    assert schema(gekozen) is schema(gekozen)  # compiled once


def test_envelop_schema_compileert() -> None:
    assert envelop_schema() is envelop_schema()


def test_elke_draad_valideert_met_een_eigen_schema() -> None:
    # An lxml validator keeps the findings of its last run on the object: two threads that
    # validated with one object at once could report each other's findings. So a schema is
    # compiled once per thread.
    from concurrent.futures import ThreadPoolExecutor

    from iwmo_jw.codec import soort

    wmo323 = soort("WMO323")
    with ThreadPoolExecutor(max_workers=1) as draad:
        daar = draad.submit(schema, wmo323).result()
        assert draad.submit(schema, wmo323).result() is daar
    assert schema(wmo323) is not daar
    assert schema(wmo323) is schema(wmo323)

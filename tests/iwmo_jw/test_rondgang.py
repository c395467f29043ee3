"""Property: every schema-valid message of each of the 28 types survives serialize -> parse
unchanged, and what serialize writes satisfies the XSD (checked independently of the codec)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from iwmo_jw.codec import SOORTEN, BerichtSoort, parse, serialize
from tests.iwmo_jw.hulp import xsd_fouten
from tests.iwmo_jw.strategies import bericht

VOORBEELDEN_PER_SOORT = 25


@pytest.mark.parametrize("gekozen", SOORTEN, ids=lambda s: s.naam)
def test_serialize_parse_rondgang(gekozen: BerichtSoort) -> None:
    @settings(
        max_examples=VOORBEELDEN_PER_SOORT,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(bericht(gekozen))
    def rondgang(model: object) -> None:
        data = serialize(model)  # type: ignore[arg-type]
        assert xsd_fouten(data, gekozen) == []
        terug = parse(data)
        assert terug == model
        assert serialize(terug) == data

    rondgang()

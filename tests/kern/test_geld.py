from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kern.geld import afronden, euro, euro_naar_eurocent, eurocent_naar_euro

bedragen = st.decimals(
    min_value=Decimal("-1e9"), max_value=Decimal("1e9"), allow_nan=False, allow_infinity=False
)


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_eurocent_round_trip(centen: int) -> None:
    bedrag = eurocent_naar_euro(centen)
    assert bedrag.as_tuple().exponent == -2
    assert euro_naar_eurocent(bedrag) == centen


@given(bedragen)
def test_afronden_is_at_most_half_a_cent_off_and_idempotent(bedrag: Decimal) -> None:
    afgerond = afronden(bedrag)
    assert abs(afgerond - bedrag) <= Decimal("0.005")
    assert afronden(afgerond) == afgerond
    assert afgerond.as_tuple().exponent == -2


def test_afronden_half_up_away_from_zero() -> None:
    assert afronden(Decimal("0.005")) == Decimal("0.01")
    assert afronden(Decimal("2.345")) == Decimal("2.35")
    assert afronden(Decimal("-2.345")) == Decimal("-2.35")
    assert afronden(Decimal("2.3449")) == Decimal("2.34")


def test_no_floats_near_money() -> None:
    with pytest.raises(TypeError):
        afronden(1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        euro(1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        eurocent_naar_euro(1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        eurocent_naar_euro(True)


def test_eurocent_refuses_fractions_of_a_cent() -> None:
    assert euro_naar_eurocent(Decimal("12.30")) == 1230
    with pytest.raises(ValueError):
        euro_naar_eurocent(Decimal("12.305"))


def test_euro_is_exact() -> None:
    assert euro("12.30").amount == Decimal("12.30")
    assert str(euro("1").currency) == "EUR"

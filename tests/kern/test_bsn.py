import pytest

from kern.bsn import OngeldigBsn, maskeer_bsn, valideer_bsn


def test_valid_bsn() -> None:
    assert valideer_bsn("111222333") == "111222333"
    assert valideer_bsn("1112.22.333") == "111222333"


@pytest.mark.parametrize("waarde", ["111222334", "12345678", "abcdefghi", "", "1234567890"])
def test_invalid_bsn_has_code_and_does_not_echo_the_number(waarde: str) -> None:
    with pytest.raises(OngeldigBsn) as fout:
        valideer_bsn(waarde)
    assert fout.value.code == "bsn_ongeldig"
    assert "elfproef" in fout.value.bericht
    if waarde:
        assert waarde not in str(fout.value)


def test_mask() -> None:
    assert maskeer_bsn("111222333") == "******333"

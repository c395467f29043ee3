"""IV081: hours declared in minutes. The ProductTarief is the hourly tariff / 60 rounded to
cents; the IngediendBedrag is hourly tariff x minutes / 60 rounded once, never the rounded minute
tariff x minutes. TR418 and TR346 apply it."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from declaraties.regels import Omvang, Tarief, beoordelen
from declaraties.regels.tarieven import (
    bedrag_in_minuten,
    minuuttarief,
    passende_tarieven,
    tarief_past,
    verwacht_bedrag,
)
from iwmo_jw.codec.modellen import Bericht323
from tests.declaraties.hulp import (
    TARIEF_45A03,
    TARIEF_45A04,
    basis_bericht,
    context,
    met_toewijzing,
    wijzig_prestatie,
)


def half_omhoog(waarde: Fraction) -> Decimal:
    """Round a non-negative exact value to cents, half up, without Decimal arithmetic."""
    centen = waarde * 100
    geheel = centen.numerator // centen.denominator
    if centen - geheel >= Fraction(1, 2):
        geheel += 1
    return Decimal(geheel) / 100


def test_worked_examples() -> None:
    # € 87,30 per uur: € 1,455 per minuut is shown as € 1,46 ...
    assert minuuttarief(Decimal("87.30")) == Decimal("1.46")
    # ... and € 87,24 per uur: € 1,454 as € 1,45.
    assert minuuttarief(Decimal("87.24")) == Decimal("1.45")
    # 50 minutes at € 87,30 per uur: 72,75 exactly, not 50 x 1,46 = 73,00.
    assert bedrag_in_minuten(Decimal("87.30"), 50) == Decimal("72.75")
    # 7 minutes at € 65,00 per uur: 7,58333... -> 7,58.
    assert bedrag_in_minuten(Decimal("65.00"), 7) == Decimal("7.58")
    # 1 minute at € 0,30 per uur: 0,005 -> 0,01 (half up).
    assert bedrag_in_minuten(Decimal("0.30"), 1) == Decimal("0.01")


uurtarieven = st.integers(min_value=0, max_value=99_999_999).map(lambda c: Decimal(c) / 100)


@given(uurtarieven, st.integers(min_value=0, max_value=99_999_999))
def test_rounding_is_exact_half_up(uurtarief: Decimal, minuten: int) -> None:
    assert minuuttarief(uurtarief) == half_omhoog(Fraction(uurtarief) / 60)
    assert bedrag_in_minuten(uurtarief, minuten) == half_omhoog(Fraction(uurtarief) * minuten / 60)


@given(uurtarieven, st.integers(min_value=1, max_value=100_000))
def test_tr418_and_tr346_accept_exactly_the_iv081_line(uurtarief: Decimal, minuten: int) -> None:
    """A line in minutes under an hourly contract tariff passes with the IV081 ProductTarief and
    IngediendBedrag, and fails TR346 one cent off (and TR418 with another tariff)."""
    tarief = Tarief("45", "45A03", "04", uurtarief, date(2025, 1, 1))
    goed = bedrag_in_minuten(uurtarief, minuten)
    bericht = wijzig_prestatie(
        basis_bericht(),
        "R1",
        eenheid="01",
        geleverd_volume=minuten,
        product_tarief=minuuttarief(uurtarief),
        ingediend_bedrag=replace(
            basis_bericht().declaratie.clienten[0].prestaties[0].ingediend_bedrag, bedrag=goed
        ),
    )
    ctx = context(
        tarieven=[tarief, TARIEF_45A04],
        # 2.000 uur in total: room for every draw of minutes.
        toewijzingen=met_toewijzing(1001, omvang=Omvang(2000, "04", "6")),
    )

    def codes(b: Bericht323) -> dict[str, tuple[str, ...]]:
        uitkomst = beoordelen(b, ctx)
        return {u.referentie_nummer: u.retourcodes for u in uitkomst.prestaties if not u.toegekend}

    assert codes(bericht) == {}
    fout = wijzig_prestatie(
        bericht,
        "R1",
        ingediend_bedrag=replace(
            bericht.declaratie.clienten[0].prestaties[0].ingediend_bedrag,
            bedrag=goed + Decimal("0.01"),
        ),
    )
    assert codes(fout) == {"R1": ("9346",)}


def test_tariff_matching() -> None:
    uur = TARIEF_45A03  # € 63,00 per uur
    assert tarief_past(uur, "04", Decimal("63.00"))
    assert not tarief_past(uur, "04", Decimal("63.01"))
    assert tarief_past(uur, "01", Decimal("1.05"))
    assert not tarief_past(uur, "01", Decimal("63.00"))
    assert not tarief_past(uur, "16", Decimal("63.00"))
    per_minuut = replace(uur, eenheid="01", bedrag=Decimal("1.10"))
    assert tarief_past(per_minuut, "01", Decimal("1.10"))
    assert not tarief_past(per_minuut, "04", Decimal("66.00"))


EENHEDEN = st.sampled_from(["01", "04", "14", "16", "82"])
BEDRAGEN = st.decimals(min_value=0, max_value=Decimal("9999.99"), places=2)


@given(
    tarieven=st.lists(
        st.builds(lambda e, b: replace(TARIEF_45A03, eenheid=e, bedrag=b), EENHEDEN, BEDRAGEN),
        max_size=4,
    ),
    eenheid=EENHEDEN,
    gedeclareerd=st.one_of(
        BEDRAGEN,
        # The same amount with another number of trailing zeros is the same tariff.
        BEDRAGEN.map(lambda b: b.quantize(Decimal("0.0001"))),
        st.just(Decimal("1.05")),
    ),
)
def test_the_set_of_fitting_tariffs_accepts_what_tarief_past_accepts(
    tarieven, eenheid, gedeclareerd
) -> None:
    passend = passende_tarieven(tuple(tarieven))
    assert ((eenheid, gedeclareerd) in passend) == any(
        tarief_past(t, eenheid, gedeclareerd) for t in tarieven
    )
    for t in tarieven:  # every tariff fits in its own eenheid, an hourly one also per minute
        assert (t.eenheid, t.bedrag) in passend
        if t.eenheid == "04":
            assert ("01", minuuttarief(t.bedrag)) in passend


def test_expected_amount() -> None:
    uur = replace(TARIEF_45A03, bedrag=Decimal("65.00"))
    # Minutes with the IV081 ProductTarief: hourly tariff x minutes / 60.
    assert verwacht_bedrag(7, "01", Decimal("1.08"), (uur,)) == Decimal("7.58")
    # A minute tariff agreed as such: volume x tariff.
    assert verwacht_bedrag(7, "01", Decimal("1.10"), (uur,)) == Decimal("7.70")
    # Other units: volume x tariff.
    assert verwacht_bedrag(3, "04", Decimal("65.00"), (uur,)) == Decimal("195.00")


@given(
    omvang=st.one_of(st.none(), EENHEDEN),
    tariefeenheden=st.lists(EENHEDEN, max_size=4),
    gedeclareerd=EENHEDEN,
)
def test_tr341_accepts_an_eenheid_exactly_when_it_fits(omvang, tariefeenheden, gedeclareerd):
    """TR341 (9341) for any Omvang or none, any tariffs and any declared eenheid: the eenheid
    fits the toewijzing's, or without an Omvang one of the contract tariffs' (no tariff: the
    rule holds); minutes fit hours."""
    toegestaan = [omvang] if omvang is not None else tariefeenheden
    verwacht = not toegestaan or any(
        e == gedeclareerd or (e == "04" and gedeclareerd == "01") for e in toegestaan
    )
    ctx = context(
        toewijzingen=met_toewijzing(
            1001, omvang=Omvang(2000, omvang, "6") if omvang is not None else None
        ),
        tarieven=[replace(TARIEF_45A03, eenheid=e) for e in tariefeenheden] + [TARIEF_45A04],
    )
    bericht = wijzig_prestatie(basis_bericht(), "R1", eenheid=gedeclareerd)
    [r1] = [u for u in beoordelen(bericht, ctx).prestaties if u.referentie_nummer == "R1"]
    assert ("9341" not in r1.retourcodes) == verwacht

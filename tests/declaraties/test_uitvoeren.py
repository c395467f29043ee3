"""The runner: credits before debits, running totals within the message, a deterministic order
that does not depend on where a line stands, and limits that are never exceeded."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from declaraties.regels import (
    DeclaratieContext,
    EerdereDebet,
    Omvang,
    Tarief,
    Toewijzing,
    Uitkomst,
    VerbruikRij,
    basisvolume,
    beoordelen,
)
from declaraties.regels.limieten import maximum_in_periode, maximum_totaal
from iwmo_jw.codec import serialize
from iwmo_jw.codec.modellen import Bericht323, Prestatie323
from iwmo_jw.codec.niveau2 import niveau2_meldingen
from tests.declaraties.hulp import (
    APRIL,
    BSN_A,
    GEMEENTE,
    ONTVANGEN,
    bericht323,
    maanden,
    prestatie,
)

UURTARIEF = Decimal("60.00")  # € 1,00 per minuut: amounts are easy to follow
MAANDEN = list(maanden(2026, 1, 4))


def uitkomsten(bericht: Bericht323, ctx: DeclaratieContext) -> dict[str, tuple[str, ...]]:
    """ReferentieNummer -> retourcodes of every rejected prestatie."""
    return {
        u.referentie_nummer: u.retourcodes
        for u in beoordelen(bericht, ctx).prestaties
        if not u.toegekend
    }


def toewijzing(**velden: object) -> Toewijzing:
    basis: dict[str, object] = {
        "toewijzing_nummer": 1,
        "bsn": BSN_A,
        "ingangsdatum": date(2026, 1, 1),
        "einddatum": date(2026, 4, 30),
        "product_categorie": "45",
        "product_code": "45A03",
        "omvang": Omvang(3, "04", "2"),
    }
    basis.update(velden)
    return Toewijzing(**basis)  # type: ignore[arg-type]


def ctx_voor(t: Toewijzing, **velden: object) -> DeclaratieContext:
    basis: dict[str, object] = {
        "ontvangstdatum": ONTVANGEN,
        "toewijzingen": [t],
        "gemeentecodes": [GEMEENTE],
        "producten": [("45", c) for c in ("45A03", "45A04", "45A05", "45A06")],
        "tarieven": [
            Tarief("45", c, "04", UURTARIEF, date(2025, 1, 1))
            for c in ("45A03", "45A04", "45A05", "45A06")
        ],
    }
    basis.update(velden)
    return DeclaratieContext.maak(**basis)  # type: ignore[arg-type]


def uren(
    referentie: str, periode: tuple[date, date], volume: int, **velden: object
) -> Prestatie323:
    code = str(velden.pop("code", "45A03"))
    return prestatie(
        referentie,
        1,
        code,
        periode,
        volume,
        "04",
        UURTARIEF,
        UURTARIEF * volume,
        **velden,  # type: ignore[arg-type]
    )


def debet(referentie: str, periode: tuple[date, date], volume: int) -> EerdereDebet:
    return EerdereDebet(
        referentie_nummer=referentie,
        bsn=BSN_A,
        toewijzing_nummer=1,
        product_categorie="45",
        product_code="45A03",
        begindatum=periode[0],
        einddatum=periode[1],
        geleverd_volume=volume,
        eenheid="04",
        bedrag=UURTARIEF * volume,
    )


def rij(d: EerdereDebet) -> VerbruikRij:
    return VerbruikRij(1, d.begindatum, d.eenheid, "D", d.geleverd_volume, d.bedrag)


# --- worked scenarios --------------------------------------------------------------------------


def test_a_credit_anywhere_in_the_message_frees_its_debit_for_a_new_one() -> None:
    """3 uur per week; April 2026 (5 weeks) holds 15 uur, all granted before as R0. A new debit
    R5 of 15 uur for April passes only with the credit of R0, wherever the credit stands."""
    t = toewijzing()
    r0 = debet("R0", APRIL, 15)
    ctx = ctx_voor(t, debetten=[r0], open_debetten=[r0.sleutel], verbruik=[rij(r0)])
    nieuw = uren("R5", APRIL, 15)
    credit = uren("R6", APRIL, 15, vorig="R0")
    for volgorde in ([nieuw, credit], [credit, nieuw]):
        bericht = bericht323([(BSN_A, volgorde)])
        assert niveau2_meldingen(bericht) == []
        assert uitkomsten(bericht, ctx) == {}
    alleen_debet = bericht323([(BSN_A, [nieuw])])
    assert uitkomsten(alleen_debet, ctx) == {"R5": ("9389", "9321")}


def test_running_totals_within_the_message_go_by_productperiode() -> None:
    """3 uur per week, January-April 2026: 18 calendar weeks, 54 uur in total, 50 granted
    before. Two new lines of 4 uur each fit their month, not both the total: the older
    ProductPeriode wins, even when it stands last."""
    t = toewijzing()
    ctx = ctx_voor(t, verbruik=[VerbruikRij(1, date(2026, 1, 1), "04", "D", 50, Decimal("3000"))])
    maart = uren("R9", MAANDEN[2], 4)
    april = uren("R1", MAANDEN[3], 4)
    assert uitkomsten(bericht323([(BSN_A, [april, maart])]), ctx) == {"R1": ("9322",)}


def test_per_period_running_total_sees_earlier_lines_of_the_same_month() -> None:
    """Hours and minutes on one toewijzing in hours add up in minutes (TR341 allows both)."""
    t = toewijzing(product_code=None)  # aspecifiek code: several products per month allowed
    ctx = ctx_voor(t)
    a = uren("A", APRIL, 10, code="45A04")
    b = prestatie("B", 1, "45A05", APRIL, 300, "01", Decimal("1.00"), Decimal("300.00"))
    c = prestatie("C", 1, "45A06", APRIL, 1, "01", Decimal("1.00"), Decimal("1.00"))
    # April holds 15 uur = 900 minutes: 600 + 300 fit, one more minute does not.
    assert uitkomsten(bericht323([(BSN_A, [c, b, a])]), ctx) == {"C": ("9321",)}


def test_budget_running_total() -> None:
    t = toewijzing(product_code=None, omvang=None, budget=Decimal("150.00"))
    ctx = ctx_voor(t)
    lijnen = [
        uren("Rc", APRIL, 1, code="45A05"),  # € 60
        uren("Ra", APRIL, 1, code="45A03"),  # € 60
        uren("Rb", APRIL, 1, code="45A04"),  # € 60: 180 > 150
    ]
    assert uitkomsten(bericht323([(BSN_A, lijnen)]), ctx) == {"Rc": ("9369",)}
    # A credit of an earlier € 60 makes room for all three.
    r0 = replace(debet("R0", MAANDEN[2], 1), product_code="45A03")
    ctx = ctx_voor(t, debetten=[r0], open_debetten=[r0.sleutel], verbruik=[rij(r0)])
    credit = uren("R7", MAANDEN[2], 1, vorig="R0")
    assert uitkomsten(bericht323([(BSN_A, [*lijnen, credit])]), ctx) == {"Rc": ("9369",)}
    ctx = ctx_voor(
        replace(t, budget=Decimal("180.00")),
        debetten=[r0],
        open_debetten=[r0.sleutel],
        verbruik=[rij(r0)],
    )
    assert uitkomsten(bericht323([(BSN_A, [*lijnen, credit])]), ctx) == {}


def test_hulp_bij_het_huishouden_in_iwmo_may_hold_six_weeks_in_one_month() -> None:
    """iWmo categorie 01 per week (TR321 toelichting): February 2026 (5 calendar weeks) may
    hold up to 6 x 3 uur; the iJw twin of the same toewijzing only 5 x 3."""
    t = toewijzing(product_categorie="01", product_code="01A01")
    ctx = ctx_voor(
        t,
        producten=[("01", "01A01")],
        tarieven=[Tarief("01", "01A01", "04", UURTARIEF, date(2025, 1, 1))],
    )
    februari = MAANDEN[1]

    def lijn(volume: int) -> Prestatie323:
        return prestatie(
            "H1", 1, "01A01", februari, volume, "04", UURTARIEF, UURTARIEF * volume, categorie="01"
        )

    wmo = bericht323([(BSN_A, [lijn(18)])], naam="WMO323")
    assert niveau2_meldingen(wmo) == []
    serialize(wmo)
    assert uitkomsten(wmo, ctx) == {}
    assert uitkomsten(bericht323([(BSN_A, [lijn(19)])], naam="WMO323"), ctx) == {"H1": ("9321",)}
    # The runner is pure: the same lines as a JW323 (where 01 is no category) get 5 weeks.
    assert uitkomsten(bericht323([(BSN_A, [lijn(16)])]), ctx) == {"H1": ("9321",)}
    assert uitkomsten(bericht323([(BSN_A, [lijn(15)])]), ctx) == {}


def test_a_debit_credited_in_this_message_cannot_be_credited_twice() -> None:
    t = toewijzing()
    r0 = debet("R0", MAANDEN[2], 3)
    ctx = ctx_voor(t, debetten=[r0], open_debetten=[r0.sleutel], verbruik=[rij(r0)])
    eerste = uren("C1", MAANDEN[2], 3, vorig="R0")
    tweede = uren("C2", MAANDEN[2], 3, vorig="R0")
    # (Two credits of one debit in one message also fail TR315 at level 2.)
    assert uitkomsten(bericht323([(BSN_A, [tweede, eerste])]), ctx) == {"C2": ("9390",)}


def test_duplicate_reference_in_the_message_keeps_the_first_in_order() -> None:
    t = toewijzing(product_code=None)
    ctx = ctx_voor(t)
    later = uren("X", MAANDEN[3], 1, code="45A04")
    eerder = uren("X", MAANDEN[2], 1, code="45A04")
    b = beoordelen(bericht323([(BSN_A, [later, eerder])]), ctx)
    assert [(u.prestatie_index, u.uitkomst, u.retourcodes) for u in b.prestaties] == [
        (0, Uitkomst.AFGEWEZEN, ("8021",)),
        (1, Uitkomst.TOEGEKEND, ()),
    ]


# --- properties --------------------------------------------------------------------------------


@dataclass
class Scenario:
    toewijzing: Toewijzing
    ctx: DeclaratieContext
    lijnen: list[Prestatie323]
    eerder: list[EerdereDebet]


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    """One toewijzing (January-April 2026; an Omvang in hours with any frequentie, or a
    budget), what was granted before within its limits, and a message of credits of some of
    those and new debits in hours or minutes."""
    met_budget = draw(st.booleans())
    if met_budget:
        t = toewijzing(product_code=None, omvang=None, budget=Decimal(draw(st.integers(0, 6000))))
    else:
        frequentie = draw(st.sampled_from(["1", "2", "4", "6"]))
        t = toewijzing(omvang=Omvang(draw(st.integers(1, 40)), "04", frequentie))
    eerder = []
    for m, per in enumerate(MAANDEN):
        if draw(st.booleans()):
            eerder.append(
                replace(debet(f"E{m}", per, draw(st.integers(0, 30))), product_code="45A03")
            )
    # What was granted before stays within the limits.
    assume(_binnen_limieten(t, {d.referentie_nummer: d for d in eerder}, {}))
    lijnen = []
    for d in eerder:
        if draw(st.booleans()):
            lijnen.append(
                uren(
                    f"C{d.referentie_nummer}",
                    (d.begindatum, d.einddatum),
                    d.geleverd_volume,
                    vorig=d.referentie_nummer,
                )
            )
    codes = ["45A03"] if not met_budget else ["45A03", "45A04", "45A05"]
    for i in range(draw(st.integers(0, 8))):
        per = draw(st.sampled_from(MAANDEN))
        code = draw(st.sampled_from(codes))
        if draw(st.booleans()):
            lijnen.append(uren(f"N{i}", per, draw(st.integers(0, 40)), code=code))
        else:
            minuten = draw(st.integers(0, 2400))
            lijnen.append(
                prestatie(f"N{i}", 1, code, per, minuten, "01", Decimal("1.00"), Decimal(minuten))
            )
    ctx = ctx_voor(
        t,
        debetten=eerder,
        open_debetten=[d.sleutel for d in eerder],
        verbruik=[rij(d) for d in eerder],
        bekende_referenties=[d.referentie_nummer for d in eerder],
    )
    return Scenario(t, ctx, lijnen, eerder)


def _binnen_limieten(
    t: Toewijzing, eerder: dict[str, EerdereDebet], toegekend: dict[str, Prestatie323]
) -> bool:
    """Whether what stands granted (earlier debits, minus credited ones, plus granted new
    debits) fits TR321 per month, TR322 in total and TR369."""
    per_maand: dict[date, int] = {}
    bedrag = Decimal(0)
    volume = 0
    gecrediteerd = {
        p.product_referentie.vorig_referentie_nummer
        for p in toegekend.values()
        if p.ingediend_bedrag.debet_credit == "C"
    }
    for d in eerder.values():
        if d.referentie_nummer in gecrediteerd:
            continue
        per_maand[d.begindatum] = per_maand.get(d.begindatum, 0) + basisvolume(
            d.geleverd_volume, d.eenheid
        )
        volume += basisvolume(d.geleverd_volume, d.eenheid)
        bedrag += d.bedrag
    for p in toegekend.values():
        if p.ingediend_bedrag.debet_credit == "C":
            continue
        v = basisvolume(p.geleverd_volume, p.eenheid)
        per_maand[p.product_periode.begindatum] = per_maand.get(p.product_periode.begindatum, 0) + v
        volume += v
        bedrag += p.ingediend_bedrag.bedrag
    if t.budget is not None:
        return bedrag <= t.budget
    assert t.omvang is not None
    totaal = maximum_totaal(t)
    if totaal is not None and volume > basisvolume(totaal, t.omvang.eenheid):
        return False
    if t.omvang.frequentie == "6":
        return True
    for begin, v in per_maand.items():
        eind = next(e for b, e in MAANDEN if b == begin)
        grens = maximum_in_periode(t, begin, eind, hbh=False)
        assert grens is not None
        if v > basisvolume(grens, t.omvang.eenheid):
            return False
    return True


EIGENSCHAP = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.filter_too_much]
)


@EIGENSCHAP
@given(scenarios())
def test_granted_volumes_and_amounts_never_exceed_the_limits(s: Scenario) -> None:
    bericht = bericht323([(BSN_A, s.lijnen)])
    b = beoordelen(bericht, s.ctx)
    toegekend = {
        u.referentie_nummer: s.lijnen[u.prestatie_index] for u in b.prestaties if u.toegekend
    }
    assert _binnen_limieten(s.toewijzing, {d.referentie_nummer: d for d in s.eerder}, toegekend)
    # Every credit of a known, not yet credited debit is granted (IV085).
    for u in b.prestaties:
        p = s.lijnen[u.prestatie_index]
        if p.ingediend_bedrag.debet_credit == "C":
            assert u.toegekend
            assert u.toegekend_bedrag == -p.ingediend_bedrag.bedrag
        else:
            assert u.toegekend_bedrag == (p.ingediend_bedrag.bedrag if u.toegekend else 0)


@EIGENSCHAP
@given(scenarios(), st.randoms(use_true_random=False), st.integers(1, 3))
def test_outcome_does_not_depend_on_the_order_of_the_lines(
    s: Scenario, rnd: random.Random, clienten: int
) -> None:
    """Shuffle the lines and spread them over one to three copies of the client (TR101 keeps
    a client once per message, but the runner must not care): same outcome per line."""
    if not s.lijnen:
        return
    eerst = beoordelen(bericht323([(BSN_A, s.lijnen)]), s.ctx)
    verwacht = {
        u.referentie_nummer: (u.uitkomst, u.retourcodes, u.toegekend_bedrag)
        for u in eerst.prestaties
    }
    geschud = list(s.lijnen)
    rnd.shuffle(geschud)
    delen: list[list[Prestatie323]] = [[] for _ in range(clienten)]
    for i, p in enumerate(geschud):
        delen[i % clienten].append(p)
    bericht = bericht323([(BSN_A, deel) for deel in delen if deel])
    daarna = beoordelen(bericht, s.ctx)
    assert {
        u.referentie_nummer: (u.uitkomst, u.retourcodes, u.toegekend_bedrag)
        for u in daarna.prestaties
    } == verwacht
    assert daarna.totaal_toegekend == eerst.totaal_toegekend


def test_large_message_is_granted_in_full() -> None:
    from tests.declaraties.hulp import groot_bericht

    bericht, ctx = groot_bericht(500)
    assert niveau2_meldingen(bericht) == []
    b = beoordelen(bericht, ctx)
    assert b.volledig_toegekend
    assert b.totaal_toegekend == Decimal("61.25") * 12 * 500

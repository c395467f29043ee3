"""The year-end forecast: the pure arithmetic (worked figures and Hypothesis properties) and the
selector over the ledger, on a peildatum in the past and looking from today."""

from __future__ import annotations

import importlib
import itertools
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db.models import Q
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from financien import prognose as p
from financien import selectors, services
from financien.models import Reservering
from tests.financien.conftest import D, reserveer

# The module, not the function of the same name that financien.selectors exports.
prognose_selectors = importlib.import_module("financien.selectors.prognose")

# --- Pure arithmetic ----------------------------------------------------------------------------


def test_verwacht_restant_pro_rata_over_de_dagen_na_de_peildatum():
    heel_jaar = p.OpenReservering(
        D("36500.00"), D("18500.00"), date(2026, 1, 1), date(2026, 12, 31)
    )
    # 1 July to 31 December: 184 of 365 days.
    assert p.verwacht_restant(heel_jaar, jaar=2026, peildatum=date(2026, 6, 30)) == 18400
    # Lagging: only 1,000 still open, so never more than that.
    achter = p.OpenReservering(D("36500.00"), D("1000.00"), date(2026, 1, 1), date(2026, 12, 31))
    assert p.verwacht_restant(achter, jaar=2026, peildatum=date(2026, 6, 30)) == 1000
    # Without a period: the budget year.
    zonder = p.OpenReservering(D("7300.00"), D("7300.00"))
    assert p.verwacht_restant(zonder, jaar=2026, peildatum=date(2026, 6, 30)) == 3680
    # A period into next year: only this year's days count (184 of 365).
    over = p.OpenReservering(D("3650.00"), D("3650.00"), date(2026, 7, 1), date(2027, 6, 30))
    assert p.verwacht_restant(over, jaar=2026, peildatum=date(2026, 6, 30)) == 1840
    # Before the year: all of the year's days; after it: nothing.
    assert p.verwacht_restant(zonder, jaar=2026, peildatum=date(2025, 11, 1)) == 7300
    assert p.verwacht_restant(zonder, jaar=2026, peildatum=date(2026, 12, 31)) == 0


def test_deel_na_jaar_is_het_deel_van_het_volgende_jaar():
    over = p.OpenReservering(D("3650.00"), D("2650.00"), date(2026, 7, 1), date(2027, 6, 30))
    assert p.deel_na_jaar(over, jaar=2026) == D("1810.00")  # 181 of 365 days
    weinig_open = p.OpenReservering(D("3650.00"), D("500.00"), date(2026, 7, 1), date(2027, 6, 30))
    assert p.deel_na_jaar(weinig_open, jaar=2026) == D("500.00")
    binnen = p.OpenReservering(D("100.00"), D("100.00"), date(2026, 1, 1), date(2026, 12, 31))
    assert p.deel_na_jaar(binnen, jaar=2026) == D("0.00")
    assert p.deel_na_jaar(p.OpenReservering(D("100.00"), D("100.00")), jaar=2026) == D("0.00")


@pytest.mark.parametrize(
    ("peildatum", "maanden", "rest"),
    [
        (date(2026, 6, 30), [(2026, 4), (2026, 5), (2026, 6)], D("6.0000")),
        (date(2026, 10, 15), [(2026, 7), (2026, 8), (2026, 9)], D("2.5161")),  # 16/31 + 2
        (date(2026, 2, 10), [(2026, 1)], D("10.6429")),  # 18/28 + 10; only January is in 2026
        (date(2026, 1, 20), [], D("11.3548")),
        (date(2026, 12, 31), [(2026, 10), (2026, 11), (2026, 12)], D("0.0000")),
        (date(2025, 12, 1), [], D("12.0000")),
        (date(2027, 3, 1), [], D("0.0000")),
    ],
)
def test_trendmaanden_en_resterende_maanden(peildatum, maanden, rest):
    assert p.trendmaanden(jaar=2026, peildatum=peildatum) == maanden
    uitkomst = p.prognose_berekenen(
        jaar=2026,
        peildatum=peildatum,
        budget=D("0.00"),
        gerealiseerd=D("0.00"),
        open_reserveringen=[],
        instroom=[],
    )
    assert uitkomst.resterende_maanden == rest


def test_prognose_berekenen_uitgewerkt():
    uitkomst = p.prognose_berekenen(
        jaar=2026,
        peildatum=date(2026, 6, 30),
        budget=D("120000.00"),
        gerealiseerd=D("19500.00"),
        open_reserveringen=[
            p.OpenReservering(D("36500.00"), D("18500.00"), date(2026, 1, 1), date(2026, 12, 31)),
            p.OpenReservering(D("7300.00"), D("7300.00")),
            p.OpenReservering(D("12000.00"), D("10500.00"), date(2026, 5, 1), date(2027, 4, 30)),
        ],
        instroom=[
            p.Instroommaand(2026, 4, D("7300.00")),
            p.Instroommaand(2026, 6, D("2000.00")),
            p.Instroommaand(2026, 5, D("12000.00")),
            p.Instroommaand(2026, 3, D("999.00")),  # outside the window: ignored
        ],
    )
    # 18,400 + 3,680 + 12,000 x 184/365 (6,049.3150...) = 28,129.3150... -> 28,129.32
    assert uitkomst.verwacht_uit_reserveringen == D("28129.32")
    assert [(m.label, m.bedrag) for m in uitkomst.instroom] == [
        ("2026-04", D("7300.00")),
        ("2026-05", D("12000.00")),
        ("2026-06", D("2000.00")),
    ]
    assert uitkomst.gemiddelde_instroom == D("7100.00")
    assert uitkomst.trend == D("42600.00")  # 7,100 x 6 months
    assert uitkomst.totaal == D("90229.32")
    assert uitkomst.verschil == D("29770.68")
    assert uitkomst.open_reserveringen == D("36300.00")
    assert uitkomst.aantal_open_reserveringen == 3
    assert uitkomst.methode.startswith(
        "Prognose 2026 op 2026-06-30 = gerealiseerd € 19.500,00 + verwacht uit 3 open "
        "reserveringen € 28.129,32 + trend € 42.600,00 = € 90.229,32."
    )
    assert "2026-05: € 12.000,00" in uitkomst.methode
    assert "verschil € 29.770,68" in uitkomst.methode


bedragen = st.decimals(min_value=0, max_value=Decimal("1000000"), places=2)
dagen_in_2026 = st.dates(min_value=date(2025, 6, 1), max_value=date(2027, 12, 31))


_bron = itertools.count()


def reserveringen_invoegen(budgetpost, aanbieder, lijst: list[p.OpenReservering]) -> None:
    """Insert reservations with these amounts and periods straight into the table (one
    statement), each for a toewijzing of its own."""
    Reservering.objects.bulk_create(
        Reservering(
            budgetpost=budgetpost,
            jaar=budgetpost.jaar,
            zorgaanbieder=aanbieder,
            bron_type="toewijzing",
            bron_id=f"r{next(_bron)}",
            bedrag=r.bedrag,
            gerealiseerd_bedrag=r.bedrag - r.open_bedrag,
            open_bedrag=r.open_bedrag,
            begindatum=r.begindatum,
            einddatum=r.einddatum,
        )
        for r in lijst
    )


@st.composite
def open_reserveringen(draw) -> p.OpenReservering:
    bedrag = draw(bedragen)
    open_bedrag = draw(st.decimals(min_value=0, max_value=bedrag, places=2))
    if draw(st.booleans()):
        return p.OpenReservering(bedrag, open_bedrag)
    begin = draw(st.dates(min_value=date(2025, 1, 1), max_value=date(2026, 12, 31)))
    eind = draw(st.dates(min_value=max(begin, date(2026, 1, 1)), max_value=date(2028, 12, 31)))
    return p.OpenReservering(bedrag, open_bedrag, begin, eind)


@given(
    reserveringen=st.lists(open_reserveringen(), max_size=8),
    instroom=st.lists(bedragen, min_size=3, max_size=3),
    peildatum=dagen_in_2026,
    gerealiseerd=bedragen,
    budget=bedragen,
)
def test_delen_tellen_op_en_pro_rata_nooit_boven_open(
    reserveringen, instroom, peildatum, gerealiseerd, budget
):
    maanden = p.trendmaanden(jaar=2026, peildatum=peildatum)
    uitkomst = p.prognose_berekenen(
        jaar=2026,
        peildatum=peildatum,
        budget=budget,
        gerealiseerd=gerealiseerd,
        open_reserveringen=reserveringen,
        instroom=[p.Instroommaand(j, m, b) for (j, m), b in zip(maanden, instroom, strict=False)],
    )
    assert uitkomst.totaal == (
        uitkomst.gerealiseerd + uitkomst.verwacht_uit_reserveringen + uitkomst.trend
    )
    assert uitkomst.verschil == budget - uitkomst.totaal
    for deel in (uitkomst.verwacht_uit_reserveringen, uitkomst.trend, uitkomst.totaal):
        assert deel == deel.quantize(Decimal("0.01"))
    assert (
        0
        <= uitkomst.verwacht_uit_reserveringen
        <= sum((r.open_bedrag for r in reserveringen), Decimal(0))
    )
    for r in reserveringen:
        assert 0 <= p.verwacht_restant(r, jaar=2026, peildatum=peildatum) <= r.open_bedrag
        assert 0 <= p.deel_na_jaar(r, jaar=2026) <= r.open_bedrag
    assert 0 <= uitkomst.resterende_maanden <= 12
    # Nothing is expected once the year is over.
    einde = p.prognose_berekenen(
        jaar=2026,
        peildatum=date(2026, 12, 31),
        budget=budget,
        gerealiseerd=gerealiseerd,
        open_reserveringen=reserveringen,
        instroom=[],
    )
    assert einde.totaal == gerealiseerd


@given(r=open_reserveringen(), peildatum=dagen_in_2026)
def test_later_kijken_verwacht_nooit_meer(r, peildatum):
    """The expected remainder only shrinks as the peildatum moves on."""
    nu = p.verwacht_restant(r, jaar=2026, peildatum=peildatum)
    later = p.verwacht_restant(r, jaar=2026, peildatum=peildatum + timedelta(days=30))
    assert later <= nu


# --- The selector over the ledger -------------------------------------------------------------


def _realiseer(reservering, bedrag, sleutel, boekdatum) -> None:
    services.realisatie_boeken(
        door=None,
        reservering=reservering,
        bedrag=D(bedrag),
        bron_id=sleutel,
        idempotentiesleutel=sleutel,
        boekdatum=boekdatum,
    )


@pytest.fixture
def werkvoorbeeld(budgethouder, budgetpost, aanbieder):
    """The worked example above, booked: budget 120,000; three open reservations, a fourth
    withdrawn; realised 19,500 by 30 June 2026; new reservations April-June 21,300."""
    services.budget_toekennen(
        door=budgethouder,
        budgetpost=budgetpost,
        bedrag=D("120000.00"),
        reden="Begroting 2026",
        idempotentiesleutel="begroting",
        boekdatum=date(2026, 1, 1),
    )
    r1 = reserveer(
        budgetpost,
        aanbieder,
        "36500.00",
        "t1",
        boekdatum=date(2026, 1, 5),
        begindatum=date(2026, 1, 1),
        einddatum=date(2026, 12, 31),
    )
    _realiseer(r1, "18000.00", "p1", date(2026, 6, 10))
    reserveer(budgetpost, aanbieder, "7300.00", "t2", boekdatum=date(2026, 4, 10))
    r3 = reserveer(
        budgetpost,
        aanbieder,
        "12000.00",
        "t3",
        boekdatum=date(2026, 5, 15),
        begindatum=date(2026, 5, 1),
        einddatum=date(2027, 4, 30),
    )
    _realiseer(r3, "1500.00", "p3", date(2026, 6, 20))
    r4 = reserveer(budgetpost, aanbieder, "2000.00", "t4", boekdatum=date(2026, 6, 1))
    services.reservering_vrijgeven(
        door=None, reservering=r4, idempotentiesleutel="v4", boekdatum=date(2026, 6, 20)
    )
    # After the peildatum: not in the figures of 30 June.
    _realiseer(r1, "3000.00", "p1-juli", date(2026, 7, 10))
    return budgetpost


@pytest.mark.django_db
def test_prognose_op_een_peildatum_uit_het_grootboek(werkvoorbeeld, django_assert_num_queries):
    with django_assert_num_queries(5):
        uitkomst = selectors.prognose(budgetpost=werkvoorbeeld, peildatum=date(2026, 6, 30))
    assert (
        uitkomst.gerealiseerd,
        uitkomst.verwacht_uit_reserveringen,
        uitkomst.trend,
        uitkomst.totaal,
        uitkomst.budget,
        uitkomst.verschil,
    ) == (
        D("19500.00"),
        D("28129.32"),
        D("42600.00"),
        D("90229.32"),
        D("120000.00"),
        D("29770.68"),
    )
    assert uitkomst.aantal_open_reserveringen == 3
    assert uitkomst.open_reserveringen == D("36300.00")


@pytest.mark.django_db
def test_een_latere_periodewijziging_verandert_de_prognose_op_een_eerdere_dag_niet(
    werkvoorbeeld, budgethouder, budgetpost_2027
):
    """A forecast on a past day takes each reservation's period as it stood that day: a
    change of period booked later (a shortened toewijzing, the year-end roll-over) leaves it
    as it was, and a day after the change sees the new period."""
    juni = selectors.prognose(budgetpost=werkvoorbeeld, peildatum=date(2026, 6, 30))
    r1 = Reservering.objects.get(bron_id="t1")
    services.reservering_wijzigen(
        door=None,
        reservering=r1,
        bedrag=r1.bedrag,
        einddatum=date(2026, 8, 31),
        idempotentiesleutel="t1-korter",
        boekdatum=date(2026, 7, 15),
    )
    assert selectors.prognose(budgetpost=werkvoorbeeld, peildatum=date(2026, 6, 30)) == juni
    november = selectors.prognose(budgetpost=werkvoorbeeld, peildatum=date(2026, 11, 30))
    # r3 (1 May 2026 - 30 April 2027) rolls over on 1 January: its period then ends on
    # 31 December 2026.
    verslag = services.reserveringen_doorrollen(
        door=budgethouder, gemeente=werkvoorbeeld.gemeente, van_jaar=2026
    )
    assert [d.van.bron_id for d in verslag.doorgerold] == ["t3"]
    assert Reservering.objects.get(bron_id="t3", jaar=2026).einddatum == date(2026, 12, 31)
    assert selectors.prognose(budgetpost=werkvoorbeeld, peildatum=date(2026, 11, 30)) == november
    assert selectors.prognose(budgetpost=werkvoorbeeld, peildatum=date(2026, 6, 30)) == juni
    # On 20 July r1's period is 1 January - 31 August (243 days), 42 of them still to come:
    # 36,500 x 42/243 = 6,308.64; t2 over the year: 7,300 x 164/365 = 3,280.00; r3, still
    # its own period then: 12,000 x 164/365 = 5,391.78. Before the change r1 alone gave
    # min(15,500 open, 36,500 x 164/365 = 16,400) = 15,500.
    na = selectors.prognose(budgetpost=werkvoorbeeld, peildatum=date(2026, 7, 20))
    assert na.verwacht_uit_reserveringen == D("14980.42")
    assert selectors.grootboek_controleren() == []


@pytest.mark.django_db
def test_de_laatst_geboekte_periode_telt_ook_als_zij_een_eerdere_boekdatum_heeft(werkvoorbeeld):
    """Two changes of period, the second booked with an earlier boekdatum than the first: on
    a day after both the second counts, as it does on the reservation itself; on a day
    before both, the period it was made with."""
    r1 = Reservering.objects.get(bron_id="t1")
    for sleutel, einde, boekdatum in (
        ("sept", date(2026, 9, 30), date(2026, 3, 10)),
        ("okt", date(2026, 10, 31), date(2026, 3, 5)),
    ):
        services.reservering_wijzigen(
            door=None,
            reservering=r1,
            bedrag=r1.bedrag,
            einddatum=einde,
            idempotentiesleutel=sleutel,
            boekdatum=boekdatum,
        )
    r1.refresh_from_db()
    assert r1.einddatum == date(2026, 10, 31)

    def periode_op(dag: date) -> tuple[date | None, date | None]:
        r = prognose_selectors._reserveringen_op(dag, Q(pk=werkvoorbeeld.pk))[r1.pk]
        return r.begindatum, r.einddatum

    assert periode_op(date(2026, 3, 20)) == (date(2026, 1, 1), date(2026, 10, 31))
    assert periode_op(date(2026, 3, 7)) == (date(2026, 1, 1), date(2026, 10, 31))
    assert periode_op(date(2026, 3, 1)) == (date(2026, 1, 1), date(2026, 12, 31))
    assert selectors.grootboek_controleren() == []


@pytest.mark.django_db
def test_het_grootboek_kent_de_periode_van_elke_reservering(werkvoorbeeld):
    """grootboek_controleren holds a reservation's period to the one its last period
    transfer set: a period written around the services is reported."""
    assert selectors.grootboek_controleren() == []
    r2 = Reservering.objects.get(bron_id="t2")
    Reservering.objects.filter(pk=r2.pk).update(
        begindatum=date(2026, 1, 1), einddatum=date(2026, 6, 30)
    )
    r1 = Reservering.objects.get(bron_id="t1")
    Reservering.objects.filter(pk=r1.pk).update(einddatum=date(2026, 9, 30))
    assert selectors.grootboek_controleren() == [
        f"Reservering {r1.pk}: periode 2026-01-01 t/m 2026-09-30, volgens de boekingen "
        "2026-01-01 t/m 2026-12-31.",
        f"Reservering {r2.pk}: periode 2026-01-01 t/m 2026-06-30, volgens de boekingen "
        "None t/m None.",
    ]


@pytest.mark.django_db
def test_prognose_vanaf_vandaag_leest_de_reserveringen(werkvoorbeeld, monkeypatch):
    """Without a peildatum: everything booked so far, looking from today (here 31 July)."""
    monkeypatch.setattr("django.utils.timezone.localdate", lambda: date(2026, 7, 31))
    uitkomst = selectors.prognose(budgetpost=werkvoorbeeld)
    assert uitkomst.peildatum == date(2026, 7, 31)
    assert uitkomst.gerealiseerd == D("22500.00")
    # r1: min(15,500 open, 36,500 x 153/365 = 15,300); t2: 7,300 x 153/365 = 3,060;
    # r3: 12,000 x 153/365 = 5,030.1369... -> 23,390.14
    assert uitkomst.verwacht_uit_reserveringen == D("23390.14")
    # May-July: 12,000 + 2,000 + 0 = 14,000 / 3 x 5 months = 23,333.33
    assert uitkomst.trend == D("23333.33")
    assert uitkomst.totaal == D("69223.47")


@given(reserveringen=st.lists(open_reserveringen(), max_size=12), peildatum=dagen_in_2026)
def test_the_fast_sum_is_exactly_the_sum_of_the_documented_terms(reserveringen, peildatum):
    """prognose_berekenen adds the terms in integer cents per period; it must equal the sum
    of verwacht_restant, term by term, exactly."""
    traag = sum(
        (p.verwacht_restant(r, jaar=2026, peildatum=peildatum) for r in reserveringen),
        p.Fraction(0),
    )
    assert p.Reserveringssom.van(reserveringen, jaar=2026, peildatum=peildatum).verwacht == traag


@pytest.mark.postgres
@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    reserveringen=st.lists(open_reserveringen(), max_size=10),
    volgend_jaar=st.lists(open_reserveringen(), max_size=4),
    peildatum=dagen_in_2026,
)
def test_de_sql_som_van_de_open_reserveringen_is_die_van_python(
    budgetpost, budgetpost_2027, aanbieder, reserveringen, volgend_jaar, peildatum
):
    """On PostgreSQL the forecast sums the open reservations in one aggregate query; it must
    give exactly what Reserveringssom.van gives on the same reservations (the reference),
    for posts of different years in the same query (each counts its own year's days)."""
    Reservering.objects.filter(budgetpost__in=[budgetpost, budgetpost_2027]).delete()
    reserveringen_invoegen(budgetpost, aanbieder, reserveringen)
    reserveringen_invoegen(budgetpost_2027, aanbieder, volgend_jaar)
    sql = prognose_selectors._open_reserveringen_sql([budgetpost, budgetpost_2027], peildatum)
    assert sql[budgetpost.pk] == p.Reserveringssom.van(
        reserveringen, jaar=2026, peildatum=peildatum
    )
    assert sql[budgetpost_2027.pk] == p.Reserveringssom.van(
        volgend_jaar, jaar=2027, peildatum=peildatum
    )

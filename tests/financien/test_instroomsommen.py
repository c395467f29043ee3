"""The new reservations per budget post and month, kept by the triggers of migration financien
0014 (PostgreSQL): after any bookings they are the sums of the posts' ``reservering``
transfers, the forecast reads them instead of the transfers, and ``grootboek_controleren``
notices when they are not."""

from __future__ import annotations

import importlib
import itertools
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from financien import selectors
from financien.models import Instroomsom, Reservering
from financien.selectors.grootboek import _instroomsommen_controleren
from tests.financien.conftest import D, reserveer

prognose_selectors = importlib.import_module("financien.selectors.prognose")

pytestmark = [pytest.mark.postgres]

#: What a budget post of 2026 can see of the trend: Januari to December.
MAANDEN = [(2026, m) for m in range(1, 13)]

#: Hypothesis's examples share one test transaction: each makes posts and sources of its own.
_VOORBEELD = itertools.count()


def _uit_de_boekingen(posten, vanaf: date, tot_en_met: date) -> dict[tuple[int, date], Decimal]:
    """The reference: the transfers summed per post and month (the SQLite path)."""
    return {
        (post, maand): som
        for post, maand, som in prognose_selectors._INSTROOM(
            posten=[bp.pk for bp in posten], vanaf=vanaf, tot_en_met=tot_en_met
        )
        if som
    }


def _bewaard(posten, vanaf: date, tot_en_met: date) -> dict[tuple[int, date], Decimal]:
    return {
        (post, maand): som
        for post, maand, som in prognose_selectors._INSTROOM_BEWAARD(
            posten=[bp.pk for bp in posten], vanaf=vanaf, tot_en_met=tot_en_met
        )
    }


boekingen = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=1),  # which post of 2026
        st.sampled_from(MAANDEN),
        st.integers(min_value=1, max_value=28),
        st.decimals(min_value=D("0.01"), max_value=D("99999.99"), places=2),
        st.booleans(),  # a roll-over (does not count as new)
    ),
    min_size=1,
    max_size=8,
)


@pytest.mark.django_db
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(geboekt=boekingen, verplaatst=st.lists(st.integers(min_value=0), max_size=3))
def test_de_bewaarde_instroom_is_die_van_de_boekingen(
    budgethouder, amsterdam, aanbieder, geboekt, verplaatst
):
    """Reservations booked on any day of the year (back-dated too), some of them roll-overs,
    then some moved to the other post by hand: per post and month the kept sums equal the
    transfers', the forecast's trend reads them, and the ledger check finds nothing."""
    from financien import services

    voorbeeld = next(_VOORBEELD)
    posten = [
        services.budgetpost_aanmaken(
            door=budgethouder,
            gemeente=amsterdam,
            jaar=2026,
            wet="wmo",
            taakveld=taakveld,
            kostenplaats=f"K{voorbeeld}",
        )
        for taakveld in ("6.71", "6.72")
    ]
    # Roll-overs need a reservation to come from: one of 2025 on a post of its own.
    post_2025 = services.budgetpost_aanmaken(
        door=budgethouder,
        gemeente=amsterdam,
        jaar=2025,
        wet="wmo",
        taakveld="6.71",
        kostenplaats=f"K{voorbeeld}",
    )
    reserveringen = []
    for i, (post, (jaar, maand), dag, bedrag, doorgerold) in enumerate(geboekt):
        bron = f"bron-{voorbeeld}-{i}"
        uit = None
        if doorgerold:
            uit = reserveer(post_2025, aanbieder, "1.00", bron, boekdatum=date(2025, 12, 31))
        reserveringen.append(
            reserveer(
                posten[post],
                aanbieder,
                str(bedrag),
                bron,
                boekdatum=date(jaar, maand, dag),
                doorgerold_uit=uit,
            )
        )
    for k in verplaatst:
        res = reserveringen[k % len(reserveringen)]
        naar = posten[1] if res.budgetpost_id == posten[0].pk else posten[0]
        Reservering.objects.filter(pk=res.pk).update(budgetpost=naar)
        res.budgetpost_id = naar.pk

    jaar_begin, jaar_eind = date(2026, 1, 1), date(2026, 12, 31)
    verwacht = _uit_de_boekingen(posten, jaar_begin, jaar_eind)
    assert _bewaard(posten, jaar_begin, jaar_eind) == verwacht
    # Not trivially so: what was booked as new is there, per post and month.
    nieuw = sum(
        (b for _, _, _, b, doorgerold in geboekt if not doorgerold),
        Decimal(0),
    )
    assert sum(verwacht.values(), Decimal(0)) == nieuw
    assert _instroomsommen_controleren() == []

    # The trend on the last day of December averages October - December, as kept.
    peildatum = date(2026, 12, 31)
    with CaptureQueriesContext(connection) as ctx:
        instroom = prognose_selectors._instroom([bp.pk for bp in posten], peildatum)
    assert len(ctx.captured_queries) == 1
    assert "financien_instroomsom" in ctx.captured_queries[0]["sql"]
    assert "financien_boeking" not in ctx.captured_queries[0]["sql"]
    for bp in posten:
        assert {(m.jaar, m.maand): m.bedrag for m in instroom[bp.pk]} == {
            (maand.year, maand.month): som
            for (post, maand), som in verwacht.items()
            if post == bp.pk and maand >= date(2026, 10, 1)
        }


def test_het_grootboek_ziet_een_bewaarde_instroom_die_afwijkt(budgetpost, aanbieder, budgethouder):
    reserveer(budgetpost, aanbieder, "1200.00", "t-1", boekdatum=date(2026, 3, 5))
    reserveer(budgetpost, aanbieder, "300.00", "t-2", boekdatum=date(2026, 3, 31))
    assert Instroomsom.objects.get(budgetpost=budgetpost).bedrag == D("1500.00")
    assert _instroomsommen_controleren() == []

    Instroomsom.objects.filter(budgetpost=budgetpost).update(bedrag=D("1400.00"))
    assert _instroomsommen_controleren() == [
        f"Budgetpost {budgetpost.pk}: de nieuwe reserveringen van 03-2026 zijn bewaard als "
        "1400.00, volgens de boekingen 1500.00."
    ]
    Instroomsom.objects.filter(budgetpost=budgetpost).delete()
    assert _instroomsommen_controleren() == [
        f"Budgetpost {budgetpost.pk}: de nieuwe reserveringen van 03-2026 zijn bewaard als "
        "0.00, volgens de boekingen 1500.00."
    ]


def test_de_prognose_leest_de_bewaarde_instroom(budgetpost, aanbieder, budgethouder):
    """The forecast of 31 March 2026 averages January - March as the transfers have them."""
    reserveer(budgetpost, aanbieder, "900.00", "a", boekdatum=date(2026, 1, 10))
    reserveer(budgetpost, aanbieder, "600.00", "b", boekdatum=date(2026, 3, 2))
    reserveer(budgetpost, aanbieder, "50.00", "c", boekdatum=date(2026, 4, 1))  # after
    prognose = selectors.prognose(budgetpost=budgetpost, peildatum=date(2026, 3, 31))
    assert [(m.label, m.bedrag) for m in prognose.instroom] == [
        ("2026-01", D("900.00")),
        ("2026-02", D("0.00")),
        ("2026-03", D("600.00")),
    ]
    assert prognose.gemiddelde_instroom == D("500.00")

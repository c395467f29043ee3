"""The forecast's sums a budget post keeps (PostgreSQL: financien.models.prognose and the
triggers of migration financien 0013): after any change of reservations they are the count of
the open reservations (Reserveringssom.van, the reference), the forecast reads them instead of
counting, and a count never misses a booking running at the same time."""

from __future__ import annotations

import importlib
import threading
import time
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from financien import prognose as p
from financien import selectors, services
from financien.models import Prognosesom, Prognosestand, Rekening, Reservering
from financien.selectors.grootboek import _prognosesommen_controleren
from tests.financien.conftest import D, reserveer
from tests.financien.test_prognose import (
    dagen_in_2026,
    open_reserveringen,
    reserveringen_invoegen,
)

prognose_selectors = importlib.import_module("financien.selectors.prognose")

pytestmark = [pytest.mark.postgres]

DAG = date(2026, 6, 30)


def _referentie(budgetpost, dag: date) -> p.Reserveringssom:
    """The count of the post's open reservations as they are now, in Python."""
    return p.Reserveringssom.van(
        [
            p.OpenReservering(r.bedrag, r.open_bedrag, r.begindatum, r.einddatum)
            for r in Reservering.objects.filter(budgetpost=budgetpost, status="open")
        ],
        jaar=budgetpost.jaar,
        peildatum=dag,
    )


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data(), eerst=st.lists(open_reserveringen(), max_size=6), dag=dagen_in_2026)
def test_de_bewaarde_sommen_volgen_elke_wijziging_van_de_reserveringen(
    budgetpost, budgetpost_2027, aanbieder, data, eerst, dag
):
    """Reservations inserted, changed (amounts and period, many in one statement), moved to
    another post and deleted, in any order after the count: each post's kept sums stay
    exactly the count of its open reservations, and the forecast reads them in one query."""
    posten = [budgetpost, budgetpost_2027]
    Prognosesom.objects.all().delete()
    Prognosestand.objects.all().delete()
    Reservering.objects.filter(budgetpost__in=posten).delete()
    reserveringen_invoegen(budgetpost, aanbieder, eerst)
    assert services.prognosesommen_vastleggen(posten, dag) == sorted(bp.pk for bp in posten)
    for _ in range(data.draw(st.integers(min_value=1, max_value=6), label="stappen")):
        bestaand = list(Reservering.objects.filter(budgetpost__in=posten).order_by("pk"))
        soort = data.draw(st.sampled_from(["invoegen", "wijzigen", "verplaatsen", "verwijderen"]))
        if soort == "invoegen" or not bestaand:
            reserveringen_invoegen(
                data.draw(st.sampled_from(posten)),
                aanbieder,
                data.draw(st.lists(open_reserveringen(), min_size=1, max_size=4)),
            )
            continue
        gekozen = data.draw(
            st.lists(st.sampled_from(bestaand), min_size=1, max_size=3, unique_by=lambda r: r.pk)
        )
        if soort == "wijzigen":
            for res in gekozen:
                nieuw = data.draw(open_reserveringen())
                res.bedrag, res.open_bedrag = nieuw.bedrag, nieuw.open_bedrag
                res.gerealiseerd_bedrag = nieuw.bedrag - nieuw.open_bedrag
                res.begindatum, res.einddatum = nieuw.begindatum, nieuw.einddatum
            Reservering.objects.bulk_update(
                gekozen,
                ["bedrag", "gerealiseerd_bedrag", "open_bedrag", "begindatum", "einddatum"],
            )
        elif soort == "verplaatsen":
            naar = data.draw(st.sampled_from(posten))
            Reservering.objects.filter(pk__in=[r.pk for r in gekozen]).update(
                budgetpost=naar, jaar=naar.jaar
            )
        else:
            Reservering.objects.filter(pk__in=[r.pk for r in gekozen]).delete()
    assert _prognosesommen_controleren() == []
    with CaptureQueriesContext(connection) as ctx:
        gelezen = prognose_selectors._open_reserveringen_sql(posten, dag)
    assert len(ctx) == 1
    for bp in posten:
        assert gelezen[bp.pk] == _referentie(bp, dag)


@pytest.mark.django_db
def test_de_diensten_houden_de_sommen_bij(budgetpost, aanbieder):
    """Every service that writes reservations (reserve, change amount and period, realise,
    credit, release, book a declaration) leaves the kept sums equal to the count; the full
    ledger check agrees after each."""
    r1 = reserveer(budgetpost, aanbieder, "3650.00", "t1")
    assert services.prognosesommen_vastleggen([budgetpost], DAG) == [budgetpost.pk]

    def klopt() -> None:
        assert selectors.grootboek_controleren() == []
        assert prognose_selectors._open_reserveringen_sql([budgetpost], DAG)[
            budgetpost.pk
        ] == _referentie(budgetpost, DAG)

    klopt()
    r2 = reserveer(
        budgetpost,
        aanbieder,
        "7300.00",
        "t2",
        begindatum=date(2026, 3, 1),
        einddatum=date(2027, 2, 28),
    )
    klopt()
    services.reservering_wijzigen(
        door=None,
        reservering=r1,
        bedrag=D("5000.00"),
        idempotentiesleutel="w1",
        begindatum=date(2026, 1, 1),
        einddatum=date(2026, 9, 30),
    )
    klopt()
    realisatie = services.realisatie_boeken(
        door=None, reservering=r2, bedrag=D("1200.00"), bron_id="p1", idempotentiesleutel="p1"
    )
    klopt()
    services.realisatie_crediteren(
        door=None,
        realisatie=realisatie,
        bron_id="c1",
        idempotentiesleutel="c1",
        bedrag=D("200.00"),
    )
    klopt()
    services.declaratie_boeken(
        door=None,
        gemeente_id=budgetpost.gemeente_id,
        bron_id="d1",
        delen=[
            services.Realisatiedeel(
                toewijzing="t1", jaar=2026, zorgaanbieder_id=aanbieder.pk, bedrag=D("800.00")
            ),
            services.Realisatiedeel(
                toewijzing="t3",
                jaar=2026,
                zorgaanbieder_id=aanbieder.pk,
                bedrag=D("50.00"),
                budgetpost=budgetpost,
            ),
        ],
        idempotentiesleutel="d1",
    )
    klopt()
    services.reservering_vrijgeven(door=None, reservering=r1, idempotentiesleutel="v1")
    klopt()
    som = prognose_selectors._open_reserveringen_sql([budgetpost], DAG)[budgetpost.pk]
    # Left open: r2 (7,300, 1,000 realised) and t3, made by the declaration and fully used.
    assert (som.aantal, som.open_bedrag) == (1, D("6300.00"))


@pytest.mark.django_db
def test_een_andere_dag_telt_opnieuw_en_een_vervalste_som_wordt_gevonden(budgetpost, aanbieder):
    reserveer(budgetpost, aanbieder, "3650.00", "t1")
    services.prognosesommen_vastleggen([budgetpost], DAG)
    # Kept for 30 June: read as kept (a falsified sum shows), while another day counts.
    Prognosesom.objects.filter(budgetpost=budgetpost).update(teller=D("1.00"))
    assert prognose_selectors._open_reserveringen_sql([budgetpost], DAG)[budgetpost.pk].tellers == {
        365: 100
    }
    juli = date(2026, 7, 31)
    assert prognose_selectors._open_reserveringen_sql([budgetpost], juli)[
        budgetpost.pk
    ] == _referentie(budgetpost, juli)
    assert _prognosesommen_controleren() == [
        f"Budgetpost {budgetpost.pk}: de prognosesommen op 2026-06-30 (1 reserveringen, open "
        "3650.00) wijken af van de reserveringen (1, open 3650.00)."
    ]
    # Counting for the new day replaces them; the same day again counts nothing.
    assert services.prognosesommen_vastleggen([budgetpost], juli) == [budgetpost.pk]
    assert services.prognosesommen_vastleggen([budgetpost], juli) == []
    assert Prognosestand.objects.get(budgetpost=budgetpost).dag == juli
    assert _prognosesommen_controleren() == []


def _wacht_tot_een_ander_op_een_slot_wacht() -> None:
    """Until another connection waits for a row lock (pg_stat_activity), at most 10 s."""
    for _ in range(200):
        with connection.cursor() as cursor:
            # The view is read once per transaction unless its snapshot is cleared.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0]:
                return
        time.sleep(0.05)
    raise AssertionError("niemand wacht op een slot")


@pytest.mark.django_db(transaction=True)
def test_een_boeking_tijdens_de_telling_wacht_en_telt_daarna_mee(
    budgetpost, aanbieder, monkeypatch
):
    """The count holds the post's gereserveerd account until it commits: a reservation
    booked meanwhile waits for it and then adds itself to the new sums. (Without the lock
    the booking would land between the count and the stand, and be missing from both.) The
    alert evaluation after each booking, which would count again, is switched off."""
    monkeypatch.setattr(
        "financien.services.reserveringen.signaleren_na_commit", lambda **kwargs: None
    )
    reserveer(budgetpost, aanbieder, "1000.00", "t1")
    fout: list[BaseException] = []

    def boek() -> None:
        try:
            reserveer(budgetpost, aanbieder, "2000.00", "t2")
        except BaseException as exc:  # reported below
            fout.append(exc)
        finally:
            connection.close()

    draad = threading.Thread(target=boek)
    with transaction.atomic():
        assert services.prognosesommen_vastleggen([budgetpost], DAG) == [budgetpost.pk]
        draad.start()
        _wacht_tot_een_ander_op_een_slot_wacht()
    draad.join(timeout=30)
    assert not fout
    assert Reservering.objects.filter(budgetpost=budgetpost).count() == 2
    assert _prognosesommen_controleren() == []
    som = prognose_selectors._open_reserveringen_sql([budgetpost], DAG)[budgetpost.pk]
    assert (som.aantal, som.open_bedrag) == (2, D("3000.00"))


@pytest.mark.django_db(transaction=True)
def test_een_post_met_een_lopende_boeking_wordt_later_geteld(budgetpost, aanbieder, monkeypatch):
    """While a booking holds the post's account, the count skips the post instead of waiting
    (the forecast then counts the reservations itself); after it, the post is counted."""
    monkeypatch.setattr(
        "financien.services.reserveringen.signaleren_na_commit", lambda **kwargs: None
    )
    reserveer(budgetpost, aanbieder, "1000.00", "t1")
    vast, los = threading.Event(), threading.Event()

    def houd_vast() -> None:
        try:
            with transaction.atomic():
                list(Rekening.objects.select_for_update().filter(budgetpost=budgetpost))
                vast.set()
                los.wait(timeout=30)
        finally:
            connection.close()

    draad = threading.Thread(target=houd_vast)
    draad.start()
    assert vast.wait(timeout=30)
    try:
        assert services.prognosesommen_vastleggen([budgetpost], DAG) == []
        assert not Prognosestand.objects.exists()
        som = prognose_selectors._open_reserveringen_sql([budgetpost], DAG)[budgetpost.pk]
        assert som == _referentie(budgetpost, DAG)
        assert som.open_bedrag == Decimal("1000.00")
    finally:
        los.set()
        draad.join(timeout=30)
    assert services.prognosesommen_vastleggen([budgetpost], DAG) == [budgetpost.pk]

"""What only PostgreSQL gives: row locks under real concurrency and the ledger's triggers.

The concurrency tests start many threads at one barrier, each with its own connection and
transaction. They fail when the locks of ``financien.lock_objects`` are taken away (checked
by hand: with plain reads instead of ``select_for_update`` the reservation is overrun, the
budget goes negative, a payment is paid twice and balances lose updates)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction

from financien import selectors, services
from financien.constants import RekeningSoort
from financien.models import Boeking, Boekingsregel, Rekening, Reservering
from kern.exceptions import DomeinFout
from tests.financien.conftest import D, stand

pytestmark = [pytest.mark.postgres]

DRADEN = 8


def tegelijk(taken: list[Callable[[], Any]]) -> list[Any]:
    """Run each task in its own thread and connection, all released at once; returns per
    task its result, the code of a refusal, or the name of an unexpected exception."""
    barrier = threading.Barrier(len(taken))
    uitkomsten: list[Any] = [None] * len(taken)

    def draad(index: int, taak: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=20)
            uitkomsten[index] = taak()
        except DomeinFout as fout:
            uitkomsten[index] = fout.code
        except Exception as exc:  # reported: the test then fails on the name
            uitkomsten[index] = type(exc).__name__
        finally:
            connection.close()

    threads = [threading.Thread(target=draad, args=(i, t)) for i, t in enumerate(taken)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return uitkomsten


@pytest.fixture
def reservering(budgethouder, budgetpost, aanbieder) -> Reservering:
    services.budget_toekennen(
        door=budgethouder,
        budgetpost=budgetpost,
        bedrag=D("100000.00"),
        reden="Begroting",
        idempotentiesleutel="begroting",
    )
    boeking = services.reservering_boeken(
        door=None,
        budgetpost=budgetpost,
        zorgaanbieder=aanbieder,
        bedrag=D("1000.00"),
        bron_id="toewijzing",
        idempotentiesleutel="reservering",
    )
    return Reservering.objects.get(pk=boeking.reservering_id)


@pytest.mark.django_db(transaction=True)
def test_realisaties_tegelijk_overschrijden_de_reservering_nooit(reservering, budgetpost):
    def realiseer(i: int) -> Callable[[], str]:
        return lambda: (
            services.realisatie_boeken(
                door=None,
                reservering=reservering,
                bedrag=D("300.00"),
                bron_id=f"p{i}",
                idempotentiesleutel=f"p{i}",
            ).soort
        )

    uitkomsten = tegelijk([realiseer(i) for i in range(DRADEN)])
    assert sorted(uitkomsten) == ["boven_reservering"] * 5 + ["realisatie"] * 3
    reservering.refresh_from_db()
    assert (reservering.gerealiseerd_bedrag, reservering.open_bedrag) == (D("900.00"), D("100.00"))
    assert stand(budgetpost)["gerealiseerd"] == D("900.00")
    assert stand(budgetpost)["gereserveerd"] == D("100.00")
    assert selectors.grootboek_controleren() == []


@pytest.mark.django_db(transaction=True)
def test_boekingen_op_een_budgetpost_tegelijk_verliezen_niets(budgetpost, aanbieder, budgethouder):
    services.budget_toekennen(
        door=budgethouder,
        budgetpost=budgetpost,
        bedrag=D("5000.00"),
        reden="Begroting",
        idempotentiesleutel="begroting",
    )

    def reserveer(i: int) -> Callable[[], str]:
        return lambda: (
            services.reservering_boeken(
                door=None,
                budgetpost=budgetpost,
                zorgaanbieder=aanbieder,
                bedrag=D("100.01"),
                bron_id=f"t{i}",
                idempotentiesleutel=f"t{i}",
            ).soort
        )

    def toekennen(i: int) -> Callable[[], str]:
        return lambda: (
            services.budget_toekennen(
                door=budgethouder,
                budgetpost=budgetpost,
                bedrag=D("10.00"),
                reden="Erbij",
                idempotentiesleutel=f"b{i}",
            ).soort
        )

    uitkomsten = tegelijk([reserveer(i) for i in range(DRADEN)] + [toekennen(i) for i in range(4)])
    assert sorted(uitkomsten) == ["budget_toekenning"] * 4 + ["reservering"] * DRADEN
    assert stand(budgetpost) == {
        "budget": D("5040.00"),
        "gereserveerd": D("800.08"),
        "gerealiseerd": D("0.00"),
        "betaald": D("0.00"),
        "beschikbaar": D("4239.92"),
    }
    assert selectors.grootboek_controleren() == []


@pytest.mark.django_db(transaction=True)
def test_budget_verlagen_tegelijk_nooit_onder_nul(budgetpost, budgethouder):
    services.budget_toekennen(
        door=budgethouder,
        budgetpost=budgetpost,
        bedrag=D("1000.00"),
        reden="Begroting",
        idempotentiesleutel="begroting",
    )

    def verlaag(i: int) -> Callable[[], str]:
        return lambda: (
            services.budget_verlagen(
                door=budgethouder,
                budgetpost=budgetpost,
                bedrag=D("300.00"),
                reden="Minder",
                idempotentiesleutel=f"v{i}",
            ).soort
        )

    uitkomsten = tegelijk([verlaag(i) for i in range(DRADEN)])
    assert sorted(uitkomsten) == ["budget_negatief"] * 5 + ["budget_verlaging"] * 3
    assert stand(budgetpost)["budget"] == D("100.00")
    assert selectors.grootboek_controleren() == []


@pytest.mark.django_db(transaction=True)
def test_betalingen_tegelijk_betalen_nooit_te_veel(reservering, budgetpost, aanbieder):
    services.realisatie_boeken(
        door=None,
        reservering=reservering,
        bedrag=D("1000.00"),
        bron_id="p",
        idempotentiesleutel="p",
    )

    def betaal(i: int) -> Callable[[], str]:
        return lambda: (
            services.betaling_boeken(
                door=None,
                zorgaanbieder=aanbieder,
                delen=[(budgetpost, D("400.00"))],
                bron_id=f"batch{i}",
                idempotentiesleutel=f"batch{i}",
            ).soort
        )

    uitkomsten = tegelijk([betaal(i) for i in range(DRADEN)])
    assert sorted(uitkomsten) == ["betaling"] * 2 + ["boven_te_betalen"] * 6
    assert stand(budgetpost)["betaald"] == D("800.00")
    assert selectors.grootboek_controleren() == []


@pytest.mark.django_db(transaction=True)
def test_zelfde_sleutel_tegelijk_boekt_een_keer(reservering):
    uitkomsten = tegelijk(
        [
            lambda: (
                services.realisatie_boeken(
                    door=None,
                    reservering=reservering,
                    bedrag=D("10.00"),
                    bron_id="p",
                    idempotentiesleutel="dezelfde",
                ).pk
            )
            for _ in range(DRADEN)
        ]
    )
    assert len(set(uitkomsten)) == 1
    assert isinstance(uitkomsten[0], int)
    assert Boeking.objects.filter(idempotentiesleutel="dezelfde").count() == 1
    reservering.refresh_from_db()
    assert reservering.gerealiseerd_bedrag == D("10.00")


@pytest.mark.django_db(transaction=True)
def test_vrijgeven_tegelijk_handelt_een_keer_af(reservering, budgetpost):
    uitkomsten = tegelijk(
        [
            (
                lambda i=i: (
                    services.reservering_vrijgeven(
                        door=None, reservering=reservering, idempotentiesleutel=f"einde{i}"
                    ).pk
                )
            )
            for i in range(DRADEN)
        ]
    )
    assert len(set(uitkomsten)) == 1
    assert Boeking.objects.filter(reservering=reservering, soort="vrijgave").count() == 1
    assert stand(budgetpost)["gereserveerd"] == D("0.00")
    assert stand(budgetpost)["beschikbaar"] == D("100000.00")


@pytest.mark.django_db(transaction=True)
def test_jaar_afsluiten_wacht_op_lopende_reserveringen(
    budgetpost, aanbieder, budgethouder, amsterdam
):
    """Closing and reserving at once: whatever the order, nothing is booked on the year after
    it was closed (a reservation either committed before the closing or was refused)."""
    taken: list[Callable[[], Any]] = [
        (
            lambda i=i: (
                services.reservering_boeken(
                    door=None,
                    budgetpost=budgetpost,
                    zorgaanbieder=aanbieder,
                    bedrag=D("1.00"),
                    bron_id=f"t{i}",
                    idempotentiesleutel=f"t{i}",
                ).tijdstip
            )
        )
        for i in range(DRADEN - 1)
    ]
    taken.append(
        lambda: (
            services.jaar_afsluiten(door=budgethouder, gemeente=amsterdam, jaar=2026).afgesloten_op
        )
    )
    uitkomsten = tegelijk(taken)
    afgesloten_op = uitkomsten[-1]
    assert not isinstance(afgesloten_op, str), afgesloten_op
    for uitkomst in uitkomsten[:-1]:
        assert uitkomst == "jaar_afgesloten" or uitkomst < afgesloten_op


# --- Triggers -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_boeking_uit_balans_wordt_bij_commit_geweigerd(reservering):
    boeking = Boeking.objects.get(reservering=reservering)
    rekening = Rekening.objects.get(
        budgetpost=reservering.budgetpost, soort=RekeningSoort.BESCHIKBAAR
    )
    with pytest.raises(IntegrityError, match="niet in balans"), transaction.atomic():
        Boekingsregel.objects.create(boeking=boeking, rekening=rekening, bedrag=D("0.01"))
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


@pytest.mark.django_db
@pytest.mark.parametrize("model", [Boeking, Boekingsregel])
def test_boekingen_worden_nooit_gewijzigd_of_verwijderd(reservering, model):
    rij = model.objects.filter(
        **(
            {"reservering": reservering}
            if model is Boeking
            else {"boeking__reservering": reservering}
        )
    ).first()
    wijziging = {"omschrijving": "x"} if model is Boeking else {"bedrag": D("5.00")}
    with pytest.raises(IntegrityError, match="nooit gewijzigd"), transaction.atomic():
        model.objects.filter(pk=rij.pk).update(**wijziging)
    # Around the ORM, which PROTECT would stop first.
    with (
        pytest.raises(IntegrityError, match="nooit gewijzigd"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"DELETE FROM {model._meta.db_table} WHERE id = %s", [rij.pk])


@pytest.mark.django_db
def test_open_bedrag_is_rest_in_de_database(reservering):
    with pytest.raises(IntegrityError, match="reservering_open_is_rest"), transaction.atomic():
        Reservering.objects.filter(pk=reservering.pk).update(open_bedrag=D("999.00"))


@pytest.mark.django_db
def test_een_boeking_schrijft_de_saldi_in_een_statement(reservering, budgetpost):
    """A transfer over several accounts updates their balances in one statement, each by
    exactly its legs."""
    from django.test.utils import CaptureQueriesContext

    voor = {r.pk: r.saldo for r in Rekening.objects.all()}
    with CaptureQueriesContext(connection) as queries:
        boeking = services.realisatie_boeken(
            door=None,
            reservering=reservering,
            bedrag=D("250.10"),
            bron_id="p-saldi",
            idempotentiesleutel="p-saldi",
        )
    tabel = Rekening._meta.db_table
    updates = [
        q["sql"]
        for q in queries
        if q["sql"].startswith(("UPDATE " + tabel + " ", f'UPDATE "{tabel}" '))
    ]
    assert len(updates) == 1
    regels = Boekingsregel.objects.filter(boeking=boeking)
    assert regels.count() >= 2
    verschil = {r.pk: r.saldo - voor[r.pk] for r in Rekening.objects.all()}
    verwacht = dict.fromkeys(voor, D("0.00"))
    for regel in regels:
        verwacht[regel.rekening_id] += regel.bedrag
    assert verschil == verwacht
    assert stand(budgetpost)["gerealiseerd"] == D("250.10")
    assert selectors.grootboek_controleren() == []

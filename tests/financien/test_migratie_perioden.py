"""Migration 0010 gives the reservations made before it their period history: one row with
the current period, on the first transfer that names the reservation."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from financien import selectors, services
from financien.models import Reservering, Reserveringsperiode
from tests.financien.conftest import D

VOOR = [("financien", "0009_signalering_mail_constraints")]
NA = [("financien", "0010_reserveringsperiode")]


def _migreren(doel: list[tuple[str, str]] | None = None) -> None:
    """Migrate to ``doel``; None: to the latest migrations (where the other tests expect the
    database)."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(doel if doel is not None else executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_bestaande_reserveringen_krijgen_hun_huidige_periode(budgethouder, budgetpost, aanbieder):
    services.budget_toekennen(
        door=budgethouder,
        budgetpost=budgetpost,
        bedrag=D("1000.00"),
        reden="Begroting",
        idempotentiesleutel="b",
    )

    def reserveer(sleutel: str, **periode: date) -> Reservering:
        boeking = services.reservering_boeken(
            door=None,
            budgetpost=budgetpost,
            zorgaanbieder=aanbieder,
            bedrag=D("100.00"),
            bron_id=sleutel,
            idempotentiesleutel=sleutel,
            boekdatum=date(2026, 2, 1),
            **periode,
        )
        return Reservering.objects.get(pk=boeking.reservering_id)

    met = reserveer("met", begindatum=date(2026, 1, 1), einddatum=date(2026, 6, 30))
    zonder = reserveer("zonder")
    later = reserveer("later")
    services.reservering_wijzigen(
        door=None,
        reservering=later,
        bedrag=D("100.00"),
        begindatum=date(2026, 4, 1),
        einddatum=date(2026, 9, 30),
        idempotentiesleutel="later-periode",
        boekdatum=date(2026, 3, 15),
    )
    eerste = {r.pk: r.boekingen.order_by("pk").first().pk for r in (met, zonder, later)}

    try:
        _migreren(VOOR)
        _migreren(NA)
        rijen = {
            r.reservering_id: (r.boeking_id, r.begindatum, r.einddatum)
            for r in Reserveringsperiode.objects.all()
        }
    finally:
        _migreren()
    # Without a period: no row. With one: the current period, on the first transfer that
    # names the reservation (for "later" the history before the migration is not known).
    assert rijen == {
        met.pk: (eerste[met.pk], date(2026, 1, 1), date(2026, 6, 30)),
        later.pk: (eerste[later.pk], date(2026, 4, 1), date(2026, 9, 30)),
    }
    assert selectors.grootboek_controleren() == []

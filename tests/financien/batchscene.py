"""Helpers for the payment batch tests (the fixtures ``beoordelaar`` and ``betaalrekening``
are in conftest.py): reserve, realise and credit in one line, and read a provider's accounts
and the whole ledger as plain numbers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from contracten.models import Zorgaanbieder
from financien import services
from financien.constants import RekeningSoort
from financien.models import Boeking, Budgetpost, Rekening, Reservering
from tests.financien.conftest import D
from tests.financien.conftest import reserveer as conftest_reserveer

GEMEENTE_IBAN = "NL14BNGH0285001234"
GEMEENTE_BIC = "BNGHNL2G"
UITVOERING = date(2026, 8, 3)


def reserveer(
    budgetpost: Budgetpost, aanbieder: Zorgaanbieder, bedrag: str, bron: str
) -> Reservering:
    """A reservation booked on 15 January of the post's year."""
    return conftest_reserveer(
        budgetpost, aanbieder, bedrag, bron, boekdatum=date(budgetpost.jaar, 1, 15)
    )


def realiseer(reservering: Reservering, bedrag: str, bron: str, dag: date) -> Boeking:
    return services.realisatie_boeken(
        door=None,
        reservering=reservering,
        bedrag=D(bedrag),
        bron_id=bron,
        idempotentiesleutel=bron,
        boekdatum=dag,
    )


def crediteer(realisatie: Boeking, bedrag: str | None, bron: str, dag: date) -> Boeking:
    return services.realisatie_crediteren(
        door=None,
        realisatie=realisatie,
        bedrag=D(bedrag) if bedrag is not None else None,
        bron_id=bron,
        idempotentiesleutel=bron,
        boekdatum=dag,
    )


def saldo(budgetpost: Budgetpost, aanbieder: Zorgaanbieder, soort: str) -> Decimal:
    return Rekening.objects.get(budgetpost=budgetpost, soort=soort, zorgaanbieder=aanbieder).saldo


def aanbieder_saldi(budgetpost: Budgetpost, aanbieder: Zorgaanbieder) -> tuple[Decimal, Decimal]:
    """(te betalen, betaald) of a provider on a budget post."""
    return (
        saldo(budgetpost, aanbieder, RekeningSoort.TE_BETALEN),
        saldo(budgetpost, aanbieder, RekeningSoort.BETAALD),
    )


def grootboekstand() -> list[tuple[int, Decimal]]:
    """Every account's balance, to assert that a refused action changed nothing."""
    return list(Rekening.objects.order_by("pk").values_list("pk", "saldo"))

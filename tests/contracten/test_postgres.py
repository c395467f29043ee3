"""Database-level guarantees that only PostgreSQL gives: the exclusion constraint and row locks."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from contracten import services
from contracten.models import Tariefperiode
from kern.exceptions import DomeinFout
from tests.factories import ContractFactory, ProductFactory, TariefperiodeFactory

pytestmark = [pytest.mark.postgres]


@pytest.mark.django_db
def test_exclusion_constraint_refuses_overlap_written_around_the_service() -> None:
    bestaand = TariefperiodeFactory(ingangsdatum=date(2025, 1, 1), einddatum=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        TariefperiodeFactory(
            contract=bestaand.contract,
            product=bestaand.product,
            ingangsdatum=date(2030, 1, 1),
            einddatum=date(2030, 1, 31),
        )
    # A replaced period is outside the constraint: a correction over the same dates is allowed.
    Tariefperiode.objects.filter(pk=bestaand.pk).update(is_vervangen=True)
    TariefperiodeFactory(
        contract=bestaand.contract, product=bestaand.product, ingangsdatum=date(2025, 1, 1)
    )


@pytest.mark.django_db(transaction=True)
def test_concurrent_overlapping_additions_one_wins_with_a_clear_error() -> None:
    contract = ContractFactory(ingangsdatum=date(2025, 1, 1), einddatum=None)
    product = ProductFactory()
    barrier = threading.Barrier(2)
    uitkomsten: list[str] = []

    def voeg_toe(bedrag: str) -> None:
        try:
            barrier.wait(timeout=10)
            services.tariefperiode_toevoegen(
                door=None,
                contract=contract,
                product=product,
                bedrag=Decimal(bedrag),
                ingangsdatum=date(2025, 1, 1),
                einddatum=date(2025, 12, 31),
            )
            uitkomsten.append("ok")
        except DomeinFout as fout:
            uitkomsten.append(fout.code)
        except Exception as exc:
            uitkomsten.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=voeg_toe, args=(b,)) for b in ("60.00", "61.00")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(uitkomsten) == ["ok", "tariefperiode_overlapt"]
    assert Tariefperiode.objects.filter(contract=contract, product=product).count() == 1

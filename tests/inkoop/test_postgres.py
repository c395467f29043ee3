"""Row locks under real concurrency (PostgreSQL): two admissions of one provider in one
traject make one contract; two identical submissions make one inschrijving."""

from __future__ import annotations

import threading
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection

from contracten.models import Contract, Product
from inkoop import services
from inkoop.constants import Besluit
from inkoop.models import Inschrijving
from kern.exceptions import DomeinFout
from tests.inkoop.conftest import perceel

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _tegelijk(*acties: Callable[[], object]) -> list[str]:
    barrier = threading.Barrier(len(acties))
    uitkomsten: list[str] = []

    def draai(actie: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=10)
            actie()
            uitkomsten.append("ok")
        except DomeinFout as fout:
            uitkomsten.append(fout.code)
        except Exception as exc:
            uitkomsten.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=draai, args=(a,)) for a in acties]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return sorted(uitkomsten)


def test_twee_toelatingen_tegelijk_geven_een_contract(open_house, inkoper, aanbieder):
    plafond = {Product.objects.get(productcode="02A02"): Decimal("68.50")}
    eerste = services.inschrijving_indienen(
        door=None,
        perceel=perceel(open_house, "Begeleiding"),
        zorgaanbieder=aanbieder,
        tarieven=plafond,
    )
    tweede = services.inschrijving_indienen(
        door=None, perceel=perceel(open_house, "Dagbesteding"), zorgaanbieder=aanbieder
    )
    uitkomsten = _tegelijk(
        *(
            (
                lambda i=i: services.inschrijving_beoordelen(
                    door=inkoper, inschrijving=i, besluit=Besluit.TOELATEN
                )
            )
            for i in (eerste, tweede)
        )
    )
    assert uitkomsten == ["ok", "ok"]
    contract = Contract.objects.get(zorgaanbieder=aanbieder)
    assert sorted(contract.tariefperioden.values_list("product__productcode", flat=True)) == [
        "02A01",
        "02A02",
        "07A01",
    ]


def test_dubbele_inschrijving_tegelijk_geeft_een_rij(open_house, aanbieder):
    p = perceel(open_house, "Dagbesteding")
    uitkomsten = _tegelijk(
        *(
            (lambda: services.inschrijving_indienen(door=None, perceel=p, zorgaanbieder=aanbieder))
            for _ in range(2)
        )
    )
    assert uitkomsten == ["inschrijving_bestaat", "ok"]
    assert Inschrijving.objects.filter(zorgaanbieder=aanbieder).count() == 1

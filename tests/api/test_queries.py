"""List endpoints read a page in a fixed number of queries, however many rows it shows."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    ContractFactory,
    ProductFactory,
    TariefperiodeFactory,
    ZorgaanbiederFactory,
)

pytestmark = pytest.mark.django_db


def _scene(aantal_contracten: int, amsterdam, rotterdam) -> None:
    producten = [ProductFactory(), ProductFactory()]
    for _ in range(aantal_contracten):
        contract = ContractFactory(
            zorgaanbieder=ZorgaanbiederFactory(), gemeenten=[amsterdam, rotterdam]
        )
        for product in producten:
            TariefperiodeFactory(contract=contract, product=product, ingangsdatum=date(2025, 1, 1))


def _aantal_queries(client, pad: str, verwacht: int) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(pad, {"page_size": 100})
    assert response.status_code == 200
    assert len(response.json()["results"]) == verwacht
    return len(queries)


@pytest.mark.parametrize(
    ("pad", "per_contract", "maximum"),
    [
        ("/api/v1/contracten/", 1, 6),
        ("/api/v1/tariefperioden/", 2, 5),
        ("/api/v1/zorgaanbieders/", 1, 5),
    ],
)
def test_lijst_zonder_n_plus_1(
    client_voor,
    regisseur,
    amsterdam,
    rotterdam,
    pad,
    per_contract,
    maximum,
    django_assert_max_num_queries,
):
    client = client_voor(regisseur)
    _scene(3, amsterdam, rotterdam)
    weinig = _aantal_queries(client, pad, 3 * per_contract)
    _scene(27, amsterdam, rotterdam)  # 30 contracts, 60 tariff periods
    with django_assert_max_num_queries(maximum):
        veel = _aantal_queries(client, pad, 30 * per_contract)
    assert veel == weinig

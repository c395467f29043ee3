"""Toewijzingen under real concurrency (PostgreSQL): two regisseurs issuing at the same moment
get distinct numbers, and the stacking rule (OP259) holds when both issue the same product
for the same client (the client's row lock serialises them)."""

from __future__ import annotations

from datetime import date

import pytest

from financien.models import Reservering
from inkoop import services
from inkoop.models import Toewijzing
from tests.inkoop.test_postgres import _tegelijk
from tests.inkoop.toewijzingscene import BSN_2, Scene, bouw_scene, vandaag_vastzetten

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def s(regisseur, monkeypatch) -> Scene:
    vandaag_vastzetten(monkeypatch)
    return bouw_scene(regisseur)


def verstrekken(s: Scene, client, product) -> object:
    return services.toewijzing_verstrekken(
        door=s.regisseur,
        client=client,
        zorgaanbieder=s.aanbieder,
        wet="wmo",
        ingangsdatum=date(2026, 3, 1),
        einddatum=date(2026, 12, 31),
        product=product,
        volume=2,
        frequentie="2",
    )


def test_gelijktijdig_verstrekken_geeft_verschillende_nummers(s):
    andere = s.client_maken(bsn=BSN_2)
    uitkomsten = _tegelijk(
        lambda: verstrekken(s, s.client, s.begeleiding),
        lambda: verstrekken(s, andere, s.begeleiding),
    )
    assert uitkomsten == ["ok", "ok"]
    assert sorted(Toewijzing.objects.values_list("nummer", flat=True)) == [1, 2]
    assert Reservering.objects.count() == 2


def test_gelijktijdig_hetzelfde_product_voor_dezelfde_client_is_stapeling(s):
    uitkomsten = _tegelijk(
        lambda: verstrekken(s, s.client, s.begeleiding),
        lambda: verstrekken(s, s.client, s.begeleiding),
    )
    assert uitkomsten == ["ok", "op259"]
    assert Toewijzing.objects.count() == 1
    assert Reservering.objects.count() == 1

"""Real concurrency on PostgreSQL: two arrivals with the same identity at the same moment."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from iwmo_jw.constants import BerichtStatus
from iwmo_jw.models import InkomendBericht
from iwmo_jw.services import bericht_ontvangen
from kern.services import gemeenten_aansluiten
from tests.factories import gemeente
from tests.iwmo_jw_box.conftest import voorbeeld

pytestmark = [pytest.mark.postgres]


def _gelijktijdig(*datas: bytes) -> list[str]:
    barrier = threading.Barrier(len(datas))
    uitkomsten: list[str] = []

    def ontvang(data: bytes) -> None:
        try:
            barrier.wait(timeout=10)
            uitkomsten.append(bericht_ontvangen(data=data).bericht.status)
        except Exception as exc:
            uitkomsten.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=ontvang, args=(d,)) for d in datas]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return sorted(uitkomsten)


@pytest.mark.django_db(transaction=True)
def test_gelijktijdig_andere_bytes_zelfde_identificatie_een_wint_de_ander_9056() -> None:
    gemeenten_aansluiten(door=None, gemeenten=[gemeente("0384")])
    eerste = voorbeeld("JW323")
    tweede = eerste.replace(b"DN001", b"DN002")
    uitkomsten = _gelijktijdig(eerste, tweede)
    assert uitkomsten == [BerichtStatus.GEWEIGERD, BerichtStatus.WACHT_OP_VERWERKING]
    geweigerd = InkomendBericht.objects.get(status=BerichtStatus.GEWEIGERD)
    assert (geweigerd.uitkomst_code, geweigerd.retourcode) == ("identificatie_niet_uniek", "9056")
    assert geweigerd.origineel.status == BerichtStatus.WACHT_OP_VERWERKING


@pytest.mark.django_db(transaction=True)
def test_gelijktijdig_dezelfde_bytes_een_bericht_met_uitkomst() -> None:
    gemeenten_aansluiten(door=None, gemeenten=[gemeente("0384")])
    data = voorbeeld("JW323")
    uitkomsten = _gelijktijdig(data, data)
    geaccepteerd = InkomendBericht.objects.get(status=BerichtStatus.WACHT_OP_VERWERKING)
    # Either the second arrival found the first by its bytes (nothing new), or both stored
    # their raw row before either was checked and the loser is marked as a duplicate.
    assert uitkomsten == [BerichtStatus.WACHT_OP_VERWERKING] * 2 or uitkomsten == sorted(
        [BerichtStatus.DUBBEL, BerichtStatus.WACHT_OP_VERWERKING]
    )
    assert (
        InkomendBericht.objects.exclude(pk=geaccepteerd.pk)
        .filter(status=BerichtStatus.WACHT_OP_VERWERKING)
        .count()
        == 0
    )

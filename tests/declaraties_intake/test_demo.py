"""The declarations of ``manage.py demo_data``: 323 messages through the berichtenbox, with
exactly the planned rejections, a credit, 325s in the outbox, a sound ledger; twice the same."""

from __future__ import annotations

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command

from declaraties.constants import DebetCredit, DeclaratieStatus, PrestatieStatus
from declaraties.demo import FOUTEN, declaraties_demo_opbouwen
from declaraties.models import Declaratie, Prestatie
from financien.selectors import grootboek_controleren
from iwmo_jw.constants import BerichtStatus
from iwmo_jw.models import InkomendBericht
from kern.models import Gemeente

pytestmark = pytest.mark.django_db


def test_demo_declaraties_door_de_berichtenbox():
    uit = StringIO()
    call_command("demo_data", "--forceer", "--clienten", "80", stdout=uit)
    assert "declaraties:" in uit.getvalue()

    berichten = InkomendBericht.objects.filter(berichttype="323")
    assert berichten.count() > 4
    assert set(berichten.values_list("status", flat=True)) == {BerichtStatus.VERWERKT}
    declaraties = Declaratie.objects.all()
    assert declaraties.count() == berichten.count()
    # Two months: September fully answered, October with the planned rejections.
    assert {d.periode_begin.month for d in declaraties} == {9, 10}
    assert set(declaraties.values_list("status", flat=True)) <= {
        DeclaratieStatus.BEANTWOORD,
        DeclaratieStatus.IN_BEOORDELING,
    }
    afgewezen = Prestatie.objects.filter(status=PrestatieStatus.AFGEWEZEN)
    codes = Counter(p.retourcodes for p in afgewezen)
    assert set(codes) <= set(FOUTEN), codes
    assert not afgewezen.filter(periode_begin__month=9, declaratie__periode_begin__month=9)
    # The correction: a September line credited in October and declared again.
    credit = Prestatie.objects.get(debet_credit=DebetCredit.CREDIT)
    assert credit.status == PrestatieStatus.TOEGEKEND
    assert credit.creditering.debet.status == PrestatieStatus.GECREDITEERD
    # Every answered declaration has its 325; the ledger adds up.
    for d in declaraties.filter(status=DeclaratieStatus.BEANTWOORD):
        assert d.antwoord is not None and d.antwoord.berichttype == "325"
    assert grootboek_controleren() == []

    # Twice the same: the berichtenbox knows every message; nothing new.
    aantallen = (Declaratie.objects.count(), Prestatie.objects.count())
    resultaat = declaraties_demo_opbouwen(
        gemeenten=list(Gemeente.objects.filter(code__in=["0344", "0356", "1904"]))
    )
    assert resultaat.nieuw == 0 and resultaat.berichten == berichten.count()
    assert (Declaratie.objects.count(), Prestatie.objects.count()) == aantallen
    assert sum(resultaat.gepland[c] for c in FOUTEN) == afgewezen.count()

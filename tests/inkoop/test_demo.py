"""The inkoop part of ``manage.py demo_data``: budgets, an open house, clients with test BSNs
and toewijzingen whose reservations are real bookings; twice the same."""

from __future__ import annotations

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from stdnum.nl import bsn

from financien.models import Budgetpost, Reservering
from financien.selectors import budgetstanden_voor, grootboek_controleren
from inkoop.constants import InschrijvingStatus, ToewijzingStatus
from inkoop.demo import demo_bsns
from inkoop.models import Client, Inkooptraject, Inschrijving, Toewijzing
from iwmo_jw.models import UitgaandBericht

pytestmark = pytest.mark.django_db


def demo(*args: str) -> str:
    uit = StringIO()
    call_command("demo_data", "--forceer", *args, stdout=uit)
    return uit.getvalue()


def alle_tellingen() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()}


def test_demo_met_clienten_toewijzingen_en_reserveringen():
    uitvoer = demo("--clienten", "30")
    assert "cliënten: 30 in totaal, 30 nieuw" in uitvoer
    clienten = list(Client.objects.all())
    assert len(clienten) == 30
    assert all(bsn.is_valid(c.bsn) and c.bsn.startswith("9999") for c in clienten)
    assert {c.gemeente.code for c in clienten} <= {"0344", "0356", "1904"}
    toewijzingen = Toewijzing.objects.all()
    assert toewijzingen.count() >= 30
    assert not toewijzingen.filter(te_melden=True).exists()  # every one is in a 301
    assert UitgaandBericht.objects.count() >= 30
    # Every toewijzing with a cost has its reservation; the ledger adds up.
    for t in toewijzingen.exclude(status=ToewijzingStatus.VERWIJDERD).exclude(
        product=None, budget_bedrag=None
    ):
        assert Reservering.objects.filter(bron_id=str(t.uuid)).exists(), t
    assert grootboek_controleren() == []
    posten = list(Budgetpost.objects.filter(jaar=2026))
    assert len(posten) == 12
    gereserveerd = sum(s.gereserveerd for s in budgetstanden_voor(posten).values())
    open_bedrag = sum(r.open_bedrag for r in Reservering.objects.filter(status="open"))
    assert gereserveerd == open_bedrag > 0
    # The open house: published, two providers admitted (with a contract), one refused.
    traject = Inkooptraject.objects.get()
    assert traject.procedure == "open_house" and traject.status == "gepubliceerd"
    statussen = sorted(Inschrijving.objects.values_list("status", flat=True))
    assert statussen == [
        InschrijvingStatus.AFGEWEZEN,
        InschrijvingStatus.TOEGELATEN,
        InschrijvingStatus.TOEGELATEN,
    ]
    assert all(
        i.contract is not None
        for i in Inschrijving.objects.filter(status=InschrijvingStatus.TOEGELATEN)
    )

    na_eerste = alle_tellingen()
    tweede = demo("--clienten", "30")
    assert alle_tellingen() == na_eerste
    assert "De demodata bestond al; er is niets gewijzigd." in tweede

    # A longer plan starts with the same clients.
    demo("--clienten", "35")
    assert Client.objects.count() == 35
    assert set(Client.objects.values_list("bsn", flat=True)) == set(demo_bsns(35))

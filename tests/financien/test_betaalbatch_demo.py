"""The demo payment batch: built on the demo region through the services, approved, the
same on a second run, and its pain.001 validates against the official schema."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings
from lxml import etree

from contracten.demo import demo_data_opbouwen
from financien import betaalbestanden, selectors
from financien.constants import BetaalbatchStatus
from financien.demo import demo_betaalbatch_opbouwen
from financien.models import Betaalbatch, Boeking
from kern.exceptions import DomeinFout
from tests.financien.conftest import D
from tests.financien.test_betaalbestanden import xsd

pytestmark = pytest.mark.django_db


def test_zonder_demoregio_geen_demobatch():
    with pytest.raises(DomeinFout) as fout:
        demo_betaalbatch_opbouwen()
    assert fout.value.code == "demoregio_ontbreekt"


def test_demobatch_met_geldig_betaalbestand(tmp_path: Path):
    demo_data_opbouwen()
    batch = demo_betaalbatch_opbouwen()
    assert (batch.referentie, batch.status, batch.aantal_betalingen) == (
        "BB-0344-000001",
        BetaalbatchStatus.GOEDGEKEURD,
        4,
    )
    # Three months of 4,218.40 + 12,650.00 + 1,975.25 + 8,310.60, less a credit of 415.50.
    assert batch.totaal_bedrag == D("81047.25")
    assert (batch.aangemaakt_door.username, batch.goedgekeurd_door.username) == (
        "demo_budgethouder",
        "demo_beoordelaar",
    )
    xsd("pain.001.001.03").assertValid(
        etree.fromstring(betaalbestanden.pain001(batch), etree.XMLParser(no_network=True))
    )
    assert selectors.grootboek_controleren() == []
    assert selectors.betaalbatches_controleren() == []

    boekingen = Boeking.objects.count()
    uit = StringIO()
    with override_settings(DEBUG=True):
        call_command("demo_betaalbatch", "--map", str(tmp_path), stdout=uit)
    assert Boeking.objects.count() == boekingen
    assert Betaalbatch.objects.count() == 1
    assert "Betaalbatch BB-0344-000001 (goedgekeurd): 4 betalingen, totaal 81047.25" in (
        uit.getvalue()
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "BB-0344-000001-journaal.csv",
        "BB-0344-000001-journaal.xlsx",
        "BB-0344-000001.xml",
    ]
    xsd("pain.001.001.03").assertValid(etree.parse(str(tmp_path / "BB-0344-000001.xml")))

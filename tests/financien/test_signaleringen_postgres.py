"""Alerts under real concurrency (PostgreSQL): evaluations of the same crossing at the same
moment raise it once and mail it once; bookings in parallel threads, each committing, still
leave one running alert per threshold; senders of the same alert mails at once mail it once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail

from financien import services
from financien.constants import MailStatus
from financien.models import Reservering, Signalering
from financien.services.signaleringen import _mailen
from tests.financien.conftest import D, post_met_gebruiksdrempels
from tests.financien.test_postgres import DRADEN, tegelijk

pytestmark = [pytest.mark.postgres]


@pytest.fixture
def scene(amsterdam, aanbieder):
    budgetpost = post_met_gebruiksdrempels(amsterdam)
    mail.outbox.clear()
    return budgetpost


def _tot_85_procent(budgetpost, aanbieder) -> None:
    """Reserve 8,500 of the scene's 10,000: over the 80 % threshold."""
    services.reservering_boeken(
        door=None,
        budgetpost=budgetpost,
        zorgaanbieder=aanbieder,
        bedrag=D("8500.00"),
        bron_id="t1",
        idempotentiesleutel="t1",
    )


@pytest.mark.django_db(transaction=True)
def test_gelijktijdige_evaluaties_signaleren_een_keer(scene, aanbieder, monkeypatch):
    # Book without evaluating, then let every thread evaluate the same crossing at once.
    monkeypatch.setattr(
        "financien.services.reserveringen.signaleren_na_commit", lambda **kwargs: None
    )
    _tot_85_procent(scene, aanbieder)
    taken: list[Callable[[], Any]] = [
        lambda: len(services.signaleringen_evalueren(budgetpost_ids=[scene.pk]))
        for _ in range(DRADEN)
    ]
    uitkomsten = tegelijk(taken)
    assert sorted(uitkomsten) == [0] * (DRADEN - 1) + [1], uitkomsten
    assert list(Signalering.objects.values_list("soort", "drempel")) == [("budgetpost", 80)]
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_gelijktijdige_boekingen_laten_een_lopende_signalering_per_drempel(scene, aanbieder):
    """Every booking commits and evaluates after its commit, in its own thread."""

    def boek(i: int) -> Callable[[], str]:
        return lambda: str(
            services.reservering_boeken(
                door=None,
                budgetpost=scene,
                zorgaanbieder=aanbieder,
                bedrag=D("1250.00"),
                bron_id=f"t{i}",
                idempotentiesleutel=f"t{i}",
            ).soort
        )

    assert tegelijk([boek(i) for i in range(DRADEN)]) == ["reservering"] * DRADEN
    assert Reservering.objects.count() == DRADEN
    lopend = sorted(
        Signalering.objects.filter(beeindigd_op__isnull=True).values_list("soort", "drempel")
    )
    assert lopend == [("budgetpost", 80), ("budgetpost", 90), ("budgetpost", 100)]
    assert Signalering.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_signaleringsmail_tegelijk_versturen_mailt_een_keer(scene, aanbieder):
    """The mail after a commit and the periodic retry (or two retries) at the same moment: the
    row lock, skipped by the other sender, mails each alert once (without it: 6 of 8)."""
    _tot_85_procent(scene, aanbieder)
    ids = list(Signalering.objects.values_list("pk", flat=True))
    assert ids  # raised (and mailed) after the booking's commit
    Signalering.objects.update(mail_status=MailStatus.TE_VERSTUREN, gemaild_op=None)
    mail.outbox.clear()
    uitkomsten = tegelijk([lambda: _mailen(ids) for _ in range(DRADEN)])
    assert sum(uitkomsten) == 1, uitkomsten
    assert len(mail.outbox) == 1
    assert set(Signalering.objects.values_list("mail_status", flat=True)) == {MailStatus.VERSTUURD}

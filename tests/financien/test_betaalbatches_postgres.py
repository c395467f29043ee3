"""Payment batches under real concurrency (PostgreSQL): batches made at the same moment never
share a realisation, a batch reported paid at the same moment is paid once, and approving
races cancelling without a mixed result.

Without the lock on the gemeente's payment account the first test fails (checked by hand:
the other calls then run into the unique constraints and answer ``boeking_al_in_batch`` or a
duplicate batch number instead of ``niets_te_betalen``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from financien import selectors, services
from financien.constants import BetaalbatchStatus, BoekingSoort
from financien.models import Betaalbatch, Betaalbatchregel, Boeking
from tests.factories import GebruikerFactory, ZorgaanbiederFactory
from tests.financien.batchscene import aanbieder_saldi, realiseer, reserveer
from tests.financien.conftest import D
from tests.financien.test_postgres import DRADEN, tegelijk

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

UITVOERING = date(2026, 6, 1)


@pytest.fixture
def realisaties(budgethouder, budgetpost, betaalrekening):
    services.budget_toekennen(
        door=budgethouder,
        budgetpost=budgetpost,
        bedrag=D("100000.00"),
        reden="Begroting",
        idempotentiesleutel="begroting",
    )
    boekingen = []
    for nummer in range(5):
        reservering = reserveer(
            budgetpost, ZorgaanbiederFactory(), "1000.00", f"toewijzing-{nummer}"
        )
        for maand in (3, 4):
            boekingen.append(
                realiseer(reservering, "100.00", f"p-{nummer}-{maand}", date(2026, maand, 28))
            )
    return boekingen


@pytest.fixture
def makers(amsterdam):
    return [GebruikerFactory(rollen=["budgethouder"], gemeenten=[amsterdam]) for _ in range(DRADEN)]


def test_batches_tegelijk_delen_nooit_een_realisatie(amsterdam, realisaties, makers):
    def maak(i: int) -> Callable[[], str]:
        return lambda: (
            services.betaalbatch_aanmaken(
                door=makers[i], gemeente=amsterdam, uitvoeringsdatum=UITVOERING
            ).referentie
        )

    uitkomsten = tegelijk([maak(i) for i in range(DRADEN)])
    assert sorted(uitkomsten) == ["BB-0363-000001"] + ["niets_te_betalen"] * (DRADEN - 1)
    assert sorted(Betaalbatchregel.objects.values_list("boeking_id", flat=True)) == sorted(
        b.pk for b in realisaties
    )
    assert Betaalbatch.objects.get().totaal_bedrag == D("1000.00")
    assert selectors.betaalbatches_controleren() == []


def test_batches_tegelijk_met_nieuwe_realisaties(amsterdam, budgetpost, realisaties, makers):
    """While batches are made, more is realised: every realisation ends up in exactly one
    batch or stays open, never in two."""
    reservering = realisaties[0].reservering

    def maak(i: int) -> Callable[[], str]:
        return lambda: (
            services.betaalbatch_aanmaken(
                door=makers[i], gemeente=amsterdam, uitvoeringsdatum=UITVOERING
            ).referentie
        )

    def realiseer_later(i: int) -> Callable[[], str]:
        return lambda: realiseer(reservering, "10.00", f"later-{i}", date(2026, 5, i + 1)).soort

    uitkomsten = tegelijk([maak(i) for i in range(4)] + [realiseer_later(i) for i in range(4)])
    assert uitkomsten[4:] == ["realisatie"] * 4
    assert all(u == "niets_te_betalen" or u.startswith("BB-0363-") for u in uitkomsten[:4])
    in_batch = list(Betaalbatchregel.objects.values_list("boeking_id", flat=True))
    assert len(in_batch) == len(set(in_batch))
    assert {b.pk for b in realisaties} <= set(in_batch)
    assert selectors.betaalbatches_controleren() == []
    assert selectors.grootboek_controleren() == []


def test_tegelijk_betaald_melden_betaalt_een_keer(
    budgethouder, beoordelaar, amsterdam, budgetpost, realisaties
):
    batch = services.betaalbatch_aanmaken(
        door=budgethouder, gemeente=amsterdam, uitvoeringsdatum=UITVOERING
    )
    services.betaalbatch_goedkeuren(door=beoordelaar, batch=batch)

    def betaal() -> str:
        return services.betaalbatch_betaald_melden(
            door=beoordelaar, batch=batch, betaaldatum=UITVOERING
        ).status

    uitkomsten = tegelijk([betaal for _ in range(DRADEN)])
    assert sorted(uitkomsten) == ["batch_al_betaald"] * (DRADEN - 1) + ["betaald"]
    assert Boeking.objects.filter(soort=BoekingSoort.BETALING).count() == 5
    for betaling in batch.betalingen.select_related("zorgaanbieder"):
        assert aanbieder_saldi(budgetpost, betaling.zorgaanbieder) == (D("0.00"), D("200.00"))
    assert selectors.grootboek_controleren() == []
    assert selectors.betaalbatches_controleren() == []


def test_betalen_en_annuleren_tegelijk(
    budgethouder, beoordelaar, amsterdam, budgetpost, realisaties
):
    """Exactly one wins; the loser is refused and the batch is either paid with every
    line booked, or cancelled with every line free and nothing booked."""
    batch = services.betaalbatch_aanmaken(
        door=budgethouder, gemeente=amsterdam, uitvoeringsdatum=UITVOERING
    )
    services.betaalbatch_goedkeuren(door=beoordelaar, batch=batch)
    uitkomsten = tegelijk(
        [
            lambda: (
                services.betaalbatch_betaald_melden(
                    door=beoordelaar, batch=batch, betaaldatum=UITVOERING
                ).status
            ),
            lambda: (
                services.betaalbatch_annuleren(
                    door=budgethouder, batch=batch, reden="Toch niet"
                ).status
            ),
        ]
    )
    batch.refresh_from_db()
    betalingen = Boeking.objects.filter(soort=BoekingSoort.BETALING).count()
    if batch.status == BetaalbatchStatus.BETAALD:
        assert uitkomsten == ["betaald", "batch_al_betaald"]
        assert (batch.regels.filter(actief=True).count(), betalingen) == (10, 5)
    else:
        assert uitkomsten == ["statusovergang_niet_toegestaan", "geannuleerd"]
        assert (batch.regels.filter(actief=True).count(), betalingen) == (0, 0)
    assert batch.statuswijzigingen.count() == 3
    assert selectors.grootboek_controleren() == []
    assert selectors.betaalbatches_controleren() == []

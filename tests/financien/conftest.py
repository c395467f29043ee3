"""Scene for the ledger tests: a budgethouder of Amsterdam, a budget post 2026 Wmo 6.71 and
a provider; helpers that read a budget post's position as plain numbers."""

from __future__ import annotations

from decimal import Decimal

import pytest

from contracten.models import Zorgaanbieder
from financien import selectors, services
from financien.models import Budgetpost, Reservering
from kern.models import Gebruiker
from tests.factories import GebruikerFactory, ZorgaanbiederFactory


def D(waarde: str | int) -> Decimal:
    return Decimal(str(waarde))


def reserveer(budgetpost, aanbieder, bedrag: str, bron: str, **kwargs) -> Reservering:
    """Book a reservation of ``bedrag`` for source ``bron`` (other arguments of
    reservering_boeken as keywords) and return it."""
    boeking = services.reservering_boeken(
        door=None,
        budgetpost=budgetpost,
        zorgaanbieder=aanbieder,
        bedrag=D(bedrag),
        bron_id=bron,
        idempotentiesleutel=f"res-{bron}-{budgetpost.jaar}",
        **kwargs,
    )
    return Reservering.objects.get(pk=boeking.reservering_id)


def stand(budgetpost: Budgetpost, **kwargs) -> dict[str, Decimal]:
    """The position as a dict (budget, gereserveerd, gerealiseerd, betaald, beschikbaar)."""
    s = selectors.budgetstand(budgetpost=budgetpost, **kwargs)
    return {
        "budget": s.budget,
        "gereserveerd": s.gereserveerd,
        "gerealiseerd": s.gerealiseerd,
        "betaald": s.betaald,
        "beschikbaar": s.beschikbaar,
    }


def post_met_gebruiksdrempels(gemeente) -> Budgetpost:
    """A Wmo budget post of 10,000 for 2026 with the usage thresholds only (no forecast
    alerts), and a budgethouder with an e-mail address to mail its alerts to."""
    budgethouder = GebruikerFactory(
        email="budget@amsterdam.example", rollen=["budgethouder"], gemeenten=[gemeente]
    )
    post = services.budgetpost_aanmaken(
        door=budgethouder, gemeente=gemeente, jaar=2026, wet="wmo", taakveld="6.71"
    )
    services.signaleringsdrempels_vastleggen(
        door=budgethouder, gemeente=gemeente, soort="prognose", percentages=[]
    )
    return begroten(budgethouder, post)


def begroten(budgethouder: Gebruiker, post: Budgetpost, bedrag: str = "10000.00") -> Budgetpost:
    """Grant ``post`` its budget (10,000 unless told) as ``budgethouder``."""
    services.budget_toekennen(
        door=budgethouder,
        budgetpost=post,
        bedrag=D(bedrag),
        reden="Begroting",
        idempotentiesleutel="begroting",
    )
    return post


@pytest.fixture
def budgethouder(db, amsterdam) -> Gebruiker:
    return GebruikerFactory(username="budgethouder", rollen=["budgethouder"], gemeenten=[amsterdam])


@pytest.fixture
def budgetpost(budgethouder, amsterdam) -> Budgetpost:
    return services.budgetpost_aanmaken(
        door=budgethouder, gemeente=amsterdam, jaar=2026, wet="wmo", taakveld="6.71"
    )


@pytest.fixture
def met_budget(budgethouder, budgetpost) -> Budgetpost:
    """The budget post of 2026 with a budget of 10,000."""
    return begroten(budgethouder, budgetpost)


@pytest.fixture
def budgetpost_2027(budgethouder, amsterdam) -> Budgetpost:
    return services.budgetpost_aanmaken(
        door=budgethouder, gemeente=amsterdam, jaar=2027, wet="wmo", taakveld="6.71"
    )


@pytest.fixture
def aanbieder(db) -> Zorgaanbieder:
    return ZorgaanbiederFactory(naam="Zorg Noord B.V.")


@pytest.fixture
def ander_aanbieder(db) -> Zorgaanbieder:
    return ZorgaanbiederFactory(naam="Zorg Zuid B.V.")


@pytest.fixture
def beoordelaar(db, amsterdam) -> Gebruiker:
    return GebruikerFactory(username="beoordelaar", rollen=["beoordelaar"], gemeenten=[amsterdam])


@pytest.fixture
def betaalrekening(budgethouder, amsterdam):
    """Amsterdam pays from its account at BNG Bank (see tests/financien/batchscene.py)."""
    return services.betaalrekening_vastleggen(
        door=budgethouder,
        gemeente=amsterdam,
        naam="Gemeente Amsterdam",
        iban="NL14BNGH0285001234",
        bic="BNGHNL2G",
    )

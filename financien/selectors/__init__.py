"""Reads of financien. Scoped selectors take the acting user: budgets and the ledger are the
municipality's own books, so a municipal user sees those of their gemeenten and a provider
user sees none; what lies outside the scope does not exist for the user (404).

Balances come from the accounts' running ``saldo`` (one query for any number of budget
posts, whatever the number of transfers) or, for a past ``peildatum``, from one grouped
aggregate over the legs booked up to that day.
"""

from financien.selectors.betaalbatches import (
    Journaalregel,
    betaalbatch_ophalen,
    betaalbatches_controleren,
    betaalbatches_zichtbaar,
    betaalbatchregels_van,
    betaalrekeningen_zichtbaar,
    journaalregels,
    rekeningen_zichtbaar,
)
from financien.selectors.budget import (
    Budgetstand,
    GeenBudgetpost,
    begrotingsjaren_zichtbaar,
    begrotingswijzigingen_van,
    boeking_met_sleutel,
    boeking_ophalen,
    boekingen_zichtbaar,
    budgetpost_ophalen,
    budgetpost_voor,
    budgetposten_zichtbaar,
    budgetstand,
    budgetstanden,
    budgetstanden_voor,
    reservering_ophalen,
    reservering_van_bron,
    reserveringen_van_bron,
    reserveringen_zichtbaar,
    toewijzingsregels_zichtbaar,
)
from financien.selectors.grootboek import grootboek_controleren
from financien.selectors.prognose import (
    Verplichtingen,
    Verplichtingregel,
    prognose,
    prognoses_voor,
    verplichtingen,
)
from financien.selectors.signaleringen import (
    signalering_ophalen,
    signaleringen_zichtbaar,
    signaleringsdrempels_zichtbaar,
)

__all__ = [
    "Budgetstand",
    "GeenBudgetpost",
    "Journaalregel",
    "Verplichtingen",
    "Verplichtingregel",
    "begrotingsjaren_zichtbaar",
    "begrotingswijzigingen_van",
    "betaalbatch_ophalen",
    "betaalbatches_controleren",
    "betaalbatches_zichtbaar",
    "betaalbatchregels_van",
    "betaalrekeningen_zichtbaar",
    "boeking_met_sleutel",
    "boeking_ophalen",
    "boekingen_zichtbaar",
    "budgetpost_ophalen",
    "budgetpost_voor",
    "budgetposten_zichtbaar",
    "budgetstand",
    "budgetstanden",
    "budgetstanden_voor",
    "grootboek_controleren",
    "journaalregels",
    "prognose",
    "prognoses_voor",
    "rekeningen_zichtbaar",
    "reservering_ophalen",
    "reservering_van_bron",
    "reserveringen_van_bron",
    "reserveringen_zichtbaar",
    "signalering_ophalen",
    "signaleringen_zichtbaar",
    "signaleringsdrempels_zichtbaar",
    "toewijzingsregels_zichtbaar",
    "verplichtingen",
]

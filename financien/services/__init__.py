"""Every write of financien: budgets and the ledger.

Each service is keyword-only, runs in one transaction, writes an audit record in it, and
books at most one transfer (:class:`~financien.models.Boeking`) whose legs sum to zero.

**Idempotency.** Every booking service takes an ``idempotentiesleutel``. The same key again
returns the transfer booked the first time and books nothing; the same key with a different
request is refused (``idempotentiesleutel_conflict``, 409). The request is fingerprinted
(SHA-256 of the service name and its arguments, not of the state it finds), so a replay is
recognised even after the state moved on, and is answered before any rule is checked. The
unique constraint on the key is the last line of defence against two simultaneous calls.

**Locks.** Rows are locked in the order of :mod:`financien.lock_objects` (budget year shared,
reservation, accounts in pk order) before anything is read that decides money, and the new
balances are computed from the locked rows; the key is looked up after the locks, so a
concurrent call with the same key is seen.

**Reservations, one part per call.** A reservation covers one source (a toewijzing) in one
budget year, on one budget post. A toewijzing spanning two years is reserved with two calls
sharing ``bron_type``/``bron_id``, each with its own key; the caller (inkoop) makes them in
its own transaction, so both or neither are booked. At most one reservation exists per
source and year (``reservering_bestaat``).

**Who may.** Budget services (``budgetpost_aanmaken``, ``budget_toekennen``,
``budget_verlagen``, ``jaar_afsluiten``, ``toewijzingsregel_vastleggen``) need the role
budgethouder or beheerder and a gemeente in the user's scope. The ledger services
(reservations, realisations, credits, payments) are the bookkeeping of decisions other apps
take (issuing an opdracht, approving a prestatie, paying a batch): those services check the
roles; these only record ``door``. Payment batches (:mod:`financien.services.betaalbatches`)
need the role budgethouder or beoordelaar, and a second person approves them.

**Alerts and the turn of the year.** Every booking that moves a budget post, a toewijzing
or a provider's spending queues their alerts for evaluation after its commit
(:mod:`financien.services.signaleringen`); :func:`reserveringen_doorrollen` carries open
reservations running into the next year over to it (:mod:`financien.services.jaarovergang`).
The evaluation of a budget post's forecast reads the sums of its open reservations that the
post keeps for the day (:mod:`financien.models.prognose`): :func:`prognosesommen_vastleggen`
counts them once a day, triggers on the reservation table keep them up to date since.

**Money.** Amounts are ``Decimal`` euros with at most two decimals (an amount with more is
refused, not rounded: a ledger does not guess). Budgets are soft: ``beschikbaar`` may go
negative and nothing is refused for it. The limit of a reservation is hard.
"""

from financien.services._basis import BRON_ID_MAX, BUDGET_ROLLEN, SLEUTEL_MAX
from financien.services.betaalbatches import (
    BATCH_ROLLEN,
    betaalbatch_aanmaken,
    betaalbatch_annuleren,
    betaalbatch_betaald_melden,
    betaalbatch_goedkeuren,
    betaalbatch_sleutel,
    betaalrekening_vastleggen,
)
from financien.services.betalingen import betaling_boeken
from financien.services.budget import (
    budget_toekennen,
    budget_verlagen,
    budgetpost_aanmaken,
    jaar_afsluiten,
    toewijzingsregel_vastleggen,
)
from financien.services.declaratieboekingen import (
    Declaratieboekingen,
    Declaratieverzoek,
    Realisatiedeel,
    declaratie_boeken,
    declaraties_boeken,
)
from financien.services.jaarovergang import (
    Doorrolling,
    Doorrolverslag,
    NietDoorgerold,
    reserveringen_doorrollen,
)
from financien.services.prognose import prognosesommen_vastleggen
from financien.services.reserveringen import (
    realisatie_boeken,
    realisatie_crediteren,
    reservering_boeken,
    reservering_vrijgeven,
    reservering_wijzigen,
)
from financien.services.signaleringen import (
    signaleren_na_commit,
    signalering_bevestigen,
    signaleringen_alles_evalueren,
    signaleringen_bundelen,
    signaleringen_evalueren,
    signaleringsdrempels_vastleggen,
    signaleringsmails_opnieuw,
)

__all__ = [
    "BATCH_ROLLEN",
    "BRON_ID_MAX",
    "BUDGET_ROLLEN",
    "SLEUTEL_MAX",
    "Declaratieboekingen",
    "Declaratieverzoek",
    "Doorrolling",
    "Doorrolverslag",
    "NietDoorgerold",
    "Realisatiedeel",
    "betaalbatch_aanmaken",
    "betaalbatch_annuleren",
    "betaalbatch_betaald_melden",
    "betaalbatch_goedkeuren",
    "betaalbatch_sleutel",
    "betaalrekening_vastleggen",
    "betaling_boeken",
    "budget_toekennen",
    "budget_verlagen",
    "budgetpost_aanmaken",
    "declaratie_boeken",
    "declaraties_boeken",
    "jaar_afsluiten",
    "prognosesommen_vastleggen",
    "realisatie_boeken",
    "realisatie_crediteren",
    "reservering_boeken",
    "reservering_vrijgeven",
    "reservering_wijzigen",
    "reserveringen_doorrollen",
    "signaleren_na_commit",
    "signalering_bevestigen",
    "signaleringen_alles_evalueren",
    "signaleringen_bundelen",
    "signaleringen_evalueren",
    "signaleringsdrempels_vastleggen",
    "signaleringsmails_opnieuw",
    "toewijzingsregel_vastleggen",
]

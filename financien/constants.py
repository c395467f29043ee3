"""Choices of financien: taakvelden, the chart of accounts, kinds of transfers and sources.

The chart of accounts (one :class:`RekeningSoort` per row):

========================  ==========================  ==========================================
account                   held per                    balance means
========================  ==========================  ==========================================
``begroting``             budgetpost                  minus the budget (the source of the money)
``beschikbaar``           budgetpost                  budget not reserved or realised (may go
                                                      negative: budgets are soft)
``gereserveerd``          budgetpost                  the open reservations (obligo), >= 0
``te_betalen``            budgetpost x zorgaanbieder  realised, not yet paid (negative: the
                                                      provider owes money after a credit)
``betaald``               budgetpost x zorgaanbieder  realised and paid, >= 0
========================  ==========================  ==========================================

Money runs along one chain, each movement one balanced transfer with two legs per budgetpost::

    begroting -> beschikbaar -> gereserveerd -> te_betalen[aanbieder] -> betaald[aanbieder]

*gerealiseerd* is not an account of its own: realised = te_betalen + betaald. A separate
realised account would need a contra leg that means nothing. Because no transfer crosses a
budgetpost, the balances of one budgetpost always sum to zero, so
``beschikbaar = budget - gereserveerd - gerealiseerd`` holds by construction.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Taakveld(models.TextChoices):
    """Iv3 taakvelden of the social domain (BBV, from 2020)."""

    SAMENKRACHT = "6.1", _("6.1 Samenkracht en burgerparticipatie")
    TOEGANG = "6.2", _("6.2 Toegang en eerstelijnsvoorzieningen")
    MAATWERKVOORZIENINGEN = "6.6", _("6.6 Maatwerkvoorzieningen (WMO)")
    MAATWERKDIENSTVERLENING_18_PLUS = "6.71", _("6.71 Maatwerkdienstverlening 18+")
    MAATWERKDIENSTVERLENING_18_MIN = "6.72", _("6.72 Maatwerkdienstverlening 18-")
    GEESCALEERDE_ZORG_18_PLUS = "6.81", _("6.81 Geëscaleerde zorg 18+")
    GEESCALEERDE_ZORG_18_MIN = "6.82", _("6.82 Geëscaleerde zorg 18-")


class RekeningSoort(models.TextChoices):
    BEGROTING = "begroting", _("Begroting (bron van het budget)")
    BESCHIKBAAR = "beschikbaar", _("Beschikbaar")
    GERESERVEERD = "gereserveerd", _("Gereserveerd (obligo)")
    TE_BETALEN = "te_betalen", _("Te betalen aan zorgaanbieder")
    BETAALD = "betaald", _("Betaald aan zorgaanbieder")


#: Accounts held per budgetpost (created with it).
BUDGETPOST_REKENINGEN = (
    RekeningSoort.BEGROTING,
    RekeningSoort.BESCHIKBAAR,
    RekeningSoort.GERESERVEERD,
)
#: Accounts held per budgetpost and zorgaanbieder (created with the first reservation).
AANBIEDER_REKENINGEN = (RekeningSoort.TE_BETALEN, RekeningSoort.BETAALD)


class BoekingSoort(models.TextChoices):
    BUDGET_TOEKENNING = "budget_toekenning", _("Budget toegekend")
    BUDGET_VERLAGING = "budget_verlaging", _("Budget verlaagd")
    RESERVERING = "reservering", _("Reservering")
    RESERVERING_WIJZIGING = "reservering_wijziging", _("Reservering gewijzigd")
    VRIJGAVE = "vrijgave", _("Reservering vrijgegeven")
    REALISATIE = "realisatie", _("Realisatie")
    CREDITERING = "creditering", _("Creditering van een realisatie")
    #: The credits of one declaration, netted per reservation: reverses parts of several
    #: realisations at once, so it names no single one (``corrigeert`` stays empty).
    DECLARATIECREDITERING = "declaratiecreditering", _("Creditering uit een declaratie")
    BETALING = "betaling", _("Betaling")


class BronType(models.TextChoices):
    """What a transfer comes from. The id is a reference (uuid or number) into another app:
    financien does not import inkoop or declaraties."""

    BEGROTINGSWIJZIGING = "begrotingswijziging", _("Begrotingswijziging")
    TOEWIJZING = "toewijzing", _("Opdracht (toewijzing)")
    PRESTATIE = "prestatie", _("Prestatie")
    BETAALBATCH = "betaalbatch", _("Betaalbatch")


class BetaalbatchStatus(models.TextChoices):
    CONCEPT = "concept", _("Concept")
    GOEDGEKEURD = "goedgekeurd", _("Goedgekeurd")
    BETAALD = "betaald", _("Betaald")
    GEANNULEERD = "geannuleerd", _("Geannuleerd")


#: Allowed status transitions of a payment batch. A second person approves it (four eyes);
#: paid is final; cancelling (before payment) releases its lines for the next batch.
BETAALBATCH_TRANSITIES: dict[str, frozenset[str]] = {
    BetaalbatchStatus.CONCEPT: frozenset(
        {BetaalbatchStatus.GOEDGEKEURD, BetaalbatchStatus.GEANNULEERD}
    ),
    BetaalbatchStatus.GOEDGEKEURD: frozenset(
        {BetaalbatchStatus.BETAALD, BetaalbatchStatus.GEANNULEERD}
    ),
    BetaalbatchStatus.BETAALD: frozenset(),
    BetaalbatchStatus.GEANNULEERD: frozenset(),
}


class Overslaanreden(models.TextChoices):
    """Why a provider with open lines is not paid in a batch (its lines stay open)."""

    SALDO_NIET_POSITIEF = "saldo_niet_positief", _("Per saldo niets te betalen (verrekenen)")
    GEEN_IBAN = "geen_iban", _("Geen geldig IBAN bekend")


class ReserveringStatus(models.TextChoices):
    OPEN = "open", _("Open")
    VRIJGEGEVEN = "vrijgegeven", _("Vrijgegeven (rest terug naar beschikbaar)")
    AFGESLOTEN = "afgesloten", _("Afgesloten (volledig gerealiseerd)")


#: Allowed status transitions of a reservation: it resolves once and for all.
RESERVERING_TRANSITIES: dict[str, frozenset[str]] = {
    ReserveringStatus.OPEN: frozenset(
        {ReserveringStatus.VRIJGEGEVEN, ReserveringStatus.AFGESLOTEN}
    ),
    ReserveringStatus.VRIJGEGEVEN: frozenset(),
    ReserveringStatus.AFGESLOTEN: frozenset(),
}


class SignaleringSoort(models.TextChoices):
    """What an alert watches (each with its own thresholds, see :data:`STANDAARD_DREMPELS`)."""

    BUDGETPOST = "budgetpost", _("Budgetpost: gereserveerd plus gerealiseerd tegen het budget")
    PROGNOSE = "prognose", _("Budgetpost: prognose voor het jaareinde tegen het budget")
    TOEWIJZING = "toewijzing", _("Toewijzing: gerealiseerd tegen het gereserveerde bedrag")
    BESTEDINGSRUIMTE = (
        "bestedingsruimte",
        _("Bestedingsruimte: gereserveerd plus gerealiseerd van een aanbieder tegen zijn ruimte"),
    )


class MailStatus(models.TextChoices):
    """What became of an alert's e-mail to the budgethouders (the periodic retry sends the
    ones still to send or failed)."""

    TE_VERSTUREN = "te_versturen", _("Te versturen")
    VERSTUURD = "verstuurd", _("Verstuurd")
    GEEN_ONTVANGERS = "geen_ontvangers", _("Geen ontvangers (geen budgethouder met e-mailadres)")
    MISLUKT = "mislukt", _("Mislukt (wordt opnieuw geprobeerd)")
    ONBEKEND = "onbekend", _("Onbekend (van vóór de registratie van e-mails)")


#: Thresholds (percent of the norm) of a gemeente that configured none for a kind of alert.
STANDAARD_DREMPELS: dict[str, tuple[int, ...]] = {
    SignaleringSoort.BUDGETPOST: (80, 90, 100),
    SignaleringSoort.PROGNOSE: (100,),
    SignaleringSoort.TOEWIJZING: (80,),
    SignaleringSoort.BESTEDINGSRUIMTE: (80, 90, 100),
}
#: Kinds of alert whose thresholds may be set per budget post (the others per gemeente only).
SIGNALERINGSSOORTEN_PER_BUDGETPOST = (SignaleringSoort.BUDGETPOST, SignaleringSoort.PROGNOSE)

from django.db import models
from django.utils.translation import gettext_lazy as _


class Procedure(models.TextChoices):
    OPEN_HOUSE = "open_house", _("Open house")
    OPENBARE_AANBESTEDING = "openbare_aanbesteding", _("Openbare aanbesteding")
    MEERVOUDIG_ONDERHANDS = "meervoudig_onderhands", _("Meervoudig onderhandse aanbesteding")


#: Procedures with a fixed closing date for submissions, after which the bids are assessed
#: and the contract is awarded (gegund). An open house admits providers during its term.
AANBESTEDINGEN = frozenset({Procedure.OPENBARE_AANBESTEDING, Procedure.MEERVOUDIG_ONDERHANDS})


class TrajectStatus(models.TextChoices):
    CONCEPT = "concept", _("Concept")
    GEPUBLICEERD = "gepubliceerd", _("Gepubliceerd")
    GESLOTEN = "gesloten", _("Inschrijving gesloten")
    GEGUND = "gegund", _("Gegund")
    AFGEROND = "afgerond", _("Afgerond")
    INGETROKKEN = "ingetrokken", _("Ingetrokken")


_AANBESTEDING_TRANSITIES: dict[str, frozenset[str]] = {
    TrajectStatus.CONCEPT: frozenset({TrajectStatus.GEPUBLICEERD, TrajectStatus.INGETROKKEN}),
    TrajectStatus.GEPUBLICEERD: frozenset({TrajectStatus.GESLOTEN, TrajectStatus.INGETROKKEN}),
    TrajectStatus.GESLOTEN: frozenset({TrajectStatus.GEGUND, TrajectStatus.INGETROKKEN}),
    TrajectStatus.GEGUND: frozenset({TrajectStatus.AFGEROND}),
    TrajectStatus.AFGEROND: frozenset(),
    TrajectStatus.INGETROKKEN: frozenset(),
}

#: Allowed status transitions per procedure. A tender closes its submissions (gesloten),
#: assesses them and is awarded (gegund); an open house stays published during its term and
#: is finished (afgerond) at its end.
TRAJECT_TRANSITIES: dict[str, dict[str, frozenset[str]]] = {
    Procedure.OPEN_HOUSE: {
        TrajectStatus.CONCEPT: frozenset({TrajectStatus.GEPUBLICEERD, TrajectStatus.INGETROKKEN}),
        TrajectStatus.GEPUBLICEERD: frozenset({TrajectStatus.AFGEROND, TrajectStatus.INGETROKKEN}),
        TrajectStatus.GESLOTEN: frozenset(),
        TrajectStatus.GEGUND: frozenset(),
        TrajectStatus.AFGEROND: frozenset(),
        TrajectStatus.INGETROKKEN: frozenset(),
    },
    Procedure.OPENBARE_AANBESTEDING: _AANBESTEDING_TRANSITIES,
    Procedure.MEERVOUDIG_ONDERHANDS: _AANBESTEDING_TRANSITIES,
}

#: Per procedure, the traject status in which submissions are assessed.
BEOORDELEN_IN_STATUS: dict[str, str] = {
    Procedure.OPEN_HOUSE: TrajectStatus.GEPUBLICEERD,
    Procedure.OPENBARE_AANBESTEDING: TrajectStatus.GESLOTEN,
    Procedure.MEERVOUDIG_ONDERHANDS: TrajectStatus.GESLOTEN,
}


class Tariefsoort(models.TextChoices):
    VAST = "vast", _("Vast tarief")
    PLAFOND = "plafond", _("Tariefplafond (aanbieder biedt een tarief tot dit bedrag)")


class InschrijvingStatus(models.TextChoices):
    INGEDIEND = "ingediend", _("Ingediend")
    TOEGELATEN = "toegelaten", _("Toegelaten")
    AFGEWEZEN = "afgewezen", _("Afgewezen")


INSCHRIJVING_TRANSITIES: dict[str, frozenset[str]] = {
    InschrijvingStatus.INGEDIEND: frozenset(
        {InschrijvingStatus.TOEGELATEN, InschrijvingStatus.AFGEWEZEN}
    ),
    InschrijvingStatus.TOEGELATEN: frozenset(),
    InschrijvingStatus.AFGEWEZEN: frozenset(),
}


class Besluit(models.TextChoices):
    """The decision on a submission."""

    TOELATEN = "toelaten", _("Toelaten")
    AFWIJZEN = "afwijzen", _("Afwijzen")


class ClientstopStatus(models.TextChoices):
    AANGEVRAAGD = "aangevraagd", _("Aangevraagd")
    GOEDGEKEURD = "goedgekeurd", _("Goedgekeurd")
    AFGEWEZEN = "afgewezen", _("Afgewezen")
    INGETROKKEN = "ingetrokken", _("Ingetrokken")
    OPGEHEVEN = "opgeheven", _("Opgeheven")


#: A provider asks for a clientstop; the gemeente approves or refuses it. The provider may
#: withdraw a request, or lift an approved stop (no consent needed to take clients again).
CLIENTSTOP_TRANSITIES: dict[str, frozenset[str]] = {
    ClientstopStatus.AANGEVRAAGD: frozenset(
        {ClientstopStatus.GOEDGEKEURD, ClientstopStatus.AFGEWEZEN, ClientstopStatus.INGETROKKEN}
    ),
    ClientstopStatus.GOEDGEKEURD: frozenset(
        {ClientstopStatus.OPGEHEVEN, ClientstopStatus.INGETROKKEN}
    ),
    ClientstopStatus.AFGEWEZEN: frozenset(),
    ClientstopStatus.INGETROKKEN: frozenset(),
    ClientstopStatus.OPGEHEVEN: frozenset(),
}

#: Statuses of a clientstop that count (within its dates): approved, or approved and later
#: lifted (its einddatum then says until when it counted).
CLIENTSTOP_GELDEND = frozenset({ClientstopStatus.GOEDGEKEURD, ClientstopStatus.OPGEHEVEN})
#: Statuses that block another request for the same provider, product and gemeente.
CLIENTSTOP_OPEN = frozenset({ClientstopStatus.AANGEVRAAGD, ClientstopStatus.GOEDGEKEURD})


class ClientstopBesluit(models.TextChoices):
    GOEDKEUREN = "goedkeuren", _("Goedkeuren")
    AFWIJZEN = "afwijzen", _("Afwijzen")


class Sortering(models.TextChoices):
    """Sort orders of the provider search; a leading minus sorts descending."""

    TARIEF = "tarief", _("Tarief, laagste eerst")
    TARIEF_AFLOPEND = "-tarief", _("Tarief, hoogste eerst")
    WACHTTIJD = "wachttijd", _("Wachttijd, kortste eerst (onbekend achteraan)")
    WACHTTIJD_AFLOPEND = "-wachttijd", _("Wachttijd, langste eerst (onbekend achteraan)")
    NAAM = "naam", _("Naam van de aanbieder, A-Z")
    NAAM_AFLOPEND = "-naam", _("Naam van de aanbieder, Z-A")
    PLAATSEN = "plaatsen", _("Beschikbare plaatsen, minste eerst (onbekend achteraan)")
    PLAATSEN_AFLOPEND = "-plaatsen", _("Beschikbare plaatsen, meeste eerst (onbekend achteraan)")


#: Upper bounds that keep reported figures plausible.
MAX_WACHTTIJD_DAGEN = 3650
MAX_PLAATSEN = 100_000

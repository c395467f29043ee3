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


# --- Opdrachten (toewijzingen) --------------------------------------------------------------


class ToewijzingStatus(models.TextChoices):
    """Where a toewijzing stands. ``ingetrokken``: ended early by the gemeente (a new einddatum
    with a RedenWijziging); ``verwijderd``: removed as if never issued (RedenWijziging 13,
    einddatum = ingangsdatum, CS335); ``beeindigd`` is not a status: an einddatum in the past
    says so."""

    ACTIEF = "actief", _("Actief")
    INGETROKKEN = "ingetrokken", _("Ingetrokken")
    VERWIJDERD = "verwijderd", _("Verwijderd")


class ToewijzingGebeurtenis(models.TextChoices):
    """What a history row of a toewijzing records."""

    VERSTREKT = "verstrekt", _("Verstrekt")
    GEWIJZIGD = "gewijzigd", _("Gewijzigd")
    INGETROKKEN = "ingetrokken", _("Ingetrokken")
    VERWIJDERD = "verwijderd", _("Verwijderd")
    OVERGENOMEN = "overgenomen", _("Overgenomen uit een eerder systeem (301)")
    ZORG_GESTART = "zorg_gestart", _("Start zorg gemeld (305)")
    ZORG_GESTOPT = "zorg_gestopt", _("Stop zorg gemeld (307)")
    MELDING_VERWIJDERD = "melding_verwijderd", _("Start- of stopmelding verwijderd")


#: RedenWijziging (WMO002/JZ002) 13: Verwijderd. Einddatum must equal Ingangsdatum (CS335).
REDEN_VERWIJDERD = "13"

#: Frequentie (WMO757) 6: Totaal binnen geldigheidsduur toewijzing. Only then may the volume
#: of an existing toewijzing change (IV066).
FREQUENTIE_TOTAAL = "6"

#: RedenWijziging 01: Administratieve correctie (vervallen); no longer used (CS336).
REDEN_VERVALLEN = "01"

#: RedenWijziging (WMO002/JZ002): the codes a change or withdrawal may carry. 01 is
#: vervallen (CS336); 13 (verwijderd) only through removal (CS335).
REDENEN_WIJZIGING: dict[str, str] = {
    "02": "Cliënt overleden",
    "03": "Contractwijziging",
    "04": "Herbeoordeling: verlenging toewijzing",
    "05": "Herbeoordeling: verkorting toewijzing",
    "06": "Uitstroom naar ander domein",
    "07": "Verhuizing naar een andere gemeente",
    "08": "Wijziging leveringsvorm",
    "09": "Overstap naar andere aanbieder",
    "10": "Overgang naar nieuwe bekostigingssystematiek",
    "11": "Gemeentelijke herindeling",
    "12": "Geïnitieerd door de aanbieder",
    "14": "Administratieve correctie",
}

#: Allowed status transitions of a toewijzing. A change (einddatum, budget, volume) keeps it
#: actief; a withdrawal may be shortened further; removal ends everything.
TOEWIJZING_TRANSITIES: dict[str, frozenset[str]] = {
    ToewijzingStatus.ACTIEF: frozenset(
        {ToewijzingStatus.ACTIEF, ToewijzingStatus.INGETROKKEN, ToewijzingStatus.VERWIJDERD}
    ),
    ToewijzingStatus.INGETROKKEN: frozenset(
        {ToewijzingStatus.INGETROKKEN, ToewijzingStatus.VERWIJDERD}
    ),
    ToewijzingStatus.VERWIJDERD: frozenset(),
}

#: iWmo productcategorieën 11-14 (hulpmiddelen en woonvoorzieningen) may overlap, also with
#: each other and with a generieke toewijzing (TR302).
STAPELING_TOEGESTAAN_WMO = frozenset({"11", "12", "13", "14"})


class VerzoekSoort(models.TextChoices):
    VOT = "vot", _("Verzoek om toewijzing (315)")
    VOW = "vow", _("Verzoek om wijziging (317)")


class VerzoekStatus(models.TextChoices):
    """A verzoek in the regisseur's work queue. Open and in onderzoek count as open for
    TR374 (one open verzoek per client per provider)."""

    OPEN = "open", _("Open")
    IN_ONDERZOEK = "in_onderzoek", _("In onderzoek")
    TOEGEKEND = "toegekend", _("Toegekend")
    AFGEWEZEN = "afgewezen", _("Afgewezen")


VERZOEK_OPEN = frozenset({VerzoekStatus.OPEN, VerzoekStatus.IN_ONDERZOEK})

VERZOEK_TRANSITIES: dict[str, frozenset[str]] = {
    VerzoekStatus.OPEN: frozenset(
        {VerzoekStatus.IN_ONDERZOEK, VerzoekStatus.TOEGEKEND, VerzoekStatus.AFGEWEZEN}
    ),
    VerzoekStatus.IN_ONDERZOEK: frozenset({VerzoekStatus.TOEGEKEND, VerzoekStatus.AFGEWEZEN}),
    VerzoekStatus.TOEGEKEND: frozenset(),
    VerzoekStatus.AFGEWEZEN: frozenset(),
}


class RegiemeldingSoort(models.TextChoices):
    START = "start", _("Start zorg (305)")
    STOP = "stop", _("Stop zorg (307)")

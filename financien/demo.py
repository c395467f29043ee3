"""A demo payment batch on top of the demo region (``manage.py demo_data``), built through
the services: Utrecht's payment account, its 2026 budget posts for Wmo and Jeugdwet with a
budget, reservations and three months of realisations for four demo providers (one credit
among them), and a batch made by the demo budgethouder and approved by the demo
beoordelaar, ready for its pain.001 and journal.

Run twice, the second run finds the batch and writes nothing. The account number is
invented (valid check digits).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction

from contracten.models import Zorgaanbieder
from financien import services
from financien.models import Betaalbatch, Betaalrekening, Budgetpost, Reservering
from kern.exceptions import DomeinFout
from kern.models import Gebruiker, Gemeente

GEMEENTECODE = "0344"  # Utrecht, the largest gemeente of the demo region
OMSCHRIJVING = "Demobatch eerste kwartaal 2026"
IBAN = "NL37BNGH0285056789"
BIC = "BNGHNL2G"
UITVOERINGSDATUM = date(2026, 4, 15)
#: (wet, taakveld, budget) of the 2026 budget posts.
POSTEN = (("wmo", "6.71", Decimal("2500000.00")), ("jw", "6.72", Decimal("4000000.00")))
#: Per provider (in AGB order): the wet it is paid from and its monthly realisation.
MAANDBEDRAGEN = (
    ("wmo", Decimal("4218.40")),
    ("jw", Decimal("12650.00")),
    ("wmo", Decimal("1975.25")),
    ("jw", Decimal("8310.60")),
)


def _gebruiker(naam: str) -> Gebruiker:
    gebruiker = Gebruiker.objects.filter(username=naam).first()
    if gebruiker is None:
        raise DomeinFout(
            "De demoregio ontbreekt: voer eerst 'manage.py demo_data' uit.",
            code="demoregio_ontbreekt",
        )
    return gebruiker


def _budgetpost(
    budgethouder: Gebruiker, gemeente: Gemeente, wet: str, taakveld: str, budget: Decimal
) -> Budgetpost:
    post = Budgetpost.objects.filter(
        gemeente=gemeente, jaar=2026, wet=wet, taakveld=taakveld, kostenplaats=""
    ).first()
    if post is None:
        post = services.budgetpost_aanmaken(
            door=budgethouder,
            gemeente=gemeente,
            jaar=2026,
            wet=wet,
            taakveld=taakveld,
            omschrijving=f"Demo {wet} {taakveld}",
        )
    services.budget_toekennen(
        door=budgethouder,
        budgetpost=post,
        bedrag=budget,
        reden="Primaire begroting 2026 (demo)",
        idempotentiesleutel=f"demo:begroting:{gemeente.code}:2026:{wet}:{taakveld}",
        boekdatum=date(2026, 1, 1),
    )
    return post


@transaction.atomic
def demo_betaalbatch_opbouwen() -> Betaalbatch:
    """The demo batch of Utrecht, approved; built once, found the next time."""
    gemeente = Gemeente.objects.get(code=GEMEENTECODE)
    bestaand = Betaalbatch.objects.filter(gemeente=gemeente, omschrijving=OMSCHRIJVING).first()
    if bestaand is not None:
        return bestaand
    budgethouder = _gebruiker("demo_budgethouder")
    beoordelaar = _gebruiker("demo_beoordelaar")
    if not Betaalrekening.objects.filter(gemeente=gemeente).exists():
        services.betaalrekening_vastleggen(
            door=budgethouder,
            gemeente=gemeente,
            naam=f"Gemeente {gemeente.naam}",
            iban=IBAN,
            bic=BIC,
        )
    posten = {wet: _budgetpost(budgethouder, gemeente, wet, tv, b) for wet, tv, b in POSTEN}
    aanbieders = list(Zorgaanbieder.objects.exclude(iban="").order_by("agb_code")[:4])
    if len(aanbieders) < len(MAANDBEDRAGEN):
        raise DomeinFout("De demoregio heeft te weinig aanbieders.", code="demoregio_ontbreekt")
    for aanbieder, (wet, maandbedrag) in zip(aanbieders, MAANDBEDRAGEN, strict=True):
        bron = f"demo-toewijzing-{aanbieder.agb_code}"
        boeking = services.reservering_boeken(
            door=None,
            budgetpost=posten[wet],
            zorgaanbieder=aanbieder,
            bedrag=maandbedrag * 12,
            bron_id=bron,
            idempotentiesleutel=f"demo:{bron}:2026",
            boekdatum=date(2026, 1, 5),
        )
        reservering = Reservering.objects.get(boekingen=boeking)
        realisaties = [
            services.realisatie_boeken(
                door=None,
                reservering=reservering,
                bedrag=maandbedrag,
                bron_id=f"{bron}-{maand}",
                idempotentiesleutel=f"demo:{bron}:prestatie:{maand}",
                boekdatum=date(2026, maand + 1, 8),
            )
            for maand in (1, 2, 3)
        ]
    # The last provider credits part of January (hours declared too many).
    services.realisatie_crediteren(
        door=None,
        realisatie=realisaties[0],
        bedrag=Decimal("415.50"),
        bron_id=f"{bron}-1-credit",
        idempotentiesleutel=f"demo:{bron}:prestatie:1:credit",
        boekdatum=date(2026, 4, 9),
    )
    batch = services.betaalbatch_aanmaken(
        door=budgethouder,
        gemeente=gemeente,
        uitvoeringsdatum=UITVOERINGSDATUM,
        tot_en_met=date(2026, 4, 10),
        omschrijving=OMSCHRIJVING,
    )
    return services.betaalbatch_goedkeuren(door=beoordelaar, batch=batch)

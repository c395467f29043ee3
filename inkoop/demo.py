"""Demo data of inkoop and financien, on top of the region of :mod:`contracten.demo`:

- budgets 2026: budget posts per gemeente (Wmo 6.71 and 6.81, Jeugdwet 6.72 and 6.82) with
  their toewijzingsregels and a budget;
- an open house for kortdurend verblijf and vervoer, with admitted and refused providers;
- a few thousand clients with fictional names and test BSNs (the eleven-test holds; all
  start with 9999), each with one or two toewijzingen at a contracted provider in 2026,
  their reservations, and a 301 in the outbox; a few are withdrawn or removed again.

Everything goes through the services (``door=None``: system work), so the reservations are
real bookings. The plan is drawn from a fixed seed first; a second run finds every object and
writes nothing. Clients are numbered, so ``clienten=500`` builds the first 500 of the same plan.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from stdnum.nl import bsn as stdnum_bsn

from contracten.constants import (
    CONTRACT_LOPEND,
    ContractStatus,
    Eenheid,
    SlaSoort,
    Uitvoeringsvariant,
)
from contracten.demo import ACHTERNAMEN, GEMEENTE_GEWICHT, GEMEENTECODES, STRATEN, VOORNAMEN
from contracten.models import Contract, Product, Productcategorie, Tariefperiode, Zorgaanbieder
from contracten.services import slanorm_vastleggen
from financien import services as financien_services
from financien.models import Budgetpost
from inkoop import services
from inkoop.constants import (
    Besluit,
    InschrijvingStatus,
    Procedure,
    Tariefsoort,
    TrajectStatus,
)
from inkoop.models import Client, Inkooptraject, Inschrijving, Perceel, Toewijzing
from inkoop.services import _basis
from kern.constants import Wet
from kern.models import Gemeente

SEED = 20260101
JAAR = 2026
CLIENTEN = 500
#: Test BSNs: the valid numbers from here on (the 9999 range is not issued to people).
BSN_VANAF = 999_910_000

#: (wet, taakveld, productcategorie of the rule or None for the whole wet, budget in Utrecht;
#: the other gemeenten by their weight). Sized for the demo's clients, not for a real city:
#: the default 500 clients reserve less than half of every post; 2000 overrun some.
BUDGETTEN: tuple[tuple[str, str, str | None, Decimal], ...] = (
    (Wet.WMO, "6.71", None, Decimal("3200000")),
    (Wet.WMO, "6.81", "04", Decimal("150000")),
    (Wet.JW, "6.72", None, Decimal("3600000")),
    (Wet.JW, "6.82", "43", Decimal("400000")),
)
#: Postcode range and place per gemeente.
WOONPLAATSEN = {
    "0344": (3511, 3585, "Utrecht"),
    "0356": (3430, 3439, "Nieuwegein"),
    "1904": (3601, 3608, "Maarssen"),
}
OPEN_HOUSE_PRODUCTEN = (
    ("04A01", Tariefsoort.VAST, "147.85"),
    ("08A01", Tariefsoort.PLAFOND, "15.00"),
)
SLA = {
    SlaSoort.ANTWOORD_VERZOEK: Decimal(5),
    SlaSoort.WACHTTIJD: Decimal(28),
    SlaSoort.START_ZORG_MELDING: Decimal(5),
    SlaSoort.DECLARATIETERMIJN: Decimal(8),
    SlaSoort.AFKEURPERCENTAGE: Decimal(5),
    SlaSoort.CLIENTTEVREDENHEID: Decimal(75),
}


# --- The plan ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ToewijzingPlan:
    aanbieder_id: int
    product_id: int | None
    categorie_id: int | None
    ingangsdatum: date
    einddatum: date
    volume: int | None
    eenheid: str
    frequentie: str
    budget: Decimal | None
    #: What happens after issuing: "" (nothing), "intrekken" or "verwijderen".
    daarna: str = ""


@dataclass(frozen=True)
class ClientPlan:
    gemeentecode: str
    wet: str
    bsn: str
    achternaam: str
    voorvoegsel: str
    voornamen: str
    geboortedatum: date
    geslacht: str
    straatnaam: str
    huisnummer: int
    postcode: str
    plaatsnaam: str
    toewijzingen: tuple[ToewijzingPlan, ...]


@dataclass(frozen=True)
class _Kandidaat:
    aanbieder_id: int
    product: Product


def demo_bsns(aantal: int) -> list[str]:
    """The first ``aantal`` valid BSNs from :data:`BSN_VANAF` (deterministic)."""
    uitkomst: list[str] = []
    getal = BSN_VANAF
    while len(uitkomst) < aantal:
        if stdnum_bsn.is_valid(str(getal)):
            uitkomst.append(str(getal))
        getal += 1
    return uitkomst


def _kandidaten(gemeenten: dict[str, Gemeente]) -> dict[tuple[str, str], list[_Kandidaat]]:
    """Per (gemeentecode, wet) the (provider, product) pairs with a tariff for all of
    :data:`JAAR` in a running contract. One query."""
    begin, eind = date(JAAR, 1, 1), date(JAAR, 12, 31)
    rijen = (
        Tariefperiode.objects.filter(
            is_vervangen=False,
            contract__status__in=CONTRACT_LOPEND,
            contract__nummer__startswith="RU-",  # the region's framework contracts
            contract__ingangsdatum__lte=begin,
            ingangsdatum__lte=begin,
            contract__gemeenten__in=gemeenten.values(),
        )
        .filter(
            Q(einddatum__isnull=True) | Q(einddatum__gte=eind),
            Q(contract__einddatum__isnull=True) | Q(contract__einddatum__gte=eind),
        )
        .exclude(product__uitvoeringsvariant=Uitvoeringsvariant.TAAKGERICHT)
        .values_list("contract__zorgaanbieder_id", "contract__gemeenten__code", "product_id")
        .order_by("contract__zorgaanbieder_id", "product_id", "contract__gemeenten__code")
        .distinct()
    )
    producten = {p.pk: p for p in Product.objects.select_related("categorie")}
    per: dict[tuple[str, str], list[_Kandidaat]] = defaultdict(list)
    for aanbieder_id, code, product_id in rijen:
        product = producten[product_id]
        per[(code, product.categorie.wet)].append(_Kandidaat(aanbieder_id, product))
    return per


_OMVANG: dict[str, tuple[tuple[int, int, int], str]] = {
    # eenheid: ((lowest, highest, step), frequentie)
    Eenheid.UUR: ((1, 6, 1), "2"),
    Eenheid.MINUUT: ((60, 240, 15), "2"),
    Eenheid.DAGDEEL: ((1, 4, 1), "2"),
    Eenheid.ETMAAL: ((2, 8, 1), "4"),
    Eenheid.STUKS_OUTPUT: ((1, 1, 1), "4"),
    Eenheid.STUKS_INSPANNING: ((4, 10, 1), "2"),
    Eenheid.EUROS: ((50000, 300000, 5000), "6"),  # eurocent, totaal
}


def maak_plan(
    *,
    aantal: int,
    kandidaten: dict[tuple[str, str], list[_Kandidaat]],
    seed: int = SEED,
) -> list[ClientPlan]:
    """Draw ``aantal`` clients with their toewijzingen. The same seed and catalogue give the
    same plan; the first n clients of a longer plan are those of a shorter one."""
    rng = random.Random(seed)
    gewichten = [float(GEMEENTE_GEWICHT[c]) for c in GEMEENTECODES]
    plannen: list[ClientPlan] = []
    for bsn in demo_bsns(aantal):
        code = rng.choices(GEMEENTECODES, weights=gewichten)[0]
        wet = Wet.WMO if rng.random() < 0.6 else Wet.JW
        if wet == Wet.WMO:
            geboren = date(1930, 1, 1) + timedelta(days=rng.randint(0, 60 * 365))
        else:
            geboren = date(2008, 1, 1) + timedelta(days=rng.randint(0, 14 * 365))
        naam = rng.choice(ACHTERNAMEN)
        voorvoegsel, _, achternaam = naam.rpartition(" ") if naam[0].islower() else ("", "", naam)
        laag, hoog, plaats = WOONPLAATSEN[code]
        letters = "ABCDEGHJKLMNPRSTVWXZ"
        opties = kandidaten.get((code, wet), [])
        toewijzingen: list[ToewijzingPlan] = []
        gekozen: set[int] = set()
        for _ in range(1 if rng.random() < 0.8 else 2):
            if not opties:
                break
            kandidaat = rng.choice(opties)
            if kandidaat.product.pk in gekozen:
                continue
            gekozen.add(kandidaat.product.pk)
            toewijzingen.append(_toewijzing_plan(rng, kandidaat))
        plannen.append(
            ClientPlan(
                gemeentecode=code,
                wet=wet,
                bsn=bsn,
                achternaam=achternaam,
                voorvoegsel=voorvoegsel,
                voornamen=rng.choice(VOORNAMEN),
                geboortedatum=geboren,
                geslacht=rng.choice("12"),
                straatnaam=rng.choice(STRATEN),
                huisnummer=rng.randint(1, 250),
                postcode=f"{rng.randint(laag, hoog)}{rng.choice(letters)}{rng.choice(letters)}",
                plaatsnaam=plaats,
                toewijzingen=tuple(toewijzingen),
            )
        )
    return plannen


def _toewijzing_plan(rng: random.Random, kandidaat: _Kandidaat) -> ToewijzingPlan:
    product = kandidaat.product
    ingang = date(JAAR, 1, 1) + timedelta(days=rng.randint(0, 240))
    eind = min(ingang + timedelta(days=rng.randint(60, 365)), date(JAAR, 12, 31))
    lot = rng.random()
    daarna = "verwijderen" if lot < 0.01 else "intrekken" if lot < 0.04 else ""
    if rng.random() < 0.05:  # aspecifiek: the category with a budget
        return ToewijzingPlan(
            aanbieder_id=kandidaat.aanbieder_id,
            product_id=None,
            categorie_id=product.categorie_id,
            ingangsdatum=ingang,
            einddatum=eind,
            volume=None,
            eenheid="",
            frequentie="",
            budget=Decimal(rng.randint(10, 60) * 100),
            daarna=daarna,
        )
    (laag, hoog, stap), frequentie = _OMVANG[product.eenheid]
    return ToewijzingPlan(
        aanbieder_id=kandidaat.aanbieder_id,
        product_id=product.pk,
        categorie_id=product.categorie_id,
        ingangsdatum=ingang,
        einddatum=eind,
        volume=rng.randrange(laag, hoog + 1, stap),
        eenheid=product.eenheid,
        frequentie=frequentie,
        budget=None,
        daarna=daarna,
    )


# --- Building ------------------------------------------------------------------------------


@dataclass
class InkoopDemo:
    nieuw: Counter[str] = field(default_factory=Counter)


def _begroting_aanleggen(gemeenten: dict[str, Gemeente], resultaat: InkoopDemo) -> None:
    categorieen = {
        (c.wet, c.code): c for c in Productcategorie.objects.filter(code__in=["04", "43"])
    }
    bestaand = {
        (bp.gemeente_id, bp.wet, bp.taakveld)
        for bp in Budgetpost.objects.filter(gemeente__in=gemeenten.values(), jaar=JAAR)
    }
    for code, gemeente in gemeenten.items():
        for wet, taakveld, categorie, bedrag in BUDGETTEN:
            financien_services.toewijzingsregel_vastleggen(
                door=None,
                gemeente=gemeente,
                wet=wet,
                taakveld=taakveld,
                productcategorie=categorieen[(wet, categorie)] if categorie else None,
            )
            if (gemeente.pk, wet, taakveld) in bestaand:
                continue
            budgetpost = financien_services.budgetpost_aanmaken(
                door=None,
                gemeente=gemeente,
                jaar=JAAR,
                wet=wet,
                taakveld=taakveld,
                omschrijving=f"{'Wmo' if wet == Wet.WMO else 'Jeugdwet'} {taakveld} {JAAR}",
            )
            financien_services.budget_toekennen(
                door=None,
                budgetpost=budgetpost,
                bedrag=(bedrag * GEMEENTE_GEWICHT[code]).quantize(Decimal(1)),
                reden=f"Primitieve begroting {JAAR}",
                besluit=f"Raadsbesluit begroting {JAAR}",
                idempotentiesleutel=f"demo-begroting-{code}-{JAAR}-{wet}-{taakveld}",
            )
            resultaat.nieuw["budgetposten"] += 1


def _open_house_aanleggen(gemeenten: dict[str, Gemeente], resultaat: InkoopDemo) -> None:
    """An open house for kortdurend verblijf and vervoer in the current and next year; the
    providers without those products that hold a running Wmo contract for the whole region
    submit: the first two are admitted, the third refused."""
    vandaag = _basis.vandaag()
    code = f"OH-RU-WMO-{vandaag.year}"
    traject = Inkooptraject.objects.filter(code=code).first()
    if traject is None:
        traject = services.inkooptraject_aanmaken(
            door=None,
            code=code,
            naam="Open house kortdurend verblijf en vervoer regio Utrecht",
            procedure=Procedure.OPEN_HOUSE,
            wet=Wet.WMO,
            gemeenten=list(gemeenten.values()),
            looptijd_begin=date(vandaag.year, 1, 1),
            looptijd_eind=date(vandaag.year + 1, 12, 31),
            omschrijving="Doorlopende toelating tot de raamovereenkomst.",
        )
        perceel = services.perceel_aanmaken(door=None, traject=traject, naam="Verblijf en vervoer")
        producten = {p.productcode: p for p in Product.objects.filter(categorie__wet=Wet.WMO)}
        for productcode, soort, bedrag in OPEN_HOUSE_PRODUCTEN:
            services.perceel_product_toevoegen(
                door=None,
                perceel=perceel,
                product=producten[productcode],
                tariefsoort=soort,
                bedrag=Decimal(bedrag),
            )
        traject = services.inkooptraject_status_wijzigen(
            door=None, traject=traject, status=TrajectStatus.GEPUBLICEERD
        )
        resultaat.nieuw["inkooptrajecten"] += 1
    perceel = Perceel.objects.get(traject=traject)
    if Inschrijving.objects.filter(perceel=perceel).exists():
        return
    codes = [c for c, _s, _b in OPEN_HOUSE_PRODUCTEN]
    al_gecontracteerd = Tariefperiode.objects.filter(product__productcode__in=codes).values(
        "contract__zorgaanbieder_id"
    )
    kandidaten = [
        a
        for a in Zorgaanbieder.objects.exclude(pk__in=al_gecontracteerd).order_by("agb_code")
        if {
            g
            for c in Contract.objects.filter(
                zorgaanbieder=a, status=ContractStatus.ACTIEF, ingangsdatum=date(2025, 1, 1)
            ).prefetch_related("gemeenten")
            for g in c.gemeenten.all()
        }
        >= set(gemeenten.values())
    ][:3]
    for i, aanbieder in enumerate(kandidaten):
        inschrijving = services.inschrijving_indienen(
            door=None,
            perceel=perceel,
            zorgaanbieder=aanbieder,
            tarieven={
                p: Decimal("14.25")
                for p in Product.objects.filter(productcode="08A01", categorie__wet=Wet.WMO)
            },
            toelichting="Wij bieden logeeropvang en vervoer in de hele regio.",
        )
        resultaat.nieuw["inschrijvingen"] += 1
        if i < 2:
            inschrijving = services.inschrijving_beoordelen(
                door=None, inschrijving=inschrijving, besluit=Besluit.TOELATEN
            )
            assert inschrijving.contract is not None
            for norm, waarde in SLA.items():
                slanorm_vastleggen(
                    door=None, contract=inschrijving.contract, soort=norm, waarde=waarde
                )
        else:
            services.inschrijving_beoordelen(
                door=None,
                inschrijving=inschrijving,
                besluit=Besluit.AFWIJZEN,
                reden="Geen aangepast vervoer beschikbaar voor rolstoelgebruikers.",
            )
    resultaat.nieuw["toelatingen"] += Inschrijving.objects.filter(
        perceel=perceel, status=InschrijvingStatus.TOEGELATEN
    ).count()


def _clienten_aanleggen(
    plannen: list[ClientPlan], gemeenten: dict[str, Gemeente], resultaat: InkoopDemo
) -> None:
    al_klaar = set(
        Client.objects.filter(gemeente__in=gemeenten.values(), toewijzingen__isnull=False)
        .values_list("gemeente__code", "bsn")
        .distinct()
    )
    aanbieders = {a.pk: a for a in Zorgaanbieder.objects.all()}
    producten = {p.pk: p for p in Product.objects.select_related("categorie")}
    categorieen = {c.pk: c for c in Productcategorie.objects.all()}
    for plan in plannen:
        if (plan.gemeentecode, plan.bsn) in al_klaar or not plan.toewijzingen:
            continue
        gemeente = gemeenten[plan.gemeentecode]
        client = services.client_vastleggen(
            door=None,
            gemeente=gemeente,
            bsn=plan.bsn,
            geboortedatum=plan.geboortedatum,
            geslacht=plan.geslacht,
            achternaam=plan.achternaam,
            voorvoegsel=plan.voorvoegsel,
            voornamen=plan.voornamen,
            voorletters=plan.voornamen[0],
            straatnaam=plan.straatnaam,
            huisnummer=plan.huisnummer,
            postcode=plan.postcode,
            plaatsnaam=plan.plaatsnaam,
        )
        resultaat.nieuw["cliënten"] += 1
        for tp in plan.toewijzingen:
            toewijzing = services.toewijzing_verstrekken(
                door=None,
                client=client,
                zorgaanbieder=aanbieders[tp.aanbieder_id],
                wet=plan.wet,
                ingangsdatum=tp.ingangsdatum,
                einddatum=tp.einddatum,
                product=producten[tp.product_id] if tp.product_id else None,
                productcategorie=categorieen[tp.categorie_id] if tp.categorie_id else None,
                volume=tp.volume,
                eenheid=tp.eenheid,
                frequentie=tp.frequentie,
                budget_bedrag=tp.budget,
                versturen=False,
            )
            resultaat.nieuw["toewijzingen"] += 1
            if tp.daarna == "intrekken" and tp.einddatum > tp.ingangsdatum:
                services.toewijzing_intrekken(
                    door=None,
                    toewijzing=toewijzing,
                    einddatum=tp.ingangsdatum + (tp.einddatum - tp.ingangsdatum) // 2,
                    reden_wijziging="09",
                    versturen=False,
                )
                resultaat.nieuw["ingetrokken"] += 1
            elif tp.daarna == "verwijderen":
                services.toewijzing_verwijderen(door=None, toewijzing=toewijzing, versturen=False)
                resultaat.nieuw["verwijderd"] += 1
        for aanbieder_id in sorted({tp.aanbieder_id for tp in plan.toewijzingen}):
            services.toewijzingen_versturen(
                door=None, client=client, zorgaanbieder=aanbieders[aanbieder_id], wet=plan.wet
            )


@transaction.atomic
def inkoop_demo_opbouwen(*, clienten: int = CLIENTEN, seed: int = SEED) -> InkoopDemo:
    """Build the inkoop and budget demo on top of the contracten demo (which must exist),
    writing only what is missing. All or nothing."""
    resultaat = InkoopDemo()
    gemeenten = {g.code: g for g in Gemeente.objects.filter(code__in=GEMEENTECODES)}
    _begroting_aanleggen(gemeenten, resultaat)
    _open_house_aanleggen(gemeenten, resultaat)
    plannen = maak_plan(aantal=clienten, kandidaten=_kandidaten(gemeenten), seed=seed)
    _clienten_aanleggen(plannen, gemeenten, resultaat)
    return resultaat


def demo_tellingen() -> dict[str, int]:
    """Totals for the command's summary."""
    return {
        "cliënten": Client.objects.count(),
        "toewijzingen": Toewijzing.objects.count(),
        "budgetposten": Budgetpost.objects.filter(jaar=JAAR).count(),
        "inkooptrajecten": Inkooptraject.objects.count(),
    }

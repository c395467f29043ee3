"""The parts of :mod:`bench.declaraties` that use Django: the region, its month of messages and
the three ways of processing them. Import only after ``django.setup()``.

**The region** (not timed). ``gemeenten`` gemeenten of the CBS list, served (``aangesloten``),
each with a Wmo toewijzingsregel and a budget post 2026 with a budget; ``aanbieders`` providers
(8-digit AGB codes), each with one running contract for all those gemeenten: begeleiding 02A01
at 65.00 per uur and dagbesteding 07A01 at 45.50 per dagdeel. One client per toewijzing
(eleven-proof BSNs from 999000000 on); two in three toewijzingen are begeleiding (12 uur per
maand), one in three dagbesteding (8 dagdelen per maand), all for 2026.

The first toewijzing of each product goes through :func:`inkoop.services.toewijzing_verstrekken`
(contract check, costing, the reservation in financien); the others are written in bulk as
copies of that shape: the Toewijzing, its Reservering of the same amount and period, the
reservation's Boeking with its two legs (beschikbaar -> gereserveerd), the balances of those
accounts and the provider's payable accounts, so the ledger is as the service leaves it. The
bulk toewijzingen were given over the year: their transfers' boekdatums run through the months
of 2026 before today's month (all of 2026 after it; today when none is), so the months the
forecast's trend reads hold their share of new reservations, as in a live region, and not only
when the trend takes in today's month (on its last day)
(:func:`financien.selectors.grootboek_controleren` checks it after the setup). Left out of the
bulk rows: the toewijzing history and the audit rows, which the declaration pipeline never reads.

**The month.** Message ``m`` comes from provider ``m % aanbieders`` and goes to gemeente
``m // aanbieders`` (a provider sends one declaration per gemeente: TR318 refuses a second one
for the same month), all for December 2026, DeclaratieDagtekening 5 January 2027, received from
15 January 2027 09:00 UTC on, one second apart. Providers differ in size: message ``m`` weighs
``1 + m % 5`` and gets that share of the lines and of the toewijzingen (so with the defaults
from 111 to 555 lines, over 33 to 167 toewijzingen). TR389 allows one debit per toewijzing,
product and month, so with more lines than toewijzingen a message also declares the months
before December (late lines, which TR319 allows): 100,000 lines over 30,000 toewijzingen is
3.3 months each.

**The history** (not timed). Before this month the region declared July and August 2026: one
line per toewijzing per month (within its Omvang), sent through the same pipeline, so they are
approved, realised in the ledger and answered; then ANALYZE. A month's look-ups thus run against
a table with earlier months and statistics, as on a live database. Every 40th line of the month
(offset by half, never a faulty one, each toewijzing at most once) is instead a credit of the
toewijzing's August line (VorigReferentieNummer, the same period, volume and amount): approved,
the August debit marked gecrediteerd, the amount back on the reservation.

Every 20th line (5 %) breaks one rule, in turn: a volume above the monthly Omvang (TR321, 9321);
a tariff 5.00 below the contract (TR418, 0611; the amount is the volume times that tariff); a
ToewijzingNummer that does not exist (TR338, 9338); a ProductPeriode that ends on the 15th
(TR388, 9388). Every other line is approved.
"""

from __future__ import annotations

import cProfile
import gc
import hashlib
import json
import logging
import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
from django.db import connection, transaction
from django.db.models import Min, Q, Sum
from django.utils import timezone

from bench.codec import _elfproef_bsns, _proc_status_kb
from contracten.constants import CONTRACT_LOPEND, ContractStatus, Eenheid, Uitvoeringsvariant
from contracten.models import Contract, Product, Productcategorie, Tariefperiode, Zorgaanbieder
from declaraties.constants import DebetCredit, DeclaratieStatus, Kanaal, PrestatieStatus
from declaraties.models import Creditering, Declaratie, Invoer, Prestatie
from declaraties.services.intake import prestatievelden
from financien import services as financien_services
from financien.constants import AANBIEDER_REKENINGEN, BoekingSoort, BronType, RekeningSoort
from financien.models import (
    Boeking,
    Boekingsregel,
    Budgetpost,
    Rekening,
    Reservering,
    Reserveringsperiode,
)
from financien.selectors import grootboek_controleren
from financien.services import Realisatiedeel
from inkoop import services as inkoop_services
from inkoop.constants import ToewijzingStatus
from inkoop.models import Client, Toewijzing, Toewijzingnummering
from iwmo_jw.codec import niveau2_meldingen, parse, schema, serialize, soort, xsd_versie
from iwmo_jw.codec.modellen import (
    BedragMetDC,
    Bericht323,
    BerichtIdentificatie,
    Client323,
    GeslotenPeriode,
    Header,
    Prestatie323,
    Referentie,
    TotaalBedragMetDC,
)
from iwmo_jw.codec.modellen import Declaratie as Declaratie323
from iwmo_jw.codec.xml import lees_xml
from iwmo_jw.constants import BerichtStatus
from iwmo_jw.models import InkomendBericht, UitgaandBericht
from kern.constants import Wet
from kern.models import Gemeente
from kern.opstart import langlevende_objecten_bevriezen
from kern.perioden import eerste_dag_van_maand, laatste_dag_van_maand

WMO323 = soort("WMO323")
JAAR = 2026
DECLARATIEMAAND = 12
DAGTEKENING = date(2027, 1, 5)
ONTVANGEN_VANAF = datetime(2027, 1, 15, 9, 0, tzinfo=UTC)
#: The demo region first, then the CBS list in code order.
GEMEENTECODES = ("0344", "0356", "1904", "0363", "0599", "0518")
#: Every this many lines one breaks a rule.
FOUT_ELKE = 20
#: The rule the faulty lines break, in turn (their retourcode).
FOUTEN = ("9321", "0611", "9338", "9388")
#: The months before this month that the region already declared (history, not timed): one
#: approved line per toewijzing per month, through the pipeline.
GESCHIEDENIS = (7, 8)
#: Every this many lines (offset by half) one is a credit of the toewijzing's line of the last
#: history month instead (a correction after the fact; approved).
CREDIT_ELKE = 40
VLOERTABEL = "bench_vloer_prestatie"
#: The same, logged as the real table is: its commits wait for the WAL to reach the disk.
VLOERTABEL_GELOGD = "bench_vloer_prestatie_gelogd"
#: The logged one with the real table's foreign keys too: PostgreSQL checks every key of every
#: row (at the commit: Django makes them deferred), which the floor does not.
VLOERTABEL_SLEUTELS = "bench_vloer_prestatie_sleutels"


@dataclass(frozen=True, slots=True)
class Productvorm:
    """A product with its contract tariff and the monthly Omvang of its toewijzingen."""

    categorie: str
    code: str
    naam: str
    eenheid: str
    tarief: Decimal
    per_maand: int


PRODUCTEN = (
    Productvorm("02", "02A01", "Begeleiding individueel", Eenheid.UUR.value, Decimal("65.00"), 12),
    Productvorm("07", "07A01", "Dagbesteding", Eenheid.DAGDEEL.value, Decimal("45.50"), 8),
)


def productvorm(toewijzing_index: int) -> int:
    """Two in three toewijzingen are begeleiding, one in three dagbesteding."""
    return 1 if toewijzing_index % 3 == 2 else 0


def gemeenten_nodig(berichten: int, aanbieders: int) -> int:
    return -(-berichten // aanbieders)


def verdelen(totaal: int, aantal: int) -> list[int]:
    """``totaal`` over ``aantal`` messages in proportion to their provider's size: message
    ``m`` weighs ``1 + m % 5`` (providers differ in size, one to five times the smallest),
    each at least 1."""
    if totaal < aantal:
        raise SystemExit(
            f"{totaal} is te weinig voor {aantal} berichten (minstens één per bericht)."
        )
    gewichten = [1 + m % 5 for m in range(aantal)]
    som = sum(gewichten)
    delen = [max(1, totaal * g // som) for g in gewichten]
    m = 0
    while sum(delen) != totaal:
        stap = 1 if sum(delen) < totaal else -1
        if delen[m % aantal] + stap >= 1:
            delen[m % aantal] += stap
        m += 1
    return delen


# --- The region -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TW:
    """What the messages need of a toewijzing."""

    pk: int
    nummer: int
    bsn: str
    vorm: int


@dataclass(slots=True)
class Paar:
    """The provider and gemeente of one message, with the provider's toewijzingen there."""

    aanbieder_pk: int
    agb_code: str
    gemeente_code: str
    toewijzingen: list[TW] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Regio:
    paren: list[Paar]  # one per message, in message order
    gemeenten: int
    toewijzingen: int
    via_service: int


def regio_opbouwen(*, berichten: int, aanbieders: int, toewijzingen: int) -> Regio:
    """Build the region (see the module docstring) and return what the messages need."""
    paren = [(m % aanbieders, m // aanbieders) for m in range(berichten)]
    if toewijzingen < berichten:
        raise SystemExit("Er is minstens één toewijzing per bericht nodig.")
    gemeenten = _gemeenten(gemeenten_nodig(berichten, aanbieders))
    producten = [
        Product.objects.create(
            categorie=Productcategorie.objects.get(wet=Wet.WMO, code=p.categorie),
            productcode=p.code,
            naam=p.naam,
            eenheid=p.eenheid,
            uitvoeringsvariant=Uitvoeringsvariant.INSPANNINGSGERICHT,
            ingangsdatum=date(2020, 1, 1),
        )
        for p in PRODUCTEN
    ]
    aanbieder_rijen = Zorgaanbieder.objects.bulk_create(
        [
            Zorgaanbieder(
                agb_code=f"{73_100_000 + i:08d}",
                naam=f"Zorgaanbieder {i + 1} B.V.",
                kvk_nummer=f"{60_000_000 + i:08d}",
            )
            for i in range(aanbieders)
        ]
    )
    contracten = Contract.objects.bulk_create(
        [
            Contract(
                nummer=f"BENCH-{a.agb_code}",
                zorgaanbieder=a,
                ingangsdatum=date(2025, 1, 1),
                status=ContractStatus.ACTIEF,
            )
            for a in aanbieder_rijen
        ]
    )
    Contract.gemeenten.through.objects.bulk_create(
        [
            Contract.gemeenten.through(contract_id=c.pk, gemeente_id=g.pk)
            for c in contracten
            for g in gemeenten
        ]
    )
    Tariefperiode.objects.bulk_create(
        [
            Tariefperiode(
                contract=c,
                product=product,
                bedrag=vorm.tarief,
                eenheid=vorm.eenheid,
                ingangsdatum=date(2025, 1, 1),
            )
            for c in contracten
            for product, vorm in zip(producten, PRODUCTEN, strict=True)
        ]
    )

    # The pair (so the provider and gemeente) of each toewijzing; the budget of a gemeente
    # holds its reservations with room to spare.
    paar_van = [m for m, n in enumerate(verdelen(toewijzingen, berichten)) for _ in range(n)]
    per_gemeente = Counter(paren[p][1] for p in paar_van)
    budgetposten: dict[int, Budgetpost] = {}
    for gi, g in enumerate(gemeenten):
        financien_services.toewijzingsregel_vastleggen(
            door=None, gemeente=g, wet=Wet.WMO, taakveld="6.71"
        )
        bp = financien_services.budgetpost_aanmaken(
            door=None, gemeente=g, jaar=JAAR, wet=Wet.WMO, taakveld="6.71"
        )
        financien_services.budget_toekennen(
            door=None,
            budgetpost=bp,
            bedrag=Decimal(per_gemeente[gi] * 12_500 + 1_000_000),
            reden="Begroting (benchmark)",
            idempotentiesleutel=f"bench-begroting-{g.code}",
        )
        budgetposten[g.pk] = bp

    bsns = _elfproef_bsns(toewijzingen)
    clienten = Client.objects.bulk_create(
        [
            Client(
                gemeente=gemeenten[paren[paar_van[i]][1]],
                bsn=bsns[i],
                geboortedatum=date(1940, 1, 1) + timedelta(days=i % 20_000),
                achternaam="Benchmark",
            )
            for i in range(toewijzingen)
        ],
        batch_size=5_000,
    )

    def inhoud(i: int) -> dict[str, Any]:
        ai = paren[paar_van[i]][0]
        v = productvorm(i)
        return {
            "client": clienten[i],
            "zorgaanbieder": aanbieder_rijen[ai],
            "wet": Wet.WMO,
            "product": producten[v],
            "ingangsdatum": date(JAAR, 1, 1),
            "einddatum": date(JAAR, 12, 31),
            "volume": PRODUCTEN[v].per_maand,
            "eenheid": PRODUCTEN[v].eenheid,
            "frequentie": "4",  # per maand
        }

    # The first toewijzing of each product through the service; its reservation is the
    # shape of the bulk copies.
    vormen: dict[int, Reservering] = {}
    via_service: set[int] = set()
    for i in range(toewijzingen):
        v = productvorm(i)
        if v in vormen:
            continue
        t = inkoop_services.toewijzing_verstrekken(door=None, versturen=False, **inhoud(i))
        vormen[v] = Reservering.objects.get(bron_type=BronType.TOEWIJZING, bron_id=str(t.uuid))
        via_service.add(i)
        if len(vormen) == len(PRODUCTEN):
            break

    laatste = {
        g.pk: Toewijzingnummering.objects.filter(gemeente=g, wet=Wet.WMO)
        .values_list("laatste", flat=True)
        .first()
        or 0
        for g in gemeenten
    }
    moment = datetime(JAAR - 1, 12, 15, 12, 0, tzinfo=UTC)
    nieuw: list[Toewijzing] = []
    vorm_van: list[int] = []
    for i in range(toewijzingen):
        if i in via_service:
            continue
        velden = inhoud(i)
        gemeente = velden["client"].gemeente
        laatste[gemeente.pk] += 1
        nieuw.append(
            Toewijzing(
                gemeente=gemeente,
                nummer=laatste[gemeente.pk],
                productcategorie=velden["product"].categorie,
                toewijzingsmoment=moment,
                status=ToewijzingStatus.ACTIEF,
                **velden,
            )
        )
        vorm_van.append(productvorm(i))
    Toewijzing.objects.bulk_create(nieuw, batch_size=5_000)
    for g in gemeenten:
        Toewijzingnummering.objects.update_or_create(
            gemeente=g, wet=Wet.WMO, defaults={"laatste": laatste[g.pk]}
        )
    _reserveringen_in_bulk(
        [(t, vormen[v]) for t, v in zip(nieuw, vorm_van, strict=True)], budgetposten
    )

    # What the messages need, per pair.
    uit = [
        Paar(
            aanbieder_pk=aanbieder_rijen[ai].pk,
            agb_code=aanbieder_rijen[ai].agb_code,
            gemeente_code=gemeenten[gi].code,
        )
        for ai, gi in paren
    ]
    index = {(aanbieder_rijen[ai].pk, gemeenten[gi].pk): m for m, (ai, gi) in enumerate(paren)}
    codes = [p.code for p in PRODUCTEN]
    rijen = (
        Toewijzing.objects.filter(gemeente__in=gemeenten)
        .order_by("pk")
        .values_list(
            "pk", "nummer", "client__bsn", "product__productcode", "zorgaanbieder_id", "gemeente_id"
        )
    )
    aantal = 0
    for pk, nummer, bsn, productcode, aanbieder_id, gemeente_id in rijen:
        uit[index[(aanbieder_id, gemeente_id)]].toewijzingen.append(
            TW(pk, nummer, bsn, codes.index(productcode))
        )
        aantal += 1
    return Regio(
        paren=uit, gemeenten=len(gemeenten), toewijzingen=aantal, via_service=len(via_service)
    )


def _gemeenten(aantal: int) -> list[Gemeente]:
    voorkeur = {g.code: g for g in Gemeente.objects.filter(code__in=GEMEENTECODES)}
    gekozen = [voorkeur[c] for c in GEMEENTECODES if c in voorkeur][:aantal]
    if len(gekozen) < aantal:
        gekozen += list(
            Gemeente.objects.exclude(code__in=GEMEENTECODES).order_by("code")[
                : aantal - len(gekozen)
            ]
        )
    if len(gekozen) < aantal:
        raise SystemExit(f"De CBS-lijst heeft geen {aantal} gemeenten.")
    Gemeente.objects.filter(pk__in=[g.pk for g in gekozen]).update(aangesloten=True)
    return gekozen


def _boekdatums(vandaag: date) -> list[date]:
    """The days the bulk toewijzingen were given: the 1st to the 28th of each month of JAAR
    before ``vandaag``'s month, or ``vandaag`` itself when none is (January JAAR or before)."""
    laatste = 12 if vandaag.year > JAAR else vandaag.month - 1 if vandaag.year == JAAR else 0
    dagen = [date(JAAR, m, d) for m in range(1, laatste + 1) for d in range(1, 29)]
    return dagen or [vandaag]


def _reserveringen_in_bulk(
    toewijzingen: list[tuple[Toewijzing, Reservering]], budgetposten: dict[int, Budgetpost]
) -> None:
    """What :func:`financien.services.reservering_boeken` writes for a toewijzing, in bulk: the
    reservation (amount and period of ``vorm``), its transfer beschikbaar -> gereserveerd with
    two legs and the period it set, the new account balances, and the provider's payable
    accounts."""
    reserveringen = Reservering.objects.bulk_create(
        [
            Reservering(
                budgetpost=budgetposten[t.gemeente_id],
                jaar=JAAR,
                zorgaanbieder_id=t.zorgaanbieder_id,
                bron_type=BronType.TOEWIJZING,
                bron_id=str(t.uuid),
                bedrag=vorm.bedrag,
                open_bedrag=vorm.bedrag,
                begindatum=vorm.begindatum,
                einddatum=vorm.einddatum,
            )
            for t, vorm in toewijzingen
        ],
        batch_size=5_000,
    )
    gemeente_van = {bp.pk: gemeente_id for gemeente_id, bp in budgetposten.items()}
    vingerafdruk = hashlib.sha256(b"bench.declaraties").hexdigest()
    boekdatums = _boekdatums(timezone.localdate())
    boekingen = Boeking.objects.bulk_create(
        [
            Boeking(
                gemeente_id=gemeente_van[r.budgetpost_id],
                soort=BoekingSoort.RESERVERING,
                bron_type=BronType.TOEWIJZING,
                bron_id=r.bron_id,
                reservering=r,
                idempotentiesleutel=f"toewijzing:{r.bron_id}:v0:{JAAR}:boeken",
                vingerafdruk=vingerafdruk,
                bedrag=r.bedrag,
                omschrijving="Toewijzing (benchmark)",
                boekdatum=boekdatums[i % len(boekdatums)],
            )
            for i, r in enumerate(reserveringen)
        ],
        batch_size=5_000,
    )
    Reserveringsperiode.objects.bulk_create(
        [
            Reserveringsperiode(
                reservering=r, boeking=b, begindatum=r.begindatum, einddatum=r.einddatum
            )
            for b, r in zip(boekingen, reserveringen, strict=True)
        ],
        batch_size=5_000,
    )
    rekeningen = {
        (r.budgetpost_id, r.soort): r
        for r in Rekening.objects.filter(
            budgetpost__in=budgetposten.values(),
            soort__in=[RekeningSoort.BESCHIKBAAR, RekeningSoort.GERESERVEERD],
        )
    }
    regels = []
    per_rekening: dict[int, Decimal] = defaultdict(Decimal)
    for boeking, r in zip(boekingen, reserveringen, strict=True):
        for soort_, bedrag in (
            (RekeningSoort.BESCHIKBAAR, -r.bedrag),
            (RekeningSoort.GERESERVEERD, r.bedrag),
        ):
            rekening = rekeningen[(r.budgetpost_id, soort_)]
            regels.append(Boekingsregel(boeking=boeking, rekening=rekening, bedrag=bedrag))
            per_rekening[rekening.pk] += bedrag
    Boekingsregel.objects.bulk_create(regels, batch_size=10_000)
    for rekening in rekeningen.values():
        Rekening.objects.filter(pk=rekening.pk).update(
            saldo=rekening.saldo + per_rekening[rekening.pk]
        )
    Rekening.objects.bulk_create(
        [
            Rekening(budgetpost_id=bp, soort=soort_, zorgaanbieder_id=aanbieder)
            for bp, aanbieder in sorted(
                {(r.budgetpost_id, r.zorgaanbieder_id) for r in reserveringen}
            )
            for soort_ in AANBIEDER_REKENINGEN
        ],
        ignore_conflicts=True,
    )


# --- The messages -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Bericht:
    """One generated message: its file, moment of receipt, lines and planned rejections."""

    nummer: int
    bestand: Path
    ontvangen_op: datetime
    prestaties: int
    fouten: dict[str, int]
    credits: int = 0


def _maand(maand: int) -> tuple[date, date]:
    begin = date(JAAR, maand, 1)
    return begin, laatste_dag_van_maand(begin)


def _historisch_volume(k: int, vorm: Productvorm) -> int:
    """The volume of history line ``k`` of a pair (within the monthly Omvang)."""
    return 1 + k % vorm.per_maand


def _historische_referentie(maand: int, nummer: int, k: int) -> str:
    return f"H{maand:02d}{nummer:05d}{k:06d}"


def _prestatie(
    referentie: Referentie,
    toewijzing_nummer: int,
    vorm: Productvorm,
    periode: tuple[date, date],
    volume: int,
    tarief: Decimal,
    debet_credit: str = "D",
) -> Prestatie323:
    """One line of a generated 323: ``volume`` units of ``vorm`` at ``tarief``."""
    return Prestatie323(
        product_referentie=referentie,
        toewijzing_nummer=toewijzing_nummer,
        product_categorie=vorm.categorie,
        product_code=vorm.code,
        product_periode=GeslotenPeriode(begindatum=periode[0], einddatum=periode[1]),
        geleverd_volume=volume,
        eenheid=vorm.eenheid,
        product_tarief=tarief,
        ingediend_bedrag=BedragMetDC(bedrag=volume * tarief, debet_credit=debet_credit),
    )


def historisch_bericht(paar: Paar, nummer: int, maand: int) -> Bericht323:
    """The declaration of pair ``nummer`` over history month ``maand``: one approved line per
    toewijzing of the pair."""
    per_client: dict[str, list[Prestatie323]] = defaultdict(list)
    begin, eind = _maand(maand)
    totaal = Decimal(0)
    for k, tw in enumerate(paar.toewijzingen):
        vorm = PRODUCTEN[tw.vorm]
        volume = _historisch_volume(k, vorm)
        totaal += volume * vorm.tarief
        per_client[tw.bsn].append(
            _prestatie(
                Referentie(referentie_nummer=_historische_referentie(maand, nummer, k)),
                tw.nummer,
                vorm,
                (begin, eind),
                volume,
                vorm.tarief,
            )
        )
    dagtekening = eind + timedelta(days=5)
    return _bericht323(
        paar,
        identificatie=f"H{maand:02d}{nummer:06d}",
        declaratienummer=f"H{maand:02d}{nummer:06d}",
        periode=GeslotenPeriode(begindatum=begin, einddatum=eind),
        dagtekening=dagtekening,
        totaal=totaal,
        per_client=per_client,
    )


def _bericht323(
    paar: Paar,
    *,
    identificatie: str,
    declaratienummer: str,
    periode: GeslotenPeriode,
    dagtekening: date,
    totaal: Decimal,
    per_client: dict[str, list[Prestatie323]],
) -> Bericht323:
    return Bericht323(
        soort=WMO323,
        header=Header(
            afzender=paar.agb_code,
            ontvanger=paar.gemeente_code,
            bericht_identificatie=BerichtIdentificatie(
                identificatie=identificatie, dagtekening=dagtekening
            ),
            xsd_versie=xsd_versie(WMO323),
        ),
        declaratie=Declaratie323(
            declaratie_nummer=declaratienummer,
            declaratie_periode=periode,
            declaratie_dagtekening=dagtekening,
            totaal_ingediend_bedrag=TotaalBedragMetDC(
                totaal_bedrag=abs(totaal), debet_credit="C" if totaal < 0 else "D"
            ),
            clienten=tuple(
                Client323(bsn=bsn, prestaties=tuple(regels)) for bsn, regels in per_client.items()
            ),
        ),
    )


def geschiedenis_verwerken(regio: Regio) -> int:
    """Send the history months' declarations through the pipeline (not timed); returns the
    lines. Every line is approved, realised and answered like any other."""
    from iwmo_jw.services import bericht_ontvangen

    regels = 0
    for maand in GESCHIEDENIS:
        ontvangen_op = datetime(JAAR, maand + 1, 10, 9, 0, tzinfo=UTC)
        for nummer, paar in enumerate(regio.paren):
            model = historisch_bericht(paar, nummer, maand)
            bericht_ontvangen(
                data=serialize(model, valideren=nummer == 0),
                bestandsnaam=f"geschiedenis-{maand:02d}-{nummer:04d}.xml",
                ontvangen_op=ontvangen_op + timedelta(seconds=nummer),
            )
            regels += len(paar.toewijzingen)
    return regels


def _is_fout(g: int) -> bool:
    return g % FOUT_ELKE == FOUT_ELKE - 1


def _is_credit(g: int) -> bool:
    return bool(GESCHIEDENIS) and g % CREDIT_ELKE == CREDIT_ELKE // 2 and not _is_fout(g)


def bericht_maken(paar: Paar, nummer: int, aantal: int, eerste_regel: int) -> Bericht323:
    """Message ``nummer`` with ``aantal`` lines over the toewijzingen of ``paar``; line ``g``
    (counted over all messages from ``eerste_regel``) breaks a rule when ``g % FOUT_ELKE`` is
    ``FOUT_ELKE - 1`` (see the module docstring)."""
    tws = paar.toewijzingen
    maanden = -(-aantal // len(tws))
    if maanden > DECLARATIEMAAND:
        raise SystemExit(
            f"Bericht {nummer}: {aantal} prestaties over {len(tws)} toewijzingen vraagt "
            f"{maanden} maanden; meer dan {DECLARATIEMAAND} kan niet."
        )
    per_client: dict[str, list[Prestatie323]] = defaultdict(list)
    totaal = Decimal(0)
    for j in range(aantal):
        g = eerste_regel + j
        tw = tws[j % len(tws)]
        vorm = PRODUCTEN[tw.vorm]
        begin, eind = _maand(DECLARATIEMAAND - j // len(tws))
        volume = 1 + g % vorm.per_maand
        tarief = vorm.tarief
        toewijzing_nummer = tw.nummer
        vorig, debet_credit = None, "D"
        if _is_credit(g) and j < len(tws):  # each history line credited once
            # The toewijzing's line of the last history month, credited in full.
            k = j % len(tws)
            vorig = _historische_referentie(GESCHIEDENIS[-1], nummer, k)
            begin, eind = _maand(GESCHIEDENIS[-1])
            volume = _historisch_volume(k, vorm)
            debet_credit = "C"
        if _is_fout(g):
            fout = FOUTEN[(g // FOUT_ELKE) % len(FOUTEN)]
            if fout == "9321":
                volume = vorm.per_maand + 1 + g % 3
            elif fout == "0611":
                tarief -= Decimal("5.00")
            elif fout == "9338":
                toewijzing_nummer = 900_000_000 + g
            else:  # 9388
                eind = begin.replace(day=15)
        bedrag = volume * tarief
        totaal += -bedrag if debet_credit == "C" else bedrag
        per_client[tw.bsn].append(
            _prestatie(
                Referentie(
                    referentie_nummer=f"R{nummer:05d}{j:06d}", vorig_referentie_nummer=vorig
                ),
                toewijzing_nummer,
                vorm,
                (begin, eind),
                volume,
                tarief,
                debet_credit,
            )
        )
    begin, eind = _maand(DECLARATIEMAAND)
    return _bericht323(
        paar,
        identificatie=f"B{nummer:06d}",
        declaratienummer=f"D{nummer:06d}",
        periode=GeslotenPeriode(begindatum=begin, einddatum=eind),
        dagtekening=DAGTEKENING,
        totaal=totaal,
        per_client=per_client,
    )


def berichten_maken(
    regio: Regio, prestaties: int, map_: Path
) -> tuple[list[Bericht], list[list[tuple[Any, ...]]]]:
    """Write the month's messages to ``map_`` (with ``berichten.json`` for the pipeline's
    process) and return them with the rows each would store, for the floor."""
    map_.mkdir(parents=True, exist_ok=True)
    for oud in map_.glob("bericht-*.xml"):
        oud.unlink()
    aantal = len(regio.paren)
    velden = _vloervelden()
    # The floor's rows name a declaration of their provider (the history's first), as the
    # foreign key (declaratie, zorgaanbieder) of the real table asks.
    declaratie_van = dict(
        Declaratie.objects.values("zorgaanbieder_id")
        .annotate(eerste=Min("id"))
        .values_list("zorgaanbieder_id", "eerste")
    )
    berichten: list[Bericht] = []
    rijen: list[list[tuple[Any, ...]]] = []
    eerste = 0
    for m, (paar, n) in enumerate(zip(regio.paren, verdelen(prestaties, aantal), strict=True)):
        model = bericht_maken(paar, m, n, eerste)
        # The first message is checked at levels 1 and 2 here; the pipeline checks them all.
        data = serialize(model, valideren=m == 0)
        if m == 0 and niveau2_meldingen(model):
            raise SystemExit(f"Het eerste bericht faalt op niveau 2: {niveau2_meldingen(model)}")
        bestand = map_ / f"bericht-{m:04d}.xml"
        bestand.write_bytes(data)
        fouten = Counter(
            FOUTEN[(g // FOUT_ELKE) % len(FOUTEN)] for g in range(eerste, eerste + n) if _is_fout(g)
        )
        berichten.append(
            Bericht(
                nummer=m,
                bestand=bestand,
                ontvangen_op=ONTVANGEN_VANAF + timedelta(seconds=m),
                prestaties=n,
                fouten=dict(fouten),
                credits=sum(
                    1 for j in range(n) if _is_credit(eerste + j) and j < len(paar.toewijzingen)
                ),
            )
        )
        rijen.append(
            _vloerrijen(model, declaratie_van.get(paar.aanbieder_pk, 0), eerste, paar, velden)
        )
        eerste += n
    (map_ / "berichten.json").write_text(
        json.dumps(
            [
                {
                    "bestand": str(b.bestand),
                    "ontvangen_op": b.ontvangen_op.isoformat(),
                    "prestaties": b.prestaties,
                }
                for b in berichten
            ]
        )
    )
    return berichten, rijen


# --- (a) The floor ----------------------------------------------------------------------------


def _vloervelden() -> list[Any]:
    """The columns the pipeline stores (the uuid comes from the table's default in both)."""
    return prestatievelden()


def _vloerrijen(
    model: Bericht323, declaratie_id: int, eerste: int, paar: Paar, velden: Sequence[Any]
) -> list[tuple[Any, ...]]:
    """The prestatie rows of a message as the pipeline stores them (all approved), as tuples
    in the column order of ``velden``, naming declaration ``declaratie_id`` (0: none) with
    line numbers from ``eerste + 1`` (the month's messages of one provider share it)."""
    pks = {t.nummer: t.pk for t in paar.toewijzingen}
    rijen: list[tuple[Any, ...]] = []
    for client in model.declaratie.clienten:
        for p in client.prestaties:
            rij = Prestatie(
                declaratie_id=declaratie_id,
                regelnummer=eerste + len(rijen) + 1,
                zorgaanbieder_id=paar.aanbieder_pk,
                bsn=client.bsn,
                toewijzing_id=pks.get(p.toewijzing_nummer),
                toewijzingnummer=p.toewijzing_nummer,
                referentienummer=p.product_referentie.referentie_nummer,
                vorig_referentienummer=p.product_referentie.vorig_referentie_nummer or "",
                productcategorie=p.product_categorie,
                productcode=p.product_code,
                periode_begin=p.product_periode.begindatum,
                periode_eind=p.product_periode.einddatum,
                geleverd_volume=p.geleverd_volume,
                eenheid=p.eenheid,
                product_tarief=p.product_tarief,
                ingediend_bedrag=p.ingediend_bedrag.bedrag,
                debet_credit=p.ingediend_bedrag.debet_credit,
                status=PrestatieStatus.TOEGEKEND,
                retourcodes="",
                toegekend_bedrag=p.ingediend_bedrag.bedrag,
            )
            rijen.append(tuple(getattr(rij, f.attname) for f in velden))
    return rijen


def vloertabel_maken(database_url: str) -> None:
    """Three tables shaped like the prestatie table (columns, defaults, checks and indexes):
    an unlogged one without foreign keys, the floor's; a logged one, as durable as the real
    table, to show what the write-ahead log costs; and a logged one with the real table's
    foreign keys, to show what checking them costs."""
    echt = Prestatie._meta.db_table
    with psycopg.connect(database_url, autocommit=True) as pg:
        for tabel, soort in (
            (VLOERTABEL, "UNLOGGED TABLE"),
            (VLOERTABEL_GELOGD, "TABLE"),
            (VLOERTABEL_SLEUTELS, "TABLE"),
        ):
            pg.execute(f"DROP TABLE IF EXISTS {tabel}")
            pg.execute(f"CREATE {soort} {tabel} (LIKE {echt} INCLUDING ALL)")
        sleutels = pg.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
            [echt],
        ).fetchall()
        for (definitie,) in sleutels:
            pg.execute(f"ALTER TABLE {VLOERTABEL_SLEUTELS} ADD {definitie}")


def vloer_sleutels_mogelijk(rijen: Sequence[list[tuple[Any, ...]]]) -> bool:
    """Whether the floor's rows can go into the table with foreign keys: each message's
    rows name a declaration of their provider, which the history months made."""
    kolom = [f.attname for f in _vloervelden()].index("declaratie_id")
    return all(rij[kolom] for bericht in rijen for rij in bericht[:1])


def vloer(
    database_url: str,
    berichten: Sequence[bytes],
    rijen: Sequence[list[tuple[Any, ...]]],
    *,
    tabel: str = VLOERTABEL,
) -> float:
    """Seconds for: per message, lxml parse + XSD validation + COPY of its rows in a
    transaction of its own. The table is emptied first (not timed)."""
    kolommen = ", ".join(f.column for f in _vloervelden())
    xsd = schema(WMO323)
    with psycopg.connect(database_url) as pg:
        pg.execute(f"TRUNCATE {tabel}")
        pg.commit()
        begin = time.perf_counter()
        for data, regels in zip(berichten, rijen, strict=True):
            boom = lees_xml(data, max_grootte=len(data))
            if not xsd.validate(boom):
                raise SystemExit("Een gegenereerd bericht voldoet niet aan het XSD.")
            with pg.cursor() as cur, cur.copy(f"COPY {tabel} ({kolommen}) FROM STDIN") as copy:
                for regel in regels:
                    copy.write_row(regel)
            pg.commit()
        return time.perf_counter() - begin


# --- (b) The pipeline -------------------------------------------------------------------------


class _Teller:
    """Counts the queries of the connection it wraps (``connection.execute_wrapper``) and adds
    up their time (sending, the server's work and the rows coming back; not the commits), in
    all and per statement text in ``tijden`` (shared by every message; :func:`_vormen` folds
    the texts into shapes afterwards, so the clock of (b) does not pay for it)."""

    def __init__(self, tijden: dict[str, list[float]]) -> None:
        self.aantal = 0
        self.seconden = 0.0
        self.tijden = tijden

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        self.aantal += 1
        begin = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            duur = time.perf_counter() - begin
            self.seconden += duur
            per = self.tijden.get(sql)
            if per is None:
                per = self.tijden[sql] = [0, 0.0]
            per[0] += 1
            per[1] += duur


class _Committeller:
    """Times the commits of Django's connection (which ``execute_wrapper`` does not see): the
    deferred foreign-key checks of the transaction's rows run then (most of a commit's time:
    about 4 µs per key per prestatie), and the WAL is flushed."""

    def __init__(self) -> None:
        self.aantal = 0
        self.seconden = 0.0
        self._echt = connection._commit  # type: ignore[attr-defined]

    def __enter__(self) -> _Committeller:
        def commit() -> None:
            begin = time.perf_counter()
            try:
                self._echt()
            finally:
                self.aantal += 1
                self.seconden += time.perf_counter() - begin

        connection._commit = commit  # type: ignore[attr-defined]
        return self

    def __exit__(self, *_: object) -> None:
        connection._commit = self._echt  # type: ignore[attr-defined]


class _Vuilnisteller:
    """Counts the garbage collector's rounds while it is entered and adds up their time: per
    generation (0, 1, 2), the number of rounds and the seconds."""

    def __init__(self) -> None:
        self.rondes = [[0, 0.0], [0, 0.0], [0, 0.0]]
        self._begin = 0.0

    def _terugroep(self, fase: str, info: dict[str, Any]) -> None:
        if fase == "start":
            self._begin = time.perf_counter()
            return
        ronde = self.rondes[info["generation"]]
        ronde[0] += 1
        ronde[1] += time.perf_counter() - self._begin

    def __enter__(self) -> _Vuilnisteller:
        gc.callbacks.append(self._terugroep)
        return self

    def __exit__(self, *_: object) -> None:
        gc.callbacks.remove(self._terugroep)


def _vormen(tijden: dict[str, list[float]]) -> list[tuple[float, int, str]]:
    """(seconds, count, shape) per statement shape, most time first."""
    per_vorm: dict[str, list[float]] = {}
    for sql, (aantal, seconden) in tijden.items():
        vorm = per_vorm.setdefault(_vorm(sql), [0, 0.0])
        vorm[0] += aantal
        vorm[1] += seconden
    return sorted(((v[1], int(v[0]), k) for k, v in per_vorm.items()), reverse=True)


def _vorm(sql: str) -> str:
    """A statement's shape: its start, with lists of placeholders folded."""
    return re.sub(r"(%s, )+%s", "%s…", " ".join(sql.split()))[:150]


def pijplijn(manifest: Path, profiel: Path | None = None) -> dict[str, Any]:
    """Run every message of ``manifest`` through ``bericht_ontvangen``, one after the other,
    in this process. Returns per message (lines, queries, seconds, seconds in statements) and
    the memory figures."""
    from celery.signals import task_postrun, task_prerun

    from iwmo_jw.services import bericht_ontvangen

    berichten = json.loads(manifest.read_text())
    taaktijd = [0.0]
    gestart: list[float] = []

    def voor(**_: Any) -> None:
        gestart.append(time.perf_counter())

    def na(**_: Any) -> None:
        taaktijd[0] += time.perf_counter() - gestart.pop()

    task_prerun.connect(voor, weak=False)
    task_postrun.connect(na, weak=False)
    connection.ensure_connection()
    rss_begin = _proc_status_kb("VmRSS")
    profiler = cProfile.Profile() if profiel is not None else None
    metingen = []
    tijden: dict[str, list[float]] = {}
    commits = _Committeller()
    commits.__enter__()
    # Loaded and connected: from here this process is a worker, which freezes what start-up
    # made (config/celery.py).
    langlevende_objecten_bevriezen()
    vuilnis = _Vuilnisteller()
    vuilnis.__enter__()
    for b in berichten:
        data = Path(b["bestand"]).read_bytes()
        ontvangen_op = datetime.fromisoformat(b["ontvangen_op"])
        teller = _Teller(tijden)
        with connection.execute_wrapper(teller):
            if profiler is not None:
                profiler.enable()
            begin = time.perf_counter()
            bericht_ontvangen(
                data=data, bestandsnaam=Path(b["bestand"]).name, ontvangen_op=ontvangen_op
            )
            seconden = time.perf_counter() - begin
            if profiler is not None:
                profiler.disable()
        metingen.append((b["prestaties"], teller.aantal, seconden, teller.seconden))
        del data
    vuilnis.__exit__()
    commits.__exit__()
    if profiler is not None and profiel is not None:
        profiler.dump_stats(str(profiel))
    return {
        "commits": (commits.aantal, commits.seconden),
        "vuilnis": vuilnis.rondes,
        "metingen": metingen,
        "querytijden": _vormen(tijden),
        "taken_seconden": taaktijd[0],
        "rss_begin_kib": rss_begin,
        "piek_kib": _proc_status_kb("VmHWM"),
    }


def pijplijn_in_partijen(manifest: Path, partij: int, tegelijk: int = 1) -> dict[str, Any]:
    """Run every message of ``manifest`` through ``berichten_ontvangen`` in batches of
    ``partij``, as ``bericht_inlezen`` does with a folder, in this process: the bytes are read
    before the clock starts, as for (b). Returns the seconds, the queries and the seconds of
    the alert evaluations."""
    from celery.signals import task_postrun, task_prerun

    from iwmo_jw.services import Aanlevering, Ontvangst, berichten_ontvangen

    berichten = json.loads(manifest.read_text())
    aanleveringen = [
        Aanlevering(
            data=Path(b["bestand"]).read_bytes(),
            bestandsnaam=Path(b["bestand"]).name,
            ontvangen_op=datetime.fromisoformat(b["ontvangen_op"]),
        )
        for b in berichten
    ]
    taaktijd = [0.0]
    gestart: list[float] = []

    def voor(**_: Any) -> None:
        gestart.append(time.perf_counter())
        taken[0] += 1

    taken = [0]

    def na(**_: Any) -> None:
        taaktijd[0] += time.perf_counter() - gestart.pop()

    task_prerun.connect(voor, weak=False)
    task_postrun.connect(na, weak=False)
    connection.ensure_connection()
    langlevende_objecten_bevriezen()  # as bericht_inlezen does
    teller = _Teller({})
    teruggedraaid = _Teruggedraaid()
    logging.getLogger("iwmo_jw.services.ontvangen").addHandler(teruggedraaid)
    with connection.execute_wrapper(teller), _Committeller() as commits:
        begin = time.perf_counter()
        uitkomsten = list(
            berichten_ontvangen(berichten=aanleveringen, partij=partij, tegelijk=tegelijk)
        )
        seconden = time.perf_counter() - begin
    logging.getLogger("iwmo_jw.services.ontvangen").removeHandler(teruggedraaid)
    if not all(isinstance(u, Ontvangst) and u.nieuw for u in uitkomsten):
        raise SystemExit("Een bericht van de partijen werd niet als nieuw ontvangen.")
    return {
        "seconden": seconden,
        "queries": teller.aantal,
        "statements_seconden": teller.seconden,
        "commits": (commits.aantal, commits.seconden),
        "taken_seconden": taaktijd[0],
        "taken": taken[0],
        "teruggedraaid": teruggedraaid.oorzaken,
        "piek_kib": _proc_status_kb("VmHWM"),
    }


class _Teruggedraaid(logging.Handler):
    """Collects why batches were rolled back and processed one by one (the berichtenbox logs
    it as a warning, with the exception's type)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.oorzaken: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage().startswith("Een partij van"):
            args = record.args if isinstance(record.args, tuple) else ()
            self.oorzaken.append(str(args[-1]) if args else "")


# --- (c) The naive reference ------------------------------------------------------------------


def _naief_beoordelen(
    p: Prestatie323,
    bsn: str,
    *,
    gemeente: Gemeente,
    zorgaanbieder: Zorgaanbieder,
) -> tuple[list[str], Toewijzing | None]:
    """The rules of the naive reference, each with its own ORM queries: reference unique
    (8021), toewijzing known (9338) and of this client (8187), product (9340), period within
    the toewijzing (9307, 9308) and whole months (9387, 9388), monthly volume with what was
    approved before (9321), contract tariff (0611) and amount (9346)."""
    codes = []
    per = p.product_periode
    if Prestatie.objects.filter(
        zorgaanbieder=zorgaanbieder, referentienummer=p.product_referentie.referentie_nummer
    ).exists():
        codes.append("8021")
    toewijzing = (
        Toewijzing.objects.select_related("client", "product")
        .filter(gemeente=gemeente, wet=Wet.WMO, zorgaanbieder=zorgaanbieder)
        .filter(nummer=p.toewijzing_nummer)
        .first()
    )
    if toewijzing is None:
        codes.append("9338")
    else:
        if toewijzing.client.bsn != bsn:
            codes.append("8187")
        if toewijzing.product is not None and toewijzing.product.productcode != p.product_code:
            codes.append("9340")
        if per.begindatum < toewijzing.ingangsdatum:
            codes.append("9307")
        if toewijzing.einddatum is not None and per.einddatum > toewijzing.einddatum:
            codes.append("9308")
        if per.begindatum != eerste_dag_van_maand(per.begindatum):
            codes.append("9387")
        if per.einddatum != laatste_dag_van_maand(per.einddatum):
            codes.append("9388")
        eerder = (
            Prestatie.objects.filter(
                toewijzing=toewijzing,
                periode_begin__gte=eerste_dag_van_maand(per.begindatum),
                periode_begin__lte=laatste_dag_van_maand(per.begindatum),
                status=PrestatieStatus.TOEGEKEND,
                debet_credit=DebetCredit.DEBET,
            ).aggregate(volume=Sum("geleverd_volume"))["volume"]
            or 0
        )
        credit = p.ingediend_bedrag.debet_credit == DebetCredit.CREDIT
        if (
            not credit
            and toewijzing.volume is not None
            and eerder + p.geleverd_volume > toewijzing.volume
        ):
            codes.append("9321")
    tarief = (
        Tariefperiode.objects.filter(
            is_vervangen=False,
            contract__zorgaanbieder=zorgaanbieder,
            contract__gemeenten=gemeente,
            contract__status__in=CONTRACT_LOPEND,
            product__categorie__wet=Wet.WMO,
            product__productcode=p.product_code,
            ingangsdatum__lte=per.einddatum,
        )
        .filter(Q(einddatum__isnull=True) | Q(einddatum__gte=per.begindatum))
        .first()
    )
    if tarief is None or tarief.bedrag.amount != p.product_tarief:  # a djmoney Money
        codes.append("0611")
    if (
        p.product_tarief is not None
        and p.geleverd_volume * p.product_tarief != p.ingediend_bedrag.bedrag
    ):
        codes.append("9346")
    return codes, toewijzing


def _naief_bericht(data: bytes, ontvangen_op: datetime) -> tuple[int, int]:
    """Process one message the naive way; returns (lines, rejected lines)."""
    model = parse(data, max_grootte=len(data))
    if not isinstance(model, Bericht323) or niveau2_meldingen(model):
        raise SystemExit("Het naïeve pad kreeg een bericht dat niveau 1 of 2 niet haalt.")
    decl = model.declaratie
    zorgaanbieder = Zorgaanbieder.objects.get(agb_code=model.header.afzender)
    gemeente = Gemeente.objects.get(code=model.header.ontvanger)
    invoer = Invoer.objects.create(
        kanaal=Kanaal.API,
        zorgaanbieder=zorgaanbieder,
        idempotentiesleutel=f"naief-{model.header.identificatie}",
        sha256=hashlib.sha256(data).hexdigest(),
        inhoud=data,
        ontvangen_op=ontvangen_op,
    )
    declaratie = Declaratie.objects.create(
        gemeente=gemeente,
        wet=Wet.WMO,
        zorgaanbieder=zorgaanbieder,
        kanaal=Kanaal.API,
        invoer=invoer,
        berichtidentificatie=model.header.identificatie,
        declaratienummer=decl.declaratie_nummer,
        periode_begin=decl.declaratie_periode.begindatum,
        periode_eind=decl.declaratie_periode.einddatum,
        dagtekening=decl.declaratie_dagtekening,
        totaal_ingediend_bedrag=decl.totaal_ingediend_bedrag.totaal_bedrag,
        status=DeclaratieStatus.ONTVANGEN,
        ontvangen_op=ontvangen_op,
        uiterste_antwoorddatum=ontvangen_op.date() + timedelta(days=14),
    )
    regelnummer = afgewezen = 0
    toegekend_totaal = Decimal(0)
    for client in decl.clienten:
        for p in client.prestaties:
            regelnummer += 1
            codes, toewijzing = _naief_beoordelen(
                p, client.bsn, gemeente=gemeente, zorgaanbieder=zorgaanbieder
            )
            bedrag = p.ingediend_bedrag.bedrag
            prestatie = Prestatie(
                declaratie=declaratie,
                regelnummer=regelnummer,
                zorgaanbieder=zorgaanbieder,
                bsn=client.bsn,
                toewijzing=toewijzing,
                toewijzingnummer=p.toewijzing_nummer,
                referentienummer=p.product_referentie.referentie_nummer,
                vorig_referentienummer=p.product_referentie.vorig_referentie_nummer or "",
                productcategorie=p.product_categorie,
                productcode=p.product_code,
                periode_begin=p.product_periode.begindatum,
                periode_eind=p.product_periode.einddatum,
                geleverd_volume=p.geleverd_volume,
                eenheid=p.eenheid,
                product_tarief=p.product_tarief,
                ingediend_bedrag=bedrag,
                debet_credit=p.ingediend_bedrag.debet_credit,
                status=PrestatieStatus.AFGEWEZEN if codes else PrestatieStatus.TOEGEKEND,
                retourcodes=",".join(codes),
                toegekend_bedrag=Decimal(0) if codes else bedrag,
            )
            prestatie.save()
            if codes or toewijzing is None:
                afgewezen += 1
                continue
            if p.ingediend_bedrag.debet_credit == DebetCredit.CREDIT:
                # The debit it credits, marked; the amount back to the reservation.
                debet = Prestatie.objects.get(
                    zorgaanbieder=zorgaanbieder,
                    referentienummer=p.product_referentie.vorig_referentie_nummer,
                    debet_credit=DebetCredit.DEBET,
                )
                debet.status = PrestatieStatus.GECREDITEERD
                debet.save(update_fields=["status"])
                Creditering.objects.create(credit=prestatie, debet=debet)
                financien_services.declaratie_boeken(
                    door=None,
                    gemeente_id=gemeente.pk,
                    bron_id=str(prestatie.uuid),
                    delen=[
                        Realisatiedeel(
                            toewijzing=str(toewijzing.uuid),
                            jaar=p.product_periode.begindatum.year,
                            bedrag=-bedrag,
                            zorgaanbieder_id=zorgaanbieder.pk,
                        )
                    ],
                    idempotentiesleutel=f"naief-credit:{prestatie.uuid}",
                )
                toegekend_totaal -= bedrag
                continue
            reservering = Reservering.objects.get(
                bron_type=BronType.TOEWIJZING,
                bron_id=str(toewijzing.uuid),
                jaar=p.product_periode.begindatum.year,
            )
            financien_services.realisatie_boeken(
                door=None,
                reservering=reservering,
                bedrag=bedrag,
                bron_id=str(prestatie.uuid),
                idempotentiesleutel=f"prestatie:{prestatie.uuid}",
                omschrijving=f"Prestatie {prestatie.referentienummer}",
            )
            toegekend_totaal += bedrag
    declaratie.totaal_toegekend_bedrag = toegekend_totaal
    declaratie.status = DeclaratieStatus.BEANTWOORD
    declaratie.save(update_fields=["totaal_toegekend_bedrag", "status"])
    return regelnummer, afgewezen


def naief(berichten: Sequence[Bericht]) -> tuple[float, int, int, int]:
    """Seconds, lines, rejected lines and queries of the naive reference over ``berichten``.
    Each message runs in a transaction that is rolled back, so the database stays as the
    pipeline must find it (the commits, and the alerts after them, are not paid)."""
    seconden = 0.0
    regels = afgewezen = queries = 0
    for b in berichten:
        data = b.bestand.read_bytes()
        teller = _Teller({})
        with connection.execute_wrapper(teller):
            begin = time.perf_counter()
            with transaction.atomic():
                n, af = _naief_bericht(data, b.ontvangen_op)
                transaction.set_rollback(True)
            seconden += time.perf_counter() - begin
        regels += n
        afgewezen += af
        queries += teller.aantal
    return seconden, regels, afgewezen, queries


# --- Checks after the pipeline ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Controle:
    regels: list[str]
    in_orde: bool
    #: sha256 over every prestatie's outcome (message, line, status, codes, amount granted),
    #: to compare two runs of the same month.
    uitkomsten: str = ""


def controleren(berichten: Sequence[Bericht]) -> Controle:
    """Every message of the month processed with a 325 in the outbox, the planned lines
    rejected with the planned code, the planned credits approved and their history debits
    marked credited, and what was approved (net of credits, history included) realised in the
    ledger."""
    regels: list[str] = []
    fouten: list[str] = []
    aantal = len(berichten)
    maand = Q(identificatie__startswith="B")  # the month's messages; history starts with H
    statussen = Counter(InkomendBericht.objects.filter(maand).values_list("status", flat=True))
    verwerkt = statussen.get(BerichtStatus.VERWERKT, 0)
    antwoorden = UitgaandBericht.objects.filter(
        antwoord_op__identificatie__startswith="B", berichttype="325"
    ).count()
    declaraties = Declaratie.objects.filter(
        berichtidentificatie__startswith="B",
        bericht__isnull=False,
        antwoord__isnull=False,
        status=DeclaratieStatus.BEANTWOORD,
    ).count()
    regels.append(
        f"berichten: {verwerkt}/{aantal} verwerkt, {declaraties} declaraties beantwoord, "
        f"{antwoorden} 325's in de uitbox"
    )
    if verwerkt != aantal or antwoorden != aantal or declaraties != aantal:
        fouten.append(f"niet elk bericht is verwerkt en beantwoord (statussen: {dict(statussen)})")

    totaal = sum(b.prestaties for b in berichten)
    gepland: Counter[str] = Counter()
    for b in berichten:
        gepland.update(b.fouten)
    van_de_maand = Prestatie.objects.filter(declaratie__berichtidentificatie__startswith="B")
    prestaties = Counter(van_de_maand.values_list("status", flat=True))
    afgewezen = prestaties.get(PrestatieStatus.AFGEWEZEN, 0)
    per_code: Counter[str] = Counter()
    for codes in van_de_maand.filter(status=PrestatieStatus.AFGEWEZEN).values_list(
        "retourcodes", flat=True
    ):
        per_code.update(codes.split(","))
    aandeel = 100 * afgewezen / totaal if totaal else 0.0
    regels.append(
        f"prestaties: {sum(prestaties.values())} opgeslagen, {afgewezen} afgewezen "
        f"({aandeel:.1f} %), gepland {sum(gepland.values())}; per code: "
        + ", ".join(f"{c} {per_code.get(c, 0)}/{gepland[c]}" for c in FOUTEN)
    )
    if sum(prestaties.values()) != totaal:
        fouten.append("niet elke prestatie is opgeslagen")
    if afgewezen != sum(gepland.values()) or any(per_code.get(c, 0) < gepland[c] for c in FOUTEN):
        fouten.append(f"andere afwijzingen dan gepland (statussen {dict(prestaties)})")

    credits_gepland = sum(b.credits for b in berichten)
    credits = van_de_maand.filter(
        debet_credit=DebetCredit.CREDIT, status=PrestatieStatus.TOEGEKEND
    ).count()
    gecrediteerd = Prestatie.objects.filter(
        declaratie__berichtidentificatie__startswith="H", status=PrestatieStatus.GECREDITEERD
    ).count()
    historie = Prestatie.objects.filter(declaratie__berichtidentificatie__startswith="H")
    regels.append(
        f"geschiedenis: {historie.count()} eerder toegekende prestaties "
        f"({len(GESCHIEDENIS)} maanden); creditregels {credits}/{credits_gepland} toegekend, "
        f"{gecrediteerd} eerdere prestaties gecrediteerd"
    )
    if not credits == gecrediteerd == credits_gepland:
        fouten.append("niet elke geplande creditregel is toegekend en verwerkt")

    goedgekeurd = [PrestatieStatus.TOEGEKEND, PrestatieStatus.GECREDITEERD]
    debet = Prestatie.objects.filter(
        debet_credit=DebetCredit.DEBET, status__in=goedgekeurd
    ).aggregate(s=Sum("toegekend_bedrag"))["s"] or Decimal(0)
    credit = Prestatie.objects.filter(
        debet_credit=DebetCredit.CREDIT, status=PrestatieStatus.TOEGEKEND
    ).aggregate(s=Sum("toegekend_bedrag"))["s"] or Decimal(0)
    toegekend = debet - credit
    realisaties = Boeking.objects.filter(soort=BoekingSoort.REALISATIE)
    gerealiseerd = Reservering.objects.aggregate(s=Sum("gerealiseerd_bedrag"))["s"] or Decimal(0)
    regels.append(
        f"grootboek: {realisaties.count()} realisatieboekingen, gerealiseerd {gerealiseerd} "
        f"= toegekend {toegekend} (na crediteringen, geschiedenis inbegrepen)"
    )
    if gerealiseerd != toegekend:
        fouten.append("wat gerealiseerd is, is niet wat toegekend is")
    bevindingen = grootboek_controleren()
    regels.append(
        f"grootboek_controleren: {len(bevindingen)} bevindingen"
        + (f" (bijvoorbeeld: {bevindingen[0]})" if bevindingen else "")
    )
    return Controle(
        regels=regels + [f"FOUT: {f}" for f in fouten],
        in_orde=not fouten,
        uitkomsten=_uitkomsten_vingerafdruk(),
    )


def _uitkomsten_vingerafdruk() -> str:
    rijen = Prestatie.objects.order_by("declaratie__berichtidentificatie", "regelnummer")
    digest = hashlib.sha256()
    for rij in rijen.values_list(
        "declaratie__berichtidentificatie",
        "regelnummer",
        "status",
        "retourcodes",
        "toegekend_bedrag",
    ).iterator(chunk_size=10_000):
        digest.update(repr(rij).encode())
    return digest.hexdigest()

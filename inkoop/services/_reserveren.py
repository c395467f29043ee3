"""What a toewijzing costs and how that is reserved in financien.

**Contract.** The provider must hold a running contract (status actief or opgezegd, within
its dates) for the toewijzing's gemeente with a tariff for the product (specifiek), for a
product of the categorie (aspecifiek) or for any product of the wet (generiek), on every day
of the toewijzing. Otherwise: ``geen_contract``, naming the days without one.

**Amount.** :func:`financien.reserveringsbedrag.reserveringsbedrag`, split per calendar year:

- a specifieke toewijzing: its Omvang priced with the contract tariffs of the product (the
  non-replaced tariff periods of the running contracts, cut to the contracts' dates; two
  contracts that disagree on a day refuse with ``meerdere_contracttarieven``). An Omvang in
  eenheid 83 carries eurocents (IV042) and costs its volume, without tariffs;
- a toewijzing with a Budget (generiek, aspecifiek): the budget, spread over its days;
- an aspecifieke toewijzing without a Budget: nothing. It names no product, so there is no
  tariff to price it with; the cost shows up when prestaties are realised.

A toewijzing without einddatum is costed up to the horizon: 31 December of the current
budget year (the year of today, or of the ingangsdatum when that lies later). The part of
later years is reserved when the toewijzing is next changed in such a year; a yearly
roll-over task is left to financien.

**Booking.** One reservation per calendar year on the budget post that
:func:`financien.selectors.budgetpost_voor` finds (``geen_budgetpost`` when none), source
``toewijzing`` with the toewijzing's uuid. A change sets every year to its new amount
(``reservering_wijzigen``; a year that is no longer needed goes to zero and stays open, so a
later extension can use it again), books new years, and a removal releases every open
reservation. The idempotency key is ``toewijzing:<uuid>:v<versie>:<jaar>:<handeling>`` where
``versie`` is the number of history rows before this change: a retry of the same change
books nothing twice, and each change has keys of its own.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Q

from contracten.constants import CONTRACT_LOPEND, Eenheid
from contracten.exceptions import MeerdereContracttarieven
from contracten.models import Product, Productcategorie, Tariefperiode, Zorgaanbieder
from financien import selectors as financien_selectors
from financien import services as financien_services
from financien.constants import BronType, ReserveringStatus
from financien.models import Budgetpost, Reservering
from financien.reserveringsbedrag import (
    Omvang,
    Reserveringsbedrag,
    Tarief,
    ToewijzingInvoer,
    reserveringsbedrag,
)
from inkoop.models import Toewijzing
from inkoop.toewijzingsregels import Inhoud, periode_tekst
from kern.constants import ONGEWIJZIGD
from kern.exceptions import DomeinFout
from kern.geld import eurocent_naar_euro
from kern.models import Gebruiker, Gemeente

NUL = Decimal("0.00")
_DAG = timedelta(days=1)


def kosteneinde(ingangsdatum: date, einddatum: date | None, vandaag: date) -> date:
    """The last day costed: the einddatum, or the end of the current budget year."""
    if einddatum is not None:
        return einddatum
    return date(max(ingangsdatum, vandaag).year, 12, 31)


@dataclass(frozen=True, slots=True)
class Kosten:
    """The expected cost of a toewijzing per calendar year (empty: nothing to reserve) and
    the days of each year it covers (the reservation's period, for the forecast)."""

    per_jaar: dict[int, Decimal]
    berekening: Reserveringsbedrag | None

    @property
    def perioden(self) -> dict[int, tuple[date, date]]:
        if self.berekening is None:
            return {}
        return {d.jaar: (d.ingangsdatum, d.einddatum) for d in self.berekening.jaardelen}

    @property
    def totaal(self) -> Decimal:
        return sum(self.per_jaar.values(), NUL)


# --- Contract and tariffs ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Dekking:
    begin: date
    eind: date | None
    bedrag: Decimal
    eenheid: str


def _dekkingen(
    *,
    zorgaanbieder: Zorgaanbieder,
    gemeente: Gemeente,
    wet: str,
    product: Product | None,
    productcategorie: Productcategorie | None,
    begin: date,
    eind: date,
) -> list[_Dekking]:
    """The tariff periods of the provider's running contracts for the gemeente that touch
    ``begin``-``eind``, cut to their contract's dates. One query."""
    qs = Tariefperiode.objects.filter(
        is_vervangen=False,
        contract__zorgaanbieder=zorgaanbieder,
        contract__gemeenten=gemeente,
        contract__status__in=CONTRACT_LOPEND,
        contract__ingangsdatum__lte=eind,
        ingangsdatum__lte=eind,
    ).filter(
        Q(einddatum__isnull=True) | Q(einddatum__gte=begin),
        Q(contract__einddatum__isnull=True) | Q(contract__einddatum__gte=begin),
    )
    if product is not None:
        qs = qs.filter(product=product)
    elif productcategorie is not None:
        qs = qs.filter(product__categorie=productcategorie)
    else:
        qs = qs.filter(product__categorie__wet=wet)
    dekkingen = []
    for tp_begin, tp_eind, c_begin, c_eind, bedrag, eenheid in qs.values_list(
        "ingangsdatum",
        "einddatum",
        "contract__ingangsdatum",
        "contract__einddatum",
        "bedrag",
        "eenheid",
    ):
        eind_dekking = min((d for d in (tp_eind, c_eind) if d is not None), default=None)
        dekkingen.append(_Dekking(max(tp_begin, c_begin), eind_dekking, bedrag, eenheid))
    return dekkingen


def _gaten(dekkingen: list[_Dekking], begin: date, eind: date) -> list[tuple[date, date]]:
    """The stretches of ``begin``-``eind`` that no dekking covers."""
    gaten: list[tuple[date, date]] = []
    dag = begin
    for d in sorted(dekkingen, key=lambda d: d.begin):
        if d.begin > eind:
            break
        if d.begin > dag:
            gaten.append((dag, d.begin - _DAG))
        if d.eind is None:
            return gaten
        dag = max(dag, d.eind + _DAG)
        if dag > eind:
            return gaten
    if dag <= eind:
        gaten.append((dag, eind))
    return gaten


def _tarieven(dekkingen: list[_Dekking], begin: date, eind: date) -> list[Tarief]:
    """One tariff per stretch of ``begin``-``eind``: where contracts overlap they must agree
    (``meerdere_contracttarieven`` otherwise), adjacent equal stretches merge."""
    grenzen = {begin, eind + _DAG}
    for d in dekkingen:
        grenzen.add(max(d.begin, begin))
        if d.eind is not None and d.eind < eind:
            grenzen.add(d.eind + _DAG)
    starts = sorted(g for g in grenzen if begin <= g <= eind + _DAG)
    tarieven: list[Tarief] = []
    for van, volgende in itertools.pairwise(starts):
        tot = volgende - _DAG
        geldend = {
            (d.bedrag, d.eenheid)
            for d in dekkingen
            if d.begin <= van and (d.eind is None or d.eind >= tot)
        }
        if not geldend:
            continue
        if len(geldend) > 1:
            raise MeerdereContracttarieven(
                f"Meerdere lopende contracten geven verschillende tarieven op "
                f"{periode_tekst(van, tot)}; de toewijzing kan niet worden begroot."
            )
        bedrag, eenheid = geldend.pop()
        vorige = tarieven[-1] if tarieven else None
        if (
            vorige is not None
            and (vorige.bedrag, vorige.eenheid) == (bedrag, eenheid)
            and vorige.einddatum == van - _DAG
        ):
            tarieven[-1] = Tarief(vorige.ingangsdatum, tot, bedrag, eenheid)
        else:
            tarieven.append(Tarief(van, tot, bedrag, eenheid))
    return tarieven


def kosten_berekenen(
    *,
    inhoud: Inhoud,
    zorgaanbieder: Zorgaanbieder,
    gemeente: Gemeente,
    product: Product | None,
    productcategorie: Productcategorie | None,
    vandaag: date,
) -> Kosten:
    """Check the contract and compute what the toewijzing costs per year (see the module
    docstring). One query."""
    eind = kosteneinde(inhoud.ingangsdatum, inhoud.einddatum, vandaag)
    dekkingen = _dekkingen(
        zorgaanbieder=zorgaanbieder,
        gemeente=gemeente,
        wet=inhoud.wet,
        product=product,
        productcategorie=productcategorie,
        begin=inhoud.ingangsdatum,
        eind=eind,
    )
    gaten = _gaten(dekkingen, inhoud.ingangsdatum, eind)
    if gaten:
        wat = {
            "specifiek": f"product {inhoud.productcode}",
            "aspecifiek": f"productcategorie {inhoud.categorie}",
            "generiek": f"de {inhoud.wet}",
        }[inhoud.soort]
        open_einde = (
            f" (zonder einddatum begroot tot en met {eind:%d-%m-%Y})"
            if inhoud.einddatum is None
            else ""
        )
        raise DomeinFout(
            f"{zorgaanbieder.naam} heeft geen lopend contract voor {wat} in gemeente "
            f"{gemeente.naam} op "
            + ", ".join(periode_tekst(van, tot) for van, tot in gaten)
            + f"{open_einde}.",
            code="geen_contract",
            details={"perioden": [[van.isoformat(), tot.isoformat()] for van, tot in gaten]},
        )
    if inhoud.budget is not None:
        berekening = reserveringsbedrag(
            toewijzing=ToewijzingInvoer(
                ingangsdatum=inhoud.ingangsdatum, einddatum=inhoud.einddatum, budget=inhoud.budget
            )
        )
    elif inhoud.volume is not None and inhoud.productcode:
        volume: Decimal | int = inhoud.volume
        if inhoud.eenheid == Eenheid.EUROS:  # eurocents in the Omvang (IV042)
            volume = eurocent_naar_euro(inhoud.volume)
        berekening = reserveringsbedrag(
            toewijzing=ToewijzingInvoer(
                ingangsdatum=inhoud.ingangsdatum,
                einddatum=inhoud.einddatum,
                omvang=Omvang(volume, inhoud.eenheid, int(inhoud.frequentie)),
            ),
            tarieven=_tarieven(dekkingen, inhoud.ingangsdatum, eind),
            horizon=eind,
        )
    else:
        return Kosten(per_jaar={}, berekening=None)
    return Kosten(per_jaar=dict(berekening.per_jaar), berekening=berekening)


# --- Booking --------------------------------------------------------------------------------


def _sleutel(toewijzing: Toewijzing, versie: int, jaar: int, handeling: str) -> str:
    return f"toewijzing:{toewijzing.uuid}:v{versie}:{jaar}:{handeling}"


def _omschrijving(toewijzing: Toewijzing) -> str:
    return f"Toewijzing {toewijzing.wet} {toewijzing.nummer}"


def budgetposten_zoeken(
    *,
    gemeente: Gemeente,
    wet: str,
    productcategorie: Productcategorie | None,
    product: Product | None,
    jaren: list[int],
) -> dict[int, Budgetpost]:
    """The budget post of every year, before anything is booked (``geen_budgetpost``)."""
    return {
        jaar: financien_selectors.budgetpost_voor(
            gemeente=gemeente,
            jaar=jaar,
            wet=wet,
            productcategorie=productcategorie,
            product=product,
        )
        for jaar in jaren
    }


def reserveringen_boeken(
    *,
    door: Gebruiker | None,
    toewijzing: Toewijzing,
    kosten: Kosten,
    budgetposten: dict[int, Budgetpost],
    versie: int,
) -> None:
    """Reserve every year's part of a new toewijzing (nothing for a zero part)."""
    perioden = kosten.perioden
    for jaar, bedrag in sorted(kosten.per_jaar.items()):
        if bedrag <= 0:
            continue
        financien_services.reservering_boeken(
            begindatum=perioden[jaar][0],
            einddatum=perioden[jaar][1],
            door=door,
            budgetpost=budgetposten[jaar],
            zorgaanbieder=toewijzing.zorgaanbieder,
            bedrag=bedrag,
            bron_type=BronType.TOEWIJZING,
            bron_id=str(toewijzing.uuid),
            idempotentiesleutel=_sleutel(toewijzing, versie, jaar, "boeken"),
            omschrijving=_omschrijving(toewijzing),
        )


def reserveringen_van(toewijzing: Toewijzing) -> dict[int, Reservering]:
    return {
        r.jaar: r
        for r in financien_selectors.reserveringen_van_bron(
            bron_type=BronType.TOEWIJZING, bron_id=str(toewijzing.uuid)
        )
    }


def reserveringen_bijwerken(
    *,
    door: Gebruiker | None,
    toewijzing: Toewijzing,
    kosten: Kosten,
    versie: int,
) -> None:
    """Bring every year's reservation to the new cost: change open ones, book new years,
    set years no longer needed to zero. A year already resolved cannot change
    (``reservering_afgesloten``); below what is realised is refused by financien
    (``onder_gerealiseerd``)."""
    bestaand = reserveringen_van(toewijzing)
    nieuwe_jaren = [j for j, b in kosten.per_jaar.items() if b > 0 and j not in bestaand]
    budgetposten = budgetposten_zoeken(
        gemeente=toewijzing.gemeente,
        wet=toewijzing.wet,
        productcategorie=toewijzing.productcategorie,
        product=toewijzing.product,
        jaren=sorted(nieuwe_jaren),
    )
    perioden = kosten.perioden
    for jaar in sorted(set(bestaand) | set(kosten.per_jaar)):
        nieuw = kosten.per_jaar.get(jaar, NUL)
        periode = perioden.get(jaar)
        reservering = bestaand.get(jaar)
        if reservering is None:
            if nieuw > 0 and periode is not None:
                financien_services.reservering_boeken(
                    begindatum=periode[0],
                    einddatum=periode[1],
                    door=door,
                    budgetpost=budgetposten[jaar],
                    zorgaanbieder=toewijzing.zorgaanbieder,
                    bedrag=nieuw,
                    bron_type=BronType.TOEWIJZING,
                    bron_id=str(toewijzing.uuid),
                    idempotentiesleutel=_sleutel(toewijzing, versie, jaar, "boeken"),
                    omschrijving=_omschrijving(toewijzing),
                )
            continue
        periode_anders = periode is not None and periode != (
            reservering.begindatum,
            reservering.einddatum,
        )
        if reservering.bedrag == nieuw and not periode_anders:
            continue
        if reservering.status != ReserveringStatus.OPEN:
            raise DomeinFout(
                f"De reservering van deze toewijzing voor {jaar} is al afgehandeld; dat deel "
                "kan niet meer wijzigen.",
                code="reservering_afgesloten",
                details={"jaar": jaar},
            )
        financien_services.reservering_wijzigen(
            door=door,
            reservering=reservering,
            bedrag=nieuw,
            idempotentiesleutel=_sleutel(toewijzing, versie, jaar, "wijzigen"),
            omschrijving=_omschrijving(toewijzing),
            begindatum=periode[0] if periode is not None and periode_anders else ONGEWIJZIGD,
            einddatum=periode[1] if periode is not None and periode_anders else ONGEWIJZIGD,
        )


def gerealiseerd(toewijzing: Toewijzing) -> Decimal:
    """What was realised on the toewijzing's reservations (approved prestaties net of
    credits), with the reservations locked so no realisation slips in before the caller
    acts on the answer."""
    bedragen = (
        Reservering.objects.select_for_update()
        .filter(bron_type=BronType.TOEWIJZING, bron_id=str(toewijzing.uuid))
        .order_by("pk")
        .values_list("gerealiseerd_bedrag", flat=True)
    )
    return sum(bedragen, NUL)


def reserveringen_vrijgeven(*, door: Gebruiker | None, toewijzing: Toewijzing, versie: int) -> None:
    """Release every open reservation of the toewijzing."""
    for jaar, reservering in sorted(reserveringen_van(toewijzing).items()):
        if reservering.status != ReserveringStatus.OPEN:
            continue
        financien_services.reservering_vrijgeven(
            door=door,
            reservering=reservering,
            idempotentiesleutel=_sleutel(toewijzing, versie, jaar, "vrijgeven"),
            omschrijving=_omschrijving(toewijzing),
        )

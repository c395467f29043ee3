"""The bookings of one processed declaration, in a fixed number of queries whatever its
number of lines.

A declaration's approved debits realise reservations (gereserveerd -> te betalen to the
provider) and its approved credits reverse earlier realisations (te betalen -> back to the
reservation). Booked line by line through :func:`realisatie_boeken` that costs a handful of
queries per line; here the lines are first netted per reservation (source x year), then the
reservations and accounts are locked in the order of :mod:`financien.lock_objects` and
booked as at most two transfers for the whole declaration: one ``realisatie`` with the
reservations whose net is positive and one ``declaratiecreditering`` with those whose net is
negative.
The transfers carry the declaration as their source; which prestatie was granted what is
recorded by declaraties on the prestatie itself; what each transfer did to each reservation
is recorded as a :class:`~financien.models.Reserveringsmutatie`, so the reservations can be
recomputed from the ledger.

**Reservations are estimates, the toewijzing is the limit.** declaraties has already checked
every line against the toewijzing's volume or budget (TR321/TR322/TR369, hard). When a
reservation holds less than what was granted in its year (a tariff went up after it was
booked, or an aspecifieke toewijzing reserved nothing), the shortfall is first reserved
(beschikbaar -> gereserveerd) in the same transfer, so the reservation never shows less than
was realised and the budget post shows the overrun. A toewijzing-year without a reservation
gets one on the budget post :func:`financien.selectors.budgetpost_voor` names. A resolved
(released) reservation takes late realisations straight from beschikbaar and stays resolved.

Idempotent: ``idempotentiesleutel`` (with suffixes for the two transfers) books once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Q

from financien import lock_objects
from financien.constants import BoekingSoort, BronType, RekeningSoort, ReserveringStatus
from financien.models import Boeking, Budgetpost, Rekening, Reservering, Reserveringsmutatie
from financien.services._basis import (
    _boeken,
    _bron,
    _jaar_delen,
    _rekening_verkrijgen,
    _Rekeningen,
    _sleutel,
    _vingerafdruk,
)
from financien.services.signaleringen import signaleren_na_commit
from kern.audit import audit_vastleggen
from kern.bijwerken import per_pk_bijwerken
from kern.constants import AuditActie
from kern.exceptions import Conflict, DomeinFout
from kern.geld import afronden
from kern.models import Gebruiker
from kern.vaste_query import VasteQuery


@dataclass(frozen=True, slots=True)
class Realisatiedeel:
    """What one declaration grants on one toewijzing in one budget year: ``bedrag`` signed
    (debits positive, credits negative). ``budgetpost`` is used only when the toewijzing has
    no reservation in that year yet."""

    toewijzing: str
    jaar: int
    bedrag: Decimal
    zorgaanbieder_id: int
    budgetpost: Budgetpost | None = None


@dataclass(frozen=True, slots=True)
class Declaratieboekingen:
    realisatie: Boeking | None
    creditering: Boeking | None


def _netto(delen: Sequence[Realisatiedeel]) -> dict[tuple[str, int], Realisatiedeel]:
    per: dict[tuple[str, int], Realisatiedeel] = {}
    for deel in delen:
        if deel.bedrag != afronden(deel.bedrag):
            raise DomeinFout(
                "Een bedrag heeft hoogstens twee decimalen.", code="bedrag_te_veel_decimalen"
            )
        sleutel = (str(deel.toewijzing), deel.jaar)
        oud = per.get(sleutel)
        if oud is None:
            per[sleutel] = deel
            continue
        if oud.zorgaanbieder_id != deel.zorgaanbieder_id:
            raise DomeinFout(
                "Eén toewijzing heeft één zorgaanbieder.", code="zorgaanbieders_verschillen"
            )
        per[sleutel] = Realisatiedeel(
            toewijzing=oud.toewijzing,
            jaar=oud.jaar,
            bedrag=oud.bedrag + deel.bedrag,
            zorgaanbieder_id=oud.zorgaanbieder_id,
            budgetpost=oud.budgetpost or deel.budgetpost,
        )
    return {k: d for k, d in per.items() if d.bedrag != 0}


def _per_rekening(regels: list[tuple[Rekening, Decimal]]) -> list[tuple[Rekening, Decimal]]:
    """One leg per account: a declaration touches a handful of accounts whatever its number of
    reservations (the per-reservation detail is in the Reserveringsmutatie rows). Fewer legs
    keep the transfer and the balance trigger, which sums a transfer's legs, small."""
    per: dict[int, tuple[Rekening, Decimal]] = {}
    for rekening, bedrag in regels:
        oud = per.get(rekening.pk)
        per[rekening.pk] = (rekening, bedrag if oud is None else oud[1] + bedrag)
    return [per[pk] for pk in sorted(per)]


def _mutaties_opslaan(rijen: list[tuple[int, int, Decimal, Decimal]]) -> None:
    """Insert (boeking, reservering, bedrag, gerealiseerd_bedrag) rows: on PostgreSQL in one
    ``INSERT ... SELECT FROM unnest(...)`` (a declaration changes a reservation per toewijzing,
    a hundred in a large one, and building a model instance for each cost more than the
    insert), elsewhere with bulk_create."""
    if not rijen:
        return
    if connection.vendor != "postgresql":
        Reserveringsmutatie.objects.bulk_create(
            [
                Reserveringsmutatie(
                    boeking_id=boeking,
                    reservering_id=reservering,
                    bedrag=bedrag,
                    gerealiseerd_bedrag=gerealiseerd,
                )
                for boeking, reservering, bedrag, gerealiseerd in rijen
            ]
        )
        return
    boekingen, reserveringen, bedragen, gerealiseerd = (list(k) for k in zip(*rijen, strict=True))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Reserveringsmutatie._meta.db_table} "
            "(boeking_id, reservering_id, bedrag, gerealiseerd_bedrag) "
            "SELECT * FROM unnest(%s::bigint[], %s::bigint[], %s::numeric[], %s::numeric[])",
            [boekingen, reserveringen, bedragen, gerealiseerd],
        )


# The queries of every declaration's booking, built once per process (kern.vaste_query).
_BOEKINGEN = VasteQuery(lambda sleutels: Boeking.objects.filter(idempotentiesleutel__any=sleutels))
#: Only the columns a booking reads and writes: a large declaration locks a few hundred
#: reservations, and reading their timestamps and texts cost a quarter of this query.
_RESERVERINGEN_VERGRENDELEN = VasteQuery(
    lambda bronnen, jaren: (
        Reservering.objects.select_for_update()
        .filter(bron_type=BronType.TOEWIJZING, bron_id__any=bronnen, jaar__any=jaren)
        .only(
            "budgetpost_id",
            "zorgaanbieder_id",
            "bron_id",
            "jaar",
            "status",
            "bedrag",
            "gerealiseerd_bedrag",
            "open_bedrag",
        )
        .order_by("pk")
    )
)
_TE_BETALEN = VasteQuery(
    lambda posten: Rekening.objects.filter(
        budgetpost_id__any=posten, soort=RekeningSoort.TE_BETALEN
    ).values_list("budgetpost_id", "zorgaanbieder_id")
)
#: The accounts a declaration books on, locked in lock_objects' order.
_REKENINGEN_VERGRENDELEN = VasteQuery(
    lambda posten, aanbieders: lock_objects.rekeningen_slot(
        Q(budgetpost_id__any=posten)
        & (
            Q(soort__in=[RekeningSoort.BESCHIKBAAR, RekeningSoort.GERESERVEERD])
            | Q(soort=RekeningSoort.TE_BETALEN, zorgaanbieder_id__any=aanbieders)
        )
    )
)


@transaction.atomic
def declaratie_boeken(
    *,
    door: Gebruiker | None,
    gemeente_id: int,
    bron_id: str,
    delen: Sequence[Realisatiedeel],
    idempotentiesleutel: str,
    omschrijving: str = "",
    boekdatum: date | None = None,
    budgetposten_voor: Callable[[list[tuple[str, int]]], dict[tuple[str, int], Budgetpost]]
    | None = None,
) -> Declaratieboekingen:
    """Book what one declaration granted (see the module docstring).

    ``budgetposten_voor`` names, for the (toewijzing, year) pairs found without a reservation
    and without a ``budgetpost`` of their own, the budget post to reserve on: called at most
    once, with only those pairs, so a caller need not look up which reservations exist."""
    bron_type, bron_id = _bron(BronType.PRESTATIE, bron_id)
    sleutel = _sleutel(idempotentiesleutel)
    netto = _netto(delen)
    vingerafdruk = _vingerafdruk(
        "declaratie",
        gemeente=gemeente_id,
        bron_id=bron_id,
        delen=sorted((t, j, str(d.bedrag), d.zorgaanbieder_id) for (t, j), d in netto.items()),
    )
    sleutels = {"realisatie": f"{sleutel}:r", "creditering": f"{sleutel}:c"}
    bestaand = {b.idempotentiesleutel: b for b in _BOEKINGEN(sleutels=list(sleutels.values()))}
    if bestaand:
        for b in bestaand.values():
            if b.vingerafdruk != vingerafdruk:
                raise Conflict(
                    f"De idempotentiesleutel {sleutel!r} is al gebruikt voor een andere boeking.",
                    code="idempotentiesleutel_conflict",
                )
        return Declaratieboekingen(
            realisatie=bestaand.get(sleutels["realisatie"]),
            creditering=bestaand.get(sleutels["creditering"]),
        )
    if not netto:
        return Declaratieboekingen(realisatie=None, creditering=None)

    # Reservations: existing ones locked in pk order; missing ones created (with nothing
    # reserved yet) on the budget post the caller named.
    bronnen = {t for t, _ in netto}
    jaren = {j for _, j in netto}
    for jaar in sorted(jaren):
        _jaar_delen(gemeente_id, jaar)
    reserveringen = {
        (r.bron_id, r.jaar): r for r in _RESERVERINGEN_VERGRENDELEN(bronnen=bronnen, jaren=jaren)
    }
    gevonden: dict[tuple[str, int], Budgetpost] = {}
    gevraagd = [
        k for k, d in sorted(netto.items()) if k not in reserveringen and d.budgetpost is None
    ]
    if gevraagd and budgetposten_voor is not None:
        gevonden = budgetposten_voor(gevraagd)
    nieuw = []
    for (toewijzing, jaar), deel in sorted(netto.items()):
        if (toewijzing, jaar) in reserveringen:
            continue
        budgetpost = deel.budgetpost or gevonden.get((toewijzing, jaar))
        if budgetpost is None:
            raise DomeinFout(
                f"Voor toewijzing {toewijzing} is in {jaar} geen reservering en geen budgetpost.",
                code="geen_budgetpost",
            )
        if budgetpost.jaar != jaar or budgetpost.gemeente_id != gemeente_id:
            raise DomeinFout(
                "De budgetpost hoort niet bij de gemeente en het jaar van de realisatie.",
                code="budgetpost_onjuist",
            )
        nieuw.append(
            Reservering(
                budgetpost=budgetpost,
                jaar=jaar,
                zorgaanbieder_id=deel.zorgaanbieder_id,
                bron_type=BronType.TOEWIJZING,
                bron_id=toewijzing,
            )
        )
    if nieuw:
        for res in Reservering.objects.bulk_create(nieuw):
            reserveringen[(res.bron_id, res.jaar)] = res
        if any(r.pk is None for r in nieuw):  # backends that return no pks
            reserveringen.update(
                {
                    (r.bron_id, r.jaar): r
                    for r in Reservering.objects.filter(
                        bron_type=BronType.TOEWIJZING, bron_id__any=bronnen, jaar__any=jaren
                    )
                }
            )

    # Accounts: make the provider's payable accounts that do not exist yet, then lock all.
    budgetposten = {r.budgetpost_id for r in reserveringen.values()}
    paren = {(r.budgetpost_id, r.zorgaanbieder_id) for r in reserveringen.values()}
    aanwezig = set(_TE_BETALEN(posten=budgetposten))
    for budgetpost_id, zorgaanbieder_id in sorted(paren - aanwezig):
        _rekening_verkrijgen(budgetpost_id, RekeningSoort.TE_BETALEN, zorgaanbieder_id)
    aanbieders = {z for _, z in paren}
    rekeningen = _Rekeningen(_REKENINGEN_VERGRENDELEN(posten=budgetposten, aanbieders=aanbieders))

    debet: list[tuple[Rekening, Decimal]] = []
    credit: list[tuple[Rekening, Decimal]] = []
    gewijzigd: list[Reservering] = []
    #: reservation -> (which transfer, change of bedrag, change of gerealiseerd_bedrag)
    mutaties: list[tuple[Reservering, str, Decimal, Decimal]] = []
    for (toewijzing, jaar), deel in sorted(netto.items()):
        res = reserveringen[(toewijzing, jaar)]
        bp = res.budgetpost_id
        te_betalen = rekeningen(bp, RekeningSoort.TE_BETALEN, res.zorgaanbieder_id)
        bedrag = deel.bedrag
        bedrag_voor = res.bedrag
        if bedrag > 0:
            if res.status == ReserveringStatus.OPEN:
                tekort = max(Decimal(0), bedrag - res.open_bedrag)
                if tekort:
                    debet += [
                        (rekeningen(bp, RekeningSoort.BESCHIKBAAR), -tekort),
                        (rekeningen(bp, RekeningSoort.GERESERVEERD), tekort),
                    ]
                    res.bedrag += tekort
                    res.open_bedrag += tekort
                debet += [
                    (rekeningen(bp, RekeningSoort.GERESERVEERD), -bedrag),
                    (te_betalen, bedrag),
                ]
                res.open_bedrag -= bedrag
            else:
                debet += [
                    (rekeningen(bp, RekeningSoort.BESCHIKBAAR), -bedrag),
                    (te_betalen, bedrag),
                ]
                res.bedrag += bedrag
            res.gerealiseerd_bedrag += bedrag
        else:
            terug = -bedrag
            if terug > res.gerealiseerd_bedrag:
                raise DomeinFout(
                    f"Er kan hoogstens {res.gerealiseerd_bedrag} worden gecrediteerd op deze "
                    "reservering.",
                    code="boven_realisatie",
                )
            if res.status == ReserveringStatus.OPEN:
                credit += [
                    (te_betalen, -terug),
                    (rekeningen(bp, RekeningSoort.GERESERVEERD), terug),
                ]
                res.open_bedrag += terug
            else:
                credit += [(te_betalen, -terug), (rekeningen(bp, RekeningSoort.BESCHIKBAAR), terug)]
                res.bedrag -= terug
            res.gerealiseerd_bedrag -= terug
        gewijzigd.append(res)
        mutaties.append(
            (res, "realisatie" if bedrag > 0 else "creditering", res.bedrag - bedrag_voor, bedrag)
        )
    # The new amounts of the locked reservations, in one statement (Django's bulk_update
    # builds a CASE per row, whose cost grows with the square of the rows).
    per_pk_bijwerken(gewijzigd, ["bedrag", "gerealiseerd_bedrag", "open_bedrag"])

    geboekt: dict[str, Boeking | None] = {"realisatie": None, "creditering": None}
    for naam, soort, regels in (
        ("realisatie", BoekingSoort.REALISATIE, debet),
        ("creditering", BoekingSoort.DECLARATIECREDITERING, credit),
    ):
        if not regels:
            continue
        geboekt[naam] = _boeken(
            gemeente_id=gemeente_id,
            soort=soort,
            bron_type=bron_type,
            bron_id=bron_id,
            regels=_per_rekening(regels),
            sleutel=sleutels[naam],
            vingerafdruk=vingerafdruk,
            door=door,
            omschrijving=omschrijving,
            boekdatum=boekdatum,
        )
    boeking_ids = {naam: b.pk for naam, b in geboekt.items() if b is not None}
    _mutaties_opslaan(
        [
            (boeking_ids[naam], res.pk, bedrag_delta, gerealiseerd_delta)
            for res, naam, bedrag_delta, gerealiseerd_delta in mutaties
        ]
    )
    for boeking in (b for b in geboekt.values() if b is not None):
        audit_vastleggen(
            gebruiker=door,
            actie=AuditActie.AANGEMAAKT,
            obj=boeking,
            na={
                "soort": boeking.soort,
                "bron_id": bron_id,
                "bedrag": str(boeking.bedrag),
                "reserveringen": len(gewijzigd),
            },
        )
    signaleren_na_commit(
        budgetpost_ids=budgetposten,
        toewijzingen=bronnen,
        bestedingsruimten={(r.zorgaanbieder_id, gemeente_id, r.jaar) for r in gewijzigd},
    )
    return Declaratieboekingen(realisatie=geboekt["realisatie"], creditering=geboekt["creditering"])

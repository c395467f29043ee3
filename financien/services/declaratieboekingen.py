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
    Overboeking,
    _boekingen_schrijven,
    _bron,
    _jaar_delen,
    _rekening_verkrijgen,
    _Rekeningen,
    _sleutel,
    _vingerafdruk,
)
from financien.services.signaleringen import signaleren_na_commit
from kern.audit import audits_vastleggen
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


#: Names the budget post to reserve on for (toewijzing, year) pairs without a reservation.
Budgetpostenzoeker = Callable[[list[tuple[str, int]]], dict[tuple[str, int], Budgetpost]]


@dataclass(frozen=True, slots=True)
class Declaratieverzoek:
    """What one declaration asks :func:`declaraties_boeken` to book (the arguments of
    :func:`declaratie_boeken` that belong to one declaration)."""

    gemeente_id: int
    bron_id: str
    delen: Sequence[Realisatiedeel]
    idempotentiesleutel: str
    omschrijving: str = ""
    boekdatum: date | None = None


def declaratie_boeken(
    *,
    door: Gebruiker | None,
    gemeente_id: int,
    bron_id: str,
    delen: Sequence[Realisatiedeel],
    idempotentiesleutel: str,
    omschrijving: str = "",
    boekdatum: date | None = None,
    budgetposten_voor: Budgetpostenzoeker | None = None,
) -> Declaratieboekingen:
    """Book what one declaration granted (see the module docstring).

    ``budgetposten_voor`` names, for the (toewijzing, year) pairs found without a reservation
    and without a ``budgetpost`` of their own, the budget post to reserve on: called at most
    once, with only those pairs, so a caller need not look up which reservations exist."""
    (uitkomst,) = declaraties_boeken(
        door=door,
        verzoeken=[
            Declaratieverzoek(
                gemeente_id=gemeente_id,
                bron_id=bron_id,
                delen=delen,
                idempotentiesleutel=idempotentiesleutel,
                omschrijving=omschrijving,
                boekdatum=boekdatum,
            )
        ],
        budgetposten_voor=budgetposten_voor,
    )
    return uitkomst


@dataclass(slots=True)
class _Verzoek:
    """A request checked and netted, with what booking it gave."""

    verzoek: Declaratieverzoek
    bron_type: str
    bron_id: str
    netto: dict[tuple[str, int], Realisatiedeel]
    vingerafdruk: str
    sleutels: dict[str, str]
    uitkomst: Declaratieboekingen | None = None


def _verzoek_lezen(verzoek: Declaratieverzoek) -> _Verzoek:
    bron_type, bron_id = _bron(BronType.PRESTATIE, verzoek.bron_id)
    sleutel = _sleutel(verzoek.idempotentiesleutel)
    netto = _netto(verzoek.delen)
    return _Verzoek(
        verzoek=verzoek,
        bron_type=bron_type,
        bron_id=bron_id,
        netto=netto,
        vingerafdruk=_vingerafdruk(
            "declaratie",
            gemeente=verzoek.gemeente_id,
            bron_id=bron_id,
            delen=sorted((t, j, str(d.bedrag), d.zorgaanbieder_id) for (t, j), d in netto.items()),
        ),
        sleutels={"realisatie": f"{sleutel}:r", "creditering": f"{sleutel}:c"},
    )


def _eerder_geboekt(verzoeken: list[_Verzoek]) -> None:
    """Give each request booked before (its key is known) the bookings it got then, in one
    query for all; a key used for another request is refused. A key twice in ``verzoeken``
    books once: the second gets the first's bookings."""
    alle = [s for v in verzoeken for s in v.sleutels.values()]
    bestaand = {b.idempotentiesleutel: b for b in _BOEKINGEN(sleutels=alle)}
    eerste: dict[str, _Verzoek] = {}
    for v in verzoeken:
        gevonden = {naam: bestaand.get(s) for naam, s in v.sleutels.items()}
        for b in gevonden.values():
            if b is not None and b.vingerafdruk != v.vingerafdruk:
                raise Conflict(
                    f"De idempotentiesleutel {v.verzoek.idempotentiesleutel!r} is al gebruikt "
                    "voor een andere boeking.",
                    code="idempotentiesleutel_conflict",
                )
        if any(b is not None for b in gevonden.values()):
            v.uitkomst = Declaratieboekingen(
                realisatie=gevonden["realisatie"], creditering=gevonden["creditering"]
            )
            continue
        eerder = eerste.setdefault(v.sleutels["realisatie"], v)
        if eerder is not v and eerder.vingerafdruk != v.vingerafdruk:
            raise Conflict(
                f"De idempotentiesleutel {v.verzoek.idempotentiesleutel!r} is al gebruikt "
                "voor een andere boeking.",
                code="idempotentiesleutel_conflict",
            )
        if not v.netto:
            v.uitkomst = Declaratieboekingen(realisatie=None, creditering=None)


@transaction.atomic
def declaraties_boeken(
    *,
    door: Gebruiker | None,
    verzoeken: Sequence[Declaratieverzoek],
    budgetposten_voor: Budgetpostenzoeker | None = None,
) -> list[Declaratieboekingen]:
    """Book what many declarations granted, as :func:`declaratie_boeken` would one after the
    other, in a fixed number of queries whatever their number and their lines: the
    reservations and the accounts of all of them are locked together (in the order of
    :mod:`financien.lock_objects`), every transfer is written in one insert, every
    reservation and account changed in one update. Returns per request, in order, its
    bookings.

    ``budgetposten_voor`` is called at most once, with the pairs of all requests that have
    no reservation and no ``budgetpost`` of their own."""
    gelezen = [_verzoek_lezen(v) for v in verzoeken]
    if gelezen:
        _eerder_geboekt(gelezen)
    # A key twice: the first books, the second takes its bookings afterwards.
    te_boeken: list[_Verzoek] = []
    gezien: set[str] = set()
    for v in gelezen:
        if v.uitkomst is None and v.sleutels["realisatie"] not in gezien:
            gezien.add(v.sleutels["realisatie"])
            te_boeken.append(v)
    if te_boeken:
        _boeken_alle(te_boeken, door=door, budgetposten_voor=budgetposten_voor)
    geboekt = {v.sleutels["realisatie"]: v.uitkomst for v in te_boeken}
    uitkomsten = []
    for v in gelezen:
        uitkomst = v.uitkomst or geboekt[v.sleutels["realisatie"]]
        assert uitkomst is not None
        uitkomsten.append(uitkomst)
    return uitkomsten


def _boeken_alle(
    verzoeken: list[_Verzoek],
    *,
    door: Gebruiker | None,
    budgetposten_voor: Budgetpostenzoeker | None,
) -> None:
    # Budget years shared, then reservations: existing ones locked in pk order; missing ones
    # created (with nothing reserved yet) on the budget post the caller named.
    bronnen = {t for v in verzoeken for t, _ in v.netto}
    jaren = {j for v in verzoeken for _, j in v.netto}
    for gemeente_id, jaar in sorted(
        {(v.verzoek.gemeente_id, j) for v in verzoeken for _, j in v.netto}
    ):
        _jaar_delen(gemeente_id, jaar)
    reserveringen = {
        (r.bron_id, r.jaar): r for r in _RESERVERINGEN_VERGRENDELEN(bronnen=bronnen, jaren=jaren)
    }
    gevraagd = sorted(
        {
            k
            for v in verzoeken
            for k, d in v.netto.items()
            if k not in reserveringen and d.budgetpost is None
        }
    )
    gevonden: dict[tuple[str, int], Budgetpost] = {}
    if gevraagd and budgetposten_voor is not None:
        gevonden = budgetposten_voor(gevraagd)
    nieuw: dict[tuple[str, int], Reservering] = {}
    for v in verzoeken:
        gemeente_id = v.verzoek.gemeente_id
        for (toewijzing, jaar), deel in sorted(v.netto.items()):
            if (toewijzing, jaar) in reserveringen or (toewijzing, jaar) in nieuw:
                continue
            budgetpost = deel.budgetpost or gevonden.get((toewijzing, jaar))
            if budgetpost is None:
                raise DomeinFout(
                    f"Voor toewijzing {toewijzing} is in {jaar} geen reservering en geen "
                    "budgetpost.",
                    code="geen_budgetpost",
                )
            if budgetpost.jaar != jaar or budgetpost.gemeente_id != gemeente_id:
                raise DomeinFout(
                    "De budgetpost hoort niet bij de gemeente en het jaar van de realisatie.",
                    code="budgetpost_onjuist",
                )
            nieuw[(toewijzing, jaar)] = Reservering(
                budgetpost=budgetpost,
                jaar=jaar,
                zorgaanbieder_id=deel.zorgaanbieder_id,
                bron_type=BronType.TOEWIJZING,
                bron_id=toewijzing,
            )
    if nieuw:
        for res in Reservering.objects.bulk_create(list(nieuw.values())):
            reserveringen[(res.bron_id, res.jaar)] = res
        if any(r.pk is None for r in nieuw.values()):  # backends that return no pks
            reserveringen.update(
                {
                    (r.bron_id, r.jaar): r
                    for r in Reservering.objects.filter(
                        bron_type=BronType.TOEWIJZING, bron_id__any=bronnen, jaar__any=jaren
                    )
                }
            )

    # Accounts: make the providers' payable accounts that do not exist yet, then lock all.
    betrokken = [reserveringen[k] for v in verzoeken for k in v.netto]
    budgetposten = {r.budgetpost_id for r in betrokken}
    paren = {(r.budgetpost_id, r.zorgaanbieder_id) for r in betrokken}
    aanwezig = set(_TE_BETALEN(posten=budgetposten))
    for budgetpost_id, zorgaanbieder_id in sorted(paren - aanwezig):
        _rekening_verkrijgen(budgetpost_id, RekeningSoort.TE_BETALEN, zorgaanbieder_id)
    aanbieders = {z for _, z in paren}
    rekeningen = _Rekeningen(_REKENINGEN_VERGRENDELEN(posten=budgetposten, aanbieders=aanbieders))

    overboekingen: list[tuple[_Verzoek, str, Overboeking]] = []
    gewijzigd: dict[int, Reservering] = {}
    #: per request: reservation -> (which transfer, change of bedrag, change of
    #: gerealiseerd_bedrag)
    mutaties: list[tuple[_Verzoek, Reservering, str, Decimal, Decimal]] = []
    for v in verzoeken:
        debet, credit = _regels(v, reserveringen, rekeningen, gewijzigd, mutaties)
        for naam, soort, regels in (
            ("realisatie", BoekingSoort.REALISATIE, debet),
            ("creditering", BoekingSoort.DECLARATIECREDITERING, credit),
        ):
            if regels:
                overboekingen.append(
                    (
                        v,
                        naam,
                        Overboeking(
                            gemeente_id=v.verzoek.gemeente_id,
                            soort=soort,
                            bron_type=v.bron_type,
                            bron_id=v.bron_id,
                            regels=_per_rekening(regels),
                            sleutel=v.sleutels[naam],
                            vingerafdruk=v.vingerafdruk,
                            omschrijving=v.verzoek.omschrijving,
                            boekdatum=v.verzoek.boekdatum,
                        ),
                    )
                )
    # The new amounts of the locked reservations, in one statement (Django's bulk_update
    # builds a CASE per row, whose cost grows with the square of the rows).
    per_pk_bijwerken(
        [gewijzigd[pk] for pk in sorted(gewijzigd)],
        ["bedrag", "gerealiseerd_bedrag", "open_bedrag"],
    )
    boekingen = _boekingen_schrijven([o for _, _, o in overboekingen], door=door)
    per_verzoek: dict[int, dict[str, Boeking]] = {}
    for (v, naam, _), boeking in zip(overboekingen, boekingen, strict=True):
        per_verzoek.setdefault(id(v), {})[naam] = boeking
    _mutaties_opslaan(
        [
            (per_verzoek[id(v)][naam].pk, res.pk, bedrag_delta, gerealiseerd_delta)
            for v, res, naam, bedrag_delta, gerealiseerd_delta in mutaties
        ]
    )
    aantallen: dict[int, int] = {}
    for v, *_ in mutaties:
        aantallen[id(v)] = aantallen.get(id(v), 0) + 1
    audits_vastleggen(
        gebruiker=door,
        actie=AuditActie.AANGEMAAKT,
        objecten=[
            (
                boeking,
                {
                    "soort": boeking.soort,
                    "bron_id": v.bron_id,
                    "bedrag": str(boeking.bedrag),
                    "reserveringen": aantallen.get(id(v), 0),
                },
            )
            for (v, _, _), boeking in zip(overboekingen, boekingen, strict=True)
        ],
    )
    for v in verzoeken:
        geboekt = per_verzoek.get(id(v), {})
        v.uitkomst = Declaratieboekingen(
            realisatie=geboekt.get("realisatie"), creditering=geboekt.get("creditering")
        )
    signaleren_na_commit(
        budgetpost_ids=budgetposten,
        toewijzingen=bronnen,
        bestedingsruimten={
            (r.zorgaanbieder_id, v.verzoek.gemeente_id, r.jaar) for v, r, *_ in mutaties
        },
    )


def _regels(
    v: _Verzoek,
    reserveringen: dict[tuple[str, int], Reservering],
    rekeningen: _Rekeningen,
    gewijzigd: dict[int, Reservering],
    mutaties: list[tuple[_Verzoek, Reservering, str, Decimal, Decimal]],
) -> tuple[list[tuple[Rekening, Decimal]], list[tuple[Rekening, Decimal]]]:
    """The legs of one request's realisation (debet) and creditering (credit), changing its
    reservations in memory and recording each change in ``gewijzigd`` and ``mutaties``."""
    debet: list[tuple[Rekening, Decimal]] = []
    credit: list[tuple[Rekening, Decimal]] = []
    for (toewijzing, jaar), deel in sorted(v.netto.items()):
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
        gewijzigd[res.pk] = res
        mutaties.append(
            (
                v,
                res,
                "realisatie" if bedrag > 0 else "creditering",
                res.bedrag - bedrag_voor,
                bedrag,
            )
        )
    return debet, credit

"""The year-end forecast of budget posts (method: :mod:`financien.prognose`) and the
obligations on a balance date."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from contracten.models import Zorgaanbieder
from financien.constants import (
    BoekingSoort,
    RekeningSoort,
    ReserveringStatus,
)
from financien.models import (
    Boeking,
    Boekingsregel,
    Budgetpost,
    Instroomsom,
    Reservering,
    Reserveringsmutatie,
    Reserveringsperiode,
)
from financien.prognose import (
    Instroommaand,
    OpenReservering,
    Prognoseberekening,
    Reserveringssom,
    prognose_berekenen,
    trendmaanden,
)
from financien.selectors.budget import Budgetstand, budgetstanden_voor
from kern.exceptions import NietGevonden
from kern.geld import afronden
from kern.models import Gebruiker, Gemeente
from kern.perioden import laatste_dag_van_maand
from kern.toegang import gemeente_in_scope, is_gemeentegebruiker
from kern.vaste_query import VasteQuery

NUL = Decimal("0.00")

# --- Forecast and obligations -----------------------------------------------------------------


def _bedrag_uit_som(waarde: object) -> Decimal:
    """A sum from the database as an exact amount (SQLite sums decimals as floats)."""
    return afronden(Decimal(str(waarde))) if waarde is not None else NUL


@dataclass
class _ReserveringOp:
    """A reservation as the ledger had it at the end of a peildatum."""

    budgetpost_id: int
    zorgaanbieder_id: int
    bedrag: Decimal = NUL
    open_bedrag: Decimal = NUL
    begindatum: date | None = None
    einddatum: date | None = None


def _reserveringen_op(peildatum: date, budgetposten: Q) -> dict[int, _ReserveringOp]:
    """Every reservation of the budget posts matching ``budgetposten`` (a Q on Budgetpost)
    as it stood at the end of ``peildatum``, from what was booked up to that day, in three
    queries: the legs on the gereserveerd accounts of the transfers of one reservation, the
    :class:`Reserveringsmutatie` rows of the transfers of many (a processed declaration), and
    the :class:`Reserveringsperiode` rows: the period is the one of the last transfer up to
    that day that set it (none without one). ``bedrag`` is what was reserved, ``open_bedrag``
    what was still open."""
    reserveren = [BoekingSoort.RESERVERING, BoekingSoort.RESERVERING_WIJZIGING]
    posten = Budgetpost.objects.filter(budgetposten)
    per_reservering: dict[int, _ReserveringOp] = {}

    def reservering(pk: int, bp: int, za: int) -> _ReserveringOp:
        if pk not in per_reservering:
            per_reservering[pk] = _ReserveringOp(bp, za)
        return per_reservering[pk]

    for pk, bp, za, bedrag, open_ in (
        Boekingsregel.objects.filter(
            rekening__budgetpost__in=posten,
            rekening__soort=RekeningSoort.GERESERVEERD,
            boeking__boekdatum__lte=peildatum,
            boeking__reservering__isnull=False,
        )
        .values(
            "boeking__reservering_id",
            "boeking__reservering__budgetpost_id",
            "boeking__reservering__zorgaanbieder_id",
        )
        .annotate(
            bedrag_som=Sum("bedrag", filter=Q(boeking__soort__in=reserveren)),
            open_som=Sum("bedrag"),
        )
        .values_list(
            "boeking__reservering_id",
            "boeking__reservering__budgetpost_id",
            "boeking__reservering__zorgaanbieder_id",
            "bedrag_som",
            "open_som",
        )
    ):
        r = reservering(pk, bp, za)
        r.bedrag += _bedrag_uit_som(bedrag)
        r.open_bedrag += _bedrag_uit_som(open_)
    for pk, bp, za, bedrag, gerealiseerd in (
        Reserveringsmutatie.objects.filter(
            reservering__budgetpost__in=posten, boeking__boekdatum__lte=peildatum
        )
        .values("reservering_id", "reservering__budgetpost_id", "reservering__zorgaanbieder_id")
        .annotate(bedrag_som=Sum("bedrag"), gerealiseerd_som=Sum("gerealiseerd_bedrag"))
        .values_list(
            "reservering_id",
            "reservering__budgetpost_id",
            "reservering__zorgaanbieder_id",
            "bedrag_som",
            "gerealiseerd_som",
        )
    ):
        # What a declaration reserved on top, minus what it realised (on an open
        # reservation; on a resolved one both move together and nothing opens).
        r = reservering(pk, bp, za)
        r.bedrag += _bedrag_uit_som(bedrag)
        r.open_bedrag += _bedrag_uit_som(bedrag) - _bedrag_uit_som(gerealiseerd)
    # Of the periods booked up to that day, the one set last wins (in the order the transfers
    # were made, as on the reservation itself and in grootboek_controleren: a change booked
    # later with an earlier boekdatum still overrides the one before it).
    for pk, begin, eind in (
        Reserveringsperiode.objects.filter(
            reservering__budgetpost__in=posten, boeking__boekdatum__lte=peildatum
        )
        .order_by("boeking_id")
        .values_list("reservering_id", "begindatum", "einddatum")
    ):
        if pk in per_reservering:
            per_reservering[pk].begindatum, per_reservering[pk].einddatum = begin, eind
    return per_reservering


def _open_reserveringen(
    budgetposten: Sequence[Budgetpost], peildatum: date | None, dag: date
) -> dict[int, Reserveringssom]:
    """Per budget post, its reservations open on ``peildatum`` (None: now) summed for the
    forecast looking from ``dag``: on PostgreSQL for now the sums the post keeps for ``dag``
    (:mod:`financien.models.prognose`) or, where it keeps none for that day, one aggregate
    query (a budget post holds thousands of reservations, and moving them to Python cost
    more than the rest of an alert evaluation); elsewhere the reservations themselves (one
    query); for a day in the past from the ledger up to that day (three)."""
    if peildatum is None and connection.vendor == "postgresql":
        return _open_reserveringen_sql(budgetposten, dag)
    pks = [bp.pk for bp in budgetposten]
    per_post: dict[int, list[OpenReservering]] = {pk: [] for pk in pks}
    if peildatum is None:
        for budgetpost_id, bedrag, open_bedrag, begin, eind in Reservering.objects.filter(
            budgetpost_id__any=pks, status=ReserveringStatus.OPEN, open_bedrag__gt=0
        ).values_list("budgetpost_id", "bedrag", "open_bedrag", "begindatum", "einddatum"):
            per_post[budgetpost_id].append(OpenReservering(bedrag, open_bedrag, begin, eind))
    else:
        for r in _reserveringen_op(peildatum, Q(pk__in=pks)).values():
            if r.open_bedrag > 0:
                per_post[r.budgetpost_id].append(
                    OpenReservering(r.bedrag, r.open_bedrag, r.begindatum, r.einddatum)
                )
    return {
        bp.pk: Reserveringssom.van(per_post[bp.pk], jaar=bp.jaar, peildatum=dag)
        for bp in budgetposten
    }


#: :meth:`Reserveringssom.van` in SQL, per budget post and length of period, over the open
#: reservations of the posts %(posten)s of the years %(jaren)s looking from %(dag)s. Each term
#: is ``financien_prognoseterm`` (migration financien 0013, also used by the triggers that
#: keep the sums), an SQL function PostgreSQL inlines; the terms are summed in numeric
#: (exact, in euros). Also the count that sets a post's kept sums
#: (:func:`financien.services.prognosesommen_vastleggen`).
TELLING_SQL = """
SELECT r.budgetpost_id, t.periode, SUM(t.teller), SUM(r.open_bedrag), COUNT(*)
  FROM financien_reservering r
  JOIN unnest(%(posten)s::integer[], %(jaren)s::integer[]) AS p(post, jaar)
       ON p.post = r.budgetpost_id
 CROSS JOIN LATERAL financien_prognoseterm(
       r.bedrag, r.open_bedrag, r.begindatum, r.einddatum, p.jaar, %(dag)s::date) AS t
 -- The posts again as a plain filter, so the planner scans the reservations by post.
 WHERE r.budgetpost_id = ANY(%(posten)s::integer[])
   AND r.status = 'open'
   AND r.open_bedrag > 0
 GROUP BY r.budgetpost_id, t.periode
"""

#: The sums the budget posts %(posten)s keep for %(dag)s; a post without sums for that day
#: has no row, one with sums but no open reservation a row of NULLs.
_BEWAARD_SQL = """
SELECT s.budgetpost_id, t.periode, t.teller, t.open_bedrag, t.aantal
  FROM financien_prognosestand s
  LEFT JOIN financien_prognosesom t ON t.budgetpost_id = s.budgetpost_id
 WHERE s.budgetpost_id = ANY(%(posten)s::integer[]) AND s.dag = %(dag)s::date
"""


def reserveringssommen(
    rijen: Iterable[tuple[int, int | None, Decimal | None, Decimal | None, int | None]],
) -> dict[int, Reserveringssom]:
    """Per budget post, the :class:`Reserveringssom` of rows (post, periode, teller in euros,
    open total, count) as :data:`TELLING_SQL` gives them and ``Prognosesom`` keeps them; a
    row of NULLs (a post keeping sums without an open reservation) gives an empty sum."""
    tellers: dict[int, dict[int, int]] = {}
    open_bedrag: dict[int, Decimal] = {}
    aantal: dict[int, int] = {}
    for post, periode, teller, open_som, n in rijen:
        tellers.setdefault(post, {})
        open_bedrag[post] = open_bedrag.get(post, NUL) + (open_som or NUL)
        aantal[post] = aantal.get(post, 0) + (n or 0)
        if periode and teller:
            # The sum of the terms in euros, two decimals: exactly the cents' sum.
            tellers[post][periode] = int(Decimal(teller).scaleb(2))
    return {
        post: Reserveringssom(
            tellers=t, open_bedrag=afronden(open_bedrag[post]), aantal=aantal[post]
        )
        for post, t in tellers.items()
    }


def _open_reserveringen_sql(
    budgetposten: Sequence[Budgetpost], dag: date
) -> dict[int, Reserveringssom]:
    with connection.cursor() as cursor:
        cursor.execute(_BEWAARD_SQL, {"posten": [bp.pk for bp in budgetposten], "dag": dag})
        sommen = reserveringssommen(cursor.fetchall())
        te_tellen = [bp for bp in budgetposten if bp.pk not in sommen]
        if te_tellen:
            cursor.execute(TELLING_SQL, telling_parameters(te_tellen, dag))
            sommen.update(reserveringssommen(cursor.fetchall()))
    return {bp.pk: sommen.get(bp.pk, Reserveringssom(tellers={})) for bp in budgetposten}


def telling_parameters(budgetposten: Sequence[Budgetpost], dag: date) -> dict[str, Any]:
    """The parameters of :data:`TELLING_SQL`."""
    return {
        "posten": [bp.pk for bp in budgetposten],
        "jaren": [bp.jaar for bp in budgetposten],
        "dag": dag,
    }


def instroom_uit_boekingen(boekingen: QuerySet[Boeking]) -> QuerySet[Boeking, Any]:
    """Of ``boekingen``, the new reservations (``reservering`` transfers of reservations that
    are not roll-overs) summed per budget post and month: (budgetpost_id, first day of the
    month, sum) rows. What the triggers of migration financien 0014 keep, and what
    ``grootboek_controleren`` holds the kept sums to."""
    return (
        boekingen.filter(soort=BoekingSoort.RESERVERING, reservering__doorgerold_uit__isnull=True)
        .annotate(maand=TruncMonth("boekdatum"))
        .values("reservering__budgetpost_id", "maand")
        .annotate(som=Sum("bedrag"))
        .values_list("reservering__budgetpost_id", "maand", "som")
        .order_by()
    )


#: The new reservations per budget post and month, counted from the transfers (SQLite) ...
_INSTROOM = VasteQuery(
    lambda posten, vanaf, tot_en_met: instroom_uit_boekingen(
        Boeking.objects.filter(
            reservering__budgetpost_id__any=posten,
            boekdatum__gte=vanaf,
            boekdatum__lte=tot_en_met,
        )
    )
)


#: ... or as kept by the triggers of migration financien 0014 (PostgreSQL): a few rows per
#: post instead of every transfer of three months. Both built once per process.
_INSTROOM_BEWAARD = VasteQuery(
    lambda posten, vanaf, tot_en_met: (
        Instroomsom.objects.filter(
            budgetpost_id__any=posten, maand__gte=vanaf, maand__lte=tot_en_met
        )
        .exclude(bedrag=0)
        .values_list("budgetpost_id", "maand", "bedrag")
    )
)


def _instroom(pks: Sequence[int], peildatum: date) -> dict[int, list[Instroommaand]]:
    """Per budget post, the new reservations (not roll-overs) per month over the months the
    trend may use; one query."""
    maanden = trendmaanden(jaar=peildatum.year, peildatum=peildatum)
    per_post: dict[int, list[Instroommaand]] = {pk: [] for pk in pks}
    if not maanden:
        return per_post
    (j1, m1), (j2, m2) = maanden[0], maanden[-1]
    query = _INSTROOM_BEWAARD if connection.vendor == "postgresql" else _INSTROOM
    rijen = query(
        posten=list(pks), vanaf=date(j1, m1, 1), tot_en_met=laatste_dag_van_maand(date(j2, m2, 1))
    )
    for budgetpost_id, maand, som in rijen:
        per_post[budgetpost_id].append(
            Instroommaand(jaar=maand.year, maand=maand.month, bedrag=_bedrag_uit_som(som))
        )
    return per_post


def prognoses_voor(
    budgetposten: Sequence[Budgetpost],
    *,
    peildatum: date | None = None,
    standen: dict[int, Budgetstand] | None = None,
    vandaag: date | None = None,
) -> dict[int, Prognoseberekening]:
    """The year-end forecasts of ``budgetposten`` by pk (method: :mod:`financien.prognose`),
    in three queries whatever their number (five on a past peildatum; one less when
    ``standen`` on the same peildatum are passed in). ``peildatum`` None: everything booked so
    far, looking from ``vandaag`` (default today)."""
    pks = [bp.pk for bp in budgetposten]
    if not pks:
        return {}
    if standen is None:
        standen = budgetstanden_voor(budgetposten, peildatum=peildatum)
    dag = peildatum or vandaag or timezone.localdate()
    open_per_post = _open_reserveringen(budgetposten, peildatum, dag)
    instroom = _instroom(pks, dag)
    return {
        bp.pk: prognose_berekenen(
            jaar=bp.jaar,
            peildatum=dag,
            budget=standen[bp.pk].budget,
            gerealiseerd=standen[bp.pk].gerealiseerd,
            open_reserveringen=open_per_post[bp.pk],
            instroom=instroom[bp.pk],
        )
        for bp in budgetposten
    }


def prognose(*, budgetpost: Budgetpost, peildatum: date | None = None) -> Prognoseberekening:
    """The year-end forecast of one budget post with its parts, in three queries (five on a
    past peildatum)."""
    return prognoses_voor([budgetpost], peildatum=peildatum)[budgetpost.pk]


@dataclass(frozen=True)
class Verplichtingregel:
    """Open reservations of one provider on one budget post on the balance date."""

    budgetpost: Budgetpost
    zorgaanbieder: Zorgaanbieder
    aantal: int
    open_bedrag: Decimal


@dataclass(frozen=True)
class Verplichtingen:
    """The obligations (open reservations) of a gemeente on a balance date, per budget post
    and provider, with the total. Aggregated: no reservation or client is named."""

    gemeente: Gemeente
    peildatum: date
    jaar: int | None
    regels: list[Verplichtingregel]
    aantal: int
    totaal: Decimal


def verplichtingen(
    *, gebruiker: Gebruiker, gemeente: Gemeente, peildatum: date, jaar: int | None = None
) -> Verplichtingen:
    """What a gemeente was committed to on ``peildatum`` (for example 31 December): every
    reservation still open on that day with the amount then open, from what was booked up to
    and including that day, of the budget posts of every year (or of ``jaar``). Four queries.

    A gemeente outside the user's scope does not exist for them (404)."""
    if not is_gemeentegebruiker(gebruiker) or not gemeente_in_scope(gebruiker, gemeente):
        raise NietGevonden("Gemeente niet gevonden.", code="gemeente_niet_gevonden")
    posten_filter = Q(gemeente=gemeente) & (Q(jaar=jaar) if jaar is not None else Q())
    per_sleutel: dict[tuple[int, int], tuple[int, Decimal]] = {}
    for r in _reserveringen_op(peildatum, posten_filter).values():
        if r.open_bedrag <= 0:
            continue
        sleutel = (r.budgetpost_id, r.zorgaanbieder_id)
        aantal, som = per_sleutel.get(sleutel, (0, NUL))
        per_sleutel[sleutel] = (aantal + 1, som + r.open_bedrag)
    posten = Budgetpost.objects.select_related("gemeente", "productcategorie").in_bulk(
        {bp for bp, _ in per_sleutel}
    )
    aanbieders = Zorgaanbieder.objects.in_bulk({za for _, za in per_sleutel})
    regels = sorted(
        (
            Verplichtingregel(
                budgetpost=posten[bp], zorgaanbieder=aanbieders[za], aantal=aantal, open_bedrag=som
            )
            for (bp, za), (aantal, som) in per_sleutel.items()
        ),
        key=lambda r: (
            r.budgetpost.jaar,
            r.budgetpost.wet,
            r.budgetpost.taakveld,
            r.budgetpost.kostenplaats,
            r.budgetpost.pk,
            r.zorgaanbieder.naam,
            r.zorgaanbieder.pk,
        ),
    )
    return Verplichtingen(
        gemeente=gemeente,
        peildatum=peildatum,
        jaar=jaar,
        regels=regels,
        aantal=sum(r.aantal for r in regels),
        totaal=sum((r.open_bedrag for r in regels), NUL),
    )

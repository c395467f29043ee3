"""The consistency check of the whole ledger (:func:`grootboek_controleren`)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import connection
from django.db.models import Count, DecimalField, F, Q, Sum, Value
from django.db.models.functions import Coalesce

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
    Prognosesom,
    Prognosestand,
    Rekening,
    Reservering,
    Reserveringsmutatie,
    Reserveringsperiode,
)
from financien.prognose import OpenReservering, Reserveringssom
from financien.selectors.prognose import instroom_uit_boekingen, reserveringssommen
from kern.geld import BEDRAG_DECIMAL_PLACES, BEDRAG_MAX_DIGITS, afronden

NUL = Decimal("0.00")
HALVE_CENT = Decimal("0.005")

# --- Consistency --------------------------------------------------------------------------


def _som(expressie: str, **filters: object) -> Coalesce:
    return Coalesce(
        Sum(expressie, filter=Q(**filters) if filters else None),
        Value(NUL),
        output_field=DecimalField(
            max_digits=BEDRAG_MAX_DIGITS, decimal_places=BEDRAG_DECIMAL_PLACES
        ),
    )


def _niet_nul(veld: str) -> Q:
    """``veld`` differs from zero by at least half a cent. Exact on PostgreSQL; on SQLite, sums
    are computed in floating point and this ignores their rounding noise."""
    return Q(**{f"{veld}__gte": HALVE_CENT}) | Q(**{f"{veld}__lte": -HALVE_CENT})


def grootboek_controleren() -> list[str]:
    """Recompute what the ledger promises and report every difference (empty: all sound).

    Checks: every transfer balances; every account's balance is the sum of its legs; the
    balances of every budget post sum to zero; every reservation's amounts equal its legs;
    no reservation was resolved more than once; every reservation's period is the one its last
    period transfer set (:class:`Reserveringsperiode`); the forecast sums a budget post keeps
    (:mod:`financien.models.prognose`) are those of its open reservations, and its kept new
    reservations per month (:class:`Instroomsom`) those of its transfers. A fixed number of
    queries."""
    fouten: list[str] = []
    for boeking_id, som in (
        Boekingsregel.objects.values("boeking_id")
        .annotate(som=Sum("bedrag"))
        .filter(_niet_nul("som"))
        .values_list("boeking_id", "som")
    ):
        fouten.append(f"Boeking {boeking_id} is niet in balans ({som}).")
    for rekening_id, saldo, som in (
        Rekening.objects.annotate(som=_som("regels__bedrag"))
        .annotate(verschil=F("saldo") - F("som"))
        .filter(_niet_nul("verschil"))
        .values_list("pk", "saldo", "som")
    ):
        fouten.append(f"Rekening {rekening_id}: saldo {saldo}, som van de regels {som}.")
    for budgetpost_id, som in (
        Rekening.objects.values("budgetpost_id")
        .annotate(som=Sum("saldo"))
        .filter(_niet_nul("som"))
        .values_list("budgetpost_id", "som")
    ):
        fouten.append(f"Budgetpost {budgetpost_id}: saldi tellen op tot {som}, niet tot nul.")
    gereserveerd = RekeningSoort.GERESERVEERD
    realisatie = [BoekingSoort.REALISATIE, BoekingSoort.CREDITERING]
    mutaties = {
        r: (b or Decimal(0), g or Decimal(0))
        for r, b, g in Reserveringsmutatie.objects.values("reservering_id")
        .annotate(b=Sum("bedrag"), g=Sum("gerealiseerd_bedrag"))
        .values_list("reservering_id", "b", "g")
        .order_by()
    }
    # A transfer of many reservations: what its mutations say was realised must be what its
    # legs moved to (or from) the providers' payable accounts.
    per_boeking = {
        b: afronden(Decimal(g or 0))
        for b, g in Reserveringsmutatie.objects.values("boeking_id")
        .annotate(g=Sum("gerealiseerd_bedrag"))
        .values_list("boeking_id", "g")
        .order_by()
    }
    volgens_regels = {
        b: afronden(Decimal(s or 0))
        for b, s in Boekingsregel.objects.filter(
            boeking_id__in=list(per_boeking), rekening__soort=RekeningSoort.TE_BETALEN
        )
        .values("boeking_id")
        .annotate(s=Sum("bedrag"))
        .values_list("boeking_id", "s")
        .order_by()
    }
    for boeking_id, gerealiseerd in sorted(per_boeking.items()):
        if volgens_regels.get(boeking_id, Decimal(0)) != gerealiseerd:
            fouten.append(
                f"Boeking {boeking_id}: mutaties {gerealiseerd}, te betalen volgens de regels "
                f"{volgens_regels.get(boeking_id, Decimal(0))}."
            )
    for rij in Reservering.objects.annotate(
        open_volgens_regels=_som(
            "boekingen__regels__bedrag", boekingen__regels__rekening__soort=gereserveerd
        ),
        gereserveerd_volgens_regels=_som(
            "boekingen__regels__bedrag",
            boekingen__regels__rekening__soort=gereserveerd,
            boekingen__soort__in=[BoekingSoort.RESERVERING, BoekingSoort.RESERVERING_WIJZIGING],
        ),
        gerealiseerd_volgens_regels=_som(
            "boekingen__regels__bedrag",
            boekingen__regels__rekening__soort=RekeningSoort.TE_BETALEN,
            boekingen__soort__in=realisatie,
        ),
        vrijgaven=Count(
            "boekingen", filter=Q(boekingen__soort=BoekingSoort.VRIJGAVE), distinct=True
        ),
    ).values_list(
        "pk",
        "status",
        "bedrag",
        "gerealiseerd_bedrag",
        "open_bedrag",
        "open_volgens_regels",
        "gereserveerd_volgens_regels",
        "gerealiseerd_volgens_regels",
        "vrijgaven",
    ):
        pk, status, bedrag, gerealiseerd, open_, open_r, bedrag_r, gerealiseerd_r, vrijgaven = rij
        # Transfers of many reservations at once attribute their effect by mutation rows.
        m_bedrag, m_gerealiseerd = mutaties.get(pk, (Decimal(0), Decimal(0)))
        # Rounded to cents, so these compare exactly on every backend (SQLite sums floats).
        open_r, bedrag_r, gerealiseerd_r = (
            afronden(Decimal(x)) for x in (open_r, bedrag_r, gerealiseerd_r)
        )
        bedrag_r += afronden(Decimal(m_bedrag))
        gerealiseerd_r += afronden(Decimal(m_gerealiseerd))
        # (A mutation of a reservation resolved before it leaves its open amount alone:
        # bedrag and gerealiseerd move together.)
        open_r += afronden(Decimal(m_bedrag)) - afronden(Decimal(m_gerealiseerd))
        if (bedrag, gerealiseerd, open_) != (bedrag_r, gerealiseerd_r, open_r):
            fouten.append(
                f"Reservering {pk}: bedrag/gerealiseerd/open {bedrag}/{gerealiseerd}/{open_}, "
                f"volgens de regels {bedrag_r}/{gerealiseerd_r}/{open_r}."
            )
        if status == ReserveringStatus.OPEN and open_ != bedrag - gerealiseerd:
            fouten.append(f"Reservering {pk}: open {open_} is niet {bedrag} - {gerealiseerd}.")
        if vrijgaven != (0 if status == ReserveringStatus.OPEN else 1):
            fouten.append(f"Reservering {pk} ({status}) is {vrijgaven} keer afgehandeld.")
    # A reservation's period is the one its last period transfer set (none without one).
    laatste: dict[int, tuple[date | None, date | None]] = {}
    for pk, begin, eind in Reserveringsperiode.objects.order_by("boeking_id").values_list(
        "reservering_id", "begindatum", "einddatum"
    ):
        laatste[pk] = (begin, eind)
    for pk, begin, eind in (
        Reservering.objects.filter(
            Q(begindatum__isnull=False)
            | Q(pk__in=Reserveringsperiode.objects.values("reservering"))
        )
        .order_by("pk")
        .values_list("pk", "begindatum", "einddatum")
    ):
        volgens = laatste.get(pk, (None, None))
        if volgens != (begin, eind):
            fouten.append(
                f"Reservering {pk}: periode {begin} t/m {eind}, volgens de boekingen "
                f"{volgens[0]} t/m {volgens[1]}."
            )
    fouten.extend(_prognosesommen_controleren())
    fouten.extend(_instroomsommen_controleren())
    return fouten


def _instroomsommen_controleren() -> list[str]:
    """Every budget post's kept new reservations per month (PostgreSQL, migration 0014)
    against the sum of its ``reservering`` transfers of reservations that are not roll-overs
    in that month. Two queries; nothing on SQLite, where nothing is kept."""
    if connection.vendor != "postgresql":
        return []
    geteld = {
        (post, maand): afronden(som)
        for post, maand, som in instroom_uit_boekingen(Boeking.objects.all())
        if som
    }
    bewaard = {
        (post, maand): bedrag
        for post, maand, bedrag in Instroomsom.objects.exclude(bedrag=0).values_list(
            "budgetpost_id", "maand", "bedrag"
        )
    }
    return [
        f"Budgetpost {post}: de nieuwe reserveringen van {maand:%m-%Y} zijn bewaard als "
        f"{bewaard.get((post, maand), NUL)}, volgens de boekingen {geteld.get((post, maand), NUL)}."
        for post, maand in sorted(geteld.keys() | bewaard.keys())
        if bewaard.get((post, maand), NUL) != geteld.get((post, maand), NUL)
    ]


def _prognosesommen_controleren() -> list[str]:
    """Every budget post's kept forecast sums against a count of its open reservations
    looking from the stand's day (:meth:`Reserveringssom.van`, the reference). Four queries."""
    standen = dict(Prognosestand.objects.values_list("budgetpost_id", "dag"))
    if not standen:
        return []
    jaren = dict(Budgetpost.objects.filter(pk__in=list(standen)).values_list("pk", "jaar"))
    open_per_post: dict[int, list[OpenReservering]] = {pk: [] for pk in standen}
    for post, bedrag, open_bedrag, begin, eind in Reservering.objects.filter(
        budgetpost_id__in=list(standen), status=ReserveringStatus.OPEN, open_bedrag__gt=0
    ).values_list("budgetpost_id", "bedrag", "open_bedrag", "begindatum", "einddatum"):
        open_per_post[post].append(OpenReservering(bedrag, open_bedrag, begin, eind))
    bewaard = reserveringssommen(
        Prognosesom.objects.filter(budgetpost_id__in=list(standen)).values_list(
            "budgetpost_id", "periode", "teller", "open_bedrag", "aantal"
        )
    )
    fouten = []
    for pk, dag in sorted(standen.items()):
        geteld = Reserveringssom.van(open_per_post[pk], jaar=jaren[pk], peildatum=dag)
        som = bewaard.get(pk, Reserveringssom(tellers={}))
        if som != geteld:
            fouten.append(
                f"Budgetpost {pk}: de prognosesommen op {dag} ({som.aantal} reserveringen, open "
                f"{som.open_bedrag}) wijken af van de reserveringen ({geteld.aantal}, open "
                f"{geteld.open_bedrag})."
            )
    return fouten

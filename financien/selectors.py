"""Reads of financien. Scoped selectors take the acting user: budgets and the ledger are the
municipality's own books, so a municipal user sees those of their gemeenten and a provider
user sees none; what lies outside the scope does not exist for the user (404).

Balances come from the accounts' running ``saldo`` (one query for any number of budget
posts, whatever the number of transfers) or, for a past ``peildatum``, from one grouped
aggregate over the legs booked up to that day.
"""

from __future__ import annotations

import uuid as uuid_lib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Count, DecimalField, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from contracten.models import Product, Productcategorie, Zorgaanbieder
from financien.constants import (
    BetaalbatchStatus,
    BoekingSoort,
    RekeningSoort,
    ReserveringStatus,
)
from financien.models import (
    Begrotingsjaar,
    Begrotingswijziging,
    Betaalbatch,
    Betaalbatchbetaling,
    Betaalbatchregel,
    Betaalrekening,
    Boeking,
    Boekingsregel,
    Budgetpost,
    BudgetpostToewijzingsregel,
    Rekening,
    Reservering,
    Reserveringsmutatie,
    Signalering,
    Signaleringsdrempel,
)
from financien.prognose import (
    Instroommaand,
    OpenReservering,
    Prognoseberekening,
    prognose_berekenen,
    trendmaanden,
)
from kern.exceptions import DomeinFout, NietGevonden
from kern.geld import BEDRAG_DECIMAL_PLACES, BEDRAG_MAX_DIGITS, afronden
from kern.models import Gebruiker, Gemeente
from kern.perioden import laatste_dag_van_maand
from kern.toegang import gemeente_filter, gemeente_in_scope, is_gemeentegebruiker

NUL = Decimal("0.00")
HALVE_CENT = Decimal("0.005")


class GeenBudgetpost(DomeinFout):
    code = "geen_budgetpost"


# --- Budget position ----------------------------------------------------------------------


@dataclass(frozen=True)
class Budgetstand:
    """The position of a budget post, on ``peildatum`` (None: everything booked so far).

    ``beschikbaar = budget - gereserveerd - gerealiseerd`` always holds (the balances of one
    budget post sum to zero); ``betaald`` is the part of ``gerealiseerd`` already paid."""

    budgetpost: Budgetpost
    peildatum: date | None
    budget: Decimal
    gereserveerd: Decimal
    gerealiseerd: Decimal
    betaald: Decimal
    beschikbaar: Decimal


def _stand(
    budgetpost: Budgetpost, peildatum: date | None, saldi: dict[str, Decimal]
) -> Budgetstand:
    def saldo(soort: str) -> Decimal:
        return saldi.get(soort, NUL)

    return Budgetstand(
        budgetpost=budgetpost,
        peildatum=peildatum,
        budget=-saldo(RekeningSoort.BEGROTING) + NUL,
        gereserveerd=saldo(RekeningSoort.GERESERVEERD),
        gerealiseerd=saldo(RekeningSoort.TE_BETALEN) + saldo(RekeningSoort.BETAALD),
        betaald=saldo(RekeningSoort.BETAALD),
        beschikbaar=saldo(RekeningSoort.BESCHIKBAAR),
    )


def budgetstanden_voor(
    budgetposten: Sequence[Budgetpost], *, peildatum: date | None = None
) -> dict[int, Budgetstand]:
    """The positions of ``budgetposten`` by pk, in one query."""
    pks = [bp.pk for bp in budgetposten]
    saldi: dict[int, dict[str, Decimal]] = {pk: {} for pk in pks}
    if not pks:
        return {}
    rijen: QuerySet
    if peildatum is None:
        rijen = (
            Rekening.objects.filter(budgetpost_id__in=pks)
            .values("budgetpost_id", "soort")
            .annotate(som=Sum("saldo"))
            .values_list("budgetpost_id", "soort", "som")
        )
    else:
        rijen = (
            Boekingsregel.objects.filter(
                rekening__budgetpost_id__in=pks, boeking__boekdatum__lte=peildatum
            )
            .values("rekening__budgetpost_id", "rekening__soort")
            .annotate(som=Sum("bedrag"))
            .values_list("rekening__budgetpost_id", "rekening__soort", "som")
        )
    for budgetpost_id, soort, som in rijen:
        saldi[budgetpost_id][soort] = saldi[budgetpost_id].get(soort, NUL) + som
    return {bp.pk: _stand(bp, peildatum, saldi[bp.pk]) for bp in budgetposten}


def budgetstand(*, budgetpost: Budgetpost, peildatum: date | None = None) -> Budgetstand:
    """Budget, gereserveerd, gerealiseerd, betaald and beschikbaar of one budget post, in one
    query whatever the number of transfers."""
    return budgetstanden_voor([budgetpost], peildatum=peildatum)[budgetpost.pk]


def budgetstanden(
    *,
    gebruiker: Gebruiker,
    jaar: int,
    gemeente: Gemeente | None = None,
    wet: str | None = None,
    taakveld: str | None = None,
    peildatum: date | None = None,
) -> list[Budgetstand]:
    """The positions of the budget posts of ``jaar`` the user may see, in two queries."""
    qs = budgetposten_zichtbaar(gebruiker=gebruiker).filter(jaar=jaar)
    if gemeente is not None:
        qs = qs.filter(gemeente=gemeente)
    if wet:
        qs = qs.filter(wet=wet)
    if taakveld:
        qs = qs.filter(taakveld=taakveld)
    posten = list(qs)
    standen = budgetstanden_voor(posten, peildatum=peildatum)
    return [standen[bp.pk] for bp in posten]


# --- Budget posts -------------------------------------------------------------------------


def budgetposten_zichtbaar(*, gebruiker: Gebruiker) -> QuerySet[Budgetpost]:
    qs = Budgetpost.objects.select_related("gemeente", "productcategorie")
    if not is_gemeentegebruiker(gebruiker):
        return qs.none()
    return qs.filter(gemeente_filter(gebruiker))


def budgetpost_ophalen(*, gebruiker: Gebruiker, uuid: uuid_lib.UUID | str) -> Budgetpost:
    try:
        return budgetposten_zichtbaar(gebruiker=gebruiker).get(uuid=uuid)
    except (Budgetpost.DoesNotExist, ValueError, ValidationError):
        raise NietGevonden("Budgetpost niet gevonden.", code="budgetpost_niet_gevonden") from None


def begrotingswijzigingen_van(*, budgetpost: Budgetpost) -> QuerySet[Begrotingswijziging]:
    return (
        Begrotingswijziging.objects.filter(budgetpost=budgetpost)
        .select_related("boeking", "door")
        .order_by("tijdstip", "id")
    )


def toewijzingsregels_zichtbaar(*, gebruiker: Gebruiker) -> QuerySet[BudgetpostToewijzingsregel]:
    qs = BudgetpostToewijzingsregel.objects.select_related(
        "gemeente", "productcategorie", "product", "product__categorie"
    )
    if not is_gemeentegebruiker(gebruiker):
        return qs.none()
    return qs.filter(gemeente_filter(gebruiker))


def budgetpost_voor(
    *,
    gemeente: Gemeente,
    jaar: int,
    wet: str,
    productcategorie: Productcategorie | None,
    product: Product | None = None,
) -> Budgetpost:
    """The budget post that pays for a product (or productcategorie) in a gemeente and year.

    ``productcategorie`` None (a generieke toewijzing: only a budget) takes the rule for the
    whole wet and a budget post for all categories.

    The most specific toewijzingsregel decides the taakveld and kostenplaats: one for the
    product, else one for its productcategorie, else one for the whole wet. Among the budget
    posts of that taakveld and kostenplaats, one narrowed to the productcategorie goes before
    one for all categories. Raises :class:`GeenBudgetpost` (``geen_budgetpost``) when no rule
    or no budget post fits. Two queries."""
    regels = list(
        BudgetpostToewijzingsregel.objects.filter(gemeente=gemeente, wet=wet).filter(
            Q(product__isnull=True, productcategorie__isnull=True)
            | (
                Q(product__isnull=True, productcategorie=productcategorie)
                if productcategorie is not None
                else Q(pk__in=[])
            )
            | (Q(product=product) if product is not None else Q(pk__in=[]))
        )
    )
    details = {
        "gemeente": gemeente.code,
        "jaar": str(jaar),
        "wet": wet,
        "productcategorie": productcategorie.code if productcategorie is not None else "",
        "product": product.productcode if product is not None else "",
    }
    if not regels:
        wat = (
            f"productcategorie {productcategorie.code}"
            if productcategorie is not None
            else "een generieke toewijzing"
        )
        raise GeenBudgetpost(
            f"Er is geen toewijzingsregel die zegt welke budgetpost {wat} ({wet}) van "
            f"gemeente {gemeente.code} betaalt.",
            details=details,
        )
    regel = max(regels, key=lambda r: (r.product_id is not None, r.productcategorie_id is not None))
    kandidaten = list(
        Budgetpost.objects.filter(
            gemeente=gemeente,
            jaar=jaar,
            wet=wet,
            taakveld=regel.taakveld,
            kostenplaats=regel.kostenplaats,
        ).filter(
            Q(productcategorie__isnull=True)
            | (
                Q(productcategorie=productcategorie)
                if productcategorie is not None
                else Q(pk__in=[])
            )
        )
    )
    if not kandidaten:
        plaats = f", kostenplaats {regel.kostenplaats}" if regel.kostenplaats else ""
        raise GeenBudgetpost(
            f"Er is geen budgetpost {jaar} voor taakveld {regel.taakveld}{plaats} ({wet}) in "
            f"gemeente {gemeente.code}.",
            details={**details, "taakveld": regel.taakveld, "kostenplaats": regel.kostenplaats},
        )
    return max(kandidaten, key=lambda bp: bp.productcategorie_id is not None)


# --- Reservations and transfers -------------------------------------------------------------


def reserveringen_zichtbaar(*, gebruiker: Gebruiker) -> QuerySet[Reservering]:
    qs = Reservering.objects.select_related(
        "budgetpost", "budgetpost__gemeente", "budgetpost__productcategorie", "zorgaanbieder"
    )
    if not is_gemeentegebruiker(gebruiker):
        return qs.none()
    return qs.filter(gemeente_filter(gebruiker, "budgetpost__gemeente"))


def reservering_ophalen(*, gebruiker: Gebruiker, uuid: uuid_lib.UUID | str) -> Reservering:
    try:
        return reserveringen_zichtbaar(gebruiker=gebruiker).get(uuid=uuid)
    except (Reservering.DoesNotExist, ValueError, ValidationError):
        raise NietGevonden("Reservering niet gevonden.", code="reservering_niet_gevonden") from None


def reserveringen_van_bron(*, bron_type: str, bron_id: str) -> QuerySet[Reservering]:
    """The reservations of one source (one per year), for the services of other apps."""
    return Reservering.objects.filter(bron_type=bron_type, bron_id=str(bron_id)).order_by("jaar")


def reservering_van_bron(*, bron_type: str, bron_id: str, jaar: int) -> Reservering:
    try:
        return Reservering.objects.get(bron_type=bron_type, bron_id=str(bron_id), jaar=jaar)
    except Reservering.DoesNotExist:
        raise NietGevonden(
            f"Geen reservering voor deze bron in {jaar}.", code="reservering_niet_gevonden"
        ) from None


def boekingen_zichtbaar(*, gebruiker: Gebruiker) -> QuerySet[Boeking]:
    qs = Boeking.objects.select_related("gemeente", "reservering", "corrigeert", "door")
    if not is_gemeentegebruiker(gebruiker):
        return qs.none()
    return qs.filter(gemeente_filter(gebruiker))


def boeking_ophalen(*, gebruiker: Gebruiker, uuid: uuid_lib.UUID | str) -> Boeking:
    try:
        return boekingen_zichtbaar(gebruiker=gebruiker).get(uuid=uuid)
    except (Boeking.DoesNotExist, ValueError, ValidationError):
        raise NietGevonden("Boeking niet gevonden.", code="boeking_niet_gevonden") from None


def boeking_met_sleutel(*, idempotentiesleutel: str) -> Boeking | None:
    """The transfer booked under a key, if any (for callers that replay work)."""
    return Boeking.objects.filter(idempotentiesleutel=idempotentiesleutel).first()


# --- Payment batches ------------------------------------------------------------------------


def betaalrekeningen_zichtbaar(*, gebruiker: Gebruiker) -> QuerySet[Betaalrekening]:
    qs = Betaalrekening.objects.select_related("gemeente")
    if not is_gemeentegebruiker(gebruiker):
        return qs.none()
    return qs.filter(gemeente_filter(gebruiker))


def betaalbatches_zichtbaar(*, gebruiker: Gebruiker) -> QuerySet[Betaalbatch]:
    qs = Betaalbatch.objects.select_related(
        "gemeente", "aangemaakt_door", "goedgekeurd_door", "betaald_door"
    )
    if not is_gemeentegebruiker(gebruiker):
        return qs.none()
    return qs.filter(gemeente_filter(gebruiker))


def betaalbatch_ophalen(*, gebruiker: Gebruiker, uuid: uuid_lib.UUID | str) -> Betaalbatch:
    try:
        return betaalbatches_zichtbaar(gebruiker=gebruiker).get(uuid=uuid)
    except (Betaalbatch.DoesNotExist, ValueError, ValidationError):
        raise NietGevonden("Betaalbatch niet gevonden.", code="betaalbatch_niet_gevonden") from None


def betaalbatchregels_van(*, batch: Betaalbatch) -> QuerySet[Betaalbatchregel]:
    return (
        Betaalbatchregel.objects.filter(batch=batch)
        .select_related("boeking", "budgetpost__gemeente", "betaling__zorgaanbieder")
        .order_by("id")
    )


@dataclass(frozen=True)
class Journaalregel:
    """One line of a batch's journal: what one provider is paid on one budget post."""

    gemeentecode: str
    gemeente: str
    jaar: int
    wet: str
    taakveld: str
    kostenplaats: str
    agb_code: str
    zorgaanbieder: str
    iban: str
    bedrag: Decimal
    referentie: str
    eind_tot_eind_id: str
    uitvoeringsdatum: date


def journaalregels(*, batch: Betaalbatch) -> list[Journaalregel]:
    """The journal of a batch: per provider and budget post the net of its lines (negative
    where a credit is offset), ordered by provider and budget post; they sum to the batch
    total. Three queries, whatever the number of lines."""
    sommen: dict[tuple[int, int], Decimal] = {}
    for betaling_id, budgetpost_id, bedrag in Betaalbatchregel.objects.filter(
        batch=batch
    ).values_list("betaling_id", "budgetpost_id", "bedrag"):
        sleutel = (betaling_id, budgetpost_id)
        sommen[sleutel] = sommen.get(sleutel, NUL) + bedrag
    betalingen = Betaalbatchbetaling.objects.select_related("zorgaanbieder").in_bulk(
        {b for b, _ in sommen}
    )
    posten = Budgetpost.objects.in_bulk({bp for _, bp in sommen})
    regels = []
    for (betaling_id, budgetpost_id), bedrag in sommen.items():
        if bedrag == 0:
            continue
        betaling, post = betalingen[betaling_id], posten[budgetpost_id]
        regels.append(
            Journaalregel(
                gemeentecode=batch.gemeente.code,
                gemeente=batch.gemeente.naam,
                jaar=post.jaar,
                wet=post.wet,
                taakveld=post.taakveld,
                kostenplaats=post.kostenplaats,
                agb_code=betaling.zorgaanbieder.agb_code,
                zorgaanbieder=betaling.naam,
                iban=betaling.iban,
                bedrag=bedrag,
                referentie=batch.referentie,
                eind_tot_eind_id=betaling.eind_tot_eind_id,
                uitvoeringsdatum=batch.uitvoeringsdatum,
            )
        )
    return sorted(
        regels,
        key=lambda r: (r.eind_tot_eind_id, r.jaar, r.wet, r.taakveld, r.kostenplaats),
    )


def rekeningen_zichtbaar(*, gebruiker: Gebruiker) -> QuerySet[Rekening]:
    qs = Rekening.objects.select_related("budgetpost", "budgetpost__gemeente", "zorgaanbieder")
    if not is_gemeentegebruiker(gebruiker):
        return qs.none()
    return qs.filter(gemeente_filter(gebruiker, "budgetpost__gemeente"))


def betaalbatches_controleren() -> list[str]:
    """Check what the payment batches promise (empty: all sound). A fixed number of queries.

    Every payment of a paid batch is booked, and its transfer moves exactly the net of its
    lines per budget post from te_betalen to betaald; no payment of an unpaid batch is
    booked; every batch's total and count are those of its payments; every line is a leg,
    not of a payment, on the te_betalen account of its payment's provider on its budget
    post, in the batch's gemeente, with the leg's amount."""
    fouten: list[str] = []
    verwacht: dict[tuple[int, int], Decimal] = {}
    for betaling_id, budgetpost_id, bedrag in Betaalbatchregel.objects.filter(
        batch__status=BetaalbatchStatus.BETAALD
    ).values_list("betaling_id", "budgetpost_id", "bedrag"):
        sleutel = (betaling_id, budgetpost_id)
        verwacht[sleutel] = verwacht.get(sleutel, NUL) + bedrag
    geboekt: dict[tuple[int, int], Decimal] = {}
    for betaling_id, budgetpost_id, bedrag in Boekingsregel.objects.filter(
        boeking__betaalbatchbetaling__isnull=False, rekening__soort=RekeningSoort.BETAALD
    ).values_list("boeking__betaalbatchbetaling", "rekening__budgetpost_id", "bedrag"):
        geboekt[(betaling_id, budgetpost_id)] = bedrag
    for sleutel in sorted(set(verwacht) | set(geboekt)):
        if verwacht.get(sleutel, NUL) != geboekt.get(sleutel, NUL):
            fouten.append(
                f"Betaling {sleutel[0]}, budgetpost {sleutel[1]}: regels "
                f"{verwacht.get(sleutel, NUL)}, geboekt {geboekt.get(sleutel, NUL)}."
            )
    for pk, status, boeking_id in Betaalbatchbetaling.objects.values_list(
        "pk", "batch__status", "boeking_id"
    ):
        if (status == BetaalbatchStatus.BETAALD) != (boeking_id is not None):
            fouten.append(f"Betaling {pk} (batch {status}): boeking {boeking_id}.")
    sommen: dict[int, Decimal] = {}
    for betaling_id, bedrag in Betaalbatchregel.objects.values_list("betaling_id", "bedrag"):
        sommen[betaling_id] = sommen.get(betaling_id, NUL) + bedrag
    totalen: dict[int, tuple[Decimal, int]] = {}
    for pk, batch_id, bedrag in Betaalbatchbetaling.objects.values_list("pk", "batch_id", "bedrag"):
        if sommen.get(pk, NUL) != bedrag:
            fouten.append(f"Betaling {pk}: bedrag {bedrag}, som van de regels {sommen.get(pk)}.")
        totaal, aantal = totalen.get(batch_id, (NUL, 0))
        totalen[batch_id] = (totaal + bedrag, aantal + 1)
    for pk, totaal, aantal in Betaalbatch.objects.values_list(
        "pk", "totaal_bedrag", "aantal_betalingen"
    ):
        if totalen.get(pk) != (totaal, aantal):
            fouten.append(
                f"Betaalbatch {pk}: totaal {totaal} ({aantal}), betalingen {totalen.get(pk)}."
            )
    for rij in Betaalbatchregel.objects.values_list(
        "pk",
        "bedrag",
        "boekingsregel__bedrag",
        "boeking_id",
        "boekingsregel__boeking_id",
        "boeking__soort",
        "boeking__gemeente_id",
        "batch__gemeente_id",
        "budgetpost_id",
        "boekingsregel__rekening__budgetpost_id",
        "boekingsregel__rekening__soort",
        "boekingsregel__rekening__zorgaanbieder_id",
        "betaling__zorgaanbieder_id",
    ):
        pk, bedrag, regelbedrag, boeking, regelboeking, soort, gemeente, batchgemeente = rij[:8]
        post, regelpost, rekeningsoort, aanbieder, betaalde_aanbieder = rij[8:]
        if (
            (bedrag, boeking, gemeente, post, aanbieder)
            != (regelbedrag, regelboeking, batchgemeente, regelpost, betaalde_aanbieder)
            or rekeningsoort != RekeningSoort.TE_BETALEN
            or soort == BoekingSoort.BETALING
        ):
            fouten.append(f"Regel {pk} past niet bij haar boekingsregel ({soort}, {bedrag}).")
    return fouten


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
    no reservation was resolved more than once. A fixed number of queries."""
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
    return fouten


def begrotingsjaren_zichtbaar(*, gebruiker: Gebruiker) -> QuerySet[Begrotingsjaar]:
    qs = Begrotingsjaar.objects.select_related("gemeente")
    if not is_gemeentegebruiker(gebruiker):
        return qs.none()
    return qs.filter(gemeente_filter(gebruiker))


# --- Forecast and obligations -----------------------------------------------------------------


def _bedrag_uit_som(waarde: object) -> Decimal:
    """A sum from the database as an exact amount (SQLite sums decimals as floats)."""
    return afronden(Decimal(str(waarde))) if waarde is not None else NUL


@dataclass
class _ReserveringOp:
    """A reservation as the ledger had it at the end of a peildatum."""

    budgetpost_id: int
    zorgaanbieder_id: int
    begindatum: date | None
    einddatum: date | None
    bedrag: Decimal = NUL
    open_bedrag: Decimal = NUL


def _reserveringen_op(peildatum: date, budgetposten: Q) -> dict[int, _ReserveringOp]:
    """Every reservation of the budget posts matching ``budgetposten`` (a Q on Budgetpost)
    as it stood at the end of ``peildatum``, from what was booked up to that day, in two
    queries: the legs on the gereserveerd accounts of the transfers of one reservation, and
    the :class:`Reserveringsmutatie` rows of the transfers of many (a processed declaration).
    ``bedrag`` is what was reserved, ``open_bedrag`` what was still open."""
    reserveren = [BoekingSoort.RESERVERING, BoekingSoort.RESERVERING_WIJZIGING]
    per_reservering: dict[int, _ReserveringOp] = {}

    def reservering(
        pk: int, bp: int, za: int, begin: date | None, eind: date | None
    ) -> _ReserveringOp:
        if pk not in per_reservering:
            per_reservering[pk] = _ReserveringOp(bp, za, begin, eind)
        return per_reservering[pk]

    for pk, bp, za, begin, eind, bedrag, open_ in (
        Boekingsregel.objects.filter(
            rekening__budgetpost__in=Budgetpost.objects.filter(budgetposten),
            rekening__soort=RekeningSoort.GERESERVEERD,
            boeking__boekdatum__lte=peildatum,
            boeking__reservering__isnull=False,
        )
        .values(
            "boeking__reservering_id",
            "boeking__reservering__budgetpost_id",
            "boeking__reservering__zorgaanbieder_id",
            "boeking__reservering__begindatum",
            "boeking__reservering__einddatum",
        )
        .annotate(
            bedrag_som=Sum("bedrag", filter=Q(boeking__soort__in=reserveren)),
            open_som=Sum("bedrag"),
        )
        .values_list(
            "boeking__reservering_id",
            "boeking__reservering__budgetpost_id",
            "boeking__reservering__zorgaanbieder_id",
            "boeking__reservering__begindatum",
            "boeking__reservering__einddatum",
            "bedrag_som",
            "open_som",
        )
    ):
        r = reservering(pk, bp, za, begin, eind)
        r.bedrag += _bedrag_uit_som(bedrag)
        r.open_bedrag += _bedrag_uit_som(open_)
    for pk, bp, za, begin, eind, bedrag, gerealiseerd in (
        Reserveringsmutatie.objects.filter(
            reservering__budgetpost__in=Budgetpost.objects.filter(budgetposten),
            boeking__boekdatum__lte=peildatum,
        )
        .values(
            "reservering_id",
            "reservering__budgetpost_id",
            "reservering__zorgaanbieder_id",
            "reservering__begindatum",
            "reservering__einddatum",
        )
        .annotate(bedrag_som=Sum("bedrag"), gerealiseerd_som=Sum("gerealiseerd_bedrag"))
        .values_list(
            "reservering_id",
            "reservering__budgetpost_id",
            "reservering__zorgaanbieder_id",
            "reservering__begindatum",
            "reservering__einddatum",
            "bedrag_som",
            "gerealiseerd_som",
        )
    ):
        # What a declaration reserved on top, minus what it realised (on an open
        # reservation; on a resolved one both move together and nothing opens).
        r = reservering(pk, bp, za, begin, eind)
        r.bedrag += _bedrag_uit_som(bedrag)
        r.open_bedrag += _bedrag_uit_som(bedrag) - _bedrag_uit_som(gerealiseerd)
    return per_reservering


def _open_reserveringen(
    pks: Sequence[int], peildatum: date | None
) -> dict[int, list[OpenReservering]]:
    """Per budget post, its reservations open on ``peildatum`` (None: now) with their amount
    and open amount on that day and their period: the reservations themselves now (one
    query), the ledger up to the peildatum for a day in the past (two)."""
    per_post: dict[int, list[OpenReservering]] = {pk: [] for pk in pks}
    if peildatum is None:
        for budgetpost_id, bedrag, open_bedrag, begin, eind in Reservering.objects.filter(
            budgetpost_id__in=pks, status=ReserveringStatus.OPEN, open_bedrag__gt=0
        ).values_list("budgetpost_id", "bedrag", "open_bedrag", "begindatum", "einddatum"):
            per_post[budgetpost_id].append(OpenReservering(bedrag, open_bedrag, begin, eind))
        return per_post
    for r in _reserveringen_op(peildatum, Q(pk__in=pks)).values():
        if r.open_bedrag > 0:
            per_post[r.budgetpost_id].append(
                OpenReservering(r.bedrag, r.open_bedrag, r.begindatum, r.einddatum)
            )
    return per_post


def _instroom(pks: Sequence[int], peildatum: date) -> dict[int, list[Instroommaand]]:
    """Per budget post, the new reservations (not roll-overs) per month over the months the
    trend may use; one query."""
    maanden = trendmaanden(jaar=peildatum.year, peildatum=peildatum)
    per_post: dict[int, list[Instroommaand]] = {pk: [] for pk in pks}
    if not maanden:
        return per_post
    (j1, m1), (j2, m2) = maanden[0], maanden[-1]
    rijen = (
        Boeking.objects.filter(
            soort=BoekingSoort.RESERVERING,
            reservering__budgetpost_id__in=pks,
            reservering__doorgerold_uit__isnull=True,
            boekdatum__gte=date(j1, m1, 1),
            boekdatum__lte=laatste_dag_van_maand(date(j2, m2, 1)),
        )
        .annotate(maand=TruncMonth("boekdatum"))
        .values("reservering__budgetpost_id", "maand")
        .annotate(som=Sum("bedrag"))
        .values_list("reservering__budgetpost_id", "maand", "som")
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
    in three queries whatever their number (four on a past peildatum; one less when
    ``standen`` on the same peildatum are passed in). ``peildatum`` None: everything booked so far, looking from ``vandaag``
    (default today)."""
    pks = [bp.pk for bp in budgetposten]
    if not pks:
        return {}
    if standen is None:
        standen = budgetstanden_voor(budgetposten, peildatum=peildatum)
    dag = peildatum or vandaag or timezone.localdate()
    open_per_post = _open_reserveringen(pks, peildatum)
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
    """The year-end forecast of one budget post with its parts, in three or four queries."""
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


# --- Alerts -----------------------------------------------------------------------------------


def signaleringen_zichtbaar(*, gebruiker: Gebruiker) -> QuerySet[Signalering]:
    qs = Signalering.objects.select_related(
        "gemeente",
        "budgetpost",
        "budgetpost__gemeente",
        "zorgaanbieder",
        "bestedingsruimte",
        "bevestigd_door",
    )
    if not is_gemeentegebruiker(gebruiker):
        return qs.none()
    return qs.filter(gemeente_filter(gebruiker))


def signalering_ophalen(*, gebruiker: Gebruiker, uuid: uuid_lib.UUID | str) -> Signalering:
    try:
        return signaleringen_zichtbaar(gebruiker=gebruiker).get(uuid=uuid)
    except (Signalering.DoesNotExist, ValueError, ValidationError):
        raise NietGevonden("Signalering niet gevonden.", code="signalering_niet_gevonden") from None


def signaleringsdrempels_zichtbaar(*, gebruiker: Gebruiker) -> QuerySet[Signaleringsdrempel]:
    qs = Signaleringsdrempel.objects.select_related(
        "gemeente", "budgetpost", "budgetpost__gemeente"
    )
    if not is_gemeentegebruiker(gebruiker):
        return qs.none()
    return qs.filter(gemeente_filter(gebruiker))

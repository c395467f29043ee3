"""Reads of budgets and the ledger: the budget position (budgetstand), budget posts and
years, the mapping to a budget post, reservations and transfers, scoped to the user."""

from __future__ import annotations

import uuid as uuid_lib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q, QuerySet, Sum

from contracten.models import Product, Productcategorie
from financien.constants import (
    RekeningSoort,
)
from financien.models import (
    Begrotingsjaar,
    Begrotingswijziging,
    Boeking,
    Boekingsregel,
    Budgetpost,
    BudgetpostToewijzingsregel,
    Rekening,
    Reservering,
    Reserveringsperiode,
)
from kern.exceptions import DomeinFout, NietGevonden
from kern.models import Gebruiker, Gemeente
from kern.toegang import gemeente_filter, is_gemeentegebruiker
from kern.vaste_query import VasteQuery

NUL = Decimal("0.00")


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


#: The balances per budget post and kind of account (built once per process:
#: kern.vaste_query; the evaluation of alerts after every booking asks for them).
_SALDI = VasteQuery(
    lambda posten: (
        Rekening.objects.filter(budgetpost_id__any=posten)
        .values("budgetpost_id", "soort")
        .annotate(som=Sum("saldo"))
        .values_list("budgetpost_id", "soort", "som")
    )
)


def budgetstanden_voor(
    budgetposten: Sequence[Budgetpost], *, peildatum: date | None = None
) -> dict[int, Budgetstand]:
    """The positions of ``budgetposten`` by pk, in one query."""
    pks = [bp.pk for bp in budgetposten]
    saldi: dict[int, dict[str, Decimal]] = {pk: {} for pk in pks}
    if not pks:
        return {}
    rijen: Iterable[tuple[int, str, Decimal]]
    if peildatum is None:
        rijen = _SALDI(posten=pks)
    else:
        rijen = (
            Boekingsregel.objects.filter(
                rekening__budgetpost_id__any=pks, boeking__boekdatum__lte=peildatum
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
    ).prefetch_related(
        Prefetch(
            "perioden",
            queryset=Reserveringsperiode.objects.select_related("boeking").order_by("boeking_id"),
        )
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


def begrotingsjaren_zichtbaar(*, gebruiker: Gebruiker) -> QuerySet[Begrotingsjaar]:
    qs = Begrotingsjaar.objects.select_related("gemeente")
    if not is_gemeentegebruiker(gebruiker):
        return qs.none()
    return qs.filter(gemeente_filter(gebruiker))

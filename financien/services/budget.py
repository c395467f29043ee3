"""Budget posts, their mapping to products, budget changes and closing a year."""

from __future__ import annotations

import uuid as uuid_lib
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from contracten.models import Product, Productcategorie
from financien import lock_objects
from financien.constants import (
    BUDGETPOST_REKENINGEN,
    BoekingSoort,
    BronType,
    RekeningSoort,
    Taakveld,
)
from financien.models import (
    Begrotingsjaar,
    Begrotingswijziging,
    Boeking,
    Budgetpost,
    BudgetpostToewijzingsregel,
    Rekening,
)
from financien.services._basis import (
    _bedrag,
    _bestaande_boeking,
    _boeken,
    _eis_budgetbeheer,
    _idempotent,
    _jaar_afgesloten_fout,
    _jaar_delen,
    _jaar_id,
    _opslaan,
    _sleutel,
    _tekst,
    _vergrendel,
    _vingerafdruk,
)
from financien.services.signaleringen import signaleren_na_commit
from kern.audit import audit_vastleggen, momentopname
from kern.constants import AuditActie
from kern.exceptions import Conflict, DomeinFout, van_validation_error
from kern.models import Gebruiker, Gemeente

# --- Budget posts and their mapping -------------------------------------------------------


@transaction.atomic
def budgetpost_aanmaken(
    *,
    door: Gebruiker | None,
    gemeente: Gemeente,
    jaar: int,
    wet: str,
    taakveld: str,
    kostenplaats: str = "",
    productcategorie: Productcategorie | None = None,
    omschrijving: str = "",
) -> Budgetpost:
    """A new budget post with its accounts and a budget of zero (raise it with
    :func:`budget_toekennen`). Refused on a closed year."""
    _eis_budgetbeheer(door, gemeente)
    if productcategorie is not None and productcategorie.wet != wet:
        raise DomeinFout(
            f"Productcategorie {productcategorie.code} hoort niet bij de {wet}.",
            code="productcategorie_andere_wet",
            velden={"productcategorie": ["Hoort bij een andere wet."]},
        )
    kostenplaats = (kostenplaats or "").strip()
    bestaat = Budgetpost.objects.filter(
        gemeente=gemeente,
        jaar=jaar,
        wet=wet,
        taakveld=taakveld,
        kostenplaats=kostenplaats,
        productcategorie=productcategorie,
    )
    if bestaat.exists():
        raise Conflict("Deze budgetpost bestaat al.", code="budgetpost_bestaat")
    budgetpost = Budgetpost(
        gemeente=gemeente,
        jaar=jaar,
        wet=wet,
        taakveld=taakveld,
        kostenplaats=kostenplaats,
        productcategorie=productcategorie,
        omschrijving=omschrijving,
    )
    try:
        budgetpost.full_clean()
    except ValidationError as exc:
        raise van_validation_error(exc) from exc
    if _jaar_delen(gemeente.pk, jaar):
        raise _jaar_afgesloten_fout(jaar)
    try:
        with transaction.atomic():
            budgetpost.save()
    except IntegrityError:
        raise Conflict("Deze budgetpost bestaat al.", code="budgetpost_bestaat") from None
    Rekening.objects.bulk_create(
        [Rekening(budgetpost=budgetpost, soort=soort) for soort in BUDGETPOST_REKENINGEN]
    )
    audit_vastleggen(
        gebruiker=door, actie=AuditActie.AANGEMAAKT, obj=budgetpost, na=momentopname(budgetpost)
    )
    return budgetpost


@transaction.atomic
def jaar_afsluiten(*, door: Gebruiker | None, gemeente: Gemeente, jaar: int) -> Begrotingsjaar:
    """Close a budget year: no new reservations or budget changes on it. Waits for bookings
    in flight (they hold the year shared) so none slips past the closing."""
    _eis_budgetbeheer(door, gemeente)
    jaar_id = _jaar_id(gemeente.pk, jaar)
    begrotingsjaar = lock_objects.begrotingsjaar_vergrendelen(jaar_id)
    if begrotingsjaar.afgesloten:
        raise _jaar_afgesloten_fout(jaar)
    voor = momentopname(begrotingsjaar)
    begrotingsjaar.afgesloten = True
    begrotingsjaar.afgesloten_op = timezone.now()
    begrotingsjaar.afgesloten_door = door if door is not None and door.pk else None
    begrotingsjaar.save()
    audit_vastleggen(
        gebruiker=door,
        actie=AuditActie.STATUS,
        obj=begrotingsjaar,
        voor=voor,
        na=momentopname(begrotingsjaar),
    )
    return begrotingsjaar


@transaction.atomic
def toewijzingsregel_vastleggen(
    *,
    door: Gebruiker | None,
    gemeente: Gemeente,
    wet: str,
    taakveld: str,
    productcategorie: Productcategorie | None = None,
    product: Product | None = None,
    kostenplaats: str = "",
) -> BudgetpostToewijzingsregel:
    """Set which taakveld (and kostenplaats) pays for a wet, a productcategorie or one
    product in a gemeente. Replaces the rule at the same level (audited before/after)."""
    _eis_budgetbeheer(door, gemeente)
    if product is not None:
        if productcategorie is None:
            productcategorie = product.categorie
        elif product.categorie_id != productcategorie.pk:
            raise DomeinFout(
                f"Product {product.productcode} hoort niet bij categorie {productcategorie.code}.",
                code="product_andere_categorie",
                velden={"product": ["Hoort bij een andere productcategorie."]},
            )
    if productcategorie is not None and productcategorie.wet != wet:
        raise DomeinFout(
            f"Productcategorie {productcategorie.code} hoort niet bij de {wet}.",
            code="productcategorie_andere_wet",
            velden={"productcategorie": ["Hoort bij een andere wet."]},
        )
    if taakveld not in Taakveld.values:
        raise DomeinFout(
            f"Onbekend taakveld {taakveld!r}.",
            code="taakveld_ongeldig",
            velden={"taakveld": ["Onbekend taakveld."]},
        )
    regel = (
        BudgetpostToewijzingsregel.objects.select_for_update()
        .filter(gemeente=gemeente, wet=wet, productcategorie=productcategorie, product=product)
        .first()
    )
    voor = momentopname(regel) if regel is not None else None
    if regel is None:
        regel = BudgetpostToewijzingsregel(
            gemeente=gemeente, wet=wet, productcategorie=productcategorie, product=product
        )
    regel.taakveld = taakveld
    regel.kostenplaats = (kostenplaats or "").strip()
    if voor is not None and momentopname(regel) == voor:
        return regel
    _opslaan(regel)
    audit_vastleggen(
        gebruiker=door,
        actie=AuditActie.AANGEMAAKT if voor is None else AuditActie.GEWIJZIGD,
        obj=regel,
        voor=voor,
        na=momentopname(regel),
    )
    return regel


# --- Budget changes -----------------------------------------------------------------------


def _budget_wijzigen(
    *,
    door: Gebruiker | None,
    budgetpost: Budgetpost,
    bedrag: Decimal,
    reden: str,
    besluit: str,
    idempotentiesleutel: str,
    boekdatum: date | None,
    verhogen: bool,
) -> Boeking:
    _eis_budgetbeheer(door, budgetpost.gemeente)
    bedrag = _bedrag(bedrag)
    reden = _tekst(
        reden,
        veld="reden",
        code="reden_verplicht",
        bericht="Een begrotingswijziging heeft een reden.",
    )
    sleutel = _sleutel(idempotentiesleutel)
    soort = BoekingSoort.BUDGET_TOEKENNING if verhogen else BoekingSoort.BUDGET_VERLAGING
    vingerafdruk = _vingerafdruk(
        soort,
        budgetpost=budgetpost.pk,
        bedrag=bedrag,
        reden=reden,
        besluit=besluit,
        boekdatum=boekdatum,
    )

    def uitvoeren() -> Boeking:
        afgesloten = _jaar_delen(budgetpost.gemeente_id, budgetpost.jaar)
        rekeningen = _vergrendel(
            Q(budgetpost_id=budgetpost.pk)
            & Q(soort__in=[RekeningSoort.BEGROTING, RekeningSoort.BESCHIKBAAR])
        )
        bestaand = _bestaande_boeking(sleutel, vingerafdruk)
        if bestaand is not None:
            return bestaand
        if afgesloten:
            raise _jaar_afgesloten_fout(budgetpost.jaar)
        begroting = rekeningen(budgetpost.pk, RekeningSoort.BEGROTING)
        beschikbaar = rekeningen(budgetpost.pk, RekeningSoort.BESCHIKBAAR)
        if not verhogen and bedrag > -begroting.saldo:
            raise DomeinFout(
                f"Het budget ({-begroting.saldo}) kan niet met {bedrag} worden verlaagd: "
                "een budget is nooit negatief.",
                code="budget_negatief",
                details={"budget": str(-begroting.saldo), "verlaging": str(bedrag)},
            )
        teken = 1 if verhogen else -1
        budget_voor = -begroting.saldo + 0
        regels = [(begroting, -teken * bedrag), (beschikbaar, teken * bedrag)]
        wijziging_uuid = uuid_lib.uuid4()
        boeking = _boeken(
            gemeente_id=budgetpost.gemeente_id,
            soort=soort,
            bron_type=BronType.BEGROTINGSWIJZIGING,
            bron_id=str(wijziging_uuid),
            regels=regels,
            sleutel=sleutel,
            vingerafdruk=vingerafdruk,
            door=door,
            omschrijving=reden,
            boekdatum=boekdatum,
        )
        wijziging = Begrotingswijziging.objects.create(
            uuid=wijziging_uuid,
            budgetpost=budgetpost,
            bedrag=teken * bedrag,
            reden=reden,
            besluit=besluit,
            boeking=boeking,
            door=door if door is not None and door.pk else None,
        )
        audit_vastleggen(
            gebruiker=door,
            actie=AuditActie.AANGEMAAKT,
            obj=wijziging,
            na={
                **momentopname(wijziging),
                "budget_voor": str(budget_voor),
                "budget_na": str(budget_voor + teken * bedrag),
            },
            toelichting=reden,
        )
        signaleren_na_commit(budgetpost_ids=[budgetpost.pk])
        return boeking

    return _idempotent(sleutel, vingerafdruk, uitvoeren)


@transaction.atomic
def budget_toekennen(
    *,
    door: Gebruiker | None,
    budgetpost: Budgetpost,
    bedrag: Decimal,
    reden: str,
    idempotentiesleutel: str,
    besluit: str = "",
    boekdatum: date | None = None,
) -> Boeking:
    """Raise a budget post's budget (begroting -> beschikbaar) by ``bedrag`` > 0."""
    return _budget_wijzigen(
        door=door,
        budgetpost=budgetpost,
        bedrag=bedrag,
        reden=reden,
        besluit=besluit,
        idempotentiesleutel=idempotentiesleutel,
        boekdatum=boekdatum,
        verhogen=True,
    )


@transaction.atomic
def budget_verlagen(
    *,
    door: Gebruiker | None,
    budgetpost: Budgetpost,
    bedrag: Decimal,
    reden: str,
    idempotentiesleutel: str,
    besluit: str = "",
    boekdatum: date | None = None,
) -> Boeking:
    """Lower a budget post's budget (beschikbaar -> begroting) by ``bedrag`` > 0. The budget
    never goes below zero (``budget_negatief``); ``beschikbaar`` may (budgets are soft)."""
    return _budget_wijzigen(
        door=door,
        budgetpost=budgetpost,
        bedrag=bedrag,
        reden=reden,
        besluit=besluit,
        idempotentiesleutel=idempotentiesleutel,
        boekdatum=boekdatum,
        verhogen=False,
    )

"""Reads of contracten. Every selector takes the acting user and keeps to their scope:
a zorgaanbieder user sees only its own provider's data, a municipal user only what concerns
its gemeenten. What lies outside the scope does not exist for the user (404)."""

from __future__ import annotations

import uuid as uuid_lib
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from contracten.constants import CONTRACT_LOPEND
from contracten.exceptions import GeenContracttarief, MeerdereContracttarieven
from contracten.models import (
    Bestedingsruimte,
    Contract,
    Product,
    Productcategorie,
    SlaNorm,
    Tariefperiode,
    Zorgaanbieder,
    ZorgaanbiederGebruiker,
)
from kern.exceptions import DomeinFout, NietGevonden
from kern.models import Gebruiker, Gemeente
from kern.toegang import gemeente_in_scope, ziet_alles


def _geen_contracttarief(
    *, agb_code: str, gemeentecode: str, productcode: str, datum: date
) -> GeenContracttarief:
    return GeenContracttarief(
        f"Geen contracttarief voor product {productcode} van aanbieder "
        f"{agb_code} in gemeente {gemeentecode} op {datum:%d-%m-%Y}.",
        details={
            "agb_code": agb_code,
            "gemeentecode": gemeentecode,
            "productcode": productcode,
            "datum": datum.isoformat(),
        },
    )


def zorgaanbieder_id_van(gebruiker: Gebruiker) -> int | None:
    """The provider a zorgaanbieder user works for (cached on the user), or None."""
    if "_zorgaanbieder_id_cache" not in gebruiker.__dict__:
        gebruiker.__dict__["_zorgaanbieder_id_cache"] = (
            ZorgaanbiederGebruiker.objects.filter(gebruiker=gebruiker)
            .values_list("zorgaanbieder_id", flat=True)
            .first()
        )
    value: int | None = gebruiker.__dict__["_zorgaanbieder_id_cache"]
    return value


def _is_aanbieder(gebruiker: Gebruiker) -> bool:
    return not ziet_alles(gebruiker) and zorgaanbieder_id_van(gebruiker) is not None


def _contract_scope(gebruiker: Gebruiker, prefix: str = "") -> Q:
    """Q for contracts (or rows with a ``contract`` relation, via ``prefix``) in scope."""
    if ziet_alles(gebruiker):
        return Q()
    aanbieder_id = zorgaanbieder_id_van(gebruiker)
    if aanbieder_id is not None:
        return Q(**{f"{prefix}zorgaanbieder_id": aanbieder_id})
    return Q(**{f"{prefix}gemeenten__in": gebruiker.gemeente_ids()})


def zorgaanbieders_zichtbaar(*, gebruiker: Gebruiker) -> QuerySet[Zorgaanbieder]:
    """Municipal users see the whole provider register; a provider user only itself."""
    qs = Zorgaanbieder.objects.all()
    if _is_aanbieder(gebruiker):
        return qs.filter(pk__in=[zorgaanbieder_id_van(gebruiker)])
    if not ziet_alles(gebruiker) and not gebruiker.gemeente_ids():
        return qs.none()
    return qs


def zorgaanbieder_ophalen(*, gebruiker: Gebruiker, uuid: uuid_lib.UUID | str) -> Zorgaanbieder:
    try:
        return zorgaanbieders_zichtbaar(gebruiker=gebruiker).get(uuid=uuid)
    except (Zorgaanbieder.DoesNotExist, ValueError, ValidationError):
        raise NietGevonden(
            "Zorgaanbieder niet gevonden.", code="zorgaanbieder_niet_gevonden"
        ) from None


def productcategorieen(*, wet: str | None = None) -> QuerySet[Productcategorie]:
    qs = Productcategorie.objects.all()
    return qs.filter(wet=wet) if wet else qs


def producten_zichtbaar(
    *, gebruiker: Gebruiker, peildatum: date | None = None
) -> QuerySet[Product]:
    """The catalogue is a shared register: every authenticated user reads it.

    With ``peildatum`` only products valid on that day."""
    qs = Product.objects.select_related("categorie")
    if peildatum is not None:
        qs = qs.filter(ingangsdatum__lte=peildatum).filter(
            Q(einddatum__isnull=True) | Q(einddatum__gte=peildatum)
        )
    return qs


def product_zoeken(*, wet: str, categorie: str, productcode: str) -> Product:
    try:
        return Product.objects.select_related("categorie").get(
            categorie__wet=wet, categorie__code=categorie, productcode=productcode
        )
    except Product.DoesNotExist:
        raise DomeinFout(
            f"Onbekende productcode {productcode} in categorie {categorie} ({wet}).",
            code="product_onbekend",
        ) from None


def contracten_zichtbaar(*, gebruiker: Gebruiker) -> QuerySet[Contract]:
    qs = Contract.objects.select_related("zorgaanbieder").prefetch_related("gemeenten")
    if ziet_alles(gebruiker):
        return qs
    if not _is_aanbieder(gebruiker) and not gebruiker.gemeente_ids():
        return qs.none()
    ids = Contract.objects.filter(_contract_scope(gebruiker)).values("pk")
    return qs.filter(pk__in=ids)


def contract_ophalen(*, gebruiker: Gebruiker, uuid: uuid_lib.UUID | str) -> Contract:
    try:
        return contracten_zichtbaar(gebruiker=gebruiker).get(uuid=uuid)
    except (Contract.DoesNotExist, ValueError, ValidationError):
        raise NietGevonden("Contract niet gevonden.", code="contract_niet_gevonden") from None


def tariefperioden_zichtbaar(
    *, gebruiker: Gebruiker, ook_vervangen: bool = False
) -> QuerySet[Tariefperiode]:
    qs = Tariefperiode.objects.select_related(
        "contract", "contract__zorgaanbieder", "product", "product__categorie"
    ).filter(contract__in=contracten_zichtbaar(gebruiker=gebruiker).values("pk"))
    if not ook_vervangen:
        qs = qs.filter(is_vervangen=False)
    return qs


def tariefperiode_ophalen(*, gebruiker: Gebruiker, uuid: uuid_lib.UUID | str) -> Tariefperiode:
    try:
        return tariefperioden_zichtbaar(gebruiker=gebruiker, ook_vervangen=True).get(uuid=uuid)
    except (Tariefperiode.DoesNotExist, ValueError, ValidationError):
        raise NietGevonden(
            "Tariefperiode niet gevonden.", code="tariefperiode_niet_gevonden"
        ) from None


def geldige_tariefperioden(*, datum: date) -> QuerySet[Tariefperiode]:
    """Periods (not replaced) valid on ``datum`` in contracts that run on ``datum``."""
    return Tariefperiode.objects.filter(
        is_vervangen=False,
        ingangsdatum__lte=datum,
        contract__status__in=CONTRACT_LOPEND,
        contract__ingangsdatum__lte=datum,
    ).filter(
        Q(einddatum__isnull=True) | Q(einddatum__gte=datum),
        Q(contract__einddatum__isnull=True) | Q(contract__einddatum__gte=datum),
    )


def tarief_op(
    *, zorgaanbieder: Zorgaanbieder, gemeente: Gemeente, product: Product, datum: date
) -> Tariefperiode:
    """The contract tariff valid for this provider, gemeente and product on ``datum``.

    Raises :class:`GeenContracttarief` when no running contract carries one, and
    :class:`MeerdereContracttarieven` when two running contracts disagree on the amount.
    One query.
    """
    kandidaten = list(
        geldige_tariefperioden(datum=datum)
        .filter(
            contract__zorgaanbieder=zorgaanbieder, contract__gemeenten=gemeente, product=product
        )
        .select_related("contract", "product")
        .order_by("-contract__ingangsdatum", "-ingangsdatum", "-pk")
    )
    if not kandidaten:
        raise _geen_contracttarief(
            agb_code=zorgaanbieder.agb_code,
            gemeentecode=gemeente.code,
            productcode=product.productcode,
            datum=datum,
        )
    bedragen = {(k.bedrag.amount, k.eenheid) for k in kandidaten}
    if len(bedragen) > 1:
        raise MeerdereContracttarieven(
            f"Meerdere lopende contracten geven verschillende tarieven voor product "
            f"{product.productcode} op {datum:%d-%m-%Y}: "
            + ", ".join(sorted({k.contract.nummer for k in kandidaten}))
            + ".",
        )
    return kandidaten[0]


def tarief_op_zichtbaar(
    *, gebruiker: Gebruiker, agb_code: str, gemeentecode: str, product: Product, datum: date
) -> Tariefperiode:
    """:func:`tarief_op` as a user may ask it: a provider user only for its own AGB (any
    gemeente: its contracts decide), a municipal user only for its own gemeenten. Out of
    scope answers exactly like "no tariff", so nothing about other scopes leaks."""
    geen = _geen_contracttarief(
        agb_code=agb_code, gemeentecode=gemeentecode, productcode=product.productcode, datum=datum
    )
    aanbieder = zorgaanbieders_zichtbaar(gebruiker=gebruiker).filter(agb_code=agb_code).first()
    gemeente = Gemeente.objects.filter(code=gemeentecode).first()
    if aanbieder is None or gemeente is None:
        raise geen
    if not _is_aanbieder(gebruiker) and not gemeente_in_scope(gebruiker, gemeente):
        raise geen
    return tarief_op(zorgaanbieder=aanbieder, gemeente=gemeente, product=product, datum=datum)


def slanormen_zichtbaar(*, gebruiker: Gebruiker) -> QuerySet[SlaNorm]:
    return SlaNorm.objects.select_related("contract").filter(
        contract__in=contracten_zichtbaar(gebruiker=gebruiker).values("pk")
    )


def bestedingsruimten_zichtbaar(*, gebruiker: Gebruiker) -> QuerySet[Bestedingsruimte]:
    qs = Bestedingsruimte.objects.select_related("zorgaanbieder", "gemeente")
    if ziet_alles(gebruiker):
        return qs
    aanbieder_id = zorgaanbieder_id_van(gebruiker)
    if aanbieder_id is not None:
        return qs.filter(zorgaanbieder_id=aanbieder_id)
    return qs.filter(gemeente_id__in=gebruiker.gemeente_ids())

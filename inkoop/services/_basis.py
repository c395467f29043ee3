"""Helpers shared by the services of inkoop: role checks, saving with Dutch validation
errors, money checks and the current day."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from contracten.constants import CONTRACT_LOPEND
from contracten.models import Product, Tariefperiode, Zorgaanbieder
from contracten.selectors import zorgaanbieder_id_van
from inkoop.models import Inkooptraject
from kern.constants import Rol
from kern.exceptions import DomeinFout, GeenToegang, NietGevonden, van_validation_error
from kern.geld import afronden
from kern.models import Gebruiker, Gemeente
from kern.toegang import eis_gemeenten_in_scope, ziet_alles

#: Roles that run procurement.
INKOOP_ROLLEN = (Rol.INKOPER, Rol.BEHEERDER)


def vandaag() -> date:
    """The current day in the project's time zone (one place, so tests can move it)."""
    return timezone.localdate()


def eis_rol(door: Gebruiker | None, *rollen: str) -> None:
    if door is not None and not door.heeft_rol(*rollen):
        raise GeenToegang(
            "U heeft niet de rol die voor deze actie nodig is ("
            + " of ".join(str(Rol(r).label).lower() for r in rollen)
            + ").",
        )


def aanbieder_id(door: Gebruiker | None) -> int | None:
    """The provider a zorgaanbieder user acts for; None for everyone else."""
    if door is None or ziet_alles(door):
        return None
    return zorgaanbieder_id_van(door)


def eis_traject_in_scope(door: Gebruiker | None, traject: Inkooptraject) -> None:
    """Writes on a traject need every one of its gemeenten in the user's scope."""
    if door is not None:
        eis_gemeenten_in_scope(door, list(traject.gemeenten.all()))


def eis_eigen_aanbieder(door: Gebruiker, zorgaanbieder: Zorgaanbieder) -> None:
    """A provider user acts only for its own provider; any other answers 404."""
    if aanbieder_id(door) != zorgaanbieder.pk:
        raise NietGevonden("Zorgaanbieder niet gevonden.", code="zorgaanbieder_niet_gevonden")


def opslaan(obj: Any, *, exclude: list[str] | None = None) -> None:
    """``full_clean`` (field, choice and constraint checks with Dutch codes), then save."""
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise van_validation_error(exc) from exc
    obj.save()


def eis_bedrag(bedrag: Any, *, product: Product | None = None) -> Decimal:
    """A tariff: a Decimal of at least zero in whole cents."""
    if not isinstance(bedrag, Decimal):
        raise TypeError("tariefbedrag is een Decimal")
    waar = f" (product {product.productcode})" if product is not None else ""
    if bedrag < 0:
        raise DomeinFout(f"Een tarief is niet negatief{waar}.", code="tarief_negatief")
    if bedrag != afronden(bedrag):
        raise DomeinFout(
            f"Een tarief heeft hoogstens twee decimalen (hele centen){waar}.",
            code="tarief_decimalen",
        )
    return bedrag


def eis_einde_na_ingang(ingangsdatum: date, einddatum: date | None) -> None:
    if einddatum is not None and einddatum < ingangsdatum:
        raise DomeinFout(
            "De einddatum ligt vóór de ingangsdatum.",
            code="einddatum_voor_ingangsdatum",
            velden={"einddatum": ["De einddatum ligt vóór de ingangsdatum."]},
        )


def eis_lopend_contract(
    *, zorgaanbieder: Zorgaanbieder, product: Product, gemeente: Gemeente, vanaf: date
) -> None:
    """Refuse unless the provider holds a running contract with a tariff for the product in
    the gemeente on ``vanaf`` or later (capacity and clientstops are about contracted care)."""
    lopend = (
        Tariefperiode.objects.filter(
            is_vervangen=False,
            product=product,
            contract__zorgaanbieder=zorgaanbieder,
            contract__gemeenten=gemeente,
            contract__status__in=CONTRACT_LOPEND,
        )
        .filter(Q(einddatum__isnull=True) | Q(einddatum__gte=vanaf))
        .filter(Q(contract__einddatum__isnull=True) | Q(contract__einddatum__gte=vanaf))
    )
    if not lopend.exists():
        raise DomeinFout(
            f"{zorgaanbieder.naam} heeft geen lopend contract voor product "
            f"{product.productcode} in gemeente {gemeente.naam}.",
            code="geen_contract",
        )

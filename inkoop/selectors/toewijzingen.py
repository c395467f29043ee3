"""Reads of clients and toewijzingen, scoped to the acting user: a municipal user sees those of
its gemeenten, a provider user only its own toewijzingen and the clients it has one for.
Anything else does not exist for the user (404)."""

from __future__ import annotations

import uuid as uuid_lib
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, OuterRef, QuerySet

from financien import selectors as financien_selectors
from financien.constants import BronType
from financien.models import Reservering
from inkoop.constants import ToewijzingStatus
from inkoop.models import Client, Toewijzing, ToewijzingWijziging
from inkoop.selectors.inkooptrajecten import _aanbieder_id, ophalen
from kern.bsn import valideer_bsn
from kern.exceptions import NietGevonden
from kern.models import Gebruiker, Gemeente
from kern.toegang import gemeente_in_scope, is_gemeentegebruiker, ziet_alles


def clienten_zichtbaar(*, gebruiker: Gebruiker) -> QuerySet[Client]:
    qs = Client.objects.select_related("gemeente")
    if ziet_alles(gebruiker):
        return qs
    aanbieder_id = _aanbieder_id(gebruiker)
    if aanbieder_id is not None:
        eigen = Toewijzing.objects.filter(client=OuterRef("pk"), zorgaanbieder_id=aanbieder_id)
        return qs.filter(Exists(eigen))
    if not is_gemeentegebruiker(gebruiker):
        return qs.none()
    return qs.filter(gemeente_id__in=gebruiker.gemeente_ids())


def client_ophalen(*, gebruiker: Gebruiker, uuid: uuid_lib.UUID | str) -> Client:
    return ophalen(
        clienten_zichtbaar(gebruiker=gebruiker),
        uuid,
        "Cliënt niet gevonden.",
        "client_niet_gevonden",
    )


def client_zoeken(*, gebruiker: Gebruiker, gemeente: Gemeente, bsn: str) -> Client:
    """The client with ``bsn`` in ``gemeente``, within the user's scope (404 otherwise; the
    answer never says whether the BSN exists elsewhere)."""
    bsn = valideer_bsn(bsn)
    niet_gevonden = NietGevonden("Cliënt niet gevonden.", code="client_niet_gevonden")
    if _aanbieder_id(gebruiker) is None and not gemeente_in_scope(gebruiker, gemeente):
        raise niet_gevonden
    client = clienten_zichtbaar(gebruiker=gebruiker).filter(gemeente=gemeente, bsn=bsn).first()
    if client is None:
        raise niet_gevonden
    return client


def toewijzingen_zichtbaar(*, gebruiker: Gebruiker) -> QuerySet[Toewijzing]:
    qs = Toewijzing.objects.select_related(
        "gemeente", "client", "zorgaanbieder", "productcategorie", "product", "verzoek"
    )
    if ziet_alles(gebruiker):
        return qs
    aanbieder_id = _aanbieder_id(gebruiker)
    if aanbieder_id is not None:
        return qs.filter(zorgaanbieder_id=aanbieder_id)
    if not is_gemeentegebruiker(gebruiker):
        return qs.none()
    return qs.filter(gemeente_id__in=gebruiker.gemeente_ids())


def toewijzing_ophalen(*, gebruiker: Gebruiker, uuid: uuid_lib.UUID | str) -> Toewijzing:
    return ophalen(
        toewijzingen_zichtbaar(gebruiker=gebruiker),
        uuid,
        "Toewijzing niet gevonden.",
        "toewijzing_niet_gevonden",
    )


def toewijzingen_bij_te_stellen(*, gebruiker: Gebruiker) -> QuerySet[Toewijzing]:
    """The regisseur's list: toewijzingen whose care stopped before their einddatum (307),
    to be adjusted; the longest waiting first. Providers see none of this list."""
    if _aanbieder_id(gebruiker) is not None:
        return Toewijzing.objects.none()
    return (
        toewijzingen_zichtbaar(gebruiker=gebruiker)
        .filter(bijstellen=True)
        .exclude(status=ToewijzingStatus.VERWIJDERD)
        .order_by("zorg_einddatum", "nummer")
    )


def toewijzing_wijzigingen(*, toewijzing: Toewijzing) -> QuerySet[ToewijzingWijziging]:
    return (
        ToewijzingWijziging.objects.filter(toewijzing=toewijzing)
        .select_related("door")
        .order_by("op", "id")
    )


@dataclass(frozen=True)
class ToewijzingReservering:
    """One year's reservation of a toewijzing, as a municipal user sees it."""

    jaar: int
    budgetpost: str
    bedrag: Decimal
    gerealiseerd_bedrag: Decimal
    open_bedrag: Decimal
    status: str


def toewijzing_reserveringen(
    *, gebruiker: Gebruiker, toewijzing: Toewijzing
) -> list[ToewijzingReservering]:
    """The reservations of a toewijzing per year (the gemeente's books: a provider user sees
    none). One query."""
    if not is_gemeentegebruiker(gebruiker):
        return []
    rijen: QuerySet[Reservering] = financien_selectors.reserveringen_van_bron(
        bron_type=BronType.TOEWIJZING, bron_id=str(toewijzing.uuid)
    ).select_related("budgetpost")
    return [
        ToewijzingReservering(
            jaar=r.jaar,
            budgetpost=str(r.budgetpost.uuid),
            bedrag=r.bedrag,
            gerealiseerd_bedrag=r.gerealiseerd_bedrag,
            open_bedrag=r.open_bedrag,
            status=r.status,
        )
        for r in rijen
    ]

"""Reads of procurement, scoped to the acting user: a municipal user sees the trajecten of
its gemeenten (and everything under them); a provider user sees published trajecten and
only its own inschrijvingen. Anything else does not exist for the user (404)."""

from __future__ import annotations

import uuid as uuid_lib
from typing import TypeVar

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import Model, Prefetch, QuerySet

from contracten.selectors import zorgaanbieder_id_van
from inkoop.models import (
    Inkooptraject,
    InkooptrajectStatusWijziging,
    Inschrijving,
    InschrijvingTarief,
    Perceel,
    PerceelProduct,
)
from kern.exceptions import NietGevonden
from kern.models import Gebruiker
from kern.toegang import ziet_alles

M = TypeVar("M", bound=Model)


def _aanbieder_id(gebruiker: Gebruiker) -> int | None:
    return None if ziet_alles(gebruiker) else zorgaanbieder_id_van(gebruiker)


def inkooptrajecten_zichtbaar(*, gebruiker: Gebruiker) -> QuerySet[Inkooptraject]:
    qs = Inkooptraject.objects.prefetch_related(
        "gemeenten", Prefetch("percelen", queryset=Perceel.objects.order_by("naam", "pk"))
    )
    if ziet_alles(gebruiker):
        return qs
    if _aanbieder_id(gebruiker) is not None:
        return qs.filter(publicatiedatum__isnull=False)
    gemeente_ids = gebruiker.gemeente_ids()
    if not gemeente_ids:
        return qs.none()
    ids = Inkooptraject.objects.filter(gemeenten__in=gemeente_ids).values("pk")
    return qs.filter(pk__in=ids)


def ophalen(qs: QuerySet[M], uuid: uuid_lib.UUID | str, bericht: str, code: str) -> M:
    """One row of a scoped queryset by uuid; missing, out of scope or malformed is 404."""
    try:
        return qs.get(uuid=uuid)
    except (ObjectDoesNotExist, ValueError, ValidationError):
        raise NietGevonden(bericht, code=code) from None


def inkooptraject_ophalen(*, gebruiker: Gebruiker, uuid: uuid_lib.UUID | str) -> Inkooptraject:
    return ophalen(
        inkooptrajecten_zichtbaar(gebruiker=gebruiker),
        uuid,
        "Inkooptraject niet gevonden.",
        "inkooptraject_niet_gevonden",
    )


def statuswijzigingen_van(traject: Inkooptraject) -> QuerySet[InkooptrajectStatusWijziging]:
    """The status history of a traject the caller already fetched in scope."""
    return (
        InkooptrajectStatusWijziging.objects.filter(traject=traject)
        .select_related("door")
        .order_by("tijdstip", "id")
    )


def percelen_zichtbaar(*, gebruiker: Gebruiker) -> QuerySet[Perceel]:
    return (
        Perceel.objects.filter(
            traject__in=inkooptrajecten_zichtbaar(gebruiker=gebruiker).values("pk")
        )
        .select_related("traject")
        .prefetch_related(
            Prefetch(
                "producten",
                queryset=PerceelProduct.objects.select_related("product__categorie").order_by(
                    "product__productcode", "pk"
                ),
            )
        )
    )


def perceel_ophalen(*, gebruiker: Gebruiker, uuid: uuid_lib.UUID | str) -> Perceel:
    return ophalen(
        percelen_zichtbaar(gebruiker=gebruiker),
        uuid,
        "Perceel niet gevonden.",
        "perceel_niet_gevonden",
    )


def inschrijvingen_zichtbaar(*, gebruiker: Gebruiker) -> QuerySet[Inschrijving]:
    qs = Inschrijving.objects.select_related(
        "perceel",
        "perceel__traject",
        "zorgaanbieder",
        "contract",
        "ingediend_door",
        "beoordeeld_door",
    ).prefetch_related(
        Prefetch(
            "tarieven",
            queryset=InschrijvingTarief.objects.select_related(
                "perceel_product__product__categorie"
            ).order_by("perceel_product__product__productcode", "pk"),
        )
    )
    if ziet_alles(gebruiker):
        return qs
    aanbieder_id = _aanbieder_id(gebruiker)
    if aanbieder_id is not None:
        return qs.filter(zorgaanbieder_id=aanbieder_id)
    if not gebruiker.gemeente_ids():
        return qs.none()
    return qs.filter(
        perceel__traject__in=inkooptrajecten_zichtbaar(gebruiker=gebruiker).values("pk")
    )


def inschrijving_ophalen(*, gebruiker: Gebruiker, uuid: uuid_lib.UUID | str) -> Inschrijving:
    return ophalen(
        inschrijvingen_zichtbaar(gebruiker=gebruiker),
        uuid,
        "Inschrijving niet gevonden.",
        "inschrijving_niet_gevonden",
    )

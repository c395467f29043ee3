"""Reads of capacity reports and clientstops: a provider user sees its own, a municipal user
those of its gemeenten."""

from __future__ import annotations

import uuid as uuid_lib

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from contracten.selectors import zorgaanbieder_id_van
from inkoop.models import Capaciteitsmelding, Clientstop, ClientstopStatusWijziging
from inkoop.selectors.inkooptrajecten import ophalen
from kern.models import Gebruiker
from kern.toegang import ziet_alles


def _scope(qs: QuerySet, gebruiker: Gebruiker) -> QuerySet:
    if ziet_alles(gebruiker):
        return qs
    aanbieder_id = zorgaanbieder_id_van(gebruiker)
    if aanbieder_id is not None:
        return qs.filter(zorgaanbieder_id=aanbieder_id)
    return qs.filter(gemeente_id__in=gebruiker.gemeente_ids())


def capaciteitsmeldingen_zichtbaar(
    *, gebruiker: Gebruiker, alleen_actueel: bool = False
) -> QuerySet[Capaciteitsmelding]:
    """The capacity history; with ``alleen_actueel`` only the current report per provider,
    product and gemeente (the latest that is already valid)."""
    qs: QuerySet[Capaciteitsmelding] = _scope(
        Capaciteitsmelding.objects.select_related(
            "zorgaanbieder", "product__categorie", "gemeente", "gemeld_door"
        ),
        gebruiker,
    )
    if alleen_actueel:
        qs = alleen_actuele_meldingen(qs)
    return qs


def alleen_actuele_meldingen(
    qs: QuerySet[Capaciteitsmelding],
) -> QuerySet[Capaciteitsmelding]:
    """Narrow ``qs`` to the current report per provider, product and gemeente (the latest
    that is already valid)."""
    laatste = (
        Capaciteitsmelding.objects.filter(
            zorgaanbieder=OuterRef("zorgaanbieder"),
            product=OuterRef("product"),
            gemeente=OuterRef("gemeente"),
            geldig_vanaf__lte=timezone.now(),
        )
        .order_by("-geldig_vanaf", "-pk")
        .values("pk")[:1]
    )
    return qs.filter(pk=Subquery(laatste))


def capaciteitsmelding_ophalen(
    *, gebruiker: Gebruiker, uuid: uuid_lib.UUID | str
) -> Capaciteitsmelding:
    return ophalen(
        capaciteitsmeldingen_zichtbaar(gebruiker=gebruiker),
        uuid,
        "Capaciteitsmelding niet gevonden.",
        "capaciteitsmelding_niet_gevonden",
    )


def clientstops_zichtbaar(*, gebruiker: Gebruiker) -> QuerySet[Clientstop]:
    qs: QuerySet[Clientstop] = _scope(
        Clientstop.objects.select_related(
            "zorgaanbieder", "product__categorie", "gemeente", "aangevraagd_door", "beoordeeld_door"
        ),
        gebruiker,
    )
    return qs


def clientstop_ophalen(*, gebruiker: Gebruiker, uuid: uuid_lib.UUID | str) -> Clientstop:
    return ophalen(
        clientstops_zichtbaar(gebruiker=gebruiker),
        uuid,
        "Cliëntstop niet gevonden.",
        "clientstop_niet_gevonden",
    )


def clientstop_statuswijzigingen(clientstop: Clientstop) -> QuerySet[ClientstopStatusWijziging]:
    """The status history of a clientstop the caller already fetched in scope."""
    return (
        ClientstopStatusWijziging.objects.filter(clientstop=clientstop)
        .select_related("door")
        .order_by("tijdstip", "id")
    )

"""Reads of verzoeken (315/317) and regiemeldingen (305/307), scoped to the acting user: a
municipal user sees those of its gemeenten, a provider user only its own. Anything else does
not exist for the user (404).

The work queue (:func:`werkvoorraad`) lists the open verzoeken (open and in onderzoek) by
their deadline, with the working days left: 0 on the last day, negative when overdue."""

from __future__ import annotations

import uuid as uuid_lib
from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from django.utils import timezone

from inkoop.constants import VERZOEK_OPEN
from inkoop.models import Regiemelding, Verzoek, VerzoekStatusWijziging
from inkoop.selectors.inkooptrajecten import _aanbieder_id, ophalen
from kern.models import Gebruiker, Gemeente
from kern.perioden import werkdagen_tussen
from kern.toegang import is_gemeentegebruiker, ziet_alles


def verzoeken_zichtbaar(*, gebruiker: Gebruiker) -> QuerySet[Verzoek]:
    qs = Verzoek.objects.select_related(
        "gemeente", "zorgaanbieder", "client", "beslist_door", "bericht"
    ).defer("bericht__inhoud")
    if ziet_alles(gebruiker):
        return qs
    aanbieder_id = _aanbieder_id(gebruiker)
    if aanbieder_id is not None:
        return qs.filter(zorgaanbieder_id=aanbieder_id)
    if not is_gemeentegebruiker(gebruiker):
        return qs.none()
    return qs.filter(gemeente_id__in=gebruiker.gemeente_ids())


def verzoek_ophalen(*, gebruiker: Gebruiker, uuid: uuid_lib.UUID | str) -> Verzoek:
    return ophalen(
        verzoeken_zichtbaar(gebruiker=gebruiker),
        uuid,
        "Verzoek niet gevonden.",
        "verzoek_niet_gevonden",
    )


def verzoek_statuswijzigingen(verzoek: Verzoek) -> QuerySet[VerzoekStatusWijziging]:
    """The status history of a verzoek the caller already fetched in scope."""
    return (
        VerzoekStatusWijziging.objects.filter(verzoek=verzoek)
        .select_related("door")
        .order_by("op", "id")
    )


def werkdagen_over(uiterste: date, peildatum: date) -> int:
    """Working days from ``peildatum`` up to the deadline ``uiterste``: 0 on the last day
    itself, negative (the working days overdue) after it."""
    if uiterste >= peildatum:
        return werkdagen_tussen(peildatum, uiterste)
    return -werkdagen_tussen(uiterste, peildatum)


@dataclass(frozen=True, slots=True)
class Werkvoorraadregel:
    verzoek: Verzoek
    werkdagen_over: int

    @property
    def te_laat(self) -> bool:
        return self.werkdagen_over < 0


def werkvoorraad(
    *,
    gebruiker: Gebruiker,
    gemeente: Gemeente | None = None,
    peildatum: date | None = None,
) -> list[Werkvoorraadregel]:
    """The open verzoeken the user may see, the most urgent first (deadline, then arrival),
    each with its working days left. One query."""
    dag = peildatum or timezone.localdate()
    qs = verzoeken_zichtbaar(gebruiker=gebruiker).filter(status__in=VERZOEK_OPEN)
    if gemeente is not None:
        qs = qs.filter(gemeente=gemeente)
    return [
        Werkvoorraadregel(v, werkdagen_over(v.uiterste_antwoorddatum, dag))
        for v in qs.order_by("uiterste_antwoorddatum", "ontvangen_op", "pk")
    ]


def regiemeldingen_zichtbaar(*, gebruiker: Gebruiker) -> QuerySet[Regiemelding]:
    qs = Regiemelding.objects.select_related(
        "toewijzing__gemeente", "toewijzing__zorgaanbieder", "bericht", "verwijderd_door"
    ).defer("bericht__inhoud", "verwijderd_door__inhoud")
    if ziet_alles(gebruiker):
        return qs
    aanbieder_id = _aanbieder_id(gebruiker)
    if aanbieder_id is not None:
        return qs.filter(toewijzing__zorgaanbieder_id=aanbieder_id)
    if not is_gemeentegebruiker(gebruiker):
        return qs.none()
    return qs.filter(toewijzing__gemeente_id__in=gebruiker.gemeente_ids())


def regiemelding_ophalen(*, gebruiker: Gebruiker, uuid: uuid_lib.UUID | str) -> Regiemelding:
    return ophalen(
        regiemeldingen_zichtbaar(gebruiker=gebruiker),
        uuid,
        "Start- of stopmelding niet gevonden.",
        "regiemelding_niet_gevonden",
    )

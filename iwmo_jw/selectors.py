"""Reads of the berichtenbox, scoped to the acting user.

- A zorgaanbieder user sees the messages whose zorgaanbieder side is its own AGB code (in
  every gemeente).
- A municipal user with a role that works with messages (regisseur, beoordelaar, beheerder)
  sees the messages of its gemeenten. Other roles (inkoper, budgethouder) see none: messages
  carry BSNs and care details.
- A superuser sees everything, including messages that could not be read at all (those
  belong to no gemeente).

What lies outside the scope does not exist for the user (404). Lists never load the raw
bytes; :func:`inhoud_ophalen` does, for one message.
"""

from __future__ import annotations

import uuid as uuid_lib
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from contracten.models import Zorgaanbieder
from contracten.selectors import zorgaanbieder_id_van
from iwmo_jw.constants import BERICHT_ROLLEN
from iwmo_jw.models import InkomendBericht, Termijn, UitgaandBericht
from kern.exceptions import NietGevonden
from kern.models import Gebruiker
from kern.toegang import ziet_alles


def _scope(gebruiker: Gebruiker, prefix: str = "") -> Q | None:
    """Q for messages (or rows related to one via ``prefix``) in scope; None: nothing."""
    if ziet_alles(gebruiker):
        return Q()
    aanbieder_id = zorgaanbieder_id_van(gebruiker)
    if aanbieder_id is not None:
        agb = Zorgaanbieder.objects.filter(pk=aanbieder_id).values("agb_code")
        return Q(**{f"{prefix}agb_code__in": agb})
    if not gebruiker.heeft_rol(*BERICHT_ROLLEN) or not gebruiker.gemeente_ids():
        return None
    return Q(**{f"{prefix}gemeente__in": gebruiker.gemeente_ids()})


def _uuid(waarde: uuid_lib.UUID | str) -> uuid_lib.UUID | None:
    try:
        return uuid_lib.UUID(str(waarde))
    except ValueError:
        return None


# --- Inbound ---------------------------------------------------------------------------------


def inkomende_berichten_zichtbaar(*, gebruiker: Gebruiker) -> QuerySet[InkomendBericht]:
    """Inbound messages in scope, without their raw bytes."""
    qs = InkomendBericht.objects.defer("inhoud").select_related("gemeente")
    scope = _scope(gebruiker)
    return qs.none() if scope is None else qs.filter(scope)


def inkomend_bericht_ophalen(*, gebruiker: Gebruiker, uuid: uuid_lib.UUID | str) -> InkomendBericht:
    """One inbound message with its deadlines, history and answers (raw bytes deferred)."""
    sleutel = _uuid(uuid)
    bericht = (
        inkomende_berichten_zichtbaar(gebruiker=gebruiker)
        .select_related("origineel", "antwoord_op")
        .defer("origineel__inhoud", "antwoord_op__inhoud")
        .prefetch_related(
            Prefetch(
                "termijnen",
                queryset=Termijn.objects.select_related("gesloten_door").defer(
                    "gesloten_door__inhoud"
                ),
            ),
            "statuswijzigingen",
            Prefetch("antwoorden", queryset=UitgaandBericht.objects.defer("inhoud")),
        )
        .filter(uuid=sleutel)
        .first()
        if sleutel
        else None
    )
    if bericht is None:
        raise NietGevonden("Bericht niet gevonden.", code="bericht_niet_gevonden")
    return bericht


# --- Outbound --------------------------------------------------------------------------------


def uitgaande_berichten_zichtbaar(*, gebruiker: Gebruiker) -> QuerySet[UitgaandBericht]:
    qs = UitgaandBericht.objects.select_related("gemeente", "antwoord_op").defer(
        "inhoud", "antwoord_op__inhoud"
    )
    scope = _scope(gebruiker)
    return qs.none() if scope is None else qs.filter(scope)


def uitgaand_bericht_ophalen(*, gebruiker: Gebruiker, uuid: uuid_lib.UUID | str) -> UitgaandBericht:
    sleutel = _uuid(uuid)
    bericht = (
        uitgaande_berichten_zichtbaar(gebruiker=gebruiker)
        .prefetch_related("statuswijzigingen")
        .filter(uuid=sleutel)
        .first()
        if sleutel
        else None
    )
    if bericht is None:
        raise NietGevonden("Bericht niet gevonden.", code="bericht_niet_gevonden")
    return bericht


@dataclass(frozen=True, slots=True)
class Inhoud:
    data: bytes
    volledig: bool
    bestandsnaam: str
    is_xml: bool


def inhoud_ophalen(*, gebruiker: Gebruiker, uuid: uuid_lib.UUID | str, richting: str) -> Inhoud:
    """The raw bytes of one message in scope (``richting``: ``inkomend`` or ``uitgaand``)."""
    sleutel = _uuid(uuid)
    rij: tuple[bytes, bool, int | None] | None = None
    if sleutel is not None and richting == "inkomend":
        rij = (
            inkomende_berichten_zichtbaar(gebruiker=gebruiker)
            .filter(uuid=sleutel)
            .values_list("inhoud", "inhoud_volledig", "berichtcode")
            .first()
        )
    elif sleutel is not None:
        uit = (
            uitgaande_berichten_zichtbaar(gebruiker=gebruiker)
            .filter(uuid=sleutel)
            .values_list("inhoud", "berichtcode")
            .first()
        )
        rij = (uit[0], True, uit[1]) if uit is not None else None
    if rij is None:
        raise NietGevonden("Bericht niet gevonden.", code="bericht_niet_gevonden")
    data, volledig, berichtcode = rij
    return Inhoud(
        data=bytes(data),
        volledig=volledig,
        bestandsnaam=f"{sleutel}.xml",
        is_xml=berichtcode is not None,
    )


# --- Deadlines -------------------------------------------------------------------------------


def termijnen_zichtbaar(*, gebruiker: Gebruiker) -> QuerySet[Termijn]:
    qs = Termijn.objects.select_related("bericht__gemeente", "gesloten_door").defer(
        "bericht__inhoud", "gesloten_door__inhoud"
    )
    scope = _scope(gebruiker, prefix="bericht__")
    return qs.none() if scope is None else qs.filter(scope)


def termijnen_open(
    *,
    gebruiker: Gebruiker,
    peildatum: date | None = None,
    binnen_dagen: int | None = None,
    gemeentecode: str | None = None,
) -> QuerySet[Termijn]:
    """Unanswered deadlines in scope, soonest first. With ``binnen_dagen`` only those whose
    last day is at most that many calendar days after ``peildatum`` (default today); overdue
    ones are always included."""
    qs = termijnen_zichtbaar(gebruiker=gebruiker).filter(gesloten_op__isnull=True)
    if binnen_dagen is not None:
        dag = peildatum or timezone.localdate()
        qs = qs.filter(uiterste_datum__lte=dag + timedelta(days=binnen_dagen))
    if gemeentecode:
        qs = qs.filter(bericht__gemeente__code=gemeentecode)
    return qs.order_by("uiterste_datum", "pk")


def termijnen_verlopen(
    *, gebruiker: Gebruiker, peildatum: date | None = None, gemeentecode: str | None = None
) -> QuerySet[Termijn]:
    """Unanswered deadlines in scope whose last day lies before ``peildatum``."""
    dag = peildatum or timezone.localdate()
    return termijnen_open(gebruiker=gebruiker, gemeentecode=gemeentecode).filter(
        uiterste_datum__lt=dag
    )


@dataclass(frozen=True, slots=True)
class TermijnOverzicht:
    gemeentecode: str
    gemeentenaam: str
    verlopen: int
    binnenkort: int  # not yet overdue, last day within the window


def termijnen_overzicht(
    *, gebruiker: Gebruiker, peildatum: date | None = None, binnen_dagen: int = 2
) -> list[TermijnOverzicht]:
    """Per gemeente in scope: how many deadlines are overdue and how many fall due within
    ``binnen_dagen`` days (one query)."""
    dag = peildatum or timezone.localdate()
    rijen = (
        termijnen_open(gebruiker=gebruiker, peildatum=dag, binnen_dagen=binnen_dagen)
        .order_by()
        .values("bericht__gemeente__code", "bericht__gemeente__naam")
        .annotate(
            verlopen=Count("pk", filter=Q(uiterste_datum__lt=dag)),
            binnenkort=Count("pk", filter=Q(uiterste_datum__gte=dag)),
        )
        .order_by("bericht__gemeente__naam")
    )
    return [
        TermijnOverzicht(
            gemeentecode=r["bericht__gemeente__code"],
            gemeentenaam=r["bericht__gemeente__naam"],
            verlopen=r["verlopen"],
            binnenkort=r["binnenkort"],
        )
        for r in rijen
    ]

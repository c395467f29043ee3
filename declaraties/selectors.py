"""Reads of declaraties, scoped to the acting user: a provider user sees only its own
declarations, a municipal user those sent to its gemeenten; out of scope is "not found"."""

from __future__ import annotations

import uuid as uuid_lib
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone

from contracten.selectors import zorgaanbieder_id_van
from declaraties.constants import PrestatieStatus
from declaraties.models import Declaratie, Prestatie
from kern.exceptions import NietGevonden
from kern.models import Gebruiker
from kern.perioden import werkdagen_tussen
from kern.toegang import gemeente_filter, is_gemeentegebruiker, ziet_alles


def _scope(gebruiker: Gebruiker, prefix: str = "") -> Q | None:
    """Q for rows in scope, or None when the user sees nothing."""
    if ziet_alles(gebruiker):
        return Q()
    aanbieder_id = zorgaanbieder_id_van(gebruiker)
    if aanbieder_id is not None:
        return Q(**{f"{prefix}zorgaanbieder_id": aanbieder_id})
    if is_gemeentegebruiker(gebruiker):
        return gemeente_filter(gebruiker, f"{prefix}gemeente")
    return None


def declaraties_zichtbaar(*, gebruiker: Gebruiker) -> QuerySet[Declaratie]:
    qs = Declaratie.objects.select_related("gemeente", "zorgaanbieder").defer("antwoord_inhoud")
    scope = _scope(gebruiker)
    return qs.none() if scope is None else qs.filter(scope)


def declaratie_ophalen(*, gebruiker: Gebruiker, uuid: uuid_lib.UUID | str) -> Declaratie:
    try:
        return declaraties_zichtbaar(gebruiker=gebruiker).get(uuid=uuid)
    except (Declaratie.DoesNotExist, ValueError, ValidationError):
        raise NietGevonden("Declaratie niet gevonden.", code="declaratie_niet_gevonden") from None


def prestaties_zichtbaar(*, gebruiker: Gebruiker) -> QuerySet[Prestatie]:
    qs = Prestatie.objects.select_related(
        "declaratie", "declaratie__gemeente", "zorgaanbieder", "toewijzing"
    )
    scope = _scope(gebruiker, "declaratie__")
    return qs.none() if scope is None else qs.filter(scope)


def antwoord_inhoud(*, declaratie: Declaratie) -> bytes | None:
    """The 325 of a declaration: from the outbox (message) or stored on it (Excel/API)."""
    if declaratie.antwoord is not None:
        return bytes(declaratie.antwoord.inhoud)
    inhoud = (
        Declaratie.objects.filter(pk=declaratie.pk).values_list("antwoord_inhoud", flat=True).get()
    )
    return bytes(inhoud) if inhoud is not None else None


def werkvoorraad(*, gebruiker: Gebruiker) -> QuerySet[Prestatie]:
    """The prestaties waiting for review in the user's gemeenten, the most urgent first (the
    answer's deadline, then the declaration, then the line). Providers see none."""
    if zorgaanbieder_id_van(gebruiker) is not None or not is_gemeentegebruiker(gebruiker):
        return Prestatie.objects.none()
    return (
        Prestatie.objects.filter(
            gemeente_filter(gebruiker, "declaratie__gemeente"),
            status=PrestatieStatus.IN_BEOORDELING,
        )
        .select_related("declaratie", "declaratie__gemeente", "zorgaanbieder")
        .order_by("declaratie__uiterste_antwoorddatum", "declaratie_id", "regelnummer")
    )


def werkdagen_over(uiterste: date, *, vandaag: date | None = None) -> int:
    """Working days left until ``uiterste`` (0 on the day itself, negative when past)."""
    vandaag = vandaag or timezone.localdate()
    if uiterste >= vandaag:
        return werkdagen_tussen(vandaag, uiterste)
    return -werkdagen_tussen(uiterste, vandaag)

"""Reads of alerts (signaleringen) and their thresholds, scoped to the user."""

from __future__ import annotations

import uuid as uuid_lib

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from financien.models import (
    Signalering,
    Signaleringsdrempel,
)
from kern.exceptions import NietGevonden
from kern.models import Gebruiker
from kern.toegang import gemeente_filter, is_gemeentegebruiker

# --- Alerts -----------------------------------------------------------------------------------


def signaleringen_zichtbaar(*, gebruiker: Gebruiker) -> QuerySet[Signalering]:
    qs = Signalering.objects.select_related(
        "gemeente",
        "budgetpost",
        "budgetpost__gemeente",
        "zorgaanbieder",
        "bestedingsruimte",
        "bevestigd_door",
    )
    if not is_gemeentegebruiker(gebruiker):
        return qs.none()
    return qs.filter(gemeente_filter(gebruiker))


def signalering_ophalen(*, gebruiker: Gebruiker, uuid: uuid_lib.UUID | str) -> Signalering:
    try:
        return signaleringen_zichtbaar(gebruiker=gebruiker).get(uuid=uuid)
    except (Signalering.DoesNotExist, ValueError, ValidationError):
        raise NietGevonden("Signalering niet gevonden.", code="signalering_niet_gevonden") from None


def signaleringsdrempels_zichtbaar(*, gebruiker: Gebruiker) -> QuerySet[Signaleringsdrempel]:
    qs = Signaleringsdrempel.objects.select_related(
        "gemeente", "budgetpost", "budgetpost__gemeente"
    )
    if not is_gemeentegebruiker(gebruiker):
        return qs.none()
    return qs.filter(gemeente_filter(gebruiker))

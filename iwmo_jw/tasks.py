"""Periodic work of the berichtenbox (celery beat, see CELERY_BEAT_SCHEDULE). Thin: each
task calls one service, which is safe to run twice and concurrently."""

from __future__ import annotations

from celery import shared_task

from iwmo_jw import services


@shared_task(name="iwmo_jw.tasks.termijnen_signaleren")
def termijnen_signaleren() -> int:
    """Signal every overdue answer deadline once; returns how many were signalled."""
    return services.verlopen_termijnen_signaleren()


@shared_task(name="iwmo_jw.tasks.berichten_verwerken")
def berichten_verwerken() -> dict[str, int]:
    """Hand waiting messages to their handlers; returns the counts."""
    overzicht = services.berichten_verwerken()
    return {
        "verwerkt": overzicht.verwerkt,
        "mislukt": overzicht.mislukt,
        "hervat": overzicht.hervat,
    }

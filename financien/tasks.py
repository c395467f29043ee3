"""Periodic and queued work of financien (celery beat, see CELERY_BEAT_SCHEDULE). Thin: each
task calls one service, which is safe to run twice and next to itself."""

from __future__ import annotations

from collections.abc import Sequence

from celery import shared_task

from financien import services


@shared_task(name="financien.tasks.signaleringen_evalueren")
def signaleringen_evalueren() -> int:
    """Evaluate the alerts of every open budget year (forecasts move with the calendar, and
    this catches up on evaluations lost after a booking); returns how many were raised."""
    return services.signaleringen_alles_evalueren()


@shared_task(name="financien.tasks.signaleringen_na_boeking")
def signaleringen_na_boeking(
    *,
    budgetpost_ids: Sequence[int] = (),
    toewijzingen: Sequence[str] = (),
    bestedingsruimten: Sequence[Sequence[int]] = (),
) -> int:
    """Evaluate the alerts of the subjects one committed transaction booked on (queued by
    :func:`financien.services.signaleren_na_commit`); returns how many were raised."""
    return len(
        services.signaleringen_evalueren(
            budgetpost_ids=budgetpost_ids,
            toewijzingen=toewijzingen,
            bestedingsruimten=bestedingsruimten,
        )
    )


@shared_task(name="financien.tasks.signaleringsmails_opnieuw")
def signaleringsmails_opnieuw() -> int:
    """Send again the alert e-mails that failed or never left; returns the messages sent."""
    return services.signaleringsmails_opnieuw()

"""Periodic work of declaraties (celery beat). Thin: one service each, safe to run twice."""

from __future__ import annotations

from celery import shared_task

from declaraties import services


@shared_task(name="declaraties.tasks.betaalstatussen_bijwerken")
def betaalstatussen_bijwerken() -> int:
    """Follow the payment batches: approved prestaties in a batch, paid, or back."""
    return services.betaalstatussen_bijwerken()

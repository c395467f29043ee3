from __future__ import annotations

from typing import Any

from django.apps import apps


def tabel_tellingen(*app_labels: str) -> dict[str, int]:
    """Row count of every model of the given apps (default kern and contracten)."""
    labels = app_labels or ("kern", "contracten")
    return {
        model._meta.label: model._default_manager.count()
        for label in labels
        for model in apps.get_app_config(label).get_models()
    }


class NietsVeranderd:
    """Context manager asserting that no row was added or removed in the given apps."""

    def __init__(self, *app_labels: str) -> None:
        self.app_labels = app_labels

    def __enter__(self) -> NietsVeranderd:
        self.voor = tabel_tellingen(*self.app_labels)
        return self

    def __exit__(self, *exc: Any) -> None:
        assert tabel_tellingen(*self.app_labels) == self.voor

"""The audit log. Services call :func:`audit_vastleggen` inside their own transaction."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.forms.models import model_to_dict

from kern.models import AuditRecord, Gebruiker


def momentopname(obj: models.Model, *, velden: Iterable[str] | None = None) -> dict[str, Any]:
    """A JSON-friendly snapshot of a model instance's concrete fields (no relations loaded)."""
    data = model_to_dict(obj, fields=list(velden) if velden else None)
    result: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, list):  # many-to-many: a list of instances or pks
            value = sorted(getattr(v, "pk", v) for v in value)
        result[key] = value
    for field in obj._meta.concrete_fields:
        # model_to_dict skips non-editable fields; money is kept with its currency.
        if field.name not in result and (velden is None or field.name in velden):
            result[field.name] = getattr(obj, field.attname)
    for key, value in list(result.items()):
        if hasattr(value, "amount") and hasattr(value, "currency"):
            result[key] = {"bedrag": str(value.amount), "valuta": str(value.currency)}
    return result


def _record(
    *,
    gebruiker: Gebruiker | None,
    actie: str,
    obj: models.Model,
    voor: dict[str, Any] | None,
    na: dict[str, Any] | None,
    toelichting: str,
) -> AuditRecord:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_vastleggen hoort binnen de transactie van de service")
    return AuditRecord(
        gebruiker=gebruiker if gebruiker is not None and gebruiker.pk else None,
        actie=actie,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=str(obj.pk),
        object_omschrijving=str(obj)[:255],
        voor=voor,
        na=na,
        toelichting=toelichting,
    )


def audit_vastleggen(
    *,
    gebruiker: Gebruiker | None,
    actie: str,
    obj: models.Model,
    voor: dict[str, Any] | None = None,
    na: dict[str, Any] | None = None,
    toelichting: str = "",
) -> AuditRecord:
    """Write one audit record. Must run inside the caller's transaction."""
    record = _record(
        gebruiker=gebruiker, actie=actie, obj=obj, voor=voor, na=na, toelichting=toelichting
    )
    record.save(force_insert=True)
    return record


def audits_vastleggen(
    *,
    gebruiker: Gebruiker | None,
    actie: str,
    objecten: Iterable[tuple[models.Model, dict[str, Any] | None]],
) -> None:
    """Write one audit record per (object, ``na``) in one insert, as :func:`audit_vastleggen`
    would one by one (for a service that changes many objects at once). Inside the caller's
    transaction."""
    records = [
        _record(gebruiker=gebruiker, actie=actie, obj=obj, voor=None, na=na, toelichting="")
        for obj, na in objecten
    ]
    if records:
        AuditRecord.objects.bulk_create(records)

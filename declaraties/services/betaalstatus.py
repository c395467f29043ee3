"""Following the payment of approved prestaties: toegekend -> in betaalbatch -> betaald.

Payment batches live in financien and collect ledger lines, not prestaties (financien does
not know declaraties). A declaration's approved amounts are one realisation transfer whose
source is the declaration (:func:`financien.services.declaratie_boeken`); this service reads
which batches hold those transfers and moves the declaration's approved prestaties along:
in a batch (concept or goedgekeurd) -> ``in_betaalbatch``; in a paid batch -> ``betaald``;
back to ``toegekend`` when the batch was cancelled. It runs every ten minutes (celery beat)
and is safe to run twice; a fixed number of queries per run.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from declaraties.constants import DebetCredit, PrestatieStatus
from declaraties.models import Prestatie, PrestatieStatusWijziging
from financien.constants import BetaalbatchStatus, BoekingSoort
from financien.models import Betaalbatchregel, BetaalbatchStatusWijziging

_NAAR: dict[str, str] = {
    BetaalbatchStatus.CONCEPT: PrestatieStatus.IN_BETAALBATCH,
    BetaalbatchStatus.GOEDGEKEURD: PrestatieStatus.IN_BETAALBATCH,
    BetaalbatchStatus.BETAALD: PrestatieStatus.BETAALD,
}
_RANG: dict[str, int] = {
    PrestatieStatus.TOEGEKEND: 0,
    PrestatieStatus.IN_BETAALBATCH: 1,
    PrestatieStatus.BETAALD: 2,
}

_REDENEN = {
    PrestatieStatus.IN_BETAALBATCH: "Opgenomen in een betaalbatch.",
    PrestatieStatus.BETAALD: "Betaald met een betaalbatch.",
    PrestatieStatus.TOEGEKEND: "De betaalbatch is geannuleerd.",
}


@transaction.atomic
def betaalstatussen_bijwerken(*, sinds: datetime | None = None) -> int:
    """Bring the payment status of approved debit prestaties in line with the batches that
    changed since ``sinds`` (default: the last two days). Returns how many prestaties moved."""
    sinds = sinds or timezone.now() - timedelta(days=2)
    batches = set(
        BetaalbatchStatusWijziging.objects.filter(tijdstip__gte=sinds).values_list(
            "batch_id", flat=True
        )
    )
    if not batches:
        return 0
    # Per declaration (the source of its realisation transfer): the furthest status a batch
    # holding it reached; a cancelled batch's lines are inactive and count as not held.
    doel: dict[str, str] = {}
    for bron_id, actief, status in Betaalbatchregel.objects.filter(
        batch_id__in=batches, boeking__soort=BoekingSoort.REALISATIE
    ).values_list("boeking__bron_id", "actief", "batch__status"):
        naar = _NAAR.get(status) if actief else PrestatieStatus.TOEGEKEND
        if naar is None:
            continue
        if bron_id not in doel or _RANG[naar] > _RANG[doel[bron_id]]:
            doel[bron_id] = naar
    if not doel:
        return 0
    prestaties = list(
        Prestatie.objects.select_for_update(of=("self",))
        .filter(
            declaratie__uuid__in=list(doel),
            debet_credit=DebetCredit.DEBET,
            status__in=list(_RANG),
        )
        .values_list("pk", "status", "declaratie__uuid")
    )
    wijzigingen: dict[str, list[int]] = {}
    historie = []
    for pk, status, declaratie_uuid in prestaties:
        naar = doel[str(declaratie_uuid)]
        if naar == status:
            continue
        wijzigingen.setdefault(naar, []).append(pk)
        historie.append(
            PrestatieStatusWijziging(
                prestatie_id=pk,
                van_status=status,
                naar_status=naar,
                reden="Betaalbatch: "
                + (
                    "betaald."
                    if naar == PrestatieStatus.BETAALD
                    else "opgenomen."
                    if naar == PrestatieStatus.IN_BETAALBATCH
                    else "batch geannuleerd."
                ),
            )
        )
    for naar, pks in wijzigingen.items():
        Prestatie.objects.filter(pk__in=pks).update(status=naar)
    PrestatieStatusWijziging.objects.bulk_create(historie)
    return len(historie)

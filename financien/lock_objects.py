"""Row locks of the ledger, always taken in one order so two transactions never deadlock:

1. the :class:`Begrotingsjaar` (shared by bookings that need an open year, exclusive when
   closing it);
2. the :class:`Reservering` (every posting against a reservation decides on its amounts);
3. the :class:`Rekening` rows, in primary-key order.

Payment batches lock before any of these: the gemeente's :class:`Betaalrekening` (making a
batch: one at a time per gemeente), then the :class:`Betaalbatch` (approving, cancelling,
paying), then the accounts its payments move.

Every check that decides money runs on rows locked here, in the same transaction as the
write it guards: never check-then-act.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Q, QuerySet

from financien.models import Begrotingsjaar, Betaalbatch, Betaalrekening, Rekening, Reservering


def begrotingsjaar_delen(gemeente_id: int, jaar: int) -> bool | None:
    """Lock a gemeente's budget year ``jaar`` against closing (FOR SHARE: bookings in the same
    year do not wait for each other), found and locked in one query, and return whether it is
    closed; None (nothing locked) when the gemeente has no such year yet.

    On databases without row locks (SQLite: one writer at a time) a plain read."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT afgesloten FROM {Begrotingsjaar._meta.db_table} "
                "WHERE gemeente_id = %s AND jaar = %s FOR SHARE",
                [gemeente_id, jaar],
            )
            rij = cursor.fetchone()
        return None if rij is None else bool(rij[0])
    afgesloten = (
        Begrotingsjaar.objects.filter(gemeente_id=gemeente_id, jaar=jaar)
        .values_list("afgesloten", flat=True)
        .first()
    )
    return None if afgesloten is None else bool(afgesloten)


def begrotingsjaar_vergrendelen(begrotingsjaar_id: int) -> Begrotingsjaar:
    """Lock a budget year exclusively (to close it): waits for bookings holding it shared."""
    return Begrotingsjaar.objects.select_for_update().get(pk=begrotingsjaar_id)


def reservering_vergrendelen(reservering_id: int) -> Reservering:
    return Reservering.objects.select_for_update().get(pk=reservering_id)


def rekeningen_slot(voorwaarde: Q) -> QuerySet[Rekening]:
    """The query that locks the accounts matching ``voorwaarde``, in primary-key order
    (PostgreSQL locks the rows as the sorted scan returns them). For a caller that compiles
    it once (kern.vaste_query); else :func:`rekeningen_vergrendelen`."""
    return Rekening.objects.select_for_update().filter(voorwaarde).order_by("pk")


def rekeningen_vergrendelen(voorwaarde: Q) -> list[Rekening]:
    """Find and lock the accounts matching ``voorwaarde`` in one query, in primary-key order;
    with their current balance."""
    return list(rekeningen_slot(voorwaarde))


def betaalrekening_vergrendelen(gemeente_id: int) -> Betaalrekening:
    """Lock a gemeente's payment account: batches of one gemeente are made one at a time,
    so two never collect the same realisation."""
    return Betaalrekening.objects.select_for_update().get(gemeente_id=gemeente_id)


def betaalbatch_vergrendelen(betaalbatch_id: int) -> Betaalbatch:
    return Betaalbatch.objects.select_for_update().get(pk=betaalbatch_id)

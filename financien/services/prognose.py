"""The forecast's kept sums of open reservations (:mod:`financien.models.prognose`): counted
once per budget post and day, kept up to date by the triggers of migration financien 0013."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.db import connection, transaction

from financien.constants import RekeningSoort
from financien.models import Budgetpost, Prognosesom, Prognosestand, Rekening
from financien.selectors.prognose import TELLING_SQL, telling_parameters
from kern.vaste_query import VasteQuery

#: Which posts keep their sums for the day already: asked after every booking's alert
#: evaluation, so compiled once per process.
_ACTUEEL = VasteQuery(
    lambda posten, dag: Prognosestand.objects.filter(
        budgetpost_id__any=posten, dag=dag
    ).values_list("budgetpost_id", flat=True)
)


def prognosesommen_vastleggen(budgetposten: Sequence[Budgetpost], dag: date) -> list[int]:
    """Count the open reservations of those of ``budgetposten`` that keep no sums for
    ``dag`` and keep the count for that day (on PostgreSQL; elsewhere nothing is kept).

    A post is counted under the lock on its gereserveerd account, which every writer of its
    reservations holds while it writes, so no change falls between the count and the
    triggers that keep it up to date. A post whose account is locked now has a booking in
    flight: it is skipped, not waited for, and counted another time (the forecast meanwhile
    counts its reservations itself); so this never waits and never deadlocks with a booking.
    One query when every post keeps its sums for the day already, seven (with a savepoint)
    when some are counted. Returns the pks of the posts counted."""
    if connection.vendor != "postgresql" or not budgetposten:
        return []
    actueel = set(_ACTUEEL(posten=[bp.pk for bp in budgetposten], dag=dag))
    te_tellen = {bp.pk: bp for bp in budgetposten if bp.pk not in actueel}
    if not te_tellen:
        return []
    with transaction.atomic():
        vrij = set(
            Rekening.objects.select_for_update(skip_locked=True)
            .filter(budgetpost_id__any=list(te_tellen), soort=RekeningSoort.GERESERVEERD)
            .order_by("pk")
            .values_list("budgetpost_id", flat=True)
        )
        posten = [te_tellen[pk] for pk in sorted(vrij)]
        if not posten:
            return []
        pks = [bp.pk for bp in posten]
        Prognosesom.objects.filter(budgetpost_id__any=pks).delete()
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO financien_prognosesom "
                "(budgetpost_id, periode, teller, open_bedrag, aantal) " + TELLING_SQL,
                telling_parameters(posten, dag),
            )
            cursor.execute(
                "INSERT INTO financien_prognosestand (budgetpost_id, dag) "
                "SELECT unnest(%s::integer[]), %s::date "
                "ON CONFLICT (budgetpost_id) DO UPDATE SET dag = EXCLUDED.dag",
                [pks, dag],
            )
    return pks

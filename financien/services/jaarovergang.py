"""The turn of the year: open reservations whose period runs into the next year carry the
part of that year over to it (roll-over)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction

from financien.constants import ReserveringStatus
from financien.models import Begrotingsjaar, Budgetpost, Reservering
from financien.prognose import OpenReservering, deel_na_jaar
from financien.services._basis import _eis_budgetbeheer, _jaar_afgesloten_fout, _jaar_id
from financien.services.reserveringen import reservering_boeken, reservering_wijzigen
from kern.audit import audit_vastleggen
from kern.constants import AuditActie, Wet
from kern.models import Gebruiker, Gemeente


@dataclass(frozen=True)
class Doorrolling:
    """One reservation carried over: ``van`` (old year, lowered) and ``naar`` (new year)."""

    van: Reservering
    naar: Reservering
    bedrag: Decimal


@dataclass(frozen=True)
class NietDoorgerold:
    """A reservation whose period runs into the next year but that was not carried over."""

    reservering: Reservering
    code: str
    reden: str


@dataclass(frozen=True)
class Doorrolverslag:
    gemeente: Gemeente
    van_jaar: int
    naar_jaar: int
    doorgerold: list[Doorrolling]
    niet_doorgerold: list[NietDoorgerold]
    #: Reservations of ``van_jaar`` carried over by an earlier run (this one included).
    eerder_doorgerold: int

    @property
    def totaal(self) -> Decimal:
        return sum((d.bedrag for d in self.doorgerold), Decimal("0.00"))


def _sleutel_budgetpost(bp: Budgetpost) -> tuple[str, str, str, int | None]:
    return (bp.wet, bp.taakveld, bp.kostenplaats, bp.productcategorie_id)


@transaction.atomic
def reserveringen_doorrollen(
    *, door: Gebruiker | None, gemeente: Gemeente, van_jaar: int, boekdatum: date | None = None
) -> Doorrolverslag:
    """Carry the open reservations of ``van_jaar`` (closed or not) whose period runs into the
    next year over to it.

    For each such reservation the part of its amount for the days after ``van_jaar``
    (:func:`financien.prognose.deel_na_jaar`: pro rata by days, at most what is open) is
    booked as a new reservation of the same source and provider on the next year's budget
    post with the same wet, taakveld, kostenplaats and productcategorie (else the one of that
    taakveld and kostenplaats for all categories), over the rest of the period; the old
    reservation is lowered by that part (released to its year's beschikbaar) and its period
    ends on 31 December. It stays open for late declarations of its own year.

    Not carried over, and reported: no such budget post (``geen_budgetpost``), the source
    already has a reservation in the next year (``al_gereserveerd``), nothing open for the
    next year (``niets_open``). Refused when the next year is closed (``jaar_afgesloten``).
    Both bookings carry fixed idempotency keys and a carried-over reservation no longer runs
    into the next year, so a second run books nothing. Budgethouder or beheerder; audited on
    the budget year. ``boekdatum`` defaults to 1 January of the next year, so the
    obligations on 31 December still show the whole reservation once."""
    _eis_budgetbeheer(door, gemeente)
    naar_jaar = van_jaar + 1
    if Begrotingsjaar.objects.filter(gemeente=gemeente, jaar=naar_jaar, afgesloten=True).exists():
        raise _jaar_afgesloten_fout(naar_jaar)
    dag = boekdatum or date(naar_jaar, 1, 1)
    jaareinde = date(van_jaar, 12, 31)
    kandidaten = list(
        Reservering.objects.filter(
            budgetpost__gemeente=gemeente,
            jaar=van_jaar,
            status=ReserveringStatus.OPEN,
            einddatum__gt=jaareinde,
        )
        .select_related("budgetpost", "zorgaanbieder")
        .order_by("pk")
    )
    doelen = {
        _sleutel_budgetpost(bp): bp
        for bp in Budgetpost.objects.filter(gemeente=gemeente, jaar=naar_jaar)
    }
    al_gereserveerd = set(
        Reservering.objects.filter(
            jaar=naar_jaar, bron_id__in={r.bron_id for r in kandidaten}
        ).values_list("bron_type", "bron_id")
    )
    doorgerold: list[Doorrolling] = []
    niet: list[NietDoorgerold] = []
    for res in kandidaten:
        bp = res.budgetpost
        doel = doelen.get(_sleutel_budgetpost(bp)) or doelen.get(
            (bp.wet, bp.taakveld, bp.kostenplaats, None)
        )
        bedrag = deel_na_jaar(
            OpenReservering(res.bedrag, res.open_bedrag, res.begindatum, res.einddatum),
            jaar=van_jaar,
        )
        if doel is None:
            plaats = f" kostenplaats {bp.kostenplaats}" if bp.kostenplaats else ""
            niet.append(
                NietDoorgerold(
                    res,
                    "geen_budgetpost",
                    f"Er is geen budgetpost {naar_jaar} voor {Wet(bp.wet).label} taakveld "
                    f"{bp.taakveld}{plaats}.",
                )
            )
        elif (res.bron_type, res.bron_id) in al_gereserveerd:
            niet.append(
                NietDoorgerold(
                    res,
                    "al_gereserveerd",
                    f"Deze bron heeft in {naar_jaar} al een reservering; wijzig die.",
                )
            )
        elif bedrag <= 0:
            niet.append(
                NietDoorgerold(
                    res, "niets_open", f"Er staat niets meer open dat in {naar_jaar} valt."
                )
            )
        else:
            omschrijving = f"Doorgerold van {van_jaar} naar {naar_jaar}"
            reservering_wijzigen(
                door=door,
                reservering=res,
                bedrag=res.bedrag - bedrag,
                einddatum=jaareinde,
                idempotentiesleutel=f"doorrollen:{res.uuid}:verlagen",
                omschrijving=omschrijving,
                boekdatum=dag,
            )
            assert res.begindatum is not None and res.einddatum is not None  # einddatum__gt
            boeking = reservering_boeken(
                door=door,
                budgetpost=doel,
                zorgaanbieder=res.zorgaanbieder,
                bedrag=bedrag,
                bron_type=res.bron_type,
                bron_id=res.bron_id,
                idempotentiesleutel=f"doorrollen:{res.uuid}:naar:{naar_jaar}",
                omschrijving=omschrijving,
                boekdatum=dag,
                begindatum=max(res.begindatum, date(naar_jaar, 1, 1)),
                einddatum=res.einddatum,
                doorgerold_uit=res,
            )
            assert boeking.reservering_id is not None
            doorgerold.append(
                Doorrolling(
                    van=Reservering.objects.get(pk=res.pk),
                    naar=Reservering.objects.get(pk=boeking.reservering_id),
                    bedrag=bedrag,
                )
            )
    if doorgerold or niet:
        audit_vastleggen(
            gebruiker=door,
            actie=AuditActie.GEWIJZIGD,
            obj=Begrotingsjaar.objects.get(pk=_jaar_id(gemeente.pk, van_jaar)),
            na={
                "doorgerold_naar": naar_jaar,
                "doorgerold": [
                    [str(d.van.uuid), str(d.naar.uuid), str(d.bedrag)] for d in doorgerold
                ],
                "niet_doorgerold": [[str(n.reservering.uuid), n.code] for n in niet],
            },
            toelichting=f"Open reserveringen doorgerold van {van_jaar} naar {naar_jaar}.",
        )
    return Doorrolverslag(
        gemeente=gemeente,
        van_jaar=van_jaar,
        naar_jaar=naar_jaar,
        doorgerold=doorgerold,
        niet_doorgerold=niet,
        eerder_doorgerold=Reservering.objects.filter(
            budgetpost__gemeente=gemeente, jaar=van_jaar, doorgerold_naar__isnull=False
        ).count(),
    )

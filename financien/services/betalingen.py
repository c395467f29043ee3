"""Payments to providers (payable -> paid)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Q

from contracten.models import Zorgaanbieder
from financien.constants import BoekingSoort, BronType, RekeningSoort
from financien.models import Boeking, Budgetpost, Rekening
from financien.services._basis import (
    _bedrag,
    _bestaande_boeking,
    _boeken,
    _boeking_audit,
    _bron,
    _idempotent,
    _sleutel,
    _vergrendel,
    _vingerafdruk,
)
from kern.exceptions import DomeinFout
from kern.models import Gebruiker

# --- Payments -----------------------------------------------------------------------------


@transaction.atomic
def betaling_boeken(
    *,
    door: Gebruiker | None,
    zorgaanbieder: Zorgaanbieder,
    delen: Sequence[tuple[Budgetpost, Decimal]],
    bron_id: str,
    idempotentiesleutel: str,
    bron_type: str = BronType.BETAALBATCH,
    omschrijving: str = "",
    boekdatum: date | None = None,
) -> Boeking:
    """Pay a provider: per budget post, te betalen -> betaald, all in one transfer (one
    payment of a batch may cover several budget posts of one gemeente).

    Never more per budget post than is payable (``boven_te_betalen``)."""
    if not delen:
        raise DomeinFout("Een betaling heeft ten minste één deel.", code="betaling_zonder_delen")
    schoon: list[tuple[Budgetpost, Decimal]] = [(bp, _bedrag(b)) for bp, b in delen]
    if len({bp.pk for bp, _ in schoon}) != len(schoon):
        raise DomeinFout(
            "Elke budgetpost komt hoogstens één keer voor in een betaling.",
            code="dubbele_budgetpost",
        )
    if len({bp.gemeente_id for bp, _ in schoon}) != 1:
        raise DomeinFout(
            "Een betaling betreft de budgetposten van één gemeente.", code="gemeenten_verschillen"
        )
    bron_type, bron_id = _bron(bron_type, bron_id)
    sleutel = _sleutel(idempotentiesleutel)
    vingerafdruk = _vingerafdruk(
        BoekingSoort.BETALING,
        zorgaanbieder=zorgaanbieder.pk,
        delen=sorted((bp.pk, str(b)) for bp, b in schoon),
        bron_type=bron_type,
        bron_id=bron_id,
        boekdatum=boekdatum,
    )

    def uitvoeren() -> Boeking:
        rekeningen = _vergrendel(
            Q(budgetpost_id__in=[bp.pk for bp, _ in schoon])
            & Q(soort__in=[RekeningSoort.TE_BETALEN, RekeningSoort.BETAALD])
            & Q(zorgaanbieder_id=zorgaanbieder.pk)
        )
        bestaand = _bestaande_boeking(sleutel, vingerafdruk)
        if bestaand is not None:
            return bestaand
        regels: list[tuple[Rekening, Decimal]] = []
        for budgetpost, bedrag in sorted(schoon, key=lambda deel: deel[0].pk):
            te_betalen = rekeningen.get(budgetpost.pk, RekeningSoort.TE_BETALEN, zorgaanbieder.pk)
            saldo = te_betalen.saldo if te_betalen is not None else Decimal("0.00")
            if te_betalen is None or bedrag > saldo:
                raise DomeinFout(
                    f"De betaling van {bedrag} op budgetpost {budgetpost} is hoger dan wat aan "
                    f"deze aanbieder te betalen staat ({saldo}).",
                    code="boven_te_betalen",
                    details={
                        "budgetpost": str(budgetpost.uuid),
                        "te_betalen": str(saldo),
                        "gevraagd": str(bedrag),
                    },
                )
            betaald = rekeningen(budgetpost.pk, RekeningSoort.BETAALD, zorgaanbieder.pk)
            regels += [(te_betalen, -bedrag), (betaald, bedrag)]
        boeking = _boeken(
            gemeente_id=schoon[0][0].gemeente_id,
            soort=BoekingSoort.BETALING,
            bron_type=bron_type,
            bron_id=bron_id,
            regels=regels,
            sleutel=sleutel,
            vingerafdruk=vingerafdruk,
            door=door,
            omschrijving=omschrijving,
            boekdatum=boekdatum,
        )
        _boeking_audit(door, boeking, regels)
        return boeking

    return _idempotent(sleutel, vingerafdruk, uitvoeren)

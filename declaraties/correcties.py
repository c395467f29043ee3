"""Corrections after the fact: approved prestaties that no longer fit after a tariff period
was corrected or a toewijzing was shortened (or removed), per provider, as a credit request
(what to credit and why), and which of them have been credited since.

A line "no longer fits" when, judged today against the same rules that approved it:

- ``toewijzing_ingekort``: its ProductPeriode ends after the toewijzing's einddatum (or the
  toewijzing was removed, RedenWijziging 13);
- ``tarief_gecorrigeerd``: no current contract tariff of the provider for its product and
  ProductPeriode matches its ProductTarief any more (TR418), for instance because the tariff
  period it was priced on was replaced by a correction.

The provider credits the whole line (IV085) and, where care was delivered, declares it again
at the right tariff or within the new period. Lines already credited are listed apart
(``gecrediteerd``): the request is then done. Three queries, whatever the number of lines.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Q

from contracten.constants import CONTRACT_LOPEND
from contracten.models import Tariefperiode
from declaraties.constants import DebetCredit, PrestatieStatus
from declaraties.models import Prestatie
from declaraties.regels.context import Tarief
from declaraties.regels.tarieven import tarief_past
from declaraties.selectors import prestaties_zichtbaar
from inkoop.constants import ToewijzingStatus
from kern.models import Gebruiker

TOEWIJZING_INGEKORT = "toewijzing_ingekort"
TARIEF_GECORRIGEERD = "tarief_gecorrigeerd"

REDENEN = {
    TOEWIJZING_INGEKORT: "De productperiode valt (deels) na de einddatum van de toewijzing.",
    TARIEF_GECORRIGEERD: "Het producttarief is niet (meer) het contracttarief in de productperiode.",
}

_NOG_GELDIG = (PrestatieStatus.TOEGEKEND, PrestatieStatus.IN_BETAALBATCH, PrestatieStatus.BETAALD)


@dataclass(frozen=True, slots=True)
class Creditverzoek:
    prestatie: Prestatie
    redenen: tuple[str, ...]
    te_crediteren: Decimal
    gecrediteerd: bool

    @property
    def toelichting(self) -> str:
        return " ".join(REDENEN[r] for r in self.redenen)


def _tarieven(prestaties: list[Prestatie]) -> dict[tuple[int, int, str, str], list[Tarief]]:
    """Current (not replaced) tariffs of running contracts, per provider, gemeente and product."""
    aanbieders = {p.zorgaanbieder_id for p in prestaties}
    codes = {p.productcode for p in prestaties}
    per: dict[tuple[int, int, str, str], list[Tarief]] = defaultdict(list)
    for rij in Tariefperiode.objects.filter(
        is_vervangen=False,
        contract__zorgaanbieder_id__in=aanbieders,
        contract__status__in=CONTRACT_LOPEND,
        product__productcode__in=codes,
    ).values(
        "contract__zorgaanbieder_id",
        "contract__gemeenten",
        "product__categorie__code",
        "product__productcode",
        "eenheid",
        "bedrag",
        "ingangsdatum",
        "einddatum",
        "contract__einddatum",
    ):
        einde = rij["einddatum"]
        if rij["contract__einddatum"] is not None:
            einde = min(einde, rij["contract__einddatum"]) if einde else rij["contract__einddatum"]
        per[
            (
                rij["contract__zorgaanbieder_id"],
                rij["contract__gemeenten"],
                rij["product__categorie__code"],
                rij["product__productcode"],
            )
        ].append(
            Tarief(
                product_categorie=rij["product__categorie__code"],
                product_code=rij["product__productcode"],
                eenheid=rij["eenheid"],
                bedrag=rij["bedrag"],
                ingangsdatum=rij["ingangsdatum"],
                einddatum=einde,
            )
        )
    return per


def creditverzoeken(
    *, gebruiker: Gebruiker, zorgaanbieder_id: int | None = None, sinds: date | None = None
) -> list[Creditverzoek]:
    """The approved debit prestaties in the user's scope that no longer fit, with why; the
    ones credited since are included with ``gecrediteerd`` True. ``sinds``: only lines whose
    ProductPeriode starts on or after this date."""
    qs = prestaties_zichtbaar(gebruiker=gebruiker).filter(
        debet_credit=DebetCredit.DEBET,
        status__in=(*_NOG_GELDIG, PrestatieStatus.GECREDITEERD),
        toewijzing__isnull=False,
    )
    if zorgaanbieder_id is not None:
        qs = qs.filter(zorgaanbieder_id=zorgaanbieder_id)
    if sinds is not None:
        qs = qs.filter(periode_begin__gte=sinds)
    # Only what could have become wrong: ended toewijzingen, or lines with a tariff.
    qs = qs.filter(
        Q(toewijzing__einddatum__isnull=False)
        | Q(toewijzing__status=ToewijzingStatus.VERWIJDERD)
        | Q(product_tarief__isnull=False)
    ).order_by("zorgaanbieder_id", "periode_begin", "regelnummer")
    prestaties = list(qs)
    tarieven = _tarieven(prestaties)
    uitkomst: list[Creditverzoek] = []
    for p in prestaties:
        redenen: list[str] = []
        t = p.toewijzing
        assert t is not None
        if t.status == ToewijzingStatus.VERWIJDERD or (
            t.einddatum is not None and p.periode_eind > t.einddatum
        ):
            redenen.append(TOEWIJZING_INGEKORT)
        if p.product_tarief is not None:
            geldig = [
                x
                for x in tarieven.get(
                    (
                        p.zorgaanbieder_id,
                        p.declaratie.gemeente_id,
                        p.productcategorie,
                        p.productcode,
                    ),
                    [],
                )
                if x.geldig_in(p.periode_begin, p.periode_eind)
            ]
            if not any(tarief_past(x, p.eenheid, p.product_tarief) for x in geldig):
                redenen.append(TARIEF_GECORRIGEERD)
        if redenen:
            uitkomst.append(
                Creditverzoek(
                    prestatie=p,
                    redenen=tuple(redenen),
                    te_crediteren=p.toegekend_bedrag,
                    gecrediteerd=p.status == PrestatieStatus.GECREDITEERD,
                )
            )
    return uitkomst

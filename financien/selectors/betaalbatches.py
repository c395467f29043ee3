"""Reads of payment batches: accounts, batches, their lines and journal, and a consistency
check of the batches against the ledger."""

from __future__ import annotations

import uuid as uuid_lib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from financien.constants import (
    BetaalbatchStatus,
    BoekingSoort,
    RekeningSoort,
)
from financien.models import (
    Betaalbatch,
    Betaalbatchbetaling,
    Betaalbatchregel,
    Betaalrekening,
    Boekingsregel,
    Budgetpost,
    Rekening,
)
from kern.exceptions import NietGevonden
from kern.models import Gebruiker
from kern.toegang import gemeente_filter, is_gemeentegebruiker

NUL = Decimal("0.00")

# --- Payment batches ------------------------------------------------------------------------


def betaalrekeningen_zichtbaar(*, gebruiker: Gebruiker) -> QuerySet[Betaalrekening]:
    qs = Betaalrekening.objects.select_related("gemeente")
    if not is_gemeentegebruiker(gebruiker):
        return qs.none()
    return qs.filter(gemeente_filter(gebruiker))


def betaalbatches_zichtbaar(*, gebruiker: Gebruiker) -> QuerySet[Betaalbatch]:
    qs = Betaalbatch.objects.select_related(
        "gemeente", "aangemaakt_door", "goedgekeurd_door", "betaald_door"
    )
    if not is_gemeentegebruiker(gebruiker):
        return qs.none()
    return qs.filter(gemeente_filter(gebruiker))


def betaalbatch_ophalen(*, gebruiker: Gebruiker, uuid: uuid_lib.UUID | str) -> Betaalbatch:
    try:
        return betaalbatches_zichtbaar(gebruiker=gebruiker).get(uuid=uuid)
    except (Betaalbatch.DoesNotExist, ValueError, ValidationError):
        raise NietGevonden("Betaalbatch niet gevonden.", code="betaalbatch_niet_gevonden") from None


def betaalbatchregels_van(*, batch: Betaalbatch) -> QuerySet[Betaalbatchregel]:
    return (
        Betaalbatchregel.objects.filter(batch=batch)
        .select_related("boeking", "budgetpost__gemeente", "betaling__zorgaanbieder")
        .order_by("id")
    )


@dataclass(frozen=True)
class Journaalregel:
    """One line of a batch's journal: what one provider is paid on one budget post."""

    gemeentecode: str
    gemeente: str
    jaar: int
    wet: str
    taakveld: str
    kostenplaats: str
    agb_code: str
    zorgaanbieder: str
    iban: str
    bedrag: Decimal
    referentie: str
    eind_tot_eind_id: str
    uitvoeringsdatum: date


def journaalregels(*, batch: Betaalbatch) -> list[Journaalregel]:
    """The journal of a batch: per provider and budget post the net of its lines (negative
    where a credit is offset), ordered by provider and budget post; they sum to the batch
    total. Three queries, whatever the number of lines."""
    sommen: dict[tuple[int, int], Decimal] = {}
    for betaling_id, budgetpost_id, bedrag in Betaalbatchregel.objects.filter(
        batch=batch
    ).values_list("betaling_id", "budgetpost_id", "bedrag"):
        sleutel = (betaling_id, budgetpost_id)
        sommen[sleutel] = sommen.get(sleutel, NUL) + bedrag
    betalingen = Betaalbatchbetaling.objects.select_related("zorgaanbieder").in_bulk(
        {b for b, _ in sommen}
    )
    posten = Budgetpost.objects.in_bulk({bp for _, bp in sommen})
    regels = []
    for (betaling_id, budgetpost_id), bedrag in sommen.items():
        if bedrag == 0:
            continue
        betaling, post = betalingen[betaling_id], posten[budgetpost_id]
        regels.append(
            Journaalregel(
                gemeentecode=batch.gemeente.code,
                gemeente=batch.gemeente.naam,
                jaar=post.jaar,
                wet=post.wet,
                taakveld=post.taakveld,
                kostenplaats=post.kostenplaats,
                agb_code=betaling.zorgaanbieder.agb_code,
                zorgaanbieder=betaling.naam,
                iban=betaling.iban,
                bedrag=bedrag,
                referentie=batch.referentie,
                eind_tot_eind_id=betaling.eind_tot_eind_id,
                uitvoeringsdatum=batch.uitvoeringsdatum,
            )
        )
    return sorted(
        regels,
        key=lambda r: (r.eind_tot_eind_id, r.jaar, r.wet, r.taakveld, r.kostenplaats),
    )


def rekeningen_zichtbaar(*, gebruiker: Gebruiker) -> QuerySet[Rekening]:
    qs = Rekening.objects.select_related("budgetpost", "budgetpost__gemeente", "zorgaanbieder")
    if not is_gemeentegebruiker(gebruiker):
        return qs.none()
    return qs.filter(gemeente_filter(gebruiker, "budgetpost__gemeente"))


def betaalbatches_controleren() -> list[str]:
    """Check what the payment batches promise (empty: all sound). A fixed number of queries.

    Every payment of a paid batch is booked, and its transfer moves exactly the net of its
    lines per budget post from te_betalen to betaald; no payment of an unpaid batch is
    booked; every batch's total and count are those of its payments; every line is a leg,
    not of a payment, on the te_betalen account of its payment's provider on its budget
    post, in the batch's gemeente, with the leg's amount."""
    fouten: list[str] = []
    verwacht: dict[tuple[int, int], Decimal] = {}
    for betaling_id, budgetpost_id, bedrag in Betaalbatchregel.objects.filter(
        batch__status=BetaalbatchStatus.BETAALD
    ).values_list("betaling_id", "budgetpost_id", "bedrag"):
        sleutel = (betaling_id, budgetpost_id)
        verwacht[sleutel] = verwacht.get(sleutel, NUL) + bedrag
    geboekt: dict[tuple[int, int], Decimal] = {}
    for betaling_id, budgetpost_id, bedrag in Boekingsregel.objects.filter(
        boeking__betaalbatchbetaling__isnull=False, rekening__soort=RekeningSoort.BETAALD
    ).values_list("boeking__betaalbatchbetaling", "rekening__budgetpost_id", "bedrag"):
        geboekt[(betaling_id, budgetpost_id)] = bedrag
    for sleutel in sorted(set(verwacht) | set(geboekt)):
        if verwacht.get(sleutel, NUL) != geboekt.get(sleutel, NUL):
            fouten.append(
                f"Betaling {sleutel[0]}, budgetpost {sleutel[1]}: regels "
                f"{verwacht.get(sleutel, NUL)}, geboekt {geboekt.get(sleutel, NUL)}."
            )
    for pk, status, boeking_id in Betaalbatchbetaling.objects.values_list(
        "pk", "batch__status", "boeking_id"
    ):
        if (status == BetaalbatchStatus.BETAALD) != (boeking_id is not None):
            fouten.append(f"Betaling {pk} (batch {status}): boeking {boeking_id}.")
    sommen: dict[int, Decimal] = {}
    for betaling_id, bedrag in Betaalbatchregel.objects.values_list("betaling_id", "bedrag"):
        sommen[betaling_id] = sommen.get(betaling_id, NUL) + bedrag
    totalen: dict[int, tuple[Decimal, int]] = {}
    for pk, batch_id, bedrag in Betaalbatchbetaling.objects.values_list("pk", "batch_id", "bedrag"):
        if sommen.get(pk, NUL) != bedrag:
            fouten.append(f"Betaling {pk}: bedrag {bedrag}, som van de regels {sommen.get(pk)}.")
        totaal, aantal = totalen.get(batch_id, (NUL, 0))
        totalen[batch_id] = (totaal + bedrag, aantal + 1)
    for pk, totaal, aantal in Betaalbatch.objects.values_list(
        "pk", "totaal_bedrag", "aantal_betalingen"
    ):
        if totalen.get(pk) != (totaal, aantal):
            fouten.append(
                f"Betaalbatch {pk}: totaal {totaal} ({aantal}), betalingen {totalen.get(pk)}."
            )
    for rij in Betaalbatchregel.objects.values_list(
        "pk",
        "bedrag",
        "boekingsregel__bedrag",
        "boeking_id",
        "boekingsregel__boeking_id",
        "boeking__soort",
        "boeking__gemeente_id",
        "batch__gemeente_id",
        "budgetpost_id",
        "boekingsregel__rekening__budgetpost_id",
        "boekingsregel__rekening__soort",
        "boekingsregel__rekening__zorgaanbieder_id",
        "betaling__zorgaanbieder_id",
    ):
        pk, bedrag, regelbedrag, boeking, regelboeking, soort, gemeente, batchgemeente = rij[:8]
        post, regelpost, rekeningsoort, aanbieder, betaalde_aanbieder = rij[8:]
        if (
            (bedrag, boeking, gemeente, post, aanbieder)
            != (regelbedrag, regelboeking, batchgemeente, regelpost, betaalde_aanbieder)
            or rekeningsoort != RekeningSoort.TE_BETALEN
            or soort == BoekingSoort.BETALING
        ):
            fouten.append(f"Regel {pk} past niet bij haar boekingsregel ({soort}, {bedrag}).")
    return fouten

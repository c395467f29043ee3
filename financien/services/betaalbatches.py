"""Payment batches: collect, approve (four eyes), cancel, and report paid.

**What a batch collects.** For one gemeente (and optionally up to a boekdatum), every
movement on a provider's ``te_betalen`` account that is not a payment and not yet in a batch
that is not cancelled: the leg of a realisation (positive) or of a credit (negative), also
when one declaration's netted booking has legs on several budget posts. A credit waits
until every realisation booked before it on the same account is paid or collected in the
same batch, so a batch never pays back more on a budget post than was paid on it.
Per provider the lines are netted across its budget posts and years; a provider is paid
when the net is positive and a valid IBAN is known. A provider whose net is zero or
negative is left out and its lines stay open for the next batch: that is the offsetting of
an overpayment against the next payment (Contractstandaarden art. 3.12). The providers left
out are listed on the batch (``overgeslagen``) with the reason.

**Paying.** :func:`betaalbatch_betaald_melden` books one payment transfer per provider
(source ``betaalbatch``, key ``betaalbatch:<batch>:<provider>``, so a retry never books a
provider twice). Per budget post the transfer moves the net of the provider's lines:
``te_betalen -> betaald`` when positive; ``betaald -> te_betalen`` when negative (a credit on
a paid realisation is offset: the provider owed it, and it was kept back from this
payment). The lines decide the amounts, not the balance of ``te_betalen`` at that moment:
the money has left the bank, and a credit booked since the batch was made leaves
``te_betalen`` negative until the next batch nets it. So ``te_betalen`` of a provider on a
budget post is always the sum of its realisations and credits not in a paid batch
(:func:`financien.selectors.betaalbatches_controleren` checks what the batches promise).

**Who may.** Making, approving, cancelling and reporting payment need the role budgethouder
or beoordelaar and the gemeente in scope; the approver is never the one who made the batch
(``vier_ogen``; the database holds this too). The gemeente's own account
(:func:`betaalrekening_vastleggen`) is kept by a budgethouder or beheerder.

**Locks.** Making a batch locks the gemeente's :class:`~financien.models.Betaalrekening`, so
batches of one gemeente are made one after the other and never collect the same line (a
partial unique constraint on the line's leg is the last line of defence). Changing a
batch locks the batch row first, then (paying) the accounts in primary-key order.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone

from contracten.models import Zorgaanbieder
from contracten.validators import iban_compact, valideer_iban
from financien import lock_objects
from financien.constants import (
    BETAALBATCH_TRANSITIES,
    BetaalbatchStatus,
    BoekingSoort,
    BronType,
    Overslaanreden,
    RekeningSoort,
)
from financien.models import (
    Betaalbatch,
    Betaalbatchbetaling,
    Betaalbatchregel,
    BetaalbatchStatusWijziging,
    Betaalrekening,
    Boeking,
    Boekingsregel,
    Rekening,
)
from financien.services._basis import (
    _bestaande_boeking,
    _boeken,
    _boeking_audit,
    _eis_budgetbeheer,
    _eis_rol,
    _idempotent,
    _opslaan,
    _Rekeningen,
    _tekst,
    _vergrendel,
    _vingerafdruk,
)
from kern.audit import audit_vastleggen, momentopname
from kern.constants import AuditActie, Rol
from kern.exceptions import Conflict, DomeinFout, GeenToegang
from kern.models import Gebruiker, Gemeente
from kern.toegang import eis_gemeenten_in_scope

#: Roles that make, approve, cancel and pay batches.
BATCH_ROLLEN = (Rol.BUDGETHOUDER, Rol.BEOORDELAAR)
NUL = Decimal("0.00")


def _eis_batchrol(door: Gebruiker | None, gemeente: Gemeente) -> None:
    _eis_rol(door, *BATCH_ROLLEN)
    if door is not None:
        eis_gemeenten_in_scope(door, [gemeente])


def betaalbatch_sleutel(batch: Betaalbatch, zorgaanbieder: Zorgaanbieder) -> str:
    """The idempotency key of a provider's payment in a batch."""
    return f"betaalbatch:{batch.uuid}:{zorgaanbieder.uuid}"


# --- The gemeente's account ----------------------------------------------------------------


@transaction.atomic
def betaalrekening_vastleggen(
    *, door: Gebruiker | None, gemeente: Gemeente, naam: str, iban: str, bic: str = ""
) -> Betaalrekening:
    """Set the account a gemeente pays its providers from (creates or replaces it).

    Batches made before keep the account they were made with."""
    _eis_budgetbeheer(door, gemeente)
    naam = _tekst(
        naam, veld="naam", code="naam_verplicht", bericht="De naam van de rekening is verplicht."
    )
    iban = iban_compact(iban or "")
    bic = (bic or "").replace(" ", "").upper()
    rekening = Betaalrekening.objects.select_for_update().filter(gemeente=gemeente).first()
    voor = momentopname(rekening, velden=["naam", "iban", "bic"]) if rekening else None
    if rekening is None:
        rekening = Betaalrekening(gemeente=gemeente)
    rekening.naam, rekening.iban, rekening.bic = naam, iban, bic
    _opslaan(rekening)
    audit_vastleggen(
        gebruiker=door,
        actie=AuditActie.AANGEMAAKT if voor is None else AuditActie.GEWIJZIGD,
        obj=rekening,
        voor=voor,
        na=momentopname(rekening, velden=["naam", "iban", "bic"]),
    )
    return rekening


# --- Making a batch ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Lijn:
    boekingsregel_id: int
    boeking_id: int
    zorgaanbieder_id: int
    budgetpost_id: int
    bedrag: Decimal


def _open_lijnen(gemeente: Gemeente, tot_en_met: date | None) -> list[_Lijn]:
    """The movements on the gemeente's ``te_betalen`` accounts a batch may collect now, in
    booking order. Three queries, whatever their number.

    A negative leg (a credit) is collected only when every positive leg booked before it
    on the same account is paid or collected now. The legs of one account, in booking order,
    never sum below zero (nothing is credited that was not realised), so what a provider is
    paid on a budget post, net, never goes below zero either."""
    in_batch = Betaalbatchregel.objects.filter(boekingsregel=OuterRef("pk"), actief=True)
    te_betalen = Boekingsregel.objects.filter(
        rekening__soort=RekeningSoort.TE_BETALEN, rekening__budgetpost__gemeente=gemeente
    ).exclude(boeking__soort=BoekingSoort.BETALING)
    kandidaten = te_betalen.filter(~Exists(in_batch))
    if tot_en_met is not None:
        kandidaten = kandidaten.filter(boeking__boekdatum__lte=tot_en_met)
    lijnen = [
        _Lijn(*rij)
        for rij in kandidaten.order_by("pk").values_list(
            "pk", "boeking_id", "rekening__zorgaanbieder_id", "rekening__budgetpost_id", "bedrag"
        )
    ]
    gekozen = {lijn.boekingsregel_id for lijn in lijnen}
    met_credit = {(lijn.zorgaanbieder_id, lijn.budgetpost_id) for lijn in lijnen if lijn.bedrag < 0}
    if not met_credit:
        return lijnen
    # Positive legs on those accounts that are neither paid nor collected now: the credits
    # booked after the first of them wait.
    betaald = Betaalbatchregel.objects.filter(
        boekingsregel=OuterRef("pk"), actief=True, batch__status=BetaalbatchStatus.BETAALD
    )
    eerste_open: dict[tuple[int, int], int] = {}
    for pk, zorgaanbieder_id, budgetpost_id in (
        te_betalen.filter(
            bedrag__gt=0,
            rekening__zorgaanbieder_id__in={z for z, _ in met_credit},
            rekening__budgetpost_id__in={b for _, b in met_credit},
        )
        .filter(~Exists(betaald))
        .order_by("pk")
        .values_list("pk", "rekening__zorgaanbieder_id", "rekening__budgetpost_id")
    ):
        if pk not in gekozen:
            eerste_open.setdefault((zorgaanbieder_id, budgetpost_id), pk)
    return [
        lijn
        for lijn in lijnen
        if lijn.bedrag > 0
        or lijn.boekingsregel_id
        < eerste_open.get((lijn.zorgaanbieder_id, lijn.budgetpost_id), lijn.boekingsregel_id + 1)
    ]


def _geldig_iban(iban: str) -> bool:
    try:
        valideer_iban(iban)
    except Exception:
        return False
    return True


@transaction.atomic
def betaalbatch_aanmaken(
    *,
    door: Gebruiker | None,
    gemeente: Gemeente,
    uitvoeringsdatum: date,
    tot_en_met: date | None = None,
    omschrijving: str = "",
) -> Betaalbatch:
    """Collect the gemeente's open realisations and credits into a new batch (concept).

    Refused when the gemeente has no payment account (``geen_betaalrekening``) or when no
    provider has anything to be paid (``niets_te_betalen``)."""
    _eis_batchrol(door, gemeente)
    if not isinstance(uitvoeringsdatum, date):
        raise DomeinFout(
            "De uitvoeringsdatum is verplicht.",
            code="uitvoeringsdatum_verplicht",
            velden={"uitvoeringsdatum": ["Verplicht."]},
        )
    try:
        rekening = lock_objects.betaalrekening_vergrendelen(gemeente.pk)
    except Betaalrekening.DoesNotExist:
        raise DomeinFout(
            f"Gemeente {gemeente.naam} heeft nog geen betaalrekening; leg die eerst vast.",
            code="geen_betaalrekening",
        ) from None

    per_aanbieder: dict[int, list[_Lijn]] = defaultdict(list)
    for lijn in _open_lijnen(gemeente, tot_en_met):
        per_aanbieder[lijn.zorgaanbieder_id].append(lijn)
    aanbieders = Zorgaanbieder.objects.in_bulk(list(per_aanbieder))
    te_betalen: list[tuple[Zorgaanbieder, Decimal, list[_Lijn]]] = []
    overgeslagen: list[dict[str, str]] = []
    for aanbieder in sorted(aanbieders.values(), key=lambda a: (a.naam, a.pk)):
        lijnen = per_aanbieder[aanbieder.pk]
        saldo = sum((lijn.bedrag for lijn in lijnen), NUL)
        reden = None
        if saldo <= 0:
            reden = Overslaanreden.SALDO_NIET_POSITIEF
        elif not aanbieder.iban or not _geldig_iban(aanbieder.iban):
            reden = Overslaanreden.GEEN_IBAN
        if reden is not None:
            overgeslagen.append(
                {
                    "zorgaanbieder": str(aanbieder.uuid),
                    "naam": aanbieder.naam,
                    "saldo": str(saldo),
                    "reden": str(reden),
                }
            )
        else:
            te_betalen.append((aanbieder, saldo, lijnen))
    if not te_betalen:
        raise DomeinFout(
            f"Er is voor gemeente {gemeente.naam} niets te betalen"
            + (f" tot en met {tot_en_met:%d-%m-%Y}" if tot_en_met else "")
            + ".",
            code="niets_te_betalen",
            details={"overgeslagen": overgeslagen},
        )

    volgnummer = (
        Betaalbatch.objects.filter(gemeente=gemeente).aggregate(m=Max("volgnummer"))["m"] or 0
    ) + 1
    referentie = f"BB-{gemeente.code}-{volgnummer:06d}"
    batch = Betaalbatch(
        gemeente=gemeente,
        volgnummer=volgnummer,
        referentie=referentie,
        status=BetaalbatchStatus.CONCEPT,
        tot_en_met=tot_en_met,
        uitvoeringsdatum=uitvoeringsdatum,
        omschrijving=(omschrijving or "").strip(),
        totaal_bedrag=sum((saldo for _, saldo, _ in te_betalen), NUL),
        aantal_betalingen=len(te_betalen),
        overgeslagen=overgeslagen,
        debiteur_naam=rekening.naam,
        debiteur_iban=rekening.iban,
        debiteur_bic=rekening.bic,
        aangemaakt_door=door if door is not None and door.pk else None,
    )
    _opslaan(batch)
    betalingen = Betaalbatchbetaling.objects.bulk_create(
        [
            Betaalbatchbetaling(
                batch=batch,
                zorgaanbieder=aanbieder,
                naam=aanbieder.naam,
                iban=iban_compact(aanbieder.iban),
                bedrag=saldo,
                eind_tot_eind_id=f"{referentie}-{volgorde:04d}",
            )
            for volgorde, (aanbieder, saldo, _) in enumerate(te_betalen, start=1)
        ]
    )
    try:
        with transaction.atomic():
            Betaalbatchregel.objects.bulk_create(
                [
                    Betaalbatchregel(
                        batch=batch,
                        betaling=betaling,
                        boekingsregel_id=lijn.boekingsregel_id,
                        boeking_id=lijn.boeking_id,
                        budgetpost_id=lijn.budgetpost_id,
                        bedrag=lijn.bedrag,
                    )
                    for betaling, (_, _, lijnen) in zip(betalingen, te_betalen, strict=True)
                    for lijn in lijnen
                ]
            )
    except IntegrityError:  # the lock makes this unreachable; the constraint holds anyway
        raise Conflict(
            "Een boeking is tegelijk in een andere betaalbatch opgenomen; probeer het opnieuw.",
            code="boeking_al_in_batch",
        ) from None
    BetaalbatchStatusWijziging.objects.create(
        batch=batch,
        van_status="",
        naar_status=batch.status,
        door=door if door is not None and door.pk else None,
    )
    audit_vastleggen(
        gebruiker=door,
        actie=AuditActie.AANGEMAAKT,
        obj=batch,
        na={
            **momentopname(
                batch,
                velden=[
                    "referentie",
                    "status",
                    "tot_en_met",
                    "uitvoeringsdatum",
                    "totaal_bedrag",
                    "aantal_betalingen",
                    "debiteur_iban",
                ],
            ),
            "betalingen": [[b.eind_tot_eind_id, b.iban, str(b.bedrag)] for b in betalingen],
            "regels": sum(len(lijnen) for _, _, lijnen in te_betalen),
            "overgeslagen": overgeslagen,
        },
    )
    return batch


# --- Status changes ------------------------------------------------------------------------


def _status_zetten(
    batch: Betaalbatch, naar: str, door: Gebruiker | None, *velden: str, reden: str = ""
) -> None:
    """Move a locked batch along the transitions table, with a history row and an audit
    record; ``velden`` are the other fields the caller changed."""
    van = batch.status
    batch.status = naar
    batch.save(update_fields=["status", *velden])
    BetaalbatchStatusWijziging.objects.create(
        batch=batch,
        van_status=van,
        naar_status=naar,
        reden=reden[:255],
        door=door if door is not None and door.pk else None,
    )
    audit_vastleggen(
        gebruiker=door,
        actie=AuditActie.STATUS,
        obj=batch,
        voor={"status": van},
        na={"status": naar, **(momentopname(batch, velden=velden) if velden else {})},
        toelichting=reden,
    )


def _eis_overgang(batch: Betaalbatch, naar: str) -> None:
    van = batch.status
    if van == BetaalbatchStatus.BETAALD:
        raise Conflict(
            f"Betaalbatch {batch.referentie} is al betaald; er kan niets meer aan veranderen.",
            code="batch_al_betaald",
        )
    if naar not in BETAALBATCH_TRANSITIES[van]:
        if naar == BetaalbatchStatus.BETAALD and van == BetaalbatchStatus.CONCEPT:
            raise DomeinFout(
                f"Betaalbatch {batch.referentie} is nog niet goedgekeurd; een tweede persoon "
                "keurt hem eerst goed.",
                code="batch_niet_goedgekeurd",
            )
        raise DomeinFout(
            f"Een betaalbatch met status {BetaalbatchStatus(van).label.lower()} kan niet naar "
            f"{BetaalbatchStatus(naar).label.lower()}.",
            code="statusovergang_niet_toegestaan",
        )


def _vergrendeld(door: Gebruiker | None, batch: Betaalbatch) -> Betaalbatch:
    """The batch, locked, after the role and scope of ``door`` were checked."""
    vergrendeld = lock_objects.betaalbatch_vergrendelen(batch.pk)
    _eis_batchrol(door, vergrendeld.gemeente)
    return vergrendeld


@transaction.atomic
def betaalbatch_goedkeuren(*, door: Gebruiker | None, batch: Betaalbatch) -> Betaalbatch:
    """Approve a batch: by a person other than its maker (``vier_ogen``)."""
    b = _vergrendeld(door, batch)
    _eis_overgang(b, BetaalbatchStatus.GOEDGEKEURD)
    if door is None or not door.pk or door.pk == b.aangemaakt_door_id:
        raise GeenToegang(
            f"U heeft betaalbatch {b.referentie} zelf aangemaakt; een ander keurt hem goed "
            "(vier ogen).",
            code="vier_ogen",
        )
    b.goedgekeurd_door = door
    b.goedgekeurd_op = timezone.now()
    _status_zetten(b, BetaalbatchStatus.GOEDGEKEURD, door, "goedgekeurd_door", "goedgekeurd_op")
    return b


@transaction.atomic
def betaalbatch_annuleren(*, door: Gebruiker | None, batch: Betaalbatch, reden: str) -> Betaalbatch:
    """Cancel a batch before it is paid; its lines are free again for the next batch."""
    b = _vergrendeld(door, batch)
    _eis_overgang(b, BetaalbatchStatus.GEANNULEERD)
    reden = _tekst(
        reden, veld="reden", code="reden_verplicht", bericht="Geef een reden voor het annuleren."
    )
    Betaalbatchregel.objects.filter(batch=b).update(actief=False)
    _status_zetten(b, BetaalbatchStatus.GEANNULEERD, door, reden=reden)
    return b


# --- Paying --------------------------------------------------------------------------------


def _betaling_boeken(
    *,
    door: Gebruiker | None,
    batch: Betaalbatch,
    betaling: Betaalbatchbetaling,
    delen: list[tuple[int, Decimal]],
    rekeningen: _Rekeningen,
    betaaldatum: date,
) -> Boeking:
    """Book the payment of one provider in a batch: per budget post the net of its lines
    (positive: te_betalen -> betaald; negative, an offset: betaald -> te_betalen).
    Idempotent on the batch and provider."""
    zorgaanbieder_id = betaling.zorgaanbieder_id
    sleutel = betaalbatch_sleutel(batch, betaling.zorgaanbieder)
    vingerafdruk = _vingerafdruk(
        BoekingSoort.BETALING,
        batch=batch.uuid,
        zorgaanbieder=zorgaanbieder_id,
        delen=[(pk, str(b)) for pk, b in delen],
    )

    def uitvoeren() -> Boeking:
        bestaand = _bestaande_boeking(sleutel, vingerafdruk)
        if bestaand is not None:
            return bestaand
        regels: list[tuple[Rekening, Decimal]] = []
        for budgetpost_id, netto in delen:
            te_betalen = rekeningen(budgetpost_id, RekeningSoort.TE_BETALEN, zorgaanbieder_id)
            betaald = rekeningen(budgetpost_id, RekeningSoort.BETAALD, zorgaanbieder_id)
            if betaald.saldo + netto < 0:  # unreachable by how lines are collected
                raise DomeinFout(
                    f"Verrekenen van {-netto} met {betaling.naam} kan niet: op deze budgetpost "
                    f"is maar {betaald.saldo} betaald.",
                    code="verrekening_boven_betaald",
                )
            regels += [(te_betalen, -netto), (betaald, netto)]
        boeking = _boeken(
            gemeente_id=batch.gemeente_id,
            soort=BoekingSoort.BETALING,
            bron_type=BronType.BETAALBATCH,
            bron_id=str(batch.uuid),
            regels=regels,
            sleutel=sleutel,
            vingerafdruk=vingerafdruk,
            door=door,
            omschrijving=f"Betaalbatch {batch.referentie}: {betaling.naam}",
            boekdatum=betaaldatum,
        )
        _boeking_audit(door, boeking, regels)
        return boeking

    return _idempotent(sleutel, vingerafdruk, uitvoeren)


@transaction.atomic
def betaalbatch_betaald_melden(
    *, door: Gebruiker | None, batch: Betaalbatch, betaaldatum: date
) -> Betaalbatch:
    """Record that the bank paid an approved batch: books every provider's payment (on
    ``betaaldatum``, not before the last transfer it pays: ``betaaldatum_te_vroeg``) and
    closes the batch. A batch is paid once (``batch_al_betaald``)."""
    b = _vergrendeld(door, batch)
    _eis_overgang(b, BetaalbatchStatus.BETAALD)
    if not isinstance(betaaldatum, date):
        raise DomeinFout(
            "De betaaldatum is verplicht.",
            code="betaaldatum_verplicht",
            velden={"betaaldatum": ["Verplicht."]},
        )
    laatste = Betaalbatchregel.objects.filter(batch=b).aggregate(d=Max("boeking__boekdatum"))["d"]
    if laatste is not None and betaaldatum < laatste:
        raise DomeinFout(
            f"De betaaldatum {betaaldatum:%d-%m-%Y} ligt voor de laatste boeking in de batch "
            f"({laatste:%d-%m-%Y}); een betaling volgt op wat zij betaalt.",
            code="betaaldatum_te_vroeg",
            velden={"betaaldatum": ["Voor de laatste boeking in de batch."]},
        )
    betalingen = list(b.betalingen.select_related("zorgaanbieder").order_by("pk"))
    delen: dict[int, dict[int, Decimal]] = defaultdict(lambda: defaultdict(lambda: NUL))
    for betaling_id, budgetpost_id, bedrag in Betaalbatchregel.objects.filter(batch=b).values_list(
        "betaling_id", "budgetpost_id", "bedrag"
    ):
        delen[betaling_id][budgetpost_id] += bedrag
    rekeningen = _vergrendel(
        Q(budgetpost_id__in={bp for per in delen.values() for bp in per})
        & Q(soort__in=[RekeningSoort.TE_BETALEN, RekeningSoort.BETAALD])
        & Q(zorgaanbieder_id__in=[betaling.zorgaanbieder_id for betaling in betalingen])
    )
    for betaling in betalingen:
        netto = sorted((bp, s) for bp, s in delen[betaling.pk].items() if s != 0)
        if sum((s for _, s in netto), NUL) != betaling.bedrag:  # a bug, never a user error
            raise RuntimeError(f"betaling {betaling.pk} klopt niet met haar regels")
        betaling.boeking = _betaling_boeken(
            door=door,
            batch=b,
            betaling=betaling,
            delen=netto,
            rekeningen=rekeningen,
            betaaldatum=betaaldatum,
        )
        betaling.save(update_fields=["boeking"])
    b.betaaldatum = betaaldatum
    b.betaald_door = door if door is not None and door.pk else None
    _status_zetten(b, BetaalbatchStatus.BETAALD, door, "betaaldatum", "betaald_door")
    return b

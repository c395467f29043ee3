"""Reservations (pending), their changes and release, realisations (posting) and credits."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q, Sum

from contracten.models import Zorgaanbieder
from financien import lock_objects
from financien.constants import BoekingSoort, BronType, RekeningSoort, ReserveringStatus
from financien.models import Boeking, Budgetpost, Reservering, Reserveringsperiode
from financien.services._basis import (
    _bedrag,
    _bestaande_boeking,
    _boeken,
    _boeking_audit,
    _bron,
    _idempotent,
    _jaar_afgesloten_fout,
    _jaar_delen,
    _rekening_verkrijgen,
    _sleutel,
    _vergrendel,
    _vingerafdruk,
)
from financien.services.signaleringen import signaleren_na_commit
from kern.audit import audit_vastleggen, momentopname
from kern.constants import ONGEWIJZIGD, AuditActie, Ongewijzigd
from kern.exceptions import Conflict, DomeinFout, NietGevonden
from kern.geld import afronden
from kern.models import Gebruiker

# --- Reservations (pending) ---------------------------------------------------------------


def _reservering_afgesloten_fout(reservering: Reservering) -> DomeinFout:
    return DomeinFout(
        "De reservering is al afgehandeld (vrijgegeven of afgesloten): er kan niets meer op "
        "worden geboekt.",
        code="reservering_afgesloten",
        details={"reservering": str(reservering.uuid), "status": reservering.status},
    )


def _vergrendel_reservering(reservering: Reservering) -> Reservering:
    try:
        return lock_objects.reservering_vergrendelen(reservering.pk)
    except Reservering.DoesNotExist:
        raise NietGevonden("Reservering niet gevonden.", code="reservering_niet_gevonden") from None


def _reservering_bijwerken(reservering: Reservering, *velden: str) -> None:
    reservering.save(update_fields=list(velden))


def _periode(begindatum: date | None, einddatum: date | None, jaar: int) -> dict[str, date]:
    """Check a reservation's period: both ends or none, in order, overlapping budget year
    ``jaar``. Returns the fields for the fingerprint (empty without a period, so requests
    without one keep the fingerprint they always had)."""
    if begindatum is None and einddatum is None:
        return {}
    if begindatum is None or einddatum is None:
        raise DomeinFout(
            "Een periode heeft een begindatum en een einddatum, of geen van beide.",
            code="periode_onvolledig",
            velden={"begindatum" if begindatum is None else "einddatum": ["Verplicht."]},
        )
    if einddatum < begindatum:
        raise DomeinFout(
            f"De einddatum {einddatum.isoformat()} ligt voor de begindatum "
            f"{begindatum.isoformat()}.",
            code="periode_ongeldig",
            velden={"einddatum": ["Ligt voor de begindatum."]},
        )
    if einddatum < date(jaar, 1, 1) or begindatum > date(jaar, 12, 31):
        raise DomeinFout(
            f"De periode {begindatum.isoformat()} t/m {einddatum.isoformat()} valt buiten het "
            f"begrotingsjaar {jaar}.",
            code="periode_buiten_jaar",
            velden={"begindatum": [f"Valt buiten {jaar}."]},
        )
    return {"begindatum": begindatum, "einddatum": einddatum}


def _signaleren(reservering: Reservering, gemeente_id: int) -> None:
    """After the commit, evaluate the alerts this posting may have moved: the budget post
    (and its forecast), the toewijzing and the provider's bestedingsruimte."""
    signaleren_na_commit(
        budgetpost_ids=[reservering.budgetpost_id],
        toewijzingen=[reservering.bron_id] if reservering.bron_type == BronType.TOEWIJZING else [],
        bestedingsruimten=[(reservering.zorgaanbieder_id, gemeente_id, reservering.jaar)],
    )


@transaction.atomic
def reservering_boeken(
    *,
    door: Gebruiker | None,
    budgetpost: Budgetpost,
    zorgaanbieder: Zorgaanbieder,
    bedrag: Decimal,
    bron_id: str,
    idempotentiesleutel: str,
    bron_type: str = BronType.TOEWIJZING,
    omschrijving: str = "",
    boekdatum: date | None = None,
    begindatum: date | None = None,
    einddatum: date | None = None,
    doorgerold_uit: Reservering | None = None,
) -> Boeking:
    """Reserve ``bedrag`` for a source in the budget post's year (beschikbaar ->
    gereserveerd): a pending reservation. Refused on a closed year (``jaar_afgesloten``) and
    when the source already has a reservation in that year (``reservering_bestaat``).

    ``begindatum``/``einddatum`` (both or neither) give the period ``bedrag`` covers, for the
    forecast; it must overlap the budget year and may run into the next one. Without it the
    amount counts as spread over the budget year. ``doorgerold_uit`` is set only by
    :func:`financien.services.reserveringen_doorrollen`."""
    bedrag = _bedrag(bedrag)
    bron_type, bron_id = _bron(bron_type, bron_id)
    sleutel = _sleutel(idempotentiesleutel)
    periode = _periode(begindatum, einddatum, budgetpost.jaar)
    vingerafdruk = _vingerafdruk(
        BoekingSoort.RESERVERING,
        budgetpost=budgetpost.pk,
        zorgaanbieder=zorgaanbieder.pk,
        bedrag=bedrag,
        bron_type=bron_type,
        bron_id=bron_id,
        boekdatum=boekdatum,
        **periode,
        **({"doorgerold_uit": doorgerold_uit.pk} if doorgerold_uit is not None else {}),
    )

    def uitvoeren() -> Boeking:
        afgesloten = _jaar_delen(budgetpost.gemeente_id, budgetpost.jaar)
        rekeningen = _vergrendel(
            Q(budgetpost_id=budgetpost.pk)
            & Q(soort__in=[RekeningSoort.BESCHIKBAAR, RekeningSoort.GERESERVEERD])
        )
        bestaand = _bestaande_boeking(sleutel, vingerafdruk)
        if bestaand is not None:
            return bestaand
        if afgesloten:
            raise _jaar_afgesloten_fout(budgetpost.jaar)
        dubbel = Reservering.objects.filter(
            bron_type=bron_type, bron_id=bron_id, jaar=budgetpost.jaar
        ).first()
        if dubbel is not None:
            raise Conflict(
                f"Er is al een reservering voor deze {BronType(bron_type).label.lower()} in "
                f"{budgetpost.jaar}; wijzig die.",
                code="reservering_bestaat",
                details={"reservering": str(dubbel.uuid)},
            )
        # The provider's payable and paid accounts exist from its first reservation on.
        for soort in (RekeningSoort.TE_BETALEN, RekeningSoort.BETAALD):
            _rekening_verkrijgen(budgetpost.pk, soort, zorgaanbieder.pk)
        reservering = Reservering(
            budgetpost=budgetpost,
            jaar=budgetpost.jaar,
            zorgaanbieder=zorgaanbieder,
            bron_type=bron_type,
            bron_id=bron_id,
            bedrag=bedrag,
            open_bedrag=bedrag,
            begindatum=begindatum,
            einddatum=einddatum,
            doorgerold_uit=doorgerold_uit,
        )
        try:
            with transaction.atomic():
                reservering.save()
        except IntegrityError:
            if _bestaande_boeking(sleutel, vingerafdruk) is None:
                raise Conflict(
                    "Er is zojuist al een reservering voor deze bron in dit jaar geboekt.",
                    code="reservering_bestaat",
                ) from None
            raise
        regels = [
            (rekeningen(budgetpost.pk, RekeningSoort.BESCHIKBAAR), -bedrag),
            (rekeningen(budgetpost.pk, RekeningSoort.GERESERVEERD), bedrag),
        ]
        boeking = _boeken(
            gemeente_id=budgetpost.gemeente_id,
            soort=BoekingSoort.RESERVERING,
            bron_type=bron_type,
            bron_id=bron_id,
            regels=regels,
            sleutel=sleutel,
            vingerafdruk=vingerafdruk,
            door=door,
            omschrijving=omschrijving,
            boekdatum=boekdatum,
            reservering=reservering,
        )
        Reserveringsperiode.objects.create(
            reservering=reservering, boeking=boeking, begindatum=begindatum, einddatum=einddatum
        )
        audit_vastleggen(
            gebruiker=door,
            actie=AuditActie.AANGEMAAKT,
            obj=reservering,
            na={**momentopname(reservering), "boeking": str(boeking.uuid)},
        )
        _signaleren(reservering, budgetpost.gemeente_id)
        return boeking

    return _idempotent(sleutel, vingerafdruk, uitvoeren)


@transaction.atomic
def reservering_wijzigen(
    *,
    door: Gebruiker | None,
    reservering: Reservering,
    bedrag: Decimal,
    idempotentiesleutel: str,
    omschrijving: str = "",
    boekdatum: date | None = None,
    begindatum: date | Ongewijzigd | None = ONGEWIJZIGD,
    einddatum: date | Ongewijzigd | None = ONGEWIJZIGD,
) -> Boeking:
    """Set an open reservation to ``bedrag`` (the new total), booking the difference.

    Never below what is already realised (``onder_gerealiseerd``); a raise on a closed year
    is refused (``jaar_afgesloten``), a reduction is not; the same amount and period change
    nothing (``geen_wijziging``). ``begindatum``/``einddatum`` set a new period (None: none;
    left out: unchanged); a change of period alone books a transfer without legs, which
    records the change and its key."""
    bedrag = _bedrag(bedrag, nul_toegestaan=True)
    sleutel = _sleutel(idempotentiesleutel)
    gevraagd = {
        naam: None if waarde is None else str(waarde)
        for naam, waarde in (("begindatum", begindatum), ("einddatum", einddatum))
        if not isinstance(waarde, Ongewijzigd)
    }
    vingerafdruk = _vingerafdruk(
        BoekingSoort.RESERVERING_WIJZIGING,
        reservering=reservering.pk,
        bedrag=bedrag,
        boekdatum=boekdatum,
        **({"periode": sorted(gevraagd.items())} if gevraagd else {}),
    )

    def uitvoeren() -> Boeking:
        budgetpost = Budgetpost.objects.only("pk", "gemeente_id", "jaar").get(
            pk=reservering.budgetpost_id
        )
        afgesloten = _jaar_delen(budgetpost.gemeente_id, budgetpost.jaar)
        res = _vergrendel_reservering(reservering)
        rekeningen = _vergrendel(
            Q(budgetpost_id=budgetpost.pk)
            & Q(soort__in=[RekeningSoort.BESCHIKBAAR, RekeningSoort.GERESERVEERD])
        )
        bestaand = _bestaande_boeking(sleutel, vingerafdruk)
        if bestaand is not None:
            return bestaand
        if res.status != ReserveringStatus.OPEN:
            raise _reservering_afgesloten_fout(res)
        # The new period: what was asked, the rest as the locked row has it.
        nieuw_begin = res.begindatum if isinstance(begindatum, Ongewijzigd) else begindatum
        nieuw_eind = res.einddatum if isinstance(einddatum, Ongewijzigd) else einddatum
        if gevraagd:
            _periode(nieuw_begin, nieuw_eind, res.jaar)
        periode_anders = (nieuw_begin, nieuw_eind) != (res.begindatum, res.einddatum)
        if bedrag == res.bedrag and not periode_anders:
            raise DomeinFout(
                f"De reservering is al {bedrag}: er verandert niets.", code="geen_wijziging"
            )
        if bedrag < res.gerealiseerd_bedrag:
            raise DomeinFout(
                f"De reservering kan niet lager worden dan wat er al op gerealiseerd is "
                f"({res.gerealiseerd_bedrag}).",
                code="onder_gerealiseerd",
                details={"gerealiseerd": str(res.gerealiseerd_bedrag), "gevraagd": str(bedrag)},
            )
        verschil = bedrag - res.bedrag
        if verschil > 0 and afgesloten:
            raise _jaar_afgesloten_fout(budgetpost.jaar)
        voor = momentopname(res)
        regels = [
            (rekeningen(budgetpost.pk, RekeningSoort.BESCHIKBAAR), -verschil),
            (rekeningen(budgetpost.pk, RekeningSoort.GERESERVEERD), verschil),
        ]
        boeking = _boeken(
            gemeente_id=budgetpost.gemeente_id,
            soort=BoekingSoort.RESERVERING_WIJZIGING,
            bron_type=res.bron_type,
            bron_id=res.bron_id,
            regels=regels,
            sleutel=sleutel,
            vingerafdruk=vingerafdruk,
            door=door,
            omschrijving=omschrijving,
            boekdatum=boekdatum,
            reservering=res,
        )
        res.bedrag = bedrag
        res.open_bedrag = bedrag - res.gerealiseerd_bedrag
        velden = ["bedrag", "open_bedrag"]
        if periode_anders:
            res.begindatum, res.einddatum = nieuw_begin, nieuw_eind
            velden += ["begindatum", "einddatum"]
            Reserveringsperiode.objects.create(
                reservering=res, boeking=boeking, begindatum=nieuw_begin, einddatum=nieuw_eind
            )
        _reservering_bijwerken(res, *velden)
        audit_vastleggen(
            gebruiker=door,
            actie=AuditActie.GEWIJZIGD,
            obj=res,
            voor=voor,
            na={**momentopname(res), "boeking": str(boeking.uuid)},
        )
        _signaleren(res, budgetpost.gemeente_id)
        return boeking

    return _idempotent(sleutel, vingerafdruk, uitvoeren)


@transaction.atomic
def reservering_vrijgeven(
    *,
    door: Gebruiker | None,
    reservering: Reservering,
    idempotentiesleutel: str,
    omschrijving: str = "",
    boekdatum: date | None = None,
) -> Boeking:
    """Resolve a reservation: release what is still open (gereserveerd -> beschikbaar).

    A reservation resolves once. Status ``vrijgegeven`` when something was released,
    ``afgesloten`` when it was fully realised (the transfer then has no legs: it records the
    resolution and its key). Releasing a resolved reservation again is a no-op that returns
    the transfer that resolved it."""
    sleutel = _sleutel(idempotentiesleutel)
    vingerafdruk = _vingerafdruk(
        BoekingSoort.VRIJGAVE, reservering=reservering.pk, boekdatum=boekdatum
    )

    def uitvoeren() -> Boeking:
        res = _vergrendel_reservering(reservering)
        rekeningen = _vergrendel(
            Q(budgetpost_id=res.budgetpost_id)
            & Q(soort__in=[RekeningSoort.BESCHIKBAAR, RekeningSoort.GERESERVEERD])
        )
        bestaand = _bestaande_boeking(sleutel, vingerafdruk)
        if bestaand is not None:
            return bestaand
        if res.vrijgave_id is not None:
            return Boeking.objects.get(pk=res.vrijgave_id)
        voor = momentopname(res)
        rest = res.open_bedrag
        regels = [
            (rekeningen(res.budgetpost_id, RekeningSoort.GERESERVEERD), -rest),
            (rekeningen(res.budgetpost_id, RekeningSoort.BESCHIKBAAR), rest),
        ]
        gemeente_id = Budgetpost.objects.values_list("gemeente_id", flat=True).get(
            pk=res.budgetpost_id
        )
        boeking = _boeken(
            gemeente_id=gemeente_id,
            soort=BoekingSoort.VRIJGAVE,
            bron_type=res.bron_type,
            bron_id=res.bron_id,
            regels=regels,
            sleutel=sleutel,
            vingerafdruk=vingerafdruk,
            door=door,
            omschrijving=omschrijving,
            boekdatum=boekdatum,
            reservering=res,
        )
        res.status = ReserveringStatus.VRIJGEGEVEN if rest > 0 else ReserveringStatus.AFGESLOTEN
        res.open_bedrag = Decimal("0.00")
        res.vrijgave = boeking
        _reservering_bijwerken(res, "status", "open_bedrag", "vrijgave")
        audit_vastleggen(
            gebruiker=door,
            actie=AuditActie.STATUS,
            obj=res,
            voor=voor,
            na={**momentopname(res), "vrijgegeven": str(rest)},
        )
        _signaleren(res, gemeente_id)
        return boeking

    return _idempotent(sleutel, vingerafdruk, uitvoeren)


# --- Realisations (posting) and credits ----------------------------------------------------


@transaction.atomic
def realisatie_boeken(
    *,
    door: Gebruiker | None,
    reservering: Reservering,
    bedrag: Decimal,
    bron_id: str,
    idempotentiesleutel: str,
    bron_type: str = BronType.PRESTATIE,
    omschrijving: str = "",
    boekdatum: date | None = None,
) -> Boeking:
    """Post part of an open reservation: gereserveerd -> te betalen to its provider.

    Refused above what is still reserved (``boven_reservering``): the hard limit of a
    toewijzing (TR321/TR322/TR369)."""
    bedrag = _bedrag(bedrag)
    bron_type, bron_id = _bron(bron_type, bron_id)
    sleutel = _sleutel(idempotentiesleutel)
    vingerafdruk = _vingerafdruk(
        BoekingSoort.REALISATIE,
        reservering=reservering.pk,
        bedrag=bedrag,
        bron_type=bron_type,
        bron_id=bron_id,
        boekdatum=boekdatum,
    )

    def uitvoeren() -> Boeking:
        res = _vergrendel_reservering(reservering)
        rekeningen = _vergrendel(
            Q(budgetpost_id=res.budgetpost_id)
            & (
                Q(soort=RekeningSoort.GERESERVEERD)
                | Q(soort=RekeningSoort.TE_BETALEN, zorgaanbieder_id=res.zorgaanbieder_id)
            )
        )
        bestaand = _bestaande_boeking(sleutel, vingerafdruk)
        if bestaand is not None:
            return bestaand
        if res.status != ReserveringStatus.OPEN:
            raise _reservering_afgesloten_fout(res)
        if bedrag > res.open_bedrag:
            raise DomeinFout(
                f"De realisatie van {bedrag} is hoger dan wat nog gereserveerd staat "
                f"({res.open_bedrag}).",
                code="boven_reservering",
                details={"open": str(res.open_bedrag), "gevraagd": str(bedrag)},
            )
        regels = [
            (rekeningen(res.budgetpost_id, RekeningSoort.GERESERVEERD), -bedrag),
            (
                rekeningen(res.budgetpost_id, RekeningSoort.TE_BETALEN, res.zorgaanbieder_id),
                bedrag,
            ),
        ]
        gemeente_id = Budgetpost.objects.values_list("gemeente_id", flat=True).get(
            pk=res.budgetpost_id
        )
        boeking = _boeken(
            gemeente_id=gemeente_id,
            soort=BoekingSoort.REALISATIE,
            bron_type=bron_type,
            bron_id=bron_id,
            regels=regels,
            sleutel=sleutel,
            vingerafdruk=vingerafdruk,
            door=door,
            omschrijving=omschrijving,
            boekdatum=boekdatum,
            reservering=res,
        )
        res.gerealiseerd_bedrag += bedrag
        res.open_bedrag -= bedrag
        _reservering_bijwerken(res, "gerealiseerd_bedrag", "open_bedrag")
        _boeking_audit(door, boeking, regels)
        _signaleren(res, gemeente_id)
        return boeking

    return _idempotent(sleutel, vingerafdruk, uitvoeren)


@transaction.atomic
def realisatie_crediteren(
    *,
    door: Gebruiker | None,
    realisatie: Boeking,
    bron_id: str,
    idempotentiesleutel: str,
    bedrag: Decimal | None = None,
    bron_type: str = BronType.PRESTATIE,
    omschrijving: str = "",
    boekdatum: date | None = None,
) -> Boeking:
    """Reverse a realisation, wholly (``bedrag`` None: all not yet credited) or in part.

    Never more than was realised and not yet credited (``boven_realisatie``). The amount
    leaves the provider's payable (which goes negative when it was already paid: the
    provider then owes it) and returns to the reservation while it is open, else to
    beschikbaar."""
    if realisatie.soort != BoekingSoort.REALISATIE or realisatie.reservering_id is None:
        raise DomeinFout(
            "Alleen een realisatie kan worden gecrediteerd.",
            code="geen_realisatie",
            details={"boeking": str(realisatie.uuid)},
        )
    if bedrag is not None:
        bedrag = _bedrag(bedrag)
    bron_type, bron_id = _bron(bron_type, bron_id)
    sleutel = _sleutel(idempotentiesleutel)
    vingerafdruk = _vingerafdruk(
        BoekingSoort.CREDITERING,
        realisatie=realisatie.pk,
        bedrag=bedrag,
        bron_type=bron_type,
        bron_id=bron_id,
        boekdatum=boekdatum,
    )
    reservering_id: int = realisatie.reservering_id

    def uitvoeren() -> Boeking:
        res = lock_objects.reservering_vergrendelen(reservering_id)
        terug_naar = (
            RekeningSoort.GERESERVEERD
            if res.status == ReserveringStatus.OPEN
            else RekeningSoort.BESCHIKBAAR
        )
        rekeningen = _vergrendel(
            Q(budgetpost_id=res.budgetpost_id)
            & (
                Q(soort=terug_naar)
                | Q(soort=RekeningSoort.TE_BETALEN, zorgaanbieder_id=res.zorgaanbieder_id)
            )
        )
        bestaand = _bestaande_boeking(sleutel, vingerafdruk)
        if bestaand is not None:
            return bestaand
        gecrediteerd = afronden(
            Boeking.objects.filter(corrigeert_id=realisatie.pk).aggregate(s=Sum("bedrag"))["s"]
            or Decimal(0)
        )
        rest = realisatie.bedrag - gecrediteerd
        te_crediteren = rest if bedrag is None else bedrag
        if te_crediteren <= 0 or te_crediteren > rest:
            raise DomeinFout(
                f"Er kan hoogstens {rest} van deze realisatie worden gecrediteerd "
                f"(gerealiseerd {realisatie.bedrag}, al gecrediteerd {gecrediteerd}).",
                code="boven_realisatie",
                details={
                    "gerealiseerd": str(realisatie.bedrag),
                    "gecrediteerd": str(gecrediteerd),
                    "gevraagd": str(te_crediteren),
                },
            )
        regels = [
            (
                rekeningen(res.budgetpost_id, RekeningSoort.TE_BETALEN, res.zorgaanbieder_id),
                -te_crediteren,
            ),
            (rekeningen(res.budgetpost_id, terug_naar), te_crediteren),
        ]
        boeking = _boeken(
            gemeente_id=realisatie.gemeente_id,
            soort=BoekingSoort.CREDITERING,
            bron_type=bron_type,
            bron_id=bron_id,
            regels=regels,
            sleutel=sleutel,
            vingerafdruk=vingerafdruk,
            door=door,
            omschrijving=omschrijving,
            boekdatum=boekdatum,
            reservering=res,
            corrigeert=realisatie,
        )
        res.gerealiseerd_bedrag -= te_crediteren
        velden = ["gerealiseerd_bedrag"]
        if res.status == ReserveringStatus.OPEN:
            res.open_bedrag += te_crediteren
            velden.append("open_bedrag")
        _reservering_bijwerken(res, *velden)
        _boeking_audit(door, boeking, regels)
        _signaleren(res, realisatie.gemeente_id)
        return boeking

    return _idempotent(sleutel, vingerafdruk, uitvoeren)

"""What every booking service shares: checks of input, the fingerprint and idempotency
key, the one way to write a transfer, and the accounts it moves."""

from __future__ import annotations

import hashlib
import json
import uuid as uuid_lib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from financien import lock_objects
from financien.constants import BronType
from financien.models import Begrotingsjaar, Boeking, Boekingsregel, Rekening, Reservering
from kern.audit import audit_vastleggen, momentopname
from kern.bijwerken import per_pk_bijwerken
from kern.constants import AuditActie, Rol
from kern.exceptions import Conflict, DomeinFout, GeenToegang, van_validation_error
from kern.geld import BEDRAG_DECIMAL_PLACES, BEDRAG_MAX_DIGITS, afronden
from kern.models import Gebruiker, Gemeente
from kern.toegang import eis_gemeenten_in_scope

BUDGET_ROLLEN = (Rol.BUDGETHOUDER, Rol.BEHEERDER)
BEDRAG_GRENS = Decimal(10) ** (BEDRAG_MAX_DIGITS - BEDRAG_DECIMAL_PLACES)
SLEUTEL_MAX = 200
BRON_ID_MAX = 64


# --- Checks of input -----------------------------------------------------------------------


def _eis_rol(door: Gebruiker | None, *rollen: str) -> None:
    if door is not None and not door.heeft_rol(*rollen):
        raise GeenToegang(
            "U heeft niet de rol die voor deze actie nodig is ("
            + " of ".join(str(Rol(r).label).lower() for r in rollen)
            + ").",
        )


def _eis_budgetbeheer(door: Gebruiker | None, gemeente: Gemeente) -> None:
    _eis_rol(door, *BUDGET_ROLLEN)
    if door is not None:
        eis_gemeenten_in_scope(door, [gemeente])


def _bedrag(bedrag: Any, *, veld: str = "bedrag", nul_toegestaan: bool = False) -> Decimal:
    """A valid euro amount, returned with exactly two decimals; refuses everything else."""
    if isinstance(bedrag, bool) or not isinstance(bedrag, Decimal) or not bedrag.is_finite():
        raise DomeinFout(
            "Een bedrag is een decimaal getal in euro.",
            code="bedrag_ongeldig",
            velden={veld: ["Geen geldig bedrag."]},
        )
    if afronden(bedrag) != bedrag:
        raise DomeinFout(
            f"Het bedrag {bedrag} heeft meer dan twee decimalen.",
            code="bedrag_te_veel_decimalen",
            velden={veld: ["Hoogstens twee decimalen."]},
        )
    if bedrag < 0 or (bedrag == 0 and not nul_toegestaan):
        raise DomeinFout(
            "Het bedrag moet groter dan nul zijn."
            if not nul_toegestaan
            else "Het bedrag mag niet negatief zijn.",
            code="bedrag_niet_positief",
            velden={veld: ["Moet groter dan nul zijn." if not nul_toegestaan else "Negatief."]},
        )
    if bedrag >= BEDRAG_GRENS:
        raise DomeinFout(
            f"Het bedrag {bedrag} is te groot.",
            code="bedrag_te_groot",
            velden={veld: ["Te groot."]},
        )
    return afronden(bedrag)


def _sleutel(sleutel: Any) -> str:
    if not isinstance(sleutel, str) or not sleutel.strip():
        raise DomeinFout(
            "Een idempotentiesleutel is verplicht.",
            code="idempotentiesleutel_verplicht",
            velden={"idempotentiesleutel": ["Verplicht."]},
        )
    if len(sleutel) > SLEUTEL_MAX:
        raise DomeinFout(
            f"Een idempotentiesleutel is hoogstens {SLEUTEL_MAX} tekens lang.",
            code="idempotentiesleutel_te_lang",
            velden={"idempotentiesleutel": ["Te lang."]},
        )
    return sleutel


def _bron(bron_type: Any, bron_id: Any) -> tuple[str, str]:
    if bron_type not in BronType.values:
        raise DomeinFout(
            f"Onbekend brontype {bron_type!r}.",
            code="brontype_ongeldig",
            velden={"bron_type": ["Onbekend brontype."]},
        )
    if isinstance(bron_id, uuid_lib.UUID):
        bron_id = str(bron_id)
    if not isinstance(bron_id, str) or not bron_id.strip():
        raise DomeinFout(
            "Het kenmerk van de bron is verplicht.",
            code="bron_id_verplicht",
            velden={"bron_id": ["Verplicht."]},
        )
    if len(bron_id) > BRON_ID_MAX:
        raise DomeinFout(
            f"Het kenmerk van de bron is hoogstens {BRON_ID_MAX} tekens lang.",
            code="bron_id_te_lang",
            velden={"bron_id": ["Te lang."]},
        )
    return str(bron_type), bron_id


def _tekst(waarde: Any, *, veld: str, code: str, bericht: str) -> str:
    if not isinstance(waarde, str) or not waarde.strip():
        raise DomeinFout(bericht, code=code, velden={veld: ["Verplicht."]})
    return waarde.strip()


def _vingerafdruk(handeling: str, **inhoud: Any) -> str:
    """SHA-256 of a request: the service and its arguments that decide money."""
    tekst = json.dumps(
        {"handeling": handeling, **{k: None if v is None else str(v) for k, v in inhoud.items()}},
        sort_keys=True,
    )
    return hashlib.sha256(tekst.encode()).hexdigest()


def _opslaan(obj: Any) -> None:
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise van_validation_error(exc) from exc
    obj.save()


# --- Idempotency and the one way to book ---------------------------------------------------


def _bestaande_boeking(sleutel: str, vingerafdruk: str) -> Boeking | None:
    """The transfer booked earlier under ``sleutel``; refuses a key reused for another request."""
    bestaand = Boeking.objects.filter(idempotentiesleutel=sleutel).first()
    if bestaand is not None and bestaand.vingerafdruk != vingerafdruk:
        raise Conflict(
            f"De idempotentiesleutel {sleutel!r} is al gebruikt voor een andere boeking.",
            code="idempotentiesleutel_conflict",
            details={"boeking": str(bestaand.uuid)},
        )
    return bestaand


def _idempotent(sleutel: str, vingerafdruk: str, uitvoeren: Callable[[], Boeking]) -> Boeking:
    """Run ``uitvoeren`` in a savepoint. When a concurrent call with the same key committed
    first (the unique key refuses ours), answer with that call's transfer instead."""
    try:
        with transaction.atomic():
            return uitvoeren()
    except IntegrityError:
        bestaand = _bestaande_boeking(sleutel, vingerafdruk)
        if bestaand is None:
            raise
        return bestaand


@dataclass(frozen=True, slots=True)
class Overboeking:
    """One transfer for :func:`_boekingen_schrijven`: its legs on locked accounts."""

    gemeente_id: int
    soort: str
    bron_type: str
    bron_id: str
    regels: Sequence[tuple[Rekening, Decimal]]
    sleutel: str
    vingerafdruk: str
    omschrijving: str
    boekdatum: date | None
    reservering: Reservering | None = None
    corrigeert: Boeking | None = None


def _boeken(
    *,
    gemeente_id: int,
    soort: str,
    bron_type: str,
    bron_id: str,
    regels: Sequence[tuple[Rekening, Decimal]],
    sleutel: str,
    vingerafdruk: str,
    door: Gebruiker | None,
    omschrijving: str,
    boekdatum: date | None,
    reservering: Reservering | None = None,
    corrigeert: Boeking | None = None,
) -> Boeking:
    """Write one transfer with its legs and move the balances of its (locked) accounts.

    The legs must sum to zero and stay within one gemeente; a transfer without legs (a
    reservation resolved with nothing left) records the event and its key."""
    (boeking,) = _boekingen_schrijven(
        [
            Overboeking(
                gemeente_id=gemeente_id,
                soort=soort,
                bron_type=bron_type,
                bron_id=bron_id,
                regels=regels,
                sleutel=sleutel,
                vingerafdruk=vingerafdruk,
                omschrijving=omschrijving,
                boekdatum=boekdatum,
                reservering=reservering,
                corrigeert=corrigeert,
            )
        ],
        door=door,
    )
    return boeking


def _boekingen_schrijven(
    overboekingen: Sequence[Overboeking], *, door: Gebruiker | None
) -> list[Boeking]:
    """Write transfers (see :func:`_boeken`) in three statements whatever their number: the
    transfers, their legs, and the new balances of the accounts they move (each account once,
    with the sum of its legs in all of them)."""
    geschreven: list[tuple[Boeking, list[tuple[Rekening, Decimal]]]] = []
    for o in overboekingen:
        regels = [(rekening, bedrag) for rekening, bedrag in o.regels if bedrag != 0]
        if sum((bedrag for _, bedrag in regels), Decimal(0)) != 0:
            raise DomeinFout("De boeking is niet in balans.", code="boeking_niet_in_balans")
        boeking = Boeking(
            gemeente_id=o.gemeente_id,
            soort=o.soort,
            bron_type=o.bron_type,
            bron_id=o.bron_id,
            reservering=o.reservering,
            corrigeert=o.corrigeert,
            idempotentiesleutel=o.sleutel,
            vingerafdruk=o.vingerafdruk,
            bedrag=sum((bedrag for _, bedrag in regels if bedrag > 0), Decimal(0)),
            omschrijving=o.omschrijving[:255],
            boekdatum=o.boekdatum or timezone.localdate(),
            door=door if door is not None and door.pk else None,
        )
        geschreven.append((boeking, regels))
    if not geschreven:
        return []
    Boeking.objects.bulk_create([boeking for boeking, _ in geschreven])
    Boekingsregel.objects.bulk_create(
        [
            Boekingsregel(boeking=boeking, rekening=rekening, bedrag=bedrag)
            for boeking, regels in geschreven
            for rekening, bedrag in regels
        ]
    )
    # The new balance is computed from the locked row, exactly, in Decimal (SQLite would do
    # ``saldo + x`` in floating point). The lock taken before makes this safe.
    rekeningen: dict[int, Rekening] = {}
    per_rekening: dict[int, Decimal] = {}
    for _, regels in geschreven:
        for rekening, bedrag in regels:
            rekeningen[rekening.pk] = rekening
            per_rekening[rekening.pk] = per_rekening.get(rekening.pk, Decimal(0)) + bedrag
    for pk, bedrag in per_rekening.items():
        rekeningen[pk].saldo = rekeningen[pk].saldo + bedrag
    # One statement for all the accounts moved.
    per_pk_bijwerken([rekeningen[pk] for pk in sorted(per_rekening)], ["saldo"])
    return [boeking for boeking, _ in geschreven]


def _boeking_audit(door: Gebruiker | None, boeking: Boeking, regels: Any) -> None:
    audit_vastleggen(
        gebruiker=door,
        actie=AuditActie.AANGEMAAKT,
        obj=boeking,
        na={
            **momentopname(
                boeking,
                velden=["soort", "bron_type", "bron_id", "bedrag", "idempotentiesleutel"],
            ),
            "regels": [[rekening.soort, rekening.pk, str(bedrag)] for rekening, bedrag in regels],
        },
    )


# --- Accounts -------------------------------------------------------------------------------


def _rekening_verkrijgen(budgetpost_id: int, soort: str, zorgaanbieder_id: int | None) -> Rekening:
    """Get or create an account; safe when another transaction creates it at the same time."""
    velden = {"budgetpost_id": budgetpost_id, "soort": soort, "zorgaanbieder_id": zorgaanbieder_id}
    bestaand = Rekening.objects.filter(**velden).first()
    if bestaand is not None:
        return bestaand
    try:
        with transaction.atomic():
            return Rekening.objects.create(**velden)
    except IntegrityError:
        return Rekening.objects.get(**velden)


class _Rekeningen:
    """Locked accounts, looked up by (budgetpost, soort, zorgaanbieder)."""

    def __init__(self, vergrendeld: Sequence[Rekening]) -> None:
        self._index = {(r.budgetpost_id, r.soort, r.zorgaanbieder_id): r for r in vergrendeld}

    def get(
        self, budgetpost_id: int, soort: str, zorgaanbieder_id: int | None = None
    ) -> Rekening | None:
        return self._index.get((budgetpost_id, soort, zorgaanbieder_id))

    def __call__(
        self, budgetpost_id: int, soort: str, zorgaanbieder_id: int | None = None
    ) -> Rekening:
        rekening = self.get(budgetpost_id, soort, zorgaanbieder_id)
        if rekening is None:  # created with the budgetpost or the reservation: a bug
            raise RuntimeError(f"rekening {soort} van budgetpost {budgetpost_id} ontbreekt")
        return rekening


def _vergrendel(q: Q) -> _Rekeningen:
    return _Rekeningen(lock_objects.rekeningen_vergrendelen(q))


def _jaar_id(gemeente_id: int, jaar: int) -> int:
    """The pk of a gemeente's budget year (made with its first budget post)."""
    begrotingsjaar, _ = Begrotingsjaar.objects.get_or_create(gemeente_id=gemeente_id, jaar=jaar)
    return begrotingsjaar.pk


def _jaar_delen(gemeente_id: int, jaar: int) -> bool:
    """Lock a gemeente's budget year shared and return whether it is closed
    (:func:`financien.lock_objects.begrotingsjaar_delen`): one query when the year exists,
    else it is made first."""
    afgesloten = lock_objects.begrotingsjaar_delen(gemeente_id, jaar)
    if afgesloten is None:
        _jaar_id(gemeente_id, jaar)  # made with the first booking of the year
        afgesloten = lock_objects.begrotingsjaar_delen(gemeente_id, jaar)
    if afgesloten is None:  # removed in between: nothing books on a year that is gone
        raise Begrotingsjaar.DoesNotExist
    return afgesloten


def _jaar_afgesloten_fout(jaar: int) -> DomeinFout:
    return DomeinFout(
        f"Het begrotingsjaar {jaar} is afgesloten: er kan niet meer op worden gereserveerd "
        "of begroot.",
        code="jaar_afgesloten",
    )

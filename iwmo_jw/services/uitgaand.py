"""The outbox: storing outbound messages (validated, linked to what they answer, closing the
deadline they meet) and exporting them as files, bare or in the StUF-GGk envelope."""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from iwmo_jw.codec import CodecFout, valideer
from iwmo_jw.constants import (
    ANTWOORDEN_OP,
    GGK_APPLICATIE,
    GGK_ONTVANGER,
    STATUSSEN_MET_IDENTITEIT,
    UITKOMST_GEMEENTE_NIET_AANGESLOTEN,
    UITKOMST_NIET_UNIEK,
    BerichtStatus,
    UitgaandStatus,
)
from iwmo_jw.invoer import max_grootte
from iwmo_jw.models import InkomendBericht, Termijn, UitgaandBericht
from iwmo_jw.partijen import heen_type, is_inkomend, partijen
from iwmo_jw.services._basis import (
    eis_berichtrol,
    gemeente_met_code,
    meldingen_als_json,
    samenvatting,
    uitgaand_aangemaakt,
    uitgaand_status,
)
from iwmo_jw.termijnen import termijnsoorten_van_antwoord
from kern.audit import audits_vastleggen, momentopname
from kern.constants import AuditActie
from kern.exceptions import Conflict, DomeinFout
from kern.models import Gebruiker, Gemeente
from kern.toegang import eis_gemeenten_in_scope
from kern.vaste_query import VasteQuery

logger = logging.getLogger(__name__)


#: Snapshot fields of an outbound message for the audit log (no raw bytes).
_UITGAAND_AUDIT_VELDEN = [
    "uuid",
    "standaard",
    "berichttype",
    "afzender",
    "ontvanger",
    "identificatie",
    "identificatie_heen",
    "gemeente",
    "agb_code",
    "sha256",
    "grootte",
    "status",
    "antwoord_op",
]


# --- Outbound --------------------------------------------------------------------------------


def _eis_antwoord_past(
    antwoord_op: InkomendBericht, uit: UitgaandBericht, identificatie_heen: str
) -> None:
    naam = uit.berichtnaam
    if antwoord_op.status not in STATUSSEN_MET_IDENTITEIT:
        raise DomeinFout(
            f"Een {BerichtStatus(antwoord_op.status).label.lower()} bericht wordt niet "
            f"beantwoord met een {naam}.",
            code="antwoord_past_niet",
        )
    if (
        uit.berichttype not in ANTWOORDEN_OP.get(antwoord_op.berichttype, frozenset())
        or uit.standaard != antwoord_op.standaard
    ):
        raise DomeinFout(
            f"Een {naam} is geen antwoord op een {antwoord_op.berichtnaam}.",
            code="antwoord_past_niet",
        )
    if uit.gemeente_id != antwoord_op.gemeente_id or uit.agb_code != antwoord_op.agb_code:
        raise DomeinFout(
            f"De {naam} gaat tussen andere partijen dan de {antwoord_op.berichtnaam} die het "
            "zou beantwoorden.",
            code="antwoord_past_niet",
        )
    if identificatie_heen and identificatie_heen != antwoord_op.identificatie:
        raise DomeinFout(
            f"De header van de {naam} hoort bij bericht {identificatie_heen}, niet bij "
            f"{antwoord_op.identificatie}.",
            code="antwoord_past_niet",
        )


#: An outbound message with this identity (built once per process: kern.vaste_query).
_UITGAAND_MET_IDENTITEIT = VasteQuery(
    lambda afzender, berichtcode, identificatie: (
        UitgaandBericht.objects.defer("inhoud")
        .filter(afzender=afzender, berichtcode=berichtcode, identificatie=identificatie)
        .order_by("pk")[:1]
    )
)


@transaction.atomic
def bericht_uitgaand_vastleggen(
    *,
    data: bytes,
    antwoord_op: InkomendBericht | None = None,
    door: Gebruiker | None = None,
    gemeente: Gemeente | None = None,
) -> UitgaandBericht:
    """Store an outbound message in the outbox (status ``aangemaakt``), linked to the
    inbound message it answers; closes the deadline it meets. ``gemeente``: the sending
    gemeente as the caller read it in this transaction, if it did (saves looking it up by
    the code in the header; another gemeente is looked up).

    The bytes must pass levels 1 and 2; invalid outbound messages are refused. A retour
    (306, 308, 316, 318) without ``antwoord_op`` is linked to the message its header names.
    The same bytes again return the stored message; other bytes under the same identity are
    refused (``identificatie_niet_uniek``)."""
    eis_berichtrol(door)
    uit = _uitgaand_opbouwen(
        Uitgaand(data=data, antwoord_op=antwoord_op, gemeente=gemeente), door=door
    )
    # No look-up of the identity first: a new message (the usual case: the services make a
    # fresh BerichtIdentificatie) would pay a query for nothing. The unique constraint on
    # the identity stops a second row; the insert below then finds the first.
    try:
        with transaction.atomic():
            uit.save()
    except IntegrityError:
        bestaand = _UITGAAND_MET_IDENTITEIT.eerste(
            afzender=uit.afzender, berichtcode=uit.berichtcode, identificatie=uit.identificatie
        )
        if bestaand is None:
            raise
        return _zelfde_of_conflict(bestaand, uit.sha256)
    _na_opslaan([uit], door=door)
    return uit


@dataclass(frozen=True, slots=True)
class Uitgaand:
    """One outbound message for :func:`berichten_uitgaand_vastleggen`: the arguments of
    :func:`bericht_uitgaand_vastleggen` that belong to one message."""

    data: bytes
    antwoord_op: InkomendBericht | None = None
    gemeente: Gemeente | None = None


@transaction.atomic
def berichten_uitgaand_vastleggen(
    *, berichten: Sequence[Uitgaand], door: Gebruiker | None = None
) -> list[UitgaandBericht]:
    """Store new outbound messages as :func:`bericht_uitgaand_vastleggen` would one by one,
    in a fixed number of queries whatever their number (for a service that answers many
    messages at once). Each is checked the same way; unlike the single call, an identity
    stored before is not answered with the stored message: the unique constraint refuses the
    whole call (``IntegrityError``), so a caller that retries one by one gets the single
    call's answer."""
    eis_berichtrol(door)
    uit = [_uitgaand_opbouwen(b, door=door) for b in berichten]
    if uit:
        UitgaandBericht.objects.bulk_create(uit)
        _na_opslaan(uit, door=door)
    return uit


def _uitgaand_opbouwen(bericht: Uitgaand, *, door: Gebruiker | None) -> UitgaandBericht:
    """The checked, unsaved row of an outbound message, linked to what it answers."""
    data = bytes(bericht.data)
    antwoord_op = bericht.antwoord_op
    resultaat = valideer(data, max_grootte=max_grootte())
    kop = resultaat.kop  # read from the same parse; a valid message always has one
    if not resultaat.geldig or kop is None:
        raise DomeinFout(
            "Het uitgaande bericht is ongeldig en is niet opgeslagen: "
            + samenvatting(resultaat.fouten),
            code="uitgaand_bericht_ongeldig",
            details={"fouten": meldingen_als_json(resultaat.fouten)},
        )
    if is_inkomend(kop.soort):
        raise DomeinFout(
            f"Een {kop.soort.naam} verstuurt de gemeente niet; het is een bericht van de "
            "zorgaanbieder.",
            code="richting_onjuist",
        )
    p = partijen(kop)
    gemeente = _gemeente(p.gemeentecode, bericht.gemeente)
    if gemeente is None or not gemeente.aangesloten:
        raise DomeinFout(
            f"Gemeente {p.gemeentecode} wordt door deze installatie niet bediend.",
            code=UITKOMST_GEMEENTE_NIET_AANGESLOTEN,
        )
    if door is not None:
        eis_gemeenten_in_scope(door, [gemeente])
    uit = UitgaandBericht(
        inhoud=data,
        sha256=hashlib.sha256(data).hexdigest(),
        grootte=len(data),
        standaard=kop.soort.standaard.value,
        berichtcode=kop.soort.berichtcode,
        berichttype=kop.soort.berichttype,
        afzender=p.afzender,
        ontvanger=p.ontvanger,
        identificatie=p.identificatie,
        identificatie_heen=p.identificatie_heen,
        dagtekening=kop.dagtekening,
        gemeentecode=p.gemeentecode,
        gemeente=gemeente,
        agb_code=p.agb_code,
        aangemaakt_door=door if door is not None and door.pk else None,
    )
    if antwoord_op is None and kop.soort.is_retour:
        antwoord_op = (
            InkomendBericht.objects.defer("inhoud")
            .filter(
                standaard=uit.standaard,
                berichttype=heen_type(kop.soort),
                afzender=p.ontvanger,
                identificatie=p.identificatie_heen,
                status__in=STATUSSEN_MET_IDENTITEIT,
            )
            .first()
        )
    if antwoord_op is not None:
        _eis_antwoord_past(antwoord_op, uit, p.identificatie_heen)
        uit.antwoord_op = antwoord_op
    return uit


def _na_opslaan(berichten: Sequence[UitgaandBericht], *, door: Gebruiker | None) -> None:
    """After new outbound messages are stored: their status and history, the deadlines they
    meet closed, their audit records; a fixed number of queries whatever their number."""
    uitgaand_aangemaakt(berichten, door=door)
    # Per kind of answer, the deadlines it closes: one update for all messages of that kind.
    per_soort: dict[frozenset[str], list[UitgaandBericht]] = {}
    for uit in berichten:
        if uit.antwoord_op is not None:
            gesloten = termijnsoorten_van_antwoord(uit.antwoord_op.berichttype, uit.berichttype)
            if gesloten:
                per_soort.setdefault(frozenset(gesloten), []).append(uit)
    nu = timezone.now()
    for soorten, groep in per_soort.items():
        _termijnen_sluiten(groep, soorten, nu)
    audits_vastleggen(
        gebruiker=door,
        actie=AuditActie.AANGEMAAKT,
        objecten=[(uit, momentopname(uit, velden=_UITGAAND_AUDIT_VELDEN)) for uit in berichten],
    )
    for uit in berichten:
        logger.info("Uitgaand bericht %s (%s) vastgelegd.", uit.uuid, uit.berichtnaam)


def _termijnen_sluiten(
    berichten: Sequence[UitgaandBericht], soorten: frozenset[str], nu: datetime
) -> None:
    """Close the open deadlines of ``soorten`` of the messages these answer, each by its own
    answer: on PostgreSQL in one statement, elsewhere one per answer."""
    if len(berichten) == 1 or connection.vendor != "postgresql":
        for uit in berichten:
            Termijn.objects.filter(
                bericht_id=uit.antwoord_op_id, soort__in=soorten, gesloten_op__isnull=True
            ).update(gesloten_op=nu, gesloten_door=uit)
        return
    tabel = connection.ops.quote_name(Termijn._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {tabel} AS t SET gesloten_op = %s, gesloten_door_id = v.uit "
            "FROM unnest(%s::bigint[], %s::bigint[]) AS v(bericht, uit) "
            "WHERE t.bericht_id = v.bericht AND t.soort = ANY(%s) AND t.gesloten_op IS NULL",
            [
                nu,
                [uit.antwoord_op_id for uit in berichten],
                [uit.pk for uit in berichten],
                sorted(soorten),
            ],
        )


def _gemeente(code: str, gelezen: Gemeente | None) -> Gemeente | None:
    """The gemeente with CBS ``code``: ``gelezen`` when that is it, else looked up."""
    if gelezen is not None and gelezen.code == code:
        return gelezen
    return gemeente_met_code(code)


def _zelfde_of_conflict(bestaand: UitgaandBericht, sha256: str) -> UitgaandBericht:
    if bestaand.sha256 == sha256:
        return bestaand
    raise Conflict(
        f"Identificatie {bestaand.identificatie} is al gebruikt voor een ander "
        f"{bestaand.berichtnaam} van afzender {bestaand.afzender} (TR056).",
        code=UITKOMST_NIET_UNIEK,
    )


@transaction.atomic
def bericht_uitgaand_verzonden(
    *, bericht: UitgaandBericht, door: Gebruiker | None = None, toelichting: str = ""
) -> UitgaandBericht:
    """Record that an outbound message was handed to the transport."""
    eis_berichtrol(door)
    bericht = UitgaandBericht.objects.select_for_update().defer("inhoud").get(pk=bericht.pk)
    uitgaand_status(bericht, UitgaandStatus.VERZONDEN, toelichting=toelichting, door=door)
    bericht.verzonden_op = timezone.now()
    bericht.save(update_fields=["status", "verzonden_op"])
    return bericht


# --- Export ----------------------------------------------------------------------------------

_ONVEILIG = re.compile(r"[^A-Za-z0-9._-]")


@dataclass(frozen=True, slots=True)
class Export:
    bericht: UitgaandBericht
    pad: Path


def exportbestandsnaam(bericht: UitgaandBericht, *, envelop: bool = False) -> str:
    """``JW325_0384_65656055_654321987.xml`` (``-ggk`` before ``.xml`` in an envelope)."""
    delen = [bericht.berichtnaam, bericht.afzender, bericht.ontvanger, bericht.identificatie]
    stam = _ONVEILIG.sub("_", "_".join(d for d in delen if d))
    return f"{stam}{'-ggk' if envelop else ''}.xml"


def _schrijf_atomair(pad: Path, inhoud: bytes) -> None:
    """Write to a temporary file in the same folder, then rename: a reader never sees half
    a message, and a second export of the same message simply replaces the file."""
    fd, tijdelijk = tempfile.mkstemp(dir=pad.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as bestand:
            bestand.write(inhoud)
            bestand.flush()
            os.fsync(bestand.fileno())
        os.replace(tijdelijk, pad)
    except BaseException:
        Path(tijdelijk).unlink(missing_ok=True)
        raise


Inpakker = Callable[[UitgaandBericht], bytes]


def _envelop_inpakker() -> Inpakker:
    """A function that wraps an outbound message in the StUF-GGk envelope (Di01), using
    :func:`iwmo_jw.codec.envelop.inpakken`.

    Zender: the gemeente and this application; ontvanger: the aanbieder's AGB code via the
    GGk; referentienummer: the message's uuid; referentienummerBericht: its identificatie.
    Retour messages are wrapped as Di01 too: a Du01 needs the referentienummer of the
    envelope the answered message came in, which intake does not keep yet."""
    from iwmo_jw.codec.envelop import Systeem, inpakken

    def in_envelop(bericht: UitgaandBericht) -> bytes:
        try:
            return inpakken(
                bericht.inhoud_bytes(),
                zender=Systeem(organisatie=bericht.afzender, applicatie=GGK_APPLICATIE),
                ontvanger=Systeem(organisatie=bericht.ontvanger, applicatie=GGK_ONTVANGER),
                referentienummer=str(bericht.uuid),
                tijdstip=timezone.localtime(),
                functie=bericht.berichtnaam,
                referentienummer_bericht=bericht.identificatie,
                bestandsnaam=exportbestandsnaam(bericht),
            )
        except CodecFout as fout:
            raise DomeinFout(
                f"{bericht.berichtnaam} {bericht.identificatie} kan niet in de envelop: "
                f"{fout.melding}",
                code=fout.code,
            ) from None

    return in_envelop


def uitgaande_berichten_exporteren(
    *, map: Path, envelop: bool = False, door: Gebruiker | None = None
) -> list[Export]:
    """Write every outbound message with status ``aangemaakt`` to ``map`` (one file each,
    oldest first) and mark it ``geexporteerd``. Each message is its own transaction; a
    message exported concurrently by another run is skipped."""
    eis_berichtrol(door)
    inpakken = _envelop_inpakker() if envelop else None
    map.mkdir(parents=True, exist_ok=True)
    ids = list(
        UitgaandBericht.objects.filter(status=UitgaandStatus.AANGEMAAKT)
        .order_by("aangemaakt_op", "pk")
        .values_list("pk", flat=True)
    )
    exports: list[Export] = []
    for pk in ids:
        with transaction.atomic():
            bericht = UitgaandBericht.objects.select_for_update().get(pk=pk)
            if bericht.status != UitgaandStatus.AANGEMAAKT:
                continue
            inhoud = inpakken(bericht) if inpakken is not None else bericht.inhoud_bytes()
            pad = map / exportbestandsnaam(bericht, envelop=inpakken is not None)
            _schrijf_atomair(pad, inhoud)
            bericht.geexporteerd_op = timezone.now()
            bericht.exportbestand = str(pad)[:500]
            uitgaand_status(bericht, UitgaandStatus.GEEXPORTEERD, toelichting=str(pad), door=door)
            bericht.save(update_fields=["status", "geexporteerd_op", "exportbestand"])
        exports.append(Export(bericht, pad))
    return exports

"""The outbox: storing outbound messages (validated, linked to what they answer, closing the
deadline they meet) and exporting them as files, bare or in the StUF-GGk envelope."""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.db import IntegrityError, transaction
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
    uitgaand_status,
)
from iwmo_jw.termijnen import termijnsoorten_van_antwoord
from kern.audit import audit_vastleggen, momentopname
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
    data = bytes(data)
    grens = max_grootte()
    resultaat = valideer(data, max_grootte=grens)
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
    gemeente = _gemeente(p.gemeentecode, gemeente)
    if gemeente is None or not gemeente.aangesloten:
        raise DomeinFout(
            f"Gemeente {p.gemeentecode} wordt door deze installatie niet bediend.",
            code=UITKOMST_GEMEENTE_NIET_AANGESLOTEN,
        )
    if door is not None:
        eis_gemeenten_in_scope(door, [gemeente])
    sha256 = hashlib.sha256(data).hexdigest()
    identiteit = {
        "afzender": p.afzender,
        "berichtcode": kop.soort.berichtcode,
        "identificatie": p.identificatie,
    }
    # No look-up of the identity first: a new message (the usual case: the services make a
    # fresh BerichtIdentificatie) would pay a query for nothing. The unique constraint on
    # the identity stops a second row; the insert below then finds the first.
    uit = UitgaandBericht(
        inhoud=data,
        sha256=sha256,
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
    try:
        with transaction.atomic():
            uit.save()
    except IntegrityError:
        bestaand = _UITGAAND_MET_IDENTITEIT.eerste(**identiteit)
        if bestaand is None:
            raise
        return _zelfde_of_conflict(bestaand, sha256)
    uitgaand_status(uit, UitgaandStatus.AANGEMAAKT, nieuw=True, door=door)
    if antwoord_op is not None:
        termijnsoorten = termijnsoorten_van_antwoord(antwoord_op.berichttype, uit.berichttype)
        if termijnsoorten:
            Termijn.objects.filter(
                bericht=antwoord_op, soort__in=termijnsoorten, gesloten_op__isnull=True
            ).update(gesloten_op=timezone.now(), gesloten_door=uit)
    audit_vastleggen(
        gebruiker=door,
        actie=AuditActie.AANGEMAAKT,
        obj=uit,
        na=momentopname(uit, velden=_UITGAAND_AUDIT_VELDEN),
    )
    logger.info("Uitgaand bericht %s (%s) vastgelegd.", uit.uuid, uit.berichtnaam)
    return uit


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

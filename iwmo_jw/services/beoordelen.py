"""Steps 1 and 2 of receiving: store the raw bytes in a transaction of their own, then check
the message (outside any transaction) and record its outcome (refused, duplicate, or
accepted with its deadlines) in the transaction in which step 3 hands it to its handler
(:mod:`iwmo_jw.services.ontvangen`)."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from iwmo_jw.codec import Kop, Melding, Validatieresultaat, valideer
from iwmo_jw.constants import (
    INKOMENDE_BERICHTTYPEN,
    RETOURCODE_NIET_UNIEK,
    RETOURCODE_NIVEAU_2,
    STATUSSEN_MET_IDENTITEIT,
    UITKOMST_DUBBEL,
    UITKOMST_GELDIG,
    UITKOMST_GEMEENTE_NIET_AANGESLOTEN,
    UITKOMST_GEMEENTE_ONBEKEND,
    UITKOMST_NIET_UNIEK,
    UITKOMST_NIVEAU_2,
    UITKOMST_RICHTING,
    BerichtStatus,
)
from iwmo_jw.invoer import Invoer
from iwmo_jw.models import (
    InkomendBericht,
    InkomendBerichtStatusWijziging,
    Termijn,
    UitgaandBericht,
)
from iwmo_jw.partijen import RETOUR_OP, is_inkomend, partijen
from iwmo_jw.services._basis import (
    gemeente_met_code,
    inkomend_ontvangen,
    inkomend_status,
    inkomend_statuswijziging,
    inkomend_vergrendelen,
    inkomende_vergrendelen,
    kort,
    meldingen_als_json,
    samenvatting,
)
from iwmo_jw.termijnen import termijnen_voor
from kern.bijwerken import per_pk_bijwerken
from kern.models import Gemeente
from kern.vaste_query import VasteQuery

logger = logging.getLogger(__name__)


#: Fields written when a message is checked (never ``inhoud``: the raw bytes are final).
_BEOORDELING_VELDEN = [
    "standaard",
    "berichtcode",
    "berichttype",
    "afzender",
    "ontvanger",
    "identificatie",
    "identificatie_heen",
    "dagtekening",
    "gemeentecode",
    "gemeente",
    "agb_code",
    "status",
    "uitkomst_code",
    "uitkomst_melding",
    "retourcode",
    "geldig",
    "niveau",
    "bevindingen",
    "origineel",
    "antwoord_op",
    "beoordeeld_op",
]


@dataclass(slots=True)
class _Uitkomst:
    status: str
    code: str
    melding: str
    bevindingen: list[Melding] = field(default_factory=list)
    geldig: bool | None = None
    niveau: int | None = None
    retourcode: str = ""
    origineel: InkomendBericht | None = None


def _weigering(code: str, meldingen: list[Melding], *, niveau: int | None = 1) -> _Uitkomst:
    return _Uitkomst(
        status=BerichtStatus.GEWEIGERD,
        code=code,
        melding=samenvatting(meldingen),
        bevindingen=meldingen,
        geldig=False,
        niveau=niveau,
    )


def _ruw_bericht(
    invoer: Invoer, *, bestandsnaam: str, kanaal: str, ontvangen_op: datetime | None
) -> InkomendBericht:
    """The raw row of a new message, not yet stored."""
    return InkomendBericht(
        inhoud=invoer.bewaard,
        inhoud_volledig=not invoer.te_groot,
        sha256=invoer.sha256,
        grootte=invoer.grootte,
        bestandsnaam=kort(os.path.basename(bestandsnaam), 255),
        kanaal=kanaal,
        ontvangen_op=ontvangen_op or timezone.now(),
        status=BerichtStatus.ONTVANGEN,
    )


@transaction.atomic
def _ruwe_berichten_vastleggen(berichten: list[InkomendBericht]) -> None:
    """Store the raw rows of new messages (:func:`_ruw_bericht`) with their first history
    row, in one transaction of their own and two inserts whatever their number."""
    InkomendBericht.objects.bulk_create(berichten)
    inkomend_ontvangen(berichten, toelichting="Ruw bericht opgeslagen.")


def _ruw_vastleggen(
    invoer: Invoer, *, bestandsnaam: str, kanaal: str, ontvangen_op: datetime | None
) -> InkomendBericht:
    """Store one new message's raw row (a transaction of its own)."""
    bericht = _ruw_bericht(
        invoer, bestandsnaam=bestandsnaam, kanaal=kanaal, ontvangen_op=ontvangen_op
    )
    _ruwe_berichten_vastleggen([bericht])
    return bericht


def _valideren(invoer: Invoer) -> Validatieresultaat | None:
    """Levels 1 and 2 and the header, from one parse (none for an input over the size
    limit). Outside any transaction: no row is locked while a large message is read."""
    return valideer(invoer.data, max_grootte=invoer.grens) if invoer.data is not None else None


def _beoordelen(pk: int, invoer: Invoer, resultaat: Validatieresultaat | None) -> InkomendBericht:
    """Record the outcome of the check (``resultaat``, from :func:`_valideren`) on the stored
    message ``pk``, locked. Runs in the caller's transaction."""
    kop = resultaat.kop if resultaat is not None else None
    bericht = inkomend_vergrendelen(pk)
    if bericht.status != BerichtStatus.ONTVANGEN:
        return bericht  # checked meanwhile by a concurrent arrival
    if kop is not None:
        _kop_overnemen(bericht, kop)
    uitkomst = _uitkomst_bepalen(bericht, invoer, resultaat, kop)
    if uitkomst.status == BerichtStatus.WACHT_OP_VERWERKING:
        try:
            with transaction.atomic():
                _uitkomst_vastleggen(bericht, uitkomst)
                _na_aanvaarding(bericht, uitkomst)
        except IntegrityError:
            # A concurrent message with the same identity won the race: re-read it.
            bericht.status = BerichtStatus.ONTVANGEN
            bericht.antwoord_op = None
            uitkomst = _uitkomst_bepalen(bericht, invoer, resultaat, kop)
            if uitkomst.status == BerichtStatus.WACHT_OP_VERWERKING:
                raise  # not a duplicate after all: a real integrity problem
            _uitkomst_vastleggen(bericht, uitkomst)
    else:
        _uitkomst_vastleggen(bericht, uitkomst)
    _beoordeeld_loggen(bericht)
    return bericht


def _beoordeeld_loggen(bericht: InkomendBericht) -> None:
    """The outcome of a check, by the message's uuid and type (never its content)."""
    logger.info(
        "Inkomend bericht %s (%s) beoordeeld: %s",
        bericht.uuid,
        bericht.berichtnaam or "onbekend",
        bericht.uitkomst_code,
    )


def _kop_overnemen(bericht: InkomendBericht, kop: Kop) -> None:
    p = partijen(kop)
    bericht.standaard = kop.soort.standaard.value
    bericht.berichttype = kop.soort.berichttype
    bericht.afzender, bericht.berichtcode, bericht.identificatie = _identiteit(kop)
    bericht.ontvanger = kort(p.ontvanger, 20)
    bericht.identificatie_heen = kort(p.identificatie_heen, 40)
    bericht.dagtekening = kop.dagtekening
    bericht.gemeentecode = kort(p.gemeentecode, 20)
    bericht.agb_code = kort(p.agb_code, 20)


#: The earlier messages under any of some identities (TR056), in one query (the triples are
#: picked out in Python); built once per process.
_ORIGINELEN = VasteQuery(
    lambda afzenders, berichtcodes, identificaties: (
        InkomendBericht.objects.defer("inhoud")
        .filter(
            afzender__any=afzenders,
            berichtcode__any=berichtcodes,
            identificatie__any=identificaties,
            status__in=STATUSSEN_MET_IDENTITEIT,
        )
        .order_by("pk")
    )
)

_Identiteit = tuple[str, int | None, str]


def _identiteit(kop: Kop) -> _Identiteit:
    """A message's identity (afzender, berichtcode, identificatie: TR056) as it is stored."""
    p = partijen(kop)
    return kort(p.afzender, 20), kop.soort.berichtcode, kort(p.identificatie, 40)


def _originelen_laden(
    identiteiten: set[_Identiteit],
) -> dict[_Identiteit, list[InkomendBericht]]:
    """Per identity, the messages stored under it that hold it (in pk order)."""
    originelen: dict[_Identiteit, list[InkomendBericht]] = {}
    if not identiteiten:
        return originelen
    for rij in _ORIGINELEN(
        afzenders=sorted({a for a, _, _ in identiteiten}),
        berichtcodes=sorted({c for _, c, _ in identiteiten if c is not None}),
        identificaties=sorted({i for _, _, i in identiteiten}),
    ):
        identiteit = (rij.afzender, rij.berichtcode, rij.identificatie)
        if identiteit in identiteiten:
            originelen.setdefault(identiteit, []).append(rij)
    return originelen


def _origineel(
    bericht: InkomendBericht, originelen: Mapping[_Identiteit, list[InkomendBericht]] | None
) -> InkomendBericht | None:
    """The first other message under ``bericht``'s identity: from ``originelen`` when the
    batch loaded them, else asked for."""
    identiteit = (bericht.afzender, bericht.berichtcode, bericht.identificatie)
    if originelen is None:
        originelen = _originelen_laden({identiteit})
    return next((r for r in originelen.get(identiteit, ()) if r.pk != bericht.pk), None)


def _uitkomst_bepalen(
    bericht: InkomendBericht,
    invoer: Invoer,
    resultaat: Validatieresultaat | None,
    kop: Kop | None,
    gemeenten: dict[str, Gemeente | None] | None = None,
    originelen: Mapping[_Identiteit, list[InkomendBericht]] | None = None,
) -> _Uitkomst:
    """The outcome of a message's check. ``gemeenten``: gemeenten looked up before in this
    transaction, by code (filled as they are looked up); ``originelen``: the earlier messages
    per identity, when a batch loaded them together (:meth:`Partijbeoordeling.
    identiteiten_laden`)."""
    if invoer.te_groot:
        return _weigering("te_groot", [invoer.te_groot_melding()])
    if resultaat is None or kop is None:
        fouten = list(resultaat.fouten) if resultaat is not None else []
        if not fouten:
            fouten = [Melding("XML", "xml_onleesbaar", "Het bericht is niet te lezen.")]
        return _weigering(fouten[0].code, fouten)
    if not is_inkomend(kop.soort):
        typen = ", ".join(sorted(INKOMENDE_BERICHTTYPEN))
        return _weigering(
            UITKOMST_RICHTING,
            [
                Melding(
                    "RICHTING",
                    UITKOMST_RICHTING,
                    f"Een {kop.soort.naam} wordt door de gemeente verstuurd, niet ontvangen; "
                    f"deze installatie ontvangt berichten {typen}.",
                )
            ],
        )
    if gemeenten is None:
        gemeente = gemeente_met_code(bericht.gemeentecode)
    else:
        if bericht.gemeentecode not in gemeenten:
            gemeenten[bericht.gemeentecode] = gemeente_met_code(bericht.gemeentecode)
        gemeente = gemeenten[bericht.gemeentecode]
    bericht.gemeente = gemeente
    if gemeente is None:
        return _weigering(
            UITKOMST_GEMEENTE_ONBEKEND,
            [
                Melding(
                    "GEMEENTE",
                    UITKOMST_GEMEENTE_ONBEKEND,
                    f"Gemeentecode '{bericht.gemeentecode}' is onbekend; het bericht is niet "
                    "verwerkt.",
                )
            ],
        )
    if not gemeente.aangesloten:
        return _weigering(
            UITKOMST_GEMEENTE_NIET_AANGESLOTEN,
            [
                Melding(
                    "GEMEENTE",
                    UITKOMST_GEMEENTE_NIET_AANGESLOTEN,
                    f"Gemeente {gemeente.naam} ({gemeente.code}) wordt door deze installatie "
                    "niet bediend; het bericht is niet verwerkt.",
                )
            ],
        )
    if resultaat.niveau == 1:
        return _weigering(resultaat.fouten[0].code, list(resultaat.fouten))
    origineel = _origineel(bericht, originelen)
    if origineel is not None:
        if origineel.sha256 == bericht.sha256 and origineel.grootte == bericht.grootte:
            melding = Melding(
                "DUBBEL",
                UITKOMST_DUBBEL,
                "Dit bericht is gelijktijdig al eens ontvangen; de uitkomst is die van het "
                "eerdere bericht.",
            )
            return _Uitkomst(
                status=BerichtStatus.DUBBEL,
                code=UITKOMST_DUBBEL,
                melding=melding.melding,
                bevindingen=[melding],
                geldig=origineel.geldig,
                niveau=origineel.niveau,
                origineel=origineel,
            )
        melding = Melding(
            "TR056",
            RETOURCODE_NIET_UNIEK,
            f"Identificatie {bericht.identificatie} van afzender {bericht.afzender} is al "
            f"gebruikt voor een {origineel.berichtnaam} dat op "
            f"{timezone.localtime(origineel.ontvangen_op):%d-%m-%Y %H:%M} is ontvangen; een "
            "bericht met dezelfde identificatie en een andere inhoud wordt geweigerd.",
            element="Identificatie",
        )
        return _Uitkomst(
            status=BerichtStatus.GEWEIGERD,
            code=UITKOMST_NIET_UNIEK,
            melding=melding.melding,
            bevindingen=[melding],
            geldig=False,
            niveau=None,
            retourcode=RETOURCODE_NIET_UNIEK,
            origineel=origineel,
        )
    if resultaat.niveau == 2:
        return _Uitkomst(
            status=BerichtStatus.WACHT_OP_VERWERKING,
            code=UITKOMST_NIVEAU_2,
            melding="Afgekeurd op niveau 2 (retourcode 0001): " + samenvatting(resultaat.fouten),
            bevindingen=list(resultaat.fouten),
            geldig=False,
            niveau=2,
            retourcode=RETOURCODE_NIVEAU_2,
        )
    return _Uitkomst(
        status=BerichtStatus.WACHT_OP_VERWERKING,
        code=UITKOMST_GELDIG,
        melding="Het bericht is geldig (controleniveau 1 en 2).",
        geldig=True,
    )


def _uitkomst_toepassen(bericht: InkomendBericht, uitkomst: _Uitkomst) -> None:
    """The outcome's fields on the message, in memory (the status: the caller)."""
    bericht.uitkomst_code = uitkomst.code
    bericht.uitkomst_melding = uitkomst.melding
    bericht.bevindingen = meldingen_als_json(uitkomst.bevindingen)
    bericht.geldig = uitkomst.geldig
    bericht.niveau = uitkomst.niveau
    bericht.retourcode = uitkomst.retourcode
    bericht.origineel = uitkomst.origineel
    bericht.beoordeeld_op = timezone.now()


def _uitkomst_vastleggen(bericht: InkomendBericht, uitkomst: _Uitkomst) -> None:
    _uitkomst_toepassen(bericht, uitkomst)
    inkomend_status(bericht, uitkomst.status, toelichting=uitkomst.code)
    bericht.save(update_fields=_BEOORDELING_VELDEN)


def _na_aanvaarding(bericht: InkomendBericht, uitkomst: _Uitkomst) -> None:
    """Deadlines of an accepted message; an inbound retour is linked to what it answers."""
    termijnen = _termijnen(bericht, uitkomst)
    if termijnen:
        Termijn.objects.bulk_create(termijnen)
    if _heen_koppelen(bericht):
        bericht.save(update_fields=["antwoord_op"])


def _termijnen(bericht: InkomendBericht, uitkomst: _Uitkomst) -> list[Termijn]:
    """The deadlines of an accepted message, not saved."""
    return [
        Termijn(
            bericht=bericht,
            soort=d.soort,
            werkdagen=d.werkdagen,
            begindatum=d.begindatum,
            uiterste_datum=d.uiterste_datum,
        )
        for d in termijnen_voor(
            bericht.berichttype,
            timezone.localdate(bericht.ontvangen_op),
            alleen_eerste=uitkomst.niveau == 2,
        )
    ]


def _heen_koppelen(bericht: InkomendBericht) -> bool:
    """Link an inbound retour to the outbound message it answers (not saved); whether it
    found one."""
    if not bericht.identificatie_heen:
        return False
    heen = (
        UitgaandBericht.objects.defer("inhoud")
        .filter(
            standaard=bericht.standaard,
            berichttype=RETOUR_OP.get(bericht.berichttype, bericht.berichttype),
            afzender=bericht.ontvanger,
            identificatie=bericht.identificatie_heen,
        )
        .first()
    )
    if heen is None:
        return False
    bericht.antwoord_op = heen
    return True


class _DubbeleIdentiteit(Exception):
    """Two messages of one batch accepted under one identity: the batch is processed one by
    one instead, where the second is refused (TR056)."""


class Partijbeoordeling:
    """Step 2 for the messages of a batch processed in one transaction
    (:mod:`iwmo_jw.services.ontvangen`): they are locked in one query, each outcome is decided
    as its check comes (as :func:`_beoordelen` decides it; gemeenten looked up once per
    code) and applied in memory, and :meth:`vastleggen` writes all of them together (one
    update of the messages, one insert of history rows, one of deadlines). Two messages of
    the batch under one identity make it raise :class:`_DubbeleIdentiteit` (the batch is then
    processed one by one); a concurrent transaction that accepts the same identity makes
    :meth:`vastleggen` fail on the unique constraint, with the same result."""

    def __init__(self, pks: Sequence[int]) -> None:
        self._berichten = inkomende_vergrendelen(pks)
        self._gemeenten: dict[str, Gemeente | None] = {}
        self._identiteiten: set[tuple[str, int | None, str]] = set()
        self._beoordeeld: list[InkomendBericht] = []
        self._wijzigingen: list[InkomendBerichtStatusWijziging] = []
        self._termijnen: list[Termijn] = []
        self._originelen: dict[_Identiteit, list[InkomendBericht]] | None = None

    def identiteiten_laden(self, koppen: Iterable[Kop]) -> None:
        """Read the earlier messages under the identities of ``koppen`` (the batch's checked
        headers) in one query, which :meth:`beoordelen` then uses instead of a query per
        message (TR056). Read in the batch's transaction, before any of its outcomes: what
        each message's own query would have found."""
        self._originelen = _originelen_laden({_identiteit(kop) for kop in koppen})

    def beoordelen(
        self, pk: int, invoer: Invoer, resultaat: Validatieresultaat | None
    ) -> InkomendBericht:
        """Decide and apply the outcome of message ``pk`` (locked by the constructor)."""
        bericht = self._berichten[pk]
        if bericht.status != BerichtStatus.ONTVANGEN:
            return bericht  # checked meanwhile by a concurrent arrival
        kop = resultaat.kop if resultaat is not None else None
        if kop is not None:
            _kop_overnemen(bericht, kop)
        uitkomst = _uitkomst_bepalen(
            bericht, invoer, resultaat, kop, self._gemeenten, self._originelen
        )
        if uitkomst.status == BerichtStatus.WACHT_OP_VERWERKING:
            identiteit = (bericht.afzender, bericht.berichtcode, bericht.identificatie)
            if identiteit in self._identiteiten:
                raise _DubbeleIdentiteit
            self._identiteiten.add(identiteit)
            self._termijnen += _termijnen(bericht, uitkomst)
            _heen_koppelen(bericht)
        _uitkomst_toepassen(bericht, uitkomst)
        self._wijzigingen.append(
            inkomend_statuswijziging(bericht, uitkomst.status, toelichting=uitkomst.code)
        )
        self._beoordeeld.append(bericht)
        _beoordeeld_loggen(bericht)
        return bericht

    def vastleggen(self) -> None:
        """Write what :meth:`beoordelen` decided, in three statements."""
        if not self._beoordeeld:
            return
        per_pk_bijwerken(self._beoordeeld, _BEOORDELING_VELDEN)
        InkomendBerichtStatusWijziging.objects.bulk_create(self._wijzigingen)
        Termijn.objects.bulk_create(self._termijnen)
        self._beoordeeld, self._wijzigingen, self._termijnen = [], [], []

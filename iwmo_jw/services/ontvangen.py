"""Receiving an inbound message (:func:`bericht_ontvangen`) takes three steps:

1. the raw bytes are stored (sha256, size, time, file name, channel) in a transaction of
   their own, so they survive whatever happens next (identical bytes that were stored
   before are not stored again: the earlier outcome is returned);
2. the message is checked at levels 1 and 2 (:func:`iwmo_jw.codec.valideer`, outside any
   transaction) and its header read; the outcome is recorded: refused with findings, a
   duplicate, or accepted (status ``wacht_op_verwerking``, deadlines set);
3. an accepted message goes to the handler registered for its type
   (:mod:`iwmo_jw.routering`), in a savepoint; without one it waits for
   :func:`berichten_verwerken`.

Steps 2 and 3 share one transaction (one commit and one lock of the message instead of
two): a crash before its commit leaves the message ``ontvangen``, as after step 1, and
:func:`berichten_verwerken` checks and processes it again; a handler that fails is rolled
back to its savepoint and the message stays accepted with status ``verwerking_mislukt``.

A delivery of many messages (a folder, a retrieval) goes through :func:`berichten_ontvangen`,
which stores a batch's raw rows together first (while the checks run in a thread, one batch
ahead: the next batch is read, stored and checked while one is handled), and lets apps do
their after-commit work once per batch. When a handler has a batch
(:class:`iwmo_jw.routering.Partij`: declaraties for the 323), steps 2 and 3 of the whole batch
share one transaction: the outcomes are recorded together
(:class:`~iwmo_jw.services.beoordelen.Partijbeoordeling`) and each accepted message is offered
to its handler's batch, which stores what it took together at the end (one insert for 25
declarations instead of 25); what it did not take is handled one by one after the commit; when
anything in the batch raises, its transaction is rolled back and every message of it is
processed one by one as without batches (a crash leaves the batch ``ontvangen``, for
:func:`berichten_verwerken`). With ``tegelijk`` the messages are handled in several lanes at
the same time, each a thread with its own connection, a sender's messages always in the same
lane and in their order. :func:`bericht_ontvangen` is a batch of one (whose
check overlaps the storing of its raw row), processed on its own.

Call these services outside an outer transaction: inside one, step 1 cannot commit on its
own. Never log message content: log lines carry the message's uuid and type only.
"""

from __future__ import annotations

import logging
import threading
import zlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from django.db import connections, transaction
from django.db.models import Q
from django.utils import timezone

from iwmo_jw.codec import Validatieresultaat, valideer
from iwmo_jw.constants import BerichtStandaard, BerichtStatus, Kanaal
from iwmo_jw.invoer import Invoer, lees_begrensd, max_grootte
from iwmo_jw.models import InkomendBericht
from iwmo_jw.partijen import partijen
from iwmo_jw.routering import (
    Partij,
    Partijfabriek,
    geregistreerd,
    handler_voor,
    partij_voor,
    partijcontexten,
    partijen_geregistreerd,
)
from iwmo_jw.services._basis import inkomend_status, inkomend_vergrendelen, inkomend_verwerkt
from iwmo_jw.services.beoordelen import (
    Partijbeoordeling,
    _beoordelen,
    _ruw_bericht,
    _ruwe_berichten_vastleggen,
    _valideren,
)
from kern.exceptions import DomeinFout
from kern.models import Gebruiker
from kern.vaste_query import VasteQuery

logger = logging.getLogger(__name__)


#: A message still ``ontvangen`` this long after arrival was interrupted (a crash between
#: storing and checking); :func:`berichten_verwerken` then finishes it.
ONDERBROKEN_NA = timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class Ontvangst:
    """What :func:`bericht_ontvangen` did. ``nieuw`` is False when identical bytes had been
    received before: nothing was written and ``bericht`` is the earlier message."""

    bericht: InkomendBericht
    nieuw: bool


#: The messages stored before with any of these sha256s (built once per process:
#: kern.vaste_query); a duplicate is never the one to answer with.
_EERDERE = VasteQuery(
    lambda sha256s: (
        InkomendBericht.objects.defer("inhoud")
        .filter(sha256__any=sha256s)
        .exclude(status=BerichtStatus.DUBBEL)
        .order_by("pk")
    )
)


def bericht_ontvangen(
    *,
    data: bytes | BinaryIO | Path,
    bestandsnaam: str = "",
    kanaal: str = Kanaal.BESTAND,
    ontvangen_op: datetime | None = None,
) -> Ontvangst:
    """Store, check and route one inbound message (bytes, a binary stream or a file): a
    batch of one of :func:`berichten_ontvangen`.

    Never holds more than the size limit (setting ``IWMO_JW_MAX_BERICHT_GROOTTE``) in memory:
    of a larger input the first MiB is stored, with the size and sha256 of the whole.
    ``ontvangen_op`` is the moment of receipt when the channel knows it (default: now); the
    answer deadlines count from its date. Identical bytes received before are not stored
    again: the earlier message is returned (``nieuw`` False), finished first when its
    arrival was interrupted before its check."""
    aanlevering = Aanlevering(data=data, bestandsnaam=bestandsnaam, ontvangen_op=ontvangen_op)
    (uitkomst,) = berichten_ontvangen(berichten=[aanlevering], kanaal=kanaal)
    if isinstance(uitkomst, OSError):
        raise uitkomst
    return uitkomst


@dataclass(frozen=True, slots=True)
class Aanlevering:
    """One message for :func:`berichten_ontvangen`: its bytes, a binary stream or a file,
    with what :func:`bericht_ontvangen` takes besides."""

    data: bytes | BinaryIO | Path
    bestandsnaam: str = ""
    ontvangen_op: datetime | None = None


#: :func:`berichten_ontvangen` takes messages together up to this many ...
PARTIJ_BERICHTEN = 25
#: ... or this many bytes read (the batch's messages are in memory together).
PARTIJ_BYTES = 64 * 1024 * 1024


def berichten_ontvangen(
    *,
    berichten: Iterable[Aanlevering],
    kanaal: str = Kanaal.BESTAND,
    partij: int = PARTIJ_BERICHTEN,
    tegelijk: int = 1,
) -> Iterator[Ontvangst | OSError]:
    """Receive many messages, as one delivery (a folder, a mailbox retrieval): per message
    what :func:`bericht_ontvangen` would give, in order (an input that cannot be read gives
    its ``OSError``; the others go on). A generator: the work is done as it is consumed.

    Per batch of ``partij`` messages (or :data:`PARTIJ_BYTES`): the earlier arrivals of the
    same bytes are found in one query, and the new messages' raw rows stored in one
    transaction of their own, before any check's outcome is recorded (the checks run
    meanwhile, in a thread, one batch ahead); then, inside the batch contexts apps registered
    (:func:`iwmo_jw.routering.register_partijcontext`, so what an app does after each commit
    can be done once per batch), the messages are recorded and handled: in one transaction
    with the batches of their handlers when a handler has one (see the module docstring),
    else each in its own transaction, as by :func:`bericht_ontvangen`. The next batch is
    read, stored raw and checked while one is handled, so its checks run while this one
    writes. The same bytes twice in a batch are stored once; the second gets the first's
    outcome (``nieuw`` False).

    ``tegelijk`` > 1: the messages are handled in that many lanes at the same time, each a
    thread with a database connection of its own, so one lane's Python work runs while
    another waits for PostgreSQL. ``partij`` times ``tegelijk`` messages are read together and
    each lane takes its part of them as its batch. A message's lane is fixed by its sender
    (the header's Afzender: every message of a provider in one lane), and a lane handles its
    parts in the delivery's order, so a provider's messages are handled in the order
    they came, as with one lane; results still come in order. Lanes take the rows they
    share (a gemeente's accounts) in the same order. Inside a transaction (a caller whose
    own transaction must see the rows, such as a test) there is one lane: the others'
    connections could not see what it has not committed.

    When a message's check or handling raises (not a handler's failure, which is recorded),
    the exception ends the call; the messages stored and not yet handled (that message, the
    rest of its batch, the batches read after it) stay ``ontvangen``, and delivering them
    again, or :func:`berichten_verwerken` after :data:`ONDERBROKEN_NA`, finishes them."""
    if kanaal not in Kanaal.values:
        raise DomeinFout(f"Onbekend kanaal {kanaal!r}.", code="kanaal_onbekend")
    grens = max_grootte()
    tegelijk = 1 if transaction.get_connection().in_atomic_block else max(tegelijk, 1)
    # Read together: a batch per lane (each lane gets about ``partij`` of them).
    per_lezing = max(partij, 1) * tegelijk
    controles = _Controles(voorsprong=per_lezing)
    # Batches read, stored raw and checked, waiting for (or, with ``tegelijk`` > 1, in) their
    # handling; the next batch is read while one is handled.
    wachtend: deque[Callable[[], list[Ontvangst | OSError]]] = deque()
    banen = [ThreadPoolExecutor(1, f"partij{k}") for k in range(tegelijk)] if tegelijk > 1 else []

    def plannen(gelezen: list[tuple[Aanlevering, Invoer | OSError]]) -> None:
        voorbereid = _partij_voorbereiden(gelezen, kanaal, controles)
        if not banen:
            wachtend.append(lambda: _partij_afhandelen(voorbereid))
        else:
            wachtend.append(_over_banen(voorbereid, banen))

    gelezen: list[tuple[Aanlevering, Invoer | OSError]] = []
    omvang = 0
    try:
        for aanlevering in berichten:
            try:
                invoer: Invoer | OSError = lees_begrensd(aanlevering.data, grens=grens)
            except OSError as fout:
                invoer = fout
            gelezen.append((aanlevering, invoer))
            omvang += len(invoer.bewaard) if isinstance(invoer, Invoer) else 0
            if len(gelezen) >= per_lezing or omvang >= PARTIJ_BYTES:
                plannen(gelezen)
                gelezen, omvang = [], 0
                # One read batch handled while the next is read (in lanes: queued in them).
                if len(wachtend) > 1:
                    yield from wachtend.popleft()()
        if gelezen:
            plannen(gelezen)
        while wachtend:
            yield from wachtend.popleft()()
    finally:
        controles.afbreken()
        for baan in banen:
            baan.shutdown(wait=True, cancel_futures=True)


class _Controles:
    """The checks of a delivery's messages (levels 1 and 2: lxml, which lets go of the GIL,
    and the codec; no database), run in order in the controleur's thread while the main
    thread, which mostly waits for PostgreSQL, handles the messages before them; at most
    ``voorsprong`` checks whose outcome has not been asked for yet are started or done, so a
    delivery is never in memory as a whole."""

    def __init__(self, *, voorsprong: int) -> None:
        self._voorsprong = voorsprong
        self._wachtrij: deque[tuple[object, Invoer]] = deque()
        self._gestart: dict[object, Future[Validatieresultaat | None]] = {}
        self._gevraagd: dict[object, Future[Validatieresultaat | None]] = {}
        # Lanes ask from their own threads.
        self._slot = threading.Lock()

    def plannen(self, sleutel: object, invoer: Invoer) -> None:
        """Check ``invoer`` after the ones planned before it (``sleutel``: to ask for it)."""
        with self._slot:
            self._wachtrij.append((sleutel, invoer))
            self._aanvullen()

    def _aanvullen(self) -> None:
        while self._wachtrij and len(self._gestart) < self._voorsprong:
            self._starten()

    def _starten(self) -> None:
        sleutel, invoer = self._wachtrij.popleft()
        self._gestart[sleutel] = _controleur().submit(_valideren, invoer)

    def resultaat(self, sleutel: object) -> Validatieresultaat | None:
        """The check of ``sleutel``, waiting for it; it is kept for asking again until
        :meth:`vergeten`. Raises what the check raised."""
        with self._slot:
            if sleutel not in self._gevraagd:
                while sleutel not in self._gestart:
                    self._starten()
                self._gevraagd[sleutel] = self._gestart.pop(sleutel)
                self._aanvullen()
            toekomst = self._gevraagd[sleutel]
        return toekomst.result()

    def vergeten(self, sleutels: Iterable[object]) -> None:
        with self._slot:
            for sleutel in sleutels:
                self._gevraagd.pop(sleutel, None)

    def afbreken(self) -> None:
        """The delivery ends (also by an error): checks not started are not started."""
        with self._slot:
            self._wachtrij.clear()
            for toekomst in self._gestart.values():
                toekomst.cancel()


def _partij_voorbereiden(
    gelezen: list[tuple[Aanlevering, Invoer | OSError]], kanaal: str, controles: _Controles
) -> _Berichten:
    """A batch read: its earlier arrivals found, its checks planned and its new raw rows
    stored (in a transaction of their own; the first check runs meanwhile: it touches
    nothing, and its result is only used once they are committed)."""
    invoeren = [i for _, i in gelezen if isinstance(i, Invoer)]
    eerder = _eerdere_aankomsten({(i.sha256, i.grootte) for i in invoeren})
    nieuw: dict[tuple[str, int], InkomendBericht] = {}
    for aanlevering, invoer in gelezen:
        if not isinstance(invoer, Invoer):
            continue
        sleutel = (invoer.sha256, invoer.grootte)
        if sleutel not in eerder and sleutel not in nieuw:
            nieuw[sleutel] = _ruw_bericht(
                invoer,
                bestandsnaam=aanlevering.bestandsnaam,
                kanaal=kanaal,
                ontvangen_op=aanlevering.ontvangen_op,
            )
    # Which messages get checked: the new ones and earlier arrivals interrupted before their
    # check, the first time their bytes occur in the batch.
    te_controleren: list[int] = []
    gezien: set[tuple[str, int]] = set()
    for i, (_, invoer) in enumerate(gelezen):
        if (
            isinstance(invoer, Invoer)
            and (sleutel := (invoer.sha256, invoer.grootte)) not in gezien
        ):
            gezien.add(sleutel)
            if (nieuw.get(sleutel) or eerder[sleutel]).status == BerichtStatus.ONTVANGEN:
                te_controleren.append(i)
    partij = object()  # this batch's part of the keys of its checks
    for i in te_controleren:
        invoer = gelezen[i][1]
        assert isinstance(invoer, Invoer)
        controles.plannen((partij, i), invoer)
    if nieuw:
        _ruwe_berichten_vastleggen(list(nieuw.values()))
    return _Berichten(
        gelezen=gelezen,
        nieuw=nieuw,
        eerder=eerder,
        te_controleren=frozenset(te_controleren),
        resultaat_van=lambda i: controles.resultaat((partij, i)),
        vergeten=lambda: controles.vergeten((partij, i) for i in te_controleren),
    )


def _partij_in_draad(berichten: _Berichten) -> list[Ontvangst | OSError]:
    """:func:`_partij_afhandelen` in a lane of ``berichten_ontvangen(tegelijk=...)``, on the
    thread's own database connection, closed when the batch is done."""
    try:
        return _partij_afhandelen(berichten)
    finally:
        connections.close_all()


def _baan_van(resultaat: Validatieresultaat | None, banen: int) -> int:
    """The lane of a checked message: by its sender, the same in every batch (a message
    without a readable header: lane 0)."""
    if resultaat is None or resultaat.kop is None:
        return 0
    return zlib.crc32(partijen(resultaat.kop).afzender.encode()) % banen


def _over_banen(
    berichten: _Berichten, banen: Sequence[ThreadPoolExecutor]
) -> Callable[[], list[Ontvangst | OSError]]:
    """Hand each lane its part of a batch (waiting for the batch's checks, which say the
    senders); returns what gives the batch's results, in order, once every part is done.
    The same bytes twice are the same sender, so in the same part."""
    per_baan: list[list[int]] = [[] for _ in banen]
    baan_van_sleutel: dict[tuple[str, int], int] = {}
    for i, (_, invoer) in enumerate(berichten.gelezen):
        baan = 0
        if isinstance(invoer, Invoer):
            sleutel = (invoer.sha256, invoer.grootte)
            if sleutel not in baan_van_sleutel:
                resultaat = berichten.resultaat_van(i) if i in berichten.te_controleren else None
                baan_van_sleutel[sleutel] = _baan_van(resultaat, len(banen))
            baan = baan_van_sleutel[sleutel]
        per_baan[baan].append(i)
    delen = [
        (indices, banen[k].submit(_partij_in_draad, berichten.deel(indices)))
        for k, indices in enumerate(per_baan)
        if indices
    ]

    def uitkomsten() -> list[Ontvangst | OSError]:
        try:
            samen: list[Ontvangst | OSError | None] = [None] * len(berichten.gelezen)
            for indices, toekomst in delen:
                for i, uitkomst in zip(indices, toekomst.result(), strict=True):
                    samen[i] = uitkomst
            return [u for u in samen if u is not None]
        finally:
            berichten.vergeten()

    return uitkomsten


def _partij_afhandelen(berichten: _Berichten) -> list[Ontvangst | OSError]:
    """Record and handle a batch's messages (see :func:`berichten_ontvangen`)."""
    try:
        with partijcontexten():
            if len(berichten.te_controleren) > 1 and partijen_geregistreerd():
                uitkomsten = _in_een_transactie(berichten)
                if uitkomsten is not None:
                    return uitkomsten
            return _een_voor_een(berichten)
    finally:
        berichten.vergeten()


@dataclass(frozen=True, slots=True)
class _Berichten:
    """A batch's messages as :func:`_partij_voorbereiden` read and stored them: per input its
    bytes or its error (``gelezen``), the new rows and the earlier arrivals per (sha256,
    size), which inputs need a check, and the check of each."""

    gelezen: list[tuple[Aanlevering, Invoer | OSError]]
    nieuw: dict[tuple[str, int], InkomendBericht]
    eerder: dict[tuple[str, int], InkomendBericht]
    te_controleren: frozenset[int]
    resultaat_van: Callable[[int], Validatieresultaat | None]
    #: let go of the batch's checks once it is handled
    vergeten: Callable[[], None]

    def rij(self, sleutel: tuple[str, int]) -> InkomendBericht:
        return self.nieuw.get(sleutel) or self.eerder[sleutel]

    def deel(self, indices: Sequence[int]) -> _Berichten:
        """The inputs at ``indices`` (in order) as a batch of their own, for a lane; their
        checks stay the batch's, which forgets them once every part is done."""
        gelezen = [self.gelezen[i] for i in indices]
        positie = {oud: nieuw for nieuw, oud in enumerate(indices)}
        sleutels = {(inv.sha256, inv.grootte) for _, inv in gelezen if isinstance(inv, Invoer)}
        resultaat_van = self.resultaat_van
        return _Berichten(
            gelezen=gelezen,
            nieuw={k: v for k, v in self.nieuw.items() if k in sleutels},
            eerder={k: v for k, v in self.eerder.items() if k in sleutels},
            te_controleren=frozenset(positie[i] for i in self.te_controleren if i in positie),
            resultaat_van=lambda j: resultaat_van(indices[j]),
            vergeten=lambda: None,
        )

    def te_controleren_sleutels(self) -> list[tuple[str, int]]:
        sleutels = []
        for i in sorted(self.te_controleren):
            invoer = self.gelezen[i][1]
            assert isinstance(invoer, Invoer)
            sleutels.append((invoer.sha256, invoer.grootte))
        return sleutels

    def uitkomsten(
        self, klaar: dict[tuple[str, int], InkomendBericht]
    ) -> list[Ontvangst | OSError]:
        """Per input, in order: its error, or its message as ``klaar`` holds it (not new when
        the same bytes came earlier, in this batch or before)."""
        uitkomsten: list[Ontvangst | OSError] = []
        gezien: set[tuple[str, int]] = set()
        for _, invoer in self.gelezen:
            if not isinstance(invoer, Invoer):
                uitkomsten.append(invoer)
                continue
            sleutel = (invoer.sha256, invoer.grootte)
            uitkomsten.append(
                Ontvangst(klaar[sleutel], nieuw=sleutel in self.nieuw and sleutel not in gezien)
            )
            gezien.add(sleutel)
        return uitkomsten


def _een_voor_een(berichten: _Berichten) -> list[Ontvangst | OSError]:
    """Each message of the batch checked and handled in a transaction of its own."""
    klaar: dict[tuple[str, int], InkomendBericht] = {}
    for i, (_, invoer) in enumerate(berichten.gelezen):
        if not isinstance(invoer, Invoer):
            continue
        sleutel = (invoer.sha256, invoer.grootte)
        if sleutel in klaar:  # the same bytes earlier in this batch
            continue
        bericht = berichten.rij(sleutel)
        if i in berichten.te_controleren:
            bericht = _beoordelen_en_routeren(bericht.pk, invoer, berichten.resultaat_van(i))
        klaar[sleutel] = bericht
    return berichten.uitkomsten(klaar)


def _in_een_transactie(berichten: _Berichten) -> list[Ontvangst | OSError] | None:
    """The batch in one transaction: the messages locked together, each message's check
    outcome decided in turn (:class:`~iwmo_jw.services.beoordelen.Partijbeoordeling`, written
    for all of them before the handlers' batches store theirs) and, when accepted, offered to
    its handler's batch (:class:`iwmo_jw.routering.Partij`), which
    stores what it took at the end; those messages are marked processed together. The earlier
    messages under the batch's identities (TR056) are read in one query first. Messages
    accepted but not taken, or given back by their batch at the end, are handled one by one
    after the commit, in their order. When anything raises,
    the transaction is rolled back and None returned: the caller then handles every message
    one by one, as without batches (the checks are kept)."""
    klaar: dict[tuple[str, int], InkomendBericht] = {}
    genomen: dict[int, tuple[int, tuple[str, int], InkomendBericht, Validatieresultaat]] = {}
    later: list[tuple[int, tuple[str, int], InkomendBericht, Validatieresultaat]] = []
    try:
        with transaction.atomic():
            beoordeling = Partijbeoordeling(
                [berichten.rij(sleutel).pk for sleutel in berichten.te_controleren_sleutels()]
            )
            beoordeling.identiteiten_laden(
                resultaat.kop
                for i in sorted(berichten.te_controleren)
                if (resultaat := berichten.resultaat_van(i)) is not None
                and resultaat.kop is not None
            )
            partijen: dict[Partijfabriek, Partij] = {}
            for i, (_, invoer) in enumerate(berichten.gelezen):
                if not isinstance(invoer, Invoer):
                    continue
                sleutel = (invoer.sha256, invoer.grootte)
                if sleutel in klaar:
                    continue
                bericht = berichten.rij(sleutel)
                if i in berichten.te_controleren:
                    resultaat = berichten.resultaat_van(i)
                    bericht = beoordeling.beoordelen(bericht.pk, invoer, resultaat)
                    if (
                        bericht.status == BerichtStatus.WACHT_OP_VERWERKING
                        and resultaat is not None
                        and handler_voor(bericht.standaard, bericht.berichttype) is not None
                    ):
                        fabriek = partij_voor(bericht.standaard, bericht.berichttype)
                        partij = None
                        if fabriek is not None:
                            partij = partijen.get(fabriek)
                            if partij is None:
                                partij = partijen[fabriek] = fabriek()
                        if partij is not None and partij.toevoegen(bericht, resultaat):
                            genomen[bericht.pk] = (i, sleutel, bericht, resultaat)
                        else:
                            later.append((i, sleutel, bericht, resultaat))
                klaar[sleutel] = bericht
            beoordeling.vastleggen()
            for partij in partijen.values():
                for teruggegeven in partij.afronden() or ():
                    later.append(genomen.pop(teruggegeven.pk))
            inkomend_verwerkt([bericht for _, _, bericht, _ in genomen.values()])
    except Exception as exc:
        # Only the type: an exception's text may quote message content.
        logger.warning(
            "Een partij van %d berichten is teruggedraaid (%s); ze worden één voor één verwerkt.",
            len(berichten.gelezen),
            type(exc).__name__,
        )
        return None
    for _, _, bericht, _ in genomen.values():
        _verwerkt_loggen(bericht)
    for _, sleutel, bericht, resultaat in sorted(later, key=lambda m: m[0]):
        klaar[sleutel] = _verwerken(bericht.pk, resultaat)
    return berichten.uitkomsten(klaar)


_CONTROLEUR: ThreadPoolExecutor | None = None


def _controleur() -> ThreadPoolExecutor:
    """The one thread that checks the next message of a batch (created on first use)."""
    global _CONTROLEUR
    if _CONTROLEUR is None:
        _CONTROLEUR = ThreadPoolExecutor(max_workers=1, thread_name_prefix="berichtcontrole")
    return _CONTROLEUR


def _eerdere_aankomsten(
    sleutels: set[tuple[str, int]],
) -> dict[tuple[str, int], InkomendBericht]:
    """Per (sha256, size) the first stored message with those bytes, in one query."""
    if not sleutels:
        return {}
    gevonden: dict[tuple[str, int], InkomendBericht] = {}
    for rij in _EERDERE(sha256s=sorted({sha for sha, _ in sleutels})):
        sleutel = (rij.sha256, rij.grootte)
        if sleutel in sleutels:
            gevonden.setdefault(sleutel, rij)
    return gevonden


def _beoordelen_en_routeren(
    pk: int, invoer: Invoer, resultaat: Validatieresultaat | None = None
) -> InkomendBericht:
    """Steps 2 and 3: check the message, then, in one transaction, record the outcome and
    hand an accepted message to its handler (a savepoint of its own: a failing handler
    leaves the message accepted, with status verwerking_mislukt). One commit, one lock of the
    message: a crash before the commit leaves it ``ontvangen``, as after step 1, and
    :func:`berichten_verwerken` finishes it. ``resultaat``: the check of ``invoer``, when it
    was made beforehand (:func:`berichten_ontvangen`)."""
    if resultaat is None:
        resultaat = _valideren(invoer)
    with transaction.atomic():
        bericht = _beoordelen(pk, invoer, resultaat)
        if (
            bericht.status == BerichtStatus.WACHT_OP_VERWERKING
            and resultaat is not None
            and handler_voor(bericht.standaard, bericht.berichttype) is not None
        ):
            bericht = _handler_uitvoeren(bericht, resultaat)
    _verwerkt_loggen(bericht)
    return bericht


# --- Processing (routing to the registered handlers) ---------------------------------------


def _foutomschrijving(exc: BaseException) -> str:
    if isinstance(exc, DomeinFout):
        return f"{exc.code}: {exc.bericht}"
    return f"{type(exc).__name__}: {exc}"[:2000]


def _verwerken(pk: int, resultaat: Validatieresultaat | None = None) -> InkomendBericht:
    """Hand the waiting message ``pk`` to its handler, if one is registered (a transaction of
    its own). ``resultaat``: its check, when in hand (else the stored copy is checked)."""
    with transaction.atomic():
        bericht = inkomend_vergrendelen(pk)
        if bericht.status != BerichtStatus.WACHT_OP_VERWERKING:
            return bericht
        if handler_voor(bericht.standaard, bericht.berichttype) is None:
            return bericht
        bericht = _handler_uitvoeren(bericht, resultaat)
    _verwerkt_loggen(bericht)
    return bericht


def _handler_uitvoeren(
    bericht: InkomendBericht, resultaat: Validatieresultaat | None
) -> InkomendBericht:
    """Run the handler of the locked, waiting ``bericht`` in a savepoint and record the
    outcome: verwerkt, or verwerking_mislukt with the failure (nothing the handler wrote
    remains). ``resultaat``: the check of a moment ago from the bytes in hand (the stored
    copy need not travel back); None reads and checks the stored copy."""
    handler = handler_voor(bericht.standaard, bericht.berichttype)
    assert handler is not None
    if resultaat is None:
        resultaat = valideer(bericht.inhoud_bytes(), max_grootte=max_grootte())
    try:
        with transaction.atomic():
            handler(bericht, resultaat)
    except Exception as exc:
        # Only the type is logged: an exception's text may quote message content.
        logger.warning(
            "Verwerking van inkomend bericht %s (%s) mislukt: %s",
            bericht.uuid,
            bericht.berichtnaam,
            type(exc).__name__,
        )
        bericht.verwerking_fout = _foutomschrijving(exc)
        inkomend_status(
            bericht, BerichtStatus.VERWERKING_MISLUKT, toelichting=bericht.verwerking_fout
        )
        bericht.save(update_fields=["status", "verwerking_fout"])
        return bericht
    inkomend_verwerkt([bericht])
    return bericht


def _verwerkt_loggen(bericht: InkomendBericht) -> None:
    if bericht.status == BerichtStatus.VERWERKT:
        logger.info("Inkomend bericht %s (%s) verwerkt.", bericht.uuid, bericht.berichtnaam)


def bericht_verwerken(*, bericht: InkomendBericht) -> InkomendBericht:
    """Process one waiting message when a handler for its type exists; else leave it."""
    return _verwerken(bericht.pk)


@transaction.atomic
def bericht_opnieuw_aanbieden(
    *, bericht: InkomendBericht, door: Gebruiker | None = None
) -> InkomendBericht:
    """Put a message whose processing failed back in the queue (after a fix)."""
    bericht = InkomendBericht.objects.select_for_update().defer("inhoud").get(pk=bericht.pk)
    inkomend_status(
        bericht, BerichtStatus.WACHT_OP_VERWERKING, toelichting="Opnieuw aangeboden.", door=door
    )
    bericht.save(update_fields=["status"])
    return bericht


@dataclass(frozen=True, slots=True)
class Verwerkingsoverzicht:
    verwerkt: int
    mislukt: int
    hervat: int  # interrupted arrivals that were checked now


def _handler_filter() -> Q | None:
    filters: list[Q] = []
    for sleutel in geregistreerd():
        if sleutel.isdigit():
            filters.append(Q(berichttype=sleutel))
        else:
            standaard = BerichtStandaard.IWMO if sleutel.startswith("WMO") else BerichtStandaard.IJW
            filters.append(Q(standaard=standaard, berichttype=sleutel[-3:]))
    if not filters:
        return None
    gecombineerd = filters[0]
    for extra in filters[1:]:
        gecombineerd |= extra
    return gecombineerd


def berichten_verwerken(*, limiet: int | None = None) -> Verwerkingsoverzicht:
    """Pick up waiting messages whose type now has a handler, oldest first, each in its own
    transaction; also finish arrivals that were interrupted between storing and checking.
    Per :data:`PARTIJ_BERICHTEN` messages inside the batch contexts apps registered, as for
    a delivery. Safe to run twice and concurrently (rows are locked and their status
    re-checked)."""
    hervat = 0
    grens = timezone.now() - ONDERBROKEN_NA
    onderbroken = list(
        InkomendBericht.objects.filter(status=BerichtStatus.ONTVANGEN, ontvangen_op__lt=grens)
        .order_by("ontvangen_op", "pk")
        .values_list("pk", flat=True)[:limiet]
    )
    for deel in _in_partijen(onderbroken):
        with partijcontexten():
            for pk in deel:
                rij = InkomendBericht.objects.get(pk=pk)
                if rij.inhoud_volledig:
                    invoer = lees_begrensd(rij.inhoud_bytes(), grens=max_grootte())
                else:
                    invoer = Invoer(
                        None, rij.inhoud_bytes(), rij.sha256, rij.grootte, max_grootte()
                    )
                _beoordelen_en_routeren(pk, invoer)
                hervat += 1
    verwerkt = mislukt = 0
    filter_ = _handler_filter()
    if filter_ is not None:
        wachtend = list(
            InkomendBericht.objects.filter(filter_, status=BerichtStatus.WACHT_OP_VERWERKING)
            .order_by("ontvangen_op", "pk")
            .values_list("pk", flat=True)[:limiet]
        )
        for deel in _in_partijen(wachtend):
            with partijcontexten():
                for pk in deel:
                    bericht = _verwerken(pk)
                    if bericht.status == BerichtStatus.VERWERKT:
                        verwerkt += 1
                    elif bericht.status == BerichtStatus.VERWERKING_MISLUKT:
                        mislukt += 1
    return Verwerkingsoverzicht(verwerkt=verwerkt, mislukt=mislukt, hervat=hervat)


def _in_partijen(pks: list[int]) -> Iterator[list[int]]:
    for begin in range(0, len(pks), PARTIJ_BERICHTEN):
        yield pks[begin : begin + PARTIJ_BERICHTEN]

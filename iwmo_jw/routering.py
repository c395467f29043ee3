"""Routing of accepted inbound messages to the service that processes them.

The apps that process a message type register a handler in their ``AppConfig.ready``::

    from iwmo_jw.routering import register_handler
    register_handler("323", declaraties.services.declaratie_bericht_verwerken)   # WMO323 and JW323
    register_handler(soort("JW315"), inkoop.services.verzoek_bericht_verwerken)  # JW315 only

A handler is called as ``handler(bericht, resultaat)`` with the
:class:`~iwmo_jw.models.InkomendBericht` (its row locked) and the codec's
:class:`~iwmo_jw.codec.Validatieresultaat` (``resultaat.bericht`` is the parsed message).
It runs inside the transaction that marks the message ``verwerkt``: whatever it writes
commits together with that status, or, when it raises, not at all (the message is then
``verwerking_mislukt`` with the error). It also receives messages that failed level 2
(``resultaat.geldig`` is False, ``resultaat.niveau == 2``): those must be answered with
retourcode 0001. Answers are stored with
:func:`iwmo_jw.services.bericht_uitgaand_vastleggen` (``antwoord_op=bericht``).

Until a handler for its type exists, an accepted message waits in status
``wacht_op_verwerking``; :func:`iwmo_jw.services.berichten_verwerken` picks it up later.

A handler may come with a *batch* (``register_handler(..., partij=fabriek)``): when
:func:`iwmo_jw.services.berichten_ontvangen` receives a batch of messages, it makes one
``fabriek()`` for the batch and, in one transaction for the whole batch, offers it each
accepted message of the handler's type (``partij.toevoegen(bericht, resultaat)``, in order of
arrival) and then lets it store them together (``partij.afronden()``), so what the handler
would write per message is written once per batch. ``toevoegen`` returns whether the batch
took the message, and ``afronden`` may give back some it took (a row it needs is held by
another transaction); the messages it did not take or gave back are handed to the handler
one by one after the batch's commit, in their order. When anything in the batch raises, the batch's transaction is rolled back
and every message of it goes to the handler one by one, as without a batch.

An app may also register a *batch context* (:func:`register_partijcontext`): a context
manager that :func:`iwmo_jw.services.berichten_ontvangen` opens around the processing of a
batch of messages, so work the app does after each commit can be done once for the batch
(declaraties: one alert evaluation in financien).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from typing import TYPE_CHECKING, Any, Protocol

from iwmo_jw.codec import SOORTEN, BerichtSoort

if TYPE_CHECKING:
    from iwmo_jw.codec import Validatieresultaat
    from iwmo_jw.models import InkomendBericht

Handler = Callable[["InkomendBericht", "Validatieresultaat"], Any]


class Partij(Protocol):
    """What a handler's batch does (see the module docstring)."""

    def toevoegen(self, bericht: InkomendBericht, resultaat: Validatieresultaat) -> bool:
        """Take ``bericht`` (accepted, its row locked; ``resultaat`` its check) into the
        batch, or return False to leave it to the handler after the batch."""
        ...

    def afronden(self) -> Iterable[InkomendBericht] | None:
        """Store what the batch took (in the batch's transaction). Returns the messages it
        took but gives back after all (say, a row it needs is held by another transaction):
        they are left to the handler after the batch, as if not taken."""
        ...


Partijfabriek = Callable[[], Partij]

_BERICHTTYPEN = frozenset(s.berichttype for s in SOORTEN)
_NAMEN = {s.naam: s for s in SOORTEN}

#: Key: a berichttype ("323", both standards) or a message name ("JW323", one standard).
_HANDLERS: dict[str, Handler] = {}
#: The batch that goes with a handler, if it has one.
_PARTIJEN: dict[Handler, Partijfabriek] = {}

Partijcontext = Callable[[], AbstractContextManager[Any]]
_PARTIJCONTEXTEN: list[Partijcontext] = []


def _sleutel(berichttype: str | BerichtSoort) -> str:
    if isinstance(berichttype, BerichtSoort):
        return berichttype.naam
    waarde = str(berichttype).strip().upper()
    if waarde in _BERICHTTYPEN or waarde in _NAMEN:
        return waarde
    raise ValueError(f"Onbekend berichttype {berichttype!r}.")


def register_handler(
    berichttype: str | BerichtSoort, handler: Handler, *, partij: Partijfabriek | None = None
) -> None:
    """Register ``handler`` for ``berichttype`` ("323") or one message (``soort("JW323")``),
    with ``partij``, the batch that processes many of its messages at once, if it has one.

    Registering the same handler again is a no-op (``ready`` may run more than once);
    another handler for the same key is a configuration error."""
    sleutel = _sleutel(berichttype)
    bestaand = _HANDLERS.get(sleutel)
    if bestaand is not None and bestaand is not handler:
        raise ValueError(f"Voor {sleutel} is al een verwerker geregistreerd: {bestaand!r}.")
    _HANDLERS[sleutel] = handler
    if partij is not None:
        _PARTIJEN[handler] = partij


def unregister_handler(berichttype: str | BerichtSoort) -> None:
    """Remove a registration (for tests and reconfiguration)."""
    _HANDLERS.pop(_sleutel(berichttype), None)


def handler_voor(standaard: str, berichttype: str) -> Handler | None:
    """The handler of a message: the one for its exact name first, then for its type."""
    prefix = "WMO" if standaard == "iwmo" else "JW"
    return _HANDLERS.get(f"{prefix}{berichttype}") or _HANDLERS.get(berichttype)


def partij_voor(standaard: str, berichttype: str) -> Partijfabriek | None:
    """The batch of the handler of a message (:func:`handler_voor`), if it has one."""
    handler = handler_voor(standaard, berichttype)
    return _PARTIJEN.get(handler) if handler is not None else None


def partijen_geregistreerd() -> bool:
    """Whether any registered handler has a batch."""
    return any(handler in _PARTIJEN for handler in _HANDLERS.values())


def geregistreerd() -> dict[str, Handler]:
    """A copy of the registry (key -> handler)."""
    return dict(_HANDLERS)


def register_partijcontext(fabriek: Partijcontext) -> None:
    """Open ``fabriek()`` around every batch of :func:`iwmo_jw.services.berichten_ontvangen`
    (once per batch, whatever its messages' types). Registering it again is a no-op."""
    if fabriek not in _PARTIJCONTEXTEN:
        _PARTIJCONTEXTEN.append(fabriek)


def unregister_partijcontext(fabriek: Partijcontext) -> None:
    if fabriek in _PARTIJCONTEXTEN:
        _PARTIJCONTEXTEN.remove(fabriek)


@contextmanager
def partijcontexten() -> Iterator[None]:
    """The registered batch contexts, opened in the order of registration."""
    with ExitStack() as stapel:
        for fabriek in list(_PARTIJCONTEXTEN):
            stapel.enter_context(fabriek())
        yield

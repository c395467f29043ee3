"""Signals of the berichtenbox. Receivers may notify people or record alerts; business rules
do not belong in receivers (STYLE.md)."""

from __future__ import annotations

from django.dispatch import Signal

#: Sent once per overdue deadline (a :class:`~iwmo_jw.models.Termijn` past its last day and
#: not answered), by :func:`iwmo_jw.services.verlopen_termijnen_signaleren`, with keyword
#: arguments ``termijn`` and ``bericht`` (the inbound message). Sent inside the transaction
#: that records the signalling: a receiver that raises undoes that record, so the next run
#: signals again. Most messages have one deadline; a 315 or 317 has two (retour and
#: 301/319), each signalled on its own.
termijn_verstreken = Signal()

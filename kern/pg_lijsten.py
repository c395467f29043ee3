"""Faster text dumping of the lists the set-based queries send to PostgreSQL.

The batch paths pass whole columns as one array parameter (``= ANY(%s)``, ``unnest(%s)``:
tens of thousands of ids, reference numbers and amounts per batch). psycopg's
:class:`~psycopg.types.array.ListDumper` writes such a list element by element in Python,
testing each against a regular expression for quoting; for a batch that cost more than the
statements it fed. :class:`Lijstdumper` is that dumper with one shortcut: a flat list of
ints, strs or Decimals, none of them None, is dumped by the element dumper psycopg chose
(the same bytes per element) and joined once, and a list of strs is tested for anything
that needs quoting in one search over the joined bytes. Anything else, or any str list with
something to quote, takes psycopg's own path, so the output is byte for byte psycopg's (a
property test holds it to that). The array's type (oid) is psycopg's choice as before: only
:meth:`dump` differs.

Registered for every PostgreSQL connection by :func:`registreren` (``kern.apps``)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from psycopg.abc import Buffer
from psycopg.types.array import ListDumper

# What psycopg's ListDumper quotes (see psycopg.types.array._get_needs_quotes_regexp), for the
# delimiter ",": a quote, brace, backslash or ASCII space (this class); a Unicode space, an
# element that is NULL in any case, an empty element, or a delimiter inside an element are
# tested by _te_quoten with plain bytes methods (one regex of alternatives over the joined
# bytes was slower than psycopg's own loop).
_TEKENS = re.compile(rb'["{}\\\s]')


def _te_quoten(samen: bytes, aantal: int) -> bool:
    """Whether any of ``aantal`` str elements joined by "," into ``samen`` would be quoted
    (or might be: anything not ASCII is left to psycopg)."""
    return (
        not samen.isascii()
        or _TEKENS.search(samen) is not None
        or b"null" in samen.lower()
        or samen.count(b",") != aantal - 1
        or not samen
        or samen.startswith(b",")
        or samen.endswith(b",")
        or b",," in samen
    )


_SNEL = (int, str, Decimal)


class Lijstdumper(ListDumper):
    """psycopg's text list dumper with a shortcut for flat lists of ints, strs or Decimals."""

    def dump(self, obj: list[Any]) -> Buffer | None:
        sub = self.sub_dumper
        if sub is None or self.delimiter != b"," or not obj:
            return super().dump(obj)
        soorten = set(map(type, obj))
        if len(soorten) != 1:
            return super().dump(obj)
        soort = soorten.pop()
        if soort not in _SNEL:
            return super().dump(obj)
        samen = b",".join(map(sub.dump, obj))  # type: ignore[arg-type]
        if soort is str and _te_quoten(samen, len(obj)):
            return super().dump(obj)
        return b"{" + samen + b"}"


def registreren(sender: Any, connection: Any, **_: Any) -> None:
    """``connection_created``: use :class:`Lijstdumper` for lists on a new PostgreSQL
    connection (for ``%s``, the format Django's queries use)."""
    if connection.vendor == "postgresql":
        connection.connection.adapters.register_dumper(list, Lijstdumper)

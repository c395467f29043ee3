"""A hot path's ORM query compiled to SQL once per process instead of once per run.

Building and compiling a queryset costs Django 0.5-2 ms (the declaration pipeline's context
query for toewijzingen: 1.9 ms on the benchmark machine), while PostgreSQL answers it from a
prepared statement in less. :class:`VasteQuery` takes a function that builds the queryset from
named values, compiles it once with stand-in values, finds where each value lands among the
statement's parameters, and from then on runs the same SQL with the real values filled in::

    TOEWIJZINGEN = VasteQuery(
        lambda gemeente_id, bsns: Toewijzing.objects.filter(
            gemeente_id=gemeente_id, client__bsn__any=bsns
        ).values_list("pk", "nummer")
    )
    rijen = TOEWIJZINGEN(gemeente_id=7, bsns={"123456782"})

The rows are what the queryset itself would give (dicts for ``values()``, tuples for
``values_list()``, values for ``flat=True``, model instances for a plain queryset, deferred
fields and ``select_for_update`` included), Django's converters applied.

It only caches what it can prove has a fixed shape, and otherwise runs the queryset as
Django would (always on backends other than PostgreSQL, where ``__any`` expands to one
placeholder per value):

- values are ints, strings, dates or non-empty collections of ints or strings (model
  instances, None, empty collections: the queryset runs as usual for that call);
- each value must appear among the compiled parameters (once or more) (a value that changes the SQL text or
  is used in Python does not) and a second compilation with other stand-ins must give the same
  SQL and the same other parameters; else that shape is never cached;
- ``values()``, ``values_list()`` and plain model querysets (not with ``select_related``,
  annotations or prefetching: those run through the ORM).

The values go to the database as given, not through the fields' ``get_prep_value``: the
stand-ins are checked to come out of the ORM unchanged, so a field that would convert them
(a UUID field given strings) makes the query uncacheable rather than wrong. One difference
remains: an integer outside its column's range, for which the ORM finds nothing without a
statement, makes the database refuse the statement.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from django.core.exceptions import EmptyResultSet, FieldError, ValidationError
from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.base import ModelState
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query import (
    FlatValuesListIterable,
    ModelIterable,
    ValuesIterable,
    ValuesListIterable,
)
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init

_teller = itertools.count(1)


def _soort(waarde: Any) -> str | None:
    """The kind of a value a stand-in can take the place of, or None."""
    if isinstance(waarde, bool):
        return None
    if isinstance(waarde, int):
        return "int"
    if isinstance(waarde, str):
        return "str"
    if isinstance(waarde, date) and not isinstance(waarde, datetime):
        return "date"
    if isinstance(waarde, (list, tuple, set, frozenset)) and waarde:
        soorten = {_soort(w) for w in waarde}
        if soorten == {"int"}:
            return "[int]"
        if soorten == {"str"}:
            return "[str]"
    return None


def _invuller(soort: str) -> Any:
    """A stand-in of ``soort`` that no constant of a query equals, different at every call."""
    n = next(_teller)
    if soort == "date":
        return date(1000 + n % 800, 1 + n % 12, 1 + n % 28)
    # Integers within a smallint (Django finds no row for a value outside an integer field's
    # range and compiles no statement); a constant that happens to equal one is caught by
    # the second compilation.
    enkel = 20_011 + (n * 7) % 12_000 if "int" in soort else f"~vq{n}~"
    return [enkel] if soort.startswith("[") else enkel


def _plaatsen(params: tuple[Any, ...], invuller: Any) -> list[int]:
    if isinstance(invuller, list):
        return [i for i, p in enumerate(params) if isinstance(p, list) and p == invuller]
    # An integer may come back typed for the column (psycopg's Int2/Int4/Int8, which Django's
    # PostgreSQL backend binds integer fields with): a subclass of int, kept when filling in.
    return [i for i, p in enumerate(params) if isinstance(p, type(invuller)) and p == invuller]


_SOORTEN = (ValuesIterable, ValuesListIterable, FlatValuesListIterable, ModelIterable)


def _eenvoudig(qs: QuerySet[Any]) -> bool:
    """A model queryset whose rows are just the model's columns: no select_related, no
    annotations, no instances known from a related manager, no prefetching."""
    query = qs.query
    return (
        not query.select_related
        and not query.annotation_select
        and not query.extra_select
        and not getattr(qs, "_known_related_objects", None)
        and not getattr(qs, "_prefetch_related_lookups", None)
    )


class _Gecompileerd:
    __slots__ = (
        "aantal",
        "converters",
        "model",
        "namen",
        "params",
        "plaatsen",
        "soort",
        "sql",
        "veldnamen",
        "zonder_init",
    )

    def __init__(
        self,
        sql: str,
        params: list[Any],
        plaatsen: dict[str, list[int]],
        converters: list[tuple[int, tuple[list[Any], Any]]],
        aantal: int,
        soort: type,
        namen: list[str],
        model: Any,
        veldnamen: list[str],
    ) -> None:
        self.sql = sql
        self.params = params
        self.plaatsen = plaatsen
        self.converters = converters
        self.aantal = aantal
        self.soort = soort
        self.namen = namen
        self.model = model
        self.veldnamen = veldnamen
        self.zonder_init = model is not None and _zonder_init(model, veldnamen)


#: The descriptors ``Model.__init__`` sets a loaded column through that only write it into
#: the instance's ``__dict__`` (a foreign key's forgets a cached related object first, which
#: a new instance does not have).
_GEWONE_VELDEN = (DeferredAttribute, ForeignKeyDeferredAttribute)


def _zonder_init(model: type[Model], veldnamen: list[str]) -> bool:
    """Whether instances of ``model`` loaded with ``veldnamen`` can be made without
    ``Model.__init__``: the model keeps Django's ``from_db`` and every column's descriptor
    is a plain one (not a field with a descriptor of its own, such as a money or file
    field). Whether anything listens to its init signals is asked at each run."""
    return model.from_db.__func__ is Model.from_db.__func__ and all(  # type: ignore[attr-defined]
        type(getattr(model, naam, None)) in _GEWONE_VELDEN for naam in veldnamen
    )


def _exemplaren(g: _Gecompileerd, alias: str, rijen: list[Any]) -> list[Any]:
    """Model instances of rows, as ``model.from_db`` makes them. That goes through
    ``Model.__init__``, which sets every column through its descriptor and fills deferred
    ones with a marker it then skips: 6 µs a row, the most of reading a few thousand
    reservations. Where :func:`_zonder_init` allows and no init signal has a receiver, an
    instance is made as ``__init__`` would leave it: the columns in its ``__dict__``
    (a deferred one absent) and a state saying it was loaded from ``alias``."""
    model = g.model
    if not g.zonder_init or pre_init.has_listeners(model) or post_init.has_listeners(model):
        return [model.from_db(alias, g.veldnamen, rij) for rij in rijen]
    nieuw = model.__new__
    namen = g.veldnamen
    exemplaren = []
    for rij in rijen:
        exemplaar = nieuw(model)
        state = ModelState()
        state.adding = False
        state.db = alias
        exemplaar._state = state
        exemplaar.__dict__.update(zip(namen, rij, strict=True))
        exemplaren.append(exemplaar)
    return exemplaren


def _compileren(qs: QuerySet[Any], alias: str) -> tuple[Any, str, tuple[Any, ...]]:
    compiler = qs.query.get_compiler(using=alias)
    sql, params = compiler.as_sql()
    return compiler, sql, tuple(params)


class VasteQuery:
    """See the module docstring. ``maak`` builds the queryset from keyword values."""

    def __init__(self, maak: Callable[..., QuerySet[Any]], *, alias: str = "default") -> None:
        self._maak = maak
        self._alias = alias
        #: per signature (names and kinds of the values): the compiled query, or None when
        #: that shape cannot be cached
        self._cache: dict[tuple[tuple[str, str], ...], _Gecompileerd | None] = {}

    def __call__(self, **waarden: Any) -> list[Any]:
        connection = connections[self._alias]
        if connection.vendor != "postgresql":
            return list(self._maak(**waarden))
        soorten: dict[str, str] = {}
        for naam, w in waarden.items():
            soort = _soort(w)
            if soort is None:
                return list(self._maak(**waarden))
            soorten[naam] = soort
        sleutel = tuple(sorted(soorten.items()))
        if sleutel not in self._cache:
            self._cache[sleutel] = self._voorbereiden(soorten)
        gecompileerd = self._cache[sleutel]
        if gecompileerd is None:
            return list(self._maak(**waarden))
        return self._uitvoeren(gecompileerd, waarden, connection)

    def eerste(self, **waarden: Any) -> Any:
        """The first row, or None (for a queryset sliced to ``[:1]``, as ``.first()``)."""
        rijen = self(**waarden)
        return rijen[0] if rijen else None

    def _voorbereiden(self, soorten: dict[str, str]) -> _Gecompileerd | None:
        eerste = {naam: _invuller(soort) for naam, soort in soorten.items()}
        tweede = {naam: _invuller(soort) for naam, soort in soorten.items()}
        try:
            qs = self._maak(**eerste)
            if qs._iterable_class not in _SOORTEN or (
                qs._iterable_class is ModelIterable and not _eenvoudig(qs)
            ):
                return None
            compiler, sql, params = _compileren(qs, self._alias)
            _, sql2, params2 = _compileren(self._maak(**tweede), self._alias)
        except (EmptyResultSet, FieldError, ValidationError, ValueError, TypeError):
            # A field that refuses or converts the stand-in (a UUID given a string), or nothing
            # to run: the ORM handles such a query every time.
            return None
        soort = qs._iterable_class
        if sql != sql2 or len(params) != len(params2):
            return None
        plaatsen = {naam: _plaatsen(params, w) for naam, w in eerste.items()}
        if not all(plaatsen.values()):
            return None
        for naam, p in plaatsen.items():
            if _plaatsen(params2, tweede[naam]) != p:
                return None
        variabel = {i for p in plaatsen.values() for i in p}
        if any(params[i] != params2[i] for i in range(len(params)) if i not in variabel):
            return None
        velden = [s[0] for s in compiler.select[0 : compiler.col_count]]
        model, veldnamen = None, []
        if soort is ModelIterable:
            model = compiler.klass_info["model"]
            veldnamen = [col.target.attname for col in velden]
        query = qs.query
        namen = (
            list(query.selected)
            if query.selected
            else [*query.extra_select, *query.values_select, *query.annotation_select]
        )
        return _Gecompileerd(
            sql=sql,
            params=list(params),
            plaatsen=plaatsen,
            converters=list(compiler.get_converters(velden).items()),
            aantal=compiler.col_count,
            soort=soort,
            namen=namen,
            model=model,
            veldnamen=veldnamen,
        )

    @staticmethod
    def _uitvoeren(g: _Gecompileerd, waarden: dict[str, Any], connection: Any) -> list[Any]:
        params = list(g.params)
        for naam, plaatsen in g.plaatsen.items():
            w = waarden[naam]
            for i in plaatsen:
                soort = type(params[i])
                if soort is list:
                    params[i] = list(dict.fromkeys(w))
                else:
                    params[i] = w if type(w) is soort else soort(w)
        with connection.cursor() as cursor:
            cursor.execute(g.sql, params)
            opgehaald = cursor.fetchall()
        rijen: list[Any]
        if g.converters:
            rijen = [list(r[: g.aantal]) for r in opgehaald]
            for rij in rijen:
                for pos, (convs, expressie) in g.converters:
                    waarde = rij[pos]
                    for converter in convs:
                        waarde = converter(waarde, expressie, connection)
                    rij[pos] = waarde
        elif opgehaald and len(opgehaald[0]) != g.aantal:
            rijen = [r[: g.aantal] for r in opgehaald]
        else:
            # Nothing to convert or cut off: the rows as the driver gave them (tuples), not
            # copied (most of a batch's context rows).
            rijen = opgehaald
        if g.soort is ModelIterable:
            return _exemplaren(g, connection.alias, rijen)
        if g.soort is FlatValuesListIterable:
            return [rij[0] for rij in rijen]
        if g.soort is ValuesIterable:
            return [dict(zip(g.namen, rij, strict=True)) for rij in rijen]
        if rijen is opgehaald:
            return rijen
        return [tuple(rij) for rij in rijen]

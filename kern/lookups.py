"""``field__any=values``: Django's ``__in`` with the values bound as one array on PostgreSQL.

``filter(bron_id__in=ids)`` compiles to ``bron_id IN (%s, %s, ...)``: one placeholder per
value, so every list length is a different statement. psycopg parses each new statement
string again (its ``_split_query`` cache misses), the server plans it again (about 0.8 ms for
110 uuids) and a prepared statement is never reused. ``filter(bron_id__any=ids)`` compiles to
``bron_id = ANY(%s::varchar(64)[])`` on PostgreSQL: one statement whatever the number of
values, which the server prepares once (``DATABASE_SERVER_SIDE_BINDING``). PostgreSQL itself
rewrites ``IN (...)`` to ``= ANY(ARRAY[...])``, so the plan is the same. On other backends it
is the plain ``IN``. Measured on the declaration path: 0.3 ms instead of 0.9 ms for 110
values, 0.5 ms instead of 1.9 ms for 333.

The same rewrite is proposed for Django's own ``__in`` (ticket #37211); until a release has
it, the hot paths that filter on message-sized lists use ``__any``. Registered on every field
by :class:`kern.apps.KernConfig`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import EmptyResultSet
from django.db.models import Field
from django.db.models.fields.related import ForeignObject
from django.db.models.fields.related_lookups import RelatedIn
from django.db.models.lookups import In

if TYPE_CHECKING:
    _Basis = In
else:
    _Basis = object


class _AlsArray(_Basis):
    """Compiles an ``In`` lookup as ``= ANY(array)`` on PostgreSQL (see the module)."""

    lookup_name = "any"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, Any]:
        if connection.vendor != "postgresql" or not self.rhs_is_direct_value():
            return super().as_sql(compiler, connection)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        veld = self.lhs.output_field
        waarden = [
            veld.get_db_prep_value(w, connection, prepared=True)
            for w in dict.fromkeys(self.rhs)
            if w is not None
        ]
        if not waarden:
            raise EmptyResultSet  # as __in: no statement at all for an empty list
        # The type without its modifier: a cast to varchar(4) would cut "03631" to "0363".
        soort = veld.cast_db_type(connection).split("(")[0]
        return f"{lhs} = ANY(%s::{soort}[])", (*lhs_params, waarden)


class EenVan(_AlsArray, In):
    """``field__any=values``: see the module docstring. Values as for ``__in`` (None never
    matches); a subquery falls back to ``__in``."""


class GerelateerdEenVan(_AlsArray, RelatedIn):
    """``fk__any=values`` (ids or model instances), as ``fk__in``; Django keeps the lookups of
    relations apart from those of other fields."""


def registreren() -> None:
    Field.register_lookup(EenVan)
    ForeignObject.register_lookup(GerelateerdEenVan)

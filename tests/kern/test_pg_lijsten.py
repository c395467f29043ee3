"""kern.pg_lijsten: the faster list dumper writes, byte for byte, what psycopg's ListDumper
writes, and PostgreSQL reads the lists back as they were sent."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st
from psycopg.adapt import PyFormat, Transformer
from psycopg.types.array import ListDumper

from kern.pg_lijsten import Lijstdumper

_NUL = "\x00"  # psycopg refuses NUL in text either way

teksten = st.text(
    alphabet=st.characters(blacklist_characters=_NUL, blacklist_categories=("Cs",)), max_size=12
)
# Text that looks like what the queries send, with the characters that need quotes mixed in.
bijna_gewoon = st.text(alphabet='AZaz09:-_. ,"{}\\\tnulNUL\u3000\u00e9', max_size=10)
bedragen = st.one_of(
    st.decimals(allow_nan=False, allow_infinity=False, places=2),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.sampled_from([Decimal("NaN"), Decimal("-Infinity"), Decimal("1E+2"), Decimal("-0.00")]),
)
lijsten = st.one_of(
    st.lists(st.integers(min_value=-(2**63), max_value=2**63 - 1), max_size=30),
    st.lists(teksten, max_size=30),
    st.lists(bijna_gewoon, max_size=30),
    # Mostly plain elements, so the one that needs quotes is not hidden by another.
    st.lists(st.sampled_from(["", "a", "b1", "H07:9", "nULl", "x,y", "c d", "é", '"']), max_size=8),
    st.lists(bedragen, max_size=30),
    st.lists(st.one_of(st.none(), st.integers(), st.just("x")), max_size=10).filter(
        lambda lijst: len({type(w) for w in lijst} - {type(None)}) <= 1
    ),
    st.lists(st.booleans(), max_size=10),
)


def _beide(lijst: list[object]) -> tuple[bytes | None, bytes | None]:
    tx = Transformer()
    snel = Lijstdumper(list, tx).upgrade(lijst, PyFormat.TEXT)
    assert isinstance(snel, Lijstdumper)
    gewoon = ListDumper(list, tx).upgrade(lijst, PyFormat.TEXT)
    assert (snel.oid, snel.sub_dumper.__class__) == (gewoon.oid, gewoon.sub_dumper.__class__)

    def bytes_van(waarde: object) -> bytes | None:
        return None if waarde is None else bytes(waarde)  # type: ignore[call-overload]

    return bytes_van(snel.dump(lijst)), bytes_van(gewoon.dump(lijst))


@settings(max_examples=400)
@given(lijsten)
def test_de_snelle_dumper_schrijft_wat_psycopg_schrijft(lijst):
    snel, gewoon = _beide(lijst)
    assert snel == gewoon


@pytest.mark.parametrize(
    ("lijst", "verwacht"),
    [
        ([1, 20, -3], b"{1,20,-3}"),
        (["H07", "toewijzing:3f2a"], b"{H07,toewijzing:3f2a}"),
        ([Decimal("12.50"), Decimal("-0.01")], b"{12.50,-0.01}"),
        # Quoted, as psycopg quotes them: a comma, a space, NULL, an empty string, a quote.
        (["a,b", "c d", "NULL", "", 'e"f'], b'{"a,b","c d","NULL","","e\\"f"}'),
        (["null", "x"], b'{"null",x}'),
        # Each reason to quote alone, among plain elements.
        (["a", "", "b"], b'{a,"",b}'),
        (["a", ""], b'{a,""}'),
        ([""], b'{""}'),
        (["", "a"], b'{"",a}'),
        (["x,y"], b'{"x,y"}'),
        (["a", ",b"], b'{a,",b"}'),
        (["a,", "b"], b'{"a,",b}'),
        (["a", "nULl"], b'{a,"nULl"}'),
        (["a", "b\\c"], b'{a,"b\\\\c"}'),
        (["a", "b{"], b'{a,"b{"}'),
        (["a", "\u3000"], b'{a,"\xe3\x80\x80"}'),
        (["a", "\u00e9"], b"{a,\xc3\xa9}"),
        ([None, 1], b"{NULL,1}"),
    ],
)
def test_voorbeelden(lijst, verwacht):
    snel, gewoon = _beide(lijst)
    assert snel == gewoon == verwacht


@pytest.mark.postgres
@pytest.mark.django_db
@settings(max_examples=60, deadline=None)
@given(
    st.one_of(
        st.lists(st.integers(min_value=-(2**63), max_value=2**63 - 1), min_size=1, max_size=20),
        st.lists(teksten, min_size=1, max_size=20),
        st.lists(bedragen.filter(lambda d: d.is_finite()), min_size=1, max_size=20),
    )
)
def test_postgresql_leest_de_lijst_terug_zoals_ze_werd_gestuurd(lijst):
    soort = {int: "bigint", str: "text", Decimal: "numeric"}[type(lijst[0])]
    with connection.cursor() as cursor:
        assert issubclass(
            connection.connection.adapters.get_dumper(list, PyFormat.AUTO), Lijstdumper
        )
        cursor.execute(f"SELECT %s::{soort}[]", [lijst])
        (terug,) = cursor.fetchone()
    assert terug == lijst

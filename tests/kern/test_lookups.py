"""``field__any``: the same rows as ``field__in``, one statement whatever the list's length."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contracten.models import Zorgaanbieder
from kern.models import Gebruiker, Gemeente
from tests.factories import GebruikerFactory, ZorgaanbiederFactory, gemeente

pytestmark = pytest.mark.django_db

CODES = st.lists(
    st.one_of(
        st.sampled_from(["0363", "0599", "0344", "0014", "9999", "03631", "036"]),
        # PostgreSQL text holds no NUL character, with __in or __any; a lone surrogate is no
        # text at all (not encodable as UTF-8, for any backend).
        st.text(
            st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), max_size=6
        ),
    ),
    max_size=12,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(codes=CODES, met_none=st.booleans())
def test_any_selects_what_in_selects(codes, met_none):
    waarden = [*codes, None] if met_none else codes
    assert set(Gemeente.objects.filter(code__any=waarden).values_list("pk", flat=True)) == set(
        Gemeente.objects.filter(code__in=waarden).values_list("pk", flat=True)
    )
    # Excluding an empty list keeps every row, as __in does.
    assert Gemeente.objects.exclude(code__any=waarden).count() == (
        Gemeente.objects.exclude(code__in=waarden).count()
    )


def test_any_on_keys_uuids_and_across_a_join():
    a = ZorgaanbiederFactory()
    b = ZorgaanbiederFactory()
    assert set(Zorgaanbieder.objects.filter(uuid__any={a.uuid, uuid.uuid4()})) == {a}
    assert set(Zorgaanbieder.objects.filter(uuid__any=[str(b.uuid)])) == {b}
    assert set(Zorgaanbieder.objects.filter(pk__any=(a.pk, b.pk))) == {a, b}
    assert not Zorgaanbieder.objects.filter(pk__any=[]).exists()
    amsterdam, rotterdam = gemeente("0363"), gemeente("0599")
    inkoper = GebruikerFactory(gemeenten=[amsterdam])
    GebruikerFactory(gemeenten=[rotterdam])
    assert list(Gebruiker.objects.filter(gemeenten__code__any=["0363", "0344"])) == [inkoper]
    assert list(Gebruiker.objects.filter(gemeenten__any=[amsterdam.pk])) == [inkoper]


@pytest.mark.postgres
def test_on_postgresql_the_statement_does_not_depend_on_the_number_of_values():
    statements = set()
    for codes in (["0363"], ["0363", "0599", "0344"], [f"{i:04d}" for i in range(300)]):
        sql, params = (
            Gemeente.objects.filter(code__any=codes).values_list("pk").query.sql_with_params()
        )
        assert sql.count("%s") == 1
        assert params == (codes,)
        statements.add(sql)
        assert Gemeente.objects.filter(code__any=codes).count() == (
            Gemeente.objects.filter(code__in=codes).count()
        )
    assert len(statements) == 1
    # Cast to varchar without its length: varchar(4) would cut "03631" to "0363".
    assert "= ANY(%s::varchar[])" in statements.pop()
    assert not Gemeente.objects.filter(code__any=["03631"]).exists()

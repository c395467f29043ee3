"""kern.vaste_query: a queryset compiled once gives exactly the rows the ORM gives, and a shape
it cannot prove fixed runs through the ORM."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.db.models import Count, Max, Sum
from django.db.models.functions import TruncMonth
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contracten.models import Tariefperiode
from financien.models import Begrotingsjaar
from kern.models import Gemeente
from kern.vaste_query import VasteQuery
from tests.factories import ContractFactory, TariefperiodeFactory, gemeente

pytestmark = pytest.mark.django_db

GEMEENTEN = VasteQuery(
    lambda codes, provincie: (
        Gemeente.objects.filter(code__any=codes)
        .exclude(provincie=provincie)
        .order_by("code")
        .values("code", "naam", "provincie")
    )
)
CODES = VasteQuery(
    lambda codes: (
        Gemeente.objects.filter(code__any=codes).order_by("-code").values_list("code", flat=True)
    )
)
PER_PROVINCIE = VasteQuery(
    lambda codes: (
        Gemeente.objects.filter(code__any=codes)
        .values("provincie")
        .annotate(aantal=Count("pk"), hoogste=Max("code"))
        .order_by("provincie")
        .values_list("provincie", "aantal", "hoogste")
    )
)
EERSTE = VasteQuery(
    lambda provincie: (
        Gemeente.objects.filter(provincie=provincie)
        .order_by("naam")
        .values_list("naam", flat=True)[:1]
    )
)
#: Dates, decimals, a join through a many-to-many relation and a converter (TruncMonth).
TARIEVEN = VasteQuery(
    lambda gemeente_id, vanaf: (
        Tariefperiode.objects.filter(contract__gemeenten=gemeente_id, ingangsdatum__gte=vanaf)
        .annotate(maand=TruncMonth("ingangsdatum"))
        .values("maand", "eenheid")
        .annotate(som=Sum("bedrag"))
        .order_by("maand", "eenheid")
    )
)


def _alle_codes() -> list[str]:
    return list(Gemeente.objects.order_by("code").values_list("code", flat=True)[:60])


@pytest.mark.postgres
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_compiled_once_the_rows_are_the_orms(data):
    codes = _alle_codes()
    gekozen = data.draw(
        st.sets(st.sampled_from(codes) | st.text("0123456789", min_size=4, max_size=4), min_size=1)
    )
    provincie = data.draw(st.sampled_from(["Noord-Holland", "Zuid-Holland", "Utrecht", "x"]))
    assert GEMEENTEN(codes=gekozen, provincie=provincie) == list(
        GEMEENTEN._maak(codes=gekozen, provincie=provincie)
    )
    assert CODES(codes=sorted(gekozen)) == list(CODES._maak(codes=gekozen))
    assert PER_PROVINCIE(codes=gekozen) == list(PER_PROVINCIE._maak(codes=gekozen))
    assert EERSTE(provincie=provincie) == list(EERSTE._maak(provincie=provincie))
    assert EERSTE.eerste(provincie=provincie) == next(iter(EERSTE._maak(provincie=provincie)), None)
    for vq in (GEMEENTEN, CODES, PER_PROVINCIE, EERSTE):
        assert vq._cache and all(g is not None for g in vq._cache.values()), vq


@pytest.mark.postgres
def test_dates_decimals_and_converters_come_back_as_the_orm_gives_them():
    contract = ContractFactory(gemeenten=[gemeente("0363"), gemeente("0599")])
    for maand, bedrag in ((1, "65.10"), (1, "12.05"), (3, "70.00")):
        TariefperiodeFactory(
            contract=contract,
            bedrag=Decimal(bedrag),
            ingangsdatum=date(2026, maand, 5 + maand),
            einddatum=date(2026, maand, 20),
        )
    verwacht = [
        {"maand": date(2026, 1, 1), "eenheid": "04", "som": Decimal("77.15")},
        {"maand": date(2026, 3, 1), "eenheid": "04", "som": Decimal("70.00")},
    ]
    amsterdam = gemeente("0363").pk
    assert list(TARIEVEN._maak(gemeente_id=amsterdam, vanaf=date(2026, 1, 1))) == verwacht
    assert TARIEVEN(gemeente_id=amsterdam, vanaf=date(2026, 1, 1)) == verwacht
    assert TARIEVEN(gemeente_id=amsterdam, vanaf=date(2026, 2, 1)) == verwacht[1:]
    assert TARIEVEN(gemeente_id=gemeente("0014").pk, vanaf=date(2026, 1, 1)) == []
    assert all(g is not None for g in TARIEVEN._cache.values())


@pytest.mark.postgres
def test_the_same_statement_runs_every_time_without_the_orm_building_it():
    codes = _alle_codes()
    vq = VasteQuery(
        lambda codes: Gemeente.objects.filter(code__any=codes).values_list("code", flat=True)
    )
    statements = []

    def vastleggen(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(vastleggen):
        for n in (1, 5, 30):
            assert sorted(vq(codes=codes[:n])) == codes[:n]
    assert len(statements) == 3
    assert len(set(statements)) == 1
    # Built twice while compiling (the second time to check the shape), then never again.
    gebouwd = []

    def maak(codes):
        gebouwd.append(codes)
        return Gemeente.objects.filter(code__any=codes).values_list("code", flat=True)

    geteld = VasteQuery(maak)
    for n in (1, 5, 30):
        geteld(codes=codes[:n])
    assert len(gebouwd) == 2


@pytest.mark.postgres
def test_shapes_it_cannot_prove_fixed_run_through_the_orm():
    codes = _alle_codes()
    # The value becomes the SQL's LIMIT, not a parameter.
    aantal = VasteQuery(
        lambda codes, n: (
            Gemeente.objects.filter(code__any=codes)
            .order_by("code")
            .values_list("code", flat=True)[:n]
        )
    )
    assert aantal(codes=codes, n=3) == codes[:3]
    assert aantal(codes=codes, n=7) == codes[:7]
    assert list(aantal._cache.values()) == [None]
    # The value names the column to order by.
    volgorde = VasteQuery(
        lambda veld: (
            Gemeente.objects.filter(code__any=codes[:5])
            .order_by(veld)
            .values_list("code", flat=True)
        )
    )
    assert volgorde(veld="-code") == sorted(codes[:5], reverse=True)
    assert volgorde(veld="code") == codes[:5]
    assert list(volgorde._cache.values()) == [None]
    # Model instances, an empty list and a field that refuses the stand-in: the ORM, each time.
    instantie = VasteQuery(
        lambda contract: Tariefperiode.objects.filter(contract=contract).values_list(
            "bedrag", flat=True
        )
    )
    assert instantie(contract=TariefperiodeFactory(bedrag=Decimal("9.99")).contract) == [
        Decimal("9.99")
    ]
    assert instantie._cache == {}
    assert CODES(codes=[]) == []
    uuid = VasteQuery(lambda u: Tariefperiode.objects.filter(uuid=u).values_list("pk", flat=True))
    tp = TariefperiodeFactory()
    assert uuid(u=str(tp.uuid)) == [tp.pk]
    assert list(uuid._cache.values()) == [None]
    # A model queryset with select_related.
    gerelateerd = VasteQuery(
        lambda pk: Tariefperiode.objects.select_related("contract").filter(pk=pk)
    )
    assert [t.contract.nummer for t in gerelateerd(pk=tp.pk)] == [tp.contract.nummer]
    assert list(gerelateerd._cache.values()) == [None]


@pytest.mark.postgres
def test_model_instances_are_the_orms_deferred_fields_and_locks_included():
    contract = ContractFactory()
    perioden = [TariefperiodeFactory(contract=contract, bedrag=Decimal(b)) for b in ("1.10", "2")]
    pks = [t.pk for t in perioden]
    alle = VasteQuery(lambda pks: Tariefperiode.objects.filter(pk__any=pks).order_by("-bedrag"))
    uitgesteld = VasteQuery(
        lambda pk: Tariefperiode.objects.select_for_update().defer("eenheid").filter(pk=pk)
    )
    for _ in range(2):  # compiled, then from the cache
        gekregen = alle(pks=pks)
        verwacht = list(Tariefperiode.objects.filter(pk__any=pks).order_by("-bedrag"))
        assert gekregen == verwacht
        for a, b in zip(gekregen, verwacht, strict=True):
            velden = [f.attname for f in Tariefperiode._meta.concrete_fields]
            assert [getattr(a, v) for v in velden] == [getattr(b, v) for v in velden]
            assert (a._state.adding, a._state.db) == (False, "default")
        with transaction.atomic():
            (t,) = uitgesteld(pk=pks[0])
            assert t.get_deferred_fields() == {"eenheid"}
            assert t.eenheid == perioden[0].eenheid  # loaded on access, as the ORM does
    assert all(g is not None for g in alle._cache.values())
    assert all(g is not None for g in uitgesteld._cache.values())


@pytest.mark.postgres
def test_instances_made_without_init_are_as_the_orm_makes_them():
    """A model with plain columns (foreign keys, dates, a boolean) gets its instances without
    Model.__init__: the same __dict__ and state as the ORM's, deferred fields loaded on
    access, a foreign key's object fetched through its id."""
    jaren = [
        Begrotingsjaar.objects.create(gemeente=gemeente(code), jaar=2030 + i)
        for i, code in enumerate(("0301", "0302"))
    ]
    pks = [j.pk for j in jaren]
    alle = VasteQuery(lambda pks: Begrotingsjaar.objects.filter(pk__any=pks).order_by("pk"))
    deels = VasteQuery(
        lambda pks: Begrotingsjaar.objects.filter(pk__any=pks).only("jaar").order_by("pk")
    )
    for _ in range(2):  # compiled, then from the cache
        for vq, qs in (
            (alle, Begrotingsjaar.objects.filter(pk__any=pks).order_by("pk")),
            (deels, Begrotingsjaar.objects.filter(pk__any=pks).only("jaar").order_by("pk")),
        ):
            gekregen, verwacht = vq(pks=pks), list(qs)
            assert [type(g) for g in gekregen] == [Begrotingsjaar, Begrotingsjaar]
            for a, b in zip(gekregen, verwacht, strict=True):
                assert {k: v for k, v in vars(a).items() if k != "_state"} == {
                    k: v for k, v in vars(b).items() if k != "_state"
                }
                assert (a._state.adding, a._state.db) == (False, "default")
                assert a.get_deferred_fields() == b.get_deferred_fields()
    (geheel, _) = alle(pks=pks)
    assert geheel.gemeente.code == "0301"
    (deel, _) = deels(pks=pks)
    assert deel.get_deferred_fields() >= {"gemeente_id", "afgesloten"}
    assert (deel.gemeente_id, deel.afgesloten) == (jaren[0].gemeente_id, False)
    assert alle._cache[(("pks", "[int]"),)].zonder_init  # type: ignore[union-attr]
    assert deels._cache[(("pks", "[int]"),)].zonder_init  # type: ignore[union-attr]


@pytest.mark.postgres
def test_instances_go_through_from_db_when_init_matters():
    """A model with a field of its own descriptor (a MoneyField) is made by from_db, and so is
    any model while something listens to its init signals."""
    from django.db.models.signals import post_init

    geld = VasteQuery(lambda pks: Tariefperiode.objects.filter(pk__any=pks))
    periode = TariefperiodeFactory(bedrag=Decimal("3.25"))
    (gekregen,) = geld(pks=[periode.pk])
    assert gekregen.bedrag == periode.bedrag
    assert not geld._cache[(("pks", "[int]"),)].zonder_init  # type: ignore[union-attr]

    jaar = Begrotingsjaar.objects.create(gemeente=gemeente("0303"), jaar=2031)
    alle = VasteQuery(lambda pks: Begrotingsjaar.objects.filter(pk__any=pks))
    assert alle(pks=[jaar.pk]) == [jaar]
    gezien: list[object] = []

    def ontvanger(sender, instance, **kwargs):
        gezien.append(instance)

    post_init.connect(ontvanger, sender=Begrotingsjaar)
    try:
        (gekregen,) = alle(pks=[jaar.pk])
    finally:
        post_init.disconnect(ontvanger, sender=Begrotingsjaar)
    assert gezien == [gekregen]


def test_other_backends_run_the_orm():
    codes = _alle_codes()
    vq = VasteQuery(
        lambda codes: Gemeente.objects.filter(code__any=codes).values_list("code", flat=True)
    )
    assert sorted(vq(codes=codes[:4])) == codes[:4]
    if connection.vendor != "postgresql":
        assert vq._cache == {}


@pytest.mark.postgres
def test_an_integer_bound_with_the_columns_type_is_filled_in_with_it():
    """Django's PostgreSQL backend binds a small integer column's value as Int2: the compiled
    statement keeps that type for the real values (and the stand-ins stay within range)."""
    for code, jaar in (("0363", 2026), ("0599", 2026), ("0363", 2027)):
        Begrotingsjaar.objects.create(gemeente=gemeente(code), jaar=jaar)
    per_jaar = VasteQuery(
        lambda jaar, gemeenten: (
            Begrotingsjaar.objects.filter(jaar=jaar, gemeente_id__any=gemeenten)
            .order_by("gemeente__code")
            .values_list("gemeente__code", flat=True)
        )
    )
    beide = [gemeente("0363").pk, gemeente("0599").pk]
    assert per_jaar(jaar=2026, gemeenten=beide) == ["0363", "0599"]
    assert per_jaar(jaar=2027, gemeenten=beide) == ["0363"]
    assert per_jaar(jaar=2028, gemeenten=beide) == []
    (gecompileerd,) = per_jaar._cache.values()
    assert gecompileerd is not None
    (plaats,) = gecompileerd.plaatsen["jaar"]
    assert type(gecompileerd.params[plaats]).__name__ == "Int2"

"""Property-based tests for tariff periods: never overlapping, one valid period per day,
indexation rounding."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from contracten import selectors, services
from contracten.models import Tariefperiode
from kern.exceptions import DomeinFout
from kern.geld import afronden
from tests.factories import ContractFactory, ProductFactory, gemeente

START = date(2025, 1, 1)

operaties = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=700),  # start offset in days
        st.one_of(st.none(), st.integers(min_value=0, max_value=400)),  # length or open
        st.decimals(min_value=Decimal("0"), max_value=Decimal("500"), places=2),
        st.booleans(),  # correct an existing period instead of adding
    ),
    min_size=1,
    max_size=12,
)


class TariefperiodeEigenschappen(TestCase):
    @settings(max_examples=60, deadline=None)
    @given(operaties, st.lists(st.integers(min_value=-10, max_value=800), min_size=1, max_size=15))
    def test_periods_never_overlap_and_lookup_finds_the_one_valid(self, ops, peildagen):
        contract = ContractFactory(ingangsdatum=START, einddatum=None, gemeenten=[gemeente("0363")])
        product = ProductFactory()
        for start, lengte, bedrag, corrigeren in ops:
            actief = list(Tariefperiode.objects.filter(is_vervangen=False))
            voor = sorted(
                (p.pk, p.ingangsdatum, p.einddatum, p.bedrag.amount)
                for p in Tariefperiode.objects.all()
            )
            try:
                if corrigeren and actief:
                    doel = actief[start % len(actief)]
                    services.tariefperiode_corrigeren(
                        door=None, tariefperiode=doel, bedrag=bedrag, toelichting="eigenschap"
                    )
                else:
                    services.tariefperiode_toevoegen(
                        door=None,
                        contract=contract,
                        product=product,
                        bedrag=bedrag,
                        ingangsdatum=START + timedelta(days=start),
                        einddatum=None
                        if lengte is None
                        else START + timedelta(days=start + lengte),
                    )
            except DomeinFout:
                na = sorted(
                    (p.pk, p.ingangsdatum, p.einddatum, p.bedrag.amount)
                    for p in Tariefperiode.objects.all()
                )
                assert na == voor, "a refused action changed nothing"
            # Invariant: the active periods are pairwise disjoint.
            actief = sorted(
                Tariefperiode.objects.filter(is_vervangen=False), key=lambda p: p.ingangsdatum
            )
            for a, b in itertools.pairwise(actief):
                assert a.einddatum is not None and a.einddatum < b.ingangsdatum
            # Amounts are never overwritten: every amount ever stored is still there.
            assert all(p.bedrag.amount >= 0 for p in Tariefperiode.objects.all())

        actief = list(Tariefperiode.objects.filter(is_vervangen=False))
        for offset in peildagen:
            dag = START + timedelta(days=offset)
            geldig = [p for p in actief if p.ingangsdatum <= dag <= (p.einddatum or date.max)]
            assert len(geldig) <= 1
            if geldig:
                gevonden = selectors.tarief_op(
                    zorgaanbieder=contract.zorgaanbieder,
                    gemeente=gemeente("0363"),
                    product=product,
                    datum=dag,
                )
                assert gevonden.pk == geldig[0].pk
            else:
                try:
                    selectors.tarief_op(
                        zorgaanbieder=contract.zorgaanbieder,
                        gemeente=gemeente("0363"),
                        product=product,
                        datum=dag,
                    )
                except selectors.GeenContracttarief as fout:
                    assert fout.code == "geen_contracttarief"
                else:
                    raise AssertionError("tarief_op found a tariff where none is valid")


@given(
    st.decimals(min_value=Decimal("0"), max_value=Decimal("100000"), places=2),
    st.decimals(min_value=Decimal("-10"), max_value=Decimal("25"), places=3),
)
def test_indexation_rounds_half_up_to_cents(bedrag: Decimal, percentage: Decimal) -> None:
    nieuw = services.geindexeerd_bedrag(bedrag, percentage)
    exact = bedrag * (1 + percentage / 100)
    assert nieuw == afronden(exact)
    assert abs(nieuw - exact) <= Decimal("0.005")
    assert nieuw.as_tuple().exponent == -2


@given(
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal("100000"), places=2),
    st.decimals(min_value=Decimal("0"), max_value=Decimal("20"), places=2),
    st.decimals(min_value=Decimal("0"), max_value=Decimal("20"), places=2),
)
def test_indexation_is_monotonic(bedrag: Decimal, p1: Decimal, p2: Decimal) -> None:
    laag, hoog = sorted((p1, p2))
    assert services.geindexeerd_bedrag(bedrag, laag) <= services.geindexeerd_bedrag(bedrag, hoog)
    assert services.geindexeerd_bedrag(bedrag, Decimal("0")) == bedrag


@given(
    st.decimals(min_value=Decimal("0"), max_value=Decimal("10"), places=2),
    st.decimals(min_value=Decimal("0"), max_value=Decimal("10"), places=2),
    st.decimals(min_value=Decimal("0"), max_value=Decimal("1"), places=2),
)
def test_weighted_index_lies_between_its_parts(
    loon: Decimal, materieel: Decimal, aandeel: Decimal
) -> None:
    p = services.indexatiepercentage(loonindex=loon, materiele_index=materieel, loonaandeel=aandeel)
    assert min(loon, materieel) <= p <= max(loon, materieel)

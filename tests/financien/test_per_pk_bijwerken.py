"""``kern.bijwerken.per_pk_bijwerken``: each row gets its own values, other rows and columns
keep theirs, in one statement whose text does not depend on the number of rows."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from financien.models import Reservering
from kern.bijwerken import per_pk_bijwerken
from kern.models import Gemeente
from tests.financien.conftest import reserveer

pytestmark = pytest.mark.django_db

VELDEN = ["bedrag", "gerealiseerd_bedrag", "open_bedrag", "begindatum", "einddatum"]

BEDRAGEN = st.decimals(min_value=0, max_value=Decimal("999999999999.99"), places=2)


@st.composite
def nieuwe_stand(draw):
    """New amounts and period of an open reservation that its constraints accept."""
    bedrag = draw(BEDRAGEN)
    gerealiseerd = draw(st.decimals(min_value=0, max_value=bedrag, places=2))
    periode = draw(
        st.one_of(
            st.none(),
            st.tuples(
                st.dates(date(2020, 1, 1), date(2030, 12, 31)),
                st.integers(min_value=0, max_value=400),
            ),
        )
    )
    begin = periode[0] if periode else None
    eind = periode[0] + timedelta(days=periode[1]) if periode else None
    return bedrag, gerealiseerd, bedrag - gerealiseerd, begin, eind


def _stand(r: Reservering) -> tuple:
    return tuple(getattr(r, veld) for veld in VELDEN)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(standen=st.lists(nieuwe_stand(), min_size=1, max_size=5), data=st.data())
def test_elke_rij_krijgt_haar_eigen_waarden_en_de_rest_blijft(budgetpost, aanbieder, standen, data):
    alle = list(Reservering.objects.filter(budgetpost=budgetpost).order_by("pk"))
    while len(alle) < 6:
        alle.append(reserveer(budgetpost, aanbieder, "100.00", f"t{len(alle)}"))
    gekozen = data.draw(
        st.lists(st.sampled_from(alle), min_size=len(standen), max_size=len(standen), unique=True)
    )
    voor = {r.pk: (_stand(r), r.status, r.bron_id) for r in Reservering.objects.all()}
    for r, nieuw in zip(gekozen, standen, strict=True):
        r.bedrag, r.gerealiseerd_bedrag, r.open_bedrag, r.begindatum, r.einddatum = nieuw
        r.bron_id = "niet-geschreven"  # not among the columns written
    with CaptureQueriesContext(connection) as vastgelegd:
        per_pk_bijwerken(gekozen, VELDEN)
    assert len(vastgelegd) == 1
    verwacht = {r.pk: nieuw for r, nieuw in zip(gekozen, standen, strict=True)}
    for r in Reservering.objects.all():
        stand, status, bron_id = voor[r.pk]
        assert _stand(r) == verwacht.get(r.pk, stand)
        assert (r.status, r.bron_id) == (status, bron_id)


@pytest.mark.postgres  # elsewhere it is Django's bulk_update, with a CASE per row
def test_de_tekst_van_het_statement_hangt_niet_af_van_het_aantal_rijen(budgetpost, aanbieder):
    rijen = [reserveer(budgetpost, aanbieder, "10.00", f"s{n}") for n in range(3)]
    teksten = []
    for aantal in (1, 3):
        with CaptureQueriesContext(connection) as vastgelegd:
            per_pk_bijwerken(rijen[:aantal], ["bedrag", "open_bedrag"])
        teksten.append(vastgelegd.captured_queries[0]["sql"].split(" FROM unnest")[0])
    assert teksten[0] == teksten[1]


def test_tekst_en_waar_onwaar_van_een_ander_model(amsterdam):
    andere = Gemeente.objects.exclude(pk=amsterdam.pk).order_by("pk").first()
    assert andere is not None
    naam_voor = andere.naam
    amsterdam.naam, amsterdam.aangesloten = "Mokum", not amsterdam.aangesloten
    per_pk_bijwerken([amsterdam], ["naam", "aangesloten"])
    opnieuw = Gemeente.objects.get(pk=amsterdam.pk)
    assert (opnieuw.naam, opnieuw.aangesloten) == ("Mokum", amsterdam.aangesloten)
    assert Gemeente.objects.get(pk=andere.pk).naam == naam_voor


def test_niets_te_doen_geen_kolom_of_twee_modellen(budgetpost, aanbieder, amsterdam):
    with CaptureQueriesContext(connection) as vastgelegd:
        per_pk_bijwerken([], ["bedrag"])
    assert len(vastgelegd) == 0
    r = reserveer(budgetpost, aanbieder, "10.00", "k1")
    omgekeerd = Reservering._meta.related_objects[0].name  # a reverse relation, no column
    with pytest.raises(ValueError, match="geen kolom"):
        per_pk_bijwerken([r], [omgekeerd])
    with pytest.raises(TypeError, match="hetzelfde model"):
        per_pk_bijwerken([r, amsterdam], ["bedrag"])


def test_gemengde_en_andere_waarden_gaan_door_het_veld(budgetpost, aanbieder):
    # A column of ints and Decimals together, and of ints alone, for a DecimalField: the
    # values come out as Django's own update writes them.
    a = reserveer(budgetpost, aanbieder, "10.00", "g1")
    b = reserveer(budgetpost, aanbieder, "10.00", "g2")
    a.bedrag, a.open_bedrag = 20, 20
    b.bedrag, b.open_bedrag = Decimal("30.50"), Decimal("30.50")
    per_pk_bijwerken([a, b], ["bedrag", "open_bedrag"])
    assert list(
        Reservering.objects.filter(pk__in=[a.pk, b.pk]).order_by("pk").values_list("bedrag")
    ) == [(Decimal("20.00"),), (Decimal("30.50"),)]
    a.bedrag, a.open_bedrag = 7, 7
    per_pk_bijwerken([a], ["bedrag", "open_bedrag"])
    a.refresh_from_db()
    assert (a.bedrag, a.open_bedrag) == (Decimal("7.00"), Decimal("7.00"))

"""A Hypothesis state machine drives random sequences of budget changes, reservations,
changes, releases, realisations, credits, payments and replayed keys against a simple
in-memory model, and checks after every step: every transfer balances, every balance equals
the model, a reservation resolves at most once, and one key never books twice.

The steps are one rule that draws a weighted action. (Hypothesis switches whole rules off
per example; with a rule per action, the sequences that matter most, such as a credit after
a release, were rare. Checked by breaking the service on purpose: this machine finds it.)
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from financien import selectors, services
from financien.constants import RekeningSoort, ReserveringStatus
from financien.models import Boeking, Budgetpost, Rekening, Reservering
from kern.exceptions import DomeinFout
from kern.geld import afronden
from kern.models import Gemeente
from tests.factories import GebruikerFactory, ZorgaanbiederFactory
from tests.utils import tabel_tellingen

NUL = Decimal("0.00")
CENT = Decimal("0.01")
bedragen = st.integers(min_value=1, max_value=300_000).map(lambda c: Decimal(c).scaleb(-2))

#: The actions of a step, weighted by repetition.
ACTIES = (
    ["budget"]
    + ["reserveren"] * 2
    + ["wijzigen"] * 2
    + ["vrijgeven"] * 2
    + ["realiseren"] * 4
    + ["crediteren"] * 3
    + ["betalen"] * 2
    + ["sleutel_opnieuw"] * 2
)
#: How an amount relates to what is left: all of it, about half, one cent too much, or any.
KEUZES = ["rest", "deel", "deel", "erboven", "vrij"]


def kies(keuze: str, rest: Decimal, vrij: Decimal) -> Decimal:
    """An amount against ``rest`` that hits the edges as often as the middle."""
    if keuze == "rest" and rest > 0:
        return rest
    if keuze == "deel" and rest >= 2 * CENT:
        return afronden(rest / 2)
    if keuze == "erboven":
        return max(rest, NUL) + CENT
    return vrij


@dataclass
class ResModel:
    post: Budgetpost
    aanbieder: Any
    bedrag: Decimal
    gerealiseerd: Decimal = NUL
    open: Decimal = NUL
    status: str = ReserveringStatus.OPEN
    vrijgave: int | None = None


@dataclass
class RealModel:
    reservering: int
    bedrag: Decimal
    gecrediteerd: Decimal = NUL


@dataclass
class Aanroep:
    functie: Any
    kwargs: dict[str, Any]
    boeking: int


def _nul() -> Decimal:
    return NUL


@dataclass
class Model:
    budget: dict[int, Decimal] = field(default_factory=lambda: defaultdict(_nul))
    te_betalen: dict[tuple[int, int], Decimal] = field(default_factory=lambda: defaultdict(_nul))
    betaald: dict[tuple[int, int], Decimal] = field(default_factory=lambda: defaultdict(_nul))
    reserveringen: dict[int, ResModel] = field(default_factory=dict)
    realisaties: dict[int, RealModel] = field(default_factory=dict)


class GrootboekMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        # Each example runs in a savepoint of the test's transaction, rolled back after.
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        gemeente = Gemeente.objects.get(code="0363")
        self.door = GebruikerFactory(rollen=["budgethouder"], gemeenten=[gemeente])
        self.posten = [
            services.budgetpost_aanmaken(
                door=self.door, gemeente=gemeente, jaar=2026, wet=wet, taakveld=taakveld
            )
            for wet, taakveld in (("wmo", "6.71"), ("jw", "6.72"))
        ]
        self.aanbieders = [ZorgaanbiederFactory(), ZorgaanbiederFactory()]
        self.model = Model()
        self.aanroepen: list[Aanroep] = []
        self.teller = 0

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    # --- helpers ------------------------------------------------------------------------------

    def sleutel(self) -> str:
        self.teller += 1
        return f"k{self.teller}"

    def boek(self, functie: Any, **kwargs: Any) -> Boeking:
        boeking = functie(**kwargs)
        assert all(a.boeking != boeking.pk for a in self.aanroepen), "twee keer geboekt"
        self.aanroepen.append(Aanroep(functie, kwargs, boeking.pk))
        return boeking

    def geweigerd(self, code: str, functie: Any, **kwargs: Any) -> None:
        voor = tabel_tellingen("financien")
        with pytest.raises(DomeinFout) as fout:
            functie(**kwargs)
        assert fout.value.code == code, (code, fout.value.code, fout.value.bericht)
        assert tabel_tellingen("financien") == voor

    def reservering(self, data: st.DataObject) -> tuple[int, ResModel] | None:
        if not self.model.reserveringen:
            return None
        pk = data.draw(st.sampled_from(sorted(self.model.reserveringen)), label="reservering")
        return pk, self.model.reserveringen[pk]

    # --- the step -----------------------------------------------------------------------------

    @rule(actie=st.sampled_from(ACTIES), data=st.data())
    def stap(self, actie: str, data: st.DataObject) -> None:
        getattr(self, actie)(data)

    # --- actions ------------------------------------------------------------------------------

    def budget(self, data: st.DataObject) -> None:
        bp = data.draw(st.sampled_from(self.posten), label="budgetpost")
        bedrag = data.draw(bedragen, label="bedrag")
        kwargs = {
            "door": self.door,
            "budgetpost": bp,
            "bedrag": bedrag,
            "reden": "r",
            "idempotentiesleutel": self.sleutel(),
        }
        if data.draw(st.booleans(), label="verhogen"):
            bedrag = bedrag * 100
            self.boek(services.budget_toekennen, **{**kwargs, "bedrag": bedrag})
            self.model.budget[bp.pk] += bedrag
        elif bedrag > self.model.budget[bp.pk]:
            self.geweigerd("budget_negatief", services.budget_verlagen, **kwargs)
        else:
            self.boek(services.budget_verlagen, **kwargs)
            self.model.budget[bp.pk] -= bedrag

    def reserveren(self, data: st.DataObject) -> None:
        bp = data.draw(st.sampled_from(self.posten), label="budgetpost")
        za = data.draw(st.sampled_from(self.aanbieders), label="aanbieder")
        bedrag = data.draw(bedragen, label="bedrag")
        sleutel = self.sleutel()
        boeking = self.boek(
            services.reservering_boeken,
            door=None,
            budgetpost=bp,
            zorgaanbieder=za,
            bedrag=bedrag,
            bron_id=sleutel,
            idempotentiesleutel=sleutel,
        )
        assert boeking.reservering_id is not None
        self.model.reserveringen[boeking.reservering_id] = ResModel(
            post=bp, aanbieder=za, bedrag=bedrag, open=bedrag
        )

    def wijzigen(self, data: st.DataObject) -> None:
        gekozen = self.reservering(data)
        if gekozen is None:
            return
        pk, m = gekozen
        # Down to exactly what is realised, one cent below it, up to twice as much, or any.
        keuze = data.draw(st.sampled_from(["gerealiseerd", "eronder", "hoger", "vrij"]))
        bedrag = {
            "gerealiseerd": m.gerealiseerd,
            "eronder": m.gerealiseerd - CENT,
            "hoger": m.bedrag * 2,
        }.get(keuze) or data.draw(bedragen, label="bedrag")
        bedrag = max(bedrag, NUL)
        kwargs = {
            "door": None,
            "reservering": Reservering.objects.get(pk=pk),
            "bedrag": bedrag,
            "idempotentiesleutel": self.sleutel(),
        }
        if m.status != ReserveringStatus.OPEN:
            self.geweigerd("reservering_afgesloten", services.reservering_wijzigen, **kwargs)
        elif bedrag == m.bedrag:
            self.geweigerd("geen_wijziging", services.reservering_wijzigen, **kwargs)
        elif bedrag < m.gerealiseerd:
            self.geweigerd("onder_gerealiseerd", services.reservering_wijzigen, **kwargs)
        else:
            self.boek(services.reservering_wijzigen, **kwargs)
            m.bedrag = bedrag
            m.open = bedrag - m.gerealiseerd

    def vrijgeven(self, data: st.DataObject) -> None:
        gekozen = self.reservering(data)
        if gekozen is None:
            return
        pk, m = gekozen
        kwargs = {
            "door": None,
            "reservering": Reservering.objects.get(pk=pk),
            "idempotentiesleutel": self.sleutel(),
        }
        if m.status != ReserveringStatus.OPEN:
            voor = tabel_tellingen("financien")
            assert services.reservering_vrijgeven(**kwargs).pk == m.vrijgave
            assert tabel_tellingen("financien") == voor
            return
        boeking = self.boek(services.reservering_vrijgeven, **kwargs)
        assert boeking.bedrag == m.open
        m.status = ReserveringStatus.VRIJGEGEVEN if m.open > 0 else ReserveringStatus.AFGESLOTEN
        m.open = NUL
        m.vrijgave = boeking.pk

    def realiseren(self, data: st.DataObject) -> None:
        gekozen = self.reservering(data)
        if gekozen is None:
            return
        pk, m = gekozen
        bedrag = kies(data.draw(st.sampled_from(KEUZES)), m.open, data.draw(bedragen))
        sleutel = self.sleutel()
        kwargs = {
            "door": None,
            "reservering": Reservering.objects.get(pk=pk),
            "bedrag": bedrag,
            "bron_id": sleutel,
            "idempotentiesleutel": sleutel,
        }
        if m.status != ReserveringStatus.OPEN:
            self.geweigerd("reservering_afgesloten", services.realisatie_boeken, **kwargs)
        elif bedrag > m.open:
            self.geweigerd("boven_reservering", services.realisatie_boeken, **kwargs)
        else:
            boeking = self.boek(services.realisatie_boeken, **kwargs)
            m.open -= bedrag
            m.gerealiseerd += bedrag
            self.model.te_betalen[(m.post.pk, m.aanbieder.pk)] += bedrag
            self.model.realisaties[boeking.pk] = RealModel(reservering=pk, bedrag=bedrag)

    def crediteren(self, data: st.DataObject) -> None:
        if not self.model.realisaties:
            return
        real = data.draw(st.sampled_from(sorted(self.model.realisaties)), label="realisatie")
        r = self.model.realisaties[real]
        m = self.model.reserveringen[r.reservering]
        rest = r.bedrag - r.gecrediteerd
        bedrag: Decimal | None = None
        if data.draw(st.booleans(), label="deels"):
            bedrag = kies(data.draw(st.sampled_from(KEUZES)), rest, data.draw(bedragen))
        sleutel = self.sleutel()
        kwargs = {
            "door": None,
            "realisatie": Boeking.objects.get(pk=real),
            "bedrag": bedrag,
            "bron_id": sleutel,
            "idempotentiesleutel": sleutel,
        }
        te_crediteren = rest if bedrag is None else bedrag
        if te_crediteren <= 0 or te_crediteren > rest:
            self.geweigerd("boven_realisatie", services.realisatie_crediteren, **kwargs)
            return
        self.boek(services.realisatie_crediteren, **kwargs)
        r.gecrediteerd += te_crediteren
        m.gerealiseerd -= te_crediteren
        if m.status == ReserveringStatus.OPEN:
            m.open += te_crediteren
        self.model.te_betalen[(m.post.pk, m.aanbieder.pk)] -= te_crediteren

    def betalen(self, data: st.DataObject) -> None:
        """Pay the provider of a reservation on its budget post."""
        gekozen = self.reservering(data)
        if gekozen is None:
            return
        _, m = gekozen
        schuld = self.model.te_betalen[(m.post.pk, m.aanbieder.pk)]
        bedrag = kies(data.draw(st.sampled_from(KEUZES)), schuld, data.draw(bedragen))
        sleutel = self.sleutel()
        kwargs = {
            "door": None,
            "zorgaanbieder": m.aanbieder,
            "delen": [(m.post, bedrag)],
            "bron_id": sleutel,
            "idempotentiesleutel": sleutel,
        }
        if bedrag > schuld:
            self.geweigerd("boven_te_betalen", services.betaling_boeken, **kwargs)
            return
        self.boek(services.betaling_boeken, **kwargs)
        self.model.te_betalen[(m.post.pk, m.aanbieder.pk)] -= bedrag
        self.model.betaald[(m.post.pk, m.aanbieder.pk)] += bedrag

    def sleutel_opnieuw(self, data: st.DataObject) -> None:
        """A key used before: with the same request it answers the same transfer and books
        nothing; with another request (here: another boekdatum) it is refused."""
        if not self.aanroepen:
            return
        aanroep = data.draw(st.sampled_from(self.aanroepen), label="eerdere aanroep")
        if data.draw(st.booleans(), label="andere inhoud"):
            self.geweigerd(
                "idempotentiesleutel_conflict",
                aanroep.functie,
                **{**aanroep.kwargs, "boekdatum": date(2030, 1, 1)},
            )
            return
        voor = tabel_tellingen("financien")
        assert aanroep.functie(**aanroep.kwargs).pk == aanroep.boeking
        assert tabel_tellingen("financien") == voor

    # --- invariants -----------------------------------------------------------------------

    @invariant()
    def grootboek_klopt(self) -> None:
        assert selectors.grootboek_controleren() == []

    @invariant()
    def standen_volgen_het_model(self) -> None:
        for bp in self.posten:
            stand = selectors.budgetstand(budgetpost=bp)
            gereserveerd = sum(
                (m.open for m in self.model.reserveringen.values() if m.post.pk == bp.pk), NUL
            )
            betaald = sum((v for (p, _), v in self.model.betaald.items() if p == bp.pk), NUL)
            gerealiseerd = betaald + sum(
                (v for (p, _), v in self.model.te_betalen.items() if p == bp.pk), NUL
            )
            budget = self.model.budget[bp.pk]
            assert (stand.budget, stand.gereserveerd, stand.gerealiseerd, stand.betaald) == (
                budget,
                gereserveerd,
                gerealiseerd,
                betaald,
            )
            assert stand.beschikbaar == budget - gereserveerd - gerealiseerd
        saldi = {
            (r.budgetpost_id, r.zorgaanbieder_id): r.saldo
            for r in Rekening.objects.filter(soort=RekeningSoort.TE_BETALEN)
        }
        assert {k: v for k, v in saldi.items() if v} == {
            k: v for k, v in self.model.te_betalen.items() if v
        }

    @invariant()
    def reserveringen_volgen_het_model(self) -> None:
        for res in Reservering.objects.all():
            m = self.model.reserveringen[res.pk]
            assert (res.bedrag, res.gerealiseerd_bedrag, res.open_bedrag, res.status) == (
                m.bedrag,
                m.gerealiseerd,
                m.open,
                m.status,
            )
            # Resolved at most once: by the one transfer the model saw.
            assert res.vrijgave_id == m.vrijgave

    @invariant()
    def een_boeking_per_sleutel(self) -> None:
        assert Boeking.objects.count() == len(self.aanroepen)
        assert len({a.boeking for a in self.aanroepen}) == len(self.aanroepen)


@pytest.mark.django_db
def test_grootboek_state_machine() -> None:
    run_state_machine_as_test(
        GrootboekMachine,
        settings=settings(
            max_examples=30,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )

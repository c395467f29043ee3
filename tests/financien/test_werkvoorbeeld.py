"""The money cycle as a worked example, with every balance checked at every step:
budget 1,000,000 -> an opdracht reserves 12,000 for 2026 -> prestaties realise -> a credit
-> payment -> a credit after payment (the provider owes) -> the opdracht is shortened ->
another prestatie (offset) -> the rest is released."""

from __future__ import annotations

from datetime import date

import pytest

from financien import selectors, services
from financien.constants import BoekingSoort, RekeningSoort, ReserveringStatus
from financien.models import Betaalbatch, Boeking, Rekening, Reservering
from kern.exceptions import DomeinFout
from tests.financien.conftest import D, reserveer, stand

pytestmark = pytest.mark.django_db

TOEWIJZING = "5f0c8f44-1d0e-4a55-9a53-4f0d1c1b2a01"


def te_betalen(budgetpost, aanbieder):
    return Rekening.objects.get(
        budgetpost=budgetpost, soort=RekeningSoort.TE_BETALEN, zorgaanbieder=aanbieder
    ).saldo


def verwacht(budget, gereserveerd, gerealiseerd, betaald):
    return {
        "budget": D(budget),
        "gereserveerd": D(gereserveerd),
        "gerealiseerd": D(gerealiseerd),
        "betaald": D(betaald),
        "beschikbaar": D(budget) - D(gereserveerd) - D(gerealiseerd),
    }


def test_werkvoorbeeld_van_budget_tot_betaling(budgethouder, budgetpost, aanbieder):
    def controle(budget, gereserveerd, gerealiseerd, betaald):
        assert stand(budgetpost) == verwacht(budget, gereserveerd, gerealiseerd, betaald)
        assert selectors.grootboek_controleren() == []

    controle("0.00", "0.00", "0.00", "0.00")

    # 1. The council grants the budget.
    services.budget_toekennen(
        door=budgethouder,
        budgetpost=budgetpost,
        bedrag=D("1000000.00"),
        reden="Primaire begroting 2026",
        besluit="RB 2025-112",
        idempotentiesleutel="begroting-2026",
        boekdatum=date(2026, 1, 1),
    )
    controle("1000000.00", "0.00", "0.00", "0.00")

    # 2. An opdracht reserves its expected cost in 2026.
    reservering_boeking = services.reservering_boeken(
        door=None,
        budgetpost=budgetpost,
        zorgaanbieder=aanbieder,
        bedrag=D("12000.00"),
        bron_id=TOEWIJZING,
        idempotentiesleutel=f"toewijzing:{TOEWIJZING}:2026",
        boekdatum=date(2026, 3, 20),
    )
    reservering = Reservering.objects.get(pk=reservering_boeking.reservering_id)
    assert (reservering.status, reservering.bedrag, reservering.open_bedrag) == (
        ReserveringStatus.OPEN,
        D("12000.00"),
        D("12000.00"),
    )
    controle("1000000.00", "12000.00", "0.00", "0.00")

    # 3. Three months of approved prestaties post part of it.
    realisaties = []
    for maand in (4, 5, 6):
        realisaties.append(
            services.realisatie_boeken(
                door=None,
                reservering=reservering,
                bedrag=D("1000.00"),
                bron_id=f"prestatie-{maand}",
                idempotentiesleutel=f"prestatie-{maand}",
                boekdatum=date(2026, maand + 1, 10),
            )
        )
    controle("1000000.00", "9000.00", "3000.00", "0.00")
    assert te_betalen(budgetpost, aanbieder) == D("3000.00")

    # 4. The provider credits 250.00 of May (hours declared too many).
    services.realisatie_crediteren(
        door=None,
        realisatie=realisaties[1],
        bedrag=D("250.00"),
        bron_id="prestatie-5-credit",
        idempotentiesleutel="prestatie-5-credit",
        boekdatum=date(2026, 7, 10),
    )
    controle("1000000.00", "9250.00", "2750.00", "0.00")
    reservering.refresh_from_db()
    assert (reservering.gerealiseerd_bedrag, reservering.open_bedrag) == (
        D("2750.00"),
        D("9250.00"),
    )

    # 5. The payment batch pays what is payable.
    services.betaling_boeken(
        door=None,
        zorgaanbieder=aanbieder,
        delen=[(budgetpost, D("2750.00"))],
        bron_id="batch-2026-07",
        idempotentiesleutel="batch-2026-07",
        boekdatum=date(2026, 7, 15),
    )
    controle("1000000.00", "9250.00", "2750.00", "2750.00")
    assert te_betalen(budgetpost, aanbieder) == D("0.00")

    # 6. June is credited in full after it was paid: the provider now owes 1,000.00.
    services.realisatie_crediteren(
        door=None,
        realisatie=realisaties[2],
        bron_id="prestatie-6-credit",
        idempotentiesleutel="prestatie-6-credit",
        boekdatum=date(2026, 8, 10),
    )
    controle("1000000.00", "10250.00", "1750.00", "2750.00")
    assert te_betalen(budgetpost, aanbieder) == D("-1000.00")

    # 7. The opdracht is shortened: the reservation drops to 6,000.00.
    services.reservering_wijzigen(
        door=None,
        reservering=reservering,
        bedrag=D("6000.00"),
        idempotentiesleutel=f"toewijzing:{TOEWIJZING}:2026:wijziging-1",
        boekdatum=date(2026, 8, 20),
    )
    controle("1000000.00", "4250.00", "1750.00", "2750.00")

    # 8. July is realised; it offsets what the provider owed.
    services.realisatie_boeken(
        door=None,
        reservering=reservering,
        bedrag=D("1000.00"),
        bron_id="prestatie-7",
        idempotentiesleutel="prestatie-7",
        boekdatum=date(2026, 8, 25),
    )
    controle("1000000.00", "3250.00", "2750.00", "2750.00")
    assert te_betalen(budgetpost, aanbieder) == D("0.00")

    # 9. The opdracht ends: the rest goes back to beschikbaar, once.
    vrijgave = services.reservering_vrijgeven(
        door=None,
        reservering=reservering,
        idempotentiesleutel=f"toewijzing:{TOEWIJZING}:2026:einde",
        boekdatum=date(2026, 9, 30),
    )
    controle("1000000.00", "0.00", "2750.00", "2750.00")
    assert stand(budgetpost)["beschikbaar"] == D("997250.00")
    reservering.refresh_from_db()
    assert (reservering.status, reservering.open_bedrag, reservering.gerealiseerd_bedrag) == (
        ReserveringStatus.VRIJGEGEVEN,
        D("0.00"),
        D("2750.00"),
    )
    assert vrijgave.bedrag == D("3250.00")

    # The history on a peildatum: the position as it stood after step 5.
    assert stand(budgetpost, peildatum=date(2026, 7, 15)) == verwacht(
        "1000000.00", "9250.00", "2750.00", "2750.00"
    )
    assert stand(budgetpost, peildatum=date(2025, 12, 31)) == verwacht("0", "0", "0", "0")

    # Eleven transfers, each balanced, none changed.
    assert list(Boeking.objects.order_by("id").values_list("soort", flat=True)) == [
        BoekingSoort.BUDGET_TOEKENNING,
        BoekingSoort.RESERVERING,
        BoekingSoort.REALISATIE,
        BoekingSoort.REALISATIE,
        BoekingSoort.REALISATIE,
        BoekingSoort.CREDITERING,
        BoekingSoort.BETALING,
        BoekingSoort.CREDITERING,
        BoekingSoort.RESERVERING_WIJZIGING,
        BoekingSoort.REALISATIE,
        BoekingSoort.VRIJGAVE,
    ]


def test_opdracht_over_twee_jaren_reserveert_per_jaar(
    budgethouder, budgetpost, budgetpost_2027, aanbieder
):
    for bp, bedrag in ((budgetpost, "9000.00"), (budgetpost_2027, "3000.00")):
        services.budget_toekennen(
            door=budgethouder,
            budgetpost=bp,
            bedrag=D("100000.00"),
            reden="Begroting",
            idempotentiesleutel=f"begroting-{bp.jaar}",
        )
        reserveer(bp, aanbieder, bedrag, TOEWIJZING)
    assert stand(budgetpost)["gereserveerd"] == D("9000.00")
    assert stand(budgetpost_2027)["gereserveerd"] == D("3000.00")
    assert [
        (r.jaar, r.bedrag)
        for r in selectors.reserveringen_van_bron(bron_type="toewijzing", bron_id=TOEWIJZING)
    ] == [(2026, D("9000.00")), (2027, D("3000.00"))]


def test_werkvoorbeeld_met_betaalbatches(
    budgethouder, beoordelaar, amsterdam, budgetpost, aanbieder, betaalrekening
):
    """Budget 1,000,000 -> an opdracht reserves 12,000 -> three prestaties realise 1,000
    each -> 250 credited -> a batch pays 2,750 after a second person approved it -> June
    is credited after payment (the provider owes 1,000) -> July realises 1,500 -> the next
    batch offsets the debt and pays 500 (Contractstandaarden art. 3.12)."""

    def controle(budget, gereserveerd, gerealiseerd, betaald, te_betalen_aanbieder):
        assert stand(budgetpost) == verwacht(budget, gereserveerd, gerealiseerd, betaald)
        saldi = Rekening.objects.filter(
            budgetpost=budgetpost, soort=RekeningSoort.TE_BETALEN, zorgaanbieder=aanbieder
        ).values_list("saldo", flat=True)
        assert sum(saldi, D("0.00")) == D(te_betalen_aanbieder)
        assert selectors.grootboek_controleren() == []
        assert selectors.betaalbatches_controleren() == []

    # 1. Budget.
    services.budget_toekennen(
        door=budgethouder,
        budgetpost=budgetpost,
        bedrag=D("1000000.00"),
        reden="Primaire begroting 2026",
        idempotentiesleutel="begroting-2026",
        boekdatum=date(2026, 1, 1),
    )
    controle("1000000.00", "0.00", "0.00", "0.00", "0.00")

    # 2. The opdracht reserves 12,000.
    boeking = services.reservering_boeken(
        door=None,
        budgetpost=budgetpost,
        zorgaanbieder=aanbieder,
        bedrag=D("12000.00"),
        bron_id=TOEWIJZING,
        idempotentiesleutel=f"toewijzing:{TOEWIJZING}:2026",
        boekdatum=date(2026, 3, 20),
    )
    reservering = Reservering.objects.get(pk=boeking.reservering_id)
    controle("1000000.00", "12000.00", "0.00", "0.00", "0.00")

    # 3. April, May and June are realised.
    realisaties = []
    for maand in (4, 5, 6):
        realisaties.append(
            services.realisatie_boeken(
                door=None,
                reservering=reservering,
                bedrag=D("1000.00"),
                bron_id=f"prestatie-{maand}",
                idempotentiesleutel=f"prestatie-{maand}",
                boekdatum=date(2026, maand + 1, 10),
            )
        )
        controle(
            "1000000.00",
            D("12000.00") - 1000 * (maand - 3),
            D("1000.00") * (maand - 3),
            "0.00",
            D("1000.00") * (maand - 3),
        )

    # 4. 250 of May is credited.
    services.realisatie_crediteren(
        door=None,
        realisatie=realisaties[1],
        bedrag=D("250.00"),
        bron_id="prestatie-5-credit",
        idempotentiesleutel="prestatie-5-credit",
        boekdatum=date(2026, 7, 10),
    )
    controle("1000000.00", "9250.00", "2750.00", "0.00", "2750.00")

    # 5. A batch collects the four transfers; making and approving it books nothing.
    batch = services.betaalbatch_aanmaken(
        door=budgethouder, gemeente=amsterdam, uitvoeringsdatum=date(2026, 7, 15)
    )
    assert (batch.totaal_bedrag, batch.regels.count()) == (D("2750.00"), 4)
    controle("1000000.00", "9250.00", "2750.00", "0.00", "2750.00")
    batch = services.betaalbatch_goedkeuren(door=beoordelaar, batch=batch)
    controle("1000000.00", "9250.00", "2750.00", "0.00", "2750.00")

    # 6. The bank paid it: te betalen -> betaald.
    services.betaalbatch_betaald_melden(
        door=beoordelaar, batch=batch, betaaldatum=date(2026, 7, 15)
    )
    controle("1000000.00", "9250.00", "2750.00", "2750.00", "0.00")

    # 7. June is credited in full after payment: the provider owes 1,000.
    services.realisatie_crediteren(
        door=None,
        realisatie=realisaties[2],
        bron_id="prestatie-6-credit",
        idempotentiesleutel="prestatie-6-credit",
        boekdatum=date(2026, 8, 10),
    )
    controle("1000000.00", "10250.00", "1750.00", "2750.00", "-1000.00")

    # 8. Nothing to pay while the provider owes: the credit waits for the next debit.
    with pytest.raises(DomeinFout) as fout:
        services.betaalbatch_aanmaken(
            door=budgethouder, gemeente=amsterdam, uitvoeringsdatum=date(2026, 8, 15)
        )
    assert fout.value.code == "niets_te_betalen"
    controle("1000000.00", "10250.00", "1750.00", "2750.00", "-1000.00")

    # 9. July realises 1,500; the next batch offsets the 1,000 and pays 500.
    services.realisatie_boeken(
        door=None,
        reservering=reservering,
        bedrag=D("1500.00"),
        bron_id="prestatie-7",
        idempotentiesleutel="prestatie-7",
        boekdatum=date(2026, 8, 25),
    )
    controle("1000000.00", "8750.00", "3250.00", "2750.00", "500.00")
    tweede = services.betaalbatch_aanmaken(
        door=beoordelaar, gemeente=amsterdam, uitvoeringsdatum=date(2026, 9, 1)
    )
    assert sorted(tweede.regels.values_list("bedrag", flat=True)) == [
        D("-1000.00"),
        D("1500.00"),
    ]
    assert tweede.totaal_bedrag == D("500.00")
    tweede = services.betaalbatch_goedkeuren(door=budgethouder, batch=tweede)
    services.betaalbatch_betaald_melden(
        door=budgethouder, batch=tweede, betaaldatum=date(2026, 9, 1)
    )
    controle("1000000.00", "8750.00", "3250.00", "3250.00", "0.00")
    assert Rekening.objects.get(
        budgetpost=budgetpost, soort=RekeningSoort.BETAALD, zorgaanbieder=aanbieder
    ).saldo == D("3250.00")
    assert stand(budgetpost)["beschikbaar"] == D("988000.00")
    assert list(Betaalbatch.objects.order_by("id").values_list("referentie", "status")) == [
        ("BB-0363-000001", "betaald"),
        ("BB-0363-000002", "betaald"),
    ]
    # The payments in the ledger: 2,750 then 500, both from the batches.
    assert list(
        Boeking.objects.filter(soort=BoekingSoort.BETALING)
        .order_by("id")
        .values_list("bedrag", "boekdatum")
    ) == [(D("2750.00"), date(2026, 7, 15)), (D("500.00"), date(2026, 9, 1))]

"""Payment batches over the netted bookings of a declaration
(:func:`financien.services.declaratieboekingen.declaratie_boeken`): one transfer with legs
on several budget posts becomes one line per leg; a declaration's credit (which names no
single realisation) waits until what it reverses is paid, and is then offset."""

from __future__ import annotations

from datetime import date

import pytest

from financien import selectors, services
from financien.constants import BoekingSoort
from financien.models import Reservering
from financien.services.declaratieboekingen import (
    Declaratieverzoek,
    Realisatiedeel,
    declaratie_boeken,
    declaraties_boeken,
)
from kern.exceptions import Conflict, DomeinFout
from tests.financien.batchscene import aanbieder_saldi, reserveer
from tests.financien.conftest import D

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(budgethouder, budgetpost, budgetpost_2027, aanbieder, betaalrekening):
    for bp in (budgetpost, budgetpost_2027):
        services.budget_toekennen(
            door=budgethouder,
            budgetpost=bp,
            bedrag=D("50000.00"),
            reden="Begroting",
            idempotentiesleutel=f"begroting-{bp.jaar}",
        )
        reserveer(bp, aanbieder, "5000.00", "toewijzing-t")


def declareer(gemeente, aanbieder, nummer: int, *delen: tuple[int, str], dag: date):
    return declaratie_boeken(
        door=None,
        gemeente_id=gemeente.pk,
        bron_id=f"declaratie-{nummer}",
        delen=[
            Realisatiedeel(
                toewijzing="toewijzing-t",
                jaar=jaar,
                bedrag=D(bedrag),
                zorgaanbieder_id=aanbieder.pk,
            )
            for jaar, bedrag in delen
        ],
        idempotentiesleutel=f"declaratie-{nummer}",
        boekdatum=dag,
    )


def maak(door, gemeente):
    return services.betaalbatch_aanmaken(
        door=door, gemeente=gemeente, uitvoeringsdatum=date(2027, 3, 1)
    )


def test_declaratie_over_twee_jaren_en_haar_creditering(
    budgethouder, beoordelaar, amsterdam, budgetpost, budgetpost_2027, aanbieder, scene
):
    eerste = declareer(
        amsterdam, aanbieder, 1, (2026, "800.00"), (2027, "300.00"), dag=date(2027, 1, 20)
    )
    assert eerste.realisatie.regels.count() == 4  # two posts, two legs each
    batch = maak(budgethouder, amsterdam)
    assert sorted((r.boeking_id, r.budgetpost_id, r.bedrag) for r in batch.regels.all()) == sorted(
        [
            (eerste.realisatie.pk, budgetpost.pk, D("800.00")),
            (eerste.realisatie.pk, budgetpost_2027.pk, D("300.00")),
        ]
    )
    assert batch.totaal_bedrag == D("1100.00")

    # A credit of 200 on 2026 while the batch is not paid: it waits.
    credit = declareer(amsterdam, aanbieder, 2, (2026, "-200.00"), dag=date(2027, 1, 25))
    assert credit.creditering.soort == BoekingSoort.DECLARATIECREDITERING
    assert credit.creditering.corrigeert is None
    with pytest.raises(DomeinFout) as fout:
        maak(budgethouder, amsterdam)
    assert fout.value.code == "niets_te_betalen"

    services.betaalbatch_goedkeuren(door=beoordelaar, batch=batch)
    services.betaalbatch_betaald_melden(door=beoordelaar, batch=batch, betaaldatum=date(2027, 2, 1))
    assert aanbieder_saldi(budgetpost, aanbieder) == (D("-200.00"), D("800.00"))
    assert aanbieder_saldi(budgetpost_2027, aanbieder) == (D("0.00"), D("300.00"))

    # Now the credit may go, but alone it nets below zero: the provider is left out.
    with pytest.raises(DomeinFout) as fout:
        maak(budgethouder, amsterdam)
    assert fout.value.details["overgeslagen"][0]["saldo"] == "-200.00"

    # The next declaration (500 on 2027) offsets it: 300 is paid.
    derde = declareer(amsterdam, aanbieder, 3, (2027, "500.00"), dag=date(2027, 2, 20))
    tweede = maak(budgethouder, amsterdam)
    assert sorted(tweede.regels.values_list("boeking_id", "bedrag")) == sorted(
        [(credit.creditering.pk, D("-200.00")), (derde.realisatie.pk, D("500.00"))]
    )
    assert tweede.totaal_bedrag == D("300.00")
    services.betaalbatch_goedkeuren(door=beoordelaar, batch=tweede)
    services.betaalbatch_betaald_melden(
        door=beoordelaar, batch=tweede, betaaldatum=date(2027, 3, 1)
    )
    assert aanbieder_saldi(budgetpost, aanbieder) == (D("0.00"), D("600.00"))
    assert aanbieder_saldi(budgetpost_2027, aanbieder) == (D("0.00"), D("800.00"))
    assert selectors.betaalbatches_controleren() == []


def test_een_toewijzing_zonder_reservering_krijgt_die_op_de_budgetpost_van_de_aanroeper(
    amsterdam, budgetpost, aanbieder, scene
):
    """``budgetposten_voor`` is asked once, for only the (toewijzing, year) pairs without a
    reservation; their reservation is made on the post it names, the shortfall reserved."""
    gevraagd: list[list[tuple[str, int]]] = []

    def budgetposten_voor(paren):
        gevraagd.append(paren)
        return dict.fromkeys(paren, budgetpost)

    geboekt = declaratie_boeken(
        door=None,
        gemeente_id=amsterdam.pk,
        bron_id="declaratie-n",
        delen=[
            Realisatiedeel("toewijzing-t", 2026, D("100.00"), aanbieder.pk),
            Realisatiedeel("toewijzing-nieuw", 2026, D("40.00"), aanbieder.pk),
        ],
        idempotentiesleutel="declaratie-n",
        budgetposten_voor=budgetposten_voor,
    )
    assert gevraagd == [[("toewijzing-nieuw", 2026)]]
    assert geboekt.realisatie.bedrag == D("140.00")
    nieuw = Reservering.objects.get(bron_id="toewijzing-nieuw")
    assert (nieuw.budgetpost, nieuw.bedrag, nieuw.gerealiseerd_bedrag, nieuw.open_bedrag) == (
        budgetpost,
        D("40.00"),
        D("40.00"),
        D("0.00"),
    )
    assert selectors.grootboek_controleren() == []
    # Without anyone to ask, a toewijzing without a reservation is refused.
    with pytest.raises(DomeinFout) as fout:
        declaratie_boeken(
            door=None,
            gemeente_id=amsterdam.pk,
            bron_id="declaratie-m",
            delen=[Realisatiedeel("toewijzing-onbekend", 2026, D("10.00"), aanbieder.pk)],
            idempotentiesleutel="declaratie-m",
        )
    assert fout.value.code == "geen_budgetpost"


def test_veel_declaraties_in_een_keer_boeken_als_een_voor_een(
    amsterdam, budgetpost, budgetpost_2027, aanbieder, scene, django_assert_max_num_queries
):
    """``declaraties_boeken`` books many declarations as ``declaratie_boeken`` would one after
    the other, in one set of queries: each its own transfers, the reservation they share
    changed by both in order (the second credits what the first realised), a key twice
    booked once, and the same call again answered from the ledger."""

    def declaratie_a() -> Declaratieverzoek:  # asked twice: a new, equal request each time
        return Declaratieverzoek(
            gemeente_id=amsterdam.pk,
            bron_id="declaratie-a",
            delen=[
                Realisatiedeel("toewijzing-t", 2026, D("800.00"), aanbieder.pk),
                Realisatiedeel("toewijzing-t", 2027, D("300.00"), aanbieder.pk),
            ],
            idempotentiesleutel="declaratie-a",
        )

    verzoeken = [
        declaratie_a(),
        Declaratieverzoek(
            gemeente_id=amsterdam.pk,
            bron_id="declaratie-b",
            delen=[Realisatiedeel("toewijzing-t", 2026, D("-200.00"), aanbieder.pk)],
            idempotentiesleutel="declaratie-b",
        ),
        declaratie_a(),
    ]
    with django_assert_max_num_queries(30):
        a, b, a_weer = declaraties_boeken(door=None, verzoeken=verzoeken)
    assert a.realisatie.bedrag == D("1100.00") and a.creditering is None
    assert b.realisatie is None and b.creditering.bedrag == D("200.00")
    assert a_weer == a
    reservering = Reservering.objects.get(bron_id="toewijzing-t", jaar=2026)
    assert (reservering.bedrag, reservering.gerealiseerd_bedrag, reservering.open_bedrag) == (
        D("5000.00"),
        D("600.00"),
        D("4400.00"),
    )
    assert aanbieder_saldi(budgetpost, aanbieder) == (D("600.00"), D("0.00"))
    assert aanbieder_saldi(budgetpost_2027, aanbieder) == (D("300.00"), D("0.00"))
    assert selectors.grootboek_controleren() == []
    # Again: the stored transfers, nothing booked twice; another request under a used key
    # is refused.
    assert declaraties_boeken(door=None, verzoeken=verzoeken[:2]) == [a, b]
    assert aanbieder_saldi(budgetpost, aanbieder) == (D("600.00"), D("0.00"))
    with pytest.raises(Conflict):
        declaraties_boeken(
            door=None,
            verzoeken=[
                Declaratieverzoek(
                    gemeente_id=amsterdam.pk,
                    bron_id="declaratie-b",
                    delen=[Realisatiedeel("toewijzing-t", 2026, D("-100.00"), aanbieder.pk)],
                    idempotentiesleutel="declaratie-b",
                )
            ],
        )

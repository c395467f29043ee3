"""Declarations under real concurrency (PostgreSQL): two messages racing for the last room of
one toewijzing, and a credit racing the payment batch that holds its debit."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from declaraties.constants import PrestatieStatus
from declaraties.models import Prestatie
from financien import services as financien_services
from financien.constants import RekeningSoort
from financien.models import Rekening
from financien.selectors import budgetstand, grootboek_controleren
from iwmo_jw.services import bericht_ontvangen
from tests.declaraties_intake.scene import ONTVANGEN_OP
from tests.declaraties_intake.test_verwerken import NOVEMBER_, SEPTEMBER
from tests.factories import GebruikerFactory
from tests.financien.test_postgres import tegelijk

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

D = Decimal


def _ontvang(data: bytes) -> str:
    return bericht_ontvangen(data=data, ontvangen_op=ONTVANGEN_OP).bericht.status


def test_two_messages_racing_for_the_last_room_of_a_toewijzing(ds_tx):
    ds = ds_tx
    # 40 hours a month: each message asks 30 hours of October; only one can have them. The
    # October declaration (A) and the November one (B) race; the loser is explained by a code:
    # A first: B's line repeats an approved prestatie's key (9389) and breaks the monthly
    # volume (9321); B first: A's DeclaratiePeriode lies before the one already received
    # (8214, the whole declaration).
    a = ds.xml([ds.prestatie("A1", uren=30)], identificatie="RACEA")
    b = ds.xml([ds.prestatie("B1", uren=30)], identificatie="RACEB", periode=NOVEMBER_)
    assert tegelijk([lambda: _ontvang(a), lambda: _ontvang(b)]) == ["verwerkt", "verwerkt"]
    uitkomst = dict(Prestatie.objects.values_list("referentienummer", "retourcodes"))
    assert uitkomst in ({"A1": "", "B1": "9389,9321"}, {"A1": "8214", "B1": ""}), uitkomst
    assert Prestatie.objects.filter(status=PrestatieStatus.TOEGEKEND).count() == 1
    assert budgetstand(budgetpost=ds.scene.bp2026).gerealiseerd == D("1950.00")
    assert grootboek_controleren() == []


def test_a_credit_racing_the_batch_that_holds_its_debit(ds_tx):
    ds = ds_tx
    budgethouder = ds.scene.budgethouder
    financien_services.betaalrekening_vastleggen(
        door=budgethouder,
        gemeente=ds.scene.gemeente,
        naam="Gemeente Amsterdam",
        iban="NL14BNGH0285001234",
        bic="BNGHNL2G",
    )
    assert (
        _ontvang(ds.xml([ds.prestatie("R1", uren=10, periode=SEPTEMBER)], periode=SEPTEMBER))
        == "verwerkt"
    )
    credit = ds.xml(
        [ds.prestatie("R1C", uren=10, credit_van="R1", periode=SEPTEMBER)], periode=NOVEMBER_
    )
    beoordelaar = GebruikerFactory(
        username="beo_pg", rollen=["beoordelaar"], gemeenten=[ds.scene.gemeente]
    )

    def batch():
        return financien_services.betaalbatch_aanmaken(
            door=beoordelaar, gemeente=ds.scene.gemeente, uitvoeringsdatum=date(2027, 1, 20)
        ).pk

    uitkomsten = tegelijk([lambda: _ontvang(credit), batch])
    assert uitkomsten[0] == "verwerkt"
    # The batch came first (it holds the debit) or after the credit (nothing left to pay).
    assert uitkomsten[1] == "niets_te_betalen" or isinstance(uitkomsten[1], int), uitkomsten
    # Whatever the order: credited once, and what is payable plus what a batch pays adds up.
    assert Prestatie.objects.get(referentienummer="R1").status == PrestatieStatus.GECREDITEERD
    assert Prestatie.objects.get(referentienummer="R1C").status == PrestatieStatus.TOEGEKEND
    te_betalen = Rekening.objects.get(
        budgetpost=ds.scene.bp2026, soort=RekeningSoort.TE_BETALEN, zorgaanbieder=ds.scene.aanbieder
    ).saldo
    assert te_betalen == D("0.00")
    assert budgetstand(budgetpost=ds.scene.bp2026).gerealiseerd == D("0.00")
    assert grootboek_controleren() == []
    if isinstance(uitkomsten[1], int):
        from financien.models import Betaalbatch

        batch_ = Betaalbatch.objects.get(pk=uitkomsten[1])
        # It holds the debit once; the credit that followed waits for the next batch, where it
        # is netted (art. 3.12): paid once, credited once.
        assert batch_.totaal_bedrag == D("650.00")

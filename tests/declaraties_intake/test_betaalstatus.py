"""Approved prestaties follow the payment batch that holds their declaration's realisation."""

from __future__ import annotations

from datetime import date

from declaraties import services
from declaraties.constants import PrestatieStatus
from declaraties.models import Prestatie
from financien import services as financien_services
from tests.declaraties_intake.test_verwerken import SEPTEMBER, _ontvang
from tests.factories import GebruikerFactory


def _statussen():
    return dict(Prestatie.objects.values_list("referentienummer", "status"))


def test_toegekend_in_betaalbatch_betaald_and_back_when_cancelled(ds):
    _ontvang(ds.xml([ds.prestatie("R1", uren=10), ds.prestatie("R2", uren=50, periode=SEPTEMBER)]))
    assert _statussen() == {"R1": "toegekend", "R2": "afgewezen"}
    financien_services.betaalrekening_vastleggen(
        door=ds.scene.budgethouder,
        gemeente=ds.scene.gemeente,
        naam="Gemeente Amsterdam",
        iban="NL14BNGH0285001234",
        bic="BNGHNL2G",
    )
    beoordelaar = GebruikerFactory(
        username="beo_bs", rollen=["beoordelaar"], gemeenten=[ds.scene.gemeente]
    )
    batch = financien_services.betaalbatch_aanmaken(
        door=beoordelaar, gemeente=ds.scene.gemeente, uitvoeringsdatum=date(2027, 1, 20)
    )
    assert services.betaalstatussen_bijwerken() == 1
    assert _statussen() == {"R1": "in_betaalbatch", "R2": "afgewezen"}
    assert services.betaalstatussen_bijwerken() == 0  # safe to run twice

    financien_services.betaalbatch_annuleren(door=beoordelaar, batch=batch, reden="Fout datum")
    services.betaalstatussen_bijwerken()
    assert _statussen()["R1"] == PrestatieStatus.TOEGEKEND

    batch = financien_services.betaalbatch_aanmaken(
        door=beoordelaar, gemeente=ds.scene.gemeente, uitvoeringsdatum=date(2027, 1, 21)
    )
    financien_services.betaalbatch_goedkeuren(door=ds.scene.budgethouder, batch=batch)
    financien_services.betaalbatch_betaald_melden(
        door=ds.scene.budgethouder, batch=batch, betaaldatum=date(2027, 1, 21)
    )
    services.betaalstatussen_bijwerken()
    assert _statussen()["R1"] == PrestatieStatus.BETAALD
    r1 = Prestatie.objects.get(referentienummer="R1")
    assert list(r1.statuswijzigingen.values_list("van_status", "naar_status")) == [
        ("toegekend", "in_betaalbatch"),
        ("in_betaalbatch", "toegekend"),
        ("toegekend", "betaald"),
    ]

"""Corrections after the fact: a shortened toewijzing or a corrected tariff turns approved
prestaties into a credit request, and a credit closes it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from contracten.models import Tariefperiode
from contracten.services import tariefperiode_corrigeren
from declaraties.correcties import TARIEF_GECORRIGEERD, TOEWIJZING_INGEKORT, creditverzoeken
from inkoop import services as inkoop_services
from tests.declaraties_intake.test_verwerken import NOVEMBER_, SEPTEMBER, _ontvang
from tests.factories import GebruikerFactory

D = Decimal


def test_a_shortened_toewijzing_asks_for_a_credit_until_it_comes(ds):
    _ontvang(ds.xml([ds.prestatie("R1", uren=10), ds.prestatie("R2", uren=5, periode=SEPTEMBER)]))
    beoordelaar = GebruikerFactory(
        username="b_corr", rollen=["beoordelaar"], gemeenten=[ds.scene.gemeente]
    )
    assert creditverzoeken(gebruiker=beoordelaar) == []

    inkoop_services.toewijzing_intrekken(
        door=ds.scene.regisseur,
        toewijzing=ds.toewijzing,
        einddatum=date(2026, 9, 30),
        reden_wijziging="02",
        versturen=False,
    )
    [verzoek] = creditverzoeken(gebruiker=beoordelaar)
    assert (verzoek.prestatie.referentienummer, verzoek.redenen, verzoek.te_crediteren) == (
        "R1",
        (TOEWIJZING_INGEKORT,),
        D("650.00"),
    )
    assert not verzoek.gecrediteerd
    assert "einddatum" in verzoek.toelichting

    _ontvang(ds.xml([ds.prestatie("R1C", uren=10, credit_van="R1")], periode=NOVEMBER_))
    [verzoek] = creditverzoeken(gebruiker=beoordelaar)
    assert verzoek.gecrediteerd


def test_a_corrected_tariff_asks_for_a_credit_of_the_lines_priced_on_it(ds):
    _ontvang(ds.xml([ds.prestatie("R1", uren=10)]))
    inkoper = GebruikerFactory(
        username="ink_corr", rollen=["inkoper"], gemeenten=[ds.scene.gemeente]
    )
    oud = Tariefperiode.objects.get(
        contract=ds.scene.contract, product=ds.scene.begeleiding, ingangsdatum=date(2025, 1, 1)
    )
    tariefperiode_corrigeren(
        door=inkoper, tariefperiode=oud, bedrag=D("66.00"), toelichting="Typefout in het tarief."
    )
    [verzoek] = creditverzoeken(gebruiker=inkoper)
    assert verzoek.redenen == (TARIEF_GECORRIGEERD,)
    # A provider sees its own requests; another provider none.
    from tests.factories import ZorgaanbiederFactory, aanbieder_gebruiker

    eigen = aanbieder_gebruiker(ds.scene.aanbieder, username="noord_corr")
    ander = aanbieder_gebruiker(ZorgaanbiederFactory(), username="zuid_corr")
    assert [v.prestatie.referentienummer for v in creditverzoeken(gebruiker=eigen)] == ["R1"]
    assert creditverzoeken(gebruiker=ander) == []

"""Reads: the budget position in a fixed number of queries, scoping by gemeente, and which
budget post pays for a product."""

from __future__ import annotations

from datetime import date

import pytest

from financien import selectors, services
from financien.models import Reservering
from kern.exceptions import DomeinFout, NietGevonden
from tests.factories import GebruikerFactory, ProductFactory, aanbieder_gebruiker, categorie
from tests.financien.conftest import D, stand

pytestmark = pytest.mark.django_db


def boek_transfers(budgethouder, budgetpost, aanbieder, aantal: int) -> None:
    """A budget, a reservation and ``aantal`` - 2 realisations of 1.00 each."""
    services.budget_toekennen(
        door=budgethouder,
        budgetpost=budgetpost,
        bedrag=D("5000.00"),
        reden="Begroting",
        idempotentiesleutel="b",
        boekdatum=date(2026, 1, 1),
    )
    reservering = Reservering.objects.get(
        pk=services.reservering_boeken(
            door=None,
            budgetpost=budgetpost,
            zorgaanbieder=aanbieder,
            bedrag=D("1000.00"),
            bron_id="t",
            idempotentiesleutel="t",
            boekdatum=date(2026, 1, 2),
        ).reservering_id
    )
    for i in range(aantal - 2):
        services.realisatie_boeken(
            door=None,
            reservering=reservering,
            bedrag=D("1.00"),
            bron_id=f"p{i}",
            idempotentiesleutel=f"p{i}",
            boekdatum=date(2026, 2, 1),
        )


@pytest.mark.parametrize("aantal", [3, 300])
def test_budgetstand_in_een_query_ongeacht_het_aantal_boekingen(
    budgethouder, budgetpost, aanbieder, aantal, django_assert_num_queries
):
    boek_transfers(budgethouder, budgetpost, aanbieder, aantal)
    with django_assert_num_queries(1):
        nu = selectors.budgetstand(budgetpost=budgetpost)
    with django_assert_num_queries(1):
        toen = selectors.budgetstand(budgetpost=budgetpost, peildatum=date(2026, 1, 31))
    gerealiseerd = D(aantal - 2)
    assert (nu.budget, nu.gereserveerd, nu.gerealiseerd, nu.betaald, nu.beschikbaar) == (
        D("5000.00"),
        D("1000.00") - gerealiseerd,
        gerealiseerd,
        D("0.00"),
        D("4000.00"),
    )
    assert (toen.budget, toen.gereserveerd, toen.gerealiseerd, toen.beschikbaar) == (
        D("5000.00"),
        D("1000.00"),
        D("0.00"),
        D("4000.00"),
    )


@pytest.mark.parametrize("aantal", [3, 300])
def test_budgetstanden_in_vaste_querys(
    budgethouder,
    budgetpost,
    budgetpost_2027,
    aanbieder,
    aantal,
    amsterdam,
    django_assert_num_queries,
):
    boek_transfers(budgethouder, budgetpost, aanbieder, aantal)
    for taakveld in ("6.72", "6.81"):
        services.budgetpost_aanmaken(
            door=budgethouder, gemeente=amsterdam, jaar=2026, wet="jw", taakveld=taakveld
        )
    lezer = GebruikerFactory(rollen=["budgethouder"], gemeenten=[amsterdam])
    lezer.rollen(), lezer.gemeente_ids()  # the request's user carries these already
    with django_assert_num_queries(2):
        standen = selectors.budgetstanden(gebruiker=lezer, jaar=2026)
    assert sorted((s.budgetpost.taakveld, s.budget) for s in standen) == [
        ("6.71", D("5000.00")),
        ("6.72", D("0.00")),
        ("6.81", D("0.00")),
    ]
    with django_assert_num_queries(2):
        standen = selectors.budgetstanden(
            gebruiker=lezer, jaar=2026, wet="wmo", peildatum=date(2026, 1, 1)
        )
    assert [(s.budgetpost.pk, s.budget, s.gereserveerd) for s in standen] == [
        (budgetpost.pk, D("5000.00"), D("0.00"))
    ]


def test_standen_per_gemeente_gescheiden(budgetpost, rotterdam, aanbieder):
    rdam = GebruikerFactory(rollen=["budgethouder"], gemeenten=[rotterdam])
    eigen = services.budgetpost_aanmaken(
        door=rdam, gemeente=rotterdam, jaar=2026, wet="wmo", taakveld="6.71"
    )
    assert [s.budgetpost.pk for s in selectors.budgetstanden(gebruiker=rdam, jaar=2026)] == [
        eigen.pk
    ]
    with pytest.raises(NietGevonden) as fout:
        selectors.budgetpost_ophalen(gebruiker=rdam, uuid=budgetpost.uuid)
    assert (fout.value.status, fout.value.code) == (404, "budgetpost_niet_gevonden")
    zorg = aanbieder_gebruiker(aanbieder)
    assert list(selectors.budgetposten_zichtbaar(gebruiker=zorg)) == []
    assert list(selectors.boekingen_zichtbaar(gebruiker=zorg)) == []
    assert list(selectors.reserveringen_zichtbaar(gebruiker=zorg)) == []
    zonder_gemeente = GebruikerFactory(rollen=["budgethouder"])
    assert list(selectors.budgetposten_zichtbaar(gebruiker=zonder_gemeente)) == []
    beheer = GebruikerFactory(is_superuser=True)
    assert selectors.budgetposten_zichtbaar(gebruiker=beheer).count() == 2


def test_budgetstand_van_lege_post(budgetpost):
    assert stand(budgetpost) == {
        k: D("0.00") for k in ("budget", "gereserveerd", "gerealiseerd", "betaald", "beschikbaar")
    }
    assert str(stand(budgetpost)["budget"]) == "0.00"


# --- Which budget post pays ---------------------------------------------------------------


@pytest.fixture
def posten(budgethouder, amsterdam):
    """6.71 for all of Wmo, 6.6 for category 02, a narrower 6.6 post for category 02 only,
    and a 6.71 post with kostenplaats K9 for one product."""

    def maak(taakveld, **kwargs):
        return services.budgetpost_aanmaken(
            door=budgethouder,
            gemeente=amsterdam,
            jaar=2026,
            wet="wmo",
            taakveld=taakveld,
            **kwargs,
        )

    return {
        "wet": maak("6.71"),
        "categorie_breed": maak("6.6"),
        "categorie_smal": maak("6.6", productcategorie=categorie("wmo", "02")),
        "product": maak("6.71", kostenplaats="K9"),
    }


def test_budgetpost_voor_kiest_de_meest_specifieke_regel(
    budgethouder, amsterdam, posten, django_assert_num_queries
):
    product = ProductFactory(categorie=categorie("wmo", "02"))
    ander_product = ProductFactory(categorie=categorie("wmo", "02"))
    services.toewijzingsregel_vastleggen(
        door=budgethouder, gemeente=amsterdam, wet="wmo", taakveld="6.71"
    )
    services.toewijzingsregel_vastleggen(
        door=budgethouder,
        gemeente=amsterdam,
        wet="wmo",
        taakveld="6.6",
        productcategorie=categorie("wmo", "02"),
    )
    services.toewijzingsregel_vastleggen(
        door=budgethouder,
        gemeente=amsterdam,
        wet="wmo",
        taakveld="6.71",
        kostenplaats="K9",
        product=product,
    )

    def voor(cat, prod=None):
        return selectors.budgetpost_voor(
            gemeente=amsterdam, jaar=2026, wet="wmo", productcategorie=cat, product=prod
        )

    cat02 = categorie("wmo", "02")
    with django_assert_num_queries(2):
        assert voor(cat02, product) == posten["product"]
    assert voor(categorie("wmo", "02"), ander_product) == posten["categorie_smal"]
    assert voor(categorie("wmo", "02")) == posten["categorie_smal"]
    assert voor(categorie("wmo", "03")) == posten["wet"]


def test_geen_budgetpost(budgethouder, amsterdam, posten):
    with pytest.raises(DomeinFout) as fout:
        selectors.budgetpost_voor(
            gemeente=amsterdam, jaar=2026, wet="jw", productcategorie=categorie("jw", "45")
        )
    assert fout.value.code == "geen_budgetpost"
    assert "toewijzingsregel" in fout.value.bericht
    services.toewijzingsregel_vastleggen(
        door=budgethouder, gemeente=amsterdam, wet="jw", taakveld="6.72"
    )
    with pytest.raises(DomeinFout) as fout:
        selectors.budgetpost_voor(
            gemeente=amsterdam, jaar=2026, wet="jw", productcategorie=categorie("jw", "45")
        )
    assert fout.value.code == "geen_budgetpost"
    assert fout.value.details["taakveld"] == "6.72"
    with pytest.raises(DomeinFout) as fout:
        selectors.budgetpost_voor(
            gemeente=amsterdam, jaar=2027, wet="wmo", productcategorie=categorie("wmo", "02")
        )
    assert fout.value.code == "geen_budgetpost"

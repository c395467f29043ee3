"""The services of financien: what they book, what they refuse (with the ledger unchanged),
idempotency keys, closed years, roles and the audit trail."""

from __future__ import annotations

from decimal import Decimal

import pytest

from financien import selectors, services
from financien.constants import BoekingSoort, RekeningSoort, ReserveringStatus
from financien.models import Begrotingsjaar, Boeking, Boekingsregel, Rekening, Reservering
from kern.constants import AuditActie
from kern.exceptions import DomeinFout
from kern.models import AuditRecord
from tests.factories import GebruikerFactory, categorie, gemeente
from tests.financien.conftest import D, stand
from tests.utils import NietsVeranderd

pytestmark = pytest.mark.django_db


def geweigerd(code: str, functie, **kwargs) -> DomeinFout:
    """Call ``functie``; it must refuse with ``code`` and leave every table as it was."""
    with NietsVeranderd("financien", "kern"), pytest.raises(DomeinFout) as fout:
        functie(**kwargs)
    assert fout.value.code == code, fout.value.bericht
    assert fout.value.bericht
    return fout.value


@pytest.fixture
def reservering(met_budget, aanbieder) -> Reservering:
    boeking = services.reservering_boeken(
        door=None,
        budgetpost=met_budget,
        zorgaanbieder=aanbieder,
        bedrag=D("1000.00"),
        bron_id="toewijzing-1",
        idempotentiesleutel="res-1",
    )
    return Reservering.objects.get(pk=boeking.reservering_id)


def realiseer(reservering, bedrag: str, sleutel: str) -> Boeking:
    return services.realisatie_boeken(
        door=None,
        reservering=reservering,
        bedrag=D(bedrag),
        bron_id=sleutel,
        idempotentiesleutel=sleutel,
    )


# --- Budget posts -------------------------------------------------------------------------


def test_budgetpost_krijgt_drie_rekeningen_en_een_begrotingsjaar(budgetpost):
    assert sorted(budgetpost.rekeningen.values_list("soort", "saldo")) == [
        (RekeningSoort.BEGROTING, D("0.00")),
        (RekeningSoort.BESCHIKBAAR, D("0.00")),
        (RekeningSoort.GERESERVEERD, D("0.00")),
    ]
    assert Begrotingsjaar.objects.filter(gemeente=budgetpost.gemeente, jaar=2026).count() == 1
    assert AuditRecord.objects.filter(object_id=str(budgetpost.pk), actie="aangemaakt").exists()


def test_budgetpost_met_en_zonder_categorie_naast_elkaar(budgethouder, budgetpost, amsterdam):
    metcat = services.budgetpost_aanmaken(
        door=budgethouder,
        gemeente=amsterdam,
        jaar=2026,
        wet="wmo",
        taakveld="6.71",
        productcategorie=categorie("wmo", "02"),
    )
    assert metcat.pk != budgetpost.pk
    geweigerd(
        "budgetpost_bestaat",
        services.budgetpost_aanmaken,
        door=budgethouder,
        gemeente=amsterdam,
        jaar=2026,
        wet="wmo",
        taakveld="6.71",
        productcategorie=categorie("wmo", "02"),
    )
    geweigerd(
        "budgetpost_bestaat",
        services.budgetpost_aanmaken,
        door=budgethouder,
        gemeente=amsterdam,
        jaar=2026,
        wet="wmo",
        taakveld="6.71",
    )


@pytest.mark.parametrize(
    ("velden", "code"),
    [
        ({"wet": "jw", "productcategorie": ("wmo", "02")}, "productcategorie_andere_wet"),
        ({"taakveld": "9.9"}, "ongeldige_keuze"),
        ({"jaar": 2014}, "jaar_ongeldig"),
    ],
)
def test_budgetpost_ongeldig(budgethouder, amsterdam, velden, code):
    kwargs = {
        "door": budgethouder,
        "gemeente": amsterdam,
        "jaar": 2026,
        "wet": "wmo",
        "taakveld": "6.71",
    }
    kwargs.update(velden)
    if "productcategorie" in kwargs:
        kwargs["productcategorie"] = categorie(*kwargs["productcategorie"])
    geweigerd(code, services.budgetpost_aanmaken, **kwargs)


def test_budgetpost_alleen_budgethouder_of_beheerder_in_eigen_gemeente(amsterdam, rotterdam):
    regisseur = GebruikerFactory(rollen=["regisseur"], gemeenten=[amsterdam])
    rdam = GebruikerFactory(rollen=["budgethouder"], gemeenten=[rotterdam])
    kwargs = {"gemeente": amsterdam, "jaar": 2026, "wet": "wmo", "taakveld": "6.71"}
    assert (
        geweigerd("geen_toegang", services.budgetpost_aanmaken, door=regisseur, **kwargs).status
        == 403
    )
    geweigerd("gemeente_buiten_bevoegdheid", services.budgetpost_aanmaken, door=rdam, **kwargs)


# --- Budget changes -----------------------------------------------------------------------


def test_budget_toekennen_en_verlagen(budgethouder, budgetpost):
    services.budget_toekennen(
        door=budgethouder,
        budgetpost=budgetpost,
        bedrag=D("500.00"),
        reden="Begroting",
        besluit="RB 12",
        idempotentiesleutel="a",
    )
    verlaging = services.budget_verlagen(
        door=budgethouder,
        budgetpost=budgetpost,
        bedrag=D("200.00"),
        reden="Bezuiniging",
        idempotentiesleutel="b",
    )
    assert stand(budgetpost)["budget"] == D("300.00")
    assert stand(budgetpost)["beschikbaar"] == D("300.00")
    assert [
        (w.bedrag, w.reden, w.besluit)
        for w in selectors.begrotingswijzigingen_van(budgetpost=budgetpost)
    ] == [(D("500.00"), "Begroting", "RB 12"), (D("-200.00"), "Bezuiniging", "")]
    assert verlaging.begrotingswijziging.bedrag == D("-200.00")
    assert verlaging.bron_id == str(verlaging.begrotingswijziging.uuid)
    audit = AuditRecord.objects.filter(object_id=str(verlaging.begrotingswijziging.pk)).get()
    assert (audit.gebruiker, audit.na["budget_voor"], audit.na["budget_na"]) == (
        budgethouder,
        "500.00",
        "300.00",
    )
    geweigerd(
        "budget_negatief",
        services.budget_verlagen,
        door=budgethouder,
        budgetpost=budgetpost,
        bedrag=D("300.01"),
        reden="Te veel",
        idempotentiesleutel="c",
    )


def test_budget_verlagen_mag_beschikbaar_negatief_maken(reservering, budgethouder, met_budget):
    services.budget_verlagen(
        door=budgethouder,
        budgetpost=met_budget,
        bedrag=D("9500.00"),
        reden="Bezuiniging",
        idempotentiesleutel="verlaag",
    )
    assert stand(met_budget) == {
        "budget": D("500.00"),
        "gereserveerd": D("1000.00"),
        "gerealiseerd": D("0.00"),
        "betaald": D("0.00"),
        "beschikbaar": D("-500.00"),
    }


@pytest.mark.parametrize(
    ("bedrag", "code"),
    [
        (D("0"), "bedrag_niet_positief"),
        (D("-5.00"), "bedrag_niet_positief"),
        (D("1.234"), "bedrag_te_veel_decimalen"),
        (D("1000000000000.00"), "bedrag_te_groot"),
        (1.5, "bedrag_ongeldig"),
        (5, "bedrag_ongeldig"),
        ("5.00", "bedrag_ongeldig"),
        (Decimal("NaN"), "bedrag_ongeldig"),
    ],
)
def test_budget_ongeldig_bedrag(budgethouder, budgetpost, bedrag, code):
    geweigerd(
        code,
        services.budget_toekennen,
        door=budgethouder,
        budgetpost=budgetpost,
        bedrag=bedrag,
        reden="x",
        idempotentiesleutel="k",
    )


@pytest.mark.parametrize(
    ("velden", "code"),
    [
        ({"reden": "  "}, "reden_verplicht"),
        ({"idempotentiesleutel": ""}, "idempotentiesleutel_verplicht"),
        ({"idempotentiesleutel": "x" * 201}, "idempotentiesleutel_te_lang"),
    ],
)
def test_budget_ongeldige_invoer(budgethouder, budgetpost, velden, code):
    kwargs = {
        "door": budgethouder,
        "budgetpost": budgetpost,
        "bedrag": D("1.00"),
        "reden": "x",
        "idempotentiesleutel": "k",
    }
    geweigerd(code, services.budget_toekennen, **{**kwargs, **velden})


def test_budget_rol_en_bevoegdheid(budgetpost, amsterdam, rotterdam):
    kwargs = {
        "budgetpost": budgetpost,
        "bedrag": D("1.00"),
        "reden": "x",
        "idempotentiesleutel": "k",
    }
    inkoper = GebruikerFactory(rollen=["inkoper"], gemeenten=[amsterdam])
    geweigerd("geen_toegang", services.budget_toekennen, door=inkoper, **kwargs)
    anders = GebruikerFactory(rollen=["beheerder"], gemeenten=[rotterdam])
    geweigerd("gemeente_buiten_bevoegdheid", services.budget_toekennen, door=anders, **kwargs)
    beheerder = GebruikerFactory(rollen=["beheerder"], gemeenten=[amsterdam])
    services.budget_toekennen(door=beheerder, **kwargs)
    assert stand(budgetpost)["budget"] == D("1.00")


# --- Idempotency --------------------------------------------------------------------------


def test_zelfde_sleutel_boekt_een_keer(budgethouder, budgetpost):
    kwargs = {
        "door": budgethouder,
        "budgetpost": budgetpost,
        "bedrag": D("100.00"),
        "reden": "Begroting",
        "idempotentiesleutel": "eenmalig",
    }
    eerste = services.budget_toekennen(**kwargs)
    with NietsVeranderd("financien", "kern"):
        tweede = services.budget_toekennen(**kwargs)
        # A system replay (no user) with another description is the same request.
        derde = services.budget_toekennen(**{**kwargs, "door": None})
    assert eerste.pk == tweede.pk == derde.pk
    assert stand(budgetpost)["budget"] == D("100.00")


def test_zelfde_sleutel_andere_inhoud_is_conflict(budgethouder, budgetpost, reservering):
    kwargs = {
        "door": budgethouder,
        "budgetpost": budgetpost,
        "bedrag": D("100.00"),
        "reden": "Begroting",
        "idempotentiesleutel": "sleutel",
    }
    services.budget_toekennen(**kwargs)
    fout = geweigerd(
        "idempotentiesleutel_conflict",
        services.budget_toekennen,
        **{**kwargs, "bedrag": D("101.00")},
    )
    assert fout.status == 409
    geweigerd("idempotentiesleutel_conflict", services.budget_verlagen, **kwargs)
    # A key is unique over the whole ledger, not per service.
    geweigerd(
        "idempotentiesleutel_conflict",
        services.realisatie_boeken,
        door=None,
        reservering=reservering,
        bedrag=D("1.00"),
        bron_id="p",
        idempotentiesleutel="sleutel",
    )


def test_herhaling_na_afhandeling_geeft_de_oorspronkelijke_boeking(reservering):
    realisatie = realiseer(reservering, "400.00", "p1")
    services.reservering_vrijgeven(door=None, reservering=reservering, idempotentiesleutel="einde")
    with NietsVeranderd("financien", "kern"):
        assert realiseer(reservering, "400.00", "p1").pk == realisatie.pk


def test_herhaling_van_elke_dienst_boekt_niets(reservering, aanbieder, met_budget):
    realisatie = realiseer(reservering, "400.00", "p1")
    aanroepen = [
        (
            services.reservering_wijzigen,
            {"reservering": reservering, "bedrag": D("900.00"), "idempotentiesleutel": "w1"},
        ),
        (
            services.realisatie_crediteren,
            {
                "realisatie": realisatie,
                "bedrag": D("100.00"),
                "bron_id": "c1",
                "idempotentiesleutel": "c1",
            },
        ),
        (
            services.betaling_boeken,
            {
                "zorgaanbieder": aanbieder,
                "delen": [(met_budget, D("300.00"))],
                "bron_id": "b1",
                "idempotentiesleutel": "b1",
            },
        ),
        (services.reservering_vrijgeven, {"reservering": reservering, "idempotentiesleutel": "v1"}),
    ]
    for functie, kwargs in aanroepen:
        eerste = functie(door=None, **kwargs)
        with NietsVeranderd("financien", "kern"):
            assert functie(door=None, **kwargs).pk == eerste.pk
    assert selectors.grootboek_controleren() == []


# --- Reservations -------------------------------------------------------------------------


def test_reservering_boeken(reservering, met_budget, aanbieder):
    assert (reservering.bedrag, reservering.open_bedrag, reservering.gerealiseerd_bedrag) == (
        D("1000.00"),
        D("1000.00"),
        D("0.00"),
    )
    assert (reservering.jaar, reservering.status, reservering.zorgaanbieder) == (
        2026,
        ReserveringStatus.OPEN,
        aanbieder,
    )
    assert stand(met_budget)["gereserveerd"] == D("1000.00")
    assert stand(met_budget)["beschikbaar"] == D("9000.00")
    # The provider's accounts exist from now on.
    assert Rekening.objects.filter(budgetpost=met_budget, zorgaanbieder=aanbieder).count() == 2
    boeking = Boeking.objects.get(reservering=reservering)
    assert sorted(boeking.regels.values_list("rekening__soort", "bedrag")) == [
        (RekeningSoort.BESCHIKBAAR, D("-1000.00")),
        (RekeningSoort.GERESERVEERD, D("1000.00")),
    ]
    assert AuditRecord.objects.filter(object_id=str(reservering.pk), actie="aangemaakt").exists()


def test_reservering_zonder_budget_mag_budgetten_zijn_zacht(budgetpost, aanbieder):
    services.reservering_boeken(
        door=None,
        budgetpost=budgetpost,
        zorgaanbieder=aanbieder,
        bedrag=D("50.00"),
        bron_id="t",
        idempotentiesleutel="t",
    )
    assert stand(budgetpost)["beschikbaar"] == D("-50.00")


def test_een_reservering_per_bron_per_jaar(reservering, met_budget, aanbieder):
    geweigerd(
        "reservering_bestaat",
        services.reservering_boeken,
        door=None,
        budgetpost=met_budget,
        zorgaanbieder=aanbieder,
        bedrag=D("5.00"),
        bron_id="toewijzing-1",
        idempotentiesleutel="res-2",
    )


@pytest.mark.parametrize(
    ("velden", "code"),
    [
        ({"bron_type": "factuur"}, "brontype_ongeldig"),
        ({"bron_id": ""}, "bron_id_verplicht"),
        ({"bron_id": "x" * 65}, "bron_id_te_lang"),
        ({"bedrag": D("0.00")}, "bedrag_niet_positief"),
    ],
)
def test_reservering_ongeldige_invoer(met_budget, aanbieder, velden, code):
    kwargs = {
        "door": None,
        "budgetpost": met_budget,
        "zorgaanbieder": aanbieder,
        "bedrag": D("5.00"),
        "bron_id": "t",
        "idempotentiesleutel": "t",
    }
    geweigerd(code, services.reservering_boeken, **{**kwargs, **velden})


def test_reservering_wijzigen(reservering, met_budget):
    realiseer(reservering, "300.00", "p1")
    services.reservering_wijzigen(
        door=None, reservering=reservering, bedrag=D("1500.00"), idempotentiesleutel="w1"
    )
    reservering.refresh_from_db()
    assert (reservering.bedrag, reservering.open_bedrag) == (D("1500.00"), D("1200.00"))
    services.reservering_wijzigen(
        door=None, reservering=reservering, bedrag=D("300.00"), idempotentiesleutel="w2"
    )
    reservering.refresh_from_db()
    assert (reservering.bedrag, reservering.open_bedrag) == (D("300.00"), D("0.00"))
    assert stand(met_budget)["gereserveerd"] == D("0.00")
    assert stand(met_budget)["beschikbaar"] == D("9700.00")
    geweigerd(
        "onder_gerealiseerd",
        services.reservering_wijzigen,
        door=None,
        reservering=reservering,
        bedrag=D("299.99"),
        idempotentiesleutel="w3",
    )
    geweigerd(
        "geen_wijziging",
        services.reservering_wijzigen,
        door=None,
        reservering=reservering,
        bedrag=D("300.00"),
        idempotentiesleutel="w4",
    )
    assert selectors.grootboek_controleren() == []


def test_realisatie_boven_reservering_geweigerd(reservering):
    realiseer(reservering, "999.99", "p1")
    fout = geweigerd(
        "boven_reservering",
        services.realisatie_boeken,
        door=None,
        reservering=reservering,
        bedrag=D("0.02"),
        bron_id="p2",
        idempotentiesleutel="p2",
    )
    assert fout.details == {"open": "0.01", "gevraagd": "0.02"}
    realiseer(reservering, "0.01", "p3")
    reservering.refresh_from_db()
    assert (reservering.gerealiseerd_bedrag, reservering.open_bedrag) == (D("1000.00"), D("0.00"))


def test_vrijgeven_handelt_een_keer_af(reservering, met_budget):
    realiseer(reservering, "250.00", "p1")
    eerste = services.reservering_vrijgeven(
        door=None, reservering=reservering, idempotentiesleutel="einde"
    )
    reservering.refresh_from_db()
    assert (reservering.status, reservering.open_bedrag, reservering.vrijgave_id) == (
        ReserveringStatus.VRIJGEGEVEN,
        D("0.00"),
        eerste.pk,
    )
    assert eerste.bedrag == D("750.00")
    assert stand(met_budget)["beschikbaar"] == D("9750.00")
    # Another release (withdrawal after the end) is a no-op answering the same transfer.
    with NietsVeranderd("financien", "kern"):
        tweede = services.reservering_vrijgeven(
            door=None, reservering=reservering, idempotentiesleutel="intrekking"
        )
    assert tweede.pk == eerste.pk
    assert Boeking.objects.filter(reservering=reservering, soort=BoekingSoort.VRIJGAVE).count() == 1
    assert (
        AuditRecord.objects.filter(object_id=str(reservering.pk), actie=AuditActie.STATUS).count()
        == 1
    )


def test_afgehandelde_reservering_weigert_boekingen(reservering):
    services.reservering_vrijgeven(door=None, reservering=reservering, idempotentiesleutel="e")
    geweigerd(
        "reservering_afgesloten",
        services.realisatie_boeken,
        door=None,
        reservering=reservering,
        bedrag=D("1.00"),
        bron_id="p",
        idempotentiesleutel="p",
    )
    geweigerd(
        "reservering_afgesloten",
        services.reservering_wijzigen,
        door=None,
        reservering=reservering,
        bedrag=D("5.00"),
        idempotentiesleutel="w",
    )


def test_volledig_gerealiseerd_afsluiten_boekt_zonder_regels(reservering):
    realiseer(reservering, "1000.00", "p1")
    boeking = services.reservering_vrijgeven(
        door=None, reservering=reservering, idempotentiesleutel="einde"
    )
    reservering.refresh_from_db()
    assert reservering.status == ReserveringStatus.AFGESLOTEN
    assert (boeking.bedrag, boeking.regels.count()) == (D("0.00"), 0)
    assert selectors.grootboek_controleren() == []


def test_onbekende_reservering(met_budget, aanbieder):
    onbekend = Reservering(pk=987654, budgetpost=met_budget, zorgaanbieder=aanbieder)
    geweigerd(
        "reservering_niet_gevonden",
        services.realisatie_boeken,
        door=None,
        reservering=onbekend,
        bedrag=D("1.00"),
        bron_id="p",
        idempotentiesleutel="p",
    )
    with pytest.raises(DomeinFout) as fout:
        selectors.reservering_van_bron(bron_type="toewijzing", bron_id="x", jaar=2026)
    assert (fout.value.code, fout.value.status) == ("reservering_niet_gevonden", 404)


# --- Credits ------------------------------------------------------------------------------


def test_crediteren_in_delen_nooit_meer_dan_gerealiseerd(reservering, met_budget):
    realisatie = realiseer(reservering, "300.00", "p1")
    for sleutel, bedrag in (("c1", "100.00"), ("c2", "150.00")):
        services.realisatie_crediteren(
            door=None,
            realisatie=realisatie,
            bedrag=D(bedrag),
            bron_id=sleutel,
            idempotentiesleutel=sleutel,
        )
    fout = geweigerd(
        "boven_realisatie",
        services.realisatie_crediteren,
        door=None,
        realisatie=realisatie,
        bedrag=D("50.01"),
        bron_id="c3",
        idempotentiesleutel="c3",
    )
    assert fout.details == {"gerealiseerd": "300.00", "gecrediteerd": "250.00", "gevraagd": "50.01"}
    rest = services.realisatie_crediteren(
        door=None, realisatie=realisatie, bron_id="c4", idempotentiesleutel="c4"
    )
    assert (rest.bedrag, rest.corrigeert_id, rest.soort) == (
        D("50.00"),
        realisatie.pk,
        BoekingSoort.CREDITERING,
    )
    geweigerd(
        "boven_realisatie",
        services.realisatie_crediteren,
        door=None,
        realisatie=realisatie,
        bron_id="c5",
        idempotentiesleutel="c5",
    )
    reservering.refresh_from_db()
    assert (reservering.gerealiseerd_bedrag, reservering.open_bedrag) == (D("0.00"), D("1000.00"))
    assert stand(met_budget)["gerealiseerd"] == D("0.00")


def test_crediteren_van_iets_anders_dan_een_realisatie(reservering):
    reservering_boeking = Boeking.objects.get(reservering=reservering)
    geweigerd(
        "geen_realisatie",
        services.realisatie_crediteren,
        door=None,
        realisatie=reservering_boeking,
        bron_id="c",
        idempotentiesleutel="c",
    )


def test_credit_na_afhandeling_gaat_naar_beschikbaar(reservering, met_budget):
    realisatie = realiseer(reservering, "600.00", "p1")
    services.reservering_vrijgeven(door=None, reservering=reservering, idempotentiesleutel="e")
    services.realisatie_crediteren(
        door=None, realisatie=realisatie, bedrag=D("100.00"), bron_id="c", idempotentiesleutel="c"
    )
    reservering.refresh_from_db()
    assert (reservering.gerealiseerd_bedrag, reservering.open_bedrag, reservering.status) == (
        D("500.00"),
        D("0.00"),
        ReserveringStatus.VRIJGEGEVEN,
    )
    assert stand(met_budget) == {
        "budget": D("10000.00"),
        "gereserveerd": D("0.00"),
        "gerealiseerd": D("500.00"),
        "betaald": D("0.00"),
        "beschikbaar": D("9500.00"),
    }
    assert selectors.grootboek_controleren() == []


# --- Payments -----------------------------------------------------------------------------


def test_betaling_over_twee_budgetposten_in_een_boeking(
    budgethouder, met_budget, amsterdam, aanbieder, reservering
):
    tweede = services.budgetpost_aanmaken(
        door=budgethouder, gemeente=amsterdam, jaar=2026, wet="wmo", taakveld="6.6"
    )
    res2 = Reservering.objects.get(
        pk=services.reservering_boeken(
            door=None,
            budgetpost=tweede,
            zorgaanbieder=aanbieder,
            bedrag=D("500.00"),
            bron_id="toewijzing-2",
            idempotentiesleutel="res-2",
        ).reservering_id
    )
    realiseer(reservering, "100.00", "p1")
    realiseer(res2, "200.00", "p2")
    betaling = services.betaling_boeken(
        door=None,
        zorgaanbieder=aanbieder,
        delen=[(tweede, D("200.00")), (met_budget, D("100.00"))],
        bron_id="batch-1",
        idempotentiesleutel="batch-1",
    )
    assert betaling.bedrag == D("300.00")
    assert betaling.regels.count() == 4
    assert stand(met_budget)["betaald"] == D("100.00")
    assert stand(tweede)["betaald"] == D("200.00")


def test_betaling_ongeldig(met_budget, reservering, aanbieder, ander_aanbieder, budgethouder):
    realiseer(reservering, "100.00", "p1")
    kwargs = {"door": None, "zorgaanbieder": aanbieder, "bron_id": "b", "idempotentiesleutel": "b"}
    fout = geweigerd(
        "boven_te_betalen", services.betaling_boeken, delen=[(met_budget, D("100.01"))], **kwargs
    )
    assert fout.details["te_betalen"] == "100.00"
    geweigerd(
        "boven_te_betalen",
        services.betaling_boeken,
        **{**kwargs, "zorgaanbieder": ander_aanbieder, "delen": [(met_budget, D("1.00"))]},
    )
    geweigerd("betaling_zonder_delen", services.betaling_boeken, delen=[], **kwargs)
    geweigerd(
        "dubbele_budgetpost",
        services.betaling_boeken,
        delen=[(met_budget, D("1.00")), (met_budget, D("2.00"))],
        **kwargs,
    )
    rdam = GebruikerFactory(rollen=["budgethouder"], gemeenten=[gemeente("0599")])
    andere_gemeente = services.budgetpost_aanmaken(
        door=rdam, gemeente=gemeente("0599"), jaar=2026, wet="wmo", taakveld="6.71"
    )
    geweigerd(
        "gemeenten_verschillen",
        services.betaling_boeken,
        delen=[(met_budget, D("1.00")), (andere_gemeente, D("1.00"))],
        **kwargs,
    )
    geweigerd(
        "bedrag_niet_positief", services.betaling_boeken, delen=[(met_budget, D("0.00"))], **kwargs
    )


# --- Closed years -------------------------------------------------------------------------


def test_afgesloten_jaar(budgethouder, met_budget, reservering, aanbieder, amsterdam):
    jaar = services.jaar_afsluiten(door=budgethouder, gemeente=amsterdam, jaar=2026)
    assert (jaar.afgesloten, jaar.afgesloten_door) == (True, budgethouder)
    geweigerd(
        "jaar_afgesloten",
        services.reservering_boeken,
        door=None,
        budgetpost=met_budget,
        zorgaanbieder=aanbieder,
        bedrag=D("5.00"),
        bron_id="nieuw",
        idempotentiesleutel="nieuw",
    )
    geweigerd(
        "jaar_afgesloten",
        services.reservering_wijzigen,
        door=None,
        reservering=reservering,
        bedrag=D("1000.01"),
        idempotentiesleutel="hoger",
    )
    geweigerd(
        "jaar_afgesloten",
        services.budget_toekennen,
        door=budgethouder,
        budgetpost=met_budget,
        bedrag=D("1.00"),
        reden="x",
        idempotentiesleutel="x",
    )
    geweigerd(
        "jaar_afgesloten",
        services.budgetpost_aanmaken,
        door=budgethouder,
        gemeente=amsterdam,
        jaar=2026,
        wet="jw",
        taakveld="6.72",
    )
    geweigerd(
        "jaar_afgesloten", services.jaar_afsluiten, door=budgethouder, gemeente=amsterdam, jaar=2026
    )
    # What follows from earlier decisions goes on: lowering, posting, releasing.
    services.reservering_wijzigen(
        door=None, reservering=reservering, bedrag=D("800.00"), idempotentiesleutel="lager"
    )
    realiseer(reservering, "500.00", "p1")
    services.reservering_vrijgeven(door=None, reservering=reservering, idempotentiesleutel="e")
    assert stand(met_budget)["gerealiseerd"] == D("500.00")


# --- Mapping ------------------------------------------------------------------------------


def test_toewijzingsregel_vastleggen_vervangt_op_hetzelfde_niveau(budgethouder, amsterdam):
    regel = services.toewijzingsregel_vastleggen(
        door=budgethouder, gemeente=amsterdam, wet="wmo", taakveld="6.71"
    )
    zelfde = services.toewijzingsregel_vastleggen(
        door=budgethouder, gemeente=amsterdam, wet="wmo", taakveld="6.6", kostenplaats="K1"
    )
    assert zelfde.pk == regel.pk
    zelfde.refresh_from_db()
    assert (zelfde.taakveld, zelfde.kostenplaats) == ("6.6", "K1")
    assert list(
        AuditRecord.objects.filter(object_id=str(regel.pk))
        .order_by("id")
        .values_list("actie", flat=True)
    ) == ["aangemaakt", "gewijzigd"]
    geweigerd(
        "productcategorie_andere_wet",
        services.toewijzingsregel_vastleggen,
        door=budgethouder,
        gemeente=amsterdam,
        wet="jw",
        taakveld="6.72",
        productcategorie=categorie("wmo", "02"),
    )
    geweigerd(
        "taakveld_ongeldig",
        services.toewijzingsregel_vastleggen,
        door=budgethouder,
        gemeente=amsterdam,
        wet="wmo",
        taakveld="7.1",
    )


def test_boekingsregels_van_elke_boeking_tellen_op_tot_nul(reservering, aanbieder, met_budget):
    realisatie = realiseer(reservering, "400.00", "p1")
    services.realisatie_crediteren(
        door=None, realisatie=realisatie, bron_id="c", idempotentiesleutel="c", bedrag=D("10.00")
    )
    services.betaling_boeken(
        door=None,
        zorgaanbieder=aanbieder,
        delen=[(met_budget, D("390.00"))],
        bron_id="b",
        idempotentiesleutel="b",
    )
    for boeking in Boeking.objects.all():
        assert sum(boeking.regels.values_list("bedrag", flat=True)) == 0
        assert boeking.bedrag == sum(
            b for b in boeking.regels.values_list("bedrag", flat=True) if b > 0
        )
    assert Boekingsregel.objects.filter(bedrag=0).count() == 0


def test_database_weigert_meer_gerealiseerd_dan_gereserveerd(reservering):
    """The hard limit is also a constraint, written around the service (every database)."""
    from django.db import IntegrityError, transaction

    services.reservering_vrijgeven(door=None, reservering=reservering, idempotentiesleutel="e")
    with pytest.raises(IntegrityError), transaction.atomic():
        Reservering.objects.filter(pk=reservering.pk).update(gerealiseerd_bedrag=D("1000.01"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Reservering.objects.filter(pk=reservering.pk).update(status=ReserveringStatus.OPEN)

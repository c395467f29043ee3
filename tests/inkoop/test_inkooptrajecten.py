"""Procurement through the services: open house and tenders, submissions, ceilings, and the
admission that makes or extends the provider's contract through the contracten services."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType

from contracten.constants import ContractStatus, Eenheid, TariefReden
from contracten.models import Contract, ContractVersie, Product, Tariefperiode
from contracten.selectors import tarief_op
from contracten.services import contract_wijzigen, product_wijzigen
from inkoop import services
from inkoop.constants import Besluit, InschrijvingStatus, Procedure, Tariefsoort, TrajectStatus
from inkoop.models import Inkooptraject, InkooptrajectStatusWijziging, Inschrijving
from kern.constants import AuditActie
from kern.exceptions import Conflict, DomeinFout, GeenToegang, NietGevonden
from kern.models import AuditRecord
from tests.factories import (
    ContractFactory,
    GebruikerFactory,
    ProductFactory,
    ZorgaanbiederFactory,
    categorie,
)
from tests.inkoop.conftest import perceel
from tests.utils import NietsVeranderd

pytestmark = pytest.mark.django_db


def _indienen(door, traject, aanbieder, naam="Begeleiding", tarieven=None):
    return services.inschrijving_indienen(
        door=door, perceel=perceel(traject, naam), zorgaanbieder=aanbieder, tarieven=tarieven
    )


def _toelaten(door, inschrijving):
    return services.inschrijving_beoordelen(
        door=door, inschrijving=inschrijving, besluit=Besluit.TOELATEN
    )


# --- The open-house chain ------------------------------------------------------------------


def test_open_house_toelating_maakt_actief_contract_met_tarieven_van_het_perceel(
    inkoper,
    aanbieder,
    aanbieder_user,
    open_house,
    begeleiding,
    begeleiding_groep,
    amsterdam,
    vandaag,
):
    inschrijving = _indienen(
        aanbieder_user, open_house, aanbieder, tarieven={begeleiding_groep: Decimal("68.50")}
    )
    assert inschrijving.status == InschrijvingStatus.INGEDIEND
    assert inschrijving.ingediend_door == aanbieder_user

    inschrijving = _toelaten(inkoper, inschrijving)

    contract = Contract.objects.get(zorgaanbieder=aanbieder)
    assert contract.nummer == "OH-WMO-2026-12345678"
    assert contract.status == ContractStatus.ACTIEF
    assert list(contract.gemeenten.values_list("code", flat=True)) == ["0363"]
    assert contract.ingangsdatum == vandaag
    assert contract.einddatum == open_house.looptijd_eind
    assert contract.omschrijving == "Begeleiding en dagbesteding Amsterdam"
    versie = ContractVersie.objects.get(contract=contract)
    assert versie.reden == "Toelating tot perceel Begeleiding van inkooptraject OH-WMO-2026"
    tarieven = {
        t.product.productcode: (t.bedrag.amount, t.eenheid, t.ingangsdatum, t.einddatum, t.reden)
        for t in Tariefperiode.objects.filter(contract=contract)
    }
    eind = open_house.looptijd_eind
    assert tarieven == {
        "02A01": (Decimal("65.00"), Eenheid.UUR, vandaag, eind, TariefReden.INITIEEL),
        "02A02": (Decimal("68.50"), Eenheid.DAGDEEL, vandaag, eind, TariefReden.INITIEEL),
    }
    assert inschrijving.status == InschrijvingStatus.TOEGELATEN
    assert inschrijving.toelatingsdatum == vandaag
    assert inschrijving.contract == contract
    assert inschrijving.beoordeeld_door == inkoper
    assert inschrijving.beoordeeld_op is not None

    periode = tarief_op(
        zorgaanbieder=aanbieder, gemeente=amsterdam, product=begeleiding, datum=vandaag
    )
    assert periode.bedrag.amount == Decimal("65.00")
    assert periode.contract == contract

    besluit = AuditRecord.objects.get(
        content_type=ContentType.objects.get_for_model(Inschrijving),
        actie=AuditActie.STATUS,
        object_id=str(inschrijving.pk),
    )
    assert besluit.gebruiker == inkoper
    assert besluit.voor["status"] == "ingediend"
    assert besluit.na["status"] == "toegelaten"
    assert besluit.na["tarieven"] == {"02A02": "68.50"}


def test_open_house_laat_nieuwkomers_toe_tijdens_de_looptijd(
    inkoper, aanbieder, aanbieder_user, ander_aanbieder, open_house, klok, vandaag
):
    _toelaten(inkoper, _indienen(aanbieder_user, open_house, aanbieder, tarieven=_plafond()))
    later = vandaag + timedelta(days=100)
    klok.zet(later)
    nieuwkomer = _indienen(inkoper, open_house, ander_aanbieder, tarieven=_plafond("60.00"))
    assert nieuwkomer.ingediend_door == inkoper  # on the provider's behalf
    _toelaten(inkoper, nieuwkomer)
    contract = Contract.objects.get(zorgaanbieder=ander_aanbieder)
    assert contract.nummer == "OH-WMO-2026-87654321"
    assert contract.ingangsdatum == later
    assert sorted(
        (t.product.productcode, t.bedrag.amount, t.ingangsdatum)
        for t in Tariefperiode.objects.filter(contract=contract)
    ) == [("02A01", Decimal("65.00"), later), ("02A02", Decimal("60.00"), later)]


def test_toelating_voor_de_looptijd_geldt_vanaf_het_begin(
    traject_maken, inkoper, aanbieder, aanbieder_user, vandaag
):
    begin = vandaag + timedelta(days=40)
    traject = traject_maken(begin=begin, eind=begin + timedelta(days=364))
    _toelaten(inkoper, _indienen(aanbieder_user, traject, aanbieder, tarieven=_plafond()))
    contract = Contract.objects.get(zorgaanbieder=aanbieder)
    assert (contract.ingangsdatum, contract.einddatum) == (begin, begin + timedelta(days=364))
    assert set(
        Tariefperiode.objects.filter(contract=contract).values_list("ingangsdatum", flat=True)
    ) == {begin}


def _plafond(bedrag: str = "68.50"):
    return {Product.objects.get(productcode="02A02"): Decimal(bedrag)}


def test_tweede_perceel_breidt_hetzelfde_contract_uit(
    inkoper, aanbieder, aanbieder_user, open_house, klok, vandaag
):
    eerste = _toelaten(
        inkoper, _indienen(aanbieder_user, open_house, aanbieder, tarieven=_plafond())
    )
    klok.zet(vandaag + timedelta(days=7))
    tweede = _toelaten(
        inkoper, _indienen(aanbieder_user, open_house, aanbieder, naam="Dagbesteding")
    )
    assert Contract.objects.filter(zorgaanbieder=aanbieder).count() == 1
    contract = eerste.contract
    assert tweede.contract == contract
    contract.refresh_from_db()
    assert contract.versie == 1  # same gemeenten and term: only tariffs were added
    assert contract.status == ContractStatus.ACTIEF
    assert sorted(
        (t.product.productcode, t.bedrag.amount, t.ingangsdatum)
        for t in Tariefperiode.objects.filter(contract=contract)
    ) == [
        ("02A01", Decimal("65.00"), vandaag),
        ("02A02", Decimal("68.50"), vandaag),
        ("07A01", Decimal("45.50"), vandaag + timedelta(days=7)),
    ]


def test_tweede_perceel_vult_ontbrekende_gemeenten_van_het_contract_aan(
    begeleiding, dagbesteding, aanbieder, amsterdam, rotterdam, vandaag
):
    regio = GebruikerFactory(rollen=["inkoper"], gemeenten=[amsterdam, rotterdam])
    traject = services.inkooptraject_aanmaken(
        door=regio,
        code="OH-REGIO",
        naam="Regio",
        procedure=Procedure.OPEN_HOUSE,
        wet="wmo",
        gemeenten=[amsterdam, rotterdam],
        looptijd_begin=vandaag,
        looptijd_eind=vandaag + timedelta(days=90),
    )
    for naam, product in (("A", begeleiding), ("B", dagbesteding)):
        p = services.perceel_aanmaken(door=regio, traject=traject, naam=naam)
        services.perceel_product_toevoegen(
            door=regio, perceel=p, product=product, tariefsoort="vast", bedrag=Decimal("50.00")
        )
    services.inkooptraject_status_wijzigen(door=regio, traject=traject, status="gepubliceerd")
    eerste = _toelaten(regio, _indienen(None, traject, aanbieder, naam="A"))
    contract_wijzigen(
        door=regio, contract=eerste.contract, reden="Alleen Amsterdam", gemeenten=[amsterdam]
    )
    _toelaten(regio, _indienen(None, traject, aanbieder, naam="B"))
    contract = Contract.objects.get(pk=eerste.contract.pk)
    assert sorted(contract.gemeenten.values_list("code", flat=True)) == ["0363", "0599"]
    assert contract.versie == 3
    assert (
        contract.versies.get(versie=3).reden == "Toelating tot perceel B van inkooptraject OH-REGIO"
    )


# --- Tenders -------------------------------------------------------------------------------


@pytest.fixture
def aanbesteding(traject_maken, vandaag) -> Inkooptraject:
    return traject_maken(
        procedure=Procedure.OPENBARE_AANBESTEDING,
        code="AB-2026-01",
        sluitingsdatum=vandaag + timedelta(days=10),
    )


def test_aanbesteding_na_sluitingsdatum_weigert_inschrijving_zonder_iets_te_schrijven(
    aanbesteding, aanbieder, aanbieder_user, klok, vandaag
):
    klok.zet(vandaag + timedelta(days=11))
    with NietsVeranderd("inkoop", "contracten"), pytest.raises(DomeinFout) as fout:
        _indienen(aanbieder_user, aanbesteding, aanbieder, tarieven=_plafond())
    assert fout.value.code == "inschrijving_gesloten"
    assert "gesloten sinds" in fout.value.bericht


def test_aanbesteding_op_de_sluitingsdatum_is_nog_open(
    aanbesteding, aanbieder, aanbieder_user, klok, vandaag
):
    klok.zet(vandaag + timedelta(days=10))
    inschrijving = _indienen(aanbieder_user, aanbesteding, aanbieder, tarieven=_plafond())
    assert inschrijving.status == InschrijvingStatus.INGEDIEND


def test_aanbesteding_beoordelen_na_sluiten_en_gunnen_na_alle_besluiten(
    aanbesteding, inkoper, aanbieder, aanbieder_user, ander_aanbieder, klok, vandaag
):
    eerste = _indienen(aanbieder_user, aanbesteding, aanbieder, tarieven=_plafond())
    tweede = _indienen(inkoper, aanbesteding, ander_aanbieder, tarieven=_plafond("69.99"))
    with NietsVeranderd("inkoop", "contracten"), pytest.raises(DomeinFout) as fout:
        _toelaten(inkoper, eerste)
    assert fout.value.code == "beoordelen_niet_mogelijk"
    with NietsVeranderd("inkoop", "contracten", "kern"), pytest.raises(DomeinFout) as fout:
        services.inkooptraject_status_wijzigen(
            door=inkoper, traject=aanbesteding, status="gesloten"
        )
    assert fout.value.code == "sluitingsdatum_niet_verstreken"

    dag = vandaag + timedelta(days=11)
    klok.zet(dag)
    with NietsVeranderd("inkoop", "contracten"), pytest.raises(DomeinFout) as fout:
        _indienen(aanbieder_user, aanbesteding, aanbieder, naam="Dagbesteding")
    assert fout.value.code == "inschrijving_gesloten"
    services.inkooptraject_status_wijzigen(door=inkoper, traject=aanbesteding, status="gesloten")
    _toelaten(inkoper, eerste)
    with NietsVeranderd("inkoop", "contracten"), pytest.raises(DomeinFout) as fout:
        services.inkooptraject_status_wijzigen(door=inkoper, traject=aanbesteding, status="gegund")
    assert fout.value.code == "inschrijvingen_niet_beoordeeld"
    services.inschrijving_beoordelen(
        door=inkoper, inschrijving=tweede, besluit=Besluit.AFWIJZEN, reden="Kwaliteit onvoldoende"
    )
    traject = services.inkooptraject_status_wijzigen(
        door=inkoper, traject=aanbesteding, status="gegund", reden="Gunning"
    )
    assert traject.status == TrajectStatus.GEGUND
    assert list(
        InkooptrajectStatusWijziging.objects.filter(traject=traject).values_list(
            "van_status", "naar_status", "door"
        )
    ) == [
        ("concept", "gepubliceerd", inkoper.pk),
        ("gepubliceerd", "gesloten", inkoper.pk),
        ("gesloten", "gegund", inkoper.pk),
    ]
    assert Contract.objects.get(zorgaanbieder=aanbieder).ingangsdatum == dag
    assert not Contract.objects.filter(zorgaanbieder=ander_aanbieder).exists()
    tweede.refresh_from_db()
    assert (tweede.status, tweede.reden) == ("afgewezen", "Kwaliteit onvoldoende")


def test_na_status_gesloten_is_inschrijven_dicht(
    aanbesteding, inkoper, aanbieder, aanbieder_user, klok, vandaag
):
    klok.zet(vandaag + timedelta(days=11))
    services.inkooptraject_status_wijzigen(door=inkoper, traject=aanbesteding, status="gesloten")
    klok.zet(vandaag)  # even on an earlier day, a closed traject takes nothing
    with NietsVeranderd("inkoop", "contracten"), pytest.raises(DomeinFout) as fout:
        _indienen(aanbieder_user, aanbesteding, aanbieder, tarieven=_plafond())
    assert fout.value.code == "inschrijving_gesloten"


def test_aanbesteding_zonder_sluitingsdatum_wordt_geweigerd(inkoper, amsterdam, vandaag):
    with NietsVeranderd("inkoop"), pytest.raises(DomeinFout) as fout:
        services.inkooptraject_aanmaken(
            door=inkoper,
            code="AB-1",
            naam="Zonder sluiting",
            procedure=Procedure.MEERVOUDIG_ONDERHANDS,
            wet="wmo",
            gemeenten=[amsterdam],
            looptijd_begin=vandaag,
            looptijd_eind=vandaag + timedelta(days=10),
        )
    assert fout.value.code == "sluitingsdatum_verplicht"


# --- Offered tariffs -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tarieven", "code"),
    [
        ({"02A02": "70.01"}, "tarief_boven_plafond"),
        ({}, "aangeboden_tarief_ontbreekt"),
        ({"02A02": "68.50", "02A01": "60.00"}, "tarief_vast"),
        ({"02A02": "68.50", "07A01": "40.00"}, "product_niet_in_perceel"),
        ({"02A02": "-1.00"}, "tarief_negatief"),
        ({"02A02": "68.505"}, "tarief_decimalen"),
    ],
)
def test_ongeldig_aanbod_wordt_geweigerd_zonder_iets_te_schrijven(
    open_house, aanbieder, aanbieder_user, tarieven, code
):
    aanbod = {Product.objects.get(productcode=k): Decimal(v) for k, v in tarieven.items()}
    with NietsVeranderd("inkoop", "contracten"), pytest.raises(DomeinFout) as fout:
        _indienen(aanbieder_user, open_house, aanbieder, tarieven=aanbod)
    assert fout.value.code == code


def test_plafond_precies_gelijk_is_toegestaan(open_house, aanbieder, aanbieder_user):
    inschrijving = _indienen(aanbieder_user, open_house, aanbieder, tarieven=_plafond("70.00"))
    assert [t.bedrag.amount for t in inschrijving.tarieven.all()] == [Decimal("70.00")]


# --- Who may submit and decide -------------------------------------------------------------


def test_dubbele_inschrijving_is_conflict_en_na_afwijzing_mag_het_opnieuw(
    open_house, inkoper, aanbieder, aanbieder_user
):
    eerste = _indienen(aanbieder_user, open_house, aanbieder, tarieven=_plafond())
    with NietsVeranderd("inkoop", "contracten"), pytest.raises(Conflict) as fout:
        _indienen(aanbieder_user, open_house, aanbieder, tarieven=_plafond())
    assert fout.value.code == "inschrijving_bestaat"
    services.inschrijving_beoordelen(
        door=inkoper, inschrijving=eerste, besluit=Besluit.AFWIJZEN, reden="Onvolledig"
    )
    opnieuw = _indienen(aanbieder_user, open_house, aanbieder, tarieven=_plafond())
    assert opnieuw.status == InschrijvingStatus.INGEDIEND
    assert Inschrijving.objects.filter(zorgaanbieder=aanbieder).count() == 2


def test_afwijzen_vraagt_een_reden(open_house, inkoper, aanbieder, aanbieder_user):
    inschrijving = _indienen(aanbieder_user, open_house, aanbieder, tarieven=_plafond())
    with NietsVeranderd("inkoop", "contracten", "kern"), pytest.raises(DomeinFout) as fout:
        services.inschrijving_beoordelen(
            door=inkoper, inschrijving=inschrijving, besluit=Besluit.AFWIJZEN, reden="  "
        )
    assert fout.value.code == "reden_verplicht"
    inschrijving.refresh_from_db()
    assert inschrijving.status == InschrijvingStatus.INGEDIEND


def test_een_beoordeelde_inschrijving_wordt_niet_opnieuw_beoordeeld(
    open_house, inkoper, aanbieder, aanbieder_user
):
    inschrijving = _toelaten(
        inkoper, _indienen(aanbieder_user, open_house, aanbieder, tarieven=_plafond())
    )
    with NietsVeranderd("inkoop", "contracten", "kern"), pytest.raises(Conflict) as fout:
        services.inschrijving_beoordelen(
            door=inkoper, inschrijving=inschrijving, besluit=Besluit.AFWIJZEN, reden="Toch niet"
        )
    assert fout.value.code == "inschrijving_al_beoordeeld"


def test_aanbieder_schrijft_niet_in_voor_een_ander(open_house, aanbieder_user, ander_aanbieder):
    with NietsVeranderd("inkoop"), pytest.raises(NietGevonden) as fout:
        _indienen(aanbieder_user, open_house, ander_aanbieder, tarieven=_plafond())
    assert fout.value.code == "zorgaanbieder_niet_gevonden"


def test_aanbieder_ziet_een_concepttraject_niet(traject_maken, aanbieder, aanbieder_user):
    traject = traject_maken(publiceren=False)
    with NietsVeranderd("inkoop"), pytest.raises(NietGevonden):
        _indienen(aanbieder_user, traject, aanbieder, tarieven=_plafond())


def test_regisseur_schrijft_niet_in_en_beoordeelt_niet(
    open_house, regisseur, aanbieder, aanbieder_user
):
    with NietsVeranderd("inkoop"), pytest.raises(GeenToegang):
        _indienen(regisseur, open_house, aanbieder, tarieven=_plafond())
    inschrijving = _indienen(aanbieder_user, open_house, aanbieder, tarieven=_plafond())
    with NietsVeranderd("inkoop", "contracten"), pytest.raises(GeenToegang):
        _toelaten(regisseur, inschrijving)
    with NietsVeranderd("inkoop", "contracten"), pytest.raises(GeenToegang):
        _toelaten(aanbieder_user, inschrijving)


def test_inkoper_van_een_andere_gemeente_beoordeelt_niet(
    open_house, inkoper_rotterdam, aanbieder, aanbieder_user
):
    inschrijving = _indienen(aanbieder_user, open_house, aanbieder, tarieven=_plafond())
    with NietsVeranderd("inkoop", "contracten"), pytest.raises(DomeinFout) as fout:
        _toelaten(inkoper_rotterdam, inschrijving)
    assert fout.value.code == "gemeente_buiten_bevoegdheid"


def test_inactieve_aanbieder_schrijft_niet_in(open_house, inkoper):
    slapend = ZorgaanbiederFactory(actief=False)
    with NietsVeranderd("inkoop"), pytest.raises(DomeinFout) as fout:
        _indienen(inkoper, open_house, slapend, tarieven=_plafond())
    assert fout.value.code == "zorgaanbieder_inactief"


def test_contractnummer_van_een_ander_blokkeert_toelating(
    open_house, inkoper, aanbieder, aanbieder_user
):
    ContractFactory(nummer="OH-WMO-2026-12345678")  # someone else's contract
    inschrijving = _indienen(aanbieder_user, open_house, aanbieder, tarieven=_plafond())
    with NietsVeranderd("inkoop", "contracten"), pytest.raises(Conflict) as fout:
        _toelaten(inkoper, inschrijving)
    assert fout.value.code == "contractnummer_bezet"


# --- Traject status and shape --------------------------------------------------------------


def test_open_house_kent_geen_status_gesloten(open_house, inkoper):
    with NietsVeranderd("inkoop"), pytest.raises(DomeinFout) as fout:
        services.inkooptraject_status_wijzigen(door=inkoper, traject=open_house, status="gesloten")
    assert fout.value.code == "statusovergang_niet_toegestaan"


def test_publiceren_zonder_producten_wordt_geweigerd(inkoper, amsterdam, vandaag):
    traject = services.inkooptraject_aanmaken(
        door=inkoper,
        code="LEEG",
        naam="Leeg",
        procedure=Procedure.OPEN_HOUSE,
        wet="wmo",
        gemeenten=[amsterdam],
        looptijd_begin=vandaag,
        looptijd_eind=vandaag + timedelta(days=30),
    )
    with NietsVeranderd("inkoop", "kern"), pytest.raises(DomeinFout) as fout:
        services.inkooptraject_status_wijzigen(door=inkoper, traject=traject, status="gepubliceerd")
    assert fout.value.code == "traject_zonder_producten"
    traject.refresh_from_db()
    assert (traject.status, traject.publicatiedatum) == ("concept", None)


def test_publiceren_zet_de_publicatiedatum(open_house, vandaag):
    assert open_house.status == TrajectStatus.GEPUBLICEERD
    assert open_house.publicatiedatum == vandaag


def test_intrekken_wijst_open_inschrijvingen_af(open_house, inkoper, aanbieder, aanbieder_user):
    inschrijving = _indienen(aanbieder_user, open_house, aanbieder, tarieven=_plafond())
    with NietsVeranderd("inkoop", "kern"), pytest.raises(DomeinFout) as fout:
        services.inkooptraject_status_wijzigen(
            door=inkoper, traject=open_house, status="ingetrokken"
        )
    assert fout.value.code == "reden_verplicht"
    services.inkooptraject_status_wijzigen(
        door=inkoper, traject=open_house, status="ingetrokken", reden="Budget vervallen"
    )
    inschrijving.refresh_from_db()
    assert inschrijving.status == InschrijvingStatus.AFGEWEZEN
    assert inschrijving.reden == "Het inkooptraject is ingetrokken: Budget vervallen"


def test_intrekken_na_toelating_wordt_geweigerd(open_house, inkoper, aanbieder, aanbieder_user):
    _toelaten(inkoper, _indienen(aanbieder_user, open_house, aanbieder, tarieven=_plafond()))
    with NietsVeranderd("inkoop", "contracten", "kern"), pytest.raises(DomeinFout) as fout:
        services.inkooptraject_status_wijzigen(
            door=inkoper, traject=open_house, status="ingetrokken", reden="Toch niet"
        )
    assert fout.value.code == "traject_heeft_toelatingen"


def test_percelen_en_producten_alleen_in_concept(open_house, inkoper, begeleiding):
    with NietsVeranderd("inkoop"), pytest.raises(DomeinFout) as fout:
        services.perceel_aanmaken(door=inkoper, traject=open_house, naam="Nieuw")
    assert fout.value.code == "traject_niet_concept"
    with NietsVeranderd("inkoop"), pytest.raises(DomeinFout) as fout:
        services.perceel_product_toevoegen(
            door=inkoper,
            perceel=perceel(open_house, "Dagbesteding"),
            product=ProductFactory(),
            tariefsoort=Tariefsoort.VAST,
            bedrag=Decimal("1.00"),
        )
    assert fout.value.code == "traject_niet_concept"


def test_product_staat_in_een_perceel_per_traject(traject_maken, inkoper, begeleiding):
    traject = traject_maken(publiceren=False)
    with NietsVeranderd("inkoop"), pytest.raises(Conflict) as fout:
        services.perceel_product_toevoegen(
            door=inkoper,
            perceel=perceel(traject, "Dagbesteding"),
            product=begeleiding,
            tariefsoort=Tariefsoort.VAST,
            bedrag=Decimal("60.00"),
        )
    assert fout.value.code == "product_al_in_traject"


def test_product_van_de_andere_wet_past_niet(traject_maken, inkoper):
    traject = traject_maken(publiceren=False)
    jeugd = ProductFactory(categorie=categorie("jw", "45"), productcode="45A01")
    with NietsVeranderd("inkoop"), pytest.raises(DomeinFout) as fout:
        services.perceel_product_toevoegen(
            door=inkoper,
            perceel=perceel(traject, "Begeleiding"),
            product=jeugd,
            tariefsoort=Tariefsoort.VAST,
            bedrag=Decimal("60.00"),
        )
    assert fout.value.code == "product_andere_wet"


def test_traject_buiten_eigen_gemeenten_wordt_geweigerd(inkoper, rotterdam, vandaag):
    with NietsVeranderd("inkoop"), pytest.raises(DomeinFout) as fout:
        services.inkooptraject_aanmaken(
            door=inkoper,
            code="RDAM",
            naam="Rotterdam",
            procedure=Procedure.OPEN_HOUSE,
            wet="wmo",
            gemeenten=[rotterdam],
            looptijd_begin=vandaag,
            looptijd_eind=vandaag + timedelta(days=30),
        )
    assert fout.value.code == "gemeente_buiten_bevoegdheid"


def test_dubbele_trajectcode_is_conflict(open_house, inkoper, amsterdam, vandaag):
    with NietsVeranderd("inkoop"), pytest.raises(Conflict) as fout:
        services.inkooptraject_aanmaken(
            door=inkoper,
            code="OH-WMO-2026",
            naam="Nog een",
            procedure=Procedure.OPEN_HOUSE,
            wet="wmo",
            gemeenten=[amsterdam],
            looptijd_begin=vandaag,
            looptijd_eind=vandaag + timedelta(days=30),
        )
    assert fout.value.code == "traject_bestaat"


def test_sluitingsdatum_na_publicatie_alleen_naar_later(aanbesteding, inkoper, vandaag):
    traject = services.inkooptraject_wijzigen(
        door=inkoper, traject=aanbesteding, sluitingsdatum_inschrijving=vandaag + timedelta(days=20)
    )
    assert traject.sluitingsdatum_inschrijving == vandaag + timedelta(days=20)
    with NietsVeranderd("inkoop", "kern"), pytest.raises(DomeinFout) as fout:
        services.inkooptraject_wijzigen(
            door=inkoper, traject=traject, sluitingsdatum_inschrijving=vandaag + timedelta(days=5)
        )
    assert fout.value.code == "sluitingsdatum_niet_wijzigbaar"
    with NietsVeranderd("inkoop", "kern"), pytest.raises(DomeinFout) as fout:
        services.inkooptraject_wijzigen(
            door=inkoper, traject=traject, looptijd_eind=vandaag + timedelta(days=900)
        )
    assert fout.value.code == "traject_niet_concept"
    assert Inkooptraject.objects.get(
        pk=traject.pk
    ).sluitingsdatum_inschrijving == vandaag + timedelta(days=20)


def test_publiceren_controleert_de_producten_tegen_de_verschoven_looptijd(
    traject_maken, inkoper, begeleiding, vandaag
):
    traject = traject_maken(publiceren=False)
    product_wijzigen(door=inkoper, product=begeleiding, einddatum=vandaag + timedelta(days=200))
    with NietsVeranderd("inkoop", "kern"), pytest.raises(DomeinFout) as fout:
        services.inkooptraject_status_wijzigen(door=inkoper, traject=traject, status="gepubliceerd")
    assert fout.value.code == "product_niet_geldig_in_looptijd"
    assert "02A01" in fout.value.bericht
    services.inkooptraject_wijzigen(
        door=inkoper, traject=traject, looptijd_eind=vandaag + timedelta(days=200)
    )
    traject = services.inkooptraject_status_wijzigen(
        door=inkoper, traject=traject, status="gepubliceerd"
    )
    assert traject.status == TrajectStatus.GEPUBLICEERD

"""Capacity reports (append-only history) and clientstops (consent of the gemeente)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from inkoop import selectors, services
from inkoop.constants import ClientstopStatus
from inkoop.models import Capaciteitsmelding, ClientstopStatusWijziging
from kern.constants import AuditActie
from kern.exceptions import Conflict, DomeinFout, GeenToegang, NietGevonden
from kern.models import AuditRecord
from tests.factories import ContractFactory, TariefperiodeFactory
from tests.utils import NietsVeranderd

pytestmark = pytest.mark.django_db


@pytest.fixture
def gecontracteerd(aanbieder, begeleiding, amsterdam, vandaag):
    contract = ContractFactory(
        nummer="AMS-1",
        zorgaanbieder=aanbieder,
        gemeenten=[amsterdam],
        ingangsdatum=vandaag - timedelta(days=60),
    )
    return TariefperiodeFactory(
        contract=contract,
        product=begeleiding,
        bedrag=Decimal("65.00"),
        ingangsdatum=vandaag - timedelta(days=60),
    )


def _melden(door, aanbieder, product, gemeente, **cijfers):
    return services.capaciteit_bijwerken(
        door=door, zorgaanbieder=aanbieder, product=product, gemeente=gemeente, **cijfers
    )


# --- Capacity ------------------------------------------------------------------------------


def test_capaciteit_heeft_geschiedenis_en_de_laatste_melding_geldt(
    gecontracteerd, aanbieder, aanbieder_user, begeleiding, amsterdam
):
    eerste = _melden(
        aanbieder_user,
        aanbieder,
        begeleiding,
        amsterdam,
        wachttijd_dagen=14,
        beschikbare_plaatsen=3,
    )
    tweede = _melden(aanbieder_user, aanbieder, begeleiding, amsterdam, wachttijd_dagen=21)
    derde = _melden(aanbieder_user, aanbieder, begeleiding, amsterdam, beschikbare_plaatsen=None)

    rijen = list(
        Capaciteitsmelding.objects.order_by("geldig_vanaf", "pk").values_list(
            "wachttijd_dagen", "beschikbare_plaatsen", "gemeld_door"
        )
    )
    assert rijen == [
        (14, 3, aanbieder_user.pk),
        (21, 3, aanbieder_user.pk),  # places not given: carried over
        (21, None, aanbieder_user.pk),  # places explicitly unknown
    ]
    assert eerste.geldig_vanaf <= tweede.geldig_vanaf <= derde.geldig_vanaf
    actueel = selectors.capaciteitsmeldingen_zichtbaar(
        gebruiker=aanbieder_user, alleen_actueel=True
    )
    assert list(actueel) == [derde]
    audit = AuditRecord.objects.filter(object_id=str(tweede.pk), actie=AuditActie.AANGEMAAKT).get(
        content_type__model="capaciteitsmelding"
    )
    assert (audit.voor["wachttijd_dagen"], audit.na["wachttijd_dagen"]) == (14, 21)


def test_capaciteit_zonder_lopend_contract_wordt_geweigerd(
    aanbieder, aanbieder_user, begeleiding, amsterdam
):
    with NietsVeranderd("inkoop", "kern"), pytest.raises(DomeinFout) as fout:
        _melden(aanbieder_user, aanbieder, begeleiding, amsterdam, wachttijd_dagen=7)
    assert fout.value.code == "geen_contract"


def test_capaciteit_in_een_gemeente_zonder_contract_wordt_geweigerd(
    gecontracteerd, aanbieder, aanbieder_user, begeleiding, rotterdam
):
    with NietsVeranderd("inkoop", "kern"), pytest.raises(DomeinFout) as fout:
        _melden(aanbieder_user, aanbieder, begeleiding, rotterdam, wachttijd_dagen=7)
    assert fout.value.code == "geen_contract"


def test_aanbieder_meldt_niet_voor_een_ander(
    gecontracteerd, aanbieder, ander_aanbieder_user, begeleiding, amsterdam
):
    with NietsVeranderd("inkoop", "kern"), pytest.raises(NietGevonden) as fout:
        _melden(ander_aanbieder_user, aanbieder, begeleiding, amsterdam, wachttijd_dagen=7)
    assert fout.value.code == "zorgaanbieder_niet_gevonden"


def test_regisseur_meldt_geen_capaciteit(
    gecontracteerd, aanbieder, regisseur, begeleiding, amsterdam
):
    with NietsVeranderd("inkoop", "kern"), pytest.raises(GeenToegang):
        _melden(regisseur, aanbieder, begeleiding, amsterdam, wachttijd_dagen=7)


def test_inkoper_meldt_namens_de_aanbieder(
    gecontracteerd, aanbieder, inkoper, begeleiding, amsterdam
):
    melding = _melden(inkoper, aanbieder, begeleiding, amsterdam, beschikbare_plaatsen=0)
    assert (melding.wachttijd_dagen, melding.beschikbare_plaatsen, melding.gemeld_door) == (
        None,
        0,
        inkoper,
    )


@pytest.mark.parametrize(
    ("cijfers", "code"),
    [
        ({"wachttijd_dagen": -1}, "wachttijd_ongeldig"),
        ({"wachttijd_dagen": 3651}, "wachttijd_ongeldig"),
        ({"beschikbare_plaatsen": 100_001}, "plaatsen_ongeldig"),
        ({}, "capaciteit_leeg"),
        ({"wachttijd_dagen": None}, "capaciteit_leeg"),
    ],
)
def test_ongeldige_cijfers_worden_geweigerd(
    gecontracteerd, aanbieder, aanbieder_user, begeleiding, amsterdam, cijfers, code
):
    with NietsVeranderd("inkoop", "kern"), pytest.raises(DomeinFout) as fout:
        _melden(aanbieder_user, aanbieder, begeleiding, amsterdam, **cijfers)
    assert fout.value.code == code


# --- Clientstops ---------------------------------------------------------------------------


def _aanvragen(door, aanbieder, product, gemeente, ingangsdatum, **extra):
    return services.clientstop_aanvragen(
        door=door,
        zorgaanbieder=aanbieder,
        product=product,
        gemeente=gemeente,
        ingangsdatum=ingangsdatum,
        reden=extra.pop("reden", "Wachtlijst vol"),
        **extra,
    )


def _stop_geldt(regisseur, amsterdam, begeleiding, dag) -> bool:
    (rij,) = selectors.aanbieders_zoeken(
        gebruiker=regisseur, gemeente=amsterdam, datum=dag, product=begeleiding
    )
    return rij.clientstop


def test_clientstop_telt_pas_na_goedkeuring_door_de_gemeente(
    gecontracteerd, aanbieder, aanbieder_user, regisseur, begeleiding, amsterdam, vandaag
):
    stop = _aanvragen(aanbieder_user, aanbieder, begeleiding, amsterdam, vandaag)
    assert stop.status == ClientstopStatus.AANGEVRAAGD
    assert _stop_geldt(regisseur, amsterdam, begeleiding, vandaag) is False

    stop = services.clientstop_beoordelen(
        door=regisseur, clientstop=stop, besluit="goedkeuren", toelichting="Akkoord"
    )
    assert (stop.status, stop.beoordeeld_door, stop.besluit_toelichting) == (
        ClientstopStatus.GOEDGEKEURD,
        regisseur,
        "Akkoord",
    )
    assert _stop_geldt(regisseur, amsterdam, begeleiding, vandaag) is True
    assert list(
        ClientstopStatusWijziging.objects.filter(clientstop=stop)
        .order_by("tijdstip", "id")
        .values_list("van_status", "naar_status", "door")
    ) == [("", "aangevraagd", aanbieder_user.pk), ("aangevraagd", "goedgekeurd", regisseur.pk)]


def test_afgewezen_clientstop_telt_niet(
    gecontracteerd, aanbieder, aanbieder_user, inkoper, regisseur, begeleiding, amsterdam, vandaag
):
    stop = _aanvragen(aanbieder_user, aanbieder, begeleiding, amsterdam, vandaag)
    with NietsVeranderd("inkoop", "kern"), pytest.raises(DomeinFout) as fout:
        services.clientstop_beoordelen(door=inkoper, clientstop=stop, besluit="afwijzen")
    assert fout.value.code == "reden_verplicht"
    services.clientstop_beoordelen(
        door=inkoper, clientstop=stop, besluit="afwijzen", toelichting="Zorgplicht gaat voor"
    )
    assert _stop_geldt(regisseur, amsterdam, begeleiding, vandaag) is False
    with NietsVeranderd("inkoop", "kern"), pytest.raises(Conflict) as fout:
        services.clientstop_beoordelen(door=inkoper, clientstop=stop, besluit="goedkeuren")
    assert fout.value.code == "clientstop_al_beoordeeld"


def test_alleen_de_gemeente_zelf_beoordeelt(
    gecontracteerd, aanbieder, aanbieder_user, regisseur_rotterdam, begeleiding, amsterdam, vandaag
):
    stop = _aanvragen(aanbieder_user, aanbieder, begeleiding, amsterdam, vandaag)
    with NietsVeranderd("inkoop", "kern"), pytest.raises(DomeinFout) as fout:
        services.clientstop_beoordelen(
            door=regisseur_rotterdam, clientstop=stop, besluit="goedkeuren"
        )
    assert fout.value.code == "gemeente_buiten_bevoegdheid"
    with NietsVeranderd("inkoop", "kern"), pytest.raises(GeenToegang):
        services.clientstop_beoordelen(door=aanbieder_user, clientstop=stop, besluit="goedkeuren")


def test_clientstop_aanvragen_weigert_verleden_en_dubbel(
    gecontracteerd, aanbieder, aanbieder_user, regisseur, begeleiding, amsterdam, vandaag
):
    with NietsVeranderd("inkoop", "kern"), pytest.raises(DomeinFout) as fout:
        _aanvragen(aanbieder_user, aanbieder, begeleiding, amsterdam, vandaag - timedelta(days=1))
    assert fout.value.code == "ingangsdatum_in_verleden"
    with NietsVeranderd("inkoop", "kern"), pytest.raises(DomeinFout) as fout:
        _aanvragen(aanbieder_user, aanbieder, begeleiding, amsterdam, vandaag, reden=" ")
    assert fout.value.code == "reden_verplicht"
    with NietsVeranderd("inkoop", "kern"), pytest.raises(DomeinFout) as fout:
        _aanvragen(
            aanbieder_user,
            aanbieder,
            begeleiding,
            amsterdam,
            vandaag + timedelta(days=5),
            einddatum=vandaag,
        )
    assert fout.value.code == "einddatum_voor_ingangsdatum"
    _aanvragen(aanbieder_user, aanbieder, begeleiding, amsterdam, vandaag)
    with NietsVeranderd("inkoop", "kern"), pytest.raises(Conflict) as fout:
        _aanvragen(aanbieder_user, aanbieder, begeleiding, amsterdam, vandaag + timedelta(days=30))
    assert fout.value.code == "clientstop_bestaat"
    with NietsVeranderd("inkoop", "kern"), pytest.raises(GeenToegang):
        _aanvragen(regisseur, aanbieder, begeleiding, amsterdam, vandaag)


def test_opheffen_van_een_lopende_stop_sluit_hem_gisteren_af(
    gecontracteerd, aanbieder, aanbieder_user, regisseur, begeleiding, amsterdam, vandaag, klok
):
    stop = _aanvragen(aanbieder_user, aanbieder, begeleiding, amsterdam, vandaag)
    services.clientstop_beoordelen(door=regisseur, clientstop=stop, besluit="goedkeuren")
    klok.zet(vandaag + timedelta(days=5))
    stop = services.clientstop_opheffen(door=aanbieder_user, clientstop=stop, toelichting="Ruimte")
    assert (stop.status, stop.einddatum) == (
        ClientstopStatus.OPGEHEVEN,
        vandaag + timedelta(days=4),
    )
    assert _stop_geldt(regisseur, amsterdam, begeleiding, vandaag + timedelta(days=4)) is True
    assert _stop_geldt(regisseur, amsterdam, begeleiding, vandaag + timedelta(days=5)) is False
    with NietsVeranderd("inkoop", "kern"), pytest.raises(Conflict) as fout:
        services.clientstop_opheffen(door=aanbieder_user, clientstop=stop)
    assert fout.value.code == "statusovergang_niet_toegestaan"


def test_intrekken_van_een_aanvraag(
    gecontracteerd, aanbieder, aanbieder_user, ander_aanbieder_user, begeleiding, amsterdam, vandaag
):
    stop = _aanvragen(
        aanbieder_user, aanbieder, begeleiding, amsterdam, vandaag + timedelta(days=3)
    )
    with NietsVeranderd("inkoop", "kern"), pytest.raises(NietGevonden):
        services.clientstop_opheffen(door=ander_aanbieder_user, clientstop=stop)
    stop = services.clientstop_opheffen(door=aanbieder_user, clientstop=stop)
    assert (stop.status, stop.einddatum) == (ClientstopStatus.INGETROKKEN, None)
    # A new request is possible again.
    nieuw = _aanvragen(aanbieder_user, aanbieder, begeleiding, amsterdam, vandaag)
    assert nieuw.status == ClientstopStatus.AANGEVRAAGD

"""The provider search for regisseurs: who delivers, at what tariff, with what waiting time,
places and clientstop; sortable; a fixed number of queries."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contracten.constants import ContractStatus
from contracten.models import Productcategorie
from contracten.selectors import tarief_op
from inkoop import selectors
from inkoop.constants import ClientstopStatus
from inkoop.models import Capaciteitsmelding, Clientstop
from kern.exceptions import DomeinFout, GeenToegang, NietGevonden
from tests.factories import ContractFactory, TariefperiodeFactory, ZorgaanbiederFactory
from tests.inkoop.conftest import assert_probleem

pytestmark = pytest.mark.django_db

URL = "/api/v1/aanbieders-zoeken/"


def _aanbieder(
    naam,
    product,
    gemeente,
    tarief,
    dag,
    *,
    actief=True,
    status=ContractStatus.ACTIEF,
    einddatum=None,
    ingangsdatum=None,
):
    aanbieder = ZorgaanbiederFactory(naam=naam, actief=actief)
    begin = ingangsdatum or dag - timedelta(days=30)
    contract = ContractFactory(
        zorgaanbieder=aanbieder,
        gemeenten=[gemeente],
        ingangsdatum=begin,
        einddatum=einddatum,
        status=status,
    )
    TariefperiodeFactory(
        contract=contract,
        product=product,
        bedrag=Decimal(tarief),
        ingangsdatum=begin,
        einddatum=einddatum,
    )
    return aanbieder


def _capaciteit(aanbieder, product, gemeente, wachttijd, plaatsen):
    return Capaciteitsmelding.objects.create(
        zorgaanbieder=aanbieder,
        product=product,
        gemeente=gemeente,
        wachttijd_dagen=wachttijd,
        beschikbare_plaatsen=plaatsen,
    )


@pytest.fixture
def markt(begeleiding, amsterdam, rotterdam, vandaag):
    alfa = _aanbieder("Alfa Zorg", begeleiding, amsterdam, "70.00", vandaag)
    bravo = _aanbieder("Bravo Hulp", begeleiding, amsterdam, "60.00", vandaag)
    charlie = _aanbieder("Charlie Welzijn", begeleiding, amsterdam, "65.00", vandaag)
    _capaciteit(alfa, begeleiding, amsterdam, 30, 1)
    _capaciteit(charlie, begeleiding, amsterdam, 45, 2)
    _capaciteit(charlie, begeleiding, amsterdam, 7, 10)  # the later report counts
    _capaciteit(bravo, begeleiding, rotterdam, 1, 99)  # another gemeente: not Amsterdam's
    Clientstop.objects.create(
        zorgaanbieder=charlie,
        product=begeleiding,
        gemeente=amsterdam,
        ingangsdatum=vandaag,
        einddatum=vandaag + timedelta(days=20),
        reden="Vol",
        status=ClientstopStatus.GOEDGEKEURD,
    )
    Clientstop.objects.create(  # only asked for: does not count
        zorgaanbieder=alfa,
        product=begeleiding,
        gemeente=amsterdam,
        ingangsdatum=vandaag,
        reden="Vol",
        status=ClientstopStatus.AANGEVRAAGD,
    )
    # Never in Amsterdam's results:
    _aanbieder("Delta Inactief", begeleiding, amsterdam, "10.00", vandaag, actief=False)
    _aanbieder("Echo Rotterdam", begeleiding, rotterdam, "10.00", vandaag)
    _aanbieder("Foxtrot Concept", begeleiding, amsterdam, "10.00", vandaag, status="concept")
    _aanbieder(
        "Golf Afgelopen",
        begeleiding,
        amsterdam,
        "10.00",
        vandaag,
        einddatum=vandaag - timedelta(days=1),
    )
    _aanbieder(
        "Hotel Later",
        begeleiding,
        amsterdam,
        "10.00",
        vandaag,
        ingangsdatum=vandaag + timedelta(days=1),
    )
    return {"alfa": alfa, "bravo": bravo, "charlie": charlie}


def _zoek(regisseur, amsterdam, vandaag, **kwargs):
    return list(
        selectors.aanbieders_zoeken(
            gebruiker=regisseur, gemeente=amsterdam, datum=vandaag, **kwargs
        )
    )


def test_zoeken_geeft_tarief_wachttijd_plaatsen_en_clientstop(
    markt, regisseur, amsterdam, begeleiding, vandaag
):
    rijen = _zoek(regisseur, amsterdam, vandaag, product=begeleiding)
    assert [
        (
            r.contract.zorgaanbieder.naam,
            r.bedrag.amount,
            r.wachttijd_dagen,
            r.beschikbare_plaatsen,
            r.clientstop,
            r.clientstop_einddatum,
        )
        for r in rijen
    ] == [
        ("Bravo Hulp", Decimal("60.00"), None, None, False, None),
        ("Charlie Welzijn", Decimal("65.00"), 7, 10, True, vandaag + timedelta(days=20)),
        ("Alfa Zorg", Decimal("70.00"), 30, 1, False, None),
    ]


@pytest.mark.parametrize(
    ("sortering", "volgorde"),
    [
        ("tarief", ["bravo", "charlie", "alfa"]),
        ("-tarief", ["alfa", "charlie", "bravo"]),
        ("wachttijd", ["charlie", "alfa", "bravo"]),
        ("-wachttijd", ["alfa", "charlie", "bravo"]),
        ("naam", ["alfa", "bravo", "charlie"]),
        ("-naam", ["charlie", "bravo", "alfa"]),
        ("plaatsen", ["alfa", "charlie", "bravo"]),
        ("-plaatsen", ["charlie", "alfa", "bravo"]),
    ],
)
def test_sortering(markt, regisseur, amsterdam, begeleiding, vandaag, sortering, volgorde):
    rijen = _zoek(regisseur, amsterdam, vandaag, product=begeleiding, sortering=sortering)
    assert [r.contract.zorgaanbieder for r in rijen] == [markt[n] for n in volgorde]


def test_zonder_clientstop(markt, regisseur, amsterdam, begeleiding, vandaag):
    rijen = _zoek(regisseur, amsterdam, vandaag, product=begeleiding, zonder_clientstop=True)
    assert [r.contract.zorgaanbieder for r in rijen] == [markt["bravo"], markt["alfa"]]


def test_clientstop_telt_alleen_binnen_zijn_data(markt, regisseur, amsterdam, begeleiding, vandaag):
    na_de_stop = vandaag + timedelta(days=21)
    rijen = _zoek(regisseur, amsterdam, na_de_stop, product=begeleiding)
    assert {r.contract.zorgaanbieder.naam: r.clientstop for r in rijen} == {
        "Alfa Zorg": False,
        "Bravo Hulp": False,
        "Charlie Welzijn": False,
        "Hotel Later": False,
    }


def test_capaciteit_van_voor_de_melding_is_onbekend(
    markt, regisseur, amsterdam, begeleiding, vandaag
):
    eerder = vandaag - timedelta(days=1)
    rijen = _zoek(regisseur, amsterdam, eerder, product=begeleiding)
    assert {(r.wachttijd_dagen, r.beschikbare_plaatsen) for r in rijen} == {(None, None)}


def test_zoeken_op_categorie_geeft_elk_product(
    regisseur, amsterdam, begeleiding, begeleiding_groep, dagbesteding, vandaag
):
    aanbieder = _aanbieder("Alfa Zorg", begeleiding, amsterdam, "70.00", vandaag)
    contract = aanbieder.contracten.get()
    TariefperiodeFactory(
        contract=contract,
        product=begeleiding_groep,
        bedrag=Decimal("40.00"),
        ingangsdatum=contract.ingangsdatum,
    )
    TariefperiodeFactory(
        contract=contract,
        product=dagbesteding,
        bedrag=Decimal("30.00"),
        ingangsdatum=contract.ingangsdatum,
    )
    rijen = _zoek(
        regisseur,
        amsterdam,
        vandaag,
        productcategorie=Productcategorie.objects.get(wet="wmo", code="02"),
    )
    assert [(r.product.productcode, r.bedrag.amount) for r in rijen] == [
        ("02A02", Decimal("40.00")),
        ("02A01", Decimal("70.00")),
    ]


def test_twee_lopende_contracten_geven_een_rij_zoals_tarief_op(
    regisseur, amsterdam, begeleiding, vandaag
):
    aanbieder = _aanbieder("Alfa Zorg", begeleiding, amsterdam, "70.00", vandaag)
    nieuw = ContractFactory(
        zorgaanbieder=aanbieder, gemeenten=[amsterdam], ingangsdatum=vandaag - timedelta(days=5)
    )
    TariefperiodeFactory(
        contract=nieuw,
        product=begeleiding,
        bedrag=Decimal("70.00"),
        ingangsdatum=vandaag - timedelta(days=5),
    )
    (rij,) = _zoek(regisseur, amsterdam, vandaag, product=begeleiding)
    assert rij == tarief_op(
        zorgaanbieder=aanbieder, gemeente=amsterdam, product=begeleiding, datum=vandaag
    )
    assert rij.contract == nieuw


def test_aanbieder_zoekt_niet_en_andere_gemeente_is_404(
    markt, aanbieder_user, regisseur_rotterdam, amsterdam, begeleiding, vandaag
):
    with pytest.raises(GeenToegang):
        _zoek(aanbieder_user, amsterdam, vandaag, product=begeleiding)
    with pytest.raises(NietGevonden) as fout:
        _zoek(regisseur_rotterdam, amsterdam, vandaag, product=begeleiding)
    assert fout.value.code == "gemeente_niet_gevonden"


def test_zoekvraag_met_product_en_categorie_tegelijk_is_ongeldig(
    regisseur, amsterdam, begeleiding, vandaag
):
    with pytest.raises(DomeinFout) as fout:
        _zoek(
            regisseur,
            amsterdam,
            vandaag,
            product=begeleiding,
            productcategorie=Productcategorie.objects.get(wet="wmo", code="02"),
        )
    assert fout.value.code == "zoekvraag_ongeldig"


# --- Over the API --------------------------------------------------------------------------


def test_api_zoeken(markt, client_voor, regisseur, vandaag):
    response = client_voor(regisseur).get(
        URL,
        {
            "gemeente": "0363",
            "wet": "wmo",
            "productcategorie": "02",
            "productcode": "02A01",
            "sortering": "wachttijd",
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 3
    eerste = body["results"][0]
    assert eerste["zorgaanbieder"]["naam"] == "Charlie Welzijn"
    assert eerste["tarief"] == "65.00"
    assert eerste["valuta"] == "EUR"
    assert eerste["eenheid"] == "04"
    assert eerste["wachttijd_dagen"] == 7
    assert eerste["beschikbare_plaatsen"] == 10
    assert eerste["clientstop"] is True
    assert eerste["clientstop_einddatum"] == (vandaag + timedelta(days=20)).isoformat()
    assert eerste["product"]["productcode"] == "02A01"
    assert [r["zorgaanbieder"]["naam"] for r in body["results"]] == [
        "Charlie Welzijn",
        "Alfa Zorg",
        "Bravo Hulp",
    ]


def test_api_zoeken_fouten(
    markt, client_voor, regisseur, regisseur_rotterdam, aanbieder_user, begeleiding
):
    client = client_voor(regisseur)
    assert_probleem(client.get(URL, {"gemeente": "0363"}), 400, "ongeldige_invoer")
    assert_probleem(
        client.get(URL, {"gemeente": "9999", "product": str(begeleiding.uuid)}),
        404,
        "gemeente_niet_gevonden",
    )
    assert_probleem(
        client.get(URL, {"gemeente": "0363", "wet": "wmo", "productcategorie": "99"}),
        400,
        "productcategorie_onbekend",
    )
    assert_probleem(
        client.get(URL, {"gemeente": "0363", "product": str(begeleiding.uuid), "sortering": "x"}),
        400,
        "ongeldige_invoer",
    )
    assert_probleem(
        client_voor(regisseur_rotterdam).get(
            URL, {"gemeente": "0363", "product": str(begeleiding.uuid)}
        ),
        404,
        "gemeente_niet_gevonden",
    )
    assert_probleem(
        client_voor(aanbieder_user).get(
            URL, {"gemeente": "0363", "product": str(begeleiding.uuid)}
        ),
        403,
        "geen_toegang",
    )


def _scene(aantal, begeleiding, amsterdam, vandaag):
    for i in range(aantal):
        aanbieder = _aanbieder(
            f"Aanbieder {i:03d}", begeleiding, amsterdam, f"{50 + i}.00", vandaag
        )
        _capaciteit(aanbieder, begeleiding, amsterdam, i, 100 - i)
        if i % 3 == 0:
            Clientstop.objects.create(
                zorgaanbieder=aanbieder,
                product=begeleiding,
                gemeente=amsterdam,
                ingangsdatum=vandaag,
                reden="Vol",
                status=ClientstopStatus.GOEDGEKEURD,
            )


def test_zoeken_kost_een_vast_aantal_queries(
    client_voor, regisseur, begeleiding, amsterdam, vandaag, django_assert_max_num_queries
):
    client = client_voor(regisseur)
    vraag = {"gemeente": "0363", "product": str(begeleiding.uuid), "page_size": 100}

    def aantal(verwacht: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL, vraag)
        assert response.status_code == 200, response.content
        assert len(response.json()["results"]) == verwacht
        return len(queries)

    _scene(3, begeleiding, amsterdam, vandaag)
    weinig = aantal(3)
    _scene(27, begeleiding, amsterdam, vandaag)
    with django_assert_max_num_queries(7):
        veel = aantal(30)
    assert veel == weinig

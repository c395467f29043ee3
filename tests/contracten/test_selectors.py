"""Scoped reads: a provider sees only its own, a municipality only its own; tarief_op."""

from datetime import date
from decimal import Decimal

import pytest

from contracten import selectors
from contracten.constants import ContractStatus
from kern.exceptions import NietGevonden
from tests.factories import (
    BestedingsruimteFactory,
    ContractFactory,
    GebruikerFactory,
    ProductFactory,
    TariefperiodeFactory,
    ZorgaanbiederFactory,
    aanbieder_gebruiker,
    gemeente,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(amsterdam, rotterdam):
    a, b = ZorgaanbiederFactory(), ZorgaanbiederFactory()
    c_a_ams = ContractFactory(zorgaanbieder=a, gemeenten=[amsterdam])
    c_b_rdam = ContractFactory(zorgaanbieder=b, gemeenten=[rotterdam])
    c_b_beide = ContractFactory(zorgaanbieder=b, gemeenten=[amsterdam, rotterdam])
    for c in (c_a_ams, c_b_rdam, c_b_beide):
        TariefperiodeFactory(contract=c)
    BestedingsruimteFactory(zorgaanbieder=a, gemeente=amsterdam)
    BestedingsruimteFactory(zorgaanbieder=b, gemeente=rotterdam)
    return {"a": a, "b": b, "c_a_ams": c_a_ams, "c_b_rdam": c_b_rdam, "c_b_beide": c_b_beide}


def test_provider_sees_only_its_own(scene) -> None:
    gebruiker = aanbieder_gebruiker(scene["a"])
    assert list(selectors.zorgaanbieders_zichtbaar(gebruiker=gebruiker)) == [scene["a"]]
    assert list(selectors.contracten_zichtbaar(gebruiker=gebruiker)) == [scene["c_a_ams"]]
    assert {t.contract for t in selectors.tariefperioden_zichtbaar(gebruiker=gebruiker)} == {
        scene["c_a_ams"]
    }
    assert [
        r.zorgaanbieder for r in selectors.bestedingsruimten_zichtbaar(gebruiker=gebruiker)
    ] == [scene["a"]]
    with pytest.raises(NietGevonden):
        selectors.contract_ophalen(gebruiker=gebruiker, uuid=scene["c_b_rdam"].uuid)
    with pytest.raises(NietGevonden):
        selectors.zorgaanbieder_ophalen(gebruiker=gebruiker, uuid=scene["b"].uuid)
    other_tariff = scene["c_b_beide"].tariefperioden.get()
    with pytest.raises(NietGevonden):
        selectors.tariefperiode_ophalen(gebruiker=gebruiker, uuid=other_tariff.uuid)


def test_municipality_sees_contracts_that_cover_it(scene, amsterdam) -> None:
    gebruiker = GebruikerFactory(rollen=["regisseur"], gemeenten=[amsterdam])
    zichtbaar = set(selectors.contracten_zichtbaar(gebruiker=gebruiker))
    assert zichtbaar == {scene["c_a_ams"], scene["c_b_beide"]}
    # No duplicates from the many-to-many join.
    assert selectors.contracten_zichtbaar(gebruiker=gebruiker).count() == 2
    assert selectors.contract_ophalen(gebruiker=gebruiker, uuid=scene["c_b_beide"].uuid)
    with pytest.raises(NietGevonden):
        selectors.contract_ophalen(gebruiker=gebruiker, uuid=scene["c_b_rdam"].uuid)
    # The provider register is shared: a regisseur searches all providers.
    assert selectors.zorgaanbieders_zichtbaar(gebruiker=gebruiker).count() == 2
    assert [r.gemeente for r in selectors.bestedingsruimten_zichtbaar(gebruiker=gebruiker)] == [
        amsterdam
    ]


def test_user_without_scope_sees_nothing(scene) -> None:
    gebruiker = GebruikerFactory(rollen=["inkoper"])
    assert not selectors.contracten_zichtbaar(gebruiker=gebruiker).exists()
    assert not selectors.zorgaanbieders_zichtbaar(gebruiker=gebruiker).exists()
    with pytest.raises(NietGevonden):
        selectors.contract_ophalen(gebruiker=gebruiker, uuid="not-a-uuid")


def test_superuser_sees_all(scene) -> None:
    gebruiker = GebruikerFactory(is_superuser=True)
    assert selectors.contracten_zichtbaar(gebruiker=gebruiker).count() == 3


def test_producten_geldig_op() -> None:
    oud = ProductFactory(ingangsdatum=date(2020, 1, 1), einddatum=date(2024, 12, 31))
    nieuw = ProductFactory(ingangsdatum=date(2025, 1, 1))
    gebruiker = GebruikerFactory(rollen=["regisseur"], gemeenten=[gemeente()])
    assert set(selectors.producten_zichtbaar(gebruiker=gebruiker, peildatum=date(2025, 6, 1))) == {
        nieuw
    }
    assert set(selectors.producten_zichtbaar(gebruiker=gebruiker)) >= {oud, nieuw}
    assert (
        selectors.product_zoeken(wet="wmo", categorie="02", productcode=nieuw.productcode) == nieuw
    )
    with pytest.raises(selectors.DomeinFout) as fout:
        selectors.product_zoeken(wet="jw", categorie="02", productcode=nieuw.productcode)
    assert fout.value.code == "product_onbekend"


class TestTariefOp:
    def test_picks_the_valid_period(self, amsterdam, django_assert_num_queries) -> None:
        contract = ContractFactory(gemeenten=[amsterdam], ingangsdatum=date(2025, 1, 1))
        product = ProductFactory()
        t25 = TariefperiodeFactory(
            contract=contract,
            product=product,
            bedrag=Decimal("60.00"),
            ingangsdatum=date(2025, 1, 1),
            einddatum=date(2025, 12, 31),
        )
        t26 = TariefperiodeFactory(
            contract=contract,
            product=product,
            bedrag=Decimal("62.10"),
            ingangsdatum=date(2026, 1, 1),
        )
        with django_assert_num_queries(1):
            gevonden = selectors.tarief_op(
                zorgaanbieder=contract.zorgaanbieder,
                gemeente=amsterdam,
                product=product,
                datum=date(2025, 12, 31),
            )
        assert gevonden == t25
        assert (
            selectors.tarief_op(
                zorgaanbieder=contract.zorgaanbieder,
                gemeente=amsterdam,
                product=product,
                datum=date(2026, 1, 1),
            ).bedrag.amount
            == t26.bedrag.amount
            == Decimal("62.10")
        )

    @pytest.mark.parametrize(
        "situatie", ["andere_gemeente", "voor_contract", "concept", "beeindigd", "vervangen"]
    )
    def test_geen_contracttarief(self, situatie, amsterdam, rotterdam) -> None:
        status = {"concept": ContractStatus.CONCEPT, "beeindigd": ContractStatus.BEEINDIGD}.get(
            situatie, ContractStatus.ACTIEF
        )
        contract = ContractFactory(
            gemeenten=[amsterdam], ingangsdatum=date(2025, 1, 1), status=status
        )
        periode = TariefperiodeFactory(contract=contract, ingangsdatum=date(2025, 1, 1))
        if situatie == "vervangen":
            type(periode).objects.filter(pk=periode.pk).update(is_vervangen=True)
        with pytest.raises(selectors.GeenContracttarief) as fout:
            selectors.tarief_op(
                zorgaanbieder=contract.zorgaanbieder,
                gemeente=rotterdam if situatie == "andere_gemeente" else amsterdam,
                product=periode.product,
                datum=date(2024, 12, 31) if situatie == "voor_contract" else date(2025, 6, 1),
            )
        assert fout.value.code == "geen_contracttarief"
        assert "Geen contracttarief" in fout.value.bericht

    def test_opgezegd_contract_still_prices_until_its_end(self, amsterdam) -> None:
        contract = ContractFactory(
            gemeenten=[amsterdam],
            status=ContractStatus.OPGEZEGD,
            ingangsdatum=date(2025, 1, 1),
            einddatum=date(2025, 6, 30),
        )
        periode = TariefperiodeFactory(contract=contract, ingangsdatum=date(2025, 1, 1))
        args = {
            "zorgaanbieder": contract.zorgaanbieder,
            "gemeente": amsterdam,
            "product": periode.product,
        }
        assert selectors.tarief_op(**args, datum=date(2025, 6, 30)) == periode
        with pytest.raises(selectors.GeenContracttarief):
            selectors.tarief_op(**args, datum=date(2025, 7, 1))  # open tariff ends with contract

    def test_two_contracts_disagreeing(self, amsterdam) -> None:
        aanbieder, product = ZorgaanbiederFactory(), ProductFactory()
        for bedrag in ("60.00", "61.00"):
            TariefperiodeFactory(
                contract=ContractFactory(zorgaanbieder=aanbieder, gemeenten=[amsterdam]),
                product=product,
                bedrag=Decimal(bedrag),
            )
        with pytest.raises(selectors.MeerdereContracttarieven) as fout:
            selectors.tarief_op(
                zorgaanbieder=aanbieder, gemeente=amsterdam, product=product, datum=date(2025, 3, 1)
            )
        assert fout.value.code == "meerdere_contracttarieven"

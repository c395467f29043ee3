"""Every contracten service: the happy path with exact values, and refusals that change nothing."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType

from contracten import services
from contracten.constants import ContractStatus, Eenheid, SlaEenheid, SlaSoort, TariefReden
from contracten.models import (
    Bestedingsruimte,
    Contract,
    ContractStatusWijziging,
    ContractVersie,
    Tariefperiode,
    Zorgaanbieder,
)
from kern.exceptions import Conflict, DomeinFout, GeenToegang
from kern.models import AuditRecord
from tests.factories import (
    ContractFactory,
    GebruikerFactory,
    ProductFactory,
    TariefperiodeFactory,
    ZorgaanbiederFactory,
)
from tests.utils import NietsVeranderd

pytestmark = pytest.mark.django_db


def audits(obj) -> list[AuditRecord]:
    return list(
        AuditRecord.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
        ).order_by("id")
    )


# --- Zorgaanbieder ---------------------------------------------------------------------


def test_zorgaanbieder_aanmaken(inkoper) -> None:
    aanbieder = services.zorgaanbieder_aanmaken(
        door=inkoper,
        agb_code="73730001",
        naam="Thuiszorg De Linde",
        kvk_nummer="12345678",
        iban="NL91 ABNA 0417 1643 00",
        plaats="Utrecht",
    )
    aanbieder.refresh_from_db()
    assert aanbieder.iban == "NL91ABNA0417164300"
    assert aanbieder.actief
    [record] = audits(aanbieder)
    assert record.actie == "aangemaakt" and record.gebruiker == inkoper
    assert record.na["agb_code"] == "73730001"


@pytest.mark.parametrize(
    ("velden", "code"),
    [
        ({"agb_code": "1234567"}, "agb_ongeldig"),
        ({"agb_code": "1234567a"}, "agb_ongeldig"),
        ({"iban": "NL91ABNA0417164301"}, "iban_ongeldig"),
        ({"kvk_nummer": "123"}, "kvk_ongeldig"),
    ],
)
def test_zorgaanbieder_bad_input_writes_nothing(inkoper, velden, code) -> None:
    args = {"agb_code": "73730001", "naam": "X", **velden}
    with NietsVeranderd(), pytest.raises(DomeinFout) as fout:
        services.zorgaanbieder_aanmaken(door=inkoper, **args)
    assert fout.value.code == code
    assert fout.value.bericht  # Dutch message for the user
    assert any(c in fout.value.bericht for c in ("AGB", "IBAN", "KvK"))


def test_zorgaanbieder_duplicate_agb(inkoper) -> None:
    ZorgaanbiederFactory(agb_code="73730001")
    with NietsVeranderd(), pytest.raises(Conflict) as fout:
        services.zorgaanbieder_aanmaken(door=inkoper, agb_code="73730001", naam="X")
    assert fout.value.code == "zorgaanbieder_bestaat"


def test_zorgaanbieder_needs_inkoper_role(regisseur) -> None:
    with NietsVeranderd(), pytest.raises(GeenToegang):
        services.zorgaanbieder_aanmaken(door=regisseur, agb_code="73730001", naam="X")


def test_zorgaanbieder_wijzigen_audits_before_after(inkoper) -> None:
    aanbieder = ZorgaanbiederFactory(naam="Oud")
    services.zorgaanbieder_wijzigen(
        door=inkoper, zorgaanbieder=aanbieder, naam="Nieuw", actief=False
    )
    aanbieder.refresh_from_db()
    assert (aanbieder.naam, aanbieder.actief) == ("Nieuw", False)
    [record] = audits(aanbieder)
    assert record.voor["naam"] == "Oud" and record.na["naam"] == "Nieuw"
    with NietsVeranderd(), pytest.raises(DomeinFout) as fout:
        services.zorgaanbieder_wijzigen(door=inkoper, zorgaanbieder=aanbieder, iban="NL00XXXX")
    assert fout.value.code == "iban_ongeldig"
    aanbieder.refresh_from_db()
    assert aanbieder.naam == "Nieuw"
    with NietsVeranderd(), pytest.raises(DomeinFout) as fout:
        services.zorgaanbieder_wijzigen(door=inkoper, zorgaanbieder=aanbieder, naam="Nieuw")
    assert fout.value.code == "geen_wijziging"


def test_zorgaanbieder_gebruiker_koppelen(amsterdam) -> None:
    beheerder = GebruikerFactory(rollen=["beheerder"], gemeenten=[amsterdam])
    aanbieder = ZorgaanbiederFactory()
    medewerker = GebruikerFactory(rollen=["zorgaanbieder"])
    koppeling = services.zorgaanbieder_gebruiker_koppelen(
        door=beheerder, gebruiker=medewerker, zorgaanbieder=aanbieder
    )
    assert koppeling.zorgaanbieder == aanbieder
    inkoper = GebruikerFactory(rollen=["inkoper"], gemeenten=[amsterdam])
    with pytest.raises(DomeinFout) as fout:
        services.zorgaanbieder_gebruiker_koppelen(
            door=beheerder, gebruiker=inkoper, zorgaanbieder=aanbieder
        )
    assert fout.value.code == "gebruiker_geen_zorgaanbieder"


# --- Product ---------------------------------------------------------------------------


def test_product_aanmaken_keys_category_on_the_law(inkoper) -> None:
    wmo = services.product_aanmaken(
        door=inkoper,
        wet="wmo",
        categorie="02",
        productcode="02A01",
        naam="Begeleiding individueel",
        eenheid=Eenheid.UUR,
        uitvoeringsvariant="inspanningsgericht",
        ingangsdatum=date(2025, 1, 1),
    )
    assert wmo.categorie.wet == "wmo" and wmo.categorie.code == "02"
    with NietsVeranderd(), pytest.raises(DomeinFout) as fout:
        services.product_aanmaken(
            door=inkoper,
            wet="jw",
            categorie="02",  # a Wmo category, not in the iJw list
            productcode="02A01",
            naam="X",
            eenheid=Eenheid.UUR,
            uitvoeringsvariant="inspanningsgericht",
            ingangsdatum=date(2025, 1, 1),
        )
    assert fout.value.code == "productcategorie_onbekend"


@pytest.mark.parametrize(
    ("velden", "code"),
    [
        ({"productcode": "123456"}, "productcode_ongeldig"),
        ({"productcode": "0-A"}, "productcode_ongeldig"),
        ({"eenheid": "99"}, "ongeldige_keuze"),
        ({"einddatum": date(2024, 12, 31)}, "einddatum_voor_ingangsdatum"),
    ],
)
def test_product_bad_input(inkoper, velden, code) -> None:
    args = {
        "wet": "wmo",
        "categorie": "02",
        "productcode": "02A01",
        "naam": "X",
        "eenheid": Eenheid.UUR,
        "uitvoeringsvariant": "inspanningsgericht",
        "ingangsdatum": date(2025, 1, 1),
        **velden,
    }
    with NietsVeranderd(), pytest.raises(DomeinFout) as fout:
        services.product_aanmaken(door=inkoper, **args)
    assert fout.value.code == code


def test_retired_product_keeps_its_tariffs_but_gets_no_new_ones(inkoper) -> None:
    periode = TariefperiodeFactory(contract__gemeenten=list(inkoper.gemeenten.all()))
    product = services.product_wijzigen(
        door=inkoper, product=periode.product, einddatum=date(2025, 12, 31)
    )
    assert product.einddatum == date(2025, 12, 31)
    assert Tariefperiode.objects.filter(pk=periode.pk).exists()
    with NietsVeranderd(), pytest.raises(DomeinFout) as fout:
        services.tariefperiode_toevoegen(
            door=inkoper,
            contract=periode.contract,
            product=product,
            bedrag=Decimal("70.00"),
            ingangsdatum=date(2026, 1, 1),
        )
    assert fout.value.code == "product_niet_geldig"


def test_product_cannot_retire_before_a_later_tariff(inkoper) -> None:
    periode = TariefperiodeFactory(ingangsdatum=date(2025, 6, 1))
    with pytest.raises(DomeinFout) as fout:
        services.product_wijzigen(
            door=inkoper, product=periode.product, einddatum=date(2025, 5, 31)
        )
    assert fout.value.code == "product_heeft_latere_tarieven"


# --- Contract --------------------------------------------------------------------------


@pytest.fixture
def aanbieder() -> Zorgaanbieder:
    return ZorgaanbiederFactory()


def nieuw_contract(inkoper, **kwargs) -> Contract:
    args = {
        "door": inkoper,
        "nummer": "WMO-2025-001",
        "zorgaanbieder": Zorgaanbieder.objects.order_by("pk").first() or ZorgaanbiederFactory(),
        "gemeenten": list(inkoper.gemeenten.all()),
        "ingangsdatum": date(2025, 1, 1),
        "einddatum": date(2026, 12, 31),
        **kwargs,
    }
    return services.contract_aanmaken(**args)


def test_contract_aanmaken_writes_version_one(inkoper, amsterdam) -> None:
    contract = nieuw_contract(inkoper, omschrijving="Begeleiding")
    assert contract.status == ContractStatus.CONCEPT
    [versie] = ContractVersie.objects.filter(contract=contract)
    assert versie.versie == 1
    assert versie.gegevens["gemeenten"] == ["0363"]
    assert versie.gegevens["einddatum"] == "2026-12-31"
    assert audits(contract)[0].actie == "aangemaakt"


def test_contract_for_gemeente_outside_scope_is_refused(inkoper, rotterdam, aanbieder) -> None:
    with NietsVeranderd(), pytest.raises(DomeinFout) as fout:
        nieuw_contract(inkoper, gemeenten=[rotterdam])
    assert fout.value.code == "gemeente_buiten_bevoegdheid"
    assert "buiten uw bevoegdheid" in fout.value.bericht


def test_contract_end_before_start(inkoper, aanbieder) -> None:
    with NietsVeranderd(), pytest.raises(DomeinFout) as fout:
        nieuw_contract(inkoper, einddatum=date(2024, 12, 31))
    assert fout.value.code == "einddatum_voor_ingangsdatum"


def test_contract_duplicate_number_and_no_gemeente(inkoper) -> None:
    nieuw_contract(inkoper)
    with NietsVeranderd(), pytest.raises(Conflict):
        nieuw_contract(inkoper)
    with NietsVeranderd(), pytest.raises(DomeinFout) as fout:
        nieuw_contract(inkoper, nummer="ander", gemeenten=[])
    assert fout.value.code == "contract_zonder_gemeente"


def test_contract_wijzigen_creates_version_and_keeps_the_old_one(inkoper) -> None:
    contract = nieuw_contract(inkoper)
    services.contract_wijzigen(
        door=inkoper, contract=contract, reden="Verlengd tot 2027", einddatum=date(2027, 12, 31)
    )
    contract.refresh_from_db()
    assert contract.versie == 2 and contract.einddatum == date(2027, 12, 31)
    v1, v2 = ContractVersie.objects.filter(contract=contract).order_by("versie")
    assert v1.gegevens["einddatum"] == "2026-12-31"
    assert v2.gegevens["einddatum"] == "2027-12-31"
    assert v2.reden == "Verlengd tot 2027"
    record = audits(contract)[-1]
    assert record.voor["einddatum"] == "2026-12-31" and record.na["einddatum"] == "2027-12-31"
    # Clearing the end date (onbepaalde tijd) is a change too.
    services.contract_wijzigen(door=inkoper, contract=contract, reden="Onbepaald", einddatum=None)
    contract.refresh_from_db()
    assert contract.einddatum is None and contract.versie == 3


def test_contract_wijzigen_refusals(inkoper, rotterdam) -> None:
    contract = nieuw_contract(inkoper)
    TariefperiodeFactory(
        contract=contract, ingangsdatum=date(2025, 1, 1), einddatum=date(2026, 12, 31)
    )
    cases = [
        ({"reden": " "}, "reden_verplicht"),
        ({"reden": "x", "einddatum": date(2024, 1, 1)}, "einddatum_voor_ingangsdatum"),
        ({"reden": "x", "ingangsdatum": date(2025, 2, 1)}, "tarieven_buiten_looptijd"),
        ({"reden": "x", "gemeenten": [rotterdam]}, "gemeente_buiten_bevoegdheid"),
        ({"reden": "x", "gemeenten": []}, "contract_zonder_gemeente"),
        ({"reden": "x", "omschrijving": ""}, "geen_wijziging"),
    ]
    for kwargs, code in cases:
        with NietsVeranderd(), pytest.raises(DomeinFout) as fout:
            services.contract_wijzigen(door=inkoper, contract=contract, **kwargs)
        assert fout.value.code == code, kwargs
    contract.refresh_from_db()
    assert contract.versie == 1 and contract.einddatum == date(2026, 12, 31)


def test_shortening_a_contract_closes_its_tariffs_at_the_new_end(inkoper) -> None:
    contract = nieuw_contract(inkoper, einddatum=None)
    open_periode = TariefperiodeFactory(contract=contract, einddatum=None)
    later = TariefperiodeFactory(
        contract=contract, ingangsdatum=date(2025, 1, 1), einddatum=date(2026, 12, 31)
    )
    services.contract_wijzigen(
        door=inkoper, contract=contract, reden="Opzegging", einddatum=date(2025, 6, 30)
    )
    open_periode.refresh_from_db()
    later.refresh_from_db()
    assert open_periode.einddatum == later.einddatum == date(2025, 6, 30)
    assert open_periode.bedrag.amount == Decimal("65.00")
    assert audits(open_periode)[-1].toelichting == "Afgesloten op de einddatum van het contract."
    # A period that would start after the new end blocks the change; nothing is shortened.
    TariefperiodeFactory(contract=contract, ingangsdatum=date(2025, 6, 1), einddatum=None)
    with NietsVeranderd(), pytest.raises(DomeinFout) as fout:
        services.contract_wijzigen(
            door=inkoper, contract=contract, reden="x", einddatum=date(2025, 5, 31)
        )
    assert fout.value.code == "tarieven_buiten_looptijd"


def test_contract_status_transitions_are_recorded(inkoper) -> None:
    contract = nieuw_contract(inkoper)
    with pytest.raises(DomeinFout) as fout:
        services.contract_status_wijzigen(door=inkoper, contract=contract, status="actief")
    assert fout.value.code == "contract_zonder_tarieven"
    TariefperiodeFactory(contract=contract, einddatum=date(2026, 12, 31))
    services.contract_status_wijzigen(door=inkoper, contract=contract, status="actief")
    services.contract_status_wijzigen(
        door=inkoper, contract=contract, status="opgezegd", reden="Opzegging per 2026"
    )
    services.contract_status_wijzigen(door=inkoper, contract=contract, status="beeindigd")
    overgangen = list(
        ContractStatusWijziging.objects.filter(contract=contract).values_list(
            "van_status", "naar_status"
        )
    )
    assert overgangen == [
        ("concept", "actief"),
        ("actief", "opgezegd"),
        ("opgezegd", "beeindigd"),
    ]
    with NietsVeranderd(), pytest.raises(DomeinFout) as fout:
        services.contract_status_wijzigen(door=inkoper, contract=contract, status="actief")
    assert fout.value.code == "statusovergang_niet_toegestaan"
    with pytest.raises(DomeinFout) as fout:
        services.contract_wijzigen(door=inkoper, contract=contract, reden="x", omschrijving="y")
    assert fout.value.code == "contract_beeindigd"


def test_opzeggen_needs_an_end_date(inkoper) -> None:
    contract = ContractFactory(einddatum=None, gemeenten=list(inkoper.gemeenten.all()))
    with NietsVeranderd(), pytest.raises(DomeinFout) as fout:
        services.contract_status_wijzigen(door=inkoper, contract=contract, status="opgezegd")
    assert fout.value.code == "opzegging_zonder_einddatum"


def test_other_municipality_cannot_touch_the_contract(inkoper, inkoper_rotterdam) -> None:
    contract = ContractFactory(gemeenten=list(inkoper.gemeenten.all()))
    with NietsVeranderd(), pytest.raises(DomeinFout) as fout:
        services.contract_status_wijzigen(
            door=inkoper_rotterdam, contract=contract, status="opgezegd"
        )
    assert fout.value.code == "gemeente_buiten_bevoegdheid"


# --- Tariff periods --------------------------------------------------------------------


@pytest.fixture
def contract(inkoper) -> Contract:
    return ContractFactory(
        gemeenten=list(inkoper.gemeenten.all()),
        ingangsdatum=date(2025, 1, 1),
        einddatum=date(2027, 12, 31),
    )


def test_tariefperiode_toevoegen(inkoper, contract) -> None:
    product = ProductFactory()
    periode = services.tariefperiode_toevoegen(
        door=inkoper,
        contract=contract,
        product=product,
        bedrag=Decimal("64.37"),
        ingangsdatum=date(2025, 1, 1),
        einddatum=date(2025, 12, 31),
    )
    assert periode.bedrag.amount == Decimal("64.37")
    assert str(periode.bedrag.currency) == "EUR"
    assert periode.eenheid == product.eenheid
    assert periode.reden == TariefReden.INITIEEL
    assert audits(periode)[0].na["bedrag"] == {"bedrag": "64.37", "valuta": "EUR"}


def test_new_period_from_a_date_closes_the_open_predecessor(inkoper, contract) -> None:
    product = ProductFactory()
    oud = services.tariefperiode_toevoegen(
        door=inkoper,
        contract=contract,
        product=product,
        bedrag=Decimal("60.00"),
        ingangsdatum=date(2025, 1, 1),
    )
    nieuw = services.tariefperiode_toevoegen(
        door=inkoper,
        contract=contract,
        product=product,
        bedrag=Decimal("62.10"),
        ingangsdatum=date(2026, 1, 1),
    )
    oud.refresh_from_db()
    assert oud.einddatum == date(2025, 12, 31)
    assert oud.bedrag.amount == Decimal("60.00")  # never overwritten
    assert nieuw.einddatum is None
    closing = audits(oud)[-1]
    assert closing.voor["einddatum"] is None and closing.na["einddatum"] == "2025-12-31"


@pytest.mark.parametrize(
    ("ingang", "einde"),
    [
        (date(2025, 3, 1), date(2025, 3, 31)),  # inside a closed period
        (date(2024, 12, 1), date(2025, 1, 31)),  # starts before (and before the contract)
        (date(2025, 1, 1), None),  # same start
    ],
)
def test_overlap_is_refused_and_changes_nothing(inkoper, contract, ingang, einde) -> None:
    product = ProductFactory()
    bestaand = TariefperiodeFactory(
        contract=contract,
        product=product,
        ingangsdatum=date(2025, 1, 1),
        einddatum=date(2025, 12, 31),
    )
    with NietsVeranderd(), pytest.raises(DomeinFout) as fout:
        services.tariefperiode_toevoegen(
            door=inkoper,
            contract=contract,
            product=product,
            bedrag=Decimal("1.00"),
            ingangsdatum=ingang,
            einddatum=einde,
        )
    assert fout.value.code in {"tariefperiode_overlapt", "tarief_buiten_looptijd"}
    bestaand.refresh_from_db()
    assert bestaand.einddatum == date(2025, 12, 31)


def test_a_closed_predecessor_that_runs_past_the_new_end_is_an_overlap(inkoper, contract) -> None:
    product = ProductFactory()
    TariefperiodeFactory(
        contract=contract,
        product=product,
        ingangsdatum=date(2025, 1, 1),
        einddatum=date(2025, 12, 31),
    )
    with NietsVeranderd(), pytest.raises(DomeinFout) as fout:
        services.tariefperiode_toevoegen(
            door=inkoper,
            contract=contract,
            product=product,
            bedrag=Decimal("1.00"),
            ingangsdatum=date(2025, 7, 1),
            einddatum=date(2025, 9, 30),
        )
    assert fout.value.code == "tariefperiode_overlapt"
    assert "01-01-2025" in fout.value.bericht


@pytest.mark.parametrize(
    ("bedrag", "code"),
    [(Decimal("-1.00"), "tarief_negatief"), (Decimal("1.005"), "tarief_decimalen")],
)
def test_bad_amounts(inkoper, contract, bedrag, code) -> None:
    product = ProductFactory()
    with NietsVeranderd(), pytest.raises(DomeinFout) as fout:
        services.tariefperiode_toevoegen(
            door=inkoper,
            contract=contract,
            product=product,
            bedrag=bedrag,
            ingangsdatum=date(2025, 1, 1),
        )
    assert fout.value.code == code


def test_tariff_outside_contract_term_and_end_before_start(inkoper, contract) -> None:
    product = ProductFactory()
    for ingang, einde, code in [
        (date(2024, 1, 1), None, "tarief_buiten_looptijd"),
        (date(2028, 1, 1), None, "tarief_buiten_looptijd"),  # starts after the contract
        (date(2025, 1, 1), date(2028, 1, 1), "tarief_buiten_looptijd"),
        (date(2025, 5, 1), date(2025, 4, 1), "einddatum_voor_ingangsdatum"),
    ]:
        with NietsVeranderd(), pytest.raises(DomeinFout) as fout:
            services.tariefperiode_toevoegen(
                door=inkoper,
                contract=contract,
                product=product,
                bedrag=Decimal("1.00"),
                ingangsdatum=ingang,
                einddatum=einde,
            )
        assert fout.value.code == code


def test_tariefperiode_corrigeren_replaces_but_keeps_the_old(inkoper, contract) -> None:
    oud = TariefperiodeFactory(
        contract=contract, ingangsdatum=date(2025, 1, 1), einddatum=date(2025, 12, 31)
    )
    nieuw = services.tariefperiode_corrigeren(
        door=inkoper, tariefperiode=oud, bedrag=Decimal("66.50"), toelichting="Typefout"
    )
    oud.refresh_from_db()
    assert oud.is_vervangen and oud.bedrag.amount == Decimal("65.00")
    assert nieuw.vervangt == oud
    assert (nieuw.ingangsdatum, nieuw.einddatum) == (oud.ingangsdatum, oud.einddatum)
    assert nieuw.reden == TariefReden.CORRECTIE and nieuw.bedrag.amount == Decimal("66.50")
    with NietsVeranderd(), pytest.raises(Conflict):
        services.tariefperiode_corrigeren(
            door=inkoper, tariefperiode=oud, bedrag=Decimal("1.00"), toelichting="x"
        )
    with NietsVeranderd(), pytest.raises(DomeinFout) as fout:
        services.tariefperiode_corrigeren(
            door=inkoper, tariefperiode=nieuw, bedrag=Decimal("66.50"), toelichting="x"
        )
    assert fout.value.code == "geen_wijziging"


def test_tariff_on_beeindigd_contract_is_refused(inkoper) -> None:
    contract = ContractFactory(
        status=ContractStatus.BEEINDIGD, gemeenten=list(inkoper.gemeenten.all())
    )
    product = ProductFactory()
    with NietsVeranderd(), pytest.raises(DomeinFout) as fout:
        services.tariefperiode_toevoegen(
            door=inkoper,
            contract=contract,
            product=product,
            bedrag=Decimal("1.00"),
            ingangsdatum=date(2025, 1, 1),
        )
    assert fout.value.code == "contract_beeindigd"


# --- Indexation ------------------------------------------------------------------------


def test_indexatiepercentage_formula() -> None:
    assert services.indexatiepercentage(percentage=Decimal("3.5")) == Decimal("3.5")
    # 80 % wages at 4.20 % and 20 % material at 2.90 %: 3.36 + 0.58 = 3.94
    assert services.indexatiepercentage(
        loonindex=Decimal("4.20"), materiele_index=Decimal("2.90"), loonaandeel=Decimal("0.80")
    ) == Decimal("3.9400")
    for kwargs, code in [
        ({}, "indexatie_onvolledig"),
        ({"loonindex": Decimal("1")}, "indexatie_onvolledig"),
        ({"percentage": Decimal("1"), "loonindex": Decimal("1")}, "indexatie_dubbel"),
        (
            {
                "loonindex": Decimal("1"),
                "materiele_index": Decimal("1"),
                "loonaandeel": Decimal("1.5"),
            },
            "loonaandeel_ongeldig",
        ),
    ]:
        with pytest.raises(DomeinFout) as fout:
            services.indexatiepercentage(**kwargs)
        assert fout.value.code == code


def test_indexatie_dry_run_and_real_run(inkoper) -> None:
    contract = ContractFactory(gemeenten=list(inkoper.gemeenten.all()), einddatum=None)
    open_product, closed_product, later_product = (
        ProductFactory(),
        ProductFactory(),
        ProductFactory(),
    )
    TariefperiodeFactory(contract=contract, product=open_product, bedrag=Decimal("64.37"))
    TariefperiodeFactory(
        contract=contract,
        product=closed_product,
        bedrag=Decimal("10.00"),
        einddatum=date(2025, 12, 31),
    )
    TariefperiodeFactory(
        contract=contract,
        product=later_product,
        bedrag=Decimal("5.00"),
        einddatum=date(2026, 2, 28),
    )
    TariefperiodeFactory(
        contract=contract,
        product=later_product,
        bedrag=Decimal("5.50"),
        ingangsdatum=date(2026, 3, 1),
    )

    with NietsVeranderd():
        regels = services.indexatie_toepassen(
            door=inkoper,
            contracten=[contract],
            ingangsdatum=date(2026, 1, 1),
            percentage=Decimal("3.5"),
            dry_run=True,
        )
    per_product = {r.productcode: r for r in regels}
    # 64.37 * 1.035 = 66.62295 -> 66.62 ; 10.00 * 1.035 = 10.35
    assert per_product[open_product.productcode].nieuw_bedrag == Decimal("66.62")
    assert per_product[open_product.productcode].oud_bedrag == Decimal("64.37")
    assert per_product[closed_product.productcode].nieuw_bedrag == Decimal("10.35")
    assert per_product[later_product.productcode].overgeslagen.startswith("heeft al een tarief")

    echte = services.indexatie_toepassen(
        door=inkoper,
        contracten=[contract],
        ingangsdatum=date(2026, 1, 1),
        percentage=Decimal("3.5"),
    )
    assert echte == regels
    nieuw_open = Tariefperiode.objects.get(product=open_product, ingangsdatum=date(2026, 1, 1))
    assert nieuw_open.bedrag.amount == Decimal("66.62")
    assert nieuw_open.einddatum is None and nieuw_open.reden == TariefReden.INDEXATIE
    assert Tariefperiode.objects.get(
        product=open_product, ingangsdatum=date(2025, 1, 1)
    ).einddatum == date(2025, 12, 31)
    nieuw_closed = Tariefperiode.objects.get(product=closed_product, ingangsdatum=date(2026, 1, 1))
    assert nieuw_closed.einddatum is None  # contract has no end
    # Running it again indexes nothing twice.
    with NietsVeranderd():
        opnieuw = services.indexatie_toepassen(
            door=inkoper,
            contracten=[contract],
            ingangsdatum=date(2026, 1, 1),
            percentage=Decimal("3.5"),
        )
    assert all(r.overgeslagen for r in opnieuw)


# --- SLA and bestedingsruimte ----------------------------------------------------------


def test_slanorm_vastleggen_stores_unit_and_updates(inkoper, contract) -> None:
    norm = services.slanorm_vastleggen(
        door=inkoper, contract=contract, soort=SlaSoort.ANTWOORD_VERZOEK, waarde=Decimal("5")
    )
    assert norm.eenheid == SlaEenheid.WERKDAGEN
    norm2 = services.slanorm_vastleggen(
        door=inkoper, contract=contract, soort=SlaSoort.ANTWOORD_VERZOEK, waarde=Decimal("3")
    )
    assert norm2.pk == norm.pk and norm2.waarde == Decimal("3")
    assert [r.actie for r in audits(norm)] == ["aangemaakt", "gewijzigd"]
    with NietsVeranderd(), pytest.raises(DomeinFout):
        services.slanorm_vastleggen(door=inkoper, contract=contract, soort="x", waarde=Decimal("1"))
    with NietsVeranderd(), pytest.raises(DomeinFout):
        services.slanorm_vastleggen(
            door=inkoper, contract=contract, soort=SlaSoort.WACHTTIJD, waarde=Decimal("-1")
        )


def test_bestedingsruimte_vastleggen(inkoper, amsterdam, rotterdam) -> None:
    aanbieder = ZorgaanbiederFactory()
    ruimte = services.bestedingsruimte_vastleggen(
        door=inkoper,
        zorgaanbieder=aanbieder,
        gemeente=amsterdam,
        jaar=2026,
        bedrag=Decimal("250000.00"),
    )
    ruimte.refresh_from_db()
    assert ruimte.bedrag.amount == Decimal("250000.00")
    services.bestedingsruimte_vastleggen(
        door=inkoper,
        zorgaanbieder=aanbieder,
        gemeente=amsterdam,
        jaar=2026,
        bedrag=Decimal("300000.00"),
    )
    assert Bestedingsruimte.objects.get().bedrag.amount == Decimal("300000.00")
    with NietsVeranderd(), pytest.raises(DomeinFout) as fout:
        services.bestedingsruimte_vastleggen(
            door=inkoper,
            zorgaanbieder=aanbieder,
            gemeente=rotterdam,
            jaar=2026,
            bedrag=Decimal("1.00"),
        )
    assert fout.value.code == "gemeente_buiten_bevoegdheid"
    with NietsVeranderd(), pytest.raises(DomeinFout) as fout:
        services.bestedingsruimte_vastleggen(
            door=inkoper,
            zorgaanbieder=aanbieder,
            gemeente=amsterdam,
            jaar=1990,
            bedrag=Decimal("1.00"),
        )
    assert fout.value.code == "bestedingsruimte_jaar_redelijk"


def test_system_calls_without_user_skip_role_checks_not_rules() -> None:
    aanbieder = services.zorgaanbieder_aanmaken(door=None, agb_code="73730009", naam="Systeem")
    assert Zorgaanbieder.objects.filter(pk=aanbieder.pk).exists()
    with pytest.raises(DomeinFout):
        services.zorgaanbieder_aanmaken(door=None, agb_code="bad", naam="Systeem")


def test_unchanged_sla_and_cap_write_nothing(inkoper, contract, amsterdam) -> None:
    services.slanorm_vastleggen(
        door=inkoper, contract=contract, soort=SlaSoort.WACHTTIJD, waarde=Decimal("42")
    )
    aanbieder = contract.zorgaanbieder
    services.bestedingsruimte_vastleggen(
        door=inkoper,
        zorgaanbieder=aanbieder,
        gemeente=amsterdam,
        jaar=2026,
        bedrag=Decimal("10.00"),
    )
    with NietsVeranderd():
        services.slanorm_vastleggen(
            door=inkoper, contract=contract, soort=SlaSoort.WACHTTIJD, waarde=Decimal("42")
        )
        services.bestedingsruimte_vastleggen(
            door=inkoper,
            zorgaanbieder=aanbieder,
            gemeente=amsterdam,
            jaar=2026,
            bedrag=Decimal("10.00"),
        )


def test_too_long_reasons_are_refused_with_a_clear_message(inkoper, aanbieder) -> None:
    lang = "x" * 256
    with NietsVeranderd(), pytest.raises(DomeinFout) as fout:
        nieuw_contract(inkoper, reden=lang)
    assert fout.value.code == "te_lang"
    contract = nieuw_contract(inkoper)
    for aanroep in (
        lambda: services.contract_wijzigen(
            door=inkoper, contract=contract, reden=lang, omschrijving="y"
        ),
        lambda: services.contract_status_wijzigen(
            door=inkoper, contract=contract, status="beeindigd", reden=lang
        ),
    ):
        with NietsVeranderd(), pytest.raises(DomeinFout) as fout:
            aanroep()
        assert fout.value.code == "te_lang"
        assert "maximum is 255" in fout.value.bericht

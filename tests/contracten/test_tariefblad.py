"""The tariff sheet: template, export, import (dry run, all-or-nothing, idempotent), the
cell readers and the two management commands."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from contracten.constants import ContractStatus, Eenheid, TariefReden
from contracten.models import Contract, ContractVersie, Tariefperiode
from contracten.tariefblad import (
    BLAD_TOELICHTING,
    KOLOMMEN,
    ImportFout,
    cellen,
    lezen,
    tarieven_exporteren,
    tarieven_importeren,
    tarievenblad_sjabloon,
)
from kern.models import AuditRecord
from tests.factories import (
    ContractFactory,
    ProductFactory,
    TariefperiodeFactory,
    ZorgaanbiederFactory,
    categorie,
    gemeente,
)

KOPPEN = [k.kop for k in KOLOMMEN]
DOCS = Path(__file__).resolve().parents[2] / "docs" / "tariefblad.md"


def blad(*regels: dict[str, Any], koppen: list[str] | None = None) -> bytes:
    """A sheet with the template's header row (or ``koppen``) and rows given by header."""
    koppen = koppen or KOPPEN
    werkmap = Workbook()
    ws = werkmap.active
    ws.append(koppen)
    for regel in regels:
        ws.append([regel.get(kop) for kop in koppen])
    buffer = io.BytesIO()
    werkmap.save(buffer)
    return buffer.getvalue()


def regel(aanbieder: Any, product: Any, **velden: Any) -> dict[str, Any]:
    """A valid row for ``aanbieder`` and ``product`` in Amsterdam from 01-01-2026."""
    basis = {
        "AGB-code": aanbieder.agb_code,
        "Gemeentecode": "0363",
        "Wet": product.categorie.wet,
        "Productcategorie": product.categorie.code,
        "Productcode": product.productcode,
        "Eenheid": product.eenheid,
        "Tarief (euro)": 65.4,
        "Ingangsdatum": date(2026, 1, 1),
    }
    for sleutel, waarde in velden.items():
        basis[{k.sleutel: k.kop for k in KOLOMMEN}[sleutel]] = waarde
    return basis


def tellingen() -> tuple[int, int, int, int]:
    return (
        Tariefperiode.objects.count(),
        Contract.objects.count(),
        ContractVersie.objects.count(),
        AuditRecord.objects.count(),
    )


def importeer(data: bytes, *, dry_run: bool = False, door: Any = None):
    return tarieven_importeren(bestand=data, door=door, dry_run=dry_run)


@pytest.fixture
def aanbieder(db):
    return ZorgaanbiederFactory(agb_code="73001111")


@pytest.fixture
def product(db):
    return ProductFactory(productcode="02A01", eenheid=Eenheid.UUR)


# --- Template and export -------------------------------------------------------------------


@pytest.mark.django_db
def test_sjabloon_heeft_kopregel_en_toelichting_en_is_zonder_regels_niet_importeerbaar():
    data = tarievenblad_sjabloon()
    werkmap = load_workbook(io.BytesIO(data))
    assert werkmap.sheetnames == ["Tarieven", BLAD_TOELICHTING]
    assert [c.value for c in werkmap["Tarieven"][1]] == KOPPEN
    assert werkmap["Tarieven"].max_row == 1
    toelichting = [[c.value for c in rij] for rij in werkmap[BLAD_TOELICHTING].iter_rows()]
    assert toelichting[0] == ["Kolom", "Verplicht", "Formaat", "Voorbeeld", "Toelichting"]
    assert [r[0] for r in toelichting[1 : len(KOLOMMEN) + 1]] == KOPPEN
    assert toelichting[2][:4] == ["AGB-code", "ja", "8 cijfers", "12345678"]

    resultaat = importeer(data)
    assert resultaat.fouten == [
        ImportFout(
            rij=2, kolom=None, code="geen_regels", bericht="Het blad bevat geen tariefregels."
        )
    ]


@pytest.mark.django_db
def test_export_een_regel_per_periode_en_gemeente_met_codes_als_tekst(aanbieder, product):
    contract = ContractFactory(
        nummer="WMO-1", zorgaanbieder=aanbieder, gemeenten=[gemeente("0599"), gemeente("0363")]
    )
    TariefperiodeFactory(
        contract=contract,
        product=product,
        bedrag=Decimal("65.40"),
        ingangsdatum=date(2025, 1, 1),
        einddatum=date(2025, 12, 31),
    )
    TariefperiodeFactory(
        contract=contract, product=product, bedrag=Decimal("67.10"), ingangsdatum=date(2026, 1, 1)
    )
    ws = load_workbook(io.BytesIO(tarieven_exporteren(contracten=[contract])))["Tarieven"]
    rijen = [[c.value for c in rij] for rij in ws.iter_rows(min_row=2)]
    assert [r[:7] + r[8:10] for r in rijen] == [
        ["WMO-1", "73001111", aanbieder.naam, "0363", "wmo", "02", "02A01", "04", 65.4],
        ["WMO-1", "73001111", aanbieder.naam, "0599", "wmo", "02", "02A01", "04", 65.4],
        ["WMO-1", "73001111", aanbieder.naam, "0363", "wmo", "02", "02A01", "04", 67.1],
        ["WMO-1", "73001111", aanbieder.naam, "0599", "wmo", "02", "02A01", "04", 67.1],
    ]
    assert [(r[10].date(), r[11] and r[11].date()) for r in rijen] == [
        (date(2025, 1, 1), date(2025, 12, 31)),
        (date(2025, 1, 1), date(2025, 12, 31)),
        (date(2026, 1, 1), None),
        (date(2026, 1, 1), None),
    ]
    assert ws["D2"].number_format == "@"
    assert ws["J2"].number_format == "#,##0.00"


@pytest.mark.django_db
def test_rondgang_export_import_is_geheel_ongewijzigd(aanbieder, product):
    ander_product = ProductFactory(categorie=categorie("jw", "45"), eenheid=Eenheid.ETMAAL)
    contract = ContractFactory(
        nummer="RT-1", zorgaanbieder=aanbieder, gemeenten=[gemeente("0363"), gemeente("0599")]
    )
    beeindigd = ContractFactory(
        nummer="RT-OUD", zorgaanbieder=aanbieder, status=ContractStatus.BEEINDIGD
    )
    for c, p, bedrag, begin, eind in [
        (contract, product, "65.40", date(2025, 1, 1), date(2025, 12, 31)),
        (contract, product, "67.12", date(2026, 1, 1), None),
        (contract, ander_product, "250.00", date(2025, 3, 1), None),
        (beeindigd, product, "60.00", date(2025, 1, 1), date(2025, 6, 30)),
    ]:
        TariefperiodeFactory(
            contract=c,
            product=p,
            bedrag=Decimal(bedrag),
            eenheid=p.eenheid,
            ingangsdatum=begin,
            einddatum=eind,
        )
    data = tarieven_exporteren(contracten=[contract, beeindigd])
    voor = tellingen()

    resultaat = importeer(data)

    assert resultaat.fouten == []
    assert resultaat.geslaagd
    assert (resultaat.ongewijzigd, resultaat.tariefperioden_aangemaakt) == (4, 0)
    assert resultaat.aangemaakte_contracten == []
    assert tellingen() == voor


# --- Import: what it creates ---------------------------------------------------------------


@pytest.mark.django_db
def test_blad_met_meerdere_aanbieders_maakt_contracten_en_perioden_met_exacte_bedragen(product):
    a = ZorgaanbiederFactory(agb_code="73002222")
    b = ZorgaanbiederFactory(agb_code="73003333")
    jeugd = ProductFactory(categorie=categorie("jw", "45"), productcode="45A12", eenheid="14")
    data = blad(
        regel(a, product, tarief=65.4, ingangsdatum=date(2026, 3, 1)),
        regel(a, product, gemeentecode="0599", tarief="65,40", ingangsdatum="01-03-2026"),
        regel(a, jeugd, tarief=251.05, ingangsdatum="2026-02-01", einddatum="31-12-2026"),
        regel(b, product, contractnummer="B-2026", tarief=70, gemeentecode=518),
        regel(b, product, contractnummer="B-2026", tarief=70, gemeentecode="0599"),
    )

    resultaat = importeer(data)

    assert resultaat.fouten == []
    assert resultaat.aangemaakte_contracten == ["73002222-2026", "B-2026"]
    assert (resultaat.tariefperioden_aangemaakt, resultaat.ongewijzigd) == (3, 0)
    ca = Contract.objects.get(nummer="73002222-2026")
    assert ca.zorgaanbieder == a
    assert ca.status == ContractStatus.ACTIEF
    assert ca.ingangsdatum == date(2026, 2, 1)  # the provider's earliest row
    assert ca.einddatum is None
    assert sorted(g.code for g in ca.gemeenten.all()) == ["0363", "0599"]
    cb = Contract.objects.get(nummer="B-2026")
    assert (cb.zorgaanbieder, cb.status, cb.ingangsdatum) == (b, "actief", date(2026, 1, 1))
    assert sorted(g.code for g in cb.gemeenten.all()) == ["0518", "0599"]
    perioden = sorted(
        (
            p.contract.nummer,
            p.product.productcode,
            p.bedrag.amount,
            p.eenheid,
            p.ingangsdatum,
            p.einddatum,
            p.reden,
        )
        for p in Tariefperiode.objects.select_related("contract", "product")
    )
    assert perioden == [
        ("73002222-2026", "02A01", Decimal("65.40"), "04", date(2026, 3, 1), None, "import"),
        (
            "73002222-2026",
            "45A12",
            Decimal("251.05"),
            "14",
            date(2026, 2, 1),
            date(2026, 12, 31),
            "import",
        ),
        ("B-2026", "02A01", Decimal("70.00"), "04", date(2026, 1, 1), None, "import"),
    ]
    assert all(
        str(p.bedrag.amount) in {"65.40", "251.05", "70.00"} for p in Tariefperiode.objects.all()
    )


@pytest.mark.django_db
def test_bestaand_contract_wordt_gebruikt_en_met_ontbrekende_gemeente_uitgebreid(
    aanbieder, product
):
    contract = ContractFactory(
        nummer="BESTAAND", zorgaanbieder=aanbieder, gemeenten=[gemeente("0363")]
    )
    ContractVersie.objects.create(contract=contract, versie=1, reden="Eerste versie", gegevens={})
    data = blad(
        regel(aanbieder, product, tarief="66.00"),
        regel(aanbieder, product, gemeentecode="0599", tarief="66.00"),
    )

    resultaat = importeer(data)

    assert resultaat.fouten == []
    assert resultaat.aangemaakte_contracten == []
    assert resultaat.tariefperioden_aangemaakt == 1
    contract.refresh_from_db()
    assert sorted(g.code for g in contract.gemeenten.all()) == ["0363", "0599"]
    assert contract.versie == 2
    assert ContractVersie.objects.get(contract=contract, versie=2).reden == "Import tarievenblad"
    periode = Tariefperiode.objects.get()
    assert (periode.contract, periode.bedrag.amount) == (contract, Decimal("66.00"))


@pytest.mark.django_db
def test_nieuw_contractnummer_wordt_uniek_gemaakt(aanbieder, product):
    ContractFactory(
        nummer="73001111-2026", zorgaanbieder=aanbieder, status=ContractStatus.BEEINDIGD
    )
    resultaat = importeer(blad(regel(aanbieder, product)))
    assert resultaat.fouten == []
    assert resultaat.aangemaakte_contracten == ["73001111-2026-2"]


@pytest.mark.django_db
def test_nieuwe_periode_sluit_de_open_voorganger_en_de_gesloten_kopie_is_ongewijzigd(
    aanbieder, product
):
    contract = ContractFactory(nummer="K-1", zorgaanbieder=aanbieder)
    oud = TariefperiodeFactory(contract=contract, product=product, bedrag=Decimal("60.00"))
    data = blad(
        regel(
            aanbieder,
            product,
            contractnummer="K-1",
            tarief=60,
            ingangsdatum=date(2025, 1, 1),
            einddatum=date(2025, 12, 31),
        ),
        regel(aanbieder, product, contractnummer="K-1", tarief=62.5),
    )

    resultaat = importeer(data)

    assert resultaat.fouten == []
    assert (resultaat.tariefperioden_aangemaakt, resultaat.ongewijzigd) == (1, 1)
    oud.refresh_from_db()
    assert oud.einddatum == date(2025, 12, 31)
    assert Tariefperiode.objects.get(ingangsdatum=date(2026, 1, 1)).bedrag.amount == Decimal(
        "62.50"
    )
    assert importeer(data).ongewijzigd == 2


@pytest.mark.django_db
def test_tweede_import_van_hetzelfde_blad_schrijft_niets(product):
    a = ZorgaanbiederFactory()
    b = ZorgaanbiederFactory()
    data = blad(
        regel(a, product),
        regel(a, product, gemeentecode="0599"),
        regel(b, product, tarief=12.3, einddatum=date(2026, 6, 30)),
        regel(b, product, tarief=13, ingangsdatum=date(2026, 7, 1)),
    )
    eerste = importeer(data)
    assert eerste.fouten == []
    assert (len(eerste.aangemaakte_contracten), eerste.tariefperioden_aangemaakt) == (2, 3)
    voor = tellingen()

    tweede = importeer(data)

    assert tweede.fouten == []
    assert tweede.aangemaakte_contracten == []
    assert (tweede.tariefperioden_aangemaakt, tweede.ongewijzigd) == (0, 3)
    assert tellingen() == voor


@pytest.mark.django_db
def test_float_cel_12_3_wordt_exact_12_30(aanbieder, product):
    resultaat = importeer(blad(regel(aanbieder, product, tarief=12.3)))
    assert resultaat.fouten == []
    bedrag = Tariefperiode.objects.get().bedrag.amount
    assert bedrag == Decimal("12.30")
    assert str(bedrag) == "12.30"


@pytest.mark.django_db
def test_numerieke_codecellen_krijgen_hun_voorloopnullen_terug(product):
    aanbieder = ZorgaanbiederFactory(agb_code="01000123")
    resultaat = importeer(
        blad(
            regel(
                aanbieder,
                product,
                agb_code=1000123,
                gemeentecode=363,
                productcategorie=2,
                eenheid=4,
            )
        )
    )
    assert resultaat.fouten == []
    contract = Contract.objects.get()
    assert (contract.nummer, [g.code for g in contract.gemeenten.all()]) == (
        "01000123-2026",
        ["0363"],
    )


# --- Import: refusals, all or nothing ------------------------------------------------------


@pytest.mark.django_db
def test_een_foute_regel_tussen_goede_schrijft_niets_en_noemt_rij_en_reden(aanbieder, product):
    data = blad(
        regel(aanbieder, product),
        regel(aanbieder, product, gemeentecode="0599", tarief=-1),
        regel(aanbieder, product, gemeentecode="0518"),
    )
    voor = tellingen()

    resultaat = importeer(data)

    assert resultaat.fouten == [
        ImportFout(
            rij=3,
            kolom="Tarief (euro)",
            code="tarief_negatief",
            bericht="Een tarief is niet negatief.",
        )
    ]
    assert not resultaat.geslaagd
    assert (resultaat.aangemaakte_contracten, resultaat.tariefperioden_aangemaakt) == ([], 0)
    assert tellingen() == voor


@pytest.mark.django_db
def test_dry_run_schrijft_niets_en_meldt_dezelfde_fouten_als_een_echte_run(aanbieder, product):
    bestaand = ContractFactory(nummer="D-1", zorgaanbieder=aanbieder)
    TariefperiodeFactory(contract=bestaand, product=product, bedrag=Decimal("50.00"))
    goed = blad(regel(aanbieder, product, contractnummer="NIEUW-1"))
    fout = blad(
        regel(aanbieder, product, contractnummer="NIEUW-1"),
        regel(  # same start as the existing 50.00, another amount: overlap
            aanbieder, product, contractnummer="D-1", tarief=55, ingangsdatum=date(2025, 1, 1)
        ),
        regel(aanbieder, product, wet="wlz"),
    )
    voor = tellingen()

    proef_goed = importeer(goed, dry_run=True)
    proef_fout = importeer(fout, dry_run=True)

    assert tellingen() == voor
    assert (proef_goed.dry_run, proef_goed.fouten) == (True, [])
    assert proef_goed.aangemaakte_contracten == ["NIEUW-1"]
    assert proef_goed.tariefperioden_aangemaakt == 1
    assert [(f.rij, f.code) for f in proef_fout.fouten] == [
        (3, "tariefperiode_overlapt"),
        (4, "wet_ongeldig"),
    ]
    echt = importeer(fout)
    assert echt.fouten == proef_fout.fouten
    assert tellingen() == voor


@pytest.mark.django_db
def test_overlap_met_bestaand_tarief_wordt_geweigerd(aanbieder, product):
    contract = ContractFactory(nummer="O-1", zorgaanbieder=aanbieder)
    TariefperiodeFactory(
        contract=contract, product=product, bedrag=Decimal("60.00"), ingangsdatum=date(2026, 1, 1)
    )
    voor = tellingen()

    resultaat = importeer(
        blad(
            regel(aanbieder, product, contractnummer="O-1", tarief=70, einddatum=date(2026, 12, 31))
        )
    )

    assert resultaat.fouten == [
        ImportFout(
            rij=2,
            kolom=None,
            code="tariefperiode_overlapt",
            bericht="De tariefperiode overlapt met het tarief vanaf 01-01-2026 voor product "
            "02A01 in contract O-1.",
        )
    ]
    assert tellingen() == voor
    assert Tariefperiode.objects.get().einddatum is None


def _fouten(data: bytes, **kwargs: Any) -> list[tuple[int, str | None, str]]:
    return [(f.rij, f.kolom, f.code) for f in importeer(data, **kwargs).fouten]


CEL_FOUTEN = [
    ({"agb_code": None}, "AGB-code", "waarde_ontbreekt"),
    ({"agb_code": "7300111"}, "AGB-code", "agb_ongeldig"),
    ({"agb_code": "99999999"}, "AGB-code", "zorgaanbieder_onbekend"),
    ({"gemeentecode": "363A"}, "Gemeentecode", "gemeentecode_ongeldig"),
    ({"gemeentecode": "0001"}, "Gemeentecode", "gemeente_onbekend"),
    ({"wet": "wlz"}, "Wet", "wet_ongeldig"),
    ({"productcategorie": "2a"}, "Productcategorie", "productcategorie_ongeldig"),
    ({"productcode": "02A01X"}, "Productcode", "productcode_ongeldig"),
    ({"productcode": "99Z99"}, "Productcode", "product_onbekend"),
    ({"productcategorie": "99"}, "Productcode", "product_onbekend"),
    ({"eenheid": "05"}, "Eenheid", "eenheid_onbekend"),
    ({"eenheid": "01"}, "Eenheid", "eenheid_wijkt_af"),
    ({"tarief": "veel"}, "Tarief (euro)", "tarief_ongeldig"),
    ({"tarief": True}, "Tarief (euro)", "tarief_ongeldig"),
    ({"tarief": -0.01}, "Tarief (euro)", "tarief_negatief"),
    ({"tarief": 12.345}, "Tarief (euro)", "tarief_decimalen"),
    ({"ingangsdatum": "31-02-2026"}, "Ingangsdatum", "datum_ongeldig"),
    ({"ingangsdatum": 46023}, "Ingangsdatum", "datum_ongeldig"),
    ({"einddatum": "2026/12/31"}, "Einddatum", "datum_ongeldig"),
    ({"einddatum": date(2025, 12, 31)}, "Einddatum", "einddatum_voor_ingangsdatum"),
    ({"contractnummer": "X" * 41}, "Contractnummer", "contractnummer_ongeldig"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("velden", "kolom", "code"), CEL_FOUTEN)
def test_elke_celfout_noemt_rij_kolom_en_code(aanbieder, product, velden, kolom, code):
    data = blad(regel(aanbieder, product), regel(aanbieder, product, **velden))
    voor = tellingen()
    assert _fouten(data) == [(3, kolom, code)]
    assert tellingen() == voor


@pytest.mark.django_db
def test_ontbrekende_verplichte_waarden_elk_een_fout(aanbieder, product):
    assert _fouten(blad({"AGB-code": aanbieder.agb_code})) == [
        (2, kop, "waarde_ontbreekt")
        for kop in [
            "Gemeentecode",
            "Wet",
            "Productcategorie",
            "Productcode",
            "Eenheid",
            "Tarief (euro)",
            "Ingangsdatum",
        ]
    ]


@pytest.mark.django_db
def test_fouten_over_regels_heen(product):
    a = ZorgaanbiederFactory(agb_code="73004444")
    b = ZorgaanbiederFactory(agb_code="73005555")
    ContractFactory(nummer="VAN-A", zorgaanbieder=a)
    ContractFactory(nummer="B-1", zorgaanbieder=b, ingangsdatum=date(2025, 1, 1))
    ContractFactory(nummer="B-2", zorgaanbieder=b, ingangsdatum=date(2025, 6, 1))
    data = blad(
        regel(b, product, contractnummer="VAN-A"),  # 2
        regel(b, product),  # 3: B-1 and B-2 both cover 0363 on 01-01-2026
        regel(a, product, contractnummer="N-1", tarief=10),  # 4
        regel(a, product, contractnummer="N-1", gemeentecode="0599", tarief=11),  # 5
        regel(a, product, contractnummer="N-1", tarief=12),  # 6: same gemeente as 4
        regel(a, product, contractnummer="N-1", tarief=10, ingangsdatum=date(2026, 6, 1)),  # 7
    )
    fouten = importeer(data).fouten
    assert [(f.rij, f.code) for f in fouten] == [
        (2, "contract_andere_aanbieder"),
        (3, "contract_meerduidig"),
        (5, "tarief_verschilt_per_gemeente"),
        (6, "regel_dubbel"),
        (7, "overlap_in_blad"),
    ]
    berichten = {f.code: f.bericht for f in fouten}
    assert berichten["contract_andere_aanbieder"] == (
        "Contract VAN-A hoort bij AGB-code 73004444, niet bij 73005555."
    )
    assert "(B-1, B-2)" in berichten["contract_meerduidig"]
    assert "apart contractnummer" in berichten["tarief_verschilt_per_gemeente"]
    assert "rij 4" in berichten["regel_dubbel"]
    assert berichten["overlap_in_blad"] == (
        "De periode 01-06-2026 t/m onbepaald overlapt met die in rij 4 (zelfde contract N-1 en "
        "product 02A01). Geef de eerdere periode een einddatum."
    )
    assert Contract.objects.count() == 3


@pytest.mark.django_db
def test_regels_van_de_services_worden_rijfouten(aanbieder, product):
    oud_product = ProductFactory(
        productcode="02X01", ingangsdatum=date(2020, 1, 1), einddatum=date(2024, 12, 31)
    )
    ContractFactory(nummer="KORT", zorgaanbieder=aanbieder, einddatum=date(2026, 6, 30))
    ContractFactory(nummer="WEG", zorgaanbieder=aanbieder, status=ContractStatus.BEEINDIGD)
    data = blad(
        regel(aanbieder, product, contractnummer="KORT", einddatum=date(2026, 12, 31)),
        regel(aanbieder, product, contractnummer="WEG"),
        regel(aanbieder, oud_product, contractnummer="NIEUW"),
    )
    assert _fouten(data) == [
        (2, None, "tarief_buiten_looptijd"),
        (3, None, "contract_beeindigd"),
        (4, None, "product_niet_geldig"),
    ]
    assert Contract.objects.filter(nummer="NIEUW").count() == 0


@pytest.mark.django_db
def test_gebruiker_binnen_eigen_gemeenten_en_met_de_juiste_rol(
    aanbieder, product, inkoper, regisseur
):
    ContractFactory(
        nummer="TWEE", zorgaanbieder=aanbieder, gemeenten=[gemeente("0363"), gemeente("0599")]
    )
    data = blad(
        regel(aanbieder, product, einddatum=date(2026, 12, 31)),  # resolves to TWEE
        regel(aanbieder, product, gemeentecode="0599"),
        regel(aanbieder, product, contractnummer="TWEE", ingangsdatum=date(2027, 1, 1)),
    )
    fouten = importeer(data, door=inkoper).fouten
    assert [(f.rij, f.code) for f in fouten] == [
        (2, "gemeente_buiten_bevoegdheid"),
        (3, "gemeente_buiten_bevoegdheid"),
        (4, "gemeente_buiten_bevoegdheid"),
    ]
    assert fouten[1].bericht == "Gemeente onbekend of buiten uw bevoegdheid: 0599."
    assert _fouten(data, door=regisseur) == [(0, None, "geen_toegang")]

    alleen_amsterdam = blad(regel(aanbieder, product, contractnummer="EIGEN"))
    resultaat = importeer(alleen_amsterdam, door=inkoper)
    assert resultaat.fouten == []
    periode = Tariefperiode.objects.get()
    assert (periode.aangemaakt_door, periode.reden) == (inkoper, TariefReden.IMPORT)


# --- Import: unreadable files --------------------------------------------------------------


@pytest.mark.django_db
def test_onleesbare_bestanden_geven_een_fout_zonder_exceptie(aanbieder, product):
    assert _fouten(b"AGB-code;Tarief\n12345678;10\n") == [(0, None, "bestand_onleesbaar")]
    assert _fouten(io.BytesIO(b"")) == [(0, None, "bestand_onleesbaar")]

    zonder_tarief = [k for k in KOPPEN if k != "Tarief (euro)"]
    assert _fouten(blad(regel(aanbieder, product), koppen=zonder_tarief)) == [
        (1, "Tarief (euro)", "kolommen_ontbreken")
    ]
    resultaat = importeer(blad(koppen=["AGB-code", "Opmerking"]))
    assert [(f.rij, f.kolom, f.code) for f in resultaat.fouten] == [(1, None, "kolommen_ontbreken")]
    assert resultaat.fouten[0].bericht.startswith(
        "De kopregel (rij 1) mist de kolom(men) Gemeentecode, Wet, Productcategorie"
    )
    assert _fouten(blad(koppen=[*KOPPEN, "agb code"])) == [(1, "AGB-code", "kolom_dubbel")]

    werkmap = Workbook()
    buffer = io.BytesIO()
    werkmap.save(buffer)
    assert _fouten(buffer.getvalue()) == [(1, None, "blad_leeg")]


@pytest.mark.django_db
def test_te_groot_bestand(monkeypatch, aanbieder, product):
    data = blad(*(regel(aanbieder, product, gemeentecode=c) for c in ("0363", "0599", "0518")))
    monkeypatch.setattr(lezen, "MAX_RIJEN", 2)
    assert _fouten(data) == [(0, None, "bestand_te_groot")]
    monkeypatch.setattr(lezen, "MAX_RIJEN", 3)
    monkeypatch.setattr(lezen, "MAX_BESTAND_BYTES", len(data) - 1)
    assert _fouten(data) == [(0, None, "bestand_te_groot")]
    monkeypatch.setattr(lezen, "MAX_BESTAND_BYTES", len(data))
    assert _fouten(data) == []


@pytest.mark.django_db
def test_koppen_zonder_hoofdletters_en_met_extra_kolommen_worden_gelezen(aanbieder, product):
    koppen = [
        "Gemeente",
        "Naam zorgaanbieder",
        "agb code",
        "GEMEENTECODE",
        "wet",
        "categorie",
        "productcode",
        "eenheid",
        "tarief",
        "begindatum",
        "opmerking",
    ]
    rij = regel(aanbieder, product)
    data = blad(
        {
            "Gemeente": "Amsterdam",
            "Naam zorgaanbieder": "wat dan ook",
            "agb code": rij["AGB-code"],
            "GEMEENTECODE": "0363",
            "wet": "Wmo",
            "categorie": "02",
            "productcode": "02a01",
            "eenheid": "04",
            "tarief": "€ 1.234,50",
            "begindatum": "1-1-2026",
            "opmerking": "negeer mij",
        },
        koppen=koppen,
    )
    assert importeer(data).fouten == []
    assert Tariefperiode.objects.get().bedrag.amount == Decimal("1234.50")


# --- Cell readers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("waarde", "verwacht"),
    [
        (12.3, "12.30"),
        (0.1 + 0.2, "0.30"),
        (71.50000000000001, "71.50"),
        (65, "65.00"),
        (-0.0, "0.00"),
        ("65,4", "65.40"),
        ("1.234,56", "1234.56"),
        ("1,234.56", "1234.56"),
        ("€ 7", "7.00"),
        (Decimal("3.10"), "3.10"),
    ],
)
def test_tarief_cel_exact(waarde, verwacht):
    bedrag = cellen.tarief(waarde)
    assert isinstance(bedrag, Decimal)
    assert str(bedrag) == verwacht


@given(st.decimals(min_value=0, max_value=Decimal("9999999.99"), places=2))
def test_elk_bedrag_in_centen_overleeft_een_float_cel(bedrag):
    assert cellen.tarief(float(bedrag)) == bedrag


@pytest.mark.parametrize(
    ("waarde", "code"),
    [
        (12.345, "tarief_decimalen"),
        ("1,234", "tarief_decimalen"),
        (float("nan"), "tarief_ongeldig"),
        (1e13, "tarief_ongeldig"),
        ("12.3.4", "tarief_ongeldig"),
    ],
)
def test_tarief_cel_geweigerd(waarde, code):
    with pytest.raises(cellen.CelFout) as exc:
        cellen.tarief(waarde)
    assert exc.value.code == code


def test_datum_cel():
    assert cellen.datum("31-12-2026") == date(2026, 12, 31)
    assert cellen.datum("2026-12-31") == date(2026, 12, 31)
    assert cellen.datum(date(2026, 1, 2)) == date(2026, 1, 2)


# --- Commands ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_command_importeren_en_exporteren(tmp_path, aanbieder, product):
    bestand = tmp_path / "tarieven.xlsx"
    bestand.write_bytes(blad(regel(aanbieder, product, contractnummer="CMD-1")))
    uit = io.StringIO()

    call_command("tarieven_importeren", str(bestand), "--dry-run", stdout=uit)
    assert "Proefimport geslaagd" in uit.getvalue()
    assert Contract.objects.count() == 0

    uit = io.StringIO()
    call_command("tarieven_importeren", str(bestand), stdout=uit)
    assert uit.getvalue().splitlines() == [
        "Import geslaagd.",
        "Contracten aangemaakt: 1 (CMD-1)",
        "Tariefperioden aangemaakt: 1",
        "Ongewijzigd: 0",
    ]

    export = tmp_path / "export.xlsx"
    call_command(
        "tarieven_exporteren", "--contract", "CMD-1", "-o", str(export), stdout=io.StringIO()
    )
    call_command(
        "tarieven_exporteren", "--agb", aanbieder.agb_code, "-o", str(export), stdout=io.StringIO()
    )
    uit = io.StringIO()
    call_command("tarieven_importeren", str(export), stdout=uit)
    assert "Ongewijzigd: 1" in uit.getvalue()

    with pytest.raises(CommandError, match="Onbekend contractnummer: GEEN"):
        call_command("tarieven_exporteren", "--contract", "GEEN", "-o", str(export))
    with pytest.raises(CommandError, match="ten minste één"):
        call_command("tarieven_exporteren", "-o", str(export))


@pytest.mark.django_db
def test_command_met_fouten_eindigt_met_commanderror(tmp_path, aanbieder, product):
    bestand = tmp_path / "fout.xlsx"
    bestand.write_bytes(blad(regel(aanbieder, product), regel(aanbieder, product, tarief=-5)))
    uit = io.StringIO()
    voor = tellingen()
    with pytest.raises(CommandError, match=r"1 fout\(en\) gevonden; er is niets geïmporteerd"):
        call_command("tarieven_importeren", str(bestand), stdout=uit)
    assert "rij 3: Een tarief is niet negatief. (tarief_negatief)" in uit.getvalue().splitlines()
    assert tellingen() == voor
    with pytest.raises(CommandError, match=r"Kan .* niet lezen"):
        call_command("tarieven_importeren", str(tmp_path / "bestaat-niet.xlsx"))


# --- Documentation -------------------------------------------------------------------------


def test_documentatie_noemt_elke_kolom_zoals_het_sjabloon():
    tekst = DOCS.read_text(encoding="utf-8")
    rijen = re.findall(r"^\| (.+?) \| (ja|nee) \|", tekst, flags=re.MULTILINE)
    assert rijen == [(k.kop, "ja" if k.verplicht else "nee") for k in KOLOMMEN]

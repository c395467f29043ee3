"""Toewijzingen through the services: issue, change, withdraw and remove, each with its
reservation in financien (exact amounts in the budgetstand) and its 301 in the outbox; every
rule of the standard refused with its code and nothing changed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction

from contracten.constants import Eenheid, Uitvoeringsvariant
from financien import services as financien_services
from financien.constants import BronType, ReserveringStatus
from financien.models import Boeking, Reservering
from inkoop import services
from inkoop.constants import ToewijzingGebeurtenis, ToewijzingStatus
from inkoop.models import Client, Toewijzing, ToewijzingWijziging
from inkoop.services import _reserveren
from iwmo_jw import codec
from iwmo_jw.models import UitgaandBericht
from kern.exceptions import DomeinFout
from kern.models import AuditRecord
from tests.factories import (
    GebruikerFactory,
    ProductFactory,
    TariefperiodeFactory,
    categorie,
    gemeente,
)
from tests.inkoop.toewijzingscene import BSN, D, Scene, bouw_scene, vandaag_vastzetten
from tests.utils import NietsVeranderd

pytestmark = pytest.mark.django_db

APPS = ("inkoop", "financien", "iwmo_jw", "kern")


@pytest.fixture
def s(regisseur, monkeypatch) -> Scene:
    vandaag_vastzetten(monkeypatch)
    return bouw_scene(regisseur)


def verstrek(s: Scene, **kwargs) -> Toewijzing:
    args = {
        "door": s.regisseur,
        "client": s.client,
        "zorgaanbieder": s.aanbieder,
        "wet": "wmo",
        "ingangsdatum": date(2026, 3, 1),
        "einddatum": date(2026, 12, 31),
        "product": s.begeleiding,
        "volume": 4,
        "frequentie": "2",
    }
    args.update(kwargs)
    return services.toewijzing_verstrekken(**args)


def reserveringen(t: Toewijzing) -> dict[int, tuple[Decimal, str]]:
    return {
        r.jaar: (r.bedrag, r.status)
        for r in Reservering.objects.filter(bron_type=BronType.TOEWIJZING, bron_id=str(t.uuid))
    }


def laatste_301(s: Scene) -> codec.Bericht:
    bericht = UitgaandBericht.objects.order_by("-pk").first()
    assert bericht is not None
    return codec.parse(bericht.inhoud_bytes())


def geweigerd(code: str, actie, *apps: str) -> DomeinFout:
    with NietsVeranderd(*(apps or APPS)), pytest.raises(DomeinFout) as fout:
        actie()
    assert fout.value.code == code, fout.value.bericht
    assert fout.value.bericht
    return fout.value


# --- Issue -----------------------------------------------------------------------------------


def test_verstrekken_reserveert_per_jaar_en_zet_een_301_klaar(s):
    t = verstrek(s, einddatum=date(2027, 2, 28))

    assert (t.nummer, t.status, t.te_melden) == (1, ToewijzingStatus.ACTIEF, False)
    # 4 uur per week: 306 dagen in 2026 x 4/7 x 65,00 + 59 dagen in 2027 x 4/7 x 67,50 =
    # 11.365,714.. + 2.275,714.. = 13.641,43; the cent left over goes to the earlier year.
    assert reserveringen(t) == {
        2026: (D("11365.72"), ReserveringStatus.OPEN),
        2027: (D("2275.71"), ReserveringStatus.OPEN),
    }
    assert s.stand(s.bp2026) == (D("11365.72"), D("988634.28"))
    assert s.stand(s.bp2027) == (D("2275.71"), D("997724.29"))
    r2026 = Reservering.objects.get(bron_id=str(t.uuid), jaar=2026)
    assert (r2026.begindatum, r2026.einddatum) == (date(2026, 3, 1), date(2026, 12, 31))
    [wijziging] = t.wijzigingen.all()
    assert wijziging.gebeurtenis == ToewijzingGebeurtenis.VERSTREKT
    assert wijziging.door == s.regisseur
    assert wijziging.na["product"] == "02A01"

    bericht = laatste_301(s)
    assert bericht.soort.naam == "WMO301"
    assert (bericht.header.afzender, bericht.header.ontvanger) == ("0363", "12345678")
    assert bericht.client.bsn == BSN
    assert bericht.client.naam.geslachtsnaam.voorvoegsel == "de"
    [product] = bericht.client.toegewezen_producten
    assert product.toewijzing_nummer == 1
    assert (product.product.categorie, product.product.code) == ("02", "02A01")
    assert (product.ingangsdatum, product.einddatum) == (date(2026, 3, 1), date(2027, 2, 28))
    assert (product.omvang.volume, product.omvang.eenheid, product.omvang.frequentie) == (
        4,
        "04",
        "2",
    )
    assert product.reden_wijziging is None and product.budget is None
    assert product.toewijzingsdatum == date(2026, 3, 1)


def test_nummers_lopen_op_per_gemeente_en_wet(s):
    eerste = verstrek(s)
    tweede = verstrek(s, product=s.dagbesteding, volume=2)
    assert (eerste.nummer, tweede.nummer) == (1, 2)
    assert tweede.eenheid == Eenheid.DAGDEEL  # the product's unit by default


def test_aspecifiek_met_budget_reserveert_het_budget_naar_rato(s):
    t = verstrek(
        s,
        product=None,
        productcategorie=s.cat07,
        volume=None,
        frequentie="",
        budget_bedrag=D("3650.00"),
        ingangsdatum=date(2026, 7, 1),
        einddatum=date(2027, 6, 30),
    )
    # 184 of 365 days fall in 2026.
    assert reserveringen(t) == {
        2026: (D("1840.00"), ReserveringStatus.OPEN),
        2027: (D("1810.00"), ReserveringStatus.OPEN),
    }
    [product] = laatste_301(s).client.toegewezen_producten
    assert (product.product.categorie, product.product.code, product.budget) == (
        "07",
        None,
        D("3650.00"),
    )


def test_aspecifiek_zonder_budget_reserveert_niets(s):
    t = verstrek(s, product=None, productcategorie=s.cat02, volume=3, eenheid="04")
    assert reserveringen(t) == {}
    assert s.stand(s.bp2026) == (D("0.00"), D("1000000.00"))


def test_generiek_budget_komt_op_de_budgetpost_van_de_wet(s):
    t = verstrek(s, product=None, volume=None, frequentie="", budget_bedrag=D("500.00"))
    assert reserveringen(t) == {2026: (D("500.00"), ReserveringStatus.OPEN)}
    [product] = laatste_301(s).client.toegewezen_producten
    assert product.product is None and product.budget == D("500.00")


def test_omvang_in_euros_is_in_eurocent(s):
    maatwerk = ProductFactory(
        categorie=categorie("wmo", "10"),
        productcode="10A01",
        eenheid=Eenheid.EUROS,
        uitvoeringsvariant=Uitvoeringsvariant.OUTPUTGERICHT,
    )
    TariefperiodeFactory(
        contract=s.contract,
        product=maatwerk,
        bedrag=D("1.00"),
        eenheid=Eenheid.EUROS,
        ingangsdatum=date(2025, 1, 1),
    )
    t = verstrek(s, product=maatwerk, volume=150000, frequentie="6")
    assert reserveringen(t) == {2026: (D("1500.00"), ReserveringStatus.OPEN)}


def test_zonder_einddatum_tot_het_einde_van_het_begrotingsjaar(s):
    t = verstrek(s, einddatum=None, frequentie="4", volume=10, ingangsdatum=date(2026, 12, 1))
    # 10 uur per maand, december 2026: 650,00.
    assert reserveringen(t) == {2026: (D("650.00"), ReserveringStatus.OPEN)}


# --- Refusals on issue -----------------------------------------------------------------------


def test_zonder_contract_geweigerd(s):
    fout = geweigerd("geen_contract", lambda: verstrek(s, zorgaanbieder=s.zonder_contract))
    assert "Hulp Zuid B.V. heeft geen lopend contract voor product 02A01" in fout.bericht
    assert "01-03-2026 t/m 31-12-2026" in fout.bericht


def test_contract_dat_niet_de_hele_periode_dekt_geweigerd(s):
    kort = ProductFactory(categorie=categorie("wmo", "02"), productcode="02A05")
    TariefperiodeFactory(
        contract=s.contract,
        product=kort,
        ingangsdatum=date(2025, 1, 1),
        einddatum=date(2026, 6, 30),
    )
    fout = geweigerd("geen_contract", lambda: verstrek(s, product=kort))
    assert "01-07-2026 t/m 31-12-2026" in fout.bericht
    assert fout.details["perioden"] == [["2026-07-01", "2026-12-31"]]


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        (lambda s: {"budget_bedrag": D("100.00")}, "cd077"),
        (lambda s: {"product": None, "volume": None, "frequentie": ""}, "cd079"),
        (lambda s: {"volume": None, "frequentie": ""}, "cd041"),
        (
            lambda s: {
                "product": None,
                "productcategorie": s.cat02,
                "volume": None,
                "frequentie": "",
                "budget_bedrag": D("100.00"),
                "einddatum": None,
            },
            "cd075",
        ),
        (lambda s: {"einddatum": None}, "cd076"),
        (lambda s: {"product": s.dagbesteding, "volume": 1, "frequentie": "1"}, "cs338"),
        (lambda s: {"einddatum": date(2026, 2, 1)}, "einddatum_voor_ingangsdatum"),
        (lambda s: {"frequentie": "3"}, "frequentie_onbekend"),
        (lambda s: {"reden_wijziging": "14"}, "iv066"),
        (lambda s: {"referentie_aanbieder": "x" * 37}, "te_lang"),
        (lambda s: {"productcategorie": s.cat07}, "product_andere_categorie"),
        (lambda s: {"wet": "jw"}, "productcategorie_andere_wet"),
    ],
)
def test_regels_van_de_standaard_bij_verstrekken(s, kwargs, code):
    geweigerd(code, lambda: verstrek(s, **kwargs(s)))


def test_zonder_budgetpost_geweigerd(s):
    jeugd = ProductFactory(categorie=categorie("jw", "45"), productcode="45A12")
    TariefperiodeFactory(contract=s.contract, product=jeugd, ingangsdatum=date(2025, 1, 1))
    fout = geweigerd("geen_budgetpost", lambda: verstrek(s, product=jeugd, wet="jw"))
    assert "jw" in fout.bericht


def test_alleen_de_regisseur_van_de_gemeente(s, regisseur_rotterdam):
    geweigerd("geen_toegang", lambda: verstrek(s, door=s.budgethouder))
    geweigerd("gemeente_buiten_bevoegdheid", lambda: verstrek(s, door=regisseur_rotterdam))


@pytest.fixture
def regisseur_rotterdam(db):
    return GebruikerFactory(
        username="regisseur_rdam_tw", rollen=["regisseur"], gemeenten=[gemeente("0599")]
    )


# --- Stacking (OP259) -----------------------------------------------------------------------


def test_stapeling_van_hetzelfde_product_geweigerd(s):
    bestaand = verstrek(s, einddatum=date(2026, 6, 30))
    fout = geweigerd("op259", lambda: verstrek(s, ingangsdatum=date(2026, 6, 30)))
    assert f"toewijzing {bestaand.nummer}" in fout.bericht
    # The day after is fine, and so is another product in the same period.
    verstrek(s, ingangsdatum=date(2026, 7, 1))
    verstrek(s, product=s.dagbesteding, volume=2)


def test_aspecifiek_stapelt_met_specifiek_van_dezelfde_categorie(s):
    verstrek(s)
    geweigerd(
        "op259",
        lambda: verstrek(
            s,
            product=None,
            productcategorie=s.cat02,
            budget_bedrag=D("10.00"),
            volume=None,
            frequentie="",
        ),
    )


def test_generiek_stapelt_met_alles(s):
    verstrek(s, product=s.dagbesteding, volume=2)
    geweigerd(
        "op259",
        lambda: verstrek(s, product=None, volume=None, frequentie="", budget_bedrag=D("10.00")),
    )


def test_andere_aanbieder_of_verwijderde_toewijzing_stapelt_niet(s):
    t = verstrek(s)
    services.toewijzing_verwijderen(door=s.regisseur, toewijzing=t)
    verstrek(s)


# --- Change ----------------------------------------------------------------------------------


def test_einddatum_verlengen_houdt_het_nummer_en_reserveert_bij(s):
    t = verstrek(s)
    t = services.toewijzing_wijzigen(
        door=s.regisseur, toewijzing=t, reden_wijziging="04", einddatum=date(2027, 2, 28)
    )
    assert (t.nummer, t.reden_wijziging, t.status) == (1, "04", ToewijzingStatus.ACTIEF)
    assert reserveringen(t) == {
        2026: (D("11365.72"), ReserveringStatus.OPEN),
        2027: (D("2275.71"), ReserveringStatus.OPEN),
    }
    assert list(t.wijzigingen.values_list("gebeurtenis", flat=True)) == [
        ToewijzingGebeurtenis.VERSTREKT,
        ToewijzingGebeurtenis.GEWIJZIGD,
    ]
    [product] = laatste_301(s).client.toegewezen_producten
    assert (product.einddatum, product.reden_wijziging) == (date(2027, 2, 28), "04")
    assert UitgaandBericht.objects.count() == 2


def test_einddatum_vervroegen_zet_een_jaar_op_nul(s):
    t = verstrek(s, einddatum=date(2027, 2, 28))
    services.toewijzing_wijzigen(
        door=s.regisseur, toewijzing=t, reden_wijziging="05", einddatum=date(2026, 12, 31)
    )
    # 306 days x 4/7 x 65,00 = 11.365,71 in 2026; 2027 stays open at zero for a later
    # extension.
    assert reserveringen(t) == {
        2026: (D("11365.71"), ReserveringStatus.OPEN),
        2027: (D("0.00"), ReserveringStatus.OPEN),
    }
    assert s.stand(s.bp2027) == (D("0.00"), D("1000000.00"))


def test_volume_wijzigen_alleen_bij_frequentie_totaal(s):
    t = verstrek(s)
    fout = geweigerd(
        "iv066",
        lambda: services.toewijzing_wijzigen(
            door=s.regisseur, toewijzing=t, reden_wijziging="04", volume=6
        ),
    )
    assert "frequentie 6" in fout.bericht


def test_volume_verlagen_vraagt_instemming_van_de_aanbieder(s):
    t = verstrek(s, volume=100, frequentie="6")
    assert reserveringen(t)[2026][0] == D("6500.00")
    geweigerd(
        "op298",
        lambda: services.toewijzing_wijzigen(
            door=s.regisseur, toewijzing=t, reden_wijziging="05", volume=80
        ),
    )
    t = services.toewijzing_wijzigen(
        door=s.regisseur,
        toewijzing=t,
        reden_wijziging="05",
        volume=80,
        instemming_aanbieder=True,
    )
    assert reserveringen(t)[2026][0] == D("5200.00")
    laatste = t.wijzigingen.order_by("-id").first()
    assert laatste is not None and laatste.instemming_aanbieder is True
    assert (laatste.voor["volume"], laatste.na["volume"]) == (100, 80)
    # Raising needs no consent.
    services.toewijzing_wijzigen(door=s.regisseur, toewijzing=t, reden_wijziging="04", volume=120)
    assert reserveringen(t)[2026][0] == D("7800.00")


def test_budget_verlagen_vraagt_instemming_verhogen_niet(s):
    t = verstrek(s, product=None, volume=None, frequentie="", budget_bedrag=D("1000.00"))
    geweigerd(
        "op299",
        lambda: services.toewijzing_wijzigen(
            door=s.regisseur, toewijzing=t, reden_wijziging="05", budget_bedrag=D("900.00")
        ),
    )
    services.toewijzing_wijzigen(
        door=s.regisseur, toewijzing=t, reden_wijziging="04", budget_bedrag=D("1200.00")
    )
    assert reserveringen(t) == {2026: (D("1200.00"), ReserveringStatus.OPEN)}


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"budget_bedrag": D("100.00")}, "iv066"),
        ({"volume": None}, "iv066"),
        ({}, "geen_wijziging"),
        ({"reden_wijziging": "01", "einddatum": date(2026, 6, 30)}, "cs336"),
        ({"reden_wijziging": "13", "einddatum": date(2026, 6, 30)}, "cs335"),
        ({"reden_wijziging": "99", "einddatum": date(2026, 6, 30)}, "reden_wijziging_ongeldig"),
        ({"einddatum": None}, "cd076"),
        ({"einddatum": date(2026, 1, 1)}, "einddatum_voor_ingangsdatum"),
    ],
)
def test_wijzigingen_die_de_standaard_verbiedt(s, kwargs, code):
    t = verstrek(s)
    args = {"door": s.regisseur, "toewijzing": t, "reden_wijziging": "14", **kwargs}
    geweigerd(code, lambda: services.toewijzing_wijzigen(**args))


def test_verlengen_in_een_andere_toewijzing_is_stapeling(s):
    eerste = verstrek(s, einddatum=date(2026, 6, 30))
    verstrek(s, ingangsdatum=date(2026, 7, 1))
    geweigerd(
        "op259",
        lambda: services.toewijzing_wijzigen(
            door=s.regisseur, toewijzing=eerste, reden_wijziging="04", einddatum=date(2026, 7, 1)
        ),
    )


# --- Withdraw ----------------------------------------------------------------------------------


def test_intrekken_geeft_vrij_wat_na_de_einddatum_gereserveerd_stond(s):
    t = verstrek(s, einddatum=date(2027, 2, 28))
    t = services.toewijzing_intrekken(
        door=s.regisseur, toewijzing=t, einddatum=date(2026, 3, 28), reden_wijziging="09"
    )
    assert (t.status, t.einddatum, t.reden_wijziging) == (
        ToewijzingStatus.INGETROKKEN,
        date(2026, 3, 28),
        "09",
    )
    # 28 days x 4/7 x 65,00 = 1.040,00.
    assert reserveringen(t) == {
        2026: (D("1040.00"), ReserveringStatus.OPEN),
        2027: (D("0.00"), ReserveringStatus.OPEN),
    }
    assert s.stand(s.bp2026) == (D("1040.00"), D("998960.00"))
    [product] = laatste_301(s).client.toegewezen_producten
    assert (product.einddatum, product.reden_wijziging) == (date(2026, 3, 28), "09")


def test_intrekken_verlengt_niet_en_een_ingetrokken_toewijzing_wijzigt_niet(s):
    t = verstrek(s)
    geweigerd(
        "intrekken_verlengt",
        lambda: services.toewijzing_intrekken(
            door=s.regisseur, toewijzing=t, einddatum=date(2027, 1, 31), reden_wijziging="09"
        ),
    )
    t = services.toewijzing_intrekken(
        door=s.regisseur, toewijzing=t, einddatum=date(2026, 6, 30), reden_wijziging="09"
    )
    geweigerd(
        "toewijzing_niet_actief",
        lambda: services.toewijzing_wijzigen(
            door=s.regisseur, toewijzing=t, reden_wijziging="04", einddatum=date(2026, 7, 31)
        ),
    )


# --- Remove ----------------------------------------------------------------------------------


def test_verwijderen_geeft_alles_vrij_en_meldt_reden_13(s):
    t = verstrek(s, einddatum=date(2027, 2, 28))
    t = services.toewijzing_verwijderen(door=s.regisseur, toewijzing=t)
    assert (t.status, t.einddatum, t.reden_wijziging) == (
        ToewijzingStatus.VERWIJDERD,
        date(2026, 3, 1),
        "13",
    )
    assert reserveringen(t) == {
        2026: (D("11365.72"), ReserveringStatus.VRIJGEGEVEN),
        2027: (D("2275.71"), ReserveringStatus.VRIJGEGEVEN),
    }
    assert s.stand(s.bp2026) == (D("0.00"), D("1000000.00"))
    assert s.stand(s.bp2027) == (D("0.00"), D("1000000.00"))
    [product] = laatste_301(s).client.toegewezen_producten
    assert (product.reden_wijziging, product.einddatum) == ("13", date(2026, 3, 1))
    # Once reported, a removed toewijzing is no longer part of a 301.
    verstrek(s, product=s.dagbesteding, volume=2)
    nummers = [p.toewijzing_nummer for p in laatste_301(s).client.toegewezen_producten]
    assert nummers == [2]
    geweigerd(
        "toewijzing_niet_actief",
        lambda: services.toewijzing_verwijderen(door=s.regisseur, toewijzing=t),
    )


def test_verwijderen_met_goedgekeurde_prestaties_geweigerd_9385(s):
    t = verstrek(s)
    reservering = Reservering.objects.get(bron_id=str(t.uuid), jaar=2026)
    realisatie = financien_services.realisatie_boeken(
        door=None,
        reservering=reservering,
        bedrag=D("130.00"),
        bron_id="prestatie-1",
        idempotentiesleutel="prestatie-1",
    )
    fout = geweigerd(
        "9385", lambda: services.toewijzing_verwijderen(door=s.regisseur, toewijzing=t)
    )
    assert "130.00" in fout.bericht
    # Credited, the prestatie no longer counts.
    financien_services.realisatie_crediteren(
        door=None, realisatie=realisatie, bron_id="prestatie-1c", idempotentiesleutel="credit-1"
    )
    t = services.toewijzing_verwijderen(door=s.regisseur, toewijzing=t)
    assert t.status == ToewijzingStatus.VERWIJDERD


# --- The 301 (OP087) ---------------------------------------------------------------------------


def test_301_bevat_alle_geldige_plus_de_gewijzigde_toewijzingen(s, monkeypatch):
    vandaag_vastzetten(monkeypatch, date(2026, 1, 1))
    afgelopen = verstrek(
        s, ingangsdatum=date(2026, 1, 1), einddatum=date(2026, 1, 31), versturen=False
    )
    gewijzigd = verstrek(
        s,
        product=s.dagbesteding,
        volume=2,
        ingangsdatum=date(2026, 1, 1),
        einddatum=date(2026, 2, 28),
        versturen=False,
    )
    services.toewijzingen_versturen(
        door=s.regisseur, client=s.client, zorgaanbieder=s.aanbieder, wet="wmo"
    )
    vandaag_vastzetten(monkeypatch, date(2026, 3, 1))
    services.toewijzing_intrekken(
        door=s.regisseur,
        toewijzing=gewijzigd,
        einddatum=date(2026, 2, 15),
        reden_wijziging="05",
        versturen=False,
    )
    lopend = verstrek(s, ingangsdatum=date(2026, 3, 1), versturen=False)
    services.toewijzingen_versturen(
        door=s.regisseur, client=s.client, zorgaanbieder=s.aanbieder, wet="wmo"
    )
    nummers = [p.toewijzing_nummer for p in laatste_301(s).client.toegewezen_producten]
    # Ended before today and unchanged: left out. Ended, but changed since the last 301: in.
    assert afgelopen.nummer not in nummers
    assert nummers == [gewijzigd.nummer, lopend.nummer]
    assert not Toewijzing.objects.filter(te_melden=True).exists()


def test_niets_te_melden(s):
    fout = geweigerd(
        "niets_te_melden",
        lambda: services.toewijzingen_versturen(
            door=s.regisseur, client=s.client, zorgaanbieder=s.aanbieder, wet="wmo"
        ),
    )
    assert fout.status == 400


def test_niet_aangesloten_gemeente_boekt_niets(s):
    s.gemeente.aangesloten = False
    s.gemeente.save(update_fields=["aangesloten"])
    geweigerd("gemeente_niet_aangesloten", lambda: verstrek(s))
    # The same toewijzing without a 301 goes through (and can be sent later).
    verstrek(s, versturen=False)


# --- Idempotency -------------------------------------------------------------------------------


def test_mislukte_poging_boekt_niets_en_de_herhaling_een_keer(s):
    boekingen = Boeking.objects.count()

    class Afgebroken(Exception):
        """A failure after the booking, inside the same transaction."""

    with pytest.raises(Afgebroken), transaction.atomic():
        verstrek(s)
        raise Afgebroken
    assert Boeking.objects.count() == boekingen
    assert not Toewijzing.objects.exists()
    t = verstrek(s)
    assert Boeking.objects.filter(bron_id=str(t.uuid)).count() == 1


def test_herhaalde_boeking_van_dezelfde_wijziging_boekt_niet_twee_keer(s):
    t = verstrek(s, einddatum=date(2026, 6, 30))
    nieuw = _reserveren.Kosten(per_jaar={2026: D("2000.00")}, berekening=None)
    with transaction.atomic():
        _reserveren.reserveringen_bijwerken(door=None, toewijzing=t, kosten=nieuw, versie=1)
    aantal = Boeking.objects.count()
    # A replay of the same change (same version, so the same keys) after the state moved on.
    Reservering.objects.filter(bron_id=str(t.uuid)).update(bedrag=D("1.00"), open_bedrag=D("1.00"))
    with transaction.atomic():
        _reserveren.reserveringen_bijwerken(door=None, toewijzing=t, kosten=nieuw, versie=1)
    assert Boeking.objects.count() == aantal


# --- Query count ---------------------------------------------------------------------------------


def test_verstrekken_heeft_een_vast_aantal_queries(s, django_assert_num_queries):
    # Warm up: the provider's accounts, cached content types.
    verstrek(s, product=s.dagbesteding, volume=2)
    andere = s.client_maken()
    with django_assert_num_queries(30):
        verstrek(s, client=andere, einddatum=date(2026, 4, 30), versturen=False)
    # More toewijzingen of the client do not make the next one dearer.
    for maand in (5, 6, 7):
        verstrek(
            s,
            client=andere,
            ingangsdatum=date(2026, maand, 1),
            einddatum=date(2026, maand, 28),
            versturen=False,
        )
    with django_assert_num_queries(30):
        verstrek(
            s,
            client=andere,
            ingangsdatum=date(2026, 8, 1),
            einddatum=date(2026, 8, 31),
            versturen=False,
        )
    # With the 301: a fixed number more, whatever the number of toewijzingen in it.
    with django_assert_num_queries(43):
        verstrek(s, client=andere, ingangsdatum=date(2026, 9, 1), einddatum=date(2026, 9, 30))


# --- Clients ----------------------------------------------------------------------------------


def test_client_vastleggen_bijwerken_en_nooit_het_bsn_in_de_audit(s):
    with NietsVeranderd("inkoop", "kern"), pytest.raises(DomeinFout) as fout:
        services.client_vastleggen(
            door=s.regisseur,
            gemeente=s.gemeente,
            bsn="123456789",
            geboortedatum=date(1980, 1, 1),
            achternaam="Fout",
        )
    assert fout.value.code == "bsn_ongeldig" and "123456789" not in fout.value.bericht
    audit = AuditRecord.objects.count()
    zelfde = services.client_vastleggen(
        door=s.regisseur,
        gemeente=s.gemeente,
        bsn=BSN,
        geboortedatum=date(1948, 3, 2),
        geslacht="2",
        achternaam="Vries",
        voorvoegsel="de",
        voorletters="AM",
        voornamen="Anna Maria",
        straatnaam="Kerkstraat",
        huisnummer=12,
        huisletter="a",
        postcode="1017GC",
        plaatsnaam="Amsterdam",
    )
    assert zelfde.pk == s.client.pk and AuditRecord.objects.count() == audit
    verhuisd = services.client_vastleggen(
        door=s.regisseur,
        gemeente=s.gemeente,
        bsn=BSN,
        geboortedatum=date(1948, 3, 2),
        achternaam="Vries",
        postcode="1011 AB",
    )
    assert verhuisd.pk == s.client.pk and verhuisd.postcode == "1011AB"
    assert Client.objects.count() == 1
    for record in AuditRecord.objects.filter(object_id=str(s.client.pk)):
        assert BSN not in str(record.voor) + str(record.na) + record.object_omschrijving


def test_geschiedenis_noteert_wie_en_wat(s):
    t = verstrek(s)
    services.toewijzing_wijzigen(
        door=s.regisseur, toewijzing=t, reden_wijziging="04", einddatum=date(2027, 1, 31)
    )
    laatste = ToewijzingWijziging.objects.filter(toewijzing=t).order_by("-id").first()
    assert laatste is not None
    assert (laatste.voor["einddatum"], laatste.na["einddatum"]) == ("2026-12-31", "2027-01-31")
    assert laatste.reden_wijziging == "04" and laatste.instemming_aanbieder is None

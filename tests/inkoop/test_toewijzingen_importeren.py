"""``manage.py toewijzingen_importeren``: 301 files of an earlier system become clients,
toewijzingen and reservations, without a new 301; what breaks a rule is refused per
toewijzing with its code, in a report per file; a second run creates nothing."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.utils import timezone

from contracten.constants import ContractStatus, Eenheid
from contracten.models import Contract
from financien import services as financien_services
from financien.constants import BronType
from financien.models import Reservering
from inkoop import services
from inkoop.constants import ToewijzingGebeurtenis
from inkoop.models import Client, Toewijzing, Toewijzingnummering
from iwmo_jw import codec
from iwmo_jw.codec.modellen import (
    Achternaam,
    Bericht301,
    BerichtIdentificatie,
    Client301,
    Contact301,
    Geboortedatum,
    Header,
    Omvang,
    Product,
    ToegewezenProduct301,
    VolledigeNaam,
)
from iwmo_jw.models import UitgaandBericht
from tests.factories import (
    ContractFactory,
    ProductFactory,
    TariefperiodeFactory,
    ZorgaanbiederFactory,
    categorie,
    gemeente,
)
from tests.inkoop.toewijzingscene import Scene, bouw_scene, vandaag_vastzetten

pytestmark = pytest.mark.django_db

VOORBEELDEN = Path(__file__).resolve().parents[1] / "iwmo_jw_box" / "voorbeelden"
JW301 = VOORBEELDEN / "JW301.xml"


def tellingen() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()}


def importeren(*args: str | Path) -> str:
    uit = StringIO()
    call_command("toewijzingen_importeren", *map(str, args), stdout=uit)
    return uit.getvalue()


@pytest.fixture
def diemen(db, monkeypatch):
    """The gemeente, provider, products, contract and budget post of the JW301 example."""
    vandaag_vastzetten(monkeypatch, date(2026, 4, 1))
    g = gemeente("0384")
    aanbieder = ZorgaanbiederFactory(agb_code="42420001", naam="Jeugdzorg Voorbeeld B.V.")
    uur = ProductFactory(categorie=categorie("jw", "55"), productcode="55A11", eenheid=Eenheid.UUR)
    dagdeel = ProductFactory(
        categorie=categorie("jw", "55"), productcode="55A12", eenheid=Eenheid.DAGDEEL
    )
    contract = ContractFactory(zorgaanbieder=aanbieder, gemeenten=[g])
    TariefperiodeFactory(contract=contract, product=uur, bedrag=Decimal("80.50"))
    TariefperiodeFactory(
        contract=contract, product=dagdeel, bedrag=Decimal("150.00"), eenheid=Eenheid.DAGDEEL
    )
    financien_services.toewijzingsregel_vastleggen(door=None, gemeente=g, wet="jw", taakveld="6.72")
    financien_services.budgetpost_aanmaken(
        door=None, gemeente=g, jaar=2026, wet="jw", taakveld="6.72"
    )
    return g


def test_jw301_twee_keer_inlezen(diemen):
    uitvoer = importeren(JW301)
    assert "toewijzing 300201: overgenomen" in uitvoer
    assert "toewijzing 300202: overgenomen" in uitvoer
    assert "cliënt ******006" in uitvoer and "999900006" not in uitvoer
    assert "2 toewijzingen overgenomen" in uitvoer and "1 nieuwe cliënten" in uitvoer

    client = Client.objects.get()
    assert (client.achternaam, client.voorvoegsel, client.postcode) == ("Wit", "de", "9999XX")
    eerste, tweede = Toewijzing.objects.order_by("nummer")
    assert (eerste.nummer, eerste.referentie_aanbieder, eerste.te_melden) == (
        300201,
        "40A12341234",
        False,
    )
    assert eerste.wijzigingen.get().gebeurtenis == ToewijzingGebeurtenis.OVERGENOMEN
    assert timezone.localtime(eerste.toewijzingsmoment).time() == time(12, 34, 56)
    # 2 uur per week, 01-04 t/m 14-07-2026 (105 dagen) x 80,50 = 2.415,00;
    # 2 dagdelen per week, 01-04 t/m 19-07-2026 (110 dagen) x 150,00 = 4.714,29.
    bedragen = {
        t.nummer: Reservering.objects.get(bron_type=BronType.TOEWIJZING, bron_id=str(t.uuid)).bedrag
        for t in (eerste, tweede)
    }
    assert bedragen == {300201: Decimal("2415.00"), 300202: Decimal("4714.29")}
    assert not UitgaandBericht.objects.exists()  # no new 301
    assert Toewijzingnummering.objects.get(gemeente=diemen, wet="jw").laatste == 300202

    na_eerste = tellingen()
    tweede_uitvoer = importeren(JW301)
    assert tellingen() == na_eerste
    assert "toewijzing 300201: bestond al" in tweede_uitvoer
    assert "0 toewijzingen overgenomen, 2 bestonden al" in tweede_uitvoer

    # New numbers continue after the migrated ones.
    nieuw = services.toewijzing_verstrekken(
        door=None,
        client=client,
        zorgaanbieder=eerste.zorgaanbieder,
        wet="jw",
        ingangsdatum=date(2026, 8, 1),
        einddatum=date(2026, 8, 31),
        product=eerste.product,
        volume=1,
        frequentie="2",
        versturen=False,
    )
    assert nieuw.nummer == 300203


def test_map_met_alle_voorbeeldberichten(diemen):
    with pytest.raises(CommandError, match="13 bestand"):
        importeren(VOORBEELDEN)
    assert Toewijzing.objects.count() == 2


def test_proefimport_slaat_niets_op(diemen):
    voor = tellingen()
    uit = StringIO()
    call_command("toewijzingen_importeren", str(JW301), "--dry-run", stdout=uit)
    assert "Proefimport (er is niets opgeslagen): 1 bestanden, 2 toewijzingen overgenomen" in (
        uit.getvalue()
    )
    assert tellingen() == voor


def test_zonder_lopend_contract_geweigerd_met_code_en_niets_geboekt(diemen):
    Contract.objects.update(status=ContractStatus.BEEINDIGD)
    uit = StringIO()
    with pytest.raises(CommandError, match="2 toewijzing"):
        call_command("toewijzingen_importeren", str(JW301), stdout=uit)
    assert "toewijzing 300201: geweigerd: Jeugdzorg Voorbeeld B.V. heeft geen lopend contract" in (
        uit.getvalue()
    )
    assert "(geen_contract)" in uit.getvalue()
    assert not Toewijzing.objects.exists() and not Reservering.objects.exists()
    # The client itself is recorded (it is valid on its own).
    assert Client.objects.count() == 1


# --- iWmo files built with the codec -----------------------------------------------------------


def wmo301(
    *producten: ToegewezenProduct301, bsn: str = "999990019", identificatie: str = "MIG1"
) -> bytes:
    soort = codec.soort("WMO301")
    return codec.serialize(
        Bericht301(
            soort=soort,
            header=Header(
                afzender="0363",
                ontvanger="12345678",
                bericht_identificatie=BerichtIdentificatie(
                    identificatie=identificatie, dagtekening=date(2026, 2, 1)
                ),
                xsd_versie=codec.xsd_versie(soort),
            ),
            client=Client301(
                bsn=bsn,
                geboortedatum=Geboortedatum(datum=date(1950, 1, 1)),
                geslacht="1",
                naam=VolledigeNaam(geslachtsnaam=Achternaam(achternaam="Smit"), naam_gebruik="1"),
                contactgegevens=(Contact301(soort="01"),),
                toegewezen_producten=producten,
            ),
        )
    )


def product(nummer: int, code: str = "02A01", **kwargs) -> ToegewezenProduct301:
    velden = {
        "toewijzing_nummer": nummer,
        "product": Product(categorie=code[:2], code=code),
        "toewijzingsdatum": date(2026, 1, 15),
        "toewijzingstijd": time(9, 0),
        "ingangsdatum": date(2026, 3, 1),
        "einddatum": date(2026, 12, 31),
        "omvang": Omvang(volume=4, eenheid="04", frequentie="2"),
        **kwargs,
    }
    return ToegewezenProduct301(**velden)


@pytest.fixture
def amsterdam(regisseur, monkeypatch) -> Scene:
    vandaag_vastzetten(monkeypatch)
    return bouw_scene(regisseur)


def test_wmo_bestanden_per_regel_een_uitkomst(amsterdam, tmp_path):
    s = amsterdam
    (tmp_path / "a.xml").write_bytes(
        wmo301(
            product(7001),
            product(7002, ingangsdatum=date(2026, 6, 1)),  # stacks on 7001 (op259)
            product(7003, code="07A01", omvang=Omvang(volume=2, eenheid="16", frequentie="2")),
            product(7004, code="02A09"),  # not in the catalogue
            product(7005, reden_wijziging="13", einddatum=date(2026, 3, 1)),
            product(
                7006,
                code="07A01",
                ingangsdatum=date(2026, 7, 1),
                einddatum=date(2026, 9, 30),
                omvang=Omvang(volume=1, eenheid="16", frequentie="2"),
                reden_wijziging="05",
            ),
        )
    )
    # A newer version of 7003 in another file replaces the one above.
    (tmp_path / "b.xml").write_bytes(
        wmo301(
            product(
                7003,
                code="07A01",
                toewijzingsdatum=date(2026, 1, 20),
                einddatum=date(2026, 6, 30),
                omvang=Omvang(volume=2, eenheid="16", frequentie="2"),
            ),
            identificatie="MIG2",
        )
    )
    (tmp_path / "leeg.xml").write_bytes(b"geen xml")
    with pytest.raises(CommandError, match="2 toewijzing\\(en\\) geweigerd en 1 bestand"):
        importeren(tmp_path)
    nummers = set(Toewijzing.objects.values_list("nummer", flat=True))
    assert nummers == {7001, 7003, 7006}
    t7003 = Toewijzing.objects.get(nummer=7003)
    assert t7003.einddatum == date(2026, 6, 30)
    t7006 = Toewijzing.objects.get(nummer=7006)
    assert t7006.reden_wijziging == "05"
    # Their reservations: as if issued here.
    assert s.stand(s.bp2026)[0] > 0

    uit = StringIO()
    with pytest.raises(CommandError):
        call_command("toewijzingen_importeren", str(tmp_path), stdout=uit)
    verslag = uit.getvalue()
    assert "toewijzing 7002: geweigerd" in verslag
    assert "(op259)" in verslag
    assert "(product_onbekend)" in verslag
    assert "toewijzing 7005: overgeslagen" in verslag
    assert "toewijzing 7003: vervangen: Een recentere versie staat in b.xml." in verslag
    assert "leeg.xml:\n  niet gelezen:" in verslag
    assert "0 toewijzingen overgenomen, 3 bestonden al" in verslag


def test_bestaand_nummer_met_andere_gegevens_wordt_geweigerd(amsterdam, tmp_path):
    s = amsterdam
    services.toewijzing_verstrekken(
        door=None,
        client=s.client,
        zorgaanbieder=s.aanbieder,
        wet="wmo",
        ingangsdatum=date(2026, 3, 1),
        einddatum=date(2026, 12, 31),
        product=s.dagbesteding,
        volume=1,
        frequentie="2",
        versturen=False,
    )
    (tmp_path / "a.xml").write_bytes(wmo301(product(1)))
    uit = StringIO()
    with pytest.raises(CommandError):
        call_command("toewijzingen_importeren", str(tmp_path), stdout=uit)
    assert "(toewijzing_afwijkend)" in uit.getvalue()

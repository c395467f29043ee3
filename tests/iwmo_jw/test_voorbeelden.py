"""The official iJw 3.2 examples: every valid one parses, round-trips and serializes to valid XML;
the two invalid ones are refused for the right reason."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

import pytest

from iwmo_jw.codec import CodecFout, parse, serialize, soort
from iwmo_jw.codec.modellen import (
    BERICHT_KLASSEN,
    BedragMetDC,
    Bericht301,
    Bericht323,
    Bericht325,
    GeslotenPeriode,
    Prestatie323,
    Referentie,
)
from tests.iwmo_jw.hulp import (
    GELDIGE_VOORBEELDEN,
    IJW_VOORBEELDEN,
    SHARED,
    VOORBEELDEN,
    voorbeeld,
    xsd_fouten,
)


def test_alle_veertien_voorbeelden_zijn_er() -> None:
    assert [f"JW{bt}" for bt in BERICHT_KLASSEN] == IJW_VOORBEELDEN


@pytest.mark.skipif(not SHARED.exists(), reason="shared/ is not beside the repository")
def test_kopieen_gelijk_aan_shared() -> None:
    bronnen = {
        "ijw-3.2": sorted((SHARED / "voorbeeldberichten" / "ijw-3.2").glob("*.xml")),
        "stuf-ggk": [
            SHARED / "stuf-ggk-0310-2.1.03" / "ggk0310_21" / "ggkberichten" / "ggk_Di01.xml",
            SHARED / "stuf-ggk-0310-2.1.03" / "ggk0310_21" / "ggkberichten" / "ggk_Du01.xml",
            *sorted((SHARED / "stuf-ggk-0310-2.1.03" / "voorbeeldberichten").glob("*.xml")),
        ],
    }
    for map_naam, paden in bronnen.items():
        kopieen = sorted((VOORBEELDEN / map_naam).glob("*.xml"))
        assert [p.name for p in kopieen] == sorted(p.name for p in paden)
        for pad in paden:
            assert (VOORBEELDEN / map_naam / pad.name).read_bytes() == pad.read_bytes(), pad.name


@pytest.mark.parametrize("naam", GELDIGE_VOORBEELDEN)
def test_voorbeeld_parse_serialize_parse(naam: str) -> None:
    data = voorbeeld(naam)
    assert xsd_fouten(data, soort(naam)) == []  # the example itself is valid
    bericht = parse(data)
    assert bericht.soort == soort(naam)
    assert type(bericht) is BERICHT_KLASSEN[naam[2:]]
    geschreven = serialize(bericht)
    assert xsd_fouten(geschreven, soort(naam)) == []
    assert parse(geschreven) == bericht
    assert serialize(parse(geschreven)) == geschreven  # writing is deterministic


def test_jw315_ongeldige_datum() -> None:
    with pytest.raises(CodecFout) as fout:
        parse(voorbeeld("JW315"))
    assert fout.value.code == "xsd_ongeldig"
    assert fout.value.niveau == 1
    meldingen = fout.value.meldingen
    assert [(m.regelnummer, m.element) for m in meldingen] == [
        (44, "ToewijzingEinddatum"),
        (66, "ToewijzingEinddatum"),
    ]
    assert all(m.regel == "XSD" and m.code == "xsd_ongeldig" for m in meldingen)
    assert "'2027-06-31' is not a valid value" in meldingen[0].melding
    assert fout.value.melding.startswith(
        "Het bericht voldoet niet aan het XSD van JW315: Regel 44:"
    )


def test_jw318_retourcode_buiten_retourcodes() -> None:
    with pytest.raises(CodecFout) as fout:
        parse(voorbeeld("JW318"))
    assert fout.value.code == "xsd_ongeldig"
    (melding,) = fout.value.meldingen
    assert melding.regelnummer == 33
    assert melding.element == "RetourCode"
    assert "This element is not expected" in melding.melding
    assert "RetourCodes" in melding.melding  # the expected wrapper is named


def test_jw323_waarden_exact() -> None:
    bericht = parse(voorbeeld("JW323"))
    assert isinstance(bericht, Bericht323)
    assert bericht.header.afzender == "65656055"
    assert bericht.header.ontvanger == "0384"  # leading zero kept
    assert bericht.header.identificatie == "765432198"
    assert bericht.header.dagtekening == date(2026, 5, 6)
    declaratie = bericht.declaratie
    assert declaratie.declaratie_nummer == "DN001"
    assert declaratie.declaratie_periode == GeslotenPeriode(
        begindatum=date(2026, 4, 1), einddatum=date(2026, 4, 30)
    )
    assert declaratie.totaal_ingediend_bedrag.totaal_bedrag == Decimal("790.00")
    assert declaratie.totaal_ingediend_bedrag.debet_credit == "D"
    assert [c.bsn for c in declaratie.clienten][:2] == ["999900006", "999900018"]
    assert declaratie.clienten[0].prestaties[0] == Prestatie323(
        product_referentie=Referentie(referentie_nummer="RN001"),
        toewijzing_nummer=10072,
        product_categorie="45",
        product_code="45A03",
        product_periode=GeslotenPeriode(begindatum=date(2026, 4, 1), einddatum=date(2026, 4, 30)),
        geleverd_volume=4,
        eenheid="04",  # a code, not a number
        product_tarief=Decimal("12.50"),
        ingediend_bedrag=BedragMetDC(bedrag=Decimal("50.00"), debet_credit="D"),
    )
    prestaties = [p for c in declaratie.clienten for p in c.prestaties]
    referenties = [p.product_referentie.referentie_nummer for p in prestaties]
    # The example repeats RN004: valid for the XSD, a matter for level 3 (TR314).
    assert referenties.count("RN004") == 2
    assert sum(p.ingediend_bedrag.bedrag for p in prestaties) == Decimal("790.00")


def test_jw301_en_jw325_waarden() -> None:
    toewijzing = parse(voorbeeld("JW301"))
    assert isinstance(toewijzing, Bericht301)
    client = toewijzing.client
    assert client.naam.geslachtsnaam.voorvoegsel == "de"
    assert client.juridische_status == "01"
    assert client.relaties[0].contact.adres is not None
    assert client.relaties[0].contact.adres.huis is not None
    assert client.relaties[0].contact.adres.huis.huisnummer == 9
    product = client.toegewezen_producten[0]
    assert product.toewijzing_nummer == 300201
    assert product.toewijzingstijd == time(12, 34, 56)
    antwoord = parse(voorbeeld("JW325"))
    assert isinstance(antwoord, Bericht325)
    assert antwoord.header.retour_codes == ("0200",)
    assert antwoord.header.xslt_versie == "1.0.0"
    assert antwoord.declaratie_antwoord is not None
    prestatie = antwoord.declaratie_antwoord.clienten[0].prestaties[0]
    assert prestatie.product_referentie.vorig_referentie_nummer == "RT001"
    assert prestatie.retour_codes == ("0611",)

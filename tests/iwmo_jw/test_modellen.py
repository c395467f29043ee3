"""The generated models: up to date with the XSDs, one class per twin, iJw-only elements."""

from __future__ import annotations

import dataclasses
import inspect
from datetime import date

import pytest

from iwmo_jw.codec import CodecFout, parse, serialize, soort, xsd_versie
from iwmo_jw.codec import modellen as modellen_module
from iwmo_jw.codec.modellen import (
    BERICHT_KLASSEN,
    AangevraagdProduct315,
    Achternaam,
    Bericht315,
    Bericht323,
    BerichtIdentificatie,
    Client315,
    Geboortedatum,
    Header,
    VerkorteNaam,
    Verwijzer,
)
from iwmo_jw.codec.soorten import SOORTEN, Standaard
from iwmo_jw.codec.velden import XML, Model
from scripts.codec_genereren import DOEL, genereren
from tests.iwmo_jw.hulp import voorbeeld


def test_modellen_gelijk_aan_generator() -> None:
    assert DOEL.read_text("utf-8") == genereren(), "modellen.py is verouderd: run the script"


def test_een_klasse_per_berichttype_voor_beide_standaarden() -> None:
    assert len(SOORTEN) == 28
    assert sorted(BERICHT_KLASSEN) == sorted({s.berichttype for s in SOORTEN})
    for berichttype, klasse in BERICHT_KLASSEN.items():
        assert berichttype == klasse.BERICHTTYPE
        assert klasse.__name__ == f"Bericht{berichttype}"


def _klassen() -> list[type[Model]]:
    return [
        k
        for _, k in inspect.getmembers(modellen_module, inspect.isclass)
        if issubclass(k, Model) and dataclasses.is_dataclass(k)
    ]


def test_alleen_ijw_elementen() -> None:
    alleen = sorted(
        (klasse.__name__, veld.metadata[XML].naam, veld.metadata[XML].alleen)
        for klasse in _klassen()
        for veld in dataclasses.fields(klasse)
        if XML in veld.metadata and veld.metadata[XML].alleen is not None
    )
    assert alleen == [
        ("Antwoord319", "Woonplaatsbeginsel", Standaard.IJW),
        ("Antwoord320", "Woonplaatsbeginsel", Standaard.IJW),
        ("Client315", "GezagsdragerBekend", Standaard.IJW),
        ("Client316", "GezagsdragerBekend", Standaard.IJW),
    ]


def test_modellen_hebben_slots_en_standaarden() -> None:
    for klasse in _klassen():
        assert "__slots__" in klasse.__dict__, klasse
        for veld in dataclasses.fields(klasse):
            if veld.name == "soort":
                continue
            xml = veld.metadata[XML]
            verplicht = veld.default is dataclasses.MISSING
            if not verplicht:
                assert veld.default == (() if xml.item else None), (klasse, veld.name)


def _bericht315(gekozen: str, gezagsdrager_bekend: str | None) -> Bericht315:
    return Bericht315(
        soort=soort(gekozen),
        header=Header(
            afzender="12345678",
            ontvanger="0363",
            bericht_identificatie=BerichtIdentificatie(
                identificatie="VOT-1", dagtekening=date(2026, 3, 2)
            ),
            xsd_versie=xsd_versie(soort(gekozen)),
        ),
        client=Client315(
            bsn="999900006",
            geboortedatum=Geboortedatum(datum=date(2012, 5, 1)),
            geslacht="2",
            naam=VerkorteNaam(geslachtsnaam=Achternaam(achternaam="Jansen")),
            gezagsdrager_bekend=gezagsdrager_bekend,
            aangevraagde_producten=(
                AangevraagdProduct315(
                    referentie_aanbieder="REF-1",
                    toewijzing_ingangsdatum=date(2026, 4, 1),
                    verwijzer=Verwijzer(type="01"),
                ),
            ),
        ),
    )


def test_ijw_element_in_iwmo_bericht_wordt_geweigerd() -> None:
    jw = _bericht315("JW315", gezagsdrager_bekend="1")
    assert parse(serialize(jw)) == jw
    assert b"<jw315:GezagsdragerBekend>1</jw315:GezagsdragerBekend>" in serialize(jw)
    wmo = _bericht315("WMO315", gezagsdrager_bekend="1")
    with pytest.raises(CodecFout) as fout:
        serialize(wmo)
    assert fout.value.code == "waarde_ongeldig"
    assert fout.value.melding == (
        "WMO315 kan niet worden geschreven (veld client.gezagsdrager_bekend): "
        "GezagsdragerBekend bestaat alleen in iJw."
    )
    zonder = _bericht315("WMO315", gezagsdrager_bekend=None)
    assert b"GezagsdragerBekend" not in serialize(zonder)
    assert parse(serialize(zonder)) == zonder


def test_soort_moet_bij_de_klasse_passen() -> None:
    bericht = parse(voorbeeld("JW323"))
    assert isinstance(bericht, Bericht323)
    with pytest.raises(ValueError, match="Bericht323 hoort bij berichttype 323, niet bij JW301"):
        dataclasses.replace(bericht, soort=soort("JW301"))


def test_twee_standaarden_een_klasse_eigen_codelijsten() -> None:
    """The same model writes a WMO323 or a JW323; the code lists of the standard apply."""
    bericht = parse(voorbeeld("JW323"))
    wmo = dataclasses.replace(bericht, soort=soort("WMO323"))
    with pytest.raises(CodecFout) as fout:
        serialize(wmo)  # iJw product category 45 does not exist in iWmo
    assert fout.value.code == "xsd_ongeldig"
    assert fout.value.melding.startswith(
        "Het geschreven bericht voldoet niet aan het XSD van WMO323: Regel 38:"
    )
    assert "The value '45' is not an element of the set" in fout.value.melding
    ongecontroleerd = serialize(wmo, valideren=False)
    assert b'<wmo323:Bericht xmlns:wmo323="http://www.istandaarden.nl/iwmo/3_2/wmo323/schema"' in (
        ongecontroleerd
    )
    assert b"<wmo323:BerichtCode>484</wmo323:BerichtCode>" in ongecontroleerd


def test_header_eigenschappen() -> None:
    kop = parse(voorbeeld("JW302")).header
    assert kop.identificatie == kop.bericht_identificatie.identificatie
    assert kop.dagtekening == kop.bericht_identificatie.dagtekening
    assert isinstance(kop.dagtekening, date)
    assert (
        BerichtIdentificatie(identificatie="x", dagtekening=date(2026, 1, 1)).identificatie == "x"
    )

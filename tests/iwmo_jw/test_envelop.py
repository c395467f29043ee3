"""The StUF-GGk envelope: the official examples read, wrap/unwrap round trips, the result is
valid against ggk0310_msg.xsd, and bad envelopes are refused with their own codes."""

from __future__ import annotations

import base64
from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iwmo_jw.codec import CodecFout, parse, serialize
from iwmo_jw.codec.envelop import Envelop, Systeem, inpakken, tijdstip_tekst, uitpakken
from tests.iwmo_jw.hulp import envelop_voorbeeld, envelop_xsd_fouten, voorbeeld

GEMEENTE = Systeem(organisatie="0363", applicatie="Geldstromen", administratie="productie")
AANBIEDER = Systeem(organisatie="12345678", applicatie="VECOZO")
MOMENT = datetime(2026, 5, 6, 13, 25, 14)


def test_officiele_voorbeelden() -> None:
    bericht, envelop = uitpakken(envelop_voorbeeld("ggk_Du01.xml"))
    assert bericht == b"Hier staat het retourbericht"
    assert envelop == Envelop(
        berichtcode="Du01",
        zender=Systeem("01023456", "Applicatie leverancier", "test", "gebruiker1"),
        ontvanger=Systeem("0484", "GGk", "test", "gebruiker1"),
        referentienummer="b6e9f182-bc44-4f27-9863-9a5ccc1e1cf0",
        tijdstip_bericht="20160422142804",
        functie="WMO302",
        crossrefnummer="9c0f7b90-5c69-11e5-a837-0800200c9a66",
        referentienummer_bericht="234567890123",
        crossrefnummer_bericht="123456789012",
        applicatie_versie="0004",
        applicatie_subversie="0003",
        functie_versie="0001",
        functie_subversie="0001",
        bestandsnaam="WMO302.txt",
        content_type="application/xml",
    )
    assert envelop.is_retour
    assert envelop.tijdstip == datetime(2016, 4, 22, 14, 28, 4)
    for naam in ("ggk_Di01.xml", "envelopHeenbericht-ggk_Di01_v21.xml"):
        bericht, envelop = uitpakken(envelop_voorbeeld(naam))
        assert bericht == b"Hier staat het heenbericht"
        assert (envelop.berichtcode, envelop.functie, envelop.crossrefnummer) == (
            "Di01",
            "WMO301",
            None,
        )
        assert not envelop.is_retour


def test_niet_goedgevormd_voorbeeld() -> None:
    with pytest.raises(CodecFout) as fout:
        uitpakken(envelop_voorbeeld("envelopRetourbericht-ggk_Du01-v21.xml"))
    assert fout.value.code == "xml_onleesbaar"
    assert fout.value.melding.startswith("Het bestand is geen goedgevormde XML (regel 2): ")


def test_heenbericht_inpakken_en_uitpakken() -> None:
    bericht = serialize(parse(voorbeeld("JW301")))
    envelop = inpakken(
        bericht,
        zender=GEMEENTE,
        ontvanger=AANBIEDER,
        referentienummer="d1b0c5a0-2f5e-4c57-9d0b-1f9e7a3c2b11",
        tijdstip=MOMENT,
        referentienummer_bericht="123456789012",
        bestandsnaam="JW301.xml",
    )
    assert envelop_xsd_fouten(envelop) == []
    terug, gegevens = uitpakken(envelop)
    assert terug == bericht
    assert parse(terug) == parse(voorbeeld("JW301"))
    assert gegevens == Envelop(
        berichtcode="Di01",
        zender=GEMEENTE,
        ontvanger=AANBIEDER,
        referentienummer="d1b0c5a0-2f5e-4c57-9d0b-1f9e7a3c2b11",
        tijdstip_bericht="20260506132514",
        functie="JW301",  # read from the message
        crossrefnummer=None,
        referentienummer_bericht="123456789012",
        crossrefnummer_bericht=None,
        applicatie_versie="0001",
        applicatie_subversie="0000",
        functie_versie="0001",
        functie_subversie="0001",
        bestandsnaam="JW301.xml",
        content_type="application/xml",
    )
    assert gegevens.tijdstip == MOMENT


def test_retourbericht_verwijst_naar_het_heenbericht() -> None:
    envelop = inpakken(
        voorbeeld("JW325"),
        zender=GEMEENTE,
        ontvanger=AANBIEDER,
        referentienummer="antwoord-1",
        tijdstip=datetime(2026, 5, 6, 13, 25, 14, 250_000),
        crossrefnummer="heen-1",
        crossrefnummer_bericht="765432198",
    )
    assert envelop_xsd_fouten(envelop) == []
    assert envelop.startswith(
        b"<?xml version='1.0' encoding='UTF-8'?>\n<GGK:envelopRetourbericht-ggk_Du01 "
    )
    bericht, gegevens = uitpakken(envelop)
    assert bericht == voorbeeld("JW325")
    assert (gegevens.berichtcode, gegevens.crossrefnummer, gegevens.crossrefnummer_bericht) == (
        "Du01",
        "heen-1",
        "765432198",
    )
    assert gegevens.tijdstip_bericht == "20260506132514250"
    assert gegevens.tijdstip == datetime(2026, 5, 6, 13, 25, 14, 250_000)


@settings(max_examples=40, deadline=None)
@given(
    inhoud=st.binary(max_size=2_000),
    referentienummer=st.text(
        st.characters(codec="ascii", min_codepoint=33), min_size=1, max_size=40
    ),
    retour=st.booleans(),
)
def test_rondgang_willekeurige_inhoud(inhoud: bytes, referentienummer: str, retour: bool) -> None:
    envelop = inpakken(
        inhoud,
        zender=AANBIEDER,
        ontvanger=GEMEENTE,
        referentienummer=referentienummer,
        tijdstip=MOMENT,
        functie="WMO323",
        crossrefnummer="x" if retour else None,
    )
    assert envelop_xsd_fouten(envelop) == []
    terug, gegevens = uitpakken(envelop)
    assert terug == inhoud
    assert gegevens.referentienummer == referentienummer
    assert gegevens.is_retour is retour


def test_grote_inhoud_boven_10_mb_tekstgrens() -> None:
    inhoud = b"<x/>" * 3_000_000  # 12 MB, 16 MB in base64: one text node past libxml2's default
    envelop = inpakken(
        inhoud,
        zender=GEMEENTE,
        ontvanger=AANBIEDER,
        referentienummer="groot",
        tijdstip=MOMENT,
        functie="JW301",
    )
    terug, _ = uitpakken(envelop)
    assert terug == inhoud
    with pytest.raises(CodecFout) as fout:
        uitpakken(envelop, max_bericht_grootte=len(inhoud) - 1)
    assert fout.value.code == "te_groot"
    assert (
        fout.value.melding
        == "Het bericht in de envelop is 12.000.000 bytes; de grens is 11.999.999 bytes."
    )


@pytest.mark.parametrize(
    ("argumenten", "in_melding"),
    [
        ({"referentienummer": "r" * 41}, "referentienummer"),
        ({"functie_versie": "1"}, "functieVersie"),
        ({"zender": Systeem(organisatie="0363", applicatie="ab")}, "applicatie"),
    ],
)
def test_inpakken_controleert_het_xsd(argumenten: dict[str, object], in_melding: str) -> None:
    standaard: dict[str, object] = {
        "zender": GEMEENTE,
        "ontvanger": AANBIEDER,
        "referentienummer": "r1",
        "tijdstip": MOMENT,
        "functie": "JW301",
    }
    with pytest.raises(CodecFout) as fout:
        inpakken(b"<x/>", **{**standaard, **argumenten})  # type: ignore[arg-type]
    assert fout.value.code == "envelop_ongeldig"
    assert fout.value.melding.startswith("De envelop voldoet niet aan het XSD van StUF-GGk: ")
    assert in_melding in fout.value.melding


def test_crossref_bericht_alleen_in_retourenvelop() -> None:
    with pytest.raises(CodecFout) as fout:
        inpakken(
            b"<x/>",
            zender=GEMEENTE,
            ontvanger=AANBIEDER,
            referentienummer="r1",
            tijdstip=MOMENT,
            functie="JW301",
            crossrefnummer_bericht="1",
        )
    assert fout.value.code == "envelop_ongeldig"


def test_functie_van_een_onbekend_bericht() -> None:
    with pytest.raises(CodecFout) as fout:
        inpakken(
            b"<x/>", zender=GEMEENTE, ontvanger=AANBIEDER, referentienummer="r", tijdstip=MOMENT
        )
    assert fout.value.code == "namespace_onbekend"


def test_uitpakken_weigert() -> None:
    goed = envelop_voorbeeld("ggk_Di01.xml")
    with pytest.raises(CodecFout) as fout:
        uitpakken(voorbeeld("JW301"))
    assert fout.value.code == "envelop_onbekend"
    assert fout.value.melding == (
        "Geen StUF-GGk-envelop: het hoofdelement is 'Bericht'; "
        "verwacht envelopHeenbericht-ggk_Di01 of envelopRetourbericht-ggk_Du01."
    )
    geen_base64 = goed.replace(b"SGllciBzdGFhdCBoZXQgaGVlbmJlcmljaHQ=", b"niet*base64")
    with pytest.raises(CodecFout) as fout:
        uitpakken(geen_base64)
    assert fout.value.code == "envelop_ongeldig"
    assert fout.value.meldingen[0].element == "bericht"
    zonder_functie = goed.replace(b"<StUF:functie>WMO301</StUF:functie>", b"")
    with pytest.raises(CodecFout) as fout:
        uitpakken(zonder_functie)
    assert fout.value.code == "envelop_ongeldig"


def test_base64_met_regeleinden_mag() -> None:
    inhoud = b"regel " * 100
    gecodeerd = base64.encodebytes(inhoud)  # lines of 76 characters
    envelop = envelop_voorbeeld("ggk_Di01.xml").replace(
        b"SGllciBzdGFhdCBoZXQgaGVlbmJlcmljaHQ=", gecodeerd
    )
    assert uitpakken(envelop)[0] == inhoud


def test_tijdstip() -> None:
    assert tijdstip_tekst(datetime(2026, 1, 2, 3, 4, 5)) == "20260102030405"
    assert tijdstip_tekst(datetime(2026, 1, 2, 3, 4, 5, 6_000)) == "20260102030405006"
    _, gegevens = uitpakken(envelop_voorbeeld("ggk_Di01.xml"))
    for tekst, verwacht in (
        ("20260102", datetime(2026, 1, 2)),
        ("20260102030405", datetime(2026, 1, 2, 3, 4, 5)),
        ("20261302030405", None),  # month 13
        ("202601020304", None),  # not one of the StUF lengths
    ):
        assert Envelop(**{**_velden(gegevens), "tijdstip_bericht": tekst}).tijdstip == verwacht


def _velden(envelop: Envelop) -> dict[str, object]:
    return {naam: getattr(envelop, naam) for naam in Envelop.__dataclass_fields__}

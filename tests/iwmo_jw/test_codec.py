"""The public API around the models: valideer, kop_van, serialize's refusals, and the edges of
reading and writing values exactly (escaping, whitespace, dates, times, comments)."""

from __future__ import annotations

import dataclasses
from datetime import date, time
from decimal import Decimal

import pytest

from iwmo_jw.codec import (
    CodecFout,
    Validatieresultaat,
    kop_van,
    parse,
    serialize,
    soort,
    valideer,
    xsd_versie,
)
from iwmo_jw.codec.modellen import (
    Achternaam,
    Bericht301,
    Bericht323,
    Contact301,
    Declaratie,
    Prestatie323,
    XsdVersie,
)
from tests.iwmo_jw.hulp import voorbeeld, xsd_fouten


def _jw323(**vervang: str) -> bytes:
    tekst = voorbeeld("JW323").decode()
    for oud, nieuw in vervang.items():
        assert oud in tekst
        tekst = tekst.replace(oud, nieuw, 1)
    return tekst.encode()


def _eerste_prestatie(bericht: object) -> Prestatie323:
    assert isinstance(bericht, Bericht323)
    return bericht.declaratie.clienten[0].prestaties[0]


# --- valideer / kop_van ----------------------------------------------------------------------


def test_valideer_geeft_het_model_bij_geldig_bericht() -> None:
    # JW305: the official JW323 example fails level 2 (its duplicate RN004: TR101 and TR416);
    # see test_niveau2_valideer.py.
    resultaat = valideer(voorbeeld("JW305"))
    assert resultaat.geldig is True
    assert resultaat.niveau is None
    assert (resultaat.standaard, resultaat.berichtcode, resultaat.berichttype) == (
        "ijw",
        438,
        "305",
    )
    assert resultaat.fouten == []
    assert resultaat.bericht == parse(voorbeeld("JW305"))


def test_valideer_ongeldig_zonder_model() -> None:
    resultaat = valideer(voorbeeld("JW315"))
    assert (resultaat.geldig, resultaat.niveau, resultaat.bericht) == (False, 1, None)
    assert [m.regelnummer for m in resultaat.fouten] == [44, 66]
    onleesbaar = valideer(b"<a><b></a>")
    assert onleesbaar == Validatieresultaat(
        geldig=False, niveau=1, fouten=onleesbaar.fouten, bericht=None
    )
    assert [m.code for m in onleesbaar.fouten] == ["xml_onleesbaar"]


def test_valideer_waarde_die_python_niet_kan_bevatten() -> None:
    # Year 10000 is a valid xs:date; Python's date stops at 9999.
    data = _jw323(
        **{"<jw323:DeclaratieDagtekening>2026-05-06": "<jw323:DeclaratieDagtekening>10000-05-06"}
    )
    assert xsd_fouten(data, soort("JW323")) == []
    resultaat = valideer(data)
    assert (resultaat.geldig, resultaat.niveau, resultaat.bericht) == (False, 1, None)
    assert [(m.code, m.melding) for m in resultaat.fouten] == [
        (
            "waarde_ongeldig",
            "De datum '10000-05-06' valt buiten het bereik dat verwerkt kan worden "
            "(jaar 1 tot en met 9999).",
        )
    ]
    with pytest.raises(CodecFout) as fout:
        parse(data)
    assert fout.value.code == "waarde_ongeldig"


def test_kop_van_retourbericht() -> None:
    kop = kop_van(voorbeeld("JW302"))
    bericht = parse(voorbeeld("JW302"))
    assert kop.identificatie == bericht.header.identificatie
    assert kop.identificatie_retour == bericht.header.identificatie_retour  # type: ignore[attr-defined]
    assert kop.dagtekening == bericht.header.dagtekening


def test_xsd_versie_uit_de_schemas() -> None:
    assert xsd_versie(soort("WMO301")) == XsdVersie(
        basisschema_xsd_versie="1.0.0", bericht_xsd_versie="1.0.0"
    )
    assert xsd_versie(soort("JW325")) == XsdVersie(
        basisschema_xsd_versie="0.1.0", bericht_xsd_versie="0.1.0"
    )


# --- reading: the XSD's lexical freedom ------------------------------------------------------


def test_witruimte_voorloopnullen_en_plusteken_in_getallen_en_datums() -> None:
    data = _jw323(
        **{
            "<jw323:GeleverdVolume>4<": "<jw323:GeleverdVolume>\n +004 <",
            "<jw323:DeclaratieDagtekening>2026-05-06<": "<jw323:DeclaratieDagtekening> 2026-05-06\t<",
            "<ijw:Bedrag>5000<": "<ijw:Bedrag>0005000<",
        }
    )
    assert xsd_fouten(data, soort("JW323")) == []
    bericht = parse(data)
    assert bericht == parse(voorbeeld("JW323"))
    prestatie = _eerste_prestatie(bericht)
    assert prestatie.geleverd_volume == 4
    assert prestatie.ingediend_bedrag.bedrag == Decimal("50.00")


def test_commentaar_en_verwerkingsinstructies_tellen_niet_mee() -> None:
    data = _jw323(
        **{
            "<jw323:ProductCode>45A03<": "<!-- c --><jw323:ProductCode>45<!-- x -->A<?pi y?>03<",
            "<jw323:Eenheid>04<": "<?pi x?><jw323:Eenheid>04<",
        }
    )
    assert parse(data) == parse(voorbeeld("JW323"))


def test_tijd_24_uur_en_fracties() -> None:
    tekst = voorbeeld("JW301").decode()
    assert tekst.count("<jw301:Toewijzingstijd>12:34:56<") == 2
    tekst = tekst.replace("12:34:56", "24:00:00", 1).replace("12:34:56", "08:15:30.1234567", 1)
    bericht = parse(tekst.encode())
    assert isinstance(bericht, Bericht301)
    tijden = [p.toewijzingstijd for p in bericht.client.toegewezen_producten]
    assert tijden == [time(0, 0, 0), time(8, 15, 30, 123456)]
    assert b"<jw301:Toewijzingstijd>08:15:30.123456<" in serialize(bericht)


# --- writing: exactness and refusals ---------------------------------------------------------


@pytest.mark.parametrize(
    "naam",
    [
        "Ruiz & <Zoon> ]]>",
        "dubbel  spatie\tmet tab",
        "voor\u00a0nbsp",  # no-break space counts as a visible character for XSD
        "Fr\u00e9d\u00e9ric \U0001d11e",  # astral character
        " omringd door spaties ",
    ],
)
def test_tekst_komt_exact_terug(naam: str) -> None:
    bericht = parse(voorbeeld("JW301"))
    assert isinstance(bericht, Bericht301)
    aangepast = dataclasses.replace(
        bericht,
        client=dataclasses.replace(
            bericht.client,
            naam=dataclasses.replace(
                bericht.client.naam, geslachtsnaam=Achternaam(achternaam=naam)
            ),
            commentaar=f"regel 1\r\nregel 2\rregel 3\n{naam}",
        ),
    )
    data = serialize(aangepast)
    assert xsd_fouten(data, soort("JW301")) == []
    terug = parse(data)
    assert isinstance(terug, Bericht301)
    assert terug.client.naam.geslachtsnaam.achternaam == naam
    assert terug.client.commentaar == f"regel 1\r\nregel 2\rregel 3\n{naam}"
    assert b"regel 1&#13;\nregel 2&#13;regel 3" in data


def test_serialize_weigert_wat_xml_niet_kan_dragen() -> None:
    bericht = parse(voorbeeld("JW301"))
    assert isinstance(bericht, Bericht301)
    met_stuurteken = dataclasses.replace(
        bericht, client=dataclasses.replace(bericht.client, commentaar="bel\x07")
    )
    with pytest.raises(CodecFout) as fout:
        serialize(met_stuurteken)
    assert fout.value.code == "waarde_ongeldig"
    assert fout.value.melding == (
        "JW301 kan niet worden geschreven (veld client.commentaar): "
        "het teken U+0007 kan in XML niet voorkomen."
    )


def test_serialize_noemt_het_veld_bij_een_fout_type_of_ontbrekend_veld() -> None:
    bericht = parse(voorbeeld("JW323"))
    assert isinstance(bericht, Bericht323)
    clienten = bericht.declaratie.clienten
    tweede = clienten[1]
    fout_type = dataclasses.replace(
        tweede,
        prestaties=(
            tweede.prestaties[0],
            dataclasses.replace(tweede.prestaties[1], toewijzing_nummer="10075"),  # type: ignore[arg-type]
        ),
    )
    gevallen = {
        "JW323 kan niet worden geschreven (veld declaratie.clienten[1].prestaties[1]."
        "toewijzing_nummer): verwacht een geheel getal (int), gekregen str.": (
            dataclasses.replace(
                bericht,
                declaratie=dataclasses.replace(
                    bericht.declaratie, clienten=(clienten[0], fout_type, *clienten[2:])
                ),
            )
        ),
        "JW323 kan niet worden geschreven (veld declaratie.declaratie_dagtekening): "
        "is verplicht.": dataclasses.replace(
            bericht,
            declaratie=dataclasses.replace(bericht.declaratie, declaratie_dagtekening=None),  # type: ignore[arg-type]
        ),
        "JW323 kan niet worden geschreven (veld declaratie.clienten): is verplicht.": (
            dataclasses.replace(
                bericht, declaratie=dataclasses.replace(bericht.declaratie, clienten=())
            )
        ),
        "JW323 kan niet worden geschreven (veld declaratie.declaratie_periode): "
        "verwacht GeslotenPeriode, gekregen Declaratie.": dataclasses.replace(
            bericht,
            declaratie=dataclasses.replace(
                bericht.declaratie,
                declaratie_periode=bericht.declaratie,  # type: ignore[arg-type]
            ),
        ),
    }
    for melding, fout_bericht in gevallen.items():
        with pytest.raises(CodecFout) as fout:
            serialize(fout_bericht)
        assert (fout.value.code, fout.value.melding) == ("waarde_ongeldig", melding)


def test_datetime_is_geen_datum() -> None:
    from datetime import datetime

    bericht = parse(voorbeeld("JW323"))
    assert isinstance(bericht, Bericht323)
    met_tijd = dataclasses.replace(
        bericht,
        declaratie=dataclasses.replace(
            bericht.declaratie,
            declaratie_dagtekening=datetime(2026, 5, 6, 12, 0),
        ),
    )
    with pytest.raises(CodecFout) as fout:
        serialize(met_tijd)
    assert fout.value.melding.endswith("verwacht een datum (datetime.date), gekregen datetime.")


def test_serialize_controleert_het_xsd() -> None:
    bericht = parse(voorbeeld("JW323"))
    assert isinstance(bericht, Bericht323)
    te_lang = dataclasses.replace(
        bericht, declaratie=dataclasses.replace(bericht.declaratie, declaratie_nummer="DN-001")
    )
    with pytest.raises(CodecFout) as fout:
        serialize(te_lang)
    assert fout.value.code == "xsd_ongeldig"
    assert [m.element for m in fout.value.meldingen] == ["DeclaratieNummer"]
    assert "[facet 'pattern'] The value 'DN-001' is not accepted" in fout.value.meldingen[0].melding
    # Without the check the caller gets the (invalid) bytes.
    assert b"<jw323:DeclaratieNummer>DN-001<" in serialize(te_lang, valideren=False)


def test_jaartal_onder_1000_met_voorloopnul() -> None:
    bericht = parse(voorbeeld("JW323"))
    assert isinstance(bericht, Bericht323)
    oud = dataclasses.replace(
        bericht,
        declaratie=Declaratie(
            declaratie_nummer=bericht.declaratie.declaratie_nummer,
            declaratie_periode=bericht.declaratie.declaratie_periode,
            declaratie_dagtekening=date(999, 1, 2),
            totaal_ingediend_bedrag=bericht.declaratie.totaal_ingediend_bedrag,
            clienten=bericht.declaratie.clienten[:1],
        ),
    )
    data = serialize(oud)
    assert b"<jw323:DeclaratieDagtekening>0999-01-02<" in data
    assert parse(data) == oud


def test_optionele_elementen_zijn_none_en_lijsten_tuples() -> None:
    contact = Contact301(soort="01")
    assert (contact.adres, contact.telefoon, contact.periode) == (None, None, None)
    bericht = parse(voorbeeld("JW301"))
    assert isinstance(bericht, Bericht301)
    assert isinstance(bericht.client.relaties, tuple)
    assert isinstance(bericht.client.toegewezen_producten, tuple)

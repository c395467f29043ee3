"""Hostile and wrong input is refused with a stable code and a Dutch message, before it can cost
much: markup declarations and oversized input never reach the XML parser, nesting stops at
libxml2's depth limit, nothing is fetched from disk or network. (Speed itself is measured by
``python -m bench.codec``, not asserted here.)"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from lxml import etree

from iwmo_jw.codec import STANDAARD_MAX_GROOTTE, CodecFout, kop_van, parse, valideer
from iwmo_jw.codec.envelop import uitpakken
from tests.iwmo_jw.hulp import voorbeeld

JW323 = voorbeeld("JW323")

BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n<!ENTITY lol "lol">\n'
    + b"".join(
        b'<!ENTITY lol%d "%s">\n' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, 10)
    )
    + b"]>\n<lolz>&lol9;</lolz>"
)
QUADRATIC_BLOWUP = (
    b'<!DOCTYPE r [<!ENTITY a "' + b"x" * 50_000 + b'">]><r>' + b"&a;" * 50_000 + b"</r>"
)
XXE_FILE = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>'
XXE_HTTP = b'<!DOCTYPE r [<!ENTITY x SYSTEM "http://127.0.0.1:9/x">]><r>&x;</r>'
XXE_PARAMETER = b'<!DOCTYPE r [<!ENTITY % p SYSTEM "http://127.0.0.1:9/p.dtd"> %p;]><r/>'
# A prolog comment containing "<a" used to hide the DOCTYPE from a prolog-only check.
VERSTOPT = b"<!-- <a " + b"x" * 70_000 + b" -->" + BILLION_LAUGHS.split(b"\n", 1)[1]

DOCTYPE = "Een DOCTYPE (DTD) is in een bericht niet toegestaan."
ENTITEIT = "Entiteitsdeclaraties zijn in een bericht niet toegestaan."


@pytest.fixture
def parser_mag_niet(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if the input reaches lxml's parser."""

    def geweigerd(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("de invoer had de XML-parser niet mogen bereiken")

    monkeypatch.setattr(etree, "fromstring", geweigerd)


def _weigering(lezen: Callable[[bytes], object], data: bytes) -> CodecFout:
    with pytest.raises(CodecFout) as fout:
        lezen(data)
    assert fout.value.niveau == 1
    assert [m.code for m in fout.value.meldingen] == [fout.value.code]
    return fout.value


@pytest.mark.parametrize(
    ("data", "code", "melding"),
    [
        (BILLION_LAUGHS, "doctype_verboden", DOCTYPE),
        (QUADRATIC_BLOWUP, "doctype_verboden", DOCTYPE),
        (XXE_FILE, "doctype_verboden", DOCTYPE),
        (XXE_HTTP, "doctype_verboden", DOCTYPE),
        (XXE_PARAMETER, "doctype_verboden", DOCTYPE),
        (VERSTOPT, "doctype_verboden", DOCTYPE),
        (b"<!DOCTYPE Bericht>\n" + JW323.split(b"\n", 1)[1], "doctype_verboden", DOCTYPE),
        (b'<r><!ENTITY x "y"></r>', "entiteit_verboden", ENTITEIT),
        (b"", "leeg", "Het bestand is leeg."),
        (b" \r\n\t ", "leeg", "Het bestand is leeg."),
    ],
    ids=[
        "billion-laughs",
        "quadratic-blowup",
        "xxe-file",
        "xxe-http",
        "xxe-parameterentiteit",
        "doctype-achter-commentaar",
        "doctype-voor-geldig-bericht",
        "entiteit-buiten-dtd",
        "leeg",
        "alleen-witruimte",
    ],
)
@pytest.mark.usefixtures("parser_mag_niet")
def test_geweigerd_voordat_de_parser_begint(data: bytes, code: str, melding: str) -> None:
    for lezen in (parse, kop_van):
        fout = _weigering(lezen, data)
        assert (fout.code, fout.melding) == (code, melding)
    resultaat = valideer(data)
    assert (resultaat.geldig, resultaat.niveau, resultaat.bericht) == (False, 1, None)
    assert [(m.regel, m.code, m.melding) for m in resultaat.fouten] == [("XML", code, melding)]


@pytest.mark.usefixtures("parser_mag_niet")
def test_te_groot_met_kleine_grens() -> None:
    fout = _weigering(lambda d: parse(d, max_grootte=len(JW323) - 1), JW323)
    assert fout.code == "te_groot"
    assert (
        fout.melding
        == f"Het bericht is 5.626 bytes; de grens is {len(JW323) - 1:,} bytes.".replace(",", ".")
    )


def test_precies_op_de_grens_mag() -> None:
    assert parse(JW323, max_grootte=len(JW323)) == parse(JW323)


def test_standaardgrens_25_mb() -> None:
    # Pad the example to exactly 25 MiB after its root element, with comments between runs of
    # whitespace (one run of 25 MB would hit libxml2's 10 MB limit on a single token).
    blok = b"\n<!-- opvulling -->" + b" " * 4077
    assert len(blok) == 4096
    opvulling = blok * ((STANDAARD_MAX_GROOTTE - len(JW323)) // len(blok))
    precies = JW323 + opvulling + b" " * (STANDAARD_MAX_GROOTTE - len(JW323) - len(opvulling))
    assert len(precies) == STANDAARD_MAX_GROOTTE == 26_214_400
    assert parse(precies) == parse(JW323)
    fout = _weigering(parse, precies + b" ")
    assert fout.code == "te_groot"
    assert fout.melding == "Het bericht is 26.214.401 bytes; de grens is 26.214.400 bytes."


def test_diepe_nesting_stopt_bij_de_dieptegrens() -> None:
    diep = b"<a>" * 5_000 + b"</a>" * 5_000
    fout = _weigering(parse, diep)
    assert (fout.code, fout.melding) == (
        "te_diep",
        "Het bericht is te diep genest om veilig te lezen.",
    )


def test_entiteit_zonder_declaratie_wordt_niet_opgezocht() -> None:
    fout = _weigering(parse, b"<r>&xxe;</r>")
    assert fout.code == "xml_onleesbaar"
    assert fout.melding.startswith(
        "Het bestand is geen goedgevormde XML (regel 1): Entity 'xxe' not defined"
    )


def test_niet_goedgevormd_met_regelnummer() -> None:
    fout = _weigering(parse, JW323.replace(b"</jw323:Bsn>", b"</jw323:Bs>", 1))
    assert fout.code == "xml_onleesbaar"
    assert fout.melding.startswith("Het bestand is geen goedgevormde XML (regel 31): ")
    assert "Opening and ending tag mismatch" in fout.melding


@pytest.mark.parametrize(
    ("data", "code", "melding"),
    [
        (
            b'<Bericht xmlns="urn:iets-anders"/>',
            "namespace_onbekend",
            "Onbekend bericht: element 'Bericht' met namespace 'urn:iets-anders'; "
            "verwacht een bericht van iWmo 3.2 en iJw 3.2.",
        ),
        (
            b"<Bericht/>",
            "namespace_onbekend",
            "Onbekend bericht: element 'Bericht' zonder namespace; "
            "verwacht een bericht van iWmo 3.2 en iJw 3.2.",
        ),
        (
            JW323.replace(b"ijw/3_2/", b"ijw/3_1/"),
            "versie_niet_ondersteund",
            "Bericht JW323 van iJw release 3.1 wordt niet ondersteund; "
            "ondersteund is iWmo 3.2 en iJw 3.2 (release 3.2).",
        ),
        (
            JW323.replace(b"ijw/3_2/jw323", b"iwmo/3_1/wmo323"),
            "versie_niet_ondersteund",
            "Bericht WMO323 van iWmo release 3.1 wordt niet ondersteund; "
            "ondersteund is iWmo 3.2 en iJw 3.2 (release 3.2).",
        ),
        (
            JW323.replace(b"<jw323:BerichtCode>490<", b"<jw323:BerichtCode>484<"),
            "berichtcode_onjuist",
            "BerichtCode 484 past niet bij JW323 (verwacht 490).",
        ),
        (
            JW323.replace(b"jw323:Bericht ", b"jw323:Declaratiebericht ").replace(
                b"</jw323:Bericht>", b"</jw323:Declaratiebericht>"
            ),
            "namespace_onbekend",
            "Het hoofdelement heet 'Declaratiebericht'; verwacht 'Bericht' (JW323).",
        ),
    ],
    ids=[
        "vreemde-namespace",
        "geen-namespace",
        "ijw-3.1",
        "iwmo-3.1",
        "berichtcode",
        "hoofdelement",
    ],
)
def test_verkeerd_bericht(data: bytes, code: str, melding: str) -> None:
    fout = _weigering(parse, data)
    assert (fout.code, fout.melding) == (code, melding)
    assert valideer(data).fouten[0].code == code


def test_geen_bytes() -> None:
    with pytest.raises(TypeError):
        parse(JW323.decode())  # type: ignore[arg-type]


@pytest.mark.usefixtures("parser_mag_niet")
def test_envelop_is_even_streng() -> None:
    for data, code in (
        (BILLION_LAUGHS, "doctype_verboden"),
        (b"", "leeg"),
        (XXE_FILE, "doctype_verboden"),
    ):
        fout = _weigering(uitpakken, data)
        assert fout.code == code
    fout = _weigering(lambda d: uitpakken(d, max_grootte=100), b"<a>" + b" " * 200 + b"</a>")
    assert fout.code == "te_groot"

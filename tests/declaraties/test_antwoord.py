"""The 325 built from a 323 and its assessment: each situation of IV087, totals that satisfy
TR342, and every answer valid against the XSD (``serialize`` checks it) and read back equal."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given

from declaraties.antwoord import declaratieantwoord, technisch_afgekeurd, tr342_klopt
from declaraties.regels import (
    DeclaratieContext,
    Omvang,
    Tarief,
    Toewijzing,
    beoordelen,
)
from iwmo_jw.codec import parse, serialize, soort, valideer, xsd_versie
from iwmo_jw.codec.modellen import (
    Bericht323,
    Bericht325,
    BerichtIdentificatie,
    TotaalBedragMetDC,
)
from tests.declaraties.hulp import (
    BSN_A,
    BSN_B,
    GEMEENTE,
    TARIEF_45A03,
    TARIEF_45A04,
    basis_bericht,
    bsns,
    context,
    met_toewijzing,
)
from tests.declaraties.test_uitvoeren import EIGENSCHAP, Scenario, scenarios
from tests.declaraties.test_uitvoeren import bericht323 as maak_bericht
from tests.iwmo_jw.hulp import voorbeeld

DAG = date(2026, 6, 4)


def antwoord(bericht: Bericht323, ctx: DeclaratieContext) -> Bericht325:
    a = declaratieantwoord(bericht, beoordelen(bericht, ctx), identificatie="A1", dagtekening=DAG)
    data = serialize(a)  # raises when the XSD is not satisfied
    assert parse(data) == a
    assert tr342_klopt(a)
    return a


def _kop(a: Bericht325, bericht: Bericht323, *codes: str) -> None:
    h = a.header
    assert a.soort == soort(bericht.soort.naam.replace("323", "325"))
    assert (h.afzender, h.ontvanger) == (bericht.header.ontvanger, bericht.header.afzender)
    assert h.bericht_identificatie == BerichtIdentificatie(identificatie="A1", dagtekening=DAG)
    assert h.xsd_versie == xsd_versie(a.soort)
    assert h.declaratie_identificatie == bericht.header.bericht_identificatie
    assert h.xsd_versie_declaratie == bericht.header.xsd_versie
    assert h.xslt_versie is None
    assert h.retour_codes == codes


def test_fully_granted_is_8001_without_clients() -> None:
    bericht = basis_bericht()
    a = antwoord(bericht, context())
    _kop(a, bericht, "0200")
    da = a.declaratie_antwoord
    assert da is not None
    assert da.declaratie_nummer == "D1"
    assert da.retour_codes == ("8001",)
    assert da.totaal_ingediend_bedrag == TotaalBedragMetDC(
        totaal_bedrag=Decimal("730.00"), debet_credit="D"
    )
    assert da.totaal_toegekend_bedrag == da.totaal_ingediend_bedrag
    assert da.clienten == ()


def test_partly_rejected_lists_only_the_rejected_prestaties() -> None:
    """R1 has the wrong tariff (0611); client B is unknown (8187), so R2 gets 0233; the
    credit R3 is granted and not listed."""
    bericht = basis_bericht()
    onbekend = next(b for b in bsns(5) if b not in {BSN_A, BSN_B})
    bericht = replace(
        bericht,
        declaratie=replace(
            bericht.declaratie,
            clienten=(
                bericht.declaratie.clienten[0],
                replace(bericht.declaratie.clienten[1], bsn=onbekend),
            ),
        ),
    )
    ctx = context(tarieven=[replace(TARIEF_45A03, bedrag=Decimal("62.00")), TARIEF_45A04])
    a = antwoord(bericht, ctx)
    _kop(a, bericht, "0200")
    da = a.declaratie_antwoord
    assert da is not None
    assert da.retour_codes == ("0200",)
    # Granted: only the credit R3 (- € 630,00).
    assert da.totaal_toegekend_bedrag == TotaalBedragMetDC(
        totaal_bedrag=Decimal("630.00"), debet_credit="C"
    )
    assert [(c.bsn, c.retour_codes) for c in da.clienten] == [
        (BSN_A, ("0200",)),
        (onbekend, ("8187",)),
    ]
    r1 = da.clienten[0].prestaties
    assert [(p.product_referentie.referentie_nummer, p.retour_codes) for p in r1] == [
        ("R1", ("0611",))
    ]
    assert [
        (p.product_referentie.referentie_nummer, p.retour_codes) for p in da.clienten[1].prestaties
    ] == [("R2", ("0233",))]
    # The returned values are those of the 323 (TR367).
    p323 = bericht.declaratie.clienten[0].prestaties[0]
    p325 = r1[0]
    assert (
        p325.product_referentie,
        p325.toewijzing_nummer,
        p325.product_categorie,
        p325.product_code,
        p325.product_periode,
        p325.geleverd_volume,
        p325.eenheid,
        p325.product_tarief,
        p325.ingediend_bedrag,
    ) == (
        p323.product_referentie,
        p323.toewijzing_nummer,
        p323.product_categorie,
        p323.product_code,
        p323.product_periode,
        p323.geleverd_volume,
        p323.eenheid,
        p323.product_tarief,
        p323.ingediend_bedrag,
    )
    # TR342: the returned 1.260 + 100 = 730 submitted - (-630) granted.
    teruggestuurd = [p.ingediend_bedrag for c in da.clienten for p in c.prestaties]
    assert [(b.bedrag, b.debet_credit) for b in teruggestuurd] == [
        (Decimal("1260.00"), "D"),
        (Decimal("100.00"), "D"),
    ]


def test_declaration_level_error_grants_nothing() -> None:
    bericht = basis_bericht()
    a = antwoord(
        bericht,
        context(bekende_declaratienummers=["D1"], vorige_declaratieperiode=date(2026, 4, 1)),
    )
    _kop(a, bericht, "0200")
    da = a.declaratie_antwoord
    assert da is not None
    assert da.retour_codes == ("9333", "8214")
    assert da.totaal_toegekend_bedrag == TotaalBedragMetDC(
        totaal_bedrag=Decimal(0), debet_credit="D"
    )
    assert da.totaal_ingediend_bedrag.totaal_bedrag == Decimal("730.00")
    assert da.clienten == ()


def test_header_level_error_answers_with_a_header_only() -> None:
    bericht = basis_bericht()
    a = antwoord(bericht, context(bekende_berichtidentificaties=["B1"], gemeentecodes=["0363"]))
    _kop(a, bericht, "9056", "S300")
    assert a.declaratie_antwoord is None


def test_level_2_rejection_of_the_official_example() -> None:
    """The official JW323 example repeats ReferentieNummer RN004 within one client (TR101)
    and debits one toewijzing, product and period twice (TR416): level 2, 0001."""
    resultaat = valideer(voorbeeld("JW323"))
    assert resultaat.niveau == 2
    assert {m.regel for m in resultaat.fouten} == {"TR101", "TR416"}
    a = technisch_afgekeurd(resultaat, identificatie="A1", dagtekening=DAG, xslt_versie="1.0.0")
    serialize(a)
    assert isinstance(resultaat.bericht, Bericht323)
    assert a.header.xslt_versie == "1.0.0"
    _kop(replace(a, header=replace(a.header, xslt_versie=None)), resultaat.bericht, "0001")
    assert a.declaratie_antwoord is None
    assert a.header.afzender == "0384" and a.header.ontvanger == "65656055"


def test_only_a_level_2_rejection_gets_0001() -> None:
    with pytest.raises(ValueError):
        technisch_afgekeurd(valideer(b"<niet-xml"), identificatie="A1", dagtekening=DAG)
    geldig = valideer(serialize(basis_bericht()))
    assert geldig.geldig
    with pytest.raises(ValueError):
        technisch_afgekeurd(geldig, identificatie="A1", dagtekening=DAG)


def test_official_example_at_levels_3_and_4() -> None:
    """The official example, assessed at levels 3 and 4 as if level 2 had let it through:
    client 999900018 declares on toewijzing 10073 of client 999900006 (TR304), the second
    RN004 repeats a reference (TR314) and a debit already granted in this message (TR389)."""
    bericht = parse(voorbeeld("JW323"))
    assert isinstance(bericht, Bericht323)

    def tw(nummer: int, bsn: str, code: str) -> Toewijzing:
        return Toewijzing(
            toewijzing_nummer=nummer,
            bsn=bsn,
            ingangsdatum=date(2026, 1, 1),
            einddatum=date(2026, 12, 31),
            product_categorie="45",
            product_code=code,
            omvang=Omvang(100, "04", "6"),
        )

    ctx = DeclaratieContext.maak(
        ontvangstdatum=date(2026, 5, 7),
        toewijzingen=[
            tw(10072, "999900006", "45A03"),
            tw(10073, "999900006", "45A04"),
            tw(10074, "999900018", "45A03"),
        ],
        gemeentecodes=["0384"],
        producten=[("45", "45A03"), ("45", "45A04")],
        tarieven=[
            Tarief("45", "45A03", "04", Decimal("12.50"), date(2026, 1, 1)),
            Tarief("45", "45A04", "04", Decimal("15.00"), date(2026, 1, 1)),
        ],
    )
    b = beoordelen(bericht, ctx)
    assert [(u.referentie_nummer, u.retourcodes) for u in b.prestaties] == [
        ("RN001", ()),
        ("RN002", ()),
        ("RN003", ()),
        ("RN004", ("8021", "8187", "9389")),
        ("RN004", ("8187",)),
    ]
    a = antwoord(bericht, ctx)
    da = a.declaratie_antwoord
    assert da is not None
    # 790,00 submitted; 50 + 240 + 50 granted; 240 + 210 rejected.
    assert da.totaal_toegekend_bedrag.totaal_bedrag == Decimal("340.00")
    assert [c.bsn for c in da.clienten] == ["999900018"]
    assert [p.product_periode.begindatum for p in da.clienten[0].prestaties] == [
        date(2026, 4, 1),
        date(2026, 3, 1),
    ]


def test_wmo_answer_is_a_wmo325() -> None:
    """The same base, as a WMO323 with iWmo categories."""
    bericht = basis_bericht("WMO323")
    bericht = replace(
        bericht,
        declaratie=replace(
            bericht.declaratie,
            clienten=tuple(
                replace(
                    c,
                    prestaties=tuple(replace(p, product_categorie="02") for p in c.prestaties),
                )
                for c in bericht.declaratie.clienten
            ),
        ),
    )
    ctx = context(
        toewijzingen=[replace(t, product_categorie="02") for t in met_toewijzing(1001)],
        debetten=[replace(d, product_categorie="02") for d in context().debetten.values()],
        open_debetten=[
            replace(d, product_categorie="02").sleutel for d in context().debetten.values()
        ],
        producten=[("02", "45A03"), ("02", "45A04")],
        tarieven=[
            replace(TARIEF_45A03, product_categorie="02"),
            replace(TARIEF_45A04, product_categorie="02", bedrag=Decimal("24.00")),
        ],
    )
    a = antwoord(bericht, ctx)
    assert a.soort.naam == "WMO325"
    da = a.declaratie_antwoord
    assert da is not None
    assert [
        (p.product_referentie.referentie_nummer, p.retour_codes)
        for c in da.clienten
        for p in c.prestaties
    ] == [("R2", ("0611",))]


def test_totals_that_do_not_add_up_are_refused() -> None:
    bericht = basis_bericht()
    kapot = replace(
        bericht,
        declaratie=replace(
            bericht.declaratie,
            totaal_ingediend_bedrag=TotaalBedragMetDC(
                totaal_bedrag=Decimal("731.00"), debet_credit="D"
            ),
        ),
    )
    ctx = context(tarieven=[TARIEF_45A03])  # R2 rejected: the totals matter
    with pytest.raises(ValueError, match="TR342"):
        declaratieantwoord(kapot, beoordelen(kapot, ctx), identificatie="A1", dagtekening=DAG)


@EIGENSCHAP
@given(scenarios())
def test_every_answer_is_valid_and_adds_up(s: Scenario) -> None:
    bericht = maak_bericht([(BSN_A, s.lijnen)])
    if not s.lijnen:
        return
    b = beoordelen(bericht, s.ctx)
    a = antwoord(bericht, s.ctx)
    da = a.declaratie_antwoord
    assert da is not None
    afgewezen = [u for u in b.prestaties if not u.toegekend]
    if not afgewezen:
        assert da.retour_codes == ("8001",) and da.clienten == ()
    else:
        assert da.retour_codes == ("0200",)
        assert [
            p.product_referentie.referentie_nummer for c in da.clienten for p in c.prestaties
        ] == [u.referentie_nummer for u in afgewezen]
    teken = -1 if da.totaal_toegekend_bedrag.debet_credit == "C" else 1
    assert teken * da.totaal_toegekend_bedrag.totaal_bedrag == b.totaal_toegekend
    assert a.header.afzender == GEMEENTE

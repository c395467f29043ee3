"""The files of a payment batch: the pain.001 validates against the official ISO 20022
schema (the XSD shipped by sepaxml, checked here with lxml, independently of the library's
own check) and says exactly what the batch pays; the journal (CSV and Excel) has one line
per provider and budget post with exact contents."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import pytest
import sepaxml
from lxml import etree
from openpyxl import load_workbook

from financien import betaalbestanden, services
from financien.models import Betaalbatch
from kern.exceptions import DomeinFout
from tests.factories import ZorgaanbiederFactory
from tests.financien.batchscene import crediteer, realiseer, reserveer
from tests.financien.conftest import D

pytestmark = pytest.mark.django_db

SCHEMAS = Path(sepaxml.__file__).parent / "schemas"


def xsd(schema: str) -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    return etree.XMLSchema(etree.parse(str(SCHEMAS / f"{schema}.xsd"), parser))


def lees(inhoud: bytes) -> etree._Element:
    return etree.fromstring(inhoud, etree.XMLParser(no_network=True, resolve_entities=False))


@pytest.fixture
def batch(
    budgethouder, beoordelaar, amsterdam, budgetpost, budgetpost_2027, aanbieder, betaalrekening
) -> Betaalbatch:
    """Zorg Noord: 1,000.00 on 2026 and 234.56 on 2027 (on kostenplaats 4711), 100.00 of
    2026 credited; "=Zorg & Co" (a name that looks like a formula): 99.99 on 2026."""
    for bp in (budgetpost, budgetpost_2027):
        services.budget_toekennen(
            door=budgethouder,
            budgetpost=bp,
            bedrag=D("50000.00"),
            reden="Begroting",
            idempotentiesleutel=f"begroting-{bp.jaar}",
        )
    formule = ZorgaanbiederFactory(naam="=Zorg & Co", agb_code="73999999")
    noord = reserveer(budgetpost, aanbieder, "5000.00", "t-noord")
    noord_2027 = reserveer(budgetpost_2027, aanbieder, "5000.00", "t-noord-2027")
    co = reserveer(budgetpost, formule, "500.00", "t-co")
    maart = realiseer(noord, "1000.00", "p-noord-maart", date(2026, 3, 31))
    crediteer(maart, "100.00", "p-noord-maart-credit", date(2026, 4, 2))
    realiseer(noord_2027, "234.56", "p-noord-2027", date(2026, 4, 3))
    realiseer(co, "99.99", "p-co", date(2026, 4, 3))
    batch = services.betaalbatch_aanmaken(
        door=budgethouder, gemeente=amsterdam, uitvoeringsdatum=date(2026, 4, 10)
    )
    return services.betaalbatch_goedkeuren(door=beoordelaar, batch=batch)


@pytest.fixture
def budgetpost_2027(budgethouder, amsterdam):
    return services.budgetpost_aanmaken(
        door=budgethouder,
        gemeente=amsterdam,
        jaar=2027,
        wet="wmo",
        taakveld="6.71",
        kostenplaats="4711",
    )


# --- pain.001 ------------------------------------------------------------------------------


@pytest.mark.parametrize("schema", ["pain.001.001.03", "pain.001.001.09"])
def test_pain001_is_geldig_volgens_het_officiele_schema(batch, schema):
    inhoud = betaalbestanden.pain001(batch, schema=schema)
    document = lees(inhoud)
    xsd(schema).assertValid(document)
    assert etree.QName(document).namespace == f"urn:iso:std:iso:20022:tech:xsd:{schema}"


def test_het_schema_keurt_een_kapot_bestand_af(batch):
    """The check above can fail: the same file with an amount that is not one is refused."""
    inhoud = betaalbestanden.pain001(batch).replace(b">99.99<", b">99,99<")
    assert not xsd("pain.001.001.03").validate(lees(inhoud))


def test_pain001_betaalt_per_aanbieder_het_saldo(batch, aanbieder):
    document = lees(betaalbestanden.pain001(batch))
    ns = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}

    def tekst(pad: str, el: etree._Element = document) -> list[str]:
        return [e.text for e in el.findall(pad, ns)]

    hdr = "p:CstmrCdtTrfInitn/p:GrpHdr/"
    assert tekst(hdr + "p:MsgId") == ["BB-0363-000001"]
    assert tekst(hdr + "p:NbOfTxs") == ["2"]
    assert tekst(hdr + "p:CtrlSum") == ["1234.55"]
    assert tekst(hdr + "p:InitgPty/p:Nm") == ["Gemeente Amsterdam"]
    (pmtinf,) = document.findall("p:CstmrCdtTrfInitn/p:PmtInf", ns)
    assert tekst("p:PmtInfId", pmtinf) == ["BB-0363-000001-1"]
    assert tekst("p:PmtMtd", pmtinf) == ["TRF"]
    assert tekst("p:BtchBookg", pmtinf) == ["true"]
    assert tekst("p:PmtTpInf/p:SvcLvl/p:Cd", pmtinf) == ["SEPA"]
    assert tekst("p:ReqdExctnDt", pmtinf) == ["2026-04-10"]
    assert tekst("p:Dbtr/p:Nm", pmtinf) == ["Gemeente Amsterdam"]
    assert tekst("p:DbtrAcct/p:Id/p:IBAN", pmtinf) == ["NL14BNGH0285001234"]
    assert tekst("p:DbtrAgt/p:FinInstnId/p:BIC", pmtinf) == ["BNGHNL2G"]
    assert tekst("p:ChrgBr", pmtinf) == ["SLEV"]
    transacties = [
        (
            tekst("p:PmtId/p:EndToEndId", tx)[0],
            tekst("p:Amt/p:InstdAmt", tx)[0],
            tx.find("p:Amt/p:InstdAmt", ns).get("Ccy"),
            tekst("p:Cdtr/p:Nm", tx)[0],
            tekst("p:CdtrAcct/p:Id/p:IBAN", tx)[0],
            tekst("p:RmtInf/p:Ustrd", tx)[0],
        )
        for tx in pmtinf.findall("p:CdtTrfTxInf", ns)
    ]
    assert transacties == [
        (
            "BB-0363-000001-0001",
            "99.99",
            "EUR",
            "=Zorg & Co",
            "NL91ABNA0417164300",
            "Betaalbatch BB-0363-000001 gemeente Amsterdam zorgkosten Wmo/Jeugdwet AGB 73999999",
        ),
        (
            "BB-0363-000001-0002",
            "1134.56",
            "EUR",
            "Zorg Noord B.V.",
            aanbieder.iban,
            "Betaalbatch BB-0363-000001 gemeente Amsterdam zorgkosten Wmo/Jeugdwet "
            f"AGB {aanbieder.agb_code}",
        ),
    ]


def test_pain001_noemt_geen_bsn(batch):
    """Nothing in the file identifies a client: no nine-digit number at all."""
    inhoud = betaalbestanden.pain001(batch).decode()
    assert not re.search(r"(?<!\d)\d{9}(?!\d)", inhoud)


def test_pain001_alleen_van_een_goedgekeurde_batch(budgethouder, amsterdam, batch):
    batch = services.betaalbatch_annuleren(door=budgethouder, batch=batch, reden="Opnieuw")
    concept = services.betaalbatch_aanmaken(
        door=budgethouder, gemeente=amsterdam, uitvoeringsdatum=date(2026, 4, 10)
    )
    for geweigerd in (batch, concept):
        with pytest.raises(DomeinFout) as fout:
            betaalbestanden.pain001(geweigerd)
        assert fout.value.code == "batch_niet_goedgekeurd"


def test_pain001_zonder_bic_is_geldig(budgethouder, amsterdam, batch):
    batch.debiteur_bic = ""
    inhoud = betaalbestanden.pain001(batch)
    xsd("pain.001.001.03").assertValid(lees(inhoud))
    assert b"<BIC>" not in inhoud


# --- Journal -------------------------------------------------------------------------------

KOPREGEL = [
    "Gemeentecode",
    "Gemeente",
    "Jaar",
    "Wet",
    "Taakveld",
    "Kostenplaats",
    "AGB-code",
    "Zorgaanbieder",
    "IBAN",
    "Bedrag",
    "Batchreferentie",
    "Betalingskenmerk",
    "Uitvoeringsdatum",
]


def test_journaal_csv(batch, aanbieder):
    agb = aanbieder.agb_code
    assert betaalbestanden.journaal_csv(batch).decode("utf-8").split("\r\n") == [
        ";".join(KOPREGEL),
        "0363;Amsterdam;2026;wmo;6.71;;73999999;=Zorg & Co;NL91ABNA0417164300;99.99;"
        "BB-0363-000001;BB-0363-000001-0001;2026-04-10",
        f"0363;Amsterdam;2026;wmo;6.71;;{agb};Zorg Noord B.V.;NL91ABNA0417164300;900.00;"
        "BB-0363-000001;BB-0363-000001-0002;2026-04-10",
        f"0363;Amsterdam;2027;wmo;6.71;4711;{agb};Zorg Noord B.V.;NL91ABNA0417164300;234.56;"
        "BB-0363-000001;BB-0363-000001-0002;2026-04-10",
        "",
    ]


def test_journaal_xlsx(batch, aanbieder):
    werkmap = load_workbook(io.BytesIO(betaalbestanden.journaal_xlsx(batch)))
    assert werkmap.sheetnames == ["Journaal"]
    blad = werkmap["Journaal"]
    rijen = [[cel.value for cel in rij] for rij in blad.iter_rows()]
    agb = aanbieder.agb_code
    uitvoering = rijen[1][12]
    assert rijen == [
        KOPREGEL,
        [
            "0363",
            "Amsterdam",
            2026,
            "wmo",
            "6.71",
            None,
            "73999999",
            "=Zorg & Co",
            "NL91ABNA0417164300",
            99.99,
            "BB-0363-000001",
            "BB-0363-000001-0001",
            uitvoering,
        ],
        [
            "0363",
            "Amsterdam",
            2026,
            "wmo",
            "6.71",
            None,
            agb,
            "Zorg Noord B.V.",
            "NL91ABNA0417164300",
            900,
            "BB-0363-000001",
            "BB-0363-000001-0002",
            uitvoering,
        ],
        [
            "0363",
            "Amsterdam",
            2027,
            "wmo",
            "6.71",
            "4711",
            agb,
            "Zorg Noord B.V.",
            "NL91ABNA0417164300",
            234.56,
            "BB-0363-000001",
            "BB-0363-000001-0002",
            uitvoering,
        ],
    ]
    assert uitvoering.date() == date(2026, 4, 10)
    # The name that looks like a formula is text, and amounts show two decimals.
    assert blad["H2"].data_type == "s"
    assert blad["J3"].number_format == "0.00"


def test_journaal_telt_op_tot_de_batch(batch):
    regels = betaalbestanden.journaalregels(batch=batch)
    assert sum(r.bedrag for r in regels) == batch.totaal_bedrag == D("1234.55")

"""The files of a payment batch: the SEPA credit transfer for the bank (pain.001) and the
journal for the municipal financial system (CSV and Excel).

**pain.001.** Written by the maintained ``sepaxml`` library, never by hand, and validated by
it against the ISO 20022 schema it ships before it is returned (an invalid file is refused
with ``pain001_ongeldig``, never handed out). Version ``pain.001.001.03``, the version of
the Dutch Betaalvereniging's implementation guidelines that every Dutch bank accepts;
:data:`PAIN001_SCHEMA` is the one place to move to ``pain.001.001.09``. One payment
information block (batch booking: one debit on the gemeente's statement) with one credit
transfer per provider, its net amount, the batch's requested execution date, the
end-to-end id of the payment and as remittance information the batch reference, the
gemeente and the provider's AGB code: nothing about a client, so no BSN. The message id is
the batch reference, so a bank refuses the same file when it is uploaded twice.

Only an approved (or paid) batch has a pain.001 (``batch_niet_goedgekeurd``): an unapproved
file must never reach the bank.

**Journal.** One line per provider and budget post with gemeente, jaar, wet, taakveld,
kostenplaats, AGB code, provider, IBAN, amount and batch reference
(:func:`financien.selectors.journaalregels`). CSV: UTF-8, semicolon separated (what Dutch
spreadsheet and ledger imports expect), amounts with a decimal point and two decimals.
Excel: the same columns, amounts as numbers formatted with two decimals, text cells always
stored as text (a name that starts with ``=`` never becomes a formula).
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sepaxml import SepaTransfer
from sepaxml.validation import ValidationError as SepaValidationError

from financien.constants import BetaalbatchStatus
from financien.models import Betaalbatch
from financien.selectors import Journaalregel, journaalregels
from kern.exceptions import DomeinFout
from kern.geld import VALUTA, euro_naar_eurocent

#: The pain.001 version written (and validated against).
PAIN001_SCHEMA = "pain.001.001.03"
PAIN001_SCHEMAS = ("pain.001.001.03", "pain.001.001.09")
MAX_OMSCHRIJVING = 140  # Ustrd

JOURNAAL_KOLOMMEN: tuple[tuple[str, int], ...] = (
    ("Gemeentecode", 13),
    ("Gemeente", 20),
    ("Jaar", 7),
    ("Wet", 6),
    ("Taakveld", 10),
    ("Kostenplaats", 14),
    ("AGB-code", 11),
    ("Zorgaanbieder", 36),
    ("IBAN", 22),
    ("Bedrag", 14),
    ("Batchreferentie", 20),
    ("Betalingskenmerk", 24),
    ("Uitvoeringsdatum", 16),
)


class _Overboekingen(SepaTransfer):
    """sepaxml's credit transfer with the batch's own message id and payment information
    id instead of random ones (the library writes and validates the rest)."""

    def __init__(self, config: dict[str, Any], *, schema: str, kenmerk: str) -> None:
        self._kenmerk = kenmerk
        super().__init__(config, schema=schema, clean=True)

    def _create_header(self) -> None:
        self.msg_id = self._kenmerk
        super()._create_header()

    def _finalize_batch(self) -> None:
        super()._finalize_batch()
        for volgnummer, node in enumerate(self._xml.iter("PmtInfId"), start=1):
            node.text = f"{self._kenmerk}-{volgnummer}"


def _omschrijving(batch: Betaalbatch, agb_code: str) -> str:
    return (
        f"Betaalbatch {batch.referentie} gemeente {batch.gemeente.naam} "
        f"zorgkosten Wmo/Jeugdwet AGB {agb_code}"
    )[:MAX_OMSCHRIJVING]


def pain001(batch: Betaalbatch, *, schema: str = PAIN001_SCHEMA) -> bytes:
    """The SEPA credit transfer file (pain.001) of an approved or paid batch, validated."""
    if batch.status not in (BetaalbatchStatus.GOEDGEKEURD, BetaalbatchStatus.BETAALD):
        raise DomeinFout(
            f"Betaalbatch {batch.referentie} is {BetaalbatchStatus(batch.status).label.lower()}: "
            "alleen van een goedgekeurde batch is er een betaalbestand.",
            code="batch_niet_goedgekeurd",
        )
    if schema not in PAIN001_SCHEMAS:
        raise ValueError(f"onbekend pain.001-schema {schema}")
    config: dict[str, Any] = {
        "name": batch.debiteur_naam,
        "IBAN": batch.debiteur_iban,
        "batch": True,
        "currency": VALUTA,
    }
    if batch.debiteur_bic:
        config["BIC"] = batch.debiteur_bic
    bestand = _Overboekingen(config, schema=schema, kenmerk=batch.referentie)
    for betaling in batch.betalingen.select_related("zorgaanbieder").order_by("eind_tot_eind_id"):
        bestand.add_payment(
            {
                "name": betaling.naam,
                "IBAN": betaling.iban,
                "amount": euro_naar_eurocent(betaling.bedrag),
                "execution_date": batch.uitvoeringsdatum,
                "description": _omschrijving(batch, betaling.zorgaanbieder.agb_code),
                "endtoend_id": betaling.eind_tot_eind_id,
            }
        )
    try:
        inhoud: bytes = bestand.export(validate=True)
    except SepaValidationError as fout:
        raise DomeinFout(
            f"Het betaalbestand van betaalbatch {batch.referentie} voldoet niet aan het "
            f"schema {schema}; controleer namen en rekeningnummers.",
            code="pain001_ongeldig",
        ) from fout
    return inhoud


def _bedrag_tekst(bedrag: Decimal) -> str:
    return f"{bedrag:.2f}"


def _rij(regel: Journaalregel) -> list[Any]:
    return [
        regel.gemeentecode,
        regel.gemeente,
        regel.jaar,
        regel.wet,
        regel.taakveld,
        regel.kostenplaats,
        regel.agb_code,
        regel.zorgaanbieder,
        regel.iban,
        regel.bedrag,
        regel.referentie,
        regel.eind_tot_eind_id,
        regel.uitvoeringsdatum,
    ]


def journaal_csv(batch: Betaalbatch) -> bytes:
    """The journal as CSV (UTF-8, ``;``, dates as YYYY-MM-DD, amounts like ``1250.00``)."""
    buffer = io.StringIO()
    schrijver = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    schrijver.writerow([kop for kop, _ in JOURNAAL_KOLOMMEN])
    for regel in journaalregels(batch=batch):
        rij = _rij(regel)
        rij[9] = _bedrag_tekst(regel.bedrag)
        rij[12] = regel.uitvoeringsdatum.isoformat()
        schrijver.writerow(rij)
    return buffer.getvalue().encode("utf-8")


def journaal_xlsx(batch: Betaalbatch) -> bytes:
    """The journal as an Excel workbook with one sheet, "Journaal"."""
    werkmap = Workbook()
    blad = werkmap.active
    blad.title = "Journaal"
    blad.append([kop for kop, _ in JOURNAAL_KOLOMMEN])
    for positie, (_, breedte) in enumerate(JOURNAAL_KOLOMMEN, start=1):
        blad.cell(row=1, column=positie).font = Font(bold=True)
        blad.column_dimensions[get_column_letter(positie)].width = breedte
    for rijnummer, regel in enumerate(journaalregels(batch=batch), start=2):
        for positie, waarde in enumerate(_rij(regel), start=1):
            cel = blad.cell(row=rijnummer, column=positie, value=waarde)
            if isinstance(waarde, str):
                cel.data_type = TYPE_STRING  # openpyxl reads a text starting "=" as a formula
            elif isinstance(waarde, Decimal):
                cel.number_format = "0.00"
            elif positie == len(JOURNAAL_KOLOMMEN):
                cel.number_format = "yyyy-mm-dd"
    blad.freeze_panes = "A2"
    buffer = io.BytesIO()
    werkmap.save(buffer)
    return buffer.getvalue()

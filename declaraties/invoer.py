"""The 323 model that the Excel and API channels build, in one place: whatever a declaration
came in as, it becomes the same ``Bericht323`` a parsed message gives."""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal

from iwmo_jw.codec import soort, xsd_versie
from iwmo_jw.codec.modellen import (
    Bericht323,
    BerichtIdentificatie,
    Client323,
    GeslotenPeriode,
    Header,
    TotaalBedragMetDC,
)
from iwmo_jw.codec.modellen import Declaratie as Declaratie323


def identificatie_van(voorvoegsel: str, sleutel: bytes) -> str:
    """A BerichtIdentificatie (max 12 characters) derived from what identifies a submission
    (a file's bytes, an API idempotency key), so a resubmission carries the same identity."""
    return voorvoegsel + hashlib.sha256(sleutel).hexdigest()[: 12 - len(voorvoegsel)].upper()


def bericht323(
    *,
    wet: str,
    agb_code: str,
    gemeentecode: str,
    identificatie: str,
    declaratienummer: str,
    periode_begin: date,
    periode_eind: date,
    dagtekening: date,
    clienten: tuple[Client323, ...],
) -> Bericht323:
    """A WMO323 or JW323 with the header a provider would have written; the
    TotaalIngediendBedrag is the signed sum of the prestaties (debits minus credits)."""
    gekozen = soort("WMO323" if wet == "wmo" else "JW323")
    totaal = Decimal(0)
    for client in clienten:
        for p in client.prestaties:
            bedrag = p.ingediend_bedrag.bedrag
            totaal += -bedrag if p.ingediend_bedrag.debet_credit == "C" else bedrag
    return Bericht323(
        soort=gekozen,
        header=Header(
            afzender=agb_code,
            ontvanger=gemeentecode,
            bericht_identificatie=BerichtIdentificatie(
                identificatie=identificatie, dagtekening=dagtekening
            ),
            xsd_versie=xsd_versie(gekozen),
        ),
        declaratie=Declaratie323(
            declaratie_nummer=declaratienummer,
            declaratie_periode=GeslotenPeriode(begindatum=periode_begin, einddatum=periode_eind),
            declaratie_dagtekening=dagtekening,
            totaal_ingediend_bedrag=TotaalBedragMetDC(
                totaal_bedrag=abs(totaal), debet_credit="C" if totaal < 0 else "D"
            ),
            clienten=clienten,
        ),
    )

"""Rules on the single Client of a 305, 307, 315 and 317: BSN and Geboortedatum.

The rule texts are those of the iJw 3.2 informatiemodel (constraints CS002 and CS139,
technische regels TR002 and TR134); they are the same in iWmo 3.2.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from iwmo_jw.codec.niveau2.basis import (
    Bevinding,
    bevinding,
    client_pad,
    datum,
    elfproef,
    jaren_terug,
    maskeer,
)

ONBEKENDE_GEBOORTEDATUM = date(1900, 1, 1)


def cs002_bsn_elfproef(bericht: Any) -> Iterator[Bevinding]:
    """CS002 (Client/Bsn): "De waarde moet voldoen aan de 11-proef." (305, 307, 315, 317)"""
    bsn = bericht.client.bsn
    if not elfproef(bsn):
        yield bevinding(
            "CS002",
            "Bsn",
            "Client",
            f"het BSN {maskeer(bsn)} voldoet niet aan de elfproef",
            client_pad(("Bsn", 0)),
        )


def cs139_datumgebruik(bericht: Any) -> Iterator[Bevinding]:
    """CS139 (Client/Geboortedatum): "Voor Geboortedatum geldt dat DatumGebruik en Datum met
    elkaar in overeenstemming moeten zijn." Read as the official XSLT of the same rule in iWlz
    (TR097) does: DatumGebruik 1 (dag onbekend) needs day 01, 2 (dag en maand onbekend) needs
    01-01, 3 (onbekend) needs 01-01-1900. (305, 307, 315)"""
    geboortedatum = bericht.client.geboortedatum
    dag, gebruik = geboortedatum.datum, geboortedatum.datum_gebruik
    eis = {
        "1": (dag.day == 1, "dag 01 (DatumGebruik 1: dag onbekend)"),
        "2": (dag.day == 1 and dag.month == 1, "01-01 (DatumGebruik 2: dag en maand onbekend)"),
        "3": (dag == ONBEKENDE_GEBOORTEDATUM, "01-01-1900 (DatumGebruik 3: datum onbekend)"),
    }.get(gebruik or "")
    if eis is not None and not eis[0]:
        yield bevinding(
            "CS139",
            "Datum",
            "Client, Geboortedatum",
            f"Datum {datum(dag)} past niet bij DatumGebruik {gebruik}; verwacht {eis[1]}",
            client_pad(("Geboortedatum", 0), ("Datum", 0)),
        )


def tr002_geboortedatum_max_120_jaar(bericht: Any) -> Iterator[Bevinding]:
    """TR002 (Client/Geboortedatum): "Geboortedatum mag niet meer dan 120 jaar voor de
    Dagtekening liggen, tenzij Geboortedatum onbekend is." Unknown: DatumGebruik 3 and Datum
    01-01-1900. (305, 307, 315)"""
    geboortedatum = bericht.client.geboortedatum
    dag = geboortedatum.datum
    if geboortedatum.datum_gebruik == "3" and dag == ONBEKENDE_GEBOORTEDATUM:
        return
    dagtekening = bericht.header.dagtekening
    if dag < jaren_terug(dagtekening, 120):
        yield bevinding(
            "TR002",
            "Datum",
            "Client, Geboortedatum",
            f"{datum(dag)} ligt meer dan 120 jaar voor de Dagtekening {datum(dagtekening)}",
            client_pad(("Geboortedatum", 0), ("Datum", 0)),
        )


def tr134_geboortedatum(bericht: Any) -> Iterator[Bevinding]:
    """TR134 (Client/Geboortedatum): "Vullen met een bestaande datum die niet groter is dan de
    Dagtekening van het bericht." (305, 307, 315)"""
    dag = bericht.client.geboortedatum.datum
    dagtekening = bericht.header.dagtekening
    if dag > dagtekening:
        yield bevinding(
            "TR134",
            "Datum",
            "Client, Geboortedatum",
            f"{datum(dag)} ligt na de Dagtekening van het bericht ({datum(dagtekening)})",
            client_pad(("Geboortedatum", 0), ("Datum", 0)),
        )

"""Every write of the berichtenbox: receiving, routing and processing inbound messages
(:mod:`.ontvangen`, :mod:`.beoordelen`), storing and exporting outbound ones
(:mod:`.uitgaand`), and the deadlines between them (:mod:`.termijnen`). Callers import from
here."""

from iwmo_jw.services.ontvangen import (
    ONDERBROKEN_NA,
    PARTIJ_BERICHTEN,
    Aanlevering,
    Ontvangst,
    Verwerkingsoverzicht,
    bericht_ontvangen,
    bericht_opnieuw_aanbieden,
    bericht_verwerken,
    berichten_ontvangen,
    berichten_verwerken,
)
from iwmo_jw.services.termijnen import (
    termijn_laten_vervallen,
    verlopen_termijnen_signaleren,
    vervolgtermijn_openen,
)
from iwmo_jw.services.uitgaand import (
    Export,
    Uitgaand,
    bericht_uitgaand_vastleggen,
    bericht_uitgaand_verzonden,
    berichten_uitgaand_vastleggen,
    exportbestandsnaam,
    uitgaande_berichten_exporteren,
)

__all__ = [
    "ONDERBROKEN_NA",
    "PARTIJ_BERICHTEN",
    "Aanlevering",
    "Export",
    "Ontvangst",
    "Uitgaand",
    "Verwerkingsoverzicht",
    "bericht_ontvangen",
    "bericht_opnieuw_aanbieden",
    "bericht_uitgaand_vastleggen",
    "bericht_uitgaand_verzonden",
    "bericht_verwerken",
    "berichten_ontvangen",
    "berichten_uitgaand_vastleggen",
    "berichten_verwerken",
    "exportbestandsnaam",
    "termijn_laten_vervallen",
    "uitgaande_berichten_exporteren",
    "verlopen_termijnen_signaleren",
    "vervolgtermijn_openen",
]

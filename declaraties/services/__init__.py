"""Every write of declaraties: intake through the three channels (:mod:`.intake`), the
review of held prestaties (:mod:`.beoordelen`) and the gemeente's settings
(:mod:`.instellingen`). Callers import from here."""

from declaraties.services.beoordelen import (
    prestatie_afwijzing_bevestigen,
    prestatie_beoordelen,
)
from declaraties.services.betaalstatus import betaalstatussen_bijwerken
from declaraties.services.instellingen import beoordelingsinstelling_vastleggen, regel_instellen
from declaraties.services.intake import (
    ANTWOORDTERMIJN_WERKDAGEN,
    Declaratiepartij,
    Verwerking,
    declaratie_api_indienen,
    declaratie_bericht_verwerken,
    declaratie_excel_indienen,
)

__all__ = [
    "ANTWOORDTERMIJN_WERKDAGEN",
    "Declaratiepartij",
    "Verwerking",
    "beoordelingsinstelling_vastleggen",
    "betaalstatussen_bijwerken",
    "declaratie_api_indienen",
    "declaratie_bericht_verwerken",
    "declaratie_excel_indienen",
    "prestatie_afwijzing_bevestigen",
    "prestatie_beoordelen",
    "regel_instellen",
]

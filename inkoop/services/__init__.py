"""Every write of inkoop: procurement (:mod:`.inkooptrajecten`), submissions and admissions
(:mod:`.inschrijvingen`), capacity, waiting times and clientstops (:mod:`.capaciteit`), and
clients with their toewijzingen and the 301 (:mod:`.toewijzingen`), verzoeken (315/317,
:mod:`.verzoeken`) and the regisseur's decisions on them (:mod:`.verzoekbesluiten`), and
start and stop zorg (305/307, :mod:`.regiemeldingen`). Callers import from here."""

from inkoop.services.capaciteit import (
    capaciteit_bijwerken,
    clientstop_aanvragen,
    clientstop_beoordelen,
    clientstop_opheffen,
)
from inkoop.services.inkooptrajecten import (
    inkooptraject_aanmaken,
    inkooptraject_status_wijzigen,
    inkooptraject_wijzigen,
    perceel_aanmaken,
    perceel_product_toevoegen,
)
from inkoop.services.inschrijvingen import (
    contractnummer,
    inschrijving_beoordelen,
    inschrijving_indienen,
)
from inkoop.services.regiemeldingen import regiemeldingen_ontvangen
from inkoop.services.toewijzingen import (
    TOEWIJZING_ROLLEN,
    client_vastleggen,
    toewijzing_intrekken,
    toewijzing_verstrekken,
    toewijzing_verwijderen,
    toewijzing_wijzigen,
    toewijzingen_versturen,
)
from inkoop.services.verzoekbesluiten import (
    verzoek_afwijzen,
    verzoek_in_onderzoek,
    verzoek_toekennen,
)
from inkoop.services.verzoeken import (
    verzoek_om_toewijzing_ontvangen,
    verzoek_om_wijziging_ontvangen,
)

__all__ = [
    "TOEWIJZING_ROLLEN",
    "capaciteit_bijwerken",
    "client_vastleggen",
    "clientstop_aanvragen",
    "clientstop_beoordelen",
    "clientstop_opheffen",
    "contractnummer",
    "inkooptraject_aanmaken",
    "inkooptraject_status_wijzigen",
    "inkooptraject_wijzigen",
    "inschrijving_beoordelen",
    "inschrijving_indienen",
    "perceel_aanmaken",
    "perceel_product_toevoegen",
    "regiemeldingen_ontvangen",
    "toewijzing_intrekken",
    "toewijzing_verstrekken",
    "toewijzing_verwijderen",
    "toewijzing_wijzigen",
    "toewijzingen_versturen",
    "verzoek_afwijzen",
    "verzoek_in_onderzoek",
    "verzoek_om_toewijzing_ontvangen",
    "verzoek_om_wijziging_ontvangen",
    "verzoek_toekennen",
]

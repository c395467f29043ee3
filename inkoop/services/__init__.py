"""Every write of inkoop: procurement (:mod:`.inkooptrajecten`), submissions and admissions
(:mod:`.inschrijvingen`), and capacity, waiting times and clientstops (:mod:`.capaciteit`).
Callers import from here."""

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

__all__ = [
    "capaciteit_bijwerken",
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
]

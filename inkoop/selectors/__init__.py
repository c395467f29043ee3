"""Every scoped read of inkoop: procurement (:mod:`.inkooptrajecten`), capacity and
clientstops (:mod:`.capaciteit`) and the provider search (:mod:`.zoeken`). Callers import
from here."""

from inkoop.selectors.capaciteit import (
    alleen_actuele_meldingen,
    capaciteitsmelding_ophalen,
    capaciteitsmeldingen_zichtbaar,
    clientstop_ophalen,
    clientstop_statuswijzigingen,
    clientstops_zichtbaar,
)
from inkoop.selectors.inkooptrajecten import (
    inkooptraject_ophalen,
    inkooptrajecten_zichtbaar,
    inschrijving_ophalen,
    inschrijvingen_zichtbaar,
    perceel_ophalen,
    percelen_zichtbaar,
    statuswijzigingen_van,
)
from inkoop.selectors.zoeken import aanbieders_zoeken

__all__ = [
    "aanbieders_zoeken",
    "alleen_actuele_meldingen",
    "capaciteitsmelding_ophalen",
    "capaciteitsmeldingen_zichtbaar",
    "clientstop_ophalen",
    "clientstop_statuswijzigingen",
    "clientstops_zichtbaar",
    "inkooptraject_ophalen",
    "inkooptrajecten_zichtbaar",
    "inschrijving_ophalen",
    "inschrijvingen_zichtbaar",
    "perceel_ophalen",
    "percelen_zichtbaar",
    "statuswijzigingen_van",
]

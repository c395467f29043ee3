"""Every scoped read of inkoop: procurement (:mod:`.inkooptrajecten`), capacity and
clientstops (:mod:`.capaciteit`), the provider search (:mod:`.zoeken`) and clients with their
toewijzingen (:mod:`.toewijzingen`), verzoeken and start/stop meldingen (:mod:`.verzoeken`);
the SLA figures are in :mod:`.sla` (it reads the services' norms). Callers import from
here."""

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
from inkoop.selectors.toewijzingen import (
    ToewijzingReservering,
    client_ophalen,
    client_zoeken,
    clienten_zichtbaar,
    toewijzing_ophalen,
    toewijzing_reserveringen,
    toewijzing_wijzigingen,
    toewijzingen_bij_te_stellen,
    toewijzingen_zichtbaar,
)
from inkoop.selectors.verzoeken import (
    Werkvoorraadregel,
    regiemelding_ophalen,
    regiemeldingen_zichtbaar,
    verzoek_ophalen,
    verzoek_statuswijzigingen,
    verzoeken_zichtbaar,
    werkdagen_over,
    werkvoorraad,
)
from inkoop.selectors.zoeken import aanbieders_zoeken

__all__ = [
    "ToewijzingReservering",
    "Werkvoorraadregel",
    "aanbieders_zoeken",
    "alleen_actuele_meldingen",
    "capaciteitsmelding_ophalen",
    "capaciteitsmeldingen_zichtbaar",
    "client_ophalen",
    "client_zoeken",
    "clienten_zichtbaar",
    "clientstop_ophalen",
    "clientstop_statuswijzigingen",
    "clientstops_zichtbaar",
    "inkooptraject_ophalen",
    "inkooptrajecten_zichtbaar",
    "inschrijving_ophalen",
    "inschrijvingen_zichtbaar",
    "perceel_ophalen",
    "percelen_zichtbaar",
    "regiemelding_ophalen",
    "regiemeldingen_zichtbaar",
    "statuswijzigingen_van",
    "toewijzing_ophalen",
    "toewijzing_reserveringen",
    "toewijzing_wijzigingen",
    "toewijzingen_bij_te_stellen",
    "toewijzingen_zichtbaar",
    "verzoek_ophalen",
    "verzoek_statuswijzigingen",
    "verzoeken_zichtbaar",
    "werkdagen_over",
    "werkvoorraad",
]

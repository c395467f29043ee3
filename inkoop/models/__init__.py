from inkoop.models.capaciteit import Capaciteitsmelding, Clientstop, ClientstopStatusWijziging
from inkoop.models.inkooptraject import (
    Inkooptraject,
    InkooptrajectStatusWijziging,
    Inschrijving,
    InschrijvingTarief,
    Perceel,
    PerceelProduct,
)
from inkoop.models.toewijzing import Client, Toewijzing, Toewijzingnummering, ToewijzingWijziging
from inkoop.models.verzoek import (
    Regiemelding,
    Verzoek,
    VerzoekReferentie,
    VerzoekStatusWijziging,
)

__all__ = [
    "Capaciteitsmelding",
    "Client",
    "Clientstop",
    "ClientstopStatusWijziging",
    "Inkooptraject",
    "InkooptrajectStatusWijziging",
    "Inschrijving",
    "InschrijvingTarief",
    "Perceel",
    "PerceelProduct",
    "Regiemelding",
    "Toewijzing",
    "ToewijzingWijziging",
    "Toewijzingnummering",
    "Verzoek",
    "VerzoekReferentie",
    "VerzoekStatusWijziging",
]

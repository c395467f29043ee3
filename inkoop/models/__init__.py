from inkoop.models.capaciteit import Capaciteitsmelding, Clientstop, ClientstopStatusWijziging
from inkoop.models.inkooptraject import (
    Inkooptraject,
    InkooptrajectStatusWijziging,
    Inschrijving,
    InschrijvingTarief,
    Perceel,
    PerceelProduct,
)

__all__ = [
    "Capaciteitsmelding",
    "Clientstop",
    "ClientstopStatusWijziging",
    "Inkooptraject",
    "InkooptrajectStatusWijziging",
    "Inschrijving",
    "InschrijvingTarief",
    "Perceel",
    "PerceelProduct",
]

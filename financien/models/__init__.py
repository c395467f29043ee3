from financien.models.betaalbatch import (
    Betaalbatch,
    Betaalbatchbetaling,
    Betaalbatchregel,
    BetaalbatchStatusWijziging,
    Betaalrekening,
)
from financien.models.budget import (
    Begrotingsjaar,
    Begrotingswijziging,
    Budgetpost,
    BudgetpostToewijzingsregel,
)
from financien.models.grootboek import Boeking, Boekingsregel, Rekening
from financien.models.prognose import Instroomsom, Prognosesom, Prognosestand
from financien.models.reservering import (
    Reservering,
    Reserveringsmutatie,
    Reserveringsperiode,
)
from financien.models.signalering import Signalering, Signaleringsdrempel

__all__ = [
    "Begrotingsjaar",
    "Begrotingswijziging",
    "Betaalbatch",
    "BetaalbatchStatusWijziging",
    "Betaalbatchbetaling",
    "Betaalbatchregel",
    "Betaalrekening",
    "Boeking",
    "Boekingsregel",
    "Budgetpost",
    "BudgetpostToewijzingsregel",
    "Instroomsom",
    "Prognosesom",
    "Prognosestand",
    "Rekening",
    "Reservering",
    "Reserveringsmutatie",
    "Reserveringsperiode",
    "Signalering",
    "Signaleringsdrempel",
]

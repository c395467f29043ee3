from financien.models.budget import (
    Begrotingsjaar,
    Begrotingswijziging,
    Budgetpost,
    BudgetpostToewijzingsregel,
)
from financien.models.grootboek import Boeking, Boekingsregel, Rekening
from financien.models.reservering import Reservering

__all__ = [
    "Begrotingsjaar",
    "Begrotingswijziging",
    "Boeking",
    "Boekingsregel",
    "Budgetpost",
    "BudgetpostToewijzingsregel",
    "Rekening",
    "Reservering",
]

from contracten.models.bestedingsruimte import Bestedingsruimte
from contracten.models.contract import Contract, ContractStatusWijziging, ContractVersie
from contracten.models.product import Product, Productcategorie
from contracten.models.sla import SlaNorm
from contracten.models.tarief import Tariefperiode
from contracten.models.zorgaanbieder import Zorgaanbieder, ZorgaanbiederGebruiker

__all__ = [
    "Bestedingsruimte",
    "Contract",
    "ContractStatusWijziging",
    "ContractVersie",
    "Product",
    "Productcategorie",
    "SlaNorm",
    "Tariefperiode",
    "Zorgaanbieder",
    "ZorgaanbiederGebruiker",
]

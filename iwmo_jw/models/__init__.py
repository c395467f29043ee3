from iwmo_jw.models.inkomend import InkomendBericht, InkomendBerichtStatusWijziging
from iwmo_jw.models.termijn import Termijn
from iwmo_jw.models.uitgaand import UitgaandBericht, UitgaandBerichtStatusWijziging

__all__ = [
    "InkomendBericht",
    "InkomendBerichtStatusWijziging",
    "Termijn",
    "UitgaandBericht",
    "UitgaandBerichtStatusWijziging",
]

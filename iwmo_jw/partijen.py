"""Who is who in a message header, seen from the gemeente: the actual sender and receiver,
the message's own identification, the gemeente side and the zorgaanbieder side.

A retour message (302, 306, ...) copies the header of the message it answers and adds its
own ``IdentificatieRetour``. Its actual sender is therefore the *Ontvanger* in its header,
and its own identification is ``IdentificatieRetour``. Pure: no database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from iwmo_jw.codec import BerichtSoort, Kop
from iwmo_jw.constants import HEEN_VAN_GEMEENTE, INKOMENDE_BERICHTTYPEN

RETOUR_OP = {"302": "301", "306": "305", "308": "307", "316": "315", "318": "317", "320": "319"}

_GEMEENTECODE = re.compile(r"^[0-9]{4}$")
_AGB_CODE = re.compile(r"^[0-9]{8}$")


@dataclass(frozen=True, slots=True)
class Partijen:
    afzender: str  # who actually sent this message
    ontvanger: str
    identificatie: str  # this message's own id (IdentificatieRetour for a retour)
    identificatie_heen: str  # for a retour: the id of the answered message; else ""
    gemeentecode: str  # the gemeente side of the exchange (as written in the header)
    agb_code: str  # the zorgaanbieder side


def heen_type(soort: BerichtSoort) -> str:
    """The message type that starts the exchange (``301`` for a 302, else itself)."""
    return RETOUR_OP.get(soort.berichttype, soort.berichttype)


def is_inkomend(soort: BerichtSoort) -> bool:
    """True for types a gemeente receives; False for those it sends."""
    return soort.berichttype in INKOMENDE_BERICHTTYPEN


def partijen(kop: Kop) -> Partijen:
    gemeente_in_afzender = heen_type(kop.soort) in HEEN_VAN_GEMEENTE
    if kop.soort.is_retour:
        afzender, ontvanger = kop.ontvanger, kop.afzender
        identificatie, heen = kop.identificatie_retour or "", kop.identificatie
    else:
        afzender, ontvanger = kop.afzender, kop.ontvanger
        identificatie, heen = kop.identificatie, ""
    return Partijen(
        afzender=afzender,
        ontvanger=ontvanger,
        identificatie=identificatie,
        identificatie_heen=heen,
        gemeentecode=kop.afzender if gemeente_in_afzender else kop.ontvanger,
        agb_code=kop.ontvanger if gemeente_in_afzender else kop.afzender,
    )


def is_gemeentecode(waarde: str) -> bool:
    return bool(_GEMEENTECODE.match(waarde))


def is_agb_code(waarde: str) -> bool:
    return bool(_AGB_CODE.match(waarde))

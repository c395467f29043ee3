"""The 28 message types of iWmo 3.2 and iJw 3.2: namespace, BerichtCode and name."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Standaard(enum.StrEnum):
    IWMO = "iwmo"
    IJW = "ijw"


#: Supported release per standard, as it appears in the namespace (``3_2``).
RELEASE = "3_2"

BERICHTTYPEN = (
    "301",
    "302",
    "305",
    "306",
    "307",
    "308",
    "315",
    "316",
    "317",
    "318",
    "319",
    "320",
    "323",
    "325",
)

_BERICHTCODES: dict[Standaard, dict[str, int]] = {
    Standaard.IWMO: dict(
        zip(
            BERICHTTYPEN,
            (414, 415, 418, 419, 420, 421, 444, 445, 480, 481, 482, 483, 484, 485),
            strict=True,
        )
    ),
    Standaard.IJW: dict(
        zip(
            BERICHTTYPEN,
            (436, 437, 438, 439, 440, 441, 446, 447, 486, 487, 488, 489, 490, 491),
            strict=True,
        )
    ),
}

#: For each retour message, the message it answers (the "heen" message).
RETOUR_OP = {"302": "301", "306": "305", "308": "307", "316": "315", "318": "317", "320": "319"}


@dataclass(frozen=True, slots=True)
class BerichtSoort:
    standaard: Standaard
    berichttype: str  # "301"
    berichtcode: int  # 414

    @property
    def prefix(self) -> str:
        return "wmo" if self.standaard is Standaard.IWMO else "jw"

    @property
    def naam(self) -> str:
        """``WMO301`` / ``JW301``."""
        return f"{self.prefix.upper()}{self.berichttype}"

    @property
    def namespace(self) -> str:
        return f"http://www.istandaarden.nl/{self.standaard.value}/{RELEASE}/{self.prefix}{self.berichttype}/schema"

    @property
    def basis_namespace(self) -> str:
        return f"http://www.istandaarden.nl/{self.standaard.value}/{RELEASE}/basisschema/schema"

    @property
    def is_retour(self) -> bool:
        return self.berichttype in RETOUR_OP


SOORTEN: tuple[BerichtSoort, ...] = tuple(
    BerichtSoort(standaard, berichttype, code)
    for standaard, codes in _BERICHTCODES.items()
    for berichttype, code in codes.items()
)

_OP_NAMESPACE = {s.namespace: s for s in SOORTEN}
_OP_CODE = {s.berichtcode: s for s in SOORTEN}
_OP_NAAM = {s.naam: s for s in SOORTEN}


def soort_voor_namespace(namespace: str) -> BerichtSoort | None:
    return _OP_NAMESPACE.get(namespace)


def soort_voor_code(berichtcode: int) -> BerichtSoort | None:
    return _OP_CODE.get(berichtcode)


def soort(naam: str) -> BerichtSoort:
    """``soort("JW323")``."""
    return _OP_NAAM[naam.upper()]

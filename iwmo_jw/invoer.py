"""Reading an input (bytes, a binary stream or a file) without ever holding more than the
size limit in memory: over the limit only the first part is kept, while the size and the
sha256 always cover the whole input."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from django.conf import settings

from iwmo_jw.codec import STANDAARD_MAX_GROOTTE, Melding
from iwmo_jw.constants import BEWAARD_BIJ_TE_GROOT

_BLOK = 1024 * 1024


def max_grootte() -> int:
    """The size limit of one message (setting ``IWMO_JW_MAX_BERICHT_GROOTTE``)."""
    return int(getattr(settings, "IWMO_JW_MAX_BERICHT_GROOTTE", STANDAARD_MAX_GROOTTE))


@dataclass(frozen=True, slots=True)
class Invoer:
    #: The whole input, or None when it is larger than the limit.
    data: bytes | None
    #: What is kept: the whole input, or its first ``BEWAARD_BIJ_TE_GROOT`` bytes.
    bewaard: bytes
    sha256: str
    grootte: int
    grens: int

    @property
    def te_groot(self) -> bool:
        return self.data is None

    def te_groot_melding(self) -> Melding:
        return Melding(
            regel="XML",
            code="te_groot",
            melding=(
                f"Het bericht is {getal(self.grootte)} bytes; de grens is {getal(self.grens)} "
                f"bytes. Alleen de eerste {getal(len(self.bewaard))} bytes zijn bewaard; "
                "grootte en sha256 gelden voor het hele bestand."
            ),
        )


def getal(waarde: int) -> str:
    return f"{waarde:,}".replace(",", ".")


def lees_begrensd(bron: bytes | bytearray | memoryview | BinaryIO | Path, *, grens: int) -> Invoer:
    """Read ``bron`` up to ``grens`` bytes; beyond that keep hashing but stop keeping."""
    if isinstance(bron, Path):
        with bron.open("rb") as stroom:
            return lees_begrensd(stroom, grens=grens)
    if isinstance(bron, bytes | bytearray | memoryview):
        data = bytes(bron)
        if len(data) <= grens:
            return Invoer(data, data, hashlib.sha256(data).hexdigest(), len(data), grens)
        return Invoer(
            None, data[:BEWAARD_BIJ_TE_GROOT], hashlib.sha256(data).hexdigest(), len(data), grens
        )
    hasher = hashlib.sha256()
    delen: list[bytes] = []
    grootte = 0
    te_groot = False
    while True:
        blok = bron.read(_BLOK)
        if not blok:
            break
        hasher.update(blok)
        grootte += len(blok)
        if not te_groot:
            delen.append(blok)
            if grootte > grens:
                te_groot = True
                begin = b"".join(delen)[:BEWAARD_BIJ_TE_GROOT]
                delen = [begin]
    inhoud = b"".join(delen)
    if te_groot:
        return Invoer(None, inhoud[:BEWAARD_BIJ_TE_GROOT], hasher.hexdigest(), grootte, grens)
    return Invoer(inhoud, inhoud, hasher.hexdigest(), grootte, grens)

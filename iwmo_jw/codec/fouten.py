"""Findings and errors of the codec. Every finding names the rule, a stable code, a Dutch
message, and where it was found (line number and element) when known."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from iwmo_jw.codec.kop import Kop
    from iwmo_jw.codec.velden import Bericht


@dataclass(frozen=True, slots=True)
class Melding:
    """One finding.

    ``regel``: the rule that failed: ``XML`` (not well-formed / refused by the hardened
    parser), ``XSD`` (level 1), or the standard's rule id (``CS002``, ``TR358``, ...).
    ``code``: for level 2 the retourcode the standard prescribes (``0001``); otherwise a stable
    snake_case code (``xml_onleesbaar``, ``doctype_verboden``, ``xsd_ongeldig``, ...).
    """

    regel: str
    code: str
    melding: str
    regelnummer: int | None = None
    element: str | None = None


class CodecFout(Exception):
    """The input cannot be read as a supported message. ``niveau`` is 1 for everything that
    fails before or during schema validation (no 325 answer; a clear error instead)."""

    def __init__(
        self, code: str, melding: str, *, meldingen: list[Melding] | None = None, niveau: int = 1
    ) -> None:
        super().__init__(melding)
        self.code = code
        self.melding = melding
        self.niveau = niveau
        self.meldingen = meldingen or [Melding(regel="XML", code=code, melding=melding)]

    def __str__(self) -> str:
        return self.melding


@dataclass
class Validatieresultaat:
    """The outcome of checking one message at levels 1 and 2."""

    geldig: bool
    niveau: int | None  # the level that failed (1 or 2), None when valid
    standaard: str | None = None  # "iwmo" / "ijw"
    berichtcode: int | None = None  # 414, 436, ...
    berichttype: str | None = None  # "301", "323", ...
    fouten: list[Melding] = field(default_factory=list)
    bericht: Bericht | None = None  # the parsed message when level 1 passed
    #: The header fields when the message was recognised and they could be read (also when
    #: the XSD failed), from the same parse.
    kop: Kop | None = None

"""The Dutch texts of the retourcodes: every code the 323 assessment and its 325 can give has
one, in both standards, read from the shipped copy of the standard's code list."""

from __future__ import annotations

import pytest

from declaraties.antwoord import GEEN_OPMERKING, TECHNISCH_AFGEKEURD, VOLLEDIG_TOEGEKEND
from declaraties.regels import NIET_BEOORDEELD, RETOURCODES
from declaraties.retourcodes import omschrijving, retourcodes
from iwmo_jw.codec import Standaard


@pytest.mark.parametrize("standaard", list(Standaard))
def test_every_code_used_has_a_text(standaard: Standaard) -> None:
    gebruikt = RETOURCODES | {
        GEEN_OPMERKING,
        TECHNISCH_AFGEKEURD,
        VOLLEDIG_TOEGEKEND,
        NIET_BEOORDEELD,
    }
    lijst = retourcodes(standaard)
    assert len(lijst) == 59
    assert gebruikt <= set(lijst)
    assert all(lijst[code] for code in gebruikt)


def test_texts() -> None:
    assert omschrijving("8001") == "Declaratie is volledig toegewezen."
    assert omschrijving("0611", Standaard.IJW) == (
        "Het ingediende tarief komt niet overeen met het contractuele tarief"
    )
    assert omschrijving("9384") == 'Declaratie op toewijzing met RedenWijziging "13" (Verwijderd)'
    # The standards differ in a few texts of codes a 323 never gets.
    assert omschrijving("9360", Standaard.IWMO) != omschrijving("9360", Standaard.IJW)
    with pytest.raises(KeyError):
        omschrijving("9999")

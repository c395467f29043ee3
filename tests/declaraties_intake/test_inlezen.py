"""`manage.py bericht_inlezen` on 323 files: the official JW323 example and a generated one
each get a 325 in the outbox, valid against the XSD, with the codes the rules give."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from declaraties.models import Declaratie
from iwmo_jw.codec import parse, valideer
from tests.declaraties_intake.test_verwerken import SEPTEMBER
from tests.factories import ZorgaanbiederFactory, gemeente

VOORBEELD = (
    Path(__file__).resolve().parents[3] / "shared/istandaarden/voorbeeldberichten/ijw-3.2/JW323.xml"
)


def _inlezen(*paden: Path) -> str:
    uit = StringIO()
    call_command("bericht_inlezen", *[str(p) for p in paden], stdout=uit)
    return uit.getvalue()


@pytest.mark.skipif(not VOORBEELD.exists(), reason="../shared is not beside the repository")
def test_the_official_jw323_example_is_answered_with_0001(db):
    ontvanger = gemeente("0384")
    ontvanger.aangesloten = True
    ontvanger.save(update_fields=["aangesloten"])
    ZorgaanbiederFactory(agb_code="65656055")
    _inlezen(VOORBEELD)
    declaratie = Declaratie.objects.get()
    assert declaratie.retourcode == "0001"
    data = bytes(declaratie.antwoord.inhoud)
    assert valideer(data).geldig
    assert parse(data).header.retour_codes == ("0001",)


def test_a_generated_323_file_is_answered_with_the_rules_codes(ds, tmp_path):
    bestand = tmp_path / "oktober.xml"
    bestand.write_bytes(
        ds.xml([ds.prestatie("R1", uren=10), ds.prestatie("R2", uren=50, periode=SEPTEMBER)])
    )
    uitvoer = _inlezen(bestand)
    assert "oktober.xml" in uitvoer
    declaratie = Declaratie.objects.get()
    data = bytes(declaratie.antwoord.inhoud)
    assert valideer(data).geldig
    antwoord = parse(data).declaratie_antwoord
    assert [
        (p.product_referentie.referentie_nummer, p.retour_codes)
        for p in antwoord.clienten[0].prestaties
    ] == [("R2", ("9321",))]

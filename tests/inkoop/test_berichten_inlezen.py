"""``manage.py bericht_inlezen`` on a folder with a 315, a 317, a 305 and a 307: each gets its
retour in the outbox; once the regisseur decided, the 301 (granted) and the 319 (refused)
follow, and ``bericht_exporteren`` writes all six as files."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command

from inkoop import services
from inkoop.models import Regiemelding, Verzoek
from iwmo_jw.codec import valideer
from iwmo_jw.constants import BerichtStatus
from iwmo_jw.models import InkomendBericht, UitgaandBericht
from tests.inkoop.verzoek_hulp import (
    BSN_2,
    Scene,
    aangevraagd,
    nieuw_product,
    scene_maken,
    start,
    start_product,
    stop,
    stop_product,
    toewijzing_maken,
    vandaag,
    vot,
    vow,
)


@pytest.fixture
def s(db) -> Scene:
    return scene_maken()


def test_inlezen_geeft_retouren_en_na_besluit_de_301_en_319(s, tmp_path: Path):
    t = toewijzing_maken(
        s, ingangsdatum=vandaag() - timedelta(days=30), einddatum=vandaag() + timedelta(days=60)
    )
    begin = vandaag() - timedelta(days=10)
    berichten = {
        "1_WMO315.xml": vot(aangevraagd("INL-1"), bsn=BSN_2, identificatie="INL315"),
        "2_WMO317.xml": vow(
            referentie="INL-2",
            ongewijzigd=(t.nummer,),
            nieuw=(nieuw_product(code="02A02"),),
            identificatie="INL317",
        ),
        "3_WMO305.xml": start(start_product(t.nummer, begin), identificatie="INL305"),
        "4_WMO307.xml": stop(
            stop_product(t.nummer, begin, vandaag() - timedelta(days=1)), identificatie="INL307"
        ),
    }
    for naam, data in berichten.items():
        (tmp_path / naam).write_bytes(data)
    uit = io.StringIO()
    call_command("bericht_inlezen", str(tmp_path), stdout=uit)
    tekst = uit.getvalue()
    for naam, heen, antwoord in (
        ("1_WMO315.xml", "WMO315 INL315", "WMO316"),
        ("2_WMO317.xml", "WMO317 INL317", "WMO318"),
        ("3_WMO305.xml", "WMO305 INL305", "WMO306"),
        ("4_WMO307.xml", "WMO307 INL307", "WMO308"),
    ):
        assert f"{naam}: {heen} — verwerkt (geldig)" in tekst
        assert f"  antwoord {antwoord} " in tekst
    assert set(InkomendBericht.objects.values_list("status", flat=True)) == {BerichtStatus.VERWERKT}
    assert sorted(UitgaandBericht.objects.values_list("berichttype", flat=True)) == [
        "301",  # the toewijzing of the scene
        "306",
        "308",
        "316",
        "318",
    ]
    assert Regiemelding.objects.count() == 2
    # The regisseur decides: the 315 is granted, the 317 refused.
    vot_verzoek = Verzoek.objects.get(soort="vot")
    vow_verzoek = Verzoek.objects.get(soort="vow")
    services.verzoek_toekennen(door=s.regisseur, verzoek=vot_verzoek)
    services.verzoek_afwijzen(door=s.regisseur, verzoek=vow_verzoek, reden_afwijzing="4")
    assert vot_verzoek.bericht.antwoorden.filter(berichttype="301").count() == 1
    assert vow_verzoek.bericht.antwoorden.filter(berichttype="319").count() == 1
    # Everything in the outbox validates and is exported as a file.
    doel = tmp_path / "uit"
    call_command("bericht_exporteren", "--map", str(doel), stdout=io.StringIO())
    bestanden = sorted(p.name[:6] for p in doel.iterdir())
    assert bestanden == ["WMO301", "WMO301", "WMO306", "WMO308", "WMO316", "WMO318", "WMO319"]
    for pad in doel.iterdir():
        assert valideer(pad.read_bytes()).geldig, pad.name

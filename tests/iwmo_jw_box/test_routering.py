"""Routing accepted messages to registered handlers; waiting without one; picking up later."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from iwmo_jw import services
from iwmo_jw.codec import soort
from iwmo_jw.constants import BerichtStatus
from iwmo_jw.models import InkomendBericht, UitgaandBericht
from iwmo_jw.routering import geregistreerd, handler_voor, register_handler, unregister_handler
from iwmo_jw.services import (
    beoordelen,
    bericht_ontvangen,
    bericht_opnieuw_aanbieden,
    bericht_uitgaand_vastleggen,
    berichten_verwerken,
)
from kern.exceptions import DomeinFout
from tests.iwmo_jw_box.conftest import moment, voorbeeld

pytestmark = pytest.mark.django_db


class Verwerker:
    """A handler that answers a 323 with the official JW325 and records its calls."""

    def __init__(self, *, fout: BaseException | None = None) -> None:
        self.aanroepen: list[tuple[int, bool, str | None]] = []
        self.fout = fout

    def __call__(self, bericht: InkomendBericht, resultaat) -> None:
        self.aanroepen.append((bericht.pk, resultaat.geldig, resultaat.berichttype))
        bericht_uitgaand_vastleggen(data=voorbeeld("JW325"), antwoord_op=bericht)
        if self.fout is not None:
            raise self.fout


def _historie(b: InkomendBericht) -> list[tuple[str, str]]:
    return list(b.statuswijzigingen.order_by("id").values_list("van_status", "naar_status"))


def test_zonder_verwerker_wacht_het_bericht(diemen):
    b = bericht_ontvangen(data=voorbeeld("JW323")).bericht
    assert b.status == BerichtStatus.WACHT_OP_VERWERKING
    assert berichten_verwerken() == services.Verwerkingsoverzicht(verwerkt=0, mislukt=0, hervat=0)
    b.refresh_from_db()
    assert b.status == BerichtStatus.WACHT_OP_VERWERKING


def test_met_verwerker_wordt_het_bericht_direct_verwerkt_en_beantwoord(diemen):
    verwerker = Verwerker()
    register_handler(soort("JW323"), verwerker)
    b = bericht_ontvangen(data=voorbeeld("JW323")).bericht
    b.refresh_from_db()
    assert b.status == BerichtStatus.VERWERKT
    assert b.verwerkt_op is not None
    assert verwerker.aanroepen == [(b.pk, True, "323")]
    assert _historie(b) == [
        ("", "ontvangen"),
        ("ontvangen", "wacht_op_verwerking"),
        ("wacht_op_verwerking", "verwerkt"),
    ]
    antwoord = UitgaandBericht.objects.get()
    assert antwoord.antwoord_op == b
    termijn = b.termijnen.get()
    assert termijn.gesloten_door == antwoord


def test_wachtend_bericht_wordt_opgepakt_zodra_er_een_verwerker_is(diemen):
    wachtend = bericht_ontvangen(data=voorbeeld("JW323")).bericht
    ander = bericht_ontvangen(data=voorbeeld("JW317")).bericht
    verwerker = Verwerker()
    register_handler("323", verwerker)
    assert berichten_verwerken() == services.Verwerkingsoverzicht(verwerkt=1, mislukt=0, hervat=0)
    wachtend.refresh_from_db()
    ander.refresh_from_db()
    assert wachtend.status == BerichtStatus.VERWERKT
    assert ander.status == BerichtStatus.WACHT_OP_VERWERKING  # no handler for 317
    assert verwerker.aanroepen == [(wachtend.pk, True, "323")]
    # Running again processes nothing twice.
    assert berichten_verwerken().verwerkt == 0
    assert len(verwerker.aanroepen) == 1
    assert UitgaandBericht.objects.count() == 1


def test_mislukte_verwerking_laat_niets_half_achter_en_kan_opnieuw(diemen):
    register_handler(
        "323", Verwerker(fout=DomeinFout("Toewijzing onbekend.", code="toewijzing_onbekend"))
    )
    b = bericht_ontvangen(data=voorbeeld("JW323")).bericht
    b.refresh_from_db()
    assert b.status == BerichtStatus.VERWERKING_MISLUKT
    assert b.verwerking_fout == "toewijzing_onbekend: Toewijzing onbekend."
    assert UitgaandBericht.objects.count() == 0  # the handler's answer was rolled back
    assert b.termijnen.get().gesloten_op is None
    # A failed message is not picked up by itself ...
    assert berichten_verwerken().verwerkt == 0
    # ... but after a fix it is offered again.
    unregister_handler("323")
    register_handler("323", Verwerker())
    bericht_opnieuw_aanbieden(bericht=b)
    assert berichten_verwerken().verwerkt == 1
    b.refresh_from_db()
    assert b.status == BerichtStatus.VERWERKT
    assert b.verwerking_fout == ""
    assert [naar for _, naar in _historie(b)] == [
        "ontvangen",
        "wacht_op_verwerking",
        "verwerking_mislukt",
        "wacht_op_verwerking",
        "verwerkt",
    ]


def test_onverwachte_fout_van_verwerker_wordt_vastgelegd(diemen, caplog):
    register_handler("323", Verwerker(fout=KeyError("999900006")))
    b = bericht_ontvangen(data=voorbeeld("JW323")).bericht
    assert b.status == BerichtStatus.VERWERKING_MISLUKT
    assert b.verwerking_fout == "KeyError: '999900006'"
    # The log names the message and the error type, never content such as a BSN.
    assert "999900006" not in caplog.text
    assert str(b.uuid) in caplog.text


def test_opnieuw_aanbieden_kan_alleen_na_mislukken(diemen):
    b = bericht_ontvangen(data=voorbeeld("JW323")).bericht
    with pytest.raises(DomeinFout) as fout:
        bericht_opnieuw_aanbieden(bericht=b)
    assert fout.value.code == "statusovergang_niet_toegestaan"


def test_onderbroken_ontvangst_wordt_door_de_periodieke_verwerking_afgemaakt(diemen, monkeypatch):
    with monkeypatch.context() as m:
        m.setattr(beoordelen, "valideer", lambda *a, **k: (_ for _ in ()).throw(RuntimeError()))
        with pytest.raises(RuntimeError):
            bericht_ontvangen(data=voorbeeld("JW323"), ontvangen_op=moment(date(2026, 5, 6)))
    b = InkomendBericht.objects.get()
    assert b.status == BerichtStatus.ONTVANGEN
    assert berichten_verwerken().hervat == 1
    b.refresh_from_db()
    assert b.status == BerichtStatus.WACHT_OP_VERWERKING
    assert b.termijnen.count() == 1


class Afgebroken(BaseException):
    """What a killed worker looks like to the code around the handler: not an Exception,
    so no savepoint catches it, and the transaction it runs in is rolled back."""


def test_afgebroken_verwerking_laat_het_bericht_ontvangen_en_wordt_afgemaakt(diemen):
    # The check and the handler share one transaction: a crash in the handler takes the
    # acceptance with it (no half state: accepted without being handled or failed), and the
    # periodic run checks and processes the message again, once.
    afbreken = Verwerker(fout=Afgebroken())
    register_handler(soort("JW323"), afbreken)
    with pytest.raises(Afgebroken):
        bericht_ontvangen(data=voorbeeld("JW323"), ontvangen_op=moment(date(2026, 5, 6)))
    b = InkomendBericht.objects.get()
    assert b.status == BerichtStatus.ONTVANGEN
    assert _historie(b) == [("", BerichtStatus.ONTVANGEN)]
    assert not b.termijnen.exists()
    assert not UitgaandBericht.objects.exists()  # what the handler wrote is gone too
    unregister_handler(soort("JW323"))
    verwerker = Verwerker()
    register_handler(soort("JW323"), verwerker)
    assert berichten_verwerken().hervat == 1
    b.refresh_from_db()
    assert b.status == BerichtStatus.VERWERKT
    assert [pk for pk, _, _ in verwerker.aanroepen] == [b.pk]
    assert b.termijnen.count() == 1
    assert UitgaandBericht.objects.count() == 1
    assert _historie(b) == [
        ("", BerichtStatus.ONTVANGEN),
        (BerichtStatus.ONTVANGEN, BerichtStatus.WACHT_OP_VERWERKING),
        (BerichtStatus.WACHT_OP_VERWERKING, BerichtStatus.VERWERKT),
    ]


def test_recent_ontvangen_bericht_wordt_niet_hervat(diemen, monkeypatch):
    with monkeypatch.context() as m:
        m.setattr(beoordelen, "valideer", lambda *a, **k: (_ for _ in ()).throw(RuntimeError()))
        with pytest.raises(RuntimeError):
            bericht_ontvangen(
                data=voorbeeld("JW323"), ontvangen_op=timezone.now() - timedelta(minutes=1)
            )
    assert berichten_verwerken().hervat == 0


def test_registratie():
    def a(bericht, resultaat):
        return None

    def b(bericht, resultaat):
        return None

    register_handler("323", a)
    register_handler("323", a)  # the same again: fine (ready() may run twice)
    with pytest.raises(ValueError, match="al een verwerker"):
        register_handler("323", b)
    register_handler(soort("WMO323"), b)
    assert handler_voor("iwmo", "323") is b  # the exact message wins
    assert handler_voor("ijw", "323") is a
    assert handler_voor("ijw", "305") is None
    with pytest.raises(ValueError, match="Onbekend berichttype"):
        register_handler("999", a)
    assert set(geregistreerd()) == {"323", "WMO323"}
    unregister_handler("323")
    assert handler_voor("ijw", "323") is None

"""Answer deadlines in working days, the overdue selectors, and the signalling task."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from iwmo_jw import tasks
from iwmo_jw.constants import TermijnSoort
from iwmo_jw.models import Termijn
from iwmo_jw.selectors import (
    TermijnOverzicht,
    termijnen_open,
    termijnen_overzicht,
    termijnen_verlopen,
)
from iwmo_jw.services import (
    bericht_ontvangen,
    bericht_uitgaand_vastleggen,
    termijn_laten_vervallen,
    verlopen_termijnen_signaleren,
)
from iwmo_jw.signals import termijn_verstreken
from iwmo_jw.termijnen import (
    is_verlopen,
    termijnen_voor,
    termijnsoorten_van_antwoord,
    uiterste_datum,
)
from kern.exceptions import DomeinFout
from kern.perioden import is_werkdag, werkdagen_tussen
from tests.factories import GebruikerFactory
from tests.iwmo_jw_box.conftest import bericht, moment, voorbeeld

AMS = ZoneInfo("Europe/Amsterdam")


# --- Pure ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ontvangen", "werkdagen", "verwacht"),
    [
        # 323 on Thu 24 Dec 2026: 25/26 Dec, the weekends and 1 Jan do not count.
        (date(2026, 12, 24), 10, date(2027, 1, 11)),
        (date(2026, 12, 24), 3, date(2026, 12, 30)),
        # Thu 2 Apr 2026: Good Friday 3 Apr and Easter Monday 6 Apr do not count.
        (date(2026, 4, 2), 3, date(2026, 4, 9)),
        # Fri 24 Apr 2026: King's Day Mon 27 Apr does not count.
        (date(2026, 4, 24), 3, date(2026, 4, 30)),
        # Wed 13 May 2026: Ascension Day Thu 14 May does not count.
        (date(2026, 5, 13), 5, date(2026, 5, 21)),
        # Received on a Saturday: counting starts on Monday.
        (date(2026, 3, 7), 3, date(2026, 3, 11)),
    ],
)
def test_uiterste_datum(ontvangen, werkdagen, verwacht):
    assert uiterste_datum(ontvangen, werkdagen) == verwacht


@given(
    st.dates(min_value=date(2023, 1, 1), max_value=date(2035, 12, 31)),
    st.sampled_from([3, 5, 10]),
)
def test_uiterste_datum_is_een_werkdag_precies_zoveel_werkdagen_later(dag, werkdagen):
    uiterste = uiterste_datum(dag, werkdagen)
    assert is_werkdag(uiterste)
    assert werkdagen_tussen(dag, uiterste) == werkdagen
    assert not is_verlopen(uiterste, uiterste)
    assert is_verlopen(uiterste, uiterste + timedelta(days=1))


def test_termijnen_per_berichttype():
    dag = date(2026, 6, 1)  # Monday
    assert [(d.soort, d.uiterste_datum) for d in termijnen_voor("305", dag)] == [
        (TermijnSoort.RETOUR, date(2026, 6, 4))
    ]
    assert [(d.soort, d.uiterste_datum) for d in termijnen_voor("307", dag)] == [
        (TermijnSoort.RETOUR, date(2026, 6, 4))
    ]
    for verzoek in ("315", "317"):
        assert [(d.soort, d.uiterste_datum) for d in termijnen_voor(verzoek, dag)] == [
            (TermijnSoort.RETOUR, date(2026, 6, 4)),
            (TermijnSoort.TOEWIJZING_OF_ANTWOORD, date(2026, 6, 8)),
        ]
        assert [d.soort for d in termijnen_voor(verzoek, dag, alleen_eerste=True)] == [
            TermijnSoort.RETOUR
        ]
    assert [(d.soort, d.uiterste_datum) for d in termijnen_voor("323", dag)] == [
        (TermijnSoort.DECLARATIE_ANTWOORD, date(2026, 6, 15))
    ]
    assert termijnen_voor("302", dag) == []
    assert termijnen_voor("320", dag) == []


def test_welk_antwoord_welke_termijn_sluit():
    definitief = {TermijnSoort.TOEWIJZING_OF_ANTWOORD, TermijnSoort.DEFINITIEF_ANTWOORD}
    assert termijnsoorten_van_antwoord("315", "316") == {TermijnSoort.RETOUR}
    assert termijnsoorten_van_antwoord("317", "301") == definitief
    assert termijnsoorten_van_antwoord("315", "319") == definitief
    assert termijnsoorten_van_antwoord("323", "325") == {TermijnSoort.DECLARATIE_ANTWOORD}
    assert termijnsoorten_van_antwoord("305", "308") == set()
    assert termijnsoorten_van_antwoord("323", "301") == set()


# --- Stored with the message -----------------------------------------------------------------------


@pytest.mark.django_db
def test_declaratie_op_kerstavond(diemen):
    b = bericht_ontvangen(data=voorbeeld("JW323"), ontvangen_op=moment(date(2026, 12, 24))).bericht
    termijn = b.termijnen.get()
    assert (termijn.soort, termijn.werkdagen) == (TermijnSoort.DECLARATIE_ANTWOORD, 10)
    assert (termijn.begindatum, termijn.uiterste_datum) == (date(2026, 12, 24), date(2027, 1, 11))


@pytest.mark.django_db
def test_ontvangstdatum_is_de_nederlandse_datum(diemen):
    # 00:30 on Fri 9 Jan 2026 in Amsterdam is still Thursday in UTC; the Dutch date counts.
    ontvangen = datetime(2026, 1, 9, 0, 30, tzinfo=AMS)
    b = bericht_ontvangen(data=voorbeeld("JW305"), ontvangen_op=ontvangen).bericht
    # JW305 goes to Amsterdam, not served here: use the 307 to Diemen instead.
    assert b.termijnen.count() == 0
    b = bericht_ontvangen(data=bericht("JW307", ontvanger="0384"), ontvangen_op=ontvangen).bericht
    assert list(b.termijnen.values_list("begindatum", "uiterste_datum")) == [
        (date(2026, 1, 9), date(2026, 1, 14))
    ]


# --- Selectors -------------------------------------------------------------------------------------


@pytest.fixture
def scene(diemen, amsterdam_aangesloten, jeugdhulp):
    """Deadlines in two gemeenten: a 323 and a 317 in Diemen, a 305 in Amsterdam."""
    declaratie = bericht_ontvangen(
        data=voorbeeld("JW323"), ontvangen_op=moment(date(2026, 5, 6))
    ).bericht  # 325 by Thu 21 May
    vow = bericht_ontvangen(
        data=voorbeeld("JW317"), ontvangen_op=moment(date(2026, 5, 18))
    ).bericht  # 318 by Thu 21 May, 301/319 by Mon 25 May... Whit Monday: Tue 26 May
    start = bericht_ontvangen(
        data=voorbeeld("JW305"), ontvangen_op=moment(date(2026, 5, 19))
    ).bericht  # 306 by Fri 22 May
    return {"declaratie": declaratie, "vow": vow, "start": start}


@pytest.mark.django_db
def test_termijnen_van_de_scene(scene):
    assert list(
        Termijn.objects.order_by("uiterste_datum", "soort").values_list(
            "bericht__berichttype", "soort", "uiterste_datum"
        )
    ) == [
        ("323", TermijnSoort.DECLARATIE_ANTWOORD, date(2026, 5, 21)),
        ("317", TermijnSoort.RETOUR, date(2026, 5, 21)),
        ("305", TermijnSoort.RETOUR, date(2026, 5, 22)),
        ("317", TermijnSoort.TOEWIJZING_OF_ANTWOORD, date(2026, 5, 26)),
    ]


@pytest.mark.django_db
def test_verlopen_en_binnenkort_per_gebruiker(scene, diemen, regisseur_diemen):
    superuser = GebruikerFactory(is_superuser=True)
    peil = date(2026, 5, 22)
    verlopen = termijnen_verlopen(gebruiker=superuser, peildatum=peil)
    assert [(t.bericht.berichttype, t.soort) for t in verlopen] == [
        ("323", TermijnSoort.DECLARATIE_ANTWOORD),
        ("317", TermijnSoort.RETOUR),
    ]
    # Diemen's regisseur does not see Amsterdam's 305.
    binnen = termijnen_open(gebruiker=regisseur_diemen, peildatum=peil, binnen_dagen=4)
    assert [(t.bericht.berichttype, t.uiterste_datum) for t in binnen] == [
        ("323", date(2026, 5, 21)),
        ("317", date(2026, 5, 21)),
        ("317", date(2026, 5, 26)),
    ]
    assert termijnen_open(gebruiker=regisseur_diemen, peildatum=peil, binnen_dagen=3).count() == 2
    assert (
        termijnen_open(gebruiker=superuser, peildatum=peil, binnen_dagen=0, gemeentecode="0363")
        .get()
        .bericht.berichttype
        == "305"
    )


@pytest.mark.django_db
def test_beantwoorden_sluit_de_termijn(scene):
    superuser = GebruikerFactory(is_superuser=True)
    bericht_uitgaand_vastleggen(data=voorbeeld("JW325"), antwoord_op=scene["declaratie"])
    verlopen = termijnen_verlopen(gebruiker=superuser, peildatum=date(2026, 6, 1))
    assert sorted((t.bericht.berichttype, t.soort) for t in verlopen) == [
        ("305", TermijnSoort.RETOUR),
        ("317", TermijnSoort.RETOUR),
        ("317", TermijnSoort.TOEWIJZING_OF_ANTWOORD),
    ]


@pytest.mark.django_db
def test_overzicht_per_gemeente(scene, regisseur_diemen, amsterdam_aangesloten):
    superuser = GebruikerFactory(is_superuser=True)
    assert termijnen_overzicht(
        gebruiker=superuser, peildatum=date(2026, 5, 22), binnen_dagen=4
    ) == [
        TermijnOverzicht("0363", "Amsterdam", verlopen=0, binnenkort=1),
        TermijnOverzicht("0384", "Diemen", verlopen=2, binnenkort=1),
    ]
    assert termijnen_overzicht(
        gebruiker=regisseur_diemen, peildatum=date(2026, 5, 22), binnen_dagen=1
    ) == [TermijnOverzicht("0384", "Diemen", verlopen=2, binnenkort=0)]


@pytest.mark.django_db
def test_aanbieder_ziet_alleen_termijnen_van_eigen_berichten(scene, gebruiker_jeugdhulp, verwijs):
    from tests.factories import aanbieder_gebruiker

    # Every message of the scene comes from AGB 65656055.
    assert termijnen_open(gebruiker=gebruiker_jeugdhulp).count() == 4
    assert termijnen_open(gebruiker=aanbieder_gebruiker(verwijs)).count() == 0


@pytest.mark.django_db
def test_inkoper_ziet_geen_termijnen(scene, diemen):
    inkoper = GebruikerFactory(rollen=["inkoper"], gemeenten=[diemen])
    assert termijnen_open(gebruiker=inkoper).count() == 0


@pytest.mark.django_db
def test_termijn_laten_vervallen(scene, regisseur_diemen):
    termijn = scene["vow"].termijnen.get(soort=TermijnSoort.TOEWIJZING_OF_ANTWOORD)
    with pytest.raises(DomeinFout) as fout:
        termijn_laten_vervallen(termijn=termijn, reden=" ", door=regisseur_diemen)
    assert fout.value.code == "reden_verplicht"
    termijn = termijn_laten_vervallen(
        termijn=termijn, reden="VOW afgewezen in de 318.", door=regisseur_diemen
    )
    assert termijn.sluitreden == "VOW afgewezen in de 318."
    assert termijn.gesloten_door is None
    assert termijn.gesloten_op is not None
    with pytest.raises(DomeinFout) as fout:
        termijn_laten_vervallen(termijn=termijn, reden="nogmaals", door=regisseur_diemen)
    assert fout.value.code == "termijn_gesloten"


# --- Signalling ------------------------------------------------------------------------------------


@pytest.fixture
def ontvangen_signalen():
    ontvangen: list[tuple[int, int]] = []

    def ontvanger(sender, termijn, bericht, **kwargs):
        ontvangen.append((termijn.pk, bericht.pk))

    termijn_verstreken.connect(ontvanger, dispatch_uid="test-ontvanger")
    yield ontvangen
    termijn_verstreken.disconnect(dispatch_uid="test-ontvanger")


@pytest.mark.django_db
def test_taak_signaleert_elke_verlopen_termijn_een_keer(diemen, ontvangen_signalen):
    oud = bericht_ontvangen(
        data=voorbeeld("JW323"), ontvangen_op=timezone.now() - timedelta(days=40)
    ).bericht
    nieuw = bericht_ontvangen(data=bericht("JW323", identificatie="NIEUW1")).bericht
    assert tasks.termijnen_signaleren() == 1
    termijn = oud.termijnen.get()
    assert ontvangen_signalen == [(termijn.pk, oud.pk)]
    termijn.refresh_from_db()
    assert termijn.gesignaleerd_op is not None
    # Running again signals nothing twice.
    assert tasks.termijnen_signaleren() == 0
    assert ontvangen_signalen == [(termijn.pk, oud.pk)]
    assert nieuw.termijnen.get().gesignaleerd_op is None


@pytest.mark.django_db
def test_beantwoorde_termijn_wordt_niet_gesignaleerd(diemen, ontvangen_signalen):
    oud = bericht_ontvangen(
        data=voorbeeld("JW323"), ontvangen_op=timezone.now() - timedelta(days=40)
    ).bericht
    bericht_uitgaand_vastleggen(data=voorbeeld("JW325"), antwoord_op=oud)
    assert verlopen_termijnen_signaleren() == 0
    assert ontvangen_signalen == []


@pytest.mark.django_db
def test_falende_ontvanger_wordt_de_volgende_keer_opnieuw_gesignaleerd(diemen):
    oud = bericht_ontvangen(
        data=voorbeeld("JW323"), ontvangen_op=timezone.now() - timedelta(days=40)
    ).bericht
    pogingen: list[int] = []

    def eerst_kapot(sender, termijn, bericht, **kwargs):
        pogingen.append(termijn.pk)
        if len(pogingen) == 1:
            raise RuntimeError("mail server weg")

    termijn_verstreken.connect(eerst_kapot, dispatch_uid="eerst-kapot")
    try:
        assert verlopen_termijnen_signaleren() == 0
        assert oud.termijnen.get().gesignaleerd_op is None
        assert verlopen_termijnen_signaleren() == 1
        assert verlopen_termijnen_signaleren() == 0
    finally:
        termijn_verstreken.disconnect(dispatch_uid="eerst-kapot")
    assert len(pogingen) == 2


@pytest.mark.django_db
def test_peildatum_bepaalt_wat_verlopen_is(diemen, ontvangen_signalen):
    b = bericht_ontvangen(data=voorbeeld("JW323"), ontvangen_op=moment(date(2026, 5, 6))).bericht
    assert verlopen_termijnen_signaleren(peildatum=date(2026, 5, 21)) == 0  # the last day itself
    assert verlopen_termijnen_signaleren(peildatum=date(2026, 5, 22)) == 1
    assert ontvangen_signalen == [(b.termijnen.get().pk, b.pk)]

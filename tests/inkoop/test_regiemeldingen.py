"""Start zorg (305) and stop zorg (307): recorded on the toewijzing with their retour (306,
308), the level-3 rules with their codes (a refused message books nothing), corrections with
StatusAanlevering 3, and a stop before the einddatum on the regisseur's list without touching
the reservation (OP364)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from financien.models import Reservering
from inkoop import selectors
from inkoop.constants import RegiemeldingSoort, ToewijzingGebeurtenis
from inkoop.models import Regiemelding, Toewijzing, ToewijzingWijziging
from inkoop.services.regiemeldingen import zorgstand
from iwmo_jw.codec import valideer
from iwmo_jw.codec.modellen import Bericht306, Bericht308
from iwmo_jw.constants import BerichtStatus
from kern.models import AuditRecord
from tests.factories import ContractFactory, TariefperiodeFactory, ZorgaanbiederFactory
from tests.inkoop.verzoek_hulp import (
    BSN_2,
    Scene,
    ontvangen,
    retour,
    scene_maken,
    start,
    start_product,
    stop,
    stop_product,
    toewijzing_maken,
    vandaag,
)


@pytest.fixture
def s(db) -> Scene:
    return scene_maken()


@pytest.fixture
def t(s) -> Toewijzing:
    return toewijzing_maken(
        s, ingangsdatum=vandaag() - timedelta(days=30), einddatum=vandaag() + timedelta(days=60)
    )


def _reserveringen() -> list[tuple[int, Decimal, str]]:
    return sorted(Reservering.objects.values_list("pk", "bedrag", "status"))


def _codes(bericht, berichttype: str) -> list[tuple[str, ...]]:
    r = retour(bericht, berichttype)
    assert r.header.retour_codes == ("0200",)
    assert r.client.retour_codes == ("0200",)
    producten = r.client.start_producten if berichttype == "306" else r.client.stop_producten
    return [p.retour_codes for p in producten]


def test_start_zorg_wordt_op_de_toewijzing_vastgelegd_met_een_lege_306(s, t):
    reserveringen = _reserveringen()
    begin = vandaag() - timedelta(days=20)
    bericht = ontvangen(start(start_product(t.nummer, begin)))
    assert bericht.status == BerichtStatus.VERWERKT
    melding = Regiemelding.objects.get()
    assert (melding.toewijzing, melding.soort, melding.begindatum, melding.einddatum) == (
        t,
        RegiemeldingSoort.START,
        begin,
        None,
    )
    assert (melding.bericht, melding.verwijderd) == (bericht, False)
    t.refresh_from_db()
    assert (t.zorg_begindatum, t.zorg_einddatum, t.bijstellen) == (begin, None, False)
    historie = ToewijzingWijziging.objects.get(gebeurtenis=ToewijzingGebeurtenis.ZORG_GESTART)
    assert historie.voor == {
        "zorg_begindatum": None,
        "zorg_einddatum": None,
        "reden_beeindiging": "",
        "bijstellen": False,
    }
    assert historie.na["zorg_begindatum"] == begin.isoformat()
    assert AuditRecord.objects.filter(
        object_id=str(t.pk), toelichting__startswith="WMO305"
    ).exists()
    r306 = retour(bericht, "306")
    assert isinstance(r306, Bericht306)
    assert (r306.header.retour_codes, r306.client) == ((), None)
    assert valideer(bericht.antwoorden.get().inhoud_bytes()).geldig
    assert _reserveringen() == reserveringen


def test_dezelfde_start_nogmaals_9074_en_een_tweede_lopende_start_9326(s, t):
    begin = vandaag() - timedelta(days=20)
    ontvangen(start(start_product(t.nummer, begin)))
    nogmaals = ontvangen(start(start_product(t.nummer, begin), identificatie="START002"))
    later = ontvangen(
        start(start_product(t.nummer, begin + timedelta(days=1)), identificatie="START003")
    )
    assert _codes(nogmaals, "306") == [("9074",)]
    assert _codes(later, "306") == [("9326",)]
    assert Regiemelding.objects.count() == 1


def test_start_op_een_onbekende_of_andermans_toewijzing_9019_en_niets_geboekt(s, t):
    ander = ZorgaanbiederFactory(agb_code="87654321", naam="Hulp Zuid B.V.")
    TariefperiodeFactory(
        contract=ContractFactory(zorgaanbieder=ander, gemeenten=[s.gemeente]), product=s.product
    )
    van_ander = toewijzing_maken(
        s, ingangsdatum=t.ingangsdatum, einddatum=t.einddatum, aanbieder=ander
    )
    andere_client = toewijzing_maken(
        s, ingangsdatum=t.ingangsdatum, einddatum=t.einddatum, bsn=BSN_2
    )
    begin = vandaag() - timedelta(days=20)
    bericht = ontvangen(
        start(
            start_product(t.nummer, begin),
            start_product(99999, begin),
            start_product(van_ander.nummer, begin),
            start_product(andere_client.nummer, begin),
        )
    )
    assert _codes(bericht, "306") == [("0200",), ("9019",), ("9019",), ("9019",)]
    assert not Regiemelding.objects.exists()
    t.refresh_from_db()
    assert t.zorg_begindatum is None
    assert not ToewijzingWijziging.objects.filter(
        gebeurtenis=ToewijzingGebeurtenis.ZORG_GESTART
    ).exists()


def test_verwijderen_van_een_start_en_corrigeren_in_een_bericht(s, t):
    eerst = vandaag() - timedelta(days=20)
    goed = vandaag() - timedelta(days=18)
    eerste = ontvangen(start(start_product(t.nummer, eerst)))
    correctie = ontvangen(
        start(
            start_product(t.nummer, eerst, status="3"),
            start_product(t.nummer, goed),
            identificatie="START002",
        )
    )
    assert retour(correctie, "306").client is None
    oud, nieuw = Regiemelding.objects.order_by("pk")
    assert (oud.begindatum, oud.verwijderd, oud.verwijderd_door, oud.bericht) == (
        eerst,
        True,
        correctie,
        eerste,
    )
    assert (nieuw.begindatum, nieuw.verwijderd) == (goed, False)
    t.refresh_from_db()
    assert t.zorg_begindatum == goed
    # Removing what does not exist: 9063.
    weg = ontvangen(start(start_product(t.nummer, eerst, status="3"), identificatie="START003"))
    assert _codes(weg, "306") == [("9063",)]


def test_stop_voor_de_einddatum_zet_de_toewijzing_op_de_lijst_en_raakt_de_reservering_niet(s, t):
    begin = vandaag() - timedelta(days=20)
    ontvangen(start(start_product(t.nummer, begin)))
    reserveringen = _reserveringen()
    einde = vandaag() - timedelta(days=2)
    bericht = ontvangen(stop(stop_product(t.nummer, begin, einde, reden="02")))
    r308 = retour(bericht, "308")
    assert isinstance(r308, Bericht308)
    assert (r308.header.retour_codes, r308.client) == ((), None)
    t.refresh_from_db()
    assert (t.zorg_begindatum, t.zorg_einddatum, t.reden_beeindiging, t.bijstellen) == (
        begin,
        einde,
        "02",
        True,
    )
    assert (t.einddatum, t.status, t.te_melden) == (vandaag() + timedelta(days=60), "actief", False)
    assert _reserveringen() == reserveringen  # OP364: never the money
    assert list(selectors.toewijzingen_bij_te_stellen(gebruiker=s.regisseur)) == [t]
    # The provider withdraws the stop: off the list again.
    ontvangen(
        stop(stop_product(t.nummer, begin, einde, reden="02", status="3"), identificatie="STOP002")
    )
    t.refresh_from_db()
    assert (t.zorg_einddatum, t.reden_beeindiging, t.bijstellen) == (None, "", False)
    assert list(
        ToewijzingWijziging.objects.filter(toewijzing=t)
        .exclude(gebeurtenis=ToewijzingGebeurtenis.VERSTREKT)
        .values_list("gebeurtenis", flat=True)
    ) == ["zorg_gestart", "zorg_gestopt", "melding_verwijderd"]


def test_inkorten_tot_de_gemelde_stop_haalt_de_toewijzing_van_de_lijst(s, t):
    from inkoop.services import toewijzing_intrekken

    begin = vandaag() - timedelta(days=20)
    ontvangen(start(start_product(t.nummer, begin)))
    einde = vandaag() - timedelta(days=2)
    ontvangen(stop(stop_product(t.nummer, begin, einde, reden="02")))
    t.refresh_from_db()
    assert t.bijstellen
    toewijzing_intrekken(
        door=s.regisseur, toewijzing=t, einddatum=einde, reden_wijziging="02", versturen=False
    )
    t.refresh_from_db()
    assert (t.einddatum, t.bijstellen) == (einde, False)
    assert list(selectors.toewijzingen_bij_te_stellen(gebruiker=s.regisseur)) == []


def test_stop_op_de_einddatum_hoeft_niet_bijgesteld(s):
    # A stop lies in the past (TR134): a toewijzing that ended two days ago.
    t = toewijzing_maken(
        s, ingangsdatum=vandaag() - timedelta(days=30), einddatum=vandaag() - timedelta(days=2)
    )
    begin = vandaag() - timedelta(days=20)
    ontvangen(start(start_product(t.nummer, begin)))
    ontvangen(stop(stop_product(t.nummer, begin, t.einddatum, reden="31")))
    t.refresh_from_db()
    assert (t.zorg_einddatum, t.bijstellen) == (t.einddatum, False)


def test_regels_van_de_stop(s, t):
    begin = vandaag() - timedelta(days=20)
    zonder_start = ontvangen(stop(stop_product(t.nummer, begin, vandaag())))
    assert _codes(zonder_start, "308") == [("9069",)]
    ontvangen(start(start_product(t.nummer, begin)))
    tijdelijk = ontvangen(
        stop(
            stop_product(t.nummer, begin, begin + timedelta(days=5), reden="20"), identificatie="S2"
        )
    )
    assert retour(tijdelijk, "308").client is None
    t.refresh_from_db()
    assert (t.zorg_einddatum, t.reden_beeindiging, t.bijstellen) == (
        begin + timedelta(days=5),
        "20",
        False,  # a temporary stop needs no adjustment
    )
    nog_eens_tijdelijk = ontvangen(
        stop(
            stop_product(t.nummer, begin, begin + timedelta(days=8), reden="20"), identificatie="S3"
        )
    )
    eerder = ontvangen(
        stop(
            stop_product(t.nummer, begin, begin + timedelta(days=3), reden="19"), identificatie="S4"
        )
    )
    assert _codes(nog_eens_tijdelijk, "308") == [("9413",)]
    assert _codes(eerder, "308") == [("9414",)]
    definitief = ontvangen(
        stop(
            stop_product(t.nummer, begin, begin + timedelta(days=10), reden="19"),
            identificatie="S5",
        )
    )
    assert retour(definitief, "308").client is None
    tweede = ontvangen(
        stop(
            stop_product(t.nummer, begin, begin + timedelta(days=12), reden="19"),
            identificatie="S6",
        )
    )
    assert _codes(tweede, "308") == [("9415",)]
    start_weg = ontvangen(start(start_product(t.nummer, begin, status="3"), identificatie="S7"))
    assert _codes(start_weg, "306") == [("9071",)]
    assert Regiemelding.objects.filter(verwijderd=False).count() == 3


def test_zonder_toewijzingnummer_taakgericht_wordt_niets_vastgelegd(s, t):
    bericht = ontvangen(start(start_product(None, vandaag() - timedelta(days=3))))
    assert retour(bericht, "306").client is None
    assert not Regiemelding.objects.exists()


def test_statusaanlevering_2_is_niveau_2_en_krijgt_0001(s, t):
    bericht = ontvangen(start(start_product(t.nummer, vandaag() - timedelta(days=3), status="2")))
    assert bericht.retourcode == "0001"
    r306 = retour(bericht, "306")
    assert (r306.header.retour_codes, r306.client) == (("0001",), None)
    assert not Regiemelding.objects.exists()


# --- The pure rule of the toewijzing's care state ---------------------------------------------

_DAG0 = date(2026, 1, 1)


def _melding(soort: str, begin: int, eind: int | None, reden: str, pk: int) -> Regiemelding:
    return Regiemelding(
        pk=pk,
        soort=soort,
        begindatum=_DAG0 + timedelta(days=begin),
        einddatum=None if eind is None else _DAG0 + timedelta(days=eind),
        reden_beeindiging=reden,
    )


@given(
    einde_toewijzing=st.one_of(st.none(), st.integers(min_value=0, max_value=400)),
    starts=st.lists(st.integers(min_value=0, max_value=300), min_size=0, max_size=3, unique=True),
    stops=st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=300),
            st.integers(min_value=0, max_value=100),
            st.sampled_from(["19", "20", "31"]),
        ),
        max_size=3,
    ),
)
def test_zorgstand(einde_toewijzing, starts, stops):
    toewijzing = Toewijzing(
        ingangsdatum=_DAG0,
        einddatum=None if einde_toewijzing is None else _DAG0 + timedelta(days=einde_toewijzing),
    )
    meldingen = [_melding("start", b, None, "", i + 1) for i, b in enumerate(starts)] + [
        _melding("stop", b, b + d, r, 100 + i) for i, (b, d, r) in enumerate(stops)
    ]
    begin, einde, reden, bijstellen = zorgstand(toewijzing, meldingen)
    assert begin == (min(m.begindatum for m in meldingen if m.soort == "start") if starts else None)
    assert bijstellen == any(
        m.soort == "stop"
        and m.reden_beeindiging != "20"
        and (toewijzing.einddatum is None or m.einddatum < toewijzing.einddatum)
        for m in meldingen
    )
    laatste_start = max((m.begindatum for m in meldingen if m.soort == "start"), default=None)
    laatste_stop = max((m.einddatum for m in meldingen if m.soort == "stop"), default=None)
    gestopt = laatste_stop is not None and (laatste_start is None or laatste_stop >= laatste_start)
    assert (einde is not None) == gestopt
    if gestopt:
        assert einde == laatste_stop
        assert reden in {m.reden_beeindiging for m in meldingen if m.einddatum == laatste_stop}
    else:
        assert reden == ""

"""SLA figures per provider and month: answer times on verzoeken against the contract's norm
(or the standard's five working days) and waiting times against the contract's norm, through
the selector and the API. October 2026 is the month measured; the moments of answers and
issues are set on the rows (the scene), the verzoeken and starts arrive as messages."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from contracten import services as contracten_services
from contracten.constants import SlaSoort
from inkoop.models import Capaciteitsmelding, Toewijzing, Verzoek
from inkoop.selectors.sla import NORM_CONTRACT, NORM_STANDAARD, sla_overzicht
from tests.factories import (
    ContractFactory,
    GebruikerFactory,
    TariefperiodeFactory,
    ZorgaanbiederFactory,
    aanbieder_gebruiker,
    gemeente,
)
from tests.inkoop.verzoek_hulp import (
    Scene,
    aangevraagd,
    moment,
    ontvangen,
    scene_maken,
    start,
    start_product,
    toewijzing_maken,
    vot,
)

BSNS = ["999900006", "999900018", "999900031", "999900043", "999900055"]


def _verzoek(
    nr: int, ontvangen_op: date, *, beantwoord: date | None, beslist: date | None, agb="12345678"
) -> Verzoek:
    bericht = ontvangen(
        vot(
            aangevraagd(f"SLA-{nr}"),
            bsn=BSNS[nr],
            identificatie=f"SLA{nr:04d}",
            agb=agb,
            dagtekening=ontvangen_op,
        ),
        op=moment(ontvangen_op),
    )
    verzoek = Verzoek.objects.get(bericht=bericht)
    if beantwoord is not None:
        Verzoek.objects.filter(pk=verzoek.pk).update(
            status="afgewezen" if beslist else "in_onderzoek",
            beantwoord_op=moment(beantwoord, 15),
            beslist_op=moment(beslist, 15) if beslist else None,
        )
    return verzoek


@pytest.fixture
def s(db) -> Scene:
    scene = scene_maken()
    contracten_services.slanorm_vastleggen(
        door=None, contract=scene.contract, soort=SlaSoort.ANTWOORD_VERZOEK, waarde=Decimal("3")
    )
    contracten_services.slanorm_vastleggen(
        door=None, contract=scene.contract, soort=SlaSoort.WACHTTIJD, waarde=Decimal("14")
    )
    _verzoek(0, date(2026, 10, 5), beantwoord=date(2026, 10, 7), beslist=date(2026, 10, 7))
    _verzoek(1, date(2026, 10, 8), beantwoord=date(2026, 10, 15), beslist=date(2026, 10, 20))
    _verzoek(2, date(2026, 10, 26), beantwoord=None, beslist=None)
    _verzoek(3, date(2026, 9, 30), beantwoord=date(2026, 10, 1), beslist=date(2026, 10, 1))
    for dagen, dag in ((10, 6), (20, 20)):
        Capaciteitsmelding.objects.create(
            zorgaanbieder=scene.aanbieder,
            product=scene.product,
            gemeente=scene.gemeente,
            wachttijd_dagen=dagen,
            geldig_vanaf=moment(date(2026, 10, dag)),
        )
    for nr, (aangemaakt, begonnen) in enumerate(
        ((date(2026, 9, 28), date(2026, 10, 5)), (date(2026, 10, 10), date(2026, 10, 30)))
    ):
        t = toewijzing_maken(
            scene,
            ingangsdatum=date(2026, 10, 1),
            einddatum=date(2026, 12, 31),
            bsn=BSNS[nr],
            volume=1,
        )
        Toewijzing.objects.filter(pk=t.pk).update(aangemaakt_op=moment(aangemaakt))
        ontvangen(start(start_product(t.nummer, begonnen), identificatie=f"SSLA{nr}", bsn=BSNS[nr]))
    return scene


def test_antwoordtijden_en_wachttijden_van_een_maand(s, django_assert_max_num_queries):
    sla_overzicht(gebruiker=s.regisseur, jaar=2026, maand=10)  # the user's scope is cached
    with django_assert_max_num_queries(5):
        [regel] = sla_overzicht(
            gebruiker=s.regisseur, jaar=2026, maand=10, peildatum=date(2026, 11, 4)
        )
    assert regel.zorgaanbieder == s.aanbieder
    a = regel.antwoordtijden
    assert (a.norm_werkdagen, a.norm_bron) == (Decimal("3"), NORM_CONTRACT)
    assert (a.ontvangen, a.beantwoord, a.binnen_norm, a.buiten_norm, a.open_buiten_norm) == (
        3,
        2,
        1,
        1,
        1,
    )
    # 2 and 5 working days to the first answer; 2 and 8 to the decision.
    assert (a.gemiddeld_werkdagen, a.maximum_werkdagen) == (Decimal("3.5"), 5)
    assert a.gemiddelde_doorlooptijd_werkdagen == Decimal("5.0")
    assert a.percentage_binnen_norm == Decimal("50.0")
    w = regel.wachttijden
    assert w.norm_dagen == Decimal("14")
    assert (w.gemeld_aantal, w.gemeld_gemiddeld, w.gemeld_maximum, w.gemeld_boven_norm) == (
        2,
        Decimal("15.0"),
        20,
        1,
    )
    # 4 days (from the ingangsdatum) and 20 days (from the day it was issued, 10 October).
    assert (
        w.gestart_aantal,
        w.gerealiseerd_gemiddeld,
        w.gerealiseerd_maximum,
        w.gerealiseerd_boven_norm,
    ) == (2, Decimal("12.0"), 20, 1)


def test_zonder_contractnorm_geldt_de_standaard_en_geen_wachttijdnorm(s):
    ander = ZorgaanbiederFactory(agb_code="87654321", naam="Hulp Zuid B.V.")
    TariefperiodeFactory(
        contract=ContractFactory(zorgaanbieder=ander, gemeenten=[s.gemeente]), product=s.product
    )
    _verzoek(4, date(2026, 10, 5), beantwoord=date(2026, 10, 12), beslist=None, agb="87654321")
    regels = sla_overzicht(gebruiker=s.regisseur, jaar=2026, maand=10, zorgaanbieder=ander)
    [regel] = regels
    assert (regel.antwoordtijden.norm_werkdagen, regel.antwoordtijden.norm_bron) == (
        Decimal("5"),
        NORM_STANDAARD,
    )
    assert (regel.antwoordtijden.binnen_norm, regel.antwoordtijden.maximum_werkdagen) == (1, 5)
    assert regel.wachttijden.norm_dagen is None
    assert regel.wachttijden.gemeld_boven_norm == 0


def test_scope_een_aanbieder_ziet_zichzelf_een_andere_gemeente_niets(s):
    aanbieder_user = aanbieder_gebruiker(s.aanbieder, username="noord_sla")
    assert [
        r.zorgaanbieder for r in sla_overzicht(gebruiker=aanbieder_user, jaar=2026, maand=10)
    ] == [s.aanbieder]
    rotterdam = GebruikerFactory(rollen=["regisseur"], gemeenten=[gemeente("0599")])
    assert sla_overzicht(gebruiker=rotterdam, jaar=2026, maand=10) == []
    assert sla_overzicht(gebruiker=s.regisseur, jaar=2026, maand=9)[0].antwoordtijden.ontvangen == 1
    assert sla_overzicht(gebruiker=s.regisseur, jaar=2026, maand=8) == []


def test_sla_via_de_api(s):
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=s.regisseur)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = client.get("/api/v1/sla/", {"jaar": 2026, "maand": 10})
    assert response.status_code == 200, response.content
    [regel] = response.json()["results"]
    assert regel["zorgaanbieder"] == {
        "uuid": str(s.aanbieder.uuid),
        "agb_code": "12345678",
        "naam": "Zorg Noord B.V.",
    }
    assert (regel["jaar"], regel["maand"]) == (2026, 10)
    assert regel["antwoordtijden"]["norm_werkdagen"] == "3.00"
    assert regel["antwoordtijden"]["norm_bron"] == "contract"
    assert regel["antwoordtijden"]["gemiddeld_werkdagen"] == "3.5"
    assert regel["antwoordtijden"]["percentage_binnen_norm"] == "50.0"
    assert regel["wachttijden"]["gerealiseerd_maximum"] == 20
    assert "bsn" not in str(response.json()).lower()
    fout = client.get("/api/v1/sla/", {"jaar": 2026, "maand": 13})
    assert fout.status_code == 400
    assert fout["Content-Type"] == "application/problem+json"
    enkel = client.get(
        "/api/v1/sla/", {"jaar": 2026, "maand": 10, "zorgaanbieder": str(s.aanbieder.uuid)}
    )
    assert len(enkel.json()["results"]) == 1

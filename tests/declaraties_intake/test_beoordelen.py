"""Review before the answer: held prestaties, the beoordelaar's decision, four eyes above a
threshold, the answer after the last decision; the pure selection."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from declaraties import services
from declaraties.constants import DeclaratieStatus, PrestatieStatus
from declaraties.models import Declaratie
from declaraties.selectors import werkvoorraad
from declaraties.steekproef import Instelling, Kandidaat, getrokken, te_beoordelen
from financien.selectors import budgetstand
from iwmo_jw.codec import parse
from iwmo_jw.models import UitgaandBericht
from kern.exceptions import DomeinFout, GeenToegang
from tests.declaraties_intake.test_verwerken import SEPTEMBER, _ontvang
from tests.factories import GebruikerFactory

D = Decimal


@pytest.fixture
def beheerder(ds):
    return GebruikerFactory(
        username="beheerder_b", rollen=["beheerder"], gemeenten=[ds.scene.gemeente]
    )


@pytest.fixture
def beoordelaars(ds):
    return [
        GebruikerFactory(
            username=f"beoordelaar_{i}", rollen=["beoordelaar"], gemeenten=[ds.scene.gemeente]
        )
        for i in (1, 2)
    ]


def _met_instelling(ds, beheerder, **kwargs):
    services.beoordelingsinstelling_vastleggen(
        door=beheerder, gemeente=ds.scene.gemeente, wet="wmo", **kwargs
    )


def _declaratie(ds):
    bericht = _ontvang(
        ds.xml([ds.prestatie("R1", uren=10), ds.prestatie("R2", uren=5, periode=SEPTEMBER)])
    )
    return Declaratie.objects.get(bericht=bericht)


def test_a_held_prestatie_waits_and_its_approval_answers_the_declaration(
    ds, beheerder, beoordelaars
):
    _met_instelling(ds, beheerder, bedrag_drempel=D("600.00"))
    declaratie = _declaratie(ds)
    assert declaratie.status == DeclaratieStatus.IN_BEOORDELING
    assert declaratie.antwoord is None
    assert not UitgaandBericht.objects.filter(berichttype="325").exists()
    assert budgetstand(budgetpost=ds.scene.bp2026).gerealiseerd == D("0")
    [wacht] = werkvoorraad(gebruiker=beoordelaars[0])
    assert (wacht.referentienummer, wacht.beoordelingsredenen) == ("R1", "bedrag")
    assert declaratie.prestaties.get(referentienummer="R2").status == PrestatieStatus.TOEGEKEND

    services.prestatie_beoordelen(
        door=beoordelaars[0],
        prestatie=wacht,
        besluit="toekennen",
        reden="Uren kloppen met rooster.",
    )
    declaratie.refresh_from_db()
    assert declaratie.status == DeclaratieStatus.BEANTWOORD
    assert declaratie.retourcode == "8001"
    assert declaratie.totaal_toegekend_bedrag == D("975.00")
    assert parse(bytes(declaratie.antwoord.inhoud)).declaratie_antwoord.retour_codes == ("8001",)
    assert budgetstand(budgetpost=ds.scene.bp2026).gerealiseerd == D("975.00")
    assert list(declaratie.statuswijzigingen.values_list("naar_status", flat=True)) == [
        "in_beoordeling",
        "beantwoord",
    ]


def test_a_rejection_after_review_is_in_the_325_with_its_code(ds, beheerder, beoordelaars):
    _met_instelling(ds, beheerder, bedrag_drempel=D("600.00"))
    declaratie = _declaratie(ds)
    wacht = werkvoorraad(gebruiker=beoordelaars[0]).get()
    with pytest.raises(DomeinFout) as fout:
        services.prestatie_beoordelen(
            door=beoordelaars[0],
            prestatie=wacht,
            besluit="afwijzen",
            reden="Te veel",
            retourcode="1234",
        )
    assert fout.value.code == "retourcode_ongeldig"
    services.prestatie_beoordelen(
        door=beoordelaars[0],
        prestatie=wacht,
        besluit="afwijzen",
        reden="Geen zorg geleverd.",
        retourcode="9321",
    )
    declaratie.refresh_from_db()
    assert declaratie.status == DeclaratieStatus.BEANTWOORD
    assert declaratie.totaal_toegekend_bedrag == D("325.00")
    antwoord = parse(bytes(declaratie.antwoord.inhoud)).declaratie_antwoord
    [prestatie] = antwoord.clienten[0].prestaties
    assert (prestatie.product_referentie.referentie_nummer, prestatie.retour_codes) == (
        "R1",
        ("9321",),
    )
    assert budgetstand(budgetpost=ds.scene.bp2026).gerealiseerd == D("325.00")
    with pytest.raises(DomeinFout) as fout:
        services.prestatie_beoordelen(
            door=beoordelaars[1], prestatie=wacht, besluit="toekennen", reden="Toch wel"
        )
    assert fout.value.code == "al_beoordeeld"


def test_four_eyes_above_the_threshold(ds, beheerder, beoordelaars):
    _met_instelling(ds, beheerder, bedrag_drempel=D("600.00"), vier_ogen_drempel=D("500.00"))
    declaratie = _declaratie(ds)
    eerste, tweede = beoordelaars
    wacht = werkvoorraad(gebruiker=eerste).get()
    services.prestatie_beoordelen(
        door=eerste, prestatie=wacht, besluit="afwijzen", reden="Niet geleverd.", retourcode="9321"
    )
    wacht.refresh_from_db()
    assert wacht.status == PrestatieStatus.IN_BEOORDELING  # a proposal until confirmed
    declaratie.refresh_from_db()
    assert declaratie.status == DeclaratieStatus.IN_BEOORDELING
    with pytest.raises(GeenToegang) as fout:
        services.prestatie_afwijzing_bevestigen(door=eerste, prestatie=wacht)
    assert fout.value.code == "vier_ogen"
    services.prestatie_afwijzing_bevestigen(door=tweede, prestatie=wacht)
    wacht.refresh_from_db()
    assert (wacht.status, wacht.retourcodes) == ("afgewezen", "9321")
    assert (wacht.beoordelaars.beoordeeld_door, wacht.beoordelaars.bevestigd_door) == (
        eerste,
        tweede,
    )
    declaratie.refresh_from_db()
    assert declaratie.status == DeclaratieStatus.BEANTWOORD


def test_only_beoordelaars_of_the_gemeente_decide(ds, beheerder):
    _met_instelling(ds, beheerder, bedrag_drempel=D("600.00"))
    _declaratie(ds)
    wacht = werkvoorraad(gebruiker=beheerder).get()
    with pytest.raises(GeenToegang):
        services.prestatie_beoordelen(
            door=beheerder, prestatie=wacht, besluit="toekennen", reden="x"
        )
    from tests.factories import gemeente

    elders = GebruikerFactory(
        username="b_rdam", rollen=["beoordelaar"], gemeenten=[gemeente("0599")]
    )
    assert list(werkvoorraad(gebruiker=elders)) == []


def test_switching_a_rule_off_is_audited_and_only_for_allowed_rules(ds, beheerder):
    from kern.models import AuditRecord

    with pytest.raises(DomeinFout) as fout:
        services.regel_instellen(
            door=beheerder, gemeente=ds.scene.gemeente, wet="wmo", regel="TR321", uitgeschakeld=True
        )
    assert fout.value.code == "regel_niet_uitschakelbaar"
    services.regel_instellen(
        door=beheerder,
        gemeente=ds.scene.gemeente,
        wet="wmo",
        regel="TR418",
        uitgeschakeld=True,
        toelichting="Tarieven op maat afgesproken.",
    )
    [record] = AuditRecord.objects.filter(content_type__model="regelinstelling")
    assert (record.gebruiker, record.na["regel"], record.na["uitgeschakeld"]) == (
        beheerder,
        "TR418",
        True,
    )


# --- The pure selection ----------------------------------------------------------------------


@given(
    ref=st.text(min_size=1, max_size=20),
    p=st.decimals(min_value=0, max_value=100, places=2),
    q=st.decimals(min_value=0, max_value=100, places=2),
)
def test_a_line_drawn_at_a_share_is_drawn_at_every_larger_share(ref, p, q):
    laag, hoog = sorted((p, q))
    if getrokken(zaad="z", referentienummer=ref, percentage=laag):
        assert getrokken(zaad="z", referentienummer=ref, percentage=hoog)
    assert not getrokken(zaad="z", referentienummer=ref, percentage=D(0))
    assert getrokken(zaad="z", referentienummer=ref, percentage=D(100))


def test_the_random_share_is_about_the_percentage_and_stable():
    refs = [f"R{i}" for i in range(4000)]
    getrokken_ = [r for r in refs if getrokken(zaad="agb:id", referentienummer=r, percentage=D(5))]
    assert 150 <= len(getrokken_) <= 250
    assert getrokken_ == [
        r for r in refs if getrokken(zaad="agb:id", referentienummer=r, percentage=D(5))
    ]


def test_unusual_against_the_providers_own_average():
    kandidaten = [
        Kandidaat(sleutel=1, referentienummer="a", productcode="02A01", bedrag=D("100")),
        Kandidaat(sleutel=2, referentienummer="b", productcode="02A01", bedrag=D("301")),
        Kandidaat(sleutel=3, referentienummer="c", productcode="02A01", bedrag=D("33")),
        Kandidaat(sleutel=4, referentienummer="d", productcode="07A01", bedrag=D("9999")),
    ]
    gekozen = te_beoordelen(
        kandidaten,
        instelling=Instelling(afwijking_factor=D("3")),
        zaad="z",
        gemiddelden={"02A01": D("100")},
    )
    assert gekozen == {2: ("afwijkend",), 3: ("afwijkend",)}

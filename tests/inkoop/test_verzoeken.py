"""Verzoeken om toewijzing (315) and om wijziging (317): from the berichtenbox into the
regisseur's work queue with their retour (316/318), the refusals with the standard's codes
(nothing booked), and the regisseur's decisions with the 301 or 319 that answers them."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection

from contracten.constants import Eenheid
from financien.constants import BronType
from financien.models import Reservering
from inkoop import selectors, services
from inkoop.constants import VerzoekSoort, VerzoekStatus
from inkoop.models import (
    Client,
    Toewijzing,
    Verzoek,
    VerzoekReferentie,
    VerzoekStatusWijziging,
)
from iwmo_jw.codec import valideer
from iwmo_jw.codec.modellen import Bericht301, Bericht316, Bericht318, Bericht319
from iwmo_jw.constants import BerichtStatus, TermijnSoort
from iwmo_jw.models import InkomendBericht, UitgaandBericht
from kern.constants import AuditActie
from kern.exceptions import Conflict, DomeinFout, GeenToegang
from kern.models import AuditRecord
from tests.factories import (
    GebruikerFactory,
    ProductFactory,
    aanbieder_gebruiker,
    categorie,
    gemeente,
)
from tests.inkoop.verzoek_hulp import (
    BSN,
    BSN_2,
    BSN_ONGELDIG,
    Scene,
    aangevraagd,
    client_maken,
    moment,
    nieuw_product,
    ontvangen,
    retour,
    scene_maken,
    te_wijzigen,
    toewijzing_maken,
    vandaag,
    vot,
    vow,
)

MAANDAG = date(2026, 11, 2)


@pytest.fixture
def s(db) -> Scene:
    return scene_maken()


def _niets_geboekt() -> None:
    assert Verzoek.objects.count() == 0
    assert VerzoekReferentie.objects.count() == 0
    assert VerzoekStatusWijziging.objects.count() == 0


# --- 315 -------------------------------------------------------------------------------------


def test_315_wordt_een_verzoek_in_de_werkvoorraad_met_een_316_zonder_opmerkingen(s):
    begin = vandaag() + timedelta(days=14)
    bericht = ontvangen(
        vot(aangevraagd("REF-1", ingangsdatum=begin, einddatum=begin + timedelta(days=90))),
        op=moment(MAANDAG),
    )
    assert bericht.status == BerichtStatus.VERWERKT
    verzoek = Verzoek.objects.get()
    client = Client.objects.get()
    assert (client.bsn, client.achternaam, client.voorvoegsel, client.voorletters) == (
        BSN,
        "Jansen",
        "de",
        "A",
    )
    assert (client.geboortedatum, client.geslacht, client.voornamen) == (
        date(1950, 3, 1),
        "2",
        "Anna",
    )
    assert verzoek.soort == VerzoekSoort.VOT
    assert verzoek.status == VerzoekStatus.OPEN
    assert verzoek.client == client
    assert verzoek.zorgaanbieder == s.aanbieder
    assert verzoek.gemeente == s.gemeente
    assert verzoek.wet == "wmo"
    assert verzoek.bericht == bericht
    assert verzoek.referentie_aanbieder == "REF-1"
    assert verzoek.ontvangen_op == moment(MAANDAG)
    assert verzoek.uiterste_antwoorddatum == date(2026, 11, 9)  # five working days
    assert verzoek.signaleringen == []
    assert verzoek.producten == [
        {
            "soort": "aangevraagd",
            "referentie_aanbieder": "REF-1",
            "beschikking_nummer": None,
            "productcategorie": "02",
            "productcode": "02A01",
            "ingangsdatum": begin.isoformat(),
            "einddatum": (begin + timedelta(days=90)).isoformat(),
            "volume": 4,
            "eenheid": "04",
            "frequentie": "2",
            "budget": None,
            "verwijzer_type": "01",
            "verwijzer_naam": "Gemeente",
            "verwijzer_zorgverlenercode": "",
            "raamcontract": "",
            "commentaar": "",
        }
    ]
    assert list(VerzoekReferentie.objects.values_list("referentie_aanbieder", flat=True)) == [
        "REF-1"
    ]
    assert list(verzoek.statuswijzigingen.values_list("van_status", "naar_status")) == [
        ("", "open")
    ]
    assert AuditRecord.objects.filter(
        object_id=str(verzoek.pk),
        actie=AuditActie.AANGEMAAKT,
        object_omschrijving="verzoek vot open",
    ).exists()
    # The 316: the header only, no retourcodes (IV028), answering the 315.
    r316 = retour(bericht, "316")
    assert isinstance(r316, Bericht316)
    assert r316.soort.naam == "WMO316"
    assert r316.client is None
    assert r316.header.retour_codes == ()
    assert (r316.header.afzender, r316.header.ontvanger) == ("12345678", "0363")
    assert r316.header.identificatie == "VOT0001"
    assert len(r316.header.identificatie_retour) == 12
    uit = UitgaandBericht.objects.get(berichttype="316")
    assert (uit.afzender, uit.ontvanger, uit.antwoord_op) == ("0363", "12345678", bericht)
    assert valideer(uit.inhoud_bytes()).geldig
    termijnen = dict(bericht.termijnen.values_list("soort", "gesloten_door"))
    assert termijnen == {TermijnSoort.RETOUR: uit.pk, TermijnSoort.TOEWIJZING_OF_ANTWOORD: None}


def test_een_bekende_client_wordt_niet_bijgewerkt_uit_het_bericht_van_de_aanbieder(s):
    client_maken(s)
    ontvangen(vot())
    client = Client.objects.get()
    assert client.voornamen == ""  # the register keeps its own data
    assert Verzoek.objects.get().client == client


def test_tweede_open_verzoek_voor_dezelfde_client_wordt_geweigerd_met_9374(s):
    ontvangen(vot(aangevraagd("REF-1")))
    tweede = ontvangen(vot(aangevraagd("REF-2"), identificatie="VOT0002"))
    assert tweede.status == BerichtStatus.VERWERKT
    assert Verzoek.objects.count() == 1
    assert VerzoekReferentie.objects.count() == 1
    r316 = retour(tweede, "316")
    assert r316.header.retour_codes == ("0200",)
    assert r316.client.retour_codes == ("9374",)
    assert [p.retour_codes for p in r316.client.aangevraagde_producten] == [("0200",)]
    # The classes are copied unchanged.
    assert r316.client.bsn == BSN
    assert r316.client.aangevraagde_producten[0].referentie_aanbieder == "REF-2"
    # No 301 or 319 follows: the second deadline lapsed with the reason.
    termijn = tweede.termijnen.get(soort=TermijnSoort.TOEWIJZING_OF_ANTWOORD)
    assert termijn.gesloten_op is not None
    assert termijn.sluitreden == (
        "Het verzoek is in de retour afgekeurd (retourcode 9374); er volgt geen toewijzing of "
        "antwoordbericht."
    )


def test_een_verzoek_bij_een_andere_aanbieder_telt_niet_voor_9374(s):
    from tests.factories import ContractFactory, TariefperiodeFactory, ZorgaanbiederFactory

    ander = ZorgaanbiederFactory(agb_code="87654321", naam="Hulp Zuid B.V.")
    contract = ContractFactory(zorgaanbieder=ander, gemeenten=[s.gemeente])
    TariefperiodeFactory(contract=contract, product=s.product)
    ontvangen(vot(aangevraagd("REF-1")))
    ontvangen(vot(aangevraagd("REF-1"), agb="87654321", identificatie="VOT0002"))
    assert Verzoek.objects.count() == 2  # a referentie is unique per provider, not globally


def test_hergebruikte_referentie_wordt_geweigerd_met_9347(s):
    eerste = ontvangen(vot(aangevraagd("REF-1")))
    services.verzoek_afwijzen(
        door=s.regisseur, verzoek=Verzoek.objects.get(bericht=eerste), reden_afwijzing="7"
    )
    tweede = ontvangen(
        vot(
            aangevraagd("REF-2"),
            aangevraagd("REF-1", code="02A02", volume=2),
            identificatie="VOT0002",
        )
    )
    assert Verzoek.objects.count() == 1
    r316 = retour(tweede, "316")
    assert r316.client.retour_codes == ("0200",)
    assert [p.retour_codes for p in r316.client.aangevraagde_producten] == [
        ("0200",),
        ("9347",),
    ]


def test_onbekend_product_wordt_geweigerd_met_s329_en_er_wordt_niets_geboekt(s):
    bericht = ontvangen(
        vot(aangevraagd("REF-1"), aangevraagd("REF-2", code="02X99", volume=2), bsn=BSN_2)
    )
    assert bericht.status == BerichtStatus.VERWERKT
    _niets_geboekt()
    assert Client.objects.count() == 0  # not even the client is registered
    r316 = retour(bericht, "316")
    assert r316.header.retour_codes == ("0200",)
    assert r316.client.retour_codes == ("0200",)
    assert [p.retour_codes for p in r316.client.aangevraagde_producten] == [
        ("0200",),
        ("S329",),
    ]
    assert valideer(bericht.antwoorden.get().inhoud_bytes()).geldig


def test_product_zonder_contract_wordt_een_verzoek_met_signalering(s):
    ProductFactory(
        categorie=categorie("wmo", "07"),
        productcode="07A01",
        naam="Dagbesteding",
        eenheid=Eenheid.DAGDEEL,
    )
    bericht = ontvangen(vot(aangevraagd("REF-9", categorie="07", code="07A01", eenheid="16")))
    verzoek = Verzoek.objects.get()
    assert retour(bericht, "316").header.retour_codes == ()
    assert verzoek.signaleringen == [
        {
            "code": "geen_contract",
            "melding": "Zorg Noord B.V. heeft geen lopend contract voor product 07/07A01 in "
            "gemeente Amsterdam (REF-9); afwijzen kan met reden 3 (Geen contract).",
        }
    ]


def test_bsn_zonder_elfproef_krijgt_0001_in_de_header_en_geen_verzoek(s):
    bericht = ontvangen(vot(bsn=BSN_ONGELDIG))
    assert bericht.status == BerichtStatus.VERWERKT
    assert (bericht.uitkomst_code, bericht.retourcode) == ("ongeldig_niveau_2", "0001")
    _niets_geboekt()
    assert Client.objects.count() == 0
    r316 = retour(bericht, "316")
    assert r316.header.retour_codes == ("0001",)
    assert r316.client is None
    # Only the retour deadline exists (no 301 or 319 is owed).
    assert list(bericht.termijnen.values_list("soort", flat=True)) == [TermijnSoort.RETOUR]


def test_onbekende_agb_code_laat_de_verwerking_mislukken_zonder_iets_te_boeken(s):
    bericht = ontvangen(vot(agb="99999999"))
    assert bericht.status == BerichtStatus.VERWERKING_MISLUKT
    assert bericht.verwerking_fout == (
        "zorgaanbieder_onbekend: Er is geen zorgaanbieder met AGB-code 99999999; leg de "
        "aanbieder vast en bied het bericht opnieuw aan."
    )
    assert not bericht.antwoorden.exists()
    _niets_geboekt()
    assert Client.objects.count() == 0


# --- 317 -------------------------------------------------------------------------------------


def test_317_wordt_een_verzoek_met_de_hele_gewenste_situatie(s):
    t = toewijzing_maken(s, ingangsdatum=vandaag(), einddatum=vandaag() + timedelta(days=90))
    nieuw_begin = vandaag() + timedelta(days=30)
    bericht = ontvangen(
        vow(
            ongewijzigd=(t.nummer,),
            nieuw=(
                nieuw_product(
                    code="02A02",
                    ingangsdatum=nieuw_begin,
                    einddatum=nieuw_begin + timedelta(days=60),
                ),
            ),
        )
    )
    assert bericht.status == BerichtStatus.VERWERKT, bericht.verwerking_fout
    verzoek = Verzoek.objects.get()
    assert (verzoek.soort, verzoek.referentie_aanbieder, verzoek.reden_verzoek) == (
        VerzoekSoort.VOW,
        "VOW-1",
        "1",
    )
    assert verzoek.producten == [
        {"soort": "ongewijzigd", "toewijzing_nummer": t.nummer},
        {
            "soort": "nieuw",
            "productcategorie": "02",
            "productcode": "02A02",
            "ingangsdatum": nieuw_begin.isoformat(),
            "einddatum": (nieuw_begin + timedelta(days=60)).isoformat(),
            "volume": 2,
            "eenheid": "04",
            "frequentie": "2",
            "budget": None,
        },
    ]
    r318 = retour(bericht, "318")
    assert isinstance(r318, Bericht318)
    assert (r318.header.retour_codes, r318.client) == ((), None)


def test_317_voor_een_onbekende_client_wordt_geweigerd_met_8187(s):
    bericht = ontvangen(vow(ongewijzigd=(42,), nieuw=(nieuw_product(),)))
    _niets_geboekt()
    r318 = retour(bericht, "318")
    assert r318.header.retour_codes == ("0200",)
    assert r318.client.retour_codes == ("8187",)
    assert r318.client.verzoek.retour_codes == ("0233",)
    assert r318.client.verzoek.ongewijzigde_producten[0].retour_codes == ("0233",)
    assert r318.client.verzoek.nieuwe_producten[0].retour_codes == ("0233",)


def test_317_moet_alle_actuele_toewijzingen_noemen_en_alleen_bestaande(s):
    t = toewijzing_maken(s, ingangsdatum=vandaag(), einddatum=vandaag() + timedelta(days=90))
    bericht = ontvangen(
        vow(
            te_wijzigen=(
                te_wijzigen(t.nummer + 1000, ingangsdatum=t.ingangsdatum, einddatum=t.einddatum),
            ),
            nieuw=(nieuw_product(),),
        )
    )
    _niets_geboekt()
    r318 = retour(bericht, "318")
    assert r318.client.retour_codes == ("0200",)
    assert r318.client.verzoek.retour_codes == ("9349",)
    assert r318.client.verzoek.te_wijzigen_producten[0].retour_codes == ("9351",)
    assert r318.client.verzoek.nieuwe_producten[0].retour_codes == ("0200",)


def test_317_te_wijzigen_product_regels_9357_en_9411(s):
    t = toewijzing_maken(
        s, ingangsdatum=vandaag() - timedelta(days=10), einddatum=vandaag() + timedelta(days=90)
    )
    bericht = ontvangen(
        vow(
            te_wijzigen=(
                # Starts today, not on the toewijzing's ingangsdatum (TR357); no Omvang
                # although the toewijzing has a product code (TR411).
                te_wijzigen(t.nummer, ingangsdatum=vandaag(), einddatum=t.einddatum, volume=None),
            ),
        )
    )
    _niets_geboekt()
    codes = retour(bericht, "318").client.verzoek.te_wijzigen_producten[0].retour_codes
    assert codes == ("9357", "9411")


def test_317_nieuw_product_mag_een_blijvende_toewijzing_niet_overlappen_9361(s):
    t = toewijzing_maken(s, ingangsdatum=vandaag(), einddatum=vandaag() + timedelta(days=90))
    bericht = ontvangen(
        vow(
            ongewijzigd=(t.nummer,),
            nieuw=(
                nieuw_product(code="02A01", ingangsdatum=vandaag() + timedelta(days=30)),
                nieuw_product(code="02A02", ingangsdatum=vandaag() + timedelta(days=30)),
                nieuw_product(code="02A01", ingangsdatum=vandaag() + timedelta(days=91)),
            ),
        )
    )
    _niets_geboekt()
    nieuw = retour(bericht, "318").client.verzoek.nieuwe_producten
    assert [p.retour_codes for p in nieuw] == [("9361",), ("0200",), ("0200",)]


# --- Decisions -------------------------------------------------------------------------------


def _verzoek(s: Scene, *producten, **kwargs) -> Verzoek:
    bericht = ontvangen(vot(*producten, **kwargs))
    return Verzoek.objects.get(bericht=bericht)


def test_afwijzen_stuurt_een_319_per_referentie_met_de_reden(s):
    verzoek = _verzoek(
        s,
        aangevraagd("REF-1"),
        aangevraagd("REF-2", code="02A01", volume=1, ingangsdatum=vandaag() + timedelta(days=200)),
    )
    verzoek = services.verzoek_afwijzen(
        door=s.regisseur, verzoek=verzoek, reden_afwijzing="2", toelichting="Te duur"
    )
    assert verzoek.status == VerzoekStatus.AFGEWEZEN
    assert (verzoek.reden_afwijzing, verzoek.toelichting, verzoek.beslist_door) == (
        "2",
        "Te duur",
        s.regisseur,
    )
    assert verzoek.beslist_op is not None and verzoek.beantwoord_op == verzoek.beslist_op
    uit = list(UitgaandBericht.objects.filter(berichttype="319").order_by("pk"))
    assert len(uit) == 2
    antwoorden = [valideer(u.inhoud_bytes()).bericht for u in uit]
    assert all(isinstance(a, Bericht319) for a in antwoorden)
    assert [
        (
            a.antwoord.referentie_aanbieder,
            a.antwoord.verzoek_antwoord,
            a.antwoord.reden_afwijzing_verzoek,
        )
        for a in antwoorden
    ] == [("REF-1", "1", "2"), ("REF-2", "1", "2")]
    assert {(u.afzender, u.ontvanger, u.antwoord_op_id) for u in uit} == {
        ("0363", "12345678", verzoek.bericht_id)
    }
    assert {u.aangemaakt_door for u in uit} == {s.regisseur}
    assert list(verzoek.statuswijzigingen.values_list("van_status", "naar_status", "door")) == [
        ("", "open", None),
        ("open", "afgewezen", s.regisseur.pk),
    ]
    termijn = verzoek.bericht.termijnen.get(soort=TermijnSoort.TOEWIJZING_OF_ANTWOORD)
    assert termijn.gesloten_door == uit[0]
    # Decided: no longer in the work queue, a new verzoek may come.
    assert selectors.werkvoorraad(gebruiker=s.regisseur) == []


def test_in_onderzoek_eenmaal_daarna_alleen_toekennen_of_afwijzen(s):
    verzoek = _verzoek(s)
    verzoek = services.verzoek_in_onderzoek(door=s.regisseur, verzoek=verzoek)
    assert verzoek.status == VerzoekStatus.IN_ONDERZOEK
    assert verzoek.uiterste_antwoorddatum == vandaag() + timedelta(weeks=8)
    assert verzoek.beantwoord_op is not None and verzoek.beslist_op is None
    eerste = valideer(UitgaandBericht.objects.get(berichttype="319").inhoud_bytes()).bericht
    assert (eerste.antwoord.verzoek_antwoord, eerste.antwoord.reden_afwijzing_verzoek) == (
        "2",
        None,
    )
    with pytest.raises(Conflict) as fout:
        services.verzoek_in_onderzoek(door=s.regisseur, verzoek=verzoek)
    assert fout.value.code == "statusovergang_niet_toegestaan"
    assert fout.value.bericht == "Een verzoek met status in onderzoek kan niet naar in onderzoek."
    # Still open for TR374.
    tweede = ontvangen(vot(aangevraagd("REF-2"), identificatie="VOT0002"))
    assert retour(tweede, "316").client.retour_codes == ("9374",)
    services.verzoek_afwijzen(door=s.regisseur, verzoek=verzoek, reden_afwijzing="7")
    assert UitgaandBericht.objects.filter(berichttype="319").count() == 2


@pytest.mark.parametrize("besluit", ["toekennen", "afwijzen"])
def test_in_onderzoek_opent_de_achtwekentermijn_die_het_besluit_sluit(s, besluit):
    """The 319 "in onderzoek" meets the five-day deadline and opens the eight-week one in the
    berichtenbox: signalled once when overdue, closed by the definitive 301 or 319."""
    from iwmo_jw.services import verlopen_termijnen_signaleren, vervolgtermijn_openen

    verzoek = services.verzoek_in_onderzoek(door=s.regisseur, verzoek=_verzoek(s))
    termijnen = {t.soort: t for t in verzoek.bericht.termijnen.all()}
    eerste = termijnen[TermijnSoort.TOEWIJZING_OF_ANTWOORD]
    assert eerste.gesloten_door == UitgaandBericht.objects.get(berichttype="319")
    acht = termijnen[TermijnSoort.DEFINITIEF_ANTWOORD]
    assert (acht.begindatum, acht.uiterste_datum, acht.open) == (
        vandaag(),
        vandaag() + timedelta(weeks=8),
        True,
    )
    assert acht.uiterste_datum == verzoek.uiterste_antwoorddatum
    assert 36 <= acht.werkdagen <= 40  # eight weeks less public holidays
    # Opening it again returns the one there is.
    assert (
        vervolgtermijn_openen(
            bericht=verzoek.bericht,
            soort=TermijnSoort.DEFINITIEF_ANTWOORD,
            begindatum=vandaag() + timedelta(days=1),
            uiterste_datum=vandaag() + timedelta(weeks=9),
        )
        == acht
    )
    # Overdue before the decision: signalled once.
    na = acht.uiterste_datum + timedelta(days=1)
    assert verlopen_termijnen_signaleren(peildatum=na) == 1
    assert verlopen_termijnen_signaleren(peildatum=na) == 0
    if besluit == "toekennen":
        services.verzoek_toekennen(door=s.regisseur, verzoek=verzoek)
        antwoord = UitgaandBericht.objects.get(berichttype="301")
    else:
        services.verzoek_afwijzen(door=s.regisseur, verzoek=verzoek, reden_afwijzing="7")
        antwoord = UitgaandBericht.objects.filter(berichttype="319").latest("pk")
    acht.refresh_from_db()
    assert (acht.open, acht.gesloten_door) == (False, antwoord)


def test_alleen_een_bekende_vervolgtermijn(s):
    from iwmo_jw.services import vervolgtermijn_openen

    verzoek = _verzoek(s)
    with pytest.raises(DomeinFout) as fout:
        vervolgtermijn_openen(
            bericht=verzoek.bericht,
            soort=TermijnSoort.DECLARATIE_ANTWOORD,
            begindatum=vandaag(),
            uiterste_datum=vandaag() + timedelta(days=10),
        )
    assert fout.value.code == "termijn_onbekend"


def test_een_geweigerde_beslissing_verandert_niets(s):
    verzoek = _verzoek(s)
    aanbieder_user = aanbieder_gebruiker(s.aanbieder, username="noord_verzoek")
    andere_regisseur = GebruikerFactory(rollen=["regisseur"], gemeenten=[gemeente("0599")])
    pogingen = [
        ({"door": s.regisseur, "reden_afwijzing": "0"}, DomeinFout, "reden_afwijzing_ongeldig"),
        (
            {"door": s.regisseur, "reden_afwijzing": "3", "woonplaatsbeginsel_gemeente": "0599"},
            DomeinFout,
            "woonplaatsbeginsel_niet_toegestaan",
        ),
        ({"door": aanbieder_user, "reden_afwijzing": "3"}, GeenToegang, "geen_toegang"),
        (
            {"door": andere_regisseur, "reden_afwijzing": "3"},
            DomeinFout,
            "gemeente_buiten_bevoegdheid",
        ),
        (
            {"door": s.regisseur, "reden_afwijzing": "3", "toelichting": "x" * 256},
            DomeinFout,
            "te_lang",
        ),
    ]
    for kwargs, soort_fout, code in pogingen:
        with pytest.raises(soort_fout) as fout:
            services.verzoek_afwijzen(verzoek=verzoek, **kwargs)
        assert fout.value.code == code
    verzoek.refresh_from_db()
    assert (verzoek.status, verzoek.beslist_op, verzoek.reden_afwijzing) == ("open", None, "")
    assert not UitgaandBericht.objects.filter(berichttype="319").exists()
    assert verzoek.statuswijzigingen.count() == 1


def test_woonplaatsbeginsel_in_de_jeugdwet_noemt_de_gemeente(s):
    ProductFactory(categorie=categorie("jw", "45"), productcode="45A01", naam="Ambulant")
    bericht = ontvangen(
        vot(
            aangevraagd("JREF-1", categorie="45", code="45A01"),
            naam="JW315",
            identificatie="JVOT01",
        )
    )
    verzoek = Verzoek.objects.get(bericht=bericht)
    assert verzoek.wet == "jw"
    with pytest.raises(DomeinFout) as fout:
        services.verzoek_afwijzen(door=s.regisseur, verzoek=verzoek, reden_afwijzing="8")
    assert fout.value.code == "woonplaatsbeginsel_gemeente_verplicht"
    services.verzoek_afwijzen(
        door=s.regisseur, verzoek=verzoek, reden_afwijzing="8", woonplaatsbeginsel_gemeente="0599"
    )
    antwoord = valideer(UitgaandBericht.objects.get(berichttype="319").inhoud_bytes()).bericht
    assert antwoord.soort.naam == "JW319"
    assert antwoord.antwoord.woonplaatsbeginsel.gemeente == "0599"


def test_toekennen_maakt_toewijzingen_met_reservering_en_een_301_als_antwoord(s):
    begin = vandaag() + timedelta(days=14)
    verzoek = _verzoek(
        s, aangevraagd("REF-1", ingangsdatum=begin, einddatum=begin + timedelta(days=27))
    )
    verzoek = services.verzoek_toekennen(door=s.regisseur, verzoek=verzoek, toelichting="Akkoord")
    assert verzoek.status == VerzoekStatus.TOEGEKEND
    toewijzing = Toewijzing.objects.get()
    assert (toewijzing.verzoek, toewijzing.referentie_aanbieder) == (verzoek, "REF-1")
    assert (toewijzing.product, toewijzing.volume, toewijzing.eenheid, toewijzing.frequentie) == (
        s.product,
        4,
        "04",
        "2",
    )
    assert (toewijzing.ingangsdatum, toewijzing.einddatum) == (begin, begin + timedelta(days=27))
    # Four weeks of 4 hours at 65.00 are reserved.
    reserveringen = Reservering.objects.filter(
        bron_type=BronType.TOEWIJZING, bron_id=str(toewijzing.uuid)
    )
    assert sum(r.bedrag for r in reserveringen) == Decimal("1040.00")
    uit = UitgaandBericht.objects.get(berichttype="301")
    assert uit.antwoord_op == verzoek.bericht
    b301 = valideer(uit.inhoud_bytes()).bericht
    assert isinstance(b301, Bericht301)
    assert [
        (p.toewijzing_nummer, p.referentie_aanbieder) for p in b301.client.toegewezen_producten
    ] == [(toewijzing.nummer, "REF-1")]
    termijn = verzoek.bericht.termijnen.get(soort=TermijnSoort.TOEWIJZING_OF_ANTWOORD)
    assert termijn.gesloten_door == uit


def test_toekennen_dat_de_regels_weigeren_verandert_niets(s):
    ProductFactory(categorie=categorie("wmo", "07"), productcode="07A01", eenheid=Eenheid.DAGDEEL)
    verzoek = _verzoek(s, aangevraagd("REF-9", categorie="07", code="07A01", eenheid="16"))
    with pytest.raises(DomeinFout) as fout:
        services.verzoek_toekennen(door=s.regisseur, verzoek=verzoek)
    assert fout.value.code == "geen_contract"
    verzoek.refresh_from_db()
    assert verzoek.status == VerzoekStatus.OPEN
    assert not Toewijzing.objects.exists()
    assert not UitgaandBericht.objects.filter(berichttype="301").exists()
    assert not Reservering.objects.exists()


def test_toekennen_van_een_317_wijzigt_en_voegt_toe_met_een_301(s):
    t = toewijzing_maken(s, ingangsdatum=vandaag(), einddatum=vandaag() + timedelta(days=60))
    langer = vandaag() + timedelta(days=120)
    bericht = ontvangen(
        vow(
            te_wijzigen=(te_wijzigen(t.nummer, ingangsdatum=t.ingangsdatum, einddatum=langer),),
            nieuw=(nieuw_product(code="02A02", volume=2),),
        )
    )
    verzoek = Verzoek.objects.get(bericht=bericht)
    services.verzoek_toekennen(door=s.regisseur, verzoek=verzoek)
    t.refresh_from_db()
    assert (t.einddatum, t.reden_wijziging) == (langer, "12")
    nieuw = Toewijzing.objects.exclude(pk=t.pk).get()
    assert (nieuw.verzoek, nieuw.referentie_aanbieder, nieuw.volume, nieuw.product) == (
        verzoek,
        "VOW-1",
        2,
        s.product_groep,
    )
    uit = UitgaandBericht.objects.filter(berichttype="301", antwoord_op=bericht)
    assert uit.count() == 1
    b301 = valideer(uit.get().inhoud_bytes()).bericht
    assert sorted(p.toewijzing_nummer for p in b301.client.toegewezen_producten) == sorted(
        [t.nummer, nieuw.nummer]
    )
    # The changed toewijzing echoes the 317's ReferentieAanbieder too (TR379).
    assert {p.toewijzing_nummer: p.referentie_aanbieder for p in b301.client.toegewezen_producten}[
        t.nummer
    ] == "VOW-1"


def test_toekennen_van_een_andere_omvang_trekt_in_en_wijst_opnieuw_toe(s):
    t = toewijzing_maken(s, ingangsdatum=vandaag(), einddatum=vandaag() + timedelta(days=60))
    vanaf = vandaag() + timedelta(days=20)
    bericht = ontvangen(
        vow(
            te_wijzigen=(
                te_wijzigen(t.nummer, ingangsdatum=vanaf, einddatum=t.einddatum, volume=6),
            )
        )
    )
    services.verzoek_toekennen(door=s.regisseur, verzoek=Verzoek.objects.get(bericht=bericht))
    t.refresh_from_db()
    assert (t.status, t.einddatum) == ("ingetrokken", vanaf - timedelta(days=1))
    nieuw = Toewijzing.objects.exclude(pk=t.pk).get()
    assert (nieuw.ingangsdatum, nieuw.einddatum, nieuw.volume) == (
        vanaf,
        t.ingangsdatum + timedelta(days=60),
        6,
    )


# --- Work queue ------------------------------------------------------------------------------


def test_werkvoorraad_dringendste_eerst_met_werkdagen_over(s, django_assert_num_queries):
    ontvangen(vot(aangevraagd("A")), op=moment(MAANDAG))
    ontvangen(
        vot(aangevraagd("B"), bsn=BSN_2, identificatie="VOT0002"), op=moment(date(2026, 10, 26))
    )
    selectors.werkvoorraad(gebruiker=s.regisseur)  # the user's roles and gemeenten are cached
    with django_assert_num_queries(1):
        regels = selectors.werkvoorraad(gebruiker=s.regisseur, peildatum=date(2026, 11, 4))
    assert [
        (
            r.verzoek.referentie_aanbieder,
            r.verzoek.uiterste_antwoorddatum,
            r.werkdagen_over,
            r.te_laat,
        )
        for r in regels
    ] == [
        ("B", date(2026, 11, 2), -2, True),
        ("A", date(2026, 11, 9), 3, False),
    ]
    aanbieder_user = aanbieder_gebruiker(s.aanbieder, username="noord_werk")
    assert len(selectors.werkvoorraad(gebruiker=aanbieder_user)) == 2
    andere = GebruikerFactory(rollen=["regisseur"], gemeenten=[gemeente("0599")])
    assert selectors.werkvoorraad(gebruiker=andere) == []


def test_werkdagen_over_telt_weekend_en_feestdagen_niet():
    assert selectors.werkdagen_over(date(2026, 12, 28), date(2026, 12, 24)) == 1  # 25/26 Dec
    assert selectors.werkdagen_over(date(2026, 12, 24), date(2026, 12, 24)) == 0
    assert selectors.werkdagen_over(date(2026, 11, 27), date(2026, 11, 30)) == -1


# --- Concurrency (PostgreSQL) ----------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twee_gelijktijdige_315s_geven_een_open_verzoek():
    s = scene_maken()
    berichten = [vot(aangevraagd(f"RACE-{i}"), identificatie=f"RACE{i:04d}") for i in range(2)]
    start = threading.Barrier(2)
    fouten: list[BaseException] = []

    def ontvang(data: bytes) -> None:
        try:
            start.wait()
            ontvangen(data)
        except BaseException as exc:  # pragma: no cover - reported below
            fouten.append(exc)
        finally:
            connection.close()

    draden = [threading.Thread(target=ontvang, args=(b,)) for b in berichten]
    for d in draden:
        d.start()
    for d in draden:
        d.join()
    assert fouten == []
    assert Verzoek.objects.filter(status__in=["open", "in_onderzoek"]).count() == 1
    assert Client.objects.count() == 1
    codes = sorted(
        valideer(u.inhoud_bytes()).bericht.client.retour_codes
        if valideer(u.inhoud_bytes()).bericht.client is not None
        else ()
        for u in UitgaandBericht.objects.filter(berichttype="316")
    )
    assert codes == [(), ("9374",)]
    assert InkomendBericht.objects.filter(status=BerichtStatus.VERWERKT).count() == 2
    assert s.aanbieder.pk

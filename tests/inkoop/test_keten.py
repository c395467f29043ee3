"""The whole chain of issue 5, through the services and the berichtenbox, as a worked example:

a provider is admitted in an open house and its contract appears; a regisseur finds it in
the provider search and issues a toewijzing; the reservation appears in the budgetstand and a
301 that validates against the XSD is in the outbox; a 315 from the provider becomes a
verzoek, is granted and produces a 301; a 305 starts and a 307 stops the care, which puts the
toewijzing on the regisseur's list without touching the money.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from contracten import selectors as contracten_selectors
from financien import selectors as financien_selectors
from financien.models import Reservering
from inkoop import selectors, services
from inkoop.constants import Besluit, VerzoekStatus
from inkoop.models import Toewijzing, Verzoek
from iwmo_jw.codec import valideer
from iwmo_jw.codec.modellen import Bericht301
from iwmo_jw.constants import BerichtStatus, UitgaandStatus
from iwmo_jw.models import UitgaandBericht
from kern.services import gemeenten_aansluiten
from tests.inkoop.conftest import perceel
from tests.inkoop.verzoek_hulp import (
    BSN,
    BSN_2,
    aangevraagd,
    budget_inrichten,
    ontvangen,
    retour,
    start,
    start_product,
    stop,
    stop_product,
    vot,
)


def test_van_open_house_tot_stop_zorg(
    open_house,
    inkoper,
    regisseur,
    aanbieder,
    aanbieder_user,
    amsterdam,
    begeleiding,
    begeleiding_groep,
    vandaag,
):
    gemeenten_aansluiten(door=None, gemeenten=[amsterdam])
    budgetposten = budget_inrichten(amsterdam)

    # 1. The provider is admitted in the open house; its contract appears with the tariff.
    inschrijving = services.inschrijving_indienen(
        door=aanbieder_user,
        perceel=perceel(open_house, "Begeleiding"),
        zorgaanbieder=aanbieder,
        tarieven={begeleiding_groep: Decimal("68.50")},
    )
    services.inschrijving_beoordelen(
        door=inkoper, inschrijving=inschrijving, besluit=Besluit.TOELATEN
    )
    [contract] = contracten_selectors.contracten_zichtbaar(gebruiker=aanbieder_user)
    assert contract.nummer == f"{open_house.code}-{aanbieder.agb_code}"
    assert contracten_selectors.tarief_op(
        zorgaanbieder=aanbieder, product=begeleiding, gemeente=amsterdam, datum=vandaag
    ).bedrag.amount == Decimal("65.00")

    # 2. The regisseur finds it in the provider search.
    gevonden = selectors.aanbieders_zoeken(
        gebruiker=regisseur, gemeente=amsterdam, datum=vandaag, product=begeleiding
    )
    assert [(t.contract.zorgaanbieder, t.bedrag.amount) for t in gevonden] == [
        (aanbieder, Decimal("65.00"))
    ]

    # 3. A toewijzing: four weeks of 3 hours a week; 780.00 reserved; a 301 in the outbox.
    client = services.client_vastleggen(
        door=regisseur,
        gemeente=amsterdam,
        bsn=BSN,
        geboortedatum=vandaag.replace(year=vandaag.year - 40),
        achternaam="Jansen",
    )
    toewijzing = services.toewijzing_verstrekken(
        door=regisseur,
        client=client,
        zorgaanbieder=aanbieder,
        wet="wmo",
        ingangsdatum=vandaag,
        einddatum=vandaag + timedelta(days=27),
        product=begeleiding,
        volume=3,
        frequentie="2",
    )
    standen = financien_selectors.budgetstanden_voor(budgetposten)
    assert sum(st.gereserveerd for st in standen.values()) == Decimal("780.00")
    eerste_301 = UitgaandBericht.objects.get(berichttype="301")
    assert eerste_301.status == UitgaandStatus.AANGEMAAKT
    assert (eerste_301.afzender, eerste_301.ontvanger) == ("0363", aanbieder.agb_code)
    resultaat = valideer(eerste_301.inhoud_bytes())
    assert resultaat.geldig, resultaat.fouten
    assert isinstance(resultaat.bericht, Bericht301)
    assert [p.toewijzing_nummer for p in resultaat.bericht.client.toegewezen_producten] == [
        toewijzing.nummer
    ]

    # 4. A 315 from the provider for another client becomes a verzoek and is granted.
    heen = ontvangen(
        vot(
            aangevraagd(
                "KETEN-1",
                ingangsdatum=vandaag + timedelta(days=7),
                einddatum=vandaag + timedelta(days=34),
                volume=2,
            ),
            bsn=BSN_2,
        )
    )
    assert heen.status == BerichtStatus.VERWERKT
    assert retour(heen, "316").header.retour_codes == ()
    [regel] = selectors.werkvoorraad(gebruiker=regisseur)
    verzoek = services.verzoek_toekennen(door=regisseur, verzoek=regel.verzoek)
    assert verzoek.status == VerzoekStatus.TOEGEKEND
    antwoord = retour(heen, "301")
    assert [
        (p.referentie_aanbieder, p.omvang.volume) for p in antwoord.client.toegewezen_producten
    ] == [("KETEN-1", 2)]
    assert valideer(heen.antwoorden.get(berichttype="301").inhoud_bytes()).geldig
    nieuw = Toewijzing.objects.get(verzoek=verzoek)
    standen = financien_selectors.budgetstanden_voor(budgetposten)
    assert sum(st.gereserveerd for st in standen.values()) == Decimal("1300.00")  # + 4 x 2 x 65
    assert Verzoek.objects.get().toewijzingen.get() == nieuw

    # 5. The provider starts and stops the care of the first toewijzing.
    ontvangen(start(start_product(toewijzing.nummer, vandaag)))
    reserveringen = sorted(Reservering.objects.values_list("pk", "bedrag", "status"))
    gestopt = ontvangen(stop(stop_product(toewijzing.nummer, vandaag, vandaag, reden="02")))
    assert retour(gestopt, "308").client is None
    toewijzing.refresh_from_db()
    assert (toewijzing.zorg_begindatum, toewijzing.zorg_einddatum, toewijzing.bijstellen) == (
        vandaag,
        vandaag,
        True,
    )
    assert list(selectors.toewijzingen_bij_te_stellen(gebruiker=regisseur)) == [toewijzing]
    assert sorted(Reservering.objects.values_list("pk", "bedrag", "status")) == reserveringen

"""Scene and message builders for the tests of verzoeken (315/317), regiemeldingen (305/307),
the SLA figures and the chain test.

The scene: Amsterdam served by the berichtenbox; Zorg Noord (AGB 12345678) with a running
contract for Begeleiding individueel (Wmo 02A01, 65.00 per hour) and Begeleiding groep (02A02,
50.00 per hour) in Amsterdam; a regisseur
of Amsterdam; budget posts for this year and the next with a budget, and the rule that the
Wmo is paid from taakveld 6.71, so toewijzingen can reserve. Messages are built with the
codec's models and serialised (XSD-checked), dated today unless a test says otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from contracten.constants import Eenheid
from contracten.models import Contract, Product, Zorgaanbieder
from financien import services as financien_services
from financien.models import Budgetpost
from iwmo_jw.codec import serialize, soort, xsd_versie
from iwmo_jw.codec.modellen import (
    AangevraagdProduct315,
    Achternaam,
    Bericht305,
    Bericht307,
    Bericht315,
    Bericht317,
    BerichtIdentificatie,
    Client305,
    Client307,
    Client315,
    Client317,
    Geboortedatum,
    Header,
    NieuwProduct317,
    Omvang,
    OngewijzigdProduct317,
    StartProduct305,
    StopProduct307,
    TeWijzigenProduct317,
    VerkorteNaam,
    Verwijzer,
    Verzoek317,
)
from iwmo_jw.codec.modellen import (
    Product as BerichtProduct,
)
from iwmo_jw.models import InkomendBericht
from iwmo_jw.services import bericht_ontvangen
from kern.models import Gebruiker, Gemeente
from kern.services import gemeenten_aansluiten
from tests.factories import (
    ContractFactory,
    GebruikerFactory,
    ProductFactory,
    TariefperiodeFactory,
    ZorgaanbiederFactory,
    categorie,
    gemeente,
)

AMSTERDAM_TZ = ZoneInfo("Europe/Amsterdam")
AGB = "12345678"
BSN = "999900006"
BSN_2 = "999900018"
#: Fails the eleven-test (CS002, level 2).
BSN_ONGELDIG = "999900007"


def vandaag() -> date:
    return timezone.localdate()


def moment(dag: date, uur: int = 10) -> datetime:
    return datetime(dag.year, dag.month, dag.day, uur, 0, tzinfo=AMSTERDAM_TZ)


@dataclass
class Scene:
    gemeente: Gemeente
    aanbieder: Zorgaanbieder
    product: Product
    product_groep: Product
    contract: Contract
    regisseur: Gebruiker
    budgetposten: list[Budgetpost]


def scene_maken(*, agb: str = AGB, naam: str = "Zorg Noord B.V.") -> Scene:
    amsterdam = gemeente("0363")
    gemeenten_aansluiten(door=None, gemeenten=[amsterdam])
    amsterdam.refresh_from_db()
    aanbieder = ZorgaanbiederFactory(agb_code=agb, naam=naam)
    product = ProductFactory(
        categorie=categorie("wmo", "02"),
        productcode="02A01",
        naam="Begeleiding individueel",
        eenheid=Eenheid.UUR,
    )
    contract = ContractFactory(
        zorgaanbieder=aanbieder, gemeenten=[amsterdam], ingangsdatum=date(2025, 1, 1)
    )
    product_groep = ProductFactory(
        categorie=categorie("wmo", "02"),
        productcode="02A02",
        naam="Begeleiding groep",
        eenheid=Eenheid.UUR,
    )
    for p, bedrag in ((product, "65.00"), (product_groep, "50.00")):
        TariefperiodeFactory(
            contract=contract,
            product=p,
            bedrag=Decimal(bedrag),
            eenheid=Eenheid.UUR,
            ingangsdatum=date(2025, 1, 1),
        )
    regisseur = GebruikerFactory(
        username="regisseur_verzoek", rollen=["regisseur"], gemeenten=[amsterdam]
    )
    budgetposten = budget_inrichten(amsterdam)
    return Scene(amsterdam, aanbieder, product, product_groep, contract, regisseur, budgetposten)


def budget_inrichten(g: Gemeente) -> list[Budgetpost]:
    financien_services.toewijzingsregel_vastleggen(
        door=None, gemeente=g, wet="wmo", taakveld="6.71"
    )
    posten = []
    for jaar in (vandaag().year, vandaag().year + 1):
        post = financien_services.budgetpost_aanmaken(
            door=None, gemeente=g, jaar=jaar, wet="wmo", taakveld="6.71"
        )
        financien_services.budget_toekennen(
            door=None,
            budgetpost=post,
            bedrag=Decimal("1000000.00"),
            reden="Begroting",
            idempotentiesleutel=f"test-begroting-{g.code}-{jaar}",
        )
        posten.append(post)
    return posten


# --- Messages ------------------------------------------------------------------------------


def _header(
    naam: str, *, afzender: str, ontvanger: str, identificatie: str, dag: date | None
) -> Header:
    return Header(
        afzender=afzender,
        ontvanger=ontvanger,
        bericht_identificatie=BerichtIdentificatie(
            identificatie=identificatie, dagtekening=dag or vandaag()
        ),
        xsd_versie=xsd_versie(soort(naam)),
    )


def _naam() -> VerkorteNaam:
    return VerkorteNaam(
        geslachtsnaam=Achternaam(achternaam="Jansen", voorvoegsel="de"),
        voornamen="Anna",
        voorletters="A",
    )


def product_in_bericht(categorie: str | None = "02", code: str | None = "02A01") -> Any:
    if categorie is None:
        return None
    return BerichtProduct(categorie=categorie, code=code)


def aangevraagd(
    referentie: str = "REF-1",
    *,
    categorie: str | None = "02",
    code: str | None = "02A01",
    ingangsdatum: date | None = None,
    einddatum: date | None = None,
    volume: int | None = 4,
    eenheid: str = "04",
    frequentie: str = "2",
    budget: Decimal | None = None,
) -> AangevraagdProduct315:
    begin = ingangsdatum or vandaag() + timedelta(days=14)
    return AangevraagdProduct315(
        referentie_aanbieder=referentie,
        product=product_in_bericht(categorie, code),
        toewijzing_ingangsdatum=begin,
        toewijzing_einddatum=einddatum or begin + timedelta(days=90),
        omvang=(
            Omvang(volume=volume, eenheid=eenheid, frequentie=frequentie)
            if volume is not None
            else None
        ),
        budget=budget,
        verwijzer=Verwijzer(type="01", naam="Gemeente"),
    )


def vot(
    *producten: AangevraagdProduct315,
    identificatie: str = "VOT0001",
    bsn: str = BSN,
    agb: str = AGB,
    gemeentecode: str = "0363",
    dagtekening: date | None = None,
    naam: str = "WMO315",
) -> bytes:
    return serialize(
        Bericht315(
            soort=soort(naam),
            header=_header(
                naam,
                afzender=agb,
                ontvanger=gemeentecode,
                identificatie=identificatie,
                dag=dagtekening,
            ),
            client=Client315(
                bsn=bsn,
                geboortedatum=Geboortedatum(datum=date(1950, 3, 1)),
                geslacht="2",
                naam=_naam(),
                aangevraagde_producten=producten or (aangevraagd(),),
            ),
        )
    )


def vow(
    *,
    referentie: str = "VOW-1",
    ongewijzigd: tuple[int, ...] = (),
    te_wijzigen: tuple[TeWijzigenProduct317, ...] = (),
    nieuw: tuple[NieuwProduct317, ...] = (),
    identificatie: str = "VOW0001",
    bsn: str = BSN,
    agb: str = AGB,
    dagtekening: date | None = None,
) -> bytes:
    return serialize(
        Bericht317(
            soort=soort("WMO317"),
            header=_header(
                "WMO317",
                afzender=agb,
                ontvanger="0363",
                identificatie=identificatie,
                dag=dagtekening,
            ),
            client=Client317(
                bsn=bsn,
                verzoek=Verzoek317(
                    referentie_aanbieder=referentie,
                    reden_verzoek="1",
                    ongewijzigde_producten=tuple(
                        OngewijzigdProduct317(toewijzing_nummer=n) for n in ongewijzigd
                    ),
                    te_wijzigen_producten=te_wijzigen,
                    nieuwe_producten=nieuw,
                ),
            ),
        )
    )


def te_wijzigen(
    nummer: int,
    *,
    ingangsdatum: date,
    einddatum: date | None,
    volume: int | None = 4,
    eenheid: str = "04",
    frequentie: str = "2",
) -> TeWijzigenProduct317:
    return TeWijzigenProduct317(
        toewijzing_nummer=nummer,
        gewenste_ingangsdatum=ingangsdatum,
        einddatum=einddatum,
        omvang=(
            Omvang(volume=volume, eenheid=eenheid, frequentie=frequentie)
            if volume is not None
            else None
        ),
    )


def nieuw_product(
    *,
    code: str = "02A01",
    ingangsdatum: date | None = None,
    einddatum: date | None = None,
    volume: int = 2,
) -> NieuwProduct317:
    begin = ingangsdatum or vandaag() + timedelta(days=30)
    return NieuwProduct317(
        product=BerichtProduct(categorie="02", code=code),
        gewenste_ingangsdatum=begin,
        einddatum=einddatum or begin + timedelta(days=60),
        omvang=Omvang(volume=volume, eenheid="04", frequentie="2"),
    )


def start_product(
    nummer: int | None,
    begindatum: date,
    *,
    status: str = "1",
    ingangsdatum: date | None = None,
) -> StartProduct305:
    return StartProduct305(
        toewijzing_nummer=nummer,
        product=BerichtProduct(categorie="02", code="02A01"),
        toewijzing_ingangsdatum=ingangsdatum,
        begindatum=begindatum,
        status_aanlevering=status,
    )


def stop_product(
    nummer: int | None,
    begindatum: date,
    einddatum: date,
    *,
    reden: str = "19",
    status: str = "1",
    ingangsdatum: date | None = None,
) -> StopProduct307:
    return StopProduct307(
        toewijzing_nummer=nummer,
        product=BerichtProduct(categorie="02", code="02A01"),
        toewijzing_ingangsdatum=ingangsdatum,
        begindatum=begindatum,
        reden_beeindiging=reden,
        einddatum=einddatum,
        status_aanlevering=status,
    )


def start(
    *producten: StartProduct305,
    identificatie: str = "START001",
    bsn: str = BSN,
    agb: str = AGB,
    dagtekening: date | None = None,
) -> bytes:
    return serialize(
        Bericht305(
            soort=soort("WMO305"),
            header=_header(
                "WMO305",
                afzender=agb,
                ontvanger="0363",
                identificatie=identificatie,
                dag=dagtekening,
            ),
            client=Client305(
                bsn=bsn,
                geboortedatum=Geboortedatum(datum=date(1950, 3, 1)),
                geslacht="2",
                naam=_naam(),
                start_producten=producten,
            ),
        )
    )


def stop(
    *producten: StopProduct307,
    identificatie: str = "STOP001",
    bsn: str = BSN,
    agb: str = AGB,
    dagtekening: date | None = None,
) -> bytes:
    return serialize(
        Bericht307(
            soort=soort("WMO307"),
            header=_header(
                "WMO307",
                afzender=agb,
                ontvanger="0363",
                identificatie=identificatie,
                dag=dagtekening,
            ),
            client=Client307(
                bsn=bsn,
                geboortedatum=Geboortedatum(datum=date(1950, 3, 1)),
                geslacht="2",
                naam=_naam(),
                stop_producten=producten,
            ),
        )
    )


def ontvangen(data: bytes, *, op: datetime | None = None, naam: str = "") -> InkomendBericht:
    """Receive ``data`` through the berichtenbox (stored, checked, routed to its handler)."""
    return bericht_ontvangen(data=data, bestandsnaam=naam, ontvangen_op=op).bericht


def retour(bericht: InkomendBericht, berichttype: str) -> Any:
    """The parsed retour (or 319/301) of type ``berichttype`` that answers ``bericht``."""
    from iwmo_jw.codec import parse

    uit = bericht.antwoorden.filter(berichttype=berichttype).order_by("pk")
    assert uit.count() == 1, list(uit)
    return parse(uit.get().inhoud_bytes())


def client_maken(s: Scene, bsn: str = BSN) -> Any:
    from inkoop import services

    return services.client_vastleggen(
        door=s.regisseur,
        gemeente=s.gemeente,
        bsn=bsn,
        geboortedatum=date(1950, 3, 1),
        achternaam="Jansen",
        voorvoegsel="de",
        geslacht="2",
    )


def toewijzing_maken(
    s: Scene,
    *,
    ingangsdatum: date,
    einddatum: date | None,
    bsn: str = BSN,
    volume: int = 4,
    aanbieder: Zorgaanbieder | None = None,
) -> Any:
    from inkoop import services

    return services.toewijzing_verstrekken(
        door=s.regisseur,
        client=client_maken(s, bsn),
        zorgaanbieder=aanbieder or s.aanbieder,
        wet="wmo",
        ingangsdatum=ingangsdatum,
        einddatum=einddatum,
        product=s.product,
        volume=volume,
        frequentie="2",
    )

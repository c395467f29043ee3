"""Scene for the toewijzing tests: Amsterdam (served), a regisseur, a provider with a running
Wmo contract (02A01 begeleiding 65.00 per uur in 2026, 67.50 from 2027; 07A01 dagbesteding
45.50 per dagdeel), a second provider without a contract, Wmo budget posts 2026 and 2027
(taakveld 6.71) with a budget of 1,000,000 each, and one client.

Inkoop's "today" is fixed at 1 March 2026 (:data:`VANDAAG`), so horizons and the 301's
selection do not depend on the day the tests run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from contracten.constants import Eenheid
from contracten.models import Contract, Product, Productcategorie, Zorgaanbieder
from financien import services as financien_services
from financien.models import Budgetpost
from financien.selectors import budgetstand
from inkoop import services
from inkoop.models import Client
from inkoop.services import _basis
from kern.models import Gebruiker, Gemeente
from tests.factories import (
    ContractFactory,
    GebruikerFactory,
    ProductFactory,
    TariefperiodeFactory,
    ZorgaanbiederFactory,
    categorie,
    gemeente,
)

VANDAAG = date(2026, 3, 1)
BSN = "999990019"
BSN_2 = "999990020"


def D(waarde: str) -> Decimal:
    return Decimal(waarde)


@dataclass
class Scene:
    gemeente: Gemeente
    regisseur: Gebruiker
    budgethouder: Gebruiker
    aanbieder: Zorgaanbieder
    zonder_contract: Zorgaanbieder
    contract: Contract
    begeleiding: Product
    dagbesteding: Product
    cat02: Productcategorie
    cat07: Productcategorie
    bp2026: Budgetpost
    bp2027: Budgetpost
    client: Client

    def stand(self, budgetpost: Budgetpost) -> tuple[Decimal, Decimal]:
        """(gereserveerd, beschikbaar) of a budget post."""
        s = budgetstand(budgetpost=budgetpost)
        return s.gereserveerd, s.beschikbaar

    def client_maken(self, bsn: str = BSN_2, achternaam: str = "Jansen") -> Client:
        return services.client_vastleggen(
            door=self.regisseur,
            gemeente=self.gemeente,
            bsn=bsn,
            geboortedatum=date(1950, 5, 17),
            achternaam=achternaam,
        )


def vandaag_vastzetten(monkeypatch: pytest.MonkeyPatch, dag: date = VANDAAG) -> None:
    monkeypatch.setattr(_basis, "vandaag", lambda: dag)


def bouw_scene(regisseur: Gebruiker) -> Scene:
    amsterdam = gemeente("0363")
    amsterdam.aangesloten = True
    amsterdam.save(update_fields=["aangesloten"])
    budgethouder = GebruikerFactory(
        username="budgethouder_tw", rollen=["budgethouder"], gemeenten=[amsterdam]
    )
    aanbieder = ZorgaanbiederFactory(agb_code="12345678", naam="Zorg Noord B.V.")
    zonder_contract = ZorgaanbiederFactory(agb_code="87654321", naam="Hulp Zuid B.V.")
    begeleiding = ProductFactory(
        categorie=categorie("wmo", "02"),
        productcode="02A01",
        naam="Begeleiding individueel",
        eenheid=Eenheid.UUR,
    )
    dagbesteding = ProductFactory(
        categorie=categorie("wmo", "07"),
        productcode="07A01",
        naam="Dagbesteding",
        eenheid=Eenheid.DAGDEEL,
    )
    contract = ContractFactory(
        zorgaanbieder=aanbieder, gemeenten=[amsterdam], ingangsdatum=date(2025, 1, 1)
    )
    for product, bedrag, eenheid, begin, eind in (
        (begeleiding, "65.00", Eenheid.UUR, date(2025, 1, 1), date(2026, 12, 31)),
        (begeleiding, "67.50", Eenheid.UUR, date(2027, 1, 1), None),
        (dagbesteding, "45.50", Eenheid.DAGDEEL, date(2025, 1, 1), None),
    ):
        TariefperiodeFactory(
            contract=contract,
            product=product,
            bedrag=Decimal(bedrag),
            eenheid=eenheid,
            ingangsdatum=begin,
            einddatum=eind,
        )
    financien_services.toewijzingsregel_vastleggen(
        door=budgethouder, gemeente=amsterdam, wet="wmo", taakveld="6.71"
    )
    posten = []
    for jaar in (2026, 2027):
        bp = financien_services.budgetpost_aanmaken(
            door=budgethouder, gemeente=amsterdam, jaar=jaar, wet="wmo", taakveld="6.71"
        )
        financien_services.budget_toekennen(
            door=budgethouder,
            budgetpost=bp,
            bedrag=Decimal("1000000.00"),
            reden="Begroting",
            idempotentiesleutel=f"begroting-{jaar}",
        )
        posten.append(bp)
    client = services.client_vastleggen(
        door=regisseur,
        gemeente=amsterdam,
        bsn=BSN,
        geboortedatum=date(1948, 3, 2),
        geslacht="2",
        achternaam="Vries",
        voorvoegsel="de",
        voorletters="A.M.",
        voornamen="Anna Maria",
        straatnaam="Kerkstraat",
        huisnummer=12,
        huisletter="a",
        postcode="1017 GC",
        plaatsnaam="Amsterdam",
    )
    return Scene(
        gemeente=amsterdam,
        regisseur=regisseur,
        budgethouder=budgethouder,
        aanbieder=aanbieder,
        zonder_contract=zonder_contract,
        contract=contract,
        begeleiding=begeleiding,
        dagbesteding=dagbesteding,
        cat02=categorie("wmo", "02"),
        cat07=categorie("wmo", "07"),
        bp2026=posten[0],
        bp2027=posten[1],
        client=client,
    )

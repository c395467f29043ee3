"""Demo data: a believable, fictional region built through the services.

Three real gemeenten (by CBS code) buy Wmo support and youth care together from about thirty
fictional providers. The builder first draws the whole plan from a fixed random seed, then
writes what is missing, object by object, through the services (``door=None``: system work).
Run twice, the second run finds every object and writes nothing: no rows, no audit records.

Names, AGB codes, KvK numbers and bank accounts are invented. IBANs carry valid check digits
(and Dutch account numbers pass the eleven-test) so they pass validation; e-mail addresses
use the reserved domain example.org.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from rest_framework.authtoken.models import Token
from stdnum import iban as stdnum_iban

from contracten.constants import (
    CONTRACT_LOPEND,
    ContractStatus,
    Eenheid,
    SlaSoort,
    TariefReden,
    Uitvoeringsvariant,
)
from contracten.models import (
    Bestedingsruimte,
    Contract,
    Product,
    SlaNorm,
    Tariefperiode,
    Zorgaanbieder,
    ZorgaanbiederGebruiker,
)
from contracten.services import (
    bestedingsruimte_vastleggen,
    contract_aanmaken,
    contract_status_wijzigen,
    indexatie_toepassen,
    indexatiepercentage,
    product_aanmaken,
    product_wijzigen,
    slanorm_vastleggen,
    tariefperiode_toevoegen,
    zorgaanbieder_aanmaken,
    zorgaanbieder_gebruiker_koppelen,
)
from kern.constants import Rol, Wet
from kern.geld import afronden
from kern.models import Gebruiker, Gemeente
from kern.rechten import rollen_inrichten
from kern.services import gebruiker_aanmaken, gemeenten_aansluiten

SEED = 20250101
#: Utrecht, Nieuwegein, Stichtse Vecht: neighbours in the province of Utrecht.
GEMEENTECODES = ("0344", "0356", "1904")
WACHTWOORD = "demo"
JAAR_1 = date(2025, 1, 1)
JAAR_2 = date(2026, 1, 1)
CONTRACT_EINDE = date(2026, 12, 31)
#: 2026 indexation with the weighted Contractstandaarden formula:
#: 0.75 x 4.20 % (wages, OVA) + 0.25 x 2.40 % (prices) = 3.75 %.
INDEXATIE = {
    "loonindex": Decimal("4.20"),
    "materiele_index": Decimal("2.40"),
    "loonaandeel": Decimal("0.75"),
}
#: Relative size of the gemeenten, for spending caps.
GEMEENTE_GEWICHT = {"0344": Decimal("1.00"), "0356": Decimal("0.22"), "1904": Decimal("0.21")}


@dataclass(frozen=True)
class ProductSpec:
    wet: str
    categorie: str
    code: str
    naam: str
    eenheid: str
    variant: str
    tarief: Decimal  # 2025 price level
    ingangsdatum: date = date(2024, 1, 1)
    vervalt: date | None = None  # retired through product_wijzigen after creation


_I = Uitvoeringsvariant.INSPANNINGSGERICHT
_O = Uitvoeringsvariant.OUTPUTGERICHT
_T = Uitvoeringsvariant.TAAKGERICHT

PRODUCTEN: tuple[ProductSpec, ...] = (
    # Wmo 2015
    ProductSpec("wmo", "01", "01A01", "Hulp bij het huishouden", Eenheid.UUR, _I, Decimal("34.20")),
    ProductSpec(
        "wmo", "01", "01A02", "Hulp bij het huishouden met regie", Eenheid.UUR, _I, Decimal("39.80")
    ),
    ProductSpec(
        "wmo",
        "01",
        "01A08",
        "Schoon en leefbaar huis (resultaat, per maand)",
        Eenheid.STUKS_OUTPUT,
        _O,
        Decimal("168.00"),
    ),
    ProductSpec(
        "wmo", "02", "02A01", "Begeleiding individueel basis", Eenheid.UUR, _I, Decimal("62.40")
    ),
    ProductSpec(
        "wmo",
        "02",
        "02A02",
        "Begeleiding individueel specialistisch",
        Eenheid.UUR,
        _I,
        Decimal("78.90"),
    ),
    ProductSpec(
        "wmo",
        "02",
        "02A04",
        "Begeleiding individueel licht",
        Eenheid.UUR,
        _I,
        Decimal("54.10"),
        ingangsdatum=date(2020, 1, 1),
        vervalt=date(2025, 12, 31),
    ),
    ProductSpec("wmo", "02", "02A07", "Begeleiding groep", Eenheid.DAGDEEL, _I, Decimal("46.75")),
    ProductSpec("wmo", "03", "03A01", "Persoonlijke verzorging", Eenheid.UUR, _I, Decimal("58.30")),
    ProductSpec(
        "wmo",
        "03",
        "03A02",
        "Persoonlijke verzorging (per minuut)",
        Eenheid.MINUUT,
        _I,
        Decimal("0.97"),
    ),
    ProductSpec(
        "wmo", "04", "04A01", "Kortdurend verblijf (logeren)", Eenheid.ETMAAL, _I, Decimal("142.50")
    ),
    ProductSpec("wmo", "07", "07A01", "Dagbesteding basis", Eenheid.DAGDEEL, _I, Decimal("39.60")),
    ProductSpec(
        "wmo", "07", "07A02", "Dagbesteding specialistisch", Eenheid.DAGDEEL, _I, Decimal("64.20")
    ),
    ProductSpec(
        "wmo",
        "08",
        "08A01",
        "Vervoer van en naar dagbesteding (per rit)",
        Eenheid.STUKS_INSPANNING,
        _I,
        Decimal("13.85"),
    ),
    ProductSpec(
        "wmo",
        "09",
        "09A01",
        "Groepsondersteuning in de wijk (taakgericht)",
        Eenheid.EUROS,
        _T,
        Decimal("1.00"),
    ),
    ProductSpec(
        "wmo",
        "10",
        "10A01",
        "Maatwerkarrangement Wmo (budget)",
        Eenheid.EUROS,
        _O,
        Decimal("1.00"),
    ),
    # Jeugdwet
    ProductSpec(
        "jw", "40", "40A01", "Persoonlijke verzorging jeugd", Eenheid.UUR, _I, Decimal("57.60")
    ),
    ProductSpec(
        "jw", "41", "41A01", "Dagbehandeling jeugd", Eenheid.DAGDEEL, _I, Decimal("104.30")
    ),
    ProductSpec(
        "jw",
        "42",
        "42A01",
        "Vervoer naar jeugdhulp (per rit)",
        Eenheid.STUKS_INSPANNING,
        _I,
        Decimal("16.40"),
    ),
    ProductSpec(
        "jw",
        "43",
        "43A03",
        "Gezinshuis (verblijf met behandeling)",
        Eenheid.ETMAAL,
        _I,
        Decimal("214.80"),
    ),
    ProductSpec(
        "jw", "43", "43A05", "Behandelgroep residentieel", Eenheid.ETMAAL, _I, Decimal("338.60")
    ),
    ProductSpec(
        "jw",
        "45",
        "45A12",
        "Jeugdhulp ambulant generalistisch",
        Eenheid.MINUUT,
        _I,
        Decimal("1.46"),
    ),
    ProductSpec(
        "jw",
        "45",
        "45A13",
        "Jeugdhulp ambulant specialistisch",
        Eenheid.MINUUT,
        _I,
        Decimal("1.79"),
    ),
    ProductSpec(
        "jw",
        "45",
        "45A20",
        "Ambulant traject licht (trajectprijs)",
        Eenheid.STUKS_OUTPUT,
        _O,
        Decimal("1685.00"),
    ),
    ProductSpec("jw", "46", "46A01", "Crisisopvang jeugd", Eenheid.ETMAAL, _I, Decimal("428.50")),
    ProductSpec("jw", "54", "54A01", "Jeugd-ggz basis", Eenheid.MINUUT, _I, Decimal("1.68")),
    ProductSpec(
        "jw", "54", "54A02", "Jeugd-ggz specialistisch", Eenheid.MINUUT, _I, Decimal("2.07")
    ),
    ProductSpec(
        "jw",
        "54",
        "54A10",
        "Jeugd-ggz kortdurend traject",
        Eenheid.STUKS_OUTPUT,
        _O,
        Decimal("1240.00"),
    ),
)

#: Product codes a provider profile delivers, with the law they fall under.
PROFIELEN: dict[str, tuple[str, tuple[str, ...]]] = {
    "huishouden": (Wet.WMO, ("01A01", "01A02", "01A08")),
    "verzorging": (Wet.WMO, ("03A01", "03A02", "01A01")),
    "thuisbegeleiding": (Wet.WMO, ("02A01", "02A02", "02A04", "03A01")),
    "begeleiding": (Wet.WMO, ("02A01", "02A02", "02A04", "02A07", "07A01")),
    "dagbesteding": (Wet.WMO, ("07A01", "07A02", "02A07", "08A01")),
    "verblijf": (Wet.WMO, ("04A01", "02A02", "07A02")),
    "maatwerk": (Wet.WMO, ("10A01", "02A01", "02A02")),
    "jeugd_ambulant": (Wet.JW, ("45A12", "45A13", "45A20")),
    "jeugd_behandeling": (Wet.JW, ("41A01", "45A13", "54A01", "42A01")),
    "jeugd_verblijf": (Wet.JW, ("43A03", "43A05", "46A01", "45A13")),
    "jeugd_ggz": (Wet.JW, ("54A01", "54A02", "54A10")),
    "jeugd_overig": (Wet.JW, ("40A01", "42A01", "41A01")),
}

#: (naam, plaats, profielen, status of the provider's contracts at the end of the demo).
AANBIEDERS: tuple[tuple[str, str, tuple[str, ...], str], ...] = (
    ("Thuishulp Domstad B.V.", "Utrecht", ("huishouden",), ContractStatus.ACTIEF),
    (
        "Stichting Huishoudelijke Zorg Vecht en Venen",
        "Maarssen",
        ("huishouden",),
        ContractStatus.ACTIEF,
    ),
    ("Schoon & Thuis Zorgdiensten", "Nieuwegein", ("huishouden",), ContractStatus.BEEINDIGD),
    (
        "Zorgcoöperatie De Lindeboom",
        "Utrecht",
        ("verzorging", "thuisbegeleiding"),
        ContractStatus.ACTIEF,
    ),
    ("Wijkzorg Lekstroom", "Nieuwegein", ("verzorging",), ContractStatus.ACTIEF),
    ("Begeleidingscentrum Het Anker", "Utrecht", ("begeleiding",), ContractStatus.ACTIEF),
    ("Stichting Samen Verder Begeleiding", "Breukelen", ("begeleiding",), ContractStatus.OPGEZEGD),
    ("De Vechtoever Dagbesteding", "Maarssen", ("dagbesteding",), ContractStatus.ACTIEF),
    ("Zorgboerderij De Hooiberg", "Breukelen", ("dagbesteding",), ContractStatus.ACTIEF),
    ("Atelier De Kleine Wereld", "Utrecht", ("dagbesteding",), ContractStatus.ACTIEF),
    ("Logeerhuis De Uitwijk", "Houten", ("verblijf",), ContractStatus.ACTIEF),
    (
        "Ambulant Team Utrecht-West B.V.",
        "Utrecht",
        ("begeleiding", "jeugd_ambulant"),
        ContractStatus.ACTIEF,
    ),
    ("Maatzorg Midden-Nederland", "Zeist", ("maatwerk",), ContractStatus.ACTIEF),
    ("Stichting Thuis in de Wijk", "Nieuwegein", ("thuisbegeleiding",), ContractStatus.ACTIEF),
    ("Kompas Jeugd & Gezin", "Utrecht", ("jeugd_ambulant",), ContractStatus.ACTIEF),
    ("Jeugdhulp Lek en IJssel", "IJsselstein", ("jeugd_ambulant",), ContractStatus.ACTIEF),
    ("Gezinshuis De Wilgenhof", "Maarssen", ("jeugd_verblijf",), ContractStatus.ACTIEF),
    ("Stichting Veilig Opgroeien Utrecht", "Utrecht", ("jeugd_verblijf",), ContractStatus.ACTIEF),
    ("Praktijk Groeikracht Jeugd-ggz", "Utrecht", ("jeugd_ggz",), ContractStatus.ACTIEF),
    ("Kindpraktijk De Sterrenwacht", "Nieuwegein", ("jeugd_ggz",), ContractStatus.OPGEZEGD),
    ("Behandelcentrum De Regenboog Jeugd", "Houten", ("jeugd_behandeling",), ContractStatus.ACTIEF),
    ("Dagbehandeling Het Speelkwartier", "Utrecht", ("jeugd_behandeling",), ContractStatus.ACTIEF),
    ("Jeugdvervoer Midden-Utrecht", "Nieuwegein", ("jeugd_overig",), ContractStatus.BEEINDIGD),
    ("Zorgvervoer De Wielen", "Maarssen", ("dagbesteding",), ContractStatus.ACTIEF),
    (
        "Pedagogisch Adviesbureau Opvoedwijzer",
        "Amersfoort",
        ("jeugd_ambulant",),
        ContractStatus.ACTIEF,
    ),
    (
        "Stichting Jong Perspectief",
        "Utrecht",
        ("jeugd_ambulant", "jeugd_behandeling"),
        ContractStatus.ACTIEF,
    ),
    (
        "Zorggroep Vechtstreek",
        "Breukelen",
        ("verzorging", "huishouden", "jeugd_overig"),
        ContractStatus.ACTIEF,
    ),
    ("Levensloop Begeleiding B.V.", "Amersfoort", ("begeleiding",), ContractStatus.ACTIEF),
    ("Psychologenpraktijk Oudegracht", "Utrecht", ("jeugd_ggz",), ContractStatus.ACTIEF),
    ("Herstelhuis De Brug", "Zeist", ("verblijf",), ContractStatus.CONCEPT),
)

#: (first postcode number, last postcode number, area code) per place.
PLAATSEN: dict[str, tuple[int, int, str]] = {
    "Utrecht": (3511, 3585, "030"),
    "Nieuwegein": (3430, 3439, "030"),
    "Maarssen": (3601, 3608, "0346"),
    "Breukelen": (3621, 3621, "0346"),
    "Houten": (3990, 3995, "030"),
    "Zeist": (3701, 3709, "030"),
    "IJsselstein": (3400, 3405, "030"),
    "Amersfoort": (3811, 3829, "033"),
}
STRATEN = (
    "Kanaalweg",
    "Vondellaan",
    "Biltstraat",
    "Oudegracht",
    "Amsterdamsestraatweg",
    "Stationsplein",
    "Lekboulevard",
    "Zuidstraat",
    "Straatweg",
    "Kerkplein",
    "Dorpsstraat",
    "Ravellaan",
    "Leidseweg",
    "Overvecht",
    "Molenweg",
)
VOORNAMEN = (
    "Anouk",
    "Bram",
    "Fatima",
    "Hanneke",
    "Jeroen",
    "Karin",
    "Mehmet",
    "Noor",
    "Pieter",
    "Sanne",
    "Tim",
    "Yasmina",
    "Willem",
    "Esther",
    "Daan",
)
ACHTERNAMEN = (
    "de Vries",
    "Jansen",
    "Bakker",
    "van Dijk",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "Bos",
    "Yilmaz",
    "El Idrissi",
    "van Leeuwen",
    "Dekker",
    "Kok",
)
BANKEN = ("RABO", "INGB", "ABNA", "TRIO", "SNSB", "ASNB")

#: Demo users: (username, role, first name, last name). Municipal users act for the region.
GEBRUIKERS: tuple[tuple[str, str, str, str], ...] = (
    ("demo_inkoper", Rol.INKOPER, "Ingrid", "Koopmans"),
    ("demo_regisseur", Rol.REGISSEUR, "Rachid", "Amrani"),
    ("demo_beoordelaar", Rol.BEOORDELAAR, "Bea", "Oosterhout"),
    ("demo_budgethouder", Rol.BUDGETHOUDER, "Bart", "Huisman"),
    ("demo_beheerder", Rol.BEHEERDER, "Hester", "Bergman"),
    ("demo_zorgaanbieder", Rol.ZORGAANBIEDER, "Zeynep", "Aydin"),
)
#: The provider the zorgaanbieder demo user works for (index in AANBIEDERS).
AANBIEDER_VAN_DEMOGEBRUIKER = 0


# --- The plan (pure: drawn from the seed, independent of the database) ---------------------


@dataclass(frozen=True)
class AanbiederPlan:
    agb_code: str
    naam: str
    kvk_nummer: str
    iban: str
    email: str
    telefoon: str
    contactpersoon: str
    adres: str
    postcode: str
    plaats: str


@dataclass(frozen=True)
class ContractPlan:
    nummer: str
    aanbieder: int  # index in the provider plans
    wet: str
    gemeenten: tuple[str, ...]
    ingangsdatum: date
    einddatum: date
    status: str
    omschrijving: str
    tarieven: tuple[tuple[str, Decimal], ...]  # (productcode, amount at the contract's start)
    sla: tuple[tuple[str, Decimal], ...]


@dataclass(frozen=True)
class Plan:
    aanbieders: tuple[AanbiederPlan, ...]
    contracten: tuple[ContractPlan, ...]
    #: (provider index, gemeentecode, year) -> cap
    bestedingsruimten: tuple[tuple[int, str, int, Decimal], ...]


def indexatie_percentage() -> Decimal:
    return indexatiepercentage(**INDEXATIE)


def _iban(rng: random.Random) -> str:
    """A Dutch IBAN with a random account number that passes the eleven-test."""
    while True:
        cijfers = [rng.randint(0, 9) for _ in range(9)]
        som = sum(c * (10 - i) for i, c in enumerate(cijfers))
        laatste = (-som) % 11  # weight of the last digit is 1
        if laatste < 10 and cijfers[0] != 0:
            break
    rekening = "".join(map(str, [*cijfers, laatste]))
    bban = rng.choice(BANKEN) + rekening
    return "NL" + str(stdnum_iban.calc_check_digits("NL00" + bban)) + bban


def _slug(naam: str) -> str:
    naam = naam.lower().replace("ö", "o").replace("&", "en")
    naam = re.sub(r"\b(stichting|b\.v\.)\b", "", naam)
    return re.sub(r"[^a-z0-9]+", "", naam)


def _aanbieder_plan(rng: random.Random, naam: str, plaats: str, agb: set[str]) -> AanbiederPlan:
    while True:
        # Eight digits as a Vektis AGB code; every demo provider gets the same prefix 98.
        agb_code = f"98{rng.randint(0, 999999):06d}"
        if agb_code not in agb:
            agb.add(agb_code)
            break
    laag, hoog, netnummer = PLAATSEN[plaats]
    letters = "ABCDEGHJKLMNPRSTVWXZ"
    postcode = f"{rng.randint(laag, hoog)} {rng.choice(letters)}{rng.choice(letters)}"
    abonnee = "".join(str(rng.randint(0, 9)) for _ in range(10 - len(netnummer)))
    return AanbiederPlan(
        agb_code=agb_code,
        naam=naam,
        kvk_nummer=f"{rng.randint(30000000, 99999999)}",
        iban=_iban(rng),
        email=f"contractbeheer.{_slug(naam)}@example.org",
        telefoon=f"{netnummer}-{abonnee}",
        contactpersoon=f"{rng.choice(VOORNAMEN)} {rng.choice(ACHTERNAMEN)}",
        adres=f"{rng.choice(STRATEN)} {rng.randint(1, 220)}",
        postcode=postcode,
        plaats=plaats,
    )


def _sla(rng: random.Random) -> tuple[tuple[str, Decimal], ...]:
    return (
        (SlaSoort.ANTWOORD_VERZOEK, Decimal(rng.choice((3, 5)))),
        (SlaSoort.WACHTTIJD, Decimal(rng.choice((14, 21, 28, 42)))),
        (SlaSoort.START_ZORG_MELDING, Decimal(5)),
        (SlaSoort.DECLARATIETERMIJN, Decimal(8)),
        (SlaSoort.AFKEURPERCENTAGE, Decimal(rng.choice((3, 5)))),
        (SlaSoort.CLIENTTEVREDENHEID, Decimal(rng.choice((75, 80)))),
    )


def _duizendtal(bedrag: Decimal) -> Decimal:
    return (bedrag / 1000).quantize(Decimal(1), rounding=ROUND_HALF_UP) * 1000


def maak_plan(seed: int = SEED) -> Plan:
    """Draw the whole demo region from ``seed``. Pure: the same seed, the same plan."""
    rng = random.Random(seed)
    producten = {p.code: p for p in PRODUCTEN}
    percentage = indexatie_percentage()
    agb: set[str] = set()
    aanbieders: list[AanbiederPlan] = []
    contracten: list[ContractPlan] = []
    ruimten: list[tuple[int, str, int, Decimal]] = []
    volgnummer: Counter[tuple[str, int]] = Counter()
    for index, (naam, plaats, profielen, status) in enumerate(AANBIEDERS):
        aanbieders.append(_aanbieder_plan(rng, naam, plaats, agb))
        per_wet: dict[str, list[str]] = {}
        for profiel in profielen:
            wet, codes = PROFIELEN[profiel]
            for code in codes:
                if code not in per_wet.setdefault(wet, []):
                    per_wet[wet].append(code)
        omvang = rng.randint(400, 1800) * 1000  # yearly cap in Utrecht, in euros
        for wet, kandidaten in per_wet.items():
            aantal = rng.randint(min(2, len(kandidaten)), len(kandidaten))
            gekozen = sorted(rng.sample(kandidaten, aantal))
            if rng.random() < 0.7:
                gemeenten: tuple[str, ...] = GEMEENTECODES
            else:
                gemeenten = tuple(sorted(rng.sample(GEMEENTECODES, rng.randint(1, 2))))
            if status == ContractStatus.CONCEPT:
                ingang, einde = date(2026, 7, 1), date(2027, 12, 31)
            elif status == ContractStatus.BEEINDIGD:
                ingang, einde = JAAR_1, date(2025, 12, 31)
            else:
                ingang, einde = JAAR_1, CONTRACT_EINDE
            tarieven: list[tuple[str, Decimal]] = []
            for code in gekozen:
                spec = producten[code]
                if spec.vervalt is not None and spec.vervalt < ingang:
                    continue  # retired before this contract starts
                if spec.eenheid == Eenheid.EUROS:
                    bedrag = spec.tarief
                else:
                    bedrag = afronden(spec.tarief * Decimal(100 + rng.randint(-4, 4)) / 100)
                if ingang >= JAAR_2:  # a contract starting in 2026 has 2026 price levels
                    bedrag = afronden(bedrag * (1 + percentage / 100))
                tarieven.append((code, bedrag))
            volgnummer[(wet, ingang.year)] += 1
            contracten.append(
                ContractPlan(
                    nummer=f"RU-{wet.upper()}-{ingang.year}-{volgnummer[(wet, ingang.year)]:03d}",
                    aanbieder=index,
                    wet=wet,
                    gemeenten=gemeenten,
                    ingangsdatum=ingang,
                    einddatum=einde,
                    status=status,
                    omschrijving=(
                        "Raamovereenkomst Wmo-maatwerkvoorzieningen"
                        if wet == Wet.WMO
                        else "Raamovereenkomst specialistische jeugdhulp"
                    ),
                    tarieven=tuple(tarieven),
                    sla=_sla(rng),
                )
            )
            if status == ContractStatus.CONCEPT:
                continue
            for code in gemeenten:
                bedrag_1 = _duizendtal(omvang * GEMEENTE_GEWICHT[code])
                ruimten.append((index, code, 2025, bedrag_1))
                if einde >= JAAR_2:
                    ruimten.append(
                        (index, code, 2026, _duizendtal(bedrag_1 * (1 + percentage / 100)))
                    )
    # One cap per provider, gemeente and year, even when two contracts overlap.
    uniek: dict[tuple[int, str, int], Decimal] = {}
    for index, code, jaar, bedrag in ruimten:
        uniek[(index, code, jaar)] = max(bedrag, uniek.get((index, code, jaar), Decimal(0)))
    return Plan(
        aanbieders=tuple(aanbieders),
        contracten=tuple(contracten),
        bestedingsruimten=tuple((i, c, j, b) for (i, c, j), b in sorted(uniek.items())),
    )


# --- Building ------------------------------------------------------------------------------


@dataclass
class DemoResultaat:
    """What the run found and wrote; ``nieuw`` counts new objects per kind."""

    gemeenten: list[Gemeente] = field(default_factory=list)
    nieuw: Counter[str] = field(default_factory=Counter)
    percentage: Decimal = Decimal(0)
    gebruikers: list[tuple[str, str, str]] = field(default_factory=list)  # name, role, token


def _producten_aanleggen(resultaat: DemoResultaat) -> dict[str, Product]:
    producten: dict[str, Product] = {}
    for spec in PRODUCTEN:
        product = (
            Product.objects.select_related("categorie")
            .filter(categorie__wet=spec.wet, categorie__code=spec.categorie, productcode=spec.code)
            .first()
        )
        if product is None:
            product = product_aanmaken(
                door=None,
                wet=spec.wet,
                categorie=spec.categorie,
                productcode=spec.code,
                naam=spec.naam,
                eenheid=spec.eenheid,
                uitvoeringsvariant=spec.variant,
                ingangsdatum=spec.ingangsdatum,
            )
            resultaat.nieuw["producten"] += 1
        if spec.vervalt is not None and product.einddatum is None:
            product = product_wijzigen(door=None, product=product, einddatum=spec.vervalt)
            resultaat.nieuw["vervallen producten"] += 1
        producten[spec.code] = product
    return producten


def _aanbieders_aanleggen(plan: Plan, resultaat: DemoResultaat) -> list[Zorgaanbieder]:
    bestaand = {
        a.agb_code: a
        for a in Zorgaanbieder.objects.filter(agb_code__in=[p.agb_code for p in plan.aanbieders])
    }
    aanbieders = []
    for p in plan.aanbieders:
        aanbieder = bestaand.get(p.agb_code)
        if aanbieder is None:
            aanbieder = zorgaanbieder_aanmaken(
                door=None,
                agb_code=p.agb_code,
                naam=p.naam,
                kvk_nummer=p.kvk_nummer,
                iban=p.iban,
                email=p.email,
                telefoon=p.telefoon,
                contactpersoon=p.contactpersoon,
                adres=p.adres,
                postcode=p.postcode,
                plaats=p.plaats,
            )
            resultaat.nieuw["zorgaanbieders"] += 1
        aanbieders.append(aanbieder)
    return aanbieders


def _contracten_aanleggen(
    plan: Plan,
    aanbieders: list[Zorgaanbieder],
    producten: dict[str, Product],
    gemeenten: dict[str, Gemeente],
    resultaat: DemoResultaat,
) -> list[tuple[ContractPlan, Contract]]:
    specs = {p.code: p for p in PRODUCTEN}
    paren = []
    for cp in plan.contracten:
        contract = Contract.objects.filter(nummer=cp.nummer).first()
        if contract is None:
            contract = contract_aanmaken(
                door=None,
                nummer=cp.nummer,
                zorgaanbieder=aanbieders[cp.aanbieder],
                gemeenten=[gemeenten[c] for c in cp.gemeenten],
                ingangsdatum=cp.ingangsdatum,
                einddatum=cp.einddatum,
                omschrijving=cp.omschrijving,
                reden="Gegund na open house-procedure",
            )
            resultaat.nieuw["contracten"] += 1
        bestaande_tarieven = set(
            Tariefperiode.objects.filter(
                contract=contract, ingangsdatum=cp.ingangsdatum, is_vervangen=False
            ).values_list("product__productcode", flat=True)
        )
        for code, bedrag in cp.tarieven:
            if code in bestaande_tarieven:
                continue
            vervalt = specs[code].vervalt
            einde = min(cp.einddatum, vervalt) if vervalt else cp.einddatum
            tariefperiode_toevoegen(
                door=None,
                contract=contract,
                product=producten[code],
                bedrag=bedrag,
                ingangsdatum=cp.ingangsdatum,
                einddatum=einde,
                reden=TariefReden.INITIEEL,
                toelichting="Tarief uit de raamovereenkomst",
            )
            resultaat.nieuw["tariefperioden"] += 1
        bestaande_normen = set(
            SlaNorm.objects.filter(contract=contract).values_list("soort", flat=True)
        )
        for soort, waarde in cp.sla:
            if soort not in bestaande_normen:
                slanorm_vastleggen(door=None, contract=contract, soort=soort, waarde=waarde)
                resultaat.nieuw["SLA-normen"] += 1
        if cp.status != ContractStatus.CONCEPT and contract.status == ContractStatus.CONCEPT:
            contract = contract_status_wijzigen(
                door=None,
                contract=contract,
                status=ContractStatus.ACTIEF,
                reden="Ondertekend door beide partijen",
            )
            resultaat.nieuw["statuswijzigingen"] += 1
        paren.append((cp, contract))
    return paren


def _indexeren(paren: list[tuple[ContractPlan, Contract]], resultaat: DemoResultaat) -> None:
    """Index the 2025 tariffs of every running contract that has no 2026 tariffs yet."""
    al_geindexeerd = set(
        Tariefperiode.objects.filter(ingangsdatum__gte=JAAR_2).values_list("contract_id", flat=True)
    )
    te_indexeren = [
        c
        for cp, c in paren
        if c.status in CONTRACT_LOPEND
        and cp.ingangsdatum < JAAR_2 <= cp.einddatum
        and c.pk not in al_geindexeerd
    ]
    if not te_indexeren:
        return
    regels = indexatie_toepassen(
        door=None,
        contracten=te_indexeren,
        ingangsdatum=JAAR_2,
        percentage=resultaat.percentage,
        toelichting=(
            f"Indexatie 2026: {INDEXATIE['loonaandeel'] * 100:.0f} % x loonindex "
            f"{INDEXATIE['loonindex']} % + rest x materiële index {INDEXATIE['materiele_index']} %"
        ),
    )
    geindexeerd = sum(1 for r in regels if r.nieuw_bedrag is not None)
    resultaat.nieuw["geïndexeerde tarieven"] += geindexeerd
    resultaat.nieuw["tariefperioden"] += geindexeerd


def _eindstatussen(paren: list[tuple[ContractPlan, Contract]], resultaat: DemoResultaat) -> None:
    redenen: dict[str, str] = {
        ContractStatus.OPGEZEGD: "Opgezegd per einde looptijd; niet verlengd",
        ContractStatus.BEEINDIGD: "Aanbieder stopt met deze zorg per 1 januari 2026",
    }
    for cp, contract in paren:
        if cp.status in redenen and contract.status != cp.status:
            contract_status_wijzigen(
                door=None, contract=contract, status=cp.status, reden=redenen[cp.status]
            )
            resultaat.nieuw["statuswijzigingen"] += 1


def _bestedingsruimten_aanleggen(
    plan: Plan,
    aanbieders: list[Zorgaanbieder],
    gemeenten: dict[str, Gemeente],
    resultaat: DemoResultaat,
) -> None:
    bestaand = set(
        Bestedingsruimte.objects.filter(
            zorgaanbieder__in=aanbieders, gemeente__in=gemeenten.values()
        ).values_list("zorgaanbieder_id", "gemeente_id", "jaar")
    )
    for index, code, jaar, bedrag in plan.bestedingsruimten:
        aanbieder, gemeente = aanbieders[index], gemeenten[code]
        if (aanbieder.pk, gemeente.pk, jaar) in bestaand:
            continue
        bestedingsruimte_vastleggen(
            door=None,
            zorgaanbieder=aanbieder,
            gemeente=gemeente,
            jaar=jaar,
            bedrag=bedrag,
            toelichting=f"Plafond {jaar} volgens de raamovereenkomst",
        )
        resultaat.nieuw["bestedingsruimten"] += 1


def _gebruikers_aanleggen(
    aanbieder: Zorgaanbieder, gemeenten: list[Gemeente], resultaat: DemoResultaat
) -> None:
    for gebruikersnaam, rol, voornaam, achternaam in GEBRUIKERS:
        gebruiker = Gebruiker.objects.filter(username=gebruikersnaam).first()
        if gebruiker is None:
            gebruiker = gebruiker_aanmaken(
                gebruikersnaam=gebruikersnaam,
                wachtwoord=WACHTWOORD,
                rollen=[rol],
                gemeenten=[] if rol == Rol.ZORGAANBIEDER else gemeenten,
                email=f"{gebruikersnaam}@example.org",
                voornaam=voornaam,
                achternaam=achternaam,
            )
            resultaat.nieuw["gebruikers"] += 1
        if (
            rol == Rol.ZORGAANBIEDER
            and not ZorgaanbiederGebruiker.objects.filter(gebruiker=gebruiker).exists()
        ):
            zorgaanbieder_gebruiker_koppelen(
                door=None, gebruiker=gebruiker, zorgaanbieder=aanbieder
            )
        token, aangemaakt = Token.objects.get_or_create(user=gebruiker)
        if aangemaakt:
            resultaat.nieuw["tokens"] += 1
        resultaat.gebruikers.append((gebruikersnaam, str(rol), token.key))


@transaction.atomic
def demo_data_opbouwen(*, seed: int = SEED) -> DemoResultaat:
    """Build the demo region, writing only what is missing. All or nothing."""
    plan = maak_plan(seed)
    resultaat = DemoResultaat(percentage=indexatie_percentage())
    rollen_inrichten()
    gemeenten = {g.code: g for g in Gemeente.objects.filter(code__in=GEMEENTECODES)}
    resultaat.gemeenten = [gemeenten[c] for c in GEMEENTECODES]
    # This installation serves the region: its messages are accepted.
    gemeenten_aansluiten(door=None, gemeenten=resultaat.gemeenten)
    producten = _producten_aanleggen(resultaat)
    aanbieders = _aanbieders_aanleggen(plan, resultaat)
    paren = _contracten_aanleggen(plan, aanbieders, producten, gemeenten, resultaat)
    _indexeren(paren, resultaat)
    _eindstatussen(paren, resultaat)
    _bestedingsruimten_aanleggen(plan, aanbieders, gemeenten, resultaat)
    _gebruikers_aanleggen(aanbieders[AANBIEDER_VAN_DEMOGEBRUIKER], resultaat.gemeenten, resultaat)
    return resultaat

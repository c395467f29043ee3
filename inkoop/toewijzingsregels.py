"""The rules of the standard on one toewijzing, as pure functions (no models, no database).

Each check raises :class:`~kern.exceptions.DomeinFout` with a Dutch message and, as its code,
the id of the rule in lower case (``cd077``, ``iv066``, ``op259``...) or the retourcode where
the standard has one of its own (``9385``). The services in :mod:`inkoop.services` run them
before anything is written, so a refusal changes nothing.

Sources: ``shared/istandaarden/NOTES.md`` section 3 and the rule tables in
``codelijsten/afgeleid`` (CD041, CD075-CD079, CS335, CS336, CS338, IV066, OP259/TR302,
OP298, OP299).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from contracten.constants import Eenheid
from inkoop.constants import (
    FREQUENTIE_TOTAAL,
    REDEN_VERVALLEN,
    REDEN_VERWIJDERD,
    REDENEN_WIJZIGING,
    STAPELING_TOEGESTAAN_WMO,
)
from kern.constants import Wet
from kern.exceptions import DomeinFout
from kern.geld import afronden

#: Frequentie (WMO757): 1 per dag, 2 per week, 4 per maand, 6 totaal binnen geldigheidsduur.
FREQUENTIES = frozenset({"1", "2", "4", "6"})
FREQUENTIE_PER_WEEK = "2"
#: CS338: these units take only frequentie 2, 4 or 6 (after 2020).
EENHEDEN_ZONDER_DAGFREQUENTIE = frozenset(
    {Eenheid.ETMAAL, Eenheid.DAGDEEL, Eenheid.EUROS, Eenheid.STUKS_INSPANNING}
)
CS338_VANAF = date(2021, 1, 1)
#: LDT_Volume and LDT_Budget (eurocent) go up to 99999999; LDT_Nummer to 999999999.
VOLUME_MAX = 99_999_999
BUDGET_MAX = Decimal("999999.99")
NUMMER_MAX = 999_999_999
#: LDT_Referentie is at most 36 characters.
REFERENTIE_MAX = 36


def _dag(dag: date) -> str:
    return f"{dag:%d-%m-%Y}"


def periode_tekst(begin: date, eind: date | None) -> str:
    return f"{_dag(begin)} t/m {_dag(eind)}" if eind is not None else f"vanaf {_dag(begin)}"


def overlappen(begin_a: date, eind_a: date | None, begin_b: date, eind_b: date | None) -> bool:
    """Whether two periods (inclusive; None: open end) share at least one day."""
    return (eind_b is None or begin_a <= eind_b) and (eind_a is None or begin_b <= eind_a)


# --- Omvang or Budget ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Inhoud:
    """What a toewijzing assigns: product (categorie and code; both None for a generieke
    toewijzing, code None for an aspecifieke), period, and Omvang or Budget."""

    wet: str
    categorie: str | None
    productcode: str | None
    ingangsdatum: date
    einddatum: date | None
    volume: int | None = None
    eenheid: str = ""
    frequentie: str = ""
    budget: Decimal | None = None

    @property
    def heeft_omvang(self) -> bool:
        return self.volume is not None

    @property
    def soort(self) -> str:
        if self.categorie is None:
            return "generiek"
        return "specifiek" if self.productcode else "aspecifiek"


def inhoud_controleren(inhoud: Inhoud) -> None:
    """The rules on one ToegewezenProduct: dates, Omvang complete and valid, Omvang and
    Budget exclusive (CD077/CD078), what each kind needs (CD041, CD079), an einddatum where
    required (CD075, CD076) and the frequenties per eenheid (CS338)."""
    if inhoud.wet not in Wet.values:
        raise DomeinFout(f"Onbekende wet {inhoud.wet!r}.", code="wet_ongeldig")
    if inhoud.einddatum is not None and inhoud.einddatum < inhoud.ingangsdatum:
        raise DomeinFout(
            "De einddatum ligt vóór de ingangsdatum.",
            code="einddatum_voor_ingangsdatum",
            velden={"einddatum": ["De einddatum ligt vóór de ingangsdatum."]},
        )
    delen = (inhoud.volume is not None, bool(inhoud.eenheid), bool(inhoud.frequentie))
    if any(delen) and not all(delen):
        raise DomeinFout(
            "Een omvang bestaat uit volume, eenheid en frequentie: vul ze alle drie of geen.",
            code="omvang_onvolledig",
            velden={"volume": ["Volume, eenheid en frequentie horen bij elkaar."]},
        )
    if inhoud.heeft_omvang and inhoud.budget is not None:
        raise DomeinFout(
            "Een toewijzing heeft een omvang óf een budget, niet allebei (CD077/CD078).",
            code="cd077",
            velden={"budget_bedrag": ["Niet samen met een omvang."]},
        )
    if inhoud.productcode and not inhoud.heeft_omvang:
        raise DomeinFout(
            "Een toewijzing met een productcode heeft een omvang (CD041).",
            code="cd041",
            velden={"volume": ["Verplicht bij een productcode."]},
        )
    if inhoud.categorie is None and inhoud.budget is None:
        raise DomeinFout(
            "Een toewijzing zonder budget noemt een product of productcategorie (CD079).",
            code="cd079",
            velden={"productcategorie": ["Verplicht zonder budget."]},
        )
    if inhoud.budget is not None:
        _budget_controleren(inhoud.budget)
        if inhoud.einddatum is None:
            raise DomeinFout(
                "Een toewijzing met een budget heeft een einddatum (CD075).",
                code="cd075",
                velden={"einddatum": ["Verplicht bij een budget."]},
            )
    if inhoud.heeft_omvang:
        _omvang_controleren(inhoud)


def _budget_controleren(budget: Decimal) -> None:
    if not isinstance(budget, Decimal) or not budget.is_finite():
        raise DomeinFout("Het budget is een bedrag in euro.", code="budget_ongeldig")
    if budget < 0 or budget > BUDGET_MAX or afronden(budget) != budget:
        raise DomeinFout(
            f"Het budget is een bedrag van 0 tot en met {BUDGET_MAX} euro in hele centen.",
            code="budget_ongeldig",
            velden={"budget_bedrag": ["Ongeldig bedrag."]},
        )


def _omvang_controleren(inhoud: Inhoud) -> None:
    volume = inhoud.volume
    if isinstance(volume, bool) or not isinstance(volume, int) or not 0 <= volume <= VOLUME_MAX:
        raise DomeinFout(
            f"Het volume is een geheel getal van 0 tot en met {VOLUME_MAX}.",
            code="volume_ongeldig",
            velden={"volume": ["Ongeldig volume."]},
        )
    if inhoud.eenheid not in Eenheid.values:
        raise DomeinFout(
            f"Onbekende eenheid {inhoud.eenheid!r} (codelijst WJ756).",
            code="eenheid_onbekend",
            velden={"eenheid": ["Onbekende eenheid."]},
        )
    if inhoud.frequentie not in FREQUENTIES:
        raise DomeinFout(
            f"Onbekende frequentie {inhoud.frequentie!r} (codelijst WMO757: 1, 2, 4 of 6).",
            code="frequentie_onbekend",
            velden={"frequentie": ["Onbekende frequentie."]},
        )
    if inhoud.frequentie == FREQUENTIE_PER_WEEK and inhoud.einddatum is None:
        raise DomeinFout(
            "Een toewijzing met een volume per week heeft een einddatum (CD076).",
            code="cd076",
            velden={"einddatum": ["Verplicht bij frequentie per week."]},
        )
    if (
        inhoud.eenheid in EENHEDEN_ZONDER_DAGFREQUENTIE
        and inhoud.frequentie not in {"2", "4", "6"}
        and (inhoud.einddatum is None or inhoud.einddatum >= CS338_VANAF)
    ):
        raise DomeinFout(
            f"Bij eenheid {Eenheid(inhoud.eenheid).label.lower()} is de frequentie per week, "
            "per maand of totaal binnen de geldigheidsduur (CS338).",
            code="cs338",
            velden={"frequentie": ["Niet toegestaan bij deze eenheid."]},
        )


def tekst_controleren(waarde: str, *, veld: str, naam: str, maximum: int) -> str:
    """A free text for the 301 (ReferentieAanbieder, Commentaar): at most ``maximum``
    characters; empty or only spaces becomes empty (the element is then left out)."""
    waarde = (waarde or "").strip()
    if len(waarde) > maximum:
        raise DomeinFout(
            f"{naam} is hoogstens {maximum} tekens lang.",
            code="te_lang",
            velden={veld: [f"Hoogstens {maximum} tekens."]},
        )
    return waarde


def nummer_controleren(nummer: int) -> None:
    if isinstance(nummer, bool) or not isinstance(nummer, int) or not 0 < nummer <= NUMMER_MAX:
        raise DomeinFout(
            f"Een ToewijzingNummer is een geheel getal van 1 tot en met {NUMMER_MAX}.",
            code="nummer_ongeldig",
            velden={"nummer": ["Ongeldig nummer."]},
        )


# --- Stapeling (OP259, TR302) --------------------------------------------------------------


def gestapeld(a: Inhoud, b: Inhoud) -> bool:
    """Whether ``a`` and ``b`` (same client, same provider) would stack (OP259, TR302).

    Overlapping periods of the same product stack. Without a productcode the rule holds on
    the level of the productcategorie; a toewijzing without a categorie (generiek) stacks
    with any other one. iWmo categories 11-14 (hulpmiddelen, woonvoorzieningen) may overlap,
    also with a generieke toewijzing."""
    if a.wet != b.wet or not overlappen(a.ingangsdatum, a.einddatum, b.ingangsdatum, b.einddatum):
        return False
    vrij = STAPELING_TOEGESTAAN_WMO if a.wet == Wet.WMO else frozenset()
    if a.categorie in vrij or b.categorie in vrij:
        return False
    if a.categorie is None or b.categorie is None:
        return True
    if a.categorie != b.categorie:
        return False
    return not (a.productcode and b.productcode and a.productcode != b.productcode)


def stapeling_fout(nieuw: Inhoud, bestaand: Inhoud, nummer: int) -> DomeinFout:
    wat = {
        "specifiek": f"product {nieuw.productcode}",
        "aspecifiek": f"productcategorie {nieuw.categorie}",
        "generiek": "een generieke toewijzing",
    }[nieuw.soort]
    return DomeinFout(
        f"De cliënt heeft bij deze aanbieder al toewijzing {nummer} "
        f"({periode_tekst(bestaand.ingangsdatum, bestaand.einddatum)}) die overlapt met "
        f"{wat} {periode_tekst(nieuw.ingangsdatum, nieuw.einddatum)}: stapeling is niet "
        "toegestaan (OP259). Wijzig of beëindig eerst de bestaande toewijzing.",
        code="op259",
        details={"toewijzingnummer": nummer},
    )


# --- Changes (IV066, OP298, OP299, CS335, CS336) -------------------------------------------


def reden_wijziging_controleren(reden: str) -> str:
    """A RedenWijziging for a change or withdrawal: 02-12 or 14."""
    if reden == REDEN_VERVALLEN:
        raise DomeinFout(
            "RedenWijziging 01 (administratieve correctie, vervallen) wordt niet meer gebruikt; "
            "gebruik 14 (CS336).",
            code="cs336",
            velden={"reden_wijziging": ["Vervallen code."]},
        )
    if reden == REDEN_VERWIJDERD:
        raise DomeinFout(
            "RedenWijziging 13 (verwijderd) hoort bij het verwijderen van een toewijzing, met "
            "einddatum gelijk aan de ingangsdatum (CS335).",
            code="cs335",
            velden={"reden_wijziging": ["Gebruik verwijderen."]},
        )
    if reden not in REDENEN_WIJZIGING:
        raise DomeinFout(
            f"Onbekende RedenWijziging {reden!r} (codelijst WMO002/JZ002).",
            code="reden_wijziging_ongeldig",
            velden={"reden_wijziging": ["Onbekende code."]},
        )
    return reden


@dataclass(frozen=True, slots=True)
class Wijziging:
    """The new values of what a change touches (IV066): einddatum, budget, volume."""

    einddatum: date | None
    budget: Decimal | None
    volume: int | None


def wijziging_controleren(
    oud: Inhoud, nieuw: Wijziging, *, instemming_aanbieder: bool | None
) -> Inhoud:
    """Check a change of an existing toewijzing against IV066, OP298 and OP299 and return
    the changed Inhoud (the caller checks it again with :func:`inhoud_controleren`).

    A change keeps the number and touches only the einddatum, the budget, and the volume
    when the frequentie is 6 (totaal binnen geldigheidsduur). Anything else (another product,
    eenheid, frequentie, or a volume at another frequentie) is a withdrawal plus a new
    toewijzing. Lowering the budget or the volume needs the provider's consent."""
    if oud.budget is None and nieuw.budget is not None:
        raise DomeinFout(
            "Een toewijzing met een omvang krijgt geen budget: trek haar in en wijs opnieuw "
            "toe (IV066).",
            code="iv066",
            velden={"budget_bedrag": ["Niet te wijzigen."]},
        )
    if oud.budget is not None and nieuw.budget is None:
        raise DomeinFout(
            "Het budget van een toewijzing kan niet worden weggehaald: trek haar in en wijs "
            "opnieuw toe (IV066).",
            code="iv066",
            velden={"budget_bedrag": ["Niet te wijzigen."]},
        )
    if nieuw.volume != oud.volume:
        if oud.volume is None or nieuw.volume is None:
            raise DomeinFout(
                "Een omvang kan niet worden toegevoegd of weggehaald: trek de toewijzing in en "
                "wijs opnieuw toe (IV066).",
                code="iv066",
                velden={"volume": ["Niet te wijzigen."]},
            )
        if oud.frequentie != FREQUENTIE_TOTAAL:
            raise DomeinFout(
                "Het volume mag alleen wijzigen bij frequentie 6 (totaal binnen de "
                "geldigheidsduur); trek de toewijzing in en wijs opnieuw toe (IV066).",
                code="iv066",
                velden={"volume": ["Alleen bij frequentie totaal."]},
            )
        if nieuw.volume < oud.volume and instemming_aanbieder is not True:
            raise DomeinFout(
                "Het volume verlagen kan alleen met instemming van de aanbieder (OP298).",
                code="op298",
                velden={"instemming_aanbieder": ["Instemming van de aanbieder is nodig."]},
            )
    if (
        oud.budget is not None
        and nieuw.budget is not None
        and nieuw.budget < oud.budget
        and instemming_aanbieder is not True
    ):
        raise DomeinFout(
            "Het budget verlagen kan alleen met instemming van de aanbieder (OP299).",
            code="op299",
            velden={"instemming_aanbieder": ["Instemming van de aanbieder is nodig."]},
        )
    if (nieuw.einddatum, nieuw.budget, nieuw.volume) == (oud.einddatum, oud.budget, oud.volume):
        raise DomeinFout("Er verandert niets aan de toewijzing.", code="geen_wijziging")
    return Inhoud(
        wet=oud.wet,
        categorie=oud.categorie,
        productcode=oud.productcode,
        ingangsdatum=oud.ingangsdatum,
        einddatum=nieuw.einddatum,
        volume=nieuw.volume,
        eenheid=oud.eenheid,
        frequentie=oud.frequentie,
        budget=nieuw.budget,
    )


def verlaging(oud: Inhoud, nieuw: Inhoud) -> bool:
    """Whether the change lowers the budget or the volume (consent recorded, OP298/OP299)."""
    return (oud.budget is not None and nieuw.budget is not None and nieuw.budget < oud.budget) or (
        oud.volume is not None and nieuw.volume is not None and nieuw.volume < oud.volume
    )

"""Level 2 of the requests: verzoek om toewijzing (315) and verzoek om wijziging (317).

Texts: conditions and constraints CD041, CD043, CD066-CD068, CD075-CD079, CD095, CD096, CS002,
CS003, CS139, CS338, CS343 from the iJw 3.2 table; technische regels TR002, TR134, TR352, TR353,
TR380, TR383, TR386, TR410 of control level "xslt". TR386 and TR410 differ per standard: iWmo
lets products of categories 11-14 overlap (see :func:`basis.overlappende_producten`).

The product rules shared by AangevraagdProduct (315), NieuwProduct and TeWijzigenProduct (317)
live in ``producten.py``; the named rules here apply them to each message's classes.

TR101 (no duplicate lines) is not a separate check here: an AangevraagdProduct is identified
by its ReferentieAanbieder (the gemeente answers on it, TR379/TR355), which TR383 keeps unique,
and two equal NieuwProducts overlap, which TR410 reports. It is checked for OngewijzigdProduct
and TeWijzigenProduct (key: ToewijzingNummer).
"""

from __future__ import annotations

from collections.abc import Iterator

from iwmo_jw.codec.modellen import Bericht315, Bericht317
from iwmo_jw.codec.niveau2.basis import Bevinding, bevinding, client_pad, datum
from iwmo_jw.codec.niveau2.client import (
    cs002_bsn_elfproef,
    cs139_datumgebruik,
    tr002_geboortedatum_max_120_jaar,
    tr134_geboortedatum,
)
from iwmo_jw.codec.niveau2.producten import (
    Item,
    aangevraagde_producten,
    cd041,
    cd075,
    cd076,
    cd077,
    cd078,
    cd079,
    cs003,
    frequentie_bij_eenheid,
    geen_overlap,
    nieuwe_producten,
    omvang_zonder_productcode,
    te_wijzigen_producten,
)

#: CD066-CD068: referrer types that carry a ZorgverlenerCode (huisarts, jeugdarts, GI,
#: medisch specialist).
_VERWIJZERS_MET_CODE = frozenset({"02", "03", "04", "05"})


# --- 315 -----------------------------------------------------------------------------------------


def tr383_referentie_aanbieder_uniek(bericht: Bericht315) -> Iterator[Bevinding]:
    """TR383 (AangevraagdProduct/ReferentieAanbieder): "ReferentieAanbieder is uniek voor elk
    AangevraagdProduct binnen het bericht." """
    eerste: dict[str, int] = {}
    for i, a in enumerate(bericht.client.aangevraagde_producten):
        vorige = eerste.setdefault(a.referentie_aanbieder, i)
        if vorige != i:
            yield bevinding(
                "TR383",
                "ReferentieAanbieder",
                f"AangevraagdProduct {i + 1}",
                f"ReferentieAanbieder {a.referentie_aanbieder} staat ook bij "
                f"AangevraagdProduct {vorige + 1}",
                client_pad(
                    ("AangevraagdeProducten", 0),
                    ("AangevraagdProduct", i),
                    ("ReferentieAanbieder", 0),
                ),
            )


def tr386_geen_overlap_315(bericht: Bericht315) -> Iterator[Bevinding]:
    """TR386 (AangevraagdProduct): "Een Product mag alleen vaker in een verzoek om toewijzing
    voorkomen indien de zorgperiodes elkaar niet overlappen." Without a code at category level,
    without a category against every product; iWmo: categories 11-14 may overlap."""
    yield from geen_overlap("TR386", aangevraagde_producten(bericht), bericht)


def cd079_product_zonder_budget_315(bericht: Bericht315) -> Iterator[Bevinding]:
    """CD079 (AangevraagdProduct/Product): "Indien Budget leeg is, dan verplicht vullen." """
    yield from cd079(aangevraagde_producten(bericht))


def cd075_einddatum_bij_budget_315(bericht: Bericht315) -> Iterator[Bevinding]:
    """CD075 (AangevraagdProduct/ToewijzingEinddatum): "Verplicht vullen indien Budget gevuld
    is." """
    yield from cd075(aangevraagde_producten(bericht))


def cd076_einddatum_bij_per_week_315(bericht: Bericht315) -> Iterator[Bevinding]:
    """CD076 (AangevraagdProduct/ToewijzingEinddatum): "Verplicht vullen indien Frequentie
    waarde 2 (per week)." """
    yield from cd076(aangevraagde_producten(bericht))


def cs003_einddatum_na_ingangsdatum_315(bericht: Bericht315) -> Iterator[Bevinding]:
    """CS003 (AangevraagdProduct/ToewijzingEinddatum): "Indien van toepassing vullen met een
    waarde die groter is dan, of gelijk is aan de Begindatum (of Ingangsdatum) van de
    aangeduide periode." """
    yield from cs003(aangevraagde_producten(bericht))


def cd041_omvang_bij_productcode_315(bericht: Bericht315) -> Iterator[Bevinding]:
    """CD041 (AangevraagdProduct/Omvang): "Indien Code in Product gevuld is, verplicht
    vullen." """
    yield from cd041(aangevraagde_producten(bericht))


def cd077_geen_omvang_bij_budget_315(bericht: Bericht315) -> Iterator[Bevinding]:
    """CD077 (AangevraagdProduct/Omvang): "Indien Budget gevuld is, dan leeg laten." """
    yield from cd077(aangevraagde_producten(bericht))


def cd078_geen_budget_bij_omvang_315(bericht: Bericht315) -> Iterator[Bevinding]:
    """CD078 (AangevraagdProduct/Budget): "Indien Omvang gevuld is, dan leeg laten." """
    yield from cd078(aangevraagde_producten(bericht))


def cd095_geen_omvang_zonder_productcode(bericht: Bericht315) -> Iterator[Bevinding]:
    """CD095 (AangevraagdProduct/Omvang): "Indien Code in AangevraagdProduct leeg is en
    ToewijzingEinddatum van het AangevraagdProduct groter dan 31-12-2020 of leeg is, dan leeg
    laten." """
    yield from omvang_zonder_productcode("CD095", aangevraagde_producten(bericht))


def cs343_frequentie_bij_eenheid(bericht: Bericht315) -> Iterator[Bevinding]:
    """CS343 (AangevraagdProduct/Omvang): "Indien eenheid de waarde 14, 16, 83 of 84 heeft en
    ToewijzingEinddatum is groter dan 31-12-2020 of leeg, dan Frequentie vullen met waarde 2,
    4 of 6." """
    yield from frequentie_bij_eenheid("CS343", aangevraagde_producten(bericht))


def cd043_beschikking_ingangsdatum(bericht: Bericht315) -> Iterator[Bevinding]:
    """CD043 (AangevraagdProduct/BeschikkingIngangsdatum): "Indien Beschikkingnummer gevuld
    is, verplicht vullen, anders leeg laten." """
    for item, a in zip(
        aangevraagde_producten(bericht), bericht.client.aangevraagde_producten, strict=True
    ):
        if (a.beschikking_nummer is None) == (a.beschikking_ingangsdatum is None):
            continue
        if a.beschikking_nummer is not None:
            tekst = "met een BeschikkingNummer is BeschikkingIngangsdatum verplicht"
            pad = item.pad
        else:
            tekst = "zonder BeschikkingNummer moet BeschikkingIngangsdatum leeg zijn"
            pad = (*item.pad, ("BeschikkingIngangsdatum", 0))
        yield bevinding("CD043", "BeschikkingIngangsdatum", item.plaats, tekst, pad)


def cd066_geen_naam_bij_zorgverlenercode(bericht: Bericht315) -> Iterator[Bevinding]:
    """CD066 (AangevraagdProduct/Verwijzer/Naam): "Als type verwijzer gelijk is aan 02, 03,
    04 of 05 en ZorgverlenerCode is gevuld, dan is Naamverwijzer leeg." """
    for item, a in zip(
        aangevraagde_producten(bericht), bericht.client.aangevraagde_producten, strict=True
    ):
        v = a.verwijzer
        if (
            v.type in _VERWIJZERS_MET_CODE
            and v.zorgverlener_code is not None
            and v.naam is not None
        ):
            yield bevinding(
                "CD066",
                "Naam",
                item.plaats,
                f"Verwijzer van type {v.type} met een ZorgverlenerCode heeft geen Naam",
                (*item.pad, ("Verwijzer", 0), ("Naam", 0)),
            )


def cd067_naam_zonder_zorgverlenercode(bericht: Bericht315) -> Iterator[Bevinding]:
    """CD067 (AangevraagdProduct/Verwijzer/Naam): "Als type verwijzer gelijk is aan 02, 03,
    04 of 05 en ZorgverlenerCode is leeg, dan is Naamverwijzer gevuld." """
    for item, a in zip(
        aangevraagde_producten(bericht), bericht.client.aangevraagde_producten, strict=True
    ):
        v = a.verwijzer
        if v.type in _VERWIJZERS_MET_CODE and v.zorgverlener_code is None and v.naam is None:
            yield bevinding(
                "CD067",
                "Naam",
                item.plaats,
                f"Verwijzer van type {v.type} zonder ZorgverlenerCode moet een Naam hebben",
                (*item.pad, ("Verwijzer", 0)),
            )


def cd068_geen_zorgverlenercode(bericht: Bericht315) -> Iterator[Bevinding]:
    """CD068 (AangevraagdProduct/Verwijzer/ZorgverlenerCode): "Als type verwijzer ongelijk is
    aan 02, 03, 04 of 05, dan is ZorgverlenerCode leeg." """
    for item, a in zip(
        aangevraagde_producten(bericht), bericht.client.aangevraagde_producten, strict=True
    ):
        v = a.verwijzer
        if v.type not in _VERWIJZERS_MET_CODE and v.zorgverlener_code is not None:
            yield bevinding(
                "CD068",
                "ZorgverlenerCode",
                item.plaats,
                f"Verwijzer van type {v.type} heeft geen ZorgverlenerCode",
                (*item.pad, ("Verwijzer", 0), ("ZorgverlenerCode", 0)),
            )


REGELS_315 = (
    cs002_bsn_elfproef,
    cs139_datumgebruik,
    tr002_geboortedatum_max_120_jaar,
    tr134_geboortedatum,
    tr383_referentie_aanbieder_uniek,
    tr386_geen_overlap_315,
    cd079_product_zonder_budget_315,
    cd075_einddatum_bij_budget_315,
    cd076_einddatum_bij_per_week_315,
    cs003_einddatum_na_ingangsdatum_315,
    cd041_omvang_bij_productcode_315,
    cd077_geen_omvang_bij_budget_315,
    cd078_geen_budget_bij_omvang_315,
    cd095_geen_omvang_zonder_productcode,
    cs343_frequentie_bij_eenheid,
    cd043_beschikking_ingangsdatum,
    cd066_geen_naam_bij_zorgverlenercode,
    cd067_naam_zonder_zorgverlenercode,
    cd068_geen_zorgverlenercode,
)


# --- 317 -----------------------------------------------------------------------------------------


def _producten_317(bericht: Bericht317) -> list[Item]:
    return [*nieuwe_producten(bericht), *te_wijzigen_producten(bericht)]


def tr352_ongewijzigd_of_te_wijzigen(bericht: Bericht317) -> Iterator[Bevinding]:
    """TR352 (Verzoek): "Bij een verzoek om wijziging komt minstens 1 OngewijzigdProduct of
    TeWijzigenProduct voor." """
    verzoek = bericht.client.verzoek
    if not verzoek.ongewijzigde_producten and not verzoek.te_wijzigen_producten:
        yield bevinding(
            "TR352",
            "Verzoek",
            "Verzoek",
            "er is geen OngewijzigdProduct en geen TeWijzigenProduct; een verzoek om "
            "wijziging noemt alle actuele toewijzingen",
            client_pad(("Verzoek", 0)),
        )


def tr353_te_wijzigen_of_nieuw(bericht: Bericht317) -> Iterator[Bevinding]:
    """TR353 (Verzoek): "Bij een verzoek om wijziging komt minstens 1 TeWijzigenProduct of
    NieuwProduct voor." """
    verzoek = bericht.client.verzoek
    if not verzoek.te_wijzigen_producten and not verzoek.nieuwe_producten:
        yield bevinding(
            "TR353",
            "Verzoek",
            "Verzoek",
            "er is geen TeWijzigenProduct en geen NieuwProduct; er wordt niets gevraagd",
            client_pad(("Verzoek", 0)),
        )


def tr380_nieuw_product_na_dagtekening(bericht: Bericht317) -> Iterator[Bevinding]:
    """TR380 (NieuwProduct/GewensteIngangsdatum): "Vullen met een datum die groter is dan de
    dagtekening van het bericht." """
    dagtekening = bericht.header.dagtekening
    for item in nieuwe_producten(bericht):
        if item.begin <= dagtekening:
            yield bevinding(
                "TR380",
                "GewensteIngangsdatum",
                item.plaats,
                f"GewensteIngangsdatum {datum(item.begin)} moet na de Dagtekening van het "
                f"bericht ({datum(dagtekening)}) liggen",
                (*item.pad, ("GewensteIngangsdatum", 0)),
            )


def tr410_geen_overlap_nieuwe_producten(bericht: Bericht317) -> Iterator[Bevinding]:
    """TR410 (NieuwProduct): "Een Product mag alleen vaker in de berichtklassen NieuwProduct
    voorkomen als de zorgperiodes elkaar niet overlappen." Without a code at category level,
    without a category against every product; iWmo: categories 11-14 may overlap."""
    yield from geen_overlap("TR410", nieuwe_producten(bericht), bericht)


def tr101_dubbel_ongewijzigd_product(bericht: Bericht317) -> Iterator[Bevinding]:
    """TR101 (OngewijzigdProduct): "Binnen een bericht zijn dubbele regels niet toegestaan";
    key: ToewijzingNummer."""
    eerste: dict[int, int] = {}
    for i, o in enumerate(bericht.client.verzoek.ongewijzigde_producten):
        vorige = eerste.setdefault(o.toewijzing_nummer, i)
        if vorige != i:
            yield bevinding(
                "TR101",
                "ToewijzingNummer",
                f"OngewijzigdProduct {i + 1}",
                f"ToewijzingNummer {o.toewijzing_nummer} staat al bij OngewijzigdProduct "
                f"{vorige + 1}",
                client_pad(
                    ("Verzoek", 0),
                    ("OngewijzigdeProducten", 0),
                    ("OngewijzigdProduct", i),
                    ("ToewijzingNummer", 0),
                ),
            )


def tr101_dubbel_te_wijzigen_product(bericht: Bericht317) -> Iterator[Bevinding]:
    """TR101 (TeWijzigenProduct): "Binnen een bericht zijn dubbele regels niet toegestaan";
    key: ToewijzingNummer."""
    eerste: dict[int, int] = {}
    for i, t in enumerate(bericht.client.verzoek.te_wijzigen_producten):
        vorige = eerste.setdefault(t.toewijzing_nummer, i)
        if vorige != i:
            yield bevinding(
                "TR101",
                "ToewijzingNummer",
                f"TeWijzigenProduct {i + 1}",
                f"ToewijzingNummer {t.toewijzing_nummer} staat al bij TeWijzigenProduct "
                f"{vorige + 1}",
                client_pad(
                    ("Verzoek", 0),
                    ("TeWijzigenProducten", 0),
                    ("TeWijzigenProduct", i),
                    ("ToewijzingNummer", 0),
                ),
            )


def cd079_product_zonder_budget_317(bericht: Bericht317) -> Iterator[Bevinding]:
    """CD079 (NieuwProduct/Product): "Indien Budget leeg is, dan verplicht vullen." """
    yield from cd079(nieuwe_producten(bericht))


def cd075_einddatum_bij_budget_317(bericht: Bericht317) -> Iterator[Bevinding]:
    """CD075 (NieuwProduct and TeWijzigenProduct/Einddatum): "Verplicht vullen indien Budget
    gevuld is." """
    yield from cd075(_producten_317(bericht))


def cd076_einddatum_bij_per_week_317(bericht: Bericht317) -> Iterator[Bevinding]:
    """CD076 (NieuwProduct and TeWijzigenProduct/Einddatum): "Verplicht vullen indien
    Frequentie waarde 2 (per week)." """
    yield from cd076(_producten_317(bericht))


def cs003_einddatum_na_ingangsdatum_317(bericht: Bericht317) -> Iterator[Bevinding]:
    """CS003 (NieuwProduct and TeWijzigenProduct/Einddatum): "Indien van toepassing vullen
    met een waarde die groter is dan, of gelijk is aan de Begindatum (of Ingangsdatum) van de
    aangeduide periode." The Ingangsdatum here is the GewensteIngangsdatum."""
    yield from cs003(_producten_317(bericht))


def cd041_omvang_bij_productcode_317(bericht: Bericht317) -> Iterator[Bevinding]:
    """CD041 (NieuwProduct/Omvang): "Indien Code in Product gevuld is, verplicht vullen." """
    yield from cd041(nieuwe_producten(bericht))


def cd077_geen_omvang_bij_budget_317(bericht: Bericht317) -> Iterator[Bevinding]:
    """CD077 (NieuwProduct and TeWijzigenProduct/Omvang): "Indien Budget gevuld is, dan leeg
    laten." """
    yield from cd077(_producten_317(bericht))


def cd078_geen_budget_bij_omvang_317(bericht: Bericht317) -> Iterator[Bevinding]:
    """CD078 (NieuwProduct and TeWijzigenProduct/Budget): "Indien Omvang gevuld is, dan leeg
    laten." """
    yield from cd078(_producten_317(bericht))


def cd096_geen_omvang_zonder_productcode(bericht: Bericht317) -> Iterator[Bevinding]:
    """CD096 (NieuwProduct/Omvang): "Indien Code in NieuwProduct leeg is en Einddatum groter
    dan 31-12-2020 of leeg is, dan leeg laten." """
    yield from omvang_zonder_productcode("CD096", nieuwe_producten(bericht))


def cs338_frequentie_bij_eenheid(bericht: Bericht317) -> Iterator[Bevinding]:
    """CS338 (NieuwProduct and TeWijzigenProduct/Omvang): "Indien eenheid de waarde 14, 16,
    83 of 84 heeft en Einddatum groter dan 31-12-2020 of leeg is, dan Frequentie vullen met de
    waarde 2, 4 of 6." """
    yield from frequentie_bij_eenheid("CS338", _producten_317(bericht))


REGELS_317 = (
    cs002_bsn_elfproef,
    tr352_ongewijzigd_of_te_wijzigen,
    tr353_te_wijzigen_of_nieuw,
    tr101_dubbel_ongewijzigd_product,
    tr101_dubbel_te_wijzigen_product,
    tr380_nieuw_product_na_dagtekening,
    tr410_geen_overlap_nieuwe_producten,
    cd079_product_zonder_budget_317,
    cd075_einddatum_bij_budget_317,
    cd076_einddatum_bij_per_week_317,
    cs003_einddatum_na_ingangsdatum_317,
    cd041_omvang_bij_productcode_317,
    cd077_geen_omvang_bij_budget_317,
    cd078_geen_budget_bij_omvang_317,
    cd096_geen_omvang_zonder_productcode,
    cs338_frequentie_bij_eenheid,
)

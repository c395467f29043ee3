"""The level-3/4 rules of a 323 on one Prestatie: ``regel(lijn, ctx, stand) -> str | None``.

Rules that compare with the toewijzing hold (return None) when it was not found: TR338 says
so, once. The limits (TR321, TR322, TR369) and the uniqueness rules (TR314, TR389, TR390) read
the :class:`~declaraties.regels.basis.Stand`, so they see what earlier lines of the same
message were granted, in the order the runner documents.

Texts: technische regels of iJw/iWmo 3.2 (``codelijsten/afgeleid/technische-regels-*.csv``);
the reading of each rule follows NOTES.md section 4 (and sections 2.1-2.3 for the volumes,
tariffs and credits).
"""

from __future__ import annotations

from decimal import Decimal

from declaraties.regels.basis import Lijn, Stand, bedrag, datum, getal, periode
from declaraties.regels.context import (
    EUROS,
    MINUUT,
    TOTAAL,
    UUR,
    DeclaratieContext,
    basisvolume,
    eenheden_passen,
)
from declaraties.regels.limieten import maximum_in_periode, maximum_totaal
from declaraties.regels.tarieven import minuuttarief, verwacht_bedrag
from iwmo_jw.codec import Standaard
from kern.perioden import eerste_dag_van_maand, laatste_dag_van_maand

_NUL = Decimal(0)

_EENHEID_NAMEN = {
    "14": "etmaal",
    "16": "dagdeel",
    "82": "stuks",
    "83": "eurocent",
    "84": "stuks",
}


def hoeveelheid(basis: int, eenheid: str) -> str:
    """A volume in basis units for people: hours when whole, else minutes for time."""
    if eenheid in (MINUUT, UUR):
        if eenheid == UUR and basis % 60 == 0:
            return f"{getal(basis // 60)} uur"
        return f"{getal(basis)} minuten"
    return f"{getal(basis)} {_EENHEID_NAMEN.get(eenheid, f'(eenheid {eenheid})')}"


def _product(categorie: str | None, code: str | None) -> str:
    if categorie is None:
        return "geen product"
    return f"categorie {categorie}" if code is None else f"product {categorie}/{code}"


# --- period and link to the toewijzing ---------------------------------------------------------


def tr319_productperiode_in_declaratieperiode(
    lijn: Lijn, ctx: DeclaratieContext, stand: Stand
) -> str | None:
    """TR319 (9319): "Een declaratiebericht bevat alleen prestaties waarvan de ProductPeriode
    valt binnen de huidige, of een voorgaande declaratieperiode." (A ProductPeriode lies in one
    month, CS337, and a DeclaratiePeriode is a whole month, CS340: its end decides.)"""
    per = lijn.prestatie.product_periode
    if per.einddatum <= stand.declaratie_einde:
        return None
    return (
        f"ProductPeriode {periode(per.begindatum, per.einddatum)} ligt na de DeclaratiePeriode "
        f"(tot en met {datum(stand.declaratie_einde)})"
    )


def tr338_toewijzing_bekend(lijn: Lijn, ctx: DeclaratieContext, stand: Stand) -> str | None:
    """TR338 (9338): "De Prestatie is gerelateerd aan een ToegewezenProduct op basis van het
    Toewijzingnummer." Only toewijzingen to this aanbieder count."""
    if lijn.toewijzing is not None:
        return None
    return (
        f"ToewijzingNummer {lijn.prestatie.toewijzing_nummer} hoort niet bij een toewijzing "
        "aan deze aanbieder"
    )


def tr304_prestatie_bij_client(lijn: Lijn, ctx: DeclaratieContext, stand: Stand) -> str | None:
    """TR304 (8187) on the Prestatie: the toewijzing it refers to is of this client."""
    t = lijn.toewijzing
    if t is None or t.bsn == lijn.bsn:
        return None
    return f"toewijzing {t.toewijzing_nummer} is van een andere client"


def tr339_productcategorie(lijn: Lijn, ctx: DeclaratieContext, stand: Stand) -> str | None:
    """TR339 (9339): "ProductCategorie in Prestatie moet gelijk zijn aan ProductCategorie in het
    ToegewezenProduct indien deze opgenomen is." """
    t = lijn.toewijzing
    categorie = lijn.prestatie.product_categorie
    if t is None or t.product_categorie is None or t.product_categorie == categorie:
        return None
    return (
        f"ProductCategorie {categorie} is niet de toegewezen categorie {t.product_categorie} "
        f"(toewijzing {t.toewijzing_nummer})"
    )


def tr340_productcode(lijn: Lijn, ctx: DeclaratieContext, stand: Stand) -> str | None:
    """TR340 (9340): "ProductCode in Prestatie moet gelijk zijn aan ProductCode in het
    ToegewezenProduct, indien deze opgenomen is." """
    t = lijn.toewijzing
    code = lijn.prestatie.product_code
    if t is None or t.product_code is None or t.product_code == code:
        return None
    return (
        f"ProductCode {code} is niet de toegewezen code {t.product_code} "
        f"(toewijzing {t.toewijzing_nummer})"
    )


def tr381_product_in_productcodelijst(
    lijn: Lijn, ctx: DeclaratieContext, stand: Stand
) -> str | None:
    """TR381 (S329): "ProductCode vullen met een code die, volgens de gehanteerde
    productcodelijst, past bij de ProductCategorie." The agreed list is in the context."""
    p = lijn.prestatie
    if (p.product_categorie, p.product_code) in ctx.producten:
        return None
    return (
        f"ProductCode {p.product_code} hoort volgens de productcodelijst niet bij "
        f"ProductCategorie {p.product_categorie}"
    )


def tr341_eenheid(lijn: Lijn, ctx: DeclaratieContext, stand: Stand) -> str | None:
    """TR341 (9341): "Eenheid in Prestatie moet passen bij Eenheid in het ToegewezenProduct."
    Equal, or minutes against hours. Without an Omvang (aspecifiek, generiek) the eenheid of
    the contract tariffs of the product counts; with none known the rule holds (TR418 then
    reports the missing tariff)."""
    t = lijn.toewijzing
    if t is None:
        return None
    p = lijn.prestatie
    if t.omvang is not None:
        # Most lines: one comparison (this rule runs for every prestatie).
        if eenheden_passen(t.omvang.eenheid, p.eenheid):
            return None
        toegestaan: tuple[str, ...] = (t.omvang.eenheid,)
    else:
        per = p.product_periode
        toegestaan = ctx.tariefeenheden_in(
            p.product_categorie, p.product_code, per.begindatum, per.einddatum
        )
        if not toegestaan or any(eenheden_passen(e, p.eenheid) for e in toegestaan):
            return None
    bron = f"toewijzing {t.toewijzing_nummer}" if t.omvang is not None else "het contract"
    return f"Eenheid {p.eenheid} past niet bij eenheid {'/'.join(toegestaan)} van {bron}"


def tr307_begin_na_ingangsdatum(lijn: Lijn, ctx: DeclaratieContext, stand: Stand) -> str | None:
    """TR307 (9307): "Begindatum in ProductPeriode in Prestatie moet groter dan of gelijk zijn
    aan Ingangsdatum in ToegewezenProduct." """
    t = lijn.toewijzing
    begin = lijn.prestatie.product_periode.begindatum
    if t is None or begin >= t.ingangsdatum:
        return None
    return (
        f"ProductPeriode begint op {datum(begin)}, vóór de ingangsdatum {datum(t.ingangsdatum)} "
        f"van toewijzing {t.toewijzing_nummer}"
    )


def tr308_einde_voor_einddatum(lijn: Lijn, ctx: DeclaratieContext, stand: Stand) -> str | None:
    """TR308 (9308): "Einddatum in ProductPeriode in Prestatie moet kleiner dan of gelijk zijn
    aan Einddatum in ToegewezenProduct, indien die gevuld is." """
    t = lijn.toewijzing
    eind = lijn.prestatie.product_periode.einddatum
    if t is None or t.einddatum is None or eind <= t.einddatum:
        return None
    return (
        f"ProductPeriode eindigt op {datum(eind)}, na de einddatum {datum(t.einddatum)} "
        f"van toewijzing {t.toewijzing_nummer}"
    )


def tr387_begin_eerste_van_maand(lijn: Lijn, ctx: DeclaratieContext, stand: Stand) -> str | None:
    """TR387 (9387): "De Begindatum van een ProductPeriode is altijd de eerste dag van de
    kalendermaand waarop de ProductPeriode betrekking heeft tenzij de Ingangsdatum van de
    toewijzing later in de betreffende maand ligt." (Then it is that Ingangsdatum.)"""
    t = lijn.toewijzing
    if t is None:
        return None
    begin = lijn.prestatie.product_periode.begindatum
    verwacht = eerste_dag_van_maand(begin)
    ingang = t.ingangsdatum
    if (ingang.year, ingang.month) == (begin.year, begin.month) and ingang > verwacht:
        verwacht = ingang
    if begin == verwacht:
        return None
    return f"ProductPeriode moet beginnen op {datum(verwacht)}, niet op {datum(begin)}"


def tr388_einde_laatste_van_maand(lijn: Lijn, ctx: DeclaratieContext, stand: Stand) -> str | None:
    """TR388 (9388): "De Einddatum van een ProductPeriode is altijd de laatste dag van de
    kalendermaand waarop de ProductPeriode betrekking heeft tenzij de Einddatum van de
    toewijzing eerder in de betreffende maand ligt." (Then it is that Einddatum.)"""
    t = lijn.toewijzing
    if t is None:
        return None
    eind = lijn.prestatie.product_periode.einddatum
    verwacht = laatste_dag_van_maand(eind)
    einde = t.einddatum
    if (
        einde is not None
        and (einde.year, einde.month) == (eind.year, eind.month)
        and einde < verwacht
    ):
        verwacht = einde
    if eind == verwacht:
        return None
    return f"ProductPeriode moet eindigen op {datum(verwacht)}, niet op {datum(eind)}"


def tr384_toewijzing_niet_verwijderd(
    lijn: Lijn, ctx: DeclaratieContext, stand: Stand
) -> str | None:
    """TR384 (9384): "Het is niet toegestaan te declareren op een toewijzing met
    RedenWijziging waarde "13" (Verwijderd)." """
    t = lijn.toewijzing
    if t is None or not t.verwijderd:
        return None
    return f"toewijzing {t.toewijzing_nummer} is verwijderd (RedenWijziging 13)"


# --- volumes and budget ------------------------------------------------------------------------


def tr321_volume_in_productperiode(lijn: Lijn, ctx: DeclaratieContext, stand: Stand) -> str | None:
    """TR321 (9321): "Indien in het ToegewezenProduct een Omvang is meegegeven, moet
    GeleverdVolume in de Prestatie passen binnen Volume in het ToegewezenProduct", taking
    Eenheid, Frequentie and the ProductPeriode into account (IV076-IV078,
    :func:`~declaraties.regels.limieten.maximum_in_periode`).

    What was granted before for the same toewijzing and month, before this message and
    earlier in it, counts too (a credit and a new debit for one month must fit together).
    Frequentie 6 has no per-period share: the line alone is checked here, the sum by TR322."""
    t = lijn.toewijzing
    if t is None or t.omvang is None:
        return None
    p = lijn.prestatie
    if not eenheden_passen(t.omvang.eenheid, p.eenheid):
        return None  # TR341
    per = p.product_periode
    maximum = maximum_in_periode(
        t, per.begindatum, per.einddatum, hbh=stand.standaard is Standaard.IWMO
    )
    if maximum is None:
        return None
    grens = basisvolume(maximum, t.omvang.eenheid)
    volume = basisvolume(p.geleverd_volume, p.eenheid)
    eerder = 0
    if t.omvang.frequentie != TOTAAL:
        maand = (t.toewijzing_nummer, lijn.maand)
        eerder = ctx.verbruik_per_maand.get(maand, 0) + stand.volume_per_maand.get(maand, 0)
    if eerder + volume <= grens:
        return None
    eenheid = t.omvang.eenheid
    al = f" (al toegekend in deze maand: {hoeveelheid(eerder, eenheid)})" if eerder else ""
    return (
        f"GeleverdVolume {hoeveelheid(volume, eenheid)} past niet binnen het maximum van "
        f"{hoeveelheid(grens, eenheid)} voor ProductPeriode "
        f"{periode(per.begindatum, per.einddatum)} van toewijzing {t.toewijzing_nummer}{al}"
    )


def tr322_volume_over_looptijd(lijn: Lijn, ctx: DeclaratieContext, stand: Stand) -> str | None:
    """TR322 (9322): "Indien in het ToegewezenProduct een Omvang is meegegeven, moet de som van
    GeleverdVolume in alle ingediende Prestaties die betrekking hebben op dat ToegewezenProduct
    passen binnen de toegewezen Omvang", over the toewijzing's whole duration
    (:func:`~declaraties.regels.limieten.maximum_totaal`). The sum is of what was granted
    (net of credits) before this message and earlier in it, plus this line."""
    t = lijn.toewijzing
    if t is None or t.omvang is None:
        return None
    p = lijn.prestatie
    if not eenheden_passen(t.omvang.eenheid, p.eenheid):
        return None  # TR341
    maximum = maximum_totaal(t)
    if maximum is None:
        return None
    grens = basisvolume(maximum, t.omvang.eenheid)
    nummer = t.toewijzing_nummer
    verbruik = ctx.verbruik.get(nummer)
    eerder = (verbruik.volume if verbruik is not None else 0) + stand.volume.get(nummer, 0)
    volume = basisvolume(p.geleverd_volume, p.eenheid)
    if eerder + volume <= grens:
        return None
    eenheid = t.omvang.eenheid
    return (
        f"GeleverdVolume {hoeveelheid(volume, eenheid)} past niet meer binnen de omvang van "
        f"toewijzing {nummer}: {hoeveelheid(grens, eenheid)} in totaal, al toegekend "
        f"{hoeveelheid(eerder, eenheid)}"
    )


def tr369_binnen_budget(lijn: Lijn, ctx: DeclaratieContext, stand: Stand) -> str | None:
    """TR369 (9369): "Indien in het ToegewezenProduct een Budget is meegegeven, moet de som
    van GeleverdVolume in alle ingediende Prestaties ... passen binnen het toegewezen Budget."
    Read as the sum of the declared amounts (NOTES 4: an interpretation), net of credits,
    before this message and earlier in it, plus this line."""
    t = lijn.toewijzing
    if t is None or t.budget is None:
        return None
    nummer = t.toewijzing_nummer
    verbruik = ctx.verbruik.get(nummer)
    eerder = (verbruik.bedrag if verbruik is not None else _NUL) + stand.bedrag.get(nummer, _NUL)
    ingediend = lijn.prestatie.ingediend_bedrag.bedrag
    if eerder + ingediend <= t.budget:
        return None
    return (
        f"IngediendBedrag {bedrag(ingediend)} past niet meer binnen het budget van toewijzing "
        f"{nummer}: {bedrag(t.budget)}, al toegekend {bedrag(eerder)}"
    )


# --- tariff and amount -------------------------------------------------------------------------


def tr418_contracttarief(lijn: Lijn, ctx: DeclaratieContext, stand: Stand) -> str | None:
    """TR418 (0611): "ProductTarief in Prestatie dient overeen te komen met het contractuele
    tarief van ProductCode." The contract tariff of this aanbieder for the product valid in
    the ProductPeriode (any day of it, when a tariff changes within the month); minutes
    against an hourly tariff carry the IV081 minute tariff. No tariff at all fails too.
    Eenheid 83 has no ProductTarief (CD087)."""
    p = lijn.prestatie
    tarief = p.product_tarief
    if tarief is None or p.eenheid == EUROS:
        return None
    per = p.product_periode
    passend = ctx.passende_tarieven_in(
        p.product_categorie, p.product_code, per.begindatum, per.einddatum
    )
    if (p.eenheid, tarief) in passend:
        return None
    tarieven = ctx.tarieven_in(p.product_categorie, p.product_code, per.begindatum, per.einddatum)
    product = _product(p.product_categorie, p.product_code)
    if not tarieven:
        return (
            f"ProductTarief {bedrag(tarief)}: geen contracttarief voor {product} in ProductPeriode "
            f"{periode(per.begindatum, per.einddatum)}"
        )
    contract = ", ".join(
        f"{bedrag(minuuttarief(t.bedrag))} per minuut"
        if t.eenheid == UUR and p.eenheid == MINUUT
        else f"{bedrag(t.bedrag)} (eenheid {t.eenheid})"
        for t in tarieven
    )
    return f"ProductTarief {bedrag(tarief)} is niet het contracttarief voor {product}: {contract}"


def tr346_ingediend_bedrag(lijn: Lijn, ctx: DeclaratieContext, stand: Stand) -> str | None:
    """TR346 (9346): "Indien Eenheid ongelijk is aan waarde 83 (Euro's), moet IngediendBedrag
    gelijk zijn aan GeleverdVolume vermenigvuldigd met ProductTarief", with the IV081
    calculation for minutes under an hourly tariff
    (:func:`~declaraties.regels.tarieven.verwacht_bedrag`)."""
    p = lijn.prestatie
    tarief = p.product_tarief
    if tarief is None or p.eenheid == EUROS:
        return None
    per = p.product_periode
    tarieven = (
        ctx.tarieven_in(p.product_categorie, p.product_code, per.begindatum, per.einddatum)
        if p.eenheid == MINUUT
        else ()
    )
    verwacht = verwacht_bedrag(p.geleverd_volume, p.eenheid, tarief, tarieven)
    ingediend = p.ingediend_bedrag.bedrag
    if ingediend == verwacht:
        return None
    return (
        f"IngediendBedrag {bedrag(ingediend)} is niet GeleverdVolume "
        f"{getal(p.geleverd_volume)} maal ProductTarief {bedrag(tarief)}: {bedrag(verwacht)}"
    )


# --- references, debits and credits ------------------------------------------------------------


def tr314_referentienummer_uniek(lijn: Lijn, ctx: DeclaratieContext, stand: Stand) -> str | None:
    """TR314 (8021): "ReferentieNummer van de Prestatie moet uniek zijn voor de aanbieder binnen
    het wettelijk domein ..., zowel binnen één bericht als berichtoverstijgend." Within the
    message the first in the runner's order keeps it."""
    referentie = lijn.referentie
    if referentie in ctx.bekende_referenties:
        return f"ReferentieNummer {referentie} is al eerder aangeleverd"
    if referentie in stand.referenties:
        return f"ReferentieNummer {referentie} staat al eerder in dit bericht"
    return None


def tr389_geen_tweede_debet(lijn: Lijn, ctx: DeclaratieContext, stand: Stand) -> str | None:
    """TR389 (9389): a debit "mag alleen ingezonden worden voor dezelfde ProductPeriode,
    ProductCategorie en ProductCode met gelijk ToewijzingNummer als er niet al eerder een
    debetprestatie is verzonden", unless that one was credited. Counted are approved debits
    not credited (a rejected debit may be declared again, IV085), including those this
    message approved; credits of this message (assessed first) free their debit's key."""
    if stand.open_debetten.get(lijn.sleutel, 0) <= 0:
        return None
    p = lijn.prestatie
    per = p.product_periode
    return (
        f"er is al een debetprestatie zonder creditprestatie voor toewijzing "
        f"{p.toewijzing_nummer}, {_product(p.product_categorie, p.product_code)}, "
        f"ProductPeriode {periode(per.begindatum, per.einddatum)}"
    )


def tr323_credit_heeft_debet(lijn: Lijn, ctx: DeclaratieContext, stand: Stand) -> str | None:
    """TR323 (8017): "Een credit Prestatie moet gerelateerd zijn aan een eerder verzonden
    (goedgekeurde) debet Prestatie op basis van sleutelvelden." VorigReferentieNummer names an
    approved debit of an earlier message, of the same client, toewijzing, product and
    ProductPeriode."""
    vorig = lijn.prestatie.product_referentie.vorig_referentie_nummer
    debet = ctx.debetten.get(vorig) if vorig is not None else None
    if debet is None:
        return f"geen toegekende debetprestatie met ReferentieNummer {vorig} bekend"
    if debet.bsn != lijn.bsn or debet.sleutel != lijn.sleutel:
        return (
            f"de debetprestatie {vorig} is van een andere client, toewijzing, product of "
            "ProductPeriode"
        )
    return None


def tr390_niet_dubbel_gecrediteerd(lijn: Lijn, ctx: DeclaratieContext, stand: Stand) -> str | None:
    """TR390 (9390): "DebetCredit mag alleen waarde Credit hebben indien voor Prestatie met
    gelijk ProductReferentie niet een Prestatie met Credit bestaat": the debit was not
    credited before, nor earlier in this message."""
    vorig = lijn.prestatie.product_referentie.vorig_referentie_nummer
    debet = ctx.debetten.get(vorig) if vorig is not None else None
    if debet is None:
        return None  # TR323
    if debet.gecrediteerd or debet.referentie_nummer in stand.gecrediteerd:
        return f"de debetprestatie {debet.referentie_nummer} is al gecrediteerd"
    return None

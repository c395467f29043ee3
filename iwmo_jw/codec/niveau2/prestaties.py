"""Level 2 of the declaration (323), the rules on one prestatie: they run in a single pass over
the prestaties (:func:`prestatieregels`) instead of one pass each. The rules on the
ProductPeriode depend only on its two dates (and on the message's dates), so they are
evaluated once per distinct period, not once per prestatie: a declaration has a handful of
periods for many lines. Also the places and paths the 323 rules share.

Texts: CS100, CS325, CS337, CS339, CD060, CD087 (iJw 3.2 conditions and constraints) and TR134,
TR137, TR335 (technische regels, control level "xslt"); see ``declaratie.py`` for which dates
TR134 and TR137 cover.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

from iwmo_jw.codec.modellen import Bericht323, Prestatie323
from iwmo_jw.codec.niveau2.basis import (
    CS100_VANAF,
    Bevinding,
    Pad,
    Stap,
    bedrag,
    bevinding,
    datum,
    jaren_terug,
    periode,
)

DECLARATIE: Pad = (("Declaratie", 0),)
CLIENTEN: Pad = (("Declaratie", 0), ("Clienten", 0))


def pad_client(ci: int, *rest: Stap) -> Pad:
    return (*CLIENTEN, ("Client", ci), *rest)


def pad_prestatie(ci: int, pi: int, *rest: Stap) -> Pad:
    return (*CLIENTEN, ("Client", ci), ("Prestaties", 0), ("Prestatie", pi), *rest)


def plaats_client(ci: int) -> str:
    return f"Client {ci + 1}"


def plaats_prestatie(ci: int, pi: int, p: Prestatie323) -> str:
    """Where a prestatie is, for people: position and ReferentieNummer, never the BSN."""
    return (
        f"Client {ci + 1}, prestatie {pi + 1} "
        f"(ReferentieNummer {p.product_referentie.referentie_nummer})"
    )


def tr137_fout(begin: date, eind: date, dagtekening: date) -> str | None:
    """What is wrong with an Einddatum under TR137 (before the Begindatum, or after the
    Dagtekening), or None."""
    if eind < begin:
        return f"Einddatum {datum(eind)} ligt vóór de Begindatum {datum(begin)}"
    if eind > dagtekening:
        return (
            f"Einddatum {datum(eind)} ligt na de Dagtekening van het bericht ({datum(dagtekening)})"
        )
    return None


# --- the rules on one prestatie -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Fout:
    """What a rule on one prestatie found: rule id, element, Dutch text, and the path below
    the Prestatie element."""

    regel: str
    element: str
    tekst: str
    pad: Pad


@dataclass(frozen=True, slots=True)
class Kader:
    """The dates of the message that the rules on a ProductPeriode compare with."""

    dagtekening: date  # of the header: "de Dagtekening van het bericht"
    declaratie_dagtekening: date
    vijf_jaar_terug: date  # TR335: the DeclaratieDagtekening five years earlier

    @classmethod
    def van(cls, bericht: Bericht323) -> Kader:
        declaratie_dagtekening = bericht.declaratie.declaratie_dagtekening
        return cls(
            dagtekening=bericht.header.dagtekening,
            declaratie_dagtekening=declaratie_dagtekening,
            vijf_jaar_terug=jaren_terug(declaratie_dagtekening, 5),
        )


def cs337_productperiode_een_maand(begin: date, eind: date, kader: Kader) -> Fout | None:
    """CS337 (Prestatie/ProductPeriode): "Einddatum in de ProductPeriode vullen met een datum
    die valt in dezelfde kalendermaand en jaar als de Begindatum van de ProductPeriode." """
    if begin.month == eind.month and begin.year == eind.year:
        return None
    return Fout(
        "CS337",
        "Einddatum",
        f"ProductPeriode {periode(begin, eind)} valt niet binnen één kalendermaand",
        (("ProductPeriode", 0), ("Einddatum", 0)),
    )


def cs100_productperiode_vanaf_2021(begin: date, eind: date, kader: Kader) -> Fout | None:
    """CS100 (Prestatie/ProductPeriode): "Vullen met een datum die groter dan of gelijk is aan
    01-01-2021." """
    if begin >= CS100_VANAF and eind >= CS100_VANAF:
        return None
    element = "Begindatum" if begin < CS100_VANAF else "Einddatum"
    return Fout(
        "CS100",
        element,
        f"ProductPeriode {periode(begin, eind)} ligt (deels) vóór 01-01-2021",
        (("ProductPeriode", 0), (element, 0)),
    )


def tr134_productperiode_begindatum(begin: date, eind: date, kader: Kader) -> Fout | None:
    """TR134 (Prestatie/ProductPeriode/Begindatum): "Vullen met een bestaande datum die niet
    groter is dan de Dagtekening van het bericht." """
    if begin <= kader.dagtekening:
        return None
    return Fout(
        "TR134",
        "Begindatum",
        f"Begindatum {datum(begin)} van de ProductPeriode ligt na de Dagtekening van het "
        f"bericht ({datum(kader.dagtekening)})",
        (("ProductPeriode", 0), ("Begindatum", 0)),
    )


def tr137_productperiode_einddatum(begin: date, eind: date, kader: Kader) -> Fout | None:
    """TR137 (Prestatie/ProductPeriode/Einddatum): "Vullen met een waarde die groter is dan,
    of gelijk is aan de Begindatum van de aangeduide periode én die niet groter is dan de
    Dagtekening van het bericht." """
    fout = tr137_fout(begin, eind, kader.dagtekening)
    if fout is None:
        return None
    return Fout(
        "TR137", "Einddatum", f"ProductPeriode: {fout}", (("ProductPeriode", 0), ("Einddatum", 0))
    )


def tr335_productperiode_max_5_jaar_terug(begin: date, eind: date, kader: Kader) -> Fout | None:
    """TR335 (Prestatie/ProductPeriode/Einddatum): "Einddatum mag niet meer dan 5 jaar voor
    DeclaratieDagtekening liggen." """
    if eind >= kader.vijf_jaar_terug:
        return None
    return Fout(
        "TR335",
        "Einddatum",
        f"Einddatum {datum(eind)} van de ProductPeriode ligt meer dan 5 jaar voor de "
        f"DeclaratieDagtekening ({datum(kader.declaratie_dagtekening)})",
        (("ProductPeriode", 0), ("Einddatum", 0)),
    )


def cs339_euro_bedrag_is_volume(p: Prestatie323) -> Fout | None:
    """CS339 (Prestatie/IngediendBedrag): "Indien Eenheid de waarde 83 (euro's) heeft, moet
    IngediendBedrag gelijk zijn aan GeleverdVolume." With Eenheid 83 the GeleverdVolume is in
    eurocent (IV042), as is the Bedrag in the message: volume 4250 goes with € 42,50."""
    if p.eenheid != "83":
        return None
    euro = p.ingediend_bedrag.bedrag
    if euro * 100 == p.geleverd_volume:
        return None
    return Fout(
        "CS339",
        "Bedrag",
        f"bij Eenheid 83 (euro's) moet IngediendBedrag ({bedrag(euro)}) gelijk zijn aan "
        f"GeleverdVolume ({p.geleverd_volume} eurocent)",
        (("IngediendBedrag", 0), ("Bedrag", 0)),
    )


def cd087_producttarief_tenzij_euros(p: Prestatie323) -> Fout | None:
    """CD087 (Prestatie/ProductTarief): "Als eenheid ongelijk is aan 83 (euro's) dan verplicht
    vullen, anders leeg laten." """
    euros = p.eenheid == "83"
    if euros == (p.product_tarief is None):
        return None
    if euros:
        return Fout(
            "CD087",
            "ProductTarief",
            "bij Eenheid 83 (euro's) moet ProductTarief leeg zijn",
            (("ProductTarief", 0),),
        )
    return Fout(
        "CD087",
        "ProductTarief",
        f"bij Eenheid {p.eenheid} is ProductTarief verplicht",
        (("Eenheid", 0),),
    )


def cs325_bedrag_nul_is_debet(p: Prestatie323) -> Fout | None:
    """CS325 (Prestatie/IngediendBedrag): "Indien (Totaal)Bedrag de waarde 0 heeft, dan
    DebetCredit vullen met D (Debet)." """
    ingediend = p.ingediend_bedrag
    if ingediend.debet_credit == "D" or ingediend.bedrag != 0:
        return None
    return Fout(
        "CS325",
        "DebetCredit",
        "IngediendBedrag is 0, dus DebetCredit moet D zijn (niet C)",
        (("IngediendBedrag", 0), ("DebetCredit", 0)),
    )


def cd060_vorig_referentienummer_bij_credit(p: Prestatie323) -> Fout | None:
    """CD060 (Prestatie/ProductReferentie/VorigReferentieNummer): "Verplicht vullen indien
    DebetCredit bij het ingediende bedrag de waarde C (credit) heeft, anders leeg laten." """
    credit = p.ingediend_bedrag.debet_credit == "C"
    vorig = p.product_referentie.vorig_referentie_nummer
    if credit == (vorig is not None):
        return None
    if credit:
        return Fout(
            "CD060",
            "VorigReferentieNummer",
            "een creditprestatie moet VorigReferentieNummer hebben",
            (("ProductReferentie", 0),),
        )
    return Fout(
        "CD060",
        "VorigReferentieNummer",
        f"een debetprestatie mag geen VorigReferentieNummer hebben (staat {vorig})",
        (("ProductReferentie", 0), ("VorigReferentieNummer", 0)),
    )


PeriodeRegel = Callable[[date, date, Kader], Fout | None]
PrestatieRegel = Callable[[Prestatie323], Fout | None]

#: Rules on a ProductPeriode (evaluated once per distinct period) ...
PERIODEREGELS: tuple[PeriodeRegel, ...] = (
    cs337_productperiode_een_maand,
    cs100_productperiode_vanaf_2021,
    tr134_productperiode_begindatum,
    tr137_productperiode_einddatum,
    tr335_productperiode_max_5_jaar_terug,
)
#: ... and on the amounts and references of one prestatie.
PRESTATIEREGELS: tuple[PrestatieRegel, ...] = (
    cs339_euro_bedrag_is_volume,
    cd087_producttarief_tenzij_euros,
    cs325_bedrag_nul_is_debet,
    cd060_vorig_referentienummer_bij_credit,
)


def _zeker_in_orde(p: Prestatie323) -> bool:
    """The common line, a debit with a tariff, not in euros, without VorigReferentieNummer,
    passes every rule of :data:`PRESTATIEREGELS` (CS339 and the C-cases of CS325 and CD060 do
    not apply, CD087 holds); only other lines need the rules themselves. (A test checks this
    shortcut against the rules.)"""
    return (
        p.ingediend_bedrag.debet_credit == "D"
        and p.eenheid != "83"
        and p.product_tarief is not None
        and p.product_referentie.vorig_referentie_nummer is None
    )


def prestatieregels(bericht: Bericht323) -> Iterator[Bevinding]:
    """The rules on one prestatie (:data:`PERIODEREGELS`, :data:`PRESTATIEREGELS`), in one pass
    over the prestaties; findings in message order."""
    kader = Kader.van(bericht)
    # Begindatum -> Einddatum -> what the period rules found (usually nothing). Nested dicts:
    # the lookup allocates nothing per prestatie.
    per_periode: dict[date, dict[date, tuple[Fout, ...]]] = {}
    for ci, client in enumerate(bericht.declaratie.clienten):
        for pi, p in enumerate(client.prestaties):
            per = p.product_periode
            begin, eind = per.begindatum, per.einddatum
            met_begin = per_periode.get(begin)
            if met_begin is None:
                met_begin = per_periode[begin] = {}
            fouten = met_begin.get(eind)
            if fouten is None:
                fouten = met_begin[eind] = tuple(
                    f for regel in PERIODEREGELS if (f := regel(begin, eind, kader)) is not None
                )
            for fout in fouten:
                yield _prestatie_bevinding(ci, pi, p, fout)
            if _zeker_in_orde(p):
                continue
            for prestatieregel in PRESTATIEREGELS:
                gevonden = prestatieregel(p)
                if gevonden is not None:
                    yield _prestatie_bevinding(ci, pi, p, gevonden)


def _prestatie_bevinding(ci: int, pi: int, p: Prestatie323, fout: Fout) -> Bevinding:
    return bevinding(
        fout.regel,
        fout.element,
        plaats_prestatie(ci, pi, p),
        fout.tekst,
        pad_prestatie(ci, pi, *fout.pad),
    )

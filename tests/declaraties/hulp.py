"""A valid 323 with its context, to break one thing at a time, and a generator of large valid
messages. Everything here is pure: no database.

The base declaration (JW323, DeclaratiePeriode April 2026, sent 2 June 2026):

- client A (BSN 999900006), toewijzing 1001: 45/45A03, 2026, Omvang 200 uur in total
  - R1: debit, April, 20 uur x € 63,00 = € 1.260,00
  - R3: credit of R0 (an approved March debit of 10 uur, € 630,00)
- client B (BSN 999900018), toewijzing 2001: categorie 45 only, budget € 1.000,00, first half
  of 2026; toewijzing 1002 like 1001 (unused: TR304 needs a toewijzing of another client)
  - R2: debit, April, 4 stuks (84) x € 25,00 = € 100,00

TotaalIngediendBedrag € 730,00 D. Every line is granted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from declaraties.regels import (
    DeclaratieContext,
    EerdereDebet,
    Omvang,
    Tarief,
    Toewijzing,
)
from iwmo_jw.codec import soort, xsd_versie
from iwmo_jw.codec.modellen import (
    BedragMetDC,
    Bericht323,
    BerichtIdentificatie,
    Client323,
    Declaratie,
    GeslotenPeriode,
    Header,
    Prestatie323,
    Referentie,
    TotaalBedragMetDC,
)
from kern.perioden import laatste_dag_van_maand

BSN_A = "999900006"
BSN_B = "999900018"
AANBIEDER = "12345678"
GEMEENTE = "0384"
APRIL = (date(2026, 4, 1), date(2026, 4, 30))
MAART = (date(2026, 3, 1), date(2026, 3, 31))
ONTVANGEN = date(2026, 6, 3)


def elfproef(bsn: str) -> bool:
    gewichten = (9, 8, 7, 6, 5, 4, 3, 2, -1)
    return sum(g * int(c) for g, c in zip(gewichten, bsn, strict=True)) % 11 == 0


def bsns(aantal: int, *, vanaf: int = 999_000_000) -> list[str]:
    """``aantal`` distinct BSNs that pass the eleven-test, from ``vanaf`` upwards."""
    gevonden: list[str] = []
    n = vanaf
    while len(gevonden) < aantal:
        kandidaat = f"{n:09d}"
        if elfproef(kandidaat):
            gevonden.append(kandidaat)
        n += 1
    return gevonden


def prestatie(
    referentie: str,
    toewijzing: int,
    code: str,
    periode: tuple[date, date],
    volume: int,
    eenheid: str,
    tarief: Decimal | None,
    bedrag: Decimal,
    *,
    categorie: str = "45",
    vorig: str | None = None,
) -> Prestatie323:
    return Prestatie323(
        product_referentie=Referentie(referentie_nummer=referentie, vorig_referentie_nummer=vorig),
        toewijzing_nummer=toewijzing,
        product_categorie=categorie,
        product_code=code,
        product_periode=GeslotenPeriode(begindatum=periode[0], einddatum=periode[1]),
        geleverd_volume=volume,
        eenheid=eenheid,
        product_tarief=tarief,
        ingediend_bedrag=BedragMetDC(bedrag=bedrag, debet_credit="C" if vorig else "D"),
    )


def met_totaal(bericht: Bericht323) -> Bericht323:
    """The message with TotaalIngediendBedrag recomputed (TR358), so it stays level-2 valid."""
    totaal = Decimal(0)
    for client in bericht.declaratie.clienten:
        for p in client.prestaties:
            b = p.ingediend_bedrag
            totaal += -b.bedrag if b.debet_credit == "C" else b.bedrag
    return replace(
        bericht,
        declaratie=replace(
            bericht.declaratie,
            totaal_ingediend_bedrag=TotaalBedragMetDC(
                totaal_bedrag=abs(totaal), debet_credit="C" if totaal < 0 else "D"
            ),
        ),
    )


def bericht323(
    clienten: list[tuple[str, list[Prestatie323]]],
    *,
    naam: str = "JW323",
    periode: tuple[date, date] = APRIL,
    dagtekening: date = date(2026, 6, 2),
    identificatie: str = "B1",
    declaratienummer: str = "D1",
) -> Bericht323:
    gekozen = soort(naam)
    b = Bericht323(
        soort=gekozen,
        header=Header(
            afzender=AANBIEDER,
            ontvanger=GEMEENTE,
            bericht_identificatie=BerichtIdentificatie(
                identificatie=identificatie, dagtekening=dagtekening
            ),
            xsd_versie=xsd_versie(gekozen),
        ),
        declaratie=Declaratie(
            declaratie_nummer=declaratienummer,
            declaratie_periode=GeslotenPeriode(begindatum=periode[0], einddatum=periode[1]),
            declaratie_dagtekening=dagtekening,
            totaal_ingediend_bedrag=TotaalBedragMetDC(totaal_bedrag=Decimal(0), debet_credit="D"),
            clienten=tuple(
                Client323(bsn=bsn, prestaties=tuple(prestaties)) for bsn, prestaties in clienten
            ),
        ),
    )
    return met_totaal(b)


def basis_bericht(naam: str = "JW323") -> Bericht323:
    return bericht323(
        [
            (
                BSN_A,
                [
                    prestatie(
                        "R1", 1001, "45A03", APRIL, 20, "04", Decimal("63.00"), Decimal("1260.00")
                    ),
                    prestatie(
                        "R3",
                        1001,
                        "45A03",
                        MAART,
                        10,
                        "04",
                        Decimal("63.00"),
                        Decimal("630.00"),
                        vorig="R0",
                    ),
                ],
            ),
            (
                BSN_B,
                [
                    prestatie(
                        "R2", 2001, "45A04", APRIL, 4, "84", Decimal("25.00"), Decimal("100.00")
                    )
                ],
            ),
        ],
        naam=naam,
    )


T1001 = Toewijzing(
    toewijzing_nummer=1001,
    bsn=BSN_A,
    ingangsdatum=date(2026, 1, 1),
    einddatum=date(2026, 12, 31),
    product_categorie="45",
    product_code="45A03",
    omvang=Omvang(200, "04", "6"),
)
T1002 = replace(T1001, toewijzing_nummer=1002, bsn=BSN_B)
T2001 = Toewijzing(
    toewijzing_nummer=2001,
    bsn=BSN_B,
    ingangsdatum=date(2026, 1, 1),
    einddatum=date(2026, 6, 30),
    product_categorie="45",
    budget=Decimal("1000.00"),
)
R0 = EerdereDebet(
    referentie_nummer="R0",
    bsn=BSN_A,
    toewijzing_nummer=1001,
    product_categorie="45",
    product_code="45A03",
    begindatum=MAART[0],
    einddatum=MAART[1],
    geleverd_volume=10,
    eenheid="04",
    bedrag=Decimal("630.00"),
)
TARIEF_45A03 = Tarief("45", "45A03", "04", Decimal("63.00"), date(2025, 1, 1))
TARIEF_45A04 = Tarief("45", "45A04", "84", Decimal("25.00"), date(2025, 1, 1))


def basis_velden() -> dict[str, Any]:
    """The arguments of :meth:`DeclaratieContext.maak` for the base message."""
    return {
        "ontvangstdatum": ONTVANGEN,
        "toewijzingen": [T1001, T1002, T2001],
        "verbruik": [],
        "debetten": [R0],
        "open_debetten": [R0.sleutel],
        "bekende_referenties": ["R0"],
        "bekende_berichtidentificaties": ["B0"],
        "bekende_declaratienummers": ["D0"],
        "vorige_declaratieperiode": date(2026, 3, 1),
        "gemeentecodes": [GEMEENTE, "0363"],
        "producten": [("45", "45A03"), ("45", "45A04")],
        "tarieven": [TARIEF_45A03, TARIEF_45A04],
        "uitgeschakeld": [],
    }


def context(**wijzigingen: Any) -> DeclaratieContext:
    velden = basis_velden()
    velden.update(wijzigingen)
    return DeclaratieContext.maak(**velden)


def met_toewijzing(nummer: int, **wijzigingen: Any) -> list[Toewijzing]:
    """The base toewijzingen with one of them changed."""
    return [
        replace(t, **wijzigingen) if t.toewijzing_nummer == nummer else t
        for t in basis_velden()["toewijzingen"]
    ]


def wijzig_prestatie(bericht: Bericht323, referentie: str, **wijzigingen: Any) -> Bericht323:
    """The message with prestatie ``referentie`` changed (totals recomputed)."""
    return met_totaal(
        vervang_prestaties(
            bericht,
            lambda p: (
                replace(p, **wijzigingen)
                if p.product_referentie.referentie_nummer == referentie
                else p
            ),
        )
    )


def vervang_prestaties(
    bericht: Bericht323, functie: Callable[[Prestatie323], Prestatie323]
) -> Bericht323:
    return replace(
        bericht,
        declaratie=replace(
            bericht.declaratie,
            clienten=tuple(
                replace(c, prestaties=tuple(functie(p) for p in c.prestaties))
                for c in bericht.declaratie.clienten
            ),
        ),
    )


def periode(begin: date, eind: date) -> GeslotenPeriode:
    return GeslotenPeriode(begindatum=begin, einddatum=eind)


def maanden(jaar: int, van: int, tot: int) -> Iterator[tuple[date, date]]:
    for maand in range(van, tot + 1):
        begin = date(jaar, maand, 1)
        yield begin, laatste_dag_van_maand(begin)


def groot_bericht(aantal: int) -> tuple[Bericht323, DeclaratieContext]:
    """A valid JW323 of ``aantal`` debit lines (``aantal`` a multiple of 5) and its context:
    ``aantal / 5`` clients, each with one toewijzing of 4 uur per week in 2026 and a line per
    month January-May (DeclaratiePeriode May). Every line is granted."""
    if aantal % 5:
        raise ValueError("aantal moet een veelvoud van 5 zijn")
    tarief = Decimal("61.25")
    clienten = []
    toewijzingen = []
    for i, bsn in enumerate(bsns(aantal // 5)):
        nummer = 100_000 + i
        toewijzingen.append(
            Toewijzing(
                toewijzing_nummer=nummer,
                bsn=bsn,
                ingangsdatum=date(2026, 1, 1),
                einddatum=date(2026, 12, 31),
                product_categorie="45",
                product_code="45A03",
                omvang=Omvang(4, "04", "2"),
            )
        )
        clienten.append(
            (
                bsn,
                [
                    prestatie(f"G{i}M{m}", nummer, "45A03", per, 12, "04", tarief, tarief * 12)
                    for m, per in enumerate(maanden(2026, 1, 5), start=1)
                ],
            )
        )
    bericht = bericht323(clienten, periode=(date(2026, 5, 1), date(2026, 5, 31)))
    ctx = DeclaratieContext.maak(
        ontvangstdatum=ONTVANGEN,
        toewijzingen=toewijzingen,
        gemeentecodes=[GEMEENTE],
        producten=[("45", "45A03")],
        tarieven=[replace(TARIEF_45A03, bedrag=tarief)],
        vorige_declaratieperiode=date(2026, 4, 1),
    )
    return bericht, ctx

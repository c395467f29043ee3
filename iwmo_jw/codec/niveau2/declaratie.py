"""Level 2 of the declaration (WMO323 / JW323): the rules of the XSLT layer (retourcode 0001).

Texts: constraints and conditions from the iJw 3.2 table (CS002, CS100, CS325, CS337, CS339,
CS340, CD060, CD087; ``codelijsten/afgeleid/condities-constraints-restricties-ijw-3.2.csv``),
technische regels of control level "xslt" (TR101, TR134, TR137, TR315, TR316, TR335, TR358,
TR416; ``technische-regels-{ijw,iwmo}-3.2.csv``). iWmo 3.2 has the same rules for the 323.

Which dates TR134 and TR137 cover (the rule table names the classes, not the elements):
TR134 ("niet groter dan de Dagtekening") the Begindatum of DeclaratiePeriode and of
ProductPeriode; TR137 ("groter dan of gelijk aan de Begindatum ... én niet groter dan de
Dagtekening") their Einddatum. "De Dagtekening van het bericht" is the header's. The
DeclaratieDagtekening is not checked against it (no rule names that pair).

Deliberately not here, because the standard puts them on level 3 with their own code:
TR314 (ReferentieNummer unique, also across clients and messages; 8021) and TR319
(ProductPeriode within the current or an earlier DeclaratiePeriode; 9319).

Speed (a declaration may hold 100,000 prestaties): the rules on one prestatie share a single
pass (``prestaties.py``); the rules across prestaties here (TR101, TR315, TR316, TR358, TR416)
each take one cheap pass that allocates nothing per prestatie until something is wrong.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from iwmo_jw.codec.modellen import Bericht323, Prestatie323
from iwmo_jw.codec.niveau2.basis import (
    CS100_VANAF,
    Bevinding,
    bedrag,
    bevinding,
    datum,
    elfproef,
    laatste_dag_van_maand,
    maskeer,
    periode,
)
from iwmo_jw.codec.niveau2.prestaties import (
    DECLARATIE,
    pad_client,
    pad_prestatie,
    plaats_client,
    plaats_prestatie,
    prestatieregels,
    tr137_fout,
)

# --- Client ------------------------------------------------------------------------------------


def cs002_bsn_elfproef(bericht: Bericht323) -> Iterator[Bevinding]:
    """CS002 (Client/Bsn): "De waarde moet voldoen aan de 11-proef." """
    for ci, client in enumerate(bericht.declaratie.clienten):
        if not elfproef(client.bsn):
            yield bevinding(
                "CS002",
                "Bsn",
                plaats_client(ci),
                f"het BSN {maskeer(client.bsn)} voldoet niet aan de elfproef",
                pad_client(ci, ("Bsn", 0)),
            )


def tr101_dubbele_client(bericht: Bericht323) -> Iterator[Bevinding]:
    """TR101 (Client): "Binnen een bericht zijn dubbele regels niet toegestaan", i.e. the
    logical key of each class, with those of its parents, is unique. The key of a Client is
    its Bsn."""
    eerste: dict[str, int] = {}
    for ci, client in enumerate(bericht.declaratie.clienten):
        vorige = eerste.setdefault(client.bsn, ci)
        if vorige != ci:
            yield bevinding(
                "TR101",
                "Bsn",
                plaats_client(ci),
                f"dezelfde client (BSN {maskeer(client.bsn)}) staat al als client {vorige + 1} "
                "in het bericht",
                pad_client(ci, ("Bsn", 0)),
            )


def tr101_dubbele_prestatie(bericht: Bericht323) -> Iterator[Bevinding]:
    """TR101 (Prestatie): the key of a Prestatie is its ProductReferentie (the reference the
    325 and every credit use, TR366/TR323); with the Client's key, two prestaties of one
    client may not have the same ReferentieNummer. (Across clients and messages that is
    TR314, level 3.)"""
    for ci, client in enumerate(bericht.declaratie.clienten):
        prestaties = client.prestaties
        if len(prestaties) < 2 or len(
            {p.product_referentie.referentie_nummer for p in prestaties}
        ) == len(prestaties):
            continue
        eerste: dict[str, int] = {}
        for pi, p in enumerate(prestaties):
            vorige = eerste.setdefault(p.product_referentie.referentie_nummer, pi)
            if vorige != pi:
                yield bevinding(
                    "TR101",
                    "ReferentieNummer",
                    plaats_prestatie(ci, pi, p),
                    f"dezelfde ReferentieNummer staat al bij prestatie {vorige + 1} van deze "
                    "client",
                    pad_prestatie(ci, pi, ("ProductReferentie", 0), ("ReferentieNummer", 0)),
                )


# --- Declaratie --------------------------------------------------------------------------------


def tr358_totaal_ingediend_bedrag(bericht: Bericht323) -> Iterator[Bevinding]:
    """TR358 (Declaratie/TotaalIngediendBedrag): "De waarde van TotaalBedrag in
    TotaalIngediendBedrag moet gelijk zijn aan de SOM van de waarden van Bedrag in
    IngediendBedrag in alle onderliggende Prestaties, rekening houdend met indicatie
    debet/credit. Debetposten worden opgeteld, creditposten worden afgetrokken." """
    debet = Decimal(0)
    credit = Decimal(0)
    for client in bericht.declaratie.clienten:
        for p in client.prestaties:
            ingediend = p.ingediend_bedrag
            if ingediend.debet_credit == "C":
                credit += ingediend.bedrag
            else:
                debet += ingediend.bedrag
    som = debet - credit
    totaal = bericht.declaratie.totaal_ingediend_bedrag
    opgegeven = -totaal.totaal_bedrag if totaal.debet_credit == "C" else totaal.totaal_bedrag
    if som != opgegeven:
        yield bevinding(
            "TR358",
            "TotaalBedrag",
            "Declaratie, TotaalIngediendBedrag",
            f"{bedrag(totaal.totaal_bedrag)} {totaal.debet_credit} is niet de som van de "
            f"prestaties: debet {bedrag(debet)} min credit {bedrag(credit)} is "
            f"{bedrag(abs(som))} {'C' if som < 0 else 'D'}",
            (*DECLARATIE, ("TotaalIngediendBedrag", 0), ("TotaalBedrag", 0)),
        )


def cs325_totaal_nul_is_debet(bericht: Bericht323) -> Iterator[Bevinding]:
    """CS325 (Declaratie/TotaalIngediendBedrag): "Indien (Totaal)Bedrag de waarde 0 heeft,
    dan DebetCredit vullen met D (Debet)." """
    totaal = bericht.declaratie.totaal_ingediend_bedrag
    if totaal.totaal_bedrag == 0 and totaal.debet_credit != "D":
        yield bevinding(
            "CS325",
            "DebetCredit",
            "Declaratie, TotaalIngediendBedrag",
            f"TotaalBedrag is 0, dus DebetCredit moet D zijn (niet {totaal.debet_credit})",
            (*DECLARATIE, ("TotaalIngediendBedrag", 0), ("DebetCredit", 0)),
        )


def cs340_declaratieperiode_een_maand(bericht: Bericht323) -> Iterator[Bevinding]:
    """CS340 (Declaratie/DeclaratiePeriode): "De periode is exact gelijk aan 1 hele
    kalendermaand." """
    p = bericht.declaratie.declaratie_periode
    begin, eind = p.begindatum, p.einddatum
    if begin.day != 1 or eind != laatste_dag_van_maand(begin):
        yield bevinding(
            "CS340",
            "DeclaratiePeriode",
            "Declaratie, DeclaratiePeriode",
            f"{periode(begin, eind)} is niet precies één hele kalendermaand",
            (*DECLARATIE, ("DeclaratiePeriode", 0)),
        )


def cs100_declaratieperiode_vanaf_2021(bericht: Bericht323) -> Iterator[Bevinding]:
    """CS100 (Declaratie/DeclaratiePeriode): "Vullen met een datum die groter dan of gelijk
    is aan 01-01-2021." """
    p = bericht.declaratie.declaratie_periode
    if p.begindatum < CS100_VANAF or p.einddatum < CS100_VANAF:
        element = "Begindatum" if p.begindatum < CS100_VANAF else "Einddatum"
        yield bevinding(
            "CS100",
            element,
            "Declaratie, DeclaratiePeriode",
            f"{periode(p.begindatum, p.einddatum)} ligt (deels) vóór 01-01-2021",
            (*DECLARATIE, ("DeclaratiePeriode", 0), (element, 0)),
        )


def tr134_declaratieperiode_begindatum(bericht: Bericht323) -> Iterator[Bevinding]:
    """TR134 (Declaratie/DeclaratiePeriode/Begindatum): "Vullen met een bestaande datum die
    niet groter is dan de Dagtekening van het bericht." """
    begin = bericht.declaratie.declaratie_periode.begindatum
    dagtekening = bericht.header.dagtekening
    if begin > dagtekening:
        yield bevinding(
            "TR134",
            "Begindatum",
            "Declaratie, DeclaratiePeriode",
            f"Begindatum {datum(begin)} ligt na de Dagtekening van het bericht "
            f"({datum(dagtekening)})",
            (*DECLARATIE, ("DeclaratiePeriode", 0), ("Begindatum", 0)),
        )


def tr137_declaratieperiode_einddatum(bericht: Bericht323) -> Iterator[Bevinding]:
    """TR137 (Declaratie/DeclaratiePeriode/Einddatum): "Vullen met een waarde die groter is
    dan, of gelijk is aan de Begindatum van de aangeduide periode én die niet groter is dan
    de Dagtekening van het bericht." """
    p = bericht.declaratie.declaratie_periode
    dagtekening = bericht.header.dagtekening
    fout = tr137_fout(p.begindatum, p.einddatum, dagtekening)
    if fout is not None:
        yield bevinding(
            "TR137",
            "Einddatum",
            "Declaratie, DeclaratiePeriode",
            fout,
            (*DECLARATIE, ("DeclaratiePeriode", 0), ("Einddatum", 0)),
        )


# --- Prestatie: references across the message -----------------------------------------------


def tr315_vorig_referentienummer_uniek(bericht: Bericht323) -> Iterator[Bevinding]:
    """TR315 (Prestatie): "VorigReferentieNummer van de Prestatie moet uniek zijn in het
    bericht." """
    eerste: dict[str, tuple[int, int]] = {}
    for ci, client in enumerate(bericht.declaratie.clienten):
        for pi, p in enumerate(client.prestaties):
            vorig = p.product_referentie.vorig_referentie_nummer
            if vorig is None:
                continue
            plek = eerste.setdefault(vorig, (ci, pi))
            if plek != (ci, pi):
                yield bevinding(
                    "TR315",
                    "VorigReferentieNummer",
                    plaats_prestatie(ci, pi, p),
                    f"VorigReferentieNummer {vorig} staat ook bij client {plek[0] + 1}, "
                    f"prestatie {plek[1] + 1}",
                    pad_prestatie(ci, pi, ("ProductReferentie", 0), ("VorigReferentieNummer", 0)),
                )


def tr316_debet_niet_gecrediteerd_in_zelfde_bericht(bericht: Bericht323) -> Iterator[Bevinding]:
    """TR316 (Prestatie): "Debetregels mogen niet in hetzelfde bericht gecrediteerd worden.
    VorigReferentieNummer mag geen waarde bevatten gelijk aan ReferentieNummer van een
    Prestatie in hetzelfde bestand." """
    clienten = bericht.declaratie.clienten
    # Pass 1: the VorigReferentieNummers (credits only, usually few) and where they are.
    vorige: dict[str, list[tuple[int, int]]] = {}
    for ci, client in enumerate(clienten):
        for pi, p in enumerate(client.prestaties):
            vorig = p.product_referentie.vorig_referentie_nummer
            if vorig is not None:
                vorige.setdefault(vorig, []).append((ci, pi))
    if not vorige:
        return
    # Pass 2: the prestaties whose ReferentieNummer one of them names.
    for ci, client in enumerate(clienten):
        for pi, p in enumerate(client.prestaties):
            nummer = p.product_referentie.referentie_nummer
            for cc, cp in vorige.get(nummer, ()):
                credit = clienten[cc].prestaties[cp]
                yield bevinding(
                    "TR316",
                    "VorigReferentieNummer",
                    plaats_prestatie(cc, cp, credit),
                    f"crediteert prestatie {nummer} (client {ci + 1}, prestatie {pi + 1}) in "
                    "hetzelfde bericht",
                    pad_prestatie(cc, cp, ("ProductReferentie", 0), ("VorigReferentieNummer", 0)),
                )


def tr416_geen_tweede_debet(bericht: Bericht323) -> Iterator[Bevinding]:
    """TR416 (Prestatie): "Prestatie met DebetCredit in IngediendBedrag waarde Debet mag alleen
    ingezonden worden voor dezelfde ProductPeriode, ProductCategorie en ProductCode met gelijk
    ToewijzingNummer als er niet al een Prestatie met waarde Debet is." Over the whole message:
    a ToewijzingNummer is unique per gemeente and domain (TR332), so the rule does not depend
    on the Client it is declared under."""
    clienten = bericht.declaratie.clienten
    # Pass 1, without allocating per prestatie: which ToewijzingNummers have more than one
    # debit (a late declaration can hold several months of one toewijzing).
    eerste: dict[int, Prestatie323] = {}
    vaker: set[int] = set()
    for client in clienten:
        for p in client.prestaties:
            if (
                p.ingediend_bedrag.debet_credit == "D"
                and eerste.setdefault(p.toewijzing_nummer, p) is not p
            ):
                vaker.add(p.toewijzing_nummer)
    if not vaker:
        return
    # Pass 2, only for those toewijzingen: compare the full keys.
    gezien: dict[tuple[object, ...], tuple[int, int]] = {}
    for ci, client in enumerate(clienten):
        for pi, p in enumerate(client.prestaties):
            if p.toewijzing_nummer not in vaker or p.ingediend_bedrag.debet_credit != "D":
                continue
            per = p.product_periode
            sleutel = (
                p.toewijzing_nummer,
                p.product_categorie,
                p.product_code,
                per.begindatum,
                per.einddatum,
            )
            plek = gezien.setdefault(sleutel, (ci, pi))
            if plek != (ci, pi):
                yield bevinding(
                    "TR416",
                    "DebetCredit",
                    plaats_prestatie(ci, pi, p),
                    f"tweede debetprestatie voor toewijzing {p.toewijzing_nummer}, product "
                    f"{p.product_categorie}/{p.product_code}, periode "
                    f"{periode(per.begindatum, per.einddatum)}; de eerste is client "
                    f"{plek[0] + 1}, prestatie {plek[1] + 1}",
                    pad_prestatie(ci, pi, ("IngediendBedrag", 0), ("DebetCredit", 0)),
                )


#: What runs for a 323, in reporting order: message-level rules, then the one-pass rules.
REGELS = (
    cs002_bsn_elfproef,
    tr101_dubbele_client,
    tr101_dubbele_prestatie,
    tr358_totaal_ingediend_bedrag,
    cs325_totaal_nul_is_debet,
    cs340_declaratieperiode_een_maand,
    cs100_declaratieperiode_vanaf_2021,
    tr134_declaratieperiode_begindatum,
    tr137_declaratieperiode_einddatum,
    tr315_vorig_referentienummer_uniek,
    tr316_debet_niet_gecrediteerd_in_zelfde_bericht,
    tr416_geen_tweede_debet,
    prestatieregels,
)

"""The level-3/4 rules of a 323 on the Header, the Declaratie and the Client.

An error in the Header answers with a header only; in the Declaratie with TotaalToegekendBedrag
0 and no assessment of the prestaties; in a Client with 0233 on each of its prestaties (IV087).

Texts: technische regels of iJw/iWmo 3.2 (``codelijsten/afgeleid/technische-regels-*.csv``),
retourcodes from ``LDT_RetourCode``; the reading of each rule follows NOTES.md section 4.
"""

from __future__ import annotations

from declaraties.regels.basis import datum, periode
from declaraties.regels.context import DeclaratieContext
from iwmo_jw.codec.modellen import Bericht323, Client323
from kern.bsn import maskeer_bsn

# --- Header ------------------------------------------------------------------------------------


def tr056_berichtidentificatie_uniek(bericht: Bericht323, ctx: DeclaratieContext) -> str | None:
    """TR056 (9056): "Identificatie moet per berichtsoort uniek zijn voor de verzendende
    partij." The earlier Identificaties of 323s of this sender are in the context."""
    identificatie = bericht.header.identificatie
    if identificatie not in ctx.bekende_berichtidentificaties:
        return None
    return (
        f"Header: BerichtIdentificatie {identificatie} is al eerder gebruikt voor een "
        "declaratiebericht van deze aanbieder"
    )


def tr135_dagtekening_niet_in_toekomst(bericht: Bericht323, ctx: DeclaratieContext) -> str | None:
    """TR135 (8848): "Vullen met een bestaande datum die niet in de toekomst ligt." The
    Dagtekening of the header against the system date, which is the date of receipt."""
    dagtekening = bericht.header.dagtekening
    if dagtekening <= ctx.ontvangstdatum:
        return None
    return (
        f"Header: Dagtekening {datum(dagtekening)} ligt na de datum van ontvangst "
        f"({datum(ctx.ontvangstdatum)})"
    )


def tr378_gemeentecode_bestaat(bericht: Bericht323, ctx: DeclaratieContext) -> str | None:
    """TR378 (S300): "Vullen met een bestaande gemeentecode uit het overzicht van CBS ..."
    The Ontvanger of a 323 is the gemeente. The context holds the current CBS list (codes
    that a herindeling ended may be added by the loader)."""
    code = bericht.header.ontvanger
    if code in ctx.gemeentecodes:
        return None
    return f"Header: Ontvanger {code} is geen gemeentecode uit de lijst van het CBS"


# --- Declaratie --------------------------------------------------------------------------------


def tr333_declaratienummer_uniek(bericht: Bericht323, ctx: DeclaratieContext) -> str | None:
    """TR333 (9333): "DeclaratieNummer van de Declaratie moet uniek zijn voor de aanbieder
    binnen het wettelijk domein waarop de Declaratie betrekking heeft." """
    nummer = bericht.declaratie.declaratie_nummer
    if nummer not in ctx.bekende_declaratienummers:
        return None
    return f"Declaratie: DeclaratieNummer {nummer} is al eerder ingediend door deze aanbieder"


def tr318_declaratieperiode_volgt(bericht: Bericht323, ctx: DeclaratieContext) -> str | None:
    """TR318 (8214): "Indien iedere DeclaratiePeriode zorg is geleverd, moet DeclaratiePeriode
    de kalendermaand volgend op voorgaande DeclaratiePeriode zijn." After months without care
    the next period is the month care resumed, so a gap cannot be told from a skipped month
    here (and OP095 forbids rejecting on what the sender cannot see): the check is that the
    DeclaratiePeriode lies after the previous one, never in the same or an earlier month
    (IV090: a late ProductPeriode goes into the current DeclaratiePeriode)."""
    vorige = ctx.vorige_declaratieperiode
    if vorige is None:
        return None
    begin = bericht.declaratie.declaratie_periode.begindatum
    if (begin.year, begin.month) > (vorige.year, vorige.month):
        return None
    per = bericht.declaratie.declaratie_periode
    return (
        f"Declaratie: DeclaratiePeriode {periode(per.begindatum, per.einddatum)} volgt niet op "
        f"de vorige DeclaratiePeriode (vanaf {datum(vorige)})"
    )


# --- Client ------------------------------------------------------------------------------------


def tr304_client_bekend(client: Client323, ctx: DeclaratieContext) -> str | None:
    """TR304 (8187) on the Client: "Bsn moet overeenkomen met Bsn van een Client." The Bsn
    must be that of a client with a toewijzing at this aanbieder; otherwise none of its
    prestaties can belong to it, and they get 0233. (A prestatie whose toewijzing belongs to
    another client of the message fails TR304 on the prestatie itself.)"""
    if client.bsn in ctx.bsns:
        return None
    return (
        f"Client (BSN {maskeer_bsn(client.bsn)}): geen toewijzing aan deze aanbieder voor "
        "deze client"
    )

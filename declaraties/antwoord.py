"""The declaratie-antwoord (325) as a codec model, built from the 323 and its assessment. Pure:
write it with :func:`iwmo_jw.codec.serialize`, which checks it against the XSD.

How the 325 is filled (IV087, IV088, TR342; NOTES.md 2.2):

============================================  =================================================
situation                                      325
============================================  =================================================
fully granted                                  Header 0200; DeclaratieAntwoord 8001,
                                               TotaalToegekendBedrag = TotaalIngediendBedrag,
                                               no clients
level 2 (in-message rules, 0001)               Header only, RetourCode 0001 (plus XsltVersie
                                               when the official XSLTs were used):
                                               :func:`technisch_afgekeurd`
level 3/4 error in the Header                  Header only, with the rules' retourcodes
level 3/4 error in the Declaratie              Header 0200; DeclaratieAntwoord with the rules'
                                               codes and TotaalToegekendBedrag 0, no clients
level 3/4 errors in Clients or Prestaties      Header 0200; DeclaratieAntwoord 0200 with
                                               TotaalToegekendBedrag = the granted sum; only the
                                               rejected prestaties, each with its codes, under
                                               their client (the client's codes, or 0200);
                                               a rejected client's prestaties carry 0233
============================================  =================================================

TR342: Σ IngediendBedrag of the returned prestaties = TotaalIngediendBedrag -
TotaalToegekendBedrag, debits counting positive and credits negative (:func:`tr342_klopt`).
The values of a returned prestatie are those of the 323 (TR367).

The header of the answer: Afzender and Ontvanger swapped from the 323, a new
BerichtIdentificatie (the caller's: identification and dagtekening of this answer), the XSD
versions of the shipped 325 schema, DeclaratieIdentificatie and XsdVersieDeclaratie from the
323 (TR337, TR371).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from declaraties.regels.uitvoeren import Beoordeling
from iwmo_jw.codec import SOORTEN, BerichtSoort, Validatieresultaat, xsd_versie
from iwmo_jw.codec.modellen import (
    Bericht323,
    Bericht325,
    BerichtIdentificatie,
    Client325,
    DeclaratieAntwoord,
    Header325,
    Prestatie323,
    Prestatie325,
    TotaalBedragMetDC,
)

GEEN_OPMERKING = "0200"
VOLLEDIG_TOEGEKEND = "8001"
TECHNISCH_AFGEKEURD = "0001"


def antwoord_soort(declaratie_soort: BerichtSoort) -> BerichtSoort:
    """The 325 of the same standard as the 323 (WMO323 -> WMO325, JW323 -> JW325)."""
    for s in SOORTEN:
        if s.standaard is declaratie_soort.standaard and s.berichttype == "325":
            return s
    raise ValueError(f"geen 325 voor {declaratie_soort.naam}")  # pragma: no cover


def _header(
    bericht: Bericht323,
    soort: BerichtSoort,
    *,
    identificatie: str,
    dagtekening: date,
    retourcodes: tuple[str, ...],
    xslt_versie: str | None,
) -> Header325:
    kop = bericht.header
    return Header325(
        afzender=kop.ontvanger,
        ontvanger=kop.afzender,
        bericht_identificatie=BerichtIdentificatie(
            identificatie=identificatie, dagtekening=dagtekening
        ),
        xsd_versie=xsd_versie(soort),
        declaratie_identificatie=kop.bericht_identificatie,
        xslt_versie=xslt_versie,
        xsd_versie_declaratie=kop.xsd_versie,
        retour_codes=retourcodes,
    )


def _totaal(bedrag: Decimal) -> TotaalBedragMetDC:
    """A signed euro amount as TotaalBedrag + DebetCredit (0 is D, CS325)."""
    return TotaalBedragMetDC(totaal_bedrag=abs(bedrag), debet_credit="C" if bedrag < 0 else "D")


def _getekend(bedrag: Decimal, debet_credit: str) -> Decimal:
    return -bedrag if debet_credit == "C" else bedrag


def _prestatie(p: Prestatie323, retourcodes: tuple[str, ...]) -> Prestatie325:
    return Prestatie325(
        product_referentie=p.product_referentie,
        toewijzing_nummer=p.toewijzing_nummer,
        product_categorie=p.product_categorie,
        product_code=p.product_code,
        product_periode=p.product_periode,
        geleverd_volume=p.geleverd_volume,
        eenheid=p.eenheid,
        product_tarief=p.product_tarief,
        ingediend_bedrag=p.ingediend_bedrag,
        retour_codes=retourcodes,
    )


def declaratieantwoord(
    bericht: Bericht323,
    beoordeling: Beoordeling,
    *,
    identificatie: str,
    dagtekening: date,
    xslt_versie: str | None = None,
) -> Bericht325:
    """The 325 for a 323 that passed levels 1 and 2, from its level-3/4 ``beoordeling``.

    Raises ValueError when the granted and rejected amounts do not add up to the 323's
    TotaalIngediendBedrag (TR342): that happens only when level 2 (TR358) was skipped."""
    soort = antwoord_soort(bericht.soort)
    declaratie = bericht.declaratie

    def header(*codes: str) -> Header325:
        return _header(
            bericht,
            soort,
            identificatie=identificatie,
            dagtekening=dagtekening,
            retourcodes=codes,
            xslt_versie=xslt_versie,
        )

    if beoordeling.afgewezen_op_header:
        codes = tuple(dict.fromkeys(b.retourcode for b in beoordeling.header))
        return Bericht325(soort=soort, header=header(*codes))

    ingediend = declaratie.totaal_ingediend_bedrag
    if beoordeling.afgewezen_op_declaratie:
        codes = tuple(dict.fromkeys(b.retourcode for b in beoordeling.declaratie))
        return Bericht325(
            soort=soort,
            header=header(GEEN_OPMERKING),
            declaratie_antwoord=DeclaratieAntwoord(
                declaratie_nummer=declaratie.declaratie_nummer,
                totaal_ingediend_bedrag=ingediend,
                totaal_toegekend_bedrag=_totaal(Decimal(0)),
                retour_codes=codes,
            ),
        )

    if len(beoordeling.prestaties) != sum(len(c.prestaties) for c in declaratie.clienten):
        raise ValueError("de beoordeling hoort niet bij deze declaratie")
    toegekend = beoordeling.totaal_toegekend
    afgewezen = Decimal(0)
    per_client: dict[int, list[Prestatie325]] = {}
    for uitkomst in beoordeling.prestaties:
        if uitkomst.toegekend:
            continue
        client = declaratie.clienten[uitkomst.client_index]
        p = client.prestaties[uitkomst.prestatie_index]
        afgewezen += _getekend(p.ingediend_bedrag.bedrag, p.ingediend_bedrag.debet_credit)
        per_client.setdefault(uitkomst.client_index, []).append(_prestatie(p, uitkomst.retourcodes))
    totaal = _getekend(ingediend.totaal_bedrag, ingediend.debet_credit)
    if afgewezen != totaal - toegekend:
        raise ValueError(
            "TR342: de afgewezen en toegekende bedragen tellen niet op tot het "
            "TotaalIngediendBedrag (is niveau 2, TR358, overgeslagen?)"
        )
    if not per_client:
        return Bericht325(
            soort=soort,
            header=header(GEEN_OPMERKING),
            declaratie_antwoord=DeclaratieAntwoord(
                declaratie_nummer=declaratie.declaratie_nummer,
                totaal_ingediend_bedrag=ingediend,
                totaal_toegekend_bedrag=ingediend,
                retour_codes=(VOLLEDIG_TOEGEKEND,),
            ),
        )
    clienten = tuple(
        Client325(
            bsn=declaratie.clienten[ci].bsn,
            prestaties=tuple(prestaties),
            retour_codes=tuple(dict.fromkeys(b.retourcode for b in beoordeling.clienten[ci]))
            if ci in beoordeling.clienten
            else (GEEN_OPMERKING,),
        )
        for ci, prestaties in sorted(per_client.items())
    )
    return Bericht325(
        soort=soort,
        header=header(GEEN_OPMERKING),
        declaratie_antwoord=DeclaratieAntwoord(
            declaratie_nummer=declaratie.declaratie_nummer,
            totaal_ingediend_bedrag=ingediend,
            totaal_toegekend_bedrag=_totaal(toegekend),
            clienten=clienten,
            retour_codes=(GEEN_OPMERKING,),
        ),
    )


def technisch_afgekeurd(
    resultaat: Validatieresultaat,
    *,
    identificatie: str,
    dagtekening: date,
    xslt_versie: str | None = None,
) -> Bericht325:
    """The 325 for a 323 that failed level 2 (``valideer`` gave ``niveau`` 2): a header only,
    RetourCode 0001; the 323 counts as not sent. ``xslt_versie``: the version of the official
    XSLTs, when those did the check.

    Raises ValueError for any other result: a level-1 failure gets no 325 at all, and a valid
    message is answered after levels 3 and 4 (:func:`declaratieantwoord`)."""
    bericht = resultaat.bericht
    if resultaat.niveau != 2 or not isinstance(bericht, Bericht323):
        raise ValueError("alleen een 323 die op niveau 2 is afgekeurd krijgt een 325 met 0001")
    soort = antwoord_soort(bericht.soort)
    return Bericht325(
        soort=soort,
        header=_header(
            bericht,
            soort,
            identificatie=identificatie,
            dagtekening=dagtekening,
            retourcodes=(TECHNISCH_AFGEKEURD,),
            xslt_versie=xslt_versie,
        ),
    )


def tr342_klopt(antwoord: Bericht325) -> bool:
    """TR342: Σ IngediendBedrag of the returned prestaties (credits negative) equals
    TotaalIngediendBedrag - TotaalToegekendBedrag. A 325 without DeclaratieAntwoord, or one
    rejected on the Declaratie (no prestaties, TotaalToegekendBedrag 0), holds trivially."""
    da = antwoord.declaratie_antwoord
    if da is None or not da.clienten:
        return True
    som = sum(
        (
            _getekend(p.ingediend_bedrag.bedrag, p.ingediend_bedrag.debet_credit)
            for c in da.clienten
            for p in c.prestaties
        ),
        Decimal(0),
    )
    ingediend = _getekend(
        da.totaal_ingediend_bedrag.totaal_bedrag, da.totaal_ingediend_bedrag.debet_credit
    )
    toegekend = _getekend(
        da.totaal_toegekend_bedrag.totaal_bedrag, da.totaal_toegekend_bedrag.debet_credit
    )
    return som == ingediend - toegekend

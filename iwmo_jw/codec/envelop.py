"""The StUF-GGk berichtenvelop (version 2.1, ``ggk0310``) around an iWmo/iJw message.

Towards the Gemeentelijk Gegevensknooppunt (GGk) every message travels in an envelope: the
vrij bericht ``Di01`` (``envelopHeenbericht-ggk_Di01``) for a message that starts an exchange,
``Du01`` (``envelopRetourbericht-ggk_Du01``) for the answer to one; a Du01 names the envelope it
answers in ``crossRefnummer``. The message itself is carried base64-encoded in
``parameters/bericht``. Schemas: ``iwmo_jw/schemas/stuf-ggk-0310-2.1.03/`` (VNG Realisatie).

:func:`inpakken` writes an envelope and checks it against ``ggk0310_msg.xsd``;
:func:`uitpakken` reads one as carefully as a message (hardened parser, size limits, XSD) and
returns the message bytes with the envelope's data.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from datetime import datetime

from lxml import etree

from iwmo_jw.codec.fouten import CodecFout
from iwmo_jw.codec.herkennen import herken
from iwmo_jw.codec.schemas import envelop_schema, xsd_meldingen
from iwmo_jw.codec.xml import STANDAARD_MAX_GROOTTE, lees_xml

GGK_NS = "http://www.stufstandaarden.nl/sectormodel/ggk/0210"
STUF_NS = "http://www.egem.nl/StUF/StUF0301"
XMIME_NS = "http://www.w3.org/2005/05/xmlmime"

HEEN = "Di01"
RETOUR = "Du01"
_WORTEL = {HEEN: "envelopHeenbericht-ggk_Di01", RETOUR: "envelopRetourbericht-ggk_Du01"}
_CODE_VAN_WORTEL = {f"{{{GGK_NS}}}{naam}": code for code, naam in _WORTEL.items()}

#: Base64 makes the payload a third larger; the envelope itself adds a little.
ENVELOP_MAX_GROOTTE = STANDAARD_MAX_GROOTTE * 4 // 3 + 1024 * 1024

_TIJDSTIP = re.compile(r"(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})(\d{3})?)?")
_WIT = re.compile(rb"[ \t\r\n]+")


@dataclass(frozen=True, slots=True)
class Systeem:
    """Zender or ontvanger: organisatie is the gemeentecode (CBS, 4 digits) or the AGB code of
    the aanbieder; applicatie names the sending or receiving application (3-50 characters)."""

    organisatie: str
    applicatie: str
    administratie: str | None = None
    gebruiker: str | None = None


@dataclass(frozen=True, slots=True)
class Envelop:
    """The data of an envelope, as read by :func:`uitpakken`."""

    berichtcode: str  # "Di01" (heen) or "Du01" (retour)
    zender: Systeem
    ontvanger: Systeem
    referentienummer: str
    tijdstip_bericht: str  # as written: JJJJMMDD[uummss[mmm]]
    functie: str  # the message, e.g. "JW323"
    crossrefnummer: str | None  # Du01: the referentienummer of the answered envelope
    referentienummer_bericht: str | None
    crossrefnummer_bericht: str | None
    applicatie_versie: str
    applicatie_subversie: str
    functie_versie: str
    functie_subversie: str
    bestandsnaam: str | None
    content_type: str

    @property
    def is_retour(self) -> bool:
        return self.berichtcode == RETOUR

    @property
    def tijdstip(self) -> datetime | None:
        """``tijdstip_bericht`` as a (naive) datetime, None when it has another form."""
        match = _TIJDSTIP.fullmatch(self.tijdstip_bericht)
        if match is None:
            return None
        jaar, maand, dag, uur, minuut, seconde, milli = match.groups()
        try:
            return datetime(
                int(jaar),
                int(maand),
                int(dag),
                int(uur or 0),
                int(minuut or 0),
                int(seconde or 0),
                int(milli or 0) * 1000,
            )
        except ValueError:
            return None


def tijdstip_tekst(tijdstip: datetime) -> str:
    """StUF Tijdstip: JJJJMMDDuummss, plus milliseconds when there are any."""
    tekst = tijdstip.strftime("%Y%m%d%H%M%S")
    if tijdstip.microsecond:
        tekst += f"{tijdstip.microsecond // 1000:03d}"
    return tekst


def inpakken(
    bericht: bytes,
    *,
    zender: Systeem,
    ontvanger: Systeem,
    referentienummer: str,
    tijdstip: datetime,
    functie: str | None = None,
    crossrefnummer: str | None = None,
    referentienummer_bericht: str | None = None,
    crossrefnummer_bericht: str | None = None,
    applicatie_versie: str = "0001",
    applicatie_subversie: str = "0000",
    functie_versie: str = "0001",
    functie_subversie: str = "0001",
    bestandsnaam: str | None = None,
    content_type: str = "application/xml",
) -> bytes:
    """Wrap ``bericht`` (the message's XML bytes) in a StUF-GGk envelope.

    Without ``crossrefnummer`` the envelope is a Di01 (heen); with it, a Du01 (retour) that
    answers the envelope with that referentienummer. ``functie`` defaults to the message's own
    name (``WMO301``, ``JW325``), read from the message. The result is checked against the
    envelope's XSD; a value it refuses (a referentienummer over 40 characters, a version that
    is not 4 digits) raises :class:`CodecFout` (``envelop_ongeldig``)."""
    if not isinstance(bericht, bytes):
        raise TypeError("inpakken verwacht de bytes van het bericht")
    if functie is None:
        functie = herken(lees_xml(bericht).getroot()).naam
    berichtcode = RETOUR if crossrefnummer is not None else HEEN
    if crossrefnummer_bericht is not None and berichtcode == HEEN:
        raise CodecFout(
            "envelop_ongeldig",
            "crossrefnummerBericht hoort alleen in een retourenvelop (Du01, met crossrefnummer).",
        )
    ggk = f"{{{GGK_NS}}}"
    stuf = f"{{{STUF_NS}}}"
    wortel = etree.Element(
        ggk + _WORTEL[berichtcode], nsmap={"GGK": GGK_NS, "StUF": STUF_NS, "xmime": XMIME_NS}
    )

    def sub(ouder: etree._Element, tag: str, tekst: str | None = None) -> etree._Element:
        element = etree.SubElement(ouder, tag)
        if tekst is not None:
            element.text = tekst
        return element

    stuurgegevens = sub(wortel, ggk + "stuurgegevens")
    sub(stuurgegevens, stuf + "berichtcode", berichtcode)
    for tag, systeem in (("zender", zender), ("ontvanger", ontvanger)):
        element = sub(stuurgegevens, stuf + tag)
        sub(element, stuf + "organisatie", systeem.organisatie)
        sub(element, stuf + "applicatie", systeem.applicatie)
        if systeem.administratie is not None:
            sub(element, stuf + "administratie", systeem.administratie)
        if systeem.gebruiker is not None:
            sub(element, stuf + "gebruiker", systeem.gebruiker)
    sub(stuurgegevens, stuf + "referentienummer", referentienummer)
    sub(stuurgegevens, stuf + "tijdstipBericht", tijdstip_tekst(tijdstip))
    if crossrefnummer is not None:
        sub(stuurgegevens, stuf + "crossRefnummer", crossrefnummer)
    sub(stuurgegevens, stuf + "functie", functie)
    parameters = sub(wortel, ggk + "parameters")
    if referentienummer_bericht is not None:
        sub(parameters, ggk + "referentienummerBericht", referentienummer_bericht)
    if crossrefnummer_bericht is not None:
        sub(parameters, ggk + "crossRefnummerBericht", crossrefnummer_bericht)
    sub(parameters, ggk + "applicatieVersie", applicatie_versie)
    sub(parameters, ggk + "applicatieSubversie", applicatie_subversie)
    sub(parameters, ggk + "functieVersie", functie_versie)
    sub(parameters, ggk + "functieSubversie", functie_subversie)
    inhoud = sub(parameters, ggk + "bericht", base64.b64encode(bericht).decode("ascii"))
    if bestandsnaam is not None:
        inhoud.set(stuf + "bestandsnaam", bestandsnaam)
    inhoud.set(f"{{{XMIME_NS}}}contentType", content_type)
    boom = etree.ElementTree(wortel)
    meldingen = xsd_meldingen(envelop_schema(), boom)
    if meldingen:
        raise CodecFout(
            "envelop_ongeldig",
            f"De envelop voldoet niet aan het XSD van StUF-GGk: {meldingen[0].melding}",
            meldingen=meldingen,
        )
    data: bytes = etree.tostring(boom, xml_declaration=True, encoding="UTF-8")
    return data


def uitpakken(
    envelop: bytes,
    *,
    max_grootte: int = ENVELOP_MAX_GROOTTE,
    max_bericht_grootte: int = STANDAARD_MAX_GROOTTE,
) -> tuple[bytes, Envelop]:
    """Read a StUF-GGk envelope: ``(message bytes, envelope data)``.

    Hardened like a message (no DTD or entities, size limit first), then checked against the
    envelope's XSD. Raises :class:`CodecFout`: the codes of ``lees_xml``, ``envelop_onbekend``
    (another root element), ``envelop_ongeldig`` (XSD), ``envelop_inhoud_onleesbaar`` (base64),
    ``te_groot`` (the decoded message exceeds ``max_bericht_grootte``). The message inside is
    not read: pass it to ``parse``."""
    boom = lees_xml(envelop, max_grootte=max_grootte, grote_teksten=True)
    wortel = boom.getroot()
    berichtcode = _CODE_VAN_WORTEL.get(wortel.tag)
    if berichtcode is None:
        raise CodecFout(
            "envelop_onbekend",
            f"Geen StUF-GGk-envelop: het hoofdelement is '{etree.QName(wortel).localname}'; "
            "verwacht envelopHeenbericht-ggk_Di01 of envelopRetourbericht-ggk_Du01.",
        )
    meldingen = xsd_meldingen(envelop_schema(), boom)
    if meldingen:
        raise CodecFout(
            "envelop_ongeldig",
            f"De envelop voldoet niet aan het XSD van StUF-GGk: {meldingen[0].melding}",
            meldingen=meldingen,
        )
    ggk = f"{{{GGK_NS}}}"
    stuf = f"{{{STUF_NS}}}"

    def tekst(element: etree._Element, pad: str) -> str | None:
        return element.findtext(pad)

    stuurgegevens = wortel.find(ggk + "stuurgegevens")
    parameters = wortel.find(ggk + "parameters")
    inhoud = parameters.find(ggk + "bericht") if parameters is not None else None
    assert stuurgegevens is not None and parameters is not None and inhoud is not None  # XSD

    def systeem(tag: str) -> Systeem:
        element = stuurgegevens.find(stuf + tag)
        assert element is not None  # XSD
        return Systeem(
            organisatie=tekst(element, stuf + "organisatie") or "",
            applicatie=tekst(element, stuf + "applicatie") or "",
            administratie=tekst(element, stuf + "administratie"),
            gebruiker=tekst(element, stuf + "gebruiker"),
        )

    try:
        bericht = base64.b64decode(
            _WIT.sub(b"", (inhoud.text or "").encode("ascii")), validate=True
        )
    except (binascii.Error, UnicodeEncodeError):
        raise CodecFout(
            "envelop_inhoud_onleesbaar", "De inhoud van de envelop is geen geldige base64."
        ) from None
    if len(bericht) > max_bericht_grootte:
        raise CodecFout(
            "te_groot",
            f"Het bericht in de envelop is {len(bericht):,} bytes; de grens is "
            f"{max_bericht_grootte:,} bytes.".replace(",", "."),
        )
    gegevens = Envelop(
        berichtcode=berichtcode,
        zender=systeem("zender"),
        ontvanger=systeem("ontvanger"),
        referentienummer=tekst(stuurgegevens, stuf + "referentienummer") or "",
        tijdstip_bericht=tekst(stuurgegevens, stuf + "tijdstipBericht") or "",
        functie=tekst(stuurgegevens, stuf + "functie") or "",
        crossrefnummer=tekst(stuurgegevens, stuf + "crossRefnummer"),
        referentienummer_bericht=tekst(parameters, ggk + "referentienummerBericht"),
        crossrefnummer_bericht=tekst(parameters, ggk + "crossRefnummerBericht"),
        applicatie_versie=tekst(parameters, ggk + "applicatieVersie") or "",
        applicatie_subversie=tekst(parameters, ggk + "applicatieSubversie") or "",
        functie_versie=tekst(parameters, ggk + "functieVersie") or "",
        functie_subversie=tekst(parameters, ggk + "functieSubversie") or "",
        bestandsnaam=inhoud.get(stuf + "bestandsnaam"),
        content_type=inhoud.get(f"{{{XMIME_NS}}}contentType") or "",
    )
    return bericht, gegevens

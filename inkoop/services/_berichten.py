"""Building the messages inkoop sends in answer to a provider: the retours 306, 308, 316 and
318 and the antwoordbericht 319. Pure functions over the codec's models; storing them is
:func:`iwmo_jw.services.bericht_uitgaand_vastleggen`.

How a retour is filled (IV028):

- the header is the inbound header, unchanged, plus IdentificatieRetour, DagtekeningRetour and
  XsdVersieRetour (no XsltVersie: the official XSLTs are not used);
- no fault found: the header only, without retourcodes;
- level 2 (the rules inside the message): the header only, with retourcode 0001;
- level 3 or 4 (rules across messages, external sources) in a client's classes: header 0200,
  then every class of that client copied unchanged, each with its codes: 0200 when clean,
  else the codes of the rules it broke. Such a message is refused as a whole.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

from iwmo_jw.codec import BerichtSoort, serialize, soort, xsd_versie
from iwmo_jw.codec.modellen import (
    AangevraagdProduct316,
    Antwoord319,
    Bericht305,
    Bericht306,
    Bericht307,
    Bericht308,
    Bericht315,
    Bericht316,
    Bericht317,
    Bericht318,
    Bericht319,
    BerichtIdentificatie,
    Client306,
    Client308,
    Client316,
    Client318,
    Header,
    NieuwProduct318,
    OngewijzigdProduct318,
    RetourHeader,
    StartProduct306,
    StopProduct308,
    TeWijzigenProduct318,
    Verzoek318,
    Woonplaatsbeginsel319,
)
from iwmo_jw.codec.velden import Bericht
from iwmo_jw.identificatie import nieuwe_berichtidentificatie

#: Retourcode "Geen opmerking over deze berichtklasse".
GEEN_OPMERKING = "0200"
#: Retourcode of a message refused at level 2.
TECHNISCH_AFGEKEURD = "0001"

#: Groups of products inside a message, as :class:`Beoordeling` keys them.
AANGEVRAAGD = "aangevraagd"
ONGEWIJZIGD = "ongewijzigd"
TE_WIJZIGEN = "te_wijzigen"
NIEUW = "nieuw"
START = "start"
STOP = "stop"


@dataclass(slots=True)
class Beoordeling:
    """The outcome of the checks at levels 3 and 4 of one inbound message: the retourcodes
    per class (empty: no remark). ``producten`` is keyed by (group, index in the message).
    ``meldingen`` says in Dutch what each code means here (for the log and the tests)."""

    client: list[str] = field(default_factory=list)
    verzoek: list[str] = field(default_factory=list)
    producten: dict[tuple[str, int], list[str]] = field(default_factory=dict)
    meldingen: list[str] = field(default_factory=list)
    #: The code of a class without remarks: 0200, or 0233 (not checked) when the client
    #: itself was refused and its classes could not be checked.
    standaard: str = GEEN_OPMERKING

    def client_fout(self, code: str, melding: str) -> None:
        _toevoegen(self.client, code)
        self.meldingen.append(f"{code}: {melding}")

    def verzoek_fout(self, code: str, melding: str) -> None:
        _toevoegen(self.verzoek, code)
        self.meldingen.append(f"{code}: {melding}")

    def product_fout(self, groep: str, index: int, code: str, melding: str) -> None:
        _toevoegen(self.producten.setdefault((groep, index), []), code)
        self.meldingen.append(f"{code}: {melding}")

    @property
    def afgekeurd(self) -> bool:
        return bool(self.client or self.verzoek or any(self.producten.values()))

    @property
    def codes(self) -> list[str]:
        """Every code found, each once, in the order found."""
        alle: list[str] = []
        for code in [*self.client, *self.verzoek, *(c for v in self.producten.values() for c in v)]:
            _toevoegen(alle, code)
        return alle

    def van_product(self, groep: str, index: int) -> tuple[str, ...]:
        return tuple(self.producten.get((groep, index)) or (self.standaard,))

    def van_verzoek(self) -> tuple[str, ...]:
        return tuple(self.verzoek or (self.standaard,))


def _toevoegen(lijst: list[str], code: str) -> None:
    if code not in lijst:
        lijst.append(code)


def _kopie(klasse: type[Any], bron: Any, codes: tuple[str, ...], **vervangen: Any) -> Any:
    """The retour twin of an inbound class: the same fields, plus its retourcodes."""
    waarden = {f.name: getattr(bron, f.name) for f in fields(bron)}
    waarden.update(vervangen)
    return klasse(**waarden, retour_codes=codes)


def _retour_header(
    heen: Bericht, berichttype: str, codes: tuple[str, ...], dag: date
) -> tuple[BerichtSoort, RetourHeader]:
    kop = heen.header
    assert isinstance(kop, Header)
    retour_soort = soort(f"{heen.soort.prefix.upper()}{berichttype}")
    return retour_soort, RetourHeader(
        afzender=kop.afzender,
        ontvanger=kop.ontvanger,
        bericht_identificatie=kop.bericht_identificatie,
        xsd_versie=kop.xsd_versie,
        identificatie_retour=nieuwe_berichtidentificatie(),
        dagtekening_retour=dag,
        xsd_versie_retour=xsd_versie(retour_soort),
        retour_codes=codes,
    )


_RETOURTYPE = {"305": "306", "307": "308", "315": "316", "317": "318"}
_RETOURKLASSE: dict[str, type[Any]] = {
    "306": Bericht306,
    "308": Bericht308,
    "316": Bericht316,
    "318": Bericht318,
}


def retour_technisch_afgekeurd(heen: Bericht, *, dag: date) -> bytes:
    """The retour on a message refused at level 2: the header with retourcode 0001."""
    berichttype = _RETOURTYPE[heen.soort.berichttype]
    retour_soort, kop = _retour_header(heen, berichttype, (TECHNISCH_AFGEKEURD,), dag)
    return serialize(_RETOURKLASSE[berichttype](soort=retour_soort, header=kop))


def retour_maken(heen: Bericht, beoordeling: Beoordeling, *, dag: date) -> bytes:
    """The retour (306, 308, 316 or 318) on a message that passed level 2."""
    berichttype = _RETOURTYPE[heen.soort.berichttype]
    klasse = _RETOURKLASSE[berichttype]
    if not beoordeling.afgekeurd:
        retour_soort, kop = _retour_header(heen, berichttype, (), dag)
        return serialize(klasse(soort=retour_soort, header=kop))
    retour_soort, kop = _retour_header(heen, berichttype, (GEEN_OPMERKING,), dag)
    client_codes = tuple(beoordeling.client or (GEEN_OPMERKING,))
    client: Any
    if isinstance(heen, Bericht315):
        client = _kopie(
            Client316,
            heen.client,
            client_codes,
            aangevraagde_producten=tuple(
                _kopie(AangevraagdProduct316, p, beoordeling.van_product(AANGEVRAAGD, i))
                for i, p in enumerate(heen.client.aangevraagde_producten)
            ),
        )
    elif isinstance(heen, Bericht317):
        verzoek = heen.client.verzoek
        client = Client318(
            bsn=heen.client.bsn,
            verzoek=_kopie(
                Verzoek318,
                verzoek,
                beoordeling.van_verzoek(),
                ongewijzigde_producten=tuple(
                    _kopie(OngewijzigdProduct318, p, beoordeling.van_product(ONGEWIJZIGD, i))
                    for i, p in enumerate(verzoek.ongewijzigde_producten)
                ),
                te_wijzigen_producten=tuple(
                    _kopie(TeWijzigenProduct318, p, beoordeling.van_product(TE_WIJZIGEN, i))
                    for i, p in enumerate(verzoek.te_wijzigen_producten)
                ),
                nieuwe_producten=tuple(
                    _kopie(NieuwProduct318, p, beoordeling.van_product(NIEUW, i))
                    for i, p in enumerate(verzoek.nieuwe_producten)
                ),
            ),
            retour_codes=client_codes,
        )
    elif isinstance(heen, Bericht305):
        client = _kopie(
            Client306,
            heen.client,
            client_codes,
            start_producten=tuple(
                _kopie(StartProduct306, p, beoordeling.van_product(START, i))
                for i, p in enumerate(heen.client.start_producten)
            ),
        )
    elif isinstance(heen, Bericht307):
        client = _kopie(
            Client308,
            heen.client,
            client_codes,
            stop_producten=tuple(
                _kopie(StopProduct308, p, beoordeling.van_product(STOP, i))
                for i, p in enumerate(heen.client.stop_producten)
            ),
        )
    else:  # pragma: no cover - the handlers route only these four
        raise TypeError(f"geen retour op {heen.soort.naam}")
    return serialize(klasse(soort=retour_soort, header=kop, client=client))


#: VerzoekAntwoord (WJ760).
VERZOEK_AFGEWEZEN = "1"
VERZOEK_IN_ONDERZOEK = "2"
#: RedenAfwijzingVerzoek 8: Woonplaatsbeginsel (iJw: the 319 names the responsible gemeente).
REDEN_WOONPLAATSBEGINSEL = "8"


def antwoordbericht_maken(
    *,
    standaard_prefix: str,
    gemeentecode: str,
    agb_code: str,
    referentie_aanbieder: str,
    verzoek_antwoord: str,
    dag: date,
    reden_afwijzing: str = "",
    woonplaatsbeginsel_gemeente: str = "",
) -> bytes:
    """A 319 (antwoordbericht) on one ReferentieAanbieder of a 315 or 317."""
    gekozen = soort(f"{standaard_prefix.upper()}319")
    woonplaats = None
    if (
        gekozen.standaard.value == "ijw"
        and reden_afwijzing == REDEN_WOONPLAATSBEGINSEL
        and woonplaatsbeginsel_gemeente
    ):
        woonplaats = Woonplaatsbeginsel319(gemeente=woonplaatsbeginsel_gemeente)
    bericht = Bericht319(
        soort=gekozen,
        header=Header(
            afzender=gemeentecode,
            ontvanger=agb_code,
            bericht_identificatie=BerichtIdentificatie(
                identificatie=nieuwe_berichtidentificatie(), dagtekening=dag
            ),
            xsd_versie=xsd_versie(gekozen),
        ),
        antwoord=Antwoord319(
            referentie_aanbieder=referentie_aanbieder,
            verzoek_antwoord=verzoek_antwoord,
            reden_afwijzing_verzoek=reden_afwijzing or None,
            woonplaatsbeginsel=woonplaats,
        ),
    )
    return serialize(bericht)

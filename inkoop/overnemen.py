"""Migration of toewijzingen from an earlier system: read its 301 files (iWmo and iJw) and
record clients, toewijzingen and their reservations as if they had been issued here.

Every toewijzing goes through :func:`inkoop.services.toewijzing_verstrekken` with its own
ToewijzingNummer (``nummer``), its Toewijzingsdatum and -tijd and, when it was changed
before, its RedenWijziging, and ``versturen=False``: the provider has the 301 already. So
the same rules hold as for a toewijzing issued here (contract, stacking, Omvang or Budget,
budget posts), and what breaks one is refused for that toewijzing alone, with the code and
the Dutch message, in a report per file.

- A toewijzing that occurs in several files counts once, in its most recent version
  (Toewijzingsdatum and -tijd, IV013); the older versions are reported as replaced.
- The client's data come from the most recent message about that client.
- A toewijzing removed in the source (RedenWijziging 13) is not taken over.
- Safe to run twice: a ToewijzingNummer that exists already (per gemeente and wet) is left
  alone when it matches, and refused when it differs (``toewijzing_afwijkend``); a client
  with the same data is not written again.
- ``droog`` (``--dry-run``): everything runs, then everything is rolled back.

BSNs never appear in the report: a client shows as its masked BSN.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from contracten.models import Product, Productcategorie, Zorgaanbieder
from inkoop import services
from inkoop.constants import REDEN_VERWIJDERD
from inkoop.models import Client, Toewijzing
from iwmo_jw import codec
from iwmo_jw.codec.modellen import Bericht301, ToegewezenProduct301
from kern.bsn import maskeer_bsn
from kern.constants import Wet
from kern.exceptions import DomeinFout
from kern.models import Gemeente

OVERGENOMEN = "overgenomen"
BESTOND_AL = "bestond al"
GEWEIGERD = "geweigerd"
OVERGESLAGEN = "overgeslagen"
VERVANGEN = "vervangen"


@dataclass(frozen=True)
class Regel:
    """The outcome for one ToegewezenProduct of a file."""

    nummer: int
    uitkomst: str
    code: str = ""
    bericht: str = ""


@dataclass
class Bestandsverslag:
    pad: Path
    #: A reason the whole file was not read (not a 301, invalid, unknown party).
    fout: str = ""
    code: str = ""
    client: str = ""
    regels: list[Regel] = field(default_factory=list)

    def aantal(self, uitkomst: str) -> int:
        return sum(1 for r in self.regels if r.uitkomst == uitkomst)


@dataclass
class Importverslag:
    bestanden: list[Bestandsverslag]
    droog: bool
    clienten_nieuw: int = 0

    def aantal(self, uitkomst: str) -> int:
        return sum(b.aantal(uitkomst) for b in self.bestanden)


@dataclass
class _Bestand:
    verslag: Bestandsverslag
    bericht: Bericht301
    gemeente: Gemeente
    zorgaanbieder: Zorgaanbieder
    wet: str


def _bestanden(paden: Iterable[Path]) -> list[Path]:
    uitkomst: list[Path] = []
    for pad in paden:
        if pad.is_dir():
            uitkomst += sorted(
                p for p in pad.rglob("*") if p.is_file() and p.suffix.lower() == ".xml"
            )
        else:
            uitkomst.append(pad)
    return uitkomst


def _lezen(pad: Path) -> _Bestand | Bestandsverslag:
    verslag = Bestandsverslag(pad=pad)
    try:
        data = pad.read_bytes()
    except OSError as exc:
        verslag.fout, verslag.code = f"Kan het bestand niet lezen: {exc.strerror}.", "onleesbaar"
        return verslag
    try:
        bericht = codec.parse(data)
    except codec.CodecFout as fout:
        verslag.fout, verslag.code = fout.melding, fout.code
        return verslag
    if not isinstance(bericht, Bericht301):
        verslag.fout = f"Geen toewijzingsbericht (301) maar een {bericht.soort.naam}."
        verslag.code = "geen_301"
        return verslag
    gemeente = Gemeente.objects.filter(code=bericht.header.afzender).first()
    if gemeente is None:
        verslag.fout = f"Onbekende gemeente {bericht.header.afzender}."
        verslag.code = "gemeente_onbekend"
        return verslag
    zorgaanbieder = Zorgaanbieder.objects.filter(agb_code=bericht.header.ontvanger).first()
    if zorgaanbieder is None:
        verslag.fout = f"Onbekende zorgaanbieder (AGB-code {bericht.header.ontvanger})."
        verslag.code = "zorgaanbieder_onbekend"
        return verslag
    wet = Wet.WMO if bericht.soort.standaard is codec.Standaard.IWMO else Wet.JW
    verslag.client = maskeer_bsn(bericht.client.bsn)
    return _Bestand(verslag, bericht, gemeente, zorgaanbieder, wet)


def _moment(p: ToegewezenProduct301) -> datetime:
    return timezone.make_aware(datetime.combine(p.toewijzingsdatum, p.toewijzingstijd))


def _client_vastleggen(bestand: _Bestand) -> Client:
    c = bestand.bericht.client
    contact = next((k for k in c.contactgegevens if k.soort == "01"), c.contactgegevens[0])
    adres = contact.adres
    huis = adres.huis if adres is not None else None
    return services.client_vastleggen(
        door=None,
        gemeente=bestand.gemeente,
        bsn=c.bsn,
        geboortedatum=c.geboortedatum.datum,
        datum_gebruik=c.geboortedatum.datum_gebruik or "",
        geslacht=c.geslacht,
        achternaam=c.naam.geslachtsnaam.achternaam,
        voorvoegsel=c.naam.geslachtsnaam.voorvoegsel or "",
        voornamen=c.naam.voornamen or "",
        voorletters=c.naam.voorletters or "",
        naamgebruik=c.naam.naam_gebruik,
        adres_soort=contact.soort,
        straatnaam=(adres.straatnaam or "") if adres is not None else "",
        huisnummer=huis.huisnummer if huis is not None else None,
        huisletter=(huis.huisletter or "") if huis is not None else "",
        huisnummer_toevoeging=(huis.huisnummer_toevoeging or "") if huis is not None else "",
        postcode=(adres.postcode or "") if adres is not None else "",
        plaatsnaam=(adres.plaatsnaam or "") if adres is not None else "",
    )


def _product(wet: str, p: ToegewezenProduct301) -> tuple[Product | None, Productcategorie | None]:
    if p.product is None:
        return None, None
    categorie = Productcategorie.objects.filter(wet=wet, code=p.product.categorie).first()
    if categorie is None:
        raise DomeinFout(
            f"Productcategorie {p.product.categorie} bestaat niet in de codelijst van de {wet}.",
            code="productcategorie_onbekend",
        )
    if not p.product.code:
        return None, categorie
    product = Product.objects.filter(categorie=categorie, productcode=p.product.code).first()
    if product is None:
        raise DomeinFout(
            f"Product {p.product.code} (categorie {p.product.categorie}) staat niet in de "
            "productcatalogus.",
            code="product_onbekend",
        )
    return product, categorie


def _gelijk(t: Toewijzing, client: Client, bestand: _Bestand, p: ToegewezenProduct301) -> bool:
    """Whether an existing toewijzing is the one in the file (a rerun)."""
    omvang = p.omvang
    return (
        t.client_id == client.pk
        and t.zorgaanbieder_id == bestand.zorgaanbieder.pk
        and (t.productcategorie.code if t.productcategorie is not None else None)
        == (p.product.categorie if p.product is not None else None)
        and (t.product.productcode if t.product is not None else None)
        == (p.product.code if p.product is not None else None)
        and t.ingangsdatum == p.ingangsdatum
        and t.einddatum == p.einddatum
        and t.volume == (omvang.volume if omvang is not None else None)
        and t.eenheid == (omvang.eenheid if omvang is not None else "")
        and t.frequentie == (omvang.frequentie if omvang is not None else "")
        and t.budget_bedrag == p.budget
    )


def _overnemen(bestand: _Bestand, client: Client, p: ToegewezenProduct301) -> Regel:
    if p.reden_wijziging == REDEN_VERWIJDERD:
        return Regel(
            p.toewijzing_nummer,
            OVERGESLAGEN,
            "verwijderd",
            "Verwijderd in het bronsysteem (RedenWijziging 13); niet overgenomen.",
        )
    bestaand = (
        Toewijzing.objects.select_related("productcategorie", "product")
        .filter(gemeente=bestand.gemeente, wet=bestand.wet, nummer=p.toewijzing_nummer)
        .first()
    )
    if bestaand is not None:
        if _gelijk(bestaand, client, bestand, p):
            return Regel(p.toewijzing_nummer, BESTOND_AL)
        return Regel(
            p.toewijzing_nummer,
            GEWEIGERD,
            "toewijzing_afwijkend",
            f"ToewijzingNummer {p.toewijzing_nummer} bestaat al met andere gegevens; niet "
            "overgenomen (TR332).",
        )
    product, categorie = _product(bestand.wet, p)
    omvang = p.omvang
    services.toewijzing_verstrekken(
        door=None,
        client=client,
        zorgaanbieder=bestand.zorgaanbieder,
        wet=bestand.wet,
        ingangsdatum=p.ingangsdatum,
        einddatum=p.einddatum,
        product=product,
        productcategorie=categorie,
        volume=omvang.volume if omvang is not None else None,
        eenheid=omvang.eenheid if omvang is not None else "",
        frequentie=omvang.frequentie if omvang is not None else "",
        budget_bedrag=p.budget,
        referentie_aanbieder=p.referentie_aanbieder or "",
        commentaar=p.commentaar or "",
        versturen=False,
        nummer=p.toewijzing_nummer,
        toewijzingsmoment=_moment(p),
        reden_wijziging=p.reden_wijziging or "",
    )
    return Regel(p.toewijzing_nummer, OVERGENOMEN)


class _Terugdraaien(Exception):
    """Raised inside a dry run's transaction so that nothing it wrote is kept."""


def toewijzingen_importeren(*, paden: Iterable[Path], droog: bool = False) -> Importverslag:
    """Read the 301 files under ``paden`` (files, or folders searched for ``*.xml``) and take
    their toewijzingen over; see the module docstring. Never raises for bad input: every
    refusal is in the report."""
    verslag = Importverslag(bestanden=[], droog=droog)
    gelezen: list[_Bestand] = []
    for pad in _bestanden(paden):
        uitkomst = _lezen(pad)
        if isinstance(uitkomst, Bestandsverslag):
            verslag.bestanden.append(uitkomst)
        else:
            verslag.bestanden.append(uitkomst.verslag)
            gelezen.append(uitkomst)
    # The most recent version of every toewijzing (IV013) and of every client's data.
    recentst: dict[tuple[int, str, int], tuple[datetime, int, int]] = {}
    client_bron: dict[tuple[int, str], tuple[date, str, int]] = {}
    for i, b in enumerate(gelezen):
        kop = b.bericht.header
        sleutel_c = (b.gemeente.pk, b.bericht.client.bsn)
        rang = (kop.dagtekening, kop.identificatie, i)
        if sleutel_c not in client_bron or rang > client_bron[sleutel_c]:
            client_bron[sleutel_c] = rang
        for j, p in enumerate(b.bericht.client.toegewezen_producten):
            sleutel = (b.gemeente.pk, b.wet, p.toewijzing_nummer)
            kandidaat = (_moment(p), i, j)
            if sleutel not in recentst or kandidaat > recentst[sleutel]:
                recentst[sleutel] = kandidaat
    nieuw_voor = Client.objects.count()
    with contextlib.suppress(_Terugdraaien), transaction.atomic():
        clienten: dict[tuple[int, str], Client] = {}
        for i, b in enumerate(gelezen):
            sleutel_c = (b.gemeente.pk, b.bericht.client.bsn)
            try:
                if sleutel_c not in clienten:
                    bron = gelezen[client_bron[sleutel_c][2]]
                    with transaction.atomic():
                        clienten[sleutel_c] = _client_vastleggen(bron)
            except DomeinFout as fout:
                b.verslag.fout, b.verslag.code = f"Cliënt: {fout.bericht}", fout.code
                continue
            client = clienten[sleutel_c]
            for j, p in enumerate(b.bericht.client.toegewezen_producten):
                _, bron_i, bron_j = recentst[(b.gemeente.pk, b.wet, p.toewijzing_nummer)]
                if (bron_i, bron_j) != (i, j):
                    b.verslag.regels.append(
                        Regel(
                            p.toewijzing_nummer,
                            VERVANGEN,
                            "vervangen",
                            f"Een recentere versie staat in {gelezen[bron_i].verslag.pad.name}.",
                        )
                    )
                    continue
                try:
                    with transaction.atomic():
                        regel = _overnemen(b, client, p)
                except DomeinFout as fout:
                    regel = Regel(p.toewijzing_nummer, GEWEIGERD, fout.code, fout.bericht)
                b.verslag.regels.append(regel)
        verslag.clienten_nieuw = Client.objects.count() - nieuw_voor
        if droog:
            raise _Terugdraaien
    return verslag


def _geheel(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def verslag_regels(verslag: Importverslag) -> list[str]:
    """The report in Dutch, one block per file."""
    regels: list[str] = []
    for b in verslag.bestanden:
        regels.append(f"{b.pad}:")
        if b.fout:
            regels.append(f"  niet gelezen: {b.fout} ({b.code})")
            continue
        regels.append(f"  cliënt {b.client}")
        for r in b.regels:
            tekst = f"  toewijzing {r.nummer}: {r.uitkomst}"
            if r.bericht:
                tekst += f": {r.bericht} ({r.code})"
            regels.append(tekst)
    kop = "Proefimport (er is niets opgeslagen)" if verslag.droog else "Import"
    regels.append(
        f"{kop}: {_geheel(len(verslag.bestanden))} bestanden, "
        f"{_geheel(verslag.aantal(OVERGENOMEN))} toewijzingen overgenomen, "
        f"{_geheel(verslag.aantal(BESTOND_AL))} bestonden al, "
        f"{_geheel(verslag.aantal(GEWEIGERD))} geweigerd, "
        f"{_geheel(verslag.aantal(OVERGESLAGEN) + verslag.aantal(VERVANGEN))} overgeslagen; "
        f"{_geheel(verslag.clienten_nieuw)} nieuwe cliënten."
    )
    return regels


__all__ = [
    "BESTOND_AL",
    "GEWEIGERD",
    "OVERGENOMEN",
    "OVERGESLAGEN",
    "VERVANGEN",
    "Bestandsverslag",
    "Importverslag",
    "Regel",
    "toewijzingen_importeren",
    "verslag_regels",
]

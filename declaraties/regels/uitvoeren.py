"""The runner: assess a parsed 323 (that passed levels 1 and 2) at levels 3 and 4.

:func:`beoordelen` takes the message and its :class:`DeclaratieContext` and returns a
:class:`Beoordeling`: the codes on the Header, the Declaratie and each Client, and per prestatie
whether it is granted (toegekend) or rejected (afgewezen), with its findings and the granted
amount. Pure: the same message and context give the same outcome.

How it goes (IV087, NOTES 2.2):

1. Header rules. Any finding: the message is answered with a header only; nothing else is
   assessed.
2. Declaratie rules. Any finding: TotaalToegekendBedrag 0, the prestaties are not assessed.
3. Client rules. A rejected client's prestaties are all rejected with 0233 (niet beoordeeld).
4. The other prestaties, one by one, in this order (deterministic, and independent of where a
   line stands in the message):

   - all credits before all debits, so a credit frees its debit's volume, budget and key
     (TR389) for a new debit in the same message;
   - then by ProductPeriode (Begindatum, Einddatum): older care first claims the room of a
     toewijzing;
   - then by ReferentieNummer (unique per aanbieder, TR314), and only for duplicate
     ReferentieNummers by position in the message.

   Each line gets all rules of its kind (debit or credit, ``tabel.py``) evaluated against the
   running :class:`Stand`; with no finding it is granted and booked into the Stand: a debit
   adds its volume (per toewijzing and per month) and amount and occupies its TR389 key; a
   credit takes off what its debit had been granted (the debit's volume and amount: never
   more than was booked) and frees the key. Every assessed ReferentieNummer is remembered
   (TR314), granted or not.

Rules the gemeente switched off (``context.uitgeschakeld``) are skipped when they are in
:data:`~declaraties.regels.tabel.UITSCHAKELBAAR`.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from types import MappingProxyType

from declaraties.regels.basis import Bevinding, F, Klasse, Lijn, Regel, Stand
from declaraties.regels.context import DeclaratieContext, basisvolume
from declaraties.regels.tabel import (
    CLIENTREGELS,
    CREDITREGELS,
    DEBETREGELS,
    DECLARATIEREGELS,
    HEADERREGELS,
    UITSCHAKELBAAR,
)
from iwmo_jw.codec.modellen import Bericht323
from kern.perioden import eerste_dag_van_maand

#: Retourcode of a prestatie that was not assessed because its Client was rejected.
NIET_BEOORDEELD = "0233"

_NUL = Decimal(0)


class Uitkomst(enum.StrEnum):
    """The decision on a prestatie, as a whole (no partial approval)."""

    TOEGEKEND = "toegekend"
    AFGEWEZEN = "afgewezen"


@dataclass(frozen=True, slots=True)
class PrestatieUitkomst:
    """The decision on one prestatie (``client_index``/``prestatie_index``: its place in the
    message, 0-based). ``toegekend_bedrag`` is signed: the IngediendBedrag of a granted debit,
    minus that of a granted credit, 0 when rejected."""

    client_index: int
    prestatie_index: int
    referentie_nummer: str
    uitkomst: Uitkomst
    bevindingen: tuple[Bevinding, ...] = ()
    toegekend_bedrag: Decimal = _NUL

    @property
    def toegekend(self) -> bool:
        return self.uitkomst is Uitkomst.TOEGEKEND

    @property
    def retourcodes(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(b.retourcode for b in self.bevindingen))


@dataclass(frozen=True, slots=True)
class Beoordeling:
    """The outcome of levels 3 and 4 for one 323.

    ``header`` and ``declaratie``: findings on those classes (then ``prestaties`` is empty:
    nothing below was assessed). ``clienten``: client index -> findings, only for rejected
    clients. ``prestaties``: every prestatie in message order."""

    header: tuple[Bevinding, ...] = ()
    declaratie: tuple[Bevinding, ...] = ()
    clienten: Mapping[int, tuple[Bevinding, ...]] = field(default_factory=dict)
    prestaties: tuple[PrestatieUitkomst, ...] = ()

    @property
    def afgewezen_op_header(self) -> bool:
        return bool(self.header)

    @property
    def afgewezen_op_declaratie(self) -> bool:
        return not self.header and bool(self.declaratie)

    @property
    def volledig_toegekend(self) -> bool:
        return not self.header and not self.declaratie and all(u.toegekend for u in self.prestaties)

    @property
    def totaal_toegekend(self) -> Decimal:
        """Signed sum of what was granted (debits minus credits); 0 when the message was
        rejected on the Header or the Declaratie."""
        return sum((u.toegekend_bedrag for u in self.prestaties), _NUL)


def _actief(regels: tuple[Regel[F], ...], uit: frozenset[str]) -> tuple[Regel[F], ...]:
    return tuple(r for r in regels if r.id not in uit)


def beoordelen(bericht: Bericht323, context: DeclaratieContext) -> Beoordeling:
    """Assess ``bericht`` at levels 3 and 4 against ``context`` (see the module docstring)."""
    uit = context.uitgeschakeld & UITSCHAKELBAAR

    header = tuple(
        r.bevinding(melding)
        for r in _actief(HEADERREGELS, uit)
        if (melding := r.functie(bericht, context)) is not None
    )
    if header:
        return Beoordeling(header=header)
    declaratie = tuple(
        r.bevinding(melding)
        for r in _actief(DECLARATIEREGELS, uit)
        if (melding := r.functie(bericht, context)) is not None
    )
    if declaratie:
        return Beoordeling(declaratie=declaratie)

    clientregels = _actief(CLIENTREGELS, uit)
    clienten: dict[int, tuple[Bevinding, ...]] = {}
    uitkomsten: dict[tuple[int, int], PrestatieUitkomst] = {}
    lijnen: list[Lijn] = []
    toewijzingen = context.toewijzingen
    for ci, client in enumerate(bericht.declaratie.clienten):
        gevonden = tuple(
            r.bevinding(melding)
            for r in clientregels
            if (melding := r.functie(client, context)) is not None
        )
        if gevonden:
            clienten[ci] = gevonden
            niet_beoordeeld = (
                Bevinding(
                    gevonden[0].regel,
                    NIET_BEOORDEELD,
                    Klasse.PRESTATIE,
                    f"Niet beoordeeld: de client is afgewezen ({gevonden[0].regel})",
                ),
            )
            for pi, p in enumerate(client.prestaties):
                uitkomsten[ci, pi] = PrestatieUitkomst(
                    ci,
                    pi,
                    p.product_referentie.referentie_nummer,
                    Uitkomst.AFGEWEZEN,
                    niet_beoordeeld,
                )
            continue
        bsn = client.bsn
        for pi, p in enumerate(client.prestaties):
            lijnen.append(Lijn.van(ci, pi, bsn, p, toewijzingen.get(p.toewijzing_nummer)))

    lijnen.sort(key=_volgorde)
    # (function, rule) pairs: the hot loop below runs ~20 rules for every prestatie.
    debetregels = [(r.functie, r) for r in _actief(DEBETREGELS, uit)]
    creditregels = [(r.functie, r) for r in _actief(CREDITREGELS, uit)]
    stand = Stand.begin(bericht, context)
    for lijn in lijnen:
        gevonden_lijn: list[Bevinding] = []
        for functie, regel in creditregels if lijn.credit else debetregels:
            melding = functie(lijn, context, stand)
            if melding is not None:
                gevonden_lijn.append(regel.bevinding(melding))
        stand.referenties.add(lijn.referentie)
        if gevonden_lijn:
            bevindingen = tuple(gevonden_lijn)
            uitkomsten[lijn.client_index, lijn.prestatie_index] = PrestatieUitkomst(
                lijn.client_index,
                lijn.prestatie_index,
                lijn.referentie,
                Uitkomst.AFGEWEZEN,
                bevindingen,
            )
            continue
        toegekend = _boeken(lijn, context, stand)
        uitkomsten[lijn.client_index, lijn.prestatie_index] = PrestatieUitkomst(
            lijn.client_index,
            lijn.prestatie_index,
            lijn.referentie,
            Uitkomst.TOEGEKEND,
            (),
            toegekend,
        )

    return Beoordeling(
        clienten=MappingProxyType(clienten),
        prestaties=tuple(uitkomsten[sleutel] for sleutel in sorted(uitkomsten)),
    )


def _volgorde(lijn: Lijn) -> tuple[bool, date, date, str, int, int]:
    per = lijn.prestatie.product_periode
    return (
        not lijn.credit,
        per.begindatum,
        per.einddatum,
        lijn.referentie,
        lijn.client_index,
        lijn.prestatie_index,
    )


def _boeken(lijn: Lijn, context: DeclaratieContext, stand: Stand) -> Decimal:
    """Book a granted line into the Stand; returns its signed granted amount."""
    p = lijn.prestatie
    ingediend = p.ingediend_bedrag.bedrag
    if lijn.credit:
        vorig = p.product_referentie.vorig_referentie_nummer
        debet = context.debetten.get(vorig) if vorig is not None else None
        if debet is not None:  # always, unless TR323 was switched off (it cannot be)
            _bij(
                stand,
                debet.toewijzing_nummer,
                eerste_dag_van_maand(debet.begindatum),
                -basisvolume(debet.geleverd_volume, debet.eenheid),
                -debet.bedrag,
            )
            stand.gecrediteerd.add(debet.referentie_nummer)
            sleutel = debet.sleutel
            stand.open_debetten[sleutel] = max(stand.open_debetten.get(sleutel, 0) - 1, 0)
        return -ingediend
    _bij(
        stand, p.toewijzing_nummer, lijn.maand, basisvolume(p.geleverd_volume, p.eenheid), ingediend
    )
    sleutel = lijn.sleutel
    stand.open_debetten[sleutel] = stand.open_debetten.get(sleutel, 0) + 1
    return ingediend


def _bij(stand: Stand, nummer: int, maand: date, volume: int, bedrag: Decimal) -> None:
    stand.volume[nummer] = stand.volume.get(nummer, 0) + volume
    sleutel = (nummer, maand)
    stand.volume_per_maand[sleutel] = stand.volume_per_maand.get(sleutel, 0) + volume
    stand.bedrag[nummer] = stand.bedrag.get(nummer, _NUL) + bedrag

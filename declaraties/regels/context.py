"""Everything the level-3 and level-4 rules of a 323 need, as frozen dataclasses.

The rules read nothing else: no database, no clock, no settings. Whoever assesses a message
loads one :class:`DeclaratieContext` for the whole message (sender, receiving gemeente, wet) in
a fixed number of queries, whatever the number of prestaties, and hands it to
:func:`declaraties.regels.uitvoeren.beoordelen`. What each field must hold, and which rows to
load for it, is said at the field. In short, per message:

- the toewijzingen of this aanbieder for the BSNs in the message, *all* of them (also ended,
  ingetrokken and verwijderd ones: TR384 and the credits need them);
- what was approved on those toewijzingen before, net of credits, aggregated per toewijzing and
  per month (:class:`VerbruikRij`, one ``GROUP BY``);
- the approved debits that the credits of the message refer to (``VorigReferentieNummer IN``);
- the sleutels of the approved, not credited debits on those toewijzingen (TR389);
- which ReferentieNummers of the message were used before (TR314), the earlier
  BerichtIdentificaties (TR056) and DeclaratieNummers (TR333), the latest DeclaratiePeriode
  (TR318);
- the contract tariffs of this aanbieder, the agreed product list, the CBS gemeentecodes;
- the rules the gemeente switched off, and the date of receipt.

Volumes of time are compared in minutes (:func:`basisvolume`): a toewijzing in hours may be
declared in minutes (TR341), so one toewijzing can collect both.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from kern.perioden import eerste_dag_van_maand

#: Eenheid codes (WJ756) the rules treat specially.
MINUUT = "01"
UUR = "04"
EUROS = "83"
STUKS_OUTPUT = "82"
#: Units of an outputgerichte toewijzing (NOTES 3.1); the others are inspanningsgericht.
OUTPUT_EENHEDEN = frozenset({STUKS_OUTPUT, EUROS})

#: Frequentie codes (WMO757).
PER_DAG = "1"
PER_WEEK = "2"
PER_MAAND = "4"
TOTAAL = "6"

#: RedenWijziging 13: the toewijzing was removed (TR384).
VERWIJDERD = "13"

_MINUTEN_PER_EENHEID = {MINUUT: 1, UUR: 60}

#: A debit's key for TR389: ToewijzingNummer, ProductPeriode (begin, end), categorie, code.
Sleutel = tuple[int, date, date, str, str]


def basisvolume(volume: int, eenheid: str) -> int:
    """A volume in the unit the limits are counted in: minutes for minutes and hours, the
    eenheid itself for everything else."""
    return volume * _MINUTEN_PER_EENHEID.get(eenheid, 1)


def eenheden_passen(toegewezen: str, gedeclareerd: str) -> bool:
    """TR341: the declared eenheid is the assigned one, or minutes against hours."""
    return toegewezen == gedeclareerd or (toegewezen == UUR and gedeclareerd == MINUUT)


@dataclass(frozen=True, slots=True)
class Omvang:
    """The Omvang of a toewijzing: Volume in Eenheid per Frequentie."""

    volume: int
    eenheid: str
    frequentie: str


@dataclass(frozen=True, slots=True)
class Toewijzing:
    """One ToegewezenProduct as the gemeente holds it now (the latest version, IV013).

    ``product_categorie``/``product_code`` are None for an aspecifieke (no code) or generieke
    (neither) toewijzing. Omvang and Budget exclude each other; ``budget`` is in euros.
    ``status`` is the lowercase status of inkoop (actief, ingetrokken, verwijderd);
    ``uitvoeringsvariant`` (inspanningsgericht/outputgericht) comes from the product when
    known, otherwise the eenheid decides (82 and 83 are output, NOTES 3.1)."""

    toewijzing_nummer: int
    bsn: str
    ingangsdatum: date
    einddatum: date | None = None
    product_categorie: str | None = None
    product_code: str | None = None
    omvang: Omvang | None = None
    budget: Decimal | None = None
    reden_wijziging: str | None = None
    status: str = "actief"
    uitvoeringsvariant: str | None = None

    @property
    def verwijderd(self) -> bool:
        return self.reden_wijziging == VERWIJDERD or self.status == "verwijderd"

    @property
    def outputgericht(self) -> bool:
        if self.uitvoeringsvariant is not None:
            return self.uitvoeringsvariant == "outputgericht"
        return self.omvang is not None and self.omvang.eenheid in OUTPUT_EENHEDEN


@dataclass(frozen=True, slots=True)
class Verbruik:
    """What was approved on one toewijzing before this message, net of approved credits:
    volume in :func:`basisvolume` units and the amount in euros."""

    volume: int = 0
    bedrag: Decimal = Decimal(0)


@dataclass(frozen=True, slots=True)
class VerbruikRij:
    """One row of the aggregate the loader queries: the approved prestaties of a toewijzing
    per month (first day of the ProductPeriode's month), eenheid and DebetCredit, with their
    summed GeleverdVolume and IngediendBedrag (euros, positive)."""

    toewijzing_nummer: int
    maand: date
    eenheid: str
    debet_credit: str
    volume: int
    bedrag: Decimal


@dataclass(frozen=True, slots=True)
class EerdereDebet:
    """An approved debit prestatie of an earlier message, as a credit refers to it
    (``VorigReferentieNummer`` = its ``referentie_nummer``). ``bedrag`` is its approved
    IngediendBedrag in euros; ``gecrediteerd``: an approved credit already undid it."""

    referentie_nummer: str
    bsn: str
    toewijzing_nummer: int
    product_categorie: str
    product_code: str
    begindatum: date
    einddatum: date
    geleverd_volume: int
    eenheid: str
    bedrag: Decimal
    gecrediteerd: bool = False

    @property
    def sleutel(self) -> Sleutel:
        return (
            self.toewijzing_nummer,
            self.begindatum,
            self.einddatum,
            self.product_categorie,
            self.product_code,
        )


@dataclass(frozen=True, slots=True)
class Tarief:
    """A contract tariff of this aanbieder: euros per ``eenheid`` for a product, valid from
    ``ingangsdatum`` to ``einddatum`` (inclusive; None is open). Replaced (corrected) periods
    are left out by the loader."""

    product_categorie: str
    product_code: str
    eenheid: str
    bedrag: Decimal
    ingangsdatum: date
    einddatum: date | None = None

    def geldig_in(self, begin: date, eind: date) -> bool:
        """True when the tariff is valid on at least one day of [begin, eind]."""
        return self.ingangsdatum <= eind and (self.einddatum is None or self.einddatum >= begin)


@dataclass(frozen=True, slots=True)
class _Productperiode:
    """A product's tariffs valid in one ProductPeriode, with what TR341 and TR418 derive from
    them: the eenheden (each once, in the tariffs' order) and the fitting (eenheid,
    ProductTarief) pairs."""

    tarieven: tuple[Tarief, ...]
    eenheden: tuple[str, ...]
    passend: frozenset[tuple[str, Decimal]]


@dataclass(frozen=True, kw_only=True)
class DeclaratieContext:
    """The world as the rules see it for one 323. Build it with :meth:`maak`, which indexes the
    loaded rows; the constructor takes the indexes as they are.

    Fields:

    - ``ontvangstdatum``: the date of receipt, the "systeemdatum" of TR135.
    - ``toewijzingen``: ToewijzingNummer -> :class:`Toewijzing`, of this aanbieder at this
      gemeente in this wet (TR338: a number not here is not linked).
    - ``verbruik``: ToewijzingNummer -> :class:`Verbruik` before this message (TR322, TR369).
    - ``verbruik_per_maand``: (ToewijzingNummer, first day of month) -> volume in basis units
      approved before this message for ProductPerioden in that month (TR321).
    - ``debetten``: ReferentieNummer -> :class:`EerdereDebet`, the *approved* debits the credits
      of the message refer to (TR323, TR390). Rejected debits are not here: they can never be
      credited (IV085).
    - ``open_debetten``: :data:`Sleutel` -> how many approved, not credited debits of an earlier
      message have that key (TR389).
    - ``bekende_referenties``: ReferentieNummers of this aanbieder in this wet received before
      in a 323 that counted as sent (not refused at level 2, header or declaration level),
      whatever became of the prestatie (TR314). It suffices to load those of this message.
    - ``bekende_berichtidentificaties``: the Identificatie of every earlier 323 of this sender
      (TR056); not this message itself (a replay of the same bytes is the berichtenbox's
      business, before any rule runs).
    - ``bekende_declaratienummers``: DeclaratieNummers of earlier 323s of this aanbieder in this
      wet that counted as sent (TR333).
    - ``vorige_declaratieperiode``: Begindatum of the latest DeclaratiePeriode of a 323 of this
      aanbieder to this gemeente in this wet that counted as sent, or None (TR318).
    - ``gemeentecodes``: the CBS gemeentecodes (TR378).
    - ``producten``: the agreed product list as (categorie, code) pairs (TR381).
    - ``tarieven``: (categorie, code) -> this aanbieder's contract tariffs for the product,
      sorted by ingangsdatum (TR418, TR341, TR346).
    - ``uitgeschakeld``: rule ids the gemeente switched off (only those in
      :data:`declaraties.regels.UITSCHAKELBAAR` have effect).
    """

    ontvangstdatum: date
    toewijzingen: Mapping[int, Toewijzing] = field(default_factory=dict)
    verbruik: Mapping[int, Verbruik] = field(default_factory=dict)
    verbruik_per_maand: Mapping[tuple[int, date], int] = field(default_factory=dict)
    debetten: Mapping[str, EerdereDebet] = field(default_factory=dict)
    open_debetten: Mapping[Sleutel, int] = field(default_factory=dict)
    bekende_referenties: frozenset[str] = frozenset()
    bekende_berichtidentificaties: frozenset[str] = frozenset()
    bekende_declaratienummers: frozenset[str] = frozenset()
    vorige_declaratieperiode: date | None = None
    gemeentecodes: frozenset[str] = frozenset()
    producten: frozenset[tuple[str, str]] = frozenset()
    tarieven: Mapping[tuple[str, str], tuple[Tarief, ...]] = field(default_factory=dict)
    uitgeschakeld: frozenset[str] = frozenset()
    #: Derived: the BSNs that have a toewijzing here (TR304 on the Client).
    bsns: frozenset[str] = field(init=False)
    #: Memo of :meth:`_productperiode` (a cache, not state: the answer depends on the fields
    #: only).
    _productperioden: dict[tuple[str, str, date, date], _Productperiode] = field(
        init=False, default_factory=dict, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "bsns", frozenset(t.bsn for t in self.toewijzingen.values()))

    @classmethod
    def maak(
        cls,
        *,
        ontvangstdatum: date,
        toewijzingen: Iterable[Toewijzing] = (),
        verbruik: Iterable[VerbruikRij] = (),
        debetten: Iterable[EerdereDebet] = (),
        open_debetten: Iterable[Sleutel] = (),
        bekende_referenties: Iterable[str] = (),
        bekende_berichtidentificaties: Iterable[str] = (),
        bekende_declaratienummers: Iterable[str] = (),
        vorige_declaratieperiode: date | None = None,
        gemeentecodes: Iterable[str] = (),
        producten: Iterable[tuple[str, str]] = (),
        tarieven: Iterable[Tarief] = (),
        uitgeschakeld: Iterable[str] = (),
    ) -> DeclaratieContext:
        """Index loaded rows: toewijzingen by number, the aggregated :class:`VerbruikRij` rows
        into net totals per toewijzing and per month, debits by ReferentieNummer, the keys of
        open debits counted, tariffs per product sorted by date."""
        per_toewijzing: dict[int, tuple[int, Decimal]] = {}
        per_maand: dict[tuple[int, date], int] = {}
        for rij in verbruik:
            teken = -1 if rij.debet_credit == "C" else 1
            volume = teken * basisvolume(rij.volume, rij.eenheid)
            oud_volume, oud_bedrag = per_toewijzing.get(rij.toewijzing_nummer, (0, Decimal(0)))
            per_toewijzing[rij.toewijzing_nummer] = (
                oud_volume + volume,
                oud_bedrag + teken * rij.bedrag,
            )
            maand = (rij.toewijzing_nummer, eerste_dag_van_maand(rij.maand))
            per_maand[maand] = per_maand.get(maand, 0) + volume
        per_product: dict[tuple[str, str], list[Tarief]] = {}
        for tarief in tarieven:
            per_product.setdefault((tarief.product_categorie, tarief.product_code), []).append(
                tarief
            )
        return cls(
            ontvangstdatum=ontvangstdatum,
            toewijzingen={t.toewijzing_nummer: t for t in toewijzingen},
            verbruik={n: Verbruik(v, b) for n, (v, b) in per_toewijzing.items()},
            verbruik_per_maand=per_maand,
            debetten={d.referentie_nummer: d for d in debetten},
            open_debetten=dict(Counter(open_debetten)),
            bekende_referenties=frozenset(bekende_referenties),
            bekende_berichtidentificaties=frozenset(bekende_berichtidentificaties),
            bekende_declaratienummers=frozenset(bekende_declaratienummers),
            vorige_declaratieperiode=vorige_declaratieperiode,
            gemeentecodes=frozenset(gemeentecodes),
            producten=frozenset(producten),
            tarieven={
                product: tuple(sorted(lijst, key=lambda t: t.ingangsdatum))
                for product, lijst in per_product.items()
            },
            uitgeschakeld=frozenset(uitgeschakeld),
        )

    def _productperiode(
        self, categorie: str, code: str, begin: date, eind: date
    ) -> _Productperiode:
        """What the tariff rules ask of a product in a ProductPeriode, worked out once (a
        declaration has a handful of products and periods for many lines)."""
        sleutel = (categorie, code, begin, eind)
        gevonden = self._productperioden.get(sleutel)
        if gevonden is None:
            # Imported here: declaraties.regels.tarieven imports this module.
            from declaraties.regels.tarieven import passende_tarieven

            tarieven = tuple(
                t for t in self.tarieven.get((categorie, code), ()) if t.geldig_in(begin, eind)
            )
            gevonden = self._productperioden[sleutel] = _Productperiode(
                tarieven=tarieven,
                eenheden=tuple(dict.fromkeys(t.eenheid for t in tarieven)),
                passend=passende_tarieven(tarieven),
            )
        return gevonden

    def tarieven_in(self, categorie: str, code: str, begin: date, eind: date) -> tuple[Tarief, ...]:
        """The tariffs of a product valid on at least one day of the ProductPeriode."""
        return self._productperiode(categorie, code, begin, eind).tarieven

    def tariefeenheden_in(
        self, categorie: str, code: str, begin: date, eind: date
    ) -> tuple[str, ...]:
        """The eenheden of :meth:`tarieven_in`, each once, in the tariffs' order (TR341 for a
        toewijzing without an Omvang)."""
        return self._productperiode(categorie, code, begin, eind).eenheden

    def passende_tarieven_in(
        self, categorie: str, code: str, begin: date, eind: date
    ) -> frozenset[tuple[str, Decimal]]:
        """The (eenheid, ProductTarief) pairs TR418 accepts for the product in the
        ProductPeriode (:func:`declaraties.regels.tarieven.passende_tarieven` of
        :meth:`tarieven_in`: a set look-up per line instead of a scan)."""
        return self._productperiode(categorie, code, begin, eind).passend

"""The year-end forecast of a budget post: pure arithmetic, no models, no database.

The selector (:func:`financien.selectors.prognose`) loads the figures and calls
:func:`prognose_berekenen`; the result carries its parts so a budgethouder can see why the
number is what it is (:attr:`Prognoseberekening.methode`).

Method (all on one ``peildatum``, the day the forecast looks from)
    prognose = gerealiseerd + verwacht uit reserveringen + trend

    gerealiseerd
        What the ledger shows realised on the budget post up to and including the peildatum
        (net of credits).

    verwacht uit reserveringen
        For every reservation still open on the peildatum: its amount spread evenly over the
        days of its period (``begindatum`` to ``einddatum``; without a period the budget
        year), and of that the share of the days *after* the peildatum that fall in the
        budget year. Never more than what is still open on the reservation::

            verwacht = min(open, bedrag x toekomstige dagen in het jaar / dagen van de periode)

        So a reservation realised at its planned pace contributes exactly its open amount;
        one that lags contributes less (the lag is taken as under-use, not as a delay), and a
        period running into the next year contributes only this year's days (the rest is
        rolled over, :func:`financien.services.reserveringen_doorrollen`). Care delivered but
        not yet declared before the peildatum is not counted: with monthly declarations the
        forecast is a little low in the first weeks after a month.

    trend
        Opdrachten not yet issued: the average amount of *new* reservations booked on the
        budget post per month over the last :data:`TREND_MAANDEN` full calendar months of the
        budget year before the peildatum (a month is full when its last day is on or before
        the peildatum; months before 1 January do not count, roll-overs from the previous year
        are not new), times the months of the year still to come after the peildatum (the
        rest of the current month as a fraction of its days, plus the whole months after
        it)::

            trend = gemiddelde instroom per maand x resterende maanden

        Without a full month in the year yet, or with the peildatum outside the year, the
        trend is zero.
        This assumes every coming month brings as much newly reserved money for this year as
        the recent months did; since an opdracht issued later covers fewer months of the year,
        late in the year it is an upper estimate.

Exactness and rounding
    Days and amounts are combined as exact fractions (never a float); each part is rounded to
    the cent once (ROUND_HALF_UP) and the total is the sum of the rounded parts, so the parts
    always add up to the total shown.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

__all__ = [
    "TREND_MAANDEN",
    "Instroommaand",
    "OpenReservering",
    "Prognoseberekening",
    "Reserveringssom",
    "centen",
    "deel_na_jaar",
    "euro_tekst",
    "prognose_berekenen",
    "resterende_maanden",
    "trendmaanden",
    "verwacht_restant",
]

#: How many full months of inflow the trend averages.
TREND_MAANDEN = 3


@dataclass(frozen=True, slots=True)
class OpenReservering:
    """A reservation as the forecast sees it on the peildatum."""

    bedrag: Decimal  # the reserved amount (after changes) on the peildatum
    open_bedrag: Decimal  # what is still reserved (not realised) on the peildatum
    begindatum: date | None = None
    einddatum: date | None = None


@dataclass(frozen=True, slots=True)
class Instroommaand:
    """New reservations booked on the budget post in one calendar month."""

    jaar: int
    maand: int
    bedrag: Decimal

    @property
    def label(self) -> str:
        return f"{self.jaar}-{self.maand:02d}"


@dataclass(frozen=True, slots=True)
class Prognoseberekening:
    jaar: int
    peildatum: date
    budget: Decimal
    gerealiseerd: Decimal
    verwacht_uit_reserveringen: Decimal
    trend: Decimal
    totaal: Decimal
    #: budget - totaal: positive is room left, negative an expected overrun.
    verschil: Decimal
    open_reserveringen: Decimal
    aantal_open_reserveringen: int
    instroom: tuple[Instroommaand, ...]
    gemiddelde_instroom: Decimal
    resterende_maanden: Decimal

    @property
    def methode(self) -> str:
        """The method in Dutch, with this forecast's own figures."""
        maanden = ", ".join(f"{m.label}: {euro_tekst(m.bedrag)}" for m in self.instroom) or "geen"
        return (
            f"Prognose {self.jaar} op {self.peildatum.isoformat()} = gerealiseerd "
            f"{euro_tekst(self.gerealiseerd)} + verwacht uit {self.aantal_open_reserveringen} open "
            f"reserveringen {euro_tekst(self.verwacht_uit_reserveringen)} + trend "
            f"{euro_tekst(self.trend)} = {euro_tekst(self.totaal)}. "
            "Verwacht uit reserveringen: per open reservering het bedrag gelijk verdeeld over "
            "de dagen van haar periode (zonder periode: het begrotingsjaar), het deel van de "
            "dagen na de peildatum in dit jaar, nooit meer dan wat nog open staat (samen "
            f"{euro_tekst(self.open_reserveringen)} open). "
            f"Trend: gemiddelde nieuwe reserveringen per volle maand van dit jaar over de "
            f"laatste {TREND_MAANDEN} maanden ({maanden}; gemiddeld "
            f"{euro_tekst(self.gemiddelde_instroom)}) maal de resterende maanden "
            f"({_getal(self.resterende_maanden)}). "
            f"Budget {euro_tekst(self.budget)}, verschil {euro_tekst(self.verschil)}."
        )

    @property
    def parameters(self) -> dict[str, str | int]:
        return {
            "trend_maanden": TREND_MAANDEN,
            "peildatum": self.peildatum.isoformat(),
            "resterende_maanden": str(self.resterende_maanden),
        }


def euro_tekst(bedrag: Decimal) -> str:
    """An amount the Dutch way: € 1.234,50 (and -€ 1.234,50)."""
    teken = "-" if bedrag < 0 else ""
    tekst = f"{abs(bedrag):,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return f"{teken}€ {tekst}"


def _getal(waarde: Decimal) -> str:
    return f"{waarde:f}".replace(".", ",")


def centen(waarde: Fraction) -> Decimal:
    """An exact amount rounded to whole cents, half away from zero (as ``kern.geld.afronden``)."""
    honderd = abs(waarde) * 100
    heel = math.floor(honderd + Fraction(1, 2))
    return Decimal(heel if waarde >= 0 else -heel).scaleb(-2)


def _dagen(van: date, tot: date) -> int:
    """Days from ``van`` to ``tot``, both inclusive; zero when ``tot`` lies before ``van``."""
    return max(0, (tot - van).days + 1)


def verwacht_restant(reservering: OpenReservering, *, jaar: int, peildatum: date) -> Fraction:
    """What an open reservation is still expected to cost in budget year ``jaar`` after the
    peildatum: its amount pro rata over the days of its period after the peildatum that fall
    in the year, never more than its open amount (and never below zero)."""
    open_bedrag = Fraction(max(reservering.open_bedrag, Decimal(0)))
    if reservering.begindatum is not None and reservering.einddatum is not None:
        begin, eind = reservering.begindatum, reservering.einddatum
    else:
        begin, eind = date(jaar, 1, 1), date(jaar, 12, 31)
    periode = _dagen(begin, eind)
    if periode == 0 or open_bedrag == 0:
        return Fraction(0)
    van = max(begin, peildatum + timedelta(days=1), date(jaar, 1, 1))
    tot = min(eind, date(jaar, 12, 31))
    aandeel = Fraction(max(reservering.bedrag, Decimal(0))) * _dagen(van, tot) / periode
    return min(open_bedrag, aandeel)


@dataclass(frozen=True, slots=True)
class Reserveringssom:
    """The open reservations of a budget post as the forecast needs them, summed: per length
    of period in days, the sum of ``min(open x periode, bedrag x toekomstige dagen)`` in
    cents, so that ``verwacht`` is the sum over the periods of that sum divided by the
    period, exactly (:attr:`verwacht`); with their open total and number.

    Made in Python from reservations (:meth:`van`) or, on PostgreSQL, by one aggregate query
    (:func:`financien.selectors.prognose`); both give the same sums."""

    tellers: dict[int, int]
    open_bedrag: Decimal = Decimal("0.00")
    aantal: int = 0

    @classmethod
    def van(
        cls, reserveringen: Iterable[OpenReservering], *, jaar: int, peildatum: date
    ) -> Reserveringssom:
        """The sum of :func:`verwacht_restant` over many reservations, term by term the same,
        in integer cents: a budget post holds thousands of reservations, and Fraction
        arithmetic per reservation cost about 90 ms per 10,000."""
        jaar_begin, jaar_eind = date(jaar, 1, 1), date(jaar, 12, 31)
        vanaf = max(peildatum + timedelta(days=1), jaar_begin)
        tellers: dict[int, int] = {}
        open_bedrag, aantal = Decimal("0.00"), 0
        for r in reserveringen:
            if r.open_bedrag <= 0:
                continue
            open_bedrag += r.open_bedrag
            aantal += 1
            if r.begindatum is not None and r.einddatum is not None:
                begin, eind = r.begindatum, r.einddatum
            else:
                begin, eind = jaar_begin, jaar_eind
            periode = _dagen(begin, eind)
            if periode == 0:
                continue
            teller = int(max(r.bedrag, Decimal(0)).scaleb(2)) * _dagen(
                max(begin, vanaf), min(eind, jaar_eind)
            )
            tellers[periode] = tellers.get(periode, 0) + min(
                teller, int(r.open_bedrag.scaleb(2)) * periode
            )
        return cls(
            tellers={p: t for p, t in tellers.items() if t}, open_bedrag=open_bedrag, aantal=aantal
        )

    @property
    def verwacht(self) -> Fraction:
        """What the open reservations are still expected to cost this year, exactly."""
        return sum((Fraction(t, p) for p, t in self.tellers.items()), Fraction(0)) / 100


def deel_na_jaar(reservering: OpenReservering, *, jaar: int) -> Decimal:
    """The part of an open reservation of budget year ``jaar`` that belongs to the days of
    its period after that year: its amount pro rata by days, rounded to the cent, never more
    than its open amount. Zero without a period or when the period ends in the year. This is
    what :func:`financien.services.reserveringen_doorrollen` carries over to the next year."""
    if reservering.begindatum is None or reservering.einddatum is None:
        return Decimal("0.00")
    begin, eind = reservering.begindatum, reservering.einddatum
    periode = _dagen(begin, eind)
    na = _dagen(max(begin, date(jaar + 1, 1, 1)), eind)
    if periode == 0 or na == 0 or reservering.open_bedrag <= 0:
        return Decimal("0.00")
    aandeel = centen(Fraction(max(reservering.bedrag, Decimal(0))) * na / periode)
    return min(reservering.open_bedrag, aandeel)


def trendmaanden(*, jaar: int, peildatum: date) -> list[tuple[int, int]]:
    """The (year, month) pairs the trend averages: the last :data:`TREND_MAANDEN` full months
    before the peildatum that lie in budget year ``jaar`` (oldest first); none when the
    peildatum lies outside the year (before it nothing came in yet, after it nothing is to
    come)."""
    if peildatum.year != jaar:
        return []
    laatste_dag = calendar.monthrange(peildatum.year, peildatum.month)[1]
    j, m = peildatum.year, peildatum.month
    if peildatum.day != laatste_dag:
        j, m = (j, m - 1) if m > 1 else (j - 1, 12)
    maanden: list[tuple[int, int]] = []
    for _ in range(TREND_MAANDEN):
        if j == jaar:
            maanden.append((j, m))
        j, m = (j, m - 1) if m > 1 else (j - 1, 12)
    return sorted(maanden)


def resterende_maanden(*, jaar: int, peildatum: date) -> Fraction:
    """Months of budget year ``jaar`` after the peildatum: the rest of the peildatum's month
    as a fraction of its days plus the whole months after it; 12 before the year, 0 after."""
    if peildatum.year < jaar:
        return Fraction(12)
    if peildatum.year > jaar:
        return Fraction(0)
    lengte = calendar.monthrange(peildatum.year, peildatum.month)[1]
    return Fraction(lengte - peildatum.day, lengte) + (12 - peildatum.month)


def prognose_berekenen(
    *,
    jaar: int,
    peildatum: date,
    budget: Decimal,
    gerealiseerd: Decimal,
    open_reserveringen: Iterable[OpenReservering] | Reserveringssom,
    instroom: Sequence[Instroommaand],
) -> Prognoseberekening:
    """The forecast of one budget post of ``jaar`` on ``peildatum`` (see the module).

    ``instroom`` holds the new reservations of the months :func:`trendmaanden` names (a month
    without any may be left out: it counts as zero)."""
    som = (
        open_reserveringen
        if isinstance(open_reserveringen, Reserveringssom)
        else Reserveringssom.van(open_reserveringen, jaar=jaar, peildatum=peildatum)
    )
    verwacht = centen(som.verwacht)
    maanden = trendmaanden(jaar=jaar, peildatum=peildatum)
    per_maand = {(m.jaar, m.maand): m.bedrag for m in instroom}
    gebruikt = tuple(
        Instroommaand(jaar=j, maand=m, bedrag=per_maand.get((j, m), Decimal("0.00")))
        for j, m in maanden
    )
    gemiddelde = (
        sum((Fraction(m.bedrag) for m in gebruikt), Fraction(0)) / len(gebruikt)
        if gebruikt
        else Fraction(0)
    )
    rest = resterende_maanden(jaar=jaar, peildatum=peildatum)
    trend = centen(gemiddelde * rest)
    totaal = gerealiseerd + verwacht + trend
    return Prognoseberekening(
        jaar=jaar,
        peildatum=peildatum,
        budget=budget,
        gerealiseerd=gerealiseerd,
        verwacht_uit_reserveringen=verwacht,
        trend=trend,
        totaal=totaal,
        verschil=budget - totaal,
        open_reserveringen=som.open_bedrag,
        aantal_open_reserveringen=som.aantal,
        instroom=gebruikt,
        gemiddelde_instroom=centen(gemiddelde),
        resterende_maanden=(Decimal(rest.numerator) / Decimal(rest.denominator)).quantize(
            Decimal("0.0001"), rounding=ROUND_HALF_UP
        ),
    )

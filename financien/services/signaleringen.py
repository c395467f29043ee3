"""Budget alerts (signaleringen): thresholds, evaluation, e-mail and acknowledgement.

**What is watched** (:class:`~financien.constants.SignaleringSoort`), each against its own
thresholds in percent (:class:`~financien.models.Signaleringsdrempel`, most specific first:
per budget post, per gemeente, else :data:`~financien.constants.STANDAARD_DREMPELS`):

=================  ==================================  ==============================  =========
soort              value                               norm (100 %)                    default
=================  ==================================  ==============================  =========
budgetpost         gereserveerd + gerealiseerd         the budget                      80/90/100
prognose           the year-end forecast               the budget                      100
toewijzing         gerealiseerd (all its years)        reserved for it (all its years) 80
bestedingsruimte   gereserveerd + gerealiseerd of the  the provider's bestedingsruimte 80/90/100
                   provider on the gemeente's posts    in that gemeente and year
                   of that year
=================  ==================================  ==============================  =========

A value at or above ``drempel`` percent of its norm is *over* the threshold; a norm of zero is
crossed by any value above zero. A toewijzing's reserved amount is its expected cost (budget
or volume times tariff), so "80 % of its budget or volume realised" is realised against it.
For a bestedingsruimte both the open reservations and the realisations count: what is
reserved for a provider is spending room already promised.

**Once per crossing.** :func:`signaleringen_evalueren` measures its subjects and, per
threshold, raises an alert when the value is over and no alert for that subject and threshold
is running, and ends the running alert when the value dropped clearly below again: by
``FINANCIEN_SIGNALERING_MARGE`` percentage points (default 2, at most half the threshold), so
a value hovering at 90 % does not raise and mail a new alert with every booking. A later rise
over the threshold is a new crossing. One running alert per subject and threshold is a
partial unique constraint: when two evaluations race, the second insert fails in its
savepoint and is skipped.

**When.** The booking services call :func:`signaleren_na_commit` inside their transaction. It
collects the subjects the booking touched in one queue per transaction and evaluates them
*after the commit* (a Celery task, eager in development): a booking's queries and locks do not
grow, a failing evaluation never undoes a booking, and a transaction booking a thousand
realisations evaluates its budget posts once, not a thousand times. Should the process stop
between commit and evaluation, the periodic task (:func:`signaleringen_alles_evalueren`,
celery beat) catches up; it also moves the forecast alerts as the year goes by without any
booking.

**E-mail.** The new alerts of an evaluation go, after its commit, in one message per
gemeente to every active budgethouder of that gemeente with an e-mail address (Django's
mail backend). The message names budget posts, providers and toewijzing numbers, never a
client. Each alert records what became of its mail (sent, no recipients, failed); failed
mails and mails lost between commit and sending are tried again every 15 minutes
(:func:`signaleringsmails_opnieuw`), at most ``FINANCIEN_SIGNALERINGSMAIL_POGINGEN`` times and
for a week; a retry after a failure half-way through a gemeente's recipients may reach some of
them twice, never none.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, Max, Min, OuterRef, Q, Sum
from django.utils import timezone

from contracten.models import Bestedingsruimte
from financien import selectors
from financien.constants import (
    SIGNALERINGSSOORTEN_PER_BUDGETPOST,
    STANDAARD_DREMPELS,
    BronType,
    MailStatus,
    ReserveringStatus,
    SignaleringSoort,
)
from financien.models import (
    Begrotingsjaar,
    Budgetpost,
    Reservering,
    Signalering,
    Signaleringsdrempel,
)
from financien.models.signalering import DREMPEL_MAX, DREMPEL_MIN
from financien.prognose import euro_tekst
from financien.services._basis import _eis_budgetbeheer, _opslaan
from financien.services.prognose import prognosesommen_vastleggen
from kern.audit import audit_vastleggen, momentopname
from kern.constants import AuditActie, Rol, Wet
from kern.exceptions import Conflict, DomeinFout, van_validation_error
from kern.geld import afronden
from kern.models import Gebruiker, Gemeente
from kern.vaste_query import VasteQuery

logger = logging.getLogger(__name__)

#: The most thresholds one kind of alert may have.
DREMPELS_MAX_AANTAL = 10
#: The longest note on an acknowledgement.
TOELICHTING_MAX = 2000
#: Subjects per transaction of the periodic evaluation.
DEEL_GROOTTE = 500

_PERCENTAGE_MAX = Decimal("9999999.99")
_FK_VELDEN = ["gemeente", "budgetpost", "zorgaanbieder", "bestedingsruimte", "bevestigd_door"]


# --- Thresholds -------------------------------------------------------------------------------


def _percentages(waarde: Any) -> list[int]:
    if not isinstance(waarde, list | tuple) or any(
        isinstance(p, bool) or not isinstance(p, int) for p in waarde
    ):
        raise DomeinFout(
            "Drempels zijn een lijst van hele percentages, bijvoorbeeld [80, 90, 100].",
            code="drempels_ongeldig",
            velden={"percentages": ["Een lijst van hele getallen."]},
        )
    if any(not DREMPEL_MIN <= p <= DREMPEL_MAX for p in waarde):
        raise DomeinFout(
            f"Een drempel ligt tussen {DREMPEL_MIN} en {DREMPEL_MAX} procent.",
            code="drempel_buiten_bereik",
            velden={"percentages": [f"Tussen {DREMPEL_MIN} en {DREMPEL_MAX}."]},
        )
    if len(set(waarde)) != len(waarde):
        raise DomeinFout(
            "Elke drempel komt één keer voor.",
            code="drempels_dubbel",
            velden={"percentages": ["Dubbele drempel."]},
        )
    if len(waarde) > DREMPELS_MAX_AANTAL:
        raise DomeinFout(
            f"Hoogstens {DREMPELS_MAX_AANTAL} drempels per soort.",
            code="drempels_te_veel",
            velden={"percentages": ["Te veel drempels."]},
        )
    return sorted(waarde)


@transaction.atomic
def signaleringsdrempels_vastleggen(
    *,
    door: Gebruiker | None,
    gemeente: Gemeente,
    soort: str,
    percentages: Sequence[int],
    budgetpost: Budgetpost | None = None,
) -> Signaleringsdrempel:
    """Set the thresholds of one kind of alert for a gemeente, or for one of its budget posts
    (kinds budgetpost and prognose only). Replaces what was set at that level (audited); an
    empty list switches the kind off there. Budgethouder or beheerder of the gemeente."""
    _eis_budgetbeheer(door, gemeente)
    if soort not in SignaleringSoort.values:
        raise DomeinFout(
            f"Onbekende soort signalering {soort!r}.",
            code="soort_ongeldig",
            velden={"soort": ["Onbekende soort."]},
        )
    if budgetpost is not None:
        if budgetpost.gemeente_id != gemeente.pk:
            raise DomeinFout(
                "De budgetpost hoort bij een andere gemeente.",
                code="budgetpost_andere_gemeente",
                velden={"budgetpost": ["Hoort bij een andere gemeente."]},
            )
        if soort not in SIGNALERINGSSOORTEN_PER_BUDGETPOST:
            raise DomeinFout(
                f"Drempels van soort {soort} gelden per gemeente, niet per budgetpost.",
                code="drempel_niet_per_budgetpost",
                velden={"budgetpost": ["Niet bij deze soort."]},
            )
    lijst = _percentages(list(percentages))
    drempel = (
        Signaleringsdrempel.objects.select_for_update()
        .filter(gemeente=gemeente, soort=soort, budgetpost=budgetpost)
        .first()
    )
    voor = momentopname(drempel) if drempel is not None else None
    if drempel is None:
        drempel = Signaleringsdrempel(gemeente=gemeente, soort=soort, budgetpost=budgetpost)
    drempel.percentages = lijst
    if voor is not None and voor["percentages"] == lijst:
        return drempel
    try:
        with transaction.atomic():
            _opslaan(drempel)
    except IntegrityError:
        raise Conflict(
            "Deze drempels zijn zojuist door iemand anders vastgelegd; probeer het opnieuw.",
            code="drempels_bestaan",
        ) from None
    audit_vastleggen(
        gebruiker=door,
        actie=AuditActie.AANGEMAAKT if voor is None else AuditActie.GEWIJZIGD,
        obj=drempel,
        voor=voor,
        na=momentopname(drempel),
    )
    return drempel


# The queries of an evaluation after a booking, built once per process (kern.vaste_query).
_DREMPELS = VasteQuery(
    lambda gemeenten: Signaleringsdrempel.objects.filter(gemeente_id__any=gemeenten).values_list(
        "gemeente_id", "soort", "budgetpost_id", "percentages"
    )
)
_BUDGETPOSTEN = VasteQuery(lambda ids: Budgetpost.objects.filter(pk__any=ids).order_by("pk"))


class _Drempels:
    """The thresholds of some gemeenten, read in one query."""

    def __init__(self, gemeente_ids: Iterable[int]) -> None:
        ids = set(gemeente_ids)
        self._index: dict[tuple[int, str, int | None], tuple[int, ...]] = {
            (gemeente_id, soort, budgetpost_id): tuple(percentages)
            for gemeente_id, soort, budgetpost_id, percentages in (
                _DREMPELS(gemeenten=ids) if ids else ()
            )
        }

    def __call__(
        self, gemeente_id: int, soort: str, budgetpost_id: int | None = None
    ) -> tuple[int, ...]:
        if budgetpost_id is not None and (gemeente_id, soort, budgetpost_id) in self._index:
            return self._index[(gemeente_id, soort, budgetpost_id)]
        return self._index.get((gemeente_id, soort, None), STANDAARD_DREMPELS[soort])


# --- Measuring --------------------------------------------------------------------------------


def _procent(waarde: Decimal) -> str:
    return f"{waarde:.2f}".replace(".", ",") + "%"


@dataclass
class _Meting:
    """One subject's value against its norm, with the thresholds that apply to it.

    ``onderwerp``, ``cijfers`` and ``velden`` are only read when an alert is raised; a kind
    measured in bulk (toewijzingen: every one a batch of declarations booked on) leaves them
    to ``aanvullen``, which :meth:`volledig` calls once."""

    soort: str
    sleutel: str
    gemeente_id: int
    jaar: int
    norm: Decimal
    waarde: Decimal
    drempels: tuple[int, ...]
    maat: str  # what the percentage measures: "van het budget gereserveerd of gerealiseerd"
    onderwerp: str = ""  # the subject, for people: "Budgetpost 2026 Wmo 2015 6.71"
    cijfers: dict[str, Any] = field(default_factory=dict)
    velden: dict[str, Any] = field(default_factory=dict)
    aanvullen: Callable[[_Meting], None] | None = None

    def volledig(self) -> _Meting:
        """This measurement with its subject, figures and fields filled in."""
        if self.aanvullen is not None:
            aanvullen, self.aanvullen = self.aanvullen, None
            aanvullen(self)
        return self

    def boven(self, drempel: int) -> bool:
        if self.norm <= 0:
            return self.waarde > 0
        return self.waarde * 100 >= self.norm * drempel

    def gezakt(self, drempel: int, marge: Decimal) -> bool:
        """Far enough below ``drempel`` to end its running alert: ``marge`` percentage points
        below it, at most half the threshold (a norm of zero: back at zero)."""
        if self.norm <= 0:
            return self.waarde <= 0
        einde = drempel - min(max(marge, Decimal(0)), Decimal(drempel) / 2)
        return self.waarde * 100 < self.norm * einde

    @property
    def percentage(self) -> Decimal | None:
        if self.norm <= 0:
            return None
        return min(
            (self.waarde * 100 / self.norm).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP),
            _PERCENTAGE_MAX,
        )

    def omschrijving(self, drempel: int) -> str:
        percentage = self.percentage
        deel = f"{_procent(percentage)} " if percentage is not None else "meer dan 100% "
        return (
            f"{self.onderwerp}: {deel}{self.maat} ({euro_tekst(self.waarde)} van "
            f"{euro_tekst(self.norm)}); drempel {drempel}%."
        )[:500]


def _budgetpost_naam(budgetpost: Budgetpost) -> str:
    plaats = f" kostenplaats {budgetpost.kostenplaats}" if budgetpost.kostenplaats else ""
    return f"Budgetpost {budgetpost.jaar} {Wet(budgetpost.wet).label} {budgetpost.taakveld}{plaats}"


def _budgetpost_metingen(
    budgetpost_ids: Iterable[int], vandaag: date | None, drempels_van: Any
) -> list[_Meting]:
    ids = set(budgetpost_ids)
    posten = _BUDGETPOSTEN(ids=ids) if ids else []
    if not posten:
        return []
    drempels = drempels_van({bp.gemeente_id for bp in posten})
    # The forecast's sums of open reservations, counted once a day per post and kept since.
    prognosesommen_vastleggen(posten, vandaag or timezone.localdate())
    standen = selectors.budgetstanden_voor(posten)
    prognoses = selectors.prognoses_voor(posten, standen=standen, vandaag=vandaag)
    metingen: list[_Meting] = []
    for bp in posten:
        stand, prognose = standen[bp.pk], prognoses[bp.pk]
        sleutel = f"budgetpost:{bp.pk}"
        naam = _budgetpost_naam(bp)
        metingen.append(
            _Meting(
                soort=SignaleringSoort.BUDGETPOST,
                sleutel=sleutel,
                gemeente_id=bp.gemeente_id,
                jaar=bp.jaar,
                norm=stand.budget,
                waarde=stand.gereserveerd + stand.gerealiseerd,
                drempels=drempels(bp.gemeente_id, SignaleringSoort.BUDGETPOST, bp.pk),
                onderwerp=naam,
                maat="van het budget gereserveerd of gerealiseerd",
                cijfers={
                    "budget": str(stand.budget),
                    "gereserveerd": str(stand.gereserveerd),
                    "gerealiseerd": str(stand.gerealiseerd),
                    "beschikbaar": str(stand.beschikbaar),
                },
                velden={"budgetpost_id": bp.pk},
            )
        )
        metingen.append(
            _Meting(
                soort=SignaleringSoort.PROGNOSE,
                sleutel=sleutel,
                gemeente_id=bp.gemeente_id,
                jaar=bp.jaar,
                norm=stand.budget,
                waarde=prognose.totaal,
                drempels=drempels(bp.gemeente_id, SignaleringSoort.PROGNOSE, bp.pk),
                onderwerp=naam,
                maat="van het budget volgens de prognose voor het jaareinde",
                cijfers={
                    "budget": str(prognose.budget),
                    "gerealiseerd": str(prognose.gerealiseerd),
                    "verwacht_uit_reserveringen": str(prognose.verwacht_uit_reserveringen),
                    "trend": str(prognose.trend),
                    "totaal": str(prognose.totaal),
                    "verschil": str(prognose.verschil),
                    "peildatum": prognose.peildatum.isoformat(),
                    "methode": prognose.methode,
                },
                velden={"budgetpost_id": bp.pk},
            )
        )
    return metingen


def _som(waarde: Any) -> Decimal:
    return afronden(Decimal(str(waarde))) if waarde is not None else Decimal("0.00")


_TOEWIJZINGSTANDEN = VasteQuery(
    lambda ids: (
        Reservering.objects.filter(bron_type=BronType.TOEWIJZING, bron_id__any=ids)
        .values("bron_id")
        .annotate(
            norm=Sum("bedrag"),
            waarde=Sum("gerealiseerd_bedrag"),
            open=Sum("open_bedrag"),
            aantal=Count("id"),
            gemeente_id=Min("budgetpost__gemeente_id"),
            laatste_jaar=Max("jaar"),
            aanbieder_id=Min("zorgaanbieder_id"),
            zorgaanbieder_naam=Min("zorgaanbieder__naam"),
        )
        .order_by("bron_id")
    )
)
_BESTEED = VasteQuery(
    lambda aanbieders, gemeenten, jaren: (
        Reservering.objects.filter(
            zorgaanbieder_id__any=aanbieders,
            budgetpost__gemeente_id__any=gemeenten,
            jaar__any=jaren,
        )
        .values("zorgaanbieder_id", "budgetpost__gemeente_id", "jaar")
        .annotate(gereserveerd=Sum("open_bedrag"), gerealiseerd=Sum("gerealiseerd_bedrag"))
        .order_by()
    )
)
_LOPEND = VasteQuery(
    lambda sleutels: Signalering.objects.filter(
        beeindigd_op__isnull=True, onderwerp_sleutel__any=sleutels
    ).values_list("pk", "soort", "onderwerp_sleutel", "drempel")
)


def _toewijzing_aanvullen(r: dict[str, Any]) -> Callable[[_Meting], None]:
    def aanvullen(meting: _Meting) -> None:
        meting.onderwerp = f"Toewijzing {r['bron_id']} ({r['zorgaanbieder_naam']})"
        meting.cijfers = {
            "gereserveerd_bedrag": str(meting.norm),
            "gerealiseerd": str(meting.waarde),
            "open": str(_som(r["open"])),
            "reserveringen": str(r["aantal"]),
        }
        meting.velden = {
            "zorgaanbieder_id": r["aanbieder_id"],
            "bron_type": BronType.TOEWIJZING,
            "bron_id": r["bron_id"],
        }

    return aanvullen


def _toewijzing_metingen(bron_ids: Iterable[str], drempels_van: Any) -> list[_Meting]:
    ids = sorted({str(b) for b in bron_ids})
    if not ids:
        return []
    rijen = _TOEWIJZINGSTANDEN(ids=ids)
    drempels = drempels_van({r["gemeente_id"] for r in rijen})
    return [
        _Meting(
            soort=SignaleringSoort.TOEWIJZING,
            sleutel=f"toewijzing:{r['bron_id']}",
            gemeente_id=r["gemeente_id"],
            jaar=r["laatste_jaar"],
            norm=_som(r["norm"]),
            waarde=_som(r["waarde"]),
            drempels=drempels(r["gemeente_id"], SignaleringSoort.TOEWIJZING),
            maat="van het gereserveerde bedrag gerealiseerd",
            aanvullen=_toewijzing_aanvullen(r),
        )
        for r in rijen
    ]


#: The caps a booking may have moved (read as values: this runs after every declaration, and
#: building the queryset through the ORM and djmoney each time cost more than the answer).
_BESTEDINGSRUIMTEN = VasteQuery(
    lambda aanbieders, gemeenten, jaren: (
        Bestedingsruimte.objects.filter(
            zorgaanbieder_id__any=aanbieders, gemeente_id__any=gemeenten, jaar__any=jaren
        )
        .order_by("pk")
        .values("pk", "zorgaanbieder_id", "gemeente_id", "jaar", "bedrag", "zorgaanbieder__naam")
    )
)


def _bestedingsruimte_metingen(
    sleutels: Iterable[Sequence[int]], drempels_van: Any
) -> list[_Meting]:
    gevraagd = {(int(a), int(g), int(j)) for a, g, j in sleutels}
    if not gevraagd:
        return []
    ruimten = [
        r
        for r in _BESTEDINGSRUIMTEN(
            aanbieders={a for a, _, _ in gevraagd},
            gemeenten={g for _, g, _ in gevraagd},
            jaren={j for _, _, j in gevraagd},
        )
        if (r["zorgaanbieder_id"], r["gemeente_id"], r["jaar"]) in gevraagd
    ]
    if not ruimten:
        return []
    besteed = {
        (r["zorgaanbieder_id"], r["budgetpost__gemeente_id"], r["jaar"]): r
        for r in _BESTEED(
            aanbieders={r["zorgaanbieder_id"] for r in ruimten},
            gemeenten={r["gemeente_id"] for r in ruimten},
            jaren={r["jaar"] for r in ruimten},
        )
    }
    drempels = drempels_van({r["gemeente_id"] for r in ruimten})
    metingen: list[_Meting] = []
    for ruimte in ruimten:
        aanbieder, gemeente, jaar = (
            ruimte["zorgaanbieder_id"],
            ruimte["gemeente_id"],
            ruimte["jaar"],
        )
        rij = besteed.get((aanbieder, gemeente, jaar), {})
        gereserveerd, gerealiseerd = _som(rij.get("gereserveerd")), _som(rij.get("gerealiseerd"))
        norm = ruimte["bedrag"]
        metingen.append(
            _Meting(
                soort=SignaleringSoort.BESTEDINGSRUIMTE,
                sleutel=f"bestedingsruimte:{ruimte['pk']}",
                gemeente_id=gemeente,
                jaar=jaar,
                norm=norm,
                waarde=gereserveerd + gerealiseerd,
                drempels=drempels(gemeente, SignaleringSoort.BESTEDINGSRUIMTE),
                onderwerp=f"Bestedingsruimte {jaar} van {ruimte['zorgaanbieder__naam']}",
                maat="gereserveerd of gerealiseerd",
                cijfers={
                    "bestedingsruimte": str(norm),
                    "gereserveerd": str(gereserveerd),
                    "gerealiseerd": str(gerealiseerd),
                },
                velden={"bestedingsruimte_id": ruimte["pk"], "zorgaanbieder_id": aanbieder},
            )
        )
    return metingen


# --- Evaluating -------------------------------------------------------------------------------


def _verwerken(metingen: Sequence[_Meting]) -> list[Signalering]:
    """Raise an alert per threshold crossed without a running alert; end the running alerts
    whose value dropped the margin (``FINANCIEN_SIGNALERING_MARGE``) below their threshold.
    Returns the alerts raised."""
    marge = Decimal(settings.FINANCIEN_SIGNALERING_MARGE)
    lopend: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    for pk, soort, sleutel, drempel in _LOPEND(sleutels={m.sleutel for m in metingen}):
        lopend[(soort, sleutel)].append((pk, drempel))
    beeindigen: list[int] = []
    nieuw: list[Signalering] = []
    for meting in metingen:
        actief = lopend.get((meting.soort, meting.sleutel), [])
        beeindigen += [pk for pk, drempel in actief if meting.gezakt(drempel, marge)]
        al_lopend = {drempel for _, drempel in actief}
        for drempel in meting.drempels:
            if drempel in al_lopend or not meting.boven(drempel):
                continue
            signalering = _signaleren(meting, drempel)
            if signalering is not None:
                nieuw.append(signalering)
    if beeindigen:
        Signalering.objects.filter(pk__in=beeindigen, beeindigd_op__isnull=True).update(
            beeindigd_op=timezone.now()
        )
    return nieuw


def _signaleren(meting: _Meting, drempel: int) -> Signalering | None:
    """Insert one alert under the unique constraint; None when a concurrent evaluation raised
    the same crossing first."""
    meting.volledig()
    signalering = Signalering(
        gemeente_id=meting.gemeente_id,
        jaar=meting.jaar,
        soort=meting.soort,
        onderwerp_sleutel=meting.sleutel,
        drempel=drempel,
        # Rounded to cents: SQLite returns sums with ten decimals.
        norm_bedrag=afronden(meting.norm),
        waarde_bedrag=afronden(meting.waarde),
        percentage=meting.percentage,
        cijfers=meting.cijfers,
        omschrijving=meting.omschrijving(drempel),
        **meting.velden,
    )
    try:
        # The foreign keys come from rows just read; the constraints are the database's.
        signalering.full_clean(
            exclude=_FK_VELDEN, validate_unique=False, validate_constraints=False
        )
    except ValidationError as exc:
        raise van_validation_error(exc) from exc
    try:
        with transaction.atomic():
            signalering.save()
    except IntegrityError:
        lopend = Signalering.objects.filter(
            soort=meting.soort,
            onderwerp_sleutel=meting.sleutel,
            drempel=drempel,
            beeindigd_op__isnull=True,
        ).exists()
        if not lopend:
            raise
        return None
    return signalering


@transaction.atomic
def signaleringen_evalueren(
    *,
    budgetpost_ids: Iterable[int] = (),
    toewijzingen: Iterable[str] = (),
    bestedingsruimten: Iterable[Sequence[int]] = (),
    vandaag: date | None = None,
) -> list[Signalering]:
    """Measure the given subjects now and raise or end their alerts (see the module).

    ``budgetpost_ids``: budget posts (their use and their forecast, which looks from
    ``vandaag``, default today); ``toewijzingen``: bron_ids of toewijzingen;
    ``bestedingsruimten``: (zorgaanbieder_id, gemeente_id, jaar), only those with a
    bestedingsruimte count. A fixed number of queries for any number of subjects, plus one
    insert per alert raised. Returns the new alerts; they are mailed after the commit."""
    cache: dict[frozenset[int], _Drempels] = {}

    def drempels_van(gemeente_ids: set[int]) -> _Drempels:
        sleutel = frozenset(gemeente_ids)
        if sleutel not in cache:
            cache[sleutel] = _Drempels(gemeente_ids)
        return cache[sleutel]

    metingen = [
        *_budgetpost_metingen(budgetpost_ids, vandaag, drempels_van),
        *_toewijzing_metingen(toewijzingen, drempels_van),
        *_bestedingsruimte_metingen(bestedingsruimten, drempels_van),
    ]
    if not metingen:
        return []
    nieuw = _verwerken(metingen)
    if nieuw:
        transaction.on_commit(partial(_mailen, [s.pk for s in nieuw]), robust=True)
    return nieuw


def signaleringen_alles_evalueren(*, vandaag: date | None = None, deel: int = DEEL_GROOTTE) -> int:
    """The periodic evaluation: every budget post of a budget year that is not closed, every
    toewijzing with an open reservation or a running alert, and every bestedingsruimte of a
    year that is not closed; ``deel`` subjects per transaction. Safe to run twice or next to
    the evaluations after bookings. Returns how many alerts were raised."""
    gesloten = Begrotingsjaar.objects.filter(
        gemeente_id=OuterRef("gemeente_id"), jaar=OuterRef("jaar"), afgesloten=True
    )
    posten = list(
        Budgetpost.objects.exclude(Exists(gesloten)).order_by("pk").values_list("pk", flat=True)
    )
    toewijzingen = sorted(
        set(
            Reservering.objects.filter(
                bron_type=BronType.TOEWIJZING, status=ReserveringStatus.OPEN
            ).values_list("bron_id", flat=True)
        )
        | set(
            Signalering.objects.filter(
                soort=SignaleringSoort.TOEWIJZING, beeindigd_op__isnull=True
            ).values_list("bron_id", flat=True)
        )
    )
    ruimten = list(
        Bestedingsruimte.objects.exclude(Exists(gesloten))
        .order_by("pk")
        .values_list("zorgaanbieder_id", "gemeente_id", "jaar")
    )
    aantal = 0
    for i in range(0, len(posten), deel):
        aantal += len(signaleringen_evalueren(budgetpost_ids=posten[i : i + deel], vandaag=vandaag))
    for i in range(0, len(toewijzingen), deel):
        aantal += len(signaleringen_evalueren(toewijzingen=toewijzingen[i : i + deel]))
    for i in range(0, len(ruimten), deel):
        aantal += len(signaleringen_evalueren(bestedingsruimten=ruimten[i : i + deel]))
    return aantal


# --- After a booking --------------------------------------------------------------------------


class _Wachtrij:
    """The subjects the bookings of one transaction touched; called once after its commit.
    Within :func:`signaleringen_bundelen` it joins the bundle instead of queueing a task."""

    def __init__(self) -> None:
        # Django names a failing on_commit callback by its __qualname__ (robust=True).
        self.__qualname__ = "financien.services.signaleren_na_commit"
        self.budgetpost_ids: set[int] = set()
        self.toewijzingen: set[str] = set()
        self.bestedingsruimten: set[tuple[int, int, int]] = set()

    def __bool__(self) -> bool:
        return bool(self.budgetpost_ids or self.toewijzingen or self.bestedingsruimten)

    def __call__(self) -> None:
        bundel = _BUNDEL.get()
        if bundel is not None and bundel is not self:
            bundel.budgetpost_ids |= self.budgetpost_ids
            bundel.toewijzingen |= self.toewijzingen
            bundel.bestedingsruimten |= self.bestedingsruimten
            return
        from financien.tasks import signaleringen_na_boeking  # tasks import the services

        signaleringen_na_boeking.delay(
            budgetpost_ids=sorted(self.budgetpost_ids),
            toewijzingen=sorted(self.toewijzingen),
            bestedingsruimten=[list(s) for s in sorted(self.bestedingsruimten)],
        )


#: The bundle of :func:`signaleringen_bundelen` that is open in this context, if any.
_BUNDEL: ContextVar[_Wachtrij | None] = ContextVar("signaleringen_bundel", default=None)


@contextmanager
def signaleringen_bundelen() -> Iterator[None]:
    """One alert evaluation for the transactions committed within this block, queued when
    it ends (also when it ends in an error), instead of one after each commit: for a batch of
    messages a budget post that 25 declarations booked on is measured once, on what they
    booked together. Only committed transactions contribute (their after-commit callback
    adds its subjects to the bundle); a rolled-back one never calls it. An alert is then
    raised once for the batch, at the end; the periodic evaluation of every subject
    (:func:`signaleringen_alles_evalueren`) covers a process that stopped before the end.
    A block inside another joins the outer one."""
    if _BUNDEL.get() is not None:
        yield
        return
    bundel = _Wachtrij()
    token = _BUNDEL.set(bundel)
    try:
        yield
    finally:
        _BUNDEL.reset(token)
        if bundel:
            try:
                bundel()
            except Exception:
                # As Django's robust on_commit: the bookings stand; the periodic evaluation
                # measures these subjects later.
                logger.exception("De signaleringen van een bundel konden niet worden ingepland.")


def _wachtrij_van_transactie() -> _Wachtrij | None:
    """The queue already registered in the current transaction, if any. Django keeps the
    callbacks of the running transaction in ``run_on_commit`` and drops those of a savepoint
    that rolls back, so a queue found there belongs to this transaction and will run."""
    for callback in getattr(transaction.get_connection(), "run_on_commit", ()):
        if isinstance(callback[1], _Wachtrij):
            return callback[1]
    return None


def signaleren_na_commit(
    *,
    budgetpost_ids: Iterable[int] = (),
    toewijzingen: Iterable[str] = (),
    bestedingsruimten: Iterable[tuple[int, int, int]] = (),
) -> None:
    """Evaluate these subjects' alerts after the current transaction commits, together with
    those of the other bookings in it (one evaluation per transaction). No query."""
    wachtrij = _wachtrij_van_transactie()
    nieuw = wachtrij is None
    if wachtrij is None:
        wachtrij = _Wachtrij()
    wachtrij.budgetpost_ids.update(budgetpost_ids)
    wachtrij.toewijzingen.update(str(t) for t in toewijzingen)
    wachtrij.bestedingsruimten.update((a, g, j) for a, g, j in bestedingsruimten)
    if nieuw:
        transaction.on_commit(wachtrij, robust=True)


# --- E-mail -----------------------------------------------------------------------------------


#: E-mail statuses :func:`_mailen` sends (again).
_TE_MAILEN = (MailStatus.TE_VERSTUREN, MailStatus.MISLUKT)
#: An alert still "te versturen" this long after it was raised lost its after-commit mail (the
#: process stopped in between): the retry sends it.
NA_COMMIT_WACHTTIJD = timedelta(minutes=10)
#: The retry leaves alerts older than this alone: they are in the application.
OPNIEUW_BINNEN = timedelta(days=7)


def _mailen(signalering_ids: Sequence[int]) -> int:
    """Mail alerts to the budgethouders of their gemeente, one message per gemeente and
    recipient, and record per alert what became of it (``mail_status``, ``gemaild_op``,
    ``mail_pogingen``, ``mail_fout``). Only alerts still to send or failed are taken, each
    under a row lock that a concurrent sender skips, so an alert is mailed once; a failing
    mail server is logged and recorded per gemeente, and :func:`signaleringsmails_opnieuw`
    tries again. Returns the number of messages sent."""
    with transaction.atomic():
        signaleringen = list(
            Signalering.objects.select_for_update(of=("self",), skip_locked=True)
            .filter(pk__in=signalering_ids, mail_status__in=_TE_MAILEN)
            .select_related("gemeente")
            .order_by("gemeente_id", "soort", "onderwerp_sleutel", "drempel")
        )
        if not signaleringen:
            return 0
        per_gemeente: dict[int, list[Signalering]] = defaultdict(list)
        for signalering in signaleringen:
            per_gemeente[signalering.gemeente_id].append(signalering)
        koppeling = Gebruiker.gemeenten.through
        ontvangers: dict[int, set[str]] = defaultdict(set)
        for gemeente_id, email in (
            koppeling.objects.filter(
                gemeente_id__in=per_gemeente,
                gebruiker__is_active=True,
                gebruiker__groups__name=Rol.BUDGETHOUDER,
            )
            .exclude(gebruiker__email="")
            .values_list("gemeente_id", "gebruiker__email")
        ):
            ontvangers[gemeente_id].add(email)
        verbinding = get_connection()
        verstuurd = 0
        for gemeente_id, lijst in per_gemeente.items():
            adressen = sorted(ontvangers[gemeente_id])
            if not adressen:
                for signalering in lijst:
                    signalering.mail_status = MailStatus.GEEN_ONTVANGERS
                continue
            onderwerp, tekst = _bericht(lijst[0].gemeente, lijst)
            berichten = [EmailMessage(subject=onderwerp, body=tekst, to=[a]) for a in adressen]
            try:
                verstuurd += verbinding.send_messages(berichten) or 0
            except Exception as exc:
                logger.warning(
                    "Verzenden van %d signaleringsmail(s) mislukt (%s); de signaleringen staan "
                    "in de applicatie en het versturen wordt later opnieuw geprobeerd.",
                    len(berichten),
                    type(exc).__name__,
                )
                status, moment, fout = MailStatus.MISLUKT, None, type(exc).__name__[:200]
            else:
                status, moment, fout = MailStatus.VERSTUURD, timezone.now(), ""
            for signalering in lijst:
                signalering.mail_status = status
                signalering.gemaild_op = moment
                signalering.mail_fout = fout
                signalering.mail_pogingen += 1
        Signalering.objects.bulk_update(
            signaleringen, ["mail_status", "gemaild_op", "mail_fout", "mail_pogingen"]
        )
    return verstuurd


def signaleringsmails_opnieuw(*, nu: datetime | None = None) -> int:
    """The periodic retry: mail the running alerts of the last week whose mail failed (fewer
    than ``FINANCIEN_SIGNALERINGSMAIL_POGINGEN`` tries) or never left (still to send ten
    minutes after they were raised). Safe next to itself and to the mails after a commit.
    Returns the number of messages sent."""
    nu = nu or timezone.now()
    ids = list(
        Signalering.objects.filter(
            Q(
                mail_status=MailStatus.MISLUKT,
                mail_pogingen__lt=settings.FINANCIEN_SIGNALERINGSMAIL_POGINGEN,
            )
            | Q(mail_status=MailStatus.TE_VERSTUREN, gesignaleerd_op__lt=nu - NA_COMMIT_WACHTTIJD),
            beeindigd_op__isnull=True,
            gesignaleerd_op__gte=nu - OPNIEUW_BINNEN,
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:DEEL_GROOTTE]
    )
    return _mailen(ids) if ids else 0


def _bericht(gemeente: Gemeente, signaleringen: Sequence[Signalering]) -> tuple[str, str]:
    aantal = len(signaleringen)
    drempels = "drempel" if aantal == 1 else "drempels"
    onderwerp = f"Budgetbewaking {gemeente.naam}: {aantal} {drempels} overschreden"
    regels = "\n".join(f"- {s.omschrijving}" for s in signaleringen)
    tekst = (
        "Beste budgethouder,\n\n"
        f"In de budgetbewaking van gemeente {gemeente.naam} "
        f"{'is' if aantal == 1 else 'zijn'} {aantal} {drempels} overschreden:\n\n"
        f"{regels}\n\n"
        "U vindt de signaleringen met alle cijfers in de applicatie onder Signaleringen "
        "(/api/v1/signaleringen/) en kunt ze daar bevestigen.\n\n"
        "Dit bericht is automatisch verstuurd.\n"
    )
    return onderwerp, tekst


# --- Acknowledging ----------------------------------------------------------------------------


@transaction.atomic
def signalering_bevestigen(
    *, door: Gebruiker | None, signalering: Signalering, toelichting: str = ""
) -> Signalering:
    """Acknowledge an alert (budgethouder or beheerder of its gemeente), with an optional
    note; audited. Once only (``signalering_al_bevestigd``). Acknowledging does not end the
    crossing: that happens when the value drops below the threshold again."""
    _eis_budgetbeheer(door, signalering.gemeente)
    toelichting = (toelichting or "").strip()
    if len(toelichting) > TOELICHTING_MAX:
        raise DomeinFout(
            f"Een toelichting is hoogstens {TOELICHTING_MAX} tekens lang.",
            code="te_lang",
            velden={"toelichting": ["Te lang."]},
        )
    vergrendeld = Signalering.objects.select_for_update().get(pk=signalering.pk)
    if vergrendeld.bevestigd_op is not None:
        raise Conflict(
            "Deze signalering is al bevestigd.",
            code="signalering_al_bevestigd",
            details={"bevestigd_op": vergrendeld.bevestigd_op.isoformat()},
        )
    voor = momentopname(vergrendeld)
    vergrendeld.bevestigd_op = timezone.now()
    vergrendeld.bevestigd_door = door if door is not None and door.pk else None
    vergrendeld.bevestiging_toelichting = toelichting
    vergrendeld.save(update_fields=["bevestigd_op", "bevestigd_door", "bevestiging_toelichting"])
    audit_vastleggen(
        gebruiker=door,
        actie=AuditActie.STATUS,
        obj=vergrendeld,
        voor=voor,
        na=momentopname(vergrendeld),
        toelichting=toelichting,
    )
    return vergrendeld

"""SLA figures per provider and month, from the stored verzoeken, starts and capacity reports
(reports will show them later). Aggregates only: no client appears.

**Answer time on verzoeken (315/317).** Every verzoek received in the month (by its day of
receipt) counts. Its answer time is the number of working days from the day of receipt to
the day of its first answer (the 301, or the 319 "afgewezen" or "in onderzoek": OP274 and
OP346 ask one of those within five working days); the day of receipt does not count, as for
the berichtenbox deadlines. The time to the final decision is shown beside it. The norm is
the contract's SLA norm ``antwoord_verzoek`` (working days) of the provider's running
contracts for the gemeenten in view, the strictest when there are several, else the
standard's five working days.

**Waiting times.** Two views, both in calendar days against the contract's norm
``wachttijd`` (none without a contract norm: the standard sets none):

- *gemeld*: the waiting times the provider reported (capacity reports made in the month);
- *gerealiseerd*: per toewijzing whose care started in the month (its first current 305),
  the days from the later of its ingangsdatum and the day it was issued to the start of care
  (never negative: care that started before the toewijzing was issued did not wait).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Min, Q
from django.utils import timezone

from contracten.constants import CONTRACT_LOPEND, SlaEenheid, SlaSoort
from contracten.models import SlaNorm, Zorgaanbieder
from inkoop.constants import RegiemeldingSoort, ToewijzingStatus
from inkoop.models import Capaciteitsmelding, Regiemelding, Verzoek
from inkoop.selectors.inkooptrajecten import _aanbieder_id
from inkoop.services.verzoeken import ANTWOORDTERMIJN_WERKDAGEN
from kern.exceptions import DomeinFout
from kern.models import Gebruiker
from kern.perioden import laatste_dag_van_maand, werkdagen_tussen
from kern.toegang import is_gemeentegebruiker, ziet_alles

NORM_CONTRACT = "contract"
NORM_STANDAARD = "standaard"

_TIENDE = Decimal("0.1")


def _gemiddeld(waarden: list[int]) -> Decimal | None:
    if not waarden:
        return None
    return (Decimal(sum(waarden)) / len(waarden)).quantize(_TIENDE, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class Antwoordtijden:
    norm_werkdagen: Decimal
    norm_bron: str
    ontvangen: int
    beantwoord: int
    binnen_norm: int
    buiten_norm: int
    #: Not answered yet and already past the norm (on the peildatum).
    open_buiten_norm: int
    gemiddeld_werkdagen: Decimal | None
    maximum_werkdagen: int | None
    #: Working days from receipt to the final decision (toegekend or afgewezen).
    gemiddelde_doorlooptijd_werkdagen: Decimal | None

    @property
    def percentage_binnen_norm(self) -> Decimal | None:
        if not self.beantwoord:
            return None
        return (Decimal(100 * self.binnen_norm) / self.beantwoord).quantize(
            _TIENDE, rounding=ROUND_HALF_UP
        )


@dataclass(frozen=True, slots=True)
class Wachttijden:
    norm_dagen: Decimal | None
    gemeld_aantal: int
    gemeld_gemiddeld: Decimal | None
    gemeld_maximum: int | None
    gemeld_boven_norm: int
    gestart_aantal: int
    gerealiseerd_gemiddeld: Decimal | None
    gerealiseerd_maximum: int | None
    gerealiseerd_boven_norm: int


@dataclass(frozen=True, slots=True)
class SlaRegel:
    zorgaanbieder: Zorgaanbieder
    jaar: int
    maand: int
    antwoordtijden: Antwoordtijden
    wachttijden: Wachttijden


@dataclass(slots=True)
class _Verzameling:
    antwoord: list[int] = field(default_factory=list)
    doorloop: list[int] = field(default_factory=list)
    ontvangen: int = 0
    open_dagen: list[int] = field(default_factory=list)
    gemeld: list[int] = field(default_factory=list)
    gerealiseerd: list[int] = field(default_factory=list)


def _in_dagen(waarde: Decimal, eenheid: str) -> Decimal:
    return waarde * 7 if eenheid == SlaEenheid.WEKEN else waarde


def _gemeente_q(gebruiker: Gebruiker, veld: str) -> Q:
    if ziet_alles(gebruiker) or _aanbieder_id(gebruiker) is not None:
        return Q()
    return Q(**{f"{veld}__in": gebruiker.gemeente_ids()})


def sla_overzicht(
    *,
    gebruiker: Gebruiker,
    jaar: int,
    maand: int,
    zorgaanbieder: Zorgaanbieder | None = None,
    peildatum: date | None = None,
) -> list[SlaRegel]:
    """The SLA figures of ``jaar``/``maand`` per provider with verzoeken, starts or capacity
    reports in that month, within the user's scope (a provider sees only itself), by name.
    Five queries, whatever the number of verzoeken."""
    if not 1 <= maand <= 12 or not 2000 <= jaar <= 2100:
        raise DomeinFout("Geef een geldig jaar en een maand van 1 tot en met 12.", code="periode")
    begin = date(jaar, maand, 1)
    eind = laatste_dag_van_maand(begin)
    dag = peildatum or timezone.localdate()
    eigen = _aanbieder_id(gebruiker)
    if eigen is None and not ziet_alles(gebruiker) and not is_gemeentegebruiker(gebruiker):
        return []
    aanbieder_q = Q()
    if eigen is not None:
        aanbieder_q &= Q(zorgaanbieder_id=eigen)
    if zorgaanbieder is not None:
        aanbieder_q &= Q(zorgaanbieder_id=zorgaanbieder.pk)

    per: dict[int, _Verzameling] = defaultdict(_Verzameling)
    tz = timezone.get_current_timezone()
    for ontvangen, beantwoord, beslist, aanbieder_id in (
        Verzoek.objects.filter(aanbieder_q, _gemeente_q(gebruiker, "gemeente_id"))
        .filter(ontvangen_op__date__gte=begin, ontvangen_op__date__lte=eind)
        .values_list("ontvangen_op", "beantwoord_op", "beslist_op", "zorgaanbieder_id")
    ):
        v = per[aanbieder_id]
        v.ontvangen += 1
        ontvangen_dag = ontvangen.astimezone(tz).date()
        if beantwoord is not None:
            v.antwoord.append(werkdagen_tussen(ontvangen_dag, beantwoord.astimezone(tz).date()))
        else:
            v.open_dagen.append(werkdagen_tussen(ontvangen_dag, dag))
        if beslist is not None:
            v.doorloop.append(werkdagen_tussen(ontvangen_dag, beslist.astimezone(tz).date()))

    for wachttijd, aanbieder_id in (
        Capaciteitsmelding.objects.filter(aanbieder_q, _gemeente_q(gebruiker, "gemeente_id"))
        .filter(
            geldig_vanaf__date__gte=begin,
            geldig_vanaf__date__lte=eind,
            wachttijd_dagen__isnull=False,
        )
        .values_list("wachttijd_dagen", "zorgaanbieder_id")
    ):
        if wachttijd is not None:
            per[aanbieder_id].gemeld.append(wachttijd)

    starts = Regiemelding.objects.filter(
        _gemeente_q(gebruiker, "toewijzing__gemeente_id"),
        soort=RegiemeldingSoort.START,
        verwijderd=False,
    ).exclude(toewijzing__status=ToewijzingStatus.VERWIJDERD)
    if eigen is not None:
        starts = starts.filter(toewijzing__zorgaanbieder_id=eigen)
    if zorgaanbieder is not None:
        starts = starts.filter(toewijzing__zorgaanbieder_id=zorgaanbieder.pk)
    for rij in (
        starts.values(
            "toewijzing_id",
            "toewijzing__ingangsdatum",
            "toewijzing__aangemaakt_op",
            "toewijzing__zorgaanbieder_id",
        )
        .annotate(eerste=Min("begindatum"))
        .filter(eerste__gte=begin, eerste__lte=eind)
    ):
        aanbieder_id = rij["toewijzing__zorgaanbieder_id"]
        vanaf = max(
            rij["toewijzing__ingangsdatum"], rij["toewijzing__aangemaakt_op"].astimezone(tz).date()
        )
        eerste = rij["eerste"]
        per[aanbieder_id].gerealiseerd.append(max(0, (eerste - vanaf).days))

    if not per:
        return []
    normen: dict[tuple[int, str], Decimal] = {}
    for aanbieder_id, soort, waarde, eenheid in (
        SlaNorm.objects.filter(
            _gemeente_q(gebruiker, "contract__gemeenten"),
            contract__zorgaanbieder_id__in=list(per),
            contract__status__in=CONTRACT_LOPEND,
            contract__ingangsdatum__lte=eind,
            soort__in=[SlaSoort.ANTWOORD_VERZOEK, SlaSoort.WACHTTIJD],
        )
        .filter(Q(contract__einddatum__isnull=True) | Q(contract__einddatum__gte=begin))
        .values_list("contract__zorgaanbieder_id", "soort", "waarde", "eenheid")
        .distinct()
    ):
        waarde = _in_dagen(waarde, eenheid) if soort == SlaSoort.WACHTTIJD else waarde
        sleutel = (aanbieder_id, soort)
        normen[sleutel] = min(waarde, normen.get(sleutel, waarde))

    regels: list[SlaRegel] = []
    for aanbieder in Zorgaanbieder.objects.filter(pk__in=list(per)).order_by("naam", "pk"):
        v = per[aanbieder.pk]
        contractnorm = normen.get((aanbieder.pk, SlaSoort.ANTWOORD_VERZOEK))
        antwoordnorm = (
            contractnorm if contractnorm is not None else Decimal(ANTWOORDTERMIJN_WERKDAGEN)
        )
        wachtnorm = normen.get((aanbieder.pk, SlaSoort.WACHTTIJD))
        binnen = sum(1 for d in v.antwoord if d <= antwoordnorm)
        regels.append(
            SlaRegel(
                zorgaanbieder=aanbieder,
                jaar=jaar,
                maand=maand,
                antwoordtijden=Antwoordtijden(
                    norm_werkdagen=antwoordnorm,
                    norm_bron=NORM_CONTRACT if contractnorm is not None else NORM_STANDAARD,
                    ontvangen=v.ontvangen,
                    beantwoord=len(v.antwoord),
                    binnen_norm=binnen,
                    buiten_norm=len(v.antwoord) - binnen,
                    open_buiten_norm=sum(1 for d in v.open_dagen if d > antwoordnorm),
                    gemiddeld_werkdagen=_gemiddeld(v.antwoord),
                    maximum_werkdagen=max(v.antwoord, default=None),
                    gemiddelde_doorlooptijd_werkdagen=_gemiddeld(v.doorloop),
                ),
                wachttijden=Wachttijden(
                    norm_dagen=wachtnorm,
                    gemeld_aantal=len(v.gemeld),
                    gemeld_gemiddeld=_gemiddeld(v.gemeld),
                    gemeld_maximum=max(v.gemeld, default=None),
                    gemeld_boven_norm=(
                        sum(1 for d in v.gemeld if d > wachtnorm) if wachtnorm is not None else 0
                    ),
                    gestart_aantal=len(v.gerealiseerd),
                    gerealiseerd_gemiddeld=_gemiddeld(v.gerealiseerd),
                    gerealiseerd_maximum=max(v.gerealiseerd, default=None),
                    gerealiseerd_boven_norm=(
                        sum(1 for d in v.gerealiseerd if d > wachtnorm)
                        if wachtnorm is not None
                        else 0
                    ),
                ),
            )
        )
    return regels


__all__ = [
    "NORM_CONTRACT",
    "NORM_STANDAARD",
    "Antwoordtijden",
    "SlaRegel",
    "Wachttijden",
    "sla_overzicht",
]

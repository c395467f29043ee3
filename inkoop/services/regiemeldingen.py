"""Start zorg (305) and stop zorg (307): recording them on the toewijzing they name.

The rules across messages (level 3) decide per StartProduct/StopProduct; one fault refuses
the whole message and books nothing (IV028/IV032):

- TR019 (9019): the melding names a toewijzing of this gemeente and wet, of this provider and
  for this client (a removed toewijzing counts as unknown). Without a ToewijzingNummer
  (taakgericht work) there is nothing to link to: accepted, nothing recorded.
- 305, StatusAanlevering 1: not the same start again (TR074, 9074), and no current start on
  the toewijzing, i.e. a start without a stop (TR326, 9326).
- 305, StatusAanlevering 3: an earlier start with that begindatum exists (TR063, 9063) and
  has not been stopped (TR071, 9071); it is marked ``verwijderd``.
- 307, StatusAanlevering 1: a current start with the same begindatum exists (TR382, 9069);
  not the same stop again (TR074, 9074); no earlier definitive stop of that start (TR415,
  9415); no second temporary stop (reden 20, TR413, 9413); not earlier than a stop it
  follows (TR414, 9414).
- 307, StatusAanlevering 3: an earlier stop with that begindatum and einddatum exists (TR063,
  9063); it is marked ``verwijderd``.

The products of one message are applied in order to the state they find (a correction is
often "remove the old start, add the new one" in one message).

The toewijzing then shows the start (the first current start), the stop (when the latest
event is a stop) and, for a definitive stop (reden other than 20) before its einddatum, the
flag ``bijstellen``: the regisseur's list of toewijzingen to adjust. A start or stop never
changes a reservation, a 301 or a payment (OP364).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction

from inkoop.constants import (
    RegiemeldingSoort,
    ToewijzingGebeurtenis,
    ToewijzingStatus,
)
from inkoop.models import Regiemelding, Toewijzing, ToewijzingWijziging
from inkoop.services._basis import opslaan
from inkoop.services._berichten import START, STOP, Beoordeling
from inkoop.services.verzoeken import wet_van, zorgaanbieder_van
from iwmo_jw.codec.modellen import Bericht305, Bericht307
from iwmo_jw.models import InkomendBericht
from kern.audit import audit_vastleggen, momentopname
from kern.constants import AuditActie
from kern.models import Gebruiker

RC_GEEN_TOEWIJZING = "9019"  # TR019
RC_GEEN_EERDER_BERICHT = "9063"  # TR063
RC_GEEN_ACTUELE_START = "9069"  # TR382
RC_ZORG_AL_BEEINDIGD = "9071"  # TR071
RC_SLEUTEL_BESTAAT = "9074"  # TR074
RC_NOG_NIET_GESTOPT = "9326"  # TR326
RC_TWEEDE_TIJDELIJKE_STOP = "9413"  # TR413
RC_EINDDATUM_VOOR_STOP = "9414"  # TR414
RC_AL_GESTOPT = "9415"  # TR415

#: StatusAanlevering (COD467); level 2 lets through only 1 and 3 (CS058).
EERSTE_AANLEVERING = "1"
VERWIJDEREN = "3"
#: RedenBeeindiging 20: Levering is tijdelijk beeindigd (both standards).
TIJDELIJK_BEEINDIGD = "20"

#: Fields of a toewijzing this module writes (and snapshots for its history).
_ZORGVELDEN = ["zorg_begindatum", "zorg_einddatum", "reden_beeindiging", "bijstellen"]


@dataclass(slots=True)
class _Stand:
    """A current (not removed) melding while a message is applied: an existing row, or a
    new one of this message (``rij`` None)."""

    soort: str
    begindatum: date
    einddatum: date | None
    reden: str
    rij: Regiemelding | None


@dataclass(slots=True)
class _Plan:
    nieuw: list[tuple[Toewijzing, _Stand]]
    verwijderd: list[tuple[Toewijzing, Regiemelding]]


def _stop_van(standen: list[_Stand], begindatum: date) -> list[_Stand]:
    return [s for s in standen if s.soort == RegiemeldingSoort.STOP and s.begindatum == begindatum]


def _start_van(standen: list[_Stand], begindatum: date) -> _Stand | None:
    for s in standen:
        if s.soort == RegiemeldingSoort.START and s.begindatum == begindatum:
            return s
    return None


def _weghalen(standen: list[_Stand], stand: _Stand, plan: _Plan, t: Toewijzing) -> None:
    standen.remove(stand)
    if stand.rij is not None:
        plan.verwijderd.append((t, stand.rij))
    else:
        plan.nieuw = [(tw, s) for tw, s in plan.nieuw if s is not stand]


def _start_toepassen(
    b: Beoordeling, i: int, p: Any, t: Toewijzing, standen: list[_Stand], plan: _Plan
) -> None:
    waar = f"StartProduct {i + 1} (toewijzing {t.nummer}, begindatum {p.begindatum:%d-%m-%Y})"
    bestaand = _start_van(standen, p.begindatum)
    if p.status_aanlevering == VERWIJDEREN:
        if bestaand is None:
            b.product_fout(
                START, i, RC_GEEN_EERDER_BERICHT, f"{waar}: er is geen start om te verwijderen."
            )
        elif _stop_van(standen, p.begindatum):
            b.product_fout(
                START,
                i,
                RC_ZORG_AL_BEEINDIGD,
                f"{waar}: de start kan niet weg, de zorg is al gestopt (TR071).",
            )
        else:
            _weghalen(standen, bestaand, plan, t)
        return
    if bestaand is not None:
        b.product_fout(START, i, RC_SLEUTEL_BESTAAT, f"{waar}: deze start is al gemeld (TR074).")
        return
    lopend = [
        s
        for s in standen
        if s.soort == RegiemeldingSoort.START and not _stop_van(standen, s.begindatum)
    ]
    if lopend:
        b.product_fout(
            START,
            i,
            RC_NOG_NIET_GESTOPT,
            f"{waar}: de levering sinds {lopend[0].begindatum:%d-%m-%Y} is nog niet gestopt "
            "(TR326).",
        )
        return
    stand = _Stand(RegiemeldingSoort.START, p.begindatum, None, "", None)
    standen.append(stand)
    plan.nieuw.append((t, stand))


def _stop_toepassen(
    b: Beoordeling, i: int, p: Any, t: Toewijzing, standen: list[_Stand], plan: _Plan
) -> None:
    waar = (
        f"StopProduct {i + 1} (toewijzing {t.nummer}, begindatum {p.begindatum:%d-%m-%Y}, "
        f"einddatum {p.einddatum:%d-%m-%Y})"
    )
    stops = _stop_van(standen, p.begindatum)
    zelfde = [s for s in stops if s.einddatum == p.einddatum]
    if p.status_aanlevering == VERWIJDEREN:
        if not zelfde:
            b.product_fout(
                STOP, i, RC_GEEN_EERDER_BERICHT, f"{waar}: er is geen stop om te verwijderen."
            )
        else:
            _weghalen(standen, zelfde[0], plan, t)
        return
    if _start_van(standen, p.begindatum) is None:
        b.product_fout(
            STOP,
            i,
            RC_GEEN_ACTUELE_START,
            f"{waar}: er is geen start met deze begindatum (TR382).",
        )
        return
    if zelfde:
        b.product_fout(STOP, i, RC_SLEUTEL_BESTAAT, f"{waar}: deze stop is al gemeld (TR074).")
        return
    if any(s.reden != TIJDELIJK_BEEINDIGD for s in stops):
        b.product_fout(
            STOP, i, RC_AL_GESTOPT, f"{waar}: deze levering is al definitief gestopt (TR415)."
        )
        return
    if p.reden_beeindiging == TIJDELIJK_BEEINDIGD and stops:
        b.product_fout(
            STOP,
            i,
            RC_TWEEDE_TIJDELIJKE_STOP,
            f"{waar}: deze levering is al tijdelijk gestopt (TR413).",
        )
        return
    eerder = [s.einddatum for s in stops if s.einddatum is not None and s.einddatum > p.einddatum]
    if eerder:
        b.product_fout(
            STOP,
            i,
            RC_EINDDATUM_VOOR_STOP,
            f"{waar}: de einddatum ligt vóór die van de eerdere stop ({eerder[0]:%d-%m-%Y}, "
            "TR414).",
        )
        return
    stand = _Stand(RegiemeldingSoort.STOP, p.begindatum, p.einddatum, p.reden_beeindiging, None)
    standen.append(stand)
    plan.nieuw.append((t, stand))


def zorgstand(
    toewijzing: Toewijzing, meldingen: list[Regiemelding]
) -> tuple[date | None, date | None, str, bool]:
    """(zorg_begindatum, zorg_einddatum, reden_beeindiging, bijstellen) of a toewijzing from
    its current meldingen: the first start; the stop when the latest event is a stop; and
    whether a definitive stop ends the care before the toewijzing's einddatum."""
    starts = sorted(m.begindatum for m in meldingen if m.soort == RegiemeldingSoort.START)
    gebeurtenissen = sorted(
        (
            (m.einddatum if m.soort == RegiemeldingSoort.STOP else m.begindatum),
            1 if m.soort == RegiemeldingSoort.STOP else 0,
            m.pk or 0,
            m,
        )
        for m in meldingen
    )
    einddatum: date | None = None
    reden = ""
    if gebeurtenissen and gebeurtenissen[-1][3].soort == RegiemeldingSoort.STOP:
        laatste = gebeurtenissen[-1][3]
        einddatum, reden = laatste.einddatum, laatste.reden_beeindiging
    bijstellen = any(
        m.soort == RegiemeldingSoort.STOP
        and m.reden_beeindiging != TIJDELIJK_BEEINDIGD
        and m.einddatum is not None
        and (toewijzing.einddatum is None or m.einddatum < toewijzing.einddatum)
        for m in meldingen
    )
    return (starts[0] if starts else None), einddatum, reden, bijstellen


def _zorgvelden(t: Toewijzing) -> dict[str, Any]:
    """The care fields of a toewijzing, JSON-ready (dates as ISO strings)."""
    return {
        veld: (waarde.isoformat() if isinstance(waarde, date) else waarde)
        for veld, waarde in momentopname(t, velden=_ZORGVELDEN).items()
    }


def _toewijzing_bijwerken(
    t: Toewijzing, *, bericht: InkomendBericht, gebeurtenis: str, toelichting: str
) -> None:
    voor = _zorgvelden(t)
    meldingen = list(Regiemelding.objects.filter(toewijzing=t, verwijderd=False))
    t.zorg_begindatum, t.zorg_einddatum, t.reden_beeindiging, t.bijstellen = zorgstand(t, meldingen)
    na = _zorgvelden(t)
    if na != voor:
        opslaan(t)
    ToewijzingWijziging.objects.create(
        toewijzing=t, gebeurtenis=gebeurtenis, toelichting=toelichting[:255], voor=voor, na=na
    )
    audit_vastleggen(
        gebruiker=None,
        actie=AuditActie.GEWIJZIGD,
        obj=t,
        voor=voor,
        na=na,
        toelichting=f"{bericht.berichtnaam} {bericht.identificatie}: {toelichting}"[:255],
    )


@transaction.atomic
def regiemeldingen_ontvangen(
    *, door: Gebruiker | None = None, bericht: InkomendBericht, melding: Bericht305 | Bericht307
) -> Beoordeling:
    """Check a 305 or 307 that passed level 2 and, when it passes, record its starts or
    stops on the toewijzingen. Returns the outcome per class for the 306 or 308."""
    aanbieder = zorgaanbieder_van(bericht)
    wet = wet_van(bericht)
    is_start = isinstance(melding, Bericht305)
    producten: tuple[Any, ...] = (
        melding.client.start_producten
        if isinstance(melding, Bericht305)
        else melding.client.stop_producten
    )
    groep = START if is_start else STOP
    nummers = sorted({p.toewijzing_nummer for p in producten if p.toewijzing_nummer is not None})
    toewijzingen = {
        t.nummer: t
        for t in Toewijzing.objects.select_for_update(of=("self",))
        .select_related("client")
        .filter(gemeente=bericht.gemeente, wet=wet, nummer__in=nummers)
        .order_by("pk")
    }
    standen: dict[int, list[_Stand]] = {t.pk: [] for t in toewijzingen.values()}
    for rij in Regiemelding.objects.filter(
        toewijzing__in=list(toewijzingen.values()), verwijderd=False
    ).order_by("pk"):
        standen[rij.toewijzing_id].append(
            _Stand(rij.soort, rij.begindatum, rij.einddatum, rij.reden_beeindiging, rij)
        )
    beoordeling = Beoordeling()
    plan = _Plan(nieuw=[], verwijderd=[])
    for i, p in enumerate(producten):
        if p.toewijzing_nummer is None:
            continue  # taakgericht: no toewijzing to link to
        t = toewijzingen.get(p.toewijzing_nummer)
        if (
            t is None
            or t.zorgaanbieder_id != aanbieder.pk
            or t.status == ToewijzingStatus.VERWIJDERD
            or t.client.bsn != melding.client.bsn
        ):
            beoordeling.product_fout(
                groep,
                i,
                RC_GEEN_TOEWIJZING,
                f"{'Start' if is_start else 'Stop'}Product {i + 1}: toewijzing "
                f"{p.toewijzing_nummer} is geen toewijzing van deze cliënt bij deze aanbieder "
                "(TR019).",
            )
            continue
        if is_start:
            _start_toepassen(beoordeling, i, p, t, standen[t.pk], plan)
        else:
            _stop_toepassen(beoordeling, i, p, t, standen[t.pk], plan)
    if beoordeling.afgekeurd:
        return beoordeling
    gewijzigd: dict[int, tuple[Toewijzing, list[str]]] = {}
    for t, rij in plan.verwijderd:
        rij.verwijderd = True
        rij.verwijderd_door = bericht
        opslaan(rij)
        gewijzigd.setdefault(t.pk, (t, []))[1].append(f"{rij} verwijderd")
    for t, stand in plan.nieuw:
        rij = Regiemelding(
            toewijzing=t,
            soort=stand.soort,
            begindatum=stand.begindatum,
            einddatum=stand.einddatum,
            reden_beeindiging=stand.reden,
            bericht=bericht,
        )
        opslaan(rij)
        gewijzigd.setdefault(t.pk, (t, []))[1].append(str(rij))
    for t, wat in gewijzigd.values():
        nieuw_gemeld = any(tw.pk == t.pk for tw, _ in plan.nieuw)
        if not nieuw_gemeld:
            gebeurtenis = ToewijzingGebeurtenis.MELDING_VERWIJDERD
        elif is_start:
            gebeurtenis = ToewijzingGebeurtenis.ZORG_GESTART
        else:
            gebeurtenis = ToewijzingGebeurtenis.ZORG_GESTOPT
        _toewijzing_bijwerken(
            t, bericht=bericht, gebeurtenis=gebeurtenis, toelichting="; ".join(wat)
        )
    return beoordeling

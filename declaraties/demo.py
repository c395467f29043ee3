"""Demo declarations on top of the inkoop demo (:mod:`inkoop.demo`), sent as 323 messages
through the berichtenbox like a provider's software would:

- per provider, gemeente and wet with toewijzingen, a declaration over September 2026
  (received 6 October) and one over October 2026 (received 20 November);
- every line declares what the toewijzing allows that month at the contract tariff, over the
  part of the month the toewijzing runs; products per week, per month or as inspanning
  (uur, dagdeel, etmaal, stuks inspanning); output, euro and minute products and aspecifieke
  toewijzingen are left out;
- in the October declarations a few lines break a rule on purpose, in turn: a volume above
  the toewijzing (9321), a tariff below the contract (0611), a ProductPeriode that stops
  halfway the month (9388); and one provider corrects a September line with a credit and a
  new debit (credits go first);
- before October comes in, Utrecht holds a 2 % sample of its Wmo prestaties for review, so
  the work queue of the demo beoordelaar is not empty.

Everything is derived from the database the inkoop demo left (toewijzingen in pk order,
tariffs, AGB codes), with fixed identifiers and dates, so a second run produces the same bytes
and the berichtenbox recognises each message as already received: nothing new is written.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal

from contracten.constants import Eenheid
from contracten.exceptions import GeenContracttarief, MeerdereContracttarieven
from contracten.models import Product
from contracten.selectors import tarief_op
from declaraties.invoer import bericht323
from declaraties.models import Beoordelingsinstelling, Declaratie
from declaraties.services import beoordelingsinstelling_vastleggen
from inkoop.constants import ToewijzingStatus
from inkoop.models import Toewijzing
from iwmo_jw.codec import serialize
from iwmo_jw.codec.modellen import (
    BedragMetDC,
    Client323,
    GeslotenPeriode,
    Prestatie323,
    Referentie,
)
from iwmo_jw.services import Aanlevering, berichten_ontvangen
from kern.models import Gebruiker, Gemeente

#: (first day, last day, dagtekening, moment received) of the declared months.
MAANDEN = (
    (date(2026, 9, 1), date(2026, 9, 30), date(2026, 10, 5), datetime(2026, 10, 6, 8, tzinfo=UTC)),
    (
        date(2026, 10, 1),
        date(2026, 10, 31),
        date(2026, 11, 18),
        datetime(2026, 11, 20, 8, tzinfo=UTC),
    ),
)
#: Units the demo declares (see the module docstring).
EENHEDEN = {Eenheid.UUR, Eenheid.DAGDEEL, Eenheid.ETMAAL, Eenheid.STUKS_INSPANNING}
#: In the October declarations, message ``m`` breaks a rule on its first line when
#: ``m % FOUT_ELKE == 0``, the rules in turn.
FOUT_ELKE = 4
FOUTEN = ("9321", "0611", "9388")
#: The review setting Utrecht has for its Wmo declarations from October on.
STEEKPROEF = ("0344", "wmo", Decimal(2))


@dataclass
class DeclaratieDemo:
    berichten: int = 0
    nieuw: int = 0
    prestaties: int = 0
    gepland: Counter[str] = field(default_factory=Counter)


@dataclass(frozen=True)
class _Regel:
    toewijzing: Toewijzing
    product: Product
    tarief: Decimal


def _volume(toewijzing: Toewijzing) -> int:
    """A volume the toewijzing allows in any (part of a) month it runs, kept simple: a week's
    volume for a weekly Omvang (every ProductPeriode touches at least one calendar week,
    IV077), the month's volume for a monthly one (IV078), half of it (at least 1) for a
    total."""
    volume = toewijzing.volume or 0
    if toewijzing.frequentie == "6":
        return max(1, volume // 2)
    return volume


def _regels(gemeente: Gemeente, wet: str) -> dict[int, list[_Regel]]:
    """Per provider, the toewijzingen of this gemeente and wet the demo declares, with the
    contract tariff of September (the demo's tariffs run the whole year)."""
    per_aanbieder: dict[int, list[_Regel]] = defaultdict(list)
    tarieven: dict[tuple[int, int], Decimal | None] = {}
    for t in (
        Toewijzing.objects.filter(
            gemeente=gemeente,
            wet=wet,
            status__in=[ToewijzingStatus.ACTIEF, ToewijzingStatus.INGETROKKEN],
            product__isnull=False,
            eenheid__in=EENHEDEN,
            volume__gt=0,
        )
        .select_related("client", "zorgaanbieder", "product__categorie")
        .order_by("pk")
    ):
        product = t.product
        if product is None:  # the filter leaves none out; mypy does not know
            continue
        sleutel = (t.zorgaanbieder_id, product.pk)
        if sleutel not in tarieven:
            try:
                periode = tarief_op(
                    zorgaanbieder=t.zorgaanbieder,
                    gemeente=gemeente,
                    product=product,
                    datum=MAANDEN[0][0],
                )
            except (GeenContracttarief, MeerdereContracttarieven):
                tarieven[sleutel] = None
            else:
                tarieven[sleutel] = periode.bedrag.amount if periode.eenheid == t.eenheid else None
        tarief = tarieven[sleutel]
        if tarief is not None:
            per_aanbieder[t.zorgaanbieder_id].append(_Regel(t, product, tarief))
    return per_aanbieder


def _prestatie(
    regel: _Regel,
    referentie: str,
    begin: date,
    eind: date,
    *,
    volume: int | None = None,
    tarief: Decimal | None = None,
    vorig: str | None = None,
    credit: bool = False,
) -> Prestatie323:
    t = regel.toewijzing
    volume = _volume(t) if volume is None else volume
    tarief = regel.tarief if tarief is None else tarief
    return Prestatie323(
        product_referentie=Referentie(referentie_nummer=referentie, vorig_referentie_nummer=vorig),
        toewijzing_nummer=t.nummer,
        product_categorie=regel.product.categorie.code,
        product_code=regel.product.productcode,
        product_periode=GeslotenPeriode(begindatum=begin, einddatum=eind),
        geleverd_volume=volume,
        eenheid=t.eenheid,
        product_tarief=tarief,
        ingediend_bedrag=BedragMetDC(bedrag=volume * tarief, debet_credit="C" if credit else "D"),
    )


def _binnen(t: Toewijzing, begin: date, eind: date) -> tuple[date, date] | None:
    """The part of the month the toewijzing runs (TR387/TR388), or None."""
    van, tot = max(begin, t.ingangsdatum), min(eind, t.einddatum or eind)
    return (van, tot) if van <= tot else None


def declaraties_demo_opbouwen(*, gemeenten: list[Gemeente]) -> DeclaratieDemo:
    """Send the demo's 323 messages for ``gemeenten`` through the berichtenbox (see the
    module docstring), a month's messages as one delivery (``berichten_ontvangen``). Not in
    one transaction: each message is its own, as in production."""
    resultaat = DeclaratieDemo()
    groepen = [
        (gemeente, wet, aanbieder_id, regels)
        for gemeente in sorted(gemeenten, key=lambda g: g.code)
        for wet in ("wmo", "jw")
        for aanbieder_id, regels in sorted(_regels(gemeente, wet).items())
    ]
    # One provider corrects a September line in October: the first with one that can.
    correctie = True
    for maand, (begin, eind, dagtekening, ontvangen_op) in enumerate(MAANDEN):
        if maand == 1:
            _steekproef_instellen()
        levering: list[Aanlevering] = []
        for m, (gemeente, wet, _aanbieder, regels) in enumerate(groepen):
            clienten: dict[str, list[Prestatie323]] = defaultdict(list)
            fout = FOUTEN[(m // FOUT_ELKE) % len(FOUTEN)] if maand and m % FOUT_ELKE == 0 else ""
            for regel in regels:
                periode = _binnen(regel.toewijzing, begin, eind)
                if periode is None:
                    continue
                van, tot = periode
                bsn = regel.toewijzing.client.bsn
                referentie = f"{gemeente.code}{begin:%y%m}-{regel.toewijzing.nummer}"
                sept = _binnen(regel.toewijzing, *MAANDEN[0][:2])
                if maand == 1 and correctie and not fout and sept is not None:
                    # The September line once more as a credit, then corrected with one less.
                    correctie = False
                    eerder = f"{gemeente.code}{MAANDEN[0][0]:%y%m}-{regel.toewijzing.nummer}"
                    volume = _volume(regel.toewijzing)
                    clienten[bsn] += [
                        _prestatie(regel, f"{eerder}C", *sept, vorig=eerder, credit=True),
                        _prestatie(regel, f"{eerder}N", *sept, volume=max(1, volume - 1)),
                    ]
                    resultaat.gepland["correctie"] += 1
                if fout and not clienten:
                    volume = _volume(regel.toewijzing)
                    if fout == "9321":
                        clienten[bsn].append(
                            _prestatie(regel, referentie, van, tot, volume=volume * 10)
                        )
                    elif fout == "0611":
                        clienten[bsn].append(
                            _prestatie(regel, referentie, van, tot, tarief=regel.tarief - 1)
                        )
                    elif van.day < 15 <= tot.day:  # 9388: stops on the 15th
                        clienten[bsn].append(
                            _prestatie(regel, referentie, van, tot.replace(day=15))
                        )
                    else:
                        clienten[bsn].append(_prestatie(regel, referentie, van, tot))
                        continue
                    resultaat.gepland[fout] += 1
                    continue
                clienten[bsn].append(_prestatie(regel, referentie, van, tot))
            if not clienten:
                continue
            aanbieder = regels[0].toewijzing.zorgaanbieder
            model = bericht323(
                wet=wet,
                agb_code=aanbieder.agb_code,
                gemeentecode=gemeente.code,
                identificatie=f"DEMO{begin:%y%m}{m:04d}",
                declaratienummer=f"D{begin:%y%m}{m:04d}",
                periode_begin=begin,
                periode_eind=eind,
                dagtekening=dagtekening,
                clienten=tuple(
                    Client323(bsn=bsn, prestaties=tuple(ps)) for bsn, ps in clienten.items()
                ),
            )
            levering.append(
                Aanlevering(
                    data=serialize(model),
                    bestandsnaam=f"demo-{wet}-{gemeente.code}-{aanbieder.agb_code}-{begin:%Y%m}.xml",
                    ontvangen_op=ontvangen_op,
                )
            )
            resultaat.prestaties += sum(len(ps) for ps in clienten.values())
        for ontvangst in berichten_ontvangen(berichten=levering):
            if isinstance(ontvangst, OSError):  # bytes in memory: never
                raise ontvangst
            resultaat.berichten += 1
            resultaat.nieuw += ontvangst.nieuw
    return resultaat


def _steekproef_instellen() -> None:
    """Utrecht's review sample for its Wmo declarations, set by the demo beheerder (once)."""
    code, wet, percentage = STEEKPROEF
    gemeente = Gemeente.objects.filter(code=code).first()
    beheerder = Gebruiker.objects.filter(username="demo_beheerder").first()
    if gemeente is None or beheerder is None:
        return
    if Beoordelingsinstelling.objects.filter(gemeente=gemeente, wet=wet).exists():
        return
    beoordelingsinstelling_vastleggen(
        door=beheerder, gemeente=gemeente, wet=wet, steekproef_percentage=percentage
    )


def demo_tellingen() -> dict[str, int]:
    """Totals for the command's summary."""
    return {
        "declaraties": Declaratie.objects.count(),
        "in beoordeling": Declaratie.objects.filter(status="in_beoordeling").count(),
    }

"""Loading the :class:`~declaraties.regels.DeclaratieContext` of one 323 from the database,
in a fixed number of queries whatever the number of prestaties (pinned by a test).

The queries, per message:

1. the toewijzingen of this provider at this gemeente in this wet for the BSNs of the message
   (all of them, ended and removed ones too), with client BSN, product and category codes,
   locked in primary-key order (the caller holds the provider's lock; see
   ``declaraties.services.intake._verwerken``);
2. what was approved on those toewijzingen before, aggregated per toewijzing, month, eenheid
   and debit/credit (one ``GROUP BY``);
3. the approved debits the credits of the message refer to;
4. the keys of the approved, not credited debits on those toewijzingen (TR389);
5. which ReferentieNummers of the message this provider used before (TR314);
6. in one query of three index look-ups: whether the BerichtIdentificatie (TR056) or the
   DeclaratieNummer (TR333) was used before, and the latest DeclaratiePeriode (TR318);
7. the Ontvanger among the CBS gemeentecodes; 8. the message's products in the wet's list;
   9. the provider's contract tariffs for this gemeente; 10. the rules the gemeente switched
   off.

Only declarations that count as sent (``Declaratie.geteld``) take part in 5 and 6, except
for the BerichtIdentificatie, which no earlier declaration of the provider may have had.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import DateField, Exists, QuerySet, Subquery, Sum
from django.db.models.functions import Cast, TruncMonth

from contracten.constants import CONTRACT_LOPEND
from contracten.models import Product, Tariefperiode, Zorgaanbieder
from declaraties.constants import DebetCredit, PrestatieStatus
from declaraties.models import Declaratie, Prestatie, RegelInstelling
from declaraties.regels import (
    DeclaratieContext,
    EerdereDebet,
    Omvang,
    Tarief,
    Toewijzing,
    VerbruikRij,
)
from inkoop.models import Toewijzing as ToewijzingModel
from iwmo_jw.codec.modellen import Bericht323
from kern.models import Gemeente
from kern.vaste_query import VasteQuery

#: Statuses of a prestatie that was approved (whatever happened to it afterwards).
GOEDGEKEURD = (
    PrestatieStatus.TOEGEKEND,
    PrestatieStatus.IN_BETAALBATCH,
    PrestatieStatus.BETAALD,
    PrestatieStatus.GECREDITEERD,
)
#: Approved and not credited.
OPEN_GOEDGEKEURD = (
    PrestatieStatus.TOEGEKEND,
    PrestatieStatus.IN_BETAALBATCH,
    PrestatieStatus.BETAALD,
)


@dataclass(frozen=True, slots=True)
class ToewijzingRij:
    """What the pipeline needs of a toewijzing beyond the rules: its row and its reservation
    source (financien books against ``uuid``)."""

    pk: int
    uuid: str
    productcategorie_id: int | None
    product_id: int | None


@dataclass(frozen=True, slots=True)
class Geladen:
    context: DeclaratieContext
    toewijzingen: dict[int, ToewijzingRij]


# The queries, built once per process (kern.vaste_query: a message's context spent more time
# in Django building and compiling these twelve statements than PostgreSQL spent answering).

#: Read and locked in one statement: the lock had been a query of its own, as costly as this.
_TOEWIJZINGEN = VasteQuery(
    lambda gemeente_id, wet, zorgaanbieder_id, bsns: (
        ToewijzingModel.objects.select_for_update(of=("self",))
        .filter(
            gemeente_id=gemeente_id,
            wet=wet,
            zorgaanbieder_id=zorgaanbieder_id,
            # A toewijzing's client is of its gemeente (toewijzing_verstrekken takes the
            # gemeente from the client). Said here too, the BSNs are found through the
            # client's unique index (gemeente, bsn), not by a scan of the region's clients.
            client__gemeente_id=gemeente_id,
            client__bsn__any=bsns,
        )
        .order_by("pk")
        .values(
            "pk",
            "uuid",
            "nummer",
            "client__bsn",
            "ingangsdatum",
            "einddatum",
            "productcategorie_id",
            "productcategorie__code",
            "product_id",
            "product__productcode",
            "product__uitvoeringsvariant",
            "volume",
            "eenheid",
            "frequentie",
            "budget_bedrag",
            "reden_wijziging",
            "status",
        )
    )
)
_VERBRUIK = VasteQuery(
    lambda toewijzingen: (
        Prestatie.objects.filter(toewijzing_id__any=toewijzingen, status__in=GOEDGEKEURD)
        # As a date: PostgreSQL's DATE_TRUNC of a date is a timestamptz, which Django reads
        # through its own (Python) loader, a row per toewijzing and month.
        .annotate(maand=Cast(TruncMonth("periode_begin"), DateField()))
        .values("toewijzingnummer", "maand", "eenheid", "debet_credit")
        .annotate(volume=Sum("geleverd_volume"), bedrag=Sum("ingediend_bedrag"))
        .order_by()
    )
)


def debetten_met_referentie(
    zorgaanbieder_id: int, wet: str, referenties: Any, statussen: Sequence[str]
) -> QuerySet[Prestatie]:
    """The provider's debits in ``wet`` with one of these ReferentieNummers and one of these
    statuses (what credits refer to: here for the rules, in the intake to undo them)."""
    return Prestatie.objects.filter(
        zorgaanbieder_id=zorgaanbieder_id,
        declaratie__wet=wet,
        referentienummer__any=referenties,
        debet_credit=DebetCredit.DEBET,
        status__in=statussen,
    )


_DEBETTEN = VasteQuery(
    lambda zorgaanbieder_id, wet, referenties: debetten_met_referentie(
        zorgaanbieder_id, wet, referenties, GOEDGEKEURD
    ).values(
        "referentienummer",
        "bsn",
        "toewijzingnummer",
        "productcategorie",
        "productcode",
        "periode_begin",
        "periode_eind",
        "geleverd_volume",
        "eenheid",
        "ingediend_bedrag",
        "status",
    )
)
_OPEN_DEBETTEN = VasteQuery(
    lambda toewijzingen: Prestatie.objects.filter(
        toewijzing_id__any=toewijzingen,
        debet_credit=DebetCredit.DEBET,
        status__in=OPEN_GOEDGEKEURD,
    ).values_list(
        "toewijzingnummer", "periode_begin", "periode_eind", "productcategorie", "productcode"
    )
)
_BEKENDE_REFERENTIES = VasteQuery(
    lambda zorgaanbieder_id, wet, referenties: Prestatie.objects.filter(
        zorgaanbieder_id=zorgaanbieder_id,
        declaratie__wet=wet,
        declaratie__geteld=True,
        referentienummer__any=referenties,
    ).values_list("referentienummer", flat=True)
)
#: What this provider declared before that the message's header and declaration are checked
#: against, in one query of three index look-ups: whether the BerichtIdentificatie is known
#: (TR056), whether the DeclaratieNummer is (TR333), and the latest period declared to this
#: gemeente under this law (TR318).
_EERDERE_DECLARATIES = VasteQuery(
    lambda zorgaanbieder_id, wet, gemeente_id, identificatie, nummer: (
        Zorgaanbieder.objects.filter(pk=zorgaanbieder_id)
        .annotate(
            identificatie_bekend=Exists(
                Declaratie.objects.filter(
                    zorgaanbieder_id=zorgaanbieder_id, berichtidentificatie=identificatie
                )
            ),
            nummer_bekend=Exists(
                Declaratie.objects.filter(
                    zorgaanbieder_id=zorgaanbieder_id,
                    wet=wet,
                    geteld=True,
                    declaratienummer=nummer,
                )
            ),
            vorige_periode=Subquery(
                Declaratie.objects.filter(
                    zorgaanbieder_id=zorgaanbieder_id, wet=wet, geteld=True, gemeente_id=gemeente_id
                )
                .order_by("-periode_begin")
                .values("periode_begin")[:1]
            ),
        )
        .values_list("identificatie_bekend", "nummer_bekend", "vorige_periode")
    )
)
# Only what the message names: the CBS list and the catalogue are long, a message holds one
# Ontvanger and a handful of products.
_GEMEENTECODES = VasteQuery(
    lambda code: Gemeente.objects.filter(code=code).values_list("code", flat=True)
)
_PRODUCTEN = VasteQuery(
    lambda wet, codes: Product.objects.filter(
        categorie__wet=wet, productcode__any=codes
    ).values_list("categorie__code", "productcode")
)
_TARIEVEN = VasteQuery(
    lambda zorgaanbieder_id, gemeente_id, wet: Tariefperiode.objects.filter(
        is_vervangen=False,
        contract__zorgaanbieder_id=zorgaanbieder_id,
        contract__gemeenten=gemeente_id,
        contract__status__in=CONTRACT_LOPEND,
        product__categorie__wet=wet,
    ).values(
        "product__categorie__code",
        "product__productcode",
        "eenheid",
        "bedrag",
        "ingangsdatum",
        "einddatum",
        "contract__einddatum",
    )
)
_UITGESCHAKELD = VasteQuery(
    lambda gemeente_id, wet: RegelInstelling.objects.filter(
        gemeente_id=gemeente_id, wet=wet, uitgeschakeld=True
    ).values_list("regel", flat=True)
)


def context_laden(
    *,
    bericht: Bericht323,
    gemeente: Gemeente,
    zorgaanbieder: Zorgaanbieder,
    wet: str,
    ontvangstdatum: date,
) -> Geladen:
    """Load everything the rules need for ``bericht`` (see the module docstring), locking the
    message's toewijzingen; inside a transaction."""
    decl = bericht.declaratie
    bsns = {c.bsn for c in decl.clienten}
    referenties = {
        p.product_referentie.referentie_nummer for c in decl.clienten for p in c.prestaties
    }
    vorige = {
        p.product_referentie.vorig_referentie_nummer
        for c in decl.clienten
        for p in c.prestaties
        if p.product_referentie.vorig_referentie_nummer
    }

    # 1. Toewijzingen.
    rijen = _TOEWIJZINGEN(
        gemeente_id=gemeente.pk, wet=wet, zorgaanbieder_id=zorgaanbieder.pk, bsns=bsns
    )
    toewijzingen = [
        Toewijzing(
            toewijzing_nummer=r["nummer"],
            bsn=r["client__bsn"],
            ingangsdatum=r["ingangsdatum"],
            einddatum=r["einddatum"],
            product_categorie=r["productcategorie__code"],
            product_code=r["product__productcode"],
            omvang=Omvang(r["volume"], r["eenheid"], r["frequentie"])
            if r["volume"] is not None
            else None,
            budget=r["budget_bedrag"],
            reden_wijziging=r["reden_wijziging"] or None,
            status=r["status"],
            uitvoeringsvariant=r["product__uitvoeringsvariant"] or None,
        )
        for r in rijen
    ]
    toewijzing_pks = [r["pk"] for r in rijen]

    # 2. Earlier approved use, aggregated.
    verbruik = [
        VerbruikRij(
            toewijzing_nummer=r["toewijzingnummer"],
            maand=r["maand"],
            eenheid=r["eenheid"],
            debet_credit=r["debet_credit"],
            volume=r["volume"] or 0,
            bedrag=r["bedrag"] or Decimal(0),
        )
        for r in _VERBRUIK(toewijzingen=toewijzing_pks)
    ]

    # 3. The debits the credits refer to.
    debetten = [
        EerdereDebet(
            referentie_nummer=r["referentienummer"],
            bsn=r["bsn"],
            toewijzing_nummer=r["toewijzingnummer"],
            product_categorie=r["productcategorie"],
            product_code=r["productcode"],
            begindatum=r["periode_begin"],
            einddatum=r["periode_eind"],
            geleverd_volume=r["geleverd_volume"],
            eenheid=r["eenheid"],
            bedrag=r["ingediend_bedrag"],
            gecrediteerd=r["status"] == PrestatieStatus.GECREDITEERD,
        )
        for r in (
            _DEBETTEN(zorgaanbieder_id=zorgaanbieder.pk, wet=wet, referenties=vorige)
            if vorige
            else []
        )
    ]

    # 4. Keys of open approved debits (TR389).
    open_debetten = _OPEN_DEBETTEN(toewijzingen=toewijzing_pks)

    # 5-6. Earlier declarations of this provider.
    bekende_referenties = set(
        _BEKENDE_REFERENTIES(zorgaanbieder_id=zorgaanbieder.pk, wet=wet, referenties=referenties)
    )
    eerder = _EERDERE_DECLARATIES.eerste(
        zorgaanbieder_id=zorgaanbieder.pk,
        wet=wet,
        gemeente_id=gemeente.pk,
        identificatie=bericht.header.identificatie,
        nummer=decl.declaratie_nummer,
    )
    identificatie_bekend, nummer_bekend, vorige_periode = eerder or (False, False, None)
    bekende_identificaties = {bericht.header.identificatie} if identificatie_bekend else set()
    bekende_nummers = {decl.declaratie_nummer} if nummer_bekend else set()

    # 7-10. Reference data and the provider's tariffs.
    # The receiving gemeente is a row of the CBS list itself: asked only for another code.
    gemeentecodes = (
        [gemeente.code]
        if bericht.header.ontvanger == gemeente.code
        else _GEMEENTECODES(code=bericht.header.ontvanger)
    )
    producten = _PRODUCTEN(
        wet=wet, codes={p.product_code for c in decl.clienten for p in c.prestaties}
    )
    tarieven = [
        Tarief(
            product_categorie=r["product__categorie__code"],
            product_code=r["product__productcode"],
            eenheid=r["eenheid"],
            bedrag=r["bedrag"],
            ingangsdatum=r["ingangsdatum"],
            einddatum=_vroegste(r["einddatum"], r["contract__einddatum"]),
        )
        for r in _TARIEVEN(zorgaanbieder_id=zorgaanbieder.pk, gemeente_id=gemeente.pk, wet=wet)
    ]
    uitgeschakeld = _UITGESCHAKELD(gemeente_id=gemeente.pk, wet=wet)

    context = DeclaratieContext.maak(
        ontvangstdatum=ontvangstdatum,
        toewijzingen=toewijzingen,
        verbruik=verbruik,
        debetten=debetten,
        open_debetten=open_debetten,
        bekende_referenties=bekende_referenties,
        bekende_berichtidentificaties=bekende_identificaties,
        bekende_declaratienummers=bekende_nummers,
        vorige_declaratieperiode=vorige_periode,
        gemeentecodes=gemeentecodes,
        producten=producten,
        tarieven=tarieven,
        uitgeschakeld=uitgeschakeld,
    )
    return Geladen(
        context=context,
        toewijzingen={
            r["nummer"]: ToewijzingRij(
                pk=r["pk"],
                uuid=str(r["uuid"]),
                productcategorie_id=r["productcategorie_id"],
                product_id=r["product_id"],
            )
            for r in rijen
        },
    )


def _vroegste(a: date | None, b: date | None) -> date | None:
    if a is None:
        return b
    if b is None:
        return a
    return min(a, b)

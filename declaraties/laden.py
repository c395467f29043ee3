"""Loading the :class:`~declaraties.regels.DeclaratieContext` of 323s from the database: of one
message (:func:`context_laden`) or of a batch of them together (:func:`contexten_laden`), in
a fixed number of queries whatever the number of messages and prestaties (pinned by tests).

The queries, for all messages together (each row is given to the messages it belongs to):

1. the toewijzingen of the messages' providers at their gemeenten in their wet for the BSNs
   of the messages (all of them, ended and removed ones too), with client BSN, product and
   category codes, locked in primary-key order (the caller holds the providers' locks; see
   ``declaraties.services.intake``);
2. what was approved on those toewijzingen before, summed per toewijzing, month, eenheid and
   debit/credit, and the keys of the open approved debits among it (TR389): one scan;
3. the approved debits the credits of the messages refer to;
4. which ReferentieNummers of the messages their provider used before (TR314);
5. whether a BerichtIdentificatie (TR056) or a DeclaratieNummer (TR333) was used before, and
   the latest DeclaratiePeriode per provider, wet and gemeente (TR318): three index look-ups;
6. an Ontvanger among the CBS gemeentecodes (only when it is not the receiving gemeente's own
   code); 7. the messages' products in their wet's list; 8. the providers' contract tariffs
   for their gemeenten; 9. the rules the gemeenten switched off.

Only declarations that count as sent (``Declaratie.geteld``) take part in 4 and 5, except
for the BerichtIdentificatie, which no earlier declaration of the provider may have had.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Max, QuerySet

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
# in Django building and compiling these statements than PostgreSQL spent answering). Each
# asks for the union of what the messages of a batch need; the rows name what they belong to
# (provider, gemeente, wet, toewijzing), so each message gets its own.

#: Read and locked in one statement: the lock had been a query of its own, as costly as this.
_TOEWIJZINGEN = VasteQuery(
    lambda gemeenten, wetten, zorgaanbieders, bsns: (
        ToewijzingModel.objects.select_for_update(of=("self",))
        .filter(
            gemeente_id__any=gemeenten,
            wet__any=wetten,
            zorgaanbieder_id__any=zorgaanbieders,
            # A toewijzing's client is of its gemeente (toewijzing_verstrekken takes the
            # gemeente from the client). Said here too, the BSNs are found through the
            # client's unique index (gemeente, bsn), not by a scan of the region's clients.
            client__gemeente_id__any=gemeenten,
            client__bsn__any=bsns,
        )
        .order_by("pk")
        .values(
            "pk",
            "uuid",
            "nummer",
            "gemeente_id",
            "wet",
            "zorgaanbieder_id",
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
#: The approved prestaties on the messages' toewijzingen, one row each: summed per
#: toewijzing, month, eenheid and DebetCredit for the limits (TR321/TR322/TR369), and the open
#: debits among them by key (TR389). One scan of the prestaties instead of two.
_GOEDGEKEURD = VasteQuery(
    lambda toewijzingen: Prestatie.objects.filter(
        toewijzing_id__any=toewijzingen, status__in=GOEDGEKEURD
    ).values_list(
        "toewijzing_id",
        "toewijzingnummer",
        "periode_begin",
        "periode_eind",
        "productcategorie",
        "productcode",
        "eenheid",
        "debet_credit",
        "status",
        "geleverd_volume",
        "ingediend_bedrag",
    )
)


def debetten_met_referenties(
    zorgaanbieders: Any, wetten: Any, referenties: Any, statussen: Sequence[str]
) -> QuerySet[Prestatie]:
    """The debits with these ReferentieNummers of these providers in these wets, in one of
    ``statussen``: what credits refer to (the rules' context here; the booking of the credits
    in :mod:`declaraties.services.intake`)."""
    return Prestatie.objects.filter(
        zorgaanbieder_id__any=zorgaanbieders,
        declaratie__wet__any=wetten,
        referentienummer__any=referenties,
        debet_credit=DebetCredit.DEBET,
        status__in=statussen,
    )


_DEBETTEN = VasteQuery(
    lambda zorgaanbieders, wetten, referenties: debetten_met_referenties(
        zorgaanbieders, wetten, referenties, GOEDGEKEURD
    ).values(
        "zorgaanbieder_id",
        "declaratie__wet",
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
_BEKENDE_REFERENTIES = VasteQuery(
    lambda zorgaanbieders, wetten, referenties: Prestatie.objects.filter(
        zorgaanbieder_id__any=zorgaanbieders,
        declaratie__wet__any=wetten,
        declaratie__geteld=True,
        referentienummer__any=referenties,
    ).values_list("zorgaanbieder_id", "declaratie__wet", "referentienummer")
)
#: What the providers declared before that the messages' headers and declarations are checked
#: against: BerichtIdentificaties used before (TR056), DeclaratieNummers (TR333), and the
#: latest period declared to a gemeente under a law (TR318).
_BEKENDE_IDENTIFICATIES = VasteQuery(
    lambda zorgaanbieders, identificaties: Declaratie.objects.filter(
        zorgaanbieder_id__any=zorgaanbieders, berichtidentificatie__any=identificaties
    ).values_list("zorgaanbieder_id", "berichtidentificatie")
)
_BEKENDE_NUMMERS = VasteQuery(
    lambda zorgaanbieders, wetten, nummers: Declaratie.objects.filter(
        zorgaanbieder_id__any=zorgaanbieders,
        wet__any=wetten,
        geteld=True,
        declaratienummer__any=nummers,
    ).values_list("zorgaanbieder_id", "wet", "declaratienummer")
)
_VORIGE_PERIODEN = VasteQuery(
    lambda zorgaanbieders, wetten, gemeenten: (
        Declaratie.objects.filter(
            zorgaanbieder_id__any=zorgaanbieders,
            wet__any=wetten,
            geteld=True,
            gemeente_id__any=gemeenten,
        )
        .values("zorgaanbieder_id", "wet", "gemeente_id")
        .annotate(laatste=Max("periode_begin"))
        .values_list("zorgaanbieder_id", "wet", "gemeente_id", "laatste")
        .order_by()
    )
)
# Only what the messages name: the CBS list and the catalogue are long, a message holds one
# Ontvanger and a handful of products.
_GEMEENTECODES = VasteQuery(
    lambda code: Gemeente.objects.filter(code=code).values_list("code", flat=True)
)
_PRODUCTEN = VasteQuery(
    lambda wetten, codes: Product.objects.filter(
        categorie__wet__any=wetten, productcode__any=codes
    ).values_list("categorie__wet", "categorie__code", "productcode")
)
#: The join on the contract's gemeenten is the one filtered on, so each row names the
#: gemeente it was found for (a contract for two gemeenten gives its tariffs twice).
_TARIEVEN = VasteQuery(
    lambda zorgaanbieders, gemeenten, wetten: Tariefperiode.objects.filter(
        is_vervangen=False,
        contract__zorgaanbieder_id__any=zorgaanbieders,
        contract__gemeenten__id__any=gemeenten,
        contract__status__in=CONTRACT_LOPEND,
        product__categorie__wet__any=wetten,
    ).values(
        "contract__zorgaanbieder_id",
        "contract__gemeenten__id",
        "product__categorie__wet",
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
    lambda gemeenten, wetten: RegelInstelling.objects.filter(
        gemeente_id__any=gemeenten, wet__any=wetten, uitgeschakeld=True
    ).values_list("gemeente_id", "wet", "regel")
)


@dataclass(frozen=True, slots=True)
class Contextverzoek:
    """One message whose context :func:`contexten_laden` loads."""

    bericht: Bericht323
    gemeente: Gemeente
    zorgaanbieder: Zorgaanbieder
    wet: str
    ontvangstdatum: date


def context_laden(
    *,
    bericht: Bericht323,
    gemeente: Gemeente,
    zorgaanbieder: Zorgaanbieder,
    wet: str,
    ontvangstdatum: date,
) -> Geladen:
    """Load everything the rules need for ``bericht`` (see the module docstring), locking the
    message's toewijzingen; inside a transaction. A batch of one of :func:`contexten_laden`."""
    (geladen,) = contexten_laden(
        [
            Contextverzoek(
                bericht=bericht,
                gemeente=gemeente,
                zorgaanbieder=zorgaanbieder,
                wet=wet,
                ontvangstdatum=ontvangstdatum,
            )
        ]
    )
    return geladen


@dataclass(slots=True)
class _Bericht:
    """What one message asks for, and the rows it gets."""

    verzoek: Contextverzoek
    bsns: set[str]
    referenties: set[str]
    vorige: set[str]
    codes: set[str]
    toewijzingen: list[dict[str, Any]] = field(default_factory=list)

    @property
    def sleutel(self) -> tuple[int, str, int]:
        """(gemeente, wet, provider): the toewijzingen and tariffs that are this message's."""
        v = self.verzoek
        return v.gemeente.pk, v.wet, v.zorgaanbieder.pk


def contexten_laden(verzoeken: Sequence[Contextverzoek]) -> list[Geladen]:
    """Load the contexts of many messages (see the module docstring) in one set of queries,
    locking their toewijzingen; inside a transaction, holding the providers' locks. Returns
    per message, in order, what :func:`context_laden` would return for it alone."""
    if not verzoeken:
        return []
    berichten: list[_Bericht] = []
    for v in verzoeken:
        decl = v.bericht.declaratie
        prestaties = [p for c in decl.clienten for p in c.prestaties]
        berichten.append(
            _Bericht(
                verzoek=v,
                bsns={c.bsn for c in decl.clienten},
                referenties={p.product_referentie.referentie_nummer for p in prestaties},
                vorige={
                    p.product_referentie.vorig_referentie_nummer
                    for p in prestaties
                    if p.product_referentie.vorig_referentie_nummer
                },
                codes={p.product_code for p in prestaties},
            )
        )
    zorgaanbieders = sorted({b.verzoek.zorgaanbieder.pk for b in berichten})
    gemeenten = sorted({b.verzoek.gemeente.pk for b in berichten})
    wetten = sorted({b.verzoek.wet for b in berichten})

    # 1. Toewijzingen: each row to the message of its gemeente, wet, provider and BSN.
    per_sleutel: dict[tuple[int, str, int], list[_Bericht]] = {}
    for b in berichten:
        per_sleutel.setdefault(b.sleutel, []).append(b)
    toewijzing_van: dict[int, _Bericht] = {}
    for r in _TOEWIJZINGEN(
        gemeenten=gemeenten,
        wetten=wetten,
        zorgaanbieders=zorgaanbieders,
        bsns=sorted({bsn for b in berichten for bsn in b.bsns}),
    ):
        for b in per_sleutel.get((r["gemeente_id"], r["wet"], r["zorgaanbieder_id"]), ()):
            if r["client__bsn"] in b.bsns:
                b.toewijzingen.append(r)
                toewijzing_van[r["pk"]] = b
    toewijzing_pks = sorted(toewijzing_van)

    # 2. Earlier approved use, summed, and the keys of open approved debits (TR389).
    opgeteld: dict[int, dict[tuple[int, date, str, str], list[Any]]] = {}
    open_debetten: dict[int, list[tuple[Any, ...]]] = {}
    if toewijzing_pks:
        for (
            toewijzing_id,
            nummer,
            begin,
            eind,
            categorie,
            code,
            eenheid,
            debet_credit,
            status,
            volume,
            bedrag,
        ) in _GOEDGEKEURD(toewijzingen=toewijzing_pks):
            van = id(toewijzing_van[toewijzing_id])
            som = opgeteld.setdefault(van, {}).setdefault(
                (nummer, begin.replace(day=1), eenheid, debet_credit), [0, Decimal(0)]
            )
            som[0] += volume
            som[1] += bedrag
            if debet_credit == DebetCredit.DEBET and status in OPEN_GOEDGEKEURD:
                open_debetten.setdefault(van, []).append((nummer, begin, eind, categorie, code))
    verbruik = {
        van: [
            VerbruikRij(
                toewijzing_nummer=nummer,
                maand=maand,
                eenheid=eenheid,
                debet_credit=debet_credit,
                volume=volume,
                bedrag=bedrag,
            )
            for (nummer, maand, eenheid, debet_credit), (volume, bedrag) in sommen.items()
        ]
        for van, sommen in opgeteld.items()
    }

    # 3. The debits the credits refer to.
    debetten: dict[int, list[EerdereDebet]] = {}
    alle_vorige = sorted({r for b in berichten for r in b.vorige})
    if alle_vorige:
        per_aanbieder: dict[tuple[int, str], list[_Bericht]] = {}
        for b in berichten:
            per_aanbieder.setdefault((b.verzoek.zorgaanbieder.pk, b.verzoek.wet), []).append(b)
        for r in _DEBETTEN(zorgaanbieders=zorgaanbieders, wetten=wetten, referenties=alle_vorige):
            for b in per_aanbieder.get((r["zorgaanbieder_id"], r["declaratie__wet"]), ()):
                if r["referentienummer"] in b.vorige:
                    debetten.setdefault(id(b), []).append(
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
                    )

    # 4-5. Earlier declarations of the providers.
    bekende_referenties = set(
        _BEKENDE_REFERENTIES(
            zorgaanbieders=zorgaanbieders,
            wetten=wetten,
            referenties=sorted({r for b in berichten for r in b.referenties}),
        )
    )
    bekende_identificaties = set(
        _BEKENDE_IDENTIFICATIES(
            zorgaanbieders=zorgaanbieders,
            identificaties=sorted({b.verzoek.bericht.header.identificatie for b in berichten}),
        )
    )
    bekende_nummers = set(
        _BEKENDE_NUMMERS(
            zorgaanbieders=zorgaanbieders,
            wetten=wetten,
            nummers=sorted({b.verzoek.bericht.declaratie.declaratie_nummer for b in berichten}),
        )
    )
    vorige_perioden = {
        (z, w, g): laatste
        for z, w, g, laatste in _VORIGE_PERIODEN(
            zorgaanbieders=zorgaanbieders, wetten=wetten, gemeenten=gemeenten
        )
    }

    # 7-9. Reference data and the providers' tariffs.
    producten = set(
        _PRODUCTEN(wetten=wetten, codes=sorted({c for b in berichten for c in b.codes}))
    )
    tarieven: dict[tuple[int, str, int], list[Tarief]] = {}
    for r in _TARIEVEN(zorgaanbieders=zorgaanbieders, gemeenten=gemeenten, wetten=wetten):
        tarieven.setdefault(
            (
                r["contract__gemeenten__id"],
                r["product__categorie__wet"],
                r["contract__zorgaanbieder_id"],
            ),
            [],
        ).append(
            Tarief(
                product_categorie=r["product__categorie__code"],
                product_code=r["product__productcode"],
                eenheid=r["eenheid"],
                bedrag=r["bedrag"],
                ingangsdatum=r["ingangsdatum"],
                einddatum=_vroegste(r["einddatum"], r["contract__einddatum"]),
            )
        )
    uitgeschakeld: dict[tuple[int, str], list[str]] = {}
    for g, w, regel in _UITGESCHAKELD(gemeenten=gemeenten, wetten=wetten):
        uitgeschakeld.setdefault((g, w), []).append(regel)

    geladen = []
    for b in berichten:
        v = b.verzoek
        z, g, w = v.zorgaanbieder.pk, v.gemeente.pk, v.wet
        identificatie = v.bericht.header.identificatie
        nummer = v.bericht.declaratie.declaratie_nummer
        # 6. The receiving gemeente is a row of the CBS list itself: asked only for another
        # code.
        gemeentecodes = (
            [v.gemeente.code]
            if v.bericht.header.ontvanger == v.gemeente.code
            else _GEMEENTECODES(code=v.bericht.header.ontvanger)
        )
        context = DeclaratieContext.maak(
            ontvangstdatum=v.ontvangstdatum,
            toewijzingen=[_toewijzing(r) for r in b.toewijzingen],
            verbruik=verbruik.get(id(b), ()),
            debetten=debetten.get(id(b), ()),
            open_debetten=open_debetten.get(id(b), ()),
            bekende_referenties={
                r for zz, ww, r in bekende_referenties if (zz, ww) == (z, w) and r in b.referenties
            },
            bekende_berichtidentificaties={identificatie}
            if (z, identificatie) in bekende_identificaties
            else set(),
            bekende_declaratienummers={nummer} if (z, w, nummer) in bekende_nummers else set(),
            vorige_declaratieperiode=vorige_perioden.get((z, w, g)),
            gemeentecodes=gemeentecodes,
            producten=[(c, p) for ww, c, p in producten if ww == w and p in b.codes],
            tarieven=tarieven.get((g, w, z), ()),
            uitgeschakeld=uitgeschakeld.get((g, w), ()),
        )
        geladen.append(
            Geladen(
                context=context,
                toewijzingen={
                    r["nummer"]: ToewijzingRij(
                        pk=r["pk"],
                        uuid=str(r["uuid"]),
                        productcategorie_id=r["productcategorie_id"],
                        product_id=r["product_id"],
                    )
                    for r in b.toewijzingen
                },
            )
        )
    return geladen


def _toewijzing(r: dict[str, Any]) -> Toewijzing:
    return Toewijzing(
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


def _vroegste(a: date | None, b: date | None) -> date | None:
    if a is None:
        return b
    if b is None:
        return a
    return min(a, b)

"""Every write of declaraties: intake through the three channels and the one path they share.

**One path.** A 323 message (berichtenbox handler), an Excel sheet and an API body each
become the codec's ``Bericht323``; :func:`_verwerken` then loads the context of the whole
message (a fixed number of queries), runs levels 3 and 4 (``declaraties.regels``), stores
the declaration and every prestatie with its outcome (bulk inserts), books what was granted
in financien (:func:`financien.services.declaratie_boeken`, a fixed number of queries too)
and writes the 325: into the outbox for a message, on the declaration for the other two
channels. All of it in one transaction: a failure halfway leaves only the raw input and the
failure.

**Raw input first.** A message is stored by the berichtenbox before it is read. An Excel or
API submission is stored as an :class:`~declaraties.models.Invoer` in its own transaction
before anything else; the same idempotency key with the same bytes returns the first
declaration, with other bytes it is refused (``idempotentiesleutel_conflict``, 409); a key
whose processing failed is processed again.

**Concurrency.** The provider's row and then the toewijzingen of the message are locked (in
pk order) before the context is read, so two declarations of one provider are assessed one
after the other and the second sees what the first granted (TR321/TR322/TR369 stay hard,
TR056/TR314/TR318/TR333 see the other message).

**A batch of messages.** :class:`Declaratiepartij` is the 323 handler's batch
(:mod:`iwmo_jw.routering`): in a delivery of many messages it locks each message's provider as
it comes, then loads the contexts of all of them together
(:func:`declaraties.laden.contexten_laden`), assesses each (:func:`_voorbereiden`) and stores
all of them together (:func:`_vastleggen`: one insert of declarations, one COPY of their
prestaties, one booking call, their 325s in one insert), in the batch's one transaction. It
takes one message per provider and locks providers with SKIP LOCKED, so it never waits for a
provider another transaction holds; the toewijzingen are locked with the contexts and the
financien locks (reservations, then accounts) for the whole batch at the end, in the order of
:mod:`financien.lock_objects`. One declaration is a batch of one: every channel runs the same
set-based reads and writes.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from operator import attrgetter
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Avg
from django.utils import timezone

from contracten.models import Zorgaanbieder
from contracten.selectors import zorgaanbieder_id_van
from declaraties.antwoord import declaratieantwoord, technisch_afgekeurd
from declaraties.constants import (
    DECLARATIE_TRANSITIES,
    DebetCredit,
    DeclaratieStatus,
    Kanaal,
    PrestatieStatus,
)
from declaraties.laden import (
    OPEN_GOEDGEKEURD,
    Contextverzoek,
    Geladen,
    context_laden,
    contexten_laden,
    debetten_met_referenties,
)
from declaraties.models import (
    Beoordelingsinstelling,
    Creditering,
    Declaratie,
    DeclaratieStatusWijziging,
    Invoer,
    Prestatie,
    PrestatieStatusWijziging,
)
from declaraties.regels import Beoordeling, beoordelen
from declaraties.steekproef import Instelling, Kandidaat, te_beoordelen
from financien.models import Budgetpost
from financien.selectors import budgetpost_voor
from financien.services import Declaratieverzoek, Realisatiedeel, declaraties_boeken
from inkoop.models import Toewijzing
from iwmo_jw.codec import CodecFout, Validatieresultaat, niveau2_meldingen, serialize
from iwmo_jw.codec.modellen import Bericht323, Bericht325
from iwmo_jw.identificatie import nieuwe_berichtidentificatie
from iwmo_jw.models import InkomendBericht
from iwmo_jw.services import Uitgaand, berichten_uitgaand_vastleggen
from kern.audit import audit_vastleggen, audits_vastleggen
from kern.bijwerken import per_pk_bijwerken
from kern.constants import AuditActie, Rol, Wet
from kern.exceptions import Conflict, DomeinFout, GeenToegang
from kern.models import Gebruiker, Gemeente
from kern.perioden import plus_werkdagen
from kern.vaste_query import VasteQuery

#: The 325 is due within ten working days of receipt (IV087).
ANTWOORDTERMIJN_WERKDAGEN = 10

#: Header-level codes that mean "accepted for assessment".
_GEEN_FOUT = "0200"
_VOLLEDIG_TOEGEKEND = "8001"
_TECHNISCH = "0001"


def _wet(model: Bericht323) -> str:
    return Wet.WMO if model.soort.standaard == "iwmo" else Wet.JW


def _euro(bedrag: Decimal, debet_credit: str) -> Decimal:
    return -bedrag if debet_credit == DebetCredit.CREDIT else bedrag


@dataclass(frozen=True, slots=True)
class Verwerking:
    """What a submission through Excel or the API gives back: the declaration with its
    outcome, and whether this call processed it (False: the answer of an earlier call)."""

    declaratie: Declaratie
    nieuw: bool


@dataclass(slots=True)
class Prestatieregel:
    """A prestatie row as the intake builds it, before it is stored: the columns of
    :class:`~declaraties.models.Prestatie` (a test keeps the two the same) without the
    model's machinery, which cost a tenth of the pipeline for a region's month. Stored with
    :func:`_prestaties_opslaan`; read back as Prestatie."""

    declaratie_id: int
    regelnummer: int
    zorgaanbieder_id: int
    bsn: str
    toewijzing_id: int | None
    toewijzingnummer: int
    referentienummer: str
    vorig_referentienummer: str
    productcategorie: str
    productcode: str
    periode_begin: date
    periode_eind: date
    geleverd_volume: int
    eenheid: str
    product_tarief: Decimal | None
    ingediend_bedrag: Decimal
    debet_credit: str
    status: str
    retourcodes: str
    toegekend_bedrag: Decimal
    beoordelingsredenen: str = ""
    besluit: str = ""
    besluit_reden: str = ""
    besluit_retourcode: str = ""
    beoordeeld_op: datetime | None = None


def prestatievelden() -> list[Any]:
    """The fields of Prestatie the intake stores, in table order: every column but the
    primary key and the uuid, which the database or the model's default gives (migration
    declaraties 0004). The benchmark's floor stores the same columns."""
    return [f for f in Prestatie._meta.concrete_fields if not f.primary_key and f.name != "uuid"]


# --- The shared path ---------------------------------------------------------------------


# Built once per process (kern.vaste_query), as the context's queries.
_AANBIEDER_VERGRENDELEN = VasteQuery(
    lambda pk: Zorgaanbieder.objects.select_for_update().filter(pk=pk).values_list("pk", flat=True)
)
_AANBIEDER_MET_AGB_VERGRENDELEN = VasteQuery(
    lambda agb_code: (
        Zorgaanbieder.objects.select_for_update().filter(agb_code=agb_code).order_by("pk")[:1]
    )
)
_BEOORDELINGSINSTELLING = VasteQuery(
    lambda gemeente_id, wet: Beoordelingsinstelling.objects.filter(
        gemeente_id=gemeente_id, wet=wet
    ).order_by("pk")[:1]
)
#: The approved debits the approved credits of declarations undo: of their providers, with
#: their ReferentieNummers, in their wets (each row names its provider and wet).
_GECREDITEERDE_DEBETTEN = VasteQuery(
    lambda zorgaanbieders, wetten, referenties: debetten_met_referenties(
        zorgaanbieders, wetten, referenties, OPEN_GOEDGEKEURD
    ).values_list(
        "pk", "zorgaanbieder_id", "declaratie__wet", "referentienummer", "status", "toewijzing_id"
    )
)


def _aanbieder_vergrendelen(zorgaanbieder: Zorgaanbieder) -> None:
    """Lock the provider; the context then locks its toewijzingen in the message (pk order,
    :func:`declaraties.laden.context_laden`). Declarations of one provider are assessed one
    after the other, so the rules across messages (TR056, TR314, TR318, TR333) and the limits
    of a toewijzing (TR321, TR322, TR369) see what the other granted. Providers do not wait
    for each other."""
    _AANBIEDER_VERGRENDELEN(pk=zorgaanbieder.pk)


def _prestaties_opslaan(rijen: list[Prestatieregel]) -> None:
    """Insert a message's prestaties: on PostgreSQL with one COPY (the rows go to the server
    as they are; Django's bulk_create spent a quarter of the pipeline preparing 27 values per
    row in Python), elsewhere with bulk_create. The new rows' primary keys are not needed;
    their uuids come from the database (PostgreSQL) or the model's default."""
    velden = prestatievelden()
    namen = [f.attname for f in velden]
    waarden = attrgetter(*namen)
    if connection.vendor != "postgresql":
        Prestatie.objects.bulk_create(
            [Prestatie(**dict(zip(namen, waarden(rij), strict=True))) for rij in rijen],
            batch_size=2000,
        )
        return
    kolommen = ", ".join(connection.ops.quote_name(f.column) for f in velden)
    tabel = connection.ops.quote_name(Prestatie._meta.db_table)
    with connection.cursor() as cursor:
        ruwe_cursor = cursor.cursor  # psycopg's own cursor: COPY is not in the DB-API
        with ruwe_cursor.copy(f"COPY {tabel} ({kolommen}) FROM STDIN") as copy:
            for rij in rijen:
                copy.write_row(waarden(rij))


def _ontvangstdatum(ontvangen_op: datetime) -> date:
    return timezone.localtime(ontvangen_op).date()


def _declaratieregel(model: Bericht323, beoordeling: Beoordeling) -> tuple[str, bool]:
    """The declaration-level code of the answer and whether the declaration counts as sent."""
    if beoordeling.header:
        return beoordeling.header[0].retourcode, False
    if beoordeling.declaratie:
        return beoordeling.declaratie[0].retourcode, False
    if beoordeling.volledig_toegekend:
        return _VOLLEDIG_TOEGEKEND, True
    return _GEEN_FOUT, True


@dataclass(slots=True)
class _Voorbereid:
    """A declaration assessed and built in memory, not stored yet (:func:`_voorbereiden`);
    :func:`_vastleggen` stores many of them together."""

    model: Bericht323
    declaratie: Declaratie
    beoordeling: Beoordeling
    rijen: list[Prestatieregel]
    #: toewijzing pk -> uuid (financien books against the uuid)
    uuids: dict[int, str]
    aangehouden: int
    #: the approved debits this declaration's approved credits undo: (credit line, debit's
    #: pk, debit's status), filled by :func:`_credits_koppelen`
    debetten: list[tuple[Prestatieregel, int, str]]
    kanaal: str


def _verwerken(
    *,
    model: Bericht323,
    kanaal: str,
    gemeente: Gemeente,
    zorgaanbieder: Zorgaanbieder,
    ontvangen_op: datetime,
    door: Gebruiker | None,
    bericht: InkomendBericht | None = None,
    invoer: Invoer | None = None,
    vergrendeld: bool = False,
) -> Declaratie:
    """Assess and store one declaration (the path every channel shares). ``vergrendeld``:
    the caller read ``zorgaanbieder`` locked, in this transaction."""
    if not vergrendeld:
        _aanbieder_vergrendelen(zorgaanbieder)
    voorbereid = _voorbereiden(
        model=model,
        kanaal=kanaal,
        gemeente=gemeente,
        zorgaanbieder=zorgaanbieder,
        ontvangen_op=ontvangen_op,
        bericht=bericht,
        invoer=invoer,
    )
    _vastleggen([voorbereid], door=door)
    return voorbereid.declaratie


def _voorbereiden(
    *,
    model: Bericht323,
    kanaal: str,
    gemeente: Gemeente,
    zorgaanbieder: Zorgaanbieder,
    ontvangen_op: datetime,
    bericht: InkomendBericht | None = None,
    invoer: Invoer | None = None,
    geladen: Geladen | None = None,
    instellingen: dict[tuple[int, str], Beoordelingsinstelling | None] | None = None,
) -> _Voorbereid:
    """Everything of a declaration that only reads: its context (a fixed number of queries,
    locking its toewijzingen; ``geladen`` when the caller loaded it, with others), the rules,
    the declaration and its prestaties with their outcome, the lines held for review and the
    debits its credits undo. The caller holds the provider's lock. ``instellingen``: review
    settings read before in this transaction, per (gemeente, wet); filled as they are
    read."""
    wet = _wet(model)
    decl = model.declaratie
    if geladen is None:
        geladen = context_laden(
            bericht=model,
            gemeente=gemeente,
            zorgaanbieder=zorgaanbieder,
            wet=wet,
            ontvangstdatum=_ontvangstdatum(ontvangen_op),
        )
    beoordeling = beoordelen(model, geladen.context)
    code, geteld = _declaratieregel(model, beoordeling)
    declaratie = _declaratie_opbouwen(
        model=model,
        kanaal=kanaal,
        gemeente=gemeente,
        zorgaanbieder=zorgaanbieder,
        ontvangen_op=ontvangen_op,
        bericht=bericht,
        invoer=invoer,
        retourcode=code,
        geteld=geteld,
        clientcodes={
            str(ci): [b.retourcode for b in bevindingen]
            for ci, bevindingen in beoordeling.clienten.items()
        },
    )

    # The prestaties with their outcome, in message order (their declaration's pk is filled
    # in when it is stored).
    uitkomsten = {(u.client_index, u.prestatie_index): u for u in beoordeling.prestaties}
    bovencodes = ",".join(b.retourcode for b in (*beoordeling.header, *beoordeling.declaratie))
    rijen: list[Prestatieregel] = []
    for ci, client in enumerate(decl.clienten):
        for pi, p in enumerate(client.prestaties):
            uitkomst = uitkomsten.get((ci, pi))
            toewijzing = geladen.toewijzingen.get(p.toewijzing_nummer)
            toegekend = uitkomst is not None and uitkomst.toegekend
            rijen.append(
                Prestatieregel(
                    declaratie_id=0,
                    regelnummer=len(rijen) + 1,
                    zorgaanbieder_id=zorgaanbieder.pk,
                    bsn=client.bsn,
                    toewijzing_id=toewijzing.pk if toewijzing else None,
                    toewijzingnummer=p.toewijzing_nummer,
                    referentienummer=p.product_referentie.referentie_nummer,
                    vorig_referentienummer=p.product_referentie.vorig_referentie_nummer or "",
                    productcategorie=p.product_categorie,
                    productcode=p.product_code,
                    periode_begin=p.product_periode.begindatum,
                    periode_eind=p.product_periode.einddatum,
                    geleverd_volume=p.geleverd_volume,
                    eenheid=p.eenheid,
                    product_tarief=p.product_tarief,
                    ingediend_bedrag=p.ingediend_bedrag.bedrag,
                    debet_credit=p.ingediend_bedrag.debet_credit,
                    status=PrestatieStatus.TOEGEKEND if toegekend else PrestatieStatus.AFGEWEZEN,
                    retourcodes=(
                        ",".join(uitkomst.retourcodes)[:40] if uitkomst is not None else bovencodes
                    ),
                    toegekend_bedrag=p.ingediend_bedrag.bedrag if toegekend else Decimal(0),
                )
            )

    aangehouden = _te_beoordelen(
        rijen,
        declaratie=declaratie,
        zorgaanbieder=zorgaanbieder,
        geteld=geteld,
        instellingen={} if instellingen is None else instellingen,
    )

    return _Voorbereid(
        model=model,
        declaratie=declaratie,
        beoordeling=beoordeling,
        rijen=rijen,
        uuids={rij.pk: rij.uuid for rij in geladen.toewijzingen.values()},
        aangehouden=aangehouden,
        debetten=[],
        kanaal=kanaal,
    )


def _vastleggen(voorbereid: Sequence[_Voorbereid], *, door: Gebruiker | None) -> None:
    """Store declarations prepared by :func:`_voorbereiden`, in a fixed number of queries
    whatever their number and lines: the declarations in one insert, all their prestaties in
    one COPY, the debits their credits undo marked in one update, then each held for review
    or answered (:func:`_afronden_alle`). One declaration is a batch of one."""
    if not voorbereid:
        return
    _credits_koppelen(voorbereid)
    Declaratie.objects.bulk_create([v.declaratie for v in voorbereid])
    for v in voorbereid:
        for rij in v.rijen:
            rij.declaratie_id = v.declaratie.pk
    _prestaties_opslaan([rij for v in voorbereid for rij in v.rijen])

    gecrediteerd = [(v, *d) for v in voorbereid for d in v.debetten]
    if gecrediteerd:
        # The credits' new rows by declaration and line number (the COPY returns no keys).
        nieuw = {
            (d, r): pk
            for d, r, pk in Prestatie.objects.filter(
                declaratie_id__any={credit.declaratie_id for _, credit, _, _ in gecrediteerd},
                regelnummer__any={credit.regelnummer for _, credit, _, _ in gecrediteerd},
            ).values_list("declaratie_id", "regelnummer", "pk")
        }
        Creditering.objects.bulk_create(
            Creditering(credit_id=nieuw[(c.declaratie_id, c.regelnummer)], debet_id=pk)
            for _, c, pk, _ in gecrediteerd
        )
        PrestatieStatusWijziging.objects.bulk_create(
            [
                PrestatieStatusWijziging(
                    prestatie_id=pk,
                    van_status=status,
                    naar_status=PrestatieStatus.GECREDITEERD,
                    reden=f"Gecrediteerd in declaratie {v.declaratie.declaratienummer}.",
                    door=door if door is not None and door.pk else None,
                )
                for v, _, pk, status in gecrediteerd
            ]
        )
        Prestatie.objects.filter(pk__any=[pk for _, _, pk, _ in gecrediteerd]).update(
            status=PrestatieStatus.GECREDITEERD
        )

    audits_vastleggen(
        gebruiker=door,
        actie=AuditActie.AANGEMAAKT,
        objecten=[
            (
                v.declaratie,
                {
                    "kanaal": v.kanaal,
                    "declaratienummer": v.model.declaratie.declaratie_nummer,
                    "prestaties": len(v.rijen),
                    "afgewezen": sum(1 for r in v.rijen if r.status == PrestatieStatus.AFGEWEZEN),
                    "aangehouden": v.aangehouden,
                    "retourcode": v.declaratie.retourcode,
                },
            )
            for v in voorbereid
        ],
    )
    aangehouden = [v for v in voorbereid if v.aangehouden]
    if aangehouden:
        _declaraties_status(
            [
                (v.declaratie, f"{v.aangehouden} prestatie(s) ter beoordeling aangehouden.")
                for v in aangehouden
            ],
            DeclaratieStatus.IN_BEOORDELING,
            door=door,
        )
    _afronden_alle(
        [
            _Afronding(
                declaratie=v.declaratie,
                model=v.model,
                beoordeling=v.beoordeling,
                rijen=v.rijen,
                uuids=v.uuids,
            )
            for v in voorbereid
            if not v.aangehouden
        ],
        door=door,
    )


def _credits_koppelen(voorbereid: Sequence[_Voorbereid]) -> None:
    """Approved credits undo their debits: find for each the approved, not credited debit of
    its provider and wet with its VorigReferentieNummer (in one query for all declarations;
    the link (:class:`~declaraties.models.Creditering`) is stored and the debits marked with
    the declarations)."""
    per_aanbieder: dict[tuple[int, str], list[tuple[_Voorbereid, dict[str, Prestatieregel]]]] = {}
    for v in voorbereid:
        credits = {
            r.vorig_referentienummer: r
            for r in v.rijen
            if r.status == PrestatieStatus.TOEGEKEND and r.debet_credit == DebetCredit.CREDIT
        }
        if credits:
            sleutel = (v.declaratie.zorgaanbieder_id, v.declaratie.wet)
            per_aanbieder.setdefault(sleutel, []).append((v, credits))
    if not per_aanbieder:
        return
    for pk, zorgaanbieder_id, wet, referentie, status, toewijzing_id in _GECREDITEERDE_DEBETTEN(
        zorgaanbieders=sorted({z for z, _ in per_aanbieder}),
        wetten=sorted({w for _, w in per_aanbieder}),
        referenties=sorted({r for lijst in per_aanbieder.values() for _, c in lijst for r in c}),
    ):
        for v, credits in per_aanbieder.get((zorgaanbieder_id, wet), ()):
            credit = credits.get(referentie)
            if credit is None:
                continue
            if credit.toewijzing_id is None:
                credit.toewijzing_id = toewijzing_id
            v.debetten.append((credit, pk, status))


def _declaratie_opbouwen(
    *,
    model: Bericht323,
    kanaal: str,
    gemeente: Gemeente,
    zorgaanbieder: Zorgaanbieder,
    ontvangen_op: datetime,
    bericht: InkomendBericht | None,
    invoer: Invoer | None,
    retourcode: str,
    geteld: bool,
    clientcodes: dict[str, list[str]] | None = None,
) -> Declaratie:
    """The declaration row of a message, status ontvangen, its answer due in ten working
    days; not saved."""
    decl = model.declaratie
    return Declaratie(
        gemeente=gemeente,
        wet=_wet(model),
        zorgaanbieder=zorgaanbieder,
        kanaal=kanaal,
        bericht=bericht,
        invoer=invoer,
        berichtidentificatie=model.header.identificatie,
        declaratienummer=decl.declaratie_nummer,
        periode_begin=decl.declaratie_periode.begindatum,
        periode_eind=decl.declaratie_periode.einddatum,
        dagtekening=decl.declaratie_dagtekening,
        totaal_ingediend_bedrag=_euro(
            decl.totaal_ingediend_bedrag.totaal_bedrag, decl.totaal_ingediend_bedrag.debet_credit
        ),
        retourcode=retourcode,
        clientcodes=clientcodes or {},
        geteld=geteld,
        status=DeclaratieStatus.ONTVANGEN,
        ontvangen_op=ontvangen_op,
        uiterste_antwoorddatum=plus_werkdagen(
            timezone.localtime(ontvangen_op).date(), ANTWOORDTERMIJN_WERKDAGEN
        ),
    )


def _declaratie_aanmaken(**velden: Any) -> Declaratie:
    """:func:`_declaratie_opbouwen`, saved."""
    declaratie = _declaratie_opbouwen(**velden)
    declaratie.save(force_insert=True)
    return declaratie


def _antwoord_bewaren(declaratie: Declaratie, antwoord: Bericht325) -> None:
    """The 325 of a technically rejected declaration: see :func:`_antwoorden_bewaren`."""
    _antwoorden_bewaren([(declaratie, antwoord)])


def _antwoorden_bewaren(antwoorden: Sequence[tuple[Declaratie, Bericht325]]) -> None:
    """The 325s: into the outbox as the answer to the 323 message (all in one go), or kept on
    the declaration when it came through Excel or the API (no message to answer). The caller
    saves. Checked against the XSD once: by the outbox, which checks levels 1 and 2 of
    whatever it stores, or else by the codec as it writes."""
    berichten = [(d, a) for d, a in antwoorden if d.bericht is not None]
    uitgaand = berichten_uitgaand_vastleggen(
        berichten=[
            Uitgaand(
                data=serialize(antwoord, valideren=False),
                antwoord_op=declaratie.bericht,
                # Read in this transaction: with the locked message (berichtenbox), or on
                # first access once a review ends (declaraties.services.beoordelen).
                gemeente=declaratie.gemeente,
            )
            for declaratie, antwoord in berichten
        ]
    )
    for (declaratie, _), uit in zip(berichten, uitgaand, strict=True):
        declaratie.antwoord = uit
    for declaratie, antwoord in antwoorden:
        if declaratie.bericht is None:
            declaratie.antwoord_inhoud = serialize(antwoord)


def _overgang(declaratie: Declaratie, naar: str) -> str:
    """Check that ``declaratie`` may go to ``naar`` (the transitions table); returns the
    status it comes from."""
    van = declaratie.status
    if naar not in DECLARATIE_TRANSITIES[van]:
        raise DomeinFout(
            f"Een declaratie met status {DeclaratieStatus(van).label.lower()} kan niet naar "
            f"{DeclaratieStatus(naar).label.lower()}.",
            code="statusovergang_ongeldig",
        )
    return van


def _declaratie_status(
    declaratie: Declaratie,
    naar: str,
    *,
    door: Gebruiker | None,
    reden: str = "",
    ook: Sequence[str] = (),
) -> None:
    """The one way a declaration changes status: checked against the transitions table,
    recorded in its history. ``ook``: other fields the caller set, saved with the status in
    the same update. (Many at once: :func:`_declaraties_status`.)"""
    van = _overgang(declaratie, naar)
    declaratie.status = naar
    declaratie.save(update_fields=["status", *ook])
    DeclaratieStatusWijziging.objects.create(
        declaratie=declaratie,
        van_status=van,
        naar_status=naar,
        reden=reden[:255],
        door=door if door is not None and door.pk else None,
    )


def _declaraties_status(
    declaraties: Sequence[tuple[Declaratie, str]],
    naar: str,
    *,
    door: Gebruiker | None,
    ook: Sequence[str] = (),
) -> None:
    """:func:`_declaratie_status` for many (declaration, reason) at once: one update and one
    insert of history rows."""
    if len(declaraties) == 1:
        declaratie, reden = declaraties[0]
        _declaratie_status(declaratie, naar, door=door, reden=reden, ook=ook)
        return
    wijzigingen = []
    for declaratie, reden in declaraties:
        wijzigingen.append(
            DeclaratieStatusWijziging(
                declaratie=declaratie,
                van_status=_overgang(declaratie, naar),
                naar_status=naar,
                reden=reden[:255],
                door=door if door is not None and door.pk else None,
            )
        )
        declaratie.status = naar
    per_pk_bijwerken([d for d, _ in declaraties], ["status", *ook])
    DeclaratieStatusWijziging.objects.bulk_create(wijzigingen)


def _te_beoordelen(
    rijen: list[Prestatieregel],
    *,
    declaratie: Declaratie,
    zorgaanbieder: Zorgaanbieder,
    geteld: bool,
    instellingen: dict[tuple[int, str], Beoordelingsinstelling | None],
) -> int:
    """Hold the approved debit lines the gemeente's review settings select (two queries at
    most, whatever the number of lines; the settings once per gemeente and wet in
    ``instellingen``); returns how many were held."""
    if not geteld:
        return 0
    sleutel = (declaratie.gemeente_id, declaratie.wet)
    if sleutel not in instellingen:
        instellingen[sleutel] = _BEOORDELINGSINSTELLING.eerste(
            gemeente_id=declaratie.gemeente_id, wet=declaratie.wet
        )
    instelling = instellingen[sleutel]
    if instelling is None:
        return 0
    kandidaten = [
        Kandidaat(
            sleutel=i,
            referentienummer=r.referentienummer,
            productcode=r.productcode,
            bedrag=r.ingediend_bedrag,
        )
        for i, r in enumerate(rijen)
        if r.status == PrestatieStatus.TOEGEKEND and r.debet_credit == DebetCredit.DEBET
    ]
    gemiddelden: dict[str, Decimal] = {}
    if instelling.afwijking_factor is not None and kandidaten:
        gemiddelden = {
            code: gemiddelde
            for code, gemiddelde in Prestatie.objects.filter(
                zorgaanbieder=zorgaanbieder,
                declaratie__wet=declaratie.wet,
                debet_credit=DebetCredit.DEBET,
                status__in=OPEN_GOEDGEKEURD,
                productcode__any={k.productcode for k in kandidaten},
            )
            .values("productcode")
            .annotate(gemiddelde=Avg("ingediend_bedrag"))
            .values_list("productcode", "gemiddelde")
            .order_by()
            if gemiddelde is not None
        }
    gekozen = te_beoordelen(
        kandidaten,
        instelling=Instelling(
            steekproef_percentage=instelling.steekproef_percentage,
            bedrag_drempel=instelling.bedrag_drempel,
            afwijking_factor=instelling.afwijking_factor,
        ),
        zaad=f"{zorgaanbieder.agb_code}:{declaratie.berichtidentificatie}:{declaratie.declaratienummer}",
        gemiddelden=gemiddelden,
    )
    for i, redenen in gekozen.items():
        rij = rijen[i]
        rij.status = PrestatieStatus.IN_BEOORDELING
        rij.toegekend_bedrag = Decimal(0)
        rij.beoordelingsredenen = ",".join(redenen)
    return len(gekozen)


@dataclass(frozen=True, slots=True)
class _Afronding:
    """A stored declaration to answer: with its message, its assessment and its lines."""

    declaratie: Declaratie
    model: Bericht323
    beoordeling: Beoordeling
    rijen: Sequence[Prestatie | Prestatieregel]
    uuids: dict[int, str]


def _afronden(
    *,
    declaratie: Declaratie,
    model: Bericht323,
    beoordeling: Beoordeling,
    rijen: Sequence[Prestatie | Prestatieregel],
    uuids: dict[int, str],
    door: Gebruiker | None,
) -> None:
    """Book what was granted, write the 325 and mark the declaration answered."""
    _afronden_alle(
        [
            _Afronding(
                declaratie=declaratie,
                model=model,
                beoordeling=beoordeling,
                rijen=rijen,
                uuids=uuids,
            )
        ],
        door=door,
    )


def _afronden_alle(afrondingen: Sequence[_Afronding], *, door: Gebruiker | None) -> None:
    """:func:`_afronden` for many declarations at once: one booking for all
    (:func:`financien.services.declaraties_boeken`), their 325s into the outbox together,
    and their statuses in one update; a fixed number of queries whatever their number."""
    if not afrondingen:
        return
    _boeken_alle(afrondingen, door=door)
    vandaag = timezone.localdate()
    _antwoorden_bewaren(
        [
            (
                a.declaratie,
                declaratieantwoord(
                    a.model,
                    a.beoordeling,
                    identificatie=nieuwe_berichtidentificatie(),
                    dagtekening=vandaag,
                ),
            )
            for a in afrondingen
        ]
    )
    nu = timezone.now()
    for a in afrondingen:
        declaratie = a.declaratie
        if declaratie.geteld:
            declaratie.totaal_toegekend_bedrag = a.beoordeling.totaal_toegekend
            declaratie.retourcode = (
                _VOLLEDIG_TOEGEKEND if a.beoordeling.volledig_toegekend else _GEEN_FOUT
            )
        else:
            declaratie.totaal_toegekend_bedrag = Decimal(0)
        declaratie.beantwoord_op = nu
    _declaraties_status(
        [(a.declaratie, "") for a in afrondingen],
        DeclaratieStatus.BEANTWOORD,
        door=door,
        ook=[
            "antwoord",
            "antwoord_inhoud",
            "totaal_toegekend_bedrag",
            "retourcode",
            "beantwoord_op",
        ],
    )


def _boeken_alle(afrondingen: Sequence[_Afronding], *, door: Gebruiker | None) -> None:
    """Book the granted amounts of the declarations per toewijzing and budget year (the year
    of the ProductPeriode) in financien, all in one call with a fixed number of queries."""
    verzoeken: list[Declaratieverzoek] = []
    uuids: dict[int, str] = {}
    for a in afrondingen:
        uuids.update(a.uuids)
    per_declaratie: list[tuple[Declaratie, dict[tuple[int, int], Decimal]]] = []
    for a in afrondingen:
        per: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
        for rij in a.rijen:
            if rij.status != PrestatieStatus.TOEGEKEND or rij.toewijzing_id is None:
                continue
            per[(rij.toewijzing_id, rij.periode_begin.year)] += _euro(
                rij.toegekend_bedrag, rij.debet_credit
            )
        per = {k: v for k, v in per.items() if v != 0}
        if per:
            per_declaratie.append((a.declaratie, per))
    if not per_declaratie:
        return
    ontbrekend = {pk for _, per in per_declaratie for pk, _ in per} - set(uuids)
    if ontbrekend:  # a credit on a toewijzing outside the message's BSNs: not expected
        uuids.update(
            {
                pk: str(u)
                for pk, u in Toewijzing.objects.filter(pk__any=ontbrekend).values_list("pk", "uuid")
            }
        )
    pks = {u: pk for pk, u in uuids.items()}

    def budgetposten(zonder: list[tuple[str, int]]) -> dict[tuple[str, int], Budgetpost]:
        """Toewijzingen that reserved nothing (aspecifiek without a budget): one lookup per
        gemeente, wet, product and year, not per toewijzing."""
        toewijzingen = Toewijzing.objects.select_related(
            "gemeente", "productcategorie", "product"
        ).in_bulk({pks[u] for u, _ in zonder})
        per_product: dict[tuple[int, str, int, int | None, int | None], Budgetpost] = {}
        gevonden = {}
        for u, jaar in zonder:
            t = toewijzingen[pks[u]]
            sleutel = (t.gemeente_id, t.wet, jaar, t.productcategorie_id, t.product_id)
            if sleutel not in per_product:
                per_product[sleutel] = budgetpost_voor(
                    gemeente=t.gemeente,
                    jaar=jaar,
                    wet=t.wet,
                    productcategorie=t.productcategorie,
                    product=t.product,
                )
            gevonden[(u, jaar)] = per_product[sleutel]
        return gevonden

    for declaratie, per in per_declaratie:
        verzoeken.append(
            Declaratieverzoek(
                gemeente_id=declaratie.gemeente_id,
                bron_id=str(declaratie.uuid),
                delen=[
                    Realisatiedeel(
                        toewijzing=uuids[pk],
                        jaar=jaar,
                        bedrag=bedrag,
                        zorgaanbieder_id=declaratie.zorgaanbieder_id,
                    )
                    for (pk, jaar), bedrag in sorted(per.items())
                ],
                idempotentiesleutel=f"declaratie:{declaratie.uuid}",
                omschrijving=f"Declaratie {declaratie.declaratienummer}",
            )
        )
    declaraties_boeken(door=door, verzoeken=verzoeken, budgetposten_voor=budgetposten)


# --- Channel: 323 message ---------------------------------------------------------------------


def declaratie_bericht_verwerken(
    bericht: InkomendBericht, resultaat: Validatieresultaat
) -> Declaratie | None:
    """The berichtenbox handler of the 323 (WMO323 and JW323). Runs inside the transaction
    that marks the message processed. A message that failed level 2 is answered with a 325
    carrying 0001 and counts as not sent."""
    model = resultaat.bericht
    if not isinstance(model, Bericht323):
        raise DomeinFout("Dit is geen declaratiebericht (323).", code="geen_declaratie")
    # Found and locked in one query (see _aanbieder_vergrendelen).
    zorgaanbieder = _AANBIEDER_MET_AGB_VERGRENDELEN.eerste(agb_code=bericht.agb_code)
    if zorgaanbieder is None:
        raise DomeinFout(
            f"Zorgaanbieder met AGB-code {bericht.agb_code} is niet bekend.",
            code="zorgaanbieder_onbekend",
        )
    gemeente = bericht.gemeente
    if gemeente is None:
        raise DomeinFout("De ontvangende gemeente is niet bekend.", code="gemeente_onbekend")
    if not resultaat.geldig:
        return _technisch_afkeuren(
            model=model,
            resultaat=resultaat,
            gemeente=gemeente,
            zorgaanbieder=zorgaanbieder,
            bericht=bericht,
        )
    return _verwerken(
        model=model,
        kanaal=Kanaal.BERICHT,
        gemeente=gemeente,
        zorgaanbieder=zorgaanbieder,
        ontvangen_op=bericht.ontvangen_op,
        door=None,
        bericht=bericht,
        vergrendeld=True,
    )


#: The providers with these AGB codes (unique) that no other transaction holds, locked in pk
#: order for a batch of messages: a batch never waits for a provider, so it cannot deadlock on
#: its providers (a held provider's message waits for it after the batch, one by one).
_AANBIEDERS_VRIJ_VERGRENDELEN = VasteQuery(
    lambda agb_codes: (
        Zorgaanbieder.objects.select_for_update(skip_locked=True)
        .filter(agb_code__any=agb_codes)
        .order_by("pk")
    )
)


class Declaratiepartij:
    """The 323s of a batch of messages stored together (the handler's batch,
    :class:`iwmo_jw.routering.Partij`): at the end the providers of the messages taken are
    locked in one query, the contexts of their messages loaded together
    (:func:`declaraties.laden.contexten_laden`), each is assessed, and all are stored with the
    set-based writes of :func:`_vastleggen`: a batch costs a fixed number of queries for its
    providers, contexts, declarations, lines, bookings and 325s instead of that number per
    message.

    One message per provider: a provider's later messages in the batch, and every message
    after one of its messages the batch did not take, are left to the handler after the
    batch, in their order (the second sees what the first granted). Not taken either: a
    message that failed level 2 (its 0001 answer) and one whose gemeente is unknown (the
    handler records the failure). Given back at the end: a message whose provider is
    unknown (the handler records that too) or held by another transaction (the handler
    waits for it)."""

    def __init__(self) -> None:
        self._genomen: list[tuple[InkomendBericht, Bericht323, Gemeente]] = []
        #: AGB codes of the messages offered so far (taken or not)
        self._afzenders: set[str] = set()

    def toevoegen(self, bericht: InkomendBericht, resultaat: Validatieresultaat) -> bool:
        agb_code = bericht.agb_code
        if agb_code in self._afzenders:
            return False
        self._afzenders.add(agb_code)
        model = resultaat.bericht
        if not isinstance(model, Bericht323) or not resultaat.geldig or bericht.gemeente is None:
            return False
        self._genomen.append((bericht, model, bericht.gemeente))
        return True

    def afronden(self) -> list[InkomendBericht]:
        vergrendeld = {
            z.agb_code: z
            for z in _AANBIEDERS_VRIJ_VERGRENDELEN(
                agb_codes=sorted({b.agb_code for b, _, _ in self._genomen})
            )
        }
        teruggegeven = [b for b, _, _ in self._genomen if b.agb_code not in vergrendeld]
        genomen = [
            (bericht, model, gemeente, vergrendeld[bericht.agb_code])
            for bericht, model, gemeente in self._genomen
            if bericht.agb_code in vergrendeld
        ]
        geladen = contexten_laden(
            [
                Contextverzoek(
                    bericht=model,
                    gemeente=gemeente,
                    zorgaanbieder=zorgaanbieder,
                    wet=_wet(model),
                    ontvangstdatum=_ontvangstdatum(bericht.ontvangen_op),
                )
                for bericht, model, gemeente, zorgaanbieder in genomen
            ]
        )
        instellingen: dict[tuple[int, str], Beoordelingsinstelling | None] = {}
        _vastleggen(
            [
                _voorbereiden(
                    model=model,
                    kanaal=Kanaal.BERICHT,
                    gemeente=gemeente,
                    zorgaanbieder=zorgaanbieder,
                    ontvangen_op=bericht.ontvangen_op,
                    bericht=bericht,
                    geladen=context,
                    instellingen=instellingen,
                )
                for (bericht, model, gemeente, zorgaanbieder), context in zip(
                    genomen, geladen, strict=True
                )
            ],
            door=None,
        )
        return teruggegeven


def _technisch_afkeuren(
    *,
    model: Bericht323,
    resultaat: Validatieresultaat,
    gemeente: Gemeente,
    zorgaanbieder: Zorgaanbieder,
    bericht: InkomendBericht | None = None,
    invoer: Invoer | None = None,
    ontvangen_op: datetime | None = None,
) -> Declaratie:
    declaratie = _declaratie_aanmaken(
        model=model,
        kanaal=Kanaal.BERICHT if bericht is not None else (invoer.kanaal if invoer else ""),
        gemeente=gemeente,
        zorgaanbieder=zorgaanbieder,
        ontvangen_op=ontvangen_op or (bericht.ontvangen_op if bericht else timezone.now()),
        bericht=bericht,
        invoer=invoer,
        retourcode=_TECHNISCH,
        geteld=False,
    )
    declaratie.totaal_toegekend_bedrag = Decimal(0)
    declaratie.beantwoord_op = timezone.now()
    _antwoord_bewaren(
        declaratie,
        technisch_afgekeurd(
            resultaat, identificatie=nieuwe_berichtidentificatie(), dagtekening=timezone.localdate()
        ),
    )
    _declaratie_status(
        declaratie,
        DeclaratieStatus.TECHNISCH_AFGEKEURD,
        door=None,
        reden="Niveau 2 (regels binnen het bericht): retourcode 0001.",
        ook=["antwoord", "antwoord_inhoud", "totaal_toegekend_bedrag", "beantwoord_op"],
    )
    audit_vastleggen(
        gebruiker=None,
        actie=AuditActie.AANGEMAAKT,
        obj=declaratie,
        na={"retourcode": _TECHNISCH, "fouten": len(resultaat.fouten)},
    )
    return declaratie


# --- Channels: Excel and API ------------------------------------------------------------------


def _eis_indiener(door: Gebruiker | None, zorgaanbieder: Zorgaanbieder) -> None:
    """A provider user may submit only for its own organisation; a beheerder for any."""
    if door is None:
        return
    if door.heeft_rol(Rol.BEHEERDER):
        return
    if door.heeft_rol(Rol.ZORGAANBIEDER) and zorgaanbieder_id_van(door) == zorgaanbieder.pk:
        return
    raise GeenToegang("U mag geen declaraties indienen voor deze zorgaanbieder.")


def _invoer_vastleggen(
    *,
    door: Gebruiker | None,
    kanaal: str,
    zorgaanbieder: Zorgaanbieder,
    data: bytes,
    sleutel: str,
    bestandsnaam: str = "",
) -> Invoer:
    """Store the raw input in its own transaction (it is kept whatever happens next); the same
    key again returns the stored row when the bytes are the same, and is refused otherwise."""
    sha = hashlib.sha256(data).hexdigest()
    bestaand = Invoer.objects.filter(
        zorgaanbieder=zorgaanbieder, kanaal=kanaal, idempotentiesleutel=sleutel
    ).first()
    if bestaand is None:
        try:
            with transaction.atomic():
                bestaand = Invoer.objects.create(
                    kanaal=kanaal,
                    zorgaanbieder=zorgaanbieder,
                    idempotentiesleutel=sleutel,
                    sha256=sha,
                    inhoud=data,
                    bestandsnaam=bestandsnaam[:255],
                    door=door if door is not None and door.pk else None,
                )
        except IntegrityError:
            bestaand = Invoer.objects.get(
                zorgaanbieder=zorgaanbieder, kanaal=kanaal, idempotentiesleutel=sleutel
            )
    if bestaand.sha256 != sha:
        raise Conflict(
            "Deze idempotentiesleutel is al gebruikt voor een andere declaratie.",
            code="idempotentiesleutel_conflict",
        )
    return bestaand


def _indienen(
    *,
    door: Gebruiker | None,
    invoer: Invoer,
    model: Bericht323,
    zorgaanbieder: Zorgaanbieder,
) -> Verwerking:
    bestaand = Declaratie.objects.filter(invoer=invoer).first()
    if bestaand is not None:
        return Verwerking(declaratie=bestaand, nieuw=False)
    if model.header.afzender != zorgaanbieder.agb_code:
        raise DomeinFout(
            "De AGB-code in de declaratie is niet die van de indienende zorgaanbieder.",
            code="agb_onjuist",
        )
    gemeente = Gemeente.objects.filter(code=model.header.ontvanger).first()
    if gemeente is None or not gemeente.aangesloten:
        raise DomeinFout(
            f"Gemeente {model.header.ontvanger} wordt door deze installatie niet bediend.",
            code="gemeente_niet_aangesloten",
        )
    try:
        serialize(model)  # level 1: the same XSD a message must pass
    except CodecFout as fout:
        raise DomeinFout(
            "De declaratie voldoet niet aan het berichtformaat: "
            + "; ".join(m.melding for m in fout.meldingen[:5]),
            code="formaat_ongeldig",
            details={"fouten": [m.melding for m in fout.meldingen]},
        ) from None
    with transaction.atomic():
        fouten = niveau2_meldingen(model)
        if fouten:
            resultaat = Validatieresultaat(
                geldig=False,
                niveau=2,
                standaard=str(model.soort.standaard),
                berichttype="323",
                fouten=list(fouten),
                bericht=model,
            )
            declaratie = _technisch_afkeuren(
                model=model,
                resultaat=resultaat,
                gemeente=gemeente,
                zorgaanbieder=zorgaanbieder,
                invoer=invoer,
                ontvangen_op=invoer.ontvangen_op,
            )
        else:
            declaratie = _verwerken(
                model=model,
                kanaal=invoer.kanaal,
                gemeente=gemeente,
                zorgaanbieder=zorgaanbieder,
                ontvangen_op=invoer.ontvangen_op,
                door=door,
                invoer=invoer,
            )
    return Verwerking(declaratie=declaratie, nieuw=True)


def _met_foutregistratie(invoer: Invoer, uitvoeren: Callable[[], Verwerking]) -> Verwerking:
    try:
        return uitvoeren()
    except DomeinFout as fout:
        Invoer.objects.filter(pk=invoer.pk).update(fout=f"{fout.code}: {fout.bericht}"[:2000])
        raise


def declaratie_excel_indienen(
    *, door: Gebruiker | None, zorgaanbieder: Zorgaanbieder, data: bytes, bestandsnaam: str = ""
) -> Verwerking:
    """Submit a declaration as a filled-in Excel template. The file's hash is its idempotency
    key: the same file twice gives the first answer."""
    from declaraties.excel import lezen

    _eis_indiener(door, zorgaanbieder)
    invoer = _invoer_vastleggen(
        door=door,
        kanaal=Kanaal.EXCEL,
        zorgaanbieder=zorgaanbieder,
        data=data,
        sleutel=hashlib.sha256(data).hexdigest(),
        bestandsnaam=bestandsnaam,
    )
    return _met_foutregistratie(
        invoer,
        lambda: _indienen(door=door, invoer=invoer, model=lezen(data), zorgaanbieder=zorgaanbieder),
    )


def declaratie_api_indienen(
    *,
    door: Gebruiker | None,
    zorgaanbieder: Zorgaanbieder,
    model: Bericht323,
    ruw: bytes,
    idempotentiesleutel: str,
) -> Verwerking:
    """Submit a declaration through the API: ``model`` read from the JSON body ``ruw``."""
    _eis_indiener(door, zorgaanbieder)
    if not idempotentiesleutel or len(idempotentiesleutel) > 200:
        raise DomeinFout(
            "De header Idempotency-Key is verplicht (hoogstens 200 tekens).",
            code="idempotentiesleutel_verplicht",
        )
    invoer = _invoer_vastleggen(
        door=door,
        kanaal=Kanaal.API,
        zorgaanbieder=zorgaanbieder,
        data=ruw,
        sleutel=idempotentiesleutel,
    )
    return _met_foutregistratie(
        invoer,
        lambda: _indienen(door=door, invoer=invoer, model=model, zorgaanbieder=zorgaanbieder),
    )

"""Review of held prestaties by a beoordelaar, and the answer that follows the last decision.

A prestatie the gemeente's review settings held (see :mod:`declaraties.steekproef`) waits in
status ``in_beoordeling``; its declaration is ``in_beoordeling`` and has no 325 yet. A
beoordelaar decides each one with a reason: toekennen, or afwijzen with one of the retourcodes
a 325 can carry for a prestatie (the 325 has no code for "rejected after review": the
beoordelaar names the rule the line breaks). A rejection at or above the gemeente's
four-eyes threshold is a proposal until a second beoordelaar confirms it. When no prestatie of
the declaration waits any more, the approved amounts are booked and the 325 is written, as
for a declaration that was never held. The work queue shows the working days left until the
answer is due (``declaraties.selectors.werkvoorraad``); the berichtenbox watches the deadline.
"""

from __future__ import annotations

import json
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from declaraties.api.invoer import DeclaratieInvoerSerializer, naar_bericht
from declaraties.constants import PRESTATIE_TRANSITIES, DeclaratieStatus, Kanaal, PrestatieStatus
from declaraties.models import (
    Beoordelingsinstelling,
    Declaratie,
    Prestatie,
    Prestatiebeoordelaars,
    PrestatieStatusWijziging,
)
from declaraties.regels import Beoordeling, Bevinding, Klasse, PrestatieUitkomst, Uitkomst
from declaraties.regels.tabel import DEBETREGELS
from declaraties.services.intake import _afronden, _euro
from iwmo_jw.codec import parse
from iwmo_jw.codec.modellen import Bericht323
from kern.audit import audit_vastleggen, momentopname
from kern.constants import AuditActie, Rol
from kern.exceptions import DomeinFout, GeenToegang, NietGevonden
from kern.models import Gebruiker
from kern.toegang import gemeente_in_scope

TOEKENNEN = "toekennen"
AFWIJZEN = "afwijzen"

#: The retourcodes a beoordelaar may give a prestatie: those of the prestatie rules.
AFWIJZINGSCODES = frozenset(r.retourcode for r in DEBETREGELS)


def _eis_beoordelaar(door: Gebruiker, prestatie: Prestatie) -> None:
    if not door.heeft_rol(Rol.BEOORDELAAR):
        raise GeenToegang("Alleen een beoordelaar kan prestaties beoordelen.")
    if not gemeente_in_scope(door, prestatie.declaratie.gemeente):
        raise NietGevonden("Prestatie niet gevonden.", code="prestatie_niet_gevonden")


def _vergrendel(prestatie: Prestatie) -> Prestatie:
    """Lock the declaration, then the prestatie (the order every review decision takes)."""
    list(Declaratie.objects.select_for_update().filter(pk=prestatie.declaratie_id).values("pk"))
    return (
        Prestatie.objects.select_for_update(of=("self",))
        .select_related("declaratie", "declaratie__gemeente")
        .get(pk=prestatie.pk)
    )


def _reden(reden: str) -> str:
    reden = (reden or "").strip()
    if not reden:
        raise DomeinFout(
            "Geef de reden van het besluit.",
            code="reden_verplicht",
            velden={"reden": ["Verplicht."]},
        )
    if len(reden) > 255:
        raise DomeinFout(
            "De reden is te lang (hoogstens 255 tekens).",
            code="te_lang",
            velden={"reden": ["Hoogstens 255 tekens."]},
        )
    return reden


def _status(prestatie: Prestatie, naar: str, *, door: Gebruiker, reden: str) -> None:
    van = prestatie.status
    if naar not in PRESTATIE_TRANSITIES[van]:
        raise DomeinFout(
            f"Een prestatie met status {PrestatieStatus(van).label.lower()} kan niet naar "
            f"{PrestatieStatus(naar).label.lower()}.",
            code="statusovergang_ongeldig",
        )
    prestatie.status = naar
    PrestatieStatusWijziging.objects.create(
        prestatie=prestatie, van_status=van, naar_status=naar, reden=reden[:255], door=door
    )


@transaction.atomic
def prestatie_beoordelen(
    *, door: Gebruiker, prestatie: Prestatie, besluit: str, reden: str, retourcode: str = ""
) -> Prestatie:
    """Decide a held prestatie: ``besluit`` ``toekennen`` or ``afwijzen`` (with
    ``retourcode``). A rejection at or above the four-eyes threshold waits for
    :func:`prestatie_afwijzing_bevestigen` by another beoordelaar."""
    _eis_beoordelaar(door, prestatie)
    reden = _reden(reden)
    if besluit not in (TOEKENNEN, AFWIJZEN):
        raise DomeinFout(
            "Het besluit is 'toekennen' of 'afwijzen'.",
            code="besluit_ongeldig",
            velden={"besluit": ["Toekennen of afwijzen."]},
        )
    if besluit == AFWIJZEN and retourcode not in AFWIJZINGSCODES:
        raise DomeinFout(
            "Kies bij een afwijzing de retourcode van de regel die de prestatie overtreedt.",
            code="retourcode_ongeldig",
            velden={"retourcode": [f"Een van: {', '.join(sorted(AFWIJZINGSCODES))}."]},
        )
    prestatie = _vergrendel(prestatie)
    if prestatie.status != PrestatieStatus.IN_BEOORDELING or prestatie.besluit:
        raise DomeinFout(
            "Over deze prestatie is al besloten.",
            code="al_beoordeeld",
            details={"status": prestatie.status, "besluit": prestatie.besluit},
        )
    voor = momentopname(prestatie, velden=["status", "besluit", "toegekend_bedrag"])
    prestatie.besluit = besluit
    prestatie.besluit_reden = reden
    prestatie.beoordeeld_op = timezone.now()
    Prestatiebeoordelaars.objects.create(prestatie=prestatie, beoordeeld_door=door)
    velden = ["besluit", "besluit_reden", "beoordeeld_op", "status"]
    if besluit == TOEKENNEN:
        _status(prestatie, PrestatieStatus.TOEGEKEND, door=door, reden=reden)
        prestatie.toegekend_bedrag = prestatie.ingediend_bedrag
        velden.append("toegekend_bedrag")
    else:
        prestatie.besluit_retourcode = retourcode
        velden.append("besluit_retourcode")
        drempel = (
            Beoordelingsinstelling.objects.filter(
                gemeente_id=prestatie.declaratie.gemeente_id, wet=prestatie.declaratie.wet
            )
            .values_list("vier_ogen_drempel", flat=True)
            .first()
        )
        if drempel is None or prestatie.ingediend_bedrag < drempel:
            _afwijzen(prestatie, door=door, reden=reden)
            velden.append("retourcodes")
    prestatie.save(update_fields=velden)
    audit_vastleggen(
        gebruiker=door,
        actie=AuditActie.STATUS,
        obj=prestatie,
        voor=voor,
        na={
            **momentopname(prestatie, velden=["status", "besluit", "toegekend_bedrag"]),
            "reden": reden,
            "retourcode": retourcode,
        },
    )
    _afronden_als_klaar(prestatie.declaratie, door=door)
    return prestatie


@transaction.atomic
def prestatie_afwijzing_bevestigen(*, door: Gebruiker, prestatie: Prestatie) -> Prestatie:
    """Confirm a proposed rejection above the four-eyes threshold: only another beoordelaar
    than the one who proposed it (``vier_ogen``)."""
    _eis_beoordelaar(door, prestatie)
    prestatie = _vergrendel(prestatie)
    if prestatie.status != PrestatieStatus.IN_BEOORDELING or prestatie.besluit != AFWIJZEN:
        raise DomeinFout(
            "Er is geen voorgestelde afwijzing om te bevestigen.", code="niets_te_bevestigen"
        )
    beoordelaars = Prestatiebeoordelaars.objects.select_for_update().get(prestatie=prestatie)
    if beoordelaars.beoordeeld_door_id == door.pk:
        raise GeenToegang(
            "Een afwijzing boven de drempel wordt door een tweede beoordelaar bevestigd, niet "
            "door wie haar voorstelde.",
            code="vier_ogen",
        )
    beoordelaars.bevestigd_door = door
    beoordelaars.save(update_fields=["bevestigd_door"])
    _afwijzen(prestatie, door=door, reden=prestatie.besluit_reden)
    prestatie.save(update_fields=["status", "retourcodes"])
    audit_vastleggen(
        gebruiker=door,
        actie=AuditActie.STATUS,
        obj=prestatie,
        na={"status": prestatie.status, "bevestigd": True},
    )
    _afronden_als_klaar(prestatie.declaratie, door=door)
    return prestatie


def _afwijzen(prestatie: Prestatie, *, door: Gebruiker, reden: str) -> None:
    _status(prestatie, PrestatieStatus.AFGEWEZEN, door=door, reden=reden)
    prestatie.retourcodes = prestatie.besluit_retourcode


def _afronden_als_klaar(declaratie: Declaratie, *, door: Gebruiker) -> None:
    """Answer the declaration once no prestatie of it waits for review."""
    if declaratie.prestaties.filter(status=PrestatieStatus.IN_BEOORDELING).exists():
        return
    declaratie = Declaratie.objects.select_related("bericht", "invoer").get(pk=declaratie.pk)
    if declaratie.status != DeclaratieStatus.IN_BEOORDELING:
        return
    rijen = list(declaratie.prestaties.order_by("regelnummer"))
    model = _model_van(declaratie)
    _afronden(
        declaratie=declaratie,
        model=model,
        beoordeling=_beoordeling_uit_rijen(declaratie, model, rijen),
        rijen=rijen,
        uuids={},
        door=door,
    )


def _model_van(declaratie: Declaratie) -> Bericht323:
    """The declaration as the codec model again, read from its stored raw input."""
    if declaratie.kanaal == Kanaal.BERICHT:
        assert declaratie.bericht is not None
        model = parse(declaratie.bericht.inhoud_bytes())
    elif declaratie.kanaal == Kanaal.EXCEL:
        from declaraties.excel import lezen

        assert declaratie.invoer is not None
        model = lezen(bytes(declaratie.invoer.inhoud))
    else:
        assert declaratie.invoer is not None
        invoer = DeclaratieInvoerSerializer(data=json.loads(bytes(declaratie.invoer.inhoud)))
        invoer.is_valid(raise_exception=True)
        model = naar_bericht(
            invoer.validated_data,
            agb_code=declaratie.zorgaanbieder.agb_code,
            sleutel=declaratie.invoer.idempotentiesleutel,
        )
    assert isinstance(model, Bericht323)
    return model


def _beoordeling_uit_rijen(
    declaratie: Declaratie, model: Bericht323, rijen: list[Prestatie]
) -> Beoordeling:
    """The outcome as stored (after review), in the shape the 325 builder takes."""
    uitkomsten = []
    rij = iter(rijen)
    for ci, client in enumerate(model.declaratie.clienten):
        for pi, _p in enumerate(client.prestaties):
            prestatie = next(rij)
            toegekend = prestatie.status == PrestatieStatus.TOEGEKEND
            uitkomsten.append(
                PrestatieUitkomst(
                    client_index=ci,
                    prestatie_index=pi,
                    referentie_nummer=prestatie.referentienummer,
                    uitkomst=Uitkomst.TOEGEKEND if toegekend else Uitkomst.AFGEWEZEN,
                    bevindingen=tuple(
                        Bevinding(regel="", retourcode=c, klasse=Klasse.PRESTATIE, melding="")
                        for c in prestatie.retourcodes.split(",")
                        if c
                    ),
                    toegekend_bedrag=_euro(prestatie.toegekend_bedrag, prestatie.debet_credit)
                    if toegekend
                    else Decimal(0),
                )
            )
    clienten = {
        int(ci): tuple(
            Bevinding(regel="", retourcode=c, klasse=Klasse.CLIENT, melding="") for c in codes
        )
        for ci, codes in declaratie.clientcodes.items()
    }
    return Beoordeling(clienten=clienten, prestaties=tuple(uitkomsten))

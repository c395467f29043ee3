"""Helpers shared by the services of the berichtenbox: status transitions with their history
rows, the role check, findings as JSON."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from django.utils import timezone

from iwmo_jw.codec import Melding
from iwmo_jw.constants import (
    BERICHT_ROLLEN,
    INKOMEND_TRANSITIES,
    UITGAAND_TRANSITIES,
    BerichtStatus,
    UitgaandStatus,
)
from iwmo_jw.models import (
    InkomendBericht,
    InkomendBerichtStatusWijziging,
    UitgaandBericht,
    UitgaandBerichtStatusWijziging,
)
from kern.bijwerken import per_pk_bijwerken
from kern.exceptions import DomeinFout, GeenToegang
from kern.models import Gebruiker, Gemeente
from kern.vaste_query import VasteQuery


def kort(waarde: str, lengte: int) -> str:
    """Header values of a refused message can be anything; keep what fits the column."""
    return waarde[:lengte]


def meldingen_als_json(meldingen: list[Melding]) -> list[dict[str, Any]]:
    return [asdict(m) for m in meldingen]


def samenvatting(meldingen: list[Melding]) -> str:
    if not meldingen:
        return ""
    tekst = meldingen[0].melding
    if len(meldingen) > 1:
        tekst += f" (en {len(meldingen) - 1} andere bevinding{'en' if len(meldingen) > 2 else ''})"
    return tekst


def eis_berichtrol(door: Gebruiker | None) -> None:
    if door is not None and not door.heeft_rol(*BERICHT_ROLLEN):
        raise GeenToegang(
            "U heeft niet de rol die voor berichten nodig is (regisseur, beoordelaar of beheerder)."
        )


# --- Look-ups of every message (built once per process: kern.vaste_query) ---------------------

_GEMEENTE = VasteQuery(lambda code: Gemeente.objects.filter(code=code)[:1])
#: Inbound messages locked (in pk order), read with their gemeente; one or a batch's.
_INKOMENDE_VERGRENDELD = VasteQuery(
    lambda pks: (
        InkomendBericht.objects.select_for_update(of=("self",))
        .select_related("gemeente")
        .defer("inhoud")
        .filter(pk__any=pks)
        .order_by("pk")
    )
)


def inkomende_vergrendelen(pks: Sequence[int]) -> dict[int, InkomendBericht]:
    """Lock many inbound messages in one query (in pk order), read as
    :func:`inkomend_vergrendelen` reads one."""
    return {b.pk: b for b in _INKOMENDE_VERGRENDELD(pks=sorted(set(pks)))}


def gemeente_met_code(code: str) -> Gemeente | None:
    """The gemeente with this CBS code (unique), or None."""
    return _GEMEENTE.eerste(code=code)


def inkomend_vergrendelen(pk: int) -> InkomendBericht:
    """Lock an inbound message and read it with its gemeente (which a handler needs; not
    locked) but without its content (``inhoud`` loads on access)."""
    bericht = inkomende_vergrendelen([pk]).get(pk)
    if bericht is None:
        raise InkomendBericht.DoesNotExist(f"Inkomend bericht {pk} bestaat niet.")
    return bericht


# --- Status transitions ----------------------------------------------------------------------


def inkomend_status(
    bericht: InkomendBericht,
    naar: str,
    *,
    toelichting: str = "",
    door: Gebruiker | None = None,
) -> None:
    """Move ``bericht`` to ``naar`` (allowed transitions only) and write the history row.
    The caller saves the message. (A new message's first row: :func:`inkomend_ontvangen`.)"""
    inkomend_statuswijziging(bericht, naar, toelichting=toelichting, door=door).save(
        force_insert=True
    )


def inkomend_statuswijziging(
    bericht: InkomendBericht,
    naar: str,
    *,
    toelichting: str = "",
    door: Gebruiker | None = None,
) -> InkomendBerichtStatusWijziging:
    """:func:`inkomend_status` without saving the history row (for a caller that writes
    many together)."""
    van = bericht.status
    if naar not in INKOMEND_TRANSITIES[van]:
        raise DomeinFout(
            f"Een bericht met status {BerichtStatus(van).label.lower() if van else '(nieuw)'} "
            f"kan niet naar {BerichtStatus(naar).label.lower()}.",
            code="statusovergang_niet_toegestaan",
        )
    bericht.status = naar
    return InkomendBerichtStatusWijziging(
        bericht=bericht, van_status=van, naar_status=naar, toelichting=toelichting[:255], door=door
    )


def inkomend_verwerkt(berichten: Sequence[InkomendBericht]) -> None:
    """Mark locked, waiting messages processed (a handler's success, for one message or a
    batch's), in one update and one insert of history rows."""
    if not berichten:
        return
    nu = timezone.now()
    wijzigingen = [inkomend_statuswijziging(b, BerichtStatus.VERWERKT) for b in berichten]
    for bericht in berichten:
        bericht.verwerkt_op = nu
        bericht.verwerking_fout = ""
    InkomendBerichtStatusWijziging.objects.bulk_create(wijzigingen)
    per_pk_bijwerken(list(berichten), ["status", "verwerkt_op", "verwerking_fout"])


def inkomend_ontvangen(berichten: list[InkomendBericht], *, toelichting: str) -> None:
    """The first history row (status ontvangen) of messages just stored, in one insert."""
    InkomendBerichtStatusWijziging.objects.bulk_create(
        InkomendBerichtStatusWijziging(
            bericht=b, van_status="", naar_status=BerichtStatus.ONTVANGEN, toelichting=toelichting
        )
        for b in berichten
    )


def uitgaand_status(
    bericht: UitgaandBericht,
    naar: str,
    *,
    nieuw: bool = False,
    toelichting: str = "",
    door: Gebruiker | None = None,
) -> None:
    van = "" if nieuw else bericht.status
    if naar not in UITGAAND_TRANSITIES[van]:
        raise DomeinFout(
            f"Een uitgaand bericht met status "
            f"{UitgaandStatus(van).label.lower() if van else '(nieuw)'} kan niet naar "
            f"{UitgaandStatus(naar).label.lower()}.",
            code="statusovergang_niet_toegestaan",
        )
    bericht.status = naar
    UitgaandBerichtStatusWijziging.objects.create(
        bericht=bericht, van_status=van, naar_status=naar, toelichting=toelichting[:500], door=door
    )


def uitgaand_aangemaakt(berichten: Sequence[UitgaandBericht], *, door: Gebruiker | None) -> None:
    """Status ``aangemaakt`` with its first history row for outbound messages just stored, in
    one insert (as :func:`uitgaand_status` with ``nieuw`` would one by one)."""
    for bericht in berichten:
        bericht.status = UitgaandStatus.AANGEMAAKT
    UitgaandBerichtStatusWijziging.objects.bulk_create(
        UitgaandBerichtStatusWijziging(
            bericht=b, van_status="", naar_status=UitgaandStatus.AANGEMAAKT, door=door
        )
        for b in berichten
    )

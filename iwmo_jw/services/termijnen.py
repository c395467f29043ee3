"""Deadlines: opening a follow-up deadline, closing one without an answer, and signalling the
overdue ones once."""

from __future__ import annotations

import logging
from datetime import date

from django.db import transaction
from django.utils import timezone

from iwmo_jw.constants import TermijnSoort
from iwmo_jw.models import InkomendBericht, Termijn
from iwmo_jw.services._basis import eis_berichtrol
from iwmo_jw.signals import termijn_verstreken
from iwmo_jw.termijnen import VERVOLGTERMIJNEN
from kern.audit import audit_vastleggen
from kern.constants import AuditActie
from kern.exceptions import DomeinFout
from kern.models import Gebruiker
from kern.perioden import werkdagen_tussen
from kern.toegang import eis_gemeenten_in_scope

logger = logging.getLogger(__name__)


# --- Deadlines -------------------------------------------------------------------------------


def vervolgtermijn_openen(
    *, bericht: InkomendBericht, soort: TermijnSoort, begindatum: date, uiterste_datum: date
) -> Termijn:
    """Open a deadline that a decision on ``bericht`` starts (see
    :data:`iwmo_jw.termijnen.VERVOLGTERMIJNEN`: after "aanvraag in onderzoek" the definitive
    301 or 319 within eight weeks), closed like the others by the answer that meets it. Opened
    once per message and kind; again, it returns the one there is."""
    if soort not in VERVOLGTERMIJNEN.get(bericht.berichttype, {}):
        raise DomeinFout(
            f"Een {bericht.berichtnaam} kent geen termijn '{TermijnSoort(soort).label}'.",
            code="termijn_onbekend",
        )
    termijn, _nieuw = Termijn.objects.get_or_create(
        bericht=bericht,
        soort=soort,
        defaults={
            "begindatum": begindatum,
            "uiterste_datum": uiterste_datum,
            "werkdagen": werkdagen_tussen(begindatum, uiterste_datum),
        },
    )
    return termijn


@transaction.atomic
def termijn_laten_vervallen(
    *, termijn: Termijn, reden: str, door: Gebruiker | None = None
) -> Termijn:
    """Close an open deadline without an answer (e.g. a 316 that refused the 315, so no
    301 or 319 follows)."""
    eis_berichtrol(door)
    if not reden.strip():
        raise DomeinFout("Geef een reden op.", code="reden_verplicht")
    termijn = Termijn.objects.select_for_update().select_related("bericht").get(pk=termijn.pk)
    if door is not None and termijn.bericht.gemeente is not None:
        eis_gemeenten_in_scope(door, [termijn.bericht.gemeente])
    if termijn.gesloten_op is not None:
        raise DomeinFout("Deze termijn is al gesloten.", code="termijn_gesloten")
    termijn.gesloten_op = timezone.now()
    termijn.sluitreden = reden.strip()[:255]
    termijn.save(update_fields=["gesloten_op", "sluitreden"])
    audit_vastleggen(
        gebruiker=door,
        actie=AuditActie.GEWIJZIGD,
        obj=termijn,
        voor={"gesloten_op": None},
        na={"gesloten_op": termijn.gesloten_op, "sluitreden": termijn.sluitreden},
        toelichting=termijn.sluitreden,
    )
    return termijn


def verlopen_termijnen_signaleren(*, peildatum: date | None = None) -> int:
    """Send :data:`iwmo_jw.signals.termijn_verstreken` once for every open deadline whose
    last day lies before ``peildatum`` (default today). Each deadline is marked in its own
    transaction with a conditional update, so a second or concurrent run signals nothing
    twice. Returns how many were signalled."""
    dag = peildatum or timezone.localdate()
    ids = list(
        Termijn.objects.filter(
            gesloten_op__isnull=True, gesignaleerd_op__isnull=True, uiterste_datum__lt=dag
        )
        .order_by("uiterste_datum", "pk")
        .values_list("pk", flat=True)
    )
    aantal = 0
    for pk in ids:
        try:
            with transaction.atomic():
                gemarkeerd = Termijn.objects.filter(
                    pk=pk, gesloten_op__isnull=True, gesignaleerd_op__isnull=True
                ).update(gesignaleerd_op=timezone.now())
                if not gemarkeerd:
                    continue
                termijn = Termijn.objects.select_related("bericht").get(pk=pk)
                termijn_verstreken.send(sender=Termijn, termijn=termijn, bericht=termijn.bericht)
        except Exception as exc:
            logger.warning(
                "Signaleren van verlopen termijn %s mislukt (%s); volgende keer opnieuw.",
                pk,
                type(exc).__name__,
            )
            continue
        aantal += 1
    return aantal

"""A gemeente's settings for its declarations: which level-4 rules its agreements leave out
(per wet), and which prestaties are held for review. Only a beheerder of that gemeente changes
them; every change is audited."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from declaraties.models import Beoordelingsinstelling, RegelInstelling
from declaraties.regels import UITSCHAKELBAAR
from kern.audit import audit_vastleggen, momentopname
from kern.constants import AuditActie, Rol, Wet
from kern.exceptions import DomeinFout, GeenToegang
from kern.models import Gebruiker, Gemeente
from kern.toegang import eis_gemeenten_in_scope


def _eis_beheerder(door: Gebruiker, gemeente: Gemeente) -> None:
    if not door.heeft_rol(Rol.BEHEERDER):
        raise GeenToegang("Alleen een beheerder wijzigt de regelinstellingen van een gemeente.")
    eis_gemeenten_in_scope(door, [gemeente])


def _wet(wet: str) -> str:
    if wet not in Wet.values:
        raise DomeinFout("Onbekende wet.", code="wet_onbekend", velden={"wet": ["wmo of jw."]})
    return wet


@transaction.atomic
def regel_instellen(
    *,
    door: Gebruiker,
    gemeente: Gemeente,
    wet: str,
    regel: str,
    uitgeschakeld: bool,
    toelichting: str = "",
) -> RegelInstelling:
    """Switch a level-4 rule off (or on again) for a gemeente and wet. Only rules a bilateral
    agreement may leave out can be switched off (``regel_niet_uitschakelbaar``)."""
    _eis_beheerder(door, gemeente)
    wet = _wet(wet)
    if regel not in UITSCHAKELBAAR:
        raise DomeinFout(
            f"Regel {regel} kan niet worden uitgeschakeld. Wel: {', '.join(sorted(UITSCHAKELBAAR))}.",
            code="regel_niet_uitschakelbaar",
            velden={"regel": ["Niet uitschakelbaar."]},
        )
    if len(toelichting) > 255:
        raise DomeinFout("De toelichting is te lang.", code="te_lang")
    instelling = (
        RegelInstelling.objects.select_for_update()
        .filter(gemeente=gemeente, wet=wet, regel=regel)
        .first()
    )
    voor = momentopname(instelling) if instelling else None
    if instelling is None:
        instelling = RegelInstelling(gemeente=gemeente, wet=wet, regel=regel)
    instelling.uitgeschakeld = uitgeschakeld
    instelling.toelichting = toelichting
    instelling.save()
    audit_vastleggen(
        gebruiker=door,
        actie=AuditActie.GEWIJZIGD if voor else AuditActie.AANGEMAAKT,
        obj=instelling,
        voor=voor,
        na=momentopname(instelling),
    )
    return instelling


@transaction.atomic
def beoordelingsinstelling_vastleggen(
    *,
    door: Gebruiker,
    gemeente: Gemeente,
    wet: str,
    steekproef_percentage: Decimal = Decimal(0),
    bedrag_drempel: Decimal | None = None,
    afwijking_factor: Decimal | None = None,
    vier_ogen_drempel: Decimal | None = None,
) -> Beoordelingsinstelling:
    """Set which prestaties of a gemeente's declarations are held for review."""
    _eis_beheerder(door, gemeente)
    wet = _wet(wet)
    if not Decimal(0) <= steekproef_percentage <= Decimal(100):
        raise DomeinFout(
            "Het steekproefpercentage ligt tussen 0 en 100.",
            code="percentage_ongeldig",
            velden={"steekproef_percentage": ["Tussen 0 en 100."]},
        )
    if afwijking_factor is not None and afwijking_factor <= 1:
        raise DomeinFout(
            "De afwijkingsfactor is groter dan 1.",
            code="factor_ongeldig",
            velden={"afwijking_factor": ["Groter dan 1."]},
        )
    for naam, waarde in (
        ("bedrag_drempel", bedrag_drempel),
        ("vier_ogen_drempel", vier_ogen_drempel),
    ):
        if waarde is not None and waarde <= 0:
            raise DomeinFout(
                "Een drempel is een bedrag groter dan nul.",
                code="bedrag_niet_positief",
                velden={naam: ["Groter dan nul."]},
            )
    instelling = (
        Beoordelingsinstelling.objects.select_for_update()
        .filter(gemeente=gemeente, wet=wet)
        .first()
    )
    voor = momentopname(instelling) if instelling else None
    if instelling is None:
        instelling = Beoordelingsinstelling(gemeente=gemeente, wet=wet)
    instelling.steekproef_percentage = steekproef_percentage
    instelling.bedrag_drempel = bedrag_drempel
    instelling.afwijking_factor = afwijking_factor
    instelling.vier_ogen_drempel = vier_ogen_drempel
    instelling.full_clean()
    instelling.save()
    audit_vastleggen(
        gebruiker=door,
        actie=AuditActie.GEWIJZIGD if voor else AuditActie.AANGEMAAKT,
        obj=instelling,
        voor=voor,
        na=momentopname(instelling),
    )
    return instelling

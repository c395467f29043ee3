"""Writes of the kernel: users and their roles."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction

from kern.audit import audit_vastleggen, momentopname
from kern.constants import AuditActie, Rol
from kern.exceptions import DomeinFout, GeenToegang, van_validation_error
from kern.models import Gebruiker, Gemeente
from kern.toegang import eis_gemeenten_in_scope


@transaction.atomic
def gebruiker_aanmaken(
    *,
    gebruikersnaam: str,
    wachtwoord: str | None,
    rollen: Iterable[str],
    gemeenten: Iterable[Gemeente] = (),
    email: str = "",
    voornaam: str = "",
    achternaam: str = "",
    door: Gebruiker | None = None,
) -> Gebruiker:
    rollen = list(rollen)
    onbekend = set(rollen) - set(Rol.values)
    if onbekend:
        raise DomeinFout(f"Onbekende rol: {', '.join(sorted(onbekend))}.", code="rol_onbekend")
    if Gebruiker.objects.filter(username=gebruikersnaam).exists():
        raise DomeinFout("Deze gebruikersnaam bestaat al.", code="gebruiker_bestaat")
    gebruiker = Gebruiker(
        username=gebruikersnaam,
        email=email,
        first_name=voornaam,
        last_name=achternaam,
        is_staff=Rol.BEHEERDER in rollen,
    )
    if wachtwoord:
        gebruiker.set_password(wachtwoord)
    else:
        gebruiker.set_unusable_password()
    gebruiker.full_clean()
    gebruiker.save()
    gebruiker.groups.set([rol_groep(r) for r in rollen])
    gebruiker.gemeenten.set(list(gemeenten))
    gebruiker.vergeet_cache()
    audit_vastleggen(
        gebruiker=door,
        actie=AuditActie.AANGEMAAKT,
        obj=gebruiker,
        na={**momentopname(gebruiker, velden=["username", "email"]), "rollen": sorted(rollen)},
    )
    return gebruiker


def rol_groep(rol: str) -> Group:
    """The Django group for a role (created by migration kern 0002; created here if missing)."""
    groep, _ = Group.objects.get_or_create(name=rol)
    return groep


def _gebruiker_stand(gebruiker: Gebruiker) -> dict[str, Any]:
    return {
        **momentopname(
            gebruiker,
            velden=["username", "email", "first_name", "last_name", "is_active", "is_staff"],
        ),
        "rollen": sorted(
            n for n in gebruiker.groups.values_list("name", flat=True) if n in Rol.values
        ),
        "gemeenten": sorted(gebruiker.gemeenten.values_list("code", flat=True)),
    }


@transaction.atomic
def gebruiker_wijzigen(
    *,
    door: Gebruiker | None,
    gebruiker: Gebruiker,
    rollen: Iterable[str] | None = None,
    gemeenten: Iterable[Gemeente] | None = None,
    email: str | None = None,
    voornaam: str | None = None,
    achternaam: str | None = None,
    actief: bool | None = None,
) -> Gebruiker:
    """Change a user's details, roles and gemeenten. ``is_staff`` follows the beheerder role.
    A beheerder may only hand out gemeenten within their own scope. Audited when anything
    changed; an unchanged call writes nothing."""
    gebruiker = Gebruiker.objects.select_for_update().get(pk=gebruiker.pk)
    voor = _gebruiker_stand(gebruiker)
    for veld, waarde in (
        ("email", email),
        ("first_name", voornaam),
        ("last_name", achternaam),
        ("is_active", actief),
    ):
        if waarde is not None:
            setattr(gebruiker, veld, waarde)
    nieuwe_rollen = None if rollen is None else sorted(set(rollen))
    if nieuwe_rollen is not None:
        onbekend = set(nieuwe_rollen) - set(Rol.values)
        if onbekend:
            raise DomeinFout(f"Onbekende rol: {', '.join(sorted(onbekend))}.", code="rol_onbekend")
        if not gebruiker.is_superuser:
            gebruiker.is_staff = Rol.BEHEERDER in nieuwe_rollen
    nieuwe_gemeenten = None if gemeenten is None else list(gemeenten)
    if nieuwe_gemeenten is not None and door is not None:
        eis_gemeenten_in_scope(door, nieuwe_gemeenten)
    try:
        gebruiker.full_clean()
    except ValidationError as exc:
        raise van_validation_error(exc) from exc
    gebruiker.save()
    if nieuwe_rollen is not None:
        gebruiker.groups.set([rol_groep(r) for r in nieuwe_rollen])
    if nieuwe_gemeenten is not None:
        gebruiker.gemeenten.set(nieuwe_gemeenten)
    gebruiker.vergeet_cache()
    na = _gebruiker_stand(gebruiker)
    if na != voor:
        audit_vastleggen(
            gebruiker=door, actie=AuditActie.GEWIJZIGD, obj=gebruiker, voor=voor, na=na
        )
    return gebruiker


@transaction.atomic
def gemeenten_aansluiten(
    *, door: Gebruiker | None, gemeenten: Iterable[Gemeente], aangesloten: bool = True
) -> list[Gemeente]:
    """Mark gemeenten as served (or no longer served) by this installation; audited per
    gemeente that changes. Messages addressed to a gemeente that is not served are refused."""
    if door is not None and not door.is_superuser:
        raise GeenToegang("Alleen de systeembeheerder sluit gemeenten aan.")
    gewijzigd = []
    for gemeente in (
        Gemeente.objects.select_for_update().filter(pk__in=[g.pk for g in gemeenten]).order_by("pk")
    ):
        if gemeente.aangesloten == aangesloten:
            continue
        gemeente.aangesloten = aangesloten
        gemeente.save(update_fields=["aangesloten"])
        audit_vastleggen(
            gebruiker=door,
            actie=AuditActie.GEWIJZIGD,
            obj=gemeente,
            voor={"aangesloten": not aangesloten},
            na={"aangesloten": aangesloten},
        )
        gewijzigd.append(gemeente)
    return gewijzigd

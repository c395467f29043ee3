"""Writes of the kernel: users and their roles."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.db import transaction

from kern.audit import audit_vastleggen, momentopname
from kern.constants import AuditActie, Rol
from kern.exceptions import DomeinFout
from kern.models import Gebruiker, Gemeente


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

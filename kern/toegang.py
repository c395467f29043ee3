"""Scoping helpers: which gemeenten a user acts for. Provider scoping lives in contracten."""

from __future__ import annotations

from django.db.models import Q

from kern.constants import Rol
from kern.exceptions import DomeinFout
from kern.models import Gebruiker, Gemeente


def ziet_alles(gebruiker: Gebruiker) -> bool:
    """Superusers see every municipality (system administration)."""
    return bool(gebruiker.is_superuser)


def is_gemeentegebruiker(gebruiker: Gebruiker) -> bool:
    return ziet_alles(gebruiker) or (
        bool(gebruiker.rollen() - {Rol.ZORGAANBIEDER.value}) and bool(gebruiker.gemeente_ids())
    )


def gemeente_filter(gebruiker: Gebruiker, veld: str = "gemeente") -> Q:
    """A Q that keeps rows whose ``veld`` (a Gemeente FK or M2M) is in the user's scope."""
    if ziet_alles(gebruiker):
        return Q()
    return Q(**{f"{veld}__in": gebruiker.gemeente_ids()})


def gemeente_in_scope(gebruiker: Gebruiker, gemeente: Gemeente) -> bool:
    return ziet_alles(gebruiker) or gemeente.pk in gebruiker.gemeente_ids()


def eis_gemeenten_in_scope(gebruiker: Gebruiker, gemeenten: list[Gemeente]) -> None:
    """Refuse when any of ``gemeenten`` is outside the user's scope.

    The message says "unknown or outside your scope", so it never confirms that a gemeente
    exists in another scope.
    """
    buiten = [g for g in gemeenten if not gemeente_in_scope(gebruiker, g)]
    if buiten:
        raise DomeinFout(
            "Gemeente onbekend of buiten uw bevoegdheid: "
            + ", ".join(sorted(g.code for g in buiten))
            + ".",
            code="gemeente_buiten_bevoegdheid",
        )

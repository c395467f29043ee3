"""API permissions. Scope (own provider, own gemeenten) is the selectors' job and answers
404; these classes only decide whether a role may write at all (403)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotAuthenticated
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from kern.constants import Rol
from kern.models import Gebruiker


def huidige_gebruiker(request: Request) -> Gebruiker:
    """The signed-in user of ``request`` (views behind ``IsAuthenticated`` always have one)."""
    gebruiker = request.user
    if not isinstance(gebruiker, Gebruiker) or not gebruiker.is_authenticated:
        raise NotAuthenticated()
    return gebruiker


class SchrijvenAlleenInkoperOfBeheerder(BasePermission):
    """Reads for every signed-in user; writes only for the roles inkoper and beheerder.

    The services check the role again: this class only makes the refusal happen before
    any input is read, and documents it."""

    rollen: tuple[str, ...] = (Rol.INKOPER, Rol.BEHEERDER)
    message = _("U heeft niet de rol die voor deze actie nodig is (inkoper of beheerder).")

    def has_permission(self, request: Request, view: Any) -> bool:
        gebruiker = request.user
        if not isinstance(gebruiker, Gebruiker) or not gebruiker.is_authenticated:
            return False
        if request.method in SAFE_METHODS:
            return True
        return gebruiker.heeft_rol(*self.rollen)

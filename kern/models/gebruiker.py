from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from kern.constants import Rol


class Gebruiker(AbstractUser):
    """A user. Roles are Django groups named after :class:`kern.constants.Rol`.

    A municipal user belongs to one or more gemeenten; a zorgaanbieder user is linked to one
    provider through ``contracten.ZorgaanbiederGebruiker`` (kern does not know providers).
    """

    gemeenten = models.ManyToManyField(
        "kern.Gemeente",
        blank=True,
        related_name="gebruikers",
        verbose_name=_("gemeenten"),
        help_text=_("De gemeenten waarvan deze gebruiker gegevens ziet en beheert."),
    )

    class Meta:
        verbose_name = _("gebruiker")
        verbose_name_plural = _("gebruikers")

    def rollen(self) -> frozenset[str]:
        """The user's role names; cached on the instance (one query per request at most)."""
        cached: frozenset[str] | None = getattr(self, "_rollen_cache", None)
        if cached is None:
            cached = frozenset(
                naam for naam in self.groups.values_list("name", flat=True) if naam in Rol.values
            )
            self._rollen_cache = cached
        return cached

    def heeft_rol(self, *rollen: str) -> bool:
        if self.is_superuser:
            return True
        return bool(self.rollen() & set(rollen))

    def gemeente_ids(self) -> frozenset[int]:
        cached: frozenset[int] | None = getattr(self, "_gemeente_ids_cache", None)
        if cached is None:
            cached = frozenset(self.gemeenten.values_list("id", flat=True))
            self._gemeente_ids_cache = cached
        return cached

    def vergeet_cache(self) -> None:
        for attr in ("_rollen_cache", "_gemeente_ids_cache", "_zorgaanbieder_id_cache"):
            self.__dict__.pop(attr, None)

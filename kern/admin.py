"""Admin of the kernel, and the base every admin of the project builds on.

The admin is a beheerder's tool, not a second way around the rules: every write of a domain
object calls its service, and a refused action (:class:`~kern.exceptions.DomeinFout`) comes
back as an error on the form instead of a server error. Nothing is deleted here.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm, UsernameField
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from kern.constants import Rol
from kern.exceptions import DomeinFout
from kern.models import AuditRecord, Gebruiker, Gemeente
from kern.services import gebruiker_aanmaken, gebruiker_wijzigen

admin.site.site_header = _("Geldstromen sociaal domein — beheer")
admin.site.site_title = _("Geldstromen beheer")
admin.site.index_title = _("Beheer")

_FOUT_SLEUTEL = "_kern_admin_dienstfout"


def actor(request: HttpRequest) -> Gebruiker:
    """The acting user of an admin request (the admin only lets authenticated staff in)."""
    gebruiker = request.user
    if not isinstance(gebruiker, Gebruiker):
        raise PermissionDenied
    return gebruiker


def neem_over(obj: Model, opgeslagen: Model) -> None:
    """Make the admin's unsaved ``obj`` the row a service saved, so the admin's logging and
    redirect after saving point at it."""
    obj.__dict__.pop("_prefetched_objects_cache", None)
    obj.__dict__.update(opgeslagen.__dict__)


class DienstFoutOpgevangen(Exception):
    """A service refused the save; carries the :class:`DomeinFout` out of the admin's
    transaction so that it rolls back, after which the form is shown again with the error."""

    def __init__(self, fout: DomeinFout, bron: str | None) -> None:
        super().__init__(fout.bericht)
        self.fout = fout
        self.bron = bron

    def op_formulier(self, form: forms.BaseForm) -> None:
        """Field messages go to their field when the form shows it; the rest, or the whole
        message when no field is named, goes above the form."""
        if self.bron is not None:
            form.add_error(None, f"{self.bron}: {self.fout.bericht}")
            return
        overig: list[str] = []
        for veld, berichten in self.fout.velden.items():
            if veld in form.fields and not form.fields[veld].disabled:
                for bericht in berichten:
                    form.add_error(veld, bericht)
            else:
                overig += berichten
        if not self.fout.velden:
            overig = [self.fout.bericht]
        for bericht in overig:
            form.add_error(None, bericht)


class DienstModelAdmin(admin.ModelAdmin):
    """A ModelAdmin whose ``save_model``/``save_related`` call services.

    Wrap each service call in ``with self.dienst():``. A :class:`DomeinFout` then aborts the
    save (the admin's transaction rolls back, so nothing is half-written) and the same POST
    is shown again with the Dutch message as a form error. Deleting is off everywhere:
    financial rows are corrected, never removed.
    """

    @contextmanager
    def dienst(self, bron: str | None = None) -> Iterator[None]:
        try:
            yield
        except DomeinFout as fout:
            raise DienstFoutOpgevangen(fout, bron) from fout

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DienstFoutOpgevangen as opgevangen:
            # The admin's atomic block has rolled back; validate the same POST again with
            # the service's error attached to the form, which is then shown, not saved.
            request.__dict__[_FOUT_SLEUTEL] = opgevangen
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm[Any]]:
        form_class = super().get_form(request, obj, change=change, **kwargs)
        opgevangen: DienstFoutOpgevangen | None = request.__dict__.get(_FOUT_SLEUTEL)
        if opgevangen is None or request.method != "POST":
            return form_class

        def clean(form: forms.ModelForm[Any]) -> dict[str, Any] | None:
            cleaned = form_class.clean(form)
            opgevangen.op_formulier(form)
            return cleaned

        return cast(
            "type[forms.ModelForm[Any]]",
            type(form_class.__name__, (form_class,), {"clean": clean}),
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def formfield_for_foreignkey(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> forms.ModelChoiceField | None:
        """A gemeente is chosen from the acting user's own gemeenten (the services refuse the
        others anyway; the form should not offer them)."""
        if db_field.name == "gemeente":
            kwargs["queryset"] = gemeenten_van(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class AlleenLezenAdmin(DienstModelAdmin):
    """Rows that come from code lists or are written as history: view only."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def gemeenten_van(request: HttpRequest) -> QuerySet[Gemeente]:
    """The gemeenten the acting user may choose (all for a superuser)."""
    gebruiker = actor(request)
    if gebruiker.is_superuser:
        return Gemeente.objects.all()
    return Gemeente.objects.filter(pk__in=gebruiker.gemeente_ids())


# --- Gemeente ------------------------------------------------------------------------------


@admin.register(Gemeente)
class GemeenteAdmin(AlleenLezenAdmin):
    """Gemeenten come from the CBS list (data migration); the admin only shows them."""

    list_display = ("naam", "code", "provincie", "actief")
    list_filter = ("actief", "provincie")
    search_fields = ("naam", "=code")
    ordering = ("naam",)


# --- Gebruiker -----------------------------------------------------------------------------


class GebruikerWijzigForm(UserChangeForm):
    class Meta:
        model = Gebruiker
        fields = "__all__"
        field_classes = {"username": UsernameField}


class GebruikerAanmaakForm(AdminUserCreationForm):
    class Meta:
        model = Gebruiker
        fields = ("username",)
        field_classes = {"username": UsernameField}


@admin.register(Gebruiker)
class GebruikerAdmin(DienstModelAdmin, UserAdmin):
    """Users with their roles (groups) and gemeenten. ``is_staff`` follows the beheerder role;
    superuser status and loose permissions are not handed out here."""

    form = GebruikerWijzigForm
    add_form = GebruikerAanmaakForm
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Persoonlijke gegevens"), {"fields": ("first_name", "last_name", "email")}),
        (_("Rollen en gemeenten"), {"fields": ("groups", "gemeenten")}),
        (_("Status"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Belangrijke datums"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "usable_password", "password1", "password2"),
            },
        ),
        (_("Persoonlijke gegevens"), {"fields": ("first_name", "last_name", "email")}),
        (_("Rollen en gemeenten"), {"fields": ("groups", "gemeenten")}),
    )
    list_display = (
        "username",
        "first_name",
        "last_name",
        "email",
        "rollen_weergave",
        "gemeenten_weergave",
        "is_active",
    )
    list_filter = ("is_active", "groups", ("gemeenten", admin.RelatedOnlyFieldListFilter))
    search_fields = ("username", "first_name", "last_name", "email")
    filter_horizontal = ("groups", "gemeenten")
    readonly_fields = ("is_staff", "last_login", "date_joined")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        velden = list(super().get_readonly_fields(request, obj))
        if not actor(request).is_superuser:
            velden.append("is_superuser")
        return velden

    def get_queryset(self, request: HttpRequest) -> QuerySet[Gebruiker]:
        qs = super().get_queryset(request).prefetch_related("groups", "gemeenten")
        gebruiker = actor(request)
        if gebruiker.is_superuser:
            return qs
        # Users of the beheerder's gemeenten, and users without any (provider users, new
        # users); never a superuser.
        zichtbaar = Gebruiker.objects.filter(
            Q(gemeenten__in=gebruiker.gemeente_ids()) | Q(gemeenten__isnull=True),
            is_superuser=False,
        ).values("pk")
        return qs.filter(pk__in=zichtbaar)

    def formfield_for_manytomany(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> forms.ModelMultipleChoiceField | None:
        if db_field.name == "groups":
            kwargs["queryset"] = Group.objects.filter(name__in=Rol.values).order_by("name")
        elif db_field.name == "gemeenten":
            kwargs["queryset"] = gemeenten_van(request)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description=_("rollen"))
    def rollen_weergave(self, obj: Gebruiker) -> str:
        return ", ".join(sorted(g.name for g in obj.groups.all()))

    @admin.display(description=_("gemeenten"))
    def gemeenten_weergave(self, obj: Gebruiker) -> str:
        return ", ".join(sorted(g.naam for g in obj.gemeenten.all()))

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            return  # gebruiker_wijzigen runs in save_related, with the roles and gemeenten
        data = form.cleaned_data
        with self.dienst():
            gebruiker = gebruiker_aanmaken(
                gebruikersnaam=data["username"],
                wachtwoord=data.get("password1") if data.get("set_usable_password") else None,
                rollen=[g.name for g in data.get("groups") or []],
                gemeenten=list(data.get("gemeenten") or []),
                email=data.get("email", ""),
                voornaam=data.get("first_name", ""),
                achternaam=data.get("last_name", ""),
                door=actor(request),
            )
        neem_over(obj, gebruiker)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        if not change:
            return  # gebruiker_aanmaken has set roles and gemeenten
        data = form.cleaned_data
        with self.dienst():
            gebruiker_wijzigen(
                door=actor(request),
                gebruiker=form.instance,
                rollen=[g.name for g in data["groups"]] if "groups" in data else None,
                gemeenten=list(data["gemeenten"]) if "gemeenten" in data else None,
                email=data.get("email"),
                voornaam=data.get("first_name"),
                achternaam=data.get("last_name"),
                actief=data.get("is_active"),
            )


# --- Audit log -----------------------------------------------------------------------------


@admin.register(AuditRecord)
class AuditRecordAdmin(AlleenLezenAdmin):
    list_display = ("tijdstip", "actie", "content_type", "object_omschrijving", "gebruiker")
    list_filter = ("actie", "content_type")
    list_select_related = ("gebruiker", "content_type")
    search_fields = ("object_omschrijving", "=object_id", "toelichting")
    date_hierarchy = "tijdstip"
    fields = (
        "tijdstip",
        "gebruiker",
        "actie",
        "content_type",
        "object_id",
        "object_omschrijving",
        "toelichting",
        "voor",
        "na",
    )

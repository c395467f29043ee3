"""Role groups and their model permissions, set up after every migrate."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission

from kern.constants import Rol
from kern.rechten import _laatste_app_met_modellen, na_migratie, rollen_inrichten

pytestmark = pytest.mark.django_db

CONTRACTEN_MODELLEN = {m._meta.model_name for m in apps.get_app_config("contracten").get_models()}
BEKENDE_MODELLEN = {
    "bestedingsruimte",
    "contract",
    "contractstatuswijziging",
    "contractversie",
    "product",
    "productcategorie",
    "slanorm",
    "tariefperiode",
    "zorgaanbieder",
    "zorgaanbiedergebruiker",
}


def rechten(rol: str) -> set[str]:
    groep = Group.objects.get(name=rol)
    return {
        f"{app}.{codename}"
        for app, codename in groep.permissions.values_list("content_type__app_label", "codename")
    }


def contracten(*acties: str) -> set[str]:
    return {f"contracten.{actie}_{model}" for actie in acties for model in CONTRACTEN_MODELLEN}


def inkoop(*acties: str) -> set[str]:
    return {
        f"inkoop.{codename}"
        for codename in Permission.objects.filter(content_type__app_label="inkoop").values_list(
            "codename", flat=True
        )
        if codename.split("_", 1)[0] in acties
    }


def declaraties(*acties: str, modellen: tuple[str, ...] | None = None) -> set[str]:
    return {
        f"declaraties.{codename}"
        for codename in Permission.objects.filter(
            content_type__app_label="declaraties"
        ).values_list("codename", flat=True)
        if codename.split("_", 1)[0] in acties
        and (modellen is None or codename.split("_", 1)[1] in modellen)
    }


def test_de_gemigreerde_database_heeft_een_groep_per_rol_met_rechten():
    """pytest-django migrated the test database: the post_migrate receiver has run."""
    assert BEKENDE_MODELLEN <= CONTRACTEN_MODELLEN
    assert set(Group.objects.values_list("name", flat=True)) >= set(Rol.values)
    assert rechten(Rol.INKOPER) == contracten("view", "add", "change") | inkoop(
        "view", "add", "change"
    )
    assert rechten(Rol.ZORGAANBIEDER) == contracten("view") | inkoop("view")
    assert rechten(Rol.REGISSEUR) == contracten("view") | inkoop("view") | declaraties("view")
    # The beoordelaar also sees the payment batches it approves, and the declarations.
    assert rechten(Rol.BEOORDELAAR) == contracten("view") | inkoop("view") | declaraties("view") | {
        "financien.view_betaalbatch",
        "financien.view_betaalbatchbetaling",
        "financien.view_betaalbatchstatuswijziging",
    }
    financien_bekijken = {
        f"financien.{codename}"
        for codename in Permission.objects.filter(
            content_type__app_label="financien", codename__startswith="view_"
        ).values_list("codename", flat=True)
    }
    extra = (
        {
            "financien.add_budgetpost",
            "financien.add_budgetposttoewijzingsregel",
            "financien.change_budgetposttoewijzingsregel",
            "financien.add_betaalrekening",
            "financien.change_betaalrekening",
            "financien.add_signaleringsdrempel",
            "financien.change_signaleringsdrempel",
        }
        if financien_bekijken
        else set()
    )
    assert rechten(Rol.BUDGETHOUDER) == contracten("view") | inkoop(
        "view"
    ) | financien_bekijken | extra | declaraties("view")


def test_beheerder_beheert_kern_en_contracten_en_ziet_groepen_en_tokens():
    kern_en_contracten = {
        f"{app}.{codename}"
        for app, codename in Permission.objects.filter(
            content_type__app_label__in=["kern", "contracten", "inkoop"]
        ).values_list("content_type__app_label", "codename")
    }
    assert contracten("add", "change", "delete", "view") <= kern_en_contracten
    assert {"kern.change_gebruiker", "kern.view_auditrecord"} <= kern_en_contracten
    alleen_bekijken = {
        f"{app}.{codename}"
        for app, codename in Permission.objects.filter(
            content_type__app_label__in=["iwmo_jw", "financien"], codename__startswith="view_"
        ).values_list("content_type__app_label", "codename")
    }
    assert rechten(Rol.BEHEERDER) == kern_en_contracten | alleen_bekijken | {
        "financien.add_betaalrekening",
        "financien.change_betaalrekening",
        "financien.add_signaleringsdrempel",
        "financien.change_signaleringsdrempel",
        "auth.view_group",
        "authtoken.add_token",
        "authtoken.view_token",
        "authtoken.delete_token",
        "authtoken.add_tokenproxy",
        "authtoken.view_tokenproxy",
        "authtoken.delete_tokenproxy",
    } | declaraties("view") | declaraties(
        "add", "change", modellen=("beoordelingsinstelling", "regelinstelling")
    )


def test_rollen_inrichten_is_idempotent():
    voor = {rol: rechten(rol) for rol in Rol.values}
    groepen = Group.objects.count()
    assert rollen_inrichten() == dict.fromkeys(Rol.values, 0)
    assert rollen_inrichten() == dict.fromkeys(Rol.values, 0)
    assert {rol: rechten(rol) for rol in Rol.values} == voor
    assert Group.objects.count() == groepen


def test_rollen_inrichten_herstelt_ontbrekende_groep_en_rechten():
    Group.objects.get(name=Rol.REGISSEUR).delete()
    Group.objects.get(name=Rol.INKOPER).permissions.clear()
    toegekend = rollen_inrichten()
    assert toegekend[Rol.REGISSEUR] == len(
        contracten("view") | inkoop("view") | declaraties("view")
    )
    assert toegekend[Rol.INKOPER] == len(
        contracten("view", "add", "change") | inkoop("view", "add", "change")
    )
    assert toegekend[Rol.BEHEERDER] == 0
    assert rechten(Rol.REGISSEUR) == contracten("view") | inkoop("view") | declaraties("view")
    assert rechten(Rol.INKOPER) == contracten("view", "add", "change") | inkoop(
        "view", "add", "change"
    )


def test_rollen_inrichten_laat_handmatige_extra_rechten_staan():
    extra = Permission.objects.get(content_type__app_label="kern", codename="view_gemeente")
    Group.objects.get(name=Rol.REGISSEUR).permissions.add(extra)
    rollen_inrichten()
    assert rechten(Rol.REGISSEUR) == contracten("view") | inkoop("view") | declaraties("view") | {
        "kern.view_gemeente"
    }


def test_post_migrate_ontvanger_werkt_alleen_na_de_laatste_app():
    Group.objects.get(name=Rol.INKOPER).permissions.clear()
    eerste = next(c for c in apps.get_app_configs() if c.models_module is not None)
    laatste = _laatste_app_met_modellen()
    assert laatste is not None and eerste is not laatste
    na_migratie(sender=eerste, apps=apps, using="default")
    assert rechten(Rol.INKOPER) == set()
    na_migratie(sender=laatste, apps=apps, using="default")
    assert rechten(Rol.INKOPER) == contracten("view", "add", "change") | inkoop(
        "view", "add", "change"
    )

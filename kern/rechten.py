"""Role permissions: one Django group per :class:`kern.constants.Rol` with its model permissions.

The groups carry Django model permissions (``<app>.<action>_<model>``), which the admin and
any permission-based view check. What a role may do with a domain object beyond that (scope,
status rules) is decided by the services.

:func:`rollen_inrichten` runs after every ``migrate`` (connected in ``KernConfig.ready``), so a
fresh database has working roles. It only *grants*: permissions an administrator added to a
group by hand stay.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.apps import AppConfig
from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.contrib.auth import get_permission_codename
from django.db import DEFAULT_DB_ALIAS

from kern.codelijsten import gemeenten_laden, productcategorieen_laden
from kern.constants import Rol

#: Apps whose models a beheerder manages completely.
BEHEERDER_APPS = ("kern", "contracten", "inkoop")
#: Apps whose rows a beheerder only views: services write them (berichtenbox, ledger).
BEHEERDER_ALLEEN_LEZEN_APPS = ("iwmo_jw", "financien")
#: Extra permissions of a beheerder outside those apps, as (app_label, model, actions).
BEHEERDER_EXTRA: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("auth", "group", ("view",)),
    ("authtoken", "token", ("add", "view", "delete")),
    # The DRF admin registers tokens through this proxy; proxy models have their own
    # permissions since Django 2.2.
    ("authtoken", "tokenproxy", ("add", "view", "delete")),
)
#: Actions on contracten models per role (beheerder: see above).
CONTRACTEN_ACTIES: dict[str, tuple[str, ...]] = {
    Rol.INKOPER: ("view", "add", "change"),
    Rol.REGISSEUR: ("view",),
    Rol.ZORGAANBIEDER: ("view",),
    Rol.BEOORDELAAR: ("view",),
    Rol.BUDGETHOUDER: ("view",),
}

ALLE_ACTIES = ("add", "change", "delete", "view")


def _model_rechten(apps: Apps, app_label: str, acties: Iterable[str]) -> set[tuple[str, str]]:
    """(app_label, codename) of ``acties`` on every model of ``app_label`` known to ``apps``."""
    try:
        config = apps.get_app_config(app_label)
    except LookupError:
        return set()
    return {
        (app_label, get_permission_codename(actie, model._meta))
        for model in config.get_models()
        for actie in acties
    }


def gewenste_rechten(apps: Apps = global_apps) -> dict[str, set[tuple[str, str]]]:
    """Per role name the (app_label, codename) pairs it should hold."""
    gewenst: dict[str, set[tuple[str, str]]] = {}
    beheerder: set[tuple[str, str]] = set()
    for app_label in BEHEERDER_APPS:
        beheerder |= _model_rechten(apps, app_label, ALLE_ACTIES)
    for app_label in BEHEERDER_ALLEEN_LEZEN_APPS:
        beheerder |= _model_rechten(apps, app_label, ("view",))
    for app_label, model, acties in BEHEERDER_EXTRA:
        beheerder |= {(app_label, f"{actie}_{model}") for actie in acties}
    gewenst[Rol.BEHEERDER] = beheerder
    for rol, acties in CONTRACTEN_ACTIES.items():
        # Procurement follows the contracts it produces: the same actions per role.
        gewenst[rol] = _model_rechten(apps, "contracten", acties) | _model_rechten(
            apps, "inkoop", acties
        )
    # The budget holder reads the ledger and keeps budget posts and their mapping rules.
    gewenst[Rol.BUDGETHOUDER] |= _model_rechten(apps, "financien", ("view",)) | {
        (app, codename)
        for app, codename in (
            ("financien", "add_budgetpost"),
            ("financien", "add_budgetposttoewijzingsregel"),
            ("financien", "change_budgetposttoewijzingsregel"),
            ("financien", "add_betaalrekening"),
            ("financien", "change_betaalrekening"),
            ("financien", "add_signaleringsdrempel"),
            ("financien", "change_signaleringsdrempel"),
        )
        if _model_rechten(apps, "financien", ("view",))
    }
    # The beoordelaar approves payment batches; the beheerder may keep the payment account.
    gewenst[Rol.BEOORDELAAR] |= {
        ("financien", f"view_{model}")
        for model in ("betaalbatch", "betaalbatchbetaling", "betaalbatchstatuswijziging")
    }
    gewenst[Rol.BEHEERDER] |= {
        ("financien", "add_betaalrekening"),
        ("financien", "change_betaalrekening"),
    }
    # Alert thresholds are rule configuration of a gemeente: budgethouder (above) and beheerder.
    gewenst[Rol.BEHEERDER] |= {
        ("financien", "add_signaleringsdrempel"),
        ("financien", "change_signaleringsdrempel"),
    }
    # declaraties: every municipal role reads; the beheerder sets the review settings and
    # the switched-off rules (through their services).
    declaraties_lezen = _model_rechten(apps, "declaraties", ("view",))
    for rol in (Rol.BEOORDELAAR, Rol.BUDGETHOUDER, Rol.REGISSEUR, Rol.BEHEERDER):
        gewenst[rol] |= declaraties_lezen
    gewenst[Rol.BEHEERDER] |= {
        ("declaraties", f"{actie}_{model}")
        for actie in ("add", "change")
        for model in ("beoordelingsinstelling", "regelinstelling")
        if declaraties_lezen
    }
    return gewenst


def rollen_inrichten(*, apps: Apps = global_apps, using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    """Ensure one group per role holding at least its permissions. Idempotent.

    Permissions that do not exist (an app not installed, or not yet migrated) are skipped.
    Returns per role how many permissions were newly granted (all zero on a second run).
    """
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    gewenst = gewenste_rechten(apps)
    app_labels = {app for paren in gewenst.values() for app, _ in paren}
    bestaand = {
        (app_label, codename): pk
        for pk, app_label, codename in permission_model.objects.using(using)
        .filter(content_type__app_label__in=app_labels)
        .values_list("pk", "content_type__app_label", "codename")
    }
    toegekend: dict[str, int] = {}
    for rol in Rol.values:
        groep, _ = group_model.objects.using(using).get_or_create(name=rol)
        ids = {bestaand[paar] for paar in gewenst.get(rol, set()) if paar in bestaand}
        heeft = set(groep.permissions.values_list("pk", flat=True))
        nieuw = ids - heeft
        if nieuw:
            groep.permissions.add(*sorted(nieuw))
        toegekend[rol] = len(nieuw)
    return toegekend


def _laatste_app_met_modellen() -> AppConfig | None:
    configs = [c for c in global_apps.get_app_configs() if c.models_module is not None]
    return configs[-1] if configs else None


def na_migratie(sender: AppConfig, **kwargs: Any) -> None:
    """``post_migrate`` receiver: reload missing code lists, and set up the roles once,
    after the last app's signal.

    Django sends ``post_migrate`` once per app with models, in INSTALLED_APPS order, and
    creates each app's permissions in its own receiver; by the last app's signal every
    permission exists.
    """
    apps = kwargs.get("apps") or global_apps
    using = kwargs.get("using", DEFAULT_DB_ALIAS)
    if sender.label == "kern":
        # Reference data a flush removes (transactional tests) comes back, idempotently.
        gemeenten_laden(apps.get_model("kern", "Gemeente"), using=using)
    elif sender.label == "contracten":
        productcategorieen_laden(apps.get_model("contracten", "Productcategorie"), using=using)
    laatste = _laatste_app_met_modellen()
    if laatste is None or sender.label != laatste.label:
        return
    rollen_inrichten(apps=apps, using=using)

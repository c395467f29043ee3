"""Procurement: inkooptrajecten (with their status table) and percelen with their products.
Submissions and admissions are in :mod:`inkoop.services.inschrijvingen`.

Every function is one transaction with audit records; ``door`` is the acting user (None for
system work, which bypasses role checks but not the rules). Locks are taken in a fixed order:
traject, then inschrijving, then (inside the contracten services) contract.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q

from contracten.models import Product
from inkoop.constants import (
    TRAJECT_TRANSITIES,
    InschrijvingStatus,
    Procedure,
    Tariefsoort,
    TrajectStatus,
)
from inkoop.models import (
    Inkooptraject,
    InkooptrajectStatusWijziging,
    Inschrijving,
    Perceel,
    PerceelProduct,
)
from inkoop.services import _basis
from inkoop.services._basis import (
    INKOOP_ROLLEN,
    eis_bedrag,
    eis_rol,
    eis_traject_in_scope,
    opslaan,
)
from inkoop.services.inschrijvingen import inschrijving_besluiten
from kern.audit import audit_vastleggen, momentopname
from kern.constants import ONGEWIJZIGD, AuditActie, Ongewijzigd
from kern.exceptions import Conflict, DomeinFout
from kern.models import Gebruiker, Gemeente
from kern.toegang import eis_gemeenten_in_scope

# --- Helpers -------------------------------------------------------------------------------


def _eis_concept(traject: Inkooptraject, wat: str) -> None:
    if traject.status != TrajectStatus.CONCEPT:
        raise DomeinFout(
            f"{wat} kan alleen zolang het traject een concept is (status nu: "
            f"{TrajectStatus(traject.status).label.lower()}).",
            code="traject_niet_concept",
        )


def _traject_gegevens(traject: Inkooptraject, gemeenten: Iterable[Gemeente]) -> dict[str, Any]:
    return {
        **momentopname(
            traject,
            velden=[
                "code",
                "naam",
                "omschrijving",
                "procedure",
                "wet",
                "publicatiedatum",
                "sluitingsdatum_inschrijving",
                "looptijd_begin",
                "looptijd_eind",
                "status",
            ],
        ),
        "gemeenten": sorted(g.code for g in gemeenten),
    }


def _eis_data(
    *,
    procedure: str,
    looptijd_begin: date,
    looptijd_eind: date,
    sluitingsdatum: date | None,
) -> None:
    if looptijd_eind < looptijd_begin:
        raise DomeinFout(
            "Het einde van de looptijd ligt vóór het begin.",
            code="einddatum_voor_ingangsdatum",
            velden={"looptijd_eind": ["Het einde van de looptijd ligt vóór het begin."]},
        )
    if procedure != Procedure.OPEN_HOUSE and sluitingsdatum is None:
        raise DomeinFout(
            "Een aanbesteding heeft een sluitingsdatum voor de inschrijving.",
            code="sluitingsdatum_verplicht",
            velden={"sluitingsdatum_inschrijving": ["Verplicht bij een aanbesteding."]},
        )
    if sluitingsdatum is not None and sluitingsdatum > looptijd_eind:
        raise DomeinFout(
            "De sluitingsdatum van de inschrijving ligt na het einde van de looptijd.",
            code="sluitingsdatum_na_looptijd",
            velden={"sluitingsdatum_inschrijving": ["Ligt na het einde van de looptijd."]},
        )


# --- Inkooptrajecten -----------------------------------------------------------------------


@transaction.atomic
def inkooptraject_aanmaken(
    *,
    door: Gebruiker | None,
    code: str,
    naam: str,
    procedure: str,
    wet: str,
    gemeenten: Iterable[Gemeente],
    looptijd_begin: date,
    looptijd_eind: date,
    sluitingsdatum_inschrijving: date | None = None,
    omschrijving: str = "",
) -> Inkooptraject:
    """A new traject in status concept."""
    eis_rol(door, *INKOOP_ROLLEN)
    gemeenten = list(gemeenten)
    if not gemeenten:
        raise DomeinFout(
            "Een inkooptraject geldt voor ten minste één gemeente.",
            code="traject_zonder_gemeente",
        )
    if door is not None:
        eis_gemeenten_in_scope(door, gemeenten)
    if procedure not in Procedure.values:
        raise DomeinFout(f"Onbekende procedure {procedure!r}.", code="procedure_onbekend")
    _eis_data(
        procedure=procedure,
        looptijd_begin=looptijd_begin,
        looptijd_eind=looptijd_eind,
        sluitingsdatum=sluitingsdatum_inschrijving,
    )
    if Inkooptraject.objects.filter(code=code).exists():
        raise Conflict(f"Er bestaat al een inkooptraject met code {code}.", code="traject_bestaat")
    traject = Inkooptraject(
        code=code,
        naam=naam,
        omschrijving=omschrijving,
        procedure=procedure,
        wet=wet,
        looptijd_begin=looptijd_begin,
        looptijd_eind=looptijd_eind,
        sluitingsdatum_inschrijving=sluitingsdatum_inschrijving,
        status=TrajectStatus.CONCEPT,
    )
    try:
        with transaction.atomic():
            opslaan(traject)
    except IntegrityError as exc:  # a concurrent create with the same code
        raise Conflict(
            f"Er bestaat al een inkooptraject met code {code}.", code="traject_bestaat"
        ) from exc
    traject.gemeenten.set(gemeenten)
    audit_vastleggen(
        gebruiker=door,
        actie=AuditActie.AANGEMAAKT,
        obj=traject,
        na=_traject_gegevens(traject, gemeenten),
    )
    return traject


@transaction.atomic
def inkooptraject_wijzigen(
    *,
    door: Gebruiker | None,
    traject: Inkooptraject,
    naam: str | None = None,
    omschrijving: str | None = None,
    gemeenten: Iterable[Gemeente] | None = None,
    looptijd_begin: date | None = None,
    looptijd_eind: date | None = None,
    sluitingsdatum_inschrijving: date | Ongewijzigd | None = ONGEWIJZIGD,
) -> Inkooptraject:
    """Change a traject. Code, procedure and wet never change. Gemeenten and term change only
    in concept (contracts follow them); a published tender may postpone its closing date;
    name and description change until the traject is finished or withdrawn."""
    eis_rol(door, *INKOOP_ROLLEN)
    traject = Inkooptraject.objects.select_for_update().get(pk=traject.pk)
    huidige_gemeenten = list(traject.gemeenten.all())
    eis_traject_in_scope(door, traject)
    if traject.status in (TrajectStatus.AFGEROND, TrajectStatus.INGETROKKEN):
        raise DomeinFout(
            "Een afgerond of ingetrokken inkooptraject kan niet meer worden gewijzigd.",
            code="traject_afgesloten",
        )
    voor = _traject_gegevens(traject, huidige_gemeenten)
    if naam is not None:
        traject.naam = naam
    if omschrijving is not None:
        traject.omschrijving = omschrijving
    if gemeenten is not None or looptijd_begin is not None or looptijd_eind is not None:
        _eis_concept(traject, "De gemeenten en de looptijd wijzigen")
    if looptijd_begin is not None:
        traject.looptijd_begin = looptijd_begin
    if looptijd_eind is not None:
        traject.looptijd_eind = looptijd_eind
    if not isinstance(sluitingsdatum_inschrijving, Ongewijzigd):
        _sluitingsdatum_wijzigen(traject, sluitingsdatum_inschrijving)
    nieuwe_gemeenten = huidige_gemeenten if gemeenten is None else list(gemeenten)
    if not nieuwe_gemeenten:
        raise DomeinFout(
            "Een inkooptraject geldt voor ten minste één gemeente.",
            code="traject_zonder_gemeente",
        )
    if door is not None:
        eis_gemeenten_in_scope(door, nieuwe_gemeenten)
    _eis_data(
        procedure=traject.procedure,
        looptijd_begin=traject.looptijd_begin,
        looptijd_eind=traject.looptijd_eind,
        sluitingsdatum=traject.sluitingsdatum_inschrijving,
    )
    na = _traject_gegevens(traject, nieuwe_gemeenten)
    if na == voor:
        raise DomeinFout(
            "De wijziging verandert niets aan het inkooptraject.", code="geen_wijziging"
        )
    opslaan(traject)
    if gemeenten is not None:
        traject.gemeenten.set(nieuwe_gemeenten)
    audit_vastleggen(gebruiker=door, actie=AuditActie.GEWIJZIGD, obj=traject, voor=voor, na=na)
    return traject


def _sluitingsdatum_wijzigen(traject: Inkooptraject, nieuw: date | None) -> None:
    """In concept anything goes; once published only a later date while still open, so no
    provider loses time it was promised."""
    if traject.status == TrajectStatus.CONCEPT:
        traject.sluitingsdatum_inschrijving = nieuw
        return
    oud = traject.sluitingsdatum_inschrijving
    verlengd = nieuw is None or (oud is not None and nieuw >= oud)
    if traject.status != TrajectStatus.GEPUBLICEERD or not verlengd:
        raise DomeinFout(
            "Na publicatie kan de sluitingsdatum alleen zolang de inschrijving open is, en "
            "alleen naar later worden verschoven.",
            code="sluitingsdatum_niet_wijzigbaar",
        )
    if oud is not None and _basis.vandaag() > oud:
        raise DomeinFout(
            "De inschrijving is al gesloten; de sluitingsdatum kan niet meer worden verschoven.",
            code="inschrijving_gesloten",
        )
    traject.sluitingsdatum_inschrijving = nieuw


@transaction.atomic
def inkooptraject_status_wijzigen(
    *, door: Gebruiker | None, traject: Inkooptraject, status: str, reden: str = ""
) -> Inkooptraject:
    """Move a traject along its procedure's transitions table and record the change.

    Publishing needs a perceel with products and, for a tender, a closing date still ahead;
    closing a tender waits for its closing date to pass; awarding needs every submission
    assessed; withdrawing needs a reason, is refused once providers were admitted, and
    refuses the submissions still open.
    """
    eis_rol(door, *INKOOP_ROLLEN)
    traject = Inkooptraject.objects.select_for_update().get(pk=traject.pk)
    eis_traject_in_scope(door, traject)
    if status not in TrajectStatus.values:
        raise DomeinFout(f"Onbekende trajectstatus {status!r}.", code="status_onbekend")
    van = traject.status
    if status not in TRAJECT_TRANSITIES[traject.procedure][van]:
        raise DomeinFout(
            f"Een {Procedure(traject.procedure).label.lower()} met status "
            f"{TrajectStatus(van).label.lower()} kan niet naar "
            f"{TrajectStatus(status).label.lower()}.",
            code="statusovergang_niet_toegestaan",
        )
    dag = _basis.vandaag()
    inschrijvingen = Inschrijving.objects.filter(perceel__traject=traject)
    if status == TrajectStatus.GEPUBLICEERD:
        if not PerceelProduct.objects.filter(perceel__traject=traject).exists():
            raise DomeinFout(
                "Een traject zonder percelen met producten kan niet worden gepubliceerd.",
                code="traject_zonder_producten",
            )
        # The term may have moved since the products were added (in concept).
        ongeldig = sorted(
            PerceelProduct.objects.filter(perceel__traject=traject)
            .filter(
                Q(product__ingangsdatum__gt=traject.looptijd_begin)
                | Q(product__einddatum__lt=traject.looptijd_eind)
            )
            .values_list("product__productcode", flat=True)
        )
        if ongeldig:
            raise DomeinFout(
                "Deze producten zijn niet de hele looptijd van het traject geldig: "
                + ", ".join(ongeldig)
                + ".",
                code="product_niet_geldig_in_looptijd",
            )
        if traject.looptijd_eind < dag:
            raise DomeinFout(
                "De looptijd van het traject is al voorbij.", code="looptijd_verstreken"
            )
        sluiting = traject.sluitingsdatum_inschrijving
        if sluiting is not None and sluiting < dag:
            raise DomeinFout(
                "De sluitingsdatum van de inschrijving is al voorbij; verschuif die eerst.",
                code="sluitingsdatum_verstreken",
            )
        traject.publicatiedatum = dag
    elif status == TrajectStatus.GESLOTEN:
        sluiting = traject.sluitingsdatum_inschrijving
        if sluiting is not None and dag <= sluiting:
            raise DomeinFout(
                f"De inschrijving staat open tot en met {sluiting:%d-%m-%Y}; sluiten kan daarna.",
                code="sluitingsdatum_niet_verstreken",
            )
    elif status == TrajectStatus.GEGUND:
        if inschrijvingen.filter(status=InschrijvingStatus.INGEDIEND).exists():
            raise DomeinFout(
                "Beoordeel eerst alle inschrijvingen voordat het traject wordt gegund.",
                code="inschrijvingen_niet_beoordeeld",
            )
    elif status == TrajectStatus.INGETROKKEN:
        if not reden.strip():
            raise DomeinFout("Geef een reden voor het intrekken.", code="reden_verplicht")
        if inschrijvingen.filter(status=InschrijvingStatus.TOEGELATEN).exists():
            raise DomeinFout(
                "Er zijn al aanbieders toegelaten (met contract); het traject kan niet meer "
                "worden ingetrokken. Rond het af en beëindig zo nodig de contracten.",
                code="traject_heeft_toelatingen",
            )
        for inschrijving in inschrijvingen.select_for_update().filter(
            status=InschrijvingStatus.INGEDIEND
        ):
            inschrijving_besluiten(
                door=door,
                inschrijving=inschrijving,
                status=InschrijvingStatus.AFGEWEZEN,
                reden=f"Het inkooptraject is ingetrokken: {reden}"[:500],
            )
    traject.status = status
    traject.save(update_fields=["status", "publicatiedatum"])
    InkooptrajectStatusWijziging.objects.create(
        traject=traject, van_status=van, naar_status=status, reden=reden, door=door
    )
    audit_vastleggen(
        gebruiker=door,
        actie=AuditActie.STATUS,
        obj=traject,
        voor={"status": van},
        na={"status": status, "publicatiedatum": traject.publicatiedatum},
        toelichting=reden,
    )
    return traject


# --- Percelen ------------------------------------------------------------------------------


@transaction.atomic
def perceel_aanmaken(
    *, door: Gebruiker | None, traject: Inkooptraject, naam: str, omschrijving: str = ""
) -> Perceel:
    eis_rol(door, *INKOOP_ROLLEN)
    traject = Inkooptraject.objects.select_for_update().get(pk=traject.pk)
    eis_traject_in_scope(door, traject)
    _eis_concept(traject, "Een perceel toevoegen")
    if Perceel.objects.filter(traject=traject, naam=naam).exists():
        raise Conflict(
            f"Het traject heeft al een perceel met de naam {naam!r}.", code="perceel_bestaat"
        )
    perceel = Perceel(traject=traject, naam=naam, omschrijving=omschrijving)
    opslaan(perceel)
    audit_vastleggen(
        gebruiker=door, actie=AuditActie.AANGEMAAKT, obj=perceel, na=momentopname(perceel)
    )
    return perceel


@transaction.atomic
def perceel_product_toevoegen(
    *,
    door: Gebruiker | None,
    perceel: Perceel,
    product: Product,
    tariefsoort: str,
    bedrag: Decimal,
    eenheid: str | None = None,
) -> PerceelProduct:
    """Add a product to a perceel with its fixed tariff or tariff ceiling. A product is in
    at most one perceel of a traject (one admission, one tariff per product)."""
    eis_rol(door, *INKOOP_ROLLEN)
    traject = Inkooptraject.objects.select_for_update().get(pk=perceel.traject_id)
    eis_traject_in_scope(door, traject)
    _eis_concept(traject, "Een product aan een perceel toevoegen")
    if tariefsoort not in Tariefsoort.values:
        raise DomeinFout(f"Onbekende tariefsoort {tariefsoort!r}.", code="tariefsoort_onbekend")
    eis_bedrag(bedrag, product=product)
    if product.categorie.wet != traject.wet:
        raise DomeinFout(
            f"Product {product.productcode} hoort bij de {product.categorie.get_wet_display()}, "
            f"het traject bij de {traject.get_wet_display()}.",
            code="product_andere_wet",
        )
    if product.ingangsdatum > traject.looptijd_begin or (
        product.einddatum is not None and product.einddatum < traject.looptijd_eind
    ):
        raise DomeinFout(
            f"Product {product.productcode} is niet de hele looptijd van het traject geldig.",
            code="product_niet_geldig_in_looptijd",
        )
    bestaand = (
        PerceelProduct.objects.filter(perceel__traject=traject, product=product)
        .select_related("perceel")
        .first()
    )
    if bestaand is not None:
        raise Conflict(
            f"Product {product.productcode} staat al in perceel {bestaand.perceel.naam} van "
            "dit traject.",
            code=(
                "product_al_in_perceel"
                if bestaand.perceel_id == perceel.pk
                else "product_al_in_traject"
            ),
        )
    regel = PerceelProduct(
        perceel=perceel,
        product=product,
        tariefsoort=tariefsoort,
        bedrag=bedrag,
        eenheid=eenheid or product.eenheid,
    )
    opslaan(regel)
    audit_vastleggen(gebruiker=door, actie=AuditActie.AANGEMAAKT, obj=regel, na=momentopname(regel))
    return regel

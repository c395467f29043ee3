"""Submissions (inschrijvingen) on percelen and their assessment: admission makes or extends
the provider's contract through the contracten services.

Every function is one transaction with audit records; ``door`` is the acting user (None for
system work, which bypasses role checks but not the rules). Locks are taken in a fixed order:
traject, then inschrijving, then (inside the contracten services) contract.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from contracten import services as contracten_services
from contracten.constants import ContractStatus, TariefReden
from contracten.models import Contract, Product, Zorgaanbieder
from inkoop.constants import (
    BEOORDELEN_IN_STATUS,
    Besluit,
    InschrijvingStatus,
    Procedure,
    Tariefsoort,
    TrajectStatus,
)
from inkoop.models import Inkooptraject, Inschrijving, InschrijvingTarief, Perceel, PerceelProduct
from inkoop.services import _basis
from inkoop.services._basis import (
    INKOOP_ROLLEN,
    aanbieder_id,
    eis_bedrag,
    eis_eigen_aanbieder,
    eis_rol,
    eis_traject_in_scope,
    opslaan,
)
from kern.audit import audit_vastleggen, momentopname
from kern.constants import AuditActie
from kern.exceptions import Conflict, DomeinFout, GeenToegang, NietGevonden
from kern.models import Gebruiker

# --- Inschrijvingen ------------------------------------------------------------------------


def _eis_mag_indienen(
    door: Gebruiker | None, traject: Inkooptraject, aanbieder: Zorgaanbieder
) -> None:
    """A provider user submits for itself on a published traject; an inkoper or beheerder
    of all the traject's gemeenten may submit on a provider's behalf."""
    if door is None:
        return
    if aanbieder_id(door) is not None:
        eis_eigen_aanbieder(door, aanbieder)
        if traject.publicatiedatum is None:
            raise NietGevonden("Perceel niet gevonden.", code="perceel_niet_gevonden")
        return
    if not door.heeft_rol(*INKOOP_ROLLEN):
        raise GeenToegang(
            "Alleen de zorgaanbieder zelf, of een inkoper namens haar, kan inschrijven."
        )
    eis_traject_in_scope(door, traject)


def _eis_inschrijving_open(traject: Inkooptraject) -> None:
    if traject.status == TrajectStatus.CONCEPT:
        raise DomeinFout(
            "Het traject is nog niet gepubliceerd; inschrijven kan nog niet.",
            code="traject_niet_gepubliceerd",
        )
    dag = _basis.vandaag()
    sluiting = traject.sluitingsdatum_inschrijving
    if traject.status != TrajectStatus.GEPUBLICEERD:
        raise DomeinFout(
            "De inschrijving voor dit traject is gesloten.", code="inschrijving_gesloten"
        )
    if sluiting is not None and dag > sluiting:
        raise DomeinFout(
            f"De inschrijving voor dit traject is gesloten sinds {sluiting:%d-%m-%Y}.",
            code="inschrijving_gesloten",
        )
    if dag > traject.looptijd_eind:
        raise DomeinFout(
            "De looptijd van dit traject is voorbij; inschrijven kan niet meer.",
            code="inschrijving_gesloten",
        )


def _aangeboden_tarieven(
    regels: list[PerceelProduct], tarieven: Mapping[Product, Decimal]
) -> dict[int, Decimal]:
    """Per perceel product (pk) the offered tariff: required under a ceiling, at most the
    ceiling; refused for a fixed tariff and for products outside the perceel."""
    per_product = {regel.product_id: regel for regel in regels}
    buiten = sorted(p.productcode for p in tarieven if p.pk not in per_product)
    if buiten:
        raise DomeinFout(
            "Deze producten horen niet bij het perceel: " + ", ".join(buiten) + ".",
            code="product_niet_in_perceel",
        )
    aangeboden: dict[int, Decimal] = {}
    for product, bedrag in tarieven.items():
        regel = per_product[product.pk]
        if regel.tariefsoort == Tariefsoort.VAST:
            raise DomeinFout(
                f"Voor product {product.productcode} geldt een vast tarief van "
                f"{regel.bedrag.amount} euro; u biedt er geen eigen tarief voor.",
                code="tarief_vast",
            )
        eis_bedrag(bedrag, product=product)
        if bedrag > regel.bedrag.amount:
            raise DomeinFout(
                f"Het aangeboden tarief {bedrag} voor product {product.productcode} ligt boven "
                f"het tariefplafond van {regel.bedrag.amount} euro.",
                code="tarief_boven_plafond",
                details={"productcode": product.productcode, "plafond": str(regel.bedrag.amount)},
            )
        aangeboden[regel.pk] = bedrag
    ontbreekt = sorted(
        regel.product.productcode
        for regel in regels
        if regel.tariefsoort == Tariefsoort.PLAFOND and regel.pk not in aangeboden
    )
    if ontbreekt:
        raise DomeinFout(
            "Bied een tarief (tot het plafond) voor: " + ", ".join(ontbreekt) + ".",
            code="aangeboden_tarief_ontbreekt",
        )
    return aangeboden


def _inschrijving_gegevens(inschrijving: Inschrijving) -> dict[str, Any]:
    return {
        **momentopname(
            inschrijving,
            velden=[
                "perceel",
                "zorgaanbieder",
                "status",
                "reden",
                "toelatingsdatum",
                "contract",
                "toelichting",
            ],
        ),
        "tarieven": {
            t.perceel_product.product.productcode: str(t.bedrag.amount)
            for t in inschrijving.tarieven.select_related("perceel_product__product")
        },
    }


@transaction.atomic
def inschrijving_indienen(
    *,
    door: Gebruiker | None,
    perceel: Perceel,
    zorgaanbieder: Zorgaanbieder,
    tarieven: Mapping[Product, Decimal] | None = None,
    toelichting: str = "",
) -> Inschrijving:
    """A provider submits for a perceel, offering a tariff for every product with a ceiling.

    Open while the traject is published, not past its closing date (a tender) and not past
    its term (an open house, which stays open for newcomers all along). One running or
    admitted submission per provider and perceel; a refused provider may submit again.
    """
    traject = Inkooptraject.objects.select_for_update().get(pk=perceel.traject_id)
    _eis_mag_indienen(door, traject, zorgaanbieder)
    _eis_inschrijving_open(traject)
    if not zorgaanbieder.actief:
        raise DomeinFout(
            f"{zorgaanbieder.naam} is niet actief en kan niet inschrijven.",
            code="zorgaanbieder_inactief",
        )
    lopend = Inschrijving.objects.filter(
        perceel=perceel,
        zorgaanbieder=zorgaanbieder,
        status__in=[InschrijvingStatus.INGEDIEND, InschrijvingStatus.TOEGELATEN],
    )
    if lopend.exists():
        raise Conflict(
            f"{zorgaanbieder.naam} heeft al een lopende of toegelaten inschrijving op perceel "
            f"{perceel.naam}.",
            code="inschrijving_bestaat",
        )
    regels = list(PerceelProduct.objects.filter(perceel=perceel).select_related("product"))
    if not regels:
        raise DomeinFout("Het perceel heeft geen producten.", code="perceel_zonder_producten")
    aangeboden = _aangeboden_tarieven(regels, tarieven or {})
    inschrijving = Inschrijving(
        perceel=perceel,
        zorgaanbieder=zorgaanbieder,
        status=InschrijvingStatus.INGEDIEND,
        toelichting=toelichting,
        ingediend_door=door,
    )
    try:
        with transaction.atomic():
            opslaan(inschrijving)
    except IntegrityError as exc:  # a concurrent submission of the same provider
        raise Conflict(
            f"{zorgaanbieder.naam} heeft al een lopende inschrijving op perceel {perceel.naam}.",
            code="inschrijving_bestaat",
        ) from exc
    InschrijvingTarief.objects.bulk_create(
        [
            InschrijvingTarief(inschrijving=inschrijving, perceel_product_id=pk, bedrag=bedrag)
            for pk, bedrag in sorted(aangeboden.items())
        ]
    )
    audit_vastleggen(
        gebruiker=door,
        actie=AuditActie.AANGEMAAKT,
        obj=inschrijving,
        na=_inschrijving_gegevens(inschrijving),
        toelichting=f"Inschrijving op perceel {perceel.naam} van traject {traject.code}",
    )
    return inschrijving


def inschrijving_besluiten(
    *,
    door: Gebruiker | None,
    inschrijving: Inschrijving,
    status: str,
    reden: str,
    toelatingsdatum: date | None = None,
    contract: Contract | None = None,
) -> None:
    """Record a decision on a submission (no checks: the callers in this package check the
    role, the scope and the status first); must run inside the caller's transaction."""
    voor = _inschrijving_gegevens(inschrijving)
    inschrijving.status = status
    inschrijving.reden = reden
    inschrijving.beoordeeld_op = timezone.now()
    inschrijving.beoordeeld_door = door
    inschrijving.toelatingsdatum = toelatingsdatum
    inschrijving.contract = contract
    opslaan(inschrijving)
    audit_vastleggen(
        gebruiker=door,
        actie=AuditActie.STATUS,
        obj=inschrijving,
        voor=voor,
        na=_inschrijving_gegevens(inschrijving),
        toelichting=reden,
    )


@transaction.atomic
def inschrijving_beoordelen(
    *, door: Gebruiker | None, inschrijving: Inschrijving, besluit: str, reden: str = ""
) -> Inschrijving:
    """Admit (toelaten) or refuse (afwijzen, with a reason) a submission.

    Admission gives the provider one contract per traject (number ``<code>-<AGB>``, for the
    traject's gemeenten, until the end of its term) with the perceel's tariffs from the
    admission day (or the traject's start, if later): the fixed tariff, or the provider's
    offer under a ceiling. A second perceel extends that contract with its products.
    Everything goes through the contracten services in this one transaction.
    """
    eis_rol(door, *INKOOP_ROLLEN)
    traject = Inkooptraject.objects.select_for_update().get(pk=inschrijving.perceel.traject_id)
    inschrijving = (
        Inschrijving.objects.select_for_update()
        .select_related("perceel", "zorgaanbieder")
        .get(pk=inschrijving.pk)
    )
    eis_traject_in_scope(door, traject)
    if besluit not in Besluit.values:
        raise DomeinFout(f"Onbekend besluit {besluit!r}.", code="besluit_onbekend")
    if inschrijving.status != InschrijvingStatus.INGEDIEND:
        raise Conflict(
            "Deze inschrijving is al beoordeeld ("
            f"{InschrijvingStatus(inschrijving.status).label.lower()}).",
            code="inschrijving_al_beoordeeld",
        )
    vereist = BEOORDELEN_IN_STATUS[traject.procedure]
    if traject.status != vereist:
        raise DomeinFout(
            f"Inschrijvingen op een {Procedure(traject.procedure).label.lower()} worden "
            f"beoordeeld in status {TrajectStatus(vereist).label.lower()}; het traject is nu "
            f"{TrajectStatus(traject.status).label.lower()}.",
            code="beoordelen_niet_mogelijk",
        )
    if besluit == Besluit.AFWIJZEN:
        if not reden.strip():
            raise DomeinFout(
                "Geef een reden voor de afwijzing.",
                code="reden_verplicht",
                velden={"reden": ["Verplicht bij afwijzen."]},
            )
        inschrijving_besluiten(
            door=door, inschrijving=inschrijving, status=InschrijvingStatus.AFGEWEZEN, reden=reden
        )
        return inschrijving
    ingangsdatum = max(_basis.vandaag(), traject.looptijd_begin)
    if ingangsdatum > traject.looptijd_eind:
        raise DomeinFout(
            "De looptijd van het traject is voorbij; toelaten kan niet meer.",
            code="looptijd_verstreken",
        )
    contract = _contract_voor_toelating(
        door=door, traject=traject, inschrijving=inschrijving, ingangsdatum=ingangsdatum
    )
    inschrijving_besluiten(
        door=door,
        inschrijving=inschrijving,
        status=InschrijvingStatus.TOEGELATEN,
        reden=reden,
        toelatingsdatum=ingangsdatum,
        contract=contract,
    )
    return inschrijving


def contractnummer(traject: Inkooptraject, zorgaanbieder: Zorgaanbieder) -> str:
    return f"{traject.code}-{zorgaanbieder.agb_code}"


def _contract_voor_toelating(
    *,
    door: Gebruiker | None,
    traject: Inkooptraject,
    inschrijving: Inschrijving,
    ingangsdatum: date,
) -> Contract:
    """Create the provider's contract of this traject, or extend it, with the perceel's
    tariffs from ``ingangsdatum``; the contract ends up active."""
    aanbieder = inschrijving.zorgaanbieder
    perceel = inschrijving.perceel
    gemeenten = list(traject.gemeenten.all())
    nummer = contractnummer(traject, aanbieder)
    reden = f"Toelating tot perceel {perceel.naam} van inkooptraject {traject.code}"[:255]
    contract = Contract.objects.filter(nummer=nummer).first()
    if contract is None:
        contract = contracten_services.contract_aanmaken(
            door=door,
            nummer=nummer,
            zorgaanbieder=aanbieder,
            gemeenten=gemeenten,
            ingangsdatum=ingangsdatum,
            einddatum=traject.looptijd_eind,
            omschrijving=traject.naam[:255],
            reden=reden,
        )
    elif contract.zorgaanbieder_id != aanbieder.pk:
        raise Conflict(
            f"Contractnummer {nummer} is al in gebruik voor een andere aanbieder.",
            code="contractnummer_bezet",
        )
    else:
        ontbrekend = {g.pk for g in gemeenten} - set(
            contract.gemeenten.values_list("pk", flat=True)
        )
        if ontbrekend:
            contract = contracten_services.contract_wijzigen(
                door=door,
                contract=contract,
                reden=reden,
                gemeenten=[
                    *contract.gemeenten.all(),
                    *(g for g in gemeenten if g.pk in ontbrekend),
                ],
            )
    einde = traject.looptijd_eind
    if contract.einddatum is not None:
        einde = min(einde, contract.einddatum)
    if einde < ingangsdatum:
        raise DomeinFout(
            f"Contract {nummer} loopt af vóór {ingangsdatum:%d-%m-%Y}; het kan niet met dit "
            "perceel worden uitgebreid.",
            code="contract_afgelopen",
        )
    aangeboden = {t.perceel_product_id: t.bedrag.amount for t in inschrijving.tarieven.all()}
    regels = PerceelProduct.objects.filter(perceel=perceel).select_related("product")
    for regel in regels.order_by("product__productcode", "pk"):
        bedrag = (
            aangeboden[regel.pk]
            if regel.tariefsoort == Tariefsoort.PLAFOND
            else regel.bedrag.amount
        )
        contracten_services.tariefperiode_toevoegen(
            door=door,
            contract=contract,
            product=regel.product,
            bedrag=bedrag,
            ingangsdatum=ingangsdatum,
            einddatum=einde,
            eenheid=regel.eenheid,
            reden=TariefReden.INITIEEL,
            toelichting=reden,
        )
    contract.refresh_from_db()
    if contract.status == ContractStatus.CONCEPT:
        contract = contracten_services.contract_status_wijzigen(
            door=door, contract=contract, status=ContractStatus.ACTIEF, reden=reden
        )
    return contract

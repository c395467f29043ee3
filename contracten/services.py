"""Every write of contracten. One transaction per call, full_clean before save, an audit
record in the same transaction. ``door`` is the acting user (None for system work such as
imports from the command line and demo data, which bypass role checks but not the rules)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q

from contracten.constants import (
    CONTRACT_TRANSITIES,
    SLA_EENHEID,
    ContractStatus,
    Eenheid,
    TariefReden,
)
from contracten.models import (
    Bestedingsruimte,
    Contract,
    ContractStatusWijziging,
    ContractVersie,
    Product,
    Productcategorie,
    SlaNorm,
    Tariefperiode,
    Zorgaanbieder,
    ZorgaanbiederGebruiker,
)
from contracten.validators import iban_compact
from kern.audit import audit_vastleggen, momentopname
from kern.constants import ONGEWIJZIGD, AuditActie, Ongewijzigd, Rol
from kern.exceptions import Conflict, DomeinFout, GeenToegang, van_validation_error
from kern.geld import afronden
from kern.models import Gebruiker, Gemeente
from kern.perioden import MAX_DATUM
from kern.toegang import eis_gemeenten_in_scope

BEHEER_ROLLEN = (Rol.INKOPER, Rol.BEHEERDER)


def _eis_rol(door: Gebruiker | None, *rollen: str) -> None:
    if door is not None and not door.heeft_rol(*rollen):
        raise GeenToegang(
            "U heeft niet de rol die voor deze actie nodig is ("
            + " of ".join(str(Rol(r).label).lower() for r in rollen)
            + ").",
        )


def _eis_contract_in_scope(door: Gebruiker | None, contract: Contract) -> None:
    if door is not None:
        eis_gemeenten_in_scope(door, list(contract.gemeenten.all()))


def _opslaan(obj: Any, *, exclude: list[str] | None = None) -> None:
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise van_validation_error(exc) from exc
    obj.save()


# --- Zorgaanbieders ------------------------------------------------------------------------

ZORGAANBIEDER_VELDEN = (
    "naam",
    "kvk_nummer",
    "iban",
    "email",
    "telefoon",
    "contactpersoon",
    "adres",
    "postcode",
    "plaats",
    "actief",
)


@transaction.atomic
def zorgaanbieder_aanmaken(
    *, door: Gebruiker | None, agb_code: str, naam: str, **velden: Any
) -> Zorgaanbieder:
    _eis_rol(door, *BEHEER_ROLLEN)
    onbekend = set(velden) - set(ZORGAANBIEDER_VELDEN)
    if onbekend:
        raise TypeError(f"onbekende velden: {sorted(onbekend)}")
    if velden.get("iban"):
        velden["iban"] = iban_compact(velden["iban"])
    if Zorgaanbieder.objects.filter(agb_code=agb_code).exists():
        raise Conflict(
            f"Er bestaat al een zorgaanbieder met AGB-code {agb_code}.",
            code="zorgaanbieder_bestaat",
        )
    aanbieder = Zorgaanbieder(agb_code=agb_code, naam=naam, **velden)
    _opslaan(aanbieder)
    audit_vastleggen(
        gebruiker=door, actie=AuditActie.AANGEMAAKT, obj=aanbieder, na=momentopname(aanbieder)
    )
    return aanbieder


@transaction.atomic
def zorgaanbieder_wijzigen(
    *, door: Gebruiker | None, zorgaanbieder: Zorgaanbieder, **velden: Any
) -> Zorgaanbieder:
    _eis_rol(door, *BEHEER_ROLLEN)
    onbekend = set(velden) - set(ZORGAANBIEDER_VELDEN)
    if onbekend:
        raise TypeError(f"onbekende velden: {sorted(onbekend)}")
    aanbieder = Zorgaanbieder.objects.select_for_update().get(pk=zorgaanbieder.pk)
    voor = momentopname(aanbieder)
    if velden.get("iban"):
        velden["iban"] = iban_compact(velden["iban"])
    for veld, waarde in velden.items():
        setattr(aanbieder, veld, waarde)
    na = momentopname(aanbieder)
    if na == voor:
        raise DomeinFout(
            "De wijziging verandert niets aan de zorgaanbieder.", code="geen_wijziging"
        )
    _opslaan(aanbieder)
    audit_vastleggen(
        gebruiker=door,
        actie=AuditActie.GEWIJZIGD,
        obj=aanbieder,
        voor=voor,
        na=momentopname(aanbieder),
    )
    return aanbieder


@transaction.atomic
def zorgaanbieder_gebruiker_koppelen(
    *, door: Gebruiker | None, gebruiker: Gebruiker, zorgaanbieder: Zorgaanbieder
) -> ZorgaanbiederGebruiker:
    _eis_rol(door, Rol.BEHEERDER)
    if not gebruiker.heeft_rol(Rol.ZORGAANBIEDER) or gebruiker.is_superuser:
        raise DomeinFout(
            "Alleen een gebruiker met de rol zorgaanbieder kan aan een aanbieder worden gekoppeld.",
            code="gebruiker_geen_zorgaanbieder",
        )
    if gebruiker.gemeente_ids():
        raise DomeinFout(
            "Een gebruiker van een zorgaanbieder hoort niet bij een gemeente.",
            code="gebruiker_aanbieder_met_gemeente",
        )
    koppeling, _ = ZorgaanbiederGebruiker.objects.update_or_create(
        gebruiker=gebruiker, defaults={"zorgaanbieder": zorgaanbieder}
    )
    gebruiker.vergeet_cache()
    audit_vastleggen(
        gebruiker=door,
        actie=AuditActie.GEWIJZIGD,
        obj=koppeling,
        na={"gebruiker": gebruiker.pk, "zorgaanbieder": zorgaanbieder.pk},
    )
    return koppeling


# --- Product catalogue ---------------------------------------------------------------------


@transaction.atomic
def product_aanmaken(
    *,
    door: Gebruiker | None,
    wet: str,
    categorie: str,
    productcode: str,
    naam: str,
    eenheid: str,
    uitvoeringsvariant: str,
    ingangsdatum: date,
    einddatum: date | None = None,
) -> Product:
    _eis_rol(door, *BEHEER_ROLLEN)
    try:
        cat = Productcategorie.objects.get(wet=wet, code=categorie)
    except Productcategorie.DoesNotExist:
        raise DomeinFout(
            f"Productcategorie {categorie} bestaat niet in de codelijst van de {wet}.",
            code="productcategorie_onbekend",
            velden={"categorie": ["Onbekende productcategorie."]},
        ) from None
    if Product.objects.filter(categorie=cat, productcode=productcode).exists():
        raise Conflict(
            f"Product {productcode} bestaat al in categorie {categorie} ({wet}).",
            code="product_bestaat",
        )
    product = Product(
        categorie=cat,
        productcode=productcode,
        naam=naam,
        eenheid=eenheid,
        uitvoeringsvariant=uitvoeringsvariant,
        ingangsdatum=ingangsdatum,
        einddatum=einddatum,
    )
    _eis_einde_na_ingang(ingangsdatum, einddatum)
    _opslaan(product)
    audit_vastleggen(
        gebruiker=door, actie=AuditActie.AANGEMAAKT, obj=product, na=momentopname(product)
    )
    return product


@transaction.atomic
def product_wijzigen(
    *,
    door: Gebruiker | None,
    product: Product,
    naam: str | None = None,
    einddatum: date | Ongewijzigd | None = ONGEWIJZIGD,
) -> Product:
    """Change the name or set/clear the end date (retire). Code, category and unit are the
    product's identity in messages and tariffs: they never change."""
    _eis_rol(door, *BEHEER_ROLLEN)
    product = Product.objects.select_for_update().get(pk=product.pk)
    voor = momentopname(product)
    if naam is not None:
        product.naam = naam
    if not isinstance(einddatum, Ongewijzigd):
        _eis_einde_na_ingang(product.ingangsdatum, einddatum)
        if einddatum is not None:
            later = Tariefperiode.objects.filter(
                product=product, is_vervangen=False, ingangsdatum__gt=einddatum
            )
            if later.exists():
                raise DomeinFout(
                    "Er zijn tariefperioden die na deze einddatum beginnen; "
                    "het product kan niet eerder vervallen.",
                    code="product_heeft_latere_tarieven",
                )
        product.einddatum = einddatum
    _opslaan(product)
    audit_vastleggen(
        gebruiker=door,
        actie=AuditActie.GEWIJZIGD,
        obj=product,
        voor=voor,
        na=momentopname(product),
    )
    return product


# --- Contracts -----------------------------------------------------------------------------


REDEN_MAX = 255


def _eis_reden_lengte(reden: str) -> None:
    """Reasons are stored in 255-character columns: refuse longer ones with a clear message
    instead of a database error."""
    if len(reden) > REDEN_MAX:
        raise DomeinFout(
            f"De reden is {len(reden)} tekens; het maximum is {REDEN_MAX}.",
            code="te_lang",
            velden={"reden": [f"Maximaal {REDEN_MAX} tekens."]},
        )


def _eis_einde_na_ingang(ingangsdatum: date, einddatum: date | None) -> None:
    if einddatum is not None and einddatum < ingangsdatum:
        raise DomeinFout(
            "De einddatum ligt vóór de ingangsdatum.",
            code="einddatum_voor_ingangsdatum",
            velden={"einddatum": ["De einddatum ligt vóór de ingangsdatum."]},
        )


def _contract_gegevens(contract: Contract, gemeenten: Sequence[Gemeente]) -> dict[str, Any]:
    return {
        "nummer": contract.nummer,
        "zorgaanbieder": str(contract.zorgaanbieder.uuid),
        "agb_code": contract.zorgaanbieder.agb_code,
        "omschrijving": contract.omschrijving,
        "ingangsdatum": contract.ingangsdatum,
        "einddatum": contract.einddatum,
        "status": contract.status,
        "gemeenten": sorted(g.code for g in gemeenten),
    }


@transaction.atomic
def contract_aanmaken(
    *,
    door: Gebruiker | None,
    nummer: str,
    zorgaanbieder: Zorgaanbieder,
    gemeenten: Iterable[Gemeente],
    ingangsdatum: date,
    einddatum: date | None = None,
    omschrijving: str = "",
    reden: str = "Eerste versie",
) -> Contract:
    _eis_rol(door, *BEHEER_ROLLEN)
    _eis_reden_lengte(reden)
    gemeenten = list(gemeenten)
    if not gemeenten:
        raise DomeinFout(
            "Een contract geldt voor ten minste één gemeente.", code="contract_zonder_gemeente"
        )
    if door is not None:
        eis_gemeenten_in_scope(door, gemeenten)
    _eis_einde_na_ingang(ingangsdatum, einddatum)
    if Contract.objects.filter(nummer=nummer).exists():
        raise Conflict(f"Contractnummer {nummer} bestaat al.", code="contract_bestaat")
    contract = Contract(
        nummer=nummer,
        zorgaanbieder=zorgaanbieder,
        ingangsdatum=ingangsdatum,
        einddatum=einddatum,
        omschrijving=omschrijving,
        status=ContractStatus.CONCEPT,
        versie=1,
    )
    _opslaan(contract)
    contract.gemeenten.set(gemeenten)
    gegevens = _contract_gegevens(contract, gemeenten)
    ContractVersie.objects.create(
        contract=contract, versie=1, reden=reden, gegevens=gegevens, aangemaakt_door=door
    )
    audit_vastleggen(
        gebruiker=door, actie=AuditActie.AANGEMAAKT, obj=contract, na=gegevens, toelichting=reden
    )
    return contract


@transaction.atomic
def contract_wijzigen(
    *,
    door: Gebruiker | None,
    contract: Contract,
    reden: str,
    ingangsdatum: date | None = None,
    einddatum: date | Ongewijzigd | None = ONGEWIJZIGD,
    gemeenten: Iterable[Gemeente] | None = None,
    omschrijving: str | None = None,
) -> Contract:
    """Change a contract: the row takes the new values and a new version records them with
    the reason. Tariff periods must keep fitting inside the contract's term."""
    _eis_rol(door, *BEHEER_ROLLEN)
    if not reden.strip():
        raise DomeinFout("Geef een reden voor de wijziging.", code="reden_verplicht")
    _eis_reden_lengte(reden)
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    huidige_gemeenten = list(contract.gemeenten.all())
    _eis_contract_in_scope(door, contract)
    if contract.status == ContractStatus.BEEINDIGD:
        raise DomeinFout(
            "Een beëindigd contract kan niet meer worden gewijzigd.",
            code="contract_beeindigd",
        )
    voor = _contract_gegevens(contract, huidige_gemeenten)
    if ingangsdatum is not None:
        contract.ingangsdatum = ingangsdatum
    if not isinstance(einddatum, Ongewijzigd):
        contract.einddatum = einddatum
    if omschrijving is not None:
        contract.omschrijving = omschrijving
    _eis_einde_na_ingang(contract.ingangsdatum, contract.einddatum)
    nieuwe_gemeenten = huidige_gemeenten if gemeenten is None else list(gemeenten)
    if not nieuwe_gemeenten:
        raise DomeinFout(
            "Een contract geldt voor ten minste één gemeente.", code="contract_zonder_gemeente"
        )
    if door is not None:
        eis_gemeenten_in_scope(door, nieuwe_gemeenten)
    # Periods that start outside the new term cannot follow it; periods that run past a new
    # (earlier) end are shortened to it below, audited, as a tariff change from a date is.
    lopend = contract.tariefperioden.filter(is_vervangen=False)
    buiten_looptijd = Q(ingangsdatum__lt=contract.ingangsdatum)
    if contract.einddatum is not None:
        buiten_looptijd |= Q(ingangsdatum__gt=contract.einddatum)
    if lopend.filter(buiten_looptijd).exists():
        raise DomeinFout(
            "Er zijn tariefperioden die buiten de nieuwe looptijd van het contract beginnen.",
            code="tarieven_buiten_looptijd",
        )
    inkorten = (
        list(
            lopend.select_for_update().filter(
                Q(einddatum__isnull=True) | Q(einddatum__gt=contract.einddatum)
            )
        )
        if contract.einddatum is not None
        else []
    )
    _opslaan(contract)
    if gemeenten is not None:
        contract.gemeenten.set(nieuwe_gemeenten)
    na = _contract_gegevens(contract, nieuwe_gemeenten)
    if na == voor:
        raise DomeinFout("De wijziging verandert niets aan het contract.", code="geen_wijziging")
    for periode in inkorten:
        periode_voor = momentopname(periode)
        periode.einddatum = contract.einddatum
        periode.save(update_fields=["einddatum"])
        audit_vastleggen(
            gebruiker=door,
            actie=AuditActie.GEWIJZIGD,
            obj=periode,
            voor=periode_voor,
            na=momentopname(periode),
            toelichting="Afgesloten op de einddatum van het contract.",
        )
    contract.versie += 1
    contract.save(update_fields=["versie"])
    ContractVersie.objects.create(
        contract=contract, versie=contract.versie, reden=reden, gegevens=na, aangemaakt_door=door
    )
    audit_vastleggen(
        gebruiker=door,
        actie=AuditActie.GEWIJZIGD,
        obj=contract,
        voor=voor,
        na=na,
        toelichting=reden,
    )
    return contract


@transaction.atomic
def contract_status_wijzigen(
    *, door: Gebruiker | None, contract: Contract, status: str, reden: str = ""
) -> Contract:
    _eis_rol(door, *BEHEER_ROLLEN)
    _eis_reden_lengte(reden)
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    _eis_contract_in_scope(door, contract)
    if status not in ContractStatus.values:
        raise DomeinFout(f"Onbekende contractstatus {status!r}.", code="status_onbekend")
    if status not in CONTRACT_TRANSITIES[contract.status]:
        raise DomeinFout(
            f"Een contract met status {ContractStatus(contract.status).label.lower()} kan niet "
            f"naar {ContractStatus(status).label.lower()}.",
            code="statusovergang_niet_toegestaan",
        )
    if (
        status == ContractStatus.ACTIEF
        and contract.status == ContractStatus.CONCEPT
        and not contract.tariefperioden.exists()
    ):
        raise DomeinFout(
            "Een contract zonder tarieven kan niet actief worden.",
            code="contract_zonder_tarieven",
        )
    if status == ContractStatus.OPGEZEGD and contract.einddatum is None:
        raise DomeinFout(
            "Leg bij opzegging eerst de einddatum van het contract vast.",
            code="opzegging_zonder_einddatum",
        )
    van = contract.status
    contract.status = status
    contract.save(update_fields=["status"])
    ContractStatusWijziging.objects.create(
        contract=contract, van_status=van, naar_status=status, reden=reden, door=door
    )
    audit_vastleggen(
        gebruiker=door,
        actie=AuditActie.STATUS,
        obj=contract,
        voor={"status": van},
        na={"status": status},
        toelichting=reden,
    )
    return contract


# --- Tariff periods ------------------------------------------------------------------------


def _eis_bedrag(bedrag: Decimal) -> Decimal:
    if not isinstance(bedrag, Decimal):
        raise TypeError("tariefbedrag is een Decimal")
    if bedrag < 0:
        raise DomeinFout("Een tarief is niet negatief.", code="tarief_negatief")
    if bedrag != afronden(bedrag):
        raise DomeinFout(
            "Een tarief heeft hoogstens twee decimalen (hele centen).", code="tarief_decimalen"
        )
    return bedrag


@transaction.atomic
def tariefperiode_toevoegen(
    *,
    door: Gebruiker | None,
    contract: Contract,
    product: Product,
    bedrag: Decimal,
    ingangsdatum: date,
    einddatum: date | None = None,
    eenheid: str | None = None,
    reden: str = TariefReden.INITIEEL,
    toelichting: str = "",
) -> Tariefperiode:
    """Add a tariff period. The existing period that runs on ``ingangsdatum`` (started
    before it, and ending no later than the new one) is closed the day before: a tariff
    change from a date. Every other overlap is refused. Never changes an amount.

    The contract row is locked first, so two concurrent additions for the same contract
    are serialised and cannot both pass the overlap check.
    """
    _eis_rol(door, *BEHEER_ROLLEN)
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    _eis_contract_in_scope(door, contract)
    _eis_bedrag(bedrag)
    _eis_einde_na_ingang(ingangsdatum, einddatum)
    eenheid = eenheid or product.eenheid
    if eenheid not in Eenheid.values:
        raise DomeinFout(f"Onbekende eenheid {eenheid}.", code="eenheid_onbekend")
    if contract.status == ContractStatus.BEEINDIGD:
        raise DomeinFout(
            "Aan een beëindigd contract worden geen tarieven toegevoegd.",
            code="contract_beeindigd",
        )
    # An open-ended tariff in a contract with an end date simply ends with the contract.
    if ingangsdatum < contract.ingangsdatum or (
        contract.einddatum is not None
        and max(ingangsdatum, einddatum or ingangsdatum) > contract.einddatum
    ):
        raise DomeinFout(
            "De tariefperiode valt buiten de looptijd van het contract "
            f"({contract.ingangsdatum:%d-%m-%Y} t/m "
            f"{contract.einddatum.strftime('%d-%m-%Y') if contract.einddatum else 'onbepaald'}).",
            code="tarief_buiten_looptijd",
        )
    if ingangsdatum < product.ingangsdatum or (
        product.einddatum is not None and ingangsdatum > product.einddatum
    ):
        raise DomeinFout(
            f"Product {product.productcode} is op {ingangsdatum:%d-%m-%Y} niet geldig.",
            code="product_niet_geldig",
        )
    nieuw_eind = einddatum or MAX_DATUM
    overlappend = list(
        Tariefperiode.objects.select_for_update()
        .filter(contract=contract, product=product, is_vervangen=False)
        .filter(ingangsdatum__lte=nieuw_eind)
        .filter(Q(einddatum__isnull=True) | Q(einddatum__gte=ingangsdatum))
        .order_by("ingangsdatum")
    )
    voorganger: Tariefperiode | None = None
    for bestaand in overlappend:
        eind = bestaand.einddatum or MAX_DATUM
        if voorganger is None and bestaand.ingangsdatum < ingangsdatum and eind <= nieuw_eind:
            voorganger = bestaand
            continue
        raise DomeinFout(
            f"De tariefperiode overlapt met het tarief vanaf {bestaand.ingangsdatum:%d-%m-%Y} "
            f"voor product {product.productcode} in contract {contract.nummer}.",
            code="tariefperiode_overlapt",
            details={"overlapt_met": str(bestaand.uuid)},
        )
    if voorganger is not None:
        voor = momentopname(voorganger)
        voorganger.einddatum = ingangsdatum - timedelta(days=1)
        voorganger.save(update_fields=["einddatum"])
        audit_vastleggen(
            gebruiker=door,
            actie=AuditActie.GEWIJZIGD,
            obj=voorganger,
            voor=voor,
            na=momentopname(voorganger),
            toelichting="Afgesloten door een nieuwe tariefperiode.",
        )
    periode = Tariefperiode(
        contract=contract,
        product=product,
        bedrag=bedrag,
        eenheid=eenheid,
        ingangsdatum=ingangsdatum,
        einddatum=einddatum,
        reden=reden,
        toelichting=toelichting,
        aangemaakt_door=door,
    )
    _opslaan(periode)
    audit_vastleggen(
        gebruiker=door,
        actie=AuditActie.AANGEMAAKT,
        obj=periode,
        na=momentopname(periode),
        toelichting=toelichting,
    )
    return periode


@transaction.atomic
def tariefperiode_corrigeren(
    *, door: Gebruiker | None, tariefperiode: Tariefperiode, bedrag: Decimal, toelichting: str
) -> Tariefperiode:
    """Correct a wrong amount over the same dates: a new period replaces the old one, which
    stays readable (``vervangt``, ``is_vervangen``)."""
    _eis_rol(door, *BEHEER_ROLLEN)
    if not toelichting.strip():
        raise DomeinFout("Geef een toelichting bij de correctie.", code="toelichting_verplicht")
    Contract.objects.select_for_update().get(pk=tariefperiode.contract_id)
    oud = Tariefperiode.objects.select_for_update().get(pk=tariefperiode.pk)
    _eis_contract_in_scope(door, oud.contract)
    if oud.is_vervangen:
        raise Conflict(
            "Deze tariefperiode is al vervangen; corrigeer de nieuwste.",
            code="tariefperiode_al_vervangen",
        )
    _eis_bedrag(bedrag)
    if bedrag == oud.bedrag.amount:
        raise DomeinFout("Het nieuwe tarief is gelijk aan het oude.", code="geen_wijziging")
    voor = momentopname(oud)
    # The old row leaves the no-overlap set before the new one enters it.
    oud.is_vervangen = True
    oud.save(update_fields=["is_vervangen"])
    nieuw = Tariefperiode(
        contract=oud.contract,
        product=oud.product,
        bedrag=bedrag,
        eenheid=oud.eenheid,
        ingangsdatum=oud.ingangsdatum,
        einddatum=oud.einddatum,
        reden=TariefReden.CORRECTIE,
        toelichting=toelichting,
        vervangt=oud,
        aangemaakt_door=door,
    )
    _opslaan(nieuw)
    audit_vastleggen(
        gebruiker=door,
        actie=AuditActie.GEWIJZIGD,
        obj=oud,
        voor=voor,
        na=momentopname(oud),
        toelichting=f"Vervangen door correctie: {toelichting}",
    )
    audit_vastleggen(
        gebruiker=door,
        actie=AuditActie.AANGEMAAKT,
        obj=nieuw,
        na=momentopname(nieuw),
        toelichting=toelichting,
    )
    return nieuw


# --- Indexation ----------------------------------------------------------------------------


def indexatiepercentage(
    *,
    percentage: Decimal | None = None,
    loonindex: Decimal | None = None,
    materiele_index: Decimal | None = None,
    loonaandeel: Decimal | None = None,
) -> Decimal:
    """The indexation percentage: either given, or the Contractstandaarden formula
    ``loonaandeel * loonindex + (1 - loonaandeel) * materiele_index`` (a weighted wage index,
    e.g. OVA, and a price index, e.g. CPI/IMC; ``loonaandeel`` as a fraction 0..1).
    Kept exact; only the resulting tariffs are rounded."""
    if percentage is not None:
        if any(v is not None for v in (loonindex, materiele_index, loonaandeel)):
            raise DomeinFout(
                "Geef óf een percentage, óf loonindex, materiële index en loonaandeel.",
                code="indexatie_dubbel",
            )
        return Decimal(percentage)
    if loonindex is None or materiele_index is None or loonaandeel is None:
        raise DomeinFout(
            "Geef een percentage, of loonindex, materiële index en loonaandeel samen.",
            code="indexatie_onvolledig",
        )
    if not Decimal(0) <= loonaandeel <= Decimal(1):
        raise DomeinFout(
            "Het loonaandeel is een fractie tussen 0 en 1.", code="loonaandeel_ongeldig"
        )
    return loonaandeel * loonindex + (1 - loonaandeel) * materiele_index


def geindexeerd_bedrag(bedrag: Decimal, percentage: Decimal) -> Decimal:
    """``bedrag`` raised by ``percentage`` percent, rounded half-up to cents."""
    return afronden(bedrag * (1 + percentage / 100))


@dataclass(frozen=True)
class IndexatieRegel:
    contract_nummer: str
    agb_code: str
    productcode: str
    eenheid: str
    oud_bedrag: Decimal | None
    nieuw_bedrag: Decimal | None
    ingangsdatum: date
    overgeslagen: str = ""  # Dutch reason when this tariff is not indexed


@transaction.atomic
def indexatie_toepassen(
    *,
    door: Gebruiker | None,
    contracten: Iterable[Contract],
    ingangsdatum: date,
    percentage: Decimal,
    dry_run: bool = False,
    toelichting: str = "",
) -> list[IndexatieRegel]:
    """Index every tariff that runs the day before ``ingangsdatum`` in ``contracten``.

    For each contract and product the period valid on ``ingangsdatum - 1`` is the base;
    a new period from ``ingangsdatum`` gets the indexed amount (rounded to cents) and runs
    as long as the base would have (open, or to its einddatum, or to the contract's end
    when the base ended exactly the day before). Products that already have a period from
    ``ingangsdatum`` on, or whose base ends before it, are listed as skipped. With
    ``dry_run`` nothing is written: the same list shows old and new tariffs.
    """
    _eis_rol(door, *BEHEER_ROLLEN)
    peildag = ingangsdatum - timedelta(days=1)
    regels: list[IndexatieRegel] = []
    for contract in sorted(contracten, key=lambda c: c.pk):
        _eis_contract_in_scope(door, contract)
        if contract.status == ContractStatus.BEEINDIGD:
            continue
        perioden = list(
            Tariefperiode.objects.filter(contract=contract, is_vervangen=False)
            .select_related("product")
            .order_by("product_id", "ingangsdatum")
        )
        per_product: dict[int, list[Tariefperiode]] = {}
        for p in perioden:
            per_product.setdefault(p.product_id, []).append(p)
        for reeks in per_product.values():
            basis = next(
                (p for p in reeks if p.ingangsdatum <= peildag <= (p.einddatum or MAX_DATUM)),
                None,
            )
            if basis is None:
                continue
            regel_basis = {
                "contract_nummer": contract.nummer,
                "agb_code": contract.zorgaanbieder.agb_code,
                "productcode": basis.product.productcode,
                "eenheid": basis.eenheid,
                "oud_bedrag": basis.bedrag.amount,
                "ingangsdatum": ingangsdatum,
            }
            later = [p for p in reeks if p.ingangsdatum >= ingangsdatum]
            if later:
                regels.append(
                    IndexatieRegel(
                        **regel_basis,
                        nieuw_bedrag=None,
                        overgeslagen=f"heeft al een tarief vanaf {later[0].ingangsdatum:%d-%m-%Y}",
                    )
                )
                continue
            product = basis.product
            if product.einddatum is not None and product.einddatum < ingangsdatum:
                regels.append(
                    IndexatieRegel(
                        **regel_basis, nieuw_bedrag=None, overgeslagen="product is vervallen"
                    )
                )
                continue
            if contract.einddatum is not None and contract.einddatum < ingangsdatum:
                regels.append(
                    IndexatieRegel(
                        **regel_basis, nieuw_bedrag=None, overgeslagen="contract is dan afgelopen"
                    )
                )
                continue
            nieuw = geindexeerd_bedrag(basis.bedrag.amount, percentage)
            regels.append(IndexatieRegel(**regel_basis, nieuw_bedrag=nieuw))
            if dry_run:
                continue
            if basis.einddatum is None or basis.einddatum > peildag:
                einde = basis.einddatum
            else:
                einde = contract.einddatum
            tariefperiode_toevoegen(
                door=door,
                contract=contract,
                product=product,
                bedrag=nieuw,
                ingangsdatum=ingangsdatum,
                einddatum=einde,
                eenheid=basis.eenheid,
                reden=TariefReden.INDEXATIE,
                toelichting=toelichting or f"Indexatie {percentage}%",
            )
    return regels


# --- SLA norms and spending caps -----------------------------------------------------------


@transaction.atomic
def slanorm_vastleggen(
    *,
    door: Gebruiker | None,
    contract: Contract,
    soort: str,
    waarde: Decimal,
    toelichting: str = "",
) -> SlaNorm:
    """Set (create or change) one SLA norm of a contract; the unit follows from its kind."""
    _eis_rol(door, *BEHEER_ROLLEN)
    _eis_contract_in_scope(door, contract)
    if soort not in SLA_EENHEID:
        raise DomeinFout(f"Onbekende SLA-norm {soort!r}.", code="slanorm_onbekend")
    norm = SlaNorm.objects.select_for_update().filter(contract=contract, soort=soort).first()
    if norm is not None and norm.waarde == waarde and norm.toelichting == toelichting:
        return norm  # unchanged: nothing to write or audit
    voor = momentopname(norm) if norm else None
    if norm is None:
        norm = SlaNorm(contract=contract, soort=soort)
    norm.waarde = waarde
    norm.eenheid = SLA_EENHEID[soort]
    norm.toelichting = toelichting
    try:
        with transaction.atomic():
            _opslaan(norm)
    except IntegrityError as exc:  # a concurrent create of the same norm
        raise Conflict("Deze SLA-norm is tegelijk vastgelegd; probeer opnieuw.") from exc
    audit_vastleggen(
        gebruiker=door,
        actie=AuditActie.GEWIJZIGD if voor else AuditActie.AANGEMAAKT,
        obj=norm,
        voor=voor,
        na=momentopname(norm),
    )
    return norm


@transaction.atomic
def bestedingsruimte_vastleggen(
    *,
    door: Gebruiker | None,
    zorgaanbieder: Zorgaanbieder,
    gemeente: Gemeente,
    jaar: int,
    bedrag: Decimal,
    toelichting: str = "",
) -> Bestedingsruimte:
    """Set the yearly spending cap of a provider in a gemeente (create or change, audited)."""
    _eis_rol(door, *BEHEER_ROLLEN)
    if door is not None:
        eis_gemeenten_in_scope(door, [gemeente])
    _eis_bedrag(bedrag)
    ruimte = (
        Bestedingsruimte.objects.select_for_update()
        .filter(zorgaanbieder=zorgaanbieder, gemeente=gemeente, jaar=jaar)
        .first()
    )
    if ruimte is not None and ruimte.bedrag.amount == bedrag and ruimte.toelichting == toelichting:
        return ruimte  # unchanged: nothing to write or audit
    voor = momentopname(ruimte) if ruimte else None
    if ruimte is None:
        ruimte = Bestedingsruimte(zorgaanbieder=zorgaanbieder, gemeente=gemeente, jaar=jaar)
    ruimte.bedrag = bedrag  # MoneyField takes a Decimal in EUR
    ruimte.toelichting = toelichting
    try:
        with transaction.atomic():
            _opslaan(ruimte)
    except IntegrityError as exc:  # a concurrent create of the same cap
        raise Conflict("Deze bestedingsruimte is tegelijk vastgelegd; probeer opnieuw.") from exc
    audit_vastleggen(
        gebruiker=door,
        actie=AuditActie.GEWIJZIGD if voor else AuditActie.AANGEMAAKT,
        obj=ruimte,
        voor=voor,
        na=momentopname(ruimte),
        toelichting=toelichting,
    )
    return ruimte

"""Opdrachten: clients and their toewijzingen (issue, change, withdraw, remove) with their
reservations in financien and the outbound 301.

**Who.** The role regisseur of the client's gemeente (``door=None``: system work such as the
migration of 301 files or a message handler, which skips the role check but not the rules).

**Rules.** Those of the standard on one toewijzing (:mod:`inkoop.toewijzingsregels`: CD041,
CD075-CD079, CS335, CS336, CS338, IV066, OP259, OP298, OP299) and TR385 (9385) on removal,
plus a running contract of the provider on the dates (``geen_contract``) and a budget post
for every year (``geen_budgetpost``). A refused action changes nothing: every service is one
transaction, and the reservations are booked in it.

**Locks**, always in this order: the client (so two toewijzingen of one client never pass
the stacking check side by side), the numbering of the gemeente and wet (a new number), the
toewijzing, then the ledger's own locks (:mod:`financien.lock_objects`).

**301.** With ``versturen`` (the default) every change ends with :func:`toewijzingen_versturen`
for the client, provider and wet: a 301 with all toewijzingen valid on or after today plus
those changed since the previous 301 (OP087), XSD-checked by the codec and stored in the
outbox. A regisseur changing several toewijzingen of one client passes ``versturen=False``
and calls :func:`toewijzingen_versturen` once at the end.

**9385.** A toewijzing may not be removed while it has approved, not credited prestaties
(TR385). Those live in declaraties; their money does not: an approved prestatie is a
realisation on the toewijzing's reservation and a credit reverses it. So "realised amount
above zero, summed over the toewijzing's reservations (locked)" is exactly "approved
prestaties that are not credited" and is what is checked.
"""

from __future__ import annotations

import dataclasses
import logging
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from contracten.models import Product, Productcategorie, Zorgaanbieder
from inkoop.constants import (
    REDEN_VERWIJDERD,
    TOEWIJZING_TRANSITIES,
    ToewijzingGebeurtenis,
    ToewijzingStatus,
)
from inkoop.models import Client, Toewijzing, Toewijzingnummering, ToewijzingWijziging, Verzoek
from inkoop.services import _basis, _reserveren
from inkoop.services._basis import eis_rol, opslaan
from inkoop.services._bericht301 import bericht301
from inkoop.toewijzingsregels import (
    REFERENTIE_MAX,
    Inhoud,
    Wijziging,
    gestapeld,
    inhoud_controleren,
    nummer_controleren,
    reden_wijziging_controleren,
    stapeling_fout,
    tekst_controleren,
    verlaging,
    wijziging_controleren,
)
from iwmo_jw import codec
from iwmo_jw.models import InkomendBericht, UitgaandBericht
from iwmo_jw.services import bericht_uitgaand_vastleggen
from kern.audit import audit_vastleggen, momentopname
from kern.bsn import maskeer_bsn, valideer_bsn
from kern.constants import ONGEWIJZIGD, AuditActie, Ongewijzigd, Rol, Wet
from kern.exceptions import Conflict, DomeinFout, van_validation_error
from kern.models import Gebruiker, Gemeente
from kern.toegang import eis_gemeenten_in_scope

logger = logging.getLogger(__name__)

#: Roles that issue and change toewijzingen.
TOEWIJZING_ROLLEN = (Rol.REGISSEUR,)
COMMENTAAR_MAX = 200
#: Fields ``full_clean`` need not check with a query: relations that are loaded instances
#: already, and the fresh uuid.
_AL_GELADEN = [
    "gemeente",
    "client",
    "zorgaanbieder",
    "productcategorie",
    "product",
    "verzoek",
    "uuid",
]


def _eis_regisseur(door: Gebruiker | None, gemeente: Gemeente) -> None:
    eis_rol(door, *TOEWIJZING_ROLLEN)
    if door is not None:
        eis_gemeenten_in_scope(door, [gemeente])


def _door(door: Gebruiker | None) -> Gebruiker | None:
    return door if door is not None and door.pk else None


# --- Clients --------------------------------------------------------------------------------

_CODES = {
    "geslacht": ({"0", "1", "2"}, "Geslacht (COD046): 0, 1 of 2."),
    "naamgebruik": ({"1", "2", "3", "4", "5", "6"}, "Naamgebruik (COD700): 1 tot en met 6."),
    "datum_gebruik": ({"", "1", "2", "3"}, "DatumGebruik (COD170): leeg, 1, 2 of 3."),
    "adres_soort": ({"01", "02", "03", "04"}, "Soort adres (COD757): 01 tot en met 04."),
}
_CLIENT_VELDEN = (
    "geboortedatum",
    "datum_gebruik",
    "geslacht",
    "achternaam",
    "voorvoegsel",
    "voorletters",
    "voornamen",
    "naamgebruik",
    "adres_soort",
    "straatnaam",
    "huisnummer",
    "huisletter",
    "huisnummer_toevoeging",
    "postcode",
    "plaatsnaam",
)


def _client_gegevens(client: Client) -> dict[str, Any]:
    """An audit snapshot of a client: the BSN only masked."""
    return {
        **momentopname(client, velden=["gemeente", *_CLIENT_VELDEN]),
        "bsn": maskeer_bsn(client.bsn),
    }


def _client_waarden(waarden: dict[str, Any]) -> dict[str, Any]:
    for veld, (toegestaan, uitleg) in _CODES.items():
        if waarden[veld] not in toegestaan:
            raise DomeinFout(
                f"Ongeldige waarde voor {veld}: {uitleg}",
                code="ongeldige_keuze",
                velden={veld: [uitleg]},
            )
    voorletters = "".join(c for c in waarden["voorletters"] if c not in ". ")
    if voorletters and (not voorletters.isalpha() or len(voorletters) > 6):
        raise DomeinFout(
            "Voorletters zijn hoogstens 6 letters.",
            code="voorletters_ongeldig",
            velden={"voorletters": ["Hoogstens 6 letters."]},
        )
    waarden["voorletters"] = voorletters
    if not waarden["achternaam"]:
        raise DomeinFout(
            "De achternaam is verplicht.", code="verplicht", velden={"achternaam": ["Verplicht."]}
        )
    if waarden["geboortedatum"] > _basis.vandaag():
        raise DomeinFout(
            "De geboortedatum ligt in de toekomst.",
            code="geboortedatum_in_toekomst",
            velden={"geboortedatum": ["Ligt in de toekomst."]},
        )
    huisnummer = waarden["huisnummer"]
    if huisnummer is not None and not 0 <= huisnummer <= 99999:
        raise DomeinFout(
            "Een huisnummer is 0 tot en met 99999.",
            code="huisnummer_ongeldig",
            velden={"huisnummer": ["Ongeldig huisnummer."]},
        )
    return waarden


@transaction.atomic
def client_vastleggen(
    *,
    door: Gebruiker | None,
    gemeente: Gemeente,
    bsn: str,
    geboortedatum: date,
    achternaam: str,
    voorvoegsel: str = "",
    voorletters: str = "",
    voornamen: str = "",
    geslacht: str = "0",
    naamgebruik: str = "1",
    datum_gebruik: str = "",
    adres_soort: str = "01",
    straatnaam: str = "",
    huisnummer: int | None = None,
    huisletter: str = "",
    huisnummer_toevoeging: str = "",
    postcode: str = "",
    plaatsnaam: str = "",
) -> Client:
    """Record a client of ``gemeente``: created, or updated when the gemeente knows the BSN
    already (the same data again writes nothing). The BSN passes the eleven-test; it is
    never logged and appears in the audit record only masked."""
    _eis_regisseur(door, gemeente)
    bsn = valideer_bsn(bsn)
    waarden = _client_waarden(
        {
            "geboortedatum": geboortedatum,
            "datum_gebruik": datum_gebruik or "",
            "geslacht": geslacht,
            "achternaam": (achternaam or "").strip(),
            "voorvoegsel": (voorvoegsel or "").strip(),
            "voorletters": (voorletters or "").strip(),
            "voornamen": (voornamen or "").strip(),
            "naamgebruik": naamgebruik,
            "adres_soort": adres_soort,
            "straatnaam": (straatnaam or "").strip(),
            "huisnummer": huisnummer,
            "huisletter": (huisletter or "").strip(),
            "huisnummer_toevoeging": (huisnummer_toevoeging or "").strip(),
            "postcode": (postcode or "").replace(" ", "").upper(),
            "plaatsnaam": (plaatsnaam or "").strip(),
        }
    )
    client = Client.objects.select_for_update().filter(gemeente=gemeente, bsn=bsn).first()
    if client is None:
        client = Client(gemeente=gemeente, bsn=bsn, **waarden)
        try:
            with transaction.atomic():
                opslaan(client)
        except (IntegrityError, Conflict):
            # Recorded at the same moment by another transaction: update that one.
            client = Client.objects.select_for_update().get(gemeente=gemeente, bsn=bsn)
        else:
            audit_vastleggen(
                gebruiker=_door(door),
                actie=AuditActie.AANGEMAAKT,
                obj=client,
                na=_client_gegevens(client),
            )
            return client
    if all(getattr(client, veld) == waarde for veld, waarde in waarden.items()):
        return client
    voor = _client_gegevens(client)
    for veld, waarde in waarden.items():
        setattr(client, veld, waarde)
    opslaan(client)
    audit_vastleggen(
        gebruiker=_door(door),
        actie=AuditActie.GEWIJZIGD,
        obj=client,
        voor=voor,
        na=_client_gegevens(client),
    )
    return client


# --- Helpers --------------------------------------------------------------------------------


def _client_vergrendelen(client: Client) -> Client:
    return Client.objects.select_for_update().select_related("gemeente").get(pk=client.pk)


def _toewijzing_vergrendelen(toewijzing: Toewijzing) -> Toewijzing:
    return (
        Toewijzing.objects.select_for_update(of=("self",))
        .select_related("gemeente", "client", "zorgaanbieder", "productcategorie", "product")
        .get(pk=toewijzing.pk)
    )


def _inhoud(toewijzing: Toewijzing) -> Inhoud:
    return Inhoud(
        wet=toewijzing.wet,
        categorie=(
            toewijzing.productcategorie.code if toewijzing.productcategorie is not None else None
        ),
        productcode=toewijzing.product.productcode if toewijzing.product is not None else None,
        ingangsdatum=toewijzing.ingangsdatum,
        einddatum=toewijzing.einddatum,
        volume=toewijzing.volume,
        eenheid=toewijzing.eenheid,
        frequentie=toewijzing.frequentie,
        budget=toewijzing.budget_bedrag,
    )


def _gegevens(toewijzing: Toewijzing) -> dict[str, Any]:
    """A JSON snapshot of what a toewijzing assigns (history rows and audit)."""

    def tekst(waarde: Any) -> Any:
        return None if waarde is None else str(waarde)

    return {
        "nummer": toewijzing.nummer,
        "status": toewijzing.status,
        "productcategorie": (
            toewijzing.productcategorie.code if toewijzing.productcategorie is not None else None
        ),
        "product": toewijzing.product.productcode if toewijzing.product is not None else None,
        "ingangsdatum": tekst(toewijzing.ingangsdatum),
        "einddatum": tekst(toewijzing.einddatum),
        "reden_wijziging": toewijzing.reden_wijziging,
        "volume": toewijzing.volume,
        "eenheid": toewijzing.eenheid,
        "frequentie": toewijzing.frequentie,
        "budget_bedrag": tekst(toewijzing.budget_bedrag),
    }


def _stapeling_controleren(
    *,
    client: Client,
    zorgaanbieder: Zorgaanbieder,
    inhoud: Inhoud,
    behalve: int | None = None,
) -> None:
    """OP259/TR302 against the client's other toewijzingen at the provider (not removed).
    The caller holds the client's lock. One query."""
    qs = Toewijzing.objects.filter(
        client=client, zorgaanbieder=zorgaanbieder, wet=inhoud.wet
    ).exclude(status=ToewijzingStatus.VERWIJDERD)
    if behalve is not None:
        qs = qs.exclude(pk=behalve)
    rijen = qs.values_list(
        "nummer", "productcategorie__code", "product__productcode", "ingangsdatum", "einddatum"
    )
    for nummer, categorie, productcode, ingang, einde in rijen:
        bestaand = Inhoud(
            wet=inhoud.wet,
            categorie=categorie,
            productcode=productcode,
            ingangsdatum=ingang,
            einddatum=einde,
        )
        if gestapeld(inhoud, bestaand):
            raise stapeling_fout(inhoud, bestaand, nummer)


def _kosten(
    *, toewijzing: Toewijzing | None = None, inhoud: Inhoud, **kwargs: Any
) -> _reserveren.Kosten:
    if toewijzing is not None:
        kwargs = {
            "zorgaanbieder": toewijzing.zorgaanbieder,
            "gemeente": toewijzing.gemeente,
            "product": toewijzing.product,
            "productcategorie": toewijzing.productcategorie,
        }
    return _reserveren.kosten_berekenen(inhoud=inhoud, vandaag=_basis.vandaag(), **kwargs)


def _nummering_vergrendelen(gemeente: Gemeente, wet: str) -> Toewijzingnummering:
    qs = Toewijzingnummering.objects.select_for_update()
    nummering = qs.filter(gemeente=gemeente, wet=wet).first()
    if nummering is not None:
        return nummering
    hoogste = Toewijzing.objects.filter(gemeente=gemeente, wet=wet).aggregate(m=Max("nummer"))["m"]
    try:
        with transaction.atomic():
            return Toewijzingnummering.objects.create(
                gemeente=gemeente, wet=wet, laatste=hoogste or 0
            )
    except IntegrityError:  # created at the same moment by another transaction
        return qs.get(gemeente=gemeente, wet=wet)


def _nummer_toekennen(gemeente: Gemeente, wet: str, gegeven: int | None) -> int:
    """The next number of the gemeente and wet (under the numbering's lock), or the given
    number of a migrated toewijzing, which must be free (TR332, 9332); the numbering then
    continues after it."""
    nummering = _nummering_vergrendelen(gemeente, wet)
    if gegeven is None:
        nummering.laatste += 1
        nummer = nummering.laatste
        nummer_controleren(nummer)
    else:
        nummer_controleren(gegeven)
        if Toewijzing.objects.filter(gemeente=gemeente, wet=wet, nummer=gegeven).exists():
            raise Conflict(
                f"ToewijzingNummer {gegeven} bestaat al in gemeente {gemeente.code} ({wet}) "
                "(TR332).",
                code="9332",
                details={"toewijzingnummer": gegeven},
            )
        nummer = gegeven
        if gegeven <= nummering.laatste:
            return nummer
        nummering.laatste = gegeven
    nummering.save(update_fields=["laatste"])
    return nummer


def _geschiedenis(
    *,
    toewijzing: Toewijzing,
    gebeurtenis: str,
    door: Gebruiker | None,
    voor: dict[str, Any] | None,
    reden_wijziging: str = "",
    toelichting: str = "",
    instemming_aanbieder: bool | None = None,
) -> None:
    na = _gegevens(toewijzing)
    ToewijzingWijziging.objects.create(
        toewijzing=toewijzing,
        gebeurtenis=gebeurtenis,
        reden_wijziging=reden_wijziging,
        toelichting=toelichting[:255],
        instemming_aanbieder=instemming_aanbieder,
        voor=voor or {},
        na=na,
        door=_door(door),
    )
    audit_vastleggen(
        gebruiker=_door(door),
        actie=AuditActie.AANGEMAAKT if voor is None else AuditActie.GEWIJZIGD,
        obj=toewijzing,
        voor=voor,
        na={**na, "gebeurtenis": gebeurtenis},
        toelichting=toelichting,
    )


def _toewijzing_opslaan(toewijzing: Toewijzing) -> None:
    """``full_clean`` then save. The model's check constraints are not run as queries here:
    :func:`inhoud_controleren` has checked the same (and more) before, and the database
    holds them anyway; that spares a dozen queries per save."""
    try:
        toewijzing.full_clean(exclude=_AL_GELADEN, validate_constraints=False)
    except ValidationError as exc:
        raise van_validation_error(exc) from exc
    toewijzing.save()


def _eis_status(toewijzing: Toewijzing, naar: str) -> None:
    if naar not in TOEWIJZING_TRANSITIES[toewijzing.status]:
        raise Conflict(
            f"Toewijzing {toewijzing.nummer} is {ToewijzingStatus(toewijzing.status).label.lower()}"
            " en kan niet meer zo worden gewijzigd.",
            code="toewijzing_niet_actief",
            details={"status": toewijzing.status},
        )


def _nu() -> datetime:
    """The moment of a decision (Toewijzingsdatum and -tijd): inkoop's today, now."""
    nu = timezone.localtime().replace(microsecond=0)
    return datetime.combine(_basis.vandaag(), nu.timetz())


# --- Issue ----------------------------------------------------------------------------------


@transaction.atomic
def toewijzing_verstrekken(
    *,
    door: Gebruiker | None,
    client: Client,
    zorgaanbieder: Zorgaanbieder,
    wet: str,
    ingangsdatum: date,
    einddatum: date | None = None,
    product: Product | None = None,
    productcategorie: Productcategorie | None = None,
    volume: int | None = None,
    eenheid: str = "",
    frequentie: str = "",
    budget_bedrag: Decimal | None = None,
    referentie_aanbieder: str = "",
    commentaar: str = "",
    verzoek: Verzoek | None = None,
    versturen: bool = True,
    nummer: int | None = None,
    toewijzingsmoment: datetime | None = None,
    reden_wijziging: str = "",
) -> Toewijzing:
    """Issue a toewijzing to ``zorgaanbieder`` for ``client``: specifiek (``product`` with an
    Omvang), aspecifiek (``productcategorie`` only, with an Omvang, a budget or neither) or
    generiek (only ``budget_bedrag``); reserve its cost per year; send the 301.

    ``eenheid`` defaults to the product's. ``verzoek`` is the 315/317 this answers (the 301
    then answers its message). ``nummer`` (with ``toewijzingsmoment`` and, for a toewijzing
    changed before, ``reden_wijziging``) is for the migration of toewijzingen issued by an
    earlier system: the number is kept (``9332`` when taken), the history says
    ``overgenomen`` and nothing is due to the provider (no 301 is owed for it)."""
    gemeente = client.gemeente
    _eis_regisseur(door, gemeente)
    client = _client_vergrendelen(client)
    if product is not None:
        if productcategorie is not None and productcategorie.pk != product.categorie_id:
            raise DomeinFout(
                f"Product {product.productcode} hoort niet bij productcategorie "
                f"{productcategorie.code}.",
                code="product_andere_categorie",
                velden={"product": ["Hoort bij een andere productcategorie."]},
            )
        productcategorie = product.categorie
        if volume is not None and not eenheid:
            eenheid = product.eenheid
    if productcategorie is not None and productcategorie.wet != wet:
        raise DomeinFout(
            f"Productcategorie {productcategorie.code} hoort niet bij de {wet}.",
            code="productcategorie_andere_wet",
            velden={"productcategorie": ["Hoort bij een andere wet."]},
        )
    overgenomen = nummer is not None
    if reden_wijziging and not overgenomen:
        raise DomeinFout(
            "Een nieuwe toewijzing heeft geen RedenWijziging (IV066).",
            code="iv066",
            velden={"reden_wijziging": ["Niet bij een nieuwe toewijzing."]},
        )
    if reden_wijziging:
        reden_wijziging_controleren(reden_wijziging)
    inhoud = Inhoud(
        wet=wet,
        categorie=productcategorie.code if productcategorie is not None else None,
        productcode=product.productcode if product is not None else None,
        ingangsdatum=ingangsdatum,
        einddatum=einddatum,
        volume=volume,
        eenheid=eenheid or "",
        frequentie=frequentie or "",
        budget=budget_bedrag,
    )
    inhoud_controleren(inhoud)
    referentie_aanbieder = tekst_controleren(
        referentie_aanbieder,
        veld="referentie_aanbieder",
        naam="De referentie van de aanbieder",
        maximum=REFERENTIE_MAX,
    )
    commentaar = tekst_controleren(
        commentaar, veld="commentaar", naam="Het commentaar", maximum=COMMENTAAR_MAX
    )
    if verzoek is not None and (
        verzoek.client_id != client.pk or verzoek.zorgaanbieder_id != zorgaanbieder.pk
    ):
        raise DomeinFout(
            "Het verzoek hoort bij een andere cliënt of aanbieder.", code="verzoek_past_niet"
        )
    if not zorgaanbieder.actief:
        raise DomeinFout(
            f"{zorgaanbieder.naam} is niet actief en krijgt geen toewijzingen.",
            code="zorgaanbieder_inactief",
        )
    _stapeling_controleren(client=client, zorgaanbieder=zorgaanbieder, inhoud=inhoud)
    kosten = _kosten(
        inhoud=inhoud,
        zorgaanbieder=zorgaanbieder,
        gemeente=gemeente,
        product=product,
        productcategorie=productcategorie,
    )
    budgetposten = _reserveren.budgetposten_zoeken(
        gemeente=gemeente,
        wet=wet,
        productcategorie=productcategorie,
        product=product,
        jaren=sorted(j for j, b in kosten.per_jaar.items() if b > 0),
    )
    toewijzing = Toewijzing(
        gemeente=gemeente,
        wet=wet,
        nummer=_nummer_toekennen(gemeente, wet, nummer),
        client=client,
        zorgaanbieder=zorgaanbieder,
        productcategorie=productcategorie,
        product=product,
        referentie_aanbieder=referentie_aanbieder,
        toewijzingsmoment=toewijzingsmoment or _nu(),
        ingangsdatum=ingangsdatum,
        einddatum=einddatum,
        reden_wijziging=reden_wijziging,
        volume=volume,
        eenheid=inhoud.eenheid,
        frequentie=inhoud.frequentie,
        budget_bedrag=budget_bedrag,
        commentaar=commentaar,
        status=ToewijzingStatus.ACTIEF,
        te_melden=not overgenomen,
        verzoek=verzoek,
    )
    _toewijzing_opslaan(toewijzing)
    _geschiedenis(
        toewijzing=toewijzing,
        gebeurtenis=ToewijzingGebeurtenis.OVERGENOMEN
        if overgenomen
        else ToewijzingGebeurtenis.VERSTREKT,
        door=door,
        voor=None,
        reden_wijziging=reden_wijziging,
    )
    _reserveren.reserveringen_boeken(
        door=door, toewijzing=toewijzing, kosten=kosten, budgetposten=budgetposten, versie=0
    )
    if versturen:
        toewijzingen_versturen(
            door=door,
            client=client,
            zorgaanbieder=zorgaanbieder,
            wet=wet,
            antwoord_op=verzoek.bericht if verzoek is not None else None,
        )
        toewijzing.te_melden = False  # it was in that 301
    return toewijzing


# --- Change, withdraw, remove ----------------------------------------------------------------


def _versie(toewijzing: Toewijzing) -> int:
    return ToewijzingWijziging.objects.filter(toewijzing=toewijzing).count()


@transaction.atomic
def toewijzing_wijzigen(
    *,
    door: Gebruiker | None,
    toewijzing: Toewijzing,
    reden_wijziging: str,
    einddatum: date | Ongewijzigd | None = ONGEWIJZIGD,
    budget_bedrag: Decimal | Ongewijzigd | None = ONGEWIJZIGD,
    volume: int | Ongewijzigd | None = ONGEWIJZIGD,
    instemming_aanbieder: bool | None = None,
    versturen: bool = True,
    referentie_aanbieder: str | None = None,
) -> Toewijzing:
    """Change what IV066 allows: the einddatum, the budget, and the volume at frequentie 6.
    The number stays; anything else is a withdrawal plus a new toewijzing (``iv066``).
    Lowering the volume or the budget needs ``instemming_aanbieder=True`` (``op298``,
    ``op299``), which the history records. The reservations follow the new cost.
    ``referentie_aanbieder``: the ReferentieAanbieder of the 317 this change grants, echoed
    in the 301 (TR379)."""
    _eis_regisseur(door, toewijzing.gemeente)
    _client_vergrendelen(toewijzing.client)
    toewijzing = _toewijzing_vergrendelen(toewijzing)
    _eis_status(toewijzing, ToewijzingStatus.ACTIEF)
    reden = reden_wijziging_controleren(reden_wijziging)
    oud = _inhoud(toewijzing)
    nieuw = wijziging_controleren(
        oud,
        Wijziging(
            einddatum=oud.einddatum if isinstance(einddatum, Ongewijzigd) else einddatum,
            budget=oud.budget if isinstance(budget_bedrag, Ongewijzigd) else budget_bedrag,
            volume=oud.volume if isinstance(volume, Ongewijzigd) else volume,
        ),
        instemming_aanbieder=instemming_aanbieder,
    )
    inhoud_controleren(nieuw)
    return _toepassen(
        door=door,
        toewijzing=toewijzing,
        oud=oud,
        nieuw=nieuw,
        reden=reden,
        status=ToewijzingStatus.ACTIEF,
        gebeurtenis=ToewijzingGebeurtenis.GEWIJZIGD,
        instemming_aanbieder=instemming_aanbieder if verlaging(oud, nieuw) else None,
        versturen=versturen,
        referentie_aanbieder=referentie_aanbieder,
    )


@transaction.atomic
def toewijzing_intrekken(
    *,
    door: Gebruiker | None,
    toewijzing: Toewijzing,
    einddatum: date,
    reden_wijziging: str,
    versturen: bool = True,
) -> Toewijzing:
    """Withdraw a toewijzing: it ends on ``einddatum`` (not later than it did, not before
    its ingangsdatum) for ``reden_wijziging``. Care up to the einddatum stays reserved; the
    rest is released. Omvang and budget stay as they were (a lower budget is a change that
    needs the provider's consent)."""
    _eis_regisseur(door, toewijzing.gemeente)
    _client_vergrendelen(toewijzing.client)
    toewijzing = _toewijzing_vergrendelen(toewijzing)
    _eis_status(toewijzing, ToewijzingStatus.INGETROKKEN)
    reden = reden_wijziging_controleren(reden_wijziging)
    if not isinstance(einddatum, date):
        raise DomeinFout(
            "Intrekken vraagt een einddatum.",
            code="verplicht",
            velden={"einddatum": ["Verplicht."]},
        )
    if toewijzing.einddatum is not None and einddatum > toewijzing.einddatum:
        raise DomeinFout(
            f"Intrekken vervroegt de einddatum; {einddatum:%d-%m-%Y} ligt na de huidige "
            f"einddatum {toewijzing.einddatum:%d-%m-%Y}. Verlengen is een wijziging (OP380).",
            code="intrekken_verlengt",
            velden={"einddatum": ["Ligt na de huidige einddatum."]},
        )
    if toewijzing.status == ToewijzingStatus.INGETROKKEN and einddatum == toewijzing.einddatum:
        raise DomeinFout("De toewijzing is al zo ingetrokken.", code="geen_wijziging")
    oud = _inhoud(toewijzing)
    nieuw = dataclasses.replace(oud, einddatum=einddatum)
    inhoud_controleren(nieuw)
    return _toepassen(
        door=door,
        toewijzing=toewijzing,
        oud=oud,
        nieuw=nieuw,
        reden=reden,
        status=ToewijzingStatus.INGETROKKEN,
        gebeurtenis=ToewijzingGebeurtenis.INGETROKKEN,
        instemming_aanbieder=None,
        versturen=versturen,
    )


def _toepassen(
    *,
    door: Gebruiker | None,
    toewijzing: Toewijzing,
    oud: Inhoud,
    nieuw: Inhoud,
    reden: str,
    status: str,
    gebeurtenis: str,
    instemming_aanbieder: bool | None,
    versturen: bool,
    referentie_aanbieder: str | None = None,
) -> Toewijzing:
    """Write a change (new period and amounts), its history and reservations, and the 301."""
    if nieuw.einddatum != oud.einddatum and (
        nieuw.einddatum is None or (oud.einddatum is not None and nieuw.einddatum > oud.einddatum)
    ):
        _stapeling_controleren(
            client=toewijzing.client,
            zorgaanbieder=toewijzing.zorgaanbieder,
            inhoud=nieuw,
            behalve=toewijzing.pk,
        )
    kosten = _kosten(toewijzing=toewijzing, inhoud=nieuw)
    versie = _versie(toewijzing)
    voor = _gegevens(toewijzing)
    toewijzing.einddatum = nieuw.einddatum
    toewijzing.budget_bedrag = nieuw.budget
    toewijzing.volume = nieuw.volume
    toewijzing.reden_wijziging = reden
    toewijzing.status = status
    if referentie_aanbieder is not None:
        toewijzing.referentie_aanbieder = referentie_aanbieder
    if (
        toewijzing.bijstellen
        and toewijzing.zorg_einddatum is not None
        and nieuw.einddatum is not None
        and nieuw.einddatum <= toewijzing.zorg_einddatum
    ):
        # The regisseur adjusted it to the reported stop: off the list (see regiemeldingen).
        toewijzing.bijstellen = False
    toewijzing.toewijzingsmoment = _nu()
    toewijzing.te_melden = True
    _toewijzing_opslaan(toewijzing)
    _geschiedenis(
        toewijzing=toewijzing,
        gebeurtenis=gebeurtenis,
        door=door,
        voor=voor,
        reden_wijziging=reden,
        instemming_aanbieder=instemming_aanbieder,
    )
    _reserveren.reserveringen_bijwerken(
        door=door, toewijzing=toewijzing, kosten=kosten, versie=versie
    )
    if versturen:
        toewijzingen_versturen(
            door=door,
            client=toewijzing.client,
            zorgaanbieder=toewijzing.zorgaanbieder,
            wet=toewijzing.wet,
        )
        toewijzing.te_melden = False  # it was in that 301
    return toewijzing


@transaction.atomic
def toewijzing_verwijderen(
    *, door: Gebruiker | None, toewijzing: Toewijzing, versturen: bool = True
) -> Toewijzing:
    """Remove a toewijzing as if it was never issued: RedenWijziging 13 and einddatum equal
    to the ingangsdatum (CS335), every reservation released. Refused while approved, not
    credited prestaties exist (TR385, ``9385``; see the module docstring)."""
    _eis_regisseur(door, toewijzing.gemeente)
    _client_vergrendelen(toewijzing.client)
    toewijzing = _toewijzing_vergrendelen(toewijzing)
    _eis_status(toewijzing, ToewijzingStatus.VERWIJDERD)
    realisatie = _reserveren.gerealiseerd(toewijzing)
    if realisatie > 0:
        raise DomeinFout(
            f"Toewijzing {toewijzing.nummer} heeft goedgekeurde, niet gecrediteerde prestaties "
            f"({realisatie} euro) en kan niet worden verwijderd (TR385). Trek haar in, of laat "
            "de aanbieder eerst crediteren.",
            code="9385",
            details={"gerealiseerd": str(realisatie)},
        )
    versie = _versie(toewijzing)
    voor = _gegevens(toewijzing)
    toewijzing.einddatum = toewijzing.ingangsdatum
    toewijzing.reden_wijziging = REDEN_VERWIJDERD
    toewijzing.status = ToewijzingStatus.VERWIJDERD
    toewijzing.toewijzingsmoment = _nu()
    toewijzing.te_melden = True
    toewijzing.bijstellen = False
    _toewijzing_opslaan(toewijzing)
    _geschiedenis(
        toewijzing=toewijzing,
        gebeurtenis=ToewijzingGebeurtenis.VERWIJDERD,
        door=door,
        voor=voor,
        reden_wijziging=REDEN_VERWIJDERD,
    )
    _reserveren.reserveringen_vrijgeven(door=door, toewijzing=toewijzing, versie=versie)
    if versturen:
        toewijzingen_versturen(
            door=door,
            client=toewijzing.client,
            zorgaanbieder=toewijzing.zorgaanbieder,
            wet=toewijzing.wet,
        )
        toewijzing.te_melden = False  # it was in that 301
    return toewijzing


# --- The 301 --------------------------------------------------------------------------------


@transaction.atomic
def toewijzingen_versturen(
    *,
    door: Gebruiker | None,
    client: Client,
    zorgaanbieder: Zorgaanbieder,
    wet: str,
    antwoord_op: InkomendBericht | None = None,
) -> UitgaandBericht:
    """Put a 301 for the client, provider and wet in the outbox: every toewijzing valid on
    or after today (not removed) plus every toewijzing changed since the previous 301
    (``te_melden``, removed ones included), as OP087 requires. The codec checks it against
    the XSD; the outbox refuses what fails levels 1 and 2. The toewijzingen sent are no
    longer due. ``antwoord_op``: the 315 or 317 this 301 answers."""
    gemeente = client.gemeente
    _eis_regisseur(door, gemeente)
    if wet not in Wet.values:
        raise DomeinFout(f"Onbekende wet {wet!r}.", code="wet_ongeldig")
    client = _client_vergrendelen(client)
    dag = _basis.vandaag()
    toewijzingen = list(
        Toewijzing.objects.filter(client=client, zorgaanbieder=zorgaanbieder, wet=wet)
        .filter(
            Q(te_melden=True)
            | (
                ~Q(status=ToewijzingStatus.VERWIJDERD)
                & (Q(einddatum__isnull=True) | Q(einddatum__gte=dag))
            )
        )
        .select_related("productcategorie", "product")
        .order_by("nummer")
    )
    if not toewijzingen:
        raise DomeinFout(
            "Er is niets te melden: de cliënt heeft bij deze aanbieder geen geldige of "
            "gewijzigde toewijzingen.",
            code="niets_te_melden",
        )
    bericht = bericht301(
        gemeente=gemeente,
        zorgaanbieder=zorgaanbieder,
        wet=wet,
        client=client,
        toewijzingen=toewijzingen,
        dagtekening=dag,
    )
    try:
        data = codec.serialize(bericht)
    except codec.CodecFout as fout:
        raise DomeinFout(
            f"De 301 kan niet worden gemaakt: {fout.melding}", code="bericht_ongeldig"
        ) from None
    uit = bericht_uitgaand_vastleggen(data=data, antwoord_op=antwoord_op, door=door)
    Toewijzing.objects.filter(pk__in=[t.pk for t in toewijzingen if t.te_melden]).update(
        te_melden=False
    )
    return uit

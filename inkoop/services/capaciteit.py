"""Capacity and waiting times (append-only reports by the provider) and clientstops (asked
by the provider, approved or refused by the gemeente).

Every function is one transaction with audit records. The provider row is locked first, so
a provider's reports and requests for the same product and gemeente are serialised.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from contracten.models import Product, Zorgaanbieder
from inkoop.constants import (
    CLIENTSTOP_OPEN,
    CLIENTSTOP_TRANSITIES,
    MAX_PLAATSEN,
    MAX_WACHTTIJD_DAGEN,
    ClientstopBesluit,
    ClientstopStatus,
)
from inkoop.models import Capaciteitsmelding, Clientstop, ClientstopStatusWijziging
from inkoop.services import _basis
from inkoop.services._basis import (
    INKOOP_ROLLEN,
    aanbieder_id,
    eis_eigen_aanbieder,
    eis_einde_na_ingang,
    eis_lopend_contract,
    eis_rol,
    opslaan,
)
from kern.audit import audit_vastleggen, momentopname
from kern.constants import ONGEWIJZIGD, AuditActie, Ongewijzigd, Rol
from kern.exceptions import Conflict, DomeinFout, GeenToegang
from kern.models import Gebruiker, Gemeente
from kern.toegang import eis_gemeenten_in_scope

#: Municipal roles that decide on a clientstop.
CLIENTSTOP_BEOORDELAARS = (Rol.INKOPER, Rol.REGISSEUR, Rol.BEHEERDER)


def _eis_aanbieder_of_inkoper(
    door: Gebruiker | None, zorgaanbieder: Zorgaanbieder, gemeente: Gemeente
) -> None:
    """The provider itself, or an inkoper/beheerder of the gemeente on its behalf."""
    if door is None:
        return
    if aanbieder_id(door) is not None:
        eis_eigen_aanbieder(door, zorgaanbieder)
        return
    if not door.heeft_rol(*INKOOP_ROLLEN):
        raise GeenToegang(
            "Alleen de zorgaanbieder zelf, of een inkoper namens haar, meldt capaciteit."
        )
    eis_gemeenten_in_scope(door, [gemeente])


def _eis_aantal(waarde: int | None, *, veld: str, maximum: int, code: str) -> None:
    if waarde is None:
        return
    if isinstance(waarde, bool) or not isinstance(waarde, int):
        raise TypeError(f"{veld} is een geheel getal")
    if not 0 <= waarde <= maximum:
        bericht = f"Geef een geheel getal van 0 tot en met {maximum}."
        raise DomeinFout(bericht, code=code, velden={veld: [bericht]})


@transaction.atomic
def capaciteit_bijwerken(
    *,
    door: Gebruiker | None,
    zorgaanbieder: Zorgaanbieder,
    product: Product,
    gemeente: Gemeente,
    wachttijd_dagen: int | Ongewijzigd | None = ONGEWIJZIGD,
    beschikbare_plaatsen: int | Ongewijzigd | None = ONGEWIJZIGD,
    toelichting: str = "",
) -> Capaciteitsmelding:
    """Report the current waiting time and/or available places; a figure not given keeps
    its previous value (``None`` makes it unknown). Always a new row, valid from now."""
    aanbieder = Zorgaanbieder.objects.select_for_update().get(pk=zorgaanbieder.pk)
    _eis_aanbieder_of_inkoper(door, aanbieder, gemeente)
    if isinstance(wachttijd_dagen, Ongewijzigd) and isinstance(beschikbare_plaatsen, Ongewijzigd):
        raise DomeinFout(
            "Geef een wachttijd, beschikbare plaatsen of allebei.", code="capaciteit_leeg"
        )
    eis_lopend_contract(
        zorgaanbieder=aanbieder, product=product, gemeente=gemeente, vanaf=_basis.vandaag()
    )
    nu = timezone.now()
    vorige = (
        Capaciteitsmelding.objects.filter(
            zorgaanbieder=aanbieder, product=product, gemeente=gemeente, geldig_vanaf__lte=nu
        )
        .order_by("-geldig_vanaf", "-pk")
        .first()
    )
    wachttijd = (
        (vorige.wachttijd_dagen if vorige else None)
        if isinstance(wachttijd_dagen, Ongewijzigd)
        else wachttijd_dagen
    )
    plaatsen = (
        (vorige.beschikbare_plaatsen if vorige else None)
        if isinstance(beschikbare_plaatsen, Ongewijzigd)
        else beschikbare_plaatsen
    )
    _eis_aantal(
        wachttijd, veld="wachttijd_dagen", maximum=MAX_WACHTTIJD_DAGEN, code="wachttijd_ongeldig"
    )
    _eis_aantal(
        plaatsen, veld="beschikbare_plaatsen", maximum=MAX_PLAATSEN, code="plaatsen_ongeldig"
    )
    if wachttijd is None and plaatsen is None:
        raise DomeinFout(
            "Geef een wachttijd, beschikbare plaatsen of allebei.", code="capaciteit_leeg"
        )
    melding = Capaciteitsmelding(
        zorgaanbieder=aanbieder,
        product=product,
        gemeente=gemeente,
        wachttijd_dagen=wachttijd,
        beschikbare_plaatsen=plaatsen,
        geldig_vanaf=nu,
        toelichting=toelichting,
        gemeld_door=door,
    )
    opslaan(melding)
    audit_vastleggen(
        gebruiker=door,
        actie=AuditActie.AANGEMAAKT,
        obj=melding,
        voor=momentopname(vorige) if vorige else None,
        na=momentopname(melding),
        toelichting=toelichting,
    )
    return melding


# --- Clientstops ---------------------------------------------------------------------------


def _status_vastleggen(
    *, door: Gebruiker | None, stop: Clientstop, naar: str, toelichting: str
) -> None:
    van = stop.status
    if naar not in CLIENTSTOP_TRANSITIES[van]:
        raise Conflict(
            f"Een cliëntstop met status {ClientstopStatus(van).label.lower()} kan niet naar "
            f"{ClientstopStatus(naar).label.lower()}.",
            code="statusovergang_niet_toegestaan",
        )
    voor = momentopname(stop)
    stop.status = naar
    opslaan(stop)
    ClientstopStatusWijziging.objects.create(
        clientstop=stop, van_status=van, naar_status=naar, toelichting=toelichting, door=door
    )
    audit_vastleggen(
        gebruiker=door,
        actie=AuditActie.STATUS,
        obj=stop,
        voor=voor,
        na=momentopname(stop),
        toelichting=toelichting,
    )


@transaction.atomic
def clientstop_aanvragen(
    *,
    door: Gebruiker | None,
    zorgaanbieder: Zorgaanbieder,
    product: Product,
    gemeente: Gemeente,
    ingangsdatum: date,
    reden: str,
    einddatum: date | None = None,
) -> Clientstop:
    """A provider asks the gemeente's consent to take no new clients for a product from
    ``ingangsdatum`` (today or later). It counts only once approved."""
    aanbieder = Zorgaanbieder.objects.select_for_update().get(pk=zorgaanbieder.pk)
    if door is not None:
        if aanbieder_id(door) is None:
            raise GeenToegang("Alleen de zorgaanbieder zelf vraagt een cliëntstop aan.")
        eis_eigen_aanbieder(door, aanbieder)
    if not reden.strip():
        raise DomeinFout(
            "Geef de reden van de cliëntstop.",
            code="reden_verplicht",
            velden={"reden": ["Verplicht."]},
        )
    dag = _basis.vandaag()
    if ingangsdatum < dag:
        raise DomeinFout(
            "Een cliëntstop gaat vandaag of later in, niet met terugwerkende kracht.",
            code="ingangsdatum_in_verleden",
            velden={"ingangsdatum": ["Vandaag of later."]},
        )
    eis_einde_na_ingang(ingangsdatum, einddatum)
    eis_lopend_contract(zorgaanbieder=aanbieder, product=product, gemeente=gemeente, vanaf=dag)
    open_stops = Clientstop.objects.filter(
        zorgaanbieder=aanbieder, product=product, gemeente=gemeente, status__in=CLIENTSTOP_OPEN
    )
    if open_stops.exists():
        raise Conflict(
            f"Er is al een aangevraagde of goedgekeurde cliëntstop voor product "
            f"{product.productcode} in {gemeente.naam}; trek die eerst in.",
            code="clientstop_bestaat",
        )
    stop = Clientstop(
        zorgaanbieder=aanbieder,
        product=product,
        gemeente=gemeente,
        ingangsdatum=ingangsdatum,
        einddatum=einddatum,
        reden=reden,
        status=ClientstopStatus.AANGEVRAAGD,
        aangevraagd_door=door,
    )
    opslaan(stop)
    ClientstopStatusWijziging.objects.create(
        clientstop=stop, van_status="", naar_status=ClientstopStatus.AANGEVRAAGD, door=door
    )
    audit_vastleggen(
        gebruiker=door,
        actie=AuditActie.AANGEMAAKT,
        obj=stop,
        na=momentopname(stop),
        toelichting=reden,
    )
    return stop


@transaction.atomic
def clientstop_beoordelen(
    *, door: Gebruiker | None, clientstop: Clientstop, besluit: str, toelichting: str = ""
) -> Clientstop:
    """An inkoper, regisseur or beheerder of the gemeente approves or refuses (with a reason)
    a requested clientstop."""
    eis_rol(door, *CLIENTSTOP_BEOORDELAARS)
    Zorgaanbieder.objects.select_for_update().get(pk=clientstop.zorgaanbieder_id)
    stop = Clientstop.objects.select_for_update().select_related("gemeente").get(pk=clientstop.pk)
    if door is not None:
        eis_gemeenten_in_scope(door, [stop.gemeente])
    if besluit not in ClientstopBesluit.values:
        raise DomeinFout(f"Onbekend besluit {besluit!r}.", code="besluit_onbekend")
    if stop.status != ClientstopStatus.AANGEVRAAGD:
        raise Conflict(
            "Deze cliëntstop is al beoordeeld of ingetrokken ("
            f"{ClientstopStatus(stop.status).label.lower()}).",
            code="clientstop_al_beoordeeld",
        )
    if besluit == ClientstopBesluit.AFWIJZEN and not toelichting.strip():
        raise DomeinFout(
            "Geef een toelichting bij de afwijzing.",
            code="reden_verplicht",
            velden={"toelichting": ["Verplicht bij afwijzen."]},
        )
    if (
        besluit == ClientstopBesluit.GOEDKEUREN
        and stop.einddatum is not None
        and stop.einddatum < _basis.vandaag()
    ):
        raise DomeinFout(
            "De gevraagde periode van de cliëntstop is al voorbij.", code="clientstop_verlopen"
        )
    stop.beoordeeld_op = timezone.now()
    stop.beoordeeld_door = door
    stop.besluit_toelichting = toelichting
    naar = (
        ClientstopStatus.GOEDGEKEURD
        if besluit == ClientstopBesluit.GOEDKEUREN
        else ClientstopStatus.AFGEWEZEN
    )
    _status_vastleggen(door=door, stop=stop, naar=naar, toelichting=toelichting)
    return stop


@transaction.atomic
def clientstop_opheffen(
    *, door: Gebruiker | None, clientstop: Clientstop, toelichting: str = ""
) -> Clientstop:
    """The provider takes new clients again (no consent needed). A request not yet decided,
    or an approved stop that has not started, is withdrawn (ingetrokken); a running stop is
    lifted (opgeheven) and ends yesterday, so what counted before stays readable."""
    Zorgaanbieder.objects.select_for_update().get(pk=clientstop.zorgaanbieder_id)
    stop = (
        Clientstop.objects.select_for_update().select_related("zorgaanbieder").get(pk=clientstop.pk)
    )
    if door is not None:
        if aanbieder_id(door) is None:
            raise GeenToegang("Alleen de zorgaanbieder zelf heft een cliëntstop op.")
        eis_eigen_aanbieder(door, stop.zorgaanbieder)
    gisteren = _basis.vandaag() - timedelta(days=1)
    if stop.status == ClientstopStatus.GOEDGEKEURD and stop.ingangsdatum <= gisteren:
        if stop.einddatum is not None and stop.einddatum <= gisteren:
            raise DomeinFout("Deze cliëntstop is al afgelopen.", code="clientstop_afgelopen")
        stop.einddatum = gisteren
        naar = ClientstopStatus.OPGEHEVEN
    else:
        naar = ClientstopStatus.INGETROKKEN
    _status_vastleggen(door=door, stop=stop, naar=naar, toelichting=toelichting)
    return stop

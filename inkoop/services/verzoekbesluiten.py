"""The regisseur's decisions on a verzoek (315/317), each on the verzoek as a whole:

- toekennen: the requested products become toewijzingen (and changes of toewijzingen) through
  :mod:`inkoop.services.toewijzingen`, which books their reservations; one 301 answers;
- afwijzen: a 319 "verzoek afgewezen" with the RedenAfwijzingVerzoek per ReferentieAanbieder;
- in onderzoek: a 319 "aanvraag in onderzoek" (once, TR360); the deadline becomes eight weeks.

Status changes follow ``VERZOEK_TRANSITIES`` with a history row and an audit record; the
verzoek row is locked first. A refused decision changes nothing.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inkoop.constants import (
    FREQUENTIE_TOTAAL,
    VERZOEK_TRANSITIES,
    ToewijzingStatus,
    VerzoekStatus,
)
from inkoop.models import Toewijzing, Verzoek, VerzoekStatusWijziging
from inkoop.services import _basis
from inkoop.services._basis import eis_rol, opslaan
from inkoop.services._berichten import (
    AANGEVRAAGD,
    NIEUW,
    REDEN_WOONPLAATSBEGINSEL,
    TE_WIJZIGEN,
    VERZOEK_AFGEWEZEN,
    VERZOEK_IN_ONDERZOEK,
    antwoordbericht_maken,
)
from inkoop.services.toewijzingen import (
    TOEWIJZING_ROLLEN,
    toewijzing_intrekken,
    toewijzing_verstrekken,
    toewijzing_verwijderen,
    toewijzing_wijzigen,
    toewijzingen_versturen,
)
from inkoop.services.verzoeken import (
    GevraagdProduct,
    product_opzoeken,
    productnaam,
    verzoek_momentopname,
)
from iwmo_jw.codec.modellen import Product as BerichtProduct
from iwmo_jw.constants import BerichtStandaard, TermijnSoort
from iwmo_jw.models import UitgaandBericht
from iwmo_jw.services import bericht_uitgaand_vastleggen, vervolgtermijn_openen
from iwmo_jw.termijnen import ONDERZOEKTERMIJN
from kern.audit import audit_vastleggen
from kern.constants import AuditActie, Wet
from kern.exceptions import Conflict, DomeinFout
from kern.models import Gebruiker, Gemeente
from kern.toegang import eis_gemeenten_in_scope

#: Roles that decide on a verzoek: those that issue toewijzingen.
VERZOEK_BESLISSERS = TOEWIJZING_ROLLEN

#: RedenAfwijzingVerzoek (WJ759), for choices in the API and the admin.
REDEN_AFWIJZING_KEUZES = [
    ("1", _("Geen wijziging, maar nieuwe aanvraag")),
    ("2", _("Past niet binnen budget")),
    ("3", _("Geen contract")),
    ("4", _("Past niet binnen contract")),
    ("5", _("Andere gemeente")),
    ("6", _("Stapeling")),
    ("7", _("Zorginhoudelijke afkeur")),
    ("8", _("Woonplaatsbeginsel")),
    ("9", _("Leeftijdsgrens is bereikt")),
]
REDENEN_AFWIJZING = frozenset(code for code, _label in REDEN_AFWIJZING_KEUZES)


# --- Decisions --------------------------------------------------------------------------------


def _eis_beslisser(door: Gebruiker | None, verzoek: Verzoek) -> None:
    eis_rol(door, *VERZOEK_BESLISSERS)
    if door is not None:
        eis_gemeenten_in_scope(door, [verzoek.gemeente])


def _vergrendeld(verzoek: Verzoek) -> Verzoek:
    return (
        Verzoek.objects.select_for_update(of=("self",))
        .select_related("gemeente", "zorgaanbieder", "client", "bericht")
        .get(pk=verzoek.pk)
    )


def _status_vastleggen(
    *, door: Gebruiker | None, verzoek: Verzoek, naar: str, reden: str, voor: dict[str, Any]
) -> None:
    """The status change itself was checked by :func:`_eis_overgang`; save, history, audit."""
    van = voor["status"]
    verzoek.status = naar
    opslaan(verzoek)
    VerzoekStatusWijziging.objects.create(
        verzoek=verzoek, van_status=van, naar_status=naar, reden=reden[:255], door=door
    )
    audit_vastleggen(
        gebruiker=door,
        actie=AuditActie.STATUS,
        obj=verzoek,
        voor=voor,
        na=verzoek_momentopname(verzoek),
        toelichting=reden[:255],
    )


def _eis_overgang(verzoek: Verzoek, naar: str) -> None:
    if naar not in VERZOEK_TRANSITIES[verzoek.status]:
        raise Conflict(
            f"Een verzoek met status {VerzoekStatus(verzoek.status).label.lower()} kan niet "
            f"naar {VerzoekStatus(naar).label.lower()}.",
            code="statusovergang_niet_toegestaan",
        )


def _antwoorden_versturen(
    *,
    door: Gebruiker | None,
    verzoek: Verzoek,
    verzoek_antwoord: str,
    reden_afwijzing: str = "",
    woonplaatsbeginsel_gemeente: str = "",
) -> list[UitgaandBericht]:
    """One 319 per ReferentieAanbieder of the verzoek, each stored in the outbox as the
    answer to the verzoek's message (which closes its deadline)."""
    bericht = verzoek.bericht
    if bericht is None:
        return []
    prefix = "WMO" if bericht.standaard == BerichtStandaard.IWMO else "JW"
    uit: list[UitgaandBericht] = []
    for referentie in verzoek.referenties.order_by("pk").values_list(
        "referentie_aanbieder", flat=True
    ):
        data = antwoordbericht_maken(
            standaard_prefix=prefix,
            gemeentecode=verzoek.gemeente.code,
            agb_code=verzoek.zorgaanbieder.agb_code,
            referentie_aanbieder=referentie,
            verzoek_antwoord=verzoek_antwoord,
            dag=_basis.vandaag(),
            reden_afwijzing=reden_afwijzing,
            woonplaatsbeginsel_gemeente=woonplaatsbeginsel_gemeente,
        )
        uit.append(bericht_uitgaand_vastleggen(data=data, antwoord_op=bericht, door=door))
    return uit


@transaction.atomic
def verzoek_afwijzen(
    *,
    door: Gebruiker | None,
    verzoek: Verzoek,
    reden_afwijzing: str,
    toelichting: str = "",
    woonplaatsbeginsel_gemeente: str = "",
) -> Verzoek:
    """Refuse a verzoek as a whole: a 319 "verzoek afgewezen" with the RedenAfwijzingVerzoek
    (WJ759) per ReferentieAanbieder. Reden 8 (woonplaatsbeginsel) names, in the Jeugdwet, the
    gemeente that is responsible (TR377)."""
    verzoek = _vergrendeld(verzoek)
    _eis_beslisser(door, verzoek)
    _eis_overgang(verzoek, VerzoekStatus.AFGEWEZEN)
    if reden_afwijzing not in REDENEN_AFWIJZING:
        bericht = "Kies een reden van afwijzing van 1 tot en met 9 (RedenAfwijzingVerzoek)."
        raise DomeinFout(
            bericht, code="reden_afwijzing_ongeldig", velden={"reden_afwijzing": [bericht]}
        )
    woonplaats = woonplaatsbeginsel_gemeente.strip()
    if reden_afwijzing == REDEN_WOONPLAATSBEGINSEL and verzoek.wet == Wet.JW:
        if not Gemeente.objects.filter(code=woonplaats).exists():
            bericht = (
                "Bij afwijzing wegens het woonplaatsbeginsel noemt u de gemeente die "
                "verantwoordelijk is (gemeentecode, TR377)."
            )
            raise DomeinFout(
                bericht,
                code="woonplaatsbeginsel_gemeente_verplicht",
                velden={"woonplaatsbeginsel_gemeente": [bericht]},
            )
    elif woonplaats:
        bericht = "Een gemeente volgens het woonplaatsbeginsel hoort alleen bij reden 8 (iJw)."
        raise DomeinFout(
            bericht,
            code="woonplaatsbeginsel_niet_toegestaan",
            velden={"woonplaatsbeginsel_gemeente": [bericht]},
        )
    voor = verzoek_momentopname(verzoek)
    nu = timezone.now()
    verzoek.reden_afwijzing = reden_afwijzing
    verzoek.toelichting = toelichting
    verzoek.beslist_op = nu
    verzoek.beslist_door = door if door is not None and door.pk else None
    verzoek.beantwoord_op = verzoek.beantwoord_op or nu
    _status_vastleggen(
        door=door,
        verzoek=verzoek,
        naar=VerzoekStatus.AFGEWEZEN,
        reden=toelichting or f"Afgewezen, reden {reden_afwijzing}.",
        voor=voor,
    )
    _antwoorden_versturen(
        door=door,
        verzoek=verzoek,
        verzoek_antwoord=VERZOEK_AFGEWEZEN,
        reden_afwijzing=reden_afwijzing,
        woonplaatsbeginsel_gemeente=woonplaats,
    )
    return verzoek


@transaction.atomic
def verzoek_in_onderzoek(
    *, door: Gebruiker | None, verzoek: Verzoek, toelichting: str = ""
) -> Verzoek:
    """Answer "aanvraag in onderzoek" (a 319 per ReferentieAanbieder). Allowed once (TR360);
    a 301 or a refusal must then follow within eight weeks, which becomes the verzoek's
    deadline and a deadline of its message in the berichtenbox (signalled when overdue,
    closed by the 301 or 319 that follows)."""
    verzoek = _vergrendeld(verzoek)
    _eis_beslisser(door, verzoek)
    _eis_overgang(verzoek, VerzoekStatus.IN_ONDERZOEK)
    voor = verzoek_momentopname(verzoek)
    verzoek.toelichting = toelichting
    verzoek.beantwoord_op = verzoek.beantwoord_op or timezone.now()
    verzoek.uiterste_antwoorddatum = _basis.vandaag() + ONDERZOEKTERMIJN
    _status_vastleggen(
        door=door,
        verzoek=verzoek,
        naar=VerzoekStatus.IN_ONDERZOEK,
        reden=toelichting or "In onderzoek.",
        voor=voor,
    )
    _antwoorden_versturen(door=door, verzoek=verzoek, verzoek_antwoord=VERZOEK_IN_ONDERZOEK)
    if verzoek.bericht is not None:
        vervolgtermijn_openen(
            bericht=verzoek.bericht,
            soort=TermijnSoort.DEFINITIEF_ANTWOORD,
            begindatum=_basis.vandaag(),
            uiterste_datum=verzoek.uiterste_antwoorddatum,
        )
    return verzoek


# --- Toekennen --------------------------------------------------------------------------------

#: RedenWijziging (WMO002/JZ002) 12: Geinitieerd door de aanbieder; a change a 317 asked for.
REDEN_OP_VERZOEK_AANBIEDER = "12"


def _als_datum(waarde: str | None) -> date | None:
    return None if not waarde else date.fromisoformat(waarde)


def _als_bedrag(waarde: str | None) -> Decimal | None:
    return None if waarde in (None, "") else Decimal(str(waarde))


def _catalogus(verzoek: Verzoek, p: dict[str, Any]) -> GevraagdProduct:
    product = (
        BerichtProduct(categorie=p["productcategorie"], code=p["productcode"] or None)
        if p.get("productcategorie")
        else None
    )
    gevraagd = product_opzoeken(verzoek.wet, product)
    if gevraagd is None:
        raise DomeinFout(
            f"{productnaam(product).capitalize()} staat niet meer in de productcatalogus; "
            "wijs het verzoek af of wijs een ander product toe.",
            code="product_onbekend",
        )
    return gevraagd


def _nieuw_toewijzen(
    *, door: Gebruiker | None, verzoek: Verzoek, p: dict[str, Any], referentie: str
) -> Toewijzing:
    gevraagd = _catalogus(verzoek, p)
    ingangsdatum = _als_datum(p["ingangsdatum"])
    assert ingangsdatum is not None
    return toewijzing_verstrekken(
        door=door,
        client=verzoek.client,
        zorgaanbieder=verzoek.zorgaanbieder,
        wet=verzoek.wet,
        ingangsdatum=ingangsdatum,
        einddatum=_als_datum(p.get("einddatum")),
        product=gevraagd.product,
        productcategorie=gevraagd.productcategorie,
        volume=p.get("volume"),
        eenheid=p.get("eenheid") or "",
        frequentie=p.get("frequentie") or "",
        budget_bedrag=_als_bedrag(p.get("budget")),
        referentie_aanbieder=referentie,
        verzoek=verzoek,
        versturen=False,
    )


def _wijziging_toekennen(*, door: Gebruiker | None, verzoek: Verzoek, p: dict[str, Any]) -> None:
    """One TeWijzigenProduct. What IV066 allows on the toewijzing itself (einddatum, budget,
    the volume at frequentie 6) is a change; another Omvang withdraws the toewijzing from the
    desired ingangsdatum (or removes it, when that is its own ingangsdatum) and issues a new
    one with the new Omvang."""
    toewijzing = Toewijzing.objects.filter(
        gemeente=verzoek.gemeente,
        wet=verzoek.wet,
        nummer=p["toewijzing_nummer"],
        client=verzoek.client,
        zorgaanbieder=verzoek.zorgaanbieder,
    ).first()
    if toewijzing is None or toewijzing.status == ToewijzingStatus.VERWIJDERD:
        raise Conflict(
            f"Toewijzing {p['toewijzing_nummer']} bestaat niet meer; wijs het verzoek af.",
            code="toewijzing_niet_gevonden",
        )
    ingang = _als_datum(p["ingangsdatum"])
    assert ingang is not None
    einddatum = _als_datum(p.get("einddatum"))
    budget = _als_bedrag(p.get("budget"))
    volume = p.get("volume")
    omvang_anders = volume is not None and (
        volume != toewijzing.volume
        or p.get("eenheid") != toewijzing.eenheid
        or p.get("frequentie") != toewijzing.frequentie
    )
    alleen_totaal = (
        toewijzing.frequentie == FREQUENTIE_TOTAAL
        and p.get("frequentie") == FREQUENTIE_TOTAAL
        and p.get("eenheid") == toewijzing.eenheid
    )
    if omvang_anders and not alleen_totaal:
        if ingang > toewijzing.ingangsdatum:
            toewijzing_intrekken(
                door=door,
                toewijzing=toewijzing,
                einddatum=ingang - timedelta(days=1),
                reden_wijziging=REDEN_OP_VERZOEK_AANBIEDER,
                versturen=False,
            )
        else:
            toewijzing_verwijderen(door=door, toewijzing=toewijzing, versturen=False)
        toewijzing_verstrekken(
            door=door,
            client=verzoek.client,
            zorgaanbieder=verzoek.zorgaanbieder,
            wet=verzoek.wet,
            ingangsdatum=max(ingang, toewijzing.ingangsdatum),
            einddatum=einddatum,
            product=toewijzing.product,
            productcategorie=toewijzing.productcategorie,
            volume=volume,
            eenheid=p.get("eenheid") or "",
            frequentie=p.get("frequentie") or "",
            referentie_aanbieder=verzoek.referentie_aanbieder,
            verzoek=verzoek,
            versturen=False,
        )
        return
    wijzigingen: dict[str, Any] = {}
    if einddatum != toewijzing.einddatum:
        wijzigingen["einddatum"] = einddatum
    if budget is not None and budget != toewijzing.budget_bedrag:
        wijzigingen["budget_bedrag"] = budget
    if omvang_anders:
        wijzigingen["volume"] = volume
    if wijzigingen:
        toewijzing_wijzigen(
            door=door,
            toewijzing=toewijzing,
            reden_wijziging=REDEN_OP_VERZOEK_AANBIEDER,
            instemming_aanbieder=True,  # the provider asked for it
            versturen=False,
            referentie_aanbieder=verzoek.referentie_aanbieder,
            **wijzigingen,
        )


@transaction.atomic
def verzoek_toekennen(
    *, door: Gebruiker | None, verzoek: Verzoek, toelichting: str = ""
) -> Verzoek:
    """Grant a verzoek as a whole, as asked: a 315's products become toewijzingen (each
    carrying its ReferentieAanbieder); a 317's changed products are changed (or withdrawn and
    issued anew, IV066) and its new products issued, with the 317's ReferentieAanbieder.
    Their reservations are booked by the toewijzing services; one 301 for the client then
    answers the verzoek's message. Anything the rules refuse (stacking, no contract, no
    budget post) refuses the whole grant and changes nothing."""
    verzoek = _vergrendeld(verzoek)
    _eis_beslisser(door, verzoek)
    _eis_overgang(verzoek, VerzoekStatus.TOEGEKEND)
    for p in verzoek.producten:
        if p["soort"] == AANGEVRAAGD:
            _nieuw_toewijzen(door=door, verzoek=verzoek, p=p, referentie=p["referentie_aanbieder"])
        elif p["soort"] == NIEUW:
            _nieuw_toewijzen(
                door=door, verzoek=verzoek, p=p, referentie=verzoek.referentie_aanbieder
            )
        elif p["soort"] == TE_WIJZIGEN:
            _wijziging_toekennen(door=door, verzoek=verzoek, p=p)
    toewijzingen_versturen(
        door=door,
        client=verzoek.client,
        zorgaanbieder=verzoek.zorgaanbieder,
        wet=verzoek.wet,
        antwoord_op=verzoek.bericht,
    )
    voor = verzoek_momentopname(verzoek)
    nu = timezone.now()
    verzoek.toelichting = toelichting
    verzoek.beslist_op = nu
    verzoek.beslist_door = door if door is not None and door.pk else None
    verzoek.beantwoord_op = verzoek.beantwoord_op or nu
    _status_vastleggen(
        door=door,
        verzoek=verzoek,
        naar=VerzoekStatus.TOEGEKEND,
        reden=toelichting or "Toegekend.",
        voor=voor,
    )
    return verzoek

"""Verzoeken om toewijzing (315) and om wijziging (317): receiving them from the berichtenbox
into the regisseur's work queue. The regisseur's decisions on them are in
:mod:`inkoop.services.verzoekbesluiten`.

Receiving checks the rules across messages and against the catalogue (levels 3 and 4) and
refuses the whole message when one fails, booking nothing (IV028/IV032): the retour carries
the rule's code. Checked here:

- 315: ReferentieAanbieder unique for the provider within the wet (TR347, 9347); no open
  verzoek for this client at this provider (TR374, 9374); the product code exists in the
  catalogue for the category and wet (TR381, S329).
- 317: the client is known (TR304, 8187); TR374 and TR347 as above; every current
  toewijzing of the client at this provider is in the request (TR349, 9349); unchanged and
  changed products name a current toewijzing (TR350/TR351, 9350/9351); a new product does not
  overlap the same product of a current toewijzing (TR361, 9361); a change that starts
  on or before the dagtekening keeps the original ingangsdatum (TR357, 9357); a changed
  budget or total volume changes the whole toewijzing (TR373, 9373); Omvang present exactly
  when the toewijzing has a product code (TR411/TR412/TR375, 9411/9412/9375); a new product's
  code exists (TR381, S329).

Decisions (made here, not refused):

- A 315 for a client the gemeente does not know yet (a valid BSN: level 2 checked the
  eleven-test) registers the client from the message's personal data: in the Jeugdwet a
  315 follows a legal referral, so an unknown client is the normal case. A 317 for an
  unknown client is refused (8187): a change presupposes a toewijzing.
- A product in the catalogue that the provider has no running contract for is not a
  technical fault (no retourcode exists for it): the verzoek is recorded with the
  signalering ``geen_contract``, and the regisseur may refuse it with reden 3 (Geen contract).
- Locks: the provider row first (its verzoeken are serialised), then the verzoek. The
  partial unique constraints (one open verzoek per client and provider; one referentie) are
  the last defence; a violation inside the savepoint becomes the same refusal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from contracten.constants import CONTRACT_LOPEND
from contracten.models import Product, Productcategorie, Tariefperiode, Zorgaanbieder
from inkoop.constants import (
    VERZOEK_OPEN,
    ToewijzingStatus,
    VerzoekSoort,
    VerzoekStatus,
)
from inkoop.models import Client, Toewijzing, Verzoek, VerzoekReferentie, VerzoekStatusWijziging
from inkoop.services._basis import opslaan
from inkoop.services._berichten import (
    AANGEVRAAGD,
    NIEUW,
    ONGEWIJZIGD,
    TE_WIJZIGEN,
    Beoordeling,
)
from inkoop.services.toewijzingen import (
    client_vastleggen,
)
from iwmo_jw.codec.modellen import Bericht315, Bericht317
from iwmo_jw.codec.modellen import Product as BerichtProduct
from iwmo_jw.constants import BerichtStandaard
from iwmo_jw.models import InkomendBericht
from kern.audit import audit_vastleggen, momentopname
from kern.constants import AuditActie, Wet
from kern.exceptions import DomeinFout
from kern.models import Gebruiker, Gemeente
from kern.perioden import overlapt, plus_werkdagen

#: The regisseur answers a 315/317 within five working days (OP274, OP346).
ANTWOORDTERMIJN_WERKDAGEN = 5

#: Retourcodes of the rules checked here.
RC_CLIENT_ONBEKEND = "8187"  # TR304
RC_REFERENTIE_NIET_UNIEK = "9347"  # TR347
RC_NIET_ALLE_ACTUELE = "9349"  # TR349
RC_ONGEWIJZIGD_ONBEKEND = "9350"  # TR350
RC_TE_WIJZIGEN_ONBEKEND = "9351"  # TR351
RC_INGANGSDATUM = "9357"  # TR357
RC_OVERLAP = "9361"  # TR361
RC_BUDGET_INGANGSDATUM = "9373"  # TR373
RC_VERZOEK_ONDERHANDEN = "9374"  # TR374
RC_OMVANG_BIJ_GEEN_PRODUCT = "9375"  # TR375
RC_OMVANG_VERPLICHT = "9411"  # TR411
RC_OMVANG_LEEG_LATEN = "9412"  # TR412
RC_PRODUCTCODE = "S329"  # TR381
RC_NIET_BEOORDEELD = "0233"

#: TR375/TR412 apply to toewijzingen ending after this day (or open-ended).
_GRENS_TR375 = date(2020, 12, 31)

SIGNALERING_GEEN_CONTRACT = "geen_contract"

#: Fields of a verzoek in its audit records (the products are in the message and the row).
_AUDIT_VELDEN = [
    "uuid",
    "gemeente",
    "wet",
    "soort",
    "client",
    "zorgaanbieder",
    "bericht",
    "referentie_aanbieder",
    "reden_verzoek",
    "status",
    "ontvangen_op",
    "uiterste_antwoorddatum",
    "beantwoord_op",
    "beslist_op",
    "beslist_door",
    "reden_afwijzing",
    "toelichting",
]


def verzoek_momentopname(verzoek: Verzoek) -> dict[str, Any]:
    return momentopname(verzoek, velden=_AUDIT_VELDEN)


def wet_van(bericht: InkomendBericht) -> str:
    return Wet.WMO if bericht.standaard == BerichtStandaard.IWMO else Wet.JW


def zorgaanbieder_van(bericht: InkomendBericht, *, vergrendelen: bool = False) -> Zorgaanbieder:
    """The provider that sent ``bericht`` (by the AGB code of its header). Unknown: the
    message cannot be processed until a beheerder registers the provider (and offers the
    message again); the sender is not at fault, so no retourcode applies."""
    qs = Zorgaanbieder.objects.filter(agb_code=bericht.agb_code)
    if vergrendelen:
        qs = qs.select_for_update()
    aanbieder = qs.first()
    if aanbieder is None:
        raise DomeinFout(
            f"Er is geen zorgaanbieder met AGB-code {bericht.agb_code}; leg de aanbieder vast "
            "en bied het bericht opnieuw aan.",
            code="zorgaanbieder_onbekend",
        )
    return aanbieder


def _gemeente_van(bericht: InkomendBericht) -> Gemeente:
    gemeente = bericht.gemeente
    if gemeente is None:  # pragma: no cover - the berichtenbox refuses those before routing
        raise DomeinFout("Het bericht hoort bij geen bekende gemeente.", code="gemeente_onbekend")
    return gemeente


# --- Products: catalogue and contract ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GevraagdProduct:
    """A requested product resolved against the catalogue (both None: generiek, budget only)."""

    productcategorie: Productcategorie | None
    product: Product | None


def product_opzoeken(wet: str, product: BerichtProduct | None) -> GevraagdProduct | None:
    """The catalogue entries of a requested product; None when the category or the code is
    not in the catalogue of ``wet`` (TR381, S329)."""
    if product is None:
        return GevraagdProduct(None, None)
    categorie = Productcategorie.objects.filter(wet=wet, code=product.categorie).first()
    if categorie is None:
        return None
    if not product.code:
        return GevraagdProduct(categorie, None)
    gevonden = Product.objects.filter(categorie=categorie, productcode=product.code).first()
    if gevonden is None:
        return None
    return GevraagdProduct(categorie, gevonden)


def heeft_contract(
    *,
    zorgaanbieder: Zorgaanbieder,
    gemeente: Gemeente,
    gevraagd: GevraagdProduct,
    vanaf: date,
) -> bool:
    """Whether the provider holds a running contract with a tariff, valid on ``vanaf`` or
    later, for the product (specifiek), a product of the category (aspecifiek) or any
    product (generiek) in the gemeente."""
    qs = (
        Tariefperiode.objects.filter(
            is_vervangen=False,
            contract__zorgaanbieder=zorgaanbieder,
            contract__gemeenten=gemeente,
            contract__status__in=CONTRACT_LOPEND,
        )
        .filter(Q(einddatum__isnull=True) | Q(einddatum__gte=vanaf))
        .filter(Q(contract__einddatum__isnull=True) | Q(contract__einddatum__gte=vanaf))
    )
    if gevraagd.product is not None:
        qs = qs.filter(product=gevraagd.product)
    elif gevraagd.productcategorie is not None:
        qs = qs.filter(product__categorie=gevraagd.productcategorie)
    return qs.exists()


def productnaam(product: BerichtProduct | None) -> str:
    if product is None:
        return "geen product (generiek budget)"
    if product.code:
        return f"product {product.categorie}/{product.code}"
    return f"productcategorie {product.categorie}"


def _bedrag(waarde: Decimal | None) -> str | None:
    return None if waarde is None else str(waarde)


def _datum(waarde: date | None) -> str | None:
    return None if waarde is None else waarde.isoformat()


def _omvang(omvang: Any) -> dict[str, Any]:
    if omvang is None:
        return {"volume": None, "eenheid": "", "frequentie": ""}
    return {"volume": omvang.volume, "eenheid": omvang.eenheid, "frequentie": omvang.frequentie}


def _product_velden(product: BerichtProduct | None) -> dict[str, Any]:
    return {
        "productcategorie": product.categorie if product is not None else "",
        "productcode": (product.code or "") if product is not None else "",
    }


# --- Receiving --------------------------------------------------------------------------------


def _open_verzoek(client: Client | None, aanbieder: Zorgaanbieder) -> bool:
    return (
        client is not None
        and Verzoek.objects.filter(
            client=client, zorgaanbieder=aanbieder, status__in=VERZOEK_OPEN
        ).exists()
    )


def _bestaande_referenties(aanbieder: Zorgaanbieder, wet: str, referenties: list[str]) -> set[str]:
    return set(
        VerzoekReferentie.objects.filter(
            zorgaanbieder=aanbieder, wet=wet, referentie_aanbieder__in=referenties
        ).values_list("referentie_aanbieder", flat=True)
    )


def _signalering_geen_contract(
    aanbieder: Zorgaanbieder, gemeente: Gemeente, wat: str, referentie: str
) -> dict[str, str]:
    return {
        "code": SIGNALERING_GEEN_CONTRACT,
        "melding": f"{aanbieder.naam} heeft geen lopend contract voor {wat} in gemeente "
        f"{gemeente.naam} ({referentie}); afwijzen kan met reden 3 (Geen contract).",
    }


def _verzoek_vastleggen(
    *,
    bericht: InkomendBericht,
    aanbieder: Zorgaanbieder,
    client: Client,
    wet: str,
    soort: str,
    referenties: list[str],
    producten: list[dict[str, Any]],
    signaleringen: list[dict[str, str]],
    reden_verzoek: str = "",
) -> Verzoek:
    ontvangen: datetime = bericht.ontvangen_op
    verzoek = Verzoek(
        gemeente=_gemeente_van(bericht),
        wet=wet,
        soort=soort,
        client=client,
        zorgaanbieder=aanbieder,
        bericht=bericht,
        referentie_aanbieder=referenties[0],
        reden_verzoek=reden_verzoek,
        producten=producten,
        signaleringen=signaleringen,
        status=VerzoekStatus.OPEN,
        ontvangen_op=ontvangen,
        uiterste_antwoorddatum=plus_werkdagen(
            timezone.localdate(ontvangen), ANTWOORDTERMIJN_WERKDAGEN
        ),
    )
    opslaan(verzoek)
    VerzoekReferentie.objects.bulk_create(
        VerzoekReferentie(
            verzoek=verzoek, zorgaanbieder=aanbieder, wet=wet, referentie_aanbieder=referentie
        )
        for referentie in referenties
    )
    VerzoekStatusWijziging.objects.create(
        verzoek=verzoek,
        van_status="",
        naar_status=VerzoekStatus.OPEN,
        reden=f"Ontvangen in {bericht.berichtnaam} {bericht.identificatie}"[:255],
    )
    audit_vastleggen(
        gebruiker=None,
        actie=AuditActie.AANGEMAAKT,
        obj=verzoek,
        na=verzoek_momentopname(verzoek),
        toelichting=f"{bericht.berichtnaam} {bericht.identificatie}"[:255],
    )
    return verzoek


def _botsing_beoordelen(
    beoordeling: Beoordeling,
    *,
    client: Client | None,
    aanbieder: Zorgaanbieder,
    wet: str,
    referenties: list[tuple[str, int | None, str]],
) -> None:
    """After a unique violation in the savepoint (a concurrent message won): say which."""
    if _open_verzoek(client, aanbieder):
        beoordeling.client_fout(
            RC_VERZOEK_ONDERHANDEN,
            "Er is al een verzoek van deze aanbieder voor deze cliënt in behandeling.",
        )
    bestaand = _bestaande_referenties(aanbieder, wet, [r for r, _, _ in referenties])
    for referentie, index, groep in referenties:
        if referentie in bestaand:
            _referentie_fout(beoordeling, referentie, index, groep)


def _referentie_fout(
    beoordeling: Beoordeling, referentie: str, index: int | None, groep: str
) -> None:
    melding = f"ReferentieAanbieder {referentie} is al eerder gebruikt (TR347)."
    if index is None:
        beoordeling.verzoek_fout(RC_REFERENTIE_NIET_UNIEK, melding)
    else:
        beoordeling.product_fout(groep, index, RC_REFERENTIE_NIET_UNIEK, melding)


def _client_vastleggen_uit(vot: Bericht315, gemeente: Gemeente) -> Client:
    c = vot.client
    naam = c.naam.geslachtsnaam
    return client_vastleggen(
        door=None,
        gemeente=gemeente,
        bsn=c.bsn,
        geboortedatum=c.geboortedatum.datum,
        datum_gebruik=c.geboortedatum.datum_gebruik or "",
        geslacht=c.geslacht,
        achternaam=naam.achternaam,
        voorvoegsel=naam.voorvoegsel or "",
        voornamen=c.naam.voornamen or "",
        voorletters=c.naam.voorletters or "",
    )


@transaction.atomic
def verzoek_om_toewijzing_ontvangen(
    *, door: Gebruiker | None = None, bericht: InkomendBericht, vot: Bericht315
) -> tuple[Beoordeling, Verzoek | None]:
    """Check a 315 that passed level 2 and, when it passes, put a verzoek in the regisseur's
    work queue (and register the client if the gemeente does not know it yet). Returns the
    outcome per class for the 316 and the verzoek (None when refused: nothing booked)."""
    aanbieder = zorgaanbieder_van(bericht, vergrendelen=True)
    gemeente = _gemeente_van(bericht)
    wet = wet_van(bericht)
    beoordeling = Beoordeling()
    client = Client.objects.filter(gemeente=gemeente, bsn=vot.client.bsn).first()
    if _open_verzoek(client, aanbieder):
        beoordeling.client_fout(
            RC_VERZOEK_ONDERHANDEN,
            "Er is al een verzoek van deze aanbieder voor deze cliënt in behandeling (TR374).",
        )
    aanvragen = vot.client.aangevraagde_producten
    referenties = [p.referentie_aanbieder for p in aanvragen]
    bestaand = _bestaande_referenties(aanbieder, wet, referenties)
    producten: list[dict[str, Any]] = []
    signaleringen: list[dict[str, str]] = []
    for i, p in enumerate(aanvragen):
        if p.referentie_aanbieder in bestaand:
            _referentie_fout(beoordeling, p.referentie_aanbieder, i, AANGEVRAAGD)
        gevraagd = product_opzoeken(wet, p.product)
        if gevraagd is None:
            beoordeling.product_fout(
                AANGEVRAAGD,
                i,
                RC_PRODUCTCODE,
                f"{productnaam(p.product).capitalize()} staat niet in de productcatalogus "
                f"van de {Wet(wet).label} (TR381).",
            )
        elif not heeft_contract(
            zorgaanbieder=aanbieder,
            gemeente=gemeente,
            gevraagd=gevraagd,
            vanaf=p.toewijzing_ingangsdatum,
        ):
            signaleringen.append(
                _signalering_geen_contract(
                    aanbieder, gemeente, productnaam(p.product), p.referentie_aanbieder
                )
            )
        producten.append(
            {
                "soort": AANGEVRAAGD,
                "referentie_aanbieder": p.referentie_aanbieder,
                "beschikking_nummer": p.beschikking_nummer,
                **_product_velden(p.product),
                "ingangsdatum": _datum(p.toewijzing_ingangsdatum),
                "einddatum": _datum(p.toewijzing_einddatum),
                **_omvang(p.omvang),
                "budget": _bedrag(p.budget),
                "verwijzer_type": p.verwijzer.type,
                "verwijzer_naam": p.verwijzer.naam or "",
                "verwijzer_zorgverlenercode": p.verwijzer.zorgverlener_code or "",
                "raamcontract": p.raamcontract or "",
                "commentaar": p.commentaar or "",
            }
        )
    if beoordeling.afgekeurd:
        return beoordeling, None
    try:
        with transaction.atomic():
            if client is None:
                client = _client_vastleggen_uit(vot, gemeente)
            verzoek = _verzoek_vastleggen(
                bericht=bericht,
                aanbieder=aanbieder,
                client=client,
                wet=wet,
                soort=VerzoekSoort.VOT,
                referenties=referenties,
                producten=producten,
                signaleringen=signaleringen,
            )
    except (IntegrityError, DomeinFout) as fout:
        if isinstance(fout, DomeinFout) and fout.code not in (
            RC_VERZOEK_ONDERHANDEN,
            RC_REFERENTIE_NIET_UNIEK,
            "client_bestaat",
        ):
            raise
        client = Client.objects.filter(gemeente=gemeente, bsn=vot.client.bsn).first()
        _botsing_beoordelen(
            beoordeling,
            client=client,
            aanbieder=aanbieder,
            wet=wet,
            referenties=[(r, i, AANGEVRAAGD) for i, r in enumerate(referenties)],
        )
        if not beoordeling.afgekeurd:
            raise  # not one of the races above: a real fault
        return beoordeling, None
    return beoordeling, verzoek


def _actuele_toewijzingen(
    client: Client, aanbieder: Zorgaanbieder, wet: str, peildatum: date
) -> dict[int, Toewijzing]:
    """TR349: toewijzingen valid on or after the peildatum (also those starting later)."""
    return {
        t.nummer: t
        for t in Toewijzing.objects.filter(client=client, zorgaanbieder=aanbieder, wet=wet)
        .exclude(status=ToewijzingStatus.VERWIJDERD)
        .filter(Q(einddatum__isnull=True) | Q(einddatum__gte=peildatum))
        .select_related("product", "productcategorie")
    }


def _zelfde_product(toewijzing: Toewijzing, product: BerichtProduct | None) -> bool:
    if product is None or toewijzing.productcategorie is None:
        return False
    if toewijzing.productcategorie.code != product.categorie:
        return False
    if product.code and toewijzing.product is not None:
        return toewijzing.product.productcode == product.code
    return True


def _te_wijzigen_controleren(
    beoordeling: Beoordeling, i: int, p: Any, t: Toewijzing, dagtekening: date
) -> None:
    waar = f"TeWijzigenProduct {i + 1} (toewijzing {t.nummer})"
    if p.gewenste_ingangsdatum <= dagtekening and p.gewenste_ingangsdatum != t.ingangsdatum:
        beoordeling.product_fout(
            TE_WIJZIGEN,
            i,
            RC_INGANGSDATUM,
            f"{waar}: een wijziging die niet in de toekomst ingaat, geldt vanaf de "
            f"ingangsdatum {t.ingangsdatum:%d-%m-%Y} van de toewijzing (TR357).",
        )
    totaal_gewijzigd = (p.budget is not None and p.budget != t.budget_bedrag) or (
        p.omvang is not None and p.omvang.frequentie == "6" and p.omvang.volume != t.volume
    )
    if totaal_gewijzigd and p.gewenste_ingangsdatum != t.ingangsdatum:
        beoordeling.product_fout(
            TE_WIJZIGEN,
            i,
            RC_BUDGET_INGANGSDATUM,
            f"{waar}: een gewijzigd budget of totaal geldt voor de hele looptijd; de gewenste "
            f"ingangsdatum is dan {t.ingangsdatum:%d-%m-%Y} (TR373).",
        )
    lopend = p.einddatum is None or p.einddatum > _GRENS_TR375
    if t.product_id is not None and p.omvang is None:
        beoordeling.product_fout(
            TE_WIJZIGEN,
            i,
            RC_OMVANG_VERPLICHT,
            f"{waar}: de toewijzing heeft een productcode, dus Omvang is verplicht (TR411).",
        )
    elif t.product_id is None and t.productcategorie_id is not None and p.omvang and lopend:
        beoordeling.product_fout(
            TE_WIJZIGEN,
            i,
            RC_OMVANG_LEEG_LATEN,
            f"{waar}: de toewijzing heeft geen productcode, dus blijft Omvang leeg (TR412).",
        )
    elif t.productcategorie_id is None and p.omvang is not None and lopend:
        beoordeling.product_fout(
            TE_WIJZIGEN,
            i,
            RC_OMVANG_BIJ_GEEN_PRODUCT,
            f"{waar}: de toewijzing heeft geen product, dus blijft Omvang leeg (TR375).",
        )


@transaction.atomic
def verzoek_om_wijziging_ontvangen(
    *, door: Gebruiker | None = None, bericht: InkomendBericht, vow: Bericht317
) -> tuple[Beoordeling, Verzoek | None]:
    """Check a 317 that passed level 2 and, when it passes, put a verzoek (the whole desired
    situation) in the regisseur's work queue. Returns the outcome per class for the 318 and
    the verzoek (None when refused: nothing booked)."""
    aanbieder = zorgaanbieder_van(bericht, vergrendelen=True)
    gemeente = _gemeente_van(bericht)
    wet = wet_van(bericht)
    aanvraag = vow.client.verzoek
    dagtekening = vow.header.dagtekening
    beoordeling = Beoordeling()
    client = Client.objects.filter(gemeente=gemeente, bsn=vow.client.bsn).first()
    if client is None:
        beoordeling.client_fout(
            RC_CLIENT_ONBEKEND,
            f"De cliënt is bij gemeente {gemeente.naam} niet bekend; een verzoek om wijziging "
            "veronderstelt een toewijzing (TR304).",
        )
        beoordeling.standaard = RC_NIET_BEOORDEELD
        return beoordeling, None
    if _open_verzoek(client, aanbieder):
        beoordeling.client_fout(
            RC_VERZOEK_ONDERHANDEN,
            "Er is al een verzoek van deze aanbieder voor deze cliënt in behandeling (TR374).",
        )
    if _bestaande_referenties(aanbieder, wet, [aanvraag.referentie_aanbieder]):
        _referentie_fout(beoordeling, aanvraag.referentie_aanbieder, None, "")
    actueel = _actuele_toewijzingen(client, aanbieder, wet, dagtekening)
    genoemd: set[int] = set()
    producten: list[dict[str, Any]] = []
    for i, o in enumerate(aanvraag.ongewijzigde_producten):
        genoemd.add(o.toewijzing_nummer)
        if o.toewijzing_nummer not in actueel:
            beoordeling.product_fout(
                ONGEWIJZIGD,
                i,
                RC_ONGEWIJZIGD_ONBEKEND,
                f"OngewijzigdProduct {i + 1}: toewijzing {o.toewijzing_nummer} is geen actuele "
                "toewijzing van deze cliënt bij deze aanbieder (TR350).",
            )
        producten.append({"soort": ONGEWIJZIGD, "toewijzing_nummer": o.toewijzing_nummer})
    for i, w in enumerate(aanvraag.te_wijzigen_producten):
        genoemd.add(w.toewijzing_nummer)
        toewijzing = actueel.get(w.toewijzing_nummer)
        if toewijzing is None:
            beoordeling.product_fout(
                TE_WIJZIGEN,
                i,
                RC_TE_WIJZIGEN_ONBEKEND,
                f"TeWijzigenProduct {i + 1}: toewijzing {w.toewijzing_nummer} is geen actuele "
                "toewijzing van deze cliënt bij deze aanbieder (TR351).",
            )
        else:
            _te_wijzigen_controleren(beoordeling, i, w, toewijzing, dagtekening)
        producten.append(
            {
                "soort": TE_WIJZIGEN,
                "toewijzing_nummer": w.toewijzing_nummer,
                "ingangsdatum": _datum(w.gewenste_ingangsdatum),
                "einddatum": _datum(w.einddatum),
                **_omvang(w.omvang),
                "budget": _bedrag(w.budget),
            }
        )
    ontbrekend = sorted(set(actueel) - genoemd)
    if ontbrekend:
        beoordeling.verzoek_fout(
            RC_NIET_ALLE_ACTUELE,
            "Het verzoek noemt niet alle actuele toewijzingen van de cliënt bij deze aanbieder; "
            f"ontbrekend: {', '.join(str(n) for n in ontbrekend)} (TR349).",
        )
    # TR361: a new product may not overlap the same product of a current toewijzing as the
    # verzoek leaves it (the category, when the new product names no code).
    blijvend: list[tuple[Toewijzing, date | None]] = [
        (actueel[o.toewijzing_nummer], actueel[o.toewijzing_nummer].einddatum)
        for o in aanvraag.ongewijzigde_producten
        if o.toewijzing_nummer in actueel
    ] + [
        (actueel[w.toewijzing_nummer], w.einddatum)
        for w in aanvraag.te_wijzigen_producten
        if w.toewijzing_nummer in actueel
    ]
    signaleringen: list[dict[str, str]] = []
    for i, n in enumerate(aanvraag.nieuwe_producten):
        for t, einde in blijvend:
            if _zelfde_product(t, n.product) and overlapt(
                t.ingangsdatum, einde, n.gewenste_ingangsdatum, n.einddatum
            ):
                beoordeling.product_fout(
                    NIEUW,
                    i,
                    RC_OVERLAP,
                    f"NieuwProduct {i + 1}: {productnaam(n.product)} overlapt met toewijzing "
                    f"{t.nummer} (TR361).",
                )
                break
        gevraagd = product_opzoeken(wet, n.product)
        if gevraagd is None:
            beoordeling.product_fout(
                NIEUW,
                i,
                RC_PRODUCTCODE,
                f"NieuwProduct {i + 1}: {productnaam(n.product)} staat niet in de "
                f"productcatalogus van de {Wet(wet).label} (TR381).",
            )
        elif not heeft_contract(
            zorgaanbieder=aanbieder,
            gemeente=gemeente,
            gevraagd=gevraagd,
            vanaf=n.gewenste_ingangsdatum,
        ):
            signaleringen.append(
                _signalering_geen_contract(
                    aanbieder, gemeente, productnaam(n.product), aanvraag.referentie_aanbieder
                )
            )
        producten.append(
            {
                "soort": NIEUW,
                **_product_velden(n.product),
                "ingangsdatum": _datum(n.gewenste_ingangsdatum),
                "einddatum": _datum(n.einddatum),
                **_omvang(n.omvang),
                "budget": _bedrag(n.budget),
            }
        )
    if beoordeling.afgekeurd:
        return beoordeling, None
    try:
        with transaction.atomic():
            verzoek = _verzoek_vastleggen(
                bericht=bericht,
                aanbieder=aanbieder,
                client=client,
                wet=wet,
                soort=VerzoekSoort.VOW,
                referenties=[aanvraag.referentie_aanbieder],
                producten=producten,
                signaleringen=signaleringen,
                reden_verzoek=aanvraag.reden_verzoek,
            )
    except (IntegrityError, DomeinFout) as fout:
        if isinstance(fout, DomeinFout) and fout.code not in (
            RC_VERZOEK_ONDERHANDEN,
            RC_REFERENTIE_NIET_UNIEK,
        ):
            raise
        _botsing_beoordelen(
            beoordeling,
            client=client,
            aanbieder=aanbieder,
            wet=wet,
            referenties=[(aanvraag.referentie_aanbieder, None, "")],
        )
        if not beoordeling.afgekeurd:
            raise
        return beoordeling, None
    return beoordeling, verzoek

"""The provider search for regisseurs: which providers deliver a product (or any product of a
category) in a gemeente on a date, at what tariff, with what waiting time, places and
clientstop. One queryset: a page costs the same number of queries for 3 or 300 providers."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import (
    Exists,
    F,
    OrderBy,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.utils import timezone

from contracten.models import Product, Productcategorie, Tariefperiode
from contracten.selectors import geldige_tariefperioden, zorgaanbieder_id_van
from inkoop.constants import CLIENTSTOP_GELDEND, Sortering
from inkoop.models import Capaciteitsmelding, Clientstop
from kern.exceptions import DomeinFout, GeenToegang, NietGevonden
from kern.models import Gebruiker, Gemeente
from kern.toegang import gemeente_in_scope, ziet_alles

_TIEBREAK = (
    F("contract__zorgaanbieder__naam").asc(),
    F("contract__zorgaanbieder__agb_code").asc(),
    F("product__productcode").asc(),
    F("pk").asc(),
)

_SORTERING: dict[str, OrderBy] = {
    Sortering.TARIEF: F("bedrag").asc(),
    Sortering.TARIEF_AFLOPEND: F("bedrag").desc(),
    Sortering.WACHTTIJD: F("wachttijd_dagen").asc(nulls_last=True),
    Sortering.WACHTTIJD_AFLOPEND: F("wachttijd_dagen").desc(nulls_last=True),
    Sortering.NAAM: F("contract__zorgaanbieder__naam").asc(),
    Sortering.NAAM_AFLOPEND: F("contract__zorgaanbieder__naam").desc(),
    Sortering.PLAATSEN: F("beschikbare_plaatsen").asc(nulls_last=True),
    Sortering.PLAATSEN_AFLOPEND: F("beschikbare_plaatsen").desc(nulls_last=True),
}


def _eis_zoeker(gebruiker: Gebruiker, gemeente: Gemeente) -> None:
    if not ziet_alles(gebruiker) and zorgaanbieder_id_van(gebruiker) is not None:
        raise GeenToegang("Zoeken naar aanbieders is voor medewerkers van gemeenten.")
    if not gemeente_in_scope(gebruiker, gemeente):
        raise NietGevonden(
            "Gemeente niet gevonden of buiten uw bevoegdheid.", code="gemeente_niet_gevonden"
        )


def aanbieders_zoeken(
    *,
    gebruiker: Gebruiker,
    gemeente: Gemeente,
    datum: date,
    product: Product | None = None,
    productcategorie: Productcategorie | None = None,
    sortering: str = Sortering.TARIEF,
    zonder_clientstop: bool = False,
) -> QuerySet[Tariefperiode]:
    """Per provider and product, the tariff period :func:`contracten.selectors.tarief_op`
    would answer for ``gemeente`` on ``datum`` (active providers with a running contract),
    annotated with ``wachttijd_dagen``, ``beschikbare_plaatsen`` and ``capaciteit_gemeld_op``
    (the report valid at the end of ``datum``; None when never reported) and ``clientstop``
    (an approved stop that runs on ``datum``) with ``clientstop_einddatum``.

    Give exactly one of ``product`` and ``productcategorie``. A provider user may not search
    (403); a gemeente outside the user's scope answers 404.
    """
    _eis_zoeker(gebruiker, gemeente)
    if (product is None) == (productcategorie is None):
        raise DomeinFout(
            "Zoek op een product óf op een productcategorie.", code="zoekvraag_ongeldig"
        )
    if sortering not in _SORTERING:
        raise DomeinFout(f"Onbekende sortering {sortering!r}.", code="sortering_onbekend")
    geldig = geldige_tariefperioden(datum=datum).filter(contract__gemeenten=gemeente)
    # The period tarief_op would pick for the same provider and product.
    gekozen = (
        geldig.filter(
            contract__zorgaanbieder=OuterRef("contract__zorgaanbieder"), product=OuterRef("product")
        )
        .order_by("-contract__ingangsdatum", "-ingangsdatum", "-pk")
        .values("pk")[:1]
    )
    grens = timezone.make_aware(datetime.combine(datum + timedelta(days=1), time.min))
    melding = Capaciteitsmelding.objects.filter(
        zorgaanbieder=OuterRef("contract__zorgaanbieder"),
        product=OuterRef("product"),
        gemeente=gemeente,
        geldig_vanaf__lt=grens,
    ).order_by("-geldig_vanaf", "-pk")
    stop = Clientstop.objects.filter(
        Q(einddatum__isnull=True) | Q(einddatum__gte=datum),
        zorgaanbieder=OuterRef("contract__zorgaanbieder"),
        product=OuterRef("product"),
        gemeente=gemeente,
        status__in=CLIENTSTOP_GELDEND,
        ingangsdatum__lte=datum,
    )
    qs = geldig.filter(contract__zorgaanbieder__actief=True)
    if product is not None:
        qs = qs.filter(product=product)
    else:
        qs = qs.filter(product__categorie=productcategorie)
    qs = (
        qs.filter(pk=Subquery(gekozen))
        .annotate(
            wachttijd_dagen=Subquery(melding.values("wachttijd_dagen")[:1]),
            beschikbare_plaatsen=Subquery(melding.values("beschikbare_plaatsen")[:1]),
            capaciteit_gemeld_op=Subquery(melding.values("geldig_vanaf")[:1]),
            clientstop=Exists(stop),
            clientstop_einddatum=Subquery(stop.order_by("-ingangsdatum").values("einddatum")[:1]),
        )
        .select_related("contract", "contract__zorgaanbieder", "product", "product__categorie")
    )
    if zonder_clientstop:
        qs = qs.filter(clientstop=False)
    return qs.order_by(_SORTERING[sortering], *_TIEBREAK)

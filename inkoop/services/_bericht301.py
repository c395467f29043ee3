"""The 301 (toewijzing) as the codec's typed model, built from a client and its toewijzingen.

Pure apart from reading the attributes of the instances it is given. One message per client,
provider and wet; the caller chooses the toewijzingen (OP087) and stores the bytes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.utils import timezone

from contracten.models import Zorgaanbieder
from inkoop.models import Client, Toewijzing
from iwmo_jw import codec
from iwmo_jw.codec.modellen import (
    Achternaam,
    Adres,
    Bericht301,
    BerichtIdentificatie,
    Client301,
    Contact301,
    Geboortedatum,
    Header,
    Huis,
    Omvang,
    Product,
    ToegewezenProduct301,
    VolledigeNaam,
)
from iwmo_jw.identificatie import nieuwe_berichtidentificatie
from kern.constants import Wet
from kern.models import Gemeente


def _of_none(waarde: str) -> str | None:
    return waarde or None


def _client(client: Client, producten: tuple[ToegewezenProduct301, ...]) -> Client301:
    adres = None
    if client.huisnummer is not None or client.postcode or client.straatnaam or client.plaatsnaam:
        adres = Adres(
            huis=(
                Huis(
                    huisnummer=client.huisnummer,
                    huisletter=_of_none(client.huisletter),
                    huisnummer_toevoeging=_of_none(client.huisnummer_toevoeging),
                )
                if client.huisnummer is not None
                else None
            ),
            postcode=_of_none(client.postcode),
            straatnaam=_of_none(client.straatnaam),
            plaatsnaam=_of_none(client.plaatsnaam),
        )
    return Client301(
        bsn=client.bsn,
        geboortedatum=Geboortedatum(
            datum=client.geboortedatum, datum_gebruik=_of_none(client.datum_gebruik)
        ),
        geslacht=client.geslacht,
        naam=VolledigeNaam(
            geslachtsnaam=Achternaam(
                achternaam=client.achternaam, voorvoegsel=_of_none(client.voorvoegsel)
            ),
            voornamen=_of_none(client.voornamen),
            voorletters=_of_none(client.voorletters),
            naam_gebruik=client.naamgebruik,
        ),
        contactgegevens=(Contact301(soort=client.adres_soort, adres=adres),),
        toegewezen_producten=producten,
    )


def toegewezen_product(toewijzing: Toewijzing) -> ToegewezenProduct301:
    moment = timezone.localtime(toewijzing.toewijzingsmoment).replace(microsecond=0)
    product = None
    if toewijzing.productcategorie is not None:
        product = Product(
            categorie=toewijzing.productcategorie.code,
            code=toewijzing.product.productcode if toewijzing.product is not None else None,
        )
    omvang = None
    if toewijzing.volume is not None:
        omvang = Omvang(
            volume=toewijzing.volume, eenheid=toewijzing.eenheid, frequentie=toewijzing.frequentie
        )
    return ToegewezenProduct301(
        toewijzing_nummer=toewijzing.nummer,
        referentie_aanbieder=_of_none(toewijzing.referentie_aanbieder),
        product=product,
        toewijzingsdatum=moment.date(),
        toewijzingstijd=moment.time(),
        ingangsdatum=toewijzing.ingangsdatum,
        einddatum=toewijzing.einddatum,
        reden_wijziging=_of_none(toewijzing.reden_wijziging),
        omvang=omvang,
        budget=toewijzing.budget_bedrag,
        commentaar=_of_none(toewijzing.commentaar),
    )


def bericht301(
    *,
    gemeente: Gemeente,
    zorgaanbieder: Zorgaanbieder,
    wet: str,
    client: Client,
    toewijzingen: Iterable[Toewijzing],
    dagtekening: date,
    identificatie: str | None = None,
) -> Bericht301:
    soort = codec.soort("WMO301" if wet == Wet.WMO else "JW301")
    return Bericht301(
        soort=soort,
        header=Header(
            afzender=gemeente.code,
            ontvanger=zorgaanbieder.agb_code,
            bericht_identificatie=BerichtIdentificatie(
                identificatie=identificatie or nieuwe_berichtidentificatie(),
                dagtekening=dagtekening,
            ),
            xsd_versie=codec.xsd_versie(soort),
        ),
        client=_client(client, tuple(toegewezen_product(t) for t in toewijzingen)),
    )

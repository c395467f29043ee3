"""Level 2 of the regieberichten: start zorg (305) and stop zorg (307), iWmo and iJw.

Texts: CS002, CS058, CS139 from the iJw 3.2 constraint table; TR002, TR018, TR101, TR134 of
control level "xslt" from the technische regels (both standards list them for 305/307).

TR101's logical key of a StartProduct is taken as (ToewijzingNummer, Product, ToewijzingIngangs-
datum, Begindatum): the "sleutelelementen" the stop must copy from the start (TR382) and the
keys TR413-TR415 name (Bsn, ToewijzingNummer, Begindatum), completed with Product and
ToewijzingIngangsdatum for work without a ToewijzingNummer (taakgericht). A StopProduct adds
its Einddatum, as the official iWlz XSLT keys a stop (MutatieZorgzwaartepakket) on its date.
Those keys are an interpretation: the informatiemodel's key flags were not available.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from iwmo_jw.codec.modellen import Bericht305, Bericht307, Product
from iwmo_jw.codec.niveau2.basis import Bevinding, bevinding, client_pad, datum
from iwmo_jw.codec.niveau2.client import (
    cs002_bsn_elfproef,
    cs139_datumgebruik,
    tr002_geboortedatum_max_120_jaar,
    tr134_geboortedatum,
)

_TOEGESTAAN_CS058 = ("1", "3")


def _sleutel(
    toewijzing_nummer: int | None,
    product: Product | None,
    toewijzing_ingangsdatum: date | None,
    begindatum: date,
) -> tuple[object, ...]:
    return (
        toewijzing_nummer,
        product.categorie if product is not None else None,
        product.code if product is not None else None,
        toewijzing_ingangsdatum,
        begindatum,
    )


# --- 305 -----------------------------------------------------------------------------------------


def _start(i: int) -> str:
    return f"StartProduct {i + 1}"


def cs058_start_status_aanlevering(bericht: Bericht305) -> Iterator[Bevinding]:
    """CS058 (StartProduct/StatusAanlevering): "1 (eerste aanlevering) of 3 (verwijderen
    aanlevering) vullen." (The XSD also allows 2 and 9.)"""
    for i, product in enumerate(bericht.client.start_producten):
        if product.status_aanlevering not in _TOEGESTAAN_CS058:
            yield bevinding(
                "CS058",
                "StatusAanlevering",
                _start(i),
                f"StatusAanlevering {product.status_aanlevering} is niet toegestaan; alleen 1 "
                "(eerste aanlevering) of 3 (verwijderen aanlevering)",
                client_pad(("StartProducten", 0), ("StartProduct", i), ("StatusAanlevering", 0)),
            )


def tr134_start_begindatum(bericht: Bericht305) -> Iterator[Bevinding]:
    """TR134 (StartProduct/Begindatum): "Vullen met een bestaande datum die niet groter is
    dan de Dagtekening van het bericht." """
    dagtekening = bericht.header.dagtekening
    for i, product in enumerate(bericht.client.start_producten):
        if product.begindatum > dagtekening:
            yield bevinding(
                "TR134",
                "Begindatum",
                _start(i),
                f"Begindatum {datum(product.begindatum)} ligt na de Dagtekening van het "
                f"bericht ({datum(dagtekening)})",
                client_pad(("StartProducten", 0), ("StartProduct", i), ("Begindatum", 0)),
            )


def tr101_dubbel_startproduct(bericht: Bericht305) -> Iterator[Bevinding]:
    """TR101 (StartProduct): "Binnen een bericht zijn dubbele regels niet toegestaan": no two
    StartProducts with the same ToewijzingNummer, Product, ToewijzingIngangsdatum and
    Begindatum."""
    eerste: dict[tuple[object, ...], int] = {}
    for i, p in enumerate(bericht.client.start_producten):
        sleutel = _sleutel(p.toewijzing_nummer, p.product, p.toewijzing_ingangsdatum, p.begindatum)
        vorige = eerste.setdefault(sleutel, i)
        if vorige != i:
            yield bevinding(
                "TR101",
                "StartProduct",
                _start(i),
                f"dezelfde start (ToewijzingNummer, Product, ToewijzingIngangsdatum en "
                f"Begindatum) staat al als StartProduct {vorige + 1} in het bericht",
                client_pad(("StartProducten", 0), ("StartProduct", i)),
            )


REGELS_305 = (
    cs002_bsn_elfproef,
    cs139_datumgebruik,
    tr002_geboortedatum_max_120_jaar,
    tr134_geboortedatum,
    cs058_start_status_aanlevering,
    tr134_start_begindatum,
    tr101_dubbel_startproduct,
)


# --- 307 -----------------------------------------------------------------------------------------


def _stop(i: int) -> str:
    return f"StopProduct {i + 1}"


def cs058_stop_status_aanlevering(bericht: Bericht307) -> Iterator[Bevinding]:
    """CS058 (StopProduct/StatusAanlevering): "1 (eerste aanlevering) of 3 (verwijderen
    aanlevering) vullen." """
    for i, product in enumerate(bericht.client.stop_producten):
        if product.status_aanlevering not in _TOEGESTAAN_CS058:
            yield bevinding(
                "CS058",
                "StatusAanlevering",
                _stop(i),
                f"StatusAanlevering {product.status_aanlevering} is niet toegestaan; alleen 1 "
                "(eerste aanlevering) of 3 (verwijderen aanlevering)",
                client_pad(("StopProducten", 0), ("StopProduct", i), ("StatusAanlevering", 0)),
            )


def tr018_stop_einddatum_na_begindatum(bericht: Bericht307) -> Iterator[Bevinding]:
    """TR018 (StopProduct/Einddatum): "Einddatum moet groter dan of gelijk zijn aan
    Begindatum." """
    for i, product in enumerate(bericht.client.stop_producten):
        if product.einddatum < product.begindatum:
            yield bevinding(
                "TR018",
                "Einddatum",
                _stop(i),
                f"Einddatum {datum(product.einddatum)} ligt vóór de Begindatum "
                f"{datum(product.begindatum)}",
                client_pad(("StopProducten", 0), ("StopProduct", i), ("Einddatum", 0)),
            )


def tr134_stop_datums(bericht: Bericht307) -> Iterator[Bevinding]:
    """TR134 (StopProduct/Begindatum and Einddatum): "Vullen met een bestaande datum die niet
    groter is dan de Dagtekening van het bericht." """
    dagtekening = bericht.header.dagtekening
    for i, product in enumerate(bericht.client.stop_producten):
        for element, dag in (("Begindatum", product.begindatum), ("Einddatum", product.einddatum)):
            if dag > dagtekening:
                yield bevinding(
                    "TR134",
                    element,
                    _stop(i),
                    f"{element} {datum(dag)} ligt na de Dagtekening van het bericht "
                    f"({datum(dagtekening)})",
                    client_pad(("StopProducten", 0), ("StopProduct", i), (element, 0)),
                )


def tr101_dubbel_stopproduct(bericht: Bericht307) -> Iterator[Bevinding]:
    """TR101 (StopProduct): "Binnen een bericht zijn dubbele regels niet toegestaan": no two
    StopProducts for the same start (ToewijzingNummer, Product, ToewijzingIngangsdatum,
    Begindatum) with the same Einddatum."""
    eerste: dict[tuple[object, ...], int] = {}
    for i, p in enumerate(bericht.client.stop_producten):
        sleutel = (
            *_sleutel(p.toewijzing_nummer, p.product, p.toewijzing_ingangsdatum, p.begindatum),
            p.einddatum,
        )
        vorige = eerste.setdefault(sleutel, i)
        if vorige != i:
            yield bevinding(
                "TR101",
                "StopProduct",
                _stop(i),
                f"dezelfde stop (ToewijzingNummer, Product, ToewijzingIngangsdatum, Begindatum "
                f"en Einddatum) staat al als StopProduct {vorige + 1} in het bericht",
                client_pad(("StopProducten", 0), ("StopProduct", i)),
            )


REGELS_307 = (
    cs002_bsn_elfproef,
    cs139_datumgebruik,
    tr002_geboortedatum_max_120_jaar,
    tr134_geboortedatum,
    cs058_stop_status_aanlevering,
    tr018_stop_einddatum_na_begindatum,
    tr134_stop_datums,
    tr101_dubbel_stopproduct,
)

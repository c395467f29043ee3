"""``python manage.py demo_data``: a fictional demo region, built through the services."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from contracten.demo import GEBRUIKERS, WACHTWOORD, demo_data_opbouwen
from contracten.models import (
    Bestedingsruimte,
    Contract,
    Product,
    SlaNorm,
    Tariefperiode,
    Zorgaanbieder,
)
from kern.exceptions import DomeinFout


@contextmanager
def _stil(naam: str) -> Iterator[None]:
    """Only warnings and errors of logger ``naam`` while inside."""
    logger = logging.getLogger(naam)
    niveau = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(niveau)


class Command(BaseCommand):
    help = (
        "Maakt een fictieve demoregio aan (Utrecht, Nieuwegein, Stichtse Vecht): zorgaanbieders, "
        "productcatalogus, contracten met tarieven 2025 en 2026, SLA-normen, bestedingsruimten "
        "en een demogebruiker per rol; begrotingen, een open house en cliënten met "
        "toewijzingen en reserveringen; declaraties over september en oktober 2026 via de "
        "berichtenbox (met een paar afgewezen regels en een steekproef ter beoordeling). "
        "Nogmaals uitvoeren verandert niets."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--forceer",
            action="store_true",
            help="Ook uitvoeren als DEBUG uit staat (de demogebruikers hebben wachtwoord 'demo').",
        )
        parser.add_argument(
            "--clienten",
            type=int,
            default=settings.DEMO_CLIENTEN,
            help="Aantal democliënten met toewijzingen (standaard DEMO_CLIENTEN, "
            f"nu {settings.DEMO_CLIENTEN}).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["forceer"]:
            raise CommandError(
                "Demodata hoort niet in productie: de demogebruikers hebben een bekend "
                "wachtwoord. Zet DEBUG aan of geef --forceer mee."
            )
        # The inkoop demo builds on this region (the command composes the apps' demos).
        from declaraties.demo import declaraties_demo_opbouwen
        from declaraties.demo import demo_tellingen as declaratietellingen
        from inkoop.demo import demo_tellingen, inkoop_demo_opbouwen

        try:
            with transaction.atomic():
                resultaat = demo_data_opbouwen()
                inkoop = inkoop_demo_opbouwen(clienten=max(options["clienten"], 0))
            # Each 323 is a transaction of its own, as in production; the berichtenbox's line
            # per message would bury the summary below.
            with _stil("iwmo_jw"):
                declaraties = declaraties_demo_opbouwen(gemeenten=resultaat.gemeenten)
        except DomeinFout as fout:
            raise CommandError(f"Demodata niet aangemaakt: {fout.bericht} ({fout.code})") from fout

        schrijf = self.stdout.write
        regio = ", ".join(f"{g.naam} ({g.code})" for g in resultaat.gemeenten)
        nieuw = resultaat.nieuw
        schrijf(f"Demoregio: {regio}")
        for label, model, sleutel in (
            ("zorgaanbieders", Zorgaanbieder, "zorgaanbieders"),
            ("producten", Product, "producten"),
            ("contracten", Contract, "contracten"),
            ("tariefperioden", Tariefperiode, "tariefperioden"),
            ("SLA-normen", SlaNorm, "SLA-normen"),
            ("bestedingsruimten", Bestedingsruimte, "bestedingsruimten"),
        ):
            schrijf(f"  {label}: {model.objects.count()} in totaal, {nieuw[sleutel]} nieuw")
            if sleutel == "tariefperioden" and nieuw["geïndexeerde tarieven"]:
                percentage = f"{resultaat.percentage:.2f}".replace(".", ",")
                schrijf(
                    f"    waarvan {nieuw['geïndexeerde tarieven']} door indexatie per "
                    f"1 januari 2026 met {percentage} %"
                )
        if resultaat.nieuw["vervallen producten"]:
            schrijf(f"  vervallen producten: {nieuw['vervallen producten']}")
        totalen = demo_tellingen()
        for label in ("budgetposten", "inkooptrajecten", "cliënten", "toewijzingen"):
            schrijf(f"  {label}: {totalen[label]} in totaal, {inkoop.nieuw[label]} nieuw")
        tellingen = declaratietellingen()
        schrijf(
            f"  declaraties: {tellingen['declaraties']} in totaal, {declaraties.nieuw} nieuw "
            f"({declaraties.berichten} 323-berichten, {declaraties.prestaties} prestaties; "
            f"{tellingen['in beoordeling']} met prestaties ter beoordeling)"
        )
        if not sum(nieuw.values()) and not sum(inkoop.nieuw.values()) and not declaraties.nieuw:
            schrijf("  De demodata bestond al; er is niets gewijzigd.")
        schrijf(f"Demogebruikers (wachtwoord '{WACHTWOORD}') en hun API-token:")
        breedte = max(len(naam) for naam, *_ in GEBRUIKERS)
        for naam, rol, token in resultaat.gebruikers:
            schrijf(f"  {naam:<{breedte}}  {rol:<13}  {token}")
        self.stdout.write(self.style.SUCCESS("Demodata gereed."))

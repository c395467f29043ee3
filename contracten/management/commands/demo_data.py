"""``python manage.py demo_data``: a fictional demo region, built through the services."""

from __future__ import annotations

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


class Command(BaseCommand):
    help = (
        "Maakt een fictieve demoregio aan (Utrecht, Nieuwegein, Stichtse Vecht): zorgaanbieders, "
        "productcatalogus, contracten met tarieven 2025 en 2026, SLA-normen, bestedingsruimten "
        "en een demogebruiker per rol; begrotingen, een open house en cliënten met "
        "toewijzingen en reserveringen. Nogmaals uitvoeren verandert niets."
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
        from inkoop.demo import demo_tellingen, inkoop_demo_opbouwen

        try:
            with transaction.atomic():
                resultaat = demo_data_opbouwen()
                inkoop = inkoop_demo_opbouwen(clienten=max(options["clienten"], 0))
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
        if not sum(nieuw.values()) and not sum(inkoop.nieuw.values()):
            schrijf("  De demodata bestond al; er is niets gewijzigd.")
        schrijf(f"Demogebruikers (wachtwoord '{WACHTWOORD}') en hun API-token:")
        breedte = max(len(naam) for naam, *_ in GEBRUIKERS)
        for naam, rol, token in resultaat.gebruikers:
            schrijf(f"  {naam:<{breedte}}  {rol:<13}  {token}")
        self.stdout.write(self.style.SUCCESS("Demodata gereed."))

"""``python manage.py demo_data``: a fictional demo region, built through the services."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

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
        "en een demogebruiker per rol. Nogmaals uitvoeren verandert niets."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--forceer",
            action="store_true",
            help="Ook uitvoeren als DEBUG uit staat (de demogebruikers hebben wachtwoord 'demo').",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["forceer"]:
            raise CommandError(
                "Demodata hoort niet in productie: de demogebruikers hebben een bekend "
                "wachtwoord. Zet DEBUG aan of geef --forceer mee."
            )
        try:
            resultaat = demo_data_opbouwen()
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
        if not sum(nieuw.values()):
            schrijf("  De demodata bestond al; er is niets gewijzigd.")
        schrijf(f"Demogebruikers (wachtwoord '{WACHTWOORD}') en hun API-token:")
        breedte = max(len(naam) for naam, *_ in GEBRUIKERS)
        for naam, rol, token in resultaat.gebruikers:
            schrijf(f"  {naam:<{breedte}}  {rol:<13}  {token}")
        self.stdout.write(self.style.SUCCESS("Demodata gereed."))

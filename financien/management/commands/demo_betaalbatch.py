"""``python manage.py demo_betaalbatch``: an approved demo payment batch for Utrecht on top of
the demo region, optionally with its pain.001 and journal written to files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from financien import betaalbestanden
from financien.demo import demo_betaalbatch_opbouwen
from kern.exceptions import DomeinFout


class Command(BaseCommand):
    help = (
        "Maakt een goedgekeurde demobetaalbatch voor Utrecht (na 'demo_data'): betaalrekening, "
        "budgetten 2026, reserveringen en realisaties van vier aanbieders en de batch. "
        "Nogmaals uitvoeren verandert niets. Met --map worden het pain.001-bestand en het "
        "journaal (CSV en Excel) in die map geschreven."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--map", type=Path, help="Map voor de bestanden van de batch.")
        parser.add_argument(
            "--forceer",
            action="store_true",
            help="Ook uitvoeren als DEBUG uit staat (de batch boekt in het grootboek).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["forceer"]:
            raise CommandError(
                "Demodata hoort niet in productie. Zet DEBUG aan of geef --forceer mee."
            )
        try:
            batch = demo_betaalbatch_opbouwen()
        except DomeinFout as fout:
            raise CommandError(f"Demobatch niet aangemaakt: {fout.bericht} ({fout.code})") from fout
        self.stdout.write(
            f"Betaalbatch {batch.referentie} ({batch.get_status_display().lower()}): "
            f"{batch.aantal_betalingen} betalingen, totaal {batch.totaal_bedrag} euro, "
            f"uitvoeringsdatum {batch.uitvoeringsdatum:%d-%m-%Y}."
        )
        map_: Path | None = options["map"]
        if map_ is not None:
            map_.mkdir(parents=True, exist_ok=True)
            for naam, inhoud in (
                (f"{batch.referentie}.xml", betaalbestanden.pain001(batch)),
                (f"{batch.referentie}-journaal.csv", betaalbestanden.journaal_csv(batch)),
                (f"{batch.referentie}-journaal.xlsx", betaalbestanden.journaal_xlsx(batch)),
            ):
                (map_ / naam).write_bytes(inhoud)
                self.stdout.write(f"  {map_ / naam}")
        self.stdout.write(self.style.SUCCESS("Demobetaalbatch gereed."))

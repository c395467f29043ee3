"""``manage.py tarieven_importeren FILE [--dry-run]``: import a tariff sheet as the system."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from contracten.tariefblad import tarieven_importeren


class Command(BaseCommand):
    help = (
        "Importeert een tarievenblad (.xlsx); alles of niets. Met --dry-run wordt niets opgeslagen."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("bestand", type=Path, help="Het tarievenblad (.xlsx).")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Proefimport: toon wat er zou gebeuren en alle fouten, sla niets op.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        pad: Path = options["bestand"]
        dry_run: bool = options["dry_run"]
        try:
            data = pad.read_bytes()
        except OSError as exc:
            raise CommandError(f"Kan {pad} niet lezen: {exc.strerror}.") from None
        resultaat = tarieven_importeren(bestand=data, door=None, dry_run=dry_run)

        if resultaat.fouten:
            kop = (
                "Proefimport: deze import zou worden geweigerd; er is niets opgeslagen."
                if dry_run
                else "Import geweigerd: er is niets opgeslagen."
            )
        elif dry_run:
            kop = "Proefimport geslaagd: er is niets opgeslagen."
        else:
            kop = "Import geslaagd."
        contracten = resultaat.aangemaakte_contracten
        regels = [
            kop,
            f"Contracten aangemaakt: {len(contracten)}"
            + (f" ({', '.join(contracten)})" if contracten else ""),
            f"Tariefperioden aangemaakt: {resultaat.tariefperioden_aangemaakt}",
            f"Ongewijzigd: {resultaat.ongewijzigd}",
            *(f"rij {f.rij}: {f.bericht} ({f.code})" for f in resultaat.fouten),
        ]
        self.stdout.write("\n".join(regels))
        if resultaat.fouten:
            raise CommandError(
                f"{len(resultaat.fouten)} fout(en) gevonden; er is niets geïmporteerd."
            )

"""``manage.py toewijzingen_importeren FILE|DIR ... [--dry-run]``: take over the toewijzingen of
an earlier system from its 301 files (iWmo and iJw), as the system."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from inkoop.overnemen import GEWEIGERD, toewijzingen_importeren, verslag_regels


class Command(BaseCommand):
    help = (
        "Neemt toewijzingen over uit 301-berichten (iWmo en iJw) van een eerder systeem: "
        "cliënten, toewijzingen en hun reserveringen, zonder een nieuwe 301 te sturen. Per "
        "bestand een verslag; wat de regels breekt wordt geweigerd. Nogmaals uitvoeren maakt "
        "niets dubbel."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "paden",
            nargs="+",
            type=Path,
            help="301-bestanden, of mappen waarin alle .xml-bestanden worden gelezen.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Proefimport: voer alles uit en toon het verslag, maar sla niets op.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        paden: list[Path] = options["paden"]
        ontbreekt = [str(p) for p in paden if not p.exists()]
        if ontbreekt:
            raise CommandError("Niet gevonden: " + ", ".join(ontbreekt) + ".")
        verslag = toewijzingen_importeren(paden=paden, droog=options["dry_run"])
        self.stdout.write("\n".join(verslag_regels(verslag)))
        niet_gelezen = sum(1 for b in verslag.bestanden if b.fout)
        if verslag.aantal(GEWEIGERD) or niet_gelezen:
            raise CommandError(
                f"{verslag.aantal(GEWEIGERD)} toewijzing(en) geweigerd en {niet_gelezen} "
                "bestand(en) niet gelezen; zie het verslag hierboven. De rest is "
                + ("niet opgeslagen (proefimport)." if options["dry_run"] else "overgenomen.")
            )

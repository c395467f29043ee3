"""``manage.py bericht_exporteren [--map DIR] [--envelop]``: write pending outbound messages
(status ``aangemaakt``) to a folder, one file each, and mark them exported."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from iwmo_jw.services import uitgaande_berichten_exporteren
from kern.exceptions import DomeinFout


def standaard_map() -> Path:
    return Path(settings.VAR_DIR) / "berichten" / "uit"


class Command(BaseCommand):
    help = (
        "Schrijft de uitgaande berichten die nog niet zijn geëxporteerd naar een map (één "
        "bestand per bericht) en markeert ze als geëxporteerd."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--map",
            type=Path,
            default=None,
            help="Doelmap (standaard var/berichten/uit); wordt aangemaakt als die ontbreekt.",
        )
        parser.add_argument(
            "--envelop",
            action="store_true",
            help="Verpak elk bericht in de StUF-GGk-berichtenvelop (Di01).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        doel: Path = options["map"] or standaard_map()
        try:
            exports = uitgaande_berichten_exporteren(map=doel, envelop=options["envelop"])
        except DomeinFout as fout:
            raise CommandError(fout.bericht) from None
        except OSError as exc:
            raise CommandError(f"Kan niet schrijven in {doel}: {exc.strerror or exc}.") from None
        for export in exports:
            self.stdout.write(
                f"{export.bericht.berichtnaam} {export.bericht.identificatie} -> {export.pad}"
            )
        self.stdout.write(f"{len(exports)} bericht(en) geëxporteerd naar {doel}.")

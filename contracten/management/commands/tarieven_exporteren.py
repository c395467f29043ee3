"""``manage.py tarieven_exporteren --contract NUMMER ... [--agb AGB] -o FILE``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from contracten.models import Contract, Zorgaanbieder
from contracten.tariefblad import tarieven_exporteren


class Command(BaseCommand):
    help = "Exporteert de tarieven van contracten naar een tarievenblad (.xlsx)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--contract",
            nargs="+",
            action="extend",
            default=[],
            metavar="NUMMER",
            help="Contractnummer(s) om te exporteren.",
        )
        parser.add_argument(
            "--agb",
            action="append",
            default=[],
            metavar="AGB",
            help="Exporteer alle contracten van de zorgaanbieder met deze AGB-code.",
        )
        parser.add_argument(
            "-o", "--output", type=Path, required=True, help="Het te schrijven .xlsx-bestand."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        nummers: list[str] = options["contract"]
        agb_codes: list[str] = options["agb"]
        if not nummers and not agb_codes:
            raise CommandError("Geef ten minste één --contract of --agb op.")
        contracten = {c.nummer: c for c in Contract.objects.filter(nummer__in=nummers)}
        onbekend = sorted(set(nummers) - set(contracten))
        if onbekend:
            raise CommandError(f"Onbekend contractnummer: {', '.join(onbekend)}.")
        bekende_agb = set(
            Zorgaanbieder.objects.filter(agb_code__in=agb_codes).values_list("agb_code", flat=True)
        )
        onbekend = sorted(set(agb_codes) - bekende_agb)
        if onbekend:
            raise CommandError(f"Geen zorgaanbieder met AGB-code: {', '.join(onbekend)}.")
        for contract in Contract.objects.filter(zorgaanbieder__agb_code__in=agb_codes):
            contracten[contract.nummer] = contract
        pad: Path = options["output"]
        try:
            pad.write_bytes(tarieven_exporteren(contracten=contracten.values()))
        except OSError as exc:
            raise CommandError(f"Kan {pad} niet schrijven: {exc.strerror}.") from None
        self.stdout.write(
            self.style.SUCCESS(f"{len(contracten)} contract(en) geëxporteerd naar {pad}.")
        )

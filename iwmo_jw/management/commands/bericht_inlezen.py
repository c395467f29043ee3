"""``manage.py bericht_inlezen FILE|DIR...``: receive messages from disk as the system.

Every file is stored raw, checked and routed through :func:`iwmo_jw.services.berichten_ontvangen`
as one delivery, in batches of ``--partij`` files (a folder: every file directly in it, sorted
by name, hidden files skipped), in ``--tegelijk`` lanes (default 2 on PostgreSQL: a sender's
messages in one lane, in their order). Prints per file what happened. Exit status 1 when a
file was refused, could not be read or its processing failed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from iwmo_jw.constants import BerichtStatus, Kanaal
from iwmo_jw.models import InkomendBericht, UitgaandBericht
from iwmo_jw.services import PARTIJ_BERICHTEN, Aanlevering, Ontvangst, berichten_ontvangen
from kern.opstart import langlevende_objecten_bevriezen

#: Lanes by default on PostgreSQL: with two, one lane's Python work runs while the other waits
#: for the database (a region's month: see bench/declaraties.py).
TEGELIJK_POSTGRESQL = 2


def bestanden_in(paden: list[Path]) -> list[Path]:
    gevonden: list[Path] = []
    for pad in paden:
        if pad.is_dir():
            gevonden += sorted(
                p for p in pad.iterdir() if p.is_file() and not p.name.startswith(".")
            )
        else:
            gevonden.append(pad)
    return gevonden


def _antwoord(uit: UitgaandBericht) -> str:
    waar = f"bestand {uit.exportbestand}" if uit.exportbestand else "in de uitbox"
    return f"antwoord {uit.berichtnaam} {uit.identificatie} ({uit.get_status_display()}, {waar})"


def verslag(pad: Path, ontvangst: Ontvangst) -> list[str]:
    bericht: InkomendBericht = ontvangst.bericht
    naam = bericht.berichtnaam or "onbekend bericht"
    kop = f"{pad.name}: {naam}"
    if bericht.identificatie:
        kop += f" {bericht.identificatie}"
    kop += f" — {bericht.get_status_display().lower()} ({bericht.uitkomst_code or '-'})"
    if not ontvangst.nieuw:
        kop += f"; al ontvangen op {bericht.ontvangen_op:%d-%m-%Y %H:%M}, niets opnieuw opgeslagen"
    regels = [kop]
    if bericht.retourcode:
        regels.append(f"  retourcode {bericht.retourcode}")
    for m in bericht.bevindingen or []:
        plaats = f"regel {m.get('regelnummer')}" if m.get("regelnummer") is not None else "—"
        regels.append(f"  [{m.get('regel')} {m.get('code')}] {plaats}: {m.get('melding')}")
    if bericht.status == BerichtStatus.VERWERKING_MISLUKT:
        regels.append(f"  verwerking mislukt: {bericht.verwerking_fout}")
    if bericht.status == BerichtStatus.WACHT_OP_VERWERKING:
        regels.append("  nog geen verwerker voor dit berichttype; het bericht wacht")
    for termijn in bericht.termijnen.filter(gesloten_op__isnull=True):
        regels.append(f"  termijn: {termijn}")
    for uit in bericht.antwoorden.defer("inhoud").order_by("aangemaakt_op", "pk"):
        regels.append(f"  {_antwoord(uit)}")
    regels.append(f"  id {bericht.uuid}")
    return regels


class Command(BaseCommand):
    help = (
        "Leest iWmo/iJw-berichten in: bewaart elk bestand ongewijzigd, controleert het en "
        "stuurt het naar de verwerking. Exitstatus 1 als een bestand is geweigerd of de "
        "verwerking mislukte."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paden", nargs="+", type=Path, help="Bestanden of mappen.")
        parser.add_argument(
            "--kanaal",
            choices=Kanaal.values,
            default=Kanaal.BESTAND,
            help="Langs welke weg de berichten binnenkwamen (standaard: bestand).",
        )
        parser.add_argument(
            "--partij",
            type=int,
            default=PARTIJ_BERICHTEN,
            help=(
                "Zoveel berichten samen opslaan en verwerken, in één transactie "
                f"(standaard {PARTIJ_BERICHTEN})."
            ),
        )
        parser.add_argument(
            "--tegelijk",
            type=int,
            default=None,
            help=(
                "In zoveel banen tegelijk verwerken, elk met een eigen databaseverbinding; de "
                "berichten van één afzender gaan in één baan, in hun volgorde (standaard "
                f"{TEGELIJK_POSTGRESQL} op PostgreSQL, anders 1)."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        bestanden = bestanden_in(options["paden"])
        if not bestanden:
            raise CommandError("Geen bestanden gevonden.")
        if options["partij"] < 1:
            raise CommandError("--partij is minstens 1.")
        tegelijk = options["tegelijk"]
        if tegelijk is None:
            # Lanes are threads with connections of their own: PostgreSQL serves them side
            # by side; SQLite would make them wait for each other's writes.
            tegelijk = TEGELIJK_POSTGRESQL if connection.vendor == "postgresql" else 1
        if tegelijk < 1:
            raise CommandError("--tegelijk is minstens 1.")
        mislukt = 0
        # A folder can hold a region's month: its full collections need not walk Django.
        langlevende_objecten_bevriezen()
        uitkomsten = berichten_ontvangen(
            berichten=(Aanlevering(data=pad, bestandsnaam=pad.name) for pad in bestanden),
            kanaal=options["kanaal"],
            partij=options["partij"],
            tegelijk=tegelijk,
        )
        for pad, uitkomst in zip(bestanden, uitkomsten, strict=True):
            if isinstance(uitkomst, OSError):
                self.stdout.write(
                    f"{pad}: kan niet worden gelezen ({uitkomst.strerror or uitkomst})."
                )
                mislukt += 1
                continue
            self.stdout.write("\n".join(verslag(pad, uitkomst)))
            if uitkomst.bericht.status in (
                BerichtStatus.GEWEIGERD,
                BerichtStatus.VERWERKING_MISLUKT,
            ):
                mislukt += 1
        if mislukt:
            raise CommandError(
                f"{mislukt} van {len(bestanden)} bestanden geweigerd of niet verwerkt.",
                returncode=1,
            )

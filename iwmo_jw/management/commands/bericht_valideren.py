"""``manage.py bericht_valideren FILE... [--json]``: check messages at levels 1 and 2.

Writes nothing to the database. Exit status 0 when every file is valid, 1 otherwise.
With ``--json`` every file gives one JSON object on its own line (JSON Lines)."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from iwmo_jw.codec import Melding, Validatieresultaat, valideer
from iwmo_jw.invoer import getal, lees_begrensd, max_grootte


def bestand_valideren(pad: Path) -> Validatieresultaat:
    """Check one file; a file that cannot be read or is too large is invalid at level 1."""
    try:
        invoer = lees_begrensd(pad, grens=max_grootte())
    except OSError as exc:
        melding = Melding(
            "BESTAND", "bestand_onleesbaar", f"Kan {pad} niet lezen: {exc.strerror or exc}."
        )
        return Validatieresultaat(geldig=False, niveau=1, fouten=[melding])
    if invoer.data is None:
        melding = Melding(
            "XML",
            "te_groot",
            f"Het bericht is {getal(invoer.grootte)} bytes; de grens is {getal(invoer.grens)} "
            "bytes.",
        )
        return Validatieresultaat(geldig=False, niveau=1, fouten=[melding])
    return valideer(invoer.data, max_grootte=invoer.grens)


def als_json(pad: Path, resultaat: Validatieresultaat) -> dict[str, Any]:
    return {
        "bestand": str(pad),
        "standaard": resultaat.standaard,
        "berichtcode": resultaat.berichtcode,
        "berichttype": resultaat.berichttype,
        "geldig": resultaat.geldig,
        "niveau": resultaat.niveau,
        "fouten": [asdict(m) for m in resultaat.fouten],
    }


def als_tekst(pad: Path, resultaat: Validatieresultaat) -> list[str]:
    soort = (
        f"{resultaat.standaard} {resultaat.berichttype} (berichtcode {resultaat.berichtcode})"
        if resultaat.berichtcode is not None
        else "onbekend bericht"
    )
    if resultaat.geldig:
        return [f"{pad}: geldig — {soort}."]
    # Level 2 rejects the whole message with one retourcode (0001); say so once, up front.
    antwoord = " (retourcode 0001 voor het hele bericht)" if resultaat.niveau == 2 else ""
    regels = [
        f"{pad}: ONGELDIG op niveau {resultaat.niveau}{antwoord} — {soort}; "
        f"{len(resultaat.fouten)} bevinding{'en' if len(resultaat.fouten) != 1 else ''}:"
    ]
    for m in resultaat.fouten:
        plaats = f"regel {m.regelnummer}" if m.regelnummer is not None else "—"
        element = f", element {m.element}" if m.element else ""
        regels.append(f"  [{m.regel} {m.code}] {plaats}{element}: {m.melding}")
    return regels


class Command(BaseCommand):
    help = (
        "Controleert iWmo/iJw-berichten op niveau 1 (XSD) en 2 (regels binnen het bericht). "
        "Schrijft niets weg. Exitstatus 0 als elk bestand geldig is, anders 1."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("bestanden", nargs="+", type=Path, help="Een of meer XML-bestanden.")
        parser.add_argument(
            "--json",
            action="store_true",
            help="Eén JSON-object per bestand per regel (bestand, standaard, berichtcode, "
            "berichttype, geldig, niveau, fouten).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        bestanden: list[Path] = options["bestanden"]
        ongeldig = 0
        for pad in bestanden:
            resultaat = bestand_valideren(pad)
            if not resultaat.geldig:
                ongeldig += 1
            if options["json"]:
                self.stdout.write(json.dumps(als_json(pad, resultaat), ensure_ascii=False))
            else:
                self.stdout.write("\n".join(als_tekst(pad, resultaat)))
        if ongeldig:
            raise CommandError(
                f"{ongeldig} van {len(bestanden)} bestand{'en' if len(bestanden) != 1 else ''} "
                "ongeldig.",
                returncode=1,
            )
        if not options["json"]:
            self.stdout.write(
                f"Alle {len(bestanden)} bestand{'en' if len(bestanden) != 1 else ''} geldig."
            )

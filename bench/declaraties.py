"""End-to-end benchmark of the declaration pipeline on PostgreSQL.

Run from the repository root::

    python -m bench.declaraties [--prestaties 100000] [--berichten 300] [--aanbieders 100]
        [--toewijzingen 30000] [--naief-berichten 10] [--database-url URL] [--klein]

It drops and creates the database of ``--database-url`` (its name must contain "bench"),
builds the schema with the migrations (``config.settings.ci``), builds a region and its month
of WMO323 messages (``bench/declaraties_regio.py`` says how; ANALYZE after the bulk load, as a live
database has statistics; none of this is timed) and prints,
in one run, the prestaties (lines) per second of:

(a) the floor: per message lxml parse + XSD validation and a PostgreSQL COPY of its rows into
    an unlogged table shaped like the prestatie table, one transaction per message (best of
    the repetitions; the rows themselves are prepared before the clock starts). Shown beside
    it, not used for the ratios: the same into a logged table, whose commits wait for the
    write-ahead log as the pipeline's do, and into a logged table with the real table's
    foreign keys, which PostgreSQL checks row by row (about 4 µs per key per row);
(b) the pipeline: ``iwmo_jw.services.bericht_ontvangen`` on each message's raw bytes, one
    after the other, in a fresh process: raw storage, levels 1 and 2, the 323 handler (context
    in a fixed number of queries, levels 3 and 4, bulk inserts, ledger postings) and the 325 in
    the outbox, each message committed. ``config.settings.ci`` runs Celery tasks eagerly, so
    the alert evaluation queued after each commit is included (and shown apart);
(b‖) the same pipeline with ``--werkers`` processes side by side (2 by default; 1 skips it), as
    Celery workers take a berichtenbox's messages in production: on a copy of the database
    made before (b), each worker taking every N-th message, timed from the moment all workers
    are ready until the last one is done, then the same checks. It shows what the row locks
    cost when providers' messages overlap, and that they neither deadlock nor lose a line;
    the floor stays one process, so the ratio of (b‖) is not the target's;
(b) in batches: the same messages through ``iwmo_jw.services.berichten_ontvangen`` in
    batches of ``--partij`` (default: the batch of ``bericht_inlezen``), one process, on
    another copy of the database made before (b): per batch the raw rows in one transaction,
    the checks' outcomes and the 323s in another (the 323 handler's batch), and one alert
    evaluation after the batch. Then the same checks, and every line's outcome compared with (b);
    once in one lane (``bericht_inlezen --tegelijk 1``), once in ``--tegelijk`` lanes (2: how
    ``bericht_inlezen`` reads a folder on PostgreSQL; a sender's messages in one lane, in
    order), each on a copy of its own;
(c) a naive reference: codec parse and level 2, then per line ORM look-ups (reference,
    toewijzing, earlier use, tariff), ``Prestatie.save()`` and ``realisatie_boeken`` per
    approved line. It is slow, so it runs on the first ``--naief-berichten`` messages, each in
    a transaction that is rolled back (so it leaves the database as (b) needs it), and its rate
    is extrapolated to all lines. It checks fewer rules than (b) and writes no 325.

With the queries per message of (b), its peak memory (VmHWM of its process) and the checks
that every message got a 325 in the outbox, the planned lines (5 %) were rejected with the
planned codes, and what was approved is realised in the ledger. Targets (issue 6): (b) within
4x of (a), at least 20x faster than (c), peak memory under 1 GB.

Log lines below WARNING are switched off. ``--profiel`` runs (b) under cProfile and prints
where its time goes; ``--opruimen`` drops the database afterwards (else it stays for a look).
"""

from __future__ import annotations

import argparse
import dataclasses
import multiprocessing
import os
import pstats
import re
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from bench.codec import _nl

STANDAARD_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/gs_bench_run"
GROOT = {
    "prestaties": 100_000,
    "berichten": 300,
    "aanbieders": 100,
    "toewijzingen": 30_000,
    "naief_berichten": 10,
    "herhalingen": 3,
}
KLEIN = {
    "prestaties": 2_000,
    "berichten": 10,
    "aanbieders": 5,
    "toewijzingen": 600,
    "naief_berichten": 2,
    "herhalingen": 1,
}
#: Targets of issue 6.
DOEL_VLOER = 4.0
DOEL_NAIEF = 20.0
DOEL_GEHEUGEN_MIB = 1024


def _opties(argv: list[str] | None) -> argparse.Namespace:
    opties = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    opties.add_argument("--prestaties", type=int, help="prestaties in de maand (100.000)")
    opties.add_argument("--berichten", type=int, help="WMO323-berichten (300)")
    opties.add_argument("--aanbieders", type=int, help="zorgaanbieders (100)")
    opties.add_argument("--toewijzingen", type=int, help="toewijzingen (30.000)")
    opties.add_argument(
        "--naief-berichten",
        type=int,
        help="berichten voor de naïeve referentie (10; 0 slaat haar over)",
    )
    opties.add_argument("--herhalingen", type=int, help="herhalingen van de vloer (3)")
    opties.add_argument(
        "--werkers",
        type=int,
        default=2,
        help="(b) ook met zoveel processen naast elkaar, op een kopie van de database "
        "(2; 1 slaat het over)",
    )
    opties.add_argument(
        "--partij",
        type=int,
        help="(b) ook in partijen van zoveel berichten met berichten_ontvangen, zoals "
        "bericht_inlezen een map inleest, op een kopie van de database (standaard de partij "
        "van bericht_inlezen; 0 slaat het over)",
    )
    opties.add_argument(
        "--tegelijk",
        type=int,
        default=2,
        help="de partijen ook in zoveel banen tegelijk (berichten_ontvangen(tegelijk=...), "
        "bericht_inlezen --tegelijk), op een kopie van de database (2; 1 slaat het over)",
    )
    opties.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL") or STANDAARD_DATABASE_URL,
        help="PostgreSQL-database die wordt weggegooid en opnieuw gemaakt; de naam moet "
        f"'bench' bevatten (standaard DATABASE_URL of {STANDAARD_DATABASE_URL})",
    )
    opties.add_argument(
        "--klein",
        action="store_true",
        help="snelle rooktest: 2.000 prestaties, 10 berichten, 5 aanbieders, 600 toewijzingen",
    )
    opties.add_argument(
        "--map", type=Path, default=Path("var/bench-declaraties"), help="map voor de berichten"
    )
    opties.add_argument(
        "--profiel",
        action="store_true",
        help="profileer (b) met cProfile (maakt (b) trager) en toon de duurste functies",
    )
    opties.add_argument("--opruimen", action="store_true", help="gooi de database na afloop weg")
    args = opties.parse_args(argv)
    standaard = KLEIN if args.klein else GROOT
    for naam, waarde in standaard.items():
        if getattr(args, naam) is None:
            setattr(args, naam, waarde)
    for naam in standaard:
        if getattr(args, naam) < (0 if naam == "naief_berichten" else 1):
            opties.error(f"--{naam.replace('_', '-')} is te klein")
    if args.werkers < 1:
        opties.error("--werkers is te klein")
    if args.tegelijk < 1:
        opties.error("--tegelijk is te klein")
    if args.partij is not None and args.partij < 0:
        opties.error("--partij is te klein")
    if args.berichten > args.prestaties:
        opties.error("minstens één prestatie per bericht")
    args.naief_berichten = min(args.naief_berichten, args.berichten)
    return args


# --- The database -----------------------------------------------------------------------------


def _database_naam(url: str) -> str:
    naam = urlsplit(url).path.lstrip("/")
    if not re.fullmatch(r"[a-z0-9_]+", naam) or "bench" not in naam:
        raise SystemExit(
            f"De database {naam!r} wordt weggegooid; de naam moet 'bench' bevatten en uit "
            "kleine letters, cijfers en _ bestaan."
        )
    return naam


def _kopie_url(url: str, soort: str = "parallel") -> str:
    """The database of (b‖) or of the batches, next to the benchmark's own."""
    return urlunsplit(urlsplit(url)._replace(path=f"/{_database_naam(url)}_{soort}"))


def _kopie_maken(url: str, soort: str) -> str:
    kopie = _kopie_url(url, soort)
    _beheer(kopie, f'DROP DATABASE IF EXISTS "{_database_naam(kopie)}" WITH (FORCE)')
    _beheer(kopie, f'CREATE DATABASE "{_database_naam(kopie)}" TEMPLATE "{_database_naam(url)}"')
    return kopie


def _beheer(url: str, opdracht: str) -> None:
    import psycopg

    beheer = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(beheer, autocommit=True) as pg:
        pg.execute(opdracht)


def _database_vers(url: str) -> None:
    naam = _database_naam(url)
    _beheer(url, f'DROP DATABASE IF EXISTS "{naam}" WITH (FORCE)')
    _beheer(url, f'CREATE DATABASE "{naam}"')


def _django(url: str) -> None:
    """Configure Django for ``url`` with the CI settings (also in the pipeline's process)."""
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.ci"
    import logging

    import django

    django.setup()
    # Not the log lines of every message and task on the console (warnings still show), nor
    # kombu's about the broker host, which the eager tasks never use.
    logging.disable(logging.INFO)
    logging.getLogger("kombu").setLevel(logging.ERROR)


# --- (b), its batches and the checks, each in a process of its own ------------------------------


def _in_proces(naam: str, kind: Any, *args: Any) -> Any:
    """Run ``kind(*args, zender)`` in a fresh (spawned) process and return what it sends;
    ``naam`` says in the error what broke off."""
    context = multiprocessing.get_context("spawn")
    ontvanger, zender = context.Pipe(duplex=False)
    proces = context.Process(target=kind, args=(*args, zender))
    proces.start()
    zender.close()
    try:
        return ontvanger.recv()
    except EOFError:
        proces.join()
        raise SystemExit(f"{naam} brak af (exitcode {proces.exitcode}).") from None
    finally:
        proces.join()


def _pijplijn_kind(url: str, manifest: str, profiel: str | None, uit: Any) -> None:
    _django(url)
    from bench.declaraties_regio import pijplijn

    uit.send(pijplijn(Path(manifest), Path(profiel) if profiel else None))


def _pijplijn_in_proces(url: str, manifest: Path, profiel: Path | None) -> dict[str, Any]:
    resultaat: dict[str, Any] = _in_proces(
        "De pijplijn", _pijplijn_kind, url, str(manifest), str(profiel) if profiel else None
    )
    return resultaat


def _partijen_kind(url: str, manifest: str, partij: int, tegelijk: int, uit: Any) -> None:
    _django(url)
    from bench.declaraties_regio import pijplijn_in_partijen

    uit.send(pijplijn_in_partijen(Path(manifest), partij, tegelijk))


def _partijen_in_proces(url: str, manifest: Path, partij: int, tegelijk: int = 1) -> dict[str, Any]:
    resultaat: dict[str, Any] = _in_proces(
        "De pijplijn in partijen", _partijen_kind, url, str(manifest), partij, tegelijk
    )
    return resultaat


# --- (b‖) in several processes ------------------------------------------------------------------


def _werker_kind(url: str, manifest: str, start: Any, uit: Any) -> None:
    _django(url)
    from django.db import connection

    from bench.declaraties_regio import pijplijn

    connection.ensure_connection()
    start.wait()  # every worker set up and connected: the clock starts
    uit.send(pijplijn(Path(manifest)))


def _controle_kind(url: str, berichten: list[dict[str, Any]], uit: Any) -> None:
    _django(url)
    from bench.declaraties_regio import Bericht, controleren

    uit.send(controleren([Bericht(**b) for b in berichten]))


def _parallel(url: str, manifest: Path, werkers: int) -> tuple[float, list[dict[str, Any]]]:
    """Run the messages of ``manifest`` in ``werkers`` processes, worker k taking messages k,
    k + N, ...; returns the wall seconds from the moment all are ready and their results."""
    import json

    berichten = json.loads(manifest.read_text())
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(werkers + 1)
    processen, ontvangers = [], []
    for k in range(werkers):
        deel = manifest.with_name(f"{manifest.stem}-werker{k}.json")
        deel.write_text(json.dumps(berichten[k::werkers]))
        ontvanger, zender = context.Pipe(duplex=False)
        proces = context.Process(target=_werker_kind, args=(url, str(deel), start, zender))
        proces.start()
        zender.close()
        processen.append(proces)
        ontvangers.append(ontvanger)
    start.wait(timeout=120)
    begin = time.perf_counter()
    resultaten: list[dict[str, Any]] = []
    for ontvanger in ontvangers:
        try:
            resultaten.append(ontvanger.recv())
        except EOFError:
            raise SystemExit("Een werker van (b‖) brak af.") from None
    seconden = time.perf_counter() - begin
    for proces in processen:
        proces.join()
    return seconden, resultaten


def _controle_in_proces(url: str, berichten: Sequence[Any]) -> Any:
    """The checks of (b) on the database of ``url``, in a process configured for it. The
    messages go as dicts: their class is importable only once Django is set up."""
    return _in_proces(
        "De controle", _controle_kind, url, [dataclasses.asdict(b) for b in berichten]
    )


# --- Main -------------------------------------------------------------------------------------


def _regel(label: str, seconden: float, regels: int, vloer: float) -> str:
    return (
        f"{label:<46}{_nl(seconden, 2):>10}{_nl(regels / seconden):>14}"
        f"{_nl(seconden / vloer, 2):>10}"
    )


def _controle_naast_b(label: str, controle: Any, van_b: Any) -> bool:
    """Print the checks of a run on a copy and whether every line's outcome equals (b)'s;
    True when all is well."""
    print(f"Controle na {label}:")
    for regel in controle.regels:
        print(f"  {regel}")
    gelijk = bool(controle.uitkomsten == van_b.uitkomsten)
    print(
        "  uitkomst per prestatie (status, retourcodes, toegekend bedrag) gelijk aan die van "
        f"(b): {'ja' if gelijk else 'NEE'}"
    )
    return bool(controle.in_orde) and gelijk


def _doel(gehaald: bool) -> str:
    return "gehaald" if gehaald else "NIET gehaald"


def main(argv: list[str] | None = None) -> int:
    args = _opties(argv)
    url = args.database_url
    n = args.prestaties

    begin = time.perf_counter()
    _database_vers(url)
    _django(url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    migraties = time.perf_counter() - begin

    from bench import declaraties_regio as regio_

    begin = time.perf_counter()
    regio = regio_.regio_opbouwen(
        berichten=args.berichten, aanbieders=args.aanbieders, toewijzingen=args.toewijzingen
    )
    opbouw = time.perf_counter() - begin
    bevindingen = regio_.grootboek_controleren()
    if bevindingen:
        raise SystemExit(f"Het grootboek klopt niet na de opzet: {bevindingen[:3]}")
    print(
        f"Database {_database_naam(url)}: migraties in {_nl(migraties, 1)} s; "
        f"regio in {_nl(opbouw, 1)} s: {regio.gemeenten} gemeenten, {_nl(args.aanbieders)} "
        f"aanbieders, {_nl(regio.toewijzingen)} toewijzingen ({regio.via_service} via "
        "toewijzing_verstrekken, de rest in bulk met hun reserveringen); grootboek in orde"
    )
    begin = time.perf_counter()
    historie = regio_.geschiedenis_verwerken(regio)
    # The region went in by bulk inserts and the history a moment ago; autovacuum has not
    # looked at them yet, and without statistics PostgreSQL plans the look-ups of a message
    # by toewijzing as sequential scans (15 ms instead of 1 ms each at this size). A live
    # database has them, as any bulk load should: ANALYZE (not timed).
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"Geschiedenis: {_nl(historie)} prestaties over "
        f"{', '.join(f'{m:02d}-{regio_.JAAR}' for m in regio_.GESCHIEDENIS)} door de "
        f"pijplijn (toegekend, gerealiseerd, beantwoord) in {_nl(time.perf_counter() - begin, 1)} "
        "s; daarna ANALYZE"
    )

    begin = time.perf_counter()
    berichten, rijen = regio_.berichten_maken(regio, n, args.map)
    data = [b.bestand.read_bytes() for b in berichten]
    gepland = sum(sum(b.fouten.values()) for b in berichten)
    print(
        f"Maand: {_nl(len(berichten))} WMO323-berichten met {_nl(n)} prestaties "
        f"({_nl(min(b.prestaties for b in berichten))}-{_nl(max(b.prestaties for b in berichten))}"
        f" per bericht, {_nl(gepland)} met een fout = {_nl(100 * gepland / n, 1)} %, "
        f"{_nl(sum(b.credits for b in berichten))} creditregels op de geschiedenis), "
        f"{_nl(sum(map(len, data)) / 1_000_000, 1)} MB, gemaakt in "
        f"{_nl(time.perf_counter() - begin, 1)} s ({args.map})"
    )

    # (a) The floor, best of the repetitions.
    regio_.vloertabel_maken(url)
    vloer = min(regio_.vloer(url, data, rijen) for _ in range(args.herhalingen))
    vloer_gelogd = min(
        regio_.vloer(url, data, rijen, tabel=regio_.VLOERTABEL_GELOGD)
        for _ in range(args.herhalingen)
    )
    vloer_sleutels = (
        min(
            regio_.vloer(url, data, rijen, tabel=regio_.VLOERTABEL_SLEUTELS)
            for _ in range(args.herhalingen)
        )
        if regio_.vloer_sleutels_mogelijk(rijen)
        else None
    )
    del rijen

    # (c) The naive reference, before (b): its transactions are rolled back.
    naief_berichten = berichten[: args.naief_berichten]
    naief_seconden, naief_regels, naief_af, naief_queries = regio_.naief(naief_berichten)
    naief_gepland = sum(sum(b.fouten.values()) for b in naief_berichten)

    # Copies of the database as (b) finds it, for (b‖) and for the batches.
    from django.db import connections

    from iwmo_jw.services import PARTIJ_BERICHTEN

    partij = PARTIJ_BERICHTEN if args.partij is None else args.partij
    connections.close_all()
    kopie = _kopie_maken(url, "parallel") if args.werkers > 1 else None
    kopie_partijen = _kopie_maken(url, "partijen") if partij > 0 else None
    kopie_tegelijk = _kopie_maken(url, "tegelijk") if partij > 0 and args.tegelijk > 1 else None

    # (b) The pipeline, in a fresh process.
    profiel = args.map / "pijplijn.prof" if args.profiel else None
    uitkomst = _pijplijn_in_proces(url, args.map / "berichten.json", profiel)
    metingen: list[tuple[int, int, float, float]] = uitkomst["metingen"]
    pijplijn = sum(s for _, _, s, _ in metingen)
    statements = sum(d for _, _, _, d in metingen)
    taken = uitkomst["taken_seconden"]
    controle = regio_.controleren(berichten)
    parallel = None
    if kopie is not None:
        connections.close_all()
        seconden, resultaten = _parallel(kopie, args.map / "berichten.json", args.werkers)
        parallel = (seconden, resultaten, _controle_in_proces(kopie, berichten))
        _beheer(kopie, f'DROP DATABASE IF EXISTS "{_database_naam(kopie)}" WITH (FORCE)')
    partijen = None
    if kopie_partijen is not None:
        connections.close_all()
        resultaat = _partijen_in_proces(kopie_partijen, args.map / "berichten.json", partij)
        partijen = (resultaat, _controle_in_proces(kopie_partijen, berichten))
        _beheer(
            kopie_partijen,
            f'DROP DATABASE IF EXISTS "{_database_naam(kopie_partijen)}" WITH (FORCE)',
        )
    tegelijk = None
    if kopie_tegelijk is not None:
        connections.close_all()
        resultaat = _partijen_in_proces(
            kopie_tegelijk, args.map / "berichten.json", partij, args.tegelijk
        )
        tegelijk = (resultaat, _controle_in_proces(kopie_tegelijk, berichten))
        _beheer(
            kopie_tegelijk,
            f'DROP DATABASE IF EXISTS "{_database_naam(kopie_tegelijk)}" WITH (FORCE)',
        )

    print(f"\n{'stap':<46}{'seconden':>10}{'prestaties/s':>14}{'x vloer':>10}")
    print(_regel("(a) vloer: lxml + XSD + COPY", vloer, n, vloer))
    print(_regel("    in een gelogde tabel, zoals de echte", vloer_gelogd, n, vloer))
    if vloer_sleutels is not None:
        print(_regel("    en met de vreemde sleutels van de echte", vloer_sleutels, n, vloer))
    print(
        "    (de vloer schrijft in een ongelogde tabel: haar commits wachten niet op de WAL; "
        "de ratio's hieronder zijn tegen die snelste vloer)"
    )
    print(_regel("(b) pijplijn: bericht_ontvangen", pijplijn, n, vloer))
    print(_regel("    zonder de signaleringen na commit", pijplijn - taken, n, vloer))
    print(
        f"    (de signaleringen: {_nl(taken, 2)} s; in productie een Celery-taak na de commit, "
        "hier eager)"
    )
    if parallel is not None:
        seconden, resultaten, _ = parallel
        print(_regel(f"(b‖) pijplijn, {args.werkers} werkers naast elkaar", seconden, n, vloer))
        print(
            "    (op een kopie van de database van vóór (b); de signaleringen inbegrepen; de "
            "vloer blijft één proces)"
        )
    if partijen is not None:
        resultaat, _ = partijen
        print(
            _regel(
                f"(b) in partijen van {partij}: berichten_ontvangen",
                resultaat["seconden"],
                n,
                vloer,
            )
        )
        print(
            _regel(
                "    zonder de signaleringen na commit",
                resultaat["seconden"] - resultaat["taken_seconden"],
                n,
                vloer,
            )
        )
        print(
            f"    (de signaleringen: {_nl(resultaat['taken_seconden'], 2)} s in "
            f"{_nl(resultaat['taken'])} evaluaties; op een kopie van de database van vóór (b), "
            "één proces, één baan: bericht_inlezen --tegelijk 1)"
        )
    if tegelijk is not None:
        resultaat, _ = tegelijk
        print(
            _regel(
                f"(b) in partijen, {args.tegelijk} banen",
                resultaat["seconden"],
                n,
                vloer,
            )
        )
        print(
            f"    (één proces, {args.tegelijk} banen tegelijk in eigen threads en "
            "databaseverbindingen, de berichten van een afzender in één baan op volgorde: zo "
            "leest bericht_inlezen een map op PostgreSQL; op een kopie van de database van "
            "vóór (b))"
        )
    naief_totaal = naief_seconden / naief_regels * n if naief_regels else None
    if naief_totaal is not None:
        print(_regel("(c) naïef, geëxtrapoleerd", naief_totaal, n, vloer))
        print(
            f"    gemeten op {len(naief_berichten)} berichten ({_nl(naief_regels)} prestaties, "
            f"{_nl(naief_af)} afgewezen, gepland {_nl(naief_gepland)}) in "
            f"{_nl(naief_seconden, 2)} s; {_nl(naief_queries / naief_regels, 1)} queries per "
            f"prestatie; maal {_nl(n / naief_regels, 1)} voor alle prestaties"
        )
    else:
        print("(c) naïef: overgeslagen (--naief-berichten 0)")
    if args.profiel:
        print("    (b) liep onder cProfile: de tijden van (b) zijn daardoor te hoog")

    print()
    vergelijkingen = [("(b)", pijplijn), ("(b) zonder signaleringen", pijplijn - taken)]
    if partijen is not None:
        vergelijkingen.append(("(b) in partijen", partijen[0]["seconden"]))
    if tegelijk is not None:
        vergelijkingen.append((f"(b) in partijen, {args.tegelijk} banen", tegelijk[0]["seconden"]))
    for label, seconden in vergelijkingen:
        ratio = seconden / vloer
        print(
            f"{label}/(a) = {_nl(ratio, 2)}x  (doel: hoogstens {_nl(DOEL_VLOER, 0)}x, "
            f"{_doel(ratio <= DOEL_VLOER)})"
        )
        if naief_totaal is not None:
            ratio = naief_totaal / seconden
            print(
                f"(c)/{label} = {_nl(ratio, 1)}x  (doel: minstens {_nl(DOEL_NAIEF, 0)}x, "
                f"{_doel(ratio >= DOEL_NAIEF)})"
            )
    queries = [q for _, q, _, _ in metingen]
    regels_per = [r for r, _, _, _ in metingen]
    tijden = sorted(s for _, _, s, _ in metingen)
    print(
        f"Queries per bericht (b): min {min(queries)}, max {max(queries)} bij "
        f"{_nl(min(regels_per))}-{_nl(max(regels_per))} prestaties per bericht; tijd per "
        f"bericht: mediaan {_nl(1000 * tijden[len(tijden) // 2])} ms, "
        f"max {_nl(1000 * tijden[-1])} ms"
    )
    if len(set(regels_per)) > 1:
        # Where batching would help: what a message costs whatever its lines, and per line.
        per_regel, vast = statistics.linear_regression(regels_per, [s for _, _, s, _ in metingen])
        print(
            f"Tijd per bericht (b) ≈ {_nl(1000 * vast, 1)} ms vast + "
            f"{_nl(1e6 * per_regel)} µs per prestatie (kleinste kwadraten); het vaste deel is "
            f"{_nl(100 * vast * len(metingen) / pijplijn)} % van (b)"
        )
    aantal_commits, commitseconden = uitkomst["commits"]
    print(
        f"Statements van (b) (versturen, werk van de server, rijen terug): {_nl(statements, 2)} s"
        f" = {_nl(100 * statements / pijplijn)} % van (b); {_nl(aantal_commits)} commits: "
        f"{_nl(commitseconden, 2)} s = {_nl(100 * commitseconden / pijplijn)} % (daarin de "
        "controle van de vreemde sleutels van elke rij); de rest is Python"
    )
    rondes = uitkomst["vuilnis"]
    print(
        f"Vuilnisophaler in (b): {_nl(sum(r[1] for r in rondes), 2)} s in "
        f"{_nl(sum(int(r[0]) for r in rondes))} rondes, waarvan {_nl(int(rondes[2][0]))} "
        f"volledige ({_nl(rondes[2][1], 2)} s; wat bij het opstarten ontstond is bevroren, "
        "kern.opstart)"
    )
    print("De duurste statements van (b) (seconden, aantal, begin van de query):")
    for seconden, aantal, vorm in uitkomst["querytijden"][: 25 if args.profiel else 12]:
        print(f"{_nl(seconden, 3):>8} {aantal:>6}  {vorm[:110]}")
    piek_mib = uitkomst["piek_kib"] / 1024
    print(
        f"Geheugen (b): piek {_nl(piek_mib)} MiB RSS (VmHWM van het proces; "
        f"{_nl(uitkomst['rss_begin_kib'] / 1024)} MiB na het laden van Django)  "
        f"(doel: onder {_nl(DOEL_GEHEUGEN_MIB)} MiB, {_doel(piek_mib < DOEL_GEHEUGEN_MIB)})"
    )
    print("Controle na (b):")
    for regel in controle.regels:
        print(f"  {regel}")
    in_orde = controle.in_orde
    if parallel is not None:
        seconden, resultaten, controle_parallel = parallel
        tijden = sorted(s for r in resultaten for _, _, s, _ in r["metingen"])
        print(
            f"(b‖): {args.werkers} werkers, {_nl(sum(len(r['metingen']) for r in resultaten))} "
            f"berichten; tijd per bericht: mediaan {_nl(1000 * tijden[len(tijden) // 2])} ms, max "
            f"{_nl(1000 * tijden[-1])} ms (wachten op de rijsloten van dezelfde aanbieder "
            "inbegrepen)"
        )
        in_orde = _controle_naast_b("(b‖)", controle_parallel, controle) and in_orde
    if partijen is not None:
        resultaat, controle_partijen = partijen
        aantal_commits, commitseconden = resultaat["commits"]
        terug = resultaat["teruggedraaid"]
        print(
            f"(b) in partijen van {partij}: {_nl(resultaat['queries'] / len(berichten), 1)} "
            f"queries per bericht; statements {_nl(resultaat['statements_seconden'], 2)} s; "
            f"{_nl(aantal_commits)} commits: {_nl(commitseconden, 2)} s; piek "
            f"{_nl(resultaat['piek_kib'] / 1024)} MiB RSS; {_nl(len(terug))} partijen "
            "teruggedraaid en één voor één verwerkt"
            + (f" ({', '.join(sorted(set(terug)))})" if terug else "")
        )
        in_orde = _controle_naast_b("(b) in partijen", controle_partijen, controle) and in_orde
    if tegelijk is not None:
        resultaat, controle_tegelijk = tegelijk
        terug = resultaat["teruggedraaid"]
        print(
            f"(b) in partijen, {args.tegelijk} banen: piek "
            f"{_nl(resultaat['piek_kib'] / 1024)} MiB RSS; {_nl(len(terug))} partijen "
            "teruggedraaid en één voor één verwerkt"
            + (f" ({', '.join(sorted(set(terug)))})" if terug else "")
        )
        in_orde = (
            _controle_naast_b(
                f"(b) in partijen, {args.tegelijk} banen", controle_tegelijk, controle
            )
            and in_orde
        )

    if profiel is not None:
        print(f"\nProfiel van (b) ({profiel}): functies van het project, cumulatief:")
        stats = pstats.Stats(str(profiel), stream=sys.stdout).sort_stats("cumulative")
        stats.print_stats(r"/(declaraties|financien|iwmo_jw|inkoop|kern)/", 30)
        print("en de duurste functies naar eigen tijd:")
        stats.sort_stats("tottime").print_stats(15)

    connections.close_all()
    if args.opruimen:
        _beheer(url, f'DROP DATABASE IF EXISTS "{_database_naam(url)}" WITH (FORCE)')
    return 0 if in_orde else 1


if __name__ == "__main__":
    sys.exit(main())

"""The declaration benchmark (``python -m bench.declaraties``): it runs end to end at its smoke
size and prints its figures and checks; it never drops a database whose name lacks "bench";
and it splits lines and toewijzingen over the messages as its docstring says."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from bench.declaraties import _database_naam
from bench.declaraties_regio import verdelen

ROOT = Path(__file__).resolve().parents[2]


def _bench_url() -> str:
    """A database next to the test database, named after it."""
    delen = urlsplit(os.environ["DATABASE_URL"])
    naam = re.sub(r"[^a-z0-9_]", "_", delen.path.lstrip("/").lower())
    return urlunsplit(delen._replace(path=f"/{naam}_bench_test"))


@pytest.mark.postgres
def test_klein_runs_end_to_end_and_prints_its_figures(tmp_path: Path) -> None:
    url = _bench_url()
    uitvoer = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.declaraties",
            "--klein",
            "--partij",
            "4",
            "--database-url",
            url,
            "--map",
            str(tmp_path),
            "--opruimen",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    tekst = uitvoer.stdout
    assert uitvoer.returncode == 0, tekst + uitvoer.stderr
    for regel in (
        "2 gemeenten, 5 aanbieders, 600 toewijzingen (2 via toewijzing_verstrekken",
        "grootboek in orde",
        "Geschiedenis: 1.200 prestaties over 07-2026, 08-2026 door de pijplijn",
        "Maand: 10 WMO323-berichten met 2.000 prestaties (66-333 per bericht, 100 met een fout",
        "(a) vloer: lxml + XSD + COPY",
        "    in een gelogde tabel, zoals de echte",
        "    en met de vreemde sleutels van de echte",
        "(b) pijplijn: bericht_ontvangen",
        "zonder de signaleringen na commit",
        "(c) naïef, geëxtrapoleerd",
        "(b)/(a) = ",
        "(c)/(b) = ",
        "Geheugen (b): piek ",
        "berichten: 10/10 verwerkt, 10 declaraties beantwoord, 10 325's in de uitbox",
        "prestaties: 2000 opgeslagen, 100 afgewezen (5.0 %), gepland 100; "
        "per code: 9321 25/25, 0611 25/25, 9338 25/25, 9388 25/25",
        "geschiedenis: 1200 eerder toegekende prestaties (2 maanden); creditregels 15/15 "
        "toegekend, 15 eerdere prestaties gecrediteerd",
        "gerealiseerd",
        "grootboek_controleren: 0 bevindingen",
        # (b‖): two workers on a copy, the same checks and the same outcome per line.
        "(b‖) pijplijn, 2 werkers naast elkaar",
        "(b‖): 2 werkers, 10 berichten",
        "uitkomst per prestatie (status, retourcodes, toegekend bedrag) gelijk aan die van (b): ja",
        # (b) in batches: the same checks and the same outcome per line.
        "(b) in partijen van 4: berichten_ontvangen",
        "(b) in partijen/(a) = ",
        "Controle na (b) in partijen:",
        # Two batches at a time: the same checks and the same outcome per line.
        "(b) in partijen, 2 banen",
        "Controle na (b) in partijen, 2 banen:",
    ):
        assert regel in tekst, f"{regel!r} ontbreekt in:\n{tekst}"
    # The batches ran in one transaction each: none was rolled back and processed one by one.
    assert re.search(r"MiB RSS; 0 partijen teruggedraaid en één voor één verwerkt", tekst), tekst
    na_tegelijk = tekst.split("Controle na (b) in partijen, 2 banen:")[1]
    assert "berichten: 10/10 verwerkt, 10 declaraties beantwoord" in na_tegelijk
    assert "grootboek_controleren: 0 bevindingen" in na_tegelijk
    assert "gelijk aan die van (b): ja" in na_tegelijk
    assert "2 banen: piek " in tekst and "0 partijen teruggedraaid" in tekst
    na_partijen = tekst.split("Controle na (b) in partijen:")[1].split("Controle na")[0]
    assert "berichten: 10/10 verwerkt, 10 declaraties beantwoord" in na_partijen
    assert "grootboek_controleren: 0 bevindingen" in na_partijen
    assert "gelijk aan die van (b): ja" in na_partijen
    # Ten messages in batches of four: three alert evaluations, not ten.
    assert re.search(r"signaleringen: [\d,]+ s in 3 evaluaties", tekst), tekst
    na_parallel = tekst.split("Controle na (b‖):")[1].split("Controle na (b) in partijen:")[0]
    assert "berichten: 10/10 verwerkt, 10 declaraties beantwoord" in na_parallel
    assert "grootboek_controleren: 0 bevindingen" in na_parallel
    # The naive reference rejects exactly the planned lines of its messages.
    naief = re.search(r"\((\d+) prestaties, (\d+) afgewezen, gepland (\d+)\)", tekst)
    assert naief is not None, tekst
    assert naief.group(2) == naief.group(3)
    # The queries per message do not grow with its lines (66 to 333 here); a message with
    # credits adds a fixed few (the debits it credits, their history, the credit transfer).
    queries = re.search(r"Queries per bericht \(b\): min (\d+), max (\d+) bij 66-333", tekst)
    assert queries is not None, tekst
    assert int(queries.group(2)) - int(queries.group(1)) <= 8, queries.group(0)
    # The time per message split into a fixed part and a part per line.
    deling = re.search(
        r"Tijd per bericht \(b\) ≈ ([\d.,]+) ms vast \+ ([\d.,-]+) µs per prestatie", tekst
    )
    assert deling is not None, tekst
    # The statements' and the commits' share of (b): parts, not all of it; at least one
    # commit per message (its processing; the raw rows have their own).
    aandeel = re.search(
        r"Statements van \(b\) \(.*?\): ([\d.,]+) s = (\d+) % van \(b\); (\d+) commits: "
        r"([\d.,]+) s = (\d+) %",
        tekst,
    )
    assert aandeel is not None, tekst
    assert 0 < int(aandeel.group(2)) < 100, aandeel.group(0)
    assert int(aandeel.group(3)) >= 2 * 10, aandeel.group(0)
    # --opruimen dropped the benchmark's database, and its copy for (b‖) is always dropped.
    beheer = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(beheer) as pg:
        naam = urlsplit(url).path.lstrip("/")
        for db in (naam, f"{naam}_parallel", f"{naam}_partijen", f"{naam}_tegelijk"):
            rij = pg.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db]).fetchone()
            assert rij is None, db


@pytest.mark.parametrize("naam", ["gs_main", "template1", "Bench_X", "bench-x", ""])
def test_a_database_without_bench_in_its_name_is_never_dropped(naam: str) -> None:
    with pytest.raises(SystemExit):
        _database_naam(f"postgres://postgres@127.0.0.1:5432/{naam}")


def test_a_bench_database_name_is_accepted() -> None:
    assert _database_naam("postgres://postgres@127.0.0.1:5432/gs_bench_run") == "gs_bench_run"


def test_lines_are_split_by_provider_size() -> None:
    # Weights 1 to 5; the rest of the division goes to the first messages.
    assert verdelen(2_000, 10) == [67, 134, 201, 267, 333, 66, 133, 200, 266, 333]
    assert verdelen(600, 10) == [20, 40, 60, 80, 100, 20, 40, 60, 80, 100]
    delen = verdelen(100_000, 300)
    assert (sum(delen), min(delen), max(delen)) == (100_000, 111, 556)
    assert verdelen(7, 5) == [2, 1, 1, 1, 2]  # at least one each
    with pytest.raises(SystemExit):
        verdelen(4, 5)

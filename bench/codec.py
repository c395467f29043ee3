"""Benchmark of the iWmo/iJw codec on a large declaration.

Run from the repository root::

    python -m bench.codec [--prestaties 100000] [--per-client 10] [--herhalingen 3]

It builds a JW323 with N prestaties spread over clients (some credit lines, some in euros
without a tariff, so the reader meets every shape), serializes it, and prints in one run:

- the floor: lxml parse + XSD validation alone (what any validating reader must pay);
- ``parse``: the same plus building the dataclass model;
- ``serialize``: without and with the XSD check of its output;
- extra steps registered in the level-2 section below;

each with seconds (best of the repetitions), prestaties per second and the ratio to the floor,
and the peak memory of parsing relative to the file size (measured in a fresh child process).
"""

from __future__ import annotations

import argparse
import gc
import multiprocessing
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from decimal import Decimal
from functools import partial
from pathlib import Path

from iwmo_jw.codec import parse, schema, serialize, soort, xsd_versie
from iwmo_jw.codec.modellen import (
    BedragMetDC,
    Bericht323,
    BerichtIdentificatie,
    Client323,
    Declaratie,
    GeslotenPeriode,
    Header,
    Prestatie323,
    Referentie,
    TotaalBedragMetDC,
)
from iwmo_jw.codec.niveau2 import niveau2_bevindingen
from iwmo_jw.codec.xml import lees_xml

JW323 = soort("JW323")
Stap = Callable[[Bericht323, bytes], object]


# --- Level 2 (niveau 2) -----------------------------------------------------------------------
# The level-2 steps, timed like the steps above, with their ratio to the floor. The generated
# declaration below breaks three level-2 rules by construction (its BSNs fail the eleven-test,
# CS002; its credits credit a line of the same message, TR316; the ten lines of a client share
# one toewijzing, product and period, TR416), so a valid declaration pays rules that never
# fire while this one would mostly measure the writing of findings. The hook therefore times
# level 2 on a twin of the same size without those faults (prepared here, not timed), and
# once on the generated declaration itself: the cost of rejecting a broken file.
def _elfproef_bsns(aantal: int) -> list[str]:
    """``aantal`` distinct BSNs that pass the eleven-test, from 999000000 upwards."""
    bsns: list[str] = []
    prefix = 99_900_000
    while len(bsns) < aantal:
        cijfers = f"{prefix:08d}"
        controle = sum((9 - i) * int(c) for i, c in enumerate(cijfers)) % 11
        if controle < 10:
            bsns.append(cijfers + str(controle))
        prefix += 1
    return bsns


def _zonder_niveau2_fouten(model: Bericht323) -> Bericht323:
    """The same declaration (same size, same shapes) that passes level 2: eleven-proof BSNs,
    one toewijzing per line, credits of lines sent in an earlier message."""
    clienten = model.declaratie.clienten
    bsns = _elfproef_bsns(len(clienten))
    nieuw = []
    nummer = 0
    for client, bsn in zip(clienten, bsns, strict=True):
        prestaties = []
        for p in client.prestaties:
            referentie = p.product_referentie
            if referentie.vorig_referentie_nummer is not None:
                referentie = replace(referentie, vorig_referentie_nummer=f"V{nummer:012d}")
            prestaties.append(
                replace(p, product_referentie=referentie, toewijzing_nummer=100_000 + nummer)
            )
            nummer += 1
        nieuw.append(replace(client, bsn=bsn, prestaties=tuple(prestaties)))
    return replace(model, declaratie=replace(model.declaratie, clienten=tuple(nieuw)))


def niveau2_metingen(model: Bericht323, data: bytes) -> list[tuple[str, Stap]]:
    """Timed steps of level 2 (in-message rules); ``model`` and ``data`` are the generated
    declaration, parsed and as bytes."""
    schoon = _zonder_niveau2_fouten(model)
    schoon_data = serialize(schoon, valideren=False)
    if niveau2_bevindingen(schoon):
        raise SystemExit("de schone declaratie heeft toch bevindingen op niveau 2")
    if len(schoon_data) != len(data):
        raise SystemExit("de schone declaratie is niet even groot als de gegenereerde")
    fouten = niveau2_bevindingen(model)
    print(
        f"Niveau 2: de schone declaratie heeft 0 bevindingen; de gegenereerde "
        f"{len(fouten)} (na inkorting per regel)."
    )

    def parse_en_niveau2(_model: Bericht323, _data: bytes) -> object:
        return niveau2_bevindingen(parse(schoon_data, max_grootte=len(schoon_data)))

    return [
        ("niveau 2 (regels in het bericht)", lambda _m, _d: niveau2_bevindingen(schoon)),
        ("parse + niveau 2", parse_en_niveau2),
        ("niveau 2 op een bericht vol fouten", lambda m, _d: niveau2_bevindingen(m)),
    ]


# --- the declaration --------------------------------------------------------------------------


def declaratie(prestaties: int, per_client: int) -> Bericht323:
    """A JW323 of April 2026 with ``prestaties`` lines, ``per_client`` per client. Every 20th
    line is a credit (with VorigReferentieNummer), every 10th in euros (Eenheid 83, no tariff)."""
    periode = GeslotenPeriode(begindatum=date(2026, 4, 1), einddatum=date(2026, 4, 30))
    regels: list[Prestatie323] = []
    totaal = Decimal(0)
    for nummer in range(prestaties):
        credit = nummer % 20 == 19
        in_euros = nummer % 10 == 4
        volume = 1 + nummer % 40
        tarief = Decimal("12.50") + Decimal(nummer % 7)
        bedrag = Decimal(volume) if in_euros else volume * tarief
        totaal += -bedrag if credit else bedrag
        regels.append(
            Prestatie323(
                product_referentie=Referentie(
                    referentie_nummer=f"R{nummer:012d}",
                    vorig_referentie_nummer=f"R{nummer - 1:012d}" if credit else None,
                ),
                toewijzing_nummer=100_000 + nummer // per_client,
                product_categorie="45",
                product_code="45A03",
                product_periode=periode,
                geleverd_volume=volume * 100 if in_euros else volume,
                eenheid="83" if in_euros else "04",
                product_tarief=None if in_euros else tarief,
                ingediend_bedrag=BedragMetDC(bedrag=bedrag, debet_credit="C" if credit else "D"),
            )
        )
    clienten = tuple(
        Client323(
            bsn=f"{999_000_000 + i // per_client:09d}", prestaties=tuple(regels[i : i + per_client])
        )
        for i in range(0, prestaties, per_client)
    )
    return Bericht323(
        soort=JW323,
        header=Header(
            afzender="12345678",
            ontvanger="0363",
            bericht_identificatie=BerichtIdentificatie(
                identificatie="BENCH1", dagtekening=date(2026, 5, 6)
            ),
            xsd_versie=xsd_versie(JW323),
        ),
        declaratie=Declaratie(
            declaratie_nummer="BENCH1",
            declaratie_periode=periode,
            declaratie_dagtekening=date(2026, 5, 6),
            totaal_ingediend_bedrag=TotaalBedragMetDC(
                totaal_bedrag=abs(totaal), debet_credit="C" if totaal < 0 else "D"
            ),
            clienten=clienten,
        ),
    )


# --- measuring --------------------------------------------------------------------------------


def _nl(getal: float, decimalen: int = 0) -> str:
    """Dutch notation: 1.234.567,8."""
    return f"{getal:,.{decimalen}f}".replace(",", "_").replace(".", ",").replace("_", ".")


def _beste(functie: Callable[[], object], herhalingen: int) -> float:
    tijden = []
    for _ in range(herhalingen):
        gc.collect()
        begin = time.perf_counter()
        resultaat = functie()
        tijden.append(time.perf_counter() - begin)
        del resultaat
    return min(tijden)


def _vloer(data: bytes) -> None:
    boom = lees_xml(data, max_grootte=len(data))
    if not schema(JW323).validate(boom):
        raise SystemExit("het gegenereerde bericht is ongeldig")


def _proc_status_kb(veld: str) -> int:
    """VmRSS (now) or VmHWM (peak) of this process in KiB, from /proc (Linux). VmHWM belongs to
    the address space, so unlike ru_maxrss it starts afresh in a newly executed process."""
    with open("/proc/self/status") as status:
        for regel in status:
            if regel.startswith(f"{veld}:"):
                return int(regel.split()[1])
    raise LookupError(veld)


def _geheugen_kind(pad: str, stap: str, uit: multiprocessing.connection.Connection) -> None:
    data = Path(pad).read_bytes()
    voor = _proc_status_kb("VmRSS")
    if stap == "vloer":
        _vloer(data)
    elif stap == "parse":
        parse(data, max_grootte=len(data))
    else:  # python-objecten: the Python heap only, by tracemalloc
        tracemalloc.start()
        model = parse(data, max_grootte=len(data))
        _, piek = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        del model
        uit.send(piek // 1024)
        return
    uit.send(_proc_status_kb("VmHWM") - voor)


def _geheugen(pad: Path, stap: str) -> int | None:
    """Peak memory (KiB) of one step in a fresh process: its peak resident set minus the
    resident set before the step (Linux); or the tracemalloc peak for "python-objecten"."""
    if not Path("/proc/self/status").exists():
        return None
    context = multiprocessing.get_context("spawn")
    ontvanger, zender = context.Pipe(duplex=False)
    proces = context.Process(target=_geheugen_kind, args=(str(pad), stap, zender))
    proces.start()
    waarde: int = ontvanger.recv()
    proces.join()
    return waarde


def main(argv: list[str] | None = None) -> int:
    opties = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    opties.add_argument("--prestaties", type=int, default=100_000)
    opties.add_argument("--per-client", type=int, default=10)
    opties.add_argument("--herhalingen", type=int, default=3)
    opties.add_argument("--bestand", type=Path, default=Path("var/bench-jw323.xml"))
    args = opties.parse_args(argv)
    n = args.prestaties

    model = declaratie(n, args.per_client)
    data = serialize(model, valideren=False)
    args.bestand.parent.mkdir(parents=True, exist_ok=True)
    args.bestand.write_bytes(data)
    mb = len(data) / 1_000_000
    print(
        f"JW323 met {_nl(n)} prestaties over {_nl(len(model.declaratie.clienten))} cliënten: "
        f"{_nl(mb, 1)} MB ({args.bestand})"
    )
    if parse(data, max_grootte=len(data)) != model:
        raise SystemExit("parse(serialize(m)) != m")

    vloer = _beste(lambda: _vloer(data), args.herhalingen)
    metingen: list[tuple[str, float]] = [("vloer: lxml parse + XSD-validatie", vloer)]
    metingen.append(
        (
            "parse naar dataclasses",
            _beste(lambda: parse(data, max_grootte=len(data)), args.herhalingen),
        )
    )
    metingen.append(
        (
            "serialize zonder XSD-controle",
            _beste(lambda: serialize(model, valideren=False), args.herhalingen),
        )
    )
    metingen.append(
        ("serialize met XSD-controle", _beste(lambda: serialize(model), args.herhalingen))
    )
    geparst = parse(data, max_grootte=len(data))
    assert isinstance(geparst, Bericht323)
    for label, stap in niveau2_metingen(geparst, data):
        metingen.append((label, _beste(partial(stap, geparst, data), args.herhalingen)))
    del geparst

    print(f"\n{'stap':<36}{'seconden':>10}{'prestaties/s':>15}{'x vloer':>10}")
    for label, seconden in metingen:
        print(
            f"{label:<36}{_nl(seconden, 3):>10}{_nl(n / seconden):>15}{_nl(seconden / vloer, 2):>10}"
        )

    print("\nGeheugen (piek in een nieuw proces, t.o.v. de bestandsgrootte):")
    for soort_meting, label in (
        ("vloer", "vloer (lxml-boom, RSS)"),
        ("parse", "parse (boom + model, RSS)"),
        ("python-objecten", "model (Python-heap, tracemalloc)"),
    ):
        kib = _geheugen(args.bestand, soort_meting)
        if kib is None:
            print(f"  {label:<34} niet te meten op dit platform")
            continue
        print(
            f"  {label:<34}{_nl(kib / 1024):>8} MiB  = {_nl(kib * 1024 / len(data), 1)}x het bestand"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Every level-3/4 rule of the 323: the base declaration passes, and changing one thing (in the
message or in the context) breaks exactly that rule, with exactly its retourcode on exactly
the class and prestatie it belongs to. The same cases show that a gemeente can switch off the
rules it may switch off, and only those."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

import pytest

from declaraties.regels import (
    ALLE_REGELS,
    NIET_BEOORDEELD,
    UITSCHAKELBAAR,
    Beoordeling,
    DeclaratieContext,
    Klasse,
    Omvang,
    VerbruikRij,
    beoordelen,
)
from iwmo_jw.codec import serialize
from iwmo_jw.codec.modellen import Bericht323
from iwmo_jw.codec.niveau2 import niveau2_meldingen
from tests.declaraties.hulp import (
    APRIL,
    BSN_A,
    BSN_B,
    R0,
    TARIEF_45A03,
    TARIEF_45A04,
    basis_bericht,
    bsns,
    context,
    met_toewijzing,
    periode,
    wijzig_prestatie,
)

ONBEKEND_BSN = next(b for b in bsns(5) if b not in {BSN_A, BSN_B})


@dataclass(frozen=True)
class Geval:
    """Break ``regel``: the message from ``bericht`` and the context from ``ctx`` (both
    default to the base); expect ``code`` on the header, the declaration, client B
    (``klasse``), or on the prestaties in ``prestaties``."""

    regel: str
    code: str
    klasse: Klasse
    ctx: Callable[[], DeclaratieContext] = context
    bericht: Callable[[], Bericht323] = basis_bericht
    prestaties: tuple[str, ...] = field(default=())

    def __str__(self) -> str:
        return self.regel


def _verwijderd() -> DeclaratieContext:
    return context(toewijzingen=met_toewijzing(1001, reden_wijziging="13"))


GEVALLEN = [
    # Header: the message is answered with a header only.
    Geval(
        "TR056", "9056", Klasse.HEADER, ctx=lambda: context(bekende_berichtidentificaties=["B1"])
    ),
    Geval("TR135", "8848", Klasse.HEADER, ctx=lambda: context(ontvangstdatum=date(2026, 6, 1))),
    Geval("TR378", "S300", Klasse.HEADER, ctx=lambda: context(gemeentecodes=["0363"])),
    # Declaratie: TotaalToegekendBedrag 0, no prestatie assessed.
    Geval(
        "TR333", "9333", Klasse.DECLARATIE, ctx=lambda: context(bekende_declaratienummers=["D1"])
    ),
    Geval(
        "TR318",
        "8214",
        Klasse.DECLARATIE,
        ctx=lambda: context(vorige_declaratieperiode=date(2026, 4, 1)),
    ),
    # Client: client B gets the code, its prestatie 0233.
    Geval(
        "TR304",
        "8187",
        Klasse.CLIENT,
        bericht=lambda: replace(
            basis_bericht(),
            declaratie=replace(
                basis_bericht().declaratie,
                clienten=(
                    basis_bericht().declaratie.clienten[0],
                    replace(basis_bericht().declaratie.clienten[1], bsn=ONBEKEND_BSN),
                ),
            ),
        ),
        prestaties=("R2",),
    ),
    # Prestatie (debit).
    Geval(
        "TR314",
        "8021",
        Klasse.PRESTATIE,
        ctx=lambda: context(bekende_referenties=["R0", "R1"]),
        prestaties=("R1",),
    ),
    Geval(
        "TR319",
        "9319",
        Klasse.PRESTATIE,
        bericht=lambda: wijzig_prestatie(
            basis_bericht(), "R1", product_periode=periode(date(2026, 5, 1), date(2026, 5, 31))
        ),
        prestaties=("R1",),
    ),
    Geval(
        "TR338",
        "9338",
        Klasse.PRESTATIE,
        bericht=lambda: wijzig_prestatie(basis_bericht(), "R1", toewijzing_nummer=9999),
        prestaties=("R1",),
    ),
    Geval(
        "TR304",
        "8187",
        Klasse.PRESTATIE,
        bericht=lambda: wijzig_prestatie(basis_bericht(), "R1", toewijzing_nummer=1002),
        prestaties=("R1",),
    ),
    Geval(
        "TR339",
        "9339",
        Klasse.PRESTATIE,
        ctx=lambda: context(toewijzingen=met_toewijzing(1001, product_categorie="44")),
        prestaties=("R1",),
    ),
    Geval(
        "TR340",
        "9340",
        Klasse.PRESTATIE,
        ctx=lambda: context(toewijzingen=met_toewijzing(1001, product_code="45A99")),
        prestaties=("R1",),
    ),
    Geval(
        "TR381",
        "S329",
        Klasse.PRESTATIE,
        ctx=lambda: context(producten=[("45", "45A04"), ("44", "45A03")]),
        prestaties=("R1",),
    ),
    Geval(
        "TR341",
        "9341",
        Klasse.PRESTATIE,
        ctx=lambda: context(toewijzingen=met_toewijzing(1001, omvang=Omvang(200, "14", "6"))),
        prestaties=("R1",),
    ),
    Geval(
        "TR307",
        "9307",
        Klasse.PRESTATIE,
        ctx=lambda: context(toewijzingen=met_toewijzing(1001, ingangsdatum=date(2026, 5, 5))),
        prestaties=("R1",),
    ),
    Geval(
        "TR308",
        "9308",
        Klasse.PRESTATIE,
        ctx=lambda: context(toewijzingen=met_toewijzing(1001, einddatum=date(2026, 3, 31))),
        prestaties=("R1",),
    ),
    Geval(
        "TR387",
        "9387",
        Klasse.PRESTATIE,
        bericht=lambda: wijzig_prestatie(
            basis_bericht(), "R1", product_periode=periode(date(2026, 4, 2), APRIL[1])
        ),
        prestaties=("R1",),
    ),
    Geval(
        "TR388",
        "9388",
        Klasse.PRESTATIE,
        bericht=lambda: wijzig_prestatie(
            basis_bericht(), "R1", product_periode=periode(APRIL[0], date(2026, 4, 29))
        ),
        prestaties=("R1",),
    ),
    Geval("TR384", "9384", Klasse.PRESTATIE, ctx=_verwijderd, prestaties=("R1",)),
    Geval(
        "TR389",
        "9389",
        Klasse.PRESTATIE,
        ctx=lambda: context(open_debetten=[R0.sleutel, (1001, *APRIL, "45", "45A03")]),
        prestaties=("R1",),
    ),
    Geval(
        "TR321",
        "9321",
        Klasse.PRESTATIE,
        # 3 uur per week: April 2026 has 5 calendar weeks, at most 15 uur; 20 declared.
        ctx=lambda: context(toewijzingen=met_toewijzing(1001, omvang=Omvang(3, "04", "2"))),
        prestaties=("R1",),
    ),
    Geval(
        "TR322",
        "9322",
        Klasse.PRESTATIE,
        # 200 uur in total; 200 granted before (190 in February, 10 in March), minus the
        # credit R3 (10) of this message, plus R1 (20): 210.
        ctx=lambda: context(
            verbruik=[
                VerbruikRij(1001, date(2026, 2, 1), "04", "D", 190, Decimal("11970.00")),
                VerbruikRij(1001, date(2026, 3, 1), "04", "D", 10, Decimal("630.00")),
            ]
        ),
        prestaties=("R1",),
    ),
    Geval(
        "TR369",
        "9369",
        Klasse.PRESTATIE,
        ctx=lambda: context(toewijzingen=met_toewijzing(2001, budget=Decimal("99.99"))),
        prestaties=("R2",),
    ),
    Geval(
        "TR418",
        "0611",
        Klasse.PRESTATIE,
        ctx=lambda: context(
            tarieven=[replace(TARIEF_45A03, bedrag=Decimal("62.00")), TARIEF_45A04]
        ),
        prestaties=("R1",),
    ),
    Geval(
        "TR418",
        "0611",
        Klasse.PRESTATIE,
        # The tariff of 2026 started in May: none valid in April.
        ctx=lambda: context(
            tarieven=[replace(TARIEF_45A03, ingangsdatum=date(2026, 5, 1)), TARIEF_45A04]
        ),
        prestaties=("R1",),
    ),
    Geval(
        "TR346",
        "9346",
        Klasse.PRESTATIE,
        bericht=lambda: wijzig_prestatie(
            basis_bericht(),
            "R1",
            ingediend_bedrag=replace(
                basis_bericht().declaratie.clienten[0].prestaties[0].ingediend_bedrag,
                bedrag=Decimal("1259.99"),
            ),
        ),
        prestaties=("R1",),
    ),
    # Prestatie (credit).
    Geval(
        "TR314",
        "8021",
        Klasse.PRESTATIE,
        ctx=lambda: context(bekende_referenties=["R0", "R3"]),
        prestaties=("R3",),
    ),
    Geval("TR323", "8017", Klasse.PRESTATIE, ctx=lambda: context(debetten=[]), prestaties=("R3",)),
    Geval(
        "TR323",
        "8017",
        Klasse.PRESTATIE,
        # The debit R0 is of another toewijzing.
        ctx=lambda: context(debetten=[replace(R0, toewijzing_nummer=1002)]),
        prestaties=("R3",),
    ),
    Geval(
        "TR390",
        "9390",
        Klasse.PRESTATIE,
        ctx=lambda: context(debetten=[replace(R0, gecrediteerd=True)]),
        prestaties=("R3",),
    ),
]


def _ids(gevallen: list[Geval]) -> list[str]:
    gezien: dict[str, int] = {}
    ids = []
    for g in gevallen:
        n = gezien[g.regel] = gezien.get(g.regel, 0) + 1
        ids.append(f"{g.regel}-{g.klasse}" + (f"-{n}" if n > 1 else ""))
    return ids


def _alles_toegekend(b: Beoordeling) -> bool:
    return b.volledig_toegekend and not b.clienten and len(b.prestaties) == 3


def test_base_declaration_is_granted_in_full() -> None:
    bericht = basis_bericht()
    assert niveau2_meldingen(bericht) == []
    serialize(bericht)  # schema-valid
    beoordeling = beoordelen(bericht, context())
    assert _alles_toegekend(beoordeling)
    assert [(u.referentie_nummer, u.toegekend_bedrag) for u in beoordeling.prestaties] == [
        ("R1", Decimal("1260.00")),
        ("R3", Decimal("-630.00")),
        ("R2", Decimal("100.00")),
    ]
    assert beoordeling.totaal_toegekend == Decimal("730.00")


def test_every_rule_has_a_case() -> None:
    assert {g.regel for g in GEVALLEN} == {r.id for r in ALLE_REGELS}
    assert {(g.regel, g.code) for g in GEVALLEN} == {(r.id, r.retourcode) for r in ALLE_REGELS}


@pytest.mark.parametrize("geval", GEVALLEN, ids=_ids(GEVALLEN))
def test_breaking_one_thing_gives_exactly_its_code(geval: Geval) -> None:
    bericht = geval.bericht()
    assert niveau2_meldingen(bericht) == [], "the broken message must still pass level 2"
    b = beoordelen(bericht, geval.ctx())
    alle = [*b.header, *b.declaratie, *(f for fs in b.clienten.values() for f in fs)]
    alle += [f for u in b.prestaties for f in u.bevindingen]
    for f in alle:
        assert f.melding.endswith(f"({f.regel})")
        assert BSN_A not in f.melding and BSN_B not in f.melding and ONBEKEND_BSN not in f.melding

    if geval.klasse is Klasse.HEADER:
        assert [(f.regel, f.retourcode) for f in b.header] == [(geval.regel, geval.code)]
        assert b.afgewezen_op_header and b.declaratie == () and b.prestaties == ()
        return
    assert b.header == ()
    if geval.klasse is Klasse.DECLARATIE:
        assert [(f.regel, f.retourcode) for f in b.declaratie] == [(geval.regel, geval.code)]
        assert b.afgewezen_op_declaratie and b.prestaties == ()
        assert b.totaal_toegekend == 0
        return
    assert b.declaratie == ()
    if geval.klasse is Klasse.CLIENT:
        assert {ci: [(f.regel, f.retourcode) for f in fs] for ci, fs in b.clienten.items()} == {
            1: [(geval.regel, geval.code)]
        }
        verwacht_code = NIET_BEOORDEELD
    else:
        assert dict(b.clienten) == {}
        verwacht_code = geval.code
    afgewezen = {u.referentie_nummer: u.retourcodes for u in b.prestaties if not u.toegekend}
    assert afgewezen == dict.fromkeys(geval.prestaties, (verwacht_code,))
    if geval.klasse is Klasse.PRESTATIE:
        for u in b.prestaties:
            if not u.toegekend:
                assert [(f.regel, f.klasse) for f in u.bevindingen] == [
                    (geval.regel, Klasse.PRESTATIE)
                ]
                assert u.toegekend_bedrag == 0
    assert len(b.prestaties) == 3


@pytest.mark.parametrize("geval", GEVALLEN, ids=_ids(GEVALLEN))
def test_switching_off_works_for_switchable_rules_only(geval: Geval) -> None:
    ctx = replace(geval.ctx(), uitgeschakeld=frozenset({geval.regel}))
    beoordeling = beoordelen(geval.bericht(), ctx)
    if geval.regel in UITSCHAKELBAAR:
        assert _alles_toegekend(beoordeling)
    else:
        assert beoordeling == beoordelen(geval.bericht(), geval.ctx())


def test_switchable_rules_are_the_documented_ones() -> None:
    assert sorted(UITSCHAKELBAAR) == [
        "TR135",
        "TR318",
        "TR319",
        "TR339",
        "TR340",
        "TR341",
        "TR346",
        "TR378",
        "TR381",
        "TR387",
        "TR388",
        "TR418",
    ]


def test_eenheid_of_a_budget_toewijzing_is_the_contracts() -> None:
    # Without an Omvang TR341 compares with the eenheid of the contract tariff, so a tariff in
    # another eenheid fails TR341 and, as there is no tariff in the declared eenheid, TR418.
    b = beoordelen(
        basis_bericht(), context(tarieven=[TARIEF_45A03, replace(TARIEF_45A04, eenheid="82")])
    )
    afgewezen = {u.referentie_nummer: u.retourcodes for u in b.prestaties if not u.toegekend}
    assert afgewezen == {"R2": ("9341", "0611")}
    # Without any tariff TR341 holds and TR418 reports.
    b = beoordelen(basis_bericht(), context(tarieven=[TARIEF_45A03]))
    afgewezen = {u.referentie_nummer: u.retourcodes for u in b.prestaties if not u.toegekend}
    assert afgewezen == {"R2": ("0611",)}


def test_findings_texts_are_dutch_and_exact() -> None:
    b = beoordelen(
        wijzig_prestatie(basis_bericht(), "R1", toewijzing_nummer=1002),
        context(toewijzingen=met_toewijzing(1002, product_code="45A99")),
    )
    r1 = next(u for u in b.prestaties if u.referentie_nummer == "R1")
    assert [f.melding for f in r1.bevindingen] == [
        "toewijzing 1002 is van een andere client (TR304)",
        "ProductCode 45A03 is niet de toegewezen code 45A99 (toewijzing 1002) (TR340)",
    ]
    tr321 = GEVALLEN[[g.regel for g in GEVALLEN].index("TR321")]
    b = beoordelen(tr321.bericht(), tr321.ctx())
    r1 = next(u for u in b.prestaties if u.referentie_nummer == "R1")
    assert [f.melding for f in r1.bevindingen] == [
        "GeleverdVolume 20 uur past niet binnen het maximum van 15 uur voor ProductPeriode "
        "01-04-2026 t/m 30-04-2026 van toewijzing 1001 (TR321)"
    ]

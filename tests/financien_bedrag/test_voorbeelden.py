"""Worked examples of the reservation amount, with figures computed by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from contracten.constants import Eenheid
from financien.reserveringsbedrag import (
    Frequentie,
    Grondslag,
    Omvang,
    Tarief,
    ToewijzingInvoer,
    reserveringsbedrag,
)
from kern.exceptions import DomeinFout

D = Decimal
PER_DAG, PER_WEEK, PER_MAAND, TOTAAL = 1, 2, 4, 6

#: 60.00 per hour until 2026-06-30, 62.10 from 2026-07-01 (the indexation example).
UURTARIEF = [
    Tarief(date(2020, 1, 1), date(2026, 6, 30), D("60.00"), Eenheid.UUR),
    Tarief(date(2026, 7, 1), None, D("62.10"), Eenheid.UUR),
]


def bereken(begin, eind, volume, eenheid, frequentie, tarieven=UURTARIEF, **kwargs):
    return reserveringsbedrag(
        toewijzing=ToewijzingInvoer(begin, eind, omvang=Omvang(volume, eenheid, frequentie)),
        tarieven=tarieven,
        **kwargs,
    )


class TestTariefwijziging:
    def test_a_week_before_the_change_costs_the_old_tariff(self):
        # Monday 2026-06-01 .. Sunday 2026-06-07: 10 h x 60.00.
        assert bereken(date(2026, 6, 1), date(2026, 6, 7), 10, "04", PER_WEEK).totaal == D("600.00")

    def test_a_week_after_the_change_costs_the_new_tariff(self):
        assert bereken(date(2026, 7, 6), date(2026, 7, 12), 10, "04", PER_WEEK).totaal == D(
            "621.00"
        )

    def test_the_week_of_the_change_is_priced_per_day(self):
        # Monday 2026-06-29 .. Sunday 2026-07-05: 2 days at 60.00, 5 days at 62.10:
        # 10/7 x (2 x 60 + 5 x 62.10) = 4305/7 = 615.00 exactly.
        uitkomst = bereken(date(2026, 6, 29), date(2026, 7, 5), 10, "04", PER_WEEK)
        assert uitkomst.totaal == D("615.00")
        (jaar,) = uitkomst.jaardelen
        assert [(t.ingangsdatum, t.einddatum, t.dagen, t.tarief) for t in jaar.tariefdelen] == [
            (date(2026, 6, 29), date(2026, 6, 30), 2, D("60.00")),
            (date(2026, 7, 1), date(2026, 7, 5), 5, D("62.10")),
        ]
        # 120/7 = 171.43 and 3105/7 = 443.57: the parts add up to the year.
        assert [t.bedrag for t in jaar.tariefdelen] == [D("171.43"), D("443.57")]
        assert [t.hoeveelheid for t in jaar.tariefdelen] == [D("2.8571"), D("7.1429")]

    def test_three_weeks_across_the_change(self):
        # 2026-06-22 .. 2026-07-12: 9 days at 60.00, 12 days at 62.10.
        # 10/7 x (540 + 745.20) = 12852/7 = 1836.00; parts 771.428.. and 1064.571..
        uitkomst = bereken(date(2026, 6, 22), date(2026, 7, 12), 10, "04", PER_WEEK)
        assert uitkomst.totaal == D("1836.00")
        assert [t.bedrag for t in uitkomst.jaardelen[0].tariefdelen] == [
            D("771.43"),
            D("1064.57"),
        ]

    def test_a_whole_year_and_the_next(self):
        # 2026: 181 days at 60.00 + 184 days at 62.10: 10/7 x 22286.40 = 31837.714..
        # 2027: 365 days at 62.10: 10/7 x 22666.50 = 32380.714..; total 64218.428.. -> .43.
        # Both years drop .428..; the one missing cent goes to the earlier year (tie).
        uitkomst = bereken(date(2026, 1, 1), date(2027, 12, 31), 10, "04", PER_WEEK)
        assert uitkomst.totaal == D("64218.43")
        assert uitkomst.per_jaar == {2026: D("31837.72"), 2027: D("32380.71")}
        assert sum(uitkomst.per_jaar.values()) == uitkomst.totaal
        assert uitkomst.grondslag is Grondslag.OMVANG


class TestEenheden:
    def test_minutes_against_an_hourly_tariff(self):
        # 90 minutes per week at 60.00 per hour = 90.00 per week.
        assert bereken(date(2026, 3, 2), date(2026, 3, 8), 90, "01", PER_WEEK).totaal == D("90.00")
        vier_weken = bereken(date(2026, 3, 2), date(2026, 3, 29), 90, "01", PER_WEEK)
        assert vier_weken.totaal == D("360.00")
        assert vier_weken.jaardelen[0].volume == D("360.0000")  # minutes
        assert vier_weken.jaardelen[0].tariefdelen[0].hoeveelheid == D("6.0000")  # hours

    def test_minutes_are_exact_where_a_per_minute_tariff_would_not_be(self):
        # 7 minutes a day at 62.10/h for 2026-07-01..2026-07-31: 217 min = 224.595 -> 224.60.
        # (A tariff rounded to 1.04 per minute would give 225.68.)
        uitkomst = bereken(date(2026, 7, 1), date(2026, 7, 31), 7, "01", PER_DAG)
        assert uitkomst.totaal == D("224.60")

    def test_hours_against_a_per_minute_tariff(self):
        tarief = [Tarief(date(2026, 1, 1), None, D("1.00"), Eenheid.MINUUT)]
        assert bereken(date(2026, 1, 5), date(2026, 1, 11), 2, "04", PER_WEEK, tarief).totaal == D(
            "120.00"
        )

    def test_dagdeel_is_four_hours_against_an_hourly_tariff(self):
        # 3 dagdelen per week at 40.00 per hour: 3 x 4 x 40 = 480.00 per week.
        tarief = [Tarief(date(2026, 1, 1), None, D("40.00"), Eenheid.UUR)]
        uitkomst = bereken(date(2026, 1, 5), date(2026, 1, 18), 3, "16", PER_WEEK, tarief)
        assert uitkomst.totaal == D("960.00")

    def test_dagdeel_against_a_dagdeel_tariff(self):
        tarief = [Tarief(date(2026, 1, 1), None, D("150.00"), Eenheid.DAGDEEL)]
        assert bereken(date(2026, 1, 5), date(2026, 1, 11), 3, "16", PER_WEEK, tarief).totaal == D(
            "450.00"
        )

    def test_etmaal_per_etmaal(self):
        tarief = [Tarief(date(2026, 1, 1), None, D("150.00"), Eenheid.ETMAAL)]
        uitkomst = bereken(date(2026, 3, 2), date(2026, 3, 8), 7, "14", PER_WEEK, tarief)
        assert uitkomst.totaal == D("1050.00")

    @pytest.mark.parametrize(("omvang", "tarief"), [("82", "82"), ("84", "84"), ("84", "82")])
    def test_pieces_against_a_per_piece_tariff(self, omvang, tarief):
        tarieven = [Tarief(date(2026, 1, 1), None, D("25.00"), tarief)]
        uitkomst = bereken(date(2026, 1, 1), date(2026, 1, 31), 4, omvang, PER_MAAND, tarieven)
        assert uitkomst.totaal == D("100.00")

    def test_euros_are_the_volume_and_need_no_tariff(self):
        # 250.00 per maand for 2026: 3000.00, without any tariff.
        uitkomst = bereken(date(2026, 1, 1), date(2026, 12, 31), D("250.00"), "83", PER_MAAND, [])
        assert uitkomst.totaal == D("3000.00")
        assert uitkomst.grondslag is Grondslag.EUROS
        assert uitkomst.jaardelen[0].tariefdelen == ()

    def test_euros_ignore_tariffs_even_in_another_unit(self):
        tarief = [Tarief(date(2026, 1, 1), None, D("99.00"), Eenheid.ETMAAL)]
        uitkomst = bereken(date(2025, 7, 1), date(2026, 6, 30), D("1234.56"), "83", TOTAAL, tarief)
        assert uitkomst.totaal == D("1234.56")
        # 184 of 365 days in 2025: 1234.56 x 184/365 = 622.3535.., 2026 612.2064..; floors
        # .35 + .20 leave one cent, which goes to the larger remainder (2026).
        assert uitkomst.per_jaar == {2025: D("622.35"), 2026: D("612.21")}


class TestFrequenties:
    def test_per_dag(self):
        # 2 hours a day, 2026-06-29..2026-07-02: 2 x 2 x 60 + 2 x 2 x 62.10 = 488.40.
        assert bereken(date(2026, 6, 29), date(2026, 7, 2), 2, "04", PER_DAG).totaal == D("488.40")

    def test_per_maand_partial_months(self):
        # 8 hours per maand at 50.00: 2026-02-15..2026-04-30 = 14/28 x 8 + 8 + 8 = 20 h.
        tarief = [Tarief(date(2026, 1, 1), None, D("50.00"), Eenheid.UUR)]
        uitkomst = bereken(date(2026, 2, 15), date(2026, 4, 30), 8, "04", PER_MAAND, tarief)
        assert uitkomst.totaal == D("1000.00")
        assert uitkomst.jaardelen[0].volume == D("20.0000")

    def test_per_maand_partial_months_across_a_year(self):
        # 2025-12-17..2026-01-31: December 15/31 x 8 h x 50 = 6000/31 = 193.548..; January 400.
        tarief = [Tarief(date(2025, 1, 1), None, D("50.00"), Eenheid.UUR)]
        uitkomst = bereken(date(2025, 12, 17), date(2026, 1, 31), 8, "04", PER_MAAND, tarief)
        assert uitkomst.per_jaar == {2025: D("193.55"), 2026: D("400.00")}
        assert uitkomst.totaal == D("593.55")
        assert uitkomst.jaardelen[0].volume == D("3.8710")  # 120/31 hours

    def test_per_maand_counts_by_the_days_of_each_month(self):
        # 1 to 15 February (28 days) carries 15/28 of the volume; 1 to 15 March 15/31.
        tarief = [Tarief(date(2026, 1, 1), None, D("28.00"), Eenheid.UUR)]
        februari = bereken(date(2026, 2, 1), date(2026, 2, 15), 1, "04", PER_MAAND, tarief)
        assert februari.totaal == D("15.00")
        maart = bereken(date(2026, 3, 1), date(2026, 3, 15), 31, "04", PER_MAAND, tarief)
        assert maart.totaal == D("420.00")  # 15/31 x 31 h x 28.00

    def test_totaal_spread_over_the_days(self):
        # 100 hours in total, 2025-11-01..2026-02-28 (61 + 59 days) at 50.00: 5000.00 in all,
        # 2025: 5000 x 61/120 = 2541.666.., 2026: 2458.333..
        tarief = [Tarief(date(2025, 1, 1), None, D("50.00"), Eenheid.UUR)]
        uitkomst = bereken(date(2025, 11, 1), date(2026, 2, 28), 100, "04", TOTAAL, tarief)
        assert uitkomst.totaal == D("5000.00")
        assert uitkomst.per_jaar == {2025: D("2541.67"), 2026: D("2458.33")}

    def test_totaal_across_a_tariff_change(self):
        # 73 hours, 2026-06-01..2026-08-12 (73 days): 1 h a day, 30 at 60.00 + 43 at 62.10.
        uitkomst = bereken(date(2026, 6, 1), date(2026, 8, 12), 73, "04", TOTAAL)
        assert uitkomst.totaal == D("4470.30")

    def test_frequentie_enum_and_code_are_the_same(self):
        a = bereken(date(2026, 1, 1), date(2026, 3, 31), 3, "04", Frequentie.PER_WEEK)
        b = bereken(date(2026, 1, 1), date(2026, 3, 31), 3, Eenheid.UUR, 2)
        assert a.totaal == b.totaal == D("2314.29")  # 90 days x 3/7 h x 60.00 = 2314.285..


class TestBudget:
    def test_budget_spread_pro_rata_over_the_years(self):
        # 10,000.00 over 2025-10-01..2026-03-31: 92 days in 2025, 90 in 2026, 182 in all.
        # 5054.945.. and 4945.054..: floors 5054.94 + 4945.05, the cent to 2025.
        uitkomst = reserveringsbedrag(
            toewijzing=ToewijzingInvoer(date(2025, 10, 1), date(2026, 3, 31), budget=D("10000.00")),
            tarieven=UURTARIEF,  # not used
        )
        assert uitkomst.totaal == D("10000.00")
        assert uitkomst.per_jaar == {2025: D("5054.95"), 2026: D("4945.05")}
        assert uitkomst.grondslag is Grondslag.BUDGET
        assert [(j.dagen, j.ingangsdatum, j.einddatum) for j in uitkomst.jaardelen] == [
            (92, date(2025, 10, 1), date(2025, 12, 31)),
            (90, date(2026, 1, 1), date(2026, 3, 31)),
        ]

    def test_budget_needs_an_einddatum(self):
        with pytest.raises(DomeinFout) as fout:
            ToewijzingInvoer(date(2026, 1, 1), None, budget=D("100.00"))
        assert fout.value.code == "einddatum_verplicht_bij_budget"

    def test_omvang_and_budget_exclude_each_other(self):
        with pytest.raises(DomeinFout) as fout:
            ToewijzingInvoer(
                date(2026, 1, 1), date(2026, 2, 1), omvang=Omvang(1, "04", 2), budget=D("1")
            )
        assert fout.value.code == "omvang_of_budget"
        with pytest.raises(DomeinFout) as fout:
            ToewijzingInvoer(date(2026, 1, 1), date(2026, 2, 1))
        assert fout.value.code == "omvang_of_budget"


class TestOpenEinde:
    def test_open_end_is_costed_up_to_the_horizon(self):
        open_einde = bereken(date(2026, 6, 1), None, 10, "04", PER_WEEK, horizon=date(2026, 6, 7))
        assert open_einde.totaal == D("600.00")
        assert open_einde.einddatum == date(2026, 6, 7)
        assert open_einde.open_einde is True

    def test_horizon_is_ignored_with_an_einddatum(self):
        uitkomst = bereken(
            date(2026, 6, 1), date(2026, 6, 7), 10, "04", PER_WEEK, horizon=date(2030, 1, 1)
        )
        assert uitkomst.totaal == D("600.00")

    def test_open_end_without_horizon_is_refused(self):
        with pytest.raises(DomeinFout) as fout:
            bereken(date(2026, 6, 1), None, 10, "04", PER_WEEK)
        assert fout.value.code == "horizon_verplicht"

    def test_horizon_before_ingangsdatum_is_refused(self):
        with pytest.raises(DomeinFout) as fout:
            bereken(date(2026, 6, 1), None, 10, "04", PER_WEEK, horizon=date(2026, 5, 31))
        assert fout.value.code == "horizon_voor_ingangsdatum"


class TestFouten:
    @pytest.mark.parametrize(
        ("omvang", "tarief"),
        [("01", "14"), ("04", "82"), ("14", "04"), ("82", "04"), ("16", "14"), ("04", "83")],
    )
    def test_unit_mismatch(self, omvang, tarief):
        tarieven = [Tarief(date(2026, 1, 1), None, D("10.00"), tarief)]
        with pytest.raises(DomeinFout) as fout:
            bereken(date(2026, 1, 1), date(2026, 1, 31), 1, omvang, PER_WEEK, tarieven)
        assert fout.value.code == "eenheid_past_niet_bij_tarief"
        assert "past niet bij het tarief per" in fout.value.bericht
        assert "01-01-2026" in fout.value.bericht

    def test_mismatch_in_a_tariff_outside_the_period_does_not_matter(self):
        tarieven = [
            Tarief(date(2025, 1, 1), date(2025, 12, 31), D("10.00"), Eenheid.ETMAAL),
            Tarief(date(2026, 1, 1), None, D("60.00"), Eenheid.UUR),
        ]
        assert bereken(
            date(2026, 1, 5), date(2026, 1, 11), 1, "04", PER_WEEK, tarieven
        ).totaal == D("60.00")

    def test_missing_tariff_names_every_gap(self):
        tarieven = [
            Tarief(date(2026, 2, 1), date(2026, 6, 30), D("60.00"), Eenheid.UUR),
            Tarief(date(2026, 8, 1), date(2026, 11, 30), D("62.10"), Eenheid.UUR),
        ]
        with pytest.raises(DomeinFout) as fout:
            bereken(date(2026, 1, 1), date(2026, 12, 31), 10, "04", PER_WEEK, tarieven)
        assert fout.value.code == "geen_contracttarief"
        assert fout.value.bericht == (
            "Geen contracttarief voor 01-01-2026 t/m 31-01-2026, 01-07-2026 t/m 31-07-2026, "
            "01-12-2026 t/m 31-12-2026: zonder tarief kan de toewijzing niet worden begroot."
        )
        assert fout.value.details["perioden"] == [
            ["2026-01-01", "2026-01-31"],
            ["2026-07-01", "2026-07-31"],
            ["2026-12-01", "2026-12-31"],
        ]

    def test_gap_inside_a_month(self):
        tarieven = [
            Tarief(date(2026, 1, 1), date(2026, 3, 15), D("60.00"), Eenheid.UUR),
            Tarief(date(2026, 4, 10), None, D("62.10"), Eenheid.UUR),
        ]
        with pytest.raises(DomeinFout) as fout:
            bereken(date(2026, 3, 1), date(2026, 4, 30), 10, "04", PER_WEEK, tarieven)
        assert fout.value.details["perioden"] == [["2026-03-16", "2026-04-09"]]

    def test_no_tariffs_at_all(self):
        with pytest.raises(DomeinFout) as fout:
            bereken(date(2026, 1, 1), date(2026, 1, 31), 10, "04", PER_WEEK, [])
        assert fout.value.code == "geen_contracttarief"
        assert "01-01-2026 t/m 31-01-2026" in fout.value.bericht

    def test_overlapping_tariffs_are_refused(self):
        tarieven = [
            Tarief(date(2026, 1, 1), None, D("60.00"), Eenheid.UUR),
            Tarief(date(2026, 7, 1), None, D("62.10"), Eenheid.UUR),
        ]
        with pytest.raises(DomeinFout) as fout:
            bereken(date(2026, 1, 1), date(2026, 1, 31), 10, "04", PER_WEEK, tarieven)
        assert fout.value.code == "tarieven_overlappen"

    def test_tariffs_as_plain_tuples(self):
        tarieven = [(date(2026, 1, 1), None, D("60.00"), "04")]
        assert bereken(
            date(2026, 1, 5), date(2026, 1, 11), 1, "04", PER_WEEK, tarieven
        ).totaal == D("60.00")

    @pytest.mark.parametrize(
        ("maak", "code"),
        [
            (lambda: Omvang(-1, "04", 2), "volume_negatief"),
            (lambda: Omvang(1, "05", 2), "eenheid_onbekend"),
            (lambda: Omvang(1, "04", 3), "frequentie_onbekend"),
            (lambda: Omvang(D("NaN"), "04", 2), "ongeldig_getal"),
            (lambda: Tarief(date(2026, 1, 1), None, D("-0.01"), "04"), "tarief_negatief"),
            (
                lambda: Tarief(date(2026, 1, 2), date(2026, 1, 1), D("1"), "04"),
                "einddatum_voor_ingangsdatum",
            ),
            (
                lambda: ToewijzingInvoer(date(2026, 1, 2), date(2026, 1, 1), budget=D("1")),
                "einddatum_voor_ingangsdatum",
            ),
            (
                lambda: ToewijzingInvoer(date(2026, 1, 1), date(2026, 1, 2), budget=D("-1")),
                "budget_negatief",
            ),
        ],
    )
    def test_bad_input(self, maak, code):
        with pytest.raises(DomeinFout) as fout:
            maak()
        assert fout.value.code == code

    def test_float_is_refused(self):
        with pytest.raises(TypeError):
            Omvang(1.5, "04", 2)
        with pytest.raises(TypeError):
            Tarief(date(2026, 1, 1), None, 60.0, "04")


def test_uitleg_shows_the_computation_in_dutch():
    # 9 days at 60.00 and 184 + 3 days at 62.10, 10/7 hour a day: 121527/7 = 17361.00.
    # 2026: 5400/7 + 114264/7 = 17094.857.. (parts .428.. each get a cent: .43 + .43);
    # 2027: 1863/7 = 266.142..; the total's missing cent goes to 2026 (larger remainder).
    uitkomst = bereken(date(2026, 6, 22), date(2027, 1, 3), 10, "04", PER_WEEK)
    assert uitkomst.uitleg() == [
        "Omvang 10 uur per week, 22-06-2026 t/m 03-01-2027 (196 dagen).",
        "2026 (22-06-2026 t/m 31-12-2026, 193 dagen): 275,7143 uur = € 17.094,86",
        "  22-06-2026 t/m 30-06-2026 (9 dagen): 12,8571 uur x € 60,00 per uur = € 771,43",
        "  01-07-2026 t/m 31-12-2026 (184 dagen): 262,8571 uur x € 62,10 per uur = € 16.323,43",
        "2027 (01-01-2027 t/m 03-01-2027, 3 dagen): 4,2857 uur = € 266,14",
        "  01-01-2027 t/m 03-01-2027 (3 dagen): 4,2857 uur x € 62,10 per uur = € 266,14",
        "Totaal € 17.361,00.",
        "De bedragen per jaar zijn zo op centen afgerond dat ze samen precies het totaal zijn.",
    ]


def test_tarief_uit_tariefperiode_reads_the_model_attributes():
    class Geld:
        amount = D("60.00")

    class Periode:
        ingangsdatum = date(2026, 1, 1)
        einddatum = None
        bedrag = Geld()
        eenheid = "04"

    assert Tarief.uit_tariefperiode(Periode()) == Tarief(date(2026, 1, 1), None, D("60.00"), "04")

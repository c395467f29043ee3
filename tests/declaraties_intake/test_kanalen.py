"""Excel and API submissions: raw input kept first, the same lines give the same outcome as
each other, idempotency by key, refusals in Dutch."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction
from openpyxl import load_workbook

from declaraties.api.invoer import DeclaratieInvoerSerializer, naar_bericht
from declaraties.constants import PrestatieStatus
from declaraties.excel import BLAD_DECLARATIE, BLAD_PRESTATIES, sjabloon
from declaraties.models import Declaratie, Invoer
from declaraties.services import declaratie_api_indienen, declaratie_excel_indienen
from financien.models import Boeking
from iwmo_jw.codec import parse
from kern.exceptions import Conflict, DomeinFout
from tests.inkoop.toewijzingscene import BSN

D = Decimal


def _regels(ds):
    return [
        # ref, uren, maand
        ("E1", 10, 9),
        ("E2", 50, 10),  # above the 40 hours a month: 9321
    ]


def _excel(ds, regels, nummer="XLS1") -> bytes:
    werkmap = load_workbook(
        io.BytesIO(
            sjabloon(
                wet="wmo",
                gemeentecode="0363",
                agb_code=ds.scene.aanbieder.agb_code,
                periode_begin=date(2026, 10, 1),
                periode_eind=date(2026, 10, 31),
            )
        )
    )
    werkmap[BLAD_DECLARATIE]["B4"] = nummer
    werkmap[BLAD_DECLARATIE]["B7"] = date(2026, 11, 1)
    blad = werkmap[BLAD_PRESTATIES]
    for rij, (ref, uren, maand) in enumerate(regels, start=2):
        eind = date(2026, maand + 1, 1).toordinal() - 1
        waarden = [
            BSN,
            ref,
            None,
            ds.toewijzing.nummer,
            "02",
            "02A01",
            date(2026, maand, 1),
            date.fromordinal(eind),
            uren,
            "04",
            65.0,
            65.0 * uren,
            "D",
        ]
        for kolom, waarde in enumerate(waarden, start=1):
            blad.cell(row=rij, column=kolom, value=waarde)
    uit = io.BytesIO()
    werkmap.save(uit)
    return uit.getvalue()


def _api(ds, regels, nummer="API1") -> dict:
    return {
        "wet": "wmo",
        "gemeente": "0363",
        "declaratienummer": nummer,
        "declaratieperiode": {"begindatum": "2026-10-01", "einddatum": "2026-10-31"},
        "dagtekening": "2026-11-01",
        "clienten": [
            {
                "bsn": BSN,
                "prestaties": [
                    {
                        "referentienummer": ref,
                        "toewijzingnummer": ds.toewijzing.nummer,
                        "productcategorie": "02",
                        "productcode": "02A01",
                        "productperiode": {
                            "begindatum": date(2026, maand, 1).isoformat(),
                            "einddatum": date.fromordinal(
                                date(2026, maand + 1, 1).toordinal() - 1
                            ).isoformat(),
                        },
                        "geleverd_volume": uren,
                        "eenheid": "04",
                        "product_tarief": "65.00",
                        "ingediend_bedrag": f"{65 * uren}.00",
                        "debet_credit": "D",
                    }
                    for ref, uren, maand in regels
                ],
            }
        ],
    }


def _api_indienen(ds, gegevens, sleutel="sleutel-1", ruw=None):
    serializer = DeclaratieInvoerSerializer(data=gegevens)
    serializer.is_valid(raise_exception=True)
    model = naar_bericht(
        serializer.validated_data, agb_code=ds.scene.aanbieder.agb_code, sleutel=sleutel
    )
    return declaratie_api_indienen(
        door=None,
        zorgaanbieder=ds.scene.aanbieder,
        model=model,
        ruw=ruw if ruw is not None else repr(gegevens).encode(),
        idempotentiesleutel=sleutel,
    )


def _uitkomst(declaratie: Declaratie):
    return [
        (p.referentienummer, p.status, p.retourcodes, p.toegekend_bedrag)
        for p in declaratie.prestaties.order_by("regelnummer")
    ]


def test_excel_and_api_with_the_same_lines_give_the_same_outcome(ds):
    uitkomsten = {}
    antwoorden = {}
    for kanaal in ("excel", "api"):
        # Each channel on the same starting point: the other's submission is rolled back.
        with transaction.atomic():
            if kanaal == "excel":
                declaratie = declaratie_excel_indienen(
                    door=None,
                    zorgaanbieder=ds.scene.aanbieder,
                    data=_excel(ds, _regels(ds)),
                    bestandsnaam="okt.xlsx",
                ).declaratie
                assert Invoer.objects.get(kanaal="excel").bestandsnaam == "okt.xlsx"
            else:
                declaratie = _api_indienen(ds, _api(ds, _regels(ds))).declaratie
            uitkomsten[kanaal] = _uitkomst(declaratie)
            assert declaratie.antwoord is None  # no message came in: the 325 is a download
            antwoord = parse(bytes(declaratie.antwoord_inhoud)).declaratie_antwoord
            antwoorden[kanaal] = (
                antwoord.totaal_toegekend_bedrag.totaal_bedrag,
                [
                    (p.product_referentie.referentie_nummer, p.retour_codes)
                    for p in antwoord.clienten[0].prestaties
                ],
            )
            transaction.set_rollback(True)
    assert uitkomsten["excel"] == [
        ("E1", PrestatieStatus.TOEGEKEND, "", D("650.00")),
        ("E2", PrestatieStatus.AFGEWEZEN, "9321", D("0.00")),
    ]
    assert uitkomsten["api"] == uitkomsten["excel"]
    assert antwoorden["api"] == antwoorden["excel"] == (D("650.00"), [("E2", ("9321",))])


def test_the_same_key_and_body_give_the_first_answer_another_body_is_refused(ds):
    gegevens = _api(ds, [("A1", 10, 9)])
    eerste = _api_indienen(ds, gegevens, sleutel="k1")
    boekingen = Boeking.objects.count()
    tweede = _api_indienen(ds, gegevens, sleutel="k1")
    assert (eerste.nieuw, tweede.nieuw) == (True, False)
    assert tweede.declaratie.pk == eerste.declaratie.pk
    assert Boeking.objects.count() == boekingen
    with pytest.raises(Conflict) as fout:
        _api_indienen(ds, _api(ds, [("A1", 11, 9)]), sleutel="k1")
    assert fout.value.code == "idempotentiesleutel_conflict"
    assert Declaratie.objects.count() == 1


def test_a_refused_submission_keeps_its_raw_input_and_the_reason(ds):
    gegevens = _api(ds, [("A1", 10, 9)])
    gegevens["gemeente"] = "0599"  # Rotterdam: not served by this installation
    with pytest.raises(DomeinFout) as fout:
        _api_indienen(ds, gegevens, sleutel="k2", ruw=b'{"raw": true}')
    assert fout.value.code == "gemeente_niet_aangesloten"
    invoer = Invoer.objects.get(idempotentiesleutel="k2")
    assert bytes(invoer.inhoud) == b'{"raw": true}'
    assert invoer.fout.startswith("gemeente_niet_aangesloten")
    assert Declaratie.objects.count() == 0


def test_the_same_excel_file_twice_is_processed_once(ds):
    data = _excel(ds, _regels(ds))
    eerste = declaratie_excel_indienen(door=None, zorgaanbieder=ds.scene.aanbieder, data=data)
    tweede = declaratie_excel_indienen(door=None, zorgaanbieder=ds.scene.aanbieder, data=data)
    assert (eerste.nieuw, tweede.nieuw) == (True, False)
    assert Declaratie.objects.count() == 1

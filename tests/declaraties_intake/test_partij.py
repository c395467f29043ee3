"""A delivery of many 323s (``berichten_ontvangen``): the batch of the 323 handler
(``Declaratiepartij``) stores the declarations of different providers together in one
transaction, leaves a provider's later messages to the handler after it, and when anything in
it fails the batch is rolled back and every message is processed one by one."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from contracten.models import Zorgaanbieder
from declaraties.constants import DeclaratieStatus, PrestatieStatus
from declaraties.models import Declaratie, Prestatie
from declaraties.services import intake
from financien.selectors import budgetstand, grootboek_controleren
from iwmo_jw.codec import parse
from iwmo_jw.constants import BerichtStatus
from iwmo_jw.models import InkomendBericht, UitgaandBericht
from iwmo_jw.services import Aanlevering, berichten_ontvangen
from tests.declaraties_intake.scene import ONTVANGEN_OP, Declaratiescene, begeleiding_toewijzen
from tests.factories import ContractFactory, TariefperiodeFactory, ZorgaanbiederFactory
from tests.inkoop.toewijzingscene import BSN_2

D = Decimal
SEPTEMBER = (date(2026, 9, 1), date(2026, 9, 30))
NOVEMBER = (date(2026, 11, 1), date(2026, 11, 30))


def _maand(m: int) -> tuple[date, date]:
    return date(2026, m, 1), date(2026, m + 1, 1) - timedelta(days=1)


def _tweede_aanbieder(
    ds: Declaratiescene, agb_code: str = "23456789", bsn: str = BSN_2
) -> Declaratiescene:
    """A second provider with a Wmo contract (begeleiding at 65.00) and a toewijzing of 40
    hours a month in 2026 for a second client: a scene that sends its own messages."""
    scene = ds.scene
    aanbieder = ZorgaanbiederFactory(agb_code=agb_code, naam=f"Zorg {agb_code} B.V.")
    contract = ContractFactory(
        zorgaanbieder=aanbieder, gemeenten=[scene.gemeente], ingangsdatum=date(2025, 1, 1)
    )
    TariefperiodeFactory(
        contract=contract,
        product=scene.begeleiding,
        bedrag=D("65.00"),
        eenheid="04",
        ingangsdatum=date(2025, 1, 1),
        einddatum=date(2026, 12, 31),
    )
    client = scene.client_maken(bsn=bsn)
    tweede = replace(scene, aanbieder=aanbieder, client=client)
    return Declaratiescene(
        scene=tweede, toewijzing=begeleiding_toewijzen(tweede), volgnummer=ds.volgnummer
    )


def _lever(*berichten: bytes) -> list[InkomendBericht]:
    uitkomsten = list(
        berichten_ontvangen(
            berichten=[
                Aanlevering(data=data, bestandsnaam=f"decl-{i}.xml", ontvangen_op=ONTVANGEN_OP)
                for i, data in enumerate(berichten)
            ]
        )
    )
    return [u.bericht for u in uitkomsten]


def _statussen(declaratie: Declaratie) -> list[tuple[str, str]]:
    return list(declaratie.prestaties.order_by("regelnummer").values_list("status", "retourcodes"))


def _declaratie_inserts(vastgelegd: CaptureQueriesContext) -> int:
    return sum(
        1
        for q in vastgelegd.captured_queries
        if q["sql"].startswith('INSERT INTO "declaraties_declaratie"')
    )


def test_de_323s_van_verschillende_aanbieders_worden_samen_opgeslagen(ds):
    ds2 = _tweede_aanbieder(ds)
    with CaptureQueriesContext(connection) as vastgelegd:
        eerste, tweede = _lever(
            ds.xml([ds.prestatie("R1", uren=10), ds.prestatie("R2", uren=50, periode=SEPTEMBER)]),
            ds2.xml([ds2.prestatie("R1", uren=5)], bsn=BSN_2),
        )
    # Both declarations in one insert: the batch took both messages.
    assert _declaratie_inserts(vastgelegd) == 1
    assert (eerste.status, tweede.status) == (BerichtStatus.VERWERKT, BerichtStatus.VERWERKT)
    een = Declaratie.objects.get(bericht=eerste)
    twee = Declaratie.objects.get(bericht=tweede)
    assert (een.zorgaanbieder, twee.zorgaanbieder) == (ds.scene.aanbieder, ds2.scene.aanbieder)
    assert (een.status, een.retourcode, een.totaal_toegekend_bedrag) == (
        DeclaratieStatus.BEANTWOORD,
        "0200",
        D("650.00"),
    )
    assert _statussen(een) == [(PrestatieStatus.TOEGEKEND, ""), (PrestatieStatus.AFGEWEZEN, "9321")]
    assert (twee.status, twee.retourcode, twee.totaal_toegekend_bedrag) == (
        DeclaratieStatus.BEANTWOORD,
        "8001",
        D("325.00"),
    )
    # Each its own 325 (only the rejected line returned), each deadline closed.
    antwoord = parse(bytes(een.antwoord.inhoud))
    assert [
        p.retour_codes for c in antwoord.declaratie_antwoord.clienten for p in c.prestaties
    ] == [("9321",)]
    assert parse(bytes(twee.antwoord.inhoud)).declaratie_antwoord.retour_codes == ("8001",)
    for bericht in (eerste, tweede):
        assert not bericht.termijnen.filter(gesloten_op__isnull=True).exists()
        assert list(
            bericht.statuswijzigingen.order_by("pk").values_list("naar_status", flat=True)
        ) == [BerichtStatus.ONTVANGEN, BerichtStatus.WACHT_OP_VERWERKING, BerichtStatus.VERWERKT]
    assert budgetstand(budgetpost=ds.scene.bp2026).gerealiseerd == D("975.00")
    assert grootboek_controleren() == []


def test_het_tweede_bericht_van_een_aanbieder_komt_na_de_partij_en_ziet_het_eerste(ds):
    with CaptureQueriesContext(connection) as vastgelegd:
        eerste, tweede = _lever(
            ds.xml([ds.prestatie("R1", uren=10)]),
            # The same ReferentieNummer again: TR314 (8021) when the first was stored before.
            ds.xml(
                [
                    ds.prestatie("R1", uren=10, periode=SEPTEMBER),
                    ds.prestatie("R3", uren=2, periode=_maand(8)),
                ],
                periode=NOVEMBER,
            ),
        )
    # Two inserts: the batch took the first, the handler processed the second after it.
    assert _declaratie_inserts(vastgelegd) == 2
    assert (eerste.status, tweede.status) == (BerichtStatus.VERWERKT, BerichtStatus.VERWERKT)
    assert _statussen(Declaratie.objects.get(bericht=eerste)) == [(PrestatieStatus.TOEGEKEND, "")]
    assert _statussen(Declaratie.objects.get(bericht=tweede)) == [
        (PrestatieStatus.AFGEWEZEN, "8021"),
        (PrestatieStatus.TOEGEKEND, ""),
    ]


def test_een_onbekende_aanbieder_geeft_de_partij_terug_aan_de_verwerker(ds):
    """The batch finds its providers at the end, in one query; a message whose AGB code is
    unknown is given back and fails in the handler after the batch, with the reason, while the
    batch stores the other."""
    ds2 = _tweede_aanbieder(ds)
    onbekend = ds2.xml([ds2.prestatie("R1", uren=5)], bsn=BSN_2)
    Zorgaanbieder.objects.filter(pk=ds2.scene.aanbieder.pk).update(agb_code="98765432")
    with CaptureQueriesContext(connection) as vastgelegd:
        fout, goed = _lever(onbekend, ds.xml([ds.prestatie("R1", uren=10)]))
    assert _declaratie_inserts(vastgelegd) == 1
    assert goed.status == BerichtStatus.VERWERKT
    assert _statussen(Declaratie.objects.get(bericht=goed)) == [(PrestatieStatus.TOEGEKEND, "")]
    fout.refresh_from_db()
    assert fout.status == BerichtStatus.VERWERKING_MISLUKT
    assert fout.verwerking_fout.startswith("zorgaanbieder_onbekend: ")
    assert not Declaratie.objects.filter(bericht=fout).exists()


def test_een_bericht_dat_op_niveau_2_faalt_krijgt_in_een_levering_0001(ds):
    ds2 = _tweede_aanbieder(ds)
    goed = ds.xml([ds.prestatie("R1", uren=10)])
    # A total that is not the sum of the lines: a level-2 error.
    model = ds2.bericht([ds2.prestatie("R1", uren=5)], bsn=BSN_2)
    fout = replace(
        model,
        declaratie=replace(
            model.declaratie,
            totaal_ingediend_bedrag=replace(
                model.declaratie.totaal_ingediend_bedrag, totaal_bedrag=D("1.00")
            ),
        ),
    )
    from iwmo_jw.codec import serialize

    eerste, tweede = _lever(goed, serialize(fout))
    assert (eerste.status, tweede.status) == (BerichtStatus.VERWERKT, BerichtStatus.VERWERKT)
    assert Declaratie.objects.get(bericht=eerste).retourcode == "8001"
    afgekeurd = Declaratie.objects.get(bericht=tweede)
    assert (afgekeurd.status, afgekeurd.retourcode) == (
        DeclaratieStatus.TECHNISCH_AFGEKEURD,
        "0001",
    )


def test_een_fout_in_de_partij_draait_haar_terug_en_dan_gaat_het_een_voor_een(
    ds, monkeypatch, caplog
):
    ds2 = _tweede_aanbieder(ds)
    echt = intake._vastleggen
    aanroepen: list[int] = []

    def eenmaal_kapot(voorbereid, *, door):
        aanroepen.append(len(voorbereid))
        if len(voorbereid) > 1:
            raise RuntimeError("storing in de partij")
        echt(voorbereid, door=door)

    monkeypatch.setattr(intake, "_vastleggen", eenmaal_kapot)
    with caplog.at_level(logging.WARNING, logger="iwmo_jw.services.ontvangen"):
        eerste, tweede = _lever(
            ds.xml([ds.prestatie("R1", uren=10)]),
            ds2.xml([ds2.prestatie("R1", uren=5)], bsn=BSN_2),
        )
    # The batch of two failed and was rolled back; then each message on its own.
    assert aanroepen == [2, 1, 1]
    assert "teruggedraaid (RuntimeError)" in caplog.text
    assert "storing in de partij" not in caplog.text  # no exception text in the log
    assert (eerste.status, tweede.status) == (BerichtStatus.VERWERKT, BerichtStatus.VERWERKT)
    assert Declaratie.objects.count() == 2
    assert budgetstand(budgetpost=ds.scene.bp2026).gerealiseerd == D("975.00")
    # One history per message: the rolled-back batch left no rows of its own.
    for bericht in (eerste, tweede):
        assert list(
            bericht.statuswijzigingen.order_by("pk").values_list("naar_status", flat=True)
        ) == [BerichtStatus.ONTVANGEN, BerichtStatus.WACHT_OP_VERWERKING, BerichtStatus.VERWERKT]
    assert UitgaandBericht.objects.filter(berichttype="325").count() == 2
    assert grootboek_controleren() == []


def test_een_bericht_dat_steeds_faalt_laat_alleen_zijn_ruwe_vorm_en_de_fout_achter(ds, monkeypatch):
    ds2 = _tweede_aanbieder(ds)
    echt = intake._voorbereiden

    def kapot_voor_oost(**kwargs):
        if kwargs["zorgaanbieder"].agb_code == "23456789":
            raise RuntimeError("storing halverwege")
        return echt(**kwargs)

    monkeypatch.setattr(intake, "_voorbereiden", kapot_voor_oost)
    eerste, tweede = _lever(
        ds.xml([ds.prestatie("R1", uren=10)]),
        ds2.xml([ds2.prestatie("R1", uren=5)], bsn=BSN_2),
    )
    assert eerste.status == BerichtStatus.VERWERKT
    assert tweede.status == BerichtStatus.VERWERKING_MISLUKT
    assert "storing halverwege" in tweede.verwerking_fout
    assert bytes(tweede.inhoud)
    assert not Declaratie.objects.filter(bericht=tweede).exists()
    assert not Prestatie.objects.filter(zorgaanbieder=ds2.scene.aanbieder).exists()
    assert budgetstand(budgetpost=ds.scene.bp2026).gerealiseerd == D("650.00")
    assert UitgaandBericht.objects.filter(berichttype="325").count() == 1


def test_de_queries_van_een_partij_groeien_niet_met_de_regels(ds):
    ds2 = _tweede_aanbieder(ds)
    aantallen = []
    # Other months each round (a month declared twice is TR389), a later period (TR318).
    for maanden, periode in (((1,), _maand(9)), ((2, 3, 4, 5, 6, 7), _maand(10))):
        data = [
            ds.xml(
                [ds.prestatie(f"A{len(maanden)}-{m}", periode=_maand(m)) for m in maanden],
                periode=periode,
            ),
            ds2.xml(
                [ds2.prestatie(f"B{len(maanden)}-{m}", periode=_maand(m)) for m in maanden],
                bsn=BSN_2,
                periode=periode,
            ),
        ]
        with CaptureQueriesContext(connection) as vastgelegd:
            berichten = _lever(*data)
        assert {b.status for b in berichten} == {BerichtStatus.VERWERKT}
        assert {d.retourcode for d in Declaratie.objects.filter(bericht__in=berichten)} == {"8001"}
        assert _declaratie_inserts(vastgelegd) == 1
        aantallen.append(len(vastgelegd))
    assert aantallen[0] == aantallen[1], aantallen


@pytest.mark.postgres
def test_de_queries_van_een_partij_groeien_niet_met_haar_berichten(ds):
    """The providers of a batch are locked, and the earlier messages under its identities
    (TR056) read, in one query each: a batch of four providers' messages costs what a batch
    of two costs (on PostgreSQL: elsewhere the deadlines the 325s close are closed one
    statement per answer)."""
    # Valid BSNs (11-proef) for the clients of the extra providers.
    scenes = [ds] + [
        _tweede_aanbieder(ds, agb_code=agb, bsn=bsn)
        for agb, bsn in (
            ("23456789", BSN_2),
            ("34567890", "999990032"),
            ("45678901", "999990044"),
        )
    ]
    aantallen = []
    # The first round warms what a process looks up once (it is not counted).
    for ronde, deel in enumerate((scenes[:2], scenes[:2], scenes)):
        data = [
            s.xml(
                [s.prestatie(f"Q{ronde}", periode=_maand(ronde + 1))],
                bsn=s.scene.client.bsn,
                periode=_maand(9 + ronde),  # a later period each round (TR318)
            )
            for s in deel
        ]
        with CaptureQueriesContext(connection) as vastgelegd:
            berichten = _lever(*data)
        assert [b.status for b in berichten] == [BerichtStatus.VERWERKT] * len(deel)
        assert {d.retourcode for d in Declaratie.objects.filter(bericht__in=berichten)} == {"8001"}
        assert _declaratie_inserts(vastgelegd) == 1
        aantallen.append(len(vastgelegd))
    assert aantallen[1] == aantallen[2], aantallen[1:]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_een_aanbieder_die_een_ander_vasthoudt_wordt_niet_afgewacht(ds_tx):
    """The batch locks providers with SKIP LOCKED: a provider another transaction holds is
    not waited for (two batches never deadlock on their providers); its message is processed
    after the batch's commit, once the lock is free."""
    ds = ds_tx
    ds2 = _tweede_aanbieder(ds)
    vast = threading.Event()
    los = threading.Event()

    def houd_vast() -> None:
        try:
            with transaction.atomic():
                Zorgaanbieder.objects.select_for_update().get(pk=ds.scene.aanbieder.pk)
                vast.set()
                los.wait(30)
        finally:
            connections.close_all()

    houder = threading.Thread(target=houd_vast)
    houder.start()
    assert vast.wait(10)
    uitkomst: list[list[InkomendBericht]] = []

    def lever() -> None:
        try:
            uitkomst.append(
                _lever(
                    ds.xml([ds.prestatie("R1", uren=10)]),
                    ds2.xml([ds2.prestatie("R1", uren=5)], bsn=BSN_2),
                )
            )
        finally:
            connections.close_all()

    leverancier = threading.Thread(target=lever)
    leverancier.start()
    try:
        # The batch commits the second provider's declaration while the first waits.
        for _ in range(200):
            if Declaratie.objects.filter(zorgaanbieder=ds2.scene.aanbieder).exists():
                break
            time.sleep(0.05)
        assert Declaratie.objects.filter(zorgaanbieder=ds2.scene.aanbieder).exists()
        assert not Declaratie.objects.filter(zorgaanbieder=ds.scene.aanbieder).exists()
    finally:
        los.set()
        houder.join(30)
        leverancier.join(60)
    (eerste, tweede) = uitkomst[0]
    assert (eerste.status, tweede.status) == (BerichtStatus.VERWERKT, BerichtStatus.VERWERKT)
    assert Declaratie.objects.get(bericht=eerste).retourcode == "8001"
    assert grootboek_controleren() == []

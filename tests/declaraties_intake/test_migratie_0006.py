"""Migration declaraties 0006 moves a credit's debit and a prestatie's beoordelaars out of the
prestatie table into ``Creditering`` and ``Prestatiebeoordelaars``, and back when reversed:
no link is lost either way."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from declaraties.models import Creditering, Prestatie, Prestatiebeoordelaars
from iwmo_jw.services import bericht_ontvangen
from tests.declaraties_intake.scene import ONTVANGEN_OP
from tests.factories import GebruikerFactory

VOOR = [("declaraties", "0005_prestatie_sleutel_met_aanbieder")]
NA = [("declaraties", "0006_beoordelaars_en_crediteringen_apart")]


def _migreren(doel: list[tuple[str, str]] | None = None) -> None:
    """Migrate to ``doel``; None: to the latest migrations (where the other tests expect the
    database)."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(doel if doel is not None else executor.loader.graph.leaf_nodes())


def _kolommen() -> list[tuple[int, int | None, int | None, int | None]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, gecrediteerde_prestatie_id, beoordeeld_door_id, bevestigd_door_id "
            "FROM declaraties_prestatie ORDER BY id"
        )
        return [tuple(rij) for rij in cursor.fetchall()]


@pytest.mark.django_db(transaction=True)
def test_de_koppelingen_gaan_mee_heen_en_terug(ds_tx):
    ds = ds_tx
    for data in (
        ds.xml([ds.prestatie("R1", uren=10)]),
        ds.xml(
            [ds.prestatie("R1C", uren=10, credit_van="R1")],
            periode=(date(2026, 11, 1), date(2026, 11, 30)),
        ),
    ):
        bericht_ontvangen(data=data, ontvangen_op=ONTVANGEN_OP)
    debet = Prestatie.objects.get(referentienummer="R1")
    credit = Prestatie.objects.get(referentienummer="R1C")
    assert Creditering.objects.get().debet == debet
    eerste = GebruikerFactory(username="beoordelaar_1", rollen=["beoordelaar"])
    tweede = GebruikerFactory(username="beoordelaar_2", rollen=["beoordelaar"])
    Prestatiebeoordelaars.objects.create(
        prestatie=debet, beoordeeld_door=eerste, bevestigd_door=tweede
    )
    try:
        _migreren(VOOR)
        assert _kolommen() == [
            (debet.pk, None, eerste.pk, tweede.pk),
            (credit.pk, debet.pk, None, None),
        ]
        _migreren(NA)
        assert list(Creditering.objects.values_list("credit_id", "debet_id")) == [
            (credit.pk, debet.pk)
        ]
        assert list(
            Prestatiebeoordelaars.objects.values_list(
                "prestatie_id", "beoordeeld_door_id", "bevestigd_door_id"
            )
        ) == [(debet.pk, eerste.pk, tweede.pk)]
    finally:
        _migreren()

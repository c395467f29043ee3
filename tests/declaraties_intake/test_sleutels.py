"""The database's own hold on a prestatie's declaration and provider (PostgreSQL, migration
declaraties 0005): one key (declaratie, zorgaanbieder) to the declaration's (id,
zorgaanbieder), checked at commit: here by ``SET CONSTRAINTS ALL IMMEDIATE``, which checks
what is pending as a commit would, in a savepoint that is rolled back."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from declaraties.models import Declaratie, Prestatie
from tests.declaraties_intake.test_verwerken import _ontvang
from tests.factories import ZorgaanbiederFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

SLEUTEL = "prestatie_declaratie_met_zorgaanbieder_fk"


def _als_bij_commit(wijziging) -> None:
    with transaction.atomic():
        wijziging()
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        transaction.set_rollback(True)


def _geweigerd(wijziging) -> str:
    with pytest.raises(IntegrityError) as fout:
        _als_bij_commit(wijziging)
    return str(fout.value)


def test_a_line_keeps_the_provider_and_the_declaration_it_was_stored_with(ds):
    bericht = _ontvang(ds.xml([ds.prestatie("K1", uren=2)]))
    declaratie = Declaratie.objects.get(bericht=bericht)
    regel = declaratie.prestaties.get(referentienummer="K1")
    ander = ZorgaanbiederFactory(agb_code="99998888")

    # Another provider than the declaration's.
    assert SLEUTEL in _geweigerd(
        lambda: Prestatie.objects.filter(pk=regel.pk).update(zorgaanbieder=ander)
    )
    # A declaration that does not exist.
    assert SLEUTEL in _geweigerd(
        lambda: Prestatie.objects.filter(pk=regel.pk).update(declaratie_id=declaratie.pk + 1000)
    )
    # Nor can the declaration move to another provider under its lines.
    assert SLEUTEL in _geweigerd(
        lambda: Declaratie.objects.filter(pk=declaratie.pk).update(zorgaanbieder=ander)
    )

    # Lines that move with their declaration stay within the key.
    def verhuizen() -> None:
        Prestatie.objects.filter(declaratie=declaratie).update(zorgaanbieder=ander)
        Declaratie.objects.filter(pk=declaratie.pk).update(zorgaanbieder=ander)

    _als_bij_commit(verhuizen)
    regel.refresh_from_db()
    assert (regel.declaratie_id, regel.zorgaanbieder_id) == (
        declaratie.pk,
        declaratie.zorgaanbieder_id,
    )

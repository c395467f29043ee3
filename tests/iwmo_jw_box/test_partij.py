"""Receiving many messages as one delivery: ``berichten_ontvangen``."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from iwmo_jw.codec import soort
from iwmo_jw.constants import BerichtStatus
from iwmo_jw.models import InkomendBericht, InkomendBerichtStatusWijziging
from iwmo_jw.routering import register_handler, register_partijcontext, unregister_partijcontext
from iwmo_jw.services import (
    Aanlevering,
    Ontvangst,
    beoordelen,
    bericht_ontvangen,
    berichten_ontvangen,
    berichten_verwerken,
    ontvangen,
)
from tests.iwmo_jw_box.conftest import bericht, moment, officieel, voorbeeld

pytestmark = pytest.mark.django_db

OP = moment(date(2026, 5, 6))


def _jw323(n: int) -> bytes:
    return bericht("JW323", identificatie=f"P{n:04d}")


def _aanleveringen(*berichten: bytes) -> list[Aanlevering]:
    return [
        Aanlevering(data=data, bestandsnaam=f"b{i}.xml", ontvangen_op=OP)
        for i, data in enumerate(berichten)
    ]


@pytest.fixture
def partijen() -> Iterator[list[list[str]]]:
    """A batch context that records, per batch, the messages handled inside it."""
    geopend: list[list[str]] = []
    gezien: list[str] | None = None

    @contextmanager
    def partij() -> Iterator[None]:
        nonlocal gezien
        gezien = []
        geopend.append(gezien)
        yield
        gezien = None

    def verwerker(b: InkomendBericht, resultaat) -> None:
        assert gezien is not None, "handled outside its batch context"
        gezien.append(b.identificatie)

    register_handler(soort("JW323"), verwerker)
    register_partijcontext(partij)
    register_partijcontext(partij)  # twice: still opened once per batch
    yield geopend
    unregister_partijcontext(partij)


def test_een_levering_wordt_per_partij_bewaard_gecontroleerd_en_verwerkt(diemen, partijen):
    uitkomsten = list(
        berichten_ontvangen(berichten=_aanleveringen(*(_jw323(n) for n in range(5))), partij=2)
    )
    assert [type(u) for u in uitkomsten] == [Ontvangst] * 5
    assert [u.bericht.identificatie for u in uitkomsten] == [f"P{n:04d}" for n in range(5)]
    assert all(u.nieuw and u.bericht.status == BerichtStatus.VERWERKT for u in uitkomsten)
    assert [u.bericht.bestandsnaam for u in uitkomsten] == [f"b{n}.xml" for n in range(5)]
    assert {u.bericht.ontvangen_op for u in uitkomsten} == {OP}
    # Three batches (2, 2, 1), each handled inside one opening of the batch context.
    assert partijen == [["P0000", "P0001"], ["P0002", "P0003"], ["P0004"]]
    for b in InkomendBericht.objects.all():
        assert list(b.statuswijzigingen.order_by("pk").values_list("naar_status", flat=True)) == [
            BerichtStatus.ONTVANGEN,
            BerichtStatus.WACHT_OP_VERWERKING,
            BerichtStatus.VERWERKT,
        ]


def test_een_partij_bewaart_alle_ruwe_berichten_in_vaste_queries(diemen):
    # Without a handler: per message its check; the look-up of earlier arrivals and the raw
    # rows with their history are a fixed few statements for the whole batch.
    def queries(aantal: int, begin: int) -> list[str]:
        with CaptureQueriesContext(connection) as vastgelegd:
            list(
                berichten_ontvangen(
                    berichten=_aanleveringen(*(_jw323(begin + n) for n in range(aantal)))
                )
            )
        return [q["sql"] for q in vastgelegd.captured_queries]

    # Fixed: the look-up, the two inserts, and (inside a test's transaction) the savepoint
    # and its release around them.
    vast = 5
    een, tien = queries(1, 0), queries(10, 100)
    assert len(tien) - vast == 10 * (len(een) - vast)
    assert sum('INSERT INTO "iwmo_jw_inkomendbericht"' in q for q in tien) == 1
    assert InkomendBericht.objects.count() == 11
    assert InkomendBerichtStatusWijziging.objects.filter(van_status="").count() == 11


def test_dezelfde_bytes_twee_keer_in_een_partij_en_eerder_ontvangen(diemen):
    eerder = bericht_ontvangen(data=_jw323(1), ontvangen_op=OP).bericht
    uitkomsten = list(
        berichten_ontvangen(berichten=_aanleveringen(_jw323(2), _jw323(1), _jw323(2)))
    )
    assert all(isinstance(u, Ontvangst) for u in uitkomsten)
    tweede, eerste, nogmaals = uitkomsten
    assert isinstance(tweede, Ontvangst) and isinstance(eerste, Ontvangst)
    assert isinstance(nogmaals, Ontvangst)
    assert tweede.nieuw and not eerste.nieuw and not nogmaals.nieuw
    assert eerste.bericht.pk == eerder.pk
    assert nogmaals.bericht.pk == tweede.bericht.pk
    assert InkomendBericht.objects.count() == 2  # one new row for the bytes sent twice


def test_een_onleesbaar_bestand_staat_op_zijn_plaats_en_de_rest_gaat_door(diemen, tmp_path):
    goed = tmp_path / "goed.xml"
    goed.write_bytes(_jw323(1))
    weg = tmp_path / "bestaat-niet.xml"
    uitkomsten = list(
        berichten_ontvangen(
            berichten=[
                Aanlevering(data=weg, bestandsnaam=weg.name),
                Aanlevering(data=goed, bestandsnaam=goed.name),
            ]
        )
    )
    assert isinstance(uitkomsten[0], FileNotFoundError)
    assert isinstance(uitkomsten[1], Ontvangst)
    assert uitkomsten[1].bericht.status == BerichtStatus.WACHT_OP_VERWERKING
    with pytest.raises(FileNotFoundError):
        bericht_ontvangen(data=Path(weg))


def test_een_crash_midden_in_een_partij_laat_de_rest_bewaard_en_herhaalbaar(diemen, monkeypatch):
    berichten = _aanleveringen(*(_jw323(n) for n in range(4)))
    echt = beoordelen.valideer
    aanroepen = []

    def kapot_bij_de_tweede(data, **kwargs):
        aanroepen.append(1)
        if len(aanroepen) == 2:
            raise RuntimeError("controle stuk")
        return echt(data, **kwargs)

    monkeypatch.setattr(beoordelen, "valideer", kapot_bij_de_tweede)
    uitkomsten = berichten_ontvangen(berichten=berichten)
    with pytest.raises(RuntimeError):
        list(uitkomsten)
    # All four are stored raw (before any check); the first was checked, the rest wait.
    statussen = list(InkomendBericht.objects.order_by("pk").values_list("status", flat=True))
    assert statussen == [BerichtStatus.WACHT_OP_VERWERKING] + [BerichtStatus.ONTVANGEN] * 3
    monkeypatch.setattr(beoordelen, "valideer", echt)
    # Delivered again: no new rows; the interrupted ones are finished.
    opnieuw = list(berichten_ontvangen(berichten=berichten))
    assert all(isinstance(u, Ontvangst) and not u.nieuw for u in opnieuw)
    assert InkomendBericht.objects.count() == 4
    assert set(InkomendBericht.objects.values_list("status", flat=True)) == {
        BerichtStatus.WACHT_OP_VERWERKING
    }
    assert berichten_verwerken().hervat == 0


def test_de_periodieke_verwerking_werkt_ook_per_partij(diemen, partijen, monkeypatch):
    # Messages that waited (no handler yet) are picked up in batches, each batch inside the
    # batch contexts; an interrupted arrival too.
    with monkeypatch.context() as m:
        m.setattr(ontvangen, "PARTIJ_BERICHTEN", 2)
        m.setattr(ontvangen, "handler_voor", lambda standaard, berichttype: None)
        for n in range(3):
            bericht_ontvangen(data=_jw323(n), ontvangen_op=OP)
        with pytest.raises(RuntimeError):
            m.setattr(beoordelen, "valideer", lambda *a, **k: (_ for _ in ()).throw(RuntimeError()))
            bericht_ontvangen(data=_jw323(3), ontvangen_op=OP)
    assert partijen == [[], [], [], []]  # one batch per delivery above, nothing handled
    partijen.clear()
    with monkeypatch.context() as m:
        m.setattr(ontvangen, "PARTIJ_BERICHTEN", 2)
        overzicht = berichten_verwerken()
    assert (overzicht.hervat, overzicht.verwerkt, overzicht.mislukt) == (1, 3, 0)
    # The interrupted one is checked and handled in a batch of its own; the three that
    # waited follow in batches of two.
    assert partijen == [["P0003"], ["P0000", "P0001"], ["P0002"]]
    assert set(InkomendBericht.objects.values_list("status", flat=True)) == {BerichtStatus.VERWERKT}


def test_elk_bericht_van_een_partij_krijgt_zijn_eigen_controle(diemen):
    # The next message is checked in a thread of its own while this one is processed: each
    # still gets its own outcome, in order (valid, not XML, level 2, schema-invalid, valid).
    berichten = [
        _jw323(1),
        b"<kapot",
        officieel("JW323"),  # the official example breaks two level-2 rules
        voorbeeld("JW315"),  # breaks the XSD at line 44
        _jw323(2),
    ]
    uitkomsten = [
        u
        for u in berichten_ontvangen(berichten=_aanleveringen(*berichten))
        if isinstance(u, Ontvangst) and u.nieuw
    ]
    assert len(uitkomsten) == 5
    assert [(u.bericht.status, u.bericht.uitkomst_code) for u in uitkomsten] == [
        (BerichtStatus.WACHT_OP_VERWERKING, "geldig"),
        (BerichtStatus.GEWEIGERD, "xml_onleesbaar"),
        (BerichtStatus.WACHT_OP_VERWERKING, "ongeldig_niveau_2"),
        (BerichtStatus.GEWEIGERD, "xsd_ongeldig"),
        (BerichtStatus.WACHT_OP_VERWERKING, "geldig"),
    ]
    assert [u.bericht.identificatie for u in uitkomsten] == [
        "P0001",
        "",
        "765432198",
        "123456789012",
        "P0002",
    ]


def test_de_eerste_controle_loopt_terwijl_de_ruwe_berichten_worden_bewaard(diemen, monkeypatch):
    # The check of a batch's first message touches no database: it starts before the raw
    # rows are stored and runs while they are, and its outcome is recorded only after them.
    # The storing waits here until the check has begun; were the check started after it,
    # the wait would end empty-handed.
    begonnen = threading.Event()
    volgorde: list[str] = []
    echt_valideren = ontvangen._valideren
    echt_vastleggen = ontvangen._ruwe_berichten_vastleggen

    def valideren(invoer):
        volgorde.append("controle")
        begonnen.set()
        return echt_valideren(invoer)

    def vastleggen(berichten):
        volgorde.append("controle liep al" if begonnen.wait(timeout=10) else "geen controle")
        echt_vastleggen(berichten)
        volgorde.append("bewaard")

    monkeypatch.setattr(ontvangen, "_valideren", valideren)
    monkeypatch.setattr(ontvangen, "_ruwe_berichten_vastleggen", vastleggen)
    (uitkomst,) = berichten_ontvangen(berichten=_aanleveringen(_jw323(1)))
    assert volgorde == ["controle", "controle liep al", "bewaard"]
    assert isinstance(uitkomst, Ontvangst)
    assert uitkomst.bericht.status == BerichtStatus.WACHT_OP_VERWERKING
    assert list(
        uitkomst.bericht.statuswijzigingen.order_by("pk").values_list("naar_status", flat=True)
    ) == [BerichtStatus.ONTVANGEN, BerichtStatus.WACHT_OP_VERWERKING]


class _Verzamelpartij:
    """A handler's batch that takes the messages with an even number and fails at the end
    when told to."""

    genomen: list[str] = []
    afgerond: list[list[str]] = []
    falen = False

    def toevoegen(self, bericht: InkomendBericht, resultaat) -> bool:
        assert bericht.status == BerichtStatus.WACHT_OP_VERWERKING
        assert resultaat.bericht is not None
        if int(bericht.identificatie[1:]) % 2:
            return False
        self.genomen.append(bericht.identificatie)
        return True

    def afronden(self) -> None:
        if self.falen:
            raise RuntimeError("afronden mislukt")
        self.afgerond.append(list(self.genomen))


@pytest.fixture
def verzamelpartij() -> Iterator[tuple[type[_Verzamelpartij], list[str]]]:
    behandeld: list[str] = []
    _Verzamelpartij.genomen, _Verzamelpartij.afgerond, _Verzamelpartij.falen = [], [], False

    def verwerker(b: InkomendBericht, resultaat) -> None:
        behandeld.append(b.identificatie)

    register_handler(soort("JW323"), verwerker, partij=_Verzamelpartij)
    yield _Verzamelpartij, behandeld


def test_de_partij_van_een_verwerker_neemt_berichten_samen_en_laat_de_rest_erna(
    diemen, verzamelpartij
):
    partij, behandeld = verzamelpartij
    uitkomsten = list(berichten_ontvangen(berichten=_aanleveringen(*(_jw323(n) for n in range(5)))))
    # The batch took the even ones and stored them once; the handler got the others, after.
    assert partij.afgerond == [["P0000", "P0002", "P0004"]]
    assert behandeld == ["P0001", "P0003"]
    assert [u.bericht.identificatie for u in uitkomsten] == [f"P{n:04d}" for n in range(5)]
    for u in uitkomsten:
        assert isinstance(u, Ontvangst) and u.nieuw
        assert u.bericht.status == BerichtStatus.VERWERKT
        assert list(
            u.bericht.statuswijzigingen.order_by("pk").values_list("naar_status", flat=True)
        ) == [BerichtStatus.ONTVANGEN, BerichtStatus.WACHT_OP_VERWERKING, BerichtStatus.VERWERKT]
    # A batch of one is handled as before: no batch.
    partij.afgerond.clear()
    assert bericht_ontvangen(data=_jw323(10), ontvangen_op=OP).bericht.status == (
        BerichtStatus.VERWERKT
    )
    assert partij.afgerond == [] and behandeld[-1] == "P0010"


def test_een_partij_die_faalt_wordt_teruggedraaid_en_dan_een_voor_een_verwerkt(
    diemen, verzamelpartij
):
    partij, behandeld = verzamelpartij
    partij.falen = True
    uitkomsten = list(berichten_ontvangen(berichten=_aanleveringen(*(_jw323(n) for n in range(3)))))
    assert partij.afgerond == []
    assert behandeld == ["P0000", "P0001", "P0002"]
    for u in uitkomsten:
        assert isinstance(u, Ontvangst)
        assert u.bericht.status == BerichtStatus.VERWERKT
        # The rolled-back batch left no history rows: each message has one of its own.
        assert list(
            u.bericht.statuswijzigingen.order_by("pk").values_list("naar_status", flat=True)
        ) == [BerichtStatus.ONTVANGEN, BerichtStatus.WACHT_OP_VERWERKING, BerichtStatus.VERWERKT]


def test_twee_berichten_onder_een_identiteit_in_een_partij_gaan_een_voor_een(
    diemen, verzamelpartij
):
    """Two messages of one batch under one identity (other bytes): the batch does not decide
    between them; it is processed one by one, where the first is accepted and the second
    refused (TR056), as in separate deliveries."""
    partij, behandeld = verzamelpartij
    eerste = _jw323(2)
    tweede = bericht("JW323", identificatie="P0002", dagtekening="2026-05-05")
    assert eerste != tweede
    uitkomsten = list(berichten_ontvangen(berichten=_aanleveringen(eerste, tweede, _jw323(4))))
    assert partij.afgerond == []
    statussen = [u.bericht.status for u in uitkomsten if isinstance(u, Ontvangst)]
    assert statussen == [BerichtStatus.VERWERKT, BerichtStatus.GEWEIGERD, BerichtStatus.VERWERKT]
    assert uitkomsten[1].bericht.uitkomst_code == "identificatie_niet_uniek"
    assert behandeld == ["P0002", "P0004"]


#: Two senders whose messages go to different lanes of two (by the CRC-32 of the Afzender).
AFZENDER_A, AFZENDER_B = "23456789", "12345678"


def _van(afzender: str, n: int) -> bytes:
    return bericht("JW323", identificatie=f"P{n:04d}", afzender=afzender)


@pytest.fixture
def gezien_in_draad() -> Iterator[list[tuple[str, str, str]]]:
    """The batch of :class:`_Verzamelpartij` with a handler; (thread, Afzender,
    Identificatie) of each message as the batch takes it or the handler gets it, in the
    order that happens."""
    partij = _Verzamelpartij
    partij.genomen, partij.afgerond, partij.falen = [], [], False
    gezien: list[tuple[str, str, str]] = []
    slot = threading.Lock()

    def noteren(b: InkomendBericht) -> None:
        with slot:
            gezien.append((threading.current_thread().name, b.afzender, b.identificatie))

    echt = partij.toevoegen

    def toevoegen(self, b: InkomendBericht, resultaat) -> bool:
        genomen = echt(self, b, resultaat)
        if genomen:
            noteren(b)
        return genomen

    def verwerker(b: InkomendBericht, resultaat) -> None:
        noteren(b)

    partij.toevoegen = toevoegen  # type: ignore[method-assign]
    register_handler(soort("JW323"), verwerker, partij=partij)
    try:
        yield gezien
    finally:
        partij.toevoegen = echt  # type: ignore[method-assign]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_banen_per_afzender_met_de_berichten_van_een_afzender_op_volgorde(diemen, gezien_in_draad):
    """``tegelijk=2``: the messages are handled in two lanes at the same time, each a thread
    with its own connection (so this test commits: transaction=True). A sender's messages
    all go to one lane and are handled in the order they came, batch after batch; the other
    sender's in the other lane; the results come in the order of the delivery."""
    volgorde = [(AFZENDER_A if n % 3 else AFZENDER_B, n) for n in range(12)]
    uitkomsten = list(
        berichten_ontvangen(
            berichten=_aanleveringen(*(_van(a, n) for a, n in volgorde)), partij=4, tegelijk=2
        )
    )
    assert [u.bericht.identificatie for u in uitkomsten] == [f"P{n:04d}" for _, n in volgorde]
    assert all(u.bericht.status == BerichtStatus.VERWERKT for u in uitkomsten)
    draden = {a: {d for d, afz, _ in gezien_in_draad if afz == a} for a in (AFZENDER_A, AFZENDER_B)}
    assert len(draden[AFZENDER_A]) == len(draden[AFZENDER_B]) == 1
    assert draden[AFZENDER_A] != draden[AFZENDER_B]
    assert all(d.startswith("partij") for ds in draden.values() for (d,) in [tuple(ds)])
    for afzender in (AFZENDER_A, AFZENDER_B):
        eigen = [i for _, afz, i in gezien_in_draad if afz == afzender]
        # Eight are read together (4 per lane). Within a lane's part the batch takes the even
        # ones and the handler gets the odd ones after its commit; part after part, never a
        # later part's message first.
        per_partij = [
            sorted(f"P{n:04d}" for a, n in volgorde[k : k + 8] if a == afzender)
            for k in range(0, 12, 8)
        ]
        assert sorted(eigen) == sorted(i for deel in per_partij for i in deel)
        begin = 0
        for deel in per_partij:
            assert sorted(eigen[begin : begin + len(deel)]) == deel
            begin += len(deel)


def test_in_een_transactie_is_er_een_baan(diemen, gezien_in_draad):
    """Inside the caller's transaction (this test's) other connections could not see its
    rows: ``tegelijk`` is then one lane, the caller's own thread."""
    uitkomsten = list(
        berichten_ontvangen(
            berichten=_aanleveringen(
                *(_van(a, n) for n, a in enumerate([AFZENDER_A, AFZENDER_B] * 2))
            ),
            partij=4,
            tegelijk=2,
        )
    )
    assert all(u.bericht.status == BerichtStatus.VERWERKT for u in uitkomsten)
    assert {d for d, _, _ in gezien_in_draad} == {threading.current_thread().name}

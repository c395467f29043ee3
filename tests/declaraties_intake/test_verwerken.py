"""The declaration pipeline through the berichtenbox: outcome per prestatie, ledger
postings, the 325 in the outbox, idempotency, credits, the query count."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from declaraties.constants import DeclaratieStatus, PrestatieStatus
from declaraties.models import Declaratie, Prestatie
from financien.models import Boeking
from financien.selectors import budgetstand
from iwmo_jw.codec import parse, serialize
from iwmo_jw.constants import BerichtStatus
from iwmo_jw.models import UitgaandBericht
from iwmo_jw.services import bericht_ontvangen, bericht_opnieuw_aanbieden, bericht_verwerken
from tests.declaraties_intake.scene import ONTVANGEN_OP

D = Decimal
SEPTEMBER = (date(2026, 9, 1), date(2026, 9, 30))
OKTOBER_ = (date(2026, 10, 1), date(2026, 10, 31))
NOVEMBER_ = (date(2026, 11, 1), date(2026, 11, 30))


def _ontvang(data: bytes):
    return bericht_ontvangen(data=data, bestandsnaam="decl.xml", ontvangen_op=ONTVANGEN_OP).bericht


def _antwoord(declaratie: Declaratie):
    assert declaratie.antwoord is not None
    return parse(bytes(declaratie.antwoord.inhoud))


def test_fully_approved_declaration_realises_and_answers_8001(ds):
    reserved_before = budgetstand(budgetpost=ds.scene.bp2026).gereserveerd
    bericht = _ontvang(
        ds.xml([ds.prestatie("R1", uren=10), ds.prestatie("R2", uren=5, periode=SEPTEMBER)])
    )
    declaratie = Declaratie.objects.get(bericht=bericht)
    assert declaratie.status == DeclaratieStatus.BEANTWOORD
    assert declaratie.retourcode == "8001"
    assert declaratie.totaal_toegekend_bedrag == D("975.00")
    assert list(declaratie.prestaties.values_list("status", flat=True)) == [
        PrestatieStatus.TOEGEKEND,
        PrestatieStatus.TOEGEKEND,
    ]
    stand = budgetstand(budgetpost=ds.scene.bp2026)
    assert stand.gerealiseerd == D("975.00")
    assert stand.gereserveerd == reserved_before - D("975.00")
    antwoord = _antwoord(declaratie)
    assert antwoord.header.retour_codes == ("0200",)
    assert antwoord.declaratie_antwoord.retour_codes == ("8001",)
    assert antwoord.declaratie_antwoord.totaal_toegekend_bedrag.totaal_bedrag == D("975.00")
    assert antwoord.declaratie_antwoord.clienten == ()


def test_only_rejected_prestaties_are_answered_and_only_approved_ones_realised(ds):
    bericht = _ontvang(
        ds.xml([ds.prestatie("R1", uren=10), ds.prestatie("R2", uren=50, periode=SEPTEMBER)])
    )
    declaratie = Declaratie.objects.get(bericht=bericht)
    r1, r2 = declaratie.prestaties.order_by("regelnummer")
    assert (r1.status, r1.toegekend_bedrag) == (PrestatieStatus.TOEGEKEND, D("650.00"))
    assert (r2.status, r2.retourcodes, r2.toegekend_bedrag) == (
        PrestatieStatus.AFGEWEZEN,
        "9321",
        D("0"),
    )
    assert declaratie.retourcode == "0200"
    assert declaratie.totaal_toegekend_bedrag == D("650.00")
    assert budgetstand(budgetpost=ds.scene.bp2026).gerealiseerd == D("650.00")
    antwoord = _antwoord(declaratie).declaratie_antwoord
    [client] = antwoord.clienten
    [prestatie] = client.prestaties
    assert prestatie.product_referentie.referentie_nummer == "R2"
    assert prestatie.retour_codes == ("9321",)
    # TR342: what is returned is what was not granted.
    assert (
        antwoord.totaal_ingediend_bedrag.totaal_bedrag
        - antwoord.totaal_toegekend_bedrag.totaal_bedrag
        == prestatie.ingediend_bedrag.bedrag
    )


def test_a_credit_in_a_later_declaration_reverses_the_realisation(ds):
    eerste = Declaratie.objects.get(bericht=_ontvang(ds.xml([ds.prestatie("R1", uren=10)])))
    assert budgetstand(budgetpost=ds.scene.bp2026).gerealiseerd == D("650.00")
    tweede = Declaratie.objects.get(
        bericht=_ontvang(
            ds.xml(
                [ds.prestatie("R1C", uren=10, credit_van="R1")],
                periode=(date(2026, 11, 1), date(2026, 11, 30)),
            )
        )
    )
    assert tweede.retourcode == "8001"
    assert tweede.totaal_toegekend_bedrag == D("-650.00")
    debet = eerste.prestaties.get()
    credit = tweede.prestaties.get()
    assert debet.status == PrestatieStatus.GECREDITEERD
    assert credit.creditering.debet == debet
    assert list(debet.statuswijzigingen.values_list("van_status", "naar_status")) == [
        ("toegekend", "gecrediteerd")
    ]
    stand = budgetstand(budgetpost=ds.scene.bp2026)
    assert stand.gerealiseerd == D("0.00")
    # A second credit of the same debit is refused by TR323/TR390 and books nothing.
    boekingen = Boeking.objects.count()
    derde = Declaratie.objects.get(
        bericht=_ontvang(
            ds.xml(
                [ds.prestatie("R1D", uren=10, credit_van="R1")],
                periode=(date(2026, 12, 1), date(2026, 12, 31)),
            )
        )
    )
    assert derde.prestaties.get().status == PrestatieStatus.AFGEWEZEN
    assert Boeking.objects.count() == boekingen


def test_the_same_bytes_twice_give_the_same_answer_and_book_once(ds):
    data = ds.xml([ds.prestatie("R1", uren=10)])
    eerste = bericht_ontvangen(data=data, ontvangen_op=ONTVANGEN_OP)
    tellingen = (
        Declaratie.objects.count(),
        Prestatie.objects.count(),
        Boeking.objects.count(),
        UitgaandBericht.objects.count(),
    )
    tweede = bericht_ontvangen(data=data, ontvangen_op=ONTVANGEN_OP)
    assert not tweede.nieuw
    assert tweede.bericht.pk == eerste.bericht.pk
    assert (
        Declaratie.objects.count(),
        Prestatie.objects.count(),
        Boeking.objects.count(),
        UitgaandBericht.objects.count(),
    ) == tellingen


def test_a_level_2_error_is_answered_with_0001_and_books_nothing(ds):
    bericht = ds.bericht([ds.prestatie("R1", uren=10)])
    fout = replace(
        bericht,
        declaratie=replace(
            bericht.declaratie,
            totaal_ingediend_bedrag=replace(
                bericht.declaratie.totaal_ingediend_bedrag, totaal_bedrag=D("1.00")
            ),
        ),
    )
    boekingen = Boeking.objects.count()
    declaratie = Declaratie.objects.get(bericht=_ontvang(serialize(fout)))
    assert declaratie.status == DeclaratieStatus.TECHNISCH_AFGEKEURD
    assert declaratie.retourcode == "0001"
    assert not declaratie.geteld
    assert declaratie.prestaties.count() == 0
    assert Boeking.objects.count() == boekingen
    antwoord = _antwoord(declaratie)
    assert antwoord.header.retour_codes == ("0001",)
    assert antwoord.declaratie_antwoord is None


def test_a_failure_halfway_leaves_only_the_raw_message_and_a_retry_succeeds(ds, monkeypatch):
    from declaraties.services import intake as services

    def kapot(**kwargs):
        raise RuntimeError("storing halverwege")

    monkeypatch.setattr(services, "declaraties_boeken", kapot)
    bericht = _ontvang(ds.xml([ds.prestatie("R1", uren=10)]))
    assert bericht.status == BerichtStatus.VERWERKING_MISLUKT
    assert "storing halverwege" in bericht.verwerking_fout
    assert bytes(bericht.inhoud)
    assert (Declaratie.objects.count(), Prestatie.objects.count()) == (0, 0)
    assert budgetstand(budgetpost=ds.scene.bp2026).gerealiseerd == D("0.00")
    assert not UitgaandBericht.objects.filter(berichttype="325").exists()

    monkeypatch.undo()
    bericht_opnieuw_aanbieden(bericht=bericht)
    bericht = bericht_verwerken(bericht=bericht)
    assert bericht.status == BerichtStatus.VERWERKT
    declaratie = Declaratie.objects.get(bericht=bericht)
    assert declaratie.retourcode == "8001"
    assert budgetstand(budgetpost=ds.scene.bp2026).gerealiseerd == D("650.00")


BSNS = ["999990032", "999990044", "999990056", "999990068", "999990081"]


def _regels(ds, bsns: list[str], maanden: int, periode):
    """A declaration for new clients ``bsns`` with ``maanden`` monthly prestaties each."""
    from inkoop import services as inkoop_services
    from iwmo_jw.codec.modellen import Client323

    eigen = []
    for bsn in bsns:
        client = inkoop_services.client_vastleggen(
            door=ds.scene.regisseur,
            gemeente=ds.scene.gemeente,
            bsn=bsn,
            geboortedatum=date(1960, 1, 1),
            achternaam="Bakker",
        )
        t = inkoop_services.toewijzing_verstrekken(
            door=ds.scene.regisseur,
            client=client,
            zorgaanbieder=ds.scene.aanbieder,
            wet="wmo",
            product=ds.scene.begeleiding,
            ingangsdatum=date(2026, 1, 1),
            einddatum=date(2026, 12, 31),
            volume=40,
            eenheid="04",
            frequentie="4",
            versturen=False,
        )
        prestaties = tuple(
            ds.prestatie(
                f"{bsn[-3:]}M{m}",
                uren=4,
                periode=(date(2026, m, 1), date(2026, m + 1, 1) - timedelta(days=1)),
                nummer=t.nummer,
            )
            for m in range(1, maanden + 1)
        )
        eigen.append(Client323(bsn=bsn, prestaties=prestaties))
    bericht = ds.bericht([ds.prestatie("X1", uren=1)], periode=periode)
    totaal = sum((p.ingediend_bedrag.bedrag for c in eigen for p in c.prestaties), D(0))
    return replace(
        bericht,
        declaratie=replace(
            bericht.declaratie,
            clienten=tuple(eigen),
            totaal_ingediend_bedrag=replace(
                bericht.declaratie.totaal_ingediend_bedrag, totaal_bedrag=totaal
            ),
        ),
    )


def test_queries_per_message_do_not_grow_with_its_lines(ds):
    # Warm the accounts (the first realisation of a provider on a budget post makes its
    # payable account, once) with an earlier declaration.
    _ontvang(ds.xml([ds.prestatie("W1", uren=1, periode=SEPTEMBER)], periode=SEPTEMBER))
    aantallen = []
    for (clienten, maanden), periode, bsns in (
        ((1, 2), OKTOBER_, BSNS[:1]),
        # 27 lines: one bulk insert on every backend (SQLite's bind-variable limit splits
        # an insert at about 35 prestatie rows, PostgreSQL's at thousands).
        ((3, 9), NOVEMBER_, BSNS[1:4]),
    ):
        data = serialize(_regels(ds, bsns, maanden, periode))
        with CaptureQueriesContext(connection) as vastgelegd:
            bericht = _ontvang(data)
        declaratie = Declaratie.objects.get(bericht=bericht)
        assert declaratie.retourcode == "8001"
        assert declaratie.prestaties.count() == clienten * maanden
        aantallen.append(len(vastgelegd))
    assert aantallen[0] == aantallen[1], aantallen


def test_the_ledger_stays_sound_through_declarations_credits_and_a_release(ds):
    from financien import services as financien_services
    from financien.models import Reservering
    from financien.selectors import grootboek_controleren

    _ontvang(ds.xml([ds.prestatie("R1", uren=40), ds.prestatie("R2", uren=40, periode=SEPTEMBER)]))
    assert grootboek_controleren() == []
    _ontvang(
        ds.xml(
            [ds.prestatie("R1C", uren=40, credit_van="R1")],
            periode=NOVEMBER_,
        )
    )
    assert grootboek_controleren() == []
    reservering = Reservering.objects.get(bron_id=str(ds.toewijzing.uuid), jaar=2026)
    assert reservering.gerealiseerd_bedrag == D("2600.00")
    financien_services.reservering_vrijgeven(
        door=None, reservering=reservering, idempotentiesleutel="vrijgave-test"
    )
    assert grootboek_controleren() == []
    # A late declaration on the released reservation is still booked, from beschikbaar.
    _ontvang(
        ds.xml(
            [ds.prestatie("R3", uren=10, periode=(date(2026, 8, 1), date(2026, 8, 31)))],
            periode=(date(2026, 12, 1), date(2026, 12, 31)),
        )
    )
    reservering.refresh_from_db()
    assert reservering.gerealiseerd_bedrag == D("3250.00")
    assert reservering.open_bedrag == D("0.00")
    assert grootboek_controleren() == []


def test_the_row_class_of_the_intake_has_exactly_the_columns_of_prestatie():
    """The intake builds its rows without the model (Prestatieregel) and stores them column
    by column: a column added to Prestatie must be added there too, or nothing is stored.
    Only the primary key and the uuid are left to the database (or the model's default)."""
    from dataclasses import fields

    from declaraties.services.intake import Prestatieregel, prestatievelden

    assert {f.name for f in fields(Prestatieregel)} == {f.attname for f in prestatievelden()}
    assert {f.attname for f in Prestatie._meta.concrete_fields} - {
        f.attname for f in prestatievelden()
    } == {"id", "uuid"}


def test_every_prestatie_of_a_message_gets_its_own_uuid(ds):
    """The intake leaves the uuid to the database (PostgreSQL) or the model (elsewhere):
    either way each stored prestatie has one, and no two share it."""
    bericht = _ontvang(serialize(_regels(ds, BSNS[1:4], 9, NOVEMBER_)))
    uuids = list(Declaratie.objects.get(bericht=bericht).prestaties.values_list("uuid", flat=True))
    assert len(uuids) == 27
    assert None not in uuids
    assert len(set(uuids)) == 27


def test_the_context_knows_the_providers_earlier_declarations(ds):
    """The loader's one query about earlier declarations (TR056, TR333, TR318): the
    BerichtIdentificatie of any earlier 323 of the provider, its DeclaratieNummers in this
    wet, and the latest period it declared to this gemeente; none before the first."""
    from declaraties.laden import context_laden

    def context(**kwargs):
        return context_laden(
            bericht=ds.bericht([ds.prestatie("X1")], **kwargs),
            gemeente=ds.scene.gemeente,
            zorgaanbieder=ds.scene.aanbieder,
            wet="wmo",
            ontvangstdatum=ONTVANGEN_OP.date(),
        ).context

    leeg = context(identificatie="EERSTE", nummer="N1")
    assert (
        leeg.bekende_berichtidentificaties,
        leeg.bekende_declaratienummers,
        leeg.vorige_declaratieperiode,
    ) == (frozenset(), frozenset(), None)
    _ontvang(ds.xml([ds.prestatie("K1", uren=1)], identificatie="EERSTE", nummer="N1"))
    _ontvang(
        ds.xml(
            [ds.prestatie("K2", uren=1, periode=NOVEMBER_)],
            identificatie="TWEEDE",
            nummer="N2",
            periode=NOVEMBER_,
        )
    )
    # A known identificatie with a new number, and the other way round.
    identificatie = context(identificatie="EERSTE", nummer="N9")
    assert (
        identificatie.bekende_berichtidentificaties,
        identificatie.bekende_declaratienummers,
        identificatie.vorige_declaratieperiode,
    ) == (frozenset({"EERSTE"}), frozenset(), NOVEMBER_[0])
    nummer = context(identificatie="DERDE", nummer="N2")
    assert (
        nummer.bekende_berichtidentificaties,
        nummer.bekende_declaratienummers,
        nummer.vorige_declaratieperiode,
    ) == (frozenset(), frozenset({"N2"}), NOVEMBER_[0])

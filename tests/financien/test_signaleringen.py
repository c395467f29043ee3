"""Budget alerts: raised once per crossing with their figures, ended when the value drops
below and raised anew on the next crossing; thresholds per gemeente and budget post; the four
kinds of subject; acknowledgement with its audit trail and scoping; e-mail after the commit;
the evaluation after each booking (one per transaction) and the periodic task."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from financien import selectors, services, tasks
from financien.constants import MailStatus, SignaleringSoort
from financien.models import Budgetpost, Reservering, Signalering
from financien.services.signaleringen import _Meting
from kern.constants import AuditActie
from kern.exceptions import DomeinFout
from kern.models import AuditRecord
from tests.factories import BestedingsruimteFactory, GebruikerFactory
from tests.financien.conftest import D, post_met_gebruiksdrempels
from tests.financien.conftest import reserveer as conftest_reserveer
from tests.utils import NietsVeranderd

pytestmark = pytest.mark.django_db

VANDAAG = date(2026, 3, 31)


@pytest.fixture
def budgethouder(db, amsterdam):
    return GebruikerFactory(
        username="budgethouder",
        email="budget@amsterdam.example",
        rollen=["budgethouder"],
        gemeenten=[amsterdam],
    )


def reserveer(budgetpost, aanbieder, bedrag: str, bron: str, **kwargs) -> Reservering:
    """Book a reservation; on 15 April 2026 unless told, so no forecast here depends on the
    day the tests run (the trend of 31 March looks at January to March)."""
    kwargs.setdefault("boekdatum", date(2026, 4, 15))
    return conftest_reserveer(budgetpost, aanbieder, bedrag, bron, **kwargs)


def evalueer(budgetpost, **kwargs) -> list[Signalering]:
    return services.signaleringen_evalueren(
        budgetpost_ids=[budgetpost.pk], vandaag=VANDAAG, **kwargs
    )


def van_soort(soort: str):
    return Signalering.objects.filter(soort=soort).order_by("drempel", "id")


# --- Once per crossing ------------------------------------------------------------------------


def test_een_signalering_per_overschrijding_met_de_cijfers(met_budget, aanbieder):
    reserveer(met_budget, aanbieder, "7000.00", "t1")
    assert evalueer(met_budget) == []
    reserveer(met_budget, aanbieder, "1500.00", "t2")
    nieuw = evalueer(met_budget)
    assert [(s.soort, s.drempel) for s in nieuw] == [(SignaleringSoort.BUDGETPOST, 80)]
    s = nieuw[0]
    assert (s.norm_bedrag, s.waarde_bedrag, s.percentage) == (
        D("10000.00"),
        D("8500.00"),
        D("85.00"),
    )
    assert s.cijfers == {
        "budget": "10000.00",
        "gereserveerd": "8500.00",
        "gerealiseerd": "0.00",
        "beschikbaar": "1500.00",
    }
    assert s.omschrijving == (
        "Budgetpost 2026 Wmo 2015 6.71: 85,00% van het budget gereserveerd of gerealiseerd "
        "(€ 8.500,00 van € 10.000,00); drempel 80%."
    )
    assert (s.gemeente.code, s.jaar, s.budgetpost_id, s.lopend, s.bevestigd) == (
        "0363",
        2026,
        met_budget.pk,
        True,
        False,
    )
    # Evaluating again, or booking more without reaching 90%, raises nothing new.
    assert evalueer(met_budget) == []
    reserveer(met_budget, aanbieder, "100.00", "t3")
    assert evalueer(met_budget) == []
    assert van_soort(SignaleringSoort.BUDGETPOST).count() == 1


def test_onder_de_drempel_en_weer_erboven_is_een_nieuwe_overschrijding(met_budget, aanbieder):
    reserveer(met_budget, aanbieder, "7000.00", "t1")
    tweede = reserveer(met_budget, aanbieder, "1500.00", "t2")
    [eerste] = evalueer(met_budget)
    services.reservering_vrijgeven(door=None, reservering=tweede, idempotentiesleutel="v2")
    assert evalueer(met_budget) == []
    eerste.refresh_from_db()
    assert eerste.beeindigd_op is not None and not eerste.lopend
    reserveer(met_budget, aanbieder, "1200.00", "t3")
    [opnieuw] = evalueer(met_budget)
    assert (opnieuw.drempel, opnieuw.waarde_bedrag, opnieuw.lopend) == (80, D("8200.00"), True)
    assert [s.lopend for s in van_soort(SignaleringSoort.BUDGETPOST)] == [False, True]


def test_een_waarde_rond_de_drempel_is_geen_nieuwe_overschrijding(met_budget, aanbieder):
    """A running alert ends only 2 percentage points (FINANCIEN_SIGNALERING_MARGE) below its
    threshold: hovering around 80 % raises (and mails) it once."""
    reserveer(met_budget, aanbieder, "7000.00", "t1")
    schommel = reserveer(met_budget, aanbieder, "1050.00", "t2")  # 80.5 %
    [eerste] = evalueer(met_budget)
    assert eerste.drempel == 80

    def naar(bedrag: str, sleutel: str) -> None:
        services.reservering_wijzigen(
            door=None, reservering=schommel, bedrag=D(bedrag), idempotentiesleutel=sleutel
        )

    naar("850.00", "w1")  # 78.5 %: below 80, not 2 points below
    assert evalueer(met_budget) == []
    naar("1010.00", "w2")  # 80.1 %: the same crossing
    assert evalueer(met_budget) == []
    eerste.refresh_from_db()
    assert eerste.lopend
    naar("800.00", "w3")  # 78.0 %: exactly 2 points below still runs
    assert evalueer(met_budget) == []
    eerste.refresh_from_db()
    assert eerste.lopend
    naar("790.00", "w4")  # 77.9 %: ended
    assert evalueer(met_budget) == []
    eerste.refresh_from_db()
    assert not eerste.lopend
    naar("1000.00", "w5")  # 80.0 %: a new crossing
    [tweede] = evalueer(met_budget)
    assert (tweede.drempel, tweede.lopend) == (80, True)
    assert [s.lopend for s in van_soort(SignaleringSoort.BUDGETPOST)] == [False, True]


@pytest.mark.parametrize("marge", ["0", "5"])
def test_de_marge_is_instelbaar(met_budget, aanbieder, settings, marge):
    settings.FINANCIEN_SIGNALERING_MARGE = D(marge)
    reserveer(met_budget, aanbieder, "7000.00", "t1")
    schommel = reserveer(met_budget, aanbieder, "1050.00", "t2")
    [eerste] = evalueer(met_budget)
    services.reservering_wijzigen(
        door=None, reservering=schommel, bedrag=D("700.00"), idempotentiesleutel="w"
    )  # 77.0 %
    evalueer(met_budget)
    eerste.refresh_from_db()
    assert eerste.lopend is (marge == "5")


def test_meerdere_drempels_tegelijk_en_budget_nul(
    budgethouder, met_budget, budgetpost_2027, aanbieder
):
    reserveer(met_budget, aanbieder, "10500.00", "t1")
    reserveer(budgetpost_2027, aanbieder, "10.00", "t2")
    nieuw = services.signaleringen_evalueren(
        budgetpost_ids=[met_budget.pk, budgetpost_2027.pk], vandaag=VANDAAG
    )
    per_post = {(s.budgetpost_id, s.soort, s.drempel): s for s in nieuw}
    assert sorted(k[2] for k in per_post if k[:2] == (met_budget.pk, "budgetpost")) == [80, 90, 100]
    # A budget of zero is crossed by anything above zero; there is no percentage then.
    nul = [s for s in nieuw if s.budgetpost_id == budgetpost_2027.pk and s.soort == "budgetpost"]
    assert [(s.drempel, s.percentage) for s in nul] == [(80, None), (90, None), (100, None)]
    assert nul[0].omschrijving.startswith("Budgetpost 2027 Wmo 2015 6.71: meer dan 100% van")


def test_drempels_per_gemeente_en_per_budgetpost(budgethouder, amsterdam, met_budget, aanbieder):
    services.signaleringsdrempels_vastleggen(
        door=budgethouder, gemeente=amsterdam, soort="budgetpost", percentages=[95, 50]
    )
    reserveer(met_budget, aanbieder, "6000.00", "t1")
    assert [s.drempel for s in evalueer(met_budget) if s.soort == "budgetpost"] == [50]
    # The budget post's own thresholds go before the gemeente's; [] switches the kind off.
    services.signaleringsdrempels_vastleggen(
        door=budgethouder,
        gemeente=amsterdam,
        soort="budgetpost",
        budgetpost=met_budget,
        percentages=[],
    )
    reserveer(met_budget, aanbieder, "4000.00", "t2")
    assert [s for s in evalueer(met_budget) if s.soort == "budgetpost"] == []
    assert van_soort("budgetpost").count() == 1


def test_drempels_vastleggen_weigert_wat_niet_klopt(budgethouder, amsterdam, rotterdam, budgetpost):
    def geweigerd(code: str, **kwargs) -> None:
        with NietsVeranderd("financien", "kern"), pytest.raises(DomeinFout) as fout:
            services.signaleringsdrempels_vastleggen(
                door=kwargs.pop("door", budgethouder), **{"gemeente": amsterdam, **kwargs}
            )
        assert fout.value.code == code, fout.value.bericht

    geweigerd("drempels_ongeldig", soort="budgetpost", percentages=[80, "90"])
    geweigerd("drempels_ongeldig", soort="budgetpost", percentages=[True])
    geweigerd("drempel_buiten_bereik", soort="budgetpost", percentages=[0])
    geweigerd("drempel_buiten_bereik", soort="budgetpost", percentages=[1001])
    geweigerd("drempels_dubbel", soort="budgetpost", percentages=[80, 80])
    geweigerd("drempels_te_veel", soort="budgetpost", percentages=list(range(1, 12)))
    geweigerd("soort_ongeldig", soort="iets", percentages=[80])
    geweigerd(
        "drempel_niet_per_budgetpost", soort="toewijzing", budgetpost=budgetpost, percentages=[80]
    )
    geweigerd(
        "budgetpost_andere_gemeente",
        gemeente=rotterdam,
        soort="budgetpost",
        budgetpost=budgetpost,
        percentages=[80],
        door=None,
    )
    geweigerd(
        "geen_toegang",
        soort="budgetpost",
        percentages=[80],
        door=GebruikerFactory(rollen=["regisseur"], gemeenten=[amsterdam]),
    )
    geweigerd(
        "gemeente_buiten_bevoegdheid", gemeente=rotterdam, soort="budgetpost", percentages=[80]
    )


def test_drempels_vastleggen_vervangt_en_wordt_gelogd(budgethouder, amsterdam):
    eerste = services.signaleringsdrempels_vastleggen(
        door=budgethouder, gemeente=amsterdam, soort="budgetpost", percentages=[90, 75]
    )
    tweede = services.signaleringsdrempels_vastleggen(
        door=budgethouder, gemeente=amsterdam, soort="budgetpost", percentages=[70]
    )
    assert eerste.pk == tweede.pk and tweede.percentages == [70]
    records = AuditRecord.objects.filter(object_id=str(eerste.pk)).order_by("id")
    assert [(r.actie, r.voor and r.voor["percentages"], r.na["percentages"]) for r in records] == [
        (AuditActie.AANGEMAAKT, None, [75, 90]),
        (AuditActie.GEWIJZIGD, [75, 90], [70]),
    ]
    # The same again changes nothing and writes nothing.
    services.signaleringsdrempels_vastleggen(
        door=budgethouder, gemeente=amsterdam, soort="budgetpost", percentages=[70]
    )
    assert records.count() == 2


# --- The other subjects -----------------------------------------------------------------------


def test_toewijzing_bij_80_procent_gerealiseerd_over_haar_jaren(
    met_budget, budgetpost_2027, aanbieder
):
    r2026 = reserveer(met_budget, aanbieder, "600.00", "toewijzing-a")
    r2027 = reserveer(budgetpost_2027, aanbieder, "400.00", "toewijzing-a")

    def realiseer(reservering, bedrag: str, sleutel: str) -> None:
        services.realisatie_boeken(
            door=None,
            reservering=reservering,
            bedrag=D(bedrag),
            bron_id=sleutel,
            idempotentiesleutel=sleutel,
        )

    realiseer(r2026, "600.00", "p1")
    realiseer(r2027, "199.00", "p2")
    assert services.signaleringen_evalueren(toewijzingen=["toewijzing-a"]) == []
    realiseer(r2027, "1.00", "p3")
    [s] = services.signaleringen_evalueren(toewijzingen=["toewijzing-a"])
    assert (s.soort, s.drempel, s.norm_bedrag, s.waarde_bedrag, s.percentage) == (
        "toewijzing",
        80,
        D("1000.00"),
        D("800.00"),
        D("80.00"),
    )
    assert (s.bron_type, s.bron_id, s.jaar, s.zorgaanbieder_id, s.budgetpost_id) == (
        "toewijzing",
        "toewijzing-a",
        2027,
        aanbieder.pk,
        None,
    )
    assert s.cijfers == {
        "gereserveerd_bedrag": "1000.00",
        "gerealiseerd": "800.00",
        "open": "200.00",
        "reserveringen": "2",
    }
    assert s.omschrijving == (
        "Toewijzing toewijzing-a (Zorg Noord B.V.): 80,00% van het gereserveerde bedrag "
        "gerealiseerd (€ 800,00 van € 1.000,00); drempel 80%."
    )
    # A credit to 79.9 % keeps the crossing running (within the 2-point margin); one to 60 %
    # ends it.
    credit = services.realisatie_crediteren(
        door=None,
        realisatie=r2027.boekingen.get(idempotentiesleutel="p3"),
        bron_id="c3",
        idempotentiesleutel="c3",
    )
    assert credit.bedrag == D("1.00")
    assert services.signaleringen_evalueren(toewijzingen=["toewijzing-a"]) == []
    s.refresh_from_db()
    assert s.lopend
    services.realisatie_crediteren(
        door=None,
        realisatie=r2027.boekingen.get(idempotentiesleutel="p2"),
        bron_id="c2",
        idempotentiesleutel="c2",
    )
    assert services.signaleringen_evalueren(toewijzingen=["toewijzing-a"]) == []
    s.refresh_from_db()
    assert not s.lopend


def test_bestedingsruimte_telt_gereserveerd_en_gerealiseerd(met_budget, amsterdam, aanbieder):
    ruimte = BestedingsruimteFactory(
        zorgaanbieder=aanbieder, gemeente=amsterdam, jaar=2026, bedrag=D("5000.00")
    )
    r = reserveer(met_budget, aanbieder, "4400.00", "t1")
    services.realisatie_boeken(
        door=None, reservering=r, bedrag=D("1000.00"), bron_id="p1", idempotentiesleutel="p1"
    )
    sleutel = (aanbieder.pk, amsterdam.pk, 2026)
    [s] = services.signaleringen_evalueren(bestedingsruimten=[sleutel])
    assert (s.soort, s.drempel, s.bestedingsruimte_id, s.zorgaanbieder_id) == (
        "bestedingsruimte",
        80,
        ruimte.pk,
        aanbieder.pk,
    )
    assert (s.norm_bedrag, s.waarde_bedrag, s.percentage) == (
        D("5000.00"),
        D("4400.00"),
        D("88.00"),
    )
    assert s.cijfers == {
        "bestedingsruimte": "5000.00",
        "gereserveerd": "3400.00",
        "gerealiseerd": "1000.00",
    }
    # Without a bestedingsruimte (another year) there is nothing to measure.
    assert (
        services.signaleringen_evalueren(bestedingsruimten=[(aanbieder.pk, amsterdam.pk, 2027)])
        == []
    )


def test_prognose_boven_het_budget(met_budget, aanbieder):
    # 12,000 over the whole of 2026; from 31 March: 275 of 365 days = 9,041.10 expected.
    reserveer(met_budget, aanbieder, "12000.00", "t1")
    nieuw = {(s.soort, s.drempel): s for s in evalueer(met_budget)}
    assert ("prognose", 100) not in nieuw
    services.budget_verlagen(
        door=None,
        budgetpost=met_budget,
        bedrag=D("1000.00"),
        reden="Bezuiniging",
        idempotentiesleutel="verlaging",
    )
    [s] = [s for s in evalueer(met_budget) if s.soort == "prognose"]
    assert (s.drempel, s.norm_bedrag, s.waarde_bedrag, s.percentage) == (
        100,
        D("9000.00"),
        D("9041.10"),
        D("100.46"),
    )
    assert s.cijfers["verwacht_uit_reserveringen"] == "9041.10"
    assert s.cijfers["trend"] == "0.00"
    assert s.cijfers["peildatum"] == "2026-03-31"
    assert s.cijfers["methode"].startswith("Prognose 2026 op 2026-03-31")


def test_evalueren_in_een_vast_aantal_queries(budgethouder, amsterdam, met_budget, aanbieder):
    """Two savepoint statements and nine reads, whatever the number of subjects (plus one
    insert in a savepoint per alert raised, measured here on a second run that raises none).
    On PostgreSQL one read more: whether the budget posts keep their forecast sums for the
    day (they count them on the first run and read them on the second)."""
    reserveer(met_budget, aanbieder, "1000.00", "t1")
    BestedingsruimteFactory(zorgaanbieder=aanbieder, gemeente=amsterdam, jaar=2026)

    def tel(budgetposten) -> int:
        kwargs = {
            "budgetpost_ids": [bp.pk for bp in budgetposten],
            "toewijzingen": [f"t-{bp.pk}" for bp in budgetposten],
            "bestedingsruimten": [(aanbieder.pk, amsterdam.pk, 2026)],
            "vandaag": VANDAAG,
        }
        services.signaleringen_evalueren(**kwargs)
        with CaptureQueriesContext(connection) as ctx:
            assert services.signaleringen_evalueren(**kwargs) == []
        return len(ctx)

    een = tel([met_budget])
    posten = [met_budget]
    for taakveld in ("6.72", "6.81", "6.82"):
        bp = services.budgetpost_aanmaken(
            door=budgethouder, gemeente=amsterdam, jaar=2026, wet="wmo", taakveld=taakveld
        )
        reserveer(bp, aanbieder, "10.00", f"t-{bp.pk}")
        posten.append(bp)
    assert tel(posten) == een == (12 if connection.vendor == "postgresql" else 11)


def test_boeken_doet_geen_query_voor_de_signaleringen(met_budget, aanbieder, monkeypatch):
    """The booking services only queue their subjects for after the commit: with the queue
    switched off they do exactly as many queries."""
    from financien.services import budget, reserveringen

    def boekingen(sleutel: str) -> list[int]:
        tellingen = []
        for boek in (
            lambda: reserveer(met_budget, aanbieder, "100.00", sleutel),
            lambda: services.realisatie_boeken(
                door=None,
                reservering=Reservering.objects.get(bron_id=sleutel),
                bedrag=D("10.00"),
                bron_id=f"p-{sleutel}",
                idempotentiesleutel=f"p-{sleutel}",
            ),
            lambda: services.budget_toekennen(
                door=None,
                budgetpost=met_budget,
                bedrag=D("1.00"),
                reden="Meer",
                idempotentiesleutel=f"b-{sleutel}",
            ),
        ):
            with CaptureQueriesContext(connection) as ctx:
                boek()
            tellingen.append(len(ctx))
        return tellingen

    reserveer(met_budget, aanbieder, "100.00", "warm")  # the provider's accounts exist
    met = boekingen("met")
    monkeypatch.setattr(reserveringen, "signaleren_na_commit", lambda **kwargs: None)
    monkeypatch.setattr(budget, "signaleren_na_commit", lambda **kwargs: None)
    zonder = boekingen("zonder")
    assert met == zonder


# --- Acknowledging ----------------------------------------------------------------------------


@pytest.fixture
def signalering(met_budget, aanbieder) -> Signalering:
    reserveer(met_budget, aanbieder, "9000.00", "t1")
    return next(s for s in evalueer(met_budget) if s.drempel == 80)


def test_bevestigen_met_toelichting_en_audit(budgethouder, signalering):
    bevestigd = services.signalering_bevestigen(
        door=budgethouder, signalering=signalering, toelichting="  Besproken met inkoop.  "
    )
    assert bevestigd.bevestigd and bevestigd.bevestigd_door == budgethouder
    assert bevestigd.bevestiging_toelichting == "Besproken met inkoop."
    assert bevestigd.lopend  # acknowledging does not end the crossing
    record = AuditRecord.objects.get(object_id=str(signalering.pk), actie=AuditActie.STATUS)
    assert record.gebruiker == budgethouder
    assert record.voor["bevestigd_op"] is None and record.na["bevestigd_op"] is not None
    with NietsVeranderd("financien", "kern"), pytest.raises(DomeinFout) as fout:
        services.signalering_bevestigen(door=budgethouder, signalering=signalering)
    assert (fout.value.code, fout.value.status) == ("signalering_al_bevestigd", 409)


def test_bevestigen_alleen_door_budgethouder_of_beheerder_van_de_gemeente(
    signalering, amsterdam, rotterdam
):
    for door, code in [
        (GebruikerFactory(rollen=["regisseur"], gemeenten=[amsterdam]), "geen_toegang"),
        (
            GebruikerFactory(rollen=["budgethouder"], gemeenten=[rotterdam]),
            "gemeente_buiten_bevoegdheid",
        ),
    ]:
        with NietsVeranderd("financien", "kern"), pytest.raises(DomeinFout) as fout:
            services.signalering_bevestigen(door=door, signalering=signalering)
        assert fout.value.code == code
    signalering.refresh_from_db()
    assert not signalering.bevestigd
    beheerder = GebruikerFactory(rollen=["beheerder"], gemeenten=[amsterdam])
    assert services.signalering_bevestigen(door=beheerder, signalering=signalering).bevestigd


def test_zichtbaar_alleen_voor_de_eigen_gemeente(signalering, budgethouder, rotterdam, aanbieder):
    from tests.factories import aanbieder_gebruiker

    assert list(selectors.signaleringen_zichtbaar(gebruiker=budgethouder)) == [
        *Signalering.objects.order_by("-gesignaleerd_op", "-id")
    ]
    buiten = GebruikerFactory(rollen=["budgethouder"], gemeenten=[rotterdam])
    assert not selectors.signaleringen_zichtbaar(gebruiker=buiten).exists()
    assert not selectors.signaleringen_zichtbaar(gebruiker=aanbieder_gebruiker(aanbieder)).exists()
    with pytest.raises(DomeinFout) as fout:
        selectors.signalering_ophalen(gebruiker=buiten, uuid=signalering.uuid)
    assert (fout.value.code, fout.value.status) == ("signalering_niet_gevonden", 404)


# --- E-mail -----------------------------------------------------------------------------------


def test_mail_na_de_commit_aan_de_budgethouders_van_de_gemeente(
    budgethouder, amsterdam, rotterdam, met_budget, aanbieder, django_capture_on_commit_callbacks
):
    GebruikerFactory(
        email="ander@rotterdam.example", rollen=["budgethouder"], gemeenten=[rotterdam]
    )
    GebruikerFactory(email="regie@amsterdam.example", rollen=["regisseur"], gemeenten=[amsterdam])
    GebruikerFactory(rollen=["budgethouder"], gemeenten=[amsterdam])  # no address
    tweede = GebruikerFactory(
        email="tweede@amsterdam.example", rollen=["budgethouder"], gemeenten=[amsterdam]
    )
    reserveer(met_budget, aanbieder, "9500.00", "t1")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        nieuw = evalueer(met_budget)
    assert len(nieuw) == 2 and mail.outbox == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert sorted(m.to[0] for m in mail.outbox) == [budgethouder.email, tweede.email]
    bericht = mail.outbox[0]
    assert bericht.subject == "Budgetbewaking Amsterdam: 2 drempels overschreden"
    assert "- Budgetpost 2026 Wmo 2015 6.71: 95,00% van het budget" in bericht.body
    assert "drempel 80%." in bericht.body and "drempel 90%." in bericht.body
    assert bericht.from_email == "budgetbewaking@localhost"
    assert {s.mail_status for s in Signalering.objects.all()} == {MailStatus.VERSTUURD}


class _KapotteMailserver:
    def send_messages(self, berichten):
        raise ConnectionRefusedError


@pytest.fixture
def alleen(signalering) -> Signalering:
    """The 80 % alert of the fixture on its own: the 90 % one raised with it is set aside."""
    Signalering.objects.exclude(pk=signalering.pk).update(mail_status=MailStatus.ONBEKEND)
    return signalering


def test_een_verstuurde_mail_wordt_vastgelegd(budgethouder, alleen):
    from financien.services import signaleringen

    signalering = alleen
    assert signalering.mail_status == MailStatus.TE_VERSTUREN
    assert signaleringen._mailen([signalering.pk]) == 1
    signalering.refresh_from_db()
    assert (signalering.mail_status, signalering.mail_pogingen, signalering.mail_fout) == (
        MailStatus.VERSTUURD,
        1,
        "",
    )
    assert signalering.gemaild_op is not None
    # Sent once: neither a second call nor the retry mails it again.
    assert signaleringen._mailen([signalering.pk]) == 0
    assert services.signaleringsmails_opnieuw(nu=timezone.now() + timedelta(hours=1)) == 0
    assert len(mail.outbox) == 1


def test_een_falende_mailserver_wordt_vastgelegd_en_later_opnieuw_geprobeerd(
    budgethouder, alleen, monkeypatch, caplog
):
    signalering = alleen
    from financien.services import signaleringen

    monkeypatch.setattr(signaleringen, "get_connection", lambda: _KapotteMailserver())
    assert signaleringen._mailen([signalering.pk]) == 0
    assert "mislukt (ConnectionRefusedError)" in caplog.text
    signalering.refresh_from_db()
    assert (signalering.mail_status, signalering.mail_pogingen, signalering.mail_fout) == (
        MailStatus.MISLUKT,
        1,
        "ConnectionRefusedError",
    )
    assert signalering.gemaild_op is None and signalering.lopend
    # The mail server is back: the periodic retry sends it, once.
    monkeypatch.undo()
    assert tasks.signaleringsmails_opnieuw() == 1
    assert [m.to for m in mail.outbox] == [[budgethouder.email]]
    signalering.refresh_from_db()
    assert (signalering.mail_status, signalering.mail_pogingen) == (MailStatus.VERSTUURD, 2)
    assert tasks.signaleringsmails_opnieuw() == 0


def test_opnieuw_hoogstens_zo_vaak_als_ingesteld(budgethouder, signalering, monkeypatch, settings):
    from financien.services import signaleringen

    settings.FINANCIEN_SIGNALERINGSMAIL_POGINGEN = 3
    monkeypatch.setattr(signaleringen, "get_connection", lambda: _KapotteMailserver())
    signaleringen._mailen([signalering.pk])
    for _ in range(4):
        services.signaleringsmails_opnieuw()
    signalering.refresh_from_db()
    assert (signalering.mail_status, signalering.mail_pogingen) == (MailStatus.MISLUKT, 3)


def test_zonder_budgethouder_met_adres_geen_ontvangers(budgethouder, alleen):
    from financien.services import signaleringen

    signalering = alleen
    budgethouder.email = ""
    budgethouder.save(update_fields=["email"])
    assert signaleringen._mailen([signalering.pk]) == 0
    signalering.refresh_from_db()
    assert (signalering.mail_status, signalering.mail_pogingen) == (
        MailStatus.GEEN_ONTVANGERS,
        0,
    )
    assert services.signaleringsmails_opnieuw(nu=timezone.now() + timedelta(hours=1)) == 0
    assert mail.outbox == []


def test_een_mail_die_na_de_commit_verloren_ging_gaat_alsnog(budgethouder, alleen):
    """The process stopped between the evaluation's commit and its mail: the alert is still
    'te versturen'; the retry takes it after ten minutes, while it runs and for a week."""
    signalering = alleen
    nu = signalering.gesignaleerd_op
    assert services.signaleringsmails_opnieuw(nu=nu + timedelta(minutes=5)) == 0
    assert services.signaleringsmails_opnieuw(nu=nu + timedelta(days=8)) == 0
    Signalering.objects.filter(pk=signalering.pk).update(beeindigd_op=nu + timedelta(hours=1))
    assert services.signaleringsmails_opnieuw(nu=nu + timedelta(hours=2)) == 0
    Signalering.objects.filter(pk=signalering.pk).update(beeindigd_op=None)
    assert services.signaleringsmails_opnieuw(nu=nu + timedelta(minutes=11)) == 1
    signalering.refresh_from_db()
    assert signalering.mail_status == MailStatus.VERSTUURD


# --- After each booking, and the periodic task -----------------------------------------------


@pytest.fixture
def na_de_commit(amsterdam, monkeypatch) -> tuple[Budgetpost, list[dict]]:
    """The post of ``post_met_gebruiksdrempels`` and the list of the alert evaluations queued
    after commits (they still run)."""
    budgetpost = post_met_gebruiksdrempels(amsterdam)
    aanroepen: list[dict] = []
    echt = tasks.signaleringen_na_boeking.delay

    def tellen(**kwargs):
        aanroepen.append(kwargs)
        return echt(**kwargs)

    monkeypatch.setattr(tasks.signaleringen_na_boeking, "delay", tellen)
    return budgetpost, aanroepen


def _evaluatie_van_t0_t2(budgetpost, aanbieder, gemeente) -> dict:
    """The one evaluation queued for reservations t0, t1 and t2 of ``aanbieder`` on
    ``budgetpost`` (2026)."""
    return {
        "budgetpost_ids": [budgetpost.pk],
        "toewijzingen": ["t0", "t1", "t2"],
        "bestedingsruimten": [[aanbieder.pk, gemeente.pk, 2026]],
    }


@pytest.mark.django_db(transaction=True)
def test_na_elke_boeking_geevalueerd_na_de_commit(amsterdam, aanbieder, na_de_commit):
    budgetpost, aanroepen = na_de_commit
    # Three bookings in one transaction: one evaluation, after the commit.
    with transaction.atomic():
        for i in range(3):
            reserveer(budgetpost, aanbieder, "3000.00", f"t{i}")
        assert aanroepen == [] and not Signalering.objects.exists()
    assert aanroepen == [_evaluatie_van_t0_t2(budgetpost, aanbieder, amsterdam)]
    assert [s.drempel for s in van_soort("budgetpost")] == [80, 90]
    assert len(mail.outbox) == 1 and "90,00%" in mail.outbox[0].body
    assert mail.outbox[0].subject == "Budgetbewaking Amsterdam: 2 drempels overschreden"
    # A transaction that rolls back evaluates nothing.
    with pytest.raises(RuntimeError), transaction.atomic():
        reserveer(budgetpost, aanbieder, "900.00", "t-terug")
        raise RuntimeError
    assert len(aanroepen) == 1
    # A change raises the next threshold.
    services.reservering_wijzigen(
        door=None,
        reservering=Reservering.objects.get(bron_id="t2"),
        bedrag=D("4000.00"),
        idempotentiesleutel="w2",
    )
    assert [s.drempel for s in van_soort("budgetpost")] == [80, 90, 100]
    assert len(mail.outbox) == 2 and mail.outbox[1].subject.endswith(": 1 drempel overschreden")


@pytest.mark.django_db(transaction=True)
def test_een_bundel_evalueert_zijn_transacties_eenmaal_na_afloop(
    amsterdam, aanbieder, na_de_commit, monkeypatch
):
    budgetpost, aanroepen = na_de_commit
    # Three committed transactions and one that rolls back, inside a bundle: nothing is
    # evaluated until it ends, then once, on the committed three together.
    with services.signaleringen_bundelen():
        for i in range(2):
            reserveer(budgetpost, aanbieder, "3000.00", f"t{i}")
        with pytest.raises(RuntimeError), transaction.atomic():
            reserveer(budgetpost, aanbieder, "900.00", "t-terug")
            raise RuntimeError
        with services.signaleringen_bundelen():  # an inner bundle joins the outer one
            reserveer(budgetpost, aanbieder, "3000.00", "t2")
        assert aanroepen == [] and not Signalering.objects.exists()
    assert aanroepen == [_evaluatie_van_t0_t2(budgetpost, aanbieder, amsterdam)]
    assert [s.drempel for s in van_soort("budgetpost")] == [80, 90]
    assert len(mail.outbox) == 1
    # A bundle that ends in an error still evaluates what was committed in it; a bundle
    # whose only transaction rolled back queues nothing.
    with pytest.raises(RuntimeError), services.signaleringen_bundelen():
        services.reservering_wijzigen(
            door=None,
            reservering=Reservering.objects.get(bron_id="t2"),
            bedrag=D("4000.00"),
            idempotentiesleutel="w2",
        )
        raise RuntimeError
    assert len(aanroepen) == 2 and aanroepen[1]["toewijzingen"] == ["t2"]
    assert [s.drempel for s in van_soort("budgetpost")] == [80, 90, 100]
    with (
        services.signaleringen_bundelen(),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        reserveer(budgetpost, aanbieder, "10.00", "t-weer-terug")
        raise RuntimeError
    assert len(aanroepen) == 2
    # Outside a bundle every commit is evaluated again on its own.
    reserveer(budgetpost, aanbieder, "10.00", "t3")
    assert len(aanroepen) == 3

    # A broker that is down does not undo or fail what the bundle committed (as Django's
    # robust on_commit): the periodic evaluation measures it later.
    def kapot(**kwargs):
        raise ConnectionError("broker onbereikbaar")

    monkeypatch.setattr(tasks.signaleringen_na_boeking, "delay", kapot)
    with services.signaleringen_bundelen():
        reserveer(budgetpost, aanbieder, "10.00", "t4")
    assert Reservering.objects.filter(bron_id="t4").exists()


def test_de_periodieke_taak_evalueert_elk_open_jaar(
    budgethouder, amsterdam, met_budget, budgetpost_2027, aanbieder
):
    reserveer(met_budget, aanbieder, "8000.00", "t1")
    reserveer(budgetpost_2027, aanbieder, "5.00", "t2")
    BestedingsruimteFactory(zorgaanbieder=aanbieder, gemeente=amsterdam, jaar=2026, bedrag=D("1"))
    services.jaar_afsluiten(door=budgethouder, gemeente=amsterdam, jaar=2027)
    aantal = tasks.signaleringen_evalueren.delay().get()
    soorten = sorted({(s.soort, s.jaar) for s in Signalering.objects.all()})
    assert ("budgetpost", 2026) in soorten and ("bestedingsruimte", 2026) in soorten
    assert ("toewijzing", 2026) not in soorten  # nothing realised yet
    # 2027 is closed: its budget post is not evaluated by the task.
    assert not Signalering.objects.filter(budgetpost=budgetpost_2027).exists()
    assert aantal == Signalering.objects.count()
    assert tasks.signaleringen_evalueren.delay().get() == 0  # safe to run twice


@hypothesis_settings(max_examples=300, deadline=None)
@given(
    norm=st.decimals(min_value=0, max_value=10**7, places=2),
    waarde=st.decimals(min_value=0, max_value=10**7, places=2),
    drempel=st.integers(min_value=1, max_value=1000),
    marge=st.decimals(min_value=-5, max_value=50, places=1),
)
def test_gezakt_en_boven_sluiten_elkaar_uit(norm, waarde, drempel, marge):
    """A value never both crosses a threshold and ends its alert; without a margin, ending is
    exactly not crossing; the margin never ends an alert above half its threshold."""
    meting = _Meting(
        soort=SignaleringSoort.BUDGETPOST,
        sleutel="budgetpost:1",
        gemeente_id=1,
        jaar=2026,
        norm=norm,
        waarde=waarde,
        drempels=(drempel,),
        onderwerp="",
        maat="",
        cijfers={},
    )
    assert not (meting.boven(drempel) and meting.gezakt(drempel, marge))
    assert meting.gezakt(drempel, D(0)) == (not meting.boven(drempel))
    if norm > 0 and waarde * 200 >= norm * drempel:
        assert not meting.gezakt(drempel, D(1000))
    # A larger margin never ends an alert a smaller one keeps running.
    if meting.gezakt(drempel, marge):
        assert meting.gezakt(drempel, max(marge, D(0)) - D("0.5")) or marge <= 0

"""Payment batches: what a batch collects, four eyes, paying once (and a retry that books
nothing twice), cancelling, offsetting a credit against the next batch (art. 3.12), and the
constraints that hold when a service is bypassed."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from financien import selectors, services
from financien.constants import BetaalbatchStatus, BoekingSoort, BronType
from financien.models import (
    Betaalbatch,
    Betaalbatchbetaling,
    Betaalbatchregel,
    BetaalbatchStatusWijziging,
    Boeking,
)
from financien.services._basis import _vergrendel
from financien.services.betaalbatches import _betaling_boeken
from kern.constants import AuditActie
from kern.exceptions import DomeinFout
from kern.models import AuditRecord
from tests.factories import GebruikerFactory, ZorgaanbiederFactory
from tests.financien.batchscene import (
    GEMEENTE_BIC,
    GEMEENTE_IBAN,
    UITVOERING,
    aanbieder_saldi,
    crediteer,
    grootboekstand,
    realiseer,
    reserveer,
)
from tests.financien.conftest import D, stand
from tests.utils import NietsVeranderd

pytestmark = pytest.mark.django_db

#: Making a batch: lock, lines, providers, number, the batch (with full_clean), payments,
#: lines, history and audit: the same for 4 lines of 2 providers as for 24 of 7.
AANMAKEN_QUERIES = 37


@pytest.fixture
def scene(budgethouder, budgetpost, aanbieder, ander_aanbieder, betaalrekening):
    """Budget 100,000. Zorg Noord: realised 1,000 (30 April) and 1,200 (31 May), 200 of
    April credited (10 June). Zorg Zuid: realised 800 (31 May)."""
    services.budget_toekennen(
        door=budgethouder,
        budgetpost=budgetpost,
        bedrag=D("100000.00"),
        reden="Begroting",
        idempotentiesleutel="begroting",
        boekdatum=date(2026, 1, 1),
    )
    noord = reserveer(budgetpost, aanbieder, "10000.00", "toewijzing-noord")
    zuid = reserveer(budgetpost, ander_aanbieder, "5000.00", "toewijzing-zuid")
    april = realiseer(noord, "1000.00", "noord-april", date(2026, 4, 30))
    mei = realiseer(noord, "1200.00", "noord-mei", date(2026, 5, 31))
    zuid_mei = realiseer(zuid, "800.00", "zuid-mei", date(2026, 5, 31))
    credit = crediteer(april, "200.00", "noord-april-credit", date(2026, 6, 10))
    return {"april": april, "mei": mei, "zuid_mei": zuid_mei, "credit": credit}


def maak_batch(door, gemeente, **kwargs) -> Betaalbatch:
    return services.betaalbatch_aanmaken(
        door=door, gemeente=gemeente, uitvoeringsdatum=UITVOERING, **kwargs
    )


def controle() -> None:
    assert selectors.grootboek_controleren() == []
    assert selectors.betaalbatches_controleren() == []


# --- Making a batch ------------------------------------------------------------------------


def test_batch_verzamelt_per_aanbieder_het_saldo(
    budgethouder, amsterdam, scene, aanbieder, ander_aanbieder
):
    batch = maak_batch(budgethouder, amsterdam, omschrijving="Juni")

    assert (batch.referentie, batch.volgnummer, batch.status) == (
        "BB-0363-000001",
        1,
        BetaalbatchStatus.CONCEPT,
    )
    assert (batch.totaal_bedrag, batch.aantal_betalingen, batch.overgeslagen) == (
        D("2800.00"),
        2,
        [],
    )
    assert (batch.debiteur_naam, batch.debiteur_iban, batch.debiteur_bic) == (
        "Gemeente Amsterdam",
        GEMEENTE_IBAN,
        GEMEENTE_BIC,
    )
    assert [
        (b.zorgaanbieder, b.naam, b.iban, b.bedrag, b.eind_tot_eind_id, b.boeking)
        for b in batch.betalingen.order_by("eind_tot_eind_id")
    ] == [
        (aanbieder, "Zorg Noord B.V.", aanbieder.iban, D("2000.00"), "BB-0363-000001-0001", None),
        (
            ander_aanbieder,
            "Zorg Zuid B.V.",
            ander_aanbieder.iban,
            D("800.00"),
            "BB-0363-000001-0002",
            None,
        ),
    ]
    assert sorted(
        (r.boeking_id, r.bedrag, r.betaling.zorgaanbieder_id, r.actief)
        for r in batch.regels.select_related("betaling")
    ) == [
        (scene["april"].pk, D("1000.00"), aanbieder.pk, True),
        (scene["mei"].pk, D("1200.00"), aanbieder.pk, True),
        (scene["zuid_mei"].pk, D("800.00"), ander_aanbieder.pk, True),
        (scene["credit"].pk, D("-200.00"), aanbieder.pk, True),
    ]
    assert list(batch.statuswijzigingen.values_list("van_status", "naar_status", "door")) == [
        ("", BetaalbatchStatus.CONCEPT, budgethouder.pk)
    ]
    audit = AuditRecord.objects.get(
        content_type=ContentType.objects.get_for_model(Betaalbatch),
        object_id=str(batch.pk),
        actie=AuditActie.AANGEMAAKT,
    )
    assert audit.gebruiker == budgethouder
    assert audit.na["regels"] == 4
    # Making a batch books nothing.
    assert not Boeking.objects.filter(soort=BoekingSoort.BETALING).exists()
    controle()


def test_een_tweede_batch_vindt_niets_meer(budgethouder, amsterdam, scene):
    maak_batch(budgethouder, amsterdam)
    with NietsVeranderd("financien"), pytest.raises(DomeinFout) as fout:
        maak_batch(budgethouder, amsterdam)
    assert fout.value.code == "niets_te_betalen"
    assert fout.value.bericht == "Er is voor gemeente Amsterdam niets te betalen."


def test_tot_en_met_laat_latere_boekingen_voor_de_volgende_batch(
    budgethouder, beoordelaar, amsterdam, scene, aanbieder
):
    batch = maak_batch(budgethouder, amsterdam, tot_en_met=date(2026, 5, 15))
    # Only April (1,000) is on or before 15 May.
    assert [(b.zorgaanbieder, b.bedrag) for b in batch.betalingen.all()] == [
        (aanbieder, D("1000.00"))
    ]
    # The credit of April waits while April is in an unpaid batch.
    volgende = maak_batch(budgethouder, amsterdam)
    assert sorted(volgende.regels.values_list("bedrag", flat=True)) == [
        D("800.00"),
        D("1200.00"),
    ]
    services.betaalbatch_annuleren(door=budgethouder, batch=volgende, reden="Eerst april")
    services.betaalbatch_goedkeuren(door=beoordelaar, batch=batch)
    services.betaalbatch_betaald_melden(door=beoordelaar, batch=batch, betaaldatum=UITVOERING)
    # With April paid, its credit goes along.
    derde = maak_batch(budgethouder, amsterdam)
    assert derde.referentie == "BB-0363-000003"
    assert sorted(derde.regels.values_list("bedrag", flat=True)) == [
        D("-200.00"),
        D("800.00"),
        D("1200.00"),
    ]
    assert derde.totaal_bedrag == D("1800.00")
    controle()


def test_een_creditering_wacht_tot_haar_realisatie_betaald_is(
    budgethouder, beoordelaar, amsterdam, budgetpost, scene, aanbieder
):
    eerste = maak_batch(budgethouder, amsterdam)
    # Another 300 of May is credited while the first batch is not yet paid.
    crediteer(scene["mei"], "300.00", "noord-mei-credit", date(2026, 7, 1))
    with NietsVeranderd("financien"), pytest.raises(DomeinFout) as fout:
        maak_batch(budgethouder, amsterdam)
    assert fout.value.code == "niets_te_betalen"

    services.betaalbatch_goedkeuren(door=beoordelaar, batch=eerste)
    services.betaalbatch_betaald_melden(door=beoordelaar, batch=eerste, betaaldatum=UITVOERING)
    # Paid 2,000 while only 1,700 was owed: the provider owes 300.
    assert aanbieder_saldi(budgetpost, aanbieder) == (D("-300.00"), D("2000.00"))
    with pytest.raises(DomeinFout) as fout:
        maak_batch(budgethouder, amsterdam)
    assert fout.value.code == "niets_te_betalen"
    assert fout.value.details["overgeslagen"] == [
        {
            "zorgaanbieder": str(aanbieder.uuid),
            "naam": "Zorg Noord B.V.",
            "saldo": "-300.00",
            "reden": "saldo_niet_positief",
        }
    ]
    controle()


def test_aanbieder_zonder_iban_wordt_overgeslagen(
    budgethouder, amsterdam, scene, aanbieder, ander_aanbieder
):
    ander_aanbieder.iban = ""
    ander_aanbieder.save()
    batch = maak_batch(budgethouder, amsterdam)
    assert [b.zorgaanbieder for b in batch.betalingen.all()] == [aanbieder]
    assert batch.overgeslagen == [
        {
            "zorgaanbieder": str(ander_aanbieder.uuid),
            "naam": "Zorg Zuid B.V.",
            "saldo": "800.00",
            "reden": "geen_iban",
        }
    ]
    assert not Betaalbatchregel.objects.filter(boeking=scene["zuid_mei"]).exists()


def test_zonder_betaalrekening_geen_batch(budgethouder, rotterdam):
    bh_rotterdam = GebruikerFactory(rollen=["budgethouder"], gemeenten=[rotterdam])
    with NietsVeranderd("financien"), pytest.raises(DomeinFout) as fout:
        maak_batch(bh_rotterdam, rotterdam)
    assert fout.value.code == "geen_betaalrekening"


@pytest.mark.parametrize(
    ("rollen", "code"),
    [(["regisseur"], "geen_toegang"), (["inkoper"], "geen_toegang")],
)
def test_aanmaken_vraagt_budgethouder_of_beoordelaar(amsterdam, scene, rollen, code):
    gebruiker = GebruikerFactory(rollen=rollen, gemeenten=[amsterdam])
    with NietsVeranderd("financien"), pytest.raises(DomeinFout) as fout:
        maak_batch(gebruiker, amsterdam)
    assert fout.value.code == code


def test_aanmaken_buiten_de_eigen_gemeente_geweigerd(amsterdam, rotterdam, scene):
    gebruiker = GebruikerFactory(rollen=["budgethouder"], gemeenten=[rotterdam])
    with NietsVeranderd("financien"), pytest.raises(DomeinFout) as fout:
        maak_batch(gebruiker, amsterdam)
    assert fout.value.code == "gemeente_buiten_bevoegdheid"


def test_aanmaken_in_een_vast_aantal_queries(budgethouder, amsterdam, scene, ander_aanbieder):
    """The query count does not grow with the number of lines or providers."""

    def queries_voor_batch() -> int:
        with CaptureQueriesContext(connection) as ctx:
            batch = maak_batch(budgethouder, amsterdam)
        services.betaalbatch_annuleren(door=budgethouder, batch=batch, reden="telling")
        return len(ctx.captured_queries)

    queries_voor_batch()  # warms the content type cache of the audit log
    assert queries_voor_batch() == AANMAKEN_QUERIES
    budgetpost = scene["april"].reservering.budgetpost
    for nummer in range(1, 6):
        reservering = reserveer(
            budgetpost, ZorgaanbiederFactory(), "1000.00", f"toewijzing-extra-{nummer}"
        )
        for dag in range(1, 5):
            realiseer(reservering, "10.00", f"extra-{nummer}-{dag}", date(2026, 7, dag))
    assert queries_voor_batch() == AANMAKEN_QUERIES


# --- Four eyes -----------------------------------------------------------------------------


def test_wie_de_batch_maakte_keurt_hem_niet_goed(budgethouder, amsterdam, scene):
    batch = maak_batch(budgethouder, amsterdam)
    voor = grootboekstand()
    with NietsVeranderd("financien", "kern"), pytest.raises(DomeinFout) as fout:
        services.betaalbatch_goedkeuren(door=budgethouder, batch=batch)
    assert (fout.value.code, fout.value.status) == ("vier_ogen", 403)
    assert fout.value.bericht == (
        "U heeft betaalbatch BB-0363-000001 zelf aangemaakt; een ander keurt hem goed (vier ogen)."
    )
    batch.refresh_from_db()
    assert (batch.status, batch.goedgekeurd_door) == (BetaalbatchStatus.CONCEPT, None)
    assert grootboekstand() == voor


def test_een_ander_keurt_goed(budgethouder, beoordelaar, amsterdam, scene):
    batch = maak_batch(budgethouder, amsterdam)
    services.betaalbatch_goedkeuren(door=beoordelaar, batch=batch)
    batch.refresh_from_db()
    assert (batch.status, batch.goedgekeurd_door) == (BetaalbatchStatus.GOEDGEKEURD, beoordelaar)
    assert batch.goedgekeurd_op is not None
    assert list(
        batch.statuswijzigingen.order_by("id").values_list("van_status", "naar_status", "door")
    ) == [
        ("", BetaalbatchStatus.CONCEPT, budgethouder.pk),
        (BetaalbatchStatus.CONCEPT, BetaalbatchStatus.GOEDGEKEURD, beoordelaar.pk),
    ]
    with pytest.raises(DomeinFout) as fout:
        services.betaalbatch_goedkeuren(door=beoordelaar, batch=batch)
    assert fout.value.code == "statusovergang_niet_toegestaan"


def test_goedkeuren_door_het_systeem_of_een_andere_gemeente_geweigerd(
    budgethouder, amsterdam, rotterdam, scene
):
    batch = maak_batch(budgethouder, amsterdam)
    with NietsVeranderd("financien"), pytest.raises(DomeinFout) as fout:
        services.betaalbatch_goedkeuren(door=None, batch=batch)
    assert fout.value.code == "vier_ogen"
    buiten = GebruikerFactory(rollen=["beoordelaar"], gemeenten=[rotterdam])
    with NietsVeranderd("financien"), pytest.raises(DomeinFout) as fout:
        services.betaalbatch_goedkeuren(door=buiten, batch=batch)
    assert fout.value.code == "gemeente_buiten_bevoegdheid"


def test_de_database_houdt_vier_ogen_vast(budgethouder, amsterdam, scene):
    batch = maak_batch(budgethouder, amsterdam)
    with pytest.raises(IntegrityError), transaction.atomic():
        Betaalbatch.objects.filter(pk=batch.pk).update(goedgekeurd_door=budgethouder)


# --- Paying --------------------------------------------------------------------------------


@pytest.fixture
def goedgekeurd(budgethouder, beoordelaar, amsterdam, scene) -> Betaalbatch:
    batch = maak_batch(budgethouder, amsterdam)
    return services.betaalbatch_goedkeuren(door=beoordelaar, batch=batch)


def test_betaald_melden_boekt_per_aanbieder(
    beoordelaar, budgetpost, goedgekeurd, aanbieder, ander_aanbieder
):
    assert stand(budgetpost)["betaald"] == D("0.00")
    batch = services.betaalbatch_betaald_melden(
        door=beoordelaar, batch=goedgekeurd, betaaldatum=date(2026, 8, 4)
    )
    assert (batch.status, batch.betaaldatum, batch.betaald_door) == (
        BetaalbatchStatus.BETAALD,
        date(2026, 8, 4),
        beoordelaar,
    )
    assert aanbieder_saldi(budgetpost, aanbieder) == (D("0.00"), D("2000.00"))
    assert aanbieder_saldi(budgetpost, ander_aanbieder) == (D("0.00"), D("800.00"))
    assert stand(budgetpost)["betaald"] == D("2800.00")
    betalingen = list(
        Boeking.objects.filter(soort=BoekingSoort.BETALING)
        .order_by("id")
        .values_list("bron_type", "bron_id", "idempotentiesleutel", "bedrag", "boekdatum", "door")
    )
    assert betalingen == [
        (
            BronType.BETAALBATCH,
            str(batch.uuid),
            f"betaalbatch:{batch.uuid}:{aanbieder.uuid}",
            D("2000.00"),
            date(2026, 8, 4),
            beoordelaar.pk,
        ),
        (
            BronType.BETAALBATCH,
            str(batch.uuid),
            f"betaalbatch:{batch.uuid}:{ander_aanbieder.uuid}",
            D("800.00"),
            date(2026, 8, 4),
            beoordelaar.pk,
        ),
    ]
    assert all(b.boeking_id is not None for b in batch.betalingen.all())
    controle()


def test_twee_keer_betaald_melden_geweigerd(beoordelaar, goedgekeurd):
    services.betaalbatch_betaald_melden(door=beoordelaar, batch=goedgekeurd, betaaldatum=UITVOERING)
    voor = grootboekstand()
    with NietsVeranderd("financien", "kern"), pytest.raises(DomeinFout) as fout:
        services.betaalbatch_betaald_melden(
            door=beoordelaar, batch=goedgekeurd, betaaldatum=UITVOERING
        )
    assert (fout.value.code, fout.value.status) == ("batch_al_betaald", 409)
    assert fout.value.bericht == (
        "Betaalbatch BB-0363-000001 is al betaald; er kan niets meer aan veranderen."
    )
    assert grootboekstand() == voor
    assert Boeking.objects.filter(soort=BoekingSoort.BETALING).count() == 2


def test_betaaldatum_niet_voor_de_laatste_boeking(beoordelaar, goedgekeurd):
    voor = grootboekstand()
    with NietsVeranderd("financien", "kern"), pytest.raises(DomeinFout) as fout:
        services.betaalbatch_betaald_melden(
            door=beoordelaar, batch=goedgekeurd, betaaldatum=date(2026, 6, 9)
        )
    assert fout.value.code == "betaaldatum_te_vroeg"
    assert fout.value.bericht == (
        "De betaaldatum 09-06-2026 ligt voor de laatste boeking in de batch (10-06-2026); "
        "een betaling volgt op wat zij betaalt."
    )
    assert grootboekstand() == voor
    services.betaalbatch_betaald_melden(
        door=beoordelaar, batch=goedgekeurd, betaaldatum=date(2026, 6, 10)
    )


def test_een_concept_wordt_niet_betaald(budgethouder, amsterdam, scene):
    batch = maak_batch(budgethouder, amsterdam)
    with NietsVeranderd("financien"), pytest.raises(DomeinFout) as fout:
        services.betaalbatch_betaald_melden(door=budgethouder, batch=batch, betaaldatum=UITVOERING)
    assert fout.value.code == "batch_niet_goedgekeurd"


def test_een_herhaalde_betaling_boekt_niets_twee_keer(
    beoordelaar, budgetpost, goedgekeurd, aanbieder, ander_aanbieder
):
    """A provider's payment booked by an earlier, interrupted run is found by its key and
    not booked again."""
    betaling = goedgekeurd.betalingen.get(zorgaanbieder=aanbieder)
    with transaction.atomic():
        eerder = _betaling_boeken(
            door=beoordelaar,
            batch=goedgekeurd,
            betaling=betaling,
            delen=[(budgetpost.pk, D("2000.00"))],
            rekeningen=_vergrendel(Q(zorgaanbieder=aanbieder)),
            betaaldatum=UITVOERING,
        )
    assert aanbieder_saldi(budgetpost, aanbieder) == (D("0.00"), D("2000.00"))

    services.betaalbatch_betaald_melden(door=beoordelaar, batch=goedgekeurd, betaaldatum=UITVOERING)
    betaling.refresh_from_db()
    assert betaling.boeking == eerder
    assert Boeking.objects.filter(soort=BoekingSoort.BETALING).count() == 2
    assert aanbieder_saldi(budgetpost, aanbieder) == (D("0.00"), D("2000.00"))
    assert aanbieder_saldi(budgetpost, ander_aanbieder) == (D("0.00"), D("800.00"))
    controle()


# --- Cancelling ----------------------------------------------------------------------------


def test_annuleren_geeft_de_regels_vrij(budgethouder, beoordelaar, amsterdam, scene):
    batch = maak_batch(budgethouder, amsterdam)
    with NietsVeranderd("financien"), pytest.raises(DomeinFout) as fout:
        services.betaalbatch_annuleren(door=beoordelaar, batch=batch, reden="  ")
    assert fout.value.code == "reden_verplicht"

    services.betaalbatch_annuleren(door=beoordelaar, batch=batch, reden="Verkeerde datum")
    batch.refresh_from_db()
    assert batch.status == BetaalbatchStatus.GEANNULEERD
    assert not batch.regels.filter(actief=True).exists()
    assert BetaalbatchStatusWijziging.objects.filter(batch=batch).last().reden == (
        "Verkeerde datum"
    )

    nieuw = maak_batch(budgethouder, amsterdam)
    assert (nieuw.referentie, nieuw.totaal_bedrag, nieuw.regels.count()) == (
        "BB-0363-000002",
        D("2800.00"),
        4,
    )
    with pytest.raises(DomeinFout) as fout:
        services.betaalbatch_goedkeuren(door=beoordelaar, batch=batch)
    assert fout.value.code == "statusovergang_niet_toegestaan"
    controle()


def test_een_betaalde_batch_wordt_niet_geannuleerd(beoordelaar, goedgekeurd):
    services.betaalbatch_betaald_melden(door=beoordelaar, batch=goedgekeurd, betaaldatum=UITVOERING)
    with NietsVeranderd("financien"), pytest.raises(DomeinFout) as fout:
        services.betaalbatch_annuleren(door=beoordelaar, batch=goedgekeurd, reden="Te laat")
    assert fout.value.code == "batch_al_betaald"
    assert goedgekeurd.regels.filter(actief=True).count() == 4


def test_een_boeking_zit_in_hoogstens_een_batch(budgethouder, amsterdam, scene):
    batch = maak_batch(budgethouder, amsterdam)
    regel = batch.regels.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Betaalbatchregel.objects.create(
            batch=batch,
            betaling=regel.betaling,
            boekingsregel=regel.boekingsregel,
            boeking=regel.boeking,
            budgetpost=regel.budgetpost,
            bedrag=regel.bedrag,
        )


# --- Offsetting (Contractstandaarden art. 3.12) --------------------------------------------


def test_verrekenen_van_een_creditering_na_betaling_met_de_volgende_batch(
    budgethouder,
    beoordelaar,
    amsterdam,
    budgetpost,
    budgetpost_2027,
    goedgekeurd,
    aanbieder,
    ander_aanbieder,
    scene,
):
    services.betaalbatch_betaald_melden(door=beoordelaar, batch=goedgekeurd, betaaldatum=UITVOERING)
    # After payment the whole of May (1,200) is credited: Zorg Noord owes 1,200.
    crediteer(scene["mei"], None, "noord-mei-credit", date(2026, 9, 1))
    assert aanbieder_saldi(budgetpost, aanbieder) == (D("-1200.00"), D("2000.00"))
    controle()

    # January 2027 is realised on the 2027 post: 1,500 for Noord, 400 for Zuid.
    services.budget_toekennen(
        door=budgethouder,
        budgetpost=budgetpost_2027,
        bedrag=D("50000.00"),
        reden="Begroting 2027",
        idempotentiesleutel="begroting-2027",
    )
    noord_2027 = reserveer(budgetpost_2027, aanbieder, "6000.00", "toewijzing-noord-2027")
    zuid_2027 = reserveer(budgetpost_2027, ander_aanbieder, "6000.00", "toewijzing-zuid-2027")
    realiseer(noord_2027, "1500.00", "noord-2027-01", date(2027, 2, 5))
    realiseer(zuid_2027, "400.00", "zuid-2027-01", date(2027, 2, 5))

    batch = maak_batch(budgethouder, amsterdam)
    # Noord: 1,500 (2027) - 1,200 (credit 2026) = 300; Zuid: 400.
    assert [(b.zorgaanbieder, b.bedrag) for b in batch.betalingen.order_by("eind_tot_eind_id")] == [
        (aanbieder, D("300.00")),
        (ander_aanbieder, D("400.00")),
    ]
    assert batch.totaal_bedrag == D("700.00")
    services.betaalbatch_goedkeuren(door=beoordelaar, batch=batch)
    services.betaalbatch_betaald_melden(
        door=budgethouder, batch=batch, betaaldatum=date(2027, 3, 1)
    )

    # Everything is settled: paid in 2026 net of the credit (2,000 - 1,200), 2027 in full.
    assert aanbieder_saldi(budgetpost, aanbieder) == (D("0.00"), D("800.00"))
    assert aanbieder_saldi(budgetpost_2027, aanbieder) == (D("0.00"), D("1500.00"))
    assert aanbieder_saldi(budgetpost_2027, ander_aanbieder) == (D("0.00"), D("400.00"))
    betaling = batch.betalingen.get(zorgaanbieder=aanbieder)
    assert sorted(
        (r.rekening.budgetpost_id, r.rekening.soort, r.bedrag)
        for r in betaling.boeking.regels.select_related("rekening")
    ) == sorted(
        [
            (budgetpost.pk, "betaald", D("-1200.00")),
            (budgetpost.pk, "te_betalen", D("1200.00")),
            (budgetpost_2027.pk, "betaald", D("1500.00")),
            (budgetpost_2027.pk, "te_betalen", D("-1500.00")),
        ]
    )
    assert stand(budgetpost)["betaald"] == D("1600.00")  # Noord 800 + Zuid 800
    assert stand(budgetpost_2027)["betaald"] == D("1900.00")
    controle()


# --- The gemeente's account ----------------------------------------------------------------


def test_betaalrekening_vastleggen_en_wijzigen(budgethouder, amsterdam):
    rekening = services.betaalrekening_vastleggen(
        door=budgethouder,
        gemeente=amsterdam,
        naam="Gemeente Amsterdam",
        iban="nl14 bngh 0285 0012 34",
        bic="bnghnl2g",
    )
    assert (rekening.iban, rekening.bic) == ("NL14BNGH0285001234", "BNGHNL2G")
    gewijzigd = services.betaalrekening_vastleggen(
        door=budgethouder, gemeente=amsterdam, naam="Gemeente Amsterdam", iban="NL20INGB0001234567"
    )
    assert (gewijzigd.pk, gewijzigd.iban, gewijzigd.bic) == (rekening.pk, "NL20INGB0001234567", "")
    assert (
        AuditRecord.objects.filter(
            content_type=ContentType.objects.get_for_model(rekening), object_id=str(rekening.pk)
        ).count()
        == 2
    )


@pytest.mark.parametrize(
    ("iban", "bic", "code"),
    [
        ("NL15BNGH0285001234", "", "iban_ongeldig"),
        ("NL14BNGH0285001234", "BNGH", "bic_ongeldig"),
    ],
)
def test_betaalrekening_met_ongeldig_nummer_geweigerd(budgethouder, amsterdam, iban, bic, code):
    with NietsVeranderd("financien"), pytest.raises(DomeinFout) as fout:
        services.betaalrekening_vastleggen(
            door=budgethouder, gemeente=amsterdam, naam="Gemeente", iban=iban, bic=bic
        )
    assert fout.value.code == code


def test_betaalrekening_vraagt_budgethouder_of_beheerder(beoordelaar, amsterdam):
    with pytest.raises(DomeinFout) as fout:
        services.betaalrekening_vastleggen(
            door=beoordelaar, gemeente=amsterdam, naam="Gemeente", iban="NL14BNGH0285001234"
        )
    assert fout.value.code == "geen_toegang"


def test_batch_houdt_de_rekening_van_het_aanmaken(
    budgethouder, beoordelaar, amsterdam, scene, aanbieder
):
    batch = maak_batch(budgethouder, amsterdam)
    services.betaalrekening_vastleggen(
        door=budgethouder, gemeente=amsterdam, naam="Nieuw", iban="NL20INGB0001234567"
    )
    aanbieder.iban = "NL44RABO0123456789"
    aanbieder.save()
    batch.refresh_from_db()
    assert batch.debiteur_iban == GEMEENTE_IBAN
    assert batch.betalingen.get(zorgaanbieder=aanbieder).iban == "NL91ABNA0417164300"


def test_nieuwe_aanbieder_zonder_boekingen_komt_niet_in_de_batch(budgethouder, amsterdam, scene):
    ZorgaanbiederFactory(naam="Zonder Boekingen")
    batch = maak_batch(budgethouder, amsterdam)
    assert batch.aantal_betalingen == 2
    assert Betaalbatchbetaling.objects.count() == 2

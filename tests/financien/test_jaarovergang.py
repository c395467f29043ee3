"""The turn of the year: the period of a reservation, the obligations on a balance date and
the roll-over of open reservations into the next year (idempotent, audited, refusals leave
everything as it was)."""

from __future__ import annotations

from datetime import date

import pytest

from financien import selectors, services
from financien.constants import BoekingSoort, ReserveringStatus
from financien.models import Boeking, Reservering
from kern.constants import AuditActie
from kern.exceptions import DomeinFout
from kern.models import AuditRecord
from tests.factories import GebruikerFactory, categorie
from tests.financien.conftest import D, reserveer, stand
from tests.utils import NietsVeranderd

pytestmark = pytest.mark.django_db


# --- The period of a reservation --------------------------------------------------------------


@pytest.mark.parametrize(
    ("begin", "eind", "code"),
    [
        (date(2026, 1, 1), None, "periode_onvolledig"),
        (None, date(2026, 1, 1), "periode_onvolledig"),
        (date(2026, 5, 1), date(2026, 4, 30), "periode_ongeldig"),
        (date(2027, 1, 1), date(2027, 3, 31), "periode_buiten_jaar"),
        (date(2025, 1, 1), date(2025, 12, 31), "periode_buiten_jaar"),
    ],
)
def test_een_periode_wordt_gecontroleerd(budgetpost, aanbieder, begin, eind, code):
    with NietsVeranderd("financien", "kern"), pytest.raises(DomeinFout) as fout:
        reserveer(budgetpost, aanbieder, "100.00", "t", begindatum=begin, einddatum=eind)
    assert fout.value.code == code


def test_periode_vastleggen_en_wijzigen(budgetpost, aanbieder):
    r = reserveer(
        budgetpost,
        aanbieder,
        "100.00",
        "t",
        begindatum=date(2025, 7, 1),
        einddatum=date(2026, 6, 30),
    )
    assert (r.begindatum, r.einddatum) == (date(2025, 7, 1), date(2026, 6, 30))
    # The same key and request again: the same booking (the period is in the fingerprint).
    zelfde = services.reservering_boeken(
        door=None,
        budgetpost=budgetpost,
        zorgaanbieder=aanbieder,
        bedrag=D("100.00"),
        bron_id="t",
        idempotentiesleutel="res-t-2026",
        begindatum=date(2025, 7, 1),
        einddatum=date(2026, 6, 30),
    )
    assert zelfde.reservering_id == r.pk
    # Only the period changes: a transfer without legs records it.
    boeking = services.reservering_wijzigen(
        door=None,
        reservering=r,
        bedrag=D("100.00"),
        einddatum=date(2026, 9, 30),
        idempotentiesleutel="periode",
    )
    r.refresh_from_db()
    assert (r.begindatum, r.einddatum, r.bedrag) == (date(2025, 7, 1), date(2026, 9, 30), D("100"))
    assert (boeking.soort, boeking.bedrag, boeking.regels.count()) == (
        BoekingSoort.RESERVERING_WIJZIGING,
        D("0.00"),
        0,
    )
    with NietsVeranderd("financien", "kern"), pytest.raises(DomeinFout) as fout:
        services.reservering_wijzigen(
            door=None,
            reservering=r,
            bedrag=D("100.00"),
            einddatum=date(2026, 9, 30),
            idempotentiesleutel="nogmaals",
        )
    assert fout.value.code == "geen_wijziging"
    with NietsVeranderd("financien", "kern"), pytest.raises(DomeinFout) as fout:
        services.reservering_wijzigen(
            door=None,
            reservering=r,
            bedrag=D("150.00"),
            einddatum=date(2025, 6, 30),
            idempotentiesleutel="verkeerd",
        )
    assert fout.value.code == "periode_ongeldig"
    # Clearing the period: the budget year again.
    services.reservering_wijzigen(
        door=None,
        reservering=r,
        bedrag=D("120.00"),
        begindatum=None,
        einddatum=None,
        idempotentiesleutel="leeg",
    )
    r.refresh_from_db()
    assert (r.begindatum, r.einddatum, r.bedrag) == (None, None, D("120.00"))
    assert selectors.grootboek_controleren() == []


# --- Obligations on a balance date ------------------------------------------------------------


@pytest.fixture
def verplichtingen_scene(budgethouder, budgetpost, budgetpost_2027, aanbieder, ander_aanbieder):
    a = reserveer(budgetpost, aanbieder, "1000.00", "a", boekdatum=date(2026, 3, 1))
    services.realisatie_boeken(
        door=None,
        reservering=a,
        bedrag=D("400.00"),
        bron_id="pa",
        idempotentiesleutel="pa",
        boekdatum=date(2026, 10, 1),
    )
    reserveer(budgetpost, aanbieder, "300.00", "b", boekdatum=date(2026, 11, 1))
    c = reserveer(budgetpost, ander_aanbieder, "500.00", "c", boekdatum=date(2026, 4, 1))
    services.reservering_vrijgeven(
        door=None, reservering=c, idempotentiesleutel="vc", boekdatum=date(2027, 1, 15)
    )
    # Reserved in December for next year: an obligation on 31 December as well.
    reserveer(budgetpost_2027, aanbieder, "2000.00", "d", boekdatum=date(2026, 12, 15))
    # Booked after the balance date: not in it.
    reserveer(budgetpost, ander_aanbieder, "50.00", "e", boekdatum=date(2027, 1, 2))


def test_verplichtingen_op_31_december(
    verplichtingen_scene,
    budgethouder,
    amsterdam,
    budgetpost,
    budgetpost_2027,
    aanbieder,
    ander_aanbieder,
    django_assert_num_queries,
):
    with django_assert_num_queries(5):
        v = selectors.verplichtingen(
            gebruiker=budgethouder, gemeente=amsterdam, peildatum=date(2026, 12, 31)
        )
    assert [(r.budgetpost, r.zorgaanbieder, r.aantal, r.open_bedrag) for r in v.regels] == [
        (budgetpost, aanbieder, 2, D("900.00")),
        (budgetpost, ander_aanbieder, 1, D("500.00")),
        (budgetpost_2027, aanbieder, 1, D("2000.00")),
    ]
    assert (v.aantal, v.totaal) == (4, D("3400.00"))
    alleen_2026 = selectors.verplichtingen(
        gebruiker=budgethouder, gemeente=amsterdam, peildatum=date(2026, 12, 31), jaar=2026
    )
    assert (alleen_2026.aantal, alleen_2026.totaal) == (3, D("1400.00"))
    # Later: c released, e reserved.
    later = selectors.verplichtingen(
        gebruiker=budgethouder, gemeente=amsterdam, peildatum=date(2027, 1, 31)
    )
    assert (later.aantal, later.totaal) == (4, D("2950.00"))
    # Earlier: only a, whole.
    vroeg = selectors.verplichtingen(
        gebruiker=budgethouder, gemeente=amsterdam, peildatum=date(2026, 3, 31)
    )
    assert [(r.aantal, r.open_bedrag) for r in vroeg.regels] == [(1, D("1000.00"))]


def test_verplichtingen_buiten_bevoegdheid_bestaan_niet(verplichtingen_scene, amsterdam, rotterdam):
    for gebruiker in (
        GebruikerFactory(rollen=["budgethouder"], gemeenten=[rotterdam]),
        GebruikerFactory(rollen=["zorgaanbieder"]),
    ):
        with pytest.raises(DomeinFout) as fout:
            selectors.verplichtingen(
                gebruiker=gebruiker, gemeente=amsterdam, peildatum=date(2026, 12, 31)
            )
        assert (fout.value.code, fout.value.status) == ("gemeente_niet_gevonden", 404)


# --- Roll-over --------------------------------------------------------------------------------


@pytest.fixture
def doorloper(budgethouder, budgetpost, budgetpost_2027, aanbieder) -> Reservering:
    """3,650 reserved for 1 July 2026 to 30 June 2027 (184 + 181 = 365 days), 1,000 realised."""
    services.budget_toekennen(
        door=budgethouder,
        budgetpost=budgetpost,
        bedrag=D("10000.00"),
        reden="Begroting",
        idempotentiesleutel="begroting",
    )
    r = reserveer(
        budgetpost,
        aanbieder,
        "3650.00",
        "toewijzing-1",
        begindatum=date(2026, 7, 1),
        einddatum=date(2027, 6, 30),
        boekdatum=date(2026, 7, 1),
    )
    services.realisatie_boeken(
        door=None,
        reservering=r,
        bedrag=D("1000.00"),
        bron_id="p1",
        idempotentiesleutel="p1",
        boekdatum=date(2026, 11, 1),
    )
    return r


def test_doorrollen_boekt_het_deel_van_het_volgende_jaar(
    doorloper, budgethouder, amsterdam, budgetpost, budgetpost_2027, aanbieder
):
    binnen_jaar = reserveer(
        budgetpost,
        aanbieder,
        "500.00",
        "binnen",
        begindatum=date(2026, 1, 1),
        einddatum=date(2026, 12, 31),
    )
    services.jaar_afsluiten(door=budgethouder, gemeente=amsterdam, jaar=2026)
    verslag = services.reserveringen_doorrollen(
        door=budgethouder, gemeente=amsterdam, van_jaar=2026
    )
    assert (verslag.van_jaar, verslag.naar_jaar, verslag.totaal, verslag.eerder_doorgerold) == (
        2026,
        2027,
        D("1810.00"),
        1,
    )
    [d] = verslag.doorgerold
    assert d.bedrag == D("1810.00")  # 3,650 x 181/365
    # The old reservation: lowered by that part, its period ending on 31 December, still open.
    assert (d.van.pk, d.van.bedrag, d.van.open_bedrag, d.van.status, d.van.einddatum) == (
        doorloper.pk,
        D("1840.00"),
        D("840.00"),
        ReserveringStatus.OPEN,
        date(2026, 12, 31),
    )
    # The new one: same source and provider, next year's budget post, the rest of the period.
    assert (
        d.naar.budgetpost,
        d.naar.jaar,
        d.naar.bron_id,
        d.naar.zorgaanbieder,
        d.naar.bedrag,
        d.naar.begindatum,
        d.naar.einddatum,
        d.naar.doorgerold_uit,
    ) == (
        budgetpost_2027,
        2027,
        "toewijzing-1",
        aanbieder,
        D("1810.00"),
        date(2027, 1, 1),
        date(2027, 6, 30),
        d.van,
    )
    assert stand(budgetpost)["gereserveerd"] == D("1340.00")  # 840 + 500
    assert stand(budgetpost_2027)["gereserveerd"] == D("1810.00")
    assert Boeking.objects.get(idempotentiesleutel__endswith=":naar:2027").boekdatum == date(
        2027, 1, 1
    )
    assert binnen_jaar.pk not in {x.reservering.pk for x in verslag.niet_doorgerold}
    assert selectors.grootboek_controleren() == []
    # Booked on 1 January: on 31 December the whole reservation is one obligation, once.
    v = selectors.verplichtingen(
        gebruiker=budgethouder, gemeente=amsterdam, peildatum=date(2026, 12, 31)
    )
    assert v.totaal == D("3150.00")  # 2,650 + 500
    assert selectors.verplichtingen(
        gebruiker=budgethouder, gemeente=amsterdam, peildatum=date(2027, 1, 1)
    ).totaal == D("3150.00")
    record = AuditRecord.objects.filter(actie=AuditActie.GEWIJZIGD).latest("id")
    assert record.na["doorgerold"] == [[str(d.van.uuid), str(d.naar.uuid), "1810.00"]]
    assert record.gebruiker == budgethouder
    assert record.toelichting == "Open reserveringen doorgerold van 2026 naar 2027."


def test_doorrollen_is_idempotent(doorloper, budgethouder, amsterdam):
    eerste = services.reserveringen_doorrollen(door=budgethouder, gemeente=amsterdam, van_jaar=2026)
    boekingen = Boeking.objects.count()
    audits = AuditRecord.objects.count()
    tweede = services.reserveringen_doorrollen(door=budgethouder, gemeente=amsterdam, van_jaar=2026)
    assert (len(eerste.doorgerold), len(tweede.doorgerold), tweede.eerder_doorgerold) == (1, 0, 1)
    assert tweede.niet_doorgerold == [] and tweede.totaal == D("0.00")
    assert (Boeking.objects.count(), AuditRecord.objects.count()) == (boekingen, audits)


def test_doorrollen_meldt_wat_blijft_staan(
    doorloper, budgethouder, amsterdam, budgetpost, budgetpost_2027, aanbieder
):
    # Another source already reserved in 2027 by its caller.
    al = reserveer(
        budgetpost,
        aanbieder,
        "730.00",
        "al",
        begindatum=date(2026, 7, 1),
        einddatum=date(2027, 6, 30),
    )
    reserveer(budgetpost_2027, aanbieder, "361.00", "al")
    # A kostenplaats without a 2027 post.
    elders = services.budgetpost_aanmaken(
        door=budgethouder,
        gemeente=amsterdam,
        jaar=2026,
        wet="wmo",
        taakveld="6.71",
        kostenplaats="KP-9",
    )
    zonder = reserveer(
        elders,
        aanbieder,
        "100.00",
        "zonder",
        begindatum=date(2026, 7, 1),
        einddatum=date(2027, 6, 30),
    )
    # Fully realised: nothing open for 2027.
    vol = reserveer(
        budgetpost,
        aanbieder,
        "100.00",
        "vol",
        begindatum=date(2026, 7, 1),
        einddatum=date(2027, 6, 30),
    )
    services.realisatie_boeken(
        door=None, reservering=vol, bedrag=D("100.00"), bron_id="pv", idempotentiesleutel="pv"
    )
    verslag = services.reserveringen_doorrollen(
        door=budgethouder, gemeente=amsterdam, van_jaar=2026
    )
    assert [d.van.pk for d in verslag.doorgerold] == [doorloper.pk]
    assert sorted((n.reservering.pk, n.code) for n in verslag.niet_doorgerold) == sorted(
        [(al.pk, "al_gereserveerd"), (zonder.pk, "geen_budgetpost"), (vol.pk, "niets_open")]
    )
    assert all(n.reden for n in verslag.niet_doorgerold)
    for r in (al, zonder, vol):
        r.refresh_from_db()
        assert r.einddatum == date(2027, 6, 30)


def test_doorrollen_naar_de_budgetpost_voor_alle_categorieen(budgethouder, amsterdam, aanbieder):
    met_categorie = services.budgetpost_aanmaken(
        door=budgethouder,
        gemeente=amsterdam,
        jaar=2026,
        wet="wmo",
        taakveld="6.6",
        productcategorie=categorie("wmo", "02"),
    )
    algemeen_2027 = services.budgetpost_aanmaken(
        door=budgethouder, gemeente=amsterdam, jaar=2027, wet="wmo", taakveld="6.6"
    )
    reserveer(
        met_categorie,
        aanbieder,
        "365.00",
        "t",
        begindatum=date(2026, 12, 1),
        einddatum=date(2027, 12, 31),
    )
    [d] = services.reserveringen_doorrollen(
        door=budgethouder, gemeente=amsterdam, van_jaar=2026
    ).doorgerold
    # 1 December 2026 - 31 December 2027: 396 days, 365 of them in 2027.
    assert (d.naar.budgetpost, d.bedrag) == (algemeen_2027, D("336.43"))


def test_doorrollen_geweigerd_laat_alles_staan(doorloper, budgethouder, amsterdam, rotterdam):
    services.jaar_afsluiten(door=budgethouder, gemeente=amsterdam, jaar=2027)
    for door, gemeente, code in [
        (budgethouder, amsterdam, "jaar_afgesloten"),
        (GebruikerFactory(rollen=["regisseur"], gemeenten=[amsterdam]), amsterdam, "geen_toegang"),
        (budgethouder, rotterdam, "gemeente_buiten_bevoegdheid"),
    ]:
        with NietsVeranderd("financien", "kern"), pytest.raises(DomeinFout) as fout:
            services.reserveringen_doorrollen(door=door, gemeente=gemeente, van_jaar=2026)
        assert fout.value.code == code
    doorloper.refresh_from_db()
    assert doorloper.einddatum == date(2027, 6, 30)


def test_doorgerolde_reserveringen_tellen_niet_als_instroom(
    doorloper, budgethouder, amsterdam, budgetpost_2027
):
    services.reserveringen_doorrollen(door=budgethouder, gemeente=amsterdam, van_jaar=2026)
    prognose = selectors.prognose(budgetpost=budgetpost_2027, peildatum=date(2027, 1, 31))
    assert [(m.label, m.bedrag) for m in prognose.instroom] == [("2027-01", D("0.00"))]
    assert prognose.trend == D("0.00")
    # From 31 January: 1,810 over 1 January - 30 June (181 days), 150 days to come.
    assert prognose.verwacht_uit_reserveringen == D("1500.00")


def test_een_declaratie_over_meerdere_reserveringen_telt_mee_op_een_peildatum(
    budgethouder, amsterdam, budgetpost, aanbieder
):
    """A processed declaration books one transfer for many reservations; its
    Reserveringsmutatie rows say what it did to each, also on a past peildatum."""
    from financien.services.declaratieboekingen import Realisatiedeel, declaratie_boeken

    reserveer(budgetpost, aanbieder, "1000.00", "a", boekdatum=date(2026, 3, 1))
    reserveer(budgetpost, aanbieder, "200.00", "b", boekdatum=date(2026, 3, 1))
    declaratie_boeken(
        door=None,
        gemeente_id=amsterdam.pk,
        bron_id="declaratie-1",
        delen=[
            Realisatiedeel("a", 2026, D("300.00"), aanbieder.pk),
            # 50 more than reserved: the shortfall is reserved in the same transfer.
            Realisatiedeel("b", 2026, D("250.00"), aanbieder.pk),
        ],
        idempotentiesleutel="declaratie-1",
        boekdatum=date(2026, 6, 1),
    )
    assert sorted(Reservering.objects.values_list("bron_id", "bedrag", "open_bedrag")) == [
        ("a", D("1000.00"), D("700.00")),
        ("b", D("250.00"), D("0.00")),
    ]

    def verplicht(dag: date) -> tuple:
        v = selectors.verplichtingen(gebruiker=budgethouder, gemeente=amsterdam, peildatum=dag)
        return v.aantal, v.totaal

    assert verplicht(date(2026, 5, 31)) == (2, D("1200.00"))
    assert verplicht(date(2026, 6, 30)) == (1, D("700.00"))
    prognose = selectors.prognose(budgetpost=budgetpost, peildatum=date(2026, 6, 30))
    assert (prognose.aantal_open_reserveringen, prognose.open_reserveringen) == (1, D("700.00"))
    assert prognose.gerealiseerd == D("550.00")
    # a: 1,000 over the year, 184 of 365 days to come = 504.11 (700 open).
    assert prognose.verwacht_uit_reserveringen == D("504.11")

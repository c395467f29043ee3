import pytest
from django.db import transaction

from kern.audit import audit_vastleggen, momentopname
from kern.constants import AuditActie, Rol
from kern.exceptions import DomeinFout
from kern.models import AuditRecord
from kern.services import gebruiker_aanmaken
from kern.toegang import eis_gemeenten_in_scope, gemeente_filter, is_gemeentegebruiker
from tests.factories import GebruikerFactory, ZorgaanbiederFactory
from tests.utils import NietsVeranderd

pytestmark = pytest.mark.django_db


def test_audit_record_has_who_what_before_after(inkoper) -> None:
    aanbieder = ZorgaanbiederFactory(naam="Oud")
    voor = momentopname(aanbieder)
    with transaction.atomic():
        aanbieder.naam = "Nieuw"
        aanbieder.save()
        record = audit_vastleggen(
            gebruiker=inkoper,
            actie=AuditActie.GEWIJZIGD,
            obj=aanbieder,
            voor=voor,
            na=momentopname(aanbieder),
            toelichting="test",
        )
    record.refresh_from_db()
    assert record.gebruiker == inkoper
    assert record.object_id == str(aanbieder.pk)
    assert record.content_type.model == "zorgaanbieder"
    assert record.voor["naam"] == "Oud"
    assert record.na["naam"] == "Nieuw"
    assert record.tijdstip is not None


def test_audit_refuses_to_run_outside_a_transaction(inkoper) -> None:
    aanbieder = ZorgaanbiederFactory()
    # pytest-django wraps the test in a transaction; leave it to check the guard itself.
    conn = transaction.get_connection()
    in_block = conn.in_atomic_block
    conn.in_atomic_block = False
    try:
        with pytest.raises(RuntimeError):
            audit_vastleggen(gebruiker=inkoper, actie=AuditActie.AANGEMAAKT, obj=aanbieder)
    finally:
        conn.in_atomic_block = in_block


def test_momentopname_keeps_money_with_currency() -> None:
    from tests.factories import TariefperiodeFactory

    periode = TariefperiodeFactory()
    data = momentopname(periode)
    assert data["bedrag"] == {"bedrag": "65.00", "valuta": "EUR"}


def test_gebruiker_aanmaken_sets_roles_gemeenten_and_audits(amsterdam) -> None:
    gebruiker = gebruiker_aanmaken(
        gebruikersnaam="bh", wachtwoord="demo", rollen=[Rol.BUDGETHOUDER], gemeenten=[amsterdam]
    )
    assert gebruiker.rollen() == {"budgethouder"}
    assert gebruiker.gemeente_ids() == {amsterdam.pk}
    assert gebruiker.check_password("demo")
    assert not gebruiker.is_staff
    assert AuditRecord.objects.filter(object_id=str(gebruiker.pk), actie="aangemaakt").exists()
    beheerder = gebruiker_aanmaken(gebruikersnaam="bh2", wachtwoord=None, rollen=[Rol.BEHEERDER])
    assert beheerder.is_staff and not beheerder.has_usable_password()


def test_gebruiker_aanmaken_refuses_unknown_role_and_duplicate(amsterdam) -> None:
    with NietsVeranderd(), pytest.raises(DomeinFout) as fout:
        gebruiker_aanmaken(gebruikersnaam="x", wachtwoord="demo", rollen=["koning"])
    assert fout.value.code == "rol_onbekend"
    gebruiker_aanmaken(gebruikersnaam="x", wachtwoord="demo", rollen=[Rol.INKOPER])
    with NietsVeranderd(), pytest.raises(DomeinFout) as fout:
        gebruiker_aanmaken(gebruikersnaam="x", wachtwoord="demo", rollen=[Rol.INKOPER])
    assert fout.value.code == "gebruiker_bestaat"


def test_scope_helpers(amsterdam, rotterdam) -> None:
    gebruiker = GebruikerFactory(rollen=["inkoper"], gemeenten=[amsterdam])
    assert is_gemeentegebruiker(gebruiker)
    assert gemeente_filter(gebruiker).children == [("gemeente__in", frozenset({amsterdam.pk}))]
    eis_gemeenten_in_scope(gebruiker, [amsterdam])
    with pytest.raises(DomeinFout) as fout:
        eis_gemeenten_in_scope(gebruiker, [amsterdam, rotterdam])
    assert fout.value.code == "gemeente_buiten_bevoegdheid"
    assert "0599" in fout.value.bericht
    superuser = GebruikerFactory(is_superuser=True)
    eis_gemeenten_in_scope(superuser, [rotterdam])
    aanbieder = GebruikerFactory(rollen=["zorgaanbieder"])
    assert not is_gemeentegebruiker(aanbieder)


def test_validation_error_keeps_a_code_per_field() -> None:
    from django.core.exceptions import ValidationError

    from kern.exceptions import van_validation_error

    fout = van_validation_error(
        ValidationError(
            {
                "agb_code": [ValidationError("AGB fout.", code="agb_ongeldig")],
                "iban": [ValidationError("IBAN fout.", code="iban_ongeldig")],
                "naam": [ValidationError("Te lang.", code="max_length")],
            }
        )
    )
    assert fout.code == "agb_ongeldig"
    assert fout.veldcodes == {
        "agb_code": ["agb_ongeldig"],
        "iban": ["iban_ongeldig"],
        "naam": ["te_lang"],
    }
    assert fout.bericht == "AGB fout. IBAN fout. Te lang."


def test_gebruiker_wijzigen_roles_gemeenten_staff_and_audit(amsterdam, rotterdam) -> None:
    from kern.services import gebruiker_wijzigen

    beheerder = GebruikerFactory(rollen=["beheerder"], gemeenten=[amsterdam], is_staff=True)
    gebruiker = gebruiker_aanmaken(
        gebruikersnaam="w", wachtwoord="demo", rollen=[Rol.REGISSEUR], gemeenten=[amsterdam]
    )
    gebruiker_wijzigen(
        door=beheerder, gebruiker=gebruiker, rollen=[Rol.REGISSEUR, Rol.BEHEERDER], voornaam="Wim"
    )
    gebruiker.refresh_from_db()
    assert gebruiker.is_staff and gebruiker.first_name == "Wim"
    assert gebruiker.rollen() == {"regisseur", "beheerder"}
    record = AuditRecord.objects.filter(object_id=str(gebruiker.pk), actie="gewijzigd").get()
    assert record.voor["rollen"] == ["regisseur"]
    assert record.na["rollen"] == ["beheerder", "regisseur"]
    # Unchanged: nothing written. Out of scope gemeente: refused, nothing changed.
    with NietsVeranderd():
        gebruiker_wijzigen(door=beheerder, gebruiker=gebruiker, voornaam="Wim")
    with NietsVeranderd(), pytest.raises(DomeinFout) as fout:
        gebruiker_wijzigen(door=beheerder, gebruiker=gebruiker, gemeenten=[rotterdam])
    assert fout.value.code == "gemeente_buiten_bevoegdheid"
    assert gebruiker.gemeente_ids() == {amsterdam.pk}


def test_gemeenten_aansluiten(amsterdam, rotterdam) -> None:
    from kern.exceptions import GeenToegang
    from kern.services import gemeenten_aansluiten

    assert not amsterdam.aangesloten
    assert gemeenten_aansluiten(door=None, gemeenten=[amsterdam]) == [amsterdam]
    amsterdam.refresh_from_db()
    assert amsterdam.aangesloten
    with NietsVeranderd():
        assert gemeenten_aansluiten(door=None, gemeenten=[amsterdam]) == []
    with pytest.raises(GeenToegang):
        gemeenten_aansluiten(
            door=GebruikerFactory(rollen=["beheerder"], gemeenten=[rotterdam]),
            gemeenten=[rotterdam],
        )

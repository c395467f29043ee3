"""``manage.py demo_data``: a believable region, built through the services, twice the same."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.test import override_settings
from rest_framework.authtoken.models import Token
from stdnum import iban

from contracten.constants import ContractStatus, SlaSoort, TariefReden
from contracten.demo import (
    AANBIEDERS,
    GEBRUIKERS,
    GEMEENTECODES,
    SEED,
    indexatie_percentage,
    maak_plan,
)
from contracten.models import (
    Bestedingsruimte,
    Contract,
    Product,
    SlaNorm,
    Tariefperiode,
    Zorgaanbieder,
    ZorgaanbiederGebruiker,
)
from kern.constants import Rol
from kern.geld import afronden
from kern.models import AuditRecord, Gebruiker

pytestmark = pytest.mark.django_db


def alle_tellingen() -> dict[str, int]:
    """Row count of every table of every installed app (audit log and tokens included)."""
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()}


def demo(*args: str) -> str:
    uit = StringIO()
    call_command("demo_data", "--forceer", *args, stdout=uit)
    return uit.getvalue()


def test_tweede_run_verandert_niets():
    eerste = demo()
    na_eerste = alle_tellingen()
    laatste_audit = AuditRecord.objects.order_by("-id").values_list("id", flat=True).first()
    tokens = dict(Token.objects.values_list("user__username", "key"))

    tweede = demo()

    assert alle_tellingen() == na_eerste
    assert AuditRecord.objects.order_by("-id").values_list("id", flat=True).first() == laatste_audit
    assert dict(Token.objects.values_list("user__username", "key")) == tokens
    assert "zorgaanbieders: 30 in totaal, 30 nieuw" in eerste
    assert "zorgaanbieders: 30 in totaal, 0 nieuw" in tweede
    assert "er is niets gewijzigd" in tweede
    for gebruikersnaam, key in tokens.items():
        assert gebruikersnaam in tweede and key in tweede


def test_demoregio_is_geloofwaardig_en_volledig():
    demo()
    # Region and providers.
    assert Zorgaanbieder.objects.count() == len(AANBIEDERS) >= 30
    for aanbieder in Zorgaanbieder.objects.all():
        assert len(aanbieder.agb_code) == 8 and aanbieder.agb_code.isdigit()
        assert len(aanbieder.kvk_nummer) == 8 and aanbieder.kvk_nummer.isdigit()
        assert iban.is_valid(aanbieder.iban) and aanbieder.iban.startswith("NL")
        aanbieder.full_clean()
    assert len({a.iban for a in Zorgaanbieder.objects.all()}) == len(AANBIEDERS)
    gemeenten = {
        code for c in Contract.objects.all() for code in c.gemeenten.values_list("code", flat=True)
    }
    assert gemeenten == set(GEMEENTECODES) == {"0344", "0356", "1904"}

    # Catalogue of both laws, one retired product.
    wetten = set(Product.objects.values_list("categorie__wet", flat=True))
    assert wetten == {"wmo", "jw"}
    assert {"01", "02", "03", "04", "07", "08"} <= set(
        Product.objects.filter(categorie__wet="wmo").values_list("categorie__code", flat=True)
    )
    assert {"41", "43", "45", "46", "54"} <= set(
        Product.objects.filter(categorie__wet="jw").values_list("categorie__code", flat=True)
    )
    assert set(Product.objects.values_list("eenheid", flat=True)) == {
        "01",
        "04",
        "14",
        "16",
        "82",
        "83",
        "84",
    }
    assert set(Product.objects.values_list("uitvoeringsvariant", flat=True)) == {
        "inspanningsgericht",
        "outputgericht",
        "taakgericht",
    }
    [vervallen] = Product.objects.exclude(einddatum=None)
    assert vervallen.einddatum == date(2025, 12, 31)
    assert not vervallen.tariefperioden.filter(einddatum__gt=date(2025, 12, 31)).exists()

    # Contract statuses.
    statussen = list(Contract.objects.values_list("status", flat=True))
    assert statussen.count(ContractStatus.OPGEZEGD) == 2
    assert statussen.count(ContractStatus.BEEINDIGD) == 2
    assert statussen.count(ContractStatus.CONCEPT) == 1
    assert statussen.count(ContractStatus.ACTIEF) == len(statussen) - 5

    # SLA norms on every contract, caps per provider, gemeente and year.
    for contract in Contract.objects.all():
        assert set(SlaNorm.objects.filter(contract=contract).values_list("soort", flat=True)) == (
            set(SlaSoort.values)
        )
    assert set(Bestedingsruimte.objects.values_list("jaar", flat=True)) == {2025, 2026}
    for contract in Contract.objects.exclude(status=ContractStatus.CONCEPT):
        for gemeente in contract.gemeenten.all():
            assert Bestedingsruimte.objects.filter(
                zorgaanbieder=contract.zorgaanbieder, gemeente=gemeente, jaar=2025
            ).exists()

    # One user per role, with a token; the provider user is linked to a provider.
    for gebruikersnaam, rol, *_ in GEBRUIKERS:
        gebruiker = Gebruiker.objects.get(username=gebruikersnaam)
        assert gebruiker.rollen() == {rol}
        assert gebruiker.check_password("demo")
        assert Token.objects.filter(user=gebruiker).exists()
        if rol == Rol.ZORGAANBIEDER:
            assert not gebruiker.gemeente_ids()
            koppeling = ZorgaanbiederGebruiker.objects.get(gebruiker=gebruiker)
            assert koppeling.zorgaanbieder.naam == AANBIEDERS[0][0]
        else:
            assert set(gebruiker.gemeenten.values_list("code", flat=True)) == set(GEMEENTECODES)
        assert gebruiker.is_staff == (rol == Rol.BEHEERDER)
        assert not gebruiker.is_superuser


def test_tarieven_2026_zijn_de_geindexeerde_tarieven_2025():
    demo()
    percentage = indexatie_percentage()
    assert percentage == Decimal("3.75")  # 0.75 x 4.20 + 0.25 x 2.40
    geindexeerd = Tariefperiode.objects.filter(reden=TariefReden.INDEXATIE)
    assert geindexeerd.count() > 50
    for nieuw in geindexeerd.select_related("contract", "product"):
        assert nieuw.ingangsdatum == date(2026, 1, 1)
        assert nieuw.einddatum == nieuw.contract.einddatum == date(2026, 12, 31)
        basis = Tariefperiode.objects.get(
            contract=nieuw.contract,
            product=nieuw.product,
            ingangsdatum=date(2025, 1, 1),
            is_vervangen=False,
        )
        assert basis.einddatum == date(2025, 12, 31)
        assert basis.einddatum == nieuw.ingangsdatum - timedelta(days=1)
        assert nieuw.bedrag.amount == afronden(basis.bedrag.amount * (1 + percentage / 100))
    # Every 2025 tariff of a contract running into 2026 was indexed, except the retired product.
    lopend_2026 = Contract.objects.filter(
        status__in=[ContractStatus.ACTIEF, ContractStatus.OPGEZEGD],
        ingangsdatum=date(2025, 1, 1),
        einddatum=date(2026, 12, 31),
    )
    basis_2025 = Tariefperiode.objects.filter(
        contract__in=lopend_2026, ingangsdatum=date(2025, 1, 1)
    ).exclude(product__einddatum=date(2025, 12, 31))
    assert geindexeerd.count() == basis_2025.count()
    # A worked example: the first indexed tariff of the first provider.
    voorbeeld = geindexeerd.order_by("contract__nummer", "product__productcode").first()
    assert voorbeeld is not None
    oud = Tariefperiode.objects.get(
        contract=voorbeeld.contract, product=voorbeeld.product, ingangsdatum=date(2025, 1, 1)
    ).bedrag.amount
    assert voorbeeld.bedrag.amount == (oud * Decimal("1.0375")).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


def test_plan_is_deterministisch():
    eerste, tweede = maak_plan(SEED), maak_plan(SEED)
    assert eerste == tweede
    assert maak_plan(SEED + 1) != eerste
    assert len({a.agb_code for a in eerste.aanbieders}) == len(AANBIEDERS)
    demo()
    assert sorted(Zorgaanbieder.objects.values_list("agb_code", flat=True)) == sorted(
        a.agb_code for a in eerste.aanbieders
    )


@override_settings(DEBUG=False)
def test_weigert_zonder_debug_of_forceer():
    voor = alle_tellingen()
    with pytest.raises(CommandError, match="Demodata hoort niet in productie"):
        call_command("demo_data", stdout=StringIO())
    assert alle_tellingen() == voor

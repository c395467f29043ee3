"""factory_boy factories. Financial rows are made through services where a test is about
rules; factories are for the setting of a scene."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import factory
from django.contrib.auth.models import Group

from contracten.constants import ContractStatus, Eenheid, Uitvoeringsvariant
from contracten.models import (
    Bestedingsruimte,
    Contract,
    Product,
    Productcategorie,
    Tariefperiode,
    Zorgaanbieder,
    ZorgaanbiederGebruiker,
)
from kern.models import Gebruiker, Gemeente


def gemeente(code: str = "0363") -> Gemeente:
    """Gemeenten come from the CBS list loaded by migration; fetch, never invent."""
    return Gemeente.objects.get(code=code)


def categorie(wet: str = "wmo", code: str = "02") -> Productcategorie:
    return Productcategorie.objects.get(wet=wet, code=code)


class GebruikerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Gebruiker
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"gebruiker{n}")
    password = factory.django.Password("geheim-wachtwoord")

    @factory.post_generation
    def rollen(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.groups.set([Group.objects.get_or_create(name=r)[0] for r in extracted])

    @factory.post_generation
    def gemeenten(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.gemeenten.set(extracted)


class ZorgaanbiederFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Zorgaanbieder

    agb_code = factory.Sequence(lambda n: f"{73000000 + n:08d}")
    naam = factory.Sequence(lambda n: f"Zorg en Welzijn {n} B.V.")
    kvk_nummer = factory.Sequence(lambda n: f"{50000000 + n:08d}")
    iban = "NL91ABNA0417164300"


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    categorie = factory.LazyFunction(lambda: categorie("wmo", "02"))
    productcode = factory.Sequence(lambda n: f"P{n:04d}")
    naam = factory.Sequence(lambda n: f"Begeleiding variant {n}")
    eenheid = Eenheid.UUR
    uitvoeringsvariant = Uitvoeringsvariant.INSPANNINGSGERICHT
    ingangsdatum = date(2020, 1, 1)


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contract
        skip_postgeneration_save = True

    nummer = factory.Sequence(lambda n: f"C-{n:05d}")
    zorgaanbieder = factory.SubFactory(ZorgaanbiederFactory)
    ingangsdatum = date(2025, 1, 1)
    einddatum = None
    status = ContractStatus.ACTIEF

    @factory.post_generation
    def gemeenten(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            self.gemeenten.set(extracted if extracted is not None else [gemeente("0363")])


class TariefperiodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tariefperiode

    contract = factory.SubFactory(ContractFactory)
    product = factory.SubFactory(ProductFactory)
    bedrag = Decimal("65.00")
    eenheid = Eenheid.UUR
    ingangsdatum = date(2025, 1, 1)
    einddatum = None


def aanbieder_gebruiker(aanbieder: Zorgaanbieder, **kwargs: Any) -> Gebruiker:
    gebruiker = GebruikerFactory(rollen=["zorgaanbieder"], **kwargs)
    ZorgaanbiederGebruiker.objects.create(gebruiker=gebruiker, zorgaanbieder=aanbieder)
    return gebruiker


class BestedingsruimteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Bestedingsruimte

    zorgaanbieder = factory.SubFactory(ZorgaanbiederFactory)
    gemeente = factory.LazyFunction(lambda: gemeente("0363"))
    jaar = 2026
    bedrag = Decimal("100000.00")

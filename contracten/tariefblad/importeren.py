"""Importing a tariff sheet: resolve each row's contract, merge rows into tariff periods,
and write them through :mod:`contracten.services`, all or nothing."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import BinaryIO

from django.db import transaction

from contracten import services
from contracten.constants import ContractStatus, TariefReden
from contracten.models import Contract, Product, Tariefperiode, Zorgaanbieder
from contracten.tariefblad.lezen import (
    MAX_BESTAND_BYTES,
    ImportFout,
    Regel,
    RegelLezer,
    blad_lezen,
    fout,
    kolommen_vinden,
)
from kern.constants import Rol
from kern.exceptions import DomeinFout
from kern.models import Gebruiker
from kern.perioden import overlapt
from kern.toegang import eis_gemeenten_in_scope

IMPORT_REDEN = "Import tarievenblad"

#: Statuses of an existing contract that a row without contract number may be added to.
ZOEK_STATUSSEN = (ContractStatus.CONCEPT, ContractStatus.ACTIEF, ContractStatus.OPGEZEGD)


@dataclass
class ImportResultaat:
    """What an import did, or for a dry run would do.

    The counts are tariff periods: rows of several gemeenten of one contract with the same
    product, period and amount form one period. A refused real import writes nothing and
    reports zero counts; a dry run reports what a real run would write for its valid rows.
    """

    dry_run: bool
    fouten: list[ImportFout] = field(default_factory=list)
    aangemaakte_contracten: list[str] = field(default_factory=list)
    tariefperioden_aangemaakt: int = 0
    ongewijzigd: int = 0

    @property
    def geslaagd(self) -> bool:
        return not self.fouten


class _Terugdraaien(Exception):
    """Raised inside the import's transaction to roll it back (dry run or refused rows)."""


@dataclass
class _NieuwContract:
    nummer: str
    aanbieder: Zorgaanbieder
    regels: list[Regel] = field(default_factory=list)
    contract: Contract | None = None
    perioden: int = 0


@dataclass
class _Groep:
    """One tariff period to write: the rows of one contract, product and period."""

    contract: str
    product: Product
    ingangsdatum: date
    einddatum: date | None
    bedrag: Decimal
    eenheid: str
    regels: list[Regel]


def _dmj(dag: date | None) -> str:
    return dag.strftime("%d-%m-%Y") if dag else "onbepaald"


class _Import:
    def __init__(self, *, door: Gebruiker | None, dry_run: bool) -> None:
        self.door = door
        self.resultaat = ImportResultaat(dry_run=dry_run)
        self.afgekeurd: set[int] = set()
        self.bestaand: dict[str, Contract] = {}
        self.nieuw: dict[str, _NieuwContract] = {}
        self.uitbreiden: dict[str, list[Regel]] = {}

    def fout(self, rij: int, code: str, bericht: str, sleutel: str | None = None) -> None:
        self.resultaat.fouten.append(fout(rij, code, bericht, sleutel))
        self.afgekeurd.add(rij)

    def domeinfout(self, regels: Iterable[Regel], exc: DomeinFout) -> None:
        for regel in regels:
            self.fout(regel.rij, exc.code, exc.bericht)

    def uitvoeren(self, rijen: list[tuple[object, ...]], posities: dict[str, int]) -> None:
        regels, fouten = RegelLezer(rijen, posities, self.door).lezen()
        for f in fouten:
            self.resultaat.fouten.append(f)
            self.afgekeurd.add(f.rij)
        if not regels and not fouten:
            self.fout(2, "geen_regels", "Het blad bevat geen tariefregels.")
            return
        self.contracten_bepalen(regels)
        groepen = self.groepen_vormen(regels)
        contracten = self.contracten_schrijven(regels)
        self.tarieven_schrijven(groepen, contracten)
        self.nieuwe_contracten_activeren()

    # -- contracts --------------------------------------------------------------------------

    def contracten_bepalen(self, regels: list[Regel]) -> None:
        """Give every row its contract: the one named, else the provider's running contract
        for that gemeente and date (adding the gemeente when the contract lacks it), else one
        new contract per provider for all its remaining rows."""
        nummers = {r.contractnummer for r in regels if r.contractnummer}
        zoek_bij = {r.aanbieder.pk for r in regels if not r.contractnummer}
        gevonden = Contract.objects.filter(nummer__in=nummers) | Contract.objects.filter(
            zorgaanbieder__in=zoek_bij, status__in=ZOEK_STATUSSEN
        )
        self.bestaand = {
            c.nummer: c
            for c in gevonden.select_related("zorgaanbieder").prefetch_related("gemeenten")
        }
        per_aanbieder: dict[int, list[Contract]] = {}
        for c in sorted(self.bestaand.values(), key=lambda c: c.nummer):
            if c.zorgaanbieder_id in zoek_bij and c.status in ZOEK_STATUSSEN:
                per_aanbieder.setdefault(c.zorgaanbieder_id, []).append(c)

        automatisch: dict[int, _NieuwContract] = {}
        for regel in regels:
            if regel.contractnummer:
                self.benoemd_contract(regel)
                continue
            lopend = [
                c
                for c in per_aanbieder.get(regel.aanbieder.pk, [])
                if c.ingangsdatum <= regel.ingangsdatum
                and (c.einddatum is None or regel.ingangsdatum <= c.einddatum)
            ]
            kandidaten = [c for c in lopend if regel.gemeente in c.gemeenten.all()] or lopend
            if len(kandidaten) > 1:
                self.fout(
                    regel.rij,
                    "contract_meerduidig",
                    f"Aanbieder {regel.aanbieder.agb_code} heeft op {_dmj(regel.ingangsdatum)} "
                    f"meerdere contracten ({', '.join(c.nummer for c in kandidaten)}); "
                    "vul het contractnummer in.",
                    "contractnummer",
                )
            elif kandidaten:
                self.gebruik(regel, kandidaten[0])
            else:
                automatisch.setdefault(
                    regel.aanbieder.pk, _NieuwContract("", regel.aanbieder)
                ).regels.append(regel)

        bezet = set(self.nieuw) | set(self.bestaand)
        for plan in automatisch.values():
            basis = f"{plan.aanbieder.agb_code}-{min(r.ingangsdatum for r in plan.regels).year}"
            bezet |= set(
                Contract.objects.filter(nummer__startswith=basis).values_list("nummer", flat=True)
            )
            nummer, volgnummer = basis, 1
            while nummer in bezet:
                volgnummer += 1
                nummer = f"{basis}-{volgnummer}"
            bezet.add(nummer)
            plan.nummer = nummer
            for regel in plan.regels:
                regel.contract = nummer
            self.nieuw[nummer] = plan

    def benoemd_contract(self, regel: Regel) -> None:
        nummer = regel.contractnummer
        contract = self.bestaand.get(nummer)
        if contract is not None:
            eigenaar = contract.zorgaanbieder
        elif nummer in self.nieuw:
            eigenaar = self.nieuw[nummer].aanbieder
        else:
            eigenaar = regel.aanbieder
        if eigenaar.pk != regel.aanbieder.pk:
            self.fout(
                regel.rij,
                "contract_andere_aanbieder",
                f"Contract {nummer} hoort bij AGB-code {eigenaar.agb_code}, "
                f"niet bij {regel.aanbieder.agb_code}.",
                "contractnummer",
            )
        elif contract is not None:
            self.gebruik(regel, contract)
        else:
            regel.contract = nummer
            plan = self.nieuw.setdefault(nummer, _NieuwContract(nummer, regel.aanbieder))
            plan.regels.append(regel)

    def gebruik(self, regel: Regel, contract: Contract) -> None:
        regel.contract = contract.nummer
        if regel.gemeente not in contract.gemeenten.all():
            self.uitbreiden.setdefault(contract.nummer, []).append(regel)

    def contracten_schrijven(self, regels: list[Regel]) -> dict[str, Contract]:
        """Check scope on the existing contracts used, add missing gemeenten, create the new
        contracts (as concept). Returns every usable contract by number."""
        contracten: dict[str, Contract] = {}
        gebruikt: dict[str, list[Regel]] = {}
        for regel in regels:
            if regel.contract in self.bestaand:
                gebruikt.setdefault(regel.contract, []).append(regel)
        for nummer, regels_van in sorted(gebruikt.items()):
            contract = self.bestaand[nummer]
            if self.door is not None:
                try:
                    eis_gemeenten_in_scope(self.door, list(contract.gemeenten.all()))
                except DomeinFout as exc:
                    self.domeinfout(regels_van, exc)
                    continue
            contracten[nummer] = contract
            erbij = {r.gemeente.pk: r.gemeente for r in self.uitbreiden.get(nummer, [])}
            if not erbij:
                continue
            try:
                contracten[nummer] = services.contract_wijzigen(
                    door=self.door,
                    contract=contract,
                    reden=IMPORT_REDEN,
                    gemeenten=[*contract.gemeenten.all(), *erbij.values()],
                )
            except DomeinFout as exc:
                self.domeinfout(self.uitbreiden[nummer], exc)
        for nummer, plan in sorted(self.nieuw.items()):
            goed = [r for r in plan.regels if r.rij not in self.afgekeurd] or plan.regels
            gemeenten = {r.gemeente.code: r.gemeente for r in goed}
            try:
                plan.contract = services.contract_aanmaken(
                    door=self.door,
                    nummer=nummer,
                    zorgaanbieder=plan.aanbieder,
                    gemeenten=[gemeenten[code] for code in sorted(gemeenten)],
                    ingangsdatum=min(r.ingangsdatum for r in goed),
                    omschrijving="Aangemaakt bij import tarievenblad",
                    reden=IMPORT_REDEN,
                )
            except DomeinFout as exc:
                self.domeinfout(plan.regels, exc)
                continue
            contracten[nummer] = plan.contract
            self.resultaat.aangemaakte_contracten.append(nummer)
        return contracten

    def nieuwe_contracten_activeren(self) -> None:
        for _nummer, plan in sorted(self.nieuw.items()):
            if plan.contract is None or not plan.perioden:
                continue
            try:
                services.contract_status_wijzigen(
                    door=self.door,
                    contract=plan.contract,
                    status=ContractStatus.ACTIEF,
                    reden=IMPORT_REDEN,
                )
            except DomeinFout as exc:
                self.domeinfout(plan.regels[:1], exc)

    # -- tariff periods ---------------------------------------------------------------------

    def groepen_vormen(self, regels: list[Regel]) -> list[_Groep]:
        """Merge the rows of one contract, product and period into one tariff period.
        Refuse a different amount for the same period, and periods of one contract and
        product that overlap within the sheet."""
        groepen: dict[tuple[str, int, date, date | None], _Groep] = {}
        for regel in regels:
            if regel.rij in self.afgekeurd:
                continue
            sleutel = (regel.contract, regel.product.pk, regel.ingangsdatum, regel.einddatum)
            groep = groepen.get(sleutel)
            if groep is None:
                groepen[sleutel] = _Groep(
                    regel.contract,
                    regel.product,
                    regel.ingangsdatum,
                    regel.einddatum,
                    regel.bedrag,
                    regel.eenheid,
                    [regel],
                )
            elif (regel.bedrag, regel.eenheid) == (groep.bedrag, groep.eenheid):
                groep.regels.append(regel)
            elif regel.gemeente == groep.regels[0].gemeente:
                self.fout(
                    regel.rij,
                    "regel_dubbel",
                    f"Deze regel herhaalt rij {groep.regels[0].rij} (zelfde contract, gemeente, "
                    "product en periode) met een ander tarief.",
                    "tarief",
                )
            else:
                self.fout(
                    regel.rij,
                    "tarief_verschilt_per_gemeente",
                    f"Contract {regel.contract} heeft voor product {regel.product.productcode} "
                    f"vanaf {_dmj(regel.ingangsdatum)} in rij {groep.regels[0].rij} tarief "
                    f"{groep.bedrag} (eenheid {groep.eenheid}), hier {regel.bedrag} (eenheid "
                    f"{regel.eenheid}). Een contract heeft één tarief per product en periode "
                    "voor al zijn gemeenten: geef deze gemeente een apart contractnummer.",
                    "tarief",
                )
        per_product: dict[tuple[str, int], list[_Groep]] = {}
        for groep in groepen.values():
            per_product.setdefault((groep.contract, groep.product.pk), []).append(groep)
        goed: list[_Groep] = []
        for reeks in per_product.values():
            reeks.sort(key=lambda g: (g.ingangsdatum, g.regels[0].rij))
            geaccepteerd: list[_Groep] = []
            for groep in reeks:
                botsing = next(
                    (
                        g
                        for g in geaccepteerd
                        if overlapt(
                            g.ingangsdatum, g.einddatum, groep.ingangsdatum, groep.einddatum
                        )
                    ),
                    None,
                )
                if botsing is None:
                    geaccepteerd.append(groep)
                    continue
                for regel in groep.regels:
                    self.fout(
                        regel.rij,
                        "overlap_in_blad",
                        f"De periode {_dmj(groep.ingangsdatum)} t/m {_dmj(groep.einddatum)} "
                        f"overlapt met die in rij {botsing.regels[0].rij} (zelfde contract "
                        f"{groep.contract} en product {groep.product.productcode}). Geef de "
                        "eerdere periode een einddatum.",
                        "ingangsdatum",
                    )
            goed.extend(geaccepteerd)
        return goed

    def tarieven_schrijven(self, groepen: list[_Groep], contracten: dict[str, Contract]) -> None:
        # Latest period first per contract and product: a new period closes the open one
        # it follows the day before, after which the sheet's closed copy of that one is
        # identical to it (ongewijzigd) instead of overlapping.
        groepen.sort(key=lambda g: (g.contract, g.product.pk, -g.ingangsdatum.toordinal()))
        for groep in groepen:
            contract = contracten.get(groep.contract)
            if contract is None or all(r.rij in self.afgekeurd for r in groep.regels):
                continue
            if groep.contract not in self.nieuw and _bestaat_al(contract, groep):
                self.resultaat.ongewijzigd += 1
                continue
            try:
                services.tariefperiode_toevoegen(
                    door=self.door,
                    contract=contract,
                    product=groep.product,
                    bedrag=groep.bedrag,
                    ingangsdatum=groep.ingangsdatum,
                    einddatum=groep.einddatum,
                    eenheid=groep.eenheid,
                    reden=TariefReden.IMPORT,
                    toelichting=IMPORT_REDEN,
                )
            except DomeinFout as exc:
                self.domeinfout(groep.regels, exc)
                continue
            self.resultaat.tariefperioden_aangemaakt += 1
            if groep.contract in self.nieuw:
                self.nieuw[groep.contract].perioden += 1


def _bestaat_al(contract: Contract, groep: _Groep) -> bool:
    """A period with the same product, dates, amount and unit already exists."""
    bestaand = Tariefperiode.objects.filter(
        contract=contract,
        product=groep.product,
        is_vervangen=False,
        ingangsdatum=groep.ingangsdatum,
    ).first()
    return (
        bestaand is not None
        and bestaand.einddatum == groep.einddatum
        and bestaand.bedrag.amount == groep.bedrag
        and bestaand.eenheid == groep.eenheid
    )


def tarieven_importeren(
    *, bestand: bytes | BinaryIO, door: Gebruiker | None, dry_run: bool
) -> ImportResultaat:
    """Import a tariff sheet, all or nothing.

    Every refused row is reported with its row number and a Dutch reason; a file that
    cannot be read gives one error at row 0 (the file) or 1 (the header row). Nothing is
    written when there is any error, nor when ``dry_run`` is set: the import then runs in
    full and is rolled back, so a dry run reports exactly what a real run would refuse.
    ``door`` is the acting user (None for system work); with a user the services check
    role and gemeente scope.
    """
    resultaat = ImportResultaat(dry_run=dry_run)
    if door is not None and not door.heeft_rol(Rol.INKOPER, Rol.BEHEERDER):
        resultaat.fouten.append(
            fout(
                0,
                "geen_toegang",
                "U heeft niet de rol die voor deze actie nodig is (inkoper of beheerder).",
            )
        )
        return resultaat
    data = bestand if isinstance(bestand, bytes) else bestand.read(MAX_BESTAND_BYTES + 1)
    rijen, bestandsfout = blad_lezen(data)
    posities, kopfout = kolommen_vinden(rijen[0]) if rijen else ({}, None)
    leesfout = bestandsfout or kopfout
    if leesfout is not None:
        resultaat.fouten.append(leesfout)
        return resultaat

    werk = _Import(door=door, dry_run=dry_run)
    # A dry run, or any error, rolls the whole import back: all or nothing.
    with contextlib.suppress(_Terugdraaien), transaction.atomic():
        werk.uitvoeren(rijen, posities)
        if dry_run or werk.resultaat.fouten:
            raise _Terugdraaien
    resultaat = werk.resultaat
    resultaat.fouten.sort(key=lambda f: f.rij)
    if resultaat.fouten and not dry_run:
        resultaat.aangemaakte_contracten = []
        resultaat.tariefperioden_aangemaakt = 0
        resultaat.ongewijzigd = 0
    return resultaat

"""Scene for the declaration pipeline: the toewijzing scene of inkoop (Amsterdam, a provider
with a Wmo contract, budget posts 2026/2027 of 1,000,000, a client) plus one toewijzing of
begeleiding (02A01, 65.00 per uur) of 40 hours per month for 2026, and helpers that build a
WMO323 for it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from inkoop import services as inkoop_services
from inkoop.models import Toewijzing
from iwmo_jw.codec import serialize, soort, xsd_versie
from iwmo_jw.codec.modellen import (
    BedragMetDC,
    Bericht323,
    BerichtIdentificatie,
    Client323,
    Declaratie,
    GeslotenPeriode,
    Header,
    Prestatie323,
    Referentie,
    TotaalBedragMetDC,
)
from tests.factories import GebruikerFactory, gemeente
from tests.inkoop.toewijzingscene import BSN, Scene, bouw_scene

OKTOBER = (date(2026, 10, 1), date(2026, 10, 31))
#: Messages arrive on this moment, so no rule depends on the day the tests run.
ONTVANGEN_OP = datetime(2027, 1, 15, 12, 0, tzinfo=UTC)
NOVEMBER = (date(2026, 11, 1), date(2026, 11, 30))


@dataclass
class Declaratiescene:
    scene: Scene
    toewijzing: Toewijzing
    volgnummer: list[int] = field(default_factory=lambda: [0])

    def prestatie(
        self,
        ref: str,
        *,
        uren: int = 10,
        periode: tuple[date, date] = OKTOBER,
        bedrag: Decimal | None = None,
        tarief: Decimal = Decimal("65.00"),
        credit_van: str | None = None,
        nummer: int | None = None,
        code: str = "02A01",
    ) -> Prestatie323:
        return Prestatie323(
            product_referentie=Referentie(
                referentie_nummer=ref, vorig_referentie_nummer=credit_van
            ),
            toewijzing_nummer=nummer if nummer is not None else self.toewijzing.nummer,
            product_categorie=code[:2],
            product_code=code,
            product_periode=GeslotenPeriode(begindatum=periode[0], einddatum=periode[1]),
            geleverd_volume=uren,
            eenheid="04",
            product_tarief=tarief,
            ingediend_bedrag=BedragMetDC(
                bedrag=bedrag if bedrag is not None else tarief * uren,
                debet_credit="C" if credit_van else "D",
            ),
        )

    def bericht(
        self,
        prestaties: list[Prestatie323],
        *,
        nummer: str | None = None,
        periode: tuple[date, date] = OKTOBER,
        bsn: str = BSN,
        identificatie: str | None = None,
    ) -> Bericht323:
        self.volgnummer[0] += 1
        totaal = sum(
            (
                p.ingediend_bedrag.bedrag * (-1 if p.ingediend_bedrag.debet_credit == "C" else 1)
                for p in prestaties
            ),
            Decimal(0),
        )
        gekozen = soort("WMO323")
        return Bericht323(
            soort=gekozen,
            header=Header(
                afzender=self.scene.aanbieder.agb_code,
                ontvanger=self.scene.gemeente.code,
                bericht_identificatie=BerichtIdentificatie(
                    identificatie=identificatie or f"DECL{self.volgnummer[0]:04d}",
                    dagtekening=periode[1] + timedelta(days=1),
                ),
                xsd_versie=xsd_versie(gekozen),
            ),
            declaratie=Declaratie(
                declaratie_nummer=nummer or f"D{self.volgnummer[0]:04d}",
                declaratie_periode=GeslotenPeriode(begindatum=periode[0], einddatum=periode[1]),
                declaratie_dagtekening=periode[1] + timedelta(days=1),
                totaal_ingediend_bedrag=TotaalBedragMetDC(
                    totaal_bedrag=abs(totaal), debet_credit="C" if totaal < 0 else "D"
                ),
                clienten=(Client323(bsn=bsn, prestaties=tuple(prestaties)),),
            ),
        )

    def xml(self, prestaties: list[Prestatie323], **kwargs) -> bytes:
        return serialize(self.bericht(prestaties, **kwargs))


def bouw_declaratiescene() -> Declaratiescene:
    amsterdam = gemeente("0363")
    regisseur = GebruikerFactory(
        username="regisseur_decl", rollen=["regisseur"], gemeenten=[amsterdam]
    )
    scene = bouw_scene(regisseur)
    return Declaratiescene(scene=scene, toewijzing=begeleiding_toewijzen(scene))


def begeleiding_toewijzen(scene: Scene) -> Toewijzing:
    """40 hours of begeleiding a month in 2026 for the scene's client at its provider."""
    return inkoop_services.toewijzing_verstrekken(
        door=scene.regisseur,
        client=scene.client,
        zorgaanbieder=scene.aanbieder,
        wet="wmo",
        product=scene.begeleiding,
        ingangsdatum=date(2026, 1, 1),
        einddatum=date(2026, 12, 31),
        volume=40,
        eenheid="04",
        frequentie="4",
        versturen=False,
    )

#!/usr/bin/env python
"""Generate ``iwmo_jw/codec/modellen.py``, the typed models of the 28 messages of iWmo 3.2 and
iJw 3.2, from the XSDs shipped in ``iwmo_jw/schemas/`` (copied there by
``scripts/schemas_kopieren.py``).

Run from the repository root after the schemas change; ``tests/iwmo_jw/test_modellen.py`` fails
while the committed file differs from what this script writes.

How the XSDs become classes:

- One class per distinct structure. The iWmo and iJw twin of a message (WMO323 / JW323) share
  their classes: the structures are equal except for a few iJw-only optional elements
  (GezagsdragerBekend in 315/316, Woonplaatsbeginsel in 319/320), which become fields marked
  ``alleen=Standaard.IJW``. The script checks that nothing else differs.
- A basisschema type ``CDT_X`` becomes class ``X`` (``GeslotenPeriode``, ``BedragMetDC``).
- A message type becomes a class with the type's name when its structure is the same in every
  message that has it (``Declaratie``, ``Verzoek``); otherwise the name gets the number of the
  first message with that structure (``Client301``, ``Client302``, ``Prestatie323``,
  ``Prestatie325``). The message root is ``Bericht301`` .. ``Bericht325``; the header of the heen
  messages is ``Header``, of the retour messages ``RetourHeader``, of the 325 ``Header325``.
- A wrapper type with one repeated element (``Clienten``/``Client``, ``RetourCodes``/``RetourCode``)
  becomes a tuple field named after the wrapper (``clienten``, ``retour_codes``).
- BerichtCode, BerichtVersie and BerichtSubversie are fixed per message type: they are not
  stored but written from the message's soort.
- Simple types map by their XSD base: xs:string -> str, xs:integer -> int, xs:date -> date,
  xs:time -> time; the amount types (eurocents: LDT_Bedrag, LDT_TotaalBedrag, LDT_Budget)
  -> Decimal euros.
"""

from __future__ import annotations

import difflib
import importlib.util
import re
import subprocess
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from lxml import etree

ROOT = Path(__file__).resolve().parent.parent


def _soorten() -> ModuleType:
    # Loaded by path: importing the package would import the models this script writes.
    spec = importlib.util.spec_from_file_location(
        "_codec_soorten", ROOT / "iwmo_jw" / "codec" / "soorten.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


_S = _soorten()
BERICHTTYPEN: tuple[str, ...] = _S.BERICHTTYPEN
Standaard = _S.Standaard

SCHEMA_MAP = ROOT / "iwmo_jw" / "schemas"
DOEL = ROOT / "iwmo_jw" / "codec" / "modellen.py"
XS = "{http://www.w3.org/2001/XMLSchema}"

#: Amounts in 1/100 of the currency (their documentation says so; checked below).
BEDRAG_TYPEN = {"LDT_Bedrag", "LDT_TotaalBedrag", "LDT_Budget"}
VASTE_ELEMENTEN = ("BerichtCode", "BerichtVersie", "BerichtSubversie")
HEADER_NAMEN = {"301": "Header", "302": "RetourHeader", "325": "Header325"}
PYTHON_TYPE = {
    "TEKST": "str",
    "GEHEEL": "int",
    "DATUM": "date",
    "TIJD": "time",
    "BEDRAG": "Decimal",
}


class SchemaFout(Exception):
    """The XSDs contain a construct this generator does not support."""


@dataclass
class VeldSpec:
    xml: str
    aard: str  # name of an Aard member
    verplicht: bool
    klasse: KlasseSpec | None = None  # SAMENGESTELD, or the item class of a LIJST
    item: str | None = None
    item_aard: str | None = None
    alleen: str | None = None  # name of a Standaard member
    #: The documentation texts of this element; more than one when they differ between the
    #: standards or messages that share the class (Afzender: gemeente or aanbieder).
    docs: list[str] = field(default_factory=list)

    def sleutel(self) -> tuple[object, ...]:
        return (
            self.xml,
            self.aard,
            self.verplicht,
            self.item,
            self.item_aard,
            self.alleen,
            self.klasse.sleutel() if self.klasse else None,
        )


@dataclass
class KlasseSpec:
    xsd_naam: str
    kant: str  # "BERICHT" / "BASIS"
    velden: list[VeldSpec]
    vast: tuple[str, ...] = ()
    doc: str = ""
    berichttypen: set[str] = field(default_factory=set)
    naam: str = ""

    def sleutel(self) -> tuple[object, ...]:
        return (self.xsd_naam, self.kant, self.vast, tuple(v.sleutel() for v in self.velden))


def _doc(element: etree._Element) -> str:
    tekst = element.findtext(f"{XS}annotation/{XS}documentation") or ""
    return " ".join(tekst.split())


def _docs(*elementen: etree._Element) -> list[str]:
    return _unie(*([_doc(e)] for e in elementen))


def _unie(*lijsten: list[str]) -> list[str]:
    uit: list[str] = []
    for lijst in lijsten:
        uit += [d for d in lijst if d and d not in uit]
    return uit


def _lokaal(qname: str) -> str:
    return qname.split(":", 1)[-1]


def _kinderen(element: etree._Element, tag: str) -> list[etree._Element]:
    return [kind for kind in element if kind.tag == tag]


class Schemas:
    """The message schema and the basisschema of one message type of one standard."""

    def __init__(self, standaard: object, berichttype: str) -> None:
        map_naam = "iwmo-3.2" if standaard is Standaard.IWMO else "ijw-3.2"
        prefix = "WMO" if standaard is Standaard.IWMO else "JW"
        self.bericht = etree.parse(str(SCHEMA_MAP / map_naam / f"{prefix}{berichttype}.xsd"))
        self.basis = etree.parse(str(SCHEMA_MAP / map_naam / "basisschema.xsd"))
        self.bericht_typen = {
            t.get("name"): t for t in _kinderen(self.bericht.getroot(), f"{XS}complexType")
        }
        self.basis_typen = {
            t.get("name"): t for t in _kinderen(self.basis.getroot(), f"{XS}complexType")
        }
        self.simpel = {t.get("name"): t for t in _kinderen(self.basis.getroot(), f"{XS}simpleType")}

    def aard_van_simpel(self, naam: str) -> str:
        simpel = self.simpel[naam]
        restrictie = simpel.find(f"{XS}restriction")
        if restrictie is None:
            raise SchemaFout(f"{naam}: alleen restricties worden ondersteund")
        basis = restrictie.get("base")
        if basis == "xs:string":
            lengte = restrictie.find(f"{XS}minLength")
            opsomming = restrictie.findall(f"{XS}enumeration")
            leeg_mag = (lengte is None or int(lengte.get("value", "0")) < 1) and (
                not opsomming or any(o.get("value") == "" for o in opsomming)
            )
            if leeg_mag:
                # The reader takes element text as is; an empty value would read as None.
                raise SchemaFout(
                    f"{naam}: een lege tekst is toegestaan; dat ondersteunt de codec niet"
                )
            return "TEKST"
        if basis == "xs:integer":
            if naam in BEDRAG_TYPEN:
                if "1/100" not in _doc(simpel):
                    raise SchemaFout(f"{naam}: geen bedrag in eurocenten volgens de documentatie")
                return "BEDRAG"
            return "GEHEEL"
        if basis == "xs:date":
            return "DATUM"
        if basis == "xs:time":
            return "TIJD"
        raise SchemaFout(f"{naam}: basistype {basis} wordt niet ondersteund")

    def klasse(self, type_element: etree._Element, kant: str) -> KlasseSpec:
        if type_element.find(f"{XS}attribute") is not None:
            raise SchemaFout(f"{type_element.get('name')}: attributen worden niet ondersteund")
        reeks = type_element.find(f"{XS}sequence")
        if reeks is None or len(_kinderen(type_element, f"{XS}sequence")) != 1:
            raise SchemaFout(f"{type_element.get('name')}: alleen xs:sequence wordt ondersteund")
        velden: list[VeldSpec] = []
        vast: list[str] = []
        for element in reeks:
            if not isinstance(element.tag, str) or element.tag == f"{XS}annotation":
                continue
            if element.tag != f"{XS}element":
                raise SchemaFout(f"{type_element.get('name')}: {element.tag} niet ondersteund")
            velden_of_vast = self.veld(element, kant)
            if isinstance(velden_of_vast, str):
                if velden:
                    raise SchemaFout(f"{velden_of_vast} staat niet vooraan in de header")
                vast.append(velden_of_vast)
            else:
                velden.append(velden_of_vast)
        return KlasseSpec(
            xsd_naam=type_element.get("name") or "",
            kant=kant,
            velden=velden,
            vast=tuple(vast),
            doc=_doc(type_element),
        )

    def veld(self, element: etree._Element, kant: str) -> VeldSpec | str:
        naam = element.get("name") or ""
        minimum = int(element.get("minOccurs", "1"))
        if element.get("maxOccurs", "1") != "1":
            raise SchemaFout(f"{naam}: herhaling buiten een omhullend element")
        verplicht = minimum >= 1
        inline = element.find(f"{XS}simpleType")
        if inline is not None:
            restrictie = inline.find(f"{XS}restriction")
            assert restrictie is not None
            facetten = {etree.QName(f).localname for f in restrictie if isinstance(f.tag, str)}
            if not facetten <= {"pattern", "annotation"}:
                raise SchemaFout(f"{naam}: inline facetten {facetten} niet ondersteund")
            if naam in VASTE_ELEMENTEN:
                return naam
            return VeldSpec(
                xml=naam,
                aard=self.aard_van_simpel(_lokaal(restrictie.get("base") or "")),
                verplicht=verplicht,
                docs=_docs(element),
            )
        type_naam = _lokaal(element.get("type") or "")
        if type_naam in self.simpel:
            return VeldSpec(
                xml=naam,
                aard=self.aard_van_simpel(type_naam),
                verplicht=verplicht,
                docs=_docs(element),
            )
        if type_naam in self.basis_typen:
            sub = self.klasse(self.basis_typen[type_naam], "BASIS")
            return VeldSpec(
                xml=naam, aard="SAMENGESTELD", verplicht=verplicht, klasse=sub, docs=_docs(element)
            )
        type_element = self.bericht_typen[type_naam]
        omhulde = self.omhuld(type_element)
        if omhulde is None:
            sub = self.klasse(type_element, "BERICHT")
            return VeldSpec(
                xml=naam, aard="SAMENGESTELD", verplicht=verplicht, klasse=sub, docs=_docs(element)
            )
        item_type = _lokaal(omhulde.get("type") or "")
        if item_type in self.simpel:
            return VeldSpec(
                xml=naam,
                aard="LIJST",
                verplicht=verplicht,
                item=omhulde.get("name"),
                item_aard=self.aard_van_simpel(item_type),
                docs=_docs(element, omhulde),
            )
        return VeldSpec(
            xml=naam,
            aard="LIJST",
            verplicht=verplicht,
            item=omhulde.get("name"),
            item_aard="SAMENGESTELD",
            klasse=self.klasse(self.bericht_typen[item_type], "BERICHT"),
            docs=_docs(element, omhulde),
        )

    @staticmethod
    def omhuld(type_element: etree._Element) -> etree._Element | None:
        """The repeated element if ``type_element`` only wraps one repeated element."""
        reeks = type_element.find(f"{XS}sequence")
        if reeks is None:
            return None
        elementen = _kinderen(reeks, f"{XS}element")
        if len(elementen) != 1 or elementen[0].get("maxOccurs", "1") == "1":
            return None
        enige = elementen[0]
        if enige.get("maxOccurs") != "unbounded" or enige.get("minOccurs", "1") != "1":
            raise SchemaFout(f"{enige.get('name')}: herhaling moet 1..unbounded zijn")
        return enige


def samenvoegen(wmo: KlasseSpec, jw: KlasseSpec) -> KlasseSpec:
    """One class for the iWmo and iJw twin; elements in one standard only get ``alleen``."""
    if (wmo.xsd_naam, wmo.kant, wmo.vast) != (jw.xsd_naam, jw.kant, jw.vast):
        raise SchemaFout(f"{wmo.xsd_naam}: iWmo en iJw verschillen in naam of vaste elementen")
    namen_wmo = [v.xml for v in wmo.velden]
    namen_jw = [v.xml for v in jw.velden]
    velden: list[VeldSpec] = []
    matcher = difflib.SequenceMatcher(a=namen_wmo, b=namen_jw, autojunk=False)
    for opcode, a0, a1, b0, b1 in matcher.get_opcodes():
        if opcode == "equal":
            for w, j in zip(wmo.velden[a0:a1], jw.velden[b0:b1], strict=True):
                velden.append(_veld_samenvoegen(w, j))
        elif opcode in ("insert", "delete"):
            alleen, extra = (
                ("IJW", jw.velden[b0:b1]) if opcode == "insert" else ("IWMO", wmo.velden[a0:a1])
            )
            for veld in extra:
                if veld.verplicht:
                    raise SchemaFout(f"{veld.xml}: verplicht element in maar één standaard")
                veld.alleen = alleen
                velden.append(veld)
        else:
            raise SchemaFout(
                f"{wmo.xsd_naam}: iWmo {namen_wmo[a0:a1]} tegenover iJw {namen_jw[b0:b1]}"
            )
    return KlasseSpec(
        xsd_naam=wmo.xsd_naam, kant=wmo.kant, velden=velden, vast=wmo.vast, doc=wmo.doc or jw.doc
    )


def _veld_samenvoegen(wmo: VeldSpec, jw: VeldSpec) -> VeldSpec:
    gelijk = (wmo.xml, wmo.aard, wmo.verplicht, wmo.item, wmo.item_aard) == (
        jw.xml,
        jw.aard,
        jw.verplicht,
        jw.item,
        jw.item_aard,
    )
    if not gelijk or (wmo.klasse is None) != (jw.klasse is None):
        raise SchemaFout(f"{wmo.xml}: iWmo en iJw verschillen")
    klasse = samenvoegen(wmo.klasse, jw.klasse) if wmo.klasse and jw.klasse else None
    return VeldSpec(
        xml=wmo.xml,
        aard=wmo.aard,
        verplicht=wmo.verplicht,
        klasse=klasse,
        item=wmo.item,
        item_aard=wmo.item_aard,
        docs=_unie(wmo.docs, jw.docs),
    )


def python_naam(xml_naam: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", xml_naam).lower()


def _alle_klassen(klasse: KlasseSpec) -> list[KlasseSpec]:
    """``klasse`` and everything nested in it, nested first (definition order)."""
    uit: list[KlasseSpec] = []
    for veld in klasse.velden:
        if veld.klasse is not None:
            uit.extend(_alle_klassen(veld.klasse))
    uit.append(klasse)
    return uit


def klassen_bepalen() -> tuple[list[KlasseSpec], dict[str, KlasseSpec]]:
    """All distinct classes in definition order, and the root class per message type."""
    unieke: dict[tuple[object, ...], KlasseSpec] = {}
    wortels: dict[str, KlasseSpec] = {}
    volgorde: list[tuple[object, ...]] = []
    for berichttype in BERICHTTYPEN:
        wmo = Schemas(Standaard.IWMO, berichttype)
        jw = Schemas(Standaard.IJW, berichttype)
        wortel = samenvoegen(
            wmo.klasse(wmo.bericht_typen["Root"], "BERICHT"),
            jw.klasse(jw.bericht_typen["Root"], "BERICHT"),
        )
        for klasse in _alle_klassen(wortel):
            sleutel = klasse.sleutel()
            if sleutel not in unieke:
                unieke[sleutel] = klasse
                volgorde.append(sleutel)
            else:
                for bekend, nieuw in zip(unieke[sleutel].velden, klasse.velden, strict=True):
                    bekend.docs = _unie(bekend.docs, nieuw.docs)
            unieke[sleutel].berichttypen.add(berichttype)
        wortels[berichttype] = unieke[wortel.sleutel()]
    # Share nested class objects: point every field at the canonical instance.
    for klasse in unieke.values():
        for veld in klasse.velden:
            if veld.klasse is not None:
                veld.klasse = unieke[veld.klasse.sleutel()]
    klassen = [unieke[s] for s in volgorde]
    _namen_geven(klassen, wortels)
    # Basis classes first (alphabetically, each after the classes it uses), then the message
    # classes in order of appearance (already nested-first).
    basis: list[KlasseSpec] = []
    for klasse in sorted((k for k in klassen if k.kant == "BASIS"), key=lambda k: k.naam):
        for nodig in _alle_klassen(klasse):
            if nodig not in basis:
                basis.append(nodig)
    bericht = [k for k in klassen if k.kant == "BERICHT"]
    return basis + bericht, wortels


def _namen_geven(klassen: list[KlasseSpec], wortels: dict[str, KlasseSpec]) -> None:
    per_naam: dict[str, list[KlasseSpec]] = {}
    for klasse in klassen:
        per_naam.setdefault(klasse.xsd_naam, []).append(klasse)
    for xsd_naam, varianten in per_naam.items():
        for klasse in varianten:
            eerste = min(klasse.berichttypen)
            if klasse.kant == "BASIS":
                if len(varianten) != 1:
                    raise SchemaFout(f"{xsd_naam}: verschillende structuren in het basisschema")
                klasse.naam = xsd_naam.removeprefix("CDT_")
            elif xsd_naam == "Root":
                (berichttype,) = klasse.berichttypen
                klasse.naam = f"Bericht{berichttype}"
            elif xsd_naam == "Header":
                klasse.naam = HEADER_NAMEN[eerste]
            elif len(varianten) == 1:
                klasse.naam = xsd_naam
            else:
                klasse.naam = f"{xsd_naam}{eerste}"
    namen = [k.naam for k in klassen]
    dubbel = {n for n in namen if namen.count(n) > 1}
    if dubbel:
        raise SchemaFout(f"dubbele klassenamen: {sorted(dubbel)}")
    for berichttype, wortel in wortels.items():
        if wortel.naam != f"Bericht{berichttype}":
            raise SchemaFout(f"wortel van {berichttype} heet {wortel.naam}")


def _commentaar(tekst: str, inspringing: str) -> list[str]:
    if not tekst:
        return []
    return [
        f"{inspringing}#: {regel}"
        for regel in textwrap.wrap(tekst, width=96 - len(inspringing) - 3, break_on_hyphens=False)
    ]


def _python_type(veld: VeldSpec) -> str:
    if veld.aard == "SAMENGESTELD":
        assert veld.klasse is not None
        basis = veld.klasse.naam
    elif veld.aard == "LIJST":
        item = veld.klasse.naam if veld.klasse is not None else PYTHON_TYPE[veld.item_aard or ""]
        return f"tuple[{item}, ...]"
    else:
        basis = PYTHON_TYPE[veld.aard]
    return basis if veld.verplicht else f"{basis} | None"


def _veld_regels(veld: VeldSpec) -> list[str]:
    argumenten = [f'"{veld.xml}"', f"Aard.{veld.aard}"]
    if veld.aard == "LIJST":
        argumenten += [f'item="{veld.item}"', f"item_aard=Aard.{veld.item_aard}"]
    if veld.klasse is not None:
        argumenten.append(f"klasse={veld.klasse.naam}")
    if veld.alleen:
        argumenten.append(f"alleen=Standaard.{veld.alleen}")
    standaard = ""
    if not veld.verplicht:
        standaard = "default=(), " if veld.aard == "LIJST" else "default=None, "
    regels = _commentaar(" Of: ".join(veld.docs), "    ")
    regels.append(
        f"    {python_naam(veld.xml)}: {_python_type(veld)} = field("
        f"{standaard}metadata=xml({', '.join(argumenten)}))"
    )
    return regels


def _klasse_regels(klasse: KlasseSpec) -> list[str]:
    berichten = ", ".join(sorted(klasse.berichttypen))
    if klasse.xsd_naam == "Root":
        basis = "Bericht"
        doc = f"Bericht {berichten}: WMO{berichten} (iWmo) en JW{berichten} (iJw)."
    elif klasse.xsd_naam == "Header":
        basis = "HeaderBasis"
        doc = f"Header van bericht {berichten}."
    else:
        basis = "Model"
        waar = f"``{klasse.xsd_naam}`` in bericht {berichten}."
        doc = f"{klasse.doc} ({waar})" if klasse.doc else waar
    regels = ["", "", "@dataclass(slots=True, kw_only=True)"]
    regels.append(f"class {klasse.naam}({basis}):")
    doc_regels = textwrap.wrap(doc, width=92, break_on_hyphens=False)
    if len(doc_regels) == 1:
        regels.append(f'    """{doc_regels[0]}"""')
    else:
        regels.append(f'    """{doc_regels[0]}')
        regels += [f"    {r}" for r in doc_regels[1:]]
        regels.append('    """')
    regels.append("")
    if klasse.kant == "BASIS":
        regels.append("    XML_KANT = Kant.BASIS")
    if klasse.vast:
        regels.append(f"    XML_VAST = {klasse.vast!r}")
    if klasse.xsd_naam == "Root":
        (berichttype,) = klasse.berichttypen
        regels.append(f'    BERICHTTYPE = "{berichttype}"')
        regels.append("")
        regels.append("    soort: BerichtSoort")
    elif klasse.kant == "BASIS" or klasse.vast:
        regels.append("")
    for veld in klasse.velden:
        regels += _veld_regels(veld)
    return regels


KOP = '''"""The typed models of the 28 messages of iWmo 3.2 and iJw 3.2.

GENERATED by ``scripts/codec_genereren.py`` from the XSDs in ``iwmo_jw/schemas/``; do not edit by
hand. Field comments are the documentation texts of the XSDs (Zorginstituut Nederland).

Each class serves both standards (``Bericht323`` holds a WMO323 or a JW323; its ``soort`` says
which). Amounts are Decimal euros (eurocents in the message), dates ``datetime.date``, codes
strings with their leading zeros, optional elements None, repeated elements tuples.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal

from iwmo_jw.codec.soorten import BerichtSoort, Standaard
from iwmo_jw.codec.velden import Aard, Bericht, HeaderBasis, Kant, Model, xml

__all__ = [
'''


def genereren() -> str:
    klassen, wortels = klassen_bepalen()
    namen = ["BERICHT_KLASSEN", *sorted(k.naam for k in klassen)]  # constants first (isort)
    regels = [KOP.rstrip("\n")]
    regels += [f'    "{naam}",' for naam in namen]
    regels.append("]")
    for klasse in klassen:
        regels += _klasse_regels(klasse)
    regels += ["", "", '#: The model class per message type ("323" -> Bericht323).']
    regels.append("BERICHT_KLASSEN: dict[str, type[Bericht]] = {")
    regels += [f'    "{bt}": {wortels[bt].naam},' for bt in BERICHTTYPEN]
    regels.append("}")
    return _opmaken("\n".join(regels) + "\n")


def _opmaken(bron: str) -> str:
    """Format with ruff (the project's formatter), so the committed file is ruff-clean."""
    resultaat = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--stdin-filename", str(DOEL), "-"],
        input=bron,
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return resultaat.stdout


def main() -> int:
    DOEL.write_text(genereren(), encoding="utf-8")
    print(f"geschreven: {DOEL.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

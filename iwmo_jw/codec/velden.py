"""The declarative XML mapping of the message models.

Every field of a model (``modellen.py``, generated from the XSDs) carries an :class:`XmlVeld` in
its dataclass metadata: the element name, its kind (text, integer, date, time, eurocent amount,
nested model, list) and, for the few elements that exist in one standard only, that standard.
The reader and the writer (``lezen.py``, ``schrijven.py``) turn this metadata into tables once
per class and message type (``tabellen.py``); nothing is looked up per element at run time.

Namespaces follow from where an element is declared: the children of a type from the
basisschema (``CDT_...``, e.g. ``Begindatum`` in ``ProductPeriode``) are in the basisschema's
namespace, all other elements in the message's own namespace. A model says which it is with
:attr:`Model.XML_KANT`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from iwmo_jw.codec.soorten import BerichtSoort, Standaard

if TYPE_CHECKING:
    from datetime import date

    from iwmo_jw.codec.modellen import BerichtIdentificatie

#: The metadata key under which a dataclass field keeps its :class:`XmlVeld`.
XML = "xml"


class Aard(enum.Enum):
    """How an element's text maps to a Python value."""

    TEKST = "tekst"  # str, exactly as in the message (codes keep their leading zeros)
    GEHEEL = "geheel"  # int (xs:integer: volumes, numbers)
    DATUM = "datum"  # datetime.date (xs:date without time zone)
    TIJD = "tijd"  # datetime.time (xs:time without time zone)
    BEDRAG = "bedrag"  # Decimal euros; integer eurocents in the message
    SAMENGESTELD = "samengesteld"  # a nested model
    LIJST = "lijst"  # a tuple: a wrapper element around one repeated element (Clienten/Client)


class Kant(enum.Enum):
    """Which schema declares the elements of a model, and so which namespace they are in."""

    BERICHT = "bericht"  # the message schema (jw323:..., wmo301:...)
    BASIS = "basis"  # the basisschema (ijw:..., iwmo:...)


@dataclass(frozen=True, slots=True)
class XmlVeld:
    """The XML side of one model field."""

    naam: str  # element name, e.g. "ProductReferentie"
    aard: Aard
    #: LIJST: the repeated element inside the wrapper ("Client" in "Clienten") and its kind
    #: (TEKST for RetourCode, SAMENGESTELD otherwise).
    item: str | None = None
    item_aard: Aard | None = None
    #: SAMENGESTELD, and LIJST of SAMENGESTELD: the model class of the element.
    klasse: type[Model] | None = None
    #: The element exists only in this standard (GezagsdragerBekend, Woonplaatsbeginsel: iJw).
    alleen: Standaard | None = None


def xml(naam: str, aard: Aard, **kwargs: Any) -> dict[str, XmlVeld]:
    """Field metadata, as the generated models use it::

    bsn: str = field(metadata=xml("Bsn", Aard.TEKST))
    prestaties: tuple[Prestatie323, ...] = field(metadata=xml(
        "Prestaties", Aard.LIJST, item="Prestatie", item_aard=Aard.SAMENGESTELD,
        klasse=Prestatie323))
    """
    return {XML: XmlVeld(naam, aard, **kwargs)}


class Model:
    """Base of every message model.

    The models are slotted, keyword-only dataclasses; their fields are in XSD order, optional
    elements default to None and optional lists to (). They are not frozen: the reader sets the
    slots of hundreds of thousands of objects for a large declaration, and a frozen dataclass
    makes every store a call (``object.__setattr__``), which cost 10-20 % of the reading time.
    Treat a parsed message as a value: build a changed copy with ``dataclasses.replace``."""

    __slots__ = ()

    #: Which schema declares this model's elements (see :class:`Kant`).
    XML_KANT: ClassVar[Kant] = Kant.BERICHT
    #: Elements with a fixed value that precede the fields and are not stored in the model
    #: (BerichtCode, BerichtVersie, BerichtSubversie of a header): they follow from the soort.
    XML_VAST: ClassVar[tuple[str, ...]] = ()


class HeaderBasis(Model):
    """What every header has: the message's sender, receiver and identification. In a retour
    message (302, 306, ...) these are copied from the message it answers."""

    __slots__ = ()

    afzender: str  # gemeentecode (4 digits) or AGB code (8 digits)
    ontvanger: str
    bericht_identificatie: BerichtIdentificatie

    @property
    def identificatie(self) -> str:
        return self.bericht_identificatie.identificatie

    @property
    def dagtekening(self) -> date:
        return self.bericht_identificatie.dagtekening


class Bericht(Model):
    """A whole message. ``soort`` says which standard and message type it is; the same class
    serves the iWmo and the iJw twin (``Bericht323`` holds a WMO323 or a JW323)."""

    __slots__ = ()

    #: The message type this class models ("323").
    BERICHTTYPE: ClassVar[str]

    soort: BerichtSoort
    header: HeaderBasis

    def __post_init__(self) -> None:
        if self.soort.berichttype != self.BERICHTTYPE:
            raise ValueError(
                f"{type(self).__name__} hoort bij berichttype {self.BERICHTTYPE}, "
                f"niet bij {self.soort.naam}."
            )

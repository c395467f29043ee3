"""Choices, transitions and fixed sets of the berichtenbox (inbox, outbox, deadlines)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kern.constants import Rol


class BerichtStandaard(models.TextChoices):
    IWMO = "iwmo", _("iWmo")
    IJW = "ijw", _("iJw")


class Kanaal(models.TextChoices):
    """How an inbound message reached the service."""

    BESTAND = "bestand", _("Bestand (inlezen vanaf schijf)")
    API = "api", _("API")
    GGK = "ggk", _("Gemeentelijk Gegevensknooppunt (StUF-GGk)")


class BerichtStatus(models.TextChoices):
    """Status of an inbound message."""

    ONTVANGEN = "ontvangen", _("Ontvangen (nog niet gecontroleerd)")
    GEWEIGERD = "geweigerd", _("Geweigerd")
    DUBBEL = "dubbel", _("Dubbel ontvangen")
    WACHT_OP_VERWERKING = "wacht_op_verwerking", _("Wacht op verwerking")
    VERWERKT = "verwerkt", _("Verwerkt")
    VERWERKING_MISLUKT = "verwerking_mislukt", _("Verwerking mislukt")


#: Allowed transitions of an inbound message. ``""`` is the start (the raw row is written).
#: ``geweigerd`` and ``dubbel`` are final: a refused message is never processed; a corrected
#: message is a new message with its own identificatie.
INKOMEND_TRANSITIES: dict[str, frozenset[str]] = {
    "": frozenset({BerichtStatus.ONTVANGEN}),
    BerichtStatus.ONTVANGEN: frozenset(
        {BerichtStatus.GEWEIGERD, BerichtStatus.DUBBEL, BerichtStatus.WACHT_OP_VERWERKING}
    ),
    BerichtStatus.WACHT_OP_VERWERKING: frozenset(
        {BerichtStatus.VERWERKT, BerichtStatus.VERWERKING_MISLUKT}
    ),
    BerichtStatus.VERWERKING_MISLUKT: frozenset({BerichtStatus.WACHT_OP_VERWERKING}),
    BerichtStatus.VERWERKT: frozenset(),
    BerichtStatus.GEWEIGERD: frozenset(),
    BerichtStatus.DUBBEL: frozenset(),
}

#: Statuses of a message that was accepted: it holds its (afzender, BerichtCode,
#: Identificatie) exclusively (database constraint), so a later message with the same
#: identity is refused with retourcode 9056.
STATUSSEN_MET_IDENTITEIT: tuple[str, ...] = (
    BerichtStatus.WACHT_OP_VERWERKING.value,
    BerichtStatus.VERWERKT.value,
    BerichtStatus.VERWERKING_MISLUKT.value,
)


class UitgaandStatus(models.TextChoices):
    """Status of an outbound message."""

    AANGEMAAKT = "aangemaakt", _("Aangemaakt")
    GEEXPORTEERD = "geexporteerd", _("Geëxporteerd")
    VERZONDEN = "verzonden", _("Verzonden")


UITGAAND_TRANSITIES: dict[str, frozenset[str]] = {
    "": frozenset({UitgaandStatus.AANGEMAAKT}),
    UitgaandStatus.AANGEMAAKT: frozenset({UitgaandStatus.GEEXPORTEERD, UitgaandStatus.VERZONDEN}),
    UitgaandStatus.GEEXPORTEERD: frozenset({UitgaandStatus.VERZONDEN}),
    UitgaandStatus.VERZONDEN: frozenset(),
}


class TermijnSoort(models.TextChoices):
    """Which answer a deadline waits for."""

    RETOUR = "retour", _("Retourbericht (306, 308, 316 of 318)")
    TOEWIJZING_OF_ANTWOORD = (
        "toewijzing_of_antwoord",
        _("Toewijzing (301) of antwoordbericht (319)"),
    )
    DECLARATIE_ANTWOORD = "declaratie_antwoord", _("Declaratie-antwoord (325)")
    DEFINITIEF_ANTWOORD = (
        "definitief_antwoord",
        _("Definitief antwoord na 'aanvraag in onderzoek' (301 of 319), binnen acht weken"),
    )


#: Message types the gemeente receives (from a zorgaanbieder) and sends.
INKOMENDE_BERICHTTYPEN = frozenset({"302", "305", "307", "315", "317", "320", "323"})
UITGAANDE_BERICHTTYPEN = frozenset({"301", "306", "308", "316", "318", "319", "325"})

#: "Heen" messages whose header has the gemeente as Afzender. The header of their retour
#: (302, 320) is a copy, so there too the gemeente stands in Afzender.
HEEN_VAN_GEMEENTE = frozenset({"301", "319", "325"})

#: For each inbound type, the outbound types that answer it.
ANTWOORDEN_OP: dict[str, frozenset[str]] = {
    "305": frozenset({"306"}),
    "307": frozenset({"308"}),
    "315": frozenset({"316", "301", "319"}),
    "317": frozenset({"318", "301", "319"}),
    "323": frozenset({"325"}),
}

#: Retourcode of TR056: Identificatie is not unique for this sender.
RETOURCODE_NIET_UNIEK = "9056"
#: Retourcode of a message refused at level 2 (in-message rules).
RETOURCODE_NIVEAU_2 = "0001"

#: Of a message over the size limit only this many bytes are kept (with the size and the
#: sha256 of the whole), so a single upload never holds unbounded data in the database.
BEWAARD_BIJ_TE_GROOT = 1024 * 1024

#: Applicatie of the zender in a StUF-GGk envelope (3-50 characters), and of the ontvanger:
#: the GGk itself, which routes to the aanbieder by its AGB code (VNG example envelopes).
GGK_APPLICATIE = "Geldstromen sociaal domein"
GGK_ONTVANGER = "GGk"

#: Municipal roles that see message content (messages carry BSNs and care details; an
#: inkoper or budgethouder works with aggregates). Provider users see their own messages.
BERICHT_ROLLEN: tuple[str, ...] = (Rol.REGISSEUR, Rol.BEOORDELAAR, Rol.BEHEERDER)

#: Stable outcome codes besides the codec's own (``leeg``, ``te_groot``, ``xml_onleesbaar``,
#: ``doctype_verboden``, ``namespace_onbekend``, ``versie_niet_ondersteund``, ``xsd_ongeldig``...).
UITKOMST_GELDIG = "geldig"
UITKOMST_NIVEAU_2 = "ongeldig_niveau_2"
UITKOMST_RICHTING = "richting_onjuist"
UITKOMST_GEMEENTE_ONBEKEND = "gemeente_onbekend"
UITKOMST_GEMEENTE_NIET_AANGESLOTEN = "gemeente_niet_aangesloten"
UITKOMST_NIET_UNIEK = "identificatie_niet_uniek"
UITKOMST_DUBBEL = "dubbel_ontvangen"

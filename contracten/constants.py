from django.db import models
from django.utils.translation import gettext_lazy as _


class Eenheid(models.TextChoices):
    """LDT_Eenheid of iWmo/iJw 3.2 (codelijst WJ756)."""

    MINUUT = "01", _("Minuut")
    UUR = "04", _("Uur")
    ETMAAL = "14", _("Etmaal")
    DAGDEEL = "16", _("Dagdeel (4 uur)")
    STUKS_OUTPUT = "82", _("Stuks (output)")
    EUROS = "83", _("Euro's")
    STUKS_INSPANNING = "84", _("Stuks (inspanning)")


class Uitvoeringsvariant(models.TextChoices):
    INSPANNINGSGERICHT = "inspanningsgericht", _("Inspanningsgericht")
    OUTPUTGERICHT = "outputgericht", _("Outputgericht")
    TAAKGERICHT = "taakgericht", _("Taakgericht")


class ContractStatus(models.TextChoices):
    CONCEPT = "concept", _("Concept")
    ACTIEF = "actief", _("Actief")
    OPGEZEGD = "opgezegd", _("Opgezegd")
    BEEINDIGD = "beeindigd", _("Beëindigd")


#: Allowed status transitions. An opgezegd (notice given) contract still runs until its
#: einddatum and may be reactivated when the notice is withdrawn.
CONTRACT_TRANSITIES: dict[str, frozenset[str]] = {
    ContractStatus.CONCEPT: frozenset({ContractStatus.ACTIEF, ContractStatus.BEEINDIGD}),
    ContractStatus.ACTIEF: frozenset({ContractStatus.OPGEZEGD, ContractStatus.BEEINDIGD}),
    ContractStatus.OPGEZEGD: frozenset({ContractStatus.ACTIEF, ContractStatus.BEEINDIGD}),
    ContractStatus.BEEINDIGD: frozenset(),
}

#: Statuses under which a contract's tariffs apply to care delivered in its period.
CONTRACT_LOPEND = frozenset({ContractStatus.ACTIEF, ContractStatus.OPGEZEGD})


class TariefReden(models.TextChoices):
    INITIEEL = "initieel", _("Initieel tarief")
    INDEXATIE = "indexatie", _("Indexatie")
    CORRECTIE = "correctie", _("Correctie")
    WIJZIGING = "wijziging", _("Tariefwijziging")
    IMPORT = "import", _("Import tarievenblad")


class SlaEenheid(models.TextChoices):
    WERKDAGEN = "werkdagen", _("werkdagen")
    KALENDERDAGEN = "kalenderdagen", _("kalenderdagen")
    WEKEN = "weken", _("weken")
    PROCENT = "procent", _("procent")


class SlaSoort(models.TextChoices):
    ANTWOORD_VERZOEK = "antwoord_verzoek", _("Antwoord op verzoek om toewijzing (315/317)")
    WACHTTIJD = "wachttijd", _("Maximale wachttijd tot start zorg")
    START_ZORG_MELDING = "start_zorg_melding", _("Melding start zorg (305) na aanvang")
    DECLARATIETERMIJN = "declaratietermijn", _("Declaratie na afloop van de maand")
    AFKEURPERCENTAGE = "afkeurpercentage", _("Maximaal percentage afgewezen prestaties")
    CLIENTTEVREDENHEID = "clienttevredenheid", _("Minimale cliënttevredenheid")


#: The unit each SLA norm is measured in; a norm stores it so the figure never loses its unit.
SLA_EENHEID: dict[str, str] = {
    SlaSoort.ANTWOORD_VERZOEK: SlaEenheid.WERKDAGEN,
    SlaSoort.WACHTTIJD: SlaEenheid.KALENDERDAGEN,
    SlaSoort.START_ZORG_MELDING: SlaEenheid.WERKDAGEN,
    SlaSoort.DECLARATIETERMIJN: SlaEenheid.WEKEN,
    SlaSoort.AFKEURPERCENTAGE: SlaEenheid.PROCENT,
    SlaSoort.CLIENTTEVREDENHEID: SlaEenheid.PROCENT,
}

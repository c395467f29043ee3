"""Handlers of the berichtenbox for the messages inkoop receives: 305 (start zorg), 307
(stop zorg), 315 (verzoek om toewijzing) and 317 (verzoek om wijziging). Registered in
:meth:`inkoop.apps.InkoopConfig.ready`.

A handler runs inside the transaction that marks the message ``verwerkt``
(:mod:`iwmo_jw.routering`). It reads the parsed message, lets a service check and record it,
and stores the retour (306, 308, 316, 318) in the outbox as the answer to the message, which
closes the retour deadline. A message refused at level 2 gets a retour with 0001 and nothing
else. A verzoek refused in its retour gets no 301 or 319, so its second deadline lapses.
An error the sender cannot help (an unknown AGB code) raises: the message is then
``verwerking_mislukt`` and can be offered again once fixed.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from inkoop import services
from inkoop.services import _basis
from inkoop.services._berichten import Beoordeling, retour_maken, retour_technisch_afgekeurd
from iwmo_jw.codec.modellen import Bericht305, Bericht307, Bericht315, Bericht317
from iwmo_jw.constants import TermijnSoort
from iwmo_jw.models import InkomendBericht, Termijn, UitgaandBericht
from iwmo_jw.services import bericht_uitgaand_vastleggen, termijn_laten_vervallen

if TYPE_CHECKING:
    from iwmo_jw.codec import Bericht, Validatieresultaat

logger = logging.getLogger(__name__)


def _retour_vastleggen(bericht: InkomendBericht, data: bytes) -> UitgaandBericht:
    return bericht_uitgaand_vastleggen(data=data, antwoord_op=bericht)


def _log_afkeur(bericht: InkomendBericht, beoordeling: Beoordeling) -> None:
    # Codes only: the findings may name a toewijzing, never a BSN, but stay out of logs.
    if beoordeling.afgekeurd:
        logger.info(
            "%s %s afgekeurd: %s.",
            bericht.berichtnaam,
            bericht.uuid,
            ", ".join(beoordeling.codes),
        )


def _geen_antwoord_meer(bericht: InkomendBericht, beoordeling: Beoordeling) -> None:
    """A refused verzoek gets no 301 or 319: its second deadline lapses, with the reason."""
    for termijn in Termijn.objects.filter(
        bericht=bericht, soort=TermijnSoort.TOEWIJZING_OF_ANTWOORD, gesloten_op__isnull=True
    ):
        termijn_laten_vervallen(
            termijn=termijn,
            reden="Het verzoek is in de retour afgekeurd (retourcode "
            + ", ".join(beoordeling.codes)
            + "); er volgt geen toewijzing of antwoordbericht.",
        )


def _model(resultaat: Validatieresultaat, klasse: type[Bericht]) -> Bericht:
    model = resultaat.bericht
    if not isinstance(model, klasse):  # pragma: no cover - the registry routes by type
        raise TypeError(f"verwacht {klasse.__name__}, kreeg {type(model).__name__}")
    return model


def _technisch_afgekeurd(bericht: InkomendBericht, model: Bericht) -> None:
    _retour_vastleggen(bericht, retour_technisch_afgekeurd(model, dag=_basis.vandaag()))
    logger.info("%s %s afgekeurd op niveau 2 (0001).", bericht.berichtnaam, bericht.uuid)


def verzoek_om_toewijzing_verwerken(
    bericht: InkomendBericht, resultaat: Validatieresultaat
) -> None:
    """Handler of the 315: a verzoek in the work queue and a 316."""
    vot = _model(resultaat, Bericht315)
    assert isinstance(vot, Bericht315)
    if not resultaat.geldig:
        _technisch_afgekeurd(bericht, vot)
        return
    beoordeling, _verzoek = services.verzoek_om_toewijzing_ontvangen(bericht=bericht, vot=vot)
    _retour_vastleggen(bericht, retour_maken(vot, beoordeling, dag=_basis.vandaag()))
    _log_afkeur(bericht, beoordeling)
    if beoordeling.afgekeurd:
        _geen_antwoord_meer(bericht, beoordeling)


def verzoek_om_wijziging_verwerken(bericht: InkomendBericht, resultaat: Validatieresultaat) -> None:
    """Handler of the 317: a verzoek in the work queue and a 318."""
    vow = _model(resultaat, Bericht317)
    assert isinstance(vow, Bericht317)
    if not resultaat.geldig:
        _technisch_afgekeurd(bericht, vow)
        return
    beoordeling, _verzoek = services.verzoek_om_wijziging_ontvangen(bericht=bericht, vow=vow)
    _retour_vastleggen(bericht, retour_maken(vow, beoordeling, dag=_basis.vandaag()))
    _log_afkeur(bericht, beoordeling)
    if beoordeling.afgekeurd:
        _geen_antwoord_meer(bericht, beoordeling)


def start_zorg_verwerken(bericht: InkomendBericht, resultaat: Validatieresultaat) -> None:
    """Handler of the 305: the starts on their toewijzingen and a 306."""
    start = _model(resultaat, Bericht305)
    assert isinstance(start, Bericht305)
    if not resultaat.geldig:
        _technisch_afgekeurd(bericht, start)
        return
    beoordeling = services.regiemeldingen_ontvangen(bericht=bericht, melding=start)
    _retour_vastleggen(bericht, retour_maken(start, beoordeling, dag=_basis.vandaag()))
    _log_afkeur(bericht, beoordeling)


def stop_zorg_verwerken(bericht: InkomendBericht, resultaat: Validatieresultaat) -> None:
    """Handler of the 307: the stops on their toewijzingen and a 308."""
    stop = _model(resultaat, Bericht307)
    assert isinstance(stop, Bericht307)
    if not resultaat.geldig:
        _technisch_afgekeurd(bericht, stop)
        return
    beoordeling = services.regiemeldingen_ontvangen(bericht=bericht, melding=stop)
    _retour_vastleggen(bericht, retour_maken(stop, beoordeling, dag=_basis.vandaag()))
    _log_afkeur(bericht, beoordeling)


def handlers_registreren() -> None:
    """Register the four handlers (idempotent; called from ``InkoopConfig.ready``)."""
    from iwmo_jw.routering import register_handler

    register_handler("305", start_zorg_verwerken)
    register_handler("307", stop_zorg_verwerken)
    register_handler("315", verzoek_om_toewijzing_verwerken)
    register_handler("317", verzoek_om_wijziging_verwerken)

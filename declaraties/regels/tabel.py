"""The rule tables: every level-3/4 rule of the 323 with its official id, retourcode, the class
its code is set on, its control level (IV088: 3 across messages, 4 external source) and
whether a gemeente may switch it off. The order of a table is the order of the retourcodes
on a prestatie in the 325.

Which rules a gemeente may switch off (:data:`UITSCHAKELBAAR`): those a bilateral agreement
may leave out (the system date, the CBS list, the sequence of periods, the agreed product
list, contract tariff and amount, the exact product and eenheid, the month boundaries).
Not: the rules that keep the ledger right (uniqueness of messages, declarations and
references, the link to a toewijzing of this client, the toewijzing's period and removal,
volume and budget limits, which DESIGN.md calls hard, and the credit rules).
"""

from __future__ import annotations

from declaraties.regels import kop, prestaties
from declaraties.regels.basis import ClientRegel, HeaderRegel, Klasse, PrestatieRegel, Regel

_H, _D, _C, _P = Klasse.HEADER, Klasse.DECLARATIE, Klasse.CLIENT, Klasse.PRESTATIE

HEADERREGELS: tuple[Regel[HeaderRegel], ...] = (
    Regel("TR056", "9056", _H, 3, False, kop.tr056_berichtidentificatie_uniek),
    Regel("TR135", "8848", _H, 4, True, kop.tr135_dagtekening_niet_in_toekomst),
    Regel("TR378", "S300", _H, 4, True, kop.tr378_gemeentecode_bestaat),
)

DECLARATIEREGELS: tuple[Regel[HeaderRegel], ...] = (
    Regel("TR333", "9333", _D, 3, False, kop.tr333_declaratienummer_uniek),
    Regel("TR318", "8214", _D, 3, True, kop.tr318_declaratieperiode_volgt),
)

CLIENTREGELS: tuple[Regel[ClientRegel], ...] = (
    Regel("TR304", "8187", _C, 3, False, kop.tr304_client_bekend),
)

#: The rules on a debit prestatie.
DEBETREGELS: tuple[Regel[PrestatieRegel], ...] = (
    Regel("TR314", "8021", _P, 3, False, prestaties.tr314_referentienummer_uniek),
    Regel("TR319", "9319", _P, 3, True, prestaties.tr319_productperiode_in_declaratieperiode),
    Regel("TR338", "9338", _P, 3, False, prestaties.tr338_toewijzing_bekend),
    Regel("TR304", "8187", _P, 3, False, prestaties.tr304_prestatie_bij_client),
    Regel("TR339", "9339", _P, 3, True, prestaties.tr339_productcategorie),
    Regel("TR340", "9340", _P, 3, True, prestaties.tr340_productcode),
    Regel("TR381", "S329", _P, 4, True, prestaties.tr381_product_in_productcodelijst),
    Regel("TR341", "9341", _P, 3, True, prestaties.tr341_eenheid),
    Regel("TR307", "9307", _P, 3, False, prestaties.tr307_begin_na_ingangsdatum),
    Regel("TR308", "9308", _P, 3, False, prestaties.tr308_einde_voor_einddatum),
    Regel("TR387", "9387", _P, 3, True, prestaties.tr387_begin_eerste_van_maand),
    Regel("TR388", "9388", _P, 3, True, prestaties.tr388_einde_laatste_van_maand),
    Regel("TR384", "9384", _P, 3, False, prestaties.tr384_toewijzing_niet_verwijderd),
    Regel("TR389", "9389", _P, 3, False, prestaties.tr389_geen_tweede_debet),
    Regel("TR321", "9321", _P, 3, False, prestaties.tr321_volume_in_productperiode),
    Regel("TR322", "9322", _P, 3, False, prestaties.tr322_volume_over_looptijd),
    Regel("TR369", "9369", _P, 3, False, prestaties.tr369_binnen_budget),
    Regel("TR418", "0611", _P, 4, True, prestaties.tr418_contracttarief),
    Regel("TR346", "9346", _P, 4, True, prestaties.tr346_ingediend_bedrag),
)

#: The rules on a credit prestatie. "De gemeente kan een ingediende creditprestatie niet
#: afkeuren, behalve bij technische afkeur" (IV085): a credit mirrors a debit that passed
#: every rule, so only its own reference and its link to that debit are checked.
CREDITREGELS: tuple[Regel[PrestatieRegel], ...] = (
    Regel("TR314", "8021", _P, 3, False, prestaties.tr314_referentienummer_uniek),
    Regel("TR323", "8017", _P, 3, False, prestaties.tr323_credit_heeft_debet),
    Regel("TR390", "9390", _P, 3, False, prestaties.tr390_niet_dubbel_gecrediteerd),
)

ALLE_REGELS: tuple[Regel[HeaderRegel] | Regel[ClientRegel] | Regel[PrestatieRegel], ...] = (
    *HEADERREGELS,
    *DECLARATIEREGELS,
    *CLIENTREGELS,
    *DEBETREGELS,
    *CREDITREGELS,
)

#: Rule ids a gemeente may switch off; switching off any other id has no effect.
UITSCHAKELBAAR: frozenset[str] = frozenset(r.id for r in ALLE_REGELS if r.uitschakelbaar)

#: Every retourcode a level-3/4 assessment of a 323 can give (with 0200, 0233 and 8001 of the
#: 325 itself).
RETOURCODES: frozenset[str] = frozenset(r.retourcode for r in ALLE_REGELS)

"""How much may be declared on a toewijzing with an Omvang: per ProductPeriode (TR321) and over
its whole duration (TR322), after IV076, IV077 and IV078.

Results are in the toewijzing's own eenheid; the caller converts to basis units.

- Frequentie 1 (per dag): the days of the ProductPeriode within the toewijzing x volume; in
  total the days of the toewijzing x volume.
- Frequentie 2 (per week), IV077:
  - inspanningsgericht: the calendar weeks (ISO week numbers, broken weeks included) of the
    ProductPeriode within the toewijzing x volume, so 4, 5 or 6 weeks in a whole month; in
    total the calendar weeks of the toewijzing x volume (a week split over two months counts
    once there);
  - outputgericht: the Sundays of the ProductPeriode within the toewijzing x volume, plus one
    week in the ProductPeriode that holds the toewijzing's last Sunday when the toewijzing
    does not end on a Sunday (its broken last week, IV076); in total the Sundays of the
    toewijzing, plus one when it does not end on a Sunday. A toewijzing without any Sunday
    gets that one week in the ProductPeriode holding its Einddatum (the rule is silent on
    this case: interpretation);
  - iWmo only, productcategorie 01 (hulp bij het huishouden): one ProductPeriode may hold up to
    6 x the weekly volume (TR321 toelichting); the total stays as above.
- Frequentie 4 (per maand): the whole monthly volume per ProductPeriode, also in a broken
  month (IV078); in total the calendar months the toewijzing touches x volume.
- Frequentie 6 (totaal binnen geldigheidsduur): the volume, per prestatie and in total.

A toewijzing without Einddatum has no total for frequenties 1, 2 and 4 (CD076 requires an
Einddatum with per week; the others are then open-ended): None means "no limit". An unknown
frequentie also gives None.
"""

from __future__ import annotations

from datetime import date, timedelta

from declaraties.regels.context import PER_DAG, PER_MAAND, PER_WEEK, TOTAAL, Toewijzing

#: iWmo productcategorie 01, hulp bij het huishouden: 6 weeks' volume per ProductPeriode.
HBH_CATEGORIE = "01"
HBH_WEKEN = 6


def dagen(begin: date, eind: date) -> int:
    """Days in [begin, eind]; 0 when empty."""
    return max((eind - begin).days + 1, 0)


def kalenderweken(begin: date, eind: date) -> int:
    """ISO calendar weeks that [begin, eind] touches (broken weeks count); 0 when empty."""
    if eind < begin:
        return 0
    maandag_begin = begin - timedelta(days=begin.weekday())
    maandag_eind = eind - timedelta(days=eind.weekday())
    return (maandag_eind - maandag_begin).days // 7 + 1


def zondagen(begin: date, eind: date) -> int:
    """Sundays in [begin, eind]; 0 when empty."""
    if eind < begin:
        return 0
    eerste_zondag = begin + timedelta(days=(6 - begin.weekday()) % 7)
    if eerste_zondag > eind:
        return 0
    return (eind - eerste_zondag).days // 7 + 1


def kalendermaanden(begin: date, eind: date) -> int:
    """Calendar months that [begin, eind] touches; 0 when empty."""
    if eind < begin:
        return 0
    return (eind.year - begin.year) * 12 + eind.month - begin.month + 1


def laatste_week_anker(t: Toewijzing) -> date | None:
    """Outputgericht per week: the day whose ProductPeriode gets the extra week for the
    toewijzing's broken last week, or None when it ends on a Sunday (or is open)."""
    eind = t.einddatum
    if eind is None or eind.weekday() == 6:
        return None
    laatste_zondag = eind - timedelta(days=(eind.weekday() + 1) % 7)
    return laatste_zondag if laatste_zondag >= t.ingangsdatum else eind


def maximum_in_periode(t: Toewijzing, begin: date, eind: date, *, hbh: bool) -> int | None:
    """TR321: the most that one ProductPeriode [begin, eind] may hold, in the toewijzing's
    eenheid; None when the toewijzing has no Omvang or an unknown frequentie. ``hbh``: the
    iWmo hulp-bij-het-huishouden exception applies (the caller knows the standard)."""
    omvang = t.omvang
    if omvang is None:
        return None
    volume = omvang.volume
    frequentie = omvang.frequentie
    if frequentie == TOTAAL:
        return volume
    if frequentie == PER_MAAND:
        return volume
    if frequentie == PER_WEEK and hbh and t.product_categorie == HBH_CATEGORIE:
        return HBH_WEKEN * volume
    # The part of the ProductPeriode within the toewijzing.
    van = max(begin, t.ingangsdatum)
    tot = eind if t.einddatum is None else min(eind, t.einddatum)
    if frequentie == PER_DAG:
        return dagen(van, tot) * volume
    if frequentie == PER_WEEK:
        if not t.outputgericht:
            return kalenderweken(van, tot) * volume
        weken = zondagen(van, tot)
        anker = laatste_week_anker(t)
        if anker is not None and van <= anker <= tot:
            weken += 1
        return weken * volume
    return None


def maximum_totaal(t: Toewijzing) -> int | None:
    """TR322: the most all prestaties of the toewijzing together may hold, in its eenheid;
    None when there is no such limit (no Omvang, open-ended, unknown frequentie)."""
    omvang = t.omvang
    if omvang is None:
        return None
    volume = omvang.volume
    if omvang.frequentie == TOTAAL:
        return volume
    if t.einddatum is None:
        return None
    begin, eind = t.ingangsdatum, t.einddatum
    if omvang.frequentie == PER_DAG:
        return dagen(begin, eind) * volume
    if omvang.frequentie == PER_MAAND:
        return kalendermaanden(begin, eind) * volume
    if omvang.frequentie == PER_WEEK:
        if not t.outputgericht:
            return kalenderweken(begin, eind) * volume
        extra = 1 if eind.weekday() != 6 else 0
        return (zondagen(begin, eind) + extra) * volume
    return None

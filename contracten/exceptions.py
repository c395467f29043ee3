"""Errors of contracten that pure code (e.g. cost calculations) raises too; no model imports."""

from kern.exceptions import DomeinFout


class GeenContracttarief(DomeinFout):
    status = 404
    code = "geen_contracttarief"


class MeerdereContracttarieven(DomeinFout):
    status = 409
    code = "meerdere_contracttarieven"

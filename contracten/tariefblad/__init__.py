"""The tariff sheet (tarievenblad): contract tariffs to Excel and back (openpyxl).

One sheet "Tarieven" with one header row and one row per provider, gemeente, product and
period, plus a sheet "Toelichting" that explains every column (docs/tariefblad.md). One
sheet may carry a whole region's tariff list for many providers. The export produces what
the import reads, so an exported sheet imported again changes nothing.

The import writes only through :mod:`contracten.services`, so every rule of the domain (no
overlapping periods, within the contract's term, product validity, scope) applies, and it
is all-or-nothing. Modules: ``kolommen`` (the column definitions), ``cellen`` (pure cell
readers), ``export`` (template and export), ``lezen`` (file and rows), ``importeren``.
"""

from contracten.tariefblad.export import tarieven_exporteren, tarievenblad_sjabloon
from contracten.tariefblad.importeren import ImportResultaat, tarieven_importeren
from contracten.tariefblad.kolommen import BLAD_TARIEVEN, BLAD_TOELICHTING, KOLOMMEN
from contracten.tariefblad.lezen import ImportFout

__all__ = [
    "BLAD_TARIEVEN",
    "BLAD_TOELICHTING",
    "KOLOMMEN",
    "ImportFout",
    "ImportResultaat",
    "tarieven_exporteren",
    "tarieven_importeren",
    "tarievenblad_sjabloon",
]

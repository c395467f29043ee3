"""Recognise the standard and message type of a parsed document: namespace of the root, then
the BerichtCode in the header must agree."""

from __future__ import annotations

import re

from lxml import etree

from iwmo_jw.codec.fouten import CodecFout
from iwmo_jw.codec.soorten import RELEASE, BerichtSoort, soort_voor_namespace

_ISTANDAARD_NS = re.compile(
    r"^http://www\.istandaarden\.nl/(?P<standaard>[a-z]+)/(?P<release>[0-9_]+)/(?P<bericht>[a-z]+\d+)/schema$"
)
ONDERSTEUND = "iWmo 3.2 en iJw 3.2"
_STANDAARD_NAMEN = {"iwmo": "iWmo", "ijw": "iJw"}


def herken(root: etree._Element) -> BerichtSoort:
    qname = etree.QName(root)
    namespace = qname.namespace or ""
    soort = soort_voor_namespace(namespace)
    if soort is None:
        match = _ISTANDAARD_NS.match(namespace)
        if match:
            release = match["release"].replace("_", ".")
            standaard = _STANDAARD_NAMEN.get(match["standaard"], match["standaard"])
            raise CodecFout(
                "versie_niet_ondersteund",
                f"Bericht {match['bericht'].upper()} van {standaard} release {release} "
                f"wordt niet ondersteund; ondersteund is {ONDERSTEUND} "
                f"(release {RELEASE.replace('_', '.')}).",
            )
        gevonden = f"met namespace '{namespace}'" if namespace else "zonder namespace"
        raise CodecFout(
            "namespace_onbekend",
            f"Onbekend bericht: element '{qname.localname}' {gevonden}; "
            f"verwacht een bericht van {ONDERSTEUND}.",
        )
    if qname.localname != "Bericht":
        raise CodecFout(
            "namespace_onbekend",
            f"Het hoofdelement heet '{qname.localname}'; verwacht 'Bericht' ({soort.naam}).",
        )
    code = root.findtext(f"{{{namespace}}}Header/{{{namespace}}}BerichtCode")
    if code is not None and code.strip() != str(soort.berichtcode):
        raise CodecFout(
            "berichtcode_onjuist",
            f"BerichtCode {code.strip()} past niet bij {soort.naam} (verwacht {soort.berichtcode}).",
        )
    return soort

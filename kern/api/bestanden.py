"""Files as API answers: the media types, renderers that let a client ask for a file by its
media type, and the one way to return a file. A file is returned as a ready
``HttpResponse``; what reaches a renderer is an error body, written as JSON."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpResponse
from rest_framework.renderers import BaseRenderer, JSONRenderer

XML = "application/xml"
CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class _BestandRenderer(BaseRenderer):
    charset = None
    render_style = "binary"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        if isinstance(data, bytes):
            return data
        return JSONRenderer().render(data, "application/json", renderer_context)


class XmlRenderer(_BestandRenderer):
    media_type = XML
    format = "xml"


class CsvRenderer(_BestandRenderer):
    media_type = CSV
    format = "csv"


class XlsxRenderer(_BestandRenderer):
    media_type = XLSX
    format = "xlsx"


def bestand_antwoord(inhoud: bytes, content_type: str, bestandsnaam: str) -> HttpResponse:
    """``inhoud`` as a download named ``bestandsnaam``."""
    response = HttpResponse(inhoud, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{bestandsnaam}"'
    return response

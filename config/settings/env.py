"""The one helper that reads environment variables.

Every variable the service reads is declared with :func:`env` in ``base.py`` (or a
settings module that extends it), with its default and a line saying what it does,
so ``grep "env("`` lists the whole configuration surface.
"""

from __future__ import annotations

import os
from typing import Any

from django.core.exceptions import ImproperlyConfigured

_MISSING: Any = object()


def env(name: str, default: Any = _MISSING, *, cast: type = str, doc: str = "") -> Any:
    """Return environment variable ``name`` cast to ``cast``.

    ``doc`` is for readers of the settings; it is not used at runtime. Without a
    default the variable is required and its absence stops start-up with a clear error.
    """
    raw = os.environ.get(name)
    if raw is None or raw == "":
        if default is _MISSING:
            raise ImproperlyConfigured(f"Environment variable {name} is required. {doc}".strip())
        return default
    if cast is bool:
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if cast is list:
        return [part.strip() for part in raw.split(",") if part.strip()]
    return cast(raw)

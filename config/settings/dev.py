"""Local development: SQLite under var/, Celery eager, debug on. Only defaults are set here."""

import os

os.environ.setdefault("SECRET_KEY", "dev-only-insecure-key-not-for-production")
os.environ.setdefault("DEBUG", "true")

from config.settings.base import *  # noqa: F403

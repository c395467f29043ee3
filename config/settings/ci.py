"""Test runs (local and CI). DATABASE_URL decides the database; CI points it at PostgreSQL."""

import os

os.environ.setdefault("SECRET_KEY", "ci-only-insecure-key")
# A small demo region keeps the tests that build it fast.
os.environ.setdefault("DEMO_CLIENTEN", "25")

from config.settings.base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True

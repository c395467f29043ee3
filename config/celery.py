"""Celery application. Broker and eager mode come from settings (CELERY_* variables)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = Celery("geldstromen")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

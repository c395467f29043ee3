"""Celery application. Broker and eager mode come from settings (CELERY_* variables)."""

import os

from celery import Celery
from celery.signals import worker_process_init

from kern.opstart import langlevende_objecten_bevriezen

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = Celery("geldstromen")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def _na_start_van_werkproces(**_: object) -> None:
    """A pool process has its code loaded: freeze it out of the collector's reach."""
    langlevende_objecten_bevriezen()

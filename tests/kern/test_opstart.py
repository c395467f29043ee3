"""A long-running process freezes what start-up made out of the garbage collector's reach."""

from __future__ import annotations

import gc
import importlib
import sys

import pytest

from kern.opstart import DREMPELS, langlevende_objecten_bevriezen


@pytest.fixture
def ontdooien():
    drempels = gc.get_threshold()
    gc.unfreeze()
    yield
    gc.unfreeze()
    gc.set_threshold(*drempels)


def test_what_exists_is_frozen_and_what_comes_after_is_not(ontdooien):
    bestaand = {"van voor": []}
    langlevende_objecten_bevriezen()
    assert gc.get_freeze_count() > 0
    later = {"van na": []}
    volgen = {id(o) for o in gc.get_objects()}
    assert id(later) in volgen  # the collector still tends what came after
    assert id(bestaand) not in volgen  # and no longer walks what was there


def test_a_celery_worker_process_freezes_once_started(ontdooien):
    from celery.signals import worker_process_init

    import config.celery  # noqa: F401 (connects the handler)

    worker_process_init.send(sender=None)
    assert gc.get_freeze_count() > 0


def test_the_wsgi_application_freezes_once_loaded(ontdooien):
    sys.modules.pop("config.wsgi", None)
    module = importlib.import_module("config.wsgi")
    assert callable(module.application)
    assert gc.get_freeze_count() > 0


def test_the_collector_then_leaves_a_batch_of_new_objects_alone(ontdooien):
    """Tens of thousands of new objects (a batch's rows and outcomes) no longer set off a
    young collection every 700; a cycle among them is still collected in time."""
    rondes: list[int] = []

    def teller(fase: str, info: dict[str, int]) -> None:
        if fase == "start":
            rondes.append(info["generation"])

    langlevende_objecten_bevriezen()
    assert gc.get_threshold() == DREMPELS
    gc.callbacks.append(teller)
    try:
        bewaard = [[i] for i in range(50_000)]
        assert rondes == []
        for _ in range(DREMPELS[0] // 2):
            kring: list[object] = []
            kring.append(kring)  # a cycle that only the collector frees
            del kring
    finally:
        gc.callbacks.remove(teller)
    assert len(bewaard) == 50_000
    assert rondes  # 100,000 new objects later it ran

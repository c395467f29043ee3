import pytest

from tests.declaraties_intake.scene import Declaratiescene, bouw_declaratiescene
from tests.inkoop.toewijzingscene import vandaag_vastzetten


@pytest.fixture
def ds(db, monkeypatch) -> Declaratiescene:
    vandaag_vastzetten(monkeypatch)
    return bouw_declaratiescene()


@pytest.fixture
def ds_tx(transactional_db, monkeypatch) -> Declaratiescene:
    """The same scene, committed: for tests where threads with their own connections race."""
    vandaag_vastzetten(monkeypatch)
    return bouw_declaratiescene()

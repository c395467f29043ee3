"""The package ships copies of shared code lists; they must equal what the script makes."""

from pathlib import Path

import pytest

from kern import codelijsten
from kern.models import Gemeente
from scripts.codelijsten_kopieren import DEFAULT_SHARED, verwachte_bestanden


@pytest.mark.skipif(not DEFAULT_SHARED.exists(), reason="shared/ is not beside the repository")
def test_shipped_copies_match_shared_source() -> None:
    for path, inhoud in verwachte_bestanden().items():
        assert Path(path).read_text("utf-8") == inhoud, f"{path} differs: run the script"


def test_lists_read() -> None:
    gemeenten = codelijsten.gemeenten()
    assert len(gemeenten) == 342
    assert ("0363", "Amsterdam", "Noord-Holland") in gemeenten
    wmo = dict(codelijsten.productcategorieen("wmo"))
    jw = dict(codelijsten.productcategorieen("jw"))
    assert wmo["02"] == "Begeleiding"
    assert jw["45"] == "Jeugdhulp ambulant"
    assert "45" not in wmo and "02" not in jw
    with pytest.raises(ValueError):
        codelijsten.productcategorieen("awbz")


@pytest.mark.django_db
def test_migration_loaded_every_gemeente() -> None:
    assert Gemeente.objects.count() == 342
    assert Gemeente.objects.get(code="0599").naam == "Rotterdam"

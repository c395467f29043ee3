"""The OpenAPI schema documents every field and every error answer.

(That the committed openapi.yaml is current is checked by ``make openapi-check``.)"""

from __future__ import annotations

from typing import Any

import pytest
from drf_spectacular.generators import SchemaGenerator

PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return SchemaGenerator().get_schema(request=None, public=True)


def test_elk_veld_heeft_een_omschrijving(schema):
    zonder = [
        f"{naam}.{veld}"
        for naam, component in schema["components"]["schemas"].items()
        # Pagination envelopes come from kern.api.pagination, not from these serializers.
        if not naam.startswith("Paginated")
        for veld, eigenschap in component.get("properties", {}).items()
        if not eigenschap.get("description")
    ]
    assert zonder == []


def test_elke_queryparameter_heeft_een_omschrijving(schema):
    zonder = [
        f"{methode.upper()} {pad} {parameter['name']}"
        for pad, operaties in schema["paths"].items()
        for methode, operatie in operaties.items()
        for parameter in operatie.get("parameters", [])
        if not (parameter.get("description") or parameter["schema"].get("description"))
    ]
    assert zonder == []


def test_foutantwoorden_zijn_problem_json(schema):
    for pad, operaties in schema["paths"].items():
        for methode, operatie in operaties.items():
            antwoorden = operatie["responses"]
            fouten = {status for status in antwoorden if status.startswith(("4", "5"))}
            if pad != "/api/v1/auth/token/":
                assert "401" in fouten, (methode, pad)
            if methode in ("post", "patch") and pad != "/api/v1/auth/token/":
                assert {"400", "403"} <= fouten, (methode, pad)
            if "{" in pad:
                assert "404" in fouten, (methode, pad)
            for status in fouten:
                inhoud = antwoorden[status]["content"]
                assert list(inhoud) == [PROBLEM], (methode, pad, status)
                assert inhoud[PROBLEM]["schema"] == {"$ref": "#/components/schemas/Probleem"}


def test_geen_contracttarief_is_gedocumenteerd(schema):
    antwoord = schema["paths"]["/api/v1/tarief-op/"]["get"]["responses"]["404"]
    assert "geen_contracttarief" in antwoord["description"]


def test_geen_put(schema):
    assert not [pad for pad, operaties in schema["paths"].items() if "put" in operaties]

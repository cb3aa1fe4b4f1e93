"""The OpenAPI schema describes what the endpoints answer (found by the API fuzzing,
tests/security/test_api_fuzz.py): one component per schema class, and the problem+json errors."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from ocop.api import api


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return api.get_openapi_schema(path_prefix=reverse("api:api-root"))


def _component(schema: dict[str, Any], ref: str) -> dict[str, Any]:
    return schema["components"]["schemas"][ref.rsplit("/", 1)[1]]


def _producer_of(schema: dict[str, Any], path: str) -> dict[str, Any]:
    answer = schema["paths"][path]["get"]["responses"][200]["content"]["application/json"]
    product = _component(schema, answer["schema"]["$ref"])
    return _component(schema, product["properties"]["producer"]["$ref"])


def test_two_classes_of_one_name_keep_their_own_shapes(schema):
    # products.ProducerRef (code, name) and catalog.ProducerRef (code, name, kind, url): the
    # second used to overwrite the first, so the products API "violated" its own schema.
    products = _producer_of(schema, "/api/v1/products/{code}")
    catalog = _producer_of(schema, "/api/v1/catalog/products/{code}")
    assert sorted(products["required"]) == ["code", "name"]
    assert sorted(catalog["required"]) == ["code", "kind", "name", "url"]


def test_every_reference_names_a_component(schema):
    import json

    text = json.dumps(schema)
    names = set(schema["components"]["schemas"])
    refs = {part.split('"', 1)[0] for part in text.split('"#/components/schemas/')[1:]}
    assert refs - names == set()


def test_errors_are_documented_as_problem_details(schema):
    operation = schema["paths"]["/api/v1/producers/{code}"]["patch"]
    assert {200, 400, 401, 403, 404, 409, 422} <= set(operation["responses"])
    for status in (400, 401, 403, 404, 409, 422):
        content = operation["responses"][status]["content"]
        assert list(content) == ["application/problem+json"]
        assert content["application/problem+json"]["schema"] == {
            "$ref": "#/components/schemas/ProblemOut"
        }
    assert sorted(schema["components"]["schemas"]["ProblemOut"]["required"]) == [
        "instance",
        "status",
        "title",
        "type",
    ]


def test_a_public_read_without_input_declares_no_auth_errors(schema):
    assert set(schema["paths"]["/api/v1/catalog/facets"]["get"]["responses"]) == {200}
    assert 401 not in schema["paths"]["/api/v1/news/{slug}"]["get"]["responses"]
    assert 404 in schema["paths"]["/api/v1/news/{slug}"]["get"]["responses"]


def test_the_served_schema_is_the_documented_one(client):
    served = client.get("/api/v1/openapi.json").json()
    assert "application/problem+json" in str(
        served["paths"]["/api/v1/producers/{code}"]["patch"]["responses"]["404"]
    )
    assert "UnitRef" in served["components"]["schemas"]

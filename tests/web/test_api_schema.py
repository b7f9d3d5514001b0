"""The API's OpenAPI document: valid OpenAPI 3, every endpoint described with its methods."""

from __future__ import annotations

import pytest

#: Every path of the API and its methods.
OPERATIONS = {
    "/api/enterprises/": {"get", "post"},
    "/api/enterprises/{id}/": {"get", "put", "patch", "delete"},
    "/api/assessments/": {"get", "post"},
    "/api/assessments/{id}/": {"get", "put", "patch"},
    "/api/assessments/{id}/document/": {"get", "put", "post"},
    "/api/assessments/{id}/versions/": {"get"},
    "/api/assessments/{id}/results/": {"get"},
    "/api/options/": {"get"},
    "/api/options/{id}/": {"get"},
}
METHODS = {"get", "put", "post", "patch", "delete", "head", "options", "trace"}


@pytest.fixture
def schema(db, client):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def test_schema_is_valid_openapi_3(schema):
    import openapi_spec_validator as validator

    assert schema["openapi"].startswith("3.")
    validator.validate(schema)


def test_every_endpoint_is_described_with_its_methods(schema):
    described = {
        path: {method for method in operations if method in METHODS}
        for path, operations in schema["paths"].items()
    }
    assert described == OPERATIONS
    for path, operations in schema["paths"].items():
        for method in OPERATIONS[path]:
            operation = operations[method]
            assert operation.get("summary") or operation.get("description"), (path, method)
            assert operation["responses"], (path, method)


def test_uploads_results_and_refusals_are_documented(schema):
    paths = schema["paths"]
    new = paths["/api/assessments/"]["post"]
    assert set(new["requestBody"]["content"]) >= {"application/json", "multipart/form-data"}
    assert {"201", "400", "403"} <= set(new["responses"])
    save = paths["/api/assessments/{id}/document/"]["put"]
    assert set(save["requestBody"]["content"]) >= {"application/json", "multipart/form-data"}
    assert {"200", "400", "409"} <= set(save["responses"])
    results = paths["/api/assessments/{id}/results/"]["get"]["responses"]["200"]
    assert results["content"]["application/json"]["schema"]["type"] == "object"
    parameters = {p["name"] for p in paths["/api/assessments/{id}/"]["get"]["parameters"]}
    assert "include" in parameters
    filters = {p["name"] for p in paths["/api/options/"]["get"]["parameters"]}
    assert {"sector", "practice", "country", "status", "organisation"} <= filters
    filters = {p["name"] for p in paths["/api/enterprises/"]["get"]["parameters"]}
    assert {"country", "sector", "size", "supply_chain_role", "organisation", "search"} <= filters


def test_confidential_and_optional_fields_are_not_required(schema):
    components = schema["components"]["schemas"]
    assert "contacts" in components["Enterprise"]["properties"]
    assert "contacts" not in components["Enterprise"]["required"]
    assert "document" not in components["AssessmentWithDocument"]["required"]


def test_swagger_ui_is_served(db, client):
    assert client.get("/api/docs/").status_code == 200

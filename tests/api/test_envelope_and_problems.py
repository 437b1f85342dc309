from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from fastapi.testclient import TestClient

PROBLEM_KEYS = {"type", "title", "status", "detail", "code", "instance", "request_id", "errors"}


def assert_problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body.keys() >= PROBLEM_KEYS
    assert body["status"] == status
    assert body["code"] == code
    assert body["request_id"] == response.headers["x-request-id"]
    return body


def assert_fields_refused(
    client: TestClient,
    url: str,
    body_with: Callable[[dict[str, Any]], dict[str, Any]],
    fields: Iterable[tuple[str, Any]],
) -> None:
    """Mass assignment: each (field, value) a caller may not set, added to the body a create
    takes (`body_with(extra)`), is refused with 422 naming the field."""
    for field, value in fields:
        body = assert_problem(
            client.post(url, json=body_with({field: value})), 422, "validation_failed"
        )
        assert body["errors"][0]["field"] == field, body
        assert body["errors"][0]["code"] == "extra_forbidden", body


def test_success_body_is_enveloped_with_request_id(client: TestClient) -> None:
    response = client.get("/api/health")
    assert response.status_code == 200
    body = response.json()
    assert body["data"] == {"status": "ok"}
    assert body["meta"]["request_id"] == response.headers["x-request-id"]


def test_unknown_api_route_is_a_problem_not_html(client: TestClient) -> None:
    for method in ("get", "post", "delete"):
        response = getattr(client, method)("/api/no/such/thing")
        body = assert_problem(response, 404, "not_found")
        assert "/api/no/such/thing" in body["detail"]


def test_validation_errors_name_each_field(client: TestClient) -> None:
    response = client.post("/api/test-widgets", json={"name": "", "price": -1})
    body = assert_problem(response, 422, "validation_failed")
    fields = {error["field"] for error in body["errors"]}
    assert fields == {"name", "price"}
    assert "name" in body["detail"] and "price" in body["detail"]


def test_bad_query_parameter_is_named(client: TestClient) -> None:
    body = assert_problem(client.get("/api/test-widgets?limit=0"), 422, "validation_failed")
    assert body["errors"][0]["field"] == "query.limit"


def test_method_not_allowed_is_a_problem(client: TestClient) -> None:
    assert_problem(client.put("/api/health"), 405, "method_not_allowed")


def test_domain_error_maps_to_its_code(client: TestClient) -> None:
    body = assert_problem(client.get("/api/test-widgets/99"), 404, "not_found")
    assert body["detail"] == "Widget 99 not found."


def test_unhandled_error_is_a_500_problem_without_internals(client: TestClient) -> None:
    response = client.post("/api/test-widgets/explode")
    body = assert_problem(response, 500, "internal_error")
    assert "boom" not in response.text
    assert "Traceback" not in response.text
    assert "request id" in body["detail"]


def test_request_id_is_echoed_when_valid_and_replaced_when_not(client: TestClient) -> None:
    assert (
        client.get("/api/health", headers={"X-Request-ID": "abc-123"}).headers["x-request-id"]
        == "abc-123"
    )
    for bad in ("x" * 129, "bad id", "<x>"):
        echoed = client.get("/api/health", headers={"X-Request-ID": bad}).headers["x-request-id"]
        assert echoed != bad
        assert len(echoed) == 32


def test_openapi_documents_every_route_and_docs_load_offline(client: TestClient) -> None:
    spec = client.get("/api/openapi.json").json()
    assert {"/api/health", "/api/ready", "/api/version"} <= spec["paths"].keys()
    docs = client.get("/api/docs")
    assert docs.status_code == 200
    assert "cdn" not in docs.text.lower()
    for asset in ("/api/docs-assets/swagger-ui-bundle.js", "/api/docs-assets/swagger-ui.css"):
        assert client.get(asset).status_code == 200, asset

"""The served OpenAPI document, as an integrator meets it: linted by Redocly and Spectral with
zero errors, turned into TypeScript types by openapi-typescript, and checked here for what the
generators trip on (unique schema titles, short unique operation ids, bodies on every success,
the conventions' headers and security declared). The tools are pinned in the Makefile and
installed into .tools by `make install`."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from travelcrm.api.app import create_api

ROOT = Path(__file__).resolve().parents[2]
TOOLS_BIN = ROOT / ".tools" / "node_modules" / ".bin"
METHODS = ("get", "put", "post", "patch", "delete")
PUBLIC = {
    ("get", "/api/health"),
    ("post", "/api/auth/login"),
    ("post", "/api/auth/token"),
    ("post", "/api/auth/register"),
    ("post", "/api/public/{agency_slug}/enquiries"),
}
SIGNED_IN = [{"bearerAuth": []}, {"sessionCookie": []}]


def tool(name: str) -> str:
    """The pinned npm tool from .tools (see the Makefile); skipped only when it is absent."""
    local = TOOLS_BIN / name
    if local.exists():
        return str(local)
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed: run `make install` (it installs it into .tools)")
    return found


def _quiet_env() -> dict[str, str]:
    # no telemetry or update checks: nothing leaves the machine while the suite runs
    return {
        **os.environ,
        "REDOCLY_TELEMETRY": "off",
        "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true",
        "NO_COLOR": "1",
    }


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    document: dict[str, Any] = create_api().openapi()
    return json.loads(json.dumps(document))  # as served: plain JSON


@pytest.fixture(scope="module")
def spec_file(spec: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("openapi") / "openapi.json"
    path.write_text(json.dumps(spec, indent=1))
    return path


def operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield method, path, operation


def _header_params(spec: dict[str, Any], operation: dict[str, Any]) -> set[str]:
    names = set()
    for parameter in operation.get("parameters", []):
        if "$ref" in parameter:
            parameter = spec["components"]["parameters"][parameter["$ref"].rsplit("/", 1)[1]]
        if parameter["in"] == "header":
            names.add(parameter["name"].lower())
    return names


# ---- what generators need ----------------------------------------------------------------------


def test_no_two_schemas_share_a_title(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    titles = Counter(schema.get("title", name) for name, schema in schemas.items())
    assert [t for t, n in titles.items() if n > 1] == []
    assert not [name for name in schemas if "__" in name and name.startswith("travelcrm")]
    assert {"SupplierContactIn", "QueryContactIn"} <= set(schemas)


def test_operation_ids_are_short_unique_and_named_by_their_group(spec: dict[str, Any]) -> None:
    ids = [(operation["operationId"], operation) for _, _, operation in operations(spec)]
    repeated = [i for i, n in Counter(i for i, _ in ids).items() if n > 1]
    assert repeated == []
    for operation_id, operation in ids:
        group = re.sub(r"[^a-z0-9]+", "_", operation["tags"][0].lower())
        assert re.fullmatch(r"[a-z][a-z0-9_]{2,39}", operation_id), operation_id
        assert operation_id.startswith(group + "_"), (operation_id, group)
    named = {i for i, _ in ids}
    assert {"customers_list", "customers_create", "queries_create", "queries_transition"} <= named


def test_every_success_with_a_body_declares_its_schema(spec: dict[str, Any]) -> None:
    missing = [
        (method, path, status)
        for method, path, operation in operations(spec)
        for status, response in operation["responses"].items()
        if status.startswith("2") and status != "204" and not response.get("content")
    ]
    assert missing == []
    created = spec["paths"]["/api/queries"]["post"]["responses"]
    assert created["200"]["content"] == created["201"]["content"]  # the replayed capture
    imports = spec["paths"]["/api/rate-lists/{rate_list_id}/imports"]["post"]["responses"]
    assert "schema" in imports["202"]["content"]["application/json"]


def test_security_is_declared_per_operation(spec: dict[str, Any]) -> None:
    schemes = spec["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == {**schemes["bearerAuth"], "type": "http", "scheme": "bearer"}
    assert schemes["sessionCookie"]["in"] == "cookie"
    for method, path, operation in operations(spec):
        assert "security" in operation, (method, path)
        if (method, path) in PUBLIC:
            assert operation["security"] == [], (method, path)
    assert spec["paths"]["/api/customers"]["get"]["security"] == SIGNED_IN
    assert spec["paths"]["/api/auth/me"]["get"]["security"] == SIGNED_IN
    assert spec["paths"]["/api/auth/agencies"]["get"]["security"] == SIGNED_IN


def test_the_conventions_headers_and_responses_are_declared(spec: dict[str, Any]) -> None:
    for method, path, operation in operations(spec):
        headers = _header_params(spec, operation)
        assert "x-request-id" in headers, (method, path)
        assert ("idempotency-key" in headers) == (method != "get"), (method, path)
        for status, response in operation["responses"].items():
            assert "X-Request-ID" in response.get("headers", {}), (method, path, status)
            if status in {"429", "503"}:
                assert "Retry-After" in response["headers"], (method, path, status)
            if status[0] in "45":
                assert "application/problem+json" in response["content"], (method, path, status)
        if path != "/api/health":
            assert operation["responses"]["503"]["headers"]["Retry-After"]
        if method != "get":
            assert any(
                "Idempotent-Replayed" in r.get("headers", {})
                for s, r in operation["responses"].items()
                if s.startswith("2")
            ) or set(operation["responses"]) <= {"303", "400", "409", "422", "503", "default"}

    read = spec["paths"]["/api/customers/{customer_id}"]["get"]
    assert "if-none-match" in _header_params(spec, read)
    assert "ETag" in read["responses"]["304"]["headers"]
    assert "ETag" in read["responses"]["200"]["headers"]
    settings = spec["paths"]["/api/tenant/settings"]["patch"]
    assert "if-match" in _header_params(spec, settings) and "412" in settings["responses"]
    created = spec["paths"]["/api/customers"]["post"]["responses"]["201"]["headers"]
    assert {"Location", "ETag", "Idempotent-Replayed"} <= set(created)
    listing = spec["paths"]["/api/customers"]["get"]
    assert "if-none-match" not in _header_params(spec, listing)


# ---- the integrator's tools --------------------------------------------------------------------


def test_redocly_finds_no_errors(spec_file: Path) -> None:
    result = subprocess.run(
        [tool("redocly"), "lint", str(spec_file), "--format=json", "--max-problems=1000"],
        capture_output=True,
        text=True,
        timeout=120,
        env=_quiet_env(),
        cwd=ROOT,
        check=False,
    )
    report = json.loads(result.stdout)
    errors = [p for p in report["problems"] if p["severity"] == "error"]
    assert errors == [], json.dumps(errors[:5], indent=1)
    assert result.returncode == 0, result.stderr[-2000:]


def test_spectral_finds_no_errors(spec_file: Path) -> None:
    ruleset = str(ROOT / ".spectral.yaml")
    command = [tool("spectral"), "lint", str(spec_file), "--ruleset", ruleset, "--format", "json"]
    result = subprocess.run(
        [*command, "--fail-severity", "error", "--quiet"],
        capture_output=True,
        text=True,
        timeout=120,
        env=_quiet_env(),
        cwd=ROOT,
        check=False,
    )
    found = json.loads(result.stdout or "[]")
    errors = [p for p in found if p["severity"] == 0]
    assert errors == [], json.dumps(errors[:5], indent=1)
    assert result.returncode == 0, result.stderr[-2000:]


def test_openapi_typescript_builds_the_types(spec_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "travelcrm.d.ts"
    result = subprocess.run(
        [tool("openapi-typescript"), str(spec_file), "--output", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        env=_quiet_env(),
        check=False,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    types = out.read_text()
    for name in ("customers_list", "queries_create", "SupplierContactIn", '"Idempotency-Key"'):
        assert name in types, name


def test_lists_page_one_way_and_meta_declares_its_fields(spec: dict[str, Any]) -> None:
    meta = spec["components"]["schemas"]["Meta"]["properties"]
    assert {"request_id", "next_cursor", "limit", "total", "page", "pages"} <= set(meta)
    for method, path, operation in operations(spec):
        query = {p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"}
        if query & {"cursor", "page", "per_page"}:
            assert {"limit", "cursor"} <= query, (method, path)
    listing = spec["paths"]["/api/customers"]["get"]["responses"]["200"]
    envelope = listing["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert spec["components"]["schemas"][envelope]["properties"]["meta"] == {
        "$ref": "#/components/schemas/Meta"
    }


def test_money_in_responses_is_a_decimal_string_with_its_currency(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    assert schemas["Decimal"]["format"] == "decimal" and schemas["Decimal"]["type"] == "string"
    assert set(schemas["Money"]["required"]) == {"amount", "currency"}
    quote = schemas["QuotePublic"]["properties"]
    assert quote["total_sell"]["$ref"] == "#/components/schemas/Decimal"
    assert quote["total_sell"]["x-currency"] == "currency" and "currency" in quote
    budget = schemas["QueryPublic"]["properties"]["budget"]
    assert {"$ref": "#/components/schemas/Decimal"} in budget["anyOf"]
    assert budget["x-currency"] == "budget_currency"


def test_response_kinds_statuses_and_roles_are_enums(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    for name in (
        "SupplierPublic",
        "SupplierListItem",
        "CustomerPublic",
        "CustomerListItem",
        "QueryPublic",
        "Me",
        "MemberPublic",
        "VersionPublic",
        "RateImportPublic",
        "ServicePublic",
        "RestrictionPublic",
        "AgeBandPublic",
    ):
        for field in ("kind", "status", "role"):
            prop = schemas[name]["properties"].get(field)
            if prop is None:
                continue
            if "$ref" in prop:
                prop = schemas[prop["$ref"].rsplit("/", 1)[1]]
            assert prop.get("enum"), (name, field, prop)

"""The suppliers API fuzzed while signed in (the contract fuzzer in tests/api runs without a
session, so it only reaches the 401s): generated queries, bodies and ids must never cause a 500,
a response outside the schema, or the refusal of a request the schema allows."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings

from tests.api.conftest import fresh_idempotency_key
from travelcrm.api.app import create_api

app = create_api()
schema = schemathesis.openapi.from_asgi("/api/openapi.json", app).include(
    path_regex=r"^/api/suppliers"
)
_auth: dict[str, str] = {}


@pytest.fixture
def bearer(migrated_engine) -> Iterator[dict[str, str]]:
    if not _auth:
        from tests.accounts.test_accounts import PASSWORD, _verified

        signup = _verified()
        client = TestClient(app)
        token = client.post(
            "/api/auth/token", json={"email": signup.user.email, "password": PASSWORD}
        )
        assert token.status_code == 200, token.text
        _auth["Authorization"] = f"Bearer {token.json()['data']['access_token']}"
    yield _auth


@schema.parametrize()
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_supplier_operations_honour_their_contract(case, bearer) -> None:
    from schemathesis.specs.openapi.checks import positive_data_acceptance

    excluded = []
    if case.query and "cursor" in case.query:
        excluded.append(positive_data_acceptance)  # a generated cursor was never issued
    body = case.body if isinstance(case.body, dict) else {}
    gstin, pan = body.get("gstin"), body.get("pan")
    if isinstance(gstin, str) and isinstance(pan, str) and gstin[2:12] != pan:
        excluded.append(positive_data_acceptance)  # a GSTIN carries its PAN (422 says so)
    fresh_idempotency_key(case)
    case.call_and_validate(headers=bearer, excluded_checks=excluded)

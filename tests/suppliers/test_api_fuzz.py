"""The suppliers API fuzzed while signed in (the contract fuzzer in tests/api runs without a
session, so it only reaches the 401s): generated queries, bodies and ids must never cause a 500,
a response outside the schema, or the refusal of a request the schema allows."""

from __future__ import annotations

import pytest
import schemathesis

from tests.api.conftest import fresh_idempotency_key, fuzzed
from travelcrm.api.app import create_api

app = create_api()
schema = schemathesis.openapi.from_asgi("/api/openapi.json", app).include(
    path_regex=r"^/api/suppliers"
)


@pytest.fixture
def bearer(migrated_engine) -> dict[str, str]:
    from tests.api.agency import owner_bearer

    return owner_bearer(app)


@schema.parametrize()
@fuzzed(20)
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

"""The customers and queries APIs fuzzed while signed in (the contract fuzzer in tests/api runs
without a session, so it only reaches their 401s): generated queries, bodies and ids must never
cause a 500 or a response outside the schema, and requests outside the schema are refused.

Schema-valid requests may still be refused by the rules (dates in the past, a move the pipeline
does not allow, an id that does not exist), so "schema-valid request rejected" is not checked."""

from __future__ import annotations

import pytest
import schemathesis
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance
from schemathesis.transport.serialization import serialize_binary

from tests.api.conftest import fresh_idempotency_key, fuzzed
from travelcrm.api.app import create_api

app = create_api()
schema = schemathesis.openapi.from_asgi("/api/openapi.json", app).include(
    path_regex=r"^/api/(customers|queries|agents)"
)

# Holidays are dates; pydantic also reads a whole number as a day since 1970 (harmless here).
LAX_DATES = {"/api/queries/settings"}


@schemathesis.serializer("message/rfc822")
def _raw_email(ctx, value) -> bytes:
    """Inbound email takes the raw .eml as the request body."""
    return serialize_binary(value)


@pytest.fixture
def bearer(migrated_engine) -> dict[str, str]:
    from tests.api.agency import owner_bearer

    return owner_bearer(app)


@schema.parametrize()
@fuzzed(25)
def test_customer_and_query_operations_honour_their_contract(case, bearer) -> None:
    excluded = [positive_data_acceptance]
    if case.path in LAX_DATES:
        excluded.append(negative_data_rejection)
    fresh_idempotency_key(case)
    case.call_and_validate(headers=bearer, excluded_checks=excluded)

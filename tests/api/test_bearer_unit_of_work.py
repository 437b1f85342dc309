"""A bearer request works in one unit of work: its token is checked (user active, membership,
the role now) by the first statement of the transaction the route then runs in, and nothing
can read the identity before that check has run."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from fastapi.testclient import TestClient
from joserfc import jwt
from sqlalchemy import event, update
from sqlmodel import col

from tests.accounts.test_accounts import PASSWORD, _verified
from tests.api.test_envelope_and_problems import assert_problem
from tests.api.test_tokens import _claims
from travelcrm.accounts import tokens
from travelcrm.accounts.models import Membership, User
from travelcrm.api.app import create_api
from travelcrm.api.auth import Identity
from travelcrm.api.envelope import Envelope
from travelcrm.core.permissions import Role
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import get_engine, system_scope, tenant_scope
from travelcrm.queries.schemas import QueryListItem
from travelcrm.settings import get_settings


def _client_and_token(email: str) -> tuple[TestClient, str]:
    client = TestClient(create_api(), raise_server_exceptions=False)
    answer = client.post("/api/auth/token", json={"email": email, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return client, answer.json()["data"]["access_token"]


@contextmanager
def _checkouts() -> Iterator[list[object]]:
    """Every connection taken from the pool while the block runs."""
    taken: list[object] = []

    def note(_dbapi: object, record: object, _proxy: object) -> None:
        taken.append(record)

    engine = get_engine()
    event.listen(engine, "checkout", note)
    try:
        yield taken
    finally:
        event.remove(engine, "checkout", note)


def test_a_bearer_request_runs_in_one_unit_of_work(migrated_engine) -> None:
    agency = _verified()
    client, token = _client_and_token(agency.user.email)
    bearer = {"Authorization": f"Bearer {token}"}
    # the list (one worker-thread unit of work), a route taking the session dependency, and a
    # price lookup: each takes one connection for its token check and its work together
    for method, path, body in (
        ("GET", "/api/queries?limit=25", None),
        ("GET", "/api/queries/settings", None),
        ("POST", "/api/price-quotes", {"service_id": str(uuid.uuid4()), "check_in": "2027-05-01"}),
    ):
        with _checkouts() as taken:
            answer = client.request(method, path, headers=bearer, json=body)
        assert answer.status_code in (200, 404), (path, answer.text)
        assert len(taken) == 1, (path, len(taken))
    # a route without that dependency checks the token in a unit of work of its own
    assert client.get("/api/auth/me", headers=bearer).status_code == 200


def test_the_list_body_is_its_documented_model(migrated_engine) -> None:
    agency = _verified()
    client, token = _client_and_token(agency.user.email)
    answer = client.get("/api/queries?limit=5", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    documented = Envelope[list[QueryListItem]].model_validate(body).model_dump(mode="json")
    assert body == documented
    assert set(body["meta"]) == {"request_id", "next_cursor", "limit"}
    assert answer.headers["content-type"] == "application/json"


@pytest.mark.parametrize("path", ["/api/queries", "/api/queries/settings", "/api/auth/me"])
def test_a_token_whose_access_ended_is_refused_on_every_kind_of_route(
    migrated_engine, path: str
) -> None:
    agency, other = _verified(), _verified()
    client, token = _client_and_token(agency.user.email)
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get(path, headers=bearer).status_code == 200
    # a correctly signed token naming an agency its user does not belong to
    ((kid, key),) = tokens.signing_keys(get_settings())
    ctx = TenantContext(agency.tenant.id, agency.user.id, Role.OWNER)
    foreign = jwt.encode({"alg": "HS256", "kid": kid}, _claims(ctx, tid=str(other.tenant.id)), key)
    refused = client.get(path, headers={"Authorization": f"Bearer {foreign}"})
    assert_problem(refused, 401, "invalid_token")
    with system_scope() as session:
        session.exec(update(User).where(col(User.id) == agency.user.id).values(is_active=False))
    assert_problem(client.get(path, headers=bearer), 401, "invalid_token")


def test_a_demotion_applies_to_the_next_bearer_call(migrated_engine) -> None:
    agency = _verified()
    client, token = _client_and_token(agency.user.email)
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/queries/settings", headers=bearer).status_code == 200
    ctx = TenantContext(agency.tenant.id, agency.user.id, Role.OWNER)
    with tenant_scope(ctx) as session:
        session.exec(
            update(Membership)
            .where(col(Membership.user_id) == agency.user.id)
            .values(role=Role.AGENT.value)
        )
    # the token was issued for an owner: it ends at once (even a role changed behind the
    # services' back, which moves no credentials version), for every route
    assert_problem(client.get("/api/queries/settings", headers=bearer), 401, "invalid_token")
    assert_problem(client.get("/api/queries", headers=bearer), 401, "invalid_token")


def test_an_identity_cannot_be_read_before_its_token_is_checked() -> None:
    claim = TenantContext(uuid.uuid4(), uuid.uuid4(), Role.OWNER)
    identity = Identity(user=None, session=None, context=claim)
    assert not identity.checked
    with pytest.raises(RuntimeError):
        _ = identity.context
    with pytest.raises(RuntimeError):
        _ = identity.user

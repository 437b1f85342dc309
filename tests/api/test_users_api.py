"""Members of an agency: list, change role, deactivate (sessions end at once), the last-owner
rule, and another agency's member ids answering "not found"."""

from __future__ import annotations

import secrets

from fastapi.testclient import TestClient

from tests.accounts.test_accounts import PASSWORD, _verified
from tests.api.test_envelope_and_problems import assert_problem
from travelcrm.accounts.services import add_member
from travelcrm.api.app import create_api
from travelcrm.core.permissions import Role
from travelcrm.db import system_scope


def _client(email: str) -> TestClient:
    client = TestClient(create_api(), raise_server_exceptions=False)
    response = client.post("/api/auth/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return client


def _staff(tenant_id, role: Role) -> str:
    email = f"{role.value}.{secrets.token_hex(3)}@example.com"
    with system_scope() as session:
        add_member(
            session,
            tenant_id=tenant_id,
            email=email,
            name=f"{role.value.title()} Kumar",
            password=PASSWORD,
            role=role,
            verified=True,
        )
    return email


def _member_id(client: TestClient, email: str) -> str:
    members = client.get("/api/users").json()["data"]
    return next(m["id"] for m in members if m["email"] == email)


def test_owner_lists_changes_roles_and_deactivates(migrated_engine) -> None:
    agency = _verified()
    agent_email = _staff(agency.tenant.id, Role.AGENT)
    owner = _client(agency.user.email)
    agent = _client(agent_email)
    members = owner.get("/api/users").json()["data"]
    assert {m["role"] for m in members} == {"owner", "agent"}
    agent_id = _member_id(owner, agent_email)
    promoted = owner.patch(f"/api/users/{agent_id}", json={"role": "manager"})
    assert promoted.status_code == 200 and promoted.json()["data"]["role"] == "manager"
    assert agent.get("/api/auth/me").json()["data"]["role"] == "manager"  # applies at once
    out = owner.post(f"/api/users/{agent_id}/deactivate")
    assert out.status_code == 200 and out.json()["data"]["is_active"] is False
    assert_problem(agent.get("/api/auth/me"), 401, "session_expired")  # ended within one call
    again = TestClient(create_api(), raise_server_exceptions=False)
    assert_problem(
        again.post("/api/auth/login", json={"email": agent_email, "password": PASSWORD}),
        401,
        "invalid_credentials",
    )


def test_last_owner_cannot_be_demoted_and_only_owners_touch_owners(migrated_engine) -> None:
    agency = _verified()
    admin_email = _staff(agency.tenant.id, Role.ADMIN)
    owner = _client(agency.user.email)
    admin = _client(admin_email)
    owner_id = _member_id(owner, agency.user.email)
    assert_problem(owner.patch(f"/api/users/{owner_id}", json={"role": "admin"}), 409, "last_owner")
    assert_problem(
        admin.patch(f"/api/users/{owner_id}", json={"role": "agent"}), 403, "permission_denied"
    )
    assert_problem(admin.post(f"/api/users/{owner_id}/deactivate"), 403, "permission_denied")
    assert_problem(owner.post(f"/api/users/{owner_id}/deactivate"), 422, "validation_failed")


def test_agents_cannot_manage_and_other_agencies_ids_are_not_found(migrated_engine) -> None:
    alpha, bravo = _verified(), _verified()
    agent_email = _staff(alpha.tenant.id, Role.AGENT)
    agent = _client(agent_email)
    assert_problem(agent.get("/api/users"), 403, "permission_denied")
    alpha_owner, bravo_owner = _client(alpha.user.email), _client(bravo.user.email)
    bravo_member = _member_id(bravo_owner, bravo.user.email)
    assert_problem(
        alpha_owner.patch(f"/api/users/{bravo_member}", json={"role": "agent"}), 404, "not_found"
    )
    assert_problem(alpha_owner.post(f"/api/users/{bravo_member}/deactivate"), 404, "not_found")
    emails = {m["email"] for m in alpha_owner.get("/api/users").json()["data"]}
    assert bravo.user.email not in emails


def test_role_changes_refuse_unknown_fields_and_customer(migrated_engine) -> None:
    agency = _verified()
    agent_email = _staff(agency.tenant.id, Role.AGENT)
    owner = _client(agency.user.email)
    agent_id = _member_id(owner, agent_email)
    body = assert_problem(
        owner.patch(f"/api/users/{agent_id}", json={"role": "agent", "tenant_id": "x"}),
        422,
        "validation_failed",
    )
    assert body["errors"][0]["field"] == "tenant_id"
    assert_problem(
        owner.patch(f"/api/users/{agent_id}", json={"role": "customer"}), 422, "validation_failed"
    )

"""Sign-in over REST and the attack tests for what exists so far: cookie-only sessions, lockout
with Retry-After, and another agency's ids answering "not found"."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient

from tests.accounts.test_accounts import PASSWORD, _sign_in, _verified
from tests.api.test_envelope_and_problems import assert_problem
from travelcrm.accounts.services import SESSION_COOKIE
from travelcrm.api.app import create_api


def _client(migrated_engine) -> TestClient:
    return TestClient(create_api(), raise_server_exceptions=False)


def _login(client: TestClient, email: str, password: str = PASSWORD):
    return client.post("/api/auth/login", json={"email": email, "password": password})


def test_login_sets_an_httponly_lax_cookie_and_me_works(migrated_engine) -> None:
    agency = _verified()
    client = _client(migrated_engine)
    response = _login(client, agency.user.email)
    assert response.status_code == 200, response.text
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert SESSION_COOKIE not in response.text  # the token is never in a body
    me = client.get("/api/auth/me").json()["data"]
    assert me["email"] == agency.user.email and me["role"] == "owner"
    assert client.post("/api/auth/logout").status_code == 204
    assert_problem(client.get("/api/auth/me"), 401, "unauthenticated")


def test_wrong_password_then_lockout_with_retry_after(migrated_engine) -> None:
    agency = _verified()
    client = _client(migrated_engine)
    for _ in range(5):
        assert_problem(
            _login(client, agency.user.email, "Nope-nope-nope-1"), 401, "invalid_credentials"
        )
    locked = _login(client, agency.user.email)
    body = assert_problem(locked, 429, "locked_out")
    assert 0 < int(locked.headers["retry-after"]) <= 900
    assert body["retry_after_seconds"] == int(locked.headers["retry-after"])


def test_unverified_owner_is_told_to_verify(migrated_engine) -> None:
    from tests.accounts.test_accounts import _signup

    agency = _signup()
    assert_problem(_login(_client(migrated_engine), agency.user.email), 403, "email_not_verified")


def test_audit_log_lists_only_the_callers_agency(migrated_engine) -> None:
    alpha, bravo = _verified(), _verified()
    _sign_in(bravo.user.email)  # bravo has sign-in events too
    client = _client(migrated_engine)
    _login(client, alpha.user.email)
    events = client.get("/api/audit-events").json()["data"]
    assert events and {e["action"] for e in events} <= {
        "agency.registered",
        "auth.email_verified",
        "auth.sign_in",
    }
    bravo_client = _client(migrated_engine)
    _login(bravo_client, bravo.user.email)
    bravo_ids = {e["id"] for e in bravo_client.get("/api/audit-events").json()["data"]}
    assert bravo_ids and not bravo_ids & {e["id"] for e in events}


def test_ending_another_users_session_is_not_found(migrated_engine) -> None:
    alpha, bravo = _verified(), _verified()
    bravo_session = _sign_in(bravo.user.email).session.id
    client = _client(migrated_engine)
    _login(client, alpha.user.email)
    assert_problem(client.delete(f"/api/auth/sessions/{bravo_session}"), 404, "not_found")
    assert_problem(client.delete(f"/api/auth/sessions/{uuid.uuid4()}"), 404, "not_found")
    # bravo's session still works
    assert any(s["id"] == str(bravo_session) for s in _sessions_of(migrated_engine, bravo))


def _sessions_of(migrated_engine, agency) -> list[dict]:
    client = _client(migrated_engine)
    _login(client, agency.user.email)
    return client.get("/api/auth/sessions").json()["data"]


def test_remote_logout_of_another_session(migrated_engine) -> None:
    agency = _verified()
    laptop, phone = _client(migrated_engine), _client(migrated_engine)
    _login(laptop, agency.user.email)
    _login(phone, agency.user.email)
    sessions = laptop.get("/api/auth/sessions").json()["data"]
    assert len(sessions) == 2 and sum(s["current"] for s in sessions) == 1
    other = next(s for s in sessions if not s["current"])
    assert laptop.delete(f"/api/auth/sessions/{other['id']}").status_code == 204
    assert_problem(phone.get("/api/auth/me"), 401, "session_expired")
    assert laptop.get("/api/auth/me").status_code == 200


def test_audit_log_needs_the_permission(migrated_engine) -> None:
    from sqlmodel import select

    from travelcrm.accounts.models import Membership
    from travelcrm.core.permissions import Role
    from travelcrm.core.tenancy import TenantContext
    from travelcrm.db import tenant_scope

    agency = _verified()
    ctx = TenantContext(agency.tenant.id, agency.user.id, Role.OWNER)
    with tenant_scope(ctx) as session:
        for membership in session.exec(select(Membership)):
            membership.role = Role.AGENT.value
            session.add(membership)
    client = _client(migrated_engine)
    _login(client, agency.user.email)
    assert_problem(client.get("/api/audit-events"), 403, "permission_denied")


def test_login_form_posts_redirect_with_cookie_or_back_with_the_reason(migrated_engine) -> None:
    agency = _verified()
    client = _client(migrated_engine)
    ok = client.post(
        "/api/auth/login-form",
        data={"email": agency.user.email, "password": PASSWORD, "next": "/system"},
        follow_redirects=False,
    )
    assert ok.status_code == 303 and ok.headers["location"] == "/system"
    assert "HttpOnly" in ok.headers["set-cookie"]
    assert client.get("/api/auth/me").status_code == 200
    bad = client.post(
        "/api/auth/login-form",
        data={"email": agency.user.email, "password": "Wrong-password-1", "next": "//evil.test"},
        follow_redirects=False,
    )
    assert bad.status_code == 303
    assert bad.headers["location"].startswith("/login?error=invalid_credentials&email=")
    assert "Wrong-password" not in bad.headers["location"]
    offsite = client.post(
        "/api/auth/login-form",
        data={"email": agency.user.email, "password": PASSWORD, "next": "//evil.test/x"},
        follow_redirects=False,
    )
    assert offsite.headers["location"] == "/"  # never redirected off-site
    out = client.post("/api/auth/logout-form", follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/login"
    assert_problem(client.get("/api/auth/me"), 401, "unauthenticated")


def test_unstorable_text_is_a_named_422_not_a_500(migrated_engine) -> None:
    """Found by the contract fuzzer: a NUL byte in the email crashed PostgreSQL's driver."""
    client = _client(migrated_engine)
    for path in ("/api/auth/login", "/api/auth/token"):
        body = assert_problem(
            client.post(path, json={"email": "a\x00@example.com", "password": "x"}),
            422,
            "validation_failed",
        )
        assert body["errors"][0]["field"] == "email"

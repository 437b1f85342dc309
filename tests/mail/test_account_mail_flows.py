"""The account emails end to end over REST: a real SMTP sink (aiosmtpd) receives the mail and the
tests follow the links in it. Sign-up -> verify, resend, forgot password -> reset, invitations."""

from __future__ import annotations

import secrets
import uuid
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select, update

from tests.accounts.test_accounts import PASSWORD, _verified
from tests.api.test_envelope_and_problems import assert_problem
from tests.conftest import settle_jobs, wait_for
from travelcrm.accounts.models import EmailToken
from travelcrm.api.app import create_api
from travelcrm.core.clock import utcnow
from travelcrm.db import system_scope
from travelcrm.mail.models import MailStatus, OutboxMessage
from travelcrm.mail.services import ERASED

NEW_PASSWORD = "Backwaters-Kerala-77"


def _client() -> TestClient:
    return TestClient(create_api(), raise_server_exceptions=False)


def _register(client: TestClient, email: str | None = None) -> dict:
    suffix = secrets.token_hex(3)
    body = {
        "agency": {
            "slug": f"mail-{suffix}",
            "name": f"Mail Tours {suffix}",
            "country": "IN",
            "default_currency": "INR",
            "timezone": "Asia/Kolkata",
            "tenant_id": "00000000-0000-0000-0000-000000000000",  # mass assignment: ignored
        },
        "owner_name": "Anita Desai",
        "owner_email": email or f"anita.{suffix}@example.com",
        "password": PASSWORD,
        "is_verified": True,  # mass assignment: ignored
        "role": "customer",
    }
    response = client.post("/api/auth/register", json=body)
    assert response.status_code == 201, response.text
    return response.json()["data"]


def _login(client: TestClient, email: str, password: str = PASSWORD):
    return client.post("/api/auth/login", json={"email": email, "password": password})


def test_sign_up_mails_a_link_that_verifies_once(migrated_engine, smtp_sink) -> None:
    client = _client()
    owner = _register(client)
    assert owner["verification_sent"] is True
    assert_problem(_login(client, owner["email"]), 403, "email_not_verified")
    [mail] = smtp_sink.wait_for(owner["email"])
    assert "Confirm your email" in mail["Subject"]
    assert mail.get_body(preferencelist=("html",)) is not None
    token = smtp_sink.link(owner["email"], "/verify")
    assert client.post("/api/auth/verify", json={"token": token}).status_code == 200
    me = _login(client, owner["email"]).json()["data"]
    assert me["role"] == "owner" and me["tenant_id"] == owner["tenant_id"]  # not the body's
    assert_problem(client.post("/api/auth/verify", json={"token": token}), 400, "invalid_token")
    settle_jobs()  # the mail job records the delivery after the server took the message
    with system_scope() as session:  # delivered: the one-time link is not kept
        sent = session.exec(
            select(OutboxMessage).where(OutboxMessage.to_email == owner["email"])
        ).one()
        assert sent.status == MailStatus.SENT and sent.text_body == ERASED


def test_expired_verification_link_is_refused(migrated_engine, smtp_sink) -> None:
    client = _client()
    owner = _register(client)
    token = smtp_sink.link(owner["email"], "/verify")
    with system_scope() as session:
        session.exec(
            update(EmailToken)
            .where(EmailToken.user_id == uuid.UUID(owner["user_id"]))
            .values(expires_at=utcnow() - timedelta(minutes=1))
        )
    body = assert_problem(
        client.post("/api/auth/verify", json={"token": token}), 400, "invalid_token"
    )
    assert "expired" in body["detail"]


def test_resend_answers_the_same_for_anyone_and_is_rate_limited(migrated_engine, smtp_sink) -> None:
    client = _client()
    owner = _register(client)
    known = client.post("/api/auth/verify/resend", json={"email": owner["email"]})
    unknown = client.post("/api/auth/verify/resend", json={"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 202
    assert known.json()["data"] == unknown.json()["data"]
    assert len(smtp_sink.wait_for(owner["email"], 2)) == 2
    settle_jobs()
    assert not smtp_sink.to("nobody@example.com")
    for _ in range(4):  # five requests per account+IP in the window, then locked
        client.post("/api/auth/verify/resend", json={"email": owner["email"]})
    locked = client.post("/api/auth/verify/resend", json={"email": owner["email"]})
    assert_problem(locked, 429, "locked_out")
    assert int(locked.headers["retry-after"]) > 0
    # the newest link works even though older ones were mailed
    token = smtp_sink.link(owner["email"], "/verify")
    assert client.post("/api/auth/verify", json={"token": token}).status_code == 200


def test_forgot_password_resets_once_and_ends_every_session(migrated_engine, smtp_sink) -> None:
    agency = _verified()
    email = agency.user.email
    laptop, phone, stranger = _client(), _client(), _client()
    assert _login(laptop, email).status_code == 200
    assert _login(phone, email).status_code == 200
    same = stranger.post("/api/auth/password-reset", json={"email": "ghost@example.com"})
    real = stranger.post("/api/auth/password-reset", json={"email": email.upper()})
    assert same.status_code == real.status_code == 202
    assert same.json()["data"] == real.json()["data"]  # never says whether the account exists
    token = smtp_sink.link(email, "/reset-password")
    weak = stranger.post(
        "/api/auth/password-reset/confirm", json={"token": token, "password": "short"}
    )
    assert_problem(weak, 422, "validation_failed")
    done = stranger.post(
        "/api/auth/password-reset/confirm", json={"token": token, "password": NEW_PASSWORD}
    )
    assert done.status_code == 200, done.text
    for client in (laptop, phone):
        assert_problem(client.get("/api/auth/me"), 401, "session_expired")
    assert_problem(_login(stranger, email), 401, "invalid_credentials")
    assert _login(stranger, email, NEW_PASSWORD).status_code == 200
    again = stranger.post(
        "/api/auth/password-reset/confirm", json={"token": token, "password": NEW_PASSWORD}
    )
    assert_problem(again, 400, "invalid_token")


def test_reset_link_expires_after_an_hour(migrated_engine, smtp_sink) -> None:
    agency = _verified()
    client = _client()
    client.post("/api/auth/password-reset", json={"email": agency.user.email})
    token = smtp_sink.link(agency.user.email, "/reset-password")
    with system_scope() as session:
        row = session.exec(
            select(EmailToken).where(
                EmailToken.user_id == agency.user.id, EmailToken.purpose == "reset"
            )
        ).one()
        assert timedelta(minutes=59) < row.expires_at - row.created_at <= timedelta(hours=1)
        row.expires_at = utcnow() - timedelta(seconds=1)
        session.add(row)
    response = client.post(
        "/api/auth/password-reset/confirm", json={"token": token, "password": NEW_PASSWORD}
    )
    assert_problem(response, 400, "invalid_token")


def test_invite_accept_and_work_only_in_that_agency(migrated_engine, smtp_sink) -> None:
    agency, other = _verified(), _verified()
    owner = _client()
    assert _login(owner, agency.user.email).status_code == 200
    invitee = f"ravi.{secrets.token_hex(3)}@example.com"
    created = owner.post(
        "/api/invitations",
        json={
            "email": invitee,
            "name": "Ravi Kumar",
            "role": "agent",
            "tenant_id": str(other.tenant.id),  # mass assignment: ignored
            "is_verified": True,
        },
    )
    assert created.status_code == 201, created.text
    assert created.json()["data"]["invitation_pending"] is True
    # not yet a working member: no password, cannot sign in
    assert_problem(_login(_client(), invitee, NEW_PASSWORD), 401, "invalid_credentials")
    [mail] = smtp_sink.wait_for(invitee)
    assert agency.tenant.name in mail["Subject"]
    token = smtp_sink.link(invitee, "/invite")
    agent = _client()
    peek = agent.post("/api/auth/invites/lookup", json={"token": token}).json()["data"]
    assert peek == {
        "email": invitee,
        "name": "Ravi Kumar",
        "agency_name": agency.tenant.name,
        "role": "agent",
        "needs_password": True,
    }
    missing = agent.post("/api/auth/invites/accept", json={"token": token})
    assert_problem(missing, 422, "validation_failed")
    accepted = agent.post(
        "/api/auth/invites/accept", json={"token": token, "password": NEW_PASSWORD}
    )
    assert accepted.status_code == 200, accepted.text
    me = agent.get("/api/auth/me").json()["data"]
    assert me["role"] == "agent" and me["tenant_id"] == str(agency.tenant.id)
    # an agent cannot invite, and sees nothing of the other agency
    assert_problem(
        agent.post(
            "/api/invitations", json={"email": "x@example.com", "name": "X", "role": "agent"}
        ),
        403,
        "permission_denied",
    )
    assert_problem(agent.get(f"/api/auth/avatars/{other.user.id}"), 404, "not_found")
    fresh = _client()
    assert _login(fresh, invitee, NEW_PASSWORD).json()["data"]["role"] == "agent"
    members = owner.get("/api/users").json()["data"]
    row = next(m for m in members if m["email"] == invitee)
    assert row["invitation_pending"] is False
    assert {e["action"] for e in owner.get("/api/audit-events").json()["data"]} >= {
        "user.invited",
        "user.invite_accepted",
    }


def test_invitation_rules(migrated_engine, smtp_sink) -> None:
    agency = _verified()
    owner = _client()
    _login(owner, agency.user.email)
    as_customer = owner.post(
        "/api/invitations", json={"email": "c@example.com", "name": "C", "role": "customer"}
    )
    assert_problem(as_customer, 422, "validation_failed")
    itself = owner.post(
        "/api/invitations", json={"email": agency.user.email, "name": "Me", "role": "agent"}
    )
    assert_problem(itself, 409, "conflict")


def test_someone_in_two_agencies_picks_and_switches(migrated_engine, smtp_sink) -> None:
    first, second = _verified(), _verified()
    owner_two = _client()
    _login(owner_two, second.user.email)
    owner_two.post(
        "/api/invitations",
        json={"email": first.user.email, "name": "Priya", "role": "manager"},
    )
    token = smtp_sink.link(first.user.email, "/invite")
    person = _client()
    accepted = person.post("/api/auth/invites/accept", json={"token": token})
    assert accepted.status_code == 200, accepted.text  # already has a password: none asked
    person = _client()
    assert _login(person, first.user.email).json()["data"] is None  # must pick
    assert_problem(person.get("/api/auth/me"), 409, "agency_not_selected")
    agencies = person.get("/api/auth/agencies").json()["data"]
    assert {a["tenant_id"] for a in agencies} == {str(first.tenant.id), str(second.tenant.id)}
    stranger_agency = _verified()
    assert_problem(
        person.post("/api/auth/switch", json={"tenant_id": str(stranger_agency.tenant.id)}),
        404,
        "not_found",
    )
    switched = person.post("/api/auth/switch", json={"tenant_id": str(second.tenant.id)})
    assert switched.json()["data"]["role"] == "manager"
    assert person.get("/api/auth/me").json()["data"]["tenant_id"] == str(second.tenant.id)
    person.post("/api/auth/switch", json={"tenant_id": str(first.tenant.id)})
    assert person.get("/api/auth/me").json()["data"]["role"] == "owner"
    # API tokens name the agency
    pair = person.post(
        "/api/auth/token",
        json={"email": first.user.email, "password": PASSWORD, "agency_id": str(second.tenant.id)},
    )
    assert pair.status_code == 200, pair.text
    bearer = {"Authorization": f"Bearer {pair.json()['data']['access_token']}"}
    assert _client().get("/api/auth/me", headers=bearer).json()["data"]["role"] == "manager"


def test_a_refused_message_is_failed_for_good_not_retried(migrated_engine, settings_env) -> None:
    from tests.conftest import SmtpSink

    sink = SmtpSink(refuse_with="550 5.1.1 mailbox unavailable")
    settings_env(smtp_url=sink.start())
    try:
        owner = _register(_client())
        settle_jobs()  # the mail job meets the refusal while the server is there
    finally:
        sink.stop()
    with system_scope() as session:
        message = session.exec(
            select(OutboxMessage).where(OutboxMessage.to_email == owner["email"])
        ).one()
        assert message.status == MailStatus.FAILED and message.attempts == 1
        assert "550" in (message.last_error or "")


def test_without_smtp_the_outbox_keeps_the_message(migrated_engine) -> None:
    owner = _register(_client())

    def captured() -> OutboxMessage | None:  # on PostgreSQL the send job runs on the worker
        with system_scope() as session:
            message = session.exec(
                select(OutboxMessage).where(OutboxMessage.to_email == owner["email"])
            ).one()
            return message if message.status != MailStatus.QUEUED else None

    message = wait_for(captured, what="the verification mail's send job")
    assert message.status == MailStatus.CAPTURED and "/verify?token=" in message.text_body


@pytest.mark.parametrize("path", ["/api/auth/verify", "/api/auth/invites/lookup"])
def test_made_up_links_are_refused(migrated_engine, path) -> None:
    response = _client().post(path, json={"token": secrets.token_urlsafe(32)})
    assert_problem(response, 400, "invalid_token")

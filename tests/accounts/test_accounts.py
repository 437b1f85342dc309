"""Accounts services on the run's database: sign-up, verification, sign-in with the brute-force
guard (database counters on SQLite, Redis on the PostgreSQL run), sessions."""

from __future__ import annotations

import secrets
from datetime import timedelta

import pytest
from sqlmodel import select

from travelcrm.accounts import services as accounts
from travelcrm.accounts.models import AuthSession, EmailToken, Membership, User
from travelcrm.accounts.passwords import hash_password, verify_password
from travelcrm.audit.models import AuditEvent
from travelcrm.core.clock import utcnow
from travelcrm.core.errors import ConflictError, NotFoundError, ValidationFailedError
from travelcrm.core.permissions import Role
from travelcrm.core.throttle import LockedOutError
from travelcrm.db import system_scope, tenant_scope
from travelcrm.tenants.schemas import TenantCreate

PASSWORD = "Monsoon-Goa-2026!"


def _signup(email: str | None = None, password: str = PASSWORD) -> accounts.SignUpResult:
    suffix = secrets.token_hex(3)
    data = accounts.AgencySignup(
        agency=TenantCreate(
            slug=f"agency-{suffix}",
            name=f"Agency {suffix}",
            country="IN",
            default_currency="INR",
            timezone="Asia/Kolkata",
        ),
        owner_name="Priya Sharma",
        owner_email=email or f"priya.{suffix}@example.com",
        password=password,
    )
    with system_scope() as session:
        return accounts.register_agency(session, data=data, ip="203.0.113.7")


def _verified() -> accounts.SignUpResult:
    result = _signup()
    with system_scope() as session:
        accounts.verify_email(session, raw_token=result.verify_token)
    return result


def _sign_in(email: str, password: str = PASSWORD, ip: str = "198.51.100.1"):
    with system_scope() as session:
        return accounts.sign_in(session, email=email, password=password, ip=ip, user_agent="pytest")


def test_sign_up_creates_agency_owner_and_a_hashed_single_use_link(migrated_engine) -> None:
    result = _signup()
    with system_scope() as session:
        user = session.get(User, result.user.id)
        assert user is not None and user.email_verified_at is None
        assert user.password_hash and user.password_hash.startswith("$argon2id$")
        tokens = session.exec(select(EmailToken).where(EmailToken.user_id == user.id)).all()
        assert len(tokens) == 1 and tokens[0].token_hash != result.verify_token
    ctx = accounts.TenantContext(result.tenant.id, result.user.id, Role.OWNER)
    with tenant_scope(ctx) as session:
        (membership,) = session.exec(select(Membership)).all()
        assert membership.role == "owner"
        actions = [e.action for e in session.exec(select(AuditEvent)).all()]
        assert actions == ["agency.registered"]


def test_sign_up_refuses_weak_passwords_and_taken_emails(migrated_engine) -> None:
    with pytest.raises(ValidationFailedError) as info:
        _signup(password="short")
    assert info.value.errors[0].field == "password"
    first = _signup()
    with pytest.raises(ConflictError):
        _signup(email=first.user.email.upper())  # emails compare case-insensitively


def test_verification_is_required_then_single_use(migrated_engine) -> None:
    result = _signup()
    with pytest.raises(accounts.EmailNotVerifiedError):
        _sign_in(result.user.email)
    with system_scope() as session:
        accounts.verify_email(session, raw_token=result.verify_token)
    with pytest.raises(accounts.InvalidTokenError, match="already used"), system_scope() as s:
        accounts.verify_email(s, raw_token=result.verify_token)
    with pytest.raises(accounts.InvalidTokenError, match="not valid"), system_scope() as s:
        accounts.verify_email(s, raw_token="forged-token")
    signed_in = _sign_in(result.user.email)
    assert signed_in.context is not None
    assert signed_in.context.tenant_id == result.tenant.id
    assert signed_in.context.role is Role.OWNER


def test_expired_verification_link_is_refused(migrated_engine) -> None:
    result = _signup()
    with system_scope() as session:
        for token in session.exec(select(EmailToken).where(EmailToken.user_id == result.user.id)):
            token.expires_at = utcnow() - timedelta(seconds=1)
            session.add(token)
    with pytest.raises(accounts.InvalidTokenError, match="expired"), system_scope() as session:
        accounts.verify_email(session, raw_token=result.verify_token)


def test_five_failures_lock_the_account_and_ip_pair(migrated_engine) -> None:
    result = _verified()
    email = result.user.email
    for _ in range(5):
        with pytest.raises(accounts.InvalidCredentialsError):
            _sign_in(email, "Wrong-password-123")
    with pytest.raises(LockedOutError) as info:
        _sign_in(email)  # even the right password waits now
    assert 0 < info.value.retry_after <= 15 * 60
    assert "15 minutes" in info.value.detail
    # another IP is a different pair
    assert _sign_in(email, ip="198.51.100.99").context is not None
    ctx = accounts.TenantContext(result.tenant.id, result.user.id, Role.OWNER)
    with tenant_scope(ctx) as session:
        failed = session.exec(
            select(AuditEvent).where(AuditEvent.action == "auth.sign_in_failed")
        ).all()
        assert len(failed) == 5
        assert all(event.ip == "198.51.100.1" for event in failed)


def test_unknown_email_fails_like_a_wrong_password(migrated_engine) -> None:
    with pytest.raises(accounts.InvalidCredentialsError) as info:
        _sign_in(f"nobody.{secrets.token_hex(3)}@example.com")
    assert info.value.detail == "The email or password is not right."


def test_sessions_resolve_list_and_end(migrated_engine) -> None:
    result = _verified()
    first = _sign_in(result.user.email)
    second = _sign_in(result.user.email)
    with system_scope() as session:
        auth_session, user, ctx = accounts.resolve_session(session, raw_token=first.session_token)
        assert auth_session.id == first.session.id
        assert user.id == result.user.id and ctx is not None
        assert {s.id for s in accounts.list_sessions(session, user_id=user.id)} == {
            first.session.id,
            second.session.id,
        }
        stored = session.exec(select(AuthSession).where(AuthSession.id == first.session.id)).one()
        assert stored.token_hash != first.session_token  # only the hash is kept
        accounts.revoke_session(session, user_id=user.id, session_id=second.session.id)
        with pytest.raises(NotFoundError):  # someone else's (or an ended) session: not found
            accounts.revoke_session(session, user_id=user.id, session_id=second.session.id)
    with pytest.raises(accounts.SessionExpiredError), system_scope() as session:
        accounts.resolve_session(session, raw_token=second.session_token)
    with system_scope() as session:
        accounts.sign_out(session, raw_token=first.session_token)
    with pytest.raises(accounts.SessionExpiredError), system_scope() as session:
        accounts.resolve_session(session, raw_token=first.session_token)


def test_deactivated_membership_ends_the_session(migrated_engine) -> None:
    result = _verified()
    signed_in = _sign_in(result.user.email)
    ctx = accounts.TenantContext(result.tenant.id, result.user.id, Role.OWNER)
    with tenant_scope(ctx) as session:
        for membership in session.exec(select(Membership)):
            membership.is_active = False
            session.add(membership)
    with pytest.raises(accounts.SessionExpiredError), system_scope() as session:
        accounts.resolve_session(session, raw_token=signed_in.session_token)


def test_password_hashes_verify_and_resist_tampering() -> None:
    stored = hash_password(PASSWORD)
    assert verify_password(stored, PASSWORD)
    assert not verify_password(stored, PASSWORD + "x")
    assert not verify_password(stored[:-4] + "AAAA", PASSWORD)
    assert not verify_password(None, PASSWORD)

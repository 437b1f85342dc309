"""Accounts: agency sign-up, email verification, sign-in with brute-force locking, sessions.

Raw secrets (session cookies, email links) are returned to the caller once and stored only as
SHA-256 hashes. Every sign-in, failed sign-in and sign-up is written to the audit log.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel, EmailStr, Field, field_validator
from sqlmodel import Session, col, select, update

from travelcrm.accounts import emails
from travelcrm.accounts.models import (
    AuthSession,
    EmailToken,
    Membership,
    RefreshToken,
    User,
    UserAvatar,
)
from travelcrm.accounts.passwords import check_password_rules, hash_password, verify_password
from travelcrm.accounts.schemas import StaffRole
from travelcrm.audit import services as audit
from travelcrm.core.clock import as_utc, utcnow
from travelcrm.core.errors import (
    ConflictError,
    DomainError,
    FieldError,
    NotFoundError,
    PermissionDeniedError,
    ValidationFailedError,
)
from travelcrm.core.images import process_avatar
from travelcrm.core.permissions import Action, Role, require
from travelcrm.core.tenancy import TenantContext
from travelcrm.core.text import CleanStr
from travelcrm.core.throttle import Throttle
from travelcrm.core.upsert import add_unless_exists, save_row
from travelcrm.db import enter_tenant, enter_user, scoped_connection
from travelcrm.settings import get_settings
from travelcrm.tenants.models import Tenant, TenantStatus
from travelcrm.tenants.schemas import TenantCreate
from travelcrm.tenants.services import create_tenant

VERIFY_TTL = timedelta(hours=24)
RESET_TTL = timedelta(hours=1)
INVITE_TTL = timedelta(days=7)
LINK_FAILURE_SCALE = 10  # wrong links per IP: 10x the sign-in limit
TOUCH_EVERY = timedelta(minutes=1)
SESSION_COOKIE = "travelcrm_session"  # the browser session's HttpOnly cookie (pages and API)


# ---- errors ---------------------------------------------------------------------------------


class InvalidCredentialsError(DomainError):
    code = "invalid_credentials"
    status = 401
    title = "Sign-in failed"


class EmailNotVerifiedError(DomainError):
    code = "email_not_verified"
    status = 403
    title = "Email not verified"


class InvalidTokenError(DomainError):
    code = "invalid_token"
    status = 400
    title = "Link not valid"


class SessionExpiredError(DomainError):
    code = "session_expired"
    status = 401
    title = "Signed out"


# ---- inputs ---------------------------------------------------------------------------------


class AgencySignup(BaseModel):
    agency: TenantCreate
    owner_name: CleanStr = Field(min_length=1, max_length=120)
    owner_email: EmailStr
    password: str = Field(min_length=1, max_length=256)

    @field_validator("owner_name")
    @classmethod
    def _name(cls, value: str) -> str:
        value = value.strip()
        if not 1 <= len(value) <= 120:
            raise ValueError("must be 1-120 characters")
        return value


@dataclass(frozen=True)
class SignUpResult:
    tenant: Tenant
    user: User
    verify_token: str  # goes into the verification email, never stored raw


@dataclass(frozen=True)
class SignInResult:
    session_token: str  # goes into the HttpOnly cookie, never stored raw ("" for API tokens)
    session: AuthSession | None
    user: User
    context: TenantContext | None  # None when the user must pick an agency


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def normalize_email(email: str) -> str:
    return email.strip().lower()


# ---- sign-up and verification -----------------------------------------------------------------


def _issue_token(
    session: Session, *, user: User, purpose: str, ttl: timedelta, tenant_id: uuid.UUID | None
) -> str:
    raw = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(
        EmailToken(
            token_hash=_digest(raw),
            purpose=purpose,
            user_id=user.id,
            invite_tenant_id=tenant_id,
            created_at=now,
            expires_at=now + ttl,
        )
    )
    session.flush()
    return raw


def register_agency(
    session: Session, *, data: AgencySignup, ip: str | None = None, user_agent: str | None = None
) -> SignUpResult:
    """Create the agency, its owner (unverified) and the verification link, in one transaction.

    `session` is a system-scope session; it enters the new agency's scope on the way.
    """
    email = normalize_email(data.owner_email)
    check_password_rules(data.password, email=email)
    if session.exec(select(User).where(User.email == email)).first() is not None:
        raise ConflictError(
            "An account with this email already exists; sign in or reset the password.",
            errors=[FieldError("owner_email", "already registered", "taken")],
        )
    tenant = create_tenant(session, data=data.agency)
    user = User(email=email, name=data.owner_name, password_hash=hash_password(data.password))
    session.add(user)
    session.flush()
    enter_tenant(session, tenant.id)
    session.add(
        Membership(
            tenant_id=tenant.id, user_id=user.id, role=Role.OWNER.value, accepted_at=utcnow()
        )
    )
    token = _issue_token(session, user=user, purpose="verify", ttl=VERIFY_TTL, tenant_id=None)
    emails.send_verification(session, to_email=email, name=user.name, token=token)
    ctx = TenantContext(tenant_id=tenant.id, user_id=user.id, role=Role.OWNER)
    audit.record(
        session,
        ctx,
        action="agency.registered",
        target_type="tenant",
        target_id=str(tenant.id),
        after={"slug": tenant.slug, "owner_email": email},
        ip=ip,
        user_agent=user_agent,
    )
    return SignUpResult(tenant=tenant, user=user, verify_token=token)


def _use_token(session: Session, *, raw: str, purpose: str) -> EmailToken:
    token = session.get(EmailToken, _digest(raw))
    now = utcnow()
    if token is None or token.purpose != purpose:
        raise InvalidTokenError("This link is not valid. Ask for a new one.")
    if token.used_at is not None:
        raise InvalidTokenError("This link was already used. Ask for a new one.")
    if as_utc(token.expires_at) <= now:
        raise InvalidTokenError("This link has expired. Ask for a new one.")
    token.used_at = now
    session.add(token)
    return token


def _guarded_token(session: Session, *, raw: str, purpose: str, ip: str | None) -> EmailToken:
    """Use a one-time link, with the brute-force guard: wrong links count against the IP."""
    # Links carry 256 random bits, so guessing is hopeless; the guard stops floods from one IP
    # (a shared office IP may mistype a few links, hence the wider limit).
    throttle = Throttle(session, "link", "", ip, scale=LINK_FAILURE_SCALE)
    throttle.attempt()  # counted (and kept) before the link is looked at; over the limit: 429
    token = _use_token(session, raw=raw, purpose=purpose)
    throttle.forgive()  # a link that works is no failure
    return token


def verify_email(session: Session, *, raw_token: str, ip: str | None = None) -> User:
    token = _guarded_token(session, raw=raw_token, purpose="verify", ip=ip)
    user = session.get(User, token.user_id)
    if user is None:
        raise InvalidTokenError("This link is not valid. Ask for a new one.")
    user.email_verified_at = user.email_verified_at or utcnow()
    session.add(user)
    session.flush()
    _audit_everywhere(session, user, action="auth.email_verified", ip=ip)
    return user


def _count_request(session: Session, purpose: str, email: str, ip: str | None) -> None:
    """Requests that send mail (resend, reset) are rate-limited per account+IP: every request
    counts, and the fifth in the window locks the pair."""
    Throttle(session, purpose, email, ip).attempt()


def resend_verification(session: Session, *, email: str, ip: str | None = None) -> None:
    """Send a fresh verification link if the account exists and is unverified.

    The caller's answer is the same either way: it never reveals whether the email exists.
    """
    email = normalize_email(email)
    _count_request(session, "resend", email, ip)
    user = session.exec(select(User).where(User.email == email)).first()
    if user is None or user.email_verified_at is not None or not user.is_active:
        return
    token = _issue_token(session, user=user, purpose="verify", ttl=VERIFY_TTL, tenant_id=None)
    emails.send_verification(session, to_email=user.email, name=user.name, token=token)


def request_password_reset(session: Session, *, email: str, ip: str | None = None) -> None:
    """Mail a reset link (1 hour, single use) if the account exists; silent otherwise."""
    email = normalize_email(email)
    _count_request(session, "reset", email, ip)
    user = session.exec(select(User).where(User.email == email)).first()
    if user is None or not user.is_active:
        return
    token = _issue_token(session, user=user, purpose="reset", ttl=RESET_TTL, tenant_id=None)
    emails.send_password_reset(session, to_email=user.email, name=user.name, token=token)


def end_access_tokens(session: Session, *, user_id: uuid.UUID) -> None:
    """End every access token of the user at once: their credentials version moves on (one
    atomic increment; the row stays locked to this transaction on PostgreSQL, so a refresh
    running beside it waits and its new token is revoked with the others)."""
    session.exec(
        update(User)
        .where(col(User.id) == user_id)
        .values(credentials_version=col(User.credentials_version) + 1)
    )


def _end_everything(session: Session, *, user_id: uuid.UUID, keep: uuid.UUID | None) -> None:
    """End the user's sessions (but `keep`), every access token and every refresh token."""
    end_access_tokens(session, user_id=user_id)
    revoke_other_sessions(session, user_id=user_id, keep=keep)
    session.exec(
        update(RefreshToken)
        .where(col(RefreshToken.user_id) == user_id, col(RefreshToken.revoked_at).is_(None))
        .values(revoked_at=utcnow())
    )


def _audit_everywhere(
    session: Session,
    user: User,
    *,
    action: str,
    ip: str | None,
    user_agent: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Record an event about a person in each agency they work in."""
    enter_user(session, user.id)
    for membership in _memberships(session, user.id):
        enter_tenant(session, membership.tenant_id)
        ctx = TenantContext(membership.tenant_id, user.id, Role(membership.role))
        audit.record(
            session,
            ctx,
            action=action,
            target_type="user",
            target_id=str(user.id),
            before=before,
            after=after,
            ip=ip,
            user_agent=user_agent,
        )


def reset_password(
    session: Session, *, raw_token: str, new_password: str, ip: str | None = None
) -> User:
    """Set a new password from a reset link; every session and API token of the user ends."""
    token = _guarded_token(session, raw=raw_token, purpose="reset", ip=ip)
    user = session.get(User, token.user_id)
    if user is None or not user.is_active:
        raise InvalidTokenError("This link is not valid. Ask for a new one.")
    check_password_rules(new_password, email=user.email)
    user.password_hash = hash_password(new_password)
    # the link arrived by email, so the address is proven
    user.email_verified_at = user.email_verified_at or utcnow()
    session.add(user)
    _end_everything(session, user_id=user.id, keep=None)
    Throttle(session, "login", user.email, ip).clear()
    session.flush()
    _audit_everywhere(session, user, action="auth.password_reset", ip=ip)
    return user


def change_password(
    session: Session,
    *,
    user_id: uuid.UUID,
    current_password: str,
    new_password: str,
    keep_session: uuid.UUID | None,
    ip: str | None = None,
) -> None:
    """Change one's own password; the other sessions and all API tokens end."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFoundError("User not found.")
    throttle = Throttle(session, "password", user.email, ip)
    throttle.attempt()  # counted before the password is checked; over the limit: 429
    if not verify_password(user.password_hash, current_password):
        raise ValidationFailedError(
            "The current password is not right.",
            errors=[FieldError("current_password", "is not right", "wrong_password")],
        )
    # the password was right: the count ends, even if the new one is refused
    throttle.clear()
    session.commit()
    check_password_rules(new_password, email=user.email, field="new_password")
    user.password_hash = hash_password(new_password)
    session.add(user)
    _end_everything(session, user_id=user.id, keep=keep_session)
    session.flush()
    _audit_everywhere(session, user, action="auth.password_changed", ip=ip)


def add_member(
    session: Session,
    *,
    tenant_id: uuid.UUID,
    email: str,
    name: str,
    password: str,
    role: Role,
    verified: bool,
) -> User:
    """Create a user (or reuse one with this email) and give them a role in the agency.

    For seeding and admin tooling; invitations (with their email link) build on it.
    """
    email = normalize_email(email)
    user = session.exec(select(User).where(User.email == email)).first()
    if user is None:
        check_password_rules(password, email=email)
        user = User(email=email, name=name, password_hash=hash_password(password))
        if verified:
            user.email_verified_at = utcnow()
        session.add(user)
        session.flush()
    enter_tenant(session, tenant_id)
    session.add(
        Membership(tenant_id=tenant_id, user_id=user.id, role=role.value, accepted_at=utcnow())
    )
    session.flush()
    return user


# ---- sign-in and sessions -------------------------------------------------------------------


def _memberships(session: Session, user_id: uuid.UUID) -> list[Membership]:
    """A user's working memberships across agencies: active, accepted, in an active agency.

    A system-scope read (the member_self policy lets a user see their own memberships)."""
    statement = (
        select(Membership, Tenant)  # the agencies come along: a later get() needs no query
        .join(Tenant, col(Tenant.id) == col(Membership.tenant_id))
        .where(col(Membership.user_id) == user_id, col(Membership.is_active).is_(True))
        .where(col(Membership.accepted_at).is_not(None))
        .where(col(Tenant.status) == TenantStatus.ACTIVE.value)
        .order_by(col(Tenant.name))
    )
    rows = session.exec(statement).all()
    # The session's identity map holds objects weakly: keep the agencies for this unit of work,
    # so reading one of them next (the page shows its name) is answered without a query.
    session.info.setdefault("travelcrm_loaded_agencies", []).extend(t for _m, t in rows)
    return [membership for membership, _tenant in rows]


def working_membership(
    session: Session, *, user_id: uuid.UUID, tenant_id: uuid.UUID
) -> Membership | None:
    """The user's membership in the agency if they can work there now (active, accepted)."""
    enter_user(session, user_id)
    return next((m for m in _memberships(session, user_id) if m.tenant_id == tenant_id), None)


def sign_in(
    session: Session,
    *,
    email: str,
    password: str,
    ip: str | None = None,
    user_agent: str | None = None,
    browser_session: bool = True,
    agency_id: uuid.UUID | None = None,
) -> SignInResult:
    """Check the password (with the brute-force guard) and open a session.

    `browser_session=False` (API tokens) checks the same way but opens no cookie session.
    `agency_id` picks the agency (sign-in on an agency's address); without it a person in
    several agencies chooses after signing in.

    `session` is a system-scope session: who the user is decides the agency.
    """
    email = normalize_email(email)
    throttle = Throttle(session, "login", email, ip)
    throttle.attempt()  # counted before the password is checked; over the limit: 429
    user = session.exec(select(User).where(User.email == email)).first()
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or not ok or not user.is_active:
        if user is not None:
            enter_user(session, user.id)
            for membership in _memberships(session, user.id):
                enter_tenant(session, membership.tenant_id)
                ctx = TenantContext(membership.tenant_id, user.id, Role(membership.role))
                audit.record(
                    session, ctx, action="auth.sign_in_failed", ip=ip, user_agent=user_agent
                )
        # the audit of the failure stays, though this request fails
        session.commit()
        raise InvalidCredentialsError("The email or password is not right.")
    # the password was right: the count ends, whatever is refused below
    throttle.clear()
    session.commit()
    if user.email_verified_at is None:
        raise EmailNotVerifiedError(
            "Verify your email first: open the link we sent you, or ask for a new one."
        )
    enter_user(session, user.id)
    memberships = _memberships(session, user.id)
    if not memberships:
        raise InvalidCredentialsError("This account does not belong to any active agency.")
    only = memberships[0] if len(memberships) == 1 else None
    if agency_id is not None:  # signing in on an agency's own address, or asking for a token
        only = next((m for m in memberships if m.tenant_id == agency_id), None)
        if only is None:
            raise InvalidCredentialsError("This account has no access to this agency.")
    context = TenantContext(only.tenant_id, user.id, Role(only.role)) if only else None
    if not browser_session:
        if context is not None:
            enter_tenant(session, context.tenant_id)
            audit.record(session, context, action="auth.token_issued", ip=ip, user_agent=user_agent)
        return SignInResult(session_token="", session=None, user=user, context=context)
    return open_session(
        session, user=user, ip=ip, user_agent=user_agent, memberships=memberships, only=only
    )


def open_session(
    session: Session,
    *,
    user: User,
    ip: str | None = None,
    user_agent: str | None = None,
    memberships: list[Membership] | None = None,
    only: Membership | None = None,
) -> SignInResult:
    """Start a browser session for someone whose identity is already proven (password, or an
    invitation link); with one agency (or `only`) it starts working there."""
    enter_user(session, user.id)
    if memberships is None:
        memberships = _memberships(session, user.id)
        only = memberships[0] if len(memberships) == 1 else None
    context = TenantContext(only.tenant_id, user.id, Role(only.role)) if only else None
    now = utcnow()
    raw = secrets.token_urlsafe(32)
    auth_session = AuthSession(
        token_hash=_digest(raw),
        user_id=user.id,
        active_tenant_id=only.tenant_id if only else None,
        ip=ip,
        user_agent=(user_agent or "")[:300] or None,
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(days=get_settings().session_days),
    )
    session.add(auth_session)
    session.flush()
    if context is not None:
        enter_tenant(session, context.tenant_id)
        audit.record(session, context, action="auth.sign_in", ip=ip, user_agent=user_agent)
    return SignInResult(session_token=raw, session=auth_session, user=user, context=context)


def resolve_session(
    session: Session, *, raw_token: str
) -> tuple[AuthSession, User, TenantContext | None]:
    """Who holds this cookie, re-checked on every call: revoked, expired, deactivated -> out."""
    found = session.exec(
        select(AuthSession, User)  # one round trip for the session and its person
        .join(User, col(User.id) == col(AuthSession.user_id))
        .where(AuthSession.token_hash == _digest(raw_token))
    ).first()
    auth_session, user = found if found is not None else (None, None)
    now = utcnow()
    if (
        auth_session is None
        or auth_session.revoked_at is not None
        or as_utc(auth_session.expires_at) <= now
    ):
        raise SessionExpiredError("Your session has ended. Please sign in again.")
    if user is None or not user.is_active:
        raise SessionExpiredError("Your session has ended. Please sign in again.")
    enter_user(session, user.id)
    context = None
    if auth_session.active_tenant_id is not None:
        membership = next(
            (
                m
                for m in _memberships(session, user.id)
                if m.tenant_id == auth_session.active_tenant_id
            ),
            None,
        )
        if membership is None:
            raise SessionExpiredError("Your access to this agency has ended.")
        context = TenantContext(membership.tenant_id, user.id, Role(membership.role))
    if now - as_utc(auth_session.last_seen_at) > TOUCH_EVERY:
        auth_session.last_seen_at = now
        session.add(auth_session)
    return auth_session, user, context


@dataclass(frozen=True)
class AgencySession:
    """A browser sign-in working in an agency, as `session_in_agency` reads it."""

    session_id: uuid.UUID
    context: TenantContext
    user_name: str
    email: str
    agency_name: str
    agency_timezone: str
    agency_color: str
    agency_slug: str
    agency_locale: str


_ses = AuthSession.__table__  # type: ignore[attr-defined]
_usr = User.__table__  # type: ignore[attr-defined]
_mem = Membership.__table__  # type: ignore[attr-defined]
_ten = Tenant.__table__  # type: ignore[attr-defined]
# the sign-in, its person, their membership in the agency it works in and that agency: one
# statement (the membership is visible under the agency's own scope, no user setting needed)
_IN_AGENCY: Any = (
    sa.select(
        _ses.c.id,
        _ses.c.user_id,
        _ses.c.active_tenant_id,
        _ses.c.expires_at,
        _ses.c.revoked_at,
        _ses.c.last_seen_at,
        _usr.c.name.label("user_name"),
        _usr.c.email,
        _usr.c.is_active,
        _mem.c.role,
        _ten.c.name.label("agency_name"),
        _ten.c.timezone,
        _ten.c.primary_color,
        _ten.c.slug,
        _ten.c.locale,
    )
    .select_from(
        _ses.join(_usr, _usr.c.id == _ses.c.user_id)
        .outerjoin(
            _mem,
            sa.and_(
                _mem.c.tenant_id == sa.bindparam("tenant_id"),
                _mem.c.tenant_id == _ses.c.active_tenant_id,
                _mem.c.user_id == _ses.c.user_id,
                _mem.c.is_active.is_(True),
                _mem.c.accepted_at.is_not(None),
            ),
        )
        .outerjoin(
            _ten,
            sa.and_(_ten.c.id == _mem.c.tenant_id, _ten.c.status == TenantStatus.ACTIVE.value),
        )
    )
    .where(_ses.c.token_hash == sa.bindparam("token_hash"))
)


def session_in_agency(session: Session, *, raw_token: str) -> AgencySession | None:
    """`resolve_session` in one statement, for a sign-in expected to work in the agency that
    `session` is scoped to (`tenant_scope`): who holds the cookie and their membership there,
    re-checked on every call like `resolve_session`. None when the sign-in works elsewhere now
    (or in no agency): ask `resolve_session`. SessionExpiredError as it would raise."""
    connection, tenant_id = scoped_connection(session)
    row = connection.execute(
        _IN_AGENCY, {"tenant_id": tenant_id, "token_hash": _digest(raw_token)}
    ).first()
    now = utcnow()
    if row is None or row.revoked_at is not None or as_utc(row.expires_at) <= now:
        raise SessionExpiredError("Your session has ended. Please sign in again.")
    if not row.is_active:
        raise SessionExpiredError("Your session has ended. Please sign in again.")
    if row.active_tenant_id != tenant_id or row.role is None or row.agency_name is None:
        return None  # another agency, none, or access here ended: the full check says which
    if now - as_utc(row.last_seen_at) > TOUCH_EVERY:
        connection.execute(sa.update(_ses).where(_ses.c.id == row.id).values(last_seen_at=now))
    return AgencySession(
        session_id=row.id,
        context=TenantContext(tenant_id, row.user_id, Role(row.role)),
        user_name=row.user_name,
        email=row.email,
        agency_name=row.agency_name,
        agency_timezone=row.timezone,
        agency_color=row.primary_color,
        agency_slug=row.slug,
        agency_locale=row.locale,
    )


def sign_out(session: Session, *, raw_token: str) -> None:
    session.exec(
        update(AuthSession)
        .where(col(AuthSession.token_hash) == _digest(raw_token))
        .where(col(AuthSession.revoked_at).is_(None))
        .values(revoked_at=utcnow())
    )


def list_sessions(session: Session, *, user_id: uuid.UUID) -> list[AuthSession]:
    statement = (
        select(AuthSession)
        .where(col(AuthSession.user_id) == user_id, col(AuthSession.revoked_at).is_(None))
        .where(col(AuthSession.expires_at) > utcnow())
        .order_by(col(AuthSession.last_seen_at).desc())
    )
    return list(session.exec(statement).all())


def revoke_session(session: Session, *, user_id: uuid.UUID, session_id: uuid.UUID) -> None:
    """End one of the user's own sessions; anyone else's id is "not found"."""
    target = session.get(AuthSession, session_id)
    if target is None or target.user_id != user_id or target.revoked_at is not None:
        raise NotFoundError("Session not found.")
    target.revoked_at = utcnow()
    session.add(target)


def revoke_other_sessions(session: Session, *, user_id: uuid.UUID, keep: uuid.UUID | None) -> int:
    statement = (
        update(AuthSession)
        .where(col(AuthSession.user_id) == user_id, col(AuthSession.revoked_at).is_(None))
        .values(revoked_at=utcnow())
    )
    if keep is not None:
        statement = statement.where(col(AuthSession.id) != keep)
    return int(session.exec(statement).rowcount or 0)


# ---- members of an agency (tenant-scoped) ----------------------------------------------------


class LastOwnerError(DomainError):
    code = "last_owner"
    status = 409
    title = "An agency needs an owner"


def list_members(session: Session, ctx: TenantContext) -> list[tuple[Membership, User]]:
    require(ctx, Action.USERS_VIEW)
    statement = (
        select(Membership, User)
        .join(User, col(User.id) == col(Membership.user_id))
        .order_by(col(User.name))
    )
    return [(m, u) for m, u in session.exec(statement).all()]


ONLINE_WINDOW = timedelta(minutes=10)  # a person seen this recently is online


def online_users(
    session: Session, ctx: TenantContext, user_ids: Iterable[uuid.UUID], *, now: datetime
) -> set[uuid.UUID]:
    """Of `user_ids`, those working in this agency now: a browser session in it seen within
    the last 10 minutes, neither signed out nor expired."""
    wanted = set(user_ids)
    if not wanted:
        return set()
    return set(
        session.exec(
            select(AuthSession.user_id).where(
                col(AuthSession.user_id).in_(wanted),
                col(AuthSession.active_tenant_id) == ctx.tenant_id,
                col(AuthSession.revoked_at).is_(None),
                col(AuthSession.expires_at) > now,
                col(AuthSession.last_seen_at) >= now - ONLINE_WINDOW,
            )
        ).all()
    )


def display_names(session: Session, user_ids: Iterable[uuid.UUID | None]) -> dict[uuid.UUID, str]:
    """The names people go by, for those of `user_ids` that exist."""
    wanted = {u for u in user_ids if u is not None}
    if not wanted:
        return {}
    return dict(session.exec(select(User.id, User.name).where(col(User.id).in_(wanted))).all())


def active_members(session: Session) -> list[User]:
    """The people working in the scope's agency (active memberships)."""
    return list(
        session.exec(
            select(User)
            .join(Membership, col(Membership.user_id) == col(User.id))
            .where(col(Membership.is_active).is_(True))
        ).all()
    )


def _member(session: Session, member_id: uuid.UUID) -> tuple[Membership, User]:
    """A membership of the scope's agency; any other id (another agency's too) is not found."""
    membership = session.exec(select(Membership).where(col(Membership.id) == member_id)).first()
    if membership is None:
        raise NotFoundError("User not found in this agency.")
    return membership, member_user(session, membership)


def member_user(session: Session, membership: Membership) -> User:
    user = session.get(User, membership.user_id)
    if user is None:
        raise NotFoundError("User not found in this agency.")
    return user


def _active_owner_count(session: Session) -> int:
    owners = session.exec(
        select(Membership).where(
            col(Membership.role) == Role.OWNER.value, col(Membership.is_active).is_(True)
        )
    ).all()
    return len(owners)


def change_role(
    session: Session,
    ctx: TenantContext,
    *,
    member_id: uuid.UUID,
    role: Role,
    ip: str | None = None,
    user_agent: str | None = None,
) -> Membership:
    require(ctx, Action.USERS_CHANGE_ROLE)
    membership, user = _member(session, member_id)
    if role is Role.CUSTOMER:
        raise ValidationFailedError(
            "Customers use the portal; staff cannot be turned into customers.",
            errors=[FieldError("role", "not a staff role", "invalid_role")],
        )
    touches_owner = Role.OWNER in (role, Role(membership.role))
    if touches_owner and ctx.role is not Role.OWNER:
        raise PermissionDeniedError(
            "Only an owner can make or unmake owners.",
            extra={"action": Action.USERS_CHANGE_ROLE.value, "role": ctx.role.value},
        )
    if (
        membership.role == Role.OWNER.value
        and role is not Role.OWNER
        and membership.is_active
        and _active_owner_count(session) <= 1
    ):
        raise LastOwnerError("This is the agency's last owner; make someone else owner first.")
    before = membership.role
    if before != role.value:
        membership.role = role.value
        session.add(membership)
        # their access tokens carry the old role: they end (a refresh gives one with the new)
        end_access_tokens(session, user_id=user.id)
        session.flush()
        audit.record(
            session,
            ctx,
            action="user.role_changed",
            target_type="user",
            target_id=str(user.id),
            before={"role": before},
            after={"role": role.value},
            ip=ip,
            user_agent=user_agent,
        )
    return membership


def deactivate_member(
    session: Session,
    ctx: TenantContext,
    *,
    member_id: uuid.UUID,
    ip: str | None = None,
    user_agent: str | None = None,
) -> Membership:
    """Remove a person from the agency; their sessions and API tokens for it end at once."""
    require(ctx, Action.USERS_DEACTIVATE)
    membership, user = _member(session, member_id)
    if user.id == ctx.user_id:
        raise ValidationFailedError(
            "You cannot deactivate yourself; ask another owner or admin.",
            errors=[FieldError("member_id", "is you", "self")],
        )
    if membership.role == Role.OWNER.value:
        if ctx.role is not Role.OWNER:
            raise PermissionDeniedError(
                "Only an owner can deactivate an owner.",
                extra={"action": Action.USERS_DEACTIVATE.value, "role": ctx.role.value},
            )
        if membership.is_active and _active_owner_count(session) <= 1:
            raise LastOwnerError("This is the agency's last owner.")
    if not membership.is_active:
        return membership
    membership.is_active = False
    session.add(membership)
    end_access_tokens(session, user_id=user.id)
    now = utcnow()
    session.exec(
        update(AuthSession)
        .where(
            col(AuthSession.user_id) == user.id,
            col(AuthSession.active_tenant_id) == ctx.tenant_id,
            col(AuthSession.revoked_at).is_(None),
        )
        .values(revoked_at=now)
    )
    session.exec(
        update(RefreshToken)
        .where(
            col(RefreshToken.user_id) == user.id,
            col(RefreshToken.agency_id) == ctx.tenant_id,
            col(RefreshToken.revoked_at).is_(None),
        )
        .values(revoked_at=now)
    )
    session.flush()
    audit.record(
        session,
        ctx,
        action="user.deactivated",
        target_type="user",
        target_id=str(user.id),
        before={"active": True},
        after={"active": False},
        ip=ip,
        user_agent=user_agent,
    )
    return membership


# ---- invitations ------------------------------------------------------------------------------


class InviteIn(BaseModel):
    """What an inviter may set: nothing else (no tenant, no verified flag) is read."""

    email: EmailStr
    name: CleanStr = Field(min_length=1, max_length=120)
    role: StaffRole

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        value = value.strip()
        if not 1 <= len(value) <= 120:
            raise ValueError("must be 1-120 characters")
        return value


def invite_member(
    session: Session, ctx: TenantContext, *, data: InviteIn, ip: str | None = None
) -> tuple[Membership, User]:
    """Invite a person by email with a role; they join once they accept the link (7 days).

    Inviting someone already invited but not yet joined sends a fresh link.
    """
    require(ctx, Action.USERS_INVITE)
    if data.role is Role.CUSTOMER:
        raise ValidationFailedError(
            "Customers get portal access from their customer record, not a staff invitation.",
            errors=[FieldError("role", "not a staff role", "invalid_role")],
        )
    if data.role is Role.OWNER and ctx.role is not Role.OWNER:
        raise PermissionDeniedError(
            "Only an owner can invite another owner.",
            extra={"action": Action.USERS_INVITE.value, "role": ctx.role.value},
        )
    email = normalize_email(data.email)
    # the person and their membership are made on first use by upserts: the same person
    # invited twice at once is one person with one membership (and two fresh links)
    add_unless_exists(session, User(email=email, name=data.name), key=["email"])  # no password
    user = session.exec(select(User).where(User.email == email)).one()
    fresh = Membership(
        tenant_id=ctx.tenant_id, user_id=user.id, role=data.role.value, invited_by=ctx.user_id
    )
    created = add_unless_exists(session, fresh, key=["tenant_id", "user_id"])
    membership = session.exec(
        select(Membership).where(col(Membership.user_id) == user.id)
    ).one()  # tenant-scoped: this agency's membership only
    if not created and membership.accepted_at is not None and membership.is_active:
        raise ConflictError(
            f"{email} already works in this agency.",
            errors=[FieldError("email", "already a member", "already_member")],
        )
    if not created:  # pending, or deactivated earlier: invite again with the new role
        membership.role, membership.is_active = data.role.value, True
        membership.accepted_at, membership.invited_by = None, ctx.user_id
    session.add(membership)
    session.flush()
    token = _issue_token(
        session, user=user, purpose="invite", ttl=INVITE_TTL, tenant_id=ctx.tenant_id
    )
    tenant = session.get(Tenant, ctx.tenant_id)
    inviter = session.get(User, ctx.user_id) if ctx.user_id else None
    emails.send_invite(
        session,
        to_email=email,
        name=user.name,
        token=token,
        agency_name=tenant.name if tenant else "your agency",
        inviter=inviter.name if inviter else "Your agency",
        role=data.role.value,
        agency_id=ctx.tenant_id,
    )
    audit.record(
        session,
        ctx,
        action="user.invited",
        target_type="user",
        target_id=str(user.id),
        after={"email": email, "role": data.role.value},
        ip=ip,
    )
    return membership, user


@dataclass(frozen=True)
class InvitationView:
    email: str
    name: str
    agency_name: str
    role: str
    needs_password: bool


def peek_invite(session: Session, *, raw_token: str) -> InvitationView:
    """What the invitation page shows before the person accepts (does not use the link)."""
    token = session.get(EmailToken, _digest(raw_token))
    if (
        token is None
        or token.purpose != "invite"
        or token.used_at is not None
        or as_utc(token.expires_at) <= utcnow()
        or token.invite_tenant_id is None
    ):
        raise InvalidTokenError("This invitation is not valid any more. Ask for a new one.")
    user = session.get(User, token.user_id)
    tenant = session.get(Tenant, token.invite_tenant_id)
    if user is None or tenant is None:
        raise InvalidTokenError("This invitation is not valid any more. Ask for a new one.")
    enter_tenant(session, tenant.id)
    membership = session.exec(select(Membership).where(col(Membership.user_id) == user.id)).first()
    if membership is None or not membership.is_active:
        raise InvalidTokenError("This invitation was withdrawn.")
    return InvitationView(
        email=user.email,
        name=user.name,
        agency_name=tenant.name,
        role=membership.role,
        needs_password=user.password_hash is None,
    )


def accept_invite(
    session: Session,
    *,
    raw_token: str,
    name: str | None = None,
    password: str | None = None,
    ip: str | None = None,
) -> User:
    """Join the agency. A new person sets their name and password here."""
    token = _guarded_token(session, raw=raw_token, purpose="invite", ip=ip)
    user = session.get(User, token.user_id)
    if user is None or token.invite_tenant_id is None or not user.is_active:
        raise InvalidTokenError("This invitation is not valid any more. Ask for a new one.")
    if user.password_hash is None:
        if not password:
            raise ValidationFailedError(
                "Choose a password to finish joining.",
                errors=[FieldError("password", "is required", "missing")],
            )
        check_password_rules(password, email=user.email)
        user.password_hash = hash_password(password)
    if name and name.strip():
        user.name = name.strip()[:120]
    user.email_verified_at = user.email_verified_at or utcnow()  # the link came by email
    session.add(user)
    enter_tenant(session, token.invite_tenant_id)
    membership = session.exec(select(Membership).where(col(Membership.user_id) == user.id)).first()
    if membership is None or not membership.is_active:
        raise InvalidTokenError("This invitation was withdrawn.")
    membership.accepted_at = utcnow()
    session.add(membership)
    session.flush()
    ctx = TenantContext(token.invite_tenant_id, user.id, Role(membership.role))
    audit.record(
        session,
        ctx,
        action="user.invite_accepted",
        target_type="user",
        target_id=str(user.id),
        after={"role": membership.role},
        ip=ip,
    )
    return user


# ---- profile and avatar -----------------------------------------------------------------------


class ProfileUpdate(BaseModel):
    """The fields a person may change about themselves (email, role, verified are not here)."""

    name: CleanStr | None = Field(default=None, max_length=120)
    phone: CleanStr | None = Field(default=None, max_length=20)
    timezone: CleanStr | None = Field(default=None, max_length=64)

    @field_validator("name")
    @classmethod
    def _name(cls, value: str | None) -> str | None:
        if value is None:
            return value
        value = value.strip()
        if not 1 <= len(value) <= 120:
            raise ValueError("must be 1-120 characters")
        return value

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        cleaned = value.strip()
        digits = [c for c in cleaned if c.isdigit()]
        if not 6 <= len(digits) <= 15 or any(c not in "+0123456789 -()." for c in cleaned):
            raise ValueError("must be a phone number: digits, spaces, + - ( ) and 6-15 digits")
        return cleaned

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        from zoneinfo import available_timezones

        if value.strip() not in available_timezones():
            raise ValueError("must be an IANA timezone such as Asia/Kolkata")
        return value.strip()


def update_profile(
    session: Session, *, user_id: uuid.UUID, data: ProfileUpdate, ip: str | None = None
) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFoundError("User not found.")
    changes = data.model_dump(exclude_unset=True)
    before = {key: getattr(user, key) for key in changes}
    for key, value in changes.items():
        if key == "name" and value is None:
            continue
        setattr(user, key, value)
    session.add(user)
    session.flush()
    after = {key: getattr(user, key) for key in changes}
    if before != after:
        _audit_everywhere(
            session, user, action="user.profile_changed", ip=ip, before=before, after=after
        )
    return user


def set_avatar(
    session: Session, *, user_id: uuid.UUID, data: bytes, filename: str | None = None
) -> UserAvatar:
    """Re-encode and store a person's picture (refusals name the reason)."""
    image = process_avatar(data, filename=filename)
    # one row per person: an upsert, so two first uploads at once both land
    save_row(
        session,
        UserAvatar(
            user_id=user_id,
            content=image.content,
            content_type=image.content_type,
            sha256=image.sha256,
            updated_at=utcnow(),
        ),
        key=["user_id"],
        update=["content", "content_type", "sha256", "updated_at"],
    )
    avatar = session.get_one(UserAvatar, user_id, populate_existing=True)
    return avatar


def has_avatar(session: Session, *, user_id: uuid.UUID) -> bool:
    return session.get(UserAvatar, user_id) is not None


def own_profile(session: Session, *, user_id: uuid.UUID) -> tuple[User, bool] | None:
    """The signed-in person's own account and whether it has a picture (None once it is gone)."""
    user = session.get(User, user_id)
    return None if user is None else (user, has_avatar(session, user_id=user_id))


def remove_avatar(session: Session, *, user_id: uuid.UUID) -> None:
    avatar = session.get(UserAvatar, user_id)
    if avatar is not None:
        session.delete(avatar)
        session.flush()


def _share_an_agency(session: Session, viewer_id: uuid.UUID, other_id: uuid.UUID) -> bool:
    """Whether `other_id` works in one of the viewer's agencies (read in each agency's scope)."""
    enter_user(session, viewer_id)
    for membership in _memberships(session, viewer_id):
        enter_tenant(session, membership.tenant_id)
        colleague = session.exec(
            select(Membership).where(
                col(Membership.user_id) == other_id,
                col(Membership.is_active).is_(True),
                col(Membership.accepted_at).is_not(None),
            )
        ).first()
        if colleague is not None:
            return True
    return False


def get_avatar(session: Session, *, viewer_id: uuid.UUID, user_id: uuid.UUID) -> UserAvatar:
    """A picture, for the person or a colleague in one of their agencies; else not found."""
    if viewer_id != user_id and not _share_an_agency(session, viewer_id, user_id):
        raise NotFoundError("Picture not found.")
    avatar = session.get(UserAvatar, user_id)
    if avatar is None:
        raise NotFoundError("Picture not found.")
    return avatar


# ---- agencies of a person; switching ----------------------------------------------------------


@dataclass(frozen=True)
class AgencyChoice:
    tenant_id: uuid.UUID
    slug: str
    name: str
    role: str


def my_agencies(session: Session, *, user_id: uuid.UUID) -> list[AgencyChoice]:
    enter_user(session, user_id)
    choices = []
    for membership in _memberships(session, user_id):
        tenant = session.get(Tenant, membership.tenant_id)
        if tenant is not None:
            choices.append(AgencyChoice(tenant.id, tenant.slug, tenant.name, membership.role))
    return choices


def switch_agency(
    session: Session,
    *,
    auth_session: AuthSession,
    tenant_id: uuid.UUID,
    ip: str | None = None,
) -> TenantContext:
    """Work in another of one's agencies; any other agency id is "not found"."""
    enter_user(session, auth_session.user_id)
    membership = next(
        (m for m in _memberships(session, auth_session.user_id) if m.tenant_id == tenant_id),
        None,
    )
    if membership is None:
        raise NotFoundError("Agency not found.")
    live = session.get(AuthSession, auth_session.id)
    if live is None or live.revoked_at is not None:
        raise SessionExpiredError("Your session has ended. Please sign in again.")
    live.active_tenant_id = tenant_id
    session.add(live)
    session.flush()
    ctx = TenantContext(tenant_id, auth_session.user_id, Role(membership.role))
    enter_tenant(session, tenant_id)
    audit.record(session, ctx, action="auth.agency_switched", ip=ip)
    return ctx

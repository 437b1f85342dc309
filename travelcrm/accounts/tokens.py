"""API tokens: short-lived signed JWT access tokens (HS256, `kid` for key rotation) and
rotating single-use refresh tokens with family revocation on reuse."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from typing import Any

from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import OctKey
from sqlalchemy import and_, bindparam
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select, update

from travelcrm.accounts.models import Membership, RefreshToken, User
from travelcrm.core.clock import as_utc, utcnow
from travelcrm.core.errors import DomainError
from travelcrm.core.permissions import Role
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import UnscopedTenantQueryError, enter_user, scoped_connection
from travelcrm.settings import Settings, get_settings
from travelcrm.tenants.models import Tenant, TenantStatus

ISSUER = "travelcrm"
AUDIENCE = "travelcrm-api"
ALGORITHM = "HS256"


class InvalidAccessTokenError(DomainError):
    code = "invalid_token"
    status = 401
    title = "Token not accepted"


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int
    token_type: str = "Bearer"


@lru_cache(maxsize=4)
def _keys(raw: str | None, secret_key: str) -> tuple[tuple[str, OctKey], ...]:
    if not raw:
        derived = hmac.new(secret_key.encode(), b"travelcrm-jwt-v1", hashlib.sha256).digest()
        return (("default", OctKey.import_key(derived)),)
    keys = []
    for part in raw.split(","):
        kid, _, secret = part.strip().partition(":")
        if not kid or len(secret) < 32:
            raise ValueError("JWT_KEYS entries are kid:secret with a 32+ character secret")
        keys.append((kid, OctKey.import_key(secret.encode())))
    return tuple(keys)


def signing_keys(settings: Settings) -> tuple[tuple[str, OctKey], ...]:
    raw = settings.jwt_keys.get_secret_value() if settings.jwt_keys else None
    return _keys(raw, settings.secret_key.get_secret_value())


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_access_token(
    ctx: TenantContext, *, credentials_version: int, settings: Settings | None = None
) -> str:
    """A signed access token; `credentials_version` is the user's at issue (claim `cv`): a
    password change, a deactivation or a role change moves it on and the token ends."""
    settings = settings or get_settings()
    kid, key = signing_keys(settings)[0]
    now = int(utcnow().timestamp())
    claims = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": str(ctx.user_id),
        "tid": str(ctx.tenant_id),
        "role": ctx.role.value,
        "cv": credentials_version,
        "iat": now,
        "nbf": now,
        "exp": now + settings.access_token_minutes * 60,
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode({"alg": ALGORITHM, "kid": kid, "typ": "JWT"}, claims, key)


@dataclass(frozen=True)
class AccessClaims:
    """What a valid access token says: who, where, as what, and at which credentials version."""

    context: TenantContext
    credentials_version: int


def verify_access_token(token: str, *, settings: Settings | None = None) -> AccessClaims:
    """The token's claims, or InvalidAccessTokenError for anything not exactly right (the
    caller still checks them against the user's row: `api.auth._from_bearer`)."""
    settings = settings or get_settings()
    keys = dict(signing_keys(settings))

    def refuse(why: str) -> InvalidAccessTokenError:
        return InvalidAccessTokenError(f"The access token is not valid ({why}).")

    try:
        header_kid = jws.extract_compact(token.encode()).headers().get("kid")
    except (JoseError, ValueError, TypeError) as exc:
        raise refuse("malformed") from exc
    key = keys.get(str(header_kid))
    if key is None:
        raise refuse("unknown key")
    try:
        decoded = jwt.decode(token, key, algorithms=[ALGORITHM])
        jwt.JWTClaimsRegistry(
            iss={"essential": True, "value": ISSUER},
            aud={"essential": True, "value": AUDIENCE},
            exp={"essential": True},
            sub={"essential": True},
            tid={"essential": True},
            role={"essential": True},
            cv={"essential": True},
        ).validate(decoded.claims)
    except JoseError as exc:
        raise refuse(exc.error if hasattr(exc, "error") else "rejected") from exc
    claims = decoded.claims
    version = claims["cv"]
    if type(version) is not int:
        raise refuse("bad claims")
    try:
        context = TenantContext(
            tenant_id=uuid.UUID(claims["tid"]),
            user_id=uuid.UUID(claims["sub"]),
            role=Role(claims["role"]),
        )
    except (ValueError, KeyError) as exc:
        raise refuse("bad claims") from exc
    return AccessClaims(context, version)


# The bearer check, built once (its compiled form is cached): the user, their membership of
# the token's agency if it is active and accepted, and that agency's status.
_usr = User.__table__  # type: ignore[attr-defined]
_mem = Membership.__table__  # type: ignore[attr-defined]
_ten = Tenant.__table__  # type: ignore[attr-defined]
_HOLDER: Any = (
    sa_select(*_usr.c, _mem.c.role.label("member_role"), _ten.c.status.label("agency_status"))
    .select_from(
        _usr.outerjoin(
            _mem,
            and_(
                _mem.c.tenant_id == bindparam("tenant_id"),
                _mem.c.user_id == _usr.c.id,
                _mem.c.is_active.is_(True),
                _mem.c.accepted_at.is_not(None),
            ),
        ).outerjoin(_ten, _ten.c.id == _mem.c.tenant_id)
    )
    .where(_usr.c.id == bindparam("user_id"))
)
_USER_COLUMNS = tuple(column.name for column in _usr.c)


@dataclass(frozen=True)
class TokenHolder:
    """Who an access token speaks for, as the database says now."""

    context: TenantContext  # with the role read now
    user_row: dict[str, Any]

    def user(self) -> User:
        """The user, as a detached object (made on demand: most calls never read it)."""
        return User(**self.user_row)


def token_holder(
    session: Session, claim: TenantContext, *, credentials_version: int
) -> TokenHolder:
    """Check a verified access token's claim against the database, in one statement: the user
    is active and still works in the token's agency (an active, accepted membership of an
    active agency); InvalidAccessTokenError otherwise. The role is read now: a demotion
    applies at once, not when the token expires.

    `session` is scoped to the claim's agency (`tenant_scope(claim)`): on PostgreSQL its
    memberships are what RLS lets this transaction see, so the check can be the first
    statement of the unit of work the request then runs in."""
    connection, tenant_id = scoped_connection(session)
    if tenant_id != claim.tenant_id:
        raise UnscopedTenantQueryError("token_holder() needs tenant_scope(claim)")
    row = connection.execute(
        _HOLDER, {"tenant_id": claim.tenant_id, "user_id": claim.user_id}
    ).first()
    if row is None or not row.is_active:
        raise InvalidAccessTokenError("Your access has ended; sign in again.")
    if row.credentials_version != credentials_version:
        # the password changed, or the person's access or role did, since it was issued
        raise InvalidAccessTokenError(
            "This access token ended when the account's password, access or role changed; "
            "refresh it or sign in again."
        )
    if row.member_role is None or row.agency_status != TenantStatus.ACTIVE.value:
        raise InvalidAccessTokenError("Your access to this agency has ended.")
    if row.member_role != claim.role.value:  # a role change also moves the version on
        raise InvalidAccessTokenError(
            "Your role in this agency changed; refresh the token or sign in again."
        )
    values = row._mapping
    return TokenHolder(
        TenantContext(claim.tenant_id, row.id, Role(row.member_role)),
        {name: values[name] for name in _USER_COLUMNS},
    )


def issue_pair(
    session: Session, ctx: TenantContext, *, family_id: uuid.UUID | None = None
) -> TokenPair:
    settings = get_settings()
    user = session.get(User, ctx.user_id)
    if user is None:
        raise InvalidAccessTokenError("Your access has ended; sign in again.")
    raw = secrets.token_urlsafe(32)
    now = utcnow()
    assert ctx.user_id is not None
    session.add(
        RefreshToken(
            token_hash=_digest(raw),
            family_id=family_id or uuid.uuid4(),
            user_id=ctx.user_id,
            agency_id=ctx.tenant_id,
            created_at=now,
            expires_at=now + timedelta(days=settings.refresh_token_days),
        )
    )
    session.flush()
    return TokenPair(
        access_token=issue_access_token(
            ctx, credentials_version=user.credentials_version, settings=settings
        ),
        refresh_token=raw,
        expires_in=settings.access_token_minutes * 60,
    )


def _revoke_family(session: Session, family_id: uuid.UUID) -> InvalidAccessTokenError:
    session.exec(
        update(RefreshToken)
        .where(col(RefreshToken.family_id) == family_id)
        .values(revoked_at=utcnow())
    )
    session.commit()
    return InvalidAccessTokenError(
        "This refresh token was already used; every token of this sign-in is now revoked."
    )


def refresh(session: Session, *, raw_refresh_token: str) -> TokenPair:
    """Rotate: the presented token is used up and the next one issued in its family.

    A token presented a second time (one after the other or at the same moment) revokes its
    whole family (commit kept past the error).
    """
    digest = _digest(raw_refresh_token)
    token = session.get(RefreshToken, digest)
    now = utcnow()
    if token is None or token.revoked_at is not None or as_utc(token.expires_at) <= now:
        raise InvalidAccessTokenError("The refresh token is not valid; sign in again.")
    if token.used_at is not None:
        raise _revoke_family(session, token.family_id)
    # The person's row first, shared-locked on PostgreSQL: a password change (which updates
    # it, then revokes the refresh tokens) waits for this rotation or this one waits for it,
    # so the token issued here is never missed by that revocation.
    user = session.exec(
        select(User).where(col(User.id) == token.user_id).with_for_update(read=True)
    ).first()
    # Used up in the statement itself: of two requests with one token, one rotates.
    used = session.exec(
        update(RefreshToken)
        .where(
            col(RefreshToken.token_hash) == digest,
            col(RefreshToken.used_at).is_(None),
            col(RefreshToken.revoked_at).is_(None),
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if used.rowcount != 1:
        session.refresh(token)
        if token.revoked_at is None:
            raise _revoke_family(session, token.family_id)
        raise InvalidAccessTokenError("The refresh token is not valid; sign in again.")
    enter_user(session, token.user_id)
    membership = session.exec(
        select(Membership).where(
            col(Membership.user_id) == token.user_id,
            col(Membership.tenant_id) == token.agency_id,
            col(Membership.is_active).is_(True),
        )
    ).first()
    if user is None or not user.is_active or membership is None:
        raise InvalidAccessTokenError("Your access has ended; sign in again.")
    ctx = TenantContext(token.agency_id, user.id, Role(membership.role))
    return issue_pair(session, ctx, family_id=token.family_id)

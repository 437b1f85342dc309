"""People, their memberships in agencies, sign-in sessions, one-time email tokens and the
failed-login counters used when Redis is not configured."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from travelcrm.core.ids import new_id
from travelcrm.core.sqltypes import utc_datetime
from travelcrm.core.tenancy import TenantMixin


class User(SQLModel, table=True):
    """A person. Global (not tenant-owned): one login may belong to several agencies."""

    __tablename__ = "users"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    email: str = Field(max_length=254, unique=True)  # stored lower-cased
    name: str = Field(max_length=120)
    phone: str | None = Field(default=None, max_length=20)
    timezone: str | None = Field(default=None, max_length=64)
    password_hash: str | None = Field(default=None, max_length=255)
    email_verified_at: datetime | None = utc_datetime(nullable=True)
    is_active: bool = True
    # moved on by a password change or reset, a deactivation or a role change: an access token
    # carries the version it was issued at and is refused once they differ
    credentials_version: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    created_at: datetime = utc_datetime(default_now=True)


class Membership(TenantMixin, table=True):
    """A user's place in one agency, with the role that drives permissions."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("tenant_id", "user_id"),)

    user_id: uuid.UUID = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    role: str = Field(max_length=20)
    is_active: bool = True
    created_at: datetime = utc_datetime(default_now=True)
    # NULL while an invitation is pending: the person cannot work in the agency until they accept
    accepted_at: datetime | None = utc_datetime(nullable=True)
    invited_by: uuid.UUID | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")


class UserAvatar(SQLModel, table=True):
    """A person's picture, re-encoded on upload (200x200 WebP, no metadata)."""

    __tablename__ = "user_avatars"

    user_id: uuid.UUID = Field(foreign_key="users.id", primary_key=True, ondelete="CASCADE")
    content: bytes = Field(sa_type=LargeBinary)
    content_type: str = Field(max_length=30)
    sha256: str = Field(max_length=64)
    updated_at: datetime = utc_datetime(default_now=True)


class AuthSession(SQLModel, table=True):
    """A browser sign-in. Only the SHA-256 of the opaque cookie value is stored."""

    __tablename__ = "auth_sessions"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    user_id: uuid.UUID = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    # the agency this sign-in is working in (a user may belong to several)
    active_tenant_id: uuid.UUID | None = Field(default=None, foreign_key="tenants.id")
    ip: str | None = Field(default=None, max_length=45)
    user_agent: str | None = Field(default=None, max_length=300)
    created_at: datetime = utc_datetime(default_now=True)
    last_seen_at: datetime = utc_datetime(default_now=True)
    expires_at: datetime = utc_datetime()
    revoked_at: datetime | None = utc_datetime(nullable=True)


class RefreshToken(SQLModel, table=True):
    """An API refresh token (30 days, single use). Each use issues the next one in the same
    family; presenting a used one again revokes the whole family (it was stolen or replayed)."""

    __tablename__ = "refresh_tokens"

    token_hash: str = Field(primary_key=True, max_length=64)
    family_id: uuid.UUID = Field(index=True)
    user_id: uuid.UUID = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    agency_id: uuid.UUID = Field(foreign_key="tenants.id")
    created_at: datetime = utc_datetime(default_now=True)
    expires_at: datetime = utc_datetime()
    used_at: datetime | None = utc_datetime(nullable=True)
    revoked_at: datetime | None = utc_datetime(nullable=True)


class EmailToken(SQLModel, table=True):
    """A single-use link sent by email (verify, reset, invite). Stored hashed."""

    __tablename__ = "email_tokens"

    token_hash: str = Field(primary_key=True, max_length=64)
    purpose: str = Field(max_length=20)
    user_id: uuid.UUID = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    invite_tenant_id: uuid.UUID | None = Field(default=None, foreign_key="tenants.id")
    created_at: datetime = utc_datetime(default_now=True)
    expires_at: datetime = utc_datetime()
    used_at: datetime | None = utc_datetime(nullable=True)

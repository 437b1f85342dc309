"""What the accounts API takes and shows."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from travelcrm.core.permissions import Role
from travelcrm.core.text import CleanStr


class LoginIn(BaseModel):
    email: CleanStr = Field(min_length=3, max_length=254)
    password: str = Field(min_length=1, max_length=256)


class Me(BaseModel):
    user_id: uuid.UUID
    email: str
    name: str
    tenant_id: uuid.UUID
    role: str


class SessionPublic(BaseModel):
    id: uuid.UUID
    ip: str | None
    user_agent: str | None
    created_at: datetime
    last_seen_at: datetime
    current: bool


class TokenOut(BaseModel):
    access_token: str
    refresh_token: str
    expires_in: int
    token_type: str = "Bearer"


class RefreshIn(BaseModel):
    refresh_token: CleanStr = Field(min_length=1, max_length=200)


class MemberPublic(BaseModel):
    id: uuid.UUID  # the membership id (what /api/users/{id} takes)
    user_id: uuid.UUID
    email: str
    name: str
    role: str
    is_active: bool
    created_at: datetime


class RoleChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Role

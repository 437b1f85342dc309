"""What the accounts API takes and shows."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, WithJsonSchema

from travelcrm.core.permissions import Role
from travelcrm.core.text import CleanStr

STAFF_ROLES = tuple(r for r in Role if r is not Role.CUSTOMER)


def _staff_only(role: Role) -> Role:
    if role is Role.CUSTOMER:
        raise ValueError("customers use the portal; choose a staff role")
    return role


# A role a member of staff can be given (customers are portal users, never staff); the schema
# lists only these, so a client is not offered a value the service refuses.
StaffRole = Annotated[
    Role,
    AfterValidator(_staff_only),
    WithJsonSchema({"type": "string", "enum": [r.value for r in STAFF_ROLES]}),
]


class LoginIn(BaseModel):
    email: CleanStr = Field(min_length=3, max_length=254)
    password: str = Field(min_length=1, max_length=256)
    agency_id: uuid.UUID | None = Field(
        default=None, description="Work in this agency (for people in several)"
    )


class Me(BaseModel):
    user_id: uuid.UUID
    email: str
    name: str
    tenant_id: uuid.UUID
    role: Role
    phone: str | None = None
    timezone: str | None = None
    has_avatar: bool = False


class RegisterOut(BaseModel):
    tenant_id: uuid.UUID
    slug: str
    user_id: uuid.UUID
    email: str
    verification_sent: bool = True


class TokenIn(BaseModel):
    token: CleanStr = Field(min_length=10, max_length=200, pattern=r"^[A-Za-z0-9_-]+$")


class EmailIn(BaseModel):
    email: CleanStr = Field(min_length=3, max_length=254)


class Accepted(BaseModel):
    message: str


class ResetConfirmIn(BaseModel):
    token: CleanStr = Field(min_length=10, max_length=200, pattern=r"^[A-Za-z0-9_-]+$")
    password: str = Field(min_length=1, max_length=256)


class PasswordChangeIn(BaseModel):
    current_password: str = Field(min_length=1, max_length=256)
    new_password: str = Field(min_length=1, max_length=256)


class InviteAcceptIn(BaseModel):
    token: CleanStr = Field(min_length=10, max_length=200, pattern=r"^[A-Za-z0-9_-]+$")
    name: CleanStr | None = Field(default=None, max_length=120)
    password: str | None = Field(default=None, min_length=1, max_length=256)


class AgencyOut(BaseModel):
    tenant_id: uuid.UUID
    slug: str
    name: str
    role: Role
    current: bool


class SwitchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tenant_id: uuid.UUID


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
    role: Role
    is_active: bool
    created_at: datetime
    invitation_pending: bool = False


class RoleChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: StaffRole

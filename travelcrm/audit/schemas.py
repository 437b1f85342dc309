"""What the audit log shows and the filters it takes."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel


class AuditEventPublic(BaseModel):
    id: uuid.UUID
    occurred_at: datetime
    action: str
    actor_user_id: uuid.UUID | None
    target_type: str | None
    target_id: str | None
    ip: str | None
    user_agent: str | None
    request_id: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None


class AuditFilter(BaseModel):
    action: str | None = None
    actor_user_id: uuid.UUID | None = None
    target_type: str | None = None
    target_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None

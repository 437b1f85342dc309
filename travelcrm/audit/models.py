"""The audit log: who did what, when, from where, with before/after values."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Index, Text
from sqlmodel import Field

from travelcrm.core.sqltypes import utc_datetime
from travelcrm.core.tenancy import TenantMixin


class AuditEvent(TenantMixin, table=True):
    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_tenant_id_occurred_at", "tenant_id", "occurred_at"),
        Index("ix_audit_events_tenant_id_action", "tenant_id", "action"),
    )

    occurred_at: datetime = utc_datetime(default_now=True)
    action: str = Field(max_length=64)
    actor_user_id: uuid.UUID | None = None
    target_type: str | None = Field(default=None, max_length=64)
    target_id: str | None = Field(default=None, max_length=64)
    ip: str | None = Field(default=None, max_length=45)
    user_agent: str | None = Field(default=None, max_length=300)
    request_id: str | None = Field(default=None, max_length=128)
    before_json: str | None = Field(default=None, sa_type=Text)
    after_json: str | None = Field(default=None, sa_type=Text)

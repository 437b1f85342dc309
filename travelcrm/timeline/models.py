"""Timeline entries. One table for every kind of subject, indexed per subject and time."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Index, Text
from sqlmodel import Field

from travelcrm.core.sqltypes import utc_datetime
from travelcrm.core.tenancy import TenantMixin


class SubjectType(StrEnum):
    """What an entry is about (the domains that keep a timeline)."""

    QUERY = "query"
    CUSTOMER = "customer"


class TimelineEvent(TenantMixin, table=True):
    """One entry of a subject's timeline: a note, a call, an email, a status change, an
    assignment (with its reason), an SLA breach, a merge."""

    __tablename__ = "timeline_events"
    __table_args__ = (
        Index("ix_timeline_subject", "tenant_id", "subject_type", "subject_id", "occurred_at"),
    )

    subject_type: str = Field(max_length=10)  # a SubjectType
    subject_id: uuid.UUID
    kind: str = Field(max_length=20)
    actor_user_id: uuid.UUID | None = None
    body: str | None = Field(default=None, sa_type=Text)
    data: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    occurred_at: datetime = utc_datetime(default_now=True)

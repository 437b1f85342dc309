"""Queries (travel enquiries, the leads itineraries, quotes and bookings later hang off), their
timeline, the agency's lost reasons, agents' assignment profiles and the query settings
(assignment rule, business hours, SLA targets). All tenant-owned."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import JSON, Index, Text, UniqueConstraint, text
from sqlmodel import Field

from travelcrm.core.sqltypes import amount, utc_datetime
from travelcrm.core.tenancy import TenantMixin, tenant_fk
from travelcrm.queries.machine import QueryChannel, QueryStatus
from travelcrm.queries.sla import Priority


class AssignmentRule(StrEnum):
    ROUND_ROBIN = "round_robin"
    LEAST_LOADED = "least_loaded"
    SKILL = "skill"


class Query(TenantMixin, table=True):
    __tablename__ = "queries"
    __table_args__ = (
        tenant_fk("customer_id", "customers"),
        UniqueConstraint("tenant_id", "number"),
        UniqueConstraint("tenant_id", "source", "external_ref"),
        # the list page: newest first within a status, an agent's queue, the SLA scan
        Index("ix_queries_tenant_status_created", "tenant_id", "status", "created_at"),
        Index("ix_queries_tenant_assignee_status", "tenant_id", "assigned_to", "status"),
        # the breach scan: replies due and not yet flagged (partial: breached rows drop out)
        Index(
            "ix_queries_tenant_due",
            "tenant_id",
            "response_due_at",
            postgresql_where=text("breached_at IS NULL"),
            sqlite_where=text("breached_at IS NULL"),
        ),
        Index("ix_queries_tenant_created", "tenant_id", "created_at"),
        # the escalation step: breached replies whose managers are not told yet
        Index(
            "ix_queries_tenant_escalation",
            "tenant_id",
            "breached_at",
            postgresql_where=text("escalation_level = 1"),
            sqlite_where=text("escalation_level = 1"),
        ),
    )

    number: int  # per agency: "Q-1042"
    customer_id: uuid.UUID
    status: str = Field(default=QueryStatus.PENDING.value, max_length=12)
    source: str = Field(default=QueryChannel.STAFF.value, max_length=10)  # QueryChannel
    external_ref: str | None = Field(default=None, max_length=120)
    priority: str = Field(default=Priority.NORMAL.value, max_length=10)
    title: str = Field(max_length=200)  # "Goa, 5 nights, 2 adults + 1 child"
    destinations: list[str] = Field(default_factory=list, sa_type=JSON)
    start_date: date | None = None
    end_date: date | None = None
    travel_month: str | None = Field(default=None, max_length=7)  # "2027-02" when no dates yet
    nights: int | None = None
    adults: int = 1
    children: int = 0
    child_ages: list[int] = Field(default_factory=list, sa_type=JSON)
    budget: Decimal | None = amount(nullable=True)
    budget_currency: str | None = Field(default=None, max_length=3)
    hotel_category: str | None = Field(default=None, max_length=20)
    interests: list[str] = Field(default_factory=list, sa_type=JSON)
    language: str | None = Field(default=None, max_length=35)  # the customer's, for skills
    notes: str | None = Field(default=None, sa_type=Text)
    assigned_to: uuid.UUID | None = None  # a member's user id
    assigned_at: datetime | None = utc_datetime(nullable=True)
    lost_reason: str | None = Field(default=None, max_length=120)
    on_hold_from: str | None = Field(default=None, max_length=12)  # the status to go back to
    # SLA: the next response owed (first response, then follow-ups), in business time
    response_due_at: datetime | None = utc_datetime(nullable=True)
    first_response_at: datetime | None = utc_datetime(nullable=True)
    breached_at: datetime | None = utc_datetime(nullable=True)
    escalation_level: int = 0  # 0 none, 1 agent told, 2 manager told
    row_version: int = 1
    created_by: uuid.UUID | None = None
    created_at: datetime = utc_datetime(default_now=True)
    submitted_at: datetime | None = utc_datetime(nullable=True)
    updated_at: datetime | None = utc_datetime(nullable=True)
    closed_at: datetime | None = utc_datetime(nullable=True)


class LostReason(TenantMixin, table=True):
    __tablename__ = "lost_reasons"
    __table_args__ = (UniqueConstraint("tenant_id", "label"),)

    label: str = Field(max_length=120)
    is_active: bool = True
    position: int = 0


class AgentProfile(TenantMixin, table=True):
    """What assignment knows of an agent: skills, capacity, leave, their turn."""

    __tablename__ = "agent_profiles"
    __table_args__ = (UniqueConstraint("tenant_id", "user_id"),)

    user_id: uuid.UUID
    skills: list[str] = Field(default_factory=list, sa_type=JSON)  # destinations, languages...
    workload_cap: int = 25  # open queries at most
    on_leave_until: date | None = None  # inclusive, in the agency's timezone
    last_assigned_at: datetime | None = utc_datetime(nullable=True)


class QuerySettings(TenantMixin, table=True):
    """An agency's rules for queries (one row; defaults until changed)."""

    __tablename__ = "query_settings"
    __table_args__ = (UniqueConstraint("tenant_id"),)

    assignment_rule: str = Field(default=AssignmentRule.ROUND_ROBIN.value, max_length=15)
    agents_see_all: bool = False
    working_days: list[int] = Field(default_factory=lambda: [0, 1, 2, 3, 4], sa_type=JSON)
    opens: str = Field(default="09:00", max_length=5)
    closes: str = Field(default="18:00", max_length=5)
    holidays: list[str] = Field(default_factory=list, sa_type=JSON)  # ISO dates
    # business hours by priority: {"urgent": 1, "high": 4, "normal": 24, "low": 48}
    first_response_hours: dict[str, float] = Field(default_factory=dict, sa_type=JSON)
    follow_up_hours: dict[str, float] = Field(default_factory=dict, sa_type=JSON)
    updated_at: datetime | None = utc_datetime(nullable=True)

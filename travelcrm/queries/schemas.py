"""What a user may send and what they get back for queries. Create/update schemas hold only
what a user may set (no tenant, id, number, status or SLA fields)."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from travelcrm.core.fields import (
    Currency,
    Email,
    Entry80,
    Entry100,
    Name,
    Phone,
    Tag,
    Text30,
    Text100,
    Text200,
    Text5000,
    UtcDatetime,
)
from travelcrm.core.money import round_money
from travelcrm.queries.machine import QueryChannel, QueryStatus
from travelcrm.queries.models import AssignmentRule
from travelcrm.queries.sla import Priority

Month = Annotated[str, StringConstraints(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]
ExternalRef = Annotated[
    str, StringConstraints(min_length=1, max_length=120, pattern=r"^[A-Za-z0-9._:/@#-]+$")
]


class ContactIn(BaseModel):
    """Who is asking, when no customer id is given: attached to the customer with this email
    or phone, else a new customer."""

    model_config = ConfigDict(extra="forbid")

    name: Name
    email: Email | None = None
    phone: Phone | None = None


class QueryCreate(BaseModel):
    """A travel enquiry. Give dates (`start_date`, `end_date`) or a month and nights; children
    need their ages; a budget needs its currency."""

    model_config = ConfigDict(extra="forbid")

    customer_id: uuid.UUID | None = None
    contact: ContactIn | None = None
    destinations: list[Entry100] = Field(min_length=1, max_length=10)
    start_date: date | None = None
    end_date: date | None = None
    travel_month: Month | None = None
    nights: int | None = Field(default=None, ge=1, le=90)
    adults: int = Field(default=1, ge=0, le=99)
    children: int = Field(default=0, ge=0, le=20)
    child_ages: list[int] = Field(default_factory=list, max_length=20)
    budget: Decimal | None = Field(default=None, ge=0, max_digits=14, decimal_places=2)
    budget_currency: Currency | None = None
    hotel_category: Text30 | None = None
    interests: list[Tag] = Field(default_factory=list, max_length=15)
    language: Text30 | None = None
    priority: Priority = Priority.NORMAL
    notes: Text5000 | None = None
    external_ref: ExternalRef | None = None
    submit: bool = True  # staff: False keeps it a draft


class QueryPublic(BaseModel):
    id: uuid.UUID
    number: int
    reference: str  # "Q-1042"
    customer_id: uuid.UUID
    customer_name: str
    customer_email: str | None = None
    customer_phone: str | None = None  # E.164
    status: QueryStatus
    source: QueryChannel
    external_ref: str | None
    priority: Priority
    title: str
    destinations: list[str]
    start_date: date | None
    end_date: date | None
    travel_month: str | None
    nights: int | None
    adults: int
    children: int
    child_ages: list[int]
    budget: Decimal | None
    budget_currency: str | None
    hotel_category: str | None
    interests: list[str]
    language: str | None
    notes: str | None
    assigned_to: uuid.UUID | None
    assigned_to_name: str | None
    assigned_at: UtcDatetime | None
    lost_reason: str | None
    response_due_at: UtcDatetime | None
    first_response_at: UtcDatetime | None
    breached: bool
    sla_label: str | None  # "2h 10m left", "breached 35m ago"
    row_version: int
    created_at: UtcDatetime
    updated_at: UtcDatetime | None
    allowed_next: list[QueryStatus]

    @model_validator(mode="after")
    def _budget_in_minor_units(self) -> QueryPublic:
        """The budget as money of its currency (`150000.00`), however the database holds it."""
        if self.budget is not None and self.budget_currency:
            self.budget = round_money(self.budget, self.budget_currency)
        return self


class QueryListItem(BaseModel):
    id: uuid.UUID
    reference: str
    title: str
    customer_id: uuid.UUID
    customer_name: str
    status: QueryStatus
    source: QueryChannel
    priority: Priority
    assigned_to: uuid.UUID | None
    assigned_to_name: str | None
    response_due_at: UtcDatetime | None
    breached: bool
    created_at: UtcDatetime
    row_version: int
    start_date: date | None = None
    end_date: date | None = None
    travel_month: str | None = None  # "2027-02" when no dates yet
    nights: int | None = None


# how a list of queries is ordered: newest first, or the reply due soonest first (overdue ones
# at the top; those owing no reply after the rest, newest first)
QuerySort = Literal["newest", "urgency"]


class QueryFilter(BaseModel):
    """`assigned`: "me", "unassigned" or a member's id; `view` is a saved filter."""

    model_config = ConfigDict(extra="forbid")

    status: list[QueryStatus] = Field(default_factory=list)
    assigned: Literal["me", "unassigned"] | uuid.UUID | None = None
    source: QueryChannel | None = None
    priority: Priority | None = None
    breaching: bool = False
    open_only: bool = False
    customer_id: uuid.UUID | None = None
    q: Text100 | None = None
    view: Literal["my_open", "breaching", "unassigned"] | None = None


class TransitionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    to: QueryStatus
    row_version: int = Field(ge=1)
    reason: Text200 | None = None  # lost: one of the agency's lost reasons


class AssignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_id: uuid.UUID
    row_version: int = Field(ge=1)


class QuerySettingsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    assignment_rule: AssignmentRule
    agents_see_all: bool = False
    working_days: list[Annotated[int, Field(ge=0, le=6)]] = Field(min_length=1, max_length=7)
    opens: Annotated[str, StringConstraints(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]
    closes: Annotated[str, StringConstraints(pattern=r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$")]
    holidays: list[date] = Field(default_factory=list, max_length=100)
    first_response_hours: dict[Priority, Annotated[float, Field(gt=0, le=720)]] = Field(
        default_factory=dict
    )
    follow_up_hours: dict[Priority, Annotated[float, Field(gt=0, le=720)]] = Field(
        default_factory=dict
    )


class AgentProfileIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    skills: list[Entry80] = Field(default_factory=list, max_length=30)
    workload_cap: int = Field(default=25, ge=1, le=500)
    on_leave_until: date | None = None


class WorkloadRow(BaseModel):
    user_id: uuid.UUID
    name: str
    online: bool
    on_leave: bool
    open_queries: int
    breaching: int
    oldest_waiting_at: UtcDatetime | None
    workload_cap: int


class QueryCreated(BaseModel):
    query: QueryPublic
    created: bool  # False: an earlier query with this external_ref

"""Queries: capture (staff, portal, API idempotent on `external_ref`, inbound email), the status
machine with optimistic locking, automatic assignment by the agency's rule (round robin,
lowest workload, skills) among online agents, SLA due times in the agency's business hours,
the timeline (notes, calls, @mentions), the list with saved filters, and the workload view."""

from __future__ import annotations

import functools
import hashlib
import re
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from pydantic import ValidationError as PydanticValidationError
from sqlmodel import Session, col, select

from travelcrm.accounts import services as accounts
from travelcrm.accounts.models import Membership, User
from travelcrm.core.clock import as_utc, utcnow
from travelcrm.core.errors import (
    ConflictError,
    DomainError,
    FieldError,
    NotFoundError,
    ValidationFailedError,
    VersionConflictError,
)
from travelcrm.core.pagination import PageParams, keyset_page
from travelcrm.core.permissions import Action, Role, can, require
from travelcrm.core.sequences import give_back, next_number
from travelcrm.core.tenancy import TenantContext
from travelcrm.core.upsert import add_unless_exists, save_row
from travelcrm.core.versions import advance_version
from travelcrm.customers import services as customers
from travelcrm.customers.models import Customer
from travelcrm.customers.schemas import CustomerCreate
from travelcrm.db import hold_row, scoped_connection, scoped_rows, session_scope, tenant_scope
from travelcrm.mail.services import Mail, queue_email, queue_emails
from travelcrm.queries import machine
from travelcrm.queries.inbound import (
    MAX_EMAIL_BYTES,
    InboundEmailError,
    InboundEnquiry,
    parse_enquiry_email,
)
from travelcrm.queries.machine import (
    OPEN_STATUSES,
    QueryChannel,
    QueryStatus,
    TransitionError,
    allowed_next,
    check_transition,
)
from travelcrm.queries.models import (
    AgentProfile,
    AssignmentRule,
    LostReason,
    Query,
    QuerySettings,
)
from travelcrm.queries.schemas import (
    AgentProfileIn,
    ContactIn,
    QueryCreate,
    QueryFilter,
    QueryListItem,
    QueryPublic,
    QuerySettingsIn,
    QuerySort,
    WorkloadRow,
)
from travelcrm.queries.sla import (
    BusinessCalendar,
    Priority,
    SlaKind,
    SlaPolicy,
    sla_status,
)
from travelcrm.tenants.models import Tenant, TenantStatus
from travelcrm.timeline import services as timeline
from travelcrm.timeline.models import SubjectType, TimelineEvent
from travelcrm.timeline.schemas import NoteIn, TimelineItem

DEFAULT_WORKLOAD_CAP = 25
DEFAULT_LOST_REASONS = (
    "Price too high",
    "Booked with another agency",
    "Dates or plans changed",
    "No response from the customer",
    "Trip cancelled",
)
# an agent's open work: what counts against the workload cap
_WORKING = (QueryStatus.ASSIGNED.value, QueryStatus.QUOTED.value, QueryStatus.ON_HOLD.value)
_AWAITING_REPLY = (
    QueryStatus.PENDING.value,
    QueryStatus.ASSIGNED.value,
    QueryStatus.QUOTED.value,
)


class TransitionRefusedError(ConflictError):
    code = "transition_not_allowed"


QUERY_SERIES = "query"  # the agency's query numbers (core.sequences)


def reference(number: int) -> str:
    return f"Q-{number}"


# ---- settings, calendar, lost reasons ----------------------------------------------------------


def query_settings(session: Session, ctx: TenantContext) -> QuerySettings:
    """The agency's query rules: a row with the defaults (and the default lost reasons) is made
    on first use, by inserts that let a first use running beside this one win (no
    read-then-insert: two requests at once both get the one row)."""
    found = session.exec(select(QuerySettings)).first()
    if found is not None:
        return found
    if add_unless_exists(session, QuerySettings(tenant_id=ctx.tenant_id), key=["tenant_id"]):
        for i, label in enumerate(DEFAULT_LOST_REASONS):
            add_unless_exists(
                session,
                LostReason(tenant_id=ctx.tenant_id, label=label, position=i),
                key=["tenant_id", "label"],
            )
    return session.exec(select(QuerySettings)).one()


def _clock(text: str) -> time:
    return time(0) if text == "24:00" else time.fromisoformat(text)


def calendar_of(settings: QuerySettings, timezone: str) -> BusinessCalendar:
    return _calendar(
        timezone,
        tuple(settings.working_days),
        settings.opens,
        settings.closes,
        tuple(settings.holidays),
    )


@functools.lru_cache(maxsize=256)
def _calendar(
    timezone: str, working_days: tuple[int, ...], opens: str, closes: str, holidays: tuple[str, ...]
) -> BusinessCalendar:
    """A calendar made once per distinct set of rules (it is immutable; making one compiles
    the week's windows and the holidays)."""
    return BusinessCalendar(
        timezone=timezone,
        working_days=frozenset(working_days),
        opens=_clock(opens),
        closes=_clock(closes),
        holidays=frozenset(date.fromisoformat(d) for d in holidays),
    )


_qs = QuerySettings.__table__  # type: ignore[attr-defined]
_tenants = Tenant.__table__  # type: ignore[attr-defined]
# the agency's working week and its timezone in one statement (no ORM objects: a list's SLA
# words need only these)
_CALENDAR: Any = (
    sa.select(_qs.c.working_days, _qs.c.opens, _qs.c.closes, _qs.c.holidays, _tenants.c.timezone)
    .select_from(
        _tenants.outerjoin(
            _qs, sa.and_(_qs.c.tenant_id == _tenants.c.id, _qs.c.tenant_id == sa.bindparam("t"))
        )
    )
    .where(_tenants.c.id == sa.bindparam("t"))
)


def business_calendar(session: Session, ctx: TenantContext) -> BusinessCalendar:
    """`rules(...).calendar` in one statement once the agency's rules exist."""
    connection, tenant_id = scoped_connection(session)
    row = connection.execute(_CALENDAR, {"t": tenant_id}).first()
    if row is None or row.working_days is None:
        return rules(session, ctx).calendar  # the first use makes the rules' row
    return _calendar(
        row.timezone,
        tuple(row.working_days),
        row.opens,
        row.closes,
        tuple(row.holidays or ()),
    )


def policy_of(settings: QuerySettings) -> SlaPolicy:
    def targets(hours: dict[str, float]) -> Any:
        if not hours:
            return SlaPolicy().first_response
        base = dict(SlaPolicy().first_response)
        base.update({Priority(k): timedelta(hours=v) for k, v in hours.items()})
        return base

    return SlaPolicy(
        first_response=targets(settings.first_response_hours),
        follow_up=targets(settings.follow_up_hours),
    )


@dataclass(frozen=True)
class Rules:
    """What a unit of work needs to place queries in time: the agency's settings, its
    calendar and SLA policy."""

    settings: QuerySettings
    calendar: BusinessCalendar
    policy: SlaPolicy
    timezone: str


def rules(session: Session, ctx: TenantContext) -> Rules:
    settings = query_settings(session, ctx)
    tenant = session.get(Tenant, ctx.tenant_id)
    timezone = tenant.timezone if tenant else "UTC"
    return Rules(settings, calendar_of(settings, timezone), policy_of(settings), timezone)


def update_settings(
    session: Session, ctx: TenantContext, *, data: QuerySettingsIn
) -> QuerySettings:
    require(ctx, Action.QUERIES_SETTINGS)
    settings = query_settings(session, ctx)
    settings.assignment_rule = data.assignment_rule.value
    settings.agents_see_all = data.agents_see_all
    settings.working_days = sorted(set(data.working_days))
    settings.opens, settings.closes = data.opens, data.closes
    settings.holidays = sorted({d.isoformat() for d in data.holidays})
    settings.first_response_hours = {k.value: v for k, v in data.first_response_hours.items()}
    settings.follow_up_hours = {k.value: v for k, v in data.follow_up_hours.items()}
    tenant = session.get(Tenant, ctx.tenant_id)
    try:  # the calendar and the policy check themselves (hours, order of priorities)
        calendar_of(settings, tenant.timezone if tenant else "UTC")
        policy_of(settings)
    except ValueError as exc:
        raise ValidationFailedError(
            f"These settings do not work: {exc}.",
            errors=[FieldError("settings", str(exc), "invalid")],
        ) from None
    settings.updated_at = utcnow()
    session.add(settings)
    session.flush()
    return settings


def lost_reasons(session: Session, ctx: TenantContext) -> list[str]:
    query_settings(session, ctx)
    found = session.exec(
        select(LostReason)
        .where(col(LostReason.is_active).is_(True))
        .order_by(col(LostReason.position), col(LostReason.label))
    )
    return [r.label for r in found]


def add_lost_reason(session: Session, ctx: TenantContext, *, label: str) -> LostReason:
    require(ctx, Action.QUERIES_SETTINGS)
    query_settings(session, ctx)
    label = " ".join(label.split())
    if not label or len(label) > 120 or not label.isprintable():
        raise ValidationFailedError(
            "A lost reason is 1 to 120 printable characters.",
            errors=[FieldError("label", "1 to 120 printable characters", "invalid")],
        )
    # a new label, or an old one active again: one upsert on (agency, label)
    save_row(
        session,
        LostReason(tenant_id=ctx.tenant_id, label=label, position=100),
        key=["tenant_id", "label"],
        update=["is_active"],
    )
    return session.exec(
        select(LostReason)
        .where(col(LostReason.label) == label)
        .execution_options(populate_existing=True)
    ).one()


# ---- capture -----------------------------------------------------------------------------------


def _local_today(timezone: str, now: datetime) -> date:
    return now.astimezone(ZoneInfo(timezone)).date()


def _check_trip(data: QueryCreate, today: date, *, dates_required: bool = True) -> None:
    """Every problem of the trip at once, each on its field. An emailed enquiry may come
    without dates (`dates_required=False`): a person reads the mail and adds them."""
    errors = _trip_problems(data, today, dates_required=dates_required)
    if errors:
        raise ValidationFailedError(
            "The query has problems: " + "; ".join(f"{e.field} {e.message}" for e in errors) + ".",
            errors=errors,
        )


def trip_problems(session: Session, ctx: TenantContext, data: QueryCreate) -> list[FieldError]:
    """What `create_query` would refuse about this trip (dates in the agency's today, travellers,
    ages, budget, contact), without creating anything: a form shows them together with the
    fields it could not read."""
    found = rules(session, ctx)
    return _trip_problems(data, _local_today(found.timezone, utcnow()))


def _trip_problems(
    data: QueryCreate, today: date, *, dates_required: bool = True
) -> list[FieldError]:
    errors: list[FieldError] = []
    if data.start_date and data.start_date < today:
        errors.append(FieldError("start_date", "is in the past", "past"))
    if data.end_date and not data.start_date:
        errors.append(FieldError("start_date", "give the start date with the end date", "required"))
    if data.start_date and data.end_date and data.end_date < data.start_date:
        errors.append(FieldError("end_date", "ends before it starts", "range"))
    if data.travel_month and data.travel_month < today.strftime("%Y-%m"):
        errors.append(FieldError("travel_month", "is in the past", "past"))
    if dates_required and not data.start_date and not data.travel_month:
        errors.append(FieldError("start_date", "give the dates, or a month and nights", "required"))
    if data.adults + data.children == 0:
        errors.append(FieldError("adults", "at least one traveller", "no_travellers"))
    if len(data.child_ages) != data.children:
        errors.append(
            FieldError(
                "child_ages",
                f"give an age for each child ({data.children} children, "
                f"{len(data.child_ages)} ages)",
                "child_age_missing",
            )
        )
    for i, age in enumerate(data.child_ages):
        if not 0 <= age <= 17:
            errors.append(
                FieldError(f"child_ages.{i}", f"{age} is not a child's age (0-17)", "age")
            )
    if data.budget is not None and not data.budget_currency:
        errors.append(FieldError("budget_currency", "a budget needs its currency", "required"))
    if data.customer_id is None and data.contact is None:
        errors.append(FieldError("contact", "give the customer, or their name and email/phone"))
    if data.contact is not None and not (data.contact.email or data.contact.phone):
        errors.append(FieldError("contact.email", "give an email or a phone", "required"))
    return errors


def _title(data: QueryCreate) -> str:
    where = ", ".join(data.destinations[:3])
    if data.start_date and data.end_date:
        nights = (data.end_date - data.start_date).days
        when = f"{nights} night{'s' if nights != 1 else ''}"
    elif data.nights:
        when = f"{data.nights} night{'s' if data.nights != 1 else ''}"
    else:
        when = ""
    who = f"{data.adults} adult{'s' if data.adults != 1 else ''}"
    if data.children:
        who += f" + {data.children} child{'ren' if data.children != 1 else ''}"
    return ", ".join(p for p in (where, when, who) if p)[:200]


def _customer_for(session: Session, ctx: TenantContext, data: QueryCreate) -> Customer:
    if data.customer_id is not None:
        customer = customers.get_customer(session, ctx, customer_id=data.customer_id)
        if customer.merged_into_id is not None:
            return customers.get_customer(session, ctx, customer_id=customer.merged_into_id)
        return customer
    contact = data.contact
    assert contact is not None
    region = session.get(Tenant, ctx.tenant_id).country  # type: ignore[union-attr]
    email = customers.normalize_email(contact.email)
    phone = customers.normalize_phone(contact.phone, region=region, field="contact.phone")
    matches = customers.find_duplicates(session, ctx, email=email, phones=[phone] if phone else [])
    if matches:  # a known email or phone: that customer's query
        return customers.get_customer(session, ctx, customer_id=matches[0].id)
    return customers.create_customer(
        session,
        ctx,
        data=CustomerCreate(name=contact.name, email=email, phone=phone, allow_duplicate=True),
    )


def _next_number(session: Session, ctx: TenantContext) -> int:
    """The agency's next query number (`core.sequences`: one atomic statement, so two queries
    at once never get the same number)."""
    return next_number(session, ctx, QUERY_SERIES)


def _earlier(session: Session, channel: QueryChannel, external_ref: str) -> Query | None:
    """The query this channel already made for `external_ref`, if any."""
    return session.exec(
        select(Query).where(
            col(Query.source) == channel.value, col(Query.external_ref) == external_ref
        )
    ).first()


def create_query(
    session: Session,
    ctx: TenantContext,
    *,
    data: QueryCreate,
    channel: QueryChannel = QueryChannel.STAFF,
    now: datetime | None = None,
) -> tuple[Query, bool]:
    """A new query and True; or, when `external_ref` was already used by this channel, that
    query and False (retries of the same call create nothing)."""
    if channel is QueryChannel.STAFF or channel is QueryChannel.API:
        require(ctx, Action.QUERIES_EDIT)
    now = now or utcnow()
    number: int | None = None
    if data.external_ref:
        earlier = _earlier(session, channel, data.external_ref)
        if earlier is None:
            # a retry may run beside the first call: taking the number holds the agency's
            # query series until this unit of work ends, so of two at once the second waits,
            # then finds the first's query here (and gives its number back)
            number = _next_number(session, ctx)
            earlier = _earlier(session, channel, data.external_ref)
            if earlier is not None:
                give_back(session, ctx, QUERY_SERIES, number)
        if earlier is not None:
            return earlier, False
    found = rules(session, ctx)
    _check_trip(
        data,
        _local_today(found.timezone, now),
        dates_required=channel is not QueryChannel.EMAIL,
    )
    customer = _customer_for(session, ctx, data)
    status = machine.initial_status(channel)
    if channel is QueryChannel.STAFF and data.submit:
        status = QueryStatus.PENDING
    nights = data.nights
    if data.start_date and data.end_date:
        nights = (data.end_date - data.start_date).days or nights
    query = Query(
        tenant_id=ctx.tenant_id,
        number=_next_number(session, ctx) if number is None else number,
        customer_id=customer.id,
        status=status.value,
        source=channel.value,
        external_ref=data.external_ref,
        priority=data.priority.value,
        title=_title(data),
        destinations=data.destinations,
        start_date=data.start_date,
        end_date=data.end_date,
        travel_month=data.travel_month
        or (data.start_date.strftime("%Y-%m") if data.start_date else None),
        nights=nights,
        adults=data.adults,
        children=data.children,
        child_ages=data.child_ages,
        budget=data.budget,
        budget_currency=data.budget_currency,
        hotel_category=data.hotel_category,
        interests=data.interests,
        language=data.language,
        notes=data.notes,
        created_by=ctx.user_id if channel is QueryChannel.STAFF else None,
        created_at=now,
    )
    session.add(query)
    session.flush()
    _event(session, ctx, query, "created", f"Query received ({channel.value}).", now=now)
    if status is QueryStatus.PENDING:
        _submitted(session, ctx, query, found, now)
    return query, True


def _start_clock(query: Query, found: Rules, now: datetime) -> None:
    """A query now waiting for the agency: its first-response clock starts."""
    query.submitted_at = now
    query.response_due_at = found.policy.due_at(
        found.calendar, SlaKind.FIRST_RESPONSE, Priority(query.priority), now
    )


def _submitted(
    session: Session, ctx: TenantContext, query: Query, found: Rules, now: datetime
) -> None:
    """A query waiting for the agency: its first-response clock starts, then assignment."""
    _start_clock(query, found, now)
    session.add(query)
    auto_assign(session, ctx, [query], now=now, found=found)


def _check_move(query: Query, to: QueryStatus) -> None:
    """Every status change is one the machine's table allows (`machine.TRANSITIONS`); the
    services change a query's status only after this check."""
    current = QueryStatus(query.status)
    if to not in machine.allowed_next(current):
        raise TransitionRefusedError(
            f"{reference(query.number)} is {machine.label(current).lower()} and cannot become "
            f"{machine.label(to).lower()}.",
            extra={"allowed": sorted(s.value for s in machine.allowed_next(current))},
        )


def _move(query: Query, to: QueryStatus) -> None:
    _check_move(query, to)
    query.status = to.value


def submit_query(
    session: Session, ctx: TenantContext, *, query_id: uuid.UUID, row_version: int
) -> Query:
    return transition(
        session, ctx, query_id=query_id, to=QueryStatus.PENDING, row_version=row_version
    )


# ---- reading -----------------------------------------------------------------------------------


def _sees_all(session: Session, ctx: TenantContext) -> bool:
    if can(ctx.role, Action.QUERIES_VIEW_ALL):
        return True
    return query_settings(session, ctx).agents_see_all


def get_query(session: Session, ctx: TenantContext, *, query_id: uuid.UUID) -> Query:
    """The query, if the caller may see it (agents: theirs and unassigned ones, unless the
    agency lets agents see all); else "not found"."""
    require(ctx, Action.QUERIES_VIEW)
    query = session.exec(select(Query).where(col(Query.id) == query_id)).first()
    if query is None or not _visible(session, ctx, query):
        raise NotFoundError("Query not found.")
    return query


def hold_query(session: Session, ctx: TenantContext, *, query_id: uuid.UUID) -> Query:
    """The query (as `get_query`), held for the rest of the unit of work: of two changes that
    depend on what hangs off it ("the first itinerary is the one to quote"), the second waits
    for the first and then sees it."""
    query = get_query(session, ctx, query_id=query_id)
    hold_row(session, Query, query.id)
    return query


def _visible(session: Session, ctx: TenantContext, query: Query) -> bool:
    if query.assigned_to is None or query.assigned_to == ctx.user_id:
        return True
    return _sees_all(session, ctx)


def _names(session: Session, user_ids: Iterable[uuid.UUID | None]) -> dict[uuid.UUID, str]:
    return accounts.display_names(session, user_ids)


def move_to_customer(
    session: Session, ctx: TenantContext, *, from_customer_id: uuid.UUID, to_customer_id: uuid.UUID
) -> int:
    """Move one customer's queries to another (a customer merge); how many moved."""
    moved = 0
    for query in session.exec(select(Query).where(col(Query.customer_id) == from_customer_id)):
        query.customer_id = to_customer_id
        query.updated_at = utcnow()
        session.add(query)
        moved += 1
    return moved


def to_public(
    session: Session, ctx: TenantContext, query: Query, *, now: datetime | None = None
) -> QueryPublic:
    now = now or utcnow()
    found = rules(session, ctx)
    customer = session.exec(select(Customer).where(col(Customer.id) == query.customer_id)).one()
    names = _names(session, [query.assigned_to])
    breached, label = _sla(query, found.calendar, now)
    return QueryPublic(
        id=query.id,
        number=query.number,
        reference=reference(query.number),
        customer_id=query.customer_id,
        customer_name=customer.name,
        customer_email=customer.email,
        customer_phone=customer.phone,
        status=QueryStatus(query.status),
        source=QueryChannel(query.source),
        external_ref=query.external_ref,
        priority=Priority(query.priority),
        title=query.title,
        destinations=query.destinations,
        start_date=query.start_date,
        end_date=query.end_date,
        travel_month=query.travel_month,
        nights=query.nights,
        adults=query.adults,
        children=query.children,
        child_ages=query.child_ages,
        budget=query.budget,
        budget_currency=query.budget_currency,
        hotel_category=query.hotel_category,
        interests=query.interests,
        language=query.language,
        notes=query.notes,
        assigned_to=query.assigned_to,
        assigned_to_name=names.get(query.assigned_to) if query.assigned_to else None,
        assigned_at=query.assigned_at,
        lost_reason=query.lost_reason,
        response_due_at=query.response_due_at,
        first_response_at=query.first_response_at,
        breached=breached,
        sla_label=label,
        row_version=query.row_version,
        created_at=query.created_at,
        updated_at=query.updated_at,
        allowed_next=sorted(allowed_next(query.status)),
    )


def _sla(query: Any, calendar: BusinessCalendar, now: datetime) -> tuple[bool, str | None]:
    if query.response_due_at is None or query.status not in _AWAITING_REPLY:
        return False, None
    status = sla_status(calendar, as_utc(query.response_due_at), now)
    return status.breached, status.label


def sla_labels(
    session: Session,
    ctx: TenantContext,
    items: Iterable[QueryListItem],
    *,
    now: datetime | None = None,
) -> dict[uuid.UUID, str]:
    """The SLA clock of listed queries in business time ("2h 10m left", "breached 35m ago"),
    by id; queries not waiting for a reply have none."""
    require(ctx, Action.QUERIES_VIEW)
    now = now or utcnow()
    calendar = business_calendar(session, ctx)
    labels = {}
    for item in items:
        _breached, label = _sla(item, calendar, now)
        if label:
            labels[item.id] = label
    return labels


def colleagues(session: Session, ctx: TenantContext) -> list[tuple[uuid.UUID, str]]:
    """(user id, name) of the members a query can be assigned to, by name: the reassign
    choice, and names for the timeline's assignments."""
    require(ctx, Action.QUERIES_VIEW)
    return [
        (user_id, name)
        for user_id, name in session.exec(
            select(Membership.user_id, User.name)
            .join(User, col(User.id) == col(Membership.user_id))
            .where(
                col(Membership.is_active).is_(True),
                col(Membership.accepted_at).is_not(None),
                col(Membership.role).in_(_ASSIGNABLE_ROLES),
            )
            .order_by(col(User.name))
        ).all()
    ]


def list_select(ctx: TenantContext) -> sa.Select[Any]:
    """The columns a list of queries shows, the customers' and assignees' names joined, in
    the caller's agency (written in: `scoped_rows` checks it rather than adding it again);
    rows become items through `list_item`."""
    q = Query.__table__  # type: ignore[attr-defined]
    c = Customer.__table__  # type: ignore[attr-defined]
    u = User.__table__  # type: ignore[attr-defined]
    return (
        sa.select(
            q.c.id,
            q.c.number,
            q.c.title,
            q.c.customer_id,
            c.c.name.label("customer_name"),
            q.c.status,
            q.c.source,
            q.c.priority,
            q.c.assigned_to,
            u.c.name.label("assigned_to_name"),
            q.c.response_due_at,
            q.c.breached_at,
            q.c.created_at,
            q.c.row_version,
            q.c.start_date,
            q.c.end_date,
            q.c.travel_month,
            q.c.nights,
        )
        .join(c, sa.and_(c.c.tenant_id == q.c.tenant_id, c.c.id == q.c.customer_id))
        .outerjoin(u, u.c.id == q.c.assigned_to)
        .where(q.c.tenant_id == ctx.tenant_id, c.c.tenant_id == ctx.tenant_id)
    )


def list_item(r: Any, now: datetime) -> QueryListItem:
    """A row of `list_select` as a list item; `breached`: a reply owed and overdue at `now`."""
    return QueryListItem(
        id=r.id,
        reference=reference(r.number),
        title=r.title,
        customer_id=r.customer_id,
        customer_name=r.customer_name,
        status=QueryStatus(r.status),
        source=QueryChannel(r.source),
        priority=Priority(r.priority),
        assigned_to=r.assigned_to,
        assigned_to_name=r.assigned_to_name,
        response_due_at=r.response_due_at,
        breached=bool(
            r.response_due_at is not None
            and r.status in _AWAITING_REPLY
            and as_utc(r.response_due_at) < now
        ),
        created_at=r.created_at,
        row_version=r.row_version,
        start_date=r.start_date,
        end_date=r.end_date,
        travel_month=r.travel_month,
        nights=r.nights,
    )


@dataclass(frozen=True)
class QueryPage:
    items: list[QueryListItem]
    next_cursor: str | None


def list_queries(
    session: Session,
    ctx: TenantContext,
    *,
    filters: QueryFilter,
    page: PageParams,
    sort: QuerySort = "newest",
    now: datetime | None = None,
) -> QueryPage:
    """Filtered, newest first or by urgency (`sort`, see `_by_urgency`); one statement for
    the rows, with the customers' and the assignees' names joined, whatever the page size."""
    require(ctx, Action.QUERIES_VIEW)
    now = now or utcnow()
    q = Query.__table__  # type: ignore[attr-defined]
    c = Customer.__table__  # type: ignore[attr-defined]
    statement = list_select(ctx)
    view = filters.view
    statuses = [s.value for s in filters.status]
    if view == "my_open" or view == "breaching" or filters.open_only:
        statuses = statuses or [s.value for s in OPEN_STATUSES]
    if statuses:
        statement = statement.where(q.c.status.in_(statuses))
    assigned = filters.assigned
    if view == "my_open":
        assigned = "me"
    if view == "unassigned":
        assigned = "unassigned"
        statement = statement.where(q.c.status == QueryStatus.PENDING.value)
    if assigned == "me":
        statement = statement.where(q.c.assigned_to == ctx.user_id)
    elif assigned == "unassigned":
        statement = statement.where(q.c.assigned_to.is_(None))
    elif isinstance(assigned, uuid.UUID):
        statement = statement.where(q.c.assigned_to == assigned)
    if not _sees_all(session, ctx):
        statement = statement.where(
            sa.or_(q.c.assigned_to.is_(None), q.c.assigned_to == ctx.user_id)
        )
    if filters.breaching or view == "breaching":
        statement = statement.where(q.c.response_due_at < now, q.c.status.in_(_AWAITING_REPLY))
    if filters.source:
        statement = statement.where(q.c.source == filters.source.value)
    if filters.priority:
        statement = statement.where(q.c.priority == filters.priority.value)
    if filters.customer_id:
        statement = statement.where(q.c.customer_id == filters.customer_id)
    if filters.q:
        text = filters.q.strip()
        number = text.upper().removeprefix("Q-")
        matches = [
            q.c.title.icontains(text, autoescape=True),
            c.c.name_key.contains(customers.name_key(text), autoescape=True),
        ]
        if number.isdigit():
            matches.append(q.c.number == int(number))
        statement = statement.where(sa.or_(*matches))
    rows: list[Any]
    if sort == "urgency":
        rows, next_cursor = _by_urgency(session, statement, page)
    else:
        rows, next_cursor = keyset_page(
            session,
            statement,  # type: ignore[arg-type]  # plain rows, run by rows_of
            order_by=[q.c.created_at, q.c.id],
            key=lambda r: [as_utc(r.created_at).isoformat(), str(r.id)],
            params=page,
            descending=True,
            convert=[datetime.fromisoformat, uuid.UUID],
            rows_of=lambda final: scoped_rows(session, final),
        )
    return QueryPage([list_item(r, now) for r in rows], next_cursor)


# after every due time: where the queries that owe no reply sort by urgency
_NO_REPLY_OWED = datetime(9999, 12, 31, tzinfo=UTC)


def _owes_reply(r: Any) -> bool:
    return r.response_due_at is not None and r.status in _AWAITING_REPLY


def _by_urgency(
    session: Session, statement: sa.Select[Any], page: PageParams
) -> tuple[list[Any], str | None]:
    """The reply due soonest first, so the overdue ones lead (the longest overdue first);
    equal due times oldest query first. Queries that owe no reply (drafts, on hold, closed)
    come after all of them, newest first. Keyset paging over (due time or a far-future
    stand-in, the number or minus it): pages stay stable while queries are added."""
    q = Query.__table__  # type: ignore[attr-defined]
    owed = sa.and_(q.c.status.in_(_AWAITING_REPLY), q.c.response_due_at.is_not(None))
    due = sa.case(
        (owed, q.c.response_due_at),
        else_=sa.literal(_NO_REPLY_OWED, q.c.response_due_at.type),
    )
    turn = sa.case((owed, q.c.number), else_=-q.c.number)
    return keyset_page(
        session,
        statement,  # type: ignore[arg-type]  # plain rows, run by rows_of
        order_by=[due, turn],
        key=lambda r: (
            [as_utc(r.response_due_at).isoformat(), r.number]
            if _owes_reply(r)
            else [_NO_REPLY_OWED.isoformat(), -r.number]
        ),
        params=page,
        convert=[datetime.fromisoformat, int],
        rows_of=lambda final: scoped_rows(session, final),
    )


# ---- the pipeline ------------------------------------------------------------------------------


def _stale(query: Query) -> VersionConflictError:
    return VersionConflictError.at(
        f"Someone else changed {reference(query.number)} since you opened it (it is now "
        f"{machine.label(query.status).lower()}); reload and try again.",
        current_row_version=query.row_version,
        current_status=query.status,
    )


def _at_version(
    session: Session, ctx: TenantContext, query_id: uuid.UUID, row_version: int
) -> Query:
    """The query to change, if it is still at the version the caller read."""
    query = get_query(session, ctx, query_id=query_id)
    if query.row_version != row_version:
        raise _stale(query)
    return query


def _take(session: Session, query: Query, row_version: int) -> None:
    """Once the change is known to be allowed: the query's version moves on in the statement
    that checks it (of two people moving it at once, one gets a conflict), and the row stays
    held until this transaction ends."""
    if not advance_version(session, query, read=row_version):
        raise _stale(query)


def transition(
    session: Session,
    ctx: TenantContext,
    *,
    query_id: uuid.UUID,
    to: QueryStatus,
    row_version: int,
    reason: str | None = None,
    now: datetime | None = None,
) -> Query:
    """Move a query along the pipeline; refused moves name the allowed next states; two
    people moving the same query at once: the second gets a conflict."""
    require(ctx, Action.QUERIES_EDIT)
    now = now or utcnow()
    query = _at_version(session, ctx, query_id, row_version)
    current = QueryStatus(query.status)
    try:
        check_transition(current, to, reason=reason, lost_reasons=lost_reasons(session, ctx))
    except TransitionError as exc:
        raise TransitionRefusedError(
            str(exc) + ".",
            errors=[
                FieldError("to" if exc.code == "not_allowed" else "reason", str(exc), exc.code)
            ],
            extra={"allowed": [s.value for s in exc.allowed], "reasons": exc.reasons},
        ) from None
    found = rules(session, ctx)
    _take(session, query, row_version)
    taking = to is QueryStatus.ASSIGNED and current is not QueryStatus.ON_HOLD
    if taking and query.assigned_to is None:
        query.assigned_to, query.assigned_at = ctx.user_id, now
    if to is QueryStatus.ON_HOLD:
        query.on_hold_from = current.value
    if to is QueryStatus.LOST:
        query.lost_reason = (reason or "").strip()
    if to in (QueryStatus.WON, QueryStatus.LOST, QueryStatus.CANCELLED):
        query.closed_at = now
        query.response_due_at = None
    _move(query, to)
    query.updated_at = now
    session.add(query)
    body = f"{machine.label(current)} → {machine.label(to)}"
    if reason:
        body += f" ({reason.strip()})"
    _event(session, ctx, query, "status", body, data={"from": current.value, "to": to.value})
    if to is QueryStatus.PENDING:
        query.assigned_to = None
        query.assigned_at = None
        query.lost_reason = None
        query.closed_at = None
        if current is QueryStatus.DRAFT or current is QueryStatus.LOST:
            _submitted(session, ctx, query, found, now)
    session.flush()
    return query


def reassign(
    session: Session,
    ctx: TenantContext,
    *,
    query_id: uuid.UUID,
    user_id: uuid.UUID,
    row_version: int,
    now: datetime | None = None,
) -> Query:
    """A manager gives the query to a colleague (an active agent, manager, admin or owner of
    this agency; anyone else is "not found")."""
    require(ctx, Action.QUERIES_ASSIGN)
    now = now or utcnow()
    query = _at_version(session, ctx, query_id, row_version)
    if QueryStatus(query.status) not in OPEN_STATUSES:
        raise TransitionRefusedError(
            f"{reference(query.number)} is {machine.label(query.status).lower()}; only open "
            "queries can be assigned."
        )
    member = session.exec(
        select(Membership).where(
            col(Membership.user_id) == user_id,
            col(Membership.is_active).is_(True),
            col(Membership.accepted_at).is_not(None),
            col(Membership.role).in_(_ASSIGNABLE_ROLES),
        )
    ).first()
    if member is None:
        raise NotFoundError("No such colleague in this agency.")
    name = _names(session, [user_id]).get(user_id, "a colleague")
    _take(session, query, row_version)
    if query.status == QueryStatus.DRAFT.value:
        # a draft given to someone is submitted first: it waits on the agency's clock
        _move(query, QueryStatus.PENDING)
        _start_clock(query, rules(session, ctx), now)
        _event(
            session,
            ctx,
            query,
            "status",
            f"{machine.label(QueryStatus.DRAFT)} → {machine.label(QueryStatus.PENDING)}",
            data={"from": QueryStatus.DRAFT.value, "to": QueryStatus.PENDING.value},
            now=now,
        )
    _assign(session, ctx, query, user_id, f"assigned by hand to {name}", now)
    session.flush()
    return query


_ASSIGNABLE_ROLES = (Role.AGENT.value, Role.MANAGER.value, Role.ADMIN.value, Role.OWNER.value)


def _assign(
    session: Session,
    ctx: TenantContext,
    query: Query,
    user_id: uuid.UUID,
    reason: str,
    now: datetime,
) -> None:
    query.assigned_to, query.assigned_at = user_id, now
    if query.status == QueryStatus.PENDING.value:
        _move(query, QueryStatus.ASSIGNED)
    query.updated_at = now  # (its version moved on when it was taken: `_take`)
    session.add(query)
    _event(session, ctx, query, "assignment", reason, data={"user_id": str(user_id)}, now=now)


# ---- automatic assignment ----------------------------------------------------------------------


@dataclass
class _Agent:
    user_id: uuid.UUID
    name: str
    online: bool
    on_leave: bool
    cap: int
    load: int
    skills: frozenset[str]
    last_assigned_at: datetime | None
    profile: AgentProfile | None


def _agents(session: Session, ctx: TenantContext, now: datetime, timezone: str) -> list[_Agent]:
    """The agency's active agents with what assignment weighs: online (a browser session seen
    in the last 10 minutes), leave, cap, open workload, skills, their last turn."""
    members = session.exec(
        select(Membership.user_id, User.name)
        .join(User, col(User.id) == col(Membership.user_id))
        .where(
            col(Membership.role) == Role.AGENT.value,
            col(Membership.is_active).is_(True),
            col(Membership.accepted_at).is_not(None),
        )
    ).all()
    if not members:
        return []
    ids = [m[0] for m in members]
    online = accounts.online_users(session, ctx, ids, now=now)
    loads = dict(
        session.exec(
            select(Query.assigned_to, sa.func.count())
            .where(col(Query.assigned_to).in_(ids), col(Query.status).in_(_WORKING))
            .group_by(col(Query.assigned_to))
        ).all()
    )
    profiles = {
        p.user_id: p
        for p in session.exec(select(AgentProfile).where(col(AgentProfile.user_id).in_(ids)))
    }
    today = _local_today(timezone, now)
    agents = []
    for user_id, name in members:
        profile = profiles.get(user_id)
        agents.append(
            _Agent(
                user_id=user_id,
                name=name,
                online=user_id in online,
                on_leave=bool(
                    profile and profile.on_leave_until and profile.on_leave_until >= today
                ),
                cap=profile.workload_cap if profile else DEFAULT_WORKLOAD_CAP,
                load=int(loads.get(user_id, 0)),
                skills=frozenset(s.lower() for s in (profile.skills if profile else [])),
                last_assigned_at=as_utc(profile.last_assigned_at)
                if profile and profile.last_assigned_at
                else None,
                profile=profile,
            )
        )
    return agents


def _tags(query: Query) -> frozenset[str]:
    tags = {d.lower() for d in query.destinations} | {i.lower() for i in query.interests}
    if query.language:
        tags.add(query.language.lower())
    return frozenset(tags)


_NEVER = datetime(1970, 1, 1, tzinfo=ZoneInfo("UTC"))


def choose_agent(
    agents: Sequence[_Agent], rule: AssignmentRule, tags: frozenset[str]
) -> tuple[_Agent | None, str]:
    """The agent for one query by the rule, and why (who was skipped and for what)."""
    skipped = []
    eligible = []
    for agent in agents:
        if agent.on_leave:
            skipped.append(f"{agent.name}: on leave")
        elif not agent.online:
            skipped.append(f"{agent.name}: offline")
        elif agent.load >= agent.cap:
            skipped.append(f"{agent.name}: at their limit of {agent.cap} open queries")
        else:
            eligible.append(agent)
    note = f", skipped {'; '.join(skipped)}" if skipped else ""
    if not eligible:
        return None, "waiting: no agent available" + note
    label = rule.value.replace("_", " ")
    pool = eligible
    if rule is AssignmentRule.SKILL:
        matching = [a for a in eligible if a.skills & tags]
        if matching:
            pool = matching
            shared = tags & frozenset().union(*(a.skills for a in matching))
            label = "skills (" + ", ".join(sorted(shared)) + ")"
        else:
            label = "skills: no match, lowest workload"
    if rule is AssignmentRule.ROUND_ROBIN:
        chosen = min(pool, key=lambda a: (a.last_assigned_at or _NEVER, a.name))
    else:
        chosen = min(pool, key=lambda a: (a.load, a.last_assigned_at or _NEVER, a.name))
    return chosen, label + note


def auto_assign(
    session: Session,
    ctx: TenantContext,
    queries: Sequence[Query],
    *,
    now: datetime | None = None,
    found: Rules | None = None,
    note_waiting: bool = True,
) -> int:
    """Assign pending, unassigned queries by the agency's rule; those no agent can take wait,
    with the reason on their timeline (once: `note_waiting=False` when the queue is retried).
    Returns how many were assigned."""
    now = now or utcnow()
    waiting = [
        q for q in queries if q.assigned_to is None and q.status == QueryStatus.PENDING.value
    ]
    if not waiting:
        return 0
    found = found or rules(session, ctx)
    agents = _agents(session, ctx, now, found.timezone)
    rule = AssignmentRule(found.settings.assignment_rule)
    events: list[dict[str, Any]] = []
    done = 0
    for query in waiting:
        agent, why = choose_agent(agents, rule, _tags(query))
        data: dict[str, Any] = {}
        if agent is None:
            if not note_waiting:
                continue
        else:
            _check_move(query, QueryStatus.ASSIGNED)
            assignment = {
                "assigned_to": agent.user_id,
                "assigned_at": now,
                "status": QueryStatus.ASSIGNED.value,
                "updated_at": now,
            }
            if not advance_version(session, query, read=query.row_version, values=assignment):
                continue  # someone changed it meanwhile: it is theirs to move now
            data = {"user_id": str(agent.user_id)}
            agent.load += 1
            agent.last_assigned_at = now
            done += 1
        events.append(
            {
                "subject_type": SubjectType.QUERY,
                "subject_id": query.id,
                "kind": "assignment",
                "actor_user_id": None,  # the system assigns, not the person who saved
                "body": why,
                "data": data,
                "occurred_at": now,
            }
        )
    for agent in agents:  # whose turn it was, for round robin
        if agent.last_assigned_at != now:
            continue
        if agent.profile is not None:
            agent.profile.last_assigned_at = now
            session.add(agent.profile)
        else:  # their first turn: the profile is made by an upsert (two assignments at once)
            save_row(
                session,
                AgentProfile(tenant_id=ctx.tenant_id, user_id=agent.user_id, last_assigned_at=now),
                key=["tenant_id", "user_id"],
                update=["last_assigned_at"],
            )
    session.flush()
    timeline.record_many(session, ctx, events)  # one statement, not an ORM object each
    return done


def assign_waiting(session: Session, ctx: TenantContext, *, now: datetime | None = None) -> int:
    """The queue of unassigned pending queries, oldest first (when an agent comes online)."""
    waiting = session.exec(
        select(Query)
        .where(col(Query.status) == QueryStatus.PENDING.value, col(Query.assigned_to).is_(None))
        .order_by(col(Query.created_at))
        .limit(500)
    ).all()
    return auto_assign(session, ctx, waiting, now=now, note_waiting=False)


def agent_profiles(
    session: Session, ctx: TenantContext, *, user_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, AgentProfile]:
    """The saved assignment profiles of these colleagues (skills, cap, leave)."""
    require(ctx, Action.QUERIES_SETTINGS)
    if not user_ids:
        return {}
    found = session.exec(select(AgentProfile).where(col(AgentProfile.user_id).in_(user_ids)))
    return {p.user_id: p for p in found}


def set_agent_profile(
    session: Session, ctx: TenantContext, *, user_id: uuid.UUID, data: AgentProfileIn
) -> AgentProfile:
    require(ctx, Action.QUERIES_SETTINGS)
    member = session.exec(select(Membership).where(col(Membership.user_id) == user_id)).first()
    if member is None:
        raise NotFoundError("No such colleague in this agency.")
    # one upsert on (agency, colleague): two first saves at once both land
    save_row(
        session,
        AgentProfile(
            tenant_id=ctx.tenant_id,
            user_id=user_id,
            skills=list(dict.fromkeys(s.strip().lower() for s in data.skills if s.strip())),
            workload_cap=data.workload_cap,
            on_leave_until=data.on_leave_until,
        ),
        key=["tenant_id", "user_id"],
        update=["skills", "workload_cap", "on_leave_until"],
    )
    return session.exec(
        select(AgentProfile)
        .where(col(AgentProfile.user_id) == user_id)
        .execution_options(populate_existing=True)
    ).one()


# ---- timeline ----------------------------------------------------------------------------------


def _event(
    session: Session,
    ctx: TenantContext,
    query: Query,
    kind: str,
    body: str | None,
    *,
    data: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> TimelineEvent:
    return timeline.record(
        session,
        ctx,
        subject_type=SubjectType.QUERY,
        subject_id=query.id,
        kind=kind,
        body=body,
        data=data,
        occurred_at=now,
    )


def add_note(
    session: Session,
    ctx: TenantContext,
    *,
    query_id: uuid.UUID,
    data: NoteIn,
    now: datetime | None = None,
) -> TimelineEvent:
    """A note or a logged call/email on the query. `@Name` mentions tell those colleagues by
    email. A call or email to the customer by the assignee answers the SLA: the follow-up
    clock starts (a note never does, ticked or not)."""
    require(ctx, Action.QUERIES_EDIT)
    now = now or utcnow()
    query = get_query(session, ctx, query_id=query_id)
    mentioned = timeline.mentioned(session, data.body)
    event = _event(
        session,
        ctx,
        query,
        data.kind,
        data.body.strip(),
        data={"mentions": [str(u.id) for u in mentioned]},
        now=now,
    )
    # only a call or an email reaches the customer: a note for colleagues never answers the SLA
    answers = data.counts_as_reply and data.kind in ("call", "email")
    if answers and query.status in _AWAITING_REPLY:
        found = rules(session, ctx)
        if query.first_response_at is None:
            query.first_response_at = now
        query.response_due_at = found.policy.due_at(
            found.calendar, SlaKind.FOLLOW_UP, Priority(query.priority), now
        )
        query.breached_at = None
        query.escalation_level = 0
        query.updated_at = now
        session.add(query)
    author = (
        _names(session, [ctx.user_id]).get(ctx.user_id, "A colleague")
        if ctx.user_id
        else "A colleague"
    )
    for user in mentioned:
        if user.id == ctx.user_id:
            continue
        queue_email(
            session,
            kind="mention",
            to_email=user.email,
            to_name=user.name,
            subject=f"{author} mentioned you on {reference(query.number)}",
            text_body=f"{author} wrote on {reference(query.number)} ({query.title}):\n\n"
            f"{data.body.strip()}\n",
            agency_id=ctx.tenant_id,
        )
    session.flush()
    return event


def query_timeline(
    session: Session, ctx: TenantContext, *, query_id: uuid.UUID
) -> list[TimelineItem]:
    """The query's timeline, newest first (for those who may see the query)."""
    get_query(session, ctx, query_id=query_id)
    return timeline.entries(session, subject_type=SubjectType.QUERY, subject_id=query_id)


# ---- SLA breaches ------------------------------------------------------------------------------


def _flag(
    session: Session,
    ctx: TenantContext,
    now: datetime,
    condition: Any,
    values: dict[str, Any],
    note: str,
) -> list[Any]:
    """Update the agency's queries matching `condition` and put `note` on each one's
    timeline; the rows (id, number, title, assignee) back. On PostgreSQL one statement does
    both (a data-modifying CTE), elsewhere the notes follow in one insert."""
    q = Query.__table__  # type: ignore[attr-defined]
    connection = session.connection()
    update = (
        sa.update(q)
        .where(q.c.tenant_id == ctx.tenant_id, condition)
        .values(**values)
        .returning(q.c.id, q.c.number, q.c.title, q.c.assigned_to)
    )
    if connection.dialect.name == "postgresql":
        flagged = update.cte("flagged")
        noted = timeline.record_for_each(
            ctx,
            flagged.c.id,
            subject_type=SubjectType.QUERY,
            kind="sla",
            body=note,
            occurred_at=now,
        ).cte("noted")
        statement = sa.select(
            flagged.c.id, flagged.c.number, flagged.c.title, flagged.c.assigned_to
        ).add_cte(noted)
        return list(connection.execute(statement).all())
    rows = list(connection.execute(update).all())
    timeline.record_many(
        session,
        ctx,
        [
            {
                "subject_type": SubjectType.QUERY,
                "subject_id": row.id,
                "kind": "sla",
                "body": note,
                "occurred_at": now,
            }
            for row in rows
        ],
    )
    return rows


def _listing(rows: Sequence[Any], limit: int = 50) -> str:
    shown = "\n".join(f"- {reference(r.number)}: {r.title}" for r in rows[:limit])
    return shown + (f"\n... and {len(rows) - limit} more" if len(rows) > limit else "")


def scan_breaches(session: Session, ctx: TenantContext, *, now: datetime | None = None) -> int:
    """Flag the agency's queries whose reply is overdue (one UPDATE over the due-time index),
    tell the assignee at once and the managers when still unanswered an hour later."""
    now = now or utcnow()
    q = Query.__table__  # type: ignore[attr-defined]
    awaiting = q.c.status.in_(_AWAITING_REPLY)
    newly = _flag(
        session,
        ctx,
        now,
        sa.and_(q.c.response_due_at < now, q.c.breached_at.is_(None), awaiting),
        {"breached_at": now, "escalation_level": 1},
        "Reply overdue: SLA breached; the assignee was told.",
    )
    escalate = _flag(
        session,
        ctx,
        now,
        sa.and_(q.c.escalation_level == 1, q.c.breached_at < now - timedelta(hours=1), awaiting),
        {"escalation_level": 2},
        "Still overdue an hour later: the managers were told.",
    )
    if not newly and not escalate:
        return 0
    # one message per person, listing their queries (not one per query), sent as one job
    mails: list[Mail] = []
    by_agent: dict[uuid.UUID, list[Any]] = defaultdict(list)
    for row in newly:
        if row.assigned_to:
            by_agent[row.assigned_to].append(row)
    people = (
        {u.id: u for u in session.exec(select(User).where(col(User.id).in_(set(by_agent))))}
        if by_agent
        else {}
    )
    for user_id, rows in by_agent.items():
        agent = people.get(user_id)
        if agent is None:
            continue
        mails.append(
            Mail(
                kind="sla_breach",
                to_email=agent.email,
                to_name=agent.name,
                subject=(
                    f"{reference(rows[0].number)} is overdue"
                    if len(rows) == 1
                    else f"{len(rows)} of your queries are overdue"
                ),
                text_body=f"Waiting for your reply past their SLA:\n{_listing(rows)}\n",
                agency_id=ctx.tenant_id,
            )
        )
    if escalate:
        managers = session.exec(
            select(User)
            .join(Membership, col(Membership.user_id) == col(User.id))
            .where(col(Membership.role) == Role.MANAGER.value, col(Membership.is_active).is_(True))
        ).all()
        mails += [
            Mail(
                kind="sla_escalation",
                to_email=manager.email,
                to_name=manager.name,
                subject=f"{len(escalate)} queries still overdue",
                text_body=f"More than an hour past their SLA:\n{_listing(escalate)}\n",
                agency_id=ctx.tenant_id,
            )
            for manager in managers
        ]
    queue_emails(session, mails)
    session.flush()
    return len(newly)


# ---- workload ----------------------------------------------------------------------------------


def workload(
    session: Session, ctx: TenantContext, *, now: datetime | None = None
) -> list[WorkloadRow]:
    """Per agent: open queries, how many breach their SLA, the oldest waiting one."""
    require(ctx, Action.QUERIES_ASSIGN)
    now = now or utcnow()
    found = rules(session, ctx)
    agents = _agents(session, ctx, now, found.timezone)
    ids = [a.user_id for a in agents]
    stats: dict[uuid.UUID, tuple[int, datetime | None]] = defaultdict(lambda: (0, None))
    if ids:
        for user_id, breaching, oldest in session.exec(
            select(
                Query.assigned_to,
                sa.func.count().filter(col(Query.response_due_at) < now),
                sa.func.min(Query.created_at),
            )
            .where(col(Query.assigned_to).in_(ids), col(Query.status).in_(_AWAITING_REPLY))
            .group_by(col(Query.assigned_to))
        ).all():
            if user_id is not None:
                stats[user_id] = (int(breaching), oldest)
    return [
        WorkloadRow(
            user_id=a.user_id,
            name=a.name,
            online=a.online,
            on_leave=a.on_leave,
            open_queries=a.load,
            breaching=stats[a.user_id][0],
            oldest_waiting_at=stats[a.user_id][1],
            workload_cap=a.cap,
        )
        for a in sorted(agents, key=lambda a: a.name)
    ]


# ---- the minutely sweep ------------------------------------------------------------------------


def sweep(*, now: datetime | None = None) -> dict[str, int]:
    """For every active agency, in its own scope: hand waiting queries to agents who came
    online, then flag and report overdue replies. Run each minute by the job worker."""
    now = now or utcnow()
    with session_scope() as session:
        agencies = session.exec(
            select(Tenant.id).where(col(Tenant.status) == TenantStatus.ACTIVE.value)
        ).all()
    assigned = breached = 0
    for tenant_id in agencies:
        ctx = TenantContext(tenant_id, None, Role.OWNER)  # the system, acting for the agency
        with tenant_scope(ctx) as session:
            assigned += assign_waiting(session, ctx, now=now)
            breached += scan_breaches(session, ctx, now=now)
    return {"agencies": len(agencies), "assigned": assigned, "breached": breached}


# ---- enquiries by email ------------------------------------------------------------------------

TO_BE_CONFIRMED = "To be confirmed"
_EXTERNAL_REF = re.compile(r"^[A-Za-z0-9._:/@#-]{1,120}$")


class EmailTooLargeError(DomainError):
    code = "too_large"
    status = 413
    title = "Email too large"


class EmailMalformedError(DomainError):
    code = "malformed"
    status = 422
    title = "Not a readable email"


class EmailWithoutSenderError(DomainError):
    code = "no_sender"
    status = 422
    title = "No sender"


_EMAIL_REFUSALS: Mapping[str, type[DomainError]] = {
    "too_large": EmailTooLargeError,
    "malformed": EmailMalformedError,
    "no_sender": EmailWithoutSenderError,
}


def _message_ref(enquiry: InboundEnquiry, raw: bytes) -> str:
    """The Message-ID without its brackets; a digest of it when it does not fit an
    `external_ref`, and of the whole email when it has none (a resent copy is the same mail)."""
    if enquiry.message_id:
        ref = enquiry.message_id.strip().strip("<>").strip()
        if _EXTERNAL_REF.fullmatch(ref):
            return ref
        return "sha256:" + hashlib.sha256(enquiry.message_id.encode()).hexdigest()
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def _email_notes(enquiry: InboundEnquiry) -> str | None:
    parts = [f"Subject: {enquiry.subject}" if enquiry.subject else "", enquiry.text]
    if enquiry.attachments:
        names = ", ".join(a.filename or a.content_type for a in enquiry.attachments[:10])
        parts.append(f"Attachments (not kept): {names}")
    notes = "\n\n".join(p for p in parts if p)
    return (notes[:4990] + "\n[...]" if len(notes) > 5000 else notes) or None


def _email_contact(enquiry: InboundEnquiry) -> ContactIn:
    local = enquiry.sender_email.partition("@")[0]
    for name in (enquiry.sender_name, local):
        if not name:
            continue
        try:
            return ContactIn(name=name, email=enquiry.sender_email)
        except PydanticValidationError:
            continue
    raise EmailWithoutSenderError(
        f"The sender's address ({enquiry.sender_email[:254]}) cannot be stored for a customer."
    )


def _email_query(enquiry: InboundEnquiry, raw: bytes) -> QueryCreate:
    """What the email says, for a person to confirm: the sender, the text as notes, the
    traveller counts when they are clear; no destination or dates yet."""
    hints = enquiry.hints
    children, ages = hints.children or 0, list(hints.child_ages)
    if not (0 < children <= 20 and len(ages) == children):
        children, ages = 0, []
    adults = hints.adults if hints.adults and hints.adults <= 99 else 1
    return QueryCreate(
        contact=_email_contact(enquiry),
        destinations=[TO_BE_CONFIRMED],
        adults=adults,
        children=children,
        child_ages=ages,
        notes=_email_notes(enquiry),
        external_ref=_message_ref(enquiry, raw),
    )


def query_from_email(raw: bytes) -> QueryCreate:
    """The query an enquiry email (raw .eml) asks for; refused with the reason (too large,
    malformed, no sender) as a domain error."""
    try:
        enquiry = parse_enquiry_email(raw, max_bytes=MAX_EMAIL_BYTES)
    except InboundEmailError as exc:
        raise _EMAIL_REFUSALS[exc.code](str(exc)) from None
    return _email_query(enquiry, raw)

"""The numbers Home shows, each one aggregate statement in the caller's agency (GROUP BY and
FILTER, the same SQL on SQLite and PostgreSQL): an agent's desk (open queries by urgency, the
ones past their SLA, the replies due today in the agency's timezone) and a manager's view
(the pipeline by status, SLA breaches, the load per agent, won and lost day by day)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, col, select

from travelcrm.accounts.models import Membership, User
from travelcrm.core.clock import as_utc, utcnow
from travelcrm.core.permissions import Action, Role, require
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import scoped_rows
from travelcrm.queries import services as queries
from travelcrm.queries.machine import OPEN_STATUSES, QueryStatus
from travelcrm.queries.models import Query
from travelcrm.queries.schemas import QueryListItem

# the pipeline left to right (drafts first: written, not yet sent on)
PIPELINE = (
    QueryStatus.DRAFT,
    QueryStatus.PENDING,
    QueryStatus.ASSIGNED,
    QueryStatus.QUOTED,
    QueryStatus.ON_HOLD,
)
_OPEN = [s.value for s in OPEN_STATUSES]
_AWAITING_REPLY = [s.value for s in (QueryStatus.PENDING, QueryStatus.ASSIGNED, QueryStatus.QUOTED)]
_WORKING_ROLES = (Role.AGENT.value, Role.MANAGER.value, Role.ADMIN.value, Role.OWNER.value)


@dataclass(frozen=True)
class StatusCount:
    status: QueryStatus
    count: int


@dataclass(frozen=True)
class Breaches:
    count: int  # every query past its SLA
    items: list[QueryListItem]  # the longest overdue first, at most `limit`


@dataclass(frozen=True)
class Desk:
    """An agent's own open queries."""

    open_count: int
    breaching_count: int
    due_today_count: int  # replies due today, in the agency's timezone
    queue: list[QueryListItem]  # by urgency: the soonest (or longest overdue) reply first
    due_today: list[QueryListItem]


@dataclass(frozen=True)
class AgentLoad:
    user_id: uuid.UUID
    name: str
    open_count: int
    breaching_count: int


@dataclass(frozen=True)
class DayOutcome:
    day: date  # in the agency's timezone
    won: int
    lost: int


def _q() -> Any:
    return Query.__table__  # type: ignore[attr-defined]


def _rows(session: Session, statement: Any) -> list[Any]:
    """Plain rows of a Core select in the caller's agency (see db.scoped_rows)."""
    return list(scoped_rows(session, statement))


def _owed(q: Any) -> Any:
    """A reply is owed by a due time."""
    return sa.and_(q.c.status.in_(_AWAITING_REPLY), q.c.response_due_at.is_not(None))


def _breaching(q: Any, now: datetime) -> Any:
    return sa.and_(q.c.status.in_(_AWAITING_REPLY), q.c.response_due_at < now)


def _local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return as_utc(datetime.combine(day, time(0), tzinfo=zone))


def _today(timezone: str, now: datetime) -> tuple[date, ZoneInfo]:
    zone = ZoneInfo(timezone)
    return as_utc(now).astimezone(zone).date(), zone


def _items(
    session: Session, ctx: TenantContext, where: Any, now: datetime, limit: int
) -> list[QueryListItem]:
    """Queries matching `where`, the soonest due reply first (none owed: last), with their
    customers' and assignees' names, in one statement."""
    q = _q()
    statement = (
        queries.list_select(ctx)
        .where(where)
        .order_by(  # no reply owed (on hold, drafts) or no due time: after the rest
            sa.case((_owed(q), 0), else_=1),
            sa.case((q.c.response_due_at.is_(None), 1), else_=0),  # as on both databases
            q.c.response_due_at,
            q.c.number,
        )
        .limit(limit)
    )
    return [queries.list_item(r, now) for r in _rows(session, statement)]


# ---- an agent's desk ---------------------------------------------------------------------------


def desk(
    session: Session, ctx: TenantContext, *, now: datetime | None = None, limit: int = 8
) -> Desk:
    """The caller's open queries: how many, how many past their SLA, how many replies fall
    due today (the agency's day); the most urgent ones and today's."""
    require(ctx, Action.QUERIES_VIEW)
    now = now or utcnow()
    today, zone = _today(queries.rules(session, ctx).timezone, now)
    starts, ends = _local_midnight(today, zone), _local_midnight(today + timedelta(days=1), zone)
    q = _q()
    mine = sa.and_(q.c.assigned_to == ctx.user_id, q.c.status.in_(_OPEN))
    due_today = sa.and_(
        q.c.status.in_(_AWAITING_REPLY), q.c.response_due_at >= starts, q.c.response_due_at < ends
    )
    total, breaching, today_count = _rows(
        session,
        sa.select(
            sa.func.count(),
            sa.func.count().filter(_breaching(q, now)),
            sa.func.count().filter(due_today),
        ).where(q.c.tenant_id == ctx.tenant_id, mine),
    )[0]
    return Desk(
        open_count=int(total),
        breaching_count=int(breaching),
        due_today_count=int(today_count),
        queue=_items(session, ctx, mine, now, limit),
        due_today=_items(session, ctx, sa.and_(mine, due_today), now, limit),
    )


# ---- a manager's view --------------------------------------------------------------------------


def pipeline(session: Session, ctx: TenantContext) -> list[StatusCount]:
    """Open queries per status, in pipeline order (a status with none: 0)."""
    require(ctx, Action.QUERIES_VIEW_ALL)
    q = _q()
    counts = {
        status: int(count)
        for status, count in _rows(
            session,
            sa.select(q.c.status, sa.func.count())
            .where(q.c.tenant_id == ctx.tenant_id, q.c.status.in_(_OPEN))
            .group_by(q.c.status),
        )
    }
    return [StatusCount(status, counts.get(status.value, 0)) for status in PIPELINE]


def breaches(
    session: Session, ctx: TenantContext, *, now: datetime | None = None, limit: int = 8
) -> Breaches:
    """Every query waiting for a reply past its SLA: how many, and the longest overdue."""
    require(ctx, Action.QUERIES_VIEW_ALL)
    now = now or utcnow()
    q = _q()
    count = _rows(
        session,
        sa.select(sa.func.count()).where(q.c.tenant_id == ctx.tenant_id, _breaching(q, now)),
    )[0][0]
    return Breaches(int(count), _items(session, ctx, _breaching(q, now), now, limit))


def load_per_agent(
    session: Session, ctx: TenantContext, *, now: datetime | None = None
) -> list[AgentLoad]:
    """Per member who works queries (every agent, and others holding open ones), by name:
    their open queries and how many of those are past their SLA. Two statements: the counts
    grouped by assignee, and the members (an outer join would lose the agents with none, as
    the agency's filter on the queries lands in the WHERE)."""
    require(ctx, Action.QUERIES_VIEW_ALL)
    now = now or utcnow()
    q = _q()
    counts = {
        user_id: (int(n), int(late))
        for user_id, n, late in _rows(
            session,
            sa.select(q.c.assigned_to, sa.func.count(), sa.func.count().filter(_breaching(q, now)))
            .where(
                q.c.tenant_id == ctx.tenant_id,
                q.c.status.in_(_OPEN),
                q.c.assigned_to.is_not(None),
            )
            .group_by(q.c.assigned_to),
        )
    }
    members = session.exec(
        select(Membership.user_id, User.name, Membership.role)
        .join(User, col(User.id) == col(Membership.user_id))
        .where(
            col(Membership.tenant_id) == ctx.tenant_id,
            col(Membership.is_active).is_(True),
            col(Membership.accepted_at).is_not(None),
            col(Membership.role).in_(_WORKING_ROLES),
        )
        .order_by(col(User.name))
    ).all()
    return [
        AgentLoad(user_id, name, *counts.get(user_id, (0, 0)))
        for user_id, name, role in members
        if user_id in counts or role == Role.AGENT.value
    ]


def outcomes(
    session: Session, ctx: TenantContext, *, now: datetime | None = None, days: int = 30
) -> list[DayOutcome]:
    """Queries won and lost on each of the last `days` days (the agency's days, today last)."""
    require(ctx, Action.QUERIES_VIEW_ALL)
    now = now or utcnow()
    today, zone = _today(queries.rules(session, ctx).timezone, now)
    first = today - timedelta(days=days - 1)
    starts = [_local_midnight(first + timedelta(days=i), zone) for i in range(days)]
    q = _q()
    day = sa.case(
        *((q.c.closed_at >= start, i) for i, start in reversed(list(enumerate(starts)))),
        else_=-1,
    ).label("day_index")
    by_day: Any = sa.literal_column("day_index")  # by name: repeated, its parameters would differ
    closed = [QueryStatus.WON.value, QueryStatus.LOST.value]
    counts: dict[tuple[int, str], int] = {
        (int(index), status): int(n)
        for index, status, n in _rows(
            session,
            sa.select(day, q.c.status, sa.func.count())
            .where(
                q.c.tenant_id == ctx.tenant_id,
                q.c.status.in_(closed),
                q.c.closed_at >= starts[0],
                q.c.closed_at <= now,
            )
            .group_by(by_day, q.c.status),
        )
    }
    return [
        DayOutcome(
            first + timedelta(days=i),
            counts.get((i, QueryStatus.WON.value), 0),
            counts.get((i, QueryStatus.LOST.value), 0),
        )
        for i in range(days)
    ]

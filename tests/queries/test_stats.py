"""Home's numbers (travelcrm.queries.stats) on SQLite and PostgreSQL: each worked out by hand
from queries placed at known statuses and due times in an agency in Asia/Kolkata (UTC+5:30),
next to another agency whose queries must never count."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from tests.queries.factories import agency_context, member, trip
from travelcrm.core.errors import PermissionDeniedError
from travelcrm.core.permissions import Role
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import tenant_scope
from travelcrm.queries import services as queries
from travelcrm.queries import stats
from travelcrm.queries.machine import QueryStatus

pytestmark = pytest.mark.usefixtures("migrated_engine")

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)  # 15:30 in Kolkata, on 7 December
MIDNIGHT = datetime(2026, 12, 6, 18, 30, tzinfo=UTC)  # 7 December begins in Kolkata
H = timedelta(hours=1)
S = QueryStatus


def _query(
    ctx: TenantContext,
    status: QueryStatus,
    *,
    to: TenantContext | None = None,
    due: datetime | None = None,
    closed: datetime | None = None,
) -> uuid.UUID:
    """A query put straight at `status`, assigned to `to`, its reply due at `due`."""
    with tenant_scope(ctx) as session:
        query, _ = queries.create_query(session, ctx, data=trip(), now=NOW - 72 * H)
        query.status = status.value
        query.assigned_to = to.user_id if to else None
        query.response_due_at = due
        query.closed_at = closed
        session.add(query)
        session.flush()
        return query.id


def _ids(items: list) -> list[uuid.UUID]:
    return [item.id for item in items]


def test_an_agents_desk_orders_by_urgency_and_counts_todays_replies() -> None:
    owner = agency_context()
    asha, bela = member(owner, "Asha Rao"), member(owner, "Bela Iyer")
    overdue_yesterday = _query(owner, S.ASSIGNED, to=asha, due=NOW - 20 * H)  # 19:30 on the 6th
    at_midnight = _query(owner, S.ASSIGNED, to=asha, due=MIDNIGHT)  # 00:00 on the 7th
    overdue_today = _query(owner, S.ASSIGNED, to=asha, due=NOW - 2 * H)
    later_today = _query(owner, S.QUOTED, to=asha, due=NOW + 3 * H)  # 18:30, still the 7th
    tomorrow = _query(owner, S.ASSIGNED, to=asha, due=MIDNIGHT + 24 * H)  # 00:00 on the 8th
    held = _query(owner, S.ON_HOLD, to=asha)
    held_late = _query(owner, S.ON_HOLD, to=asha, due=NOW - 40 * H)  # no reply owed while held
    just_before = _query(owner, S.ASSIGNED, to=asha, due=MIDNIGHT - timedelta(minutes=1))  # 6th
    _query(owner, S.WON, to=asha, closed=NOW - H)
    _query(owner, S.ASSIGNED, to=bela, due=NOW - 5 * H)
    _query(owner, S.PENDING, due=NOW - 5 * H)
    elsewhere = agency_context()
    _query(elsewhere, S.ASSIGNED, to=asha, due=NOW - H)  # another agency's row for the same id

    with tenant_scope(asha) as session:
        found = stats.desk(session, asha, now=NOW)
        top_two = stats.desk(session, asha, now=NOW, limit=2)
    assert (found.open_count, found.breaching_count, found.due_today_count) == (8, 4, 3)
    assert _ids(found.queue) == [
        overdue_yesterday,
        just_before,
        at_midnight,
        overdue_today,
        later_today,
        tomorrow,
        held_late,
        held,
    ]
    assert _ids(found.due_today) == [at_midnight, overdue_today, later_today]
    assert [item.breached for item in found.due_today] == [True, True, False]
    assert found.queue[0].customer_name == "Rahul Mehta"
    assert found.queue[0].assigned_to_name == "Asha Rao"
    assert _ids(top_two.queue) == _ids(found.queue)[:2]


def test_the_pipeline_counts_open_queries_per_status_in_order() -> None:
    owner = agency_context()
    for status, times in ((S.DRAFT, 1), (S.PENDING, 2), (S.ASSIGNED, 1), (S.QUOTED, 3)):
        for _ in range(times):
            _query(owner, status)
    for status in (S.WON, S.LOST, S.CANCELLED):
        _query(owner, status, closed=NOW)
    elsewhere = agency_context()
    for _ in range(4):
        _query(elsewhere, S.PENDING)
    with tenant_scope(owner) as session:
        found = stats.pipeline(session, owner)
    assert [(c.status, c.count) for c in found] == [
        (S.DRAFT, 1),
        (S.PENDING, 2),
        (S.ASSIGNED, 1),
        (S.QUOTED, 3),
        (S.ON_HOLD, 0),
    ]


def test_breaches_count_every_overdue_reply_and_list_the_longest_overdue_first() -> None:
    owner = agency_context()
    asha = member(owner, "Asha Rao")
    worst = _query(owner, S.PENDING, due=NOW - 30 * H)
    middle = _query(owner, S.QUOTED, to=asha, due=NOW - 3 * H)
    least = _query(owner, S.ASSIGNED, to=asha, due=NOW - timedelta(minutes=1))
    _query(owner, S.ASSIGNED, to=asha, due=NOW + H)  # not yet due
    _query(owner, S.ON_HOLD, to=asha, due=NOW - 3 * H)  # held: no reply owed
    _query(owner, S.DRAFT, due=NOW - 3 * H)
    _query(agency_context(), S.PENDING, due=NOW - 3 * H)
    with tenant_scope(owner) as session:
        every = stats.breaches(session, owner, now=NOW)
        first_two = stats.breaches(session, owner, now=NOW, limit=2)
    assert every.count == 3 and _ids(every.items) == [worst, middle, least]
    assert all(item.breached for item in every.items)
    assert every.items[1].assigned_to_name == "Asha Rao"
    assert first_two.count == 3 and _ids(first_two.items) == [worst, middle]


def test_the_load_per_agent_counts_open_and_overdue_queries_by_name() -> None:
    owner = agency_context()
    asha, bela = member(owner, "Asha Rao"), member(owner, "Bela Iyer")
    chetan = member(owner, "Chetan Das")  # an agent with nothing yet: still on the chart
    manoj = member(owner, "Manoj Pillai", role=Role.MANAGER)  # holds one query
    member(owner, "Nisha Kapoor", role=Role.MANAGER)  # holds none: left off
    _query(owner, S.ASSIGNED, to=asha, due=NOW - H)
    _query(owner, S.QUOTED, to=asha, due=NOW + H)
    _query(owner, S.ON_HOLD, to=asha, due=NOW - H)  # open, but no reply owed
    _query(owner, S.WON, to=asha, closed=NOW)
    _query(owner, S.ASSIGNED, to=bela, due=NOW - 2 * H)
    _query(owner, S.ASSIGNED, to=manoj, due=NOW + H)
    _query(owner, S.PENDING, due=NOW - H)  # nobody's
    with tenant_scope(owner) as session:
        found = stats.load_per_agent(session, owner, now=NOW)
    assert [(a.user_id, a.name, a.open_count, a.breaching_count) for a in found] == [
        (asha.user_id, "Asha Rao", 3, 1),
        (bela.user_id, "Bela Iyer", 1, 1),
        (chetan.user_id, "Chetan Das", 0, 0),
        (manoj.user_id, "Manoj Pillai", 1, 0),
    ]


def test_outcomes_count_won_and_lost_per_agency_day_over_the_last_thirty() -> None:
    owner = agency_context()
    first_midnight = MIDNIGHT - 29 * 24 * H  # 8 November begins in Kolkata
    _query(owner, S.WON, closed=NOW - H)
    _query(owner, S.WON, closed=MIDNIGHT)
    _query(owner, S.LOST, closed=MIDNIGHT + H)
    _query(owner, S.WON, closed=MIDNIGHT - timedelta(minutes=1))  # the 6th
    _query(owner, S.LOST, closed=first_midnight)
    _query(owner, S.LOST, closed=first_midnight - timedelta(minutes=1))  # 31 days ago
    _query(owner, S.CANCELLED, closed=NOW - H)
    _query(agency_context(), S.WON, closed=NOW - H)
    with tenant_scope(owner) as session:
        found = stats.outcomes(session, owner, now=NOW)
    assert len(found) == 30
    assert (found[0].day, found[-1].day) == (date(2026, 11, 8), date(2026, 12, 7))
    assert (found[-1].won, found[-1].lost) == (2, 1)
    assert (found[-2].won, found[-2].lost) == (1, 0)
    assert (found[0].won, found[0].lost) == (0, 1)
    assert sum(d.won for d in found) == 3 and sum(d.lost for d in found) == 2


def test_an_agent_gets_their_desk_but_not_the_managers_numbers() -> None:
    owner = agency_context()
    asha = member(owner, "Asha Rao")
    with tenant_scope(asha) as session:
        assert stats.desk(session, asha, now=NOW).open_count == 0
        for read in (stats.pipeline, stats.breaches, stats.load_per_agent, stats.outcomes):
            with pytest.raises(PermissionDeniedError):
                read(session, asha)  # type: ignore[operator]

"""The queries list by urgency (the reply due soonest first, keyset pages), what a list row and a
query carry for the agent's loop (travel dates, the customer's phone and email), a note that
never answers the SLA, and @mentions by whole name. On SQLite and PostgreSQL (TEST_BACKEND)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import col, select

from tests.queries.factories import agency_context, member, trip
from travelcrm.core.errors import ValidationFailedError
from travelcrm.core.pagination import PageParams
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import tenant_scope
from travelcrm.mail.models import OutboxMessage
from travelcrm.queries import services as queries
from travelcrm.queries.machine import QueryStatus
from travelcrm.queries.models import Query
from travelcrm.queries.schemas import ContactIn, QueryFilter
from travelcrm.timeline import services as timeline
from travelcrm.timeline.schemas import NoteIn

NOW = datetime(2026, 12, 7, 6, 0, tzinfo=UTC)  # the "now" the list is read at


def _create(ctx: TenantContext, **changes: object) -> uuid.UUID:
    with tenant_scope(ctx) as session:
        query, _created = queries.create_query(session, ctx, data=trip(**changes))
        return query.id


def _set(ctx: TenantContext, query_id: uuid.UUID, *, status: str, due: datetime | None) -> None:
    """Where a query stands (set straight: the order is the subject here, not the moves)."""
    with tenant_scope(ctx) as session:
        row = session.exec(select(Query).where(col(Query.id) == query_id)).one()
        row.status, row.response_due_at = status, due
        session.add(row)


def _listed(
    ctx: TenantContext, *, limit: int = 50, filters: QueryFilter | None = None
) -> list[uuid.UUID]:
    """Every query of the list by urgency, page after page of `limit`."""
    ids: list[uuid.UUID] = []
    cursor = None
    for _ in range(20):
        with tenant_scope(ctx) as session:
            page = queries.list_queries(
                session,
                ctx,
                filters=filters or QueryFilter(),
                page=PageParams(limit=limit, cursor=cursor),
                sort="urgency",
                now=NOW,
            )
        ids += [item.id for item in page.items]
        cursor = page.next_cursor
        if cursor is None:
            return ids
    raise AssertionError("the pages never ended")


@pytest.fixture
def urgent_mix(migrated_engine) -> tuple[TenantContext, dict[str, uuid.UUID]]:
    """Eight queries: overdue ones, due ones (two at the same time), and ones owing no reply
    (on hold, won, a pending one without a due time)."""
    owner = agency_context()
    made = {name: _create(owner) for name in ("a", "b", "c", "d", "e", "f", "g", "h")}
    hour = timedelta(hours=1)
    _set(owner, made["a"], status=QueryStatus.ASSIGNED.value, due=NOW + 5 * hour)
    _set(owner, made["b"], status=QueryStatus.PENDING.value, due=NOW - 2 * hour)  # overdue longest
    _set(owner, made["c"], status=QueryStatus.QUOTED.value, due=NOW + hour)
    _set(
        owner, made["d"], status=QueryStatus.ON_HOLD.value, due=NOW - 9 * hour
    )  # no reply owed on hold
    _set(owner, made["e"], status=QueryStatus.ASSIGNED.value, due=NOW - hour)  # overdue
    _set(owner, made["f"], status=QueryStatus.WON.value, due=None)
    _set(
        owner, made["g"], status=QueryStatus.ASSIGNED.value, due=NOW + 5 * hour
    )  # a tie with a, made later
    _set(owner, made["h"], status=QueryStatus.PENDING.value, due=None)
    return owner, made


def test_by_urgency_the_overdue_lead_then_the_soonest_due_then_those_owing_no_reply(
    urgent_mix: tuple[TenantContext, dict[str, uuid.UUID]],
) -> None:
    owner, made = urgent_mix
    names = {v: k for k, v in made.items()}
    order = [names[i] for i in _listed(owner)]
    # due: b (-2h), e (-1h), c (+1h), a and g (+5h, the older first); then no reply owed,
    # newest first: h, f, d
    assert order == ["b", "e", "c", "a", "g", "h", "f", "d"]
    with tenant_scope(owner) as session:
        first = queries.list_queries(
            session, owner, filters=QueryFilter(), page=PageParams(2, None), sort="urgency", now=NOW
        )
    assert [i.breached for i in first.items] == [True, True]


@pytest.mark.parametrize("limit", [1, 2, 3, 5], ids=lambda n: f"pages-of-{n}")
def test_urgency_pages_follow_one_another_without_gaps_or_repeats(
    urgent_mix: tuple[TenantContext, dict[str, uuid.UUID]], limit: int
) -> None:
    owner, made = urgent_mix
    assert _listed(owner, limit=limit) == _listed(owner)
    assert sorted(_listed(owner, limit=limit)) == sorted(made.values())


def test_urgency_keeps_the_filters_and_newest_first_stays_the_default(
    urgent_mix: tuple[TenantContext, dict[str, uuid.UUID]],
) -> None:
    owner, made = urgent_mix
    names = {v: k for k, v in made.items()}
    breaching = _listed(owner, filters=QueryFilter(view="breaching"))
    assert [names[i] for i in breaching] == ["b", "e"]
    with tenant_scope(owner) as session:
        newest = queries.list_queries(
            session, owner, filters=QueryFilter(), page=PageParams(50, None)
        )
    assert [names[i.id] for i in newest.items] == ["h", "g", "f", "e", "d", "c", "b", "a"]


def test_a_cursor_of_the_newest_first_list_does_not_open_the_urgency_list(
    urgent_mix: tuple[TenantContext, dict[str, uuid.UUID]],
) -> None:
    owner, _made = urgent_mix
    with tenant_scope(owner) as session:
        newest = queries.list_queries(
            session, owner, filters=QueryFilter(), page=PageParams(2, None)
        )
        assert newest.next_cursor is not None
        with pytest.raises(ValidationFailedError):
            queries.list_queries(
                session,
                owner,
                filters=QueryFilter(),
                page=PageParams(2, newest.next_cursor),
                sort="urgency",
            )


def test_list_rows_carry_the_trip_dates_and_a_query_its_customers_phone_and_email(
    migrated_engine,
) -> None:
    owner = agency_context()
    year = date.today().year + 1
    dated = _create(
        owner,
        contact=ContactIn(name="Leela Nair", email="leela.nair@example.com", phone="+919812345678"),
    )
    by_month = _create(owner, start_date=None, end_date=None, travel_month=f"{year}-03", nights=4)
    with tenant_scope(owner) as session:
        items = {
            i.id: i
            for i in queries.list_queries(
                session, owner, filters=QueryFilter(), page=PageParams(10, None)
            ).items
        }
        public = queries.to_public(
            session, owner, queries.get_query(session, owner, query_id=dated)
        )
    assert (items[dated].start_date, items[dated].end_date) == (
        date(year, 2, 10),
        date(year, 2, 15),
    )
    assert (items[by_month].travel_month, items[by_month].nights) == (f"{year}-03", 4)
    assert items[by_month].start_date is None
    assert public.customer_email == "leela.nair@example.com"
    assert public.customer_phone == "+919812345678"


def test_a_note_never_answers_the_sla_but_an_email_does(migrated_engine) -> None:
    owner = agency_context()
    monday = datetime(2026, 12, 7, 4, 30, tzinfo=UTC)  # 10:00 in Kolkata, the agency's
    with tenant_scope(owner) as session:
        query, _created = queries.create_query(session, owner, data=trip(), now=monday)
        before = query.response_due_at
        for kind, at in (("note", 1), ("email", 2)):
            queries.add_note(
                session,
                owner,
                query_id=query.id,
                data=NoteIn(kind=kind, body=f"A {kind}", counts_as_reply=True),  # type: ignore[arg-type]
                now=monday + timedelta(hours=at),
            )
            if kind == "note":
                noted = queries.get_query(session, owner, query_id=query.id)
                assert noted.first_response_at is None
                assert noted.response_due_at == before
        answered = queries.get_query(session, owner, query_id=query.id)
        assert answered.first_response_at == monday + timedelta(hours=2)
        assert answered.response_due_at != before


def test_a_mention_by_whole_name_tells_that_colleague_and_the_names_are_offered(
    migrated_engine,
) -> None:
    owner = agency_context()
    three = member(owner, "Aadil Online b3f2", online=False)
    member(owner, "Zoya Khan", online=False)
    query_id = _create(owner)
    with tenant_scope(owner) as session:
        names = timeline.mention_names(session)
        assert "Aadil Online b3f2" in names and "Zoya Khan" in names
        assert names == sorted(names, key=str.lower)
        event = queries.add_note(
            session,
            owner,
            query_id=query_id,
            data=NoteIn(body="@Aadil Online b3f2 please call them back"),
        )
        assert event.data["mentions"] == [str(three.user_id)]
        told = session.exec(
            select(OutboxMessage).where(
                col(OutboxMessage.agency_id) == owner.tenant_id,
                col(OutboxMessage.kind) == "mention",
            )
        ).all()
    assert [m.to_name for m in told] == ["Aadil Online b3f2"]

"""Queries end to end through the services, on SQLite and PostgreSQL (TEST_BACKEND): capture
and customer matching, bad input, idempotent API refs, automatic assignment, the pipeline with
optimistic locking, visibility, SLA due times in business hours and the breach scan."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import col, select

from tests.conftest import settle_jobs
from tests.queries.factories import agency_context, go_online, member, trip
from travelcrm.core.clock import as_utc
from travelcrm.core.errors import NotFoundError, PermissionDeniedError, ValidationFailedError
from travelcrm.core.pagination import PageParams
from travelcrm.core.permissions import Role
from travelcrm.core.tenancy import TenantContext
from travelcrm.customers import services as customers
from travelcrm.customers.schemas import CustomerCreate, CustomerFilter
from travelcrm.db import tenant_scope
from travelcrm.mail.models import OutboxMessage
from travelcrm.queries import services as queries
from travelcrm.queries.machine import QueryChannel, QueryStatus
from travelcrm.queries.models import AssignmentRule, Query
from travelcrm.queries.schemas import (
    AgentProfileIn,
    ContactIn,
    QueryFilter,
    QuerySettingsIn,
)
from travelcrm.queries.sla import Priority
from travelcrm.timeline.models import TimelineEvent
from travelcrm.timeline.schemas import NoteIn

IST = ZoneInfo("Asia/Kolkata")
PAGE = PageParams(limit=50, cursor=None)


def _create(
    ctx: TenantContext,
    channel: QueryChannel = QueryChannel.STAFF,
    now: datetime | None = None,
    **changes: object,
) -> tuple[Query, bool]:
    with tenant_scope(ctx) as session:
        query, created = queries.create_query(
            session, ctx, data=trip(**changes), channel=channel, now=now
        )
        session.expunge(query)
        return query, created


def _get(ctx: TenantContext, query_id: uuid.UUID) -> Query:
    with tenant_scope(ctx) as session:
        query = queries.get_query(session, ctx, query_id=query_id)
        session.expunge(query)
        return query


def _events(ctx: TenantContext, query_id: uuid.UUID) -> list[TimelineEvent]:
    with tenant_scope(ctx) as session:
        found = session.exec(
            select(TimelineEvent)
            .where(col(TimelineEvent.subject_id) == query_id)
            .order_by(col(TimelineEvent.occurred_at))
        ).all()
        for event in found:
            session.expunge(event)
        return list(found)


# ---- capture -----------------------------------------------------------------------------------


def test_a_staff_query_finds_or_makes_its_customer_and_gets_the_next_number(
    migrated_engine,
) -> None:
    owner = agency_context()
    contact = ContactIn(name="Anita Rao", email="Anita.Rao@Example.com", phone="098123 45678")
    first, _ = _create(owner, contact=contact)
    second, _ = _create(owner, contact=ContactIn(name="A. Rao", phone="+91 98123 45678"))
    assert second.customer_id == first.customer_id  # the same phone, the same customer
    assert (first.number, second.number) == (1, 2)
    with tenant_scope(owner) as session:
        customer = customers.get_customer(session, owner, customer_id=first.customer_id)
        assert customer.email == "anita.rao@example.com"
        assert customer.phone == "+919812345678"  # E.164, read in the agency's country (IN)
        public = queries.to_public(session, owner, first)
    assert public.reference == "Q-1"
    assert public.title == "Goa, 5 nights, 2 adults + 1 child"


def test_a_draft_waits_until_submitted(migrated_engine) -> None:
    owner = agency_context()
    draft, _ = _create(owner, submit=False)
    assert draft.status == QueryStatus.DRAFT.value and draft.response_due_at is None
    with tenant_scope(owner) as session:
        queries.submit_query(session, owner, query_id=draft.id, row_version=draft.row_version)
    submitted = _get(owner, draft.id)
    assert submitted.status == QueryStatus.PENDING.value  # no agent online: it waits
    assert submitted.response_due_at is not None


def test_bad_trips_are_refused_with_every_problem_named(migrated_engine) -> None:
    owner = agency_context()
    with pytest.raises(ValidationFailedError) as info:
        _create(
            owner,
            start_date=date(2020, 1, 10),
            end_date=date(2020, 1, 5),
            adults=0,
            children=2,
            child_ages=[5],
            budget_currency=None,
        )
    fields = {e.field for e in info.value.errors}
    assert {"start_date", "end_date", "child_ages", "budget_currency"} <= fields
    with pytest.raises(ValidationFailedError) as info:
        _create(owner, adults=0, children=0, child_ages=[])
    assert [e.code for e in info.value.errors] == ["no_travellers"]
    with pytest.raises(ValidationFailedError) as info:
        _create(owner, contact=ContactIn(name="No Way", phone="12345"))
    assert info.value.errors[0].field == "contact.phone"
    with tenant_scope(owner) as session:  # nothing half-saved
        assert session.exec(select(Query)).all() == []


def test_api_queries_are_idempotent_on_their_external_ref(migrated_engine) -> None:
    owner = agency_context()
    first, created = _create(owner, QueryChannel.API, external_ref="site-1042")
    again, created_again = _create(owner, QueryChannel.API, external_ref="site-1042")
    assert created and not created_again and again.id == first.id
    assert first.status == QueryStatus.PENDING.value  # API queries arrive pending
    other, _ = _create(owner, QueryChannel.API, external_ref="site-1043")
    assert other.id != first.id


# ---- assignment --------------------------------------------------------------------------------


def test_round_robin_skips_offline_and_on_leave_agents_and_says_so(migrated_engine) -> None:
    owner = agency_context()
    member(owner, "Priya Nair", online=False)
    arjun = member(owner, "Arjun Das")
    meera = member(owner, "Meera Iyer")
    kabir = member(owner, "Kabir Khan")
    with tenant_scope(owner) as session:
        queries.set_agent_profile(
            session,
            owner,
            user_id=kabir.user_id,
            data=AgentProfileIn(on_leave_until=date.today() + timedelta(days=3)),
        )
    assigned = [_create(owner)[0].assigned_to for _ in range(6)]
    assert assigned == [arjun.user_id, meera.user_id] * 3  # fair turns among the online
    reasons = [e.body for e in _events(owner, _create(owner)[0].id) if e.kind == "assignment"]
    assert reasons and "round robin" in reasons[0]
    assert "Priya Nair: offline" in reasons[0] and "Kabir Khan: on leave" in reasons[0]


def test_the_workload_cap_is_respected_and_queries_wait_for_an_agent(migrated_engine) -> None:
    owner = agency_context()
    arjun = member(owner, "Arjun Das")
    with tenant_scope(owner) as session:
        queries.set_agent_profile(
            session, owner, user_id=arjun.user_id, data=AgentProfileIn(workload_cap=2)
        )
    made = [_create(owner)[0] for _ in range(3)]
    assert [q.assigned_to for q in made] == [arjun.user_id, arjun.user_id, None]
    waiting = made[2]
    assert waiting.status == QueryStatus.PENDING.value
    assert "Arjun Das: at their limit of 2 open queries" in (
        _events(owner, waiting.id)[-1].body or ""
    )
    meera = member(owner, "Meera Iyer", online=False)
    go_online(meera)  # an agent comes online: the waiting query goes to them
    with tenant_scope(owner) as session:
        assert queries.assign_waiting(session, owner) == 1
    assert _get(owner, waiting.id).assigned_to == meera.user_id


def test_an_agent_seen_more_than_ten_minutes_ago_is_offline(migrated_engine) -> None:
    owner = agency_context()
    member(owner, "Old Session", seen=datetime.now(UTC) - timedelta(minutes=11))
    query, _ = _create(owner)
    assert query.assigned_to is None


def test_skill_based_assignment_prefers_a_match_then_the_lowest_workload(migrated_engine) -> None:
    owner = agency_context()
    arjun = member(owner, "Arjun Das")
    meera = member(owner, "Meera Iyer")
    with tenant_scope(owner) as session:
        settings = queries.query_settings(session, owner)
        queries.update_settings(
            session,
            owner,
            data=QuerySettingsIn(
                assignment_rule=AssignmentRule.SKILL,
                working_days=settings.working_days,
                opens=settings.opens,
                closes=settings.closes,
            ),
        )
        queries.set_agent_profile(
            session, owner, user_id=meera.user_id, data=AgentProfileIn(skills=["Goa", "Kerala"])
        )
    goa = [_create(owner)[0] for _ in range(2)]
    assert [q.assigned_to for q in goa] == [meera.user_id, meera.user_id]
    dubai, _ = _create(owner, destinations=["Dubai"])
    assert dubai.assigned_to == arjun.user_id  # no skill match: the lighter workload
    reason = next(e.body for e in _events(owner, dubai.id) if e.kind == "assignment")
    assert reason is not None and "no match" in reason


def test_fair_rotation_over_a_thousand_queries() -> None:
    """The choice itself (no database): 1,000 queries over 4 online agents, one at its cap."""
    agents = [
        queries._Agent(uuid.uuid4(), name, True, False, cap, 0, frozenset(), None, None)
        for name, cap in (("A", 1000), ("B", 1000), ("C", 1000), ("D", 10))
    ]
    now = datetime(2027, 1, 4, 10, tzinfo=UTC)
    counts: dict[str, int] = {}
    for i in range(1000):
        agent, _why = queries.choose_agent(agents, AssignmentRule.ROUND_ROBIN, frozenset())
        assert agent is not None
        agent.load += 1
        agent.last_assigned_at = now + timedelta(seconds=i)
        counts[agent.name] = counts.get(agent.name, 0) + 1
    assert counts["D"] == 10  # its cap
    assert sorted(counts[n] for n in "ABC") == [330, 330, 330]


# ---- the pipeline ------------------------------------------------------------------------------


def test_illegal_moves_name_the_allowed_ones_and_lost_needs_a_listed_reason(
    migrated_engine,
) -> None:
    owner = agency_context()
    query, _ = _create(owner)  # pending (nobody online)
    with tenant_scope(owner) as session, pytest.raises(queries.TransitionRefusedError) as info:
        queries.transition(
            session, owner, query_id=query.id, to=QueryStatus.WON, row_version=query.row_version
        )
    assert "allowed: assigned, cancelled, lost, on hold" in info.value.detail
    with tenant_scope(owner) as session, pytest.raises(queries.TransitionRefusedError) as info:
        queries.transition(
            session, owner, query_id=query.id, to=QueryStatus.LOST, row_version=query.row_version
        )
    assert "Price too high" in info.value.detail
    with tenant_scope(owner) as session:
        lost = queries.transition(
            session,
            owner,
            query_id=query.id,
            to=QueryStatus.LOST,
            row_version=query.row_version,
            reason="Price too high",
        )
        assert lost.closed_at is not None and lost.response_due_at is None
        reopened = queries.transition(
            session, owner, query_id=query.id, to=QueryStatus.PENDING, row_version=lost.row_version
        )
        assert reopened.lost_reason is None and reopened.response_due_at is not None


def test_the_second_of_two_people_moving_a_query_gets_a_conflict(migrated_engine) -> None:
    owner = agency_context()
    query, _ = _create(owner)
    read_version = query.row_version
    with tenant_scope(owner) as session:
        queries.transition(
            session, owner, query_id=query.id, to=QueryStatus.ASSIGNED, row_version=read_version
        )
    with tenant_scope(owner) as session, pytest.raises(queries.VersionConflictError) as info:
        queries.transition(
            session, owner, query_id=query.id, to=QueryStatus.ON_HOLD, row_version=read_version
        )
    assert "is now assigned" in info.value.detail
    held = _get(owner, query.id)
    assert held.status == QueryStatus.ASSIGNED.value  # not silently overwritten


def test_agents_see_their_own_and_unassigned_queries_only(migrated_engine) -> None:
    owner = agency_context()
    arjun = member(owner, "Arjun Das")
    mine, _ = _create(owner)  # goes to Arjun, the only one online
    meera = member(owner, "Meera Iyer", online=False)
    waiting, _ = _create(owner, destinations=["Kerala"])  # round robin: Arjun again
    assert mine.assigned_to == waiting.assigned_to == arjun.user_id
    with tenant_scope(owner) as session:
        queries.reassign(
            session,
            owner,
            query_id=waiting.id,
            user_id=meera.user_id,
            row_version=waiting.row_version,
        )
    with pytest.raises(NotFoundError):
        _get(arjun, waiting.id)  # Meera's: not found for Arjun
    with tenant_scope(arjun) as session:
        listed = queries.list_queries(session, arjun, filters=QueryFilter(), page=PAGE)
        assert [i.id for i in listed.items] == [mine.id]
        with pytest.raises(PermissionDeniedError):
            queries.reassign(session, arjun, query_id=mine.id, user_id=arjun.user_id, row_version=1)
    with tenant_scope(owner) as session:
        listed = queries.list_queries(session, owner, filters=QueryFilter(), page=PAGE)
        assert {i.id for i in listed.items} == {mine.id, waiting.id}
        mine_view = queries.list_queries(
            session, meera, filters=QueryFilter(view="my_open"), page=PAGE
        )
        assert [i.id for i in mine_view.items] == [waiting.id]


def test_another_agencys_queries_and_customers_are_not_found(migrated_engine) -> None:
    a, b = agency_context(), agency_context()
    query, _ = _create(a)
    with tenant_scope(b) as session:
        with pytest.raises(NotFoundError):
            queries.get_query(session, b, query_id=query.id)
        with pytest.raises(NotFoundError):
            customers.get_customer(session, b, customer_id=query.customer_id)
        with pytest.raises(NotFoundError):
            queries.create_query(session, b, data=trip(contact=None, customer_id=query.customer_id))
        assert queries.list_queries(session, b, filters=QueryFilter(), page=PAGE).items == []


# ---- SLA ---------------------------------------------------------------------------------------


def test_due_times_count_business_hours_in_the_agencys_timezone(migrated_engine) -> None:
    owner = agency_context()
    friday_evening = datetime(2026, 12, 4, 17, 30, tzinfo=IST).astimezone(UTC)
    query, _ = _create(owner, priority=Priority.URGENT, now=friday_evening)
    due = query.response_due_at
    assert due is not None
    assert as_utc(due).astimezone(IST) == datetime(2026, 12, 7, 9, 30, tzinfo=IST)  # Monday
    with tenant_scope(owner) as session:
        queries.add_note(
            session,
            owner,
            query_id=query.id,
            data=NoteIn(kind="call", body="Called, sent options", counts_as_reply=True),
            now=friday_evening + timedelta(minutes=10),
        )
    answered = _get(owner, query.id)
    assert answered.first_response_at is not None
    # the follow-up clock (urgent: 1 business hour) starts from the reply at 17:40: 20 minutes
    # on Friday, 40 on Monday
    assert answered.response_due_at is not None
    follow_up = as_utc(answered.response_due_at).astimezone(IST)
    assert follow_up == datetime(2026, 12, 7, 9, 40, tzinfo=IST)


def test_the_breach_scan_flags_overdue_queries_and_tells_the_agent_then_the_managers(
    migrated_engine,
) -> None:
    owner = agency_context()
    monday = datetime(2026, 12, 7, 10, tzinfo=IST).astimezone(UTC)
    arjun = member(owner, "Arjun Das", seen=monday - timedelta(minutes=1))
    member(owner, "Maya Manager", role=Role.MANAGER, online=False)
    query, _ = _create(owner, priority=Priority.URGENT, now=monday)
    assert query.assigned_to == arjun.user_id
    with tenant_scope(owner) as session:
        assert queries.scan_breaches(session, owner, now=monday + timedelta(minutes=30)) == 0
        assert queries.scan_breaches(session, owner, now=monday + timedelta(hours=2)) == 1
        assert queries.scan_breaches(session, owner, now=monday + timedelta(hours=2)) == 0
        queries.scan_breaches(session, owner, now=monday + timedelta(hours=3, minutes=5))
        public = queries.to_public(
            session, owner, _get(owner, query.id), now=monday + timedelta(hours=3)
        )
    assert public.breached and public.sla_label and public.sla_label.startswith("breached")
    settle_jobs()  # the batch job delivers them (no SMTP: captured)
    with tenant_scope(owner) as session:
        mails = session.exec(
            select(OutboxMessage).where(col(OutboxMessage.agency_id) == owner.tenant_id)
        ).all()
    kinds = sorted(m.kind for m in mails)
    assert kinds == ["sla_breach", "sla_escalation"]
    assert {m.status for m in mails} == {"captured"}  # delivered by the batch job (no SMTP)
    assert [e.kind for e in _events(owner, query.id)].count("sla") == 2


# ---- customers ---------------------------------------------------------------------------------


def test_duplicates_are_caught_and_merging_moves_the_history(migrated_engine) -> None:
    owner = agency_context()
    query, _ = _create(owner, contact=ContactIn(name="Vikram Sethi", email="vik@example.com"))
    with tenant_scope(owner) as session:
        with pytest.raises(customers.DuplicateCustomerError) as info:
            customers.create_customer(
                session, owner, data=CustomerCreate(name="Vikram S", email="VIK@example.com")
            )
        assert info.value.extra["matches"][0]["matched_on"] == ["email"]
        twin = customers.create_customer(
            session,
            owner,
            data=CustomerCreate(name="Vikram S.", phone="+919900112233", allow_duplicate=True),
        )
        keep = customers.get_customer(session, owner, customer_id=query.customer_id)
        merged = customers.merge_customers(
            session, owner, keep_id=twin.id, duplicate_id=keep.id, row_version=twin.row_version
        )
        assert merged.email == "vik@example.com" and merged.phone == "+919900112233"
    moved = _get(owner, query.id)
    assert moved.customer_id == twin.id
    with tenant_scope(owner) as session:
        listed = customers.list_customers(
            session, owner, filters=CustomerFilter(q="vikram"), page=PAGE
        )
        assert [c.id for c in listed.items] == [twin.id]  # the merged one is hidden


def test_the_minutely_sweep_assigns_waiting_queries_and_flags_overdue_ones(
    migrated_engine,
) -> None:
    owner = agency_context()
    monday = datetime(2026, 12, 7, 10, tzinfo=IST).astimezone(UTC)
    waiting, _ = _create(owner, priority=Priority.URGENT, now=monday)
    assert waiting.assigned_to is None  # nobody online
    arjun = member(owner, "Arjun Das", seen=monday + timedelta(minutes=5))
    done = queries.sweep(now=monday + timedelta(minutes=6))
    assert done["agencies"] >= 1 and done["assigned"] >= 1
    assert _get(owner, waiting.id).assigned_to == arjun.user_id
    queries.sweep(now=monday + timedelta(hours=2))
    assert _get(owner, waiting.id).breached_at is not None

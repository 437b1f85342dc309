"""Queries with neighbours at the same moment, through the services on the run's database:
new queries take unique numbers, and the agency's rows made on first use (its settings and
default lost reasons, a lost reason, an agent's profile) are made once, with nobody failing."""

from __future__ import annotations

from functools import partial

from sqlmodel import select

from tests.concurrency import at_once, errors_of
from tests.queries.factories import agency_context, member, trip
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import tenant_scope
from travelcrm.queries import services as queries
from travelcrm.queries.machine import QueryChannel
from travelcrm.queries.models import AgentProfile, LostReason, QuerySettings
from travelcrm.queries.schemas import AgentProfileIn


def _create(ctx: TenantContext) -> int:
    with tenant_scope(ctx) as session:
        query, created = queries.create_query(session, ctx, data=trip())
        assert created
        return query.number


def test_queries_created_at_once_get_unique_numbers(migrated_engine) -> None:
    """A new agency (its settings made on first use) with an agent online (whose profile is
    made by the first assignment): ten queries at once all land, numbered 1 to 10."""
    owner = agency_context()
    member(owner, "Asha Rao")
    outcomes = at_once([partial(_create, owner) for _ in range(10)])
    assert errors_of(outcomes) == []
    assert sorted(outcomes) == list(range(1, 11))
    with tenant_scope(owner) as session:
        assert len(session.exec(select(QuerySettings)).all()) == 1
        assert len(session.exec(select(AgentProfile)).all()) == 1
        assert queries.create_query(session, owner, data=trip())[0].number == 11


def _lost_reasons(ctx: TenantContext) -> list[str]:
    with tenant_scope(ctx) as session:
        return queries.lost_reasons(session, ctx)


def test_the_first_use_of_lost_reasons_by_several_at_once(migrated_engine) -> None:
    owner = agency_context()
    outcomes = at_once([partial(_lost_reasons, owner) for _ in range(6)])
    assert errors_of(outcomes) == []
    assert all(o == list(queries.DEFAULT_LOST_REASONS) for o in outcomes), outcomes
    with tenant_scope(owner) as session:
        assert len(session.exec(select(LostReason)).all()) == len(queries.DEFAULT_LOST_REASONS)


def _add_reason(ctx: TenantContext, label: str) -> str:
    with tenant_scope(ctx) as session:
        return queries.add_lost_reason(session, ctx, label=label).label


def test_one_new_lost_reason_added_by_several_at_once(migrated_engine) -> None:
    owner = agency_context()
    _lost_reasons(owner)  # the defaults are there
    outcomes = at_once([partial(_add_reason, owner, "Visa refused") for _ in range(4)])
    assert errors_of(outcomes) == []
    assert outcomes == ["Visa refused"] * 4
    assert _lost_reasons(owner).count("Visa refused") == 1


def _set_profile(ctx: TenantContext, agent: TenantContext, cap: int) -> int:
    assert agent.user_id is not None
    with tenant_scope(ctx) as session:
        profile = queries.set_agent_profile(
            session, ctx, user_id=agent.user_id, data=AgentProfileIn(workload_cap=cap)
        )
        return profile.workload_cap


def test_an_agents_first_profile_saved_twice_at_once(migrated_engine) -> None:
    owner = agency_context()
    agent = member(owner, "Ravi Kumar")
    outcomes = at_once([partial(_set_profile, owner, agent, cap) for cap in (10, 20, 30)])
    assert errors_of(outcomes) == []
    assert sorted(outcomes) == [10, 20, 30]  # each saw its own save
    with tenant_scope(owner) as session:
        (profile,) = session.exec(select(AgentProfile)).all()
        assert profile.workload_cap in (10, 20, 30)


def _create_with_ref(ctx: TenantContext, ref: str) -> tuple[str, bool, int]:
    with tenant_scope(ctx) as session:
        query, created = queries.create_query(
            session, ctx, data=trip(external_ref=ref), channel=QueryChannel.API
        )
        return str(query.id), created, query.number


def test_retries_of_one_api_call_at_once_make_one_query(migrated_engine) -> None:
    """The same `external_ref` sent five times at once: one query, the others get it back,
    and the number a retry took is given back (the next query is Q-2)."""
    owner = agency_context()
    outcomes = at_once([partial(_create_with_ref, owner, "crm-4711") for _ in range(5)])
    assert errors_of(outcomes) == []
    assert len({o[0] for o in outcomes}) == 1
    assert sorted(o[1] for o in outcomes) == [False, False, False, False, True]
    assert {o[2] for o in outcomes} == {1}
    assert _create(owner) == 2

"""Two people moving one query at the same moment: exactly one move lands, the other gets 409
`version_conflict` with the current version and status, on both databases."""

from __future__ import annotations

from tests.queries.factories import agency_context, member, trip
from tests.race import race
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import tenant_scope
from travelcrm.queries import services as queries
from travelcrm.queries.machine import QueryStatus
from travelcrm.queries.models import Query


def _pending(ctx: TenantContext) -> Query:
    with tenant_scope(ctx) as session:
        queries.lost_reasons(session, ctx)  # the agency's lists exist before the race
        query, _ = queries.create_query(session, ctx, data=trip())
        session.expunge(query)
        return query


def _move(ctx: TenantContext, query: Query, to: QueryStatus, version: int):
    def call() -> Query:
        with tenant_scope(ctx) as session:
            return queries.transition(
                session, ctx, query_id=query.id, to=to, row_version=version, reason="Price too high"
            )

    return call


def test_two_simultaneous_moves_of_one_query_one_lands(migrated_engine) -> None:
    owner = agency_context()
    query = _pending(owner)  # nobody online: it waits, unassigned, at version 1
    assert (query.status, query.row_version) == (QueryStatus.PENDING.value, 1)
    results = race(
        migrated_engine,
        "queries",
        _move(owner, query, QueryStatus.ASSIGNED, 1),
        _move(owner, query, QueryStatus.CANCELLED, 1),
    )
    won = [r for r in results if isinstance(r, Query)]
    lost = [r for r in results if isinstance(r, queries.VersionConflictError)]
    assert len(won) == 1 and len(lost) == 1, results
    assert lost[0].extra == {"current_row_version": 2, "current_status": won[0].status}
    with tenant_scope(owner) as session:
        stored = queries.get_query(session, owner, query_id=query.id)
        assert (stored.status, stored.row_version) == (won[0].status, 2)


def test_a_reassignment_and_a_move_at_once_one_lands(migrated_engine) -> None:
    owner = agency_context()
    query = _pending(owner)
    arjun = member(owner, "Arjun Das", online=False)

    def reassign() -> Query:
        with tenant_scope(owner) as session:
            return queries.reassign(
                session, owner, query_id=query.id, user_id=arjun.user_id, row_version=1
            )

    results = race(
        migrated_engine, "queries", reassign, _move(owner, query, QueryStatus.CANCELLED, 1)
    )
    won = [r for r in results if isinstance(r, Query)]
    lost = [r for r in results if isinstance(r, queries.VersionConflictError)]
    assert len(won) == 1 and len(lost) == 1, results
    with tenant_scope(owner) as session:
        stored = queries.get_query(session, owner, query_id=query.id)
        assert stored.row_version == 2
        assert (stored.status == QueryStatus.CANCELLED.value) == (stored.assigned_to is None)

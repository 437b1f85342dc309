"""Status changes only through the machine: every service that changes a query's status is
walked here, and every change the database sees (a trigger logs old -> new on `queries`,
whether the ORM, a bulk UPDATE or a CTE wrote it) must be an edge of `machine.TRANSITIONS`.

A source check keeps the list of walked services complete: any function in the queries
services that writes a status must be one this test walks."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import BACKEND, PG_DB_NAME, _pg_database_url
from tests.queries.factories import agency_context, member, trip
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import tenant_scope
from travelcrm.queries import machine
from travelcrm.queries import services as queries
from travelcrm.queries.machine import QueryChannel, QueryStatus
from travelcrm.queries.models import Query

SERVICES = Path(queries.__file__)
# the functions that write a query's status, and where this test walks each one
WALKED = {
    "create_query": "every test (a query is made in its first status: an insert)",
    "transition": "test_every_move_of_the_pipeline_is_an_edge_of_the_table",
    "_move": "the one place a status is set on a loaded query",
    "_check_move": "the check before a bulk assignment's UPDATE",
    "auto_assign": "test_assignment_by_hand_and_by_rule_moves_only_along_the_table",
    "reassign": "test_assignment_by_hand_and_by_rule_moves_only_along_the_table",
    "_assign": "test_assignment_by_hand_and_by_rule_moves_only_along_the_table",
}


@pytest.fixture
def status_log(migrated_engine) -> Iterator[sa.Engine]:
    """A trigger on `queries` logging every status change to `query_status_log` (created as
    the database's owner, written by the app's role); dropped afterwards."""
    if BACKEND == "postgres":
        owner = sa.create_engine(_pg_database_url(PG_DB_NAME))
        ddl = [
            "CREATE TABLE query_status_log (id serial PRIMARY KEY, query_id uuid, "
            "old_status text, new_status text)",
            "GRANT INSERT, SELECT ON query_status_log TO travelcrm_app",
            "GRANT USAGE ON SEQUENCE query_status_log_id_seq TO travelcrm_app",
            "CREATE FUNCTION log_query_status() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "INSERT INTO query_status_log (query_id, old_status, new_status) "
            "VALUES (NEW.id, OLD.status, NEW.status); RETURN NEW; END $$",
            "CREATE TRIGGER query_status_logged AFTER UPDATE OF status ON queries FOR EACH ROW "
            "WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION log_query_status()",
        ]
        undo = [
            "DROP TRIGGER query_status_logged ON queries",
            "DROP FUNCTION log_query_status()",
            "DROP TABLE query_status_log",
        ]
    else:
        owner = migrated_engine
        ddl = [
            "CREATE TABLE query_status_log (id INTEGER PRIMARY KEY, query_id TEXT, "
            "old_status TEXT, new_status TEXT)",
            "CREATE TRIGGER query_status_logged AFTER UPDATE OF status ON queries "
            "WHEN OLD.status IS NOT NEW.status BEGIN "
            "INSERT INTO query_status_log (query_id, old_status, new_status) "
            "VALUES (NEW.id, OLD.status, NEW.status); END",
        ]
        undo = ["DROP TRIGGER query_status_logged", "DROP TABLE query_status_log"]
    with owner.begin() as connection:
        for statement in ddl:
            connection.execute(sa.text(statement))
    try:
        yield owner
    finally:
        with owner.begin() as connection:
            for statement in undo:
                connection.execute(sa.text(statement))
        if owner is not migrated_engine:
            owner.dispose()


def _changes(engine: sa.Engine) -> list[tuple[str, str]]:
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT old_status, new_status FROM query_status_log ORDER BY id")
        ).all()
    return [(old, new) for old, new in rows]


def _off_the_table(changes: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [
        (old, new)
        for old, new in changes
        if QueryStatus(new) not in machine.TRANSITIONS[QueryStatus(old)]
    ]


def _new(ctx: TenantContext, **changes: object) -> Query:
    with tenant_scope(ctx) as session:
        query, _ = queries.create_query(
            session, ctx, data=trip(**changes), channel=QueryChannel.STAFF
        )
        session.expunge(query)
        return query


def _move(ctx: TenantContext, query: Query, to: QueryStatus, reason: str | None = None) -> Query:
    with tenant_scope(ctx) as session:
        moved = queries.transition(
            session, ctx, query_id=query.id, to=to, row_version=query.row_version, reason=reason
        )
        session.expunge(moved)
        return moved


def test_every_move_of_the_pipeline_is_an_edge_of_the_table(status_log) -> None:
    owner = agency_context()
    with tenant_scope(owner) as session:
        queries.add_lost_reason(session, owner, label="Price too high")
    s = QueryStatus
    walks = [
        [s.PENDING, s.ASSIGNED, s.QUOTED, s.WON],
        [s.PENDING, s.ON_HOLD, s.ASSIGNED, s.PENDING, s.CANCELLED],
        [s.PENDING, s.ASSIGNED, s.QUOTED, s.ON_HOLD, s.LOST, s.PENDING, s.ASSIGNED],
        [s.CANCELLED],
    ]
    for walk in walks:
        query = _new(owner, submit=False)
        for to in walk:
            query = _move(owner, query, to, reason="Price too high" if to is s.LOST else None)
            assert query.status == to.value
    changes = _changes(status_log)
    assert len(changes) == sum(len(w) for w in walks)
    assert _off_the_table(changes) == []
    with pytest.raises(queries.TransitionRefusedError):  # and a move off the table is refused
        _move(owner, _new(owner, submit=False), s.ASSIGNED)


def test_assignment_by_hand_and_by_rule_moves_only_along_the_table(status_log) -> None:
    owner = agency_context()
    agent = member(owner, "Arjun Das")
    draft = _new(owner, submit=False)
    with tenant_scope(owner) as session:  # a draft given to someone is submitted first
        given = queries.reassign(
            session, owner, query_id=draft.id, user_id=agent.user_id, row_version=draft.row_version
        )
        assert given.status == QueryStatus.ASSIGNED.value
        assert given.response_due_at is not None  # on the agency's clock like any submitted one
    auto = _new(owner)  # submitted: assigned by the rule to the one agent online
    assert auto.status == QueryStatus.ASSIGNED.value
    with tenant_scope(owner) as session:  # handed on: the assignee changes, the status not
        queries.reassign(
            session, owner, query_id=auto.id, user_id=owner.user_id, row_version=auto.row_version
        )
    changes = _changes(status_log)
    assert changes == [("draft", "pending"), ("pending", "assigned"), ("pending", "assigned")]
    assert _off_the_table(changes) == []


def _writes_status(node: ast.AST) -> bool:
    for inner in ast.walk(node):
        if isinstance(inner, ast.Assign | ast.AnnAssign):
            targets = inner.targets if isinstance(inner, ast.Assign) else [inner.target]
            if any(isinstance(t, ast.Attribute) and t.attr == "status" for t in targets):
                return True
        if isinstance(inner, ast.Dict) and any(
            isinstance(k, ast.Constant) and k.value == "status" for k in inner.keys
        ):
            return True
        called = getattr(inner.func, "id", "") if isinstance(inner, ast.Call) else ""
        if called in {"_move", "_check_move"}:
            return True
        if called == "Query" and any(k.arg == "status" for k in inner.keywords):  # a new row
            return True
    return False


def test_every_service_that_writes_a_status_is_walked() -> None:
    tree = ast.parse(SERVICES.read_text())
    writers = {
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and _writes_status(node)
    }
    unwalked = writers - set(WALKED)
    assert unwalked == set(), f"status written by {sorted(unwalked)}: walk them here"
    assert {"transition", "reassign", "auto_assign"} <= writers  # the check sees the writers

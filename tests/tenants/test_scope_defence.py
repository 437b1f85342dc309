"""The embedded default defends itself: SQLite has no row-level security, so the tenant scope
must hold for every way a statement can name a tenant table through the session, ORM or Core:
the model, its table, an alias of either, a subquery, a CTE, a count, a join, UPDATE and
DELETE. Each is run in agency A's scope over rows of A and B: it sees or changes only A's rows,
or it is refused. (On PostgreSQL RLS backs the same statements up; they run there too.)"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from tests.tenants.test_isolation import _record
from tests.tenants.test_isolation import agencies as agencies  # the fixture
from travelcrm.audit.models import AuditEvent
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import UnscopedTenantQueryError, tenant_scope

T = AuditEvent.__table__  # type: ignore[attr-defined]

READS: dict[str, Callable[[Session], Any]] = {
    "the model": lambda s: select(AuditEvent.action),
    "its table": lambda s: sa.select(T.c.action),
    "an alias of the model": lambda s: select(aliased(AuditEvent).action),
    "an alias of the table": lambda s: sa.select(T.alias("e").c.action),
    "a subquery of the model": lambda s: (lambda sub: sa.select(sub.c.action))(
        select(AuditEvent.action).subquery()
    ),
    "a subquery of the table": lambda s: (lambda sub: sa.select(sub.c.action))(
        sa.select(T.c.action).subquery()
    ),
    "IN (a subquery of the table)": lambda s: select(AuditEvent.action).where(
        col(AuditEvent.id).in_(sa.select(T.c.id))
    ),
    "a CTE of the table": lambda s: (lambda cte: sa.select(cte.c.action))(
        sa.select(T.c.action).cte("e")
    ),
    "a join of the table with its alias": lambda s: (
        lambda other: sa.select(T.c.action).join(other, other.c.id == T.c.id)
    )(T.alias("o")),
}


def _seen(session: Session, statement: Any) -> list[str]:
    rows = session.exec(statement).all()  # type: ignore[call-overload]
    return [row if isinstance(row, str) else row[0] for row in rows]


@pytest.mark.parametrize("how", list(READS))
def test_a_read_sees_only_the_scope_s_rows_or_is_refused(
    agencies: tuple[TenantContext, TenantContext], how: str
) -> None:
    a, b = agencies
    _record(a, f"mine.{how[:20]}", 2)
    _record(b, f"theirs.{how[:20]}", 3)
    with tenant_scope(a) as session:
        try:
            seen = _seen(session, READS[how](session))
        except UnscopedTenantQueryError:
            return  # refused: fine
    theirs = [action for action in seen if action.startswith("theirs.")]
    assert theirs == [], f"{how}: agency A saw {len(theirs)} of B's rows"
    assert any(action.startswith("mine.") for action in seen)


def test_a_count_of_the_table_counts_only_the_scope_s_rows(agencies) -> None:
    a, b = agencies
    _record(a, "count.a", 2)
    _record(b, "count.b", 3)
    with tenant_scope(a) as session:
        mine = session.exec(select(sa.func.count()).select_from(AuditEvent)).one()
        try:
            counted = session.exec(sa.select(sa.func.count()).select_from(T)).one()  # type: ignore[call-overload]
        except UnscopedTenantQueryError:
            return  # refused: fine
    assert mine == 2
    assert (counted if isinstance(counted, int) else counted[0]) == mine


@pytest.mark.parametrize("how", ["model", "table", "alias"])
def test_update_and_delete_touch_only_the_scope_s_rows_or_are_refused(agencies, how: str) -> None:
    a, b = agencies
    _record(a, "edit.a", 2)
    b_ids = _record(b, "edit.b", 2)
    target = {"model": AuditEvent, "table": T, "alias": T.alias("x")}[how]
    column = target.action if how == "model" else target.c.action
    with tenant_scope(a) as session:
        try:
            session.exec(sa.update(target).values(action="changed").where(column == "edit.b"))  # type: ignore[call-overload]
            session.exec(sa.delete(target).where(column == "edit.b"))  # type: ignore[call-overload]
            session.commit()
        except (UnscopedTenantQueryError, sa.exc.CompileError, sa.exc.ArgumentError):
            session.rollback()
    with tenant_scope(b) as session:
        left = session.exec(select(AuditEvent.action).where(col(AuditEvent.id).in_(b_ids))).all()
    assert sorted(left) == ["edit.b", "edit.b"], f"{how}: A changed B's rows"


def test_raw_sql_text_on_a_session_in_tenant_scope_is_refused(agencies) -> None:
    a, _b = agencies
    with tenant_scope(a) as session, pytest.raises(UnscopedTenantQueryError):
        session.exec(sa.text("SELECT action FROM audit_events"))  # type: ignore[call-overload]

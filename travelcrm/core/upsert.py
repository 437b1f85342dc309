"""Rows made on first use, without a read-then-insert race: `INSERT ... ON CONFLICT` on the
session's database (PostgreSQL and SQLite both have it, with RETURNING).

Read-then-insert ("select the agency's row; if there is none, add one") fails when two requests
do it at once: both see nothing, both insert, and the second breaks the unique key (a 500 for
something a neighbour did). One statement instead: the second waits for the first and then
finds the row there.

- `insert_for(session, table)`: the database's own INSERT, with `on_conflict_do_nothing` and
  `on_conflict_do_update`, for statements written out by hand.
- `add_unless_exists(session, row, key=...)`: insert an ORM object's row unless one with the
  same key exists.
- `save_row(session, row, key=..., update=...)` (and `save_rows` for many): insert it, or
  update those columns of the existing row.

These are Core statements on the unit of work's connection: the ORM's tenant stamping does not
run, so a tenant-owned row must carry its `tenant_id` (refused here otherwise); PostgreSQL's
row-level security still checks it. The ORM object passed in is not added to the session:
read the row back with a select (`populate_existing` when it may be loaded already).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlmodel import SQLModel

from travelcrm.core.tenancy import TenantMixin

__all__ = ["add_unless_exists", "insert_for", "row_values", "save_row", "save_rows"]


def insert_for(session: Session, table: Any) -> postgresql.Insert | sqlite.Insert:
    """`INSERT INTO table` as the session's database writes it, so `ON CONFLICT` is there."""
    name = session.get_bind().dialect.name
    if name == "postgresql":
        return postgresql.insert(table)
    if name == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"no INSERT ... ON CONFLICT for {name}")


def _table(row: SQLModel) -> Table:
    table = getattr(type(row), "__table__", None)
    if not isinstance(table, Table):
        raise TypeError(f"{type(row).__name__} is not a table model")
    return table


def row_values(row: SQLModel) -> dict[str, Any]:
    """Every column's value of an ORM object as built (its defaults filled in), by column."""
    table = _table(row)
    if isinstance(row, TenantMixin) and row.tenant_id is None:
        raise ValueError(f"a {type(row).__name__} row needs its tenant_id")
    return {column.name: getattr(row, column.name) for column in table.columns}


def add_unless_exists(session: Session, row: SQLModel, *, key: Sequence[str]) -> bool:
    """Insert `row` unless a row with the same `key` (a unique key's columns) exists: one
    `INSERT ... ON CONFLICT DO NOTHING`. True when this call inserted it."""
    table = _table(row)
    statement = (
        insert_for(session, table)
        .values(row_values(row))
        .on_conflict_do_nothing(index_elements=list(key))
        .returning(*(table.c[name] for name in key))
    )
    return session.connection().execute(statement).first() is not None


def save_row(session: Session, row: SQLModel, *, key: Sequence[str], update: Sequence[str]) -> None:
    """Insert `row`, or when a row with the same `key` exists set its `update` columns to
    `row`'s values: one `INSERT ... ON CONFLICT DO UPDATE` (the later of two at once wins)."""
    save_rows(session, [row], key=key, update=update)


def save_rows(
    session: Session, rows: Sequence[SQLModel], *, key: Sequence[str], update: Sequence[str]
) -> None:
    """`save_row` for several rows of one table in one statement (keep it to a few thousand
    values: SQLite binds at most 32,766 per statement)."""
    if not rows:
        return
    table = _table(rows[0])
    statement = insert_for(session, table).values([row_values(row) for row in rows])
    statement = statement.on_conflict_do_update(
        index_elements=list(key), set_={name: statement.excluded[name] for name in update}
    )
    session.connection().execute(statement)

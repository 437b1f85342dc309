"""Optimistic locks held by the statement itself.

A row with a version column (`row_version`, on every versioned row) is changed
only at the version the caller read, checked by the database in the same statement that
moves it on:

    UPDATE <table> SET ..., row_version = row_version + 1
    WHERE tenant_id = :tenant AND id = :id AND row_version = :read

Of two requests that read the same version, one matches and the other matches nothing: on
PostgreSQL the second waits for the first one's row lock and then finds the version moved; on
SQLite writes take turns, and the second one's statement finds the same. The winner holds the
row until its transaction ends, so what it changes afterwards through the ORM (timeline,
moved rows) cannot interleave with another writer's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import ObjectDeletedError
from sqlmodel import Session

from travelcrm.core.errors import NotFoundError


def advance_version(
    session: Session,
    row: Any,
    *,
    read: int,
    values: Mapping[str, Any] | None = None,
) -> bool:
    """Write `values` to `row` and move its `row_version` from `read` to the next, in one
    statement.

    True: done, and `row` holds the new values and version (nothing re-read). False: the row
    is no longer at `read`; `row` is re-read, so the caller names the current version (and
    state) in its conflict error. A row deleted meanwhile is "not found"."""
    model: Any = type(row)
    table = model.__table__
    version = table.c.row_version
    values = dict(values or {})
    statement = update(model).where(table.c.id == row.id, version == read)
    tenant_id = getattr(row, "tenant_id", None)
    if tenant_id is not None:  # the key's first column: the index is used, and RLS agrees
        statement = statement.where(table.c.tenant_id == tenant_id)
    result: Any = session.exec(
        statement.values({**values, "row_version": version + 1}).execution_options(
            synchronize_session=False
        )
    )
    if result.rowcount != 1:
        try:
            session.refresh(row)
        except ObjectDeletedError:
            raise NotFoundError("It was deleted by someone else meanwhile.") from None
        return False
    for name, value in values.items():
        set_committed_value(row, name, value)
    set_committed_value(row, "row_version", read + 1)
    return True

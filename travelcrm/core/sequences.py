"""Per-agency numbering: the next number of a named series ("query", a list's versions, later
quotes, bookings and each financial year's invoices), taken by one atomic statement in the
caller's transaction, on PostgreSQL and SQLite alike.

    number = next_number(session, ctx, "query")

A series is a row of `sequence_counters` (agency, series name, last number given). The first
call makes it with `start`; each later one adds 1. Both in one statement:

    INSERT INTO sequence_counters (tenant_id, id, series, value, updated_at)
    VALUES (:tenant, :id, :series, :start, :now)
    ON CONFLICT (tenant_id, series) DO UPDATE SET value = sequence_counters.value + 1, ...
    RETURNING value

so two requests at once never get the same number (numbers are not "max + 1" read first): on
PostgreSQL the second waits on the counter row until the first transaction ends; on SQLite
writes take turns anyway.

Gapless where it matters: the number is taken inside the transaction that writes the numbered
row, and the counter's change is part of that transaction. If it rolls back, the number is
given back too, so the committed numbers of a series have no gaps. Invoice series (one per
financial year, e.g. "invoice:2026-27") rely on this: take the invoice number in the same
transaction as the invoice, not before it. The price is that, on PostgreSQL, two transactions
numbering in the same series of one agency run one after the other from the moment the number
is taken until commit: take it late in the transaction, not first thing.

Series names are the caller's; keep them short and stable (`SERIES_MAX` characters). A domain
that formats its numbers ("Q-1042", "INV/2026-27/0042") does so itself from the integer.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, UniqueConstraint
from sqlmodel import Field, Session

from travelcrm.core.clock import utcnow
from travelcrm.core.ids import new_id
from travelcrm.core.sqltypes import utc_datetime
from travelcrm.core.tenancy import TenantContext, TenantMixin
from travelcrm.core.upsert import insert_for

__all__ = ["SERIES_MAX", "SequenceCounter", "give_back", "next_number"]

SERIES_MAX = 80


class SequenceCounter(TenantMixin, table=True):
    """The last number given in one of an agency's series."""

    __tablename__ = "sequence_counters"
    __table_args__ = (UniqueConstraint("tenant_id", "series"),)

    series: str = Field(max_length=SERIES_MAX)
    value: int = Field(sa_type=BigInteger)
    updated_at: datetime = utc_datetime(default_now=True)


def _tenant_id(ctx_or_tenant_id: TenantContext | uuid.UUID) -> uuid.UUID:
    if isinstance(ctx_or_tenant_id, TenantContext):
        return ctx_or_tenant_id.tenant_id
    return ctx_or_tenant_id


def next_number(
    session: Session, ctx_or_tenant_id: TenantContext | uuid.UUID, series: str, *, start: int = 1
) -> int:
    """The agency's next number in `series` (`start` for the first), in the session's
    transaction: the counter moves only if that transaction commits."""
    if not series or len(series) > SERIES_MAX:
        raise ValueError(f"a series name is 1 to {SERIES_MAX} characters: {series!r}")
    tenant_id = _tenant_id(ctx_or_tenant_id)
    table = SequenceCounter.__table__  # type: ignore[attr-defined]
    now = utcnow()
    statement = (
        insert_for(session, table)
        .values(tenant_id=tenant_id, id=new_id(), series=series, value=start, updated_at=now)
        .on_conflict_do_update(
            index_elements=["tenant_id", "series"],
            set_={"value": table.c.value + 1, "updated_at": now},
        )
        .returning(table.c.value)
    )
    return int(session.connection().execute(statement).scalar_one())


def give_back(
    session: Session, ctx_or_tenant_id: TenantContext | uuid.UUID, series: str, number: int
) -> bool:
    """Return `number`, taken from `series` in this unit of work, when it goes unused after all
    though the unit of work commits (it found the row it was to number made by a neighbour).
    It is still the series' last number: the counter stays held until this unit of work ends.
    True when given back."""
    tenant_id = _tenant_id(ctx_or_tenant_id)
    table = SequenceCounter.__table__  # type: ignore[attr-defined]
    statement = (
        table.update()
        .where(
            table.c.tenant_id == tenant_id,
            table.c.series == series,
            table.c.value == number,
        )
        .values(value=table.c.value - 1)
    )
    return bool(session.connection().execute(statement).rowcount)

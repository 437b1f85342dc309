"""Record and list audit events. Recording is for every domain's services; reading needs
`audit.read`. Events are append-only: there is no update or delete here."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from travelcrm.audit.models import AuditEvent
from travelcrm.audit.schemas import AuditEventPublic, AuditFilter
from travelcrm.core.clock import as_utc
from travelcrm.core.context import request_id_var
from travelcrm.core.pagination import PageParams, keyset_page
from travelcrm.core.permissions import Action, require
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import scoped_rows

# Values never written to the log, whatever a caller passes in before/after.
_REDACTED_KEYS = frozenset({"password", "password_hash", "secret", "token", "bank_account"})


def _clean(values: dict[str, Any] | None) -> str | None:
    if values is None:
        return None
    redacted = {k: ("***" if k in _REDACTED_KEYS else v) for k, v in values.items()}
    return json.dumps(redacted, default=str, sort_keys=True)


def record(
    session: Session,
    ctx: TenantContext,
    *,
    action: str,
    target_type: str | None = None,
    target_id: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    ip: str | None = None,
    user_agent: str | None = None,
) -> AuditEvent:
    event = AuditEvent(
        tenant_id=ctx.tenant_id,
        action=action,
        actor_user_id=ctx.user_id,
        target_type=target_type,
        target_id=target_id,
        ip=ip,
        user_agent=(user_agent or "")[:300] or None,
        request_id=request_id_var.get(),
        before_json=_clean(before),
        after_json=_clean(after),
    )
    session.add(event)
    session.flush()
    return event


def to_public(event: AuditEvent | Any) -> AuditEventPublic:
    """From a model or a plain row of its columns."""
    return AuditEventPublic(
        id=event.id,
        occurred_at=as_utc(event.occurred_at),
        action=event.action,
        actor_user_id=event.actor_user_id,
        target_type=event.target_type,
        target_id=event.target_id,
        ip=event.ip,
        user_agent=event.user_agent,
        request_id=event.request_id,
        before=json.loads(event.before_json) if event.before_json else None,
        after=json.loads(event.after_json) if event.after_json else None,
    )


def list_events(
    session: Session, ctx: TenantContext, *, filters: AuditFilter, page: PageParams
) -> tuple[list[AuditEventPublic], str | None]:
    """Newest first, filtered, cursor-paged; plain rows (no ORM objects) filtered to the
    scope's agency by `scoped_rows`."""
    require(ctx, Action.AUDIT_READ)
    table = AuditEvent.__table__  # type: ignore[attr-defined]
    # the agency written in: scoped_rows checks it (and adds it wherever it is missing)
    statement = sa.select(*table.c).where(table.c.tenant_id == ctx.tenant_id)
    if filters.action:
        statement = statement.where(table.c.action == filters.action)
    if filters.actor_user_id:
        statement = statement.where(table.c.actor_user_id == filters.actor_user_id)
    if filters.target_type:
        statement = statement.where(table.c.target_type == filters.target_type)
    if filters.target_id:
        statement = statement.where(table.c.target_id == filters.target_id)
    if filters.since:
        statement = statement.where(table.c.occurred_at >= filters.since)
    if filters.until:
        statement = statement.where(table.c.occurred_at < filters.until)
    rows: list[Any]
    rows, next_cursor = keyset_page(
        session,
        statement,  # type: ignore[arg-type]  # plain rows, run by rows_of
        order_by=[table.c.occurred_at, table.c.id],
        key=lambda e: [as_utc(e.occurred_at).isoformat(), str(e.id)],
        params=page,
        descending=True,
        convert=[_parse_time, uuid.UUID],
        rows_of=lambda final: scoped_rows(session, final),
    )
    return [to_public(row) for row in rows], next_cursor


def list_actions(session: Session, ctx: TenantContext) -> list[str]:
    """The actions the agency's log holds, for the audit page's filter."""
    require(ctx, Action.AUDIT_READ)
    statement = select(AuditEvent.action).distinct().order_by(col(AuditEvent.action))
    return list(session.exec(statement).all())


def _parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value)

"""Writing and reading timelines. The subject's own domain checks that the viewer may see the
subject before it reads or writes here; this domain owns the entries."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from travelcrm.accounts import services as accounts
from travelcrm.accounts.models import User
from travelcrm.core.clock import utcnow
from travelcrm.core.ids import new_id
from travelcrm.core.tenancy import TenantContext
from travelcrm.timeline.models import SubjectType, TimelineEvent
from travelcrm.timeline.schemas import TimelineItem

LIMIT = 500  # entries shown per subject, newest first
_MENTION = re.compile(r"@([A-Za-z][\w.'-]*(?: [A-Z][\w.'-]*)?)")
# PostgreSQL: a time-ordered UUID (v7) per row, like core.ids.new_id
_UUID7_SQL = (
    "encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid()) placing "
    "substring(int8send(floor(extract(epoch from clock_timestamp()) * 1000)::bigint) "
    "from 3) from 1 for 6), 52, 1), 53, 1), 'hex')::uuid"
)


def record(
    session: Session,
    ctx: TenantContext,
    *,
    subject_type: SubjectType,
    subject_id: uuid.UUID,
    kind: str,
    body: str | None,
    data: dict[str, Any] | None = None,
    occurred_at: datetime | None = None,
    by_system: bool = False,
) -> TimelineEvent:
    """One entry (who: the context's user unless `by_system`; when: `occurred_at` or now)."""
    entry = TimelineEvent(
        tenant_id=ctx.tenant_id,
        subject_type=subject_type.value,
        subject_id=subject_id,
        kind=kind,
        actor_user_id=None if by_system else ctx.user_id,
        body=body,
        data=data or {},
        occurred_at=occurred_at or utcnow(),
    )
    session.add(entry)
    return entry


def record_many(session: Session, ctx: TenantContext, entries: Iterable[Mapping[str, Any]]) -> int:
    """Many entries in one statement (assignment runs, SLA sweeps), not an ORM object each.
    Each mapping has subject_type, subject_id, kind, body and optionally data, actor_user_id,
    occurred_at."""
    now = utcnow()
    rows = [
        {
            "tenant_id": ctx.tenant_id,
            "id": new_id(),
            "subject_type": SubjectType(entry["subject_type"]).value,
            "subject_id": entry["subject_id"],
            "kind": entry["kind"],
            "body": entry.get("body"),
            "data": entry.get("data") or {},
            "actor_user_id": entry.get("actor_user_id"),
            "occurred_at": entry.get("occurred_at") or now,
        }
        for entry in entries
    ]
    if rows:
        session.connection().execute(sa.insert(TimelineEvent.__table__), rows)  # type: ignore[attr-defined]
    return len(rows)


def record_for_each(
    ctx: TenantContext,
    subject_ids: sa.ColumnElement[Any],
    *,
    subject_type: SubjectType,
    kind: str,
    body: str,
    occurred_at: datetime,
) -> sa.Insert:
    """An INSERT ... SELECT putting one entry on each subject whose id `subject_ids` yields
    (a column of a CTE the caller's statement defines), for PostgreSQL's data-modifying CTEs:
    the subjects change and their entries are written by one statement."""
    table = TimelineEvent.__table__  # type: ignore[attr-defined]
    return sa.insert(table).from_select(
        ["tenant_id", "id", "subject_type", "subject_id", "kind", "body", "data", "occurred_at"],
        sa.select(
            sa.literal(ctx.tenant_id, sa.Uuid()),
            sa.literal_column(_UUID7_SQL),
            sa.literal(subject_type.value),
            subject_ids,
            sa.literal(kind),
            sa.literal(body),
            sa.literal_column("'{}'::json"),
            sa.literal(occurred_at, sa.DateTime(timezone=True)),
        ),
    )


def entries(
    session: Session, *, subject_type: SubjectType, subject_id: uuid.UUID, limit: int = LIMIT
) -> list[TimelineItem]:
    """The subject's timeline, newest first, with who wrote each entry."""
    found = session.exec(
        select(TimelineEvent)
        .where(
            col(TimelineEvent.subject_type) == subject_type.value,
            col(TimelineEvent.subject_id) == subject_id,
        )
        .order_by(col(TimelineEvent.occurred_at).desc())
        .limit(limit)
    ).all()
    names = accounts.display_names(session, [e.actor_user_id for e in found])
    return [item(e, names.get(e.actor_user_id) if e.actor_user_id else None) for e in found]


def item(entry: TimelineEvent, actor_name: str | None) -> TimelineItem:
    """An entry as people read it, with the name of who wrote it."""
    return TimelineItem(
        id=entry.id,
        kind=entry.kind,
        body=entry.body,
        data=entry.data,
        actor_user_id=entry.actor_user_id,
        actor_name=actor_name,
        occurred_at=entry.occurred_at,
    )


def move_subject(
    session: Session, *, subject_type: SubjectType, from_id: uuid.UUID, to_id: uuid.UUID
) -> int:
    """Move one subject's entries to another (a merge); each remembers where it came from."""
    moved = 0
    for entry in session.exec(
        select(TimelineEvent).where(
            col(TimelineEvent.subject_type) == subject_type.value,
            col(TimelineEvent.subject_id) == from_id,
        )
    ):
        entry.subject_id = to_id
        entry.data = {**entry.data, f"from_{subject_type.value}": str(from_id)}
        session.add(entry)
        moved += 1
    return moved


def _named(body: str, name: str) -> bool:
    """`@name` in `body` as a whole (any case): "@Aadil Khan," yes, "@Aadil Khanna" no."""
    return re.search(rf"@{re.escape(name)}(?![\w])", body, re.IGNORECASE) is not None


def mentioned(session: Session, body: str) -> list[User]:
    """Colleagues named `@First`, `@First Last` or by their whole name (as the note form's
    suggestions write it) in `body` (active members of this agency)."""
    wanted = {m.lower() for m in _MENTION.findall(body)}
    if not wanted:
        return []
    found = []
    for user in accounts.active_members(session):
        full = user.name.lower()
        first = full.split()[0] if full.split() else full
        if (
            full in wanted
            or first in wanted
            or any(w.startswith(full) for w in wanted)
            or (full and _named(body, full))
        ):
            found.append(user)
    return found


def mention_names(session: Session) -> list[str]:
    """The names a note may mention (`@Name`): the agency's active members, by name."""
    names = {user.name.strip() for user in accounts.active_members(session)}
    return sorted((n for n in names if n), key=str.lower)

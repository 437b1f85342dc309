"""The store behind Idempotency-Key: one row per (caller, method, path, key) holding the
request's hash, whether it still runs, and the response to replay. The HTTP side is
`travelcrm.api.idempotency`; the hourly purge is `purge_expired`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, LargeBinary, Text, delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, col

from travelcrm.core.clock import as_utc, utcnow
from travelcrm.core.sqltypes import utc_datetime
from travelcrm.settings import get_settings

# An "in progress" record older than this belongs to a crashed request and may be taken over.
STALE_IN_PROGRESS = timedelta(minutes=10)


class IdempotencyRecord(SQLModel, table=True):
    __tablename__ = "idempotency_records"

    # sha256 of (caller, method, path, key): one caller's key never collides with another's.
    scope_hash: str = Field(primary_key=True, max_length=64)
    request_hash: str = Field(max_length=64)
    state: str = Field(max_length=16)  # "in_progress" | "completed"
    status_code: int | None = None
    headers_json: str | None = Field(default=None, sa_type=Text)
    body: bytes | None = Field(default=None, sa_type=LargeBinary)
    created_at: datetime = utc_datetime(default_now=True)
    expires_at: datetime = utc_datetime(index=True)


@dataclass(frozen=True)
class Stored:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes


def claim(engine: Engine, scope_hash: str, request_hash: str) -> Stored | str:
    """Take the key for this request: "claimed", "in_progress", "reused" (another request
    under the same key) or the stored response to replay."""
    now = utcnow()
    ttl = timedelta(hours=get_settings().idempotency_ttl_hours)
    record = IdempotencyRecord(
        scope_hash=scope_hash,
        request_hash=request_hash,
        state="in_progress",
        created_at=now,
        expires_at=now + ttl,
    )
    with Session(engine) as session:
        try:
            session.add(record)
            session.commit()
            return "claimed"
        except IntegrityError:
            session.rollback()
        existing = session.get(IdempotencyRecord, scope_hash)
        if existing is None:  # released in between: try once more
            session.add(record)
            session.commit()
            return "claimed"
        expired = as_utc(existing.expires_at) <= now
        crashed = existing.state == "in_progress" and (
            as_utc(existing.created_at) <= now - STALE_IN_PROGRESS
        )
        if expired or crashed:
            session.delete(existing)
            session.commit()
            session.add(record)
            try:
                session.commit()
            except IntegrityError:
                return "in_progress"
            return "claimed"
        if existing.request_hash != request_hash:
            return "reused"
        if existing.state != "completed":
            return "in_progress"
        headers = [
            (k.encode("latin-1"), v.encode("latin-1"))
            for k, v in json.loads(existing.headers_json or "[]")
        ]
        return Stored(
            status=existing.status_code or 200, headers=headers, body=existing.body or b""
        )


def complete(engine: Engine, scope_hash: str, stored: Stored) -> None:
    with Session(engine) as session:
        record = session.get(IdempotencyRecord, scope_hash)
        if record is None:
            return
        record.state = "completed"
        record.status_code = stored.status
        record.headers_json = json.dumps(
            [(k.decode("latin-1"), v.decode("latin-1")) for k, v in stored.headers]
        )
        record.body = stored.body
        session.add(record)
        session.commit()


def release(engine: Engine, scope_hash: str) -> None:
    with Session(engine) as session:
        session.exec(
            delete(IdempotencyRecord).where(col(IdempotencyRecord.scope_hash) == scope_hash)
        )
        session.commit()


def purge_expired(session: Session) -> int:
    """Delete records past their TTL (run hourly by the job worker)."""
    result = session.exec(
        delete(IdempotencyRecord).where(col(IdempotencyRecord.expires_at) < utcnow())
    )
    return int(result.rowcount or 0)

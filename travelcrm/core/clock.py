"""The one place that reads the wall clock: timezone-aware UTC everywhere inside."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """Treat a naive datetime (as SQLite returns them) as UTC; convert aware ones to UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def to_local(value: datetime, timezone: str) -> datetime:
    """A stored UTC time shown in a tenant's or user's timezone (only at the edges)."""
    return as_utc(value).astimezone(ZoneInfo(timezone))

"""The one place that reads the wall clock: timezone-aware UTC everywhere inside.

Tests set the time with `frozen(...)` (a context manager) instead of depending on today's date;
nothing else may read `datetime.now()` or `date.today()`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo


class FrozenClock:
    """A clock that reads one instant until moved (`advance`, `move_to`)."""

    def __init__(self, at: datetime) -> None:
        self.now = at
        self.move_to(at)

    def move_to(self, at: datetime) -> datetime:
        if at.tzinfo is None:
            raise ValueError("a frozen clock needs a timezone-aware instant")
        self.now = at.astimezone(UTC)
        return self.now

    def advance(self, by: timedelta) -> datetime:
        return self.move_to(self.now + by)


_frozen: FrozenClock | None = None


def utcnow() -> datetime:
    return _frozen.now if _frozen is not None else datetime.now(UTC)


def today(timezone: str = "UTC") -> date:
    """The calendar date now in `timezone` (an agency's IANA zone: its "today")."""
    return utcnow().astimezone(ZoneInfo(timezone)).date()


@contextmanager
def frozen(at: datetime) -> Iterator[FrozenClock]:
    """Make `utcnow()` and `today()` read `at` (and what `advance` moves it to) in the block."""
    global _frozen
    previous, _frozen = _frozen, FrozenClock(at)
    try:
        yield _frozen
    finally:
        _frozen = previous


def as_utc(value: datetime) -> datetime:
    """Treat a naive datetime (as SQLite returns them) as UTC; convert aware ones to UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def to_local(value: datetime, timezone: str) -> datetime:
    """A stored UTC time shown in a tenant's or user's timezone (only at the edges)."""
    return as_utc(value).astimezone(ZoneInfo(timezone))

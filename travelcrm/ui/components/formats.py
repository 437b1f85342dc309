"""Plain-text formats pages share (times at the edges, in the agency's timezone)."""

from __future__ import annotations

from datetime import datetime

from travelcrm.core.clock import to_local

DATE = "%d %b %Y"
DATE_TIME = "%d %b %Y, %H:%M"


def local_time(value: datetime | None, timezone: str, fmt: str = DATE_TIME) -> str:
    """A stored UTC time as the agency reads it, e.g. "14 Mar 2026, 09:30"; "" for None."""
    if value is None:
        return ""
    return to_local(value, timezone).strftime(fmt)


def local_date(value: datetime | None, timezone: str) -> str:
    return local_time(value, timezone, DATE)

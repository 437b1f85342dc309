"""Column helpers shared by every domain's models."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime
from sqlmodel import Field

from travelcrm.core.clock import utcnow


def utc_datetime(*, nullable: bool = False, index: bool = False, default_now: bool = False) -> Any:
    """A timezone-aware UTC timestamp column (TIMESTAMPTZ on PostgreSQL)."""
    kwargs: dict[str, Any] = {"sa_type": DateTime(timezone=True), "nullable": nullable}
    if index:
        kwargs["index"] = True
    if default_now:
        kwargs["default_factory"] = utcnow
    elif nullable:
        kwargs["default"] = None
    return Field(**kwargs)


__all__ = ["datetime", "utc_datetime"]

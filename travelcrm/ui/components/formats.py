"""Plain-text formats pages share: times at the edges, in the agency's timezone and written the
way its locale writes them (core/locale.py, Babel): "14 Mar 2026, 9:30 am" for en-IN,
"Mar 14, 2026, 9:30 AM" for en-US."""

from __future__ import annotations

from datetime import datetime

from babel.dates import format_time

from travelcrm.core.clock import to_local
from travelcrm.core.locale import current_locale, date_text


def local_time(
    value: datetime | None, timezone: str, fmt: str | None = None, *, seconds: bool = False
) -> str:
    """A stored UTC time as the agency reads it, in its locale ("14 Mar 2026, 9:30 am"; with
    `seconds`, "9:30:05 am"); `fmt` (strftime) only for technical pages that want a fixed
    form; "" for None."""
    if value is None:
        return ""
    local = to_local(value, timezone)
    if fmt is not None:
        return local.strftime(fmt)
    width = "medium" if seconds else "short"
    return f"{date_text(local.date())}, {format_time(local, width, locale=current_locale())}"


def local_date(value: datetime | None, timezone: str) -> str:
    """The day of a stored UTC time in the agency's timezone, in its locale ("14 Mar 2026")."""
    if value is None:
        return ""
    return date_text(to_local(value, timezone).date())

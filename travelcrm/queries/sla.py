"""Business-hours SLA calendar: due times and time left, counted in a tenant's working hours.

Pure arithmetic: no database, no I/O, no clock. Instants go in and come out as timezone-aware UTC
datetimes; the tenant's timezone is only used to place each day's opening and closing on the wall
clock. The rules, each pinned by tests/queries/test_sla.py:

- A working day's window is [opens, closes) on the tenant's wall clock. Every working day has the
  same hours unless `hours` gives a weekday its own (e.g. Saturday 10:00-14:00); one window per
  day, no lunch breaks. `closes=time(0)` means midnight at the end of the day (24:00).
- Holidays are local dates of the tenant; a holiday has no window.
- Business time is real elapsed time inside windows. A day on which the clocks change keeps its
  wall-clock hours: 09:00-18:00 is 9 real hours when the change happens at 02:00 (US, EU, ...),
  and a window that contains the change is an hour shorter or longer (00:00-06:00 in New York is
  5 h on the March change day, 7 h on the November one).
- A wall-clock time means the first instant at which the clock reads that time or later: a time
  repeated when the clocks go back is its first occurrence (zoneinfo's fold=0); a time skipped when
  they go forward is the instant of the change (opening "at 02:30" on a day the clock jumps from
  02:00 to 03:00 opens at 03:00). So windows never overlap and due times are monotonic.
- A start outside hours counts from the next opening. A target that uses a window up exactly is due
  at that window's closing, not at the next opening; a zero target is due at the first business
  instant at or after the start.

Speed: one step per calendar day, and whole weeks are skipped arithmetically while no holiday and
no clock change lies ahead, so a call costs microseconds and long targets stay cheap.
"""

from __future__ import annotations

import bisect
import functools
import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from types import MappingProxyType
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MON_TO_FRI: frozenset[int] = frozenset(range(5))
MAX_TARGET = timedelta(days=30)  # 720 business hours; longer targets are almost surely a typo

_ZERO = timedelta(0)
_DAY = timedelta(days=1)
_SECOND = timedelta(seconds=1)
_TICK = timedelta.resolution
_MINUTE = timedelta(minutes=1)
_EPOCH = datetime(1970, 1, 1)  # naive UTC is used inside; _EPOCH* convert without .replace()
_EPOCH_UTC = datetime(1970, 1, 1, tzinfo=UTC)

Window = tuple[datetime, datetime]  # naive UTC [opening, closing) of one local day


class Priority(StrEnum):
    URGENT = "urgent"
    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"


class SlaKind(StrEnum):
    FIRST_RESPONSE = "first_response"
    FOLLOW_UP = "follow_up"


def _check_hours(label: str, opens: time, closes: time) -> tuple[timedelta, timedelta]:
    """Validate one day's hours; return them as offsets from local midnight."""
    if not isinstance(opens, time) or not isinstance(closes, time):
        raise ValueError(f"{label}: opening and closing must be datetime.time values")
    if opens.tzinfo is not None or closes.tzinfo is not None:
        raise ValueError(f"{label}: hours are wall-clock times; give them without a tzinfo")
    start = timedelta(
        hours=opens.hour, minutes=opens.minute, seconds=opens.second, microseconds=opens.microsecond
    )
    if closes == time(0):
        return start, _DAY  # midnight at the end of the day
    end = timedelta(
        hours=closes.hour,
        minutes=closes.minute,
        seconds=closes.second,
        microseconds=closes.microsecond,
    )
    if end <= start:
        raise ValueError(
            f"{label}: opening {opens.isoformat()} must be before closing {closes.isoformat()}"
            " (use closes=00:00 for midnight at the end of the day)"
        )
    return start, end


def _load_zone(key: str) -> ZoneInfo:
    hint = "use an IANA timezone, e.g. Asia/Kolkata or America/New_York"
    if not isinstance(key, str) or not key or key == "localtime":
        raise ValueError(f"unknown timezone {key!r}: {hint}")
    try:
        return ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValueError(f"unknown timezone {key!r}: {hint}") from None


@functools.lru_cache(maxsize=1024)
def _clock_change_days(zone_key: str, year: int) -> tuple[int, ...]:
    """Ordinals of the local days of `year` on which `zone` changes its UTC offset.

    Found by comparing the offsets at consecutive local midnights, and padded by a day on each
    side (a false alarm only costs the slow path). Two changes within one day that cancel out
    would not be seen (that day would keep its nominal window length).
    """
    zone = ZoneInfo(zone_key)
    first = date(year, 1, 1).toordinal()
    end = date(year + 1, 1, 1).toordinal()
    days: set[int] = set()
    previous = zone.utcoffset(datetime.fromordinal(first))
    for ordinal in range(first + 1, end + 1):
        current = zone.utcoffset(datetime.fromordinal(ordinal))
        if current != previous:
            days.update((ordinal - 2, ordinal - 1, ordinal))
        previous = current
    return tuple(sorted(days))


def _offset_at(zone: ZoneInfo, instant: datetime) -> timedelta:
    """The zone's UTC offset at a naive UTC instant."""
    return instant.replace(tzinfo=UTC).astimezone(zone).utcoffset() or _ZERO


def _first_instant_at(zone: ZoneInfo, local: datetime) -> datetime:
    """The first naive UTC instant at which the wall clock in `zone` reads `local` or later."""
    before = zone.utcoffset(local) or _ZERO  # fold=0: the offset before a change
    after = zone.utcoffset(local.replace(fold=1)) or _ZERO
    if before >= after:  # an ordinary time, or one repeated when clocks go back: first occurrence
        return local - before
    # Skipped when the clocks went forward: find the change, on whole seconds as the tz data are.
    low = (local - after - _EPOCH) // _SECOND  # still on the old offset
    high = -((_EPOCH - (local - before)) // _SECOND)  # already on the new one
    old = _offset_at(zone, _EPOCH + low * _SECOND)
    while high - low > 1:
        middle = (low + high) // 2
        if _offset_at(zone, _EPOCH + middle * _SECOND) == old:
            low = middle
        else:
            high = middle
    return _EPOCH + high * _SECOND


@dataclass(frozen=True)
class BusinessCalendar:
    """A tenant's working week in its own timezone (see the module docstring for the rules).

    `working_days` uses 0=Monday .. 6=Sunday. `hours` optionally gives some working days their own
    (opens, closes); the others use `opens`/`closes`.
    """

    timezone: str
    working_days: frozenset[int] = MON_TO_FRI
    opens: time = time(9)
    closes: time = time(18)
    holidays: frozenset[date] = frozenset()
    hours: Mapping[int, tuple[time, time]] = field(default_factory=dict, hash=False)

    _zone: ZoneInfo = field(init=False, repr=False, compare=False, hash=False)
    _windows: tuple[tuple[timedelta, timedelta] | None, ...] = field(
        init=False, repr=False, compare=False, hash=False
    )
    _week: timedelta = field(init=False, repr=False, compare=False, hash=False)
    _holiday_ordinals: tuple[int, ...] = field(init=False, repr=False, compare=False, hash=False)
    _holiday_set: frozenset[int] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        zone = _load_zone(self.timezone)
        working_days = frozenset(self.working_days)
        if not working_days:
            raise ValueError("a calendar needs at least one working day")
        if not working_days <= frozenset(range(7)):
            raise ValueError(
                f"working days are 0 (Monday) to 6 (Sunday), got {sorted(working_days)}"
            )
        default = _check_hours("opening hours", self.opens, self.closes)
        hours = dict(self.hours)
        if not set(hours) <= set(range(7)):
            raise ValueError(f"hours are keyed 0 (Monday) to 6 (Sunday), got {sorted(hours)}")
        windows: list[tuple[timedelta, timedelta] | None] = []
        for weekday in range(7):
            if weekday in hours:
                if weekday not in working_days:
                    raise ValueError(
                        f"hours given for {WEEKDAY_NAMES[weekday]}, which is not a working day"
                    )
                windows.append(_check_hours(f"{WEEKDAY_NAMES[weekday]} hours", *hours[weekday]))
            else:
                windows.append(default if weekday in working_days else None)
        holidays = frozenset(self.holidays)
        if any(isinstance(day, datetime) or not isinstance(day, date) for day in holidays):
            raise ValueError("holidays are local dates (datetime.date), not datetimes")
        object.__setattr__(self, "working_days", working_days)
        object.__setattr__(self, "hours", MappingProxyType(hours))
        object.__setattr__(self, "holidays", holidays)
        object.__setattr__(self, "_zone", zone)
        object.__setattr__(self, "_windows", tuple(windows))
        object.__setattr__(
            self, "_week", sum((w[1] - w[0] for w in windows if w is not None), _ZERO)
        )
        ordinals = sorted(day.toordinal() for day in holidays)
        object.__setattr__(self, "_holiday_ordinals", tuple(ordinals))
        object.__setattr__(self, "_holiday_set", frozenset(ordinals))

    @classmethod
    def default(cls, timezone: str, *, holidays: Iterable[date] = ()) -> BusinessCalendar:
        """Monday to Friday, 09:00-18:00 in `timezone`."""
        return cls(timezone=timezone, holidays=frozenset(holidays))

    @property
    def weekly_hours(self) -> timedelta:
        """Business time in a week without holidays or clock changes."""
        return self._week

    # -- internals shared by the functions below -------------------------------------------

    def _local_ordinal(self, instant: datetime) -> int:
        """The local date (as an ordinal) of an aware instant."""
        return instant.astimezone(self._zone).toordinal()

    def _window(self, ordinal: int) -> Window | None:
        """The naive UTC [opening, closing) of a local day, or None when it is closed."""
        hours = self._windows[(ordinal - 1) % 7]  # ordinal 1 (0001-01-01) was a Monday
        if hours is None or ordinal in self._holiday_set:
            return None
        midnight = datetime.fromordinal(ordinal)
        zone = self._zone
        if ordinal in _clock_change_days(zone.key, midnight.year):
            opening = _first_instant_at(zone, midnight + hours[0])
            closing = _first_instant_at(zone, midnight + hours[1])
            return (opening, closing) if closing > opening else None
        offset = zone.utcoffset(midnight) or _ZERO  # the same all day
        return midnight + hours[0] - offset, midnight + hours[1] - offset

    def _next_irregular_day(self, ordinal: int) -> int:
        """The first day >= ordinal that is a holiday or a clock-change day (or a safe bound)."""
        holidays = self._holiday_ordinals
        index = bisect.bisect_left(holidays, ordinal)
        bound = holidays[index] if index < len(holidays) else ordinal + 800
        year = date.fromordinal(ordinal).year
        for candidate_year in (year, year + 1):
            changes = _clock_change_days(self._zone.key, candidate_year)
            index = bisect.bisect_left(changes, ordinal)
            if index < len(changes):
                return min(bound, changes[index])
        return min(bound, date(year + 2, 1, 1).toordinal())


def _naive_utc(value: datetime, name: str) -> datetime:
    """Check that an instant is aware; return it as naive UTC."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime (UTC)")
    return _EPOCH + (value - _EPOCH_UTC)


def _aware_utc(value: datetime) -> datetime:
    return _EPOCH_UTC + (value - _EPOCH)


def add_business_time(
    calendar: BusinessCalendar, start_utc: datetime, duration: timedelta
) -> datetime:
    """The instant `duration` of business time after `start_utc` (aware UTC in and out)."""
    if duration < _ZERO:
        raise ValueError("duration must not be negative")
    start = _naive_utc(start_utc, "start_utc")
    remaining = duration
    week = calendar._week
    ordinal = calendar._local_ordinal(start_utc)
    window = calendar._window(ordinal)
    while True:
        if window is not None:
            opening, closing = window
            if closing >= start:
                begin = opening if opening > start else start
                available = closing - begin
                if remaining <= available:
                    return _aware_utc(begin + remaining)
                remaining -= available
        ordinal += 1
        if remaining > week:  # skip whole regular weeks, keeping some time for after them
            weeks = min(
                (remaining - _TICK) // week,
                (calendar._next_irregular_day(ordinal) - ordinal) // 7,
            )
            remaining -= weeks * week
            ordinal += 7 * weeks
        window = calendar._window(ordinal)


def business_time_between(
    calendar: BusinessCalendar, start_utc: datetime, end_utc: datetime
) -> timedelta:
    """Business time elapsed from `start_utc` to `end_utc`; zero when end is not after start."""
    start = _naive_utc(start_utc, "start_utc")
    end = _naive_utc(end_utc, "end_utc")
    if end <= start:
        return _ZERO
    total = _ZERO
    ordinal = calendar._local_ordinal(start_utc)
    last = calendar._local_ordinal(end_utc)
    while ordinal <= last:
        window = calendar._window(ordinal)
        if window is not None:
            low = window[0] if window[0] > start else start
            high = window[1] if window[1] < end else end
            if high > low:
                total += high - low
        ordinal += 1
        if last - ordinal >= 7:  # whole regular weeks that end before the end day
            weeks = min(last - ordinal, calendar._next_irregular_day(ordinal) - ordinal) // 7
            total += weeks * calendar._week
            ordinal += 7 * weeks
    return total


def is_business_time(calendar: BusinessCalendar, at_utc: datetime) -> bool:
    """Whether the instant falls inside a working window (closing itself is outside)."""
    at = _naive_utc(at_utc, "at_utc")
    window = calendar._window(calendar._local_ordinal(at_utc))
    return window is not None and window[0] <= at < window[1]


DEFAULT_TARGETS: Mapping[Priority, timedelta] = MappingProxyType(
    {
        Priority.URGENT: timedelta(hours=1),
        Priority.HIGH: timedelta(hours=4),
        Priority.NORMAL: timedelta(hours=24),
        Priority.LOW: timedelta(hours=48),
    }
)


def _check_targets(
    label: str, targets: Mapping[Priority, timedelta]
) -> Mapping[Priority, timedelta]:
    try:
        normalized = {Priority(key): value for key, value in targets.items()}
    except ValueError:
        raise ValueError(
            f"{label}: priorities are {', '.join(p.value for p in Priority)}; got {list(targets)}"
        ) from None
    missing = [p.value for p in Priority if p not in normalized]
    if missing:
        raise ValueError(f"{label}: missing a target for {', '.join(missing)}")
    for priority, target in normalized.items():
        if not isinstance(target, timedelta) or not _ZERO < target <= MAX_TARGET:
            raise ValueError(
                f"{label}: the {priority.value} target must be a timedelta above zero and at most"
                f" {MAX_TARGET // timedelta(hours=1)} h, got {target!r}"
            )
    for higher, lower in itertools.pairwise(Priority):
        if normalized[lower] < normalized[higher]:
            raise ValueError(
                f"{label}: the {lower.value} target ({format_duration(normalized[lower])}) is"
                f" shorter than the {higher.value} one ({format_duration(normalized[higher])})"
            )
    return MappingProxyType({p: normalized[p] for p in Priority})


@dataclass(frozen=True)
class SlaPolicy:
    """Business-time targets by priority for the first response and for each follow-up."""

    first_response: Mapping[Priority, timedelta] = field(
        default_factory=lambda: DEFAULT_TARGETS, hash=False
    )
    follow_up: Mapping[Priority, timedelta] = field(
        default_factory=lambda: DEFAULT_TARGETS, hash=False
    )

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "first_response", _check_targets("first response", self.first_response)
        )
        object.__setattr__(self, "follow_up", _check_targets("follow-up", self.follow_up))

    def target(self, kind: SlaKind, priority: Priority) -> timedelta:
        targets = self.first_response if SlaKind(kind) is SlaKind.FIRST_RESPONSE else self.follow_up
        return targets[Priority(priority)]

    def due_at(
        self,
        calendar: BusinessCalendar,
        kind: SlaKind,
        priority: Priority,
        start_utc: datetime,
    ) -> datetime:
        """When a reply is due for a query (or the last message) received at `start_utc`."""
        return add_business_time(calendar, start_utc, self.target(kind, priority))


@dataclass(frozen=True, slots=True)
class SlaStatus:
    due_at: datetime
    breached: bool
    business_time_left: timedelta  # zero once due
    business_time_overdue: timedelta  # zero until breached; business time since the due instant

    @property
    def label(self) -> str:
        """E.g. "2h 10m left", "breached 35m ago", or "breached" while no business time passed."""
        if not self.breached:
            return f"{format_duration(self.business_time_left)} left"
        if self.business_time_overdue < _MINUTE:
            return "breached"
        return f"breached {format_duration(self.business_time_overdue)} ago"


def sla_status(calendar: BusinessCalendar, due_utc: datetime, now_utc: datetime) -> SlaStatus:
    """Time left (or overdue) in business time; breached once `now_utc` is past the due instant."""
    due = _aware_utc(_naive_utc(due_utc, "due_utc"))
    now = _aware_utc(_naive_utc(now_utc, "now_utc"))
    if now <= due:
        return SlaStatus(due, False, business_time_between(calendar, now, due), _ZERO)
    return SlaStatus(due, True, _ZERO, business_time_between(calendar, due, now))


def format_duration(value: timedelta) -> str:
    """A short label rounded down to minutes: "45m", "2h 10m", "48h", then "3d 4h" (d = 24 h)."""
    if value < _ZERO:
        raise ValueError("durations to format must not be negative")
    minutes = value // _MINUTE
    if minutes == 0:
        return "<1m" if value else "0m"
    if minutes <= 48 * 60:
        hours, minutes = divmod(minutes, 60)
        if not hours:
            return f"{minutes}m"
        return f"{hours}h {minutes}m" if minutes else f"{hours}h"
    days, minutes = divmod(minutes, 24 * 60)
    hours = minutes // 60
    return f"{days}d {hours}h" if hours else f"{days}d"

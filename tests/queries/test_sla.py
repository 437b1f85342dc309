"""The business-hours SLA calendar: worked examples written out by hand, the DST rules in New
York (and the India case with no DST), and hypothesis properties checked against two oracles
written here: a per-day loop on zoneinfo-aware datetimes (no week skipping) and a minute-by-minute
walk over real time."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from travelcrm.queries.sla import (
    DEFAULT_TARGETS,
    BusinessCalendar,
    Priority,
    SlaKind,
    SlaPolicy,
    add_business_time,
    business_time_between,
    format_duration,
    is_business_time,
    sla_status,
)

NY, KOLKATA = "America/New_York", "Asia/Kolkata"
ZONES = [NY, KOLKATA, "Europe/London", "Australia/Sydney", "America/Santiago"]
EVERY_DAY = frozenset(range(7))
H = timedelta(hours=1)
M = timedelta(minutes=1)
# 2027 clock changes: US, EU, Santiago and Sydney (April and September/October), then EU and US.
CHANGES = [
    datetime(2027, 3, 14, 7, tzinfo=UTC),
    datetime(2027, 3, 28, 1, tzinfo=UTC),
    datetime(2027, 4, 4, 3, tzinfo=UTC),
    datetime(2027, 9, 5, 4, tzinfo=UTC),
    datetime(2027, 10, 2, 16, tzinfo=UTC),
    datetime(2027, 10, 31, 1, tzinfo=UTC),
    datetime(2027, 11, 7, 6, tzinfo=UTC),
]
QUICK = settings(max_examples=120, deadline=None)
SLOW = settings(max_examples=40, deadline=None)


def at(
    zone: str,
    year: int,
    month: int,
    day: int,
    hour: int = 0,
    minute: int = 0,
    second: int = 0,
    *,
    fold: int = 0,
) -> datetime:
    """A tenant's wall-clock time as an aware UTC instant."""
    local = datetime(year, month, day, hour, minute, second, tzinfo=ZoneInfo(zone), fold=fold)
    return local.astimezone(UTC)


def wall(zone: str, instant: datetime) -> datetime:
    return instant.astimezone(ZoneInfo(zone)).replace(tzinfo=None)


def hours_of(calendar: BusinessCalendar, day: date) -> tuple[time, time] | None:
    if day.weekday() not in calendar.working_days or day in calendar.holidays:
        return None
    return calendar.hours.get(day.weekday(), (calendar.opens, calendar.closes))


# -- oracles ------------------------------------------------------------------------------------


def per_day_add(calendar: BusinessCalendar, start: datetime, duration: timedelta) -> datetime:
    """Day by day on aware datetimes, no week skipping (hours must avoid skipped clock times)."""
    zone = ZoneInfo(calendar.timezone)
    day = start.astimezone(zone).date()
    remaining = duration
    while True:
        hours = hours_of(calendar, day)
        if hours is not None:
            opening = datetime.combine(day, hours[0], tzinfo=zone).astimezone(UTC)
            closing = datetime.combine(day, hours[1], tzinfo=zone).astimezone(UTC)
            begin = max(opening, start)
            if closing >= begin:
                if remaining <= closing - begin:
                    return begin + remaining
                remaining -= closing - begin
        day += timedelta(days=1)


def is_business_minute(calendar: BusinessCalendar, instant: datetime) -> bool:
    local = instant.astimezone(ZoneInfo(calendar.timezone))
    hours = hours_of(calendar, local.date())
    return hours is not None and hours[0] <= local.time() < hours[1]


def minute_walk_add(calendar: BusinessCalendar, start: datetime, minutes: int) -> datetime:
    instant, counted = start, 0
    while True:
        if is_business_minute(calendar, instant):
            counted += 1
            if counted == minutes:
                return instant + M
        instant += M


def minute_walk_between(calendar: BusinessCalendar, start: datetime, end: datetime) -> timedelta:
    count = sum(is_business_minute(calendar, start + i * M) for i in range((end - start) // M))
    return count * M


# -- strategies ---------------------------------------------------------------------------------


def _clock(minutes: int) -> time:
    return time(minutes // 60, minutes % 60)


@st.composite
def calendars(
    draw: st.DrawFn, zones: list[str] = ZONES, min_days: int = 1, min_window: int = 60
) -> BusinessCalendar:
    """Random working weeks. Hours stay within 03:00-23:00, clear of these zones' clock changes
    (01:00-03:00 and midnight), so the oracles' simpler reading of wall-clock times holds."""

    def window() -> tuple[time, time]:
        opens = draw(st.integers(180, 1380 - min_window))
        return _clock(opens), _clock(draw(st.integers(opens + min_window, 1380)))

    days = draw(st.frozensets(st.integers(0, 6), min_size=min_days))
    opens, closes = window()
    special = draw(st.frozensets(st.sampled_from(sorted(days)), max_size=2))
    return BusinessCalendar(
        timezone=draw(st.sampled_from(zones)),
        working_days=days,
        opens=opens,
        closes=closes,
        holidays=draw(st.frozensets(st.dates(date(2026, 12, 1), date(2028, 2, 1)), max_size=15)),
        hours={weekday: window() for weekday in special},
    )


anywhere = st.datetimes(datetime(2026, 12, 1), datetime(2028, 1, 31), timezones=st.just(UTC))
near_changes = st.builds(
    lambda change, delta: change + delta,
    st.sampled_from(CHANGES),
    st.timedeltas(-timedelta(days=4), timedelta(days=4)),
)
starts = st.one_of(anywhere, near_changes)
durations = st.timedeltas(timedelta(0), timedelta(hours=120))


# -- worked examples ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "friday", "monday"),
    [
        (NY, date(2027, 6, 4), date(2027, 6, 7)),
        (NY, date(2027, 3, 12), date(2027, 3, 15)),  # clocks go forward on the Sunday
        (NY, date(2027, 11, 5), date(2027, 11, 8)),  # clocks go back on the Sunday
        (KOLKATA, date(2027, 3, 12), date(2027, 3, 15)),
    ],
)
def test_friday_half_past_five_plus_an_hour_is_monday_half_past_nine(
    zone: str, friday: date, monday: date
) -> None:
    calendar = BusinessCalendar.default(zone)
    start = at(zone, friday.year, friday.month, friday.day, 17, 30)
    due = add_business_time(calendar, start, H)
    assert due == at(zone, monday.year, monday.month, monday.day, 9, 30)
    assert due.tzinfo is UTC
    assert business_time_between(calendar, start, due) == H


def test_real_gap_over_a_dst_weekend_is_an_hour_shorter_or_longer() -> None:
    calendar = BusinessCalendar.default(NY)
    march = add_business_time(calendar, at(NY, 2027, 3, 12, 17, 30), H)
    november = add_business_time(calendar, at(NY, 2027, 11, 5, 17, 30), H)
    assert march == datetime(2027, 3, 15, 13, 30, tzinfo=UTC)  # EDT, UTC-4
    assert november == datetime(2027, 11, 8, 14, 30, tzinfo=UTC)  # EST, UTC-5
    assert march - at(NY, 2027, 3, 12, 17, 30) == timedelta(days=2, hours=15)
    assert november - at(NY, 2027, 11, 5, 17, 30) == timedelta(days=2, hours=17)


def test_a_holiday_monday_pushes_the_due_time_to_tuesday() -> None:
    calendar = BusinessCalendar.default(KOLKATA, holidays=[date(2027, 3, 15)])
    due = add_business_time(calendar, at(KOLKATA, 2027, 3, 12, 17, 30), H)
    assert due == at(KOLKATA, 2027, 3, 16, 9, 30)


@pytest.mark.parametrize(
    ("zone", "priority", "due_hour"), [(KOLKATA, "high", 13), (NY, "urgent", 10)]
)
def test_a_query_at_3am_is_due_at_opening_plus_target(
    zone: str, priority: str, due_hour: int
) -> None:
    due = SlaPolicy().due_at(
        BusinessCalendar.default(zone),
        SlaKind.FIRST_RESPONSE,
        Priority(priority),
        at(zone, 2027, 3, 10, 3, 0),
    )
    assert due == at(zone, 2027, 3, 10, due_hour, 0)


def test_a_24_hour_target_spans_three_working_days() -> None:
    calendar = BusinessCalendar.default(KOLKATA)
    # Monday 10:00: 8 h on Monday, 9 h on Tuesday, the last 7 h on Wednesday.
    due = add_business_time(calendar, at(KOLKATA, 2027, 6, 7, 10, 0), 24 * H)
    assert due == at(KOLKATA, 2027, 6, 9, 16, 0)


def test_a_target_that_fills_the_day_is_due_at_closing_not_next_opening() -> None:
    calendar = BusinessCalendar.default(KOLKATA)
    assert add_business_time(calendar, at(KOLKATA, 2027, 6, 7, 9), 9 * H) == at(
        KOLKATA, 2027, 6, 7, 18
    )
    assert add_business_time(calendar, at(KOLKATA, 2027, 6, 4, 9), 9 * H) == at(
        KOLKATA, 2027, 6, 4, 18
    )  # a Friday: not Monday 09:00


def test_a_zero_target_is_the_first_business_instant() -> None:
    calendar = BusinessCalendar.default(NY)
    saturday = at(NY, 2027, 6, 5, 11)
    assert add_business_time(calendar, saturday, timedelta(0)) == at(NY, 2027, 6, 7, 9)
    closing = at(NY, 2027, 6, 4, 18)
    assert add_business_time(calendar, closing, timedelta(0)) == closing
    inside = at(NY, 2027, 6, 4, 12, 34, 56)
    assert add_business_time(calendar, inside, timedelta(0)) == inside


def test_days_can_have_their_own_hours() -> None:
    calendar = BusinessCalendar(
        timezone=KOLKATA,
        working_days=frozenset(range(6)),
        hours={5: (time(10), time(14))},
    )
    assert add_business_time(calendar, at(KOLKATA, 2027, 6, 4, 17, 30), H) == at(
        KOLKATA, 2027, 6, 5, 10, 30
    )
    assert add_business_time(calendar, at(KOLKATA, 2027, 6, 5, 13), 2 * H) == at(
        KOLKATA, 2027, 6, 7, 10
    )
    assert calendar.weekly_hours == 49 * H


def test_non_utc_aware_inputs_are_converted_and_naive_ones_refused() -> None:
    calendar = BusinessCalendar.default(KOLKATA)
    local = datetime(2027, 6, 7, 10, tzinfo=ZoneInfo(KOLKATA))
    assert add_business_time(calendar, local, H) == at(KOLKATA, 2027, 6, 7, 11)
    with pytest.raises(ValueError, match="timezone-aware"):
        add_business_time(calendar, datetime(2027, 6, 7, 10), H)
    with pytest.raises(ValueError, match="timezone-aware"):
        business_time_between(calendar, local, datetime(2027, 6, 7, 12))
    with pytest.raises(ValueError, match="negative"):
        add_business_time(calendar, local, -H)


def test_between_is_zero_when_the_end_is_not_after_the_start() -> None:
    calendar = BusinessCalendar.default(NY)
    start = at(NY, 2027, 6, 7, 10)
    assert business_time_between(calendar, start, start) == timedelta(0)
    assert business_time_between(calendar, start, start - H) == timedelta(0)
    assert business_time_between(calendar, at(NY, 2027, 6, 5, 10), at(NY, 2027, 6, 6, 20)) == (
        timedelta(0)
    )  # a weekend


def test_is_business_time_includes_opening_and_excludes_closing() -> None:
    calendar = BusinessCalendar.default(NY, holidays=[date(2027, 7, 5)])
    assert is_business_time(calendar, at(NY, 2027, 6, 7, 9))
    assert not is_business_time(calendar, at(NY, 2027, 6, 7, 18))
    assert not is_business_time(calendar, at(NY, 2027, 6, 7, 8, 59))
    assert not is_business_time(calendar, at(NY, 2027, 7, 5, 12))  # holiday
    assert not is_business_time(calendar, at(NY, 2027, 6, 5, 12))  # Saturday


# -- clock changes ------------------------------------------------------------------------------


def test_a_dst_sunday_keeps_its_wall_clock_window() -> None:
    calendar = BusinessCalendar(NY, working_days=EVERY_DAY)
    due = add_business_time(calendar, at(NY, 2027, 3, 13, 17), 2 * H)
    assert due == at(NY, 2027, 3, 14, 10) == datetime(2027, 3, 14, 14, tzinfo=UTC)
    for day in (date(2027, 3, 14), date(2027, 11, 7)):
        opening = at(NY, day.year, day.month, day.day, 0)
        assert business_time_between(calendar, opening, opening + timedelta(days=1)) == 9 * H


@pytest.mark.parametrize(
    ("day", "real_hours"), [(date(2027, 3, 14), 5), (date(2027, 11, 7), 7), (date(2027, 6, 6), 6)]
)
def test_a_window_that_contains_the_change_is_shorter_or_longer(day: date, real_hours: int) -> None:
    calendar = BusinessCalendar(NY, working_days=EVERY_DAY, opens=time(0), closes=time(6))
    midnight = at(NY, day.year, day.month, day.day, 0)
    assert business_time_between(calendar, midnight, midnight + 12 * H) == real_hours * H
    assert add_business_time(calendar, midnight, real_hours * H) == at(
        NY, day.year, day.month, day.day, 6
    )


def test_an_opening_time_the_clock_skips_opens_when_the_clock_jumps() -> None:
    calendar = BusinessCalendar(NY, working_days=EVERY_DAY, opens=time(2, 30), closes=time(5))
    change = datetime(2027, 3, 14, 7, tzinfo=UTC)  # 02:00 EST becomes 03:00 EDT
    assert not is_business_time(calendar, change - timedelta(seconds=1))
    assert is_business_time(calendar, change)
    assert add_business_time(calendar, at(NY, 2027, 3, 14, 0), timedelta(0)) == change
    assert business_time_between(calendar, change - 3 * H, change + 5 * H) == 2 * H


def test_a_closing_time_the_clock_repeats_closes_the_first_time() -> None:
    calendar = BusinessCalendar(NY, working_days=EVERY_DAY, opens=time(0), closes=time(1, 30))
    midnight = at(NY, 2027, 11, 7, 0)
    first_half_past_one = at(NY, 2027, 11, 7, 1, 30, fold=0)
    assert first_half_past_one == datetime(2027, 11, 7, 5, 30, tzinfo=UTC)
    assert add_business_time(calendar, midnight, 90 * M) == first_half_past_one
    assert not is_business_time(calendar, at(NY, 2027, 11, 7, 1, 15, fold=1))


def test_a_day_the_calendar_skips_has_no_window() -> None:
    # Samoa moved across the date line: 29 December 2011 was followed by the 31st.
    calendar = BusinessCalendar("Pacific/Apia", working_days=EVERY_DAY)
    due = add_business_time(calendar, at("Pacific/Apia", 2011, 12, 29, 17), 2 * H)
    assert due == at("Pacific/Apia", 2011, 12, 31, 10)


@pytest.mark.parametrize("zone", [NY, KOLKATA, "UTC", "Australia/Lord_Howe", "America/Santiago"])
@given(start=starts, duration=st.timedeltas(timedelta(0), timedelta(days=20)))
@QUICK
def test_around_the_clock_business_time_is_real_time(
    zone: str, start: datetime, duration: timedelta
) -> None:
    calendar = BusinessCalendar(zone, working_days=EVERY_DAY, opens=time(0), closes=time(0))
    assert add_business_time(calendar, start, duration) == start + duration
    assert business_time_between(calendar, start, start + duration) == duration


@pytest.mark.parametrize("zone", [NY, KOLKATA])
@given(
    data=st.data(),
    start=st.builds(
        lambda change, minutes: change + minutes * M,
        st.sampled_from([CHANGES[0], CHANGES[-1]]),
        st.integers(-5 * 24 * 60, 5 * 24 * 60),
    ),
    minutes=st.integers(1, 12 * 60),
)
@SLOW
def test_us_and_india_across_dst_weeks_agree_with_a_minute_by_minute_walk(
    zone: str, data: st.DataObject, start: datetime, minutes: int
) -> None:
    calendar = data.draw(calendars(zones=[zone], min_days=3, min_window=240))
    due = add_business_time(calendar, start, minutes * M)
    assert due == minute_walk_add(calendar, start, minutes)
    assert minute_walk_between(calendar, start, due) == minutes * M
    end = start + data.draw(st.integers(0, 3 * 24 * 60)) * M
    assert business_time_between(calendar, start, end) == minute_walk_between(calendar, start, end)


# -- properties ---------------------------------------------------------------------------------


@given(calendar=calendars(), start=starts, duration=durations)
@QUICK
def test_adding_then_measuring_gives_the_duration_back(
    calendar: BusinessCalendar, start: datetime, duration: timedelta
) -> None:
    due = add_business_time(calendar, start, duration)
    assert due >= start
    assert business_time_between(calendar, start, due) == duration


@given(
    calendar=calendars(),
    start=starts,
    later_by=st.timedeltas(timedelta(0), timedelta(days=9)),
    duration=durations,
    more=durations,
)
@QUICK
def test_due_times_are_monotonic_in_start_and_duration(
    calendar: BusinessCalendar,
    start: datetime,
    later_by: timedelta,
    duration: timedelta,
    more: timedelta,
) -> None:
    due = add_business_time(calendar, start, duration)
    assert due <= add_business_time(calendar, start + later_by, duration)
    assert due <= add_business_time(calendar, start, duration + more)


@given(calendar=calendars(), start=starts, first=durations, second=durations)
@QUICK
def test_adding_is_additive(
    calendar: BusinessCalendar, start: datetime, first: timedelta, second: timedelta
) -> None:
    # Holds for any start, inside hours or not, since a start outside hours moves to the opening.
    assert add_business_time(
        calendar, add_business_time(calendar, start, first), second
    ) == add_business_time(calendar, start, first + second)


@given(calendar=calendars(), start=starts, duration=durations)
@QUICK
def test_due_times_fall_inside_working_hours_on_a_working_day(
    calendar: BusinessCalendar, start: datetime, duration: timedelta
) -> None:
    local = wall(calendar.timezone, add_business_time(calendar, start, duration))
    hours = hours_of(calendar, local.date())
    assert hours is not None, f"{local:%a %Y-%m-%d} is not a working day"
    assert hours[0] <= local.time() <= hours[1]


@given(
    calendar=calendars(),
    day=st.dates(date(2027, 1, 1), date(2027, 12, 31)),
    clock=st.times(),
    duration=durations,
)
@QUICK
def test_a_start_on_a_closed_day_counts_from_the_next_opening(
    calendar: BusinessCalendar, day: date, clock: time, duration: timedelta
) -> None:
    if day.weekday() in calendar.working_days:  # close it for the day
        calendar = dataclasses.replace(calendar, holidays=calendar.holidays | {day})
    start = datetime.combine(day, clock, tzinfo=ZoneInfo(calendar.timezone)).astimezone(UTC)
    following = day + timedelta(days=1)
    while (hours := hours_of(calendar, following)) is None:
        following += timedelta(days=1)
    opening = datetime.combine(following, hours[0], tzinfo=ZoneInfo(calendar.timezone)).astimezone(
        UTC
    )
    assert add_business_time(calendar, start, timedelta(0)) == opening
    assert add_business_time(calendar, start, duration) == add_business_time(
        calendar, opening, duration
    )
    assert business_time_between(calendar, start, opening) == timedelta(0)


@given(data=st.data(), calendar=calendars(), start=starts)
@SLOW
def test_week_skipping_matches_a_day_by_day_loop(
    data: st.DataObject, calendar: BusinessCalendar, start: datetime
) -> None:
    # Whole multiples of a week are the edge where a skip must stop short of the last closing.
    weeks = data.draw(st.integers(0, 40))
    extra = data.draw(st.sampled_from([timedelta(0), None]))
    if extra is None:
        extra = data.draw(st.timedeltas(timedelta(0), calendar.weekly_hours))
    duration = weeks * calendar.weekly_hours + extra
    due = add_business_time(calendar, start, duration)
    assert due == per_day_add(calendar, start, duration)
    assert business_time_between(calendar, start, due) == duration


# -- SLA policy, status and labels --------------------------------------------------------------


def test_default_targets_by_priority() -> None:
    policy = SlaPolicy()
    expected = {"urgent": 1, "high": 4, "normal": 24, "low": 48}
    for kind in SlaKind:
        assert {p.value: policy.target(kind, p) // H for p in Priority} == expected
    assert policy.target(SlaKind("follow_up"), Priority("low")) == 48 * H
    assert dict(policy.first_response) == dict(DEFAULT_TARGETS)


def test_custom_targets_are_checked() -> None:
    custom = SlaPolicy(follow_up={**DEFAULT_TARGETS, Priority.NORMAL: 8 * H})
    assert custom.target(SlaKind.FOLLOW_UP, Priority.NORMAL) == 8 * H
    assert custom.target(SlaKind.FIRST_RESPONSE, Priority.NORMAL) == 24 * H
    cases: list[tuple[dict[Priority, timedelta], str]] = [
        ({Priority.URGENT: H}, "missing a target for high, normal, low"),
        ({**DEFAULT_TARGETS, Priority.HIGH: timedelta(0)}, "high target must be a timedelta above"),
        ({**DEFAULT_TARGETS, Priority.LOW: timedelta(days=31)}, "at most 720 h"),
        ({**DEFAULT_TARGETS, Priority.HIGH: 30 * M}, r"high target \(30m\) is shorter than the"),
    ]
    for targets, message in cases:
        with pytest.raises(ValueError, match=message):
            SlaPolicy(first_response=targets)
    with pytest.raises(ValueError, match="priorities are urgent, high, normal, low"):
        SlaPolicy(follow_up={**DEFAULT_TARGETS, "critical": H})  # type: ignore[dict-item]


def test_status_shows_time_left_then_how_long_ago_it_was_breached() -> None:
    calendar = BusinessCalendar.default(NY)
    due = at(NY, 2027, 6, 7, 12)
    early = sla_status(calendar, due, at(NY, 2027, 6, 7, 9, 50))
    assert (early.breached, early.business_time_left, early.label) == (
        False,
        130 * M,
        "2h 10m left",
    )
    late = sla_status(calendar, due, at(NY, 2027, 6, 7, 12, 35))
    assert (late.breached, late.business_time_overdue, late.label) == (
        True,
        35 * M,
        "breached 35m ago",
    )
    assert late.business_time_left == timedelta(0)
    exactly = sla_status(calendar, due, due)
    assert (exactly.breached, exactly.label) == (False, "0m left")
    over_the_weekend = sla_status(calendar, at(NY, 2027, 6, 4, 18), at(NY, 2027, 6, 5, 10))
    assert (over_the_weekend.breached, over_the_weekend.label) == (True, "breached")
    overnight = sla_status(calendar, at(NY, 2027, 6, 8, 10), at(NY, 2027, 6, 7, 17))
    assert overnight.label == "2h left"
    assert overnight.due_at == at(NY, 2027, 6, 8, 10)


@pytest.mark.parametrize(
    ("value", "label"),
    [
        (timedelta(0), "0m"),
        (timedelta(seconds=30), "<1m"),
        (45 * M, "45m"),
        (2 * H + 10 * M + timedelta(seconds=59), "2h 10m"),
        (2 * H, "2h"),
        (48 * H, "48h"),
        (49 * H + 30 * M, "2d 1h"),
        (76 * H, "3d 4h"),
        (72 * H, "3d"),
    ],
)
def test_format_duration(value: timedelta, label: str) -> None:
    assert format_duration(value) == label


def test_format_duration_refuses_negative_values() -> None:
    with pytest.raises(ValueError, match="negative"):
        format_duration(-M)


# -- calendar validation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: BusinessCalendar("Mars/Olympus"), "unknown timezone 'Mars/Olympus'"),
        (lambda: BusinessCalendar("America"), "unknown timezone"),
        (lambda: BusinessCalendar("../etc/passwd"), "unknown timezone"),
        (lambda: BusinessCalendar(""), "unknown timezone"),
        (lambda: BusinessCalendar(NY, working_days=frozenset()), "at least one working day"),
        (lambda: BusinessCalendar(NY, working_days=frozenset({7})), r"0 \(Monday\) to 6"),
        (lambda: BusinessCalendar(NY, opens=time(18), closes=time(9)), "must be before closing"),
        (lambda: BusinessCalendar(NY, opens=time(9), closes=time(9)), "must be before closing"),
        (
            lambda: BusinessCalendar(NY, opens=time(9, tzinfo=UTC)),
            "wall-clock times; give them without a tzinfo",
        ),
        (lambda: BusinessCalendar(NY, hours={6: (time(10), time(12))}), "Sun, which is not"),
        (lambda: BusinessCalendar(NY, hours={1: (time(12), time(10))}), "Tue hours: opening"),
        (lambda: BusinessCalendar(NY, hours={8: (time(10), time(12))}), "hours are keyed"),
        (
            lambda: BusinessCalendar(NY, holidays=frozenset({datetime(2027, 1, 1)})),
            "holidays are local dates",
        ),
    ],
)
def test_calendar_validation_says_what_is_wrong(
    build: Callable[[], BusinessCalendar], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        build()


def test_calendars_are_values() -> None:
    one = BusinessCalendar.default(KOLKATA, holidays=[date(2027, 1, 26)])
    two = BusinessCalendar(
        KOLKATA, frozenset({4, 3, 2, 1, 0}), holidays=frozenset({date(2027, 1, 26)})
    )
    assert one == two
    assert hash(one) == hash(two)
    assert one.weekly_hours == 45 * H
    with pytest.raises(dataclasses.FrozenInstanceError):
        one.opens = time(8)  # type: ignore[misc]
    midnight = BusinessCalendar(KOLKATA, opens=time(20), closes=time(0))
    assert midnight.weekly_hours == 20 * H

"""The app clock: the only reader of the wall clock, frozen in tests through `frozen`."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from travelcrm.core import clock


def test_today_is_the_date_in_the_zone_asked_and_a_frozen_clock_moves_only_when_told() -> None:
    with clock.frozen(datetime(2027, 11, 3, 18, 0, tzinfo=UTC)) as frozen:
        assert clock.utcnow() == datetime(2027, 11, 3, 18, 0, tzinfo=UTC)
        assert clock.today() == date(2027, 11, 3)
        assert clock.today("Asia/Kolkata") == date(2027, 11, 3)  # 23:30
        assert clock.today("America/Los_Angeles") == date(2027, 11, 3)  # 11:00
        frozen.advance(timedelta(hours=1))
        assert clock.today("Asia/Kolkata") == date(2027, 11, 4)  # 00:30
        assert clock.today() == date(2027, 11, 3)
        with pytest.raises(ValueError, match="timezone-aware"):
            frozen.move_to(datetime(2027, 1, 1))
    # outside the block the wall clock is back
    assert abs(clock.utcnow() - datetime.now(UTC)) < timedelta(seconds=5)

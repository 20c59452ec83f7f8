"""Nudges and digests reach each person at COACH_SWEEP_HOUR on their own clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.hours import nudge_hour, weekly_hour


def first_nudge_moment(start: datetime, tz: str, hour: int = 9) -> datetime:
    """The first half-hourly sweep from ``start`` at which ``tz`` may be nudged."""
    moment = start
    while not nudge_hour(moment, tz, hour):
        moment += timedelta(minutes=30)
    return moment


@pytest.mark.parametrize(
    ("tz", "utc"),
    [
        ("America/New_York", datetime(2026, 11, 23, 14, 0, tzinfo=UTC)),  # EST, UTC-5
        ("Europe/London", datetime(2026, 11, 23, 9, 0, tzinfo=UTC)),
        ("Asia/Kolkata", datetime(2026, 11, 23, 3, 30, tzinfo=UTC)),  # UTC+5:30
        ("Pacific/Auckland", datetime(2026, 11, 22, 20, 0, tzinfo=UTC)),  # NZDT: Sunday UTC
    ],
)
def test_monday_nine_oclock_in_each_zone(tz: str, utc: datetime) -> None:
    assert first_nudge_moment(datetime(2026, 11, 22, 0, 0, tzinfo=UTC), tz) == utc


def test_the_week_the_clocks_change_keeps_nine_local() -> None:
    # New York leaves daylight time on Sunday 1 November 2026: 13:00 UTC, then 14:00.
    friday = first_nudge_moment(datetime(2026, 10, 30, 0, 0, tzinfo=UTC), "America/New_York")
    monday = first_nudge_moment(datetime(2026, 10, 31, 0, 0, tzinfo=UTC), "America/New_York")
    assert (friday.hour, monday.hour, monday.weekday()) == (13, 14, 0)
    # London leaves summer time on Sunday 25 October.
    before = first_nudge_moment(datetime(2026, 10, 23, 0, 0, tzinfo=UTC), "Europe/London")
    after = first_nudge_moment(datetime(2026, 10, 24, 0, 0, tzinfo=UTC), "Europe/London")
    assert (before.hour, after.hour) == (8, 9)


def test_no_nudge_on_a_local_weekend_or_at_night() -> None:
    saturday_morning_auckland = datetime(2026, 11, 20, 20, 0, tzinfo=UTC)  # Sat 09:00 NZDT
    assert not nudge_hour(saturday_morning_auckland, "Pacific/Auckland", 9)
    assert not nudge_hour(datetime(2026, 11, 23, 2, 0, tzinfo=UTC), "Europe/London", 9)
    # A sweep missed at nine still reaches them that working day, not in the evening.
    assert nudge_hour(datetime(2026, 11, 23, 13, 0, tzinfo=UTC), "Europe/London", 9)
    assert not nudge_hour(datetime(2026, 11, 23, 17, 0, tzinfo=UTC), "Europe/London", 9)


def test_the_digest_hour_is_on_its_own_weekday_locally() -> None:
    monday_nine_kolkata = datetime(2026, 11, 23, 3, 30, tzinfo=UTC)
    assert weekly_hour(monday_nine_kolkata, "Asia/Kolkata", "mon", 9)
    assert not weekly_hour(monday_nine_kolkata, "America/New_York", "mon", 9)  # Sunday night

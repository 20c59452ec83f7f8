"""When a scheduled message may reach someone: a humane hour in their own time zone.

The scheduler only wakes the sweeps (every half hour, so zones half an hour off UTC, such
as India's, are reached on the hour too); each sweep asks this module, per person, whether
now is the moment in *their* zone. A message is due from ``hour`` on; if Coach was down
then, it may still go later the same day, up to ``CATCH_UP_HOURS`` after, and never in the
evening or at night. The sent-message ledger keeps each message to once per period.
"""

from __future__ import annotations

from datetime import datetime

from bot.domain.cadence import zone_for

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# A sweep missed at the hour (a restart, an outage) still delivers within this many hours.
CATCH_UP_HOURS = 8


def local_time(now: datetime, tz_name: str | None) -> datetime:
    """``now`` on the person's own clock (UTC when their zone is unknown)."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    return now.astimezone(zone_for(tz_name))


def in_window(local_now: datetime, hour: int) -> bool:
    """From ``hour`` until ``CATCH_UP_HOURS`` later, the same day."""
    return hour <= local_now.hour < min(hour + CATCH_UP_HOURS, 24)


def nudge_hour(now: datetime, tz_name: str | None, hour: int) -> bool:
    """Whether a cadence nudge may reach someone in ``tz_name`` now: a weekday of theirs,
    at or a little after ``hour`` on their clock."""
    local_now = local_time(now, tz_name)
    return local_now.weekday() < 5 and in_window(local_now, hour)


def weekly_hour(now: datetime, tz_name: str | None, weekday: str, hour: int) -> bool:
    """Whether it is ``weekday`` at or a little after ``hour`` in ``tz_name``: when the
    digest (in its owner's zone) and each manager's summary (in theirs) go out."""
    local_now = local_time(now, tz_name)
    return WEEKDAYS[local_now.weekday()] == weekday and in_window(local_now, hour)

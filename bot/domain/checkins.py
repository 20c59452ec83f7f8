"""When a rep's weekly check-in is due, in the rep's own time zone."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from bot.domain.cadence import week_start

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# How each weekday setting reads in a sentence.
WEEKDAY_NAMES = {
    "mon": "Monday",
    "tue": "Tuesday",
    "wed": "Wednesday",
    "thu": "Thursday",
    "fri": "Friday",
    "sat": "Saturday",
    "sun": "Sunday",
}


def check_in_moment(local_now: datetime, weekday: str, hour: int) -> datetime:
    """This ISO week's check-in time (weekday at hour) in ``local_now``'s zone."""
    day = week_start(local_now.date()) + timedelta(days=WEEKDAYS.index(weekday))
    return datetime.combine(day, time(hour), tzinfo=local_now.tzinfo)


def check_in_due(local_now: datetime, goal_set_at: datetime, weekday: str, hour: int) -> bool:
    """Due from this week's moment on; a goal set after it gets its first check-in a day
    later, still within the week it was set (the ledger keeps it to one per ISO week)."""
    moment = check_in_moment(local_now, weekday, hour)
    if local_now < moment:
        return False
    return goal_set_at <= moment or local_now >= goal_set_at + timedelta(days=1)

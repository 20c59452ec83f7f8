"""The day a manager names for something that happened with a rep (a 1:1, a field day)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.blocks.escape import inline_code
from bot.blocks.replies import Outcome, refused
from bot.domain.cadence import DateError, local_today
from bot.domain.dates import parse_day
from bot.flows.people import look_up_person
from bot.services import Services


@dataclass(frozen=True)
class LoggedDay:
    day: date  # the day named (today when none was)
    today: date  # the manager's today, on their own clock
    now: datetime


def read_logged_day(
    services: Services, *, team_id: str, manager_id: str, rep_id: str, held_on: str | None
) -> LoggedDay | Outcome:
    """The day in the manager's own words, language and time zone ("yesterday", "last
    thursday", "20/11"); today by default; never in the future. A day that cannot be read
    is the refusal to show, naming what to type instead."""
    manager = look_up_person(services, team_id, manager_id)
    now = services.clock.now()
    today = local_today(now, manager.timezone)
    values = {"rep": rep_id, "today": today.isoformat(), "given": inline_code(held_on or "")}
    try:
        day = parse_day(held_on, today, locale=manager.locale) if held_on else today
    except DateError as error:
        key = "log.impossible_date" if error.hint == "impossible" else "log.bad_date"
        return refused("team", key, **values)
    if day > today:
        return refused("team", "log.future", **values)
    return LoggedDay(day=day, today=today, now=now)

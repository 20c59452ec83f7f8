"""Who is in the sandbox: you, a sales manager, three reps in real, different time zones, and
the org around you: a director above you, and a second manager with two reps.

Fixed people, ids and a fixed start make a scripted session print the same transcript on
every run, so a script can name dates (`/coach log @alex 2026-11-03`) and a test can read
the result. The start is a Monday morning in New York a day after the clocks changed, so
a month of time travel crosses no daylight-saving change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Member:
    """A person in the sandbox workspace: `name` is the @handle people type."""

    name: str
    user_id: str
    real_name: str
    tz: str
    city: str
    role: str


TEAM_ID = "T0SANDBOX"
TEAM_DOMAIN = "coach-sandbox"
TEAM_NAME = "Coach Sandbox"

MANAGER = Member(
    "morgan", "U0MORGAN", "Morgan Reyes", "America/New_York", "New York", "sales manager"
)
REPS = (
    Member("alex", "U0ALEX", "Alex Moreno", "America/Chicago", "Chicago", "account executive"),
    Member("sam", "U0SAM", "Sam Okafor", "Europe/London", "London", "account executive"),
    Member(
        "kim", "U0KIM", "Kim Tanaka", "America/Los_Angeles", "Los Angeles", "sales development rep"
    ),
)
# Above Morgan, a director; beside Morgan, a second manager with reps of their own: the
# tree a leader's insights (/coach insights) are drawn from.
DIRECTOR = Member(
    "jordan", "U0JORDAN", "Jordan Blake", "America/Denver", "Denver", "director of sales"
)
OTHER_MANAGER = Member(
    "riley", "U0RILEY", "Riley Chen", "America/Toronto", "Toronto", "sales manager"
)
OTHER_REPS = (
    Member("dev", "U0DEV", "Dev Patel", "America/Toronto", "Toronto", "account executive"),
    Member("lee", "U0LEE", "Lee Novak", "Europe/Berlin", "Berlin", "account executive"),
)
EVERYONE = (MANAGER, *REPS, DIRECTOR, OTHER_MANAGER, *OTHER_REPS)

SALES_CHANNEL_ID = "C0SALES"
SALES_CHANNEL = "sales"

# Monday 2 November 2026, 08:30 in New York: the week starts before the 09:00 sweep.
START = datetime(2026, 11, 2, 8, 30, tzinfo=ZoneInfo(MANAGER.tz))


def member_named(name: str) -> Member | None:
    """The member whose handle is `name` (with or without the @), in any case."""
    wanted = name.removeprefix("@").lower()
    return next((m for m in EVERYONE if m.name == wanted), None)

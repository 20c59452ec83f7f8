"""Who is in the sandbox: you, a sales manager, and three reps in real, different time zones.

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
EVERYONE = (MANAGER, *REPS)

SALES_CHANNEL_ID = "C0SALES"
SALES_CHANNEL = "sales"

# Monday 2 November 2026, 08:30 in New York: the week starts before the 09:00 sweep.
START = datetime(2026, 11, 2, 8, 30, tzinfo=ZoneInfo(MANAGER.tz))


def member_named(name: str) -> Member | None:
    """The member whose handle is `name` (with or without the @), in any case."""
    wanted = name.removeprefix("@").lower()
    return next((m for m in EVERYONE if m.name == wanted), None)

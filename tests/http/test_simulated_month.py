"""A month of coaching with managers in four time zones, two of whose clocks change.

Time is frozen with time-machine and moved half an hour at a time, the scheduler's pace;
at each step the cadence and digest sweeps run as the scheduler would run them. What
every manager and channel received is then read back from the Slack emulator.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
import time_machine

from bot.clock import SandboxClock
from bot.flows.sweeps import run_sweep
from bot.settings import Settings
from slack_emulator import SlackEmulator
from tests.support.running_coach import RunningCoach

ZONES = {
    "UMONTHNY": "America/New_York",  # leaves daylight time on Sunday 1 November
    "UMONTHLN": "Europe/London",  # leaves summer time on Sunday 25 October
    "UMONTHIN": "Asia/Kolkata",  # UTC+5:30, no clock change
    "UMONTHNZ": "Pacific/Auckland",  # UTC+13, a day ahead
}
KEEPER = "UMONTHLN"  # logs every 1:1, every Monday at 08:00 London time
CHANNELS = {"C0AMERICAS": ["UMONTHNY", "UMONTHLN"], "C0ASIAPAC": ["UMONTHIN", "UMONTHNZ"]}
# Sunday 18 October 2026, 18:00 UTC: before Monday 09:00 everywhere (07:00 in Auckland).
START = datetime(2026, 10, 18, 18, 0, tzinfo=UTC)
END = datetime(2026, 11, 17, 0, 0, tzinfo=UTC)
STEP = timedelta(minutes=30)
# Overdue periods that begin within the month (weekly rep, biweekly rep): pairings start on
# the manager's "today" when added (Sunday 18 October; already Monday 19 in Auckland), so
# periods begin on Mondays (Tuesdays in Auckland, whose Tuesday 17 November 09:00 is still
# 16 November in UTC, before the month ends).
PERIODS = dict.fromkeys(ZONES, (4, 2))


def _reps(manager: str) -> dict[str, str]:
    return {f"{manager}W": "weekly", f"{manager}B": "biweekly"}


@pytest.mark.slow
def test_a_month_in_four_time_zones(settings: Settings, slack: SlackEmulator) -> None:
    """Nudges at 09:00 local on weekdays, once per overdue period; channel digests that
    name no one behind; each manager's own summary, privately, on their Monday morning."""
    month = _run_the_month(settings, slack)
    _check_the_managers_dms(month)
    _check_the_channel_digests(month)


def _run_the_month(settings: Settings, slack: SlackEmulator) -> dict[str, list]:
    """Every post the emulator accepted during the month, by channel, with its instant."""
    posts: dict[str, list] = defaultdict(list)
    with time_machine.travel(START - timedelta(minutes=10), tick=False) as traveller:
        coach = RunningCoach(settings, slack=slack, clock=SandboxClock())
        try:
            _set_up(coach, slack, traveller)
            traveller.move_to(START)
            slack.clear_calls()
            now = START
            while now < END:
                if _is_keepers_monday_morning(now):
                    for rep in _reps(KEEPER):
                        assert "Logged" in coach.answer(f"log <@{rep}>", user=KEEPER)
                seen = len(slack.calls_to("chat.postMessage"))
                for name in ("cadence", "digest"):
                    completed, _ = run_sweep(coach.services, name)
                    assert completed
                for call in slack.calls_to("chat.postMessage")[seen:]:
                    if call.ok:
                        posts[call.params["channel"]].append((now, call.params))
                traveller.shift(STEP)
                now += STEP
        finally:
            coach.close()
    return posts


def _set_up(coach: RunningCoach, slack: SlackEmulator, traveller: time_machine.Coordinates) -> None:
    for channel, managers in CHANNELS.items():
        slack.workspace.add_channel(channel, channel.lower(), members=managers)
    for manager, zone in ZONES.items():
        slack.workspace.add_user(manager, manager.lower(), tz=zone)
        for rep, cadence in _reps(manager).items():
            slack.workspace.add_user(rep, rep.lower(), tz=zone)
            assert "to accept you as their coach" in coach.answer(
                f"team add <@{rep}> {cadence}", user=manager
            )
    for channel, managers in CHANNELS.items():
        for manager in managers:  # the first listed chooses first: its clock is the channel's
            coach.answer(f"digest <#{channel}>", user=manager)
            traveller.shift(timedelta(minutes=1))


def _is_keepers_monday_morning(now: datetime) -> bool:
    local = now.astimezone(ZoneInfo(ZONES[KEEPER]))
    return local.weekday() == 0 and (local.hour, local.minute) == (8, 0)


def _local(now: datetime, user: str) -> datetime:
    return now.astimezone(ZoneInfo(ZONES[user]))


def _kind(params: dict) -> str:
    text = str(params.get("blocks") or params.get("text"))
    if "Time for" in text:
        return "nudge"
    if "Your coaching week" in text:
        return "summary"
    return "other"


def _check_the_managers_dms(month: dict[str, list]) -> None:
    for manager in ZONES:
        dms = month[manager]
        nudges = [(at, p) for at, p in dms if _kind(p) == "nudge"]
        summaries = [(at, p) for at, p in dms if _kind(p) == "summary"]
        assert {_kind(p) for _, p in dms} <= {"nudge", "summary"}
        # Every nudge at 09:00 on a weekday, on the manager's own clock, DST or not.
        for at, _ in nudges:
            local = _local(at, manager)
            assert (local.hour, local.minute) == (9, 0) and local.weekday() < 5, (manager, local)
        # Each summary on Monday at 09:00 of theirs, one a week.
        moments = [(_local(at, manager).weekday(), _local(at, manager).hour) for at, _ in summaries]
        assert moments == [(0, 9)] * 5  # five Mondays
        if manager == KEEPER:
            assert nudges == []
            assert "Every one of your 1:1s is on cadence" in str(summaries[-1][1]["blocks"])
            continue
        # Once per overdue period, on its first weekday morning: a week apart on the local
        # calendar (in UTC, an hour more across a clock change).
        weekly, biweekly = _reps(manager)
        about = {
            rep: [at for at, p in nudges if rep in str(p["blocks"])] for rep in (weekly, biweekly)
        }
        assert (len(about[weekly]), len(about[biweekly])) == PERIODS[manager]
        days = [_local(at, manager).date() for at in about[weekly]]
        assert all(later - earlier == timedelta(days=7) for earlier, later in pairwise(days))
        # Behind is said privately, by name.
        assert f"<@{weekly}>: overdue by" in str(summaries[-1][1]["blocks"])


def _check_the_channel_digests(month: dict[str, list]) -> None:
    for channel, managers in CHANNELS.items():
        posts = month[channel]
        owner = managers[0]
        assert len(posts) == 5  # five Mondays
        for at, params in posts:
            local = _local(at, owner)
            assert (local.weekday(), local.hour, local.minute) == (0, 9, 0)
            text = str(params["blocks"])
            for word in ("behind", "overdue", "nudge"):
                assert word not in text.lower()
        # From the second Monday on, everyone but the keeper has a 1:1 overdue: nobody else
        # is named in the channel, and the keeper is thanked by name.
        for _, params in posts[2:]:
            text = str(params["blocks"])
            for manager in managers:
                assert (f"<@{manager}>" in text) == (manager == KEEPER)
    first = str(month["C0ASIAPAC"][0][1]["blocks"])
    assert "has just started" in first

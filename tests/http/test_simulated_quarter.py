"""A quarter of coaching seen by a sales director: three managers, fifteen reps, real zones.

Time is frozen with time-machine. Every Monday from 30 November 2026 to 22 February 2027
the managers log that day's 1:1s at 15:00 UTC, and the leaders' sweep runs every half hour
of the day, as the scheduler would run it. At the end (Monday 22 February, in Denver) the
director's figures are read back and checked against this table, worked by hand. The
windows are whole weeks: 12 weeks Mon 30 Nov – Sun 21 Feb, 4 weeks Mon 25 Jan – Sun 21 Feb.
Every rep is weekly and started on Monday 23 November.

| manager         | 1:1s held                    | kept 12 wk  | kept 4 wk  | gap | streak |
|-----------------|------------------------------|-------------|------------|-----|--------|
| Morgan (NY)     | every Monday, 30 Nov – 22 Feb | 60 of 60    | 20 of 20   | 7   | 13     |
| Riley (London)  | Mondays 30 Nov – 18 Jan       | 40 of 60    | 0 of 20    | 34  | 0      |
| Sasha (Kolkata) | every other Monday from 7 Dec | 30 of 60    | 10 of 20   | 14  | 1      |

1:1s per rep (12 wk / 4 wk): Morgan 12.0 / 4.0, Riley 8.0 / 0.0, Sasha 6.0 / 2.0. Field
days per rep: Morgan 0.4 / 0.2 (9 Dec and 27 Jan with one rep). Focus chosen: Morgan 3 of 5,
Riley 1 of 5, Sasha 0 of 5. Asking: Morgan 4 of 4 (every reframe sent), Riley 1 of 3.
Trend: Morgan 100% every week (→); Riley 100% for 8 weeks, then 0% for 4 (↘: time back);
Sasha 0% and 100% in turn, starting with a miss on 30 Nov (→). Bright spot: Morgan, for
cadence, focus and asking.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from bot import slack_ids
from bot.clock import SandboxClock
from bot.domain.insights import Trend
from bot.flows.insights import insights_for
from bot.flows.sweeps import run_sweep
from bot.settings import Settings
from slack_emulator import SlackEmulator
from tests.support.running_coach import RunningCoach

DIRECTOR = ("UQDIRECT", "jordan", "America/Denver")
MANAGERS = {
    "UQMORGAN": (
        "morgan",
        "America/New_York",
        ("America/Chicago",) * 2 + ("America/New_York",) * 3,
    ),
    "UQRILEY": ("riley", "Europe/London", ("Europe/London",) * 3 + ("Europe/Berlin",) * 2),
    "UQSASHA": ("sasha", "Asia/Kolkata", ("Asia/Kolkata",) * 3 + ("Asia/Singapore",) * 2),
}
MORGAN, RILEY, SASHA = MANAGERS
START = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)  # Monday: 07:00 in Denver
WEEKS = 13  # Mondays 30 Nov … 22 Feb
LOG_AT = timedelta(hours=15)  # Monday 15:00 UTC: 10:00 NY, 15:00 London, 20:30 Kolkata
GOALS = (
    "Ask about the buyer's timeline before the demo",
    "Summarise next steps in writing after every call",
    "Let the buyer finish before I answer",
    "Book the follow-up before I hang up",
)
FEEDBACK = "you rushed the pricing slide and never asked who else signs off"


def reps_of(manager: str) -> list[str]:
    return [f"{manager}R{n}" for n in range(1, 6)]


def monday(week: int) -> datetime:
    return datetime(2026, 11, 23, tzinfo=UTC) + timedelta(weeks=week)


@pytest.mark.slow
def test_a_quarter_seen_by_a_director(settings: Settings, slack: SlackEmulator) -> None:
    summaries: list[datetime] = []
    with time_machine.travel(START, tick=False) as traveller:
        coach = RunningCoach(settings, slack=slack, clock=SandboxClock())
        try:
            _set_up(coach, slack)
            for week in range(1, WEEKS + 1):
                day = monday(week)
                for half_hour in range(48):
                    now = day + timedelta(minutes=30 * half_hour)
                    traveller.move_to(now)
                    if now - day == LOG_AT:
                        _the_weeks_coaching(coach, week)
                    seen = _summaries(slack)
                    assert run_sweep(coach.services, "leaders")[0]
                    summaries.extend(now for _ in range(len(_summaries(slack)) - len(seen)))
                traveller.move_to(day + timedelta(days=2, hours=17))  # Wednesday: nothing
                assert run_sweep(coach.services, "leaders")[1].startswith("0 leader")
            traveller.move_to(monday(WEEKS) + timedelta(hours=23))  # 16:00 Mon in Denver
            insights = insights_for(coach.services, team_id="T0COACH", leader_id=DIRECTOR[0])
            overview = coach.answer("insights", user=DIRECTOR[0])
            details = {m: coach.answer(f"insights <@{m}>", user=DIRECTOR[0]) for m in MANAGERS}
        finally:
            coach.close()
    _check_the_summaries(slack, summaries)
    _check_the_figures(insights)
    _check_what_the_director_reads(slack, overview, details)


def _set_up(coach: RunningCoach, slack: SlackEmulator) -> None:
    user, name, zone = DIRECTOR
    slack.workspace.add_user(user, name, tz=zone)
    for manager, (handle, manager_zone, rep_zones) in MANAGERS.items():
        slack.workspace.add_user(manager, handle, tz=manager_zone)
        coach.pair(user, manager, "biweekly")
        for rep, rep_zone in zip(reps_of(manager), rep_zones, strict=True):
            slack.workspace.add_user(rep, rep.lower(), tz=rep_zone)
            coach.pair(manager, rep)
    for rep, goal in zip(reps_of(MORGAN)[:3] + reps_of(RILEY)[:1], GOALS, strict=True):
        assert "Your focus is set" in coach.answer(f"goal {goal}", user=rep)


def _the_weeks_coaching(coach: RunningCoach, week: int) -> None:
    held = {
        MORGAN: True,
        RILEY: week <= 8,
        SASHA: week % 2 == 0 and week <= 12,
    }
    for manager, holds in held.items():
        if holds:
            for rep in reps_of(manager):
                assert "1:1 with" in coach.answer(f"log <@{rep}>", user=manager)
    first = reps_of(MORGAN)[0]
    if week == 3:
        coach.answer(f"log <@{first}> field day 2026-12-09", user=MORGAN)
    if week == 10:
        coach.answer(f"log <@{first}> field day 2027-01-27", user=MORGAN)
    if week <= 4:
        _reframe(coach, MORGAN, reps_of(MORGAN)[week % 5], send=True)
    if week <= 3:
        _reframe(coach, RILEY, reps_of(RILEY)[week], send=week == 1)


def _reframe(coach: RunningCoach, manager: str, rep: str, *, send: bool) -> None:
    reply = coach.answer_params(f"reframe feedback for <@{rep}>: {FEEDBACK}", user=manager)
    if not send:
        return
    value = next(
        element["value"]
        for block in reply["blocks"]
        for element in block.get("elements") or []
        if element.get("action_id") == slack_ids.ACTION_REFRAME_SEND
    )
    assert "Sent" in coach.press(slack_ids.ACTION_REFRAME_SEND, value, user=manager)


def _summaries(slack: SlackEmulator) -> list[dict]:
    return [
        m
        for m in slack.dm_messages(DIRECTOR[0])
        if "Your managers' coaching week" in json.dumps(m.get("blocks") or [])
    ]


def _check_the_summaries(slack: SlackEmulator, sent_at: list[datetime]) -> None:
    """Once a week, on Monday at 10:00 in Denver (an hour after the 09:00 nudges), each
    followed by its chart."""
    denver = ZoneInfo(DIRECTOR[2])
    assert len(sent_at) == WEEKS
    for instant in sent_at:
        local = instant.astimezone(denver)
        assert (local.weekday(), local.hour, local.minute) == (0, 10, 0)
    charts = [m for m in slack.dm_messages(DIRECTOR[0]) if m.get("files")]
    assert len(charts) == WEEKS
    assert all(m["files"][0]["mimetype"] == "image/png" for m in charts)
    assert len(slack.calls_to("upload")) == WEEKS
    first = json.dumps(_summaries(slack)[0]["blocks"])
    assert "just getting started" in first


def _check_the_figures(insights: object) -> None:
    from bot.domain.insights import LeaderInsights

    assert isinstance(insights, LeaderInsights)
    assert insights.today == date(2027, 2, 22)
    by = {m.manager_id: m for m in insights.managers}
    assert list(by) == [MORGAN, RILEY, SASHA]
    table = {
        # (kept, due) 12 wk, (kept, due) 4 wk, longest gap 12/4, streak
        MORGAN: ((60, 60), (20, 20), (7, 7), 13),
        RILEY: ((40, 60), (0, 20), (34, 34), 0),
        SASHA: ((30, 60), (10, 20), (14, 14), 1),
    }
    for manager, (long, short, gaps, streak) in table.items():
        m = by[manager]
        assert (m.long.kept, m.long.due) == long, manager
        assert (m.short.kept, m.short.due) == short, manager
        assert (m.long.longest_gap_days, m.short.longest_gap_days) == gaps, manager
        assert m.streak == streak, manager
    per_rep = {MORGAN: (12.0, 4.0), RILEY: (8.0, 0.0), SASHA: (6.0, 2.0)}
    for manager, (long_rate, short_rate) in per_rep.items():
        assert by[manager].long.one_on_ones_per_rep == pytest.approx(long_rate)
        assert by[manager].short.one_on_ones_per_rep == pytest.approx(short_rate)
    assert by[MORGAN].long.field_days_per_rep == pytest.approx(0.4)
    assert by[MORGAN].short.field_days_per_rep == pytest.approx(0.2)
    assert [by[m].reps_with_focus for m in MANAGERS] == [3, 1, 0]
    assert (by[MORGAN].long.asked, by[MORGAN].long.reframed) == (4, 4)
    assert (by[RILEY].long.asked, by[RILEY].long.reframed) == (1, 3)
    assert by[MORGAN].trend == (1.0,) * 12 and by[MORGAN].direction is Trend.STEADY
    assert by[RILEY].trend == (1.0,) * 8 + (0.0,) * 4 and by[RILEY].direction is Trend.DOWN
    assert by[SASHA].trend == (0.0, 1.0) * 6 and by[SASHA].direction is Trend.STEADY
    assert [m.manager_id for m in insights.bright_spots] == [MORGAN]
    assert by[MORGAN].strengths == ("cadence", "focus", "asking")
    assert [m.manager_id for m in insights.needing_time] == [RILEY]


def _check_what_the_director_reads(
    slack: SlackEmulator, overview: str, details: dict[str, str]
) -> None:
    assert "cadence kept *100%* (100% over 12 weeks)" in overview
    assert "cadence kept *0%* (67% over 12 weeks)" in overview
    assert "cadence kept *50%* (50% over 12 weeks)" in overview
    assert f"<@{RILEY}>: fewer 1:1s have happened on time" in overview
    assert "What could you stop doing" in overview
    assert f"<@{MORGAN}>: kept 100% of their 1:1s on time" in overview
    assert "Cadence kept: *67% (40 of 60)*" not in details[RILEY]
    assert "Cadence kept: *0% (0 of 20)* · 67% (40 of 60)" in details[RILEY]
    assert "Field days per rep: 0.2 · 0.4" in details[MORGAN]
    assert "Asking rate: 4 of 4 · 4 of 4" not in details[MORGAN]  # none in the last 4 weeks
    assert "Asking rate: none yet · 4 of 4" in details[MORGAN]
    # Nothing a rep or a manager wrote reaches the director: goals, check-ins, feedback.
    received = json.dumps(slack.dm_messages(DIRECTOR[0])) + overview + "".join(details.values())
    for words in (*GOALS, FEEDBACK, "pricing slide", "timeline"):
        assert words not in received
    assert "has a focus" in details[MORGAN] and "no focus chosen yet" in details[SASHA]

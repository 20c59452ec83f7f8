"""``/coach log @rep [date]``: a 1:1 held, on a real past date, for one of my reps."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlmodel import Session

from bot.clock import SandboxClock
from bot.flows.sweeps import run_sweep
from slack_emulator import SlackEmulator
from slack_emulator.payloads import Payloads
from storage.models import OneOnOne
from tests.conftest import MANAGER, OUTSIDER, REP, REP_2
from tests.support.running_coach import RunningCoach


def _held(coach: RunningCoach) -> int:
    with Session(coach.services.engine) as session:
        return session.exec(select(func.count()).select_from(OneOnOne)).one()[0]


def test_log_defaults_to_today_in_the_managers_zone(coach: RunningCoach) -> None:
    coach.answer(f"team add <@{REP}>", user=MANAGER)
    answer = coach.answer(f"log <@{REP}|alex>", user=MANAGER)
    assert "Logged your 1:1" in answer
    assert "Mon 23 Nov 2026" in answer
    assert "Mon 30 Nov 2026" in answer  # next one due a week later
    assert _held(coach) == 1


def test_log_on_a_past_date(coach: RunningCoach) -> None:
    coach.answer(f"team add <@{REP}>", user=MANAGER)
    assert "Fri 20 Nov 2026" in coach.answer(f"log <@{REP}> 2026-11-20", user=MANAGER)


def test_future_impossible_and_malformed_dates_store_nothing(coach: RunningCoach) -> None:
    coach.answer(f"team add <@{REP}>", user=MANAGER)
    assert "in the future" in coach.answer(f"log <@{REP}> 2026-11-24", user=MANAGER)
    assert "isn't on the calendar" in coach.answer(f"log <@{REP}> 2026-02-30", user=MANAGER)
    unreadable = coach.answer(f"log <@{REP}> next tuesday", user=MANAGER)
    assert "isn't a date I can read" in unreadable and "`last thursday`" in unreadable
    assert "isn't on the calendar" in coach.answer(f"log <@{REP}> 31/11", user=MANAGER)
    assert _held(coach) == 0


def test_days_as_people_type_them_in_the_managers_zone_and_locale(
    coach: RunningCoach, slack: SlackEmulator
) -> None:
    # Monday 23 November 2026, 10:00 in New York (the manager's Slack zone, US locale).
    coach.answer(f"team add <@{REP}>", user=MANAGER)
    said = {
        "yesterday": "Sun 22 Nov 2026",
        "last thursday": "Thu 19 Nov 2026",
        "fri": "Fri 20 Nov 2026",
        "3 days ago": "Fri 20 Nov 2026",
        "Nov 20": "Fri 20 Nov 2026",
        "11/2": "Mon 2 Nov 2026",  # month first, in en-US
    }
    for typed, day in said.items():
        assert f"on *{day}*" in coach.answer(f"log <@{REP}> {typed}", user=MANAGER), typed
    # A manager in London with a British locale writes the day first.
    slack.workspace.add_user(OUTSIDER, "olli", tz="Europe/London", locale="en-GB")
    coach.answer(f"team add <@{REP_2}>", user=OUTSIDER)
    assert "on *Wed 11 Feb 2026*" in coach.answer(f"log <@{REP_2}> 11/2", user=OUTSIDER)
    assert _held(coach) == len(said) + 1


def test_a_1_1_before_the_pairing_started_is_the_anchor(
    coach: RunningCoach, slack: SlackEmulator
) -> None:
    """Adopting Coach for an existing team: the last real 1:1, three weeks ago, counts."""
    coach.answer(f"team add <@{REP}|kim> weekly", user=MANAGER)
    answer = coach.answer(f"log <@{REP}> 2026-11-02", user=MANAGER)
    assert "Counting from your last 1:1 (*Mon 2 Nov 2026*)" in answer
    assert "was due by *Mon 9 Nov 2026*" in answer
    team = coach.answer("team", user=MANAGER)
    assert "overdue by 14 days" in team and "was due Mon 9 Nov 2026" in team
    assert "next due" not in team
    completed, summary = run_sweep(coach.services, "cadence")
    assert completed and summary.startswith("1 nudged")


def test_the_nudges_date_picker_logs_the_day_picked(
    coach: RunningCoach, slack: SlackEmulator, clock: SandboxClock
) -> None:
    coach.answer(f"team add <@{REP}>", user=MANAGER)
    clock.advance(timedelta(days=9))  # Wednesday 2 December, 10:00 in New York
    run_sweep(coach.services, "cadence")
    nudge = next(  # the rep's invitation to accept went first, to the rep
        c
        for c in slack.calls_to("chat.postMessage")
        if c.params.get("channel") == MANAGER and c.params.get("blocks")
    )
    actions = next(b for b in nudge.params["blocks"] if b["type"] == "actions")
    picker = next(e for e in actions["elements"] if e["type"] == "datepicker")
    assert picker["placeholder"]["text"] == "Held on another day?"
    seen = len(slack.calls_to("response_url"))
    body = Payloads().block_actions(
        {**picker, "block_id": actions["block_id"], "selected_date": "2026-11-30"},
        user_id=MANAGER,
        response_url=slack.response_url("D0NUDGE", MANAGER),
    )
    assert coach.post_signed(body).status == 200
    answer = slack.wait_for("response_url", count=seen + 1)[seen].params["text"]
    assert "on *Mon 30 Nov 2026*" in answer and "due by *Mon 7 Dec 2026*" in answer
    future = Payloads().block_actions(
        {**picker, "block_id": actions["block_id"], "selected_date": "2026-12-05"},
        user_id=MANAGER,
        response_url=slack.response_url("D0NUDGE", MANAGER),
    )
    assert coach.post_signed(future).status == 200
    answer = slack.wait_for("response_url", count=seen + 2)[seen + 1].params["text"]
    assert "in the future" in answer
    # Someone else's pairing named in the block id is refused.
    other = Payloads().block_actions(
        {**picker, "block_id": actions["block_id"], "selected_date": "2026-11-30"},
        user_id=OUTSIDER,
        response_url=slack.response_url("D0NUDGE", OUTSIDER),
    )
    assert coach.post_signed(other).status == 200
    answer = slack.wait_for("response_url", count=seen + 3)[seen + 2].params["text"]
    assert "isn't on your team" in answer
    assert _held(coach) == 1


def test_only_my_reps_can_be_logged(coach: RunningCoach) -> None:
    coach.answer(f"team add <@{REP}>", user=MANAGER)
    assert "isn't on your team" in coach.answer(f"log <@{REP}>", user=OUTSIDER)
    assert _held(coach) == 0


def test_log_needs_a_mention(coach: RunningCoach) -> None:
    reply = coach.command("log alex", user=MANAGER)
    assert "/coach log @rep" in reply.text

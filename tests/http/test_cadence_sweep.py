"""The cadence sweep: an overdue pairing nudges its manager once, kindly."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from sqlmodel import Session, select

from bot.clock import SandboxClock
from bot.flows.sweeps import run_sweep
from bot.settings import Settings
from slack_emulator import SlackEmulator
from storage.models import Pause
from tests.conftest import MANAGER, OUTSIDER, REP, REP_2
from tests.support.running_coach import RunningCoach


def _nudges(slack: SlackEmulator) -> list:
    return [
        call
        for call in slack.calls_to("chat.postMessage")
        if call.params.get("channel") == MANAGER and call.ok and call.params.get("blocks")
    ]


def _sweep(coach: RunningCoach) -> str:
    completed, summary = run_sweep(coach.services, "cadence")
    assert completed
    return summary


def test_overdue_pairing_nudges_once(
    coach: RunningCoach, slack: SlackEmulator, clock: SandboxClock
) -> None:
    coach.answer(f"team add <@{REP}>", user=MANAGER)
    clock.advance(timedelta(days=8))
    assert _sweep(coach).startswith("1 nudged")
    nudges = _nudges(slack)
    assert len(nudges) == 1
    text = "\n".join(str(block) for block in nudges[0].params["blocks"])
    assert f"When could you fit in 30 minutes with <@{REP}> this week?" in text
    assert "due 1 day ago" in text
    for scolding in ("failed", "should", "must", "behind on"):
        assert scolding not in text.lower()
    assert _sweep(coach).startswith("0 nudged")
    assert len(_nudges(slack)) == 1


def test_on_cadence_pairing_sends_nothing(
    coach: RunningCoach, slack: SlackEmulator, clock: SandboxClock
) -> None:
    coach.answer(f"team add <@{REP}>", user=MANAGER)
    clock.advance(timedelta(days=7))  # due today, not overdue
    _sweep(coach)
    assert _nudges(slack) == []


def test_one_dm_lists_every_newly_overdue_rep(
    coach: RunningCoach, slack: SlackEmulator, clock: SandboxClock
) -> None:
    coach.answer(f"team add <@{REP}>", user=MANAGER)
    coach.answer(f"team add <@{REP_2}>", user=MANAGER)
    clock.advance(timedelta(days=9))
    _sweep(coach)
    nudges = _nudges(slack)
    assert len(nudges) == 1
    assert REP in str(nudges[0].params["blocks"]) and REP_2 in str(nudges[0].params["blocks"])


def test_logging_the_one_on_one_stops_the_nudges(
    coach: RunningCoach, slack: SlackEmulator, clock: SandboxClock
) -> None:
    coach.answer(f"team add <@{REP}>", user=MANAGER)
    clock.advance(timedelta(days=8))
    _sweep(coach)
    coach.answer(f"log <@{REP}>", user=MANAGER)
    clock.advance(timedelta(days=7))
    _sweep(coach)
    assert len(_nudges(slack)) == 1


def test_a_second_overdue_period_nudges_again(
    coach: RunningCoach, slack: SlackEmulator, clock: SandboxClock
) -> None:
    coach.answer(f"team add <@{REP}>", user=MANAGER)
    clock.advance(timedelta(days=8))
    _sweep(coach)
    clock.advance(timedelta(days=3))
    _sweep(coach)
    assert len(_nudges(slack)) == 1
    clock.advance(timedelta(days=5))  # overdue by 9 days: the second week
    _sweep(coach)
    assert len(_nudges(slack)) == 2


def test_a_failed_send_is_retried_next_sweep(
    coach: RunningCoach, slack: SlackEmulator, clock: SandboxClock
) -> None:
    coach.answer(f"team add <@{REP}>", user=MANAGER)
    clock.advance(timedelta(days=8))
    # Refused before posting; a post is never retried blindly, the next sweep sends it.
    slack.server_error_next("chat.postMessage", status=503, times=1)
    assert "1 failed" in _sweep(coach)
    assert _nudges(slack) == []
    assert _sweep(coach).startswith("1 nudged")
    assert len(_nudges(slack)) == 1


def test_log_button_records_the_one_on_one(
    coach: RunningCoach, slack: SlackEmulator, clock: SandboxClock
) -> None:
    coach.answer(f"team add <@{REP}>", user=MANAGER)
    clock.advance(timedelta(days=8))
    _sweep(coach)
    button = _nudges(slack)[0].params["blocks"][2]["elements"][0]
    assert button["text"]["text"] == "Log 1:1 held"
    assert "Logged your 1:1" in coach.press(button["action_id"], button["value"], user=MANAGER)
    assert "overdue" not in coach.answer("team", user=MANAGER)


def test_snooze_button_quiets_nudges_for_a_week(
    coach: RunningCoach, slack: SlackEmulator, clock: SandboxClock
) -> None:
    coach.answer(f"team add <@{REP}>", user=MANAGER)
    clock.advance(timedelta(days=8))
    _sweep(coach)
    snooze = _nudges(slack)[0].params["blocks"][2]["elements"][1]
    assert "hold off" in coach.press(snooze["action_id"], snooze["value"], user=MANAGER)
    clock.advance(timedelta(days=6))  # second overdue period, but snoozed
    _sweep(coach)
    assert len(_nudges(slack)) == 1
    clock.advance(timedelta(days=2))
    _sweep(coach)
    assert len(_nudges(slack)) == 2


def test_crafted_button_for_someone_elses_pairing_changes_nothing(
    coach: RunningCoach, slack: SlackEmulator, clock: SandboxClock
) -> None:
    coach.answer(f"team add <@{REP}>", user=MANAGER)
    clock.advance(timedelta(days=8))
    _sweep(coach)
    button = _nudges(slack)[0].params["blocks"][2]["elements"][0]
    answer = coach.press(button["action_id"], button["value"], user=OUTSIDER)
    assert "isn't on your team" in answer
    assert "overdue by 1 day" in coach.answer("team", user=MANAGER)


def test_paused_rep_and_rep_out_of_office_are_not_nudged(
    coach: RunningCoach, slack: SlackEmulator, clock: SandboxClock
) -> None:
    coach.answer(f"team add <@{REP}>", user=MANAGER)
    coach.answer(f"team add <@{REP_2}>", user=MANAGER)
    assert "No nudges about" in coach.answer(f"pause <@{REP}> until 2026-12-14", user=MANAGER)
    slack.workspace.set_status(REP_2, status_text="On vacation", status_emoji=":palm_tree:")
    clock.advance(timedelta(days=9))
    _sweep(coach)
    assert _nudges(slack) == []
    listing = coach.answer("team", user=MANAGER)
    assert "paused" in listing


def test_cadence_restarts_when_a_pause_ends(
    coach: RunningCoach, slack: SlackEmulator, clock: SandboxClock
) -> None:
    coach.answer(f"team add <@{REP}>", user=MANAGER)
    coach.answer(f"pause <@{REP}> until 2026-12-14", user=MANAGER)
    clock.advance(timedelta(days=22))  # 15 Dec: a day after the pause ended
    _sweep(coach)
    assert _nudges(slack) == []
    assert "on cadence" in coach.answer("team", user=MANAGER)
    clock.advance(timedelta(days=7))  # due 21 Dec, overdue on the 22nd
    _sweep(coach)
    assert len(_nudges(slack)) == 1


def test_pause_me_covers_every_rep_and_resume_ends_it(
    coach: RunningCoach, slack: SlackEmulator, clock: SandboxClock
) -> None:
    coach.answer(f"team add <@{REP}>", user=MANAGER)
    assert "any of your reps" in coach.answer("pause me until 2026-12-31", user=MANAGER)
    clock.advance(timedelta(days=10))
    _sweep(coach)
    assert _nudges(slack) == []
    assert "Welcome back" in coach.answer("resume me", user=MANAGER)
    assert "weren't paused" in coach.answer("resume me", user=MANAGER)
    clock.advance(timedelta(days=8))
    _sweep(coach)
    assert len(_nudges(slack)) == 1


def test_pause_refuses_past_and_malformed_dates(coach: RunningCoach) -> None:
    coach.answer(f"team add <@{REP}>", user=MANAGER)
    assert "already passed" in coach.answer(f"pause <@{REP}> until 2026-11-01", user=MANAGER)
    assert "isn't a date I can read" in coach.answer(
        f"pause <@{REP}> until next week", user=MANAGER
    )
    assert "/coach pause @rep until" in coach.answer(f"pause <@{REP}>", user=MANAGER)
    assert "wasn't paused" in coach.answer(f"resume <@{REP}>", user=MANAGER)


def test_invalid_token_stops_the_sweep_with_one_line(
    coach: RunningCoach, slack: SlackEmulator, clock: SandboxClock
) -> None:
    coach.answer(f"team add <@{REP}>", user=MANAGER)
    clock.advance(timedelta(days=8))
    slack.fail_next("chat.postMessage", error="invalid_auth")
    completed, summary = run_sweep(coach.services, "cadence")
    assert not completed
    assert "SLACK_BOT_TOKEN" in summary
    assert _sweep(coach).startswith("1 nudged")


def test_an_absence_seen_in_a_slack_status_restarts_the_cadence(
    coach: RunningCoach, slack: SlackEmulator, clock: SandboxClock
) -> None:
    """Back from a week on a beach, a rep is not overdue on their first day."""
    coach.answer(f"team add <@{REP}>", user=MANAGER)  # Monday 23 Nov, 10:00 in New York
    slack.workspace.set_status(REP, status_text="On vacation", status_emoji=":palm_tree:")
    clock.advance(timedelta(days=8))  # Tuesday 1 Dec: a day overdue, but away
    assert _sweep(coach).startswith("0 nudged")
    clock.advance(timedelta(days=6))  # Monday 7 Dec: back
    slack.workspace.set_status(REP, status_text="")
    assert _sweep(coach).startswith("0 nudged")
    team = coach.answer("team", user=MANAGER)
    assert "on cadence" in team and "next due Mon 14 Dec 2026" in team
    with Session(coach.services.engine) as session:
        kept = session.exec(select(Pause).where(Pause.source == "status")).all()
    assert [(p.starts_on, p.ends_on) for p in kept] == [(date(2026, 12, 1), date(2026, 12, 7))]
    clock.advance(timedelta(days=8))  # Tuesday 15 Dec: now it has slipped
    assert _sweep(coach).startswith("1 nudged")


def test_every_pause_is_kept_not_only_the_latest(coach: RunningCoach, clock: SandboxClock) -> None:
    coach.answer(f"team add <@{REP}>", user=MANAGER)
    coach.answer(f"pause <@{REP}> until 2026-11-30", user=MANAGER)
    clock.advance(timedelta(days=14))
    coach.answer("pause me until 2026-12-14", user=MANAGER)
    coach.answer("resume me", user=MANAGER)
    with Session(coach.services.engine) as session:
        kept = session.exec(select(Pause).order_by(Pause.id)).all()
    assert [(p.pairing_id is not None, p.starts_on, p.ends_on) for p in kept] == [
        (True, date(2026, 11, 23), date(2026, 11, 30)),
        (False, date(2026, 12, 7), date(2026, 12, 7)),
    ]


@pytest.mark.parametrize(
    ("zone", "nine_monday_utc"),
    [
        ("America/New_York", datetime(2026, 11, 30, 14, 0, tzinfo=UTC)),
        ("Europe/London", datetime(2026, 11, 30, 9, 0, tzinfo=UTC)),
        ("Asia/Kolkata", datetime(2026, 11, 30, 3, 30, tzinfo=UTC)),
        ("Pacific/Auckland", datetime(2026, 11, 29, 20, 0, tzinfo=UTC)),
    ],
)
def test_each_manager_is_nudged_at_nine_on_their_own_clock(
    settings: Settings, slack: SlackEmulator, zone: str, nine_monday_utc: datetime
) -> None:
    """Time frozen with time-machine: half an hour before the manager's Monday 09:00 the
    sweep sends nothing, at 09:00 it sends, and the weekend before it sent nothing."""
    slack.workspace.add_user(MANAGER, "morgan", tz=zone)
    added = nine_monday_utc - timedelta(days=10)  # a Friday, so due the next Friday
    with time_machine.travel(added, tick=False) as traveller:
        coach = RunningCoach(settings, slack=slack, clock=SandboxClock())
        try:
            coach.answer(f"team add <@{REP}>", user=MANAGER)
            traveller.move_to(nine_monday_utc - timedelta(days=2))  # Saturday 09:00: overdue
            assert _sweep(coach).startswith("0 nudged")
            traveller.move_to(nine_monday_utc - timedelta(minutes=30))
            assert _sweep(coach).startswith("0 nudged")
            traveller.move_to(nine_monday_utc)
            assert _sweep(coach).startswith("1 nudged")
            assert len(_nudges(slack)) == 1
        finally:
            coach.close()


def test_a_pause_ends_on_the_day_people_name(coach: RunningCoach, clock: SandboxClock) -> None:
    # Monday 23 November, New York: "until fri" is Friday 27, "until Jan 4" next January.
    coach.answer(f"team add <@{REP}>", user=MANAGER)
    assert "until *Fri 27 Nov 2026*" in coach.answer(f"pause <@{REP}> until fri", user=MANAGER)
    assert "until *Mon 4 Jan 2027*" in coach.answer("pause me until Jan 4", user=MANAGER)
    assert "has already passed" in coach.answer("pause me until 2026-11-20", user=MANAGER)
    assert "isn't a date I can read" in coach.answer("pause me until the end", user=MANAGER)

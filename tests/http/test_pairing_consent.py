"""Becoming someone's manager takes their consent, and shows only what is written from then on.

Each test replays an attack from the hardening review over signed HTTP: a rep leaves a
team, and whoever adds them next must not read what the rep wrote for the manager before.
"""

from __future__ import annotations

import json
from datetime import timedelta

from bot import slack_ids
from bot.clock import SandboxClock
from bot.flows.privacy import export
from bot.flows.sweeps import run_sweep
from slack_emulator import SlackEmulator
from slack_emulator.payloads import TEAM_ID
from tests.conftest import MANAGER, OUTSIDER, REP
from tests.support.running_coach import RunningCoach

GOAL = "Pause for two seconds before answering price questions"
OLD_NOTE = "Froze on the Initech pricing call again"


def _plan(coach: RunningCoach, manager: str) -> str:
    return json.dumps(coach.answer_params(f"plan <@{REP}>", user=manager))


def _history_with_first_manager(
    coach: RunningCoach, slack: SlackEmulator, clock: SandboxClock
) -> None:
    """The rep works with MANAGER: a goal, a "stuck" and a note in a check-in's thread."""
    coach.pair(MANAGER, REP)
    coach.answer(f"goal {GOAL}", user=REP)
    goal_id = str(export(coach.services, team_id=TEAM_ID, user_id=REP)["goals"][0]["id"])
    coach.press(slack_ids.ACTION_CHECKIN_STUCK, goal_id, user=REP)
    clock.advance(timedelta(days=2, hours=2))
    run_sweep(coach.services, "checkins")
    dm = slack.dm_messages(REP)[-1]
    channel = slack.workspace.dm_channel_id(REP)
    reply = slack.workspace.post_as_user(channel, REP, OLD_NOTE, thread_ts=dm["ts"])
    event = {
        "type": "message",
        "channel": channel,
        "channel_type": "im",
        "user": REP,
        "text": reply["text"],
        "ts": reply["ts"],
        "thread_ts": dm["ts"],
    }
    coach.event(event, event_id="Ev0OLDNOTE1")
    slack.wait_for("reactions.add")
    assert OLD_NOTE in _plan(coach, MANAGER)


def test_whoever_adds_a_rep_who_left_sees_only_name_and_cadence_until_accepted(
    coach: RunningCoach, slack: SlackEmulator, clock: SandboxClock
) -> None:
    _history_with_first_manager(coach, slack, clock)
    coach.answer("team leave", user=REP)
    assert "to accept you as their coach" in coach.answer(f"team add <@{REP}>", user=OUTSIDER)
    pending = _plan(coach, OUTSIDER)
    assert GOAL not in pending and OLD_NOTE not in pending and "stuck" not in pending.lower()
    team = coach.answer("team", user=OUTSIDER)
    assert "waiting for them to accept" in team and "weekly" in team
    invite = slack.dm_messages(REP)[-1]
    assert "Accept" in json.dumps(invite["blocks"]) and "nothing you wrote before" in invite["text"]


def test_after_accepting_a_new_manager_sees_the_focus_but_not_the_old_notes(
    coach: RunningCoach, slack: SlackEmulator, clock: SandboxClock
) -> None:
    _history_with_first_manager(coach, slack, clock)
    coach.answer("team leave", user=REP)
    coach.answer(f"team add <@{REP}>", user=OUTSIDER)
    assert "accepted" in coach.accept_invite(REP)
    shown = _plan(coach, OUTSIDER)
    assert GOAL in shown
    assert OLD_NOTE not in shown and "stuck" not in shown.lower()
    told = [c.params for c in slack.calls_to("chat.postMessage")]
    assert any(p["channel"] == OUTSIDER and "accepted you" in p["text"] for p in told)


def test_a_declined_invitation_ends_the_pairing_and_shows_nothing(
    coach: RunningCoach, slack: SlackEmulator
) -> None:
    coach.answer(f"goal {GOAL}", user=REP)
    coach.answer(f"team add <@{REP}>", user=OUTSIDER)
    assert "declined" in coach.accept_invite(REP, accept=False)
    assert "Only <@" in coach.answer(f"plan <@{REP}>", user=OUTSIDER)
    assert "You aren't coaching anyone" in coach.answer("team", user=OUTSIDER)


def test_only_the_invited_rep_can_accept(coach: RunningCoach) -> None:
    coach.answer(f"team add <@{REP}>", user=OUTSIDER)
    value = coach.invite_value(REP)
    assert "isn't open" in coach.press(slack_ids.ACTION_PAIRING_ACCEPT, value, user=OUTSIDER)
    assert "isn't open" in coach.press(slack_ids.ACTION_PAIRING_ACCEPT, value, user=MANAGER)
    coach.answer(f"goal {GOAL}", user=REP)
    assert GOAL not in _plan(coach, OUTSIDER)


def test_no_one_manages_their_own_manager_or_each_other(coach: RunningCoach) -> None:
    coach.pair(MANAGER, REP)
    assert "they are your manager" in coach.answer(f"team add <@{MANAGER}>", user=REP)
    coach.pair(OUTSIDER, MANAGER)  # MANAGER's own manager
    assert "they are your manager" in coach.answer(f"team add <@{OUTSIDER}>", user=REP)
    assert "You aren't coaching anyone" in coach.answer("team", user=REP)


def test_a_workspace_admin_can_remove_a_pairing_and_nobody_else_can(
    coach: RunningCoach, slack: SlackEmulator
) -> None:
    coach.pair(MANAGER, REP)
    assert "isn't on your team" in coach.answer(f"team remove <@{REP}>", user=OUTSIDER)
    assert "Your team: 1 rep\n" in coach.answer("team", user=MANAGER)
    slack.workspace.add_user(OUTSIDER, "olli", tz="Asia/Tokyo", is_admin=True)
    assert "As a workspace admin" in coach.answer(f"team remove <@{REP}>", user=OUTSIDER)
    assert "You aren't coaching anyone" in coach.answer("team", user=MANAGER)
    told = [c.params["text"] for c in slack.calls_to("chat.postMessage")]
    assert sum("A workspace admin" in text for text in told) == 2

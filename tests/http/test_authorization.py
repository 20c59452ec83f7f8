"""Who may do what: every command, button and modal as the manager, the rep, an outsider
and a user of another workspace. A refusal is polite and changes nothing; payload ids are
never trusted."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta

import pytest

from bot import slack_ids as ids
from bot.clock import SandboxClock
from bot.flows.privacy import export
from bot.flows.sweeps import run_sweep
from slack_emulator import SlackEmulator
from tests.conftest import MANAGER, OUTSIDER, REP
from tests.support.running_coach import RunningCoach

OTHER_TEAM = "T0OTHER"
STRANGER = "USTRANGER1"  # a user of another workspace
INTRUDERS = [
    pytest.param(REP, "T0COACH", id="rep"),
    pytest.param(OUTSIDER, "T0COACH", id="outsider"),
    pytest.param(STRANGER, OTHER_TEAM, id="other-workspace"),
]


@pytest.fixture
def world(coach: RunningCoach, slack: SlackEmulator, clock: SandboxClock) -> dict[str, str]:
    """A manager coaching a rep with a goal, an overdue 1:1 and a saved agenda item."""
    slack.workspace.add_user(STRANGER, "stranger", tz="Europe/Paris")
    coach.pair(MANAGER, REP)
    coach.answer("goal Pause for two seconds before answering price questions", user=REP)
    clock.advance(timedelta(days=8))
    run_sweep(coach.services, "cadence")
    data = export(coach.services, team_id="T0COACH", user_id=None)
    return {"pairing": str(data["pairings"][0]["id"]), "goal": str(data["goals"][0]["id"])}


def _state(coach: RunningCoach) -> str:
    data = export(coach.services, team_id="T0COACH", user_id=None)
    return json.dumps({k: v for k, v in data.items() if k != "workspace"}, sort_keys=True)


COMMANDS = [
    f"team remove <@{REP}>",
    f"log <@{REP}>",
    f"pause <@{REP}> until 2027-01-31",
    f"resume <@{REP}>",
    f"goal <@{REP}> close more deals",
]


@pytest.mark.parametrize(("user", "team"), INTRUDERS)
@pytest.mark.parametrize("text", COMMANDS)
def test_commands_about_a_rep_are_refused_to_everyone_but_their_manager(
    coach: RunningCoach, world: dict[str, str], user: str, team: str, text: str
) -> None:
    before = _state(coach)
    answer = coach.answer(text, user=user, team=team)
    assert any(word in answer for word in ("isn't on your team", "rep's own to choose"))
    assert _state(coach) == before


@pytest.mark.parametrize(("user", "team"), INTRUDERS)
def test_a_reps_plan_and_goals_are_seen_by_the_rep_and_their_manager_only(
    coach: RunningCoach, world: dict[str, str], user: str, team: str
) -> None:
    assert "two seconds" in coach.answer(f"plan <@{REP}>", user=MANAGER)
    assert "two seconds" in coach.answer("goals", user=REP)
    assert "two seconds" not in coach.answer(f"plan <@{REP}>", user=user, team=team)
    if user != REP:
        assert "two seconds" not in coach.answer("goals", user=user, team=team)


MANAGER_BUTTONS = [
    ids.ACTION_NUDGE_LOG,
    ids.ACTION_NUDGE_SNOOZE,
    ids.ACTION_PLAN_LOG,
    ids.ACTION_PLAN_PREP,
    ids.ACTION_PLAN_AGENDA,
]
REP_BUTTONS = [
    ids.ACTION_GOAL_ACHIEVED,
    ids.ACTION_GOAL_DROP,
    ids.ACTION_CHECKIN_ON_TRACK,
    ids.ACTION_CHECKIN_STUCK,
    ids.ACTION_CHECKIN_ACHIEVED,
]


@pytest.mark.parametrize(("user", "team"), INTRUDERS)
@pytest.mark.parametrize("action_id", MANAGER_BUTTONS)
def test_crafted_manager_buttons_change_nothing_for_others(
    coach: RunningCoach, world: dict[str, str], user: str, team: str, action_id: str
) -> None:
    before = _state(coach)
    answer = coach.press(action_id, world["pairing"], user=user, team=team)
    assert ("team" in answer or "Only <@" in answer) and "two seconds" not in answer
    assert _state(coach) == before


@pytest.mark.parametrize("user", [MANAGER, OUTSIDER])
@pytest.mark.parametrize("action_id", REP_BUTTONS)
def test_crafted_goal_buttons_change_nothing_for_anyone_but_the_rep(
    coach: RunningCoach, world: dict[str, str], user: str, action_id: str
) -> None:
    before = _state(coach)
    assert "isn't your active focus" in coach.press(action_id, world["goal"], user=user)
    assert _state(coach) == before


def test_buttons_from_another_workspace_find_nothing(
    coach: RunningCoach, world: dict[str, str]
) -> None:
    before = _state(coach)
    for action_id in REP_BUTTONS:
        coach.press(action_id, world["goal"], user=REP, team=OTHER_TEAM)
    assert _state(coach) == before


def test_the_owners_may_do_it(coach: RunningCoach, world: dict[str, str]) -> None:
    assert "Logged your 1:1" in coach.press(ids.ACTION_PLAN_LOG, world["pairing"], user=MANAGER)
    assert "noted as on track" in coach.press(ids.ACTION_CHECKIN_ON_TRACK, world["goal"], user=REP)


def test_a_goal_modal_naming_someone_elses_goal_only_ever_sets_the_submitters(
    coach: RunningCoach, world: dict[str, str]
) -> None:
    value = ids.ACTION_GOAL_INPUT
    values = {
        "competency": {value: {"type": "static_select", "selected_option": {"value": "closing"}}},
        "behaviour": {value: {"type": "plain_text_input", "value": "Hijacked goal"}},
        "measure": {value: {"type": "plain_text_input", "value": None}},
        "target": {value: {"type": "datepicker", "selected_date": None}},
    }
    metadata = json.dumps({"goal_id": int(world["goal"])})
    coach.submit(ids.VIEW_GOAL, values, user=OUTSIDER, private_metadata=metadata)
    goals = {
        g["rep_id"]: g["behaviour"]
        for g in export(coach.services, team_id="T0COACH", user_id=None)["goals"]
    }
    assert goals[REP] == "Pause for two seconds before answering price questions"


def test_reframe_buttons_only_reach_the_pressers_own_reps(
    coach: RunningCoach, world: dict[str, str], slack: SlackEmulator
) -> None:
    prompt = json.dumps(
        {
            "r": REP,
            "c": "discovery",
            "f": "Ask more questions",
            "q": [
                "What did you notice about your questions on the last call?",
                "What would you like to try on your next call?",
            ],
        }
    )
    sent_before = len(slack.dm_messages(REP))
    action: Callable[..., str] = coach.press
    assert "isn't on your team" in action(ids.ACTION_REFRAME_SEND, prompt, user=OUTSIDER)
    assert "isn't on your team" in action(ids.ACTION_REFRAME_AGENDA, prompt, user=OUTSIDER)
    assert len(slack.dm_messages(REP)) == sent_before
    assert "Sent to" in action(ids.ACTION_REFRAME_SEND, prompt, user=MANAGER)

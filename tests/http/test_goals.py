"""Reps choose their own focus goal; Coach checks in weekly and records their replies."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select
from sqlmodel import Session

from bot import slack_ids
from bot.clock import SandboxClock
from bot.flows.sweeps import run_sweep
from slack_emulator import SlackEmulator
from storage.models import CheckIn, Goal
from tests.conftest import MANAGER, OUTSIDER, REP
from tests.support.running_coach import RunningCoach

BEHAVIOUR = "Ask three discovery questions before every demo"


def _goals(coach: RunningCoach) -> list[Goal]:
    with Session(coach.services.engine) as session:
        return [row[0] for row in session.exec(select(Goal).order_by(Goal.id)).all()]


def _check_ins(coach: RunningCoach) -> list[CheckIn]:
    with Session(coach.services.engine) as session:
        return [row[0] for row in session.exec(select(CheckIn)).all()]


def _modal_values(
    competency: str | None = "discovery",
    behaviour: str | None = BEHAVIOUR,
    measure: str | None = None,
    target: str | None = None,
) -> dict:
    value = slack_ids.ACTION_GOAL_INPUT
    option = {"value": competency} if competency else None
    return {
        "competency": {value: {"type": "static_select", "selected_option": option}},
        "behaviour": {value: {"type": "plain_text_input", "value": behaviour}},
        "measure": {value: {"type": "plain_text_input", "value": measure}},
        "target": {value: {"type": "datepicker", "selected_date": target}},
    }


def _sweep(coach: RunningCoach) -> str:
    completed, summary = run_sweep(coach.services, "checkins")
    assert completed
    return summary


def _check_in_dms(slack: SlackEmulator) -> list:
    return [
        c
        for c in slack.calls_to("chat.postMessage")
        if c.params["channel"] == REP and "How did your focus go" in c.params.get("text", "")
    ]


def test_goal_without_text_opens_the_modal(coach: RunningCoach, slack: SlackEmulator) -> None:
    reply = coach.command("goal", user=REP)
    assert reply.status == 200
    view = slack.wait_for("views.open")[0].params["view"]
    assert view["callback_id"] == slack_ids.VIEW_GOAL
    labels = [o["text"]["text"] for o in view["blocks"][0]["element"]["options"]]
    assert "Handling objections" in labels and len(labels) == 11
    assert view["blocks"][3]["element"]["initial_date"] == "2026-12-23"  # 30 days on


def test_modal_submission_sets_the_goal_and_tells_the_manager(
    coach: RunningCoach, slack: SlackEmulator
) -> None:
    coach.pair(MANAGER, REP)
    reply = coach.submit(slack_ids.VIEW_GOAL, _modal_values(measure="3 per demo"), user=REP)
    assert reply.status == 200 and not reply.body
    told = slack.wait_for(
        "chat.postMessage",
        where=lambda c: c.params["channel"] == MANAGER and "focus" in c.params["text"],
    )
    assert BEHAVIOUR in told[0].params["text"]
    goal = _goals(coach)[0]
    assert (goal.competency, goal.measure, goal.status) == ("discovery", "3 per demo", "active")


def test_bad_modal_fields_get_inline_errors_and_store_nothing(coach: RunningCoach) -> None:
    cases = [
        (_modal_values(behaviour="   "), "behaviour"),
        (_modal_values(behaviour="x" * 281), "behaviour"),
        (_modal_values(target="2026-11-01"), "target"),
        (_modal_values(competency=None), "competency"),
    ]
    for values, block in cases:
        reply = coach.submit(slack_ids.VIEW_GOAL, values, user=REP)
        assert reply.json["response_action"] == "errors"
        assert block in reply.json["errors"]
    assert _goals(coach) == []


def test_goal_from_text_is_set_at_once_with_an_edit_button(
    coach: RunningCoach, slack: SlackEmulator
) -> None:
    answer = coach.answer(f"goal {BEHAVIOUR}", user=REP)
    assert BEHAVIOUR in answer
    assert "Discovery" in answer
    reply = slack.calls_to("response_url")[-1].params
    edit = next(
        e
        for b in reply["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == slack_ids.ACTION_GOAL_EDIT
    )
    coach.click(edit["action_id"], edit["value"], user=REP)
    view = slack.wait_for("views.open")[0].params["view"]
    assert view["blocks"][1]["element"]["initial_value"] == BEHAVIOUR
    assert json.loads(view["private_metadata"])["goal_id"] == _goals(coach)[0].id


def test_a_new_goal_replaces_the_active_one(coach: RunningCoach) -> None:
    coach.answer(f"goal {BEHAVIOUR}", user=REP)
    assert "replaces your previous focus" in coach.answer("goal Follow up within a day", user=REP)
    assert [g.status for g in _goals(coach)] == ["replaced", "active"]
    assert "replaced" in coach.answer("goals", user=REP)


def test_over_long_text_goal_is_refused(coach: RunningCoach) -> None:
    assert "280 characters" in coach.answer("goal " + "x" * 300, user=REP)
    assert _goals(coach) == []


def test_achieve_and_drop_tell_the_manager(coach: RunningCoach, slack: SlackEmulator) -> None:
    coach.pair(MANAGER, REP)
    coach.answer(f"goal {BEHAVIOUR}", user=REP)
    goal_id = str(_goals(coach)[0].id)
    assert "Congratulations" in coach.press(slack_ids.ACTION_GOAL_ACHIEVED, goal_id, user=REP)
    slack.wait_for(
        "chat.postMessage",
        where=lambda c: c.params["channel"] == MANAGER and "reached" in c.params["text"],
    )
    assert "isn't your active focus" in coach.press(slack_ids.ACTION_GOAL_DROP, goal_id, user=REP)
    coach.answer("goal Follow up within a day", user=REP)
    second = str(_goals(coach)[1].id)
    assert "Dropped" in coach.press(slack_ids.ACTION_GOAL_DROP, second, user=REP)
    assert [g.status for g in _goals(coach)] == ["achieved", "dropped"]


def test_goals_are_the_reps_to_choose(coach: RunningCoach) -> None:
    answer = coach.answer(f"goal <@{REP}> follow up faster", user=MANAGER)
    assert "the rep's own to choose" in answer
    assert "What would you like to get better at next?" in answer
    assert _goals(coach) == []


def test_someone_elses_goal_buttons_change_nothing(coach: RunningCoach) -> None:
    coach.answer(f"goal {BEHAVIOUR}", user=REP)
    goal_id = str(_goals(coach)[0].id)
    assert "isn't your active focus" in coach.press(
        slack_ids.ACTION_GOAL_DROP, goal_id, user=OUTSIDER
    )
    coach.press(slack_ids.ACTION_CHECKIN_STUCK, goal_id, user=OUTSIDER)
    assert _goals(coach)[0].status == "active"
    assert _check_ins(coach) == []
    assert "haven't set a focus goal" in coach.answer("goals", user=OUTSIDER)


def test_weekly_check_in_is_sent_once_at_the_reps_local_time(
    coach: RunningCoach, slack: SlackEmulator, clock: SandboxClock
) -> None:
    coach.answer(f"goal {BEHAVIOUR}", user=REP)  # Monday 09:00 in Chicago
    clock.advance(timedelta(days=2))  # Wednesday 09:00 Chicago: not yet 10:00
    assert _sweep(coach).startswith("0 check-ins")
    clock.advance(timedelta(hours=1, minutes=5))
    assert _sweep(coach).startswith("1 check-ins")
    assert _sweep(coach).startswith("0 check-ins")
    dm = _check_in_dms(slack)
    assert len(dm) == 1
    buttons = [e["text"]["text"] for e in dm[0].params["blocks"][1]["elements"]]
    assert buttons == ["On track", "Stuck", "Achieved"]
    clock.advance(timedelta(days=7))
    _sweep(coach)
    assert len(_check_in_dms(slack)) == 2


def test_threaded_reply_is_recorded_once_under_retries(
    coach: RunningCoach, slack: SlackEmulator, clock: SandboxClock
) -> None:
    coach.pair(MANAGER, REP)
    coach.answer(f"goal {BEHAVIOUR}", user=REP)
    clock.advance(timedelta(days=2, hours=2))
    _sweep(coach)
    dm = slack.dm_messages(REP)[-1]
    channel = slack.workspace.dm_channel_id(REP)
    reply = slack.workspace.post_as_user(
        channel, REP, "Tried it on two demos; the CFO opened up", thread_ts=dm["ts"]
    )
    event = {
        "type": "message",
        "channel": channel,
        "channel_type": "im",
        "user": REP,
        "text": reply["text"],
        "ts": reply["ts"],
        "thread_ts": dm["ts"],
    }
    coach.event(event, event_id="Ev0REPLY001")
    coach.event(event, event_id="Ev0REPLY001")  # Slack's retry
    slack.wait_for("reactions.add")
    notes = [c for c in _check_ins(coach) if c.status == "note"]
    assert len(notes) == 1
    shown = json.dumps(coach.answer_params("goals", user=REP)["blocks"])
    assert shown.count("the CFO opened up") == 1
    plan = json.dumps(coach.answer_params(f"plan <@{REP}>", user=MANAGER)["blocks"])
    assert plan.count("the CFO opened up") == 1
    assert "the CFO opened up" not in coach.answer(f"plan <@{REP}>", user=OUTSIDER)


def test_stuck_asks_whats_in_the_way_and_tells_the_manager(
    coach: RunningCoach, slack: SlackEmulator
) -> None:
    coach.pair(MANAGER, REP)
    coach.answer(f"goal {BEHAVIOUR}", user=REP)
    goal_id = str(_goals(coach)[0].id)
    assert "What's in the way?" in coach.press(slack_ids.ACTION_CHECKIN_STUCK, goal_id, user=REP)
    told = slack.wait_for(
        "chat.postMessage",
        where=lambda c: c.params["channel"] == MANAGER and "stuck" in c.params["text"],
    )
    assert "What's getting in the way" in told[0].params["text"]


def test_other_direct_messages_get_a_hint(coach: RunningCoach, slack: SlackEmulator) -> None:
    channel = slack.workspace.dm_channel_id(REP)
    event = {"type": "message", "channel": channel, "channel_type": "im", "user": REP,
             "text": "hello?", "ts": "1764000000.000100"}  # fmt: skip
    coach.event(event)
    hint = slack.wait_for("chat.postMessage", where=lambda c: c.params["channel"] == channel)
    assert "/coach help" in hint[0].params["text"]


def test_no_check_in_while_paused_or_out(
    coach: RunningCoach, slack: SlackEmulator, clock: SandboxClock
) -> None:
    coach.pair(MANAGER, REP)
    coach.answer(f"goal {BEHAVIOUR}", user=REP)
    coach.answer(f"pause <@{REP}> until 2026-12-01", user=MANAGER)
    clock.advance(timedelta(days=2, hours=2))
    _sweep(coach)
    assert _check_in_dms(slack) == []
    coach.answer(f"resume <@{REP}>", user=MANAGER)
    slack.workspace.set_status(REP, status_text="Out of office", status_emoji=":palm_tree:")
    clock.advance(timedelta(hours=2))  # past the people cache's hour
    _sweep(coach)
    assert _check_in_dms(slack) == []

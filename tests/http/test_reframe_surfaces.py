"""Feedback becomes coaching questions on every surface, privately, with working buttons."""

from __future__ import annotations

import json
import logging
import time

import pytest
from sqlalchemy import select
from sqlmodel import Session

from bot import slack_ids
from slack_emulator import SlackEmulator
from storage.models import AgendaItem
from tests.conftest import MANAGER, OUTSIDER, REP
from tests.support.running_coach import RunningCoach

FEEDBACK = f"feedback for <@{REP}|alex>: you talked way too much on the Acme call"


def _message(text: str, *, channel: str = "C0GENERAL", **extra: object) -> dict:
    return {
        "type": "message",
        "channel": channel,
        "channel_type": "im" if channel.startswith("D") else "channel",
        "user": MANAGER,
        "text": text,
        "ts": f"{time.time():.6f}",
        **extra,
    }


def _buttons(blocks: list[dict]) -> dict[str, dict]:
    actions = next(b for b in blocks if b["type"] == "actions")
    return {element["action_id"]: element for element in actions["elements"]}


def test_feedback_in_a_channel_gets_a_private_reframe_only(
    coach: RunningCoach, slack: SlackEmulator
) -> None:
    assert coach.event(_message(FEEDBACK)).status == 200
    ephemeral = slack.wait_for("chat.postEphemeral", timeout=3)[0]
    assert ephemeral.params["user"] == MANAGER
    assert ephemeral.params["channel"] == "C0GENERAL"
    text = json.dumps(ephemeral.params["blocks"])
    assert "Acme call" in text
    assert "Listening" in text or "listening" in text
    coach.settle()
    assert slack.calls_to("chat.postMessage") == []


@pytest.mark.parametrize(
    "text",
    [
        f"Feedback <@{REP}> - you rambled through the pricing slide",
        "feedback: the demo ran long and you never asked about budget",
        "FEEDBACK for the team: follow up faster after demos",
    ],
)
def test_every_way_of_writing_feedback_is_recognised(
    coach: RunningCoach, slack: SlackEmulator, text: str
) -> None:
    coach.event(_message(text))
    assert slack.wait_for("chat.postEphemeral", timeout=3)


def test_feedback_in_a_dm_gets_a_reply_in_the_dm(coach: RunningCoach, slack: SlackEmulator) -> None:
    dm = slack.workspace.dm_channel_id(MANAGER)
    coach.event(_message(FEEDBACK, channel=dm))
    reply = slack.wait_for("chat.postMessage", timeout=3)[0]
    assert reply.params["channel"] == dm
    coach.settle()
    assert slack.calls_to("chat.postEphemeral") == []


@pytest.mark.parametrize(
    "event",
    [
        _message("great call today team"),
        _message(FEEDBACK, bot_id="B0OTHER", subtype="bot_message"),
        _message(FEEDBACK, subtype="message_changed"),
        _message("my feedback on the offsite: great food"),
    ],
)
def test_other_messages_are_ignored(coach: RunningCoach, slack: SlackEmulator, event: dict) -> None:
    assert coach.event(event).status == 200
    coach.event(_message("feedback: a sentinel so we know the app caught up"))
    slack.wait_for("chat.postEphemeral", timeout=3)
    coach.settle()
    assert len(slack.calls_to("chat.postEphemeral")) == 1


def test_slash_reframe_answers_privately(coach: RunningCoach) -> None:
    answer = coach.answer("reframe you never follow up after demos", user=OUTSIDER)
    assert "?" in answer
    assert "follow" in answer.lower()


def test_slash_reframe_without_text_says_what_to_type(coach: RunningCoach) -> None:
    assert "/coach reframe you talked too much" in coach.command("reframe", user=MANAGER).text


def test_message_shortcut_reframes_privately(coach: RunningCoach, slack: SlackEmulator) -> None:
    message = {"type": "message", "user": MANAGER, "text": FEEDBACK, "ts": "1732377600.000100"}
    assert coach.shortcut(slack_ids.SHORTCUT_REFRAME, message, user=MANAGER).status == 200
    reply = slack.wait_for("response_url", timeout=3)[0]
    assert reply.params["response_type"] == "ephemeral"
    assert "Acme call" in json.dumps(reply.params["blocks"])


def test_send_to_the_rep_invites_them_to_explore(coach: RunningCoach, slack: SlackEmulator) -> None:
    coach.answer(f"team add <@{REP}>", user=MANAGER)
    coach.event(_message(FEEDBACK))
    blocks = slack.wait_for("chat.postEphemeral", timeout=3)[0].params["blocks"]
    send = _buttons(blocks)[slack_ids.ACTION_REFRAME_SEND]
    assert "Sent to" in coach.press(send["action_id"], send["value"], user=MANAGER)
    dm = [c for c in slack.calls_to("chat.postMessage") if c.params["channel"] == REP][-1]
    text = json.dumps(dm.params["blocks"])
    assert f"<@{MANAGER}> would like to explore" in text
    assert "way too much" not in text  # the manager's judgement itself is not forwarded


def test_add_to_next_one_on_one_keeps_only_the_questions(
    coach: RunningCoach, slack: SlackEmulator
) -> None:
    coach.answer(f"team add <@{REP}>", user=MANAGER)
    coach.event(_message(FEEDBACK))
    blocks = slack.wait_for("chat.postEphemeral", timeout=3)[0].params["blocks"]
    add = _buttons(blocks)[slack_ids.ACTION_REFRAME_AGENDA]
    assert "Added to your next 1:1" in coach.press(add["action_id"], add["value"], user=MANAGER)
    with Session(coach.services.engine) as session:
        items = session.exec(select(AgendaItem)).all()
    assert len(items) == 1
    assert "Acme call" in items[0][0].questions
    assert "way too much" not in items[0][0].questions


def test_buttons_refuse_reps_who_are_not_on_the_pressers_team(
    coach: RunningCoach, slack: SlackEmulator
) -> None:
    coach.answer(f"team add <@{REP}>", user=MANAGER)
    coach.event(_message(FEEDBACK))
    blocks = slack.wait_for("chat.postEphemeral", timeout=3)[0].params["blocks"]
    send = _buttons(blocks)[slack_ids.ACTION_REFRAME_SEND]
    assert "isn't on your team" in coach.press(send["action_id"], send["value"], user=OUTSIDER)
    assert [c for c in slack.calls_to("chat.postMessage") if c.params["channel"] == REP][1:] == []


def test_crafted_judgemental_payload_is_never_sent(
    coach: RunningCoach, slack: SlackEmulator
) -> None:
    coach.answer(f"team add <@{REP}>", user=MANAGER)
    forged = json.dumps({"r": REP, "c": "listening", "f": "x", "q": ["You failed. Fix it."] * 2})
    answer = coach.press(slack_ids.ACTION_REFRAME_SEND, forged, user=MANAGER)
    assert "no longer holds a usable coaching prompt" in answer
    assert len([c for c in slack.calls_to("chat.postMessage") if c.params["channel"] == REP]) == 1


def test_without_a_named_rep_a_picker_opens(coach: RunningCoach, slack: SlackEmulator) -> None:
    coach.answer(f"team add <@{REP}>", user=MANAGER)
    coach.event(_message("feedback: you never ask about budget in discovery"))
    blocks = slack.wait_for("chat.postEphemeral", timeout=3)[0].params["blocks"]
    send = _buttons(blocks)[slack_ids.ACTION_REFRAME_SEND]
    coach.click(send["action_id"], send["value"], user=MANAGER)
    view = slack.wait_for("views.open", timeout=3)[0].params["view"]
    assert view["callback_id"] == slack_ids.VIEW_PICK_REP
    values = {"rep": {"rep_select": {"type": "users_select", "selected_user": OUTSIDER}}}
    refused = coach.submit(
        slack_ids.VIEW_PICK_REP, values, user=MANAGER, private_metadata=view["private_metadata"]
    )
    assert refused.json["response_action"] == "errors"
    values["rep"]["rep_select"]["selected_user"] = REP
    accepted = coach.submit(
        slack_ids.VIEW_PICK_REP, values, user=MANAGER, private_metadata=view["private_metadata"]
    )
    assert accepted.status == 200 and not accepted.body
    slack.wait_for(
        "chat.postMessage", where=lambda c: c.params["channel"] == REP and "blocks" in c.params
    )


def test_dismiss_removes_the_private_reframe(coach: RunningCoach, slack: SlackEmulator) -> None:
    coach.click(slack_ids.ACTION_REFRAME_DISMISS, "dismiss", user=MANAGER)
    reply = slack.wait_for("response_url", timeout=3)[-1]
    assert reply.params.get("delete_original") is True


def test_feedback_text_is_never_logged(
    coach: RunningCoach, slack: SlackEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    coach.event(_message(FEEDBACK))
    slack.wait_for("chat.postEphemeral", timeout=3)
    coach.answer("reframe you talked way too much on the Acme call", user=MANAGER)
    assert "way too much" not in caplog.text

"""How Coach read a message reaches the manager on every surface, from either engine.

Signed requests to the real app; the LLM is the loopback OpenAI-compatible fake, so the
kind and the private note the model wrote are what the manager sees, and a judging answer
is still refused in favour of the rules.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from bot import slack_ids
from slack_emulator import SlackEmulator
from tests.conftest import MANAGER, REP
from tests.fakes.openai_server import EXPECTATION_ANSWER, FakeOpenAI
from tests.support.running_coach import RunningCoach

LATE = f"feedback for <@{REP}|alex>: you were late to standup again"
PRAISE = f"feedback for <@{REP}|alex>: great call today 🔥"
SPANISH = f"feedback para <@{REP}|alex>: hablaste todo el tiempo en la demo, deja hablar al cliente"


def _blocks_from_feedback_event(coach: RunningCoach, slack: SlackEmulator, text: str) -> str:
    event = {"type": "message", "channel": "C0GENERAL", "channel_type": "channel"}
    event |= {"user": MANAGER, "text": text, "ts": "1732377600.000200"}
    assert coach.event(event).status == 200
    return json.dumps(slack.wait_for("chat.postEphemeral", timeout=5)[0].params["blocks"])


def _blocks_from_slash_command(coach: RunningCoach, slack: SlackEmulator, text: str) -> str:
    body = text.split(":", 1)[1]
    return json.dumps(coach.answer_params(f"reframe {body}", user=MANAGER)["blocks"])


def _blocks_from_shortcut(coach: RunningCoach, slack: SlackEmulator, text: str) -> str:
    message = {"type": "message", "user": MANAGER, "text": text, "ts": "1732377600.000300"}
    assert coach.shortcut(slack_ids.SHORTCUT_REFRAME, message, user=MANAGER).status == 200
    return json.dumps(slack.wait_for("response_url", timeout=5)[0].params["blocks"])


SURFACES: dict[str, Callable[[RunningCoach, SlackEmulator, str], str]] = {
    "feedback message": _blocks_from_feedback_event,
    "/coach reframe": _blocks_from_slash_command,
    "message shortcut": _blocks_from_shortcut,
}


@pytest.mark.parametrize("surface", SURFACES)
def test_the_models_kind_and_private_note_reach_the_manager(
    coach_with_llm: RunningCoach, slack: SlackEmulator, llm: FakeOpenAI, surface: str
) -> None:
    llm.behaviour = "expectation"

    blocks = SURFACES[surface](coach_with_llm, slack, LATE)

    assert "Read as: an expectation to state plainly" in blocks
    assert "coaching model" in blocks
    assert "Just for you" in blocks
    assert "standup on time" in blocks  # the model's note and question, as it wrote them
    assert EXPECTATION_ANSWER["questions"][0] in blocks


@pytest.mark.parametrize("surface", SURFACES)
def test_a_good_model_answer_is_what_the_manager_sees(
    coach_with_llm: RunningCoach, slack: SlackEmulator, llm: FakeOpenAI, surface: str
) -> None:
    llm.behaviour = "no_ownership_words"  # the old gate refused this good answer

    blocks = SURFACES[surface](coach_with_llm, slack, LATE)

    assert "coaching model" in blocks
    assert "What would a great first discovery call look like for you next week?" in blocks
    assert "Read as: a coachable behaviour" in blocks


def test_a_judging_model_answer_is_refused_for_the_rules(
    coach_with_llm: RunningCoach, slack: SlackEmulator, llm: FakeOpenAI
) -> None:
    llm.behaviour = "judging"

    blocks = _blocks_from_feedback_event(coach_with_llm, slack, LATE)

    assert "built-in coaching rules" in blocks
    assert "Why did you talk so much" not in blocks
    assert "Read as: an expectation to state plainly" in blocks  # the rules read it too
    assert len(llm.requests) >= 1


@pytest.mark.parametrize("surface", SURFACES)
def test_praise_is_reinforced_not_turned_into_a_weakness(
    coach: RunningCoach, slack: SlackEmulator, surface: str
) -> None:
    blocks = SURFACES[surface](coach, slack, PRAISE)

    assert "Read as: praise" in blocks
    assert "built-in coaching rules" in blocks
    assert "Just for you" not in blocks
    assert slack_ids.ACTION_REFRAME_SEND in blocks


def test_a_message_in_another_language_gets_a_note_and_nothing_to_send(
    coach: RunningCoach, slack: SlackEmulator
) -> None:
    blocks = _blocks_from_feedback_event(coach, slack, SPANISH)

    assert "Read as: not English" in blocks
    assert "English" in blocks
    assert slack_ids.ACTION_REFRAME_SEND not in blocks
    assert slack_ids.ACTION_REFRAME_DISMISS in blocks

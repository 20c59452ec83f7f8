"""Links planted through the LLM never reach a rep under the manager's name, and every
plain-text fallback is escaped as its blocks are."""

from __future__ import annotations

import json

import pytest

from bot import slack_ids
from slack_emulator import SlackEmulator
from tests.conftest import MANAGER, REP
from tests.fakes.openai_server import GOOD_ANSWER, FakeOpenAI
from tests.support.running_coach import RunningCoach

FEEDBACK = f"feedback for <@{REP}|alex>: you talked too much on the Acme call"


def _reframe_then_send(
    coach: RunningCoach, slack: SlackEmulator, feedback: str = FEEDBACK
) -> tuple[dict, dict]:
    """The manager's private reframe (as posted) and the DM the rep gets from Send."""
    coach.pair(MANAGER, REP)
    event = {"type": "message", "channel": "C0GENERAL", "channel_type": "channel"}
    event |= {"user": MANAGER, "text": feedback, "ts": "1732377600.000200"}
    assert coach.event(event).status == 200
    shown = slack.wait_for("chat.postEphemeral", timeout=5)[0].params
    send = next(
        element
        for block in shown["blocks"]
        for element in block.get("elements", [])
        if element.get("action_id") == slack_ids.ACTION_REFRAME_SEND
    )
    assert "Sent to" in coach.press(send["action_id"], send["value"], user=MANAGER)
    return shown, slack.dm_messages(REP)[-1]


@pytest.mark.parametrize(
    "planted",
    [
        "evil.example/policy",
        "acme-pricing.co/terms",
    ],
)
def test_a_bare_domain_from_the_model_never_reaches_the_rep(
    coach_with_llm: RunningCoach, slack: SlackEmulator, llm: FakeOpenAI, planted: str
) -> None:
    questions = list(GOOD_ANSWER["questions"])
    questions[1] = f"Which moments on the Acme call does {planted} say gave the buyer room?"
    llm.answer_with({**GOOD_ANSWER, "questions": questions})
    shown, dm = _reframe_then_send(coach_with_llm, slack)
    assert planted not in json.dumps(shown) and planted not in json.dumps(dm)


def test_a_link_the_manager_wrote_may_come_back(
    coach_with_llm: RunningCoach, slack: SlackEmulator, llm: FakeOpenAI
) -> None:
    questions = list(GOOD_ANSWER["questions"])
    questions[1] = "Which moments on the Acme call, as acme.com shows, gave the buyer room?"
    llm.answer_with({**GOOD_ANSWER, "questions": questions})
    shown, _ = _reframe_then_send(coach_with_llm, slack, FEEDBACK + " (see acme.com)")
    assert "as acme.com shows" in json.dumps(shown)


def test_every_fallback_is_escaped_like_its_blocks(
    coach_with_llm: RunningCoach, slack: SlackEmulator, llm: FakeOpenAI
) -> None:
    questions = list(GOOD_ANSWER["questions"])
    questions[1] = "Which moments on the Acme call with AT&T gave the buyer the most room?"
    llm.answer_with({**GOOD_ANSWER, "questions": questions})
    shown, dm = _reframe_then_send(coach_with_llm, slack)
    for message in (shown, dm):
        assert "AT&amp;T" in message["text"] and "AT&T" not in message["text"]


# An account with a long non-ASCII name, as the review's was: written \\u-escaped, each
# letter took six of the button's 2,000 characters, and the value was cut mid-JSON.
ACCOUNT = "Ростелеком Сибирь Телеком Южный Урал Северо-Запад"


def test_a_send_button_with_a_long_non_ascii_account_still_sends_every_question(
    coach_with_llm: RunningCoach, slack: SlackEmulator, llm: FakeOpenAI
) -> None:
    a = ACCOUNT
    questions = [
        f"What did you notice on the {a} call with {a}, {a} and {a}?",
        f"Which moments with {a}, {a} and {a} gave the {a} buyer room?",
        f"What would you like to try with {a}, {a} and {a} on the {a} call?",
        f"How can I help you practise for {a}, {a}, {a} and {a}?",
    ]
    llm.answer_with({**GOOD_ANSWER, "questions": questions, "focus": f"Listen at {a}."})
    shown, dm = _reframe_then_send(coach_with_llm, slack, FEEDBACK.replace("Acme", a))
    buttons = [e for b in shown["blocks"] for e in b.get("elements", []) if "value" in e]
    assert buttons and all(len(e["value"]) <= 2000 for e in buttons)
    assert all(question in dm["text"] for question in questions)

"""Logs carry the request they belong to and never a token, secret or feedback text."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from bot.logs import REDACTED, Redactor, configure_logging
from slack_emulator import SlackEmulator, payloads
from tests.conftest import MANAGER
from tests.support.running_coach import RunningCoach


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    configure_logging("INFO", as_json=True, secrets=("xoxb-test-token", payloads.SIGNING_SECRET))
    stream = io.StringIO()
    handler = logging.getLogger().handlers[0]
    handler.setStream(stream)  # type: ignore[attr-defined]
    yield stream
    logging.getLogger().handlers.clear()


def test_tokens_and_secrets_are_masked_in_messages_and_tracebacks(
    json_log: io.StringIO,
) -> None:
    logger = logging.getLogger("coach.test")
    logger.warning("token xoxb-123-456-abcdef and app xapp-1-A1-2-zz and sk-abcdefghijklmnop")
    try:
        raise RuntimeError(f"signing secret {payloads.SIGNING_SECRET} leaked")
    except RuntimeError:
        logger.exception("boom")
    text = json_log.getvalue()
    assert "xoxb-123" not in text and "xapp-1" not in text and "sk-abcdef" not in text
    assert payloads.SIGNING_SECRET not in text
    assert text.count(REDACTED) >= 4


def test_redactor_masks_configured_secrets_of_any_shape() -> None:
    assert Redactor(["hunter2-secret"])("pw=hunter2-secret!") == f"pw={REDACTED}!"


def test_listener_log_lines_name_their_request_and_not_the_feedback(
    json_log: io.StringIO, coach: RunningCoach, slack: SlackEmulator
) -> None:
    event = {
        "type": "message",
        "channel": "C0GENERAL",
        "channel_type": "channel",
        "user": MANAGER,
        "text": "feedback: you were rude to the Initech buyer",
        "ts": "1764000000.000300",
    }
    coach.event(event, event_id="Ev0LOGGED01")
    slack.wait_for("chat.postEphemeral")
    coach.settle()  # the listener logs just after its Slack call
    lines = [json.loads(line) for line in json_log.getvalue().splitlines() if line.strip()]
    reframed = [line for line in lines if "reframed feedback" in line["message"]]
    assert reframed and reframed[0]["request_id"] == "Ev0LOGGED01"
    assert "Initech" not in json_log.getvalue()

"""``/coach help``, an empty ``/coach`` and unknown words all answer privately with usage."""

from __future__ import annotations

import time

import pytest

from slack_emulator import SlackEmulator
from tests.conftest import MANAGER
from tests.support.running_coach import RunningCoach

EVERY_SUBCOMMAND = [
    "/coach team add @rep",
    "/coach team remove @rep",
    "/coach team leave",
    "/coach team`",
    "/coach log @rep",
    "/coach plan",
    "/coach goal",
    "/coach goals",
    "/coach reframe",
    "/coach digest #channel",
    "/coach digest off",
    "/coach pause @rep until YYYY-MM-DD",
    "/coach pause me until YYYY-MM-DD",
    "/coach resume @rep",
    "/coach resume me",
    "/coach forget me",
    "/coach help",
]


@pytest.mark.parametrize("text", ["help", "", "   ", "HELP"])
def test_help_lists_every_subcommand_privately(
    coach: RunningCoach, slack: SlackEmulator, text: str
) -> None:
    reply = coach.command(text, user=MANAGER)
    assert reply.status == 200
    assert reply.json["response_type"] == "ephemeral"
    for usage in EVERY_SUBCOMMAND:
        assert usage in reply.text
    coach.settle()
    assert slack.calls_to("chat.postMessage") == []


def test_unknown_word_is_named_and_help_follows(coach: RunningCoach) -> None:
    reply = coach.command("celebrate @alex", user=MANAGER)
    assert reply.json["response_type"] == "ephemeral"
    assert "didn't recognise `celebrate`" in reply.text
    assert "/coach team add @rep" in reply.text


def test_unknown_word_cannot_ping_the_channel(coach: RunningCoach) -> None:
    reply = coach.command("<!channel>", user=MANAGER)
    assert "<!channel>" not in reply.body.decode()
    assert "&lt;!channel&gt;" in reply.text


def test_misused_subcommand_says_what_to_type(coach: RunningCoach) -> None:
    reply = coach.command("team add alex", user=MANAGER)
    assert reply.json["response_type"] == "ephemeral"
    assert "/coach team add @rep" in reply.text


def test_help_is_acked_fast(coach: RunningCoach) -> None:
    coach.command("help", user=MANAGER)  # warm up
    started = time.perf_counter()
    reply = coach.command("help", user=MANAGER)
    assert reply.status == 200
    assert time.perf_counter() - started < 2.5  # Slack's limit is 3 s; benchmarks measure speed

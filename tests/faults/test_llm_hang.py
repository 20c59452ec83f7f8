"""A model that hangs never costs anyone else their ack: every reframe (the feedback
message, the shortcut, /coach reframe) is built after its ack, off Bolt's listener pool."""

from __future__ import annotations

import concurrent.futures
import time

from bot import slack_ids
from bot.clock import SandboxClock
from slack_emulator import SlackEmulator
from tests.conftest import MANAGER, REP, make_settings
from tests.fakes.openai_server import FakeOpenAI
from tests.support.running_coach import RunningCoach

FEEDBACK = f"feedback for <@{REP}|alex>: you talked way too much on the Acme call"


def _feedback_event(n: int) -> dict:
    return {
        "type": "message",
        "channel": "C0GENERAL",
        "channel_type": "channel",
        "user": MANAGER,
        "text": FEEDBACK,
        "ts": f"1764000000.{n:06d}",
    }


def test_a_hanging_model_does_not_delay_slash_command_acks(
    database_url: str, slack: SlackEmulator, clock: SandboxClock
) -> None:
    llm = FakeOpenAI("hang").start()
    settings = make_settings(
        database_url, slack.url, openai_api_key="test-key", openai_base_url=llm.base_url
    )
    coach = RunningCoach(settings, slack=slack, clock=clock)
    try:
        # More reframes than Bolt has listener threads, on both surfaces that reframe.
        with concurrent.futures.ThreadPoolExecutor(32) as pool:
            events = [
                pool.submit(coach.event, _feedback_event(n), event_id=f"Ev0HANG{n:03d}")
                for n in range(24)
            ]
            shortcuts = [
                pool.submit(
                    coach.shortcut,
                    slack_ids.SHORTCUT_REFRAME,
                    {"type": "message", "user": MANAGER, "text": FEEDBACK, "ts": f"17.{n}"},
                    user=MANAGER,
                )
                for n in range(8)
            ]
            assert [f.result().status for f in events + shortcuts] == [200] * 32
        time.sleep(0.2)  # the reframes are now waiting on the model
        for _ in range(4):
            started = time.monotonic()
            reply = coach.command("help", user=MANAGER)
            took = time.monotonic() - started
            assert reply.status == 200
            assert "/coach team add" in reply.text
            assert took < 1.0, f"/coach help took {took:.2f} s with the model hanging"
    finally:
        llm.stop()  # the hanging calls end at once, and fall back to the rules engine
        coach.close()
    # Each reframe still reached its author, written by the rules engine.
    assert len(slack.calls_to("chat.postEphemeral")) == 24
    assert len([c for c in slack.calls_to("response_url") if "blocks" in c.params]) >= 8

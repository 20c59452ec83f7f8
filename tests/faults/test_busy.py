"""The after-ack queue is bounded: past it, a person is told at once that Coach is busy,
instead of waiting behind answers that a hanging model may never let finish."""

from __future__ import annotations

import prompts
from bot.clock import SandboxClock
from slack_emulator import SlackEmulator
from tests.conftest import MANAGER, make_settings
from tests.fakes.openai_server import FakeOpenAI
from tests.support.running_coach import RunningCoach


def test_past_the_queue_bound_people_are_told_coach_is_busy(
    database_url: str, slack: SlackEmulator, clock: SandboxClock
) -> None:
    llm = FakeOpenAI("hang").start()
    settings = make_settings(
        database_url,
        slack.url,
        openai_api_key="test-key",
        openai_base_url=llm.base_url,
        coach_listener_threads=2,
        coach_after_ack_queue=3,
    )
    coach = RunningCoach(settings, slack=slack, clock=clock)
    busy = prompts.text("errors", "busy")
    try:
        replies = [coach.command("reframe you rambled on the demo", user=MANAGER) for _ in range(9)]
        assert [reply.status for reply in replies] == [200] * 9  # every one acked
        told_busy = slack.wait_for(
            "response_url", count=4, where=lambda c: c.params.get("text") == busy, timeout=5
        )
        assert len(told_busy) == 4  # 2 running and 3 waiting; the other 4 told at once
    finally:
        llm.stop()
        coach.close()
    answered = [c for c in slack.calls_to("response_url") if c.params.get("blocks")]
    assert len(answered) == 5  # what was queued was answered, by the rules engine
    assert busy == "Coach is busy, try again in a minute."

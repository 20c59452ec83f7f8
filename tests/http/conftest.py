"""Fixtures for the HTTP tests that need the LLM engine: the loopback OpenAI-compatible
fake, and a running Coach pointed at it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.clock import SandboxClock
from slack_emulator import SlackEmulator
from tests.conftest import make_settings
from tests.fakes.openai_server import FakeOpenAI
from tests.support.running_coach import RunningCoach


@pytest.fixture
def llm() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as fake:
        yield fake


@pytest.fixture
def coach_with_llm(
    database_url: str, slack: SlackEmulator, clock: SandboxClock, llm: FakeOpenAI
) -> Iterator[RunningCoach]:
    settings = make_settings(
        database_url,
        slack.url,
        openai_api_key="test-key",
        openai_base_url=llm.base_url,
        coach_openai_model="coach-test",
    )
    running = RunningCoach(settings, slack=slack, clock=clock)
    try:
        yield running
    finally:
        running.close()

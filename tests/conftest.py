"""Shared fixtures: a database per test (SQLite, and PostgreSQL when configured), the Slack
emulator behind SLACK_API_URL, and the real app served over HTTP."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from bot.clock import SandboxClock
from bot.settings import Settings, load_settings
from slack_emulator import SlackEmulator, payloads
from storage.schemas import private_schema
from tests.support.running_coach import RunningCoach

PG_URL = os.environ.get("COACH_TEST_DATABASE_URL")

MANAGER = "UMANAGER01"
REP = "UREP000001"
REP_2 = "UREP000002"
OUTSIDER = "UOUTSIDE01"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: object) -> Iterator[str]:
    """A fresh, empty database: a SQLite file, or a private schema in PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/coach.db"
        return
    if not PG_URL:
        pytest.skip("COACH_TEST_DATABASE_URL is not set")
    with private_schema(PG_URL, prefix="coach_test") as url:
        yield url


@pytest.fixture
def slack() -> Iterator[SlackEmulator]:
    """A fake Slack workspace: a manager, two reps and an outsider, in real time zones."""
    with SlackEmulator() as emulator:
        workspace = emulator.workspace
        workspace.add_user(MANAGER, "morgan", real_name="Morgan Manager", tz="America/New_York")
        workspace.add_user(REP, "alex", real_name="Alex Rep", tz="America/Chicago")
        workspace.add_user(REP_2, "sam", real_name="Sam Rep", tz="Europe/London")
        workspace.add_user(OUTSIDER, "olli", real_name="Olli Outsider", tz="Asia/Tokyo")
        workspace.add_channel("C0GENERAL", "general", members=[MANAGER, REP, REP_2, OUTSIDER])
        yield emulator


def make_settings(database_url: str, slack_url: str, **overrides: object) -> Settings:
    """Settings for a test: explicit values, so the machine's environment cannot leak in."""
    values: dict[str, object] = {
        "slack_bot_token": "xoxb-test-token",
        "slack_signing_secret": payloads.SIGNING_SECRET,
        "slack_app_token": None,
        "slack_api_url": slack_url,
        "database_url": database_url,
        "openai_api_key": None,
        "openai_base_url": None,
        "coach_timezone": "UTC",
        "coach_log_json": False,
    }
    values.update(overrides)
    return load_settings(env_file=None, **values)


@pytest.fixture
def settings(database_url: str, slack: SlackEmulator) -> Settings:
    return make_settings(database_url, slack.url)


# A Monday afternoon: 10:00 in New York, 15:00 in London.
START = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> SandboxClock:
    """The app's clock, injected (never patched), so tests can move days ahead."""
    return SandboxClock(start=START)


@pytest.fixture
def coach(settings: Settings, slack: SlackEmulator, clock: SandboxClock) -> Iterator[RunningCoach]:
    running = RunningCoach(settings, slack=slack, clock=clock)
    try:
        yield running
    finally:
        running.close()

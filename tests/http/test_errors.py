"""When something breaks on Coach's side, the person is told to try again, not left waiting."""

from __future__ import annotations

from slack_emulator import SlackEmulator
from tests.conftest import MANAGER, make_settings
from tests.support.running_coach import RunningCoach


def test_database_outage_gets_a_friendly_try_again(slack: SlackEmulator) -> None:
    nobody_listens = make_settings("postgresql://coach@127.0.0.1:1/nowhere", slack.url)
    running = RunningCoach(nobody_listens, slack=slack, migrate=False)
    try:
        answer = running.answer("team", user=MANAGER)
    finally:
        running.close()
    assert "try again" in answer

"""``GET /healthz``: 200 while the database answers, 503 when it does not."""

from __future__ import annotations

from slack_emulator import SlackEmulator
from tests.conftest import make_settings
from tests.support.running_coach import RunningCoach


def test_health_is_ok_when_the_database_answers(coach: RunningCoach) -> None:
    reply = coach.request("GET", "/healthz")
    assert reply.status == 200
    assert reply.json == {"status": "ok", "database": True}


def test_health_is_503_when_the_database_is_gone(slack: SlackEmulator) -> None:
    nobody_listens = make_settings("postgresql://coach@127.0.0.1:1/nowhere", slack.url)
    running = RunningCoach(nobody_listens, migrate=False)
    try:
        reply = running.request("GET", "/healthz")
    finally:
        running.close()
    assert reply.status == 503
    assert reply.json == {"status": "unavailable", "database": False}


def test_unknown_paths_are_404(coach: RunningCoach) -> None:
    assert coach.request("GET", "/nope").status == 404

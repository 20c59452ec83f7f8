"""``GET /healthz``: 200 while the database answers with its schema at the migration head,
503 when it does not answer or has no tables (every command would fail on them)."""

from __future__ import annotations

from slack_emulator import SlackEmulator
from tests.conftest import make_settings
from tests.support.running_coach import RunningCoach


def test_health_is_ok_when_the_database_answers(coach: RunningCoach) -> None:
    reply = coach.request("GET", "/healthz")
    assert reply.status == 200
    assert reply.json == {
        "status": "ok",
        "database": True,
        "schema": "current",
        "slack": "not checked",
    }


def test_health_is_503_when_the_database_is_gone(slack: SlackEmulator) -> None:
    nobody_listens = make_settings("postgresql://coach@127.0.0.1:1/nowhere", slack.url)
    running = RunningCoach(nobody_listens, migrate=False)
    try:
        reply = running.request("GET", "/healthz")
    finally:
        running.close()
    assert reply.status == 503
    assert reply.json["status"] == "unavailable"
    assert reply.json["database"] is False


def test_health_is_503_on_a_database_with_no_tables(
    empty_database_url: str, slack: SlackEmulator
) -> None:
    no_tables = make_settings(empty_database_url, slack.url)
    running = RunningCoach(no_tables, migrate=False)
    try:
        reply = running.request("GET", "/healthz")
    finally:
        running.close()
    assert reply.status == 503
    assert reply.json["status"] == "unavailable"
    assert reply.json["database"] is True
    assert reply.json["schema"] == "behind"


def test_unknown_paths_are_404(coach: RunningCoach) -> None:
    assert coach.request("GET", "/nope").status == 404

"""Slack misbehaves (429s, 5xx, resets, errors) and events arrive twice: every due message
is delivered exactly once in the end, bounded retries record why, nothing crashes."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlmodel import Session, select

from bot.clock import SandboxClock
from bot.flows.sweeps import run_sweep
from bot.settings import Settings
from slack_emulator import SlackEmulator
from storage.ledger import MAX_ATTEMPTS
from storage.models import SentMessage
from tests.support.running_coach import RunningCoach

MANAGERS = [f"UFAULTMG{n}" for n in range(6)]


def _teams(coach: RunningCoach, slack: SlackEmulator) -> None:
    for n, manager in enumerate(MANAGERS):
        slack.workspace.add_user(manager, f"mgr{n}", tz="America/New_York")
        rep = f"UFAULTRP{n}"
        slack.workspace.add_user(rep, f"rep{n}", tz="America/Chicago")
        assert "to accept you as their coach" in coach.answer(f"team add <@{rep}>", user=manager)


def _nudged(slack: SlackEmulator) -> list[str]:
    return [
        c.params["channel"]
        for c in slack.calls_to("chat.postMessage")
        if c.ok and c.params["channel"] in MANAGERS and c.params.get("blocks")
    ]


def test_every_nudge_arrives_once_through_a_storm_of_faults(
    coach: RunningCoach, slack: SlackEmulator, clock: SandboxClock
) -> None:
    _teams(coach, slack)
    clock.advance(timedelta(days=8))
    slack.clear_calls()
    slack.rate_limit_next("chat.postMessage", retry_after=1, times=2)
    slack.server_error_next("chat.postMessage", status=503, times=4)
    slack.reset_connection_next("chat.postMessage", times=3)
    slack.fail_next("chat.postMessage", error="internal_error", times=2)
    slack.server_error_next("users.info", status=500, times=3)
    for _ in range(6):  # the scheduler's next sweeps
        completed, _summary = run_sweep(coach.services, "cadence")
        assert completed
    assert sorted(_nudged(slack)) == sorted(MANAGERS)


def test_undeliverable_nudges_are_given_up_with_the_reason(
    coach: RunningCoach, slack: SlackEmulator, clock: SandboxClock
) -> None:
    _teams(coach, slack)
    clock.advance(timedelta(days=8))
    slack.workspace.add_user("UFAULTGONE", "gone", deleted=True)
    slack.fail_next("chat.postMessage", error="account_inactive", times=1)
    slack.server_error_next("chat.postMessage", status=500, times=1000)
    for _ in range(MAX_ATTEMPTS + 2):
        run_sweep(coach.services, "cadence")
    with Session(coach.services.engine) as session:
        rows = list(session.exec(select(SentMessage)).all())
    assert rows and all(row.status in ("abandoned", "failed", "unconfirmed") for row in rows)
    assert all(row.last_error for row in rows)
    assert max(row.attempts for row in rows) <= MAX_ATTEMPTS
    assert any(row.status == "abandoned" and row.last_error == "account_inactive" for row in rows)
    slack.clear_faults()


def test_the_same_event_at_two_servers_at_once_is_handled_once(
    settings: Settings, slack: SlackEmulator, clock: SandboxClock
) -> None:
    first = RunningCoach(settings, slack=slack, clock=clock)
    second = RunningCoach(settings, slack=slack, clock=clock, migrate=False)
    event = {
        "type": "message",
        "channel": "C0GENERAL",
        "channel_type": "channel",
        "user": "UFAULTMG0",
        "text": "feedback: you skipped the agenda at the Hooli kickoff",
        "ts": "1764000000.000700",
    }
    try:
        replies: list[int] = []
        threads = [
            threading.Thread(
                target=lambda c=c: replies.append(c.event(event, event_id="Ev0TWICE").status)
            )
            for c in (first, second, first)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        slack.wait_for("chat.postEphemeral")
        for server in (first, second):
            server.settle()  # every copy of the event has been handled: a duplicate is posted
        assert replies == [200, 200, 200]
        assert len(slack.calls_to("chat.postEphemeral")) == 1
    finally:
        first.close()
        second.close()

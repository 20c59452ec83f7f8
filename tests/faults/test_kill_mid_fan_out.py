"""``kill -9`` in the middle of a sweep with several posts in flight: at most those posts
are left claimed and unmarked (COACH_SWEEP_SENDS of them), and the sweep that takes the
claims over finds each in Slack, so every manager still gets exactly one nudge."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from bot.clock import SandboxClock
from bot.flows.sweeps import run_sweep
from bot.wiring import build_services
from slack_emulator import SlackEmulator
from storage.ledger import STALE_CLAIM
from storage.migrate import upgrade
from storage.models import SentMessage
from tests.conftest import make_settings
from tests.support.fake_time import instant_timing
from tests.support.many_workspaces import manager_ids, rep_ids, seed_overdue

TEAM, MANAGERS, SENDS = "T0COACH", 30, 3
# A Tuesday, 09:00 in London: the managers' nudge hour. The sweep process runs at it.
TICK_AT = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
_TICK_AT_THEN = (
    "import sys, time_machine; "
    f"time_machine.travel({TICK_AT.isoformat()!r}, tick=True).start(); "
    "from bot.__main__ import main; sys.exit(main(['tick', '--job', 'cadence']))"
)


@pytest.fixture
def emulator() -> Iterator[SlackEmulator]:
    with SlackEmulator(latency="300ms") as emulator:
        for m, manager in enumerate(manager_ids(MANAGERS)):
            emulator.add_user(manager, manager.lower(), tz="Europe/London")
            for rep in rep_ids(m, 1):
                emulator.add_user(rep, rep.lower(), tz="Europe/London")
        yield emulator


def _landed(emulator: SlackEmulator) -> dict[int, int]:
    """Ledger id → how many messages carrying it reached a manager's DM."""
    counts: dict[int, int] = {}
    for manager in manager_ids(MANAGERS):
        for message in emulator.dm_messages(manager):
            ids = message["metadata"]["event_payload"]["ledger_ids"]
            for ledger_id in map(int, ids.split(",")):
                counts[ledger_id] = counts.get(ledger_id, 0) + 1
    return counts


def _quiet(emulator: SlackEmulator, seconds: float = 1.0) -> None:
    """Wait until no call has arrived for ``seconds`` (the dead process's last requests,
    already on their way, still land: Slack would post them too)."""
    seen, since = len(emulator.calls), time.monotonic()
    while time.monotonic() - since < seconds:
        time.sleep(0.05)
        if len(emulator.calls) != seen:
            seen, since = len(emulator.calls), time.monotonic()


@pytest.mark.slow  # starts a process and kills it
def test_a_sweep_killed_with_posts_in_flight_leaves_at_most_those_and_repeats_none(
    database_url: str, emulator: SlackEmulator
) -> None:
    settings = make_settings(database_url, emulator.url, coach_sweep_sends=SENDS)
    clock = SandboxClock(start=TICK_AT + STALE_CLAIM + timedelta(minutes=1))
    services = build_services(settings, clock=clock, slack_timing=instant_timing())
    upgrade(services.engine)
    seed_overdue(services.engine, [TEAM], managers=MANAGERS, reps_per_manager=1, now=TICK_AT)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "COACH_"))},
        "SLACK_BOT_TOKEN": emulator.token,
        "SLACK_API_URL": emulator.url,
        "DATABASE_URL": database_url,
        "COACH_SWEEP_SENDS": str(SENDS),
    }
    sweep = subprocess.Popen([sys.executable, "-c", _TICK_AT_THEN], env=env)
    try:
        emulator.wait_for("chat.postMessage", count=8, timeout=60)
    finally:
        sweep.send_signal(signal.SIGKILL)
        sweep.wait(timeout=10)
    _quiet(emulator)
    try:
        with Session(services.engine) as session:
            rows = list(session.exec(select(SentMessage)).all())
        landed = _landed(emulator)
        unmarked = [row for row in rows if row.status != "sent"]
        # Claimed just before their post, marked just after: only the posts in flight are
        # left claimed, and only those can have reached Slack without being marked.
        assert all(row.status == "claimed" for row in unmarked), unmarked
        assert len(unmarked) <= SENDS, unmarked
        assert len([row for row in unmarked if row.id in landed]) <= SENDS
        assert len(rows) < MANAGERS  # it really died mid-sweep
        # The next sweeps (the claims now stale) look for each in Slack before sending.
        assert run_sweep(services, "cadence")[0]
        assert run_sweep(services, "cadence")[0]
        with Session(services.engine) as session:
            rows = list(session.exec(select(SentMessage)).all())
        assert len(rows) == MANAGERS and {row.status for row in rows} == {"sent"}
        assert sorted(_landed(emulator).values()) == [1] * MANAGERS  # none arrived twice
    finally:
        services.engine.dispose()

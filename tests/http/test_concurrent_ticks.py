"""Two ``coach tick`` processes started together send each nudge once."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import SandboxClock
from bot.settings import Settings
from slack_emulator import SlackEmulator
from tests.support.running_coach import RunningCoach

MANAGERS = [f"UMGRTICK{i:02d}" for i in range(6)]
# Nudges go at the managers' own weekday morning, so the tick processes run at one: their
# clock is set with time-machine (and keeps ticking) to Tuesday 10:00 in Berlin.
TICK_AT = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
_TICK_AT_THEN = (
    "import sys, time_machine; "
    f"time_machine.travel({TICK_AT.isoformat()!r}, tick=True).start(); "
    "from bot.__main__ import main; sys.exit(main(['tick', '--job', 'cadence']))"
)


def _tick_process(settings: Settings) -> subprocess.Popen[str]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "COACH_"))},
        "SLACK_BOT_TOKEN": settings.slack_bot_token or "",
        "SLACK_API_URL": settings.slack_api_url or "",
        "DATABASE_URL": settings.database_url,
    }
    return subprocess.Popen(
        [sys.executable, "-c", _TICK_AT_THEN],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow  # starts a process
def test_two_ticks_at_once_send_each_nudge_once(settings: Settings, slack: SlackEmulator) -> None:
    # Teams are built ten days before the tick processes' clock, so they see them overdue.
    clock = SandboxClock(start=TICK_AT - timedelta(days=10))
    coach = RunningCoach(settings, slack=slack, clock=clock)
    try:
        for m, manager in enumerate(MANAGERS):
            slack.workspace.add_user(manager, f"manager{m}", tz="Europe/Berlin")
            for r in range(3):
                rep = f"UREPTICK{m}{r}"
                slack.workspace.add_user(rep, f"rep{m}{r}", tz="America/Denver")
                assert "to accept you as their coach" in coach.answer(
                    f"team add <@{rep}>", user=manager
                )
    finally:
        coach.close()
    slack.clear_calls()
    first, second = _tick_process(settings), _tick_process(settings)
    outputs = [process.communicate(timeout=120) for process in (first, second)]
    assert [first.returncode, second.returncode] == [0, 0], outputs
    nudges = [c for c in slack.calls_to("chat.postMessage") if c.params["channel"] in MANAGERS]
    assert sorted(c.params["channel"] for c in nudges) == sorted(MANAGERS), outputs
    # Between them, the two processes report every nudge exactly once.
    reported = sum(int(out.split("cadence: ")[1].split(" ")[0]) for out, _ in outputs)
    assert reported == len(MANAGERS) * 3

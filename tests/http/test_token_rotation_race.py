"""Two ``coach tick`` processes find the same rotating token due: one refreshes, the other
waits for the lock and uses the fresh token, so the single-use refresh token is never spent
twice and the workspace is never locked out."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from datetime import time as day_time

import pytest

from bot.clock import SandboxClock
from bot.installations import InstallationClients
from bot.settings import Settings
from slack_emulator import SlackEmulator
from tests.http.test_many_workspaces import CLIENT_ID, CLIENT_SECRET, install, oauth_settings
from tests.support.running_coach import RunningCoach

MANAGERS = [f"UMGRROT{i:02d}" for i in range(4)]


def _next_tuesday_morning() -> datetime:
    """A Tuesday at 09:00 UTC (10:00 in Berlin) at least two days ahead of the real clock:
    the tick processes travel there, so the token, issued now for 12 hours, is due for them
    (TokenRotator reads the process's own clock)."""
    day = datetime.now(UTC).date() + timedelta(days=2)
    while day.weekday() != 1:
        day += timedelta(days=1)
    return datetime.combine(day, day_time(9, 0), tzinfo=UTC)


def _tick_process(settings: Settings, at: datetime) -> subprocess.Popen[str]:
    code = (
        "import sys, time_machine; "
        f"time_machine.travel({at.isoformat()!r}, tick=True).start(); "
        "from bot.__main__ import main; sys.exit(main(['tick', '--job', 'cadence']))"
    )
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "COACH_"))},
        "SLACK_CLIENT_ID": settings.slack_client_id or "",
        "SLACK_CLIENT_SECRET": settings.slack_client_secret or "",
        "SLACK_STATE_SECRET": settings.slack_state_secret or "",
        "COACH_ENCRYPTION_KEY": settings.coach_encryption_key or "",
        "SLACK_API_URL": settings.slack_api_url or "",
        "DATABASE_URL": settings.database_url,
    }
    return subprocess.Popen(
        [sys.executable, "-c", code],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow  # starts two processes
def test_two_sweeps_racing_a_refresh_lose_no_token(database_url: str, slack: SlackEmulator) -> None:
    tick_at = _next_tuesday_morning()
    settings = oauth_settings(database_url, slack.url)
    slack.oauth.register_app(CLIENT_ID, CLIENT_SECRET)
    coach = RunningCoach(
        settings, slack=slack, clock=SandboxClock(start=tick_at - timedelta(days=10))
    )
    try:
        assert install(coach, slack, slack.workspace).status == 200
        for m, manager in enumerate(MANAGERS):
            slack.workspace.add_user(manager, f"manager{m}", tz="Europe/Berlin")
            rep = f"UREPROT{m:02d}"
            slack.workspace.add_user(rep, f"rep{m}", tz="Europe/Berlin")
            assert "to accept you as their coach" in coach.answer(
                f"team add <@{rep}>", user=manager
            )
        coach.settle()
        clients = coach.services.clients
        assert isinstance(clients, InstallationClients)
        before = clients.store.find_installation(enterprise_id=None, team_id="T0COACH")
    finally:
        coach.close()
    assert before is not None and before.bot_refresh_token
    # Slack's clock where the ticks run, and a slow refresh: both processes reach the
    # refresh while the first one is still waiting for Slack's answer.
    offset = tick_at.timestamp() - time.time()
    slack.oauth.clock = lambda: time.time() + offset
    slack.oauth.refresh_delay = 0.5
    slack.clear_calls()

    first, second = _tick_process(settings, tick_at), _tick_process(settings, tick_at)
    outputs = [process.communicate(timeout=120) for process in (first, second)]
    assert [first.returncode, second.returncode] == [0, 0], outputs

    refreshes = slack.oauth.refreshes()
    assert [r.error for r in refreshes] == [None], (refreshes, outputs)  # one, and it worked
    nudges = [c for c in slack.calls_to("chat.postMessage") if c.params["channel"] in MANAGERS]
    assert sorted(c.params["channel"] for c in nudges) == sorted(MANAGERS), outputs
    assert all(slack.workspace.token_problem(c.token or "") is None for c in nudges)
    assert {c.token for c in nudges} == {nudges[0].token} != {before.bot_token}
    # What is stored is the token Slack now honours, with the refresh token Slack expects.
    check = RunningCoach(settings, slack=slack)
    try:
        assert isinstance(check.services.clients, InstallationClients)
        after = check.services.clients.store.find_installation(
            enterprise_id=None, team_id="T0COACH"
        )
    finally:
        check.close()
    assert after is not None and after.bot_token == nudges[0].token
    assert after.bot_refresh_token != before.bot_refresh_token

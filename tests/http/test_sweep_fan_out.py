"""A sweep over many workspaces: each swept with its own token and pacer, several at once,
a few posts in flight in each and never more, and one refused token stops only its own."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest

from bot.clock import SandboxClock
from bot.flows.sweeps import run_sweep
from bot.services import Services
from bot.wiring import build_services
from slack_emulator import SlackEmulator
from storage.migrate import upgrade
from tests.conftest import START, make_settings
from tests.support.fake_time import instant_timing
from tests.support.many_workspaces import emulated_workspace, seed_overdue, token_of
from tests.support.workspace_clients import TokenPerWorkspace

TEAMS = ["T0TEAMA", "T0TEAMB", "T0TEAMC", "T0TEAMD"]


@pytest.fixture
def emulator() -> Iterator[SlackEmulator]:
    with SlackEmulator(latency="40ms") as emulator:
        yield emulator


def _sweeping(
    database_url: str,
    emulator: SlackEmulator,
    *,
    teams: list[str],
    managers: int,
    workspaces: int = 16,
    sends: int = 10,
) -> tuple[Services, TokenPerWorkspace]:
    for team_id in teams:
        emulator.serve_workspace(emulated_workspace(team_id, managers=managers, reps_per_manager=2))
    settings = make_settings(
        database_url, emulator.url, coach_sweep_workspaces=workspaces, coach_sweep_sends=sends
    )
    timing = instant_timing()
    services = build_services(settings, clock=SandboxClock(start=START), slack_timing=timing)
    upgrade(services.engine)
    seed_overdue(services.engine, teams, managers=managers, reps_per_manager=2, now=START)
    clients = TokenPerWorkspace(settings, {t: token_of(t) for t in teams}, timing=timing)
    return dataclasses.replace(services, clients=clients), clients


def _posts(emulator: SlackEmulator, team_id: str) -> list:  # type: ignore[type-arg]
    return emulator.workspaces[team_id].calls_to("chat.postMessage")


def test_each_workspace_is_nudged_with_its_own_token(
    database_url: str, emulator: SlackEmulator
) -> None:
    services, _ = _sweeping(database_url, emulator, teams=TEAMS[:3], managers=4)
    try:
        assert run_sweep(services, "cadence") == (True, "24 nudged to 12 managers, 0 failed")
        for team_id in TEAMS[:3]:
            posts = _posts(emulator, team_id)
            assert sorted(call.params["channel"] for call in posts) == [
                f"UMGR{m:06d}" for m in range(4)
            ]
            assert {call.token for call in posts} == {token_of(team_id)}
        assert emulator.workspace.calls == []  # nobody spoke with another workspace's token
        assert run_sweep(services, "cadence") == (True, "0 nudged to 0 managers, 0 failed")
    finally:
        services.engine.dispose()


def test_a_workspace_keeps_a_few_posts_in_flight_and_never_more(
    database_url: str, emulator: SlackEmulator
) -> None:
    services, _ = _sweeping(database_url, emulator, teams=["T0TEAMA"], managers=12, sends=3)
    try:
        assert run_sweep(services, "cadence")[1].startswith("24 nudged to 12 managers")
        most = emulator.most_in_flight("chat.postMessage", "T0TEAMA")
        assert 2 <= most <= 3, most  # latency no longer serialises them; the bound holds
    finally:
        services.engine.dispose()


def test_workspaces_are_swept_side_by_side(database_url: str, emulator: SlackEmulator) -> None:
    services, _ = _sweeping(
        database_url, emulator, teams=TEAMS[:2], managers=6, workspaces=2, sends=1
    )
    try:
        assert run_sweep(services, "cadence")[0]
        first, second = (_posts(emulator, team_id) for team_id in TEAMS[:2])
        # One after the other, one workspace's posts would all come before the other's.
        assert second[0].at < first[-1].at and first[0].at < second[-1].at
    finally:
        services.engine.dispose()


def test_a_refused_token_stops_only_its_own_workspace(
    database_url: str, emulator: SlackEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    services, _ = _sweeping(database_url, emulator, teams=TEAMS[:3], managers=3)
    # The workspace's admin revoked the token: Slack answers token_revoked from now on.
    emulator.workspaces["T0TEAMB"].fail_next("chat.postMessage", "token_revoked", times=99)
    try:
        completed, summary = run_sweep(services, "cadence")
        assert not completed
        assert summary == (
            "12 nudged to 6 managers, 0 failed; Slack refused the token of 1 workspaces (T0TEAMB)"
        )
        for team_id in ("T0TEAMA", "T0TEAMC"):
            assert len([c for c in _posts(emulator, team_id) if c.ok]) == 3
        # Only the posts already in flight when the first refusal came back met it too.
        refused = [c.error for c in _posts(emulator, "T0TEAMB")]
        assert 1 <= len(refused) <= services.settings.coach_sweep_sends
        assert set(refused) == {"token_revoked"}
        assert "workspace T0TEAMB: Slack refused its token (token_revoked)" in caplog.text
    finally:
        services.engine.dispose()


def test_a_429_holds_back_only_its_own_workspace(
    database_url: str, emulator: SlackEmulator
) -> None:
    services, clients = _sweeping(database_url, emulator, teams=TEAMS[:2], managers=3)
    emulator.workspaces["T0TEAMA"].rate_limit_next("chat.postMessage", retry_after=5)
    try:
        assert run_sweep(services, "cadence") == (True, "12 nudged to 6 managers, 0 failed")
        waited = {t: clients.paced_client_for(t).pacer.rate_limited for t in TEAMS[:2]}
        assert waited == {"T0TEAMA": 1, "T0TEAMB": 0}
    finally:
        services.engine.dispose()

"""What an operator sees when a setting is wrong or a dependency is away: one line naming
what to fix, exit 2 for configuration and 3 for "can't reach" (the README's table), and a
traceback only at COACH_LOG_LEVEL=DEBUG. Each case drives the real ``coach`` command."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from slack_emulator import SlackEmulator, payloads
from slack_emulator.payloads import Payloads
from tests.conftest import MANAGER
from tests.test_cli import run_coach

pytestmark = pytest.mark.slow  # every test here starts a process

PG_URL = os.environ.get("COACH_TEST_DATABASE_URL")


def _closed_port() -> int:
    """A port nobody listens on (bound then released: connections are refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _http_env(tmp_path: Path, slack_url: str, **extra: str) -> dict[str, str]:
    return {
        "SLACK_BOT_TOKEN": "xoxb-test-token",
        "SLACK_SIGNING_SECRET": payloads.SIGNING_SECRET,
        "SLACK_API_URL": slack_url,
        "DATABASE_URL": f"sqlite:///{tmp_path}/coach.db",
        **extra,
    }


def _one_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def test_a_log_level_that_is_not_one_is_a_setting_to_fix(tmp_path: Path) -> None:
    result = run_coach("db", "upgrade", env={"COACH_LOG_LEVEL": "LOUD"}, cwd=tmp_path)
    assert result.returncode == 2
    line = _one_line(result)
    assert "COACH_LOG_LEVEL" in line
    assert "DEBUG, INFO, WARNING" in line


@pytest.mark.parametrize("command", [("db", "upgrade"), ("serve",), ("scheduler",)])
def test_an_unreachable_postgresql_names_its_host_and_port_and_exits_3(
    command: tuple[str, ...], tmp_path: Path, slack: SlackEmulator
) -> None:
    port = _closed_port()
    database = f"postgresql://coach@127.0.0.1:{port}/coach"
    result = run_coach(*command, env=_http_env(tmp_path, slack.url, DATABASE_URL=database))
    assert result.returncode == 3
    line = _one_line(result)
    assert f"127.0.0.1:{port}" in line
    assert "DATABASE_URL" in line


def test_the_traceback_is_there_at_debug(tmp_path: Path) -> None:
    database = f"postgresql://coach@127.0.0.1:{_closed_port()}/coach"
    env = {"DATABASE_URL": database, "COACH_LOG_LEVEL": "DEBUG"}
    result = run_coach("db", "upgrade", env=env, cwd=tmp_path)
    assert result.returncode == 3
    assert result.stderr.startswith("coach: cannot reach PostgreSQL")
    assert "Traceback" in result.stderr


@pytest.mark.skipif(not PG_URL, reason="COACH_TEST_DATABASE_URL is not set")
def test_a_missing_postgresql_database_is_a_setting_to_fix(tmp_path: Path) -> None:
    assert PG_URL is not None
    missing = PG_URL.rsplit("/", 1)[0] + "/coach_no_such_database"
    result = run_coach("db", "upgrade", env={"DATABASE_URL": missing}, cwd=tmp_path)
    assert result.returncode == 2
    line = _one_line(result)
    assert "DATABASE_URL" in line
    assert "coach_no_such_database" in line


def test_a_sqlite_file_that_cannot_be_opened_is_a_setting_to_fix(tmp_path: Path) -> None:
    nowhere = f"sqlite:///{tmp_path}/no/such/dir/coach.db"
    result = run_coach("db", "upgrade", env={"DATABASE_URL": nowhere}, cwd=tmp_path)
    assert result.returncode == 2
    assert "DATABASE_URL" in _one_line(result)


@pytest.mark.parametrize("command", [("serve",), ("scheduler",)])
def test_a_bot_token_slack_refuses_is_one_line_and_exit_2(
    command: tuple[str, ...], tmp_path: Path, slack: SlackEmulator
) -> None:
    env = _http_env(tmp_path, slack.url, SLACK_BOT_TOKEN="xoxb-placeholder-from-env-example")
    result = run_coach(*command, env=env)
    assert result.returncode == 2
    line = _one_line(result)
    assert "SLACK_BOT_TOKEN" in line
    assert "invalid_auth" in line
    assert "xoxb-placeholder" not in line


@pytest.mark.parametrize("error", ["account_inactive", "token_revoked", "not_authed"])
def test_every_refusal_of_the_bot_token_is_exit_2(
    error: str, tmp_path: Path, slack: SlackEmulator
) -> None:
    slack.fail_next("auth.test", error)
    result = run_coach("serve", env=_http_env(tmp_path, slack.url))
    assert result.returncode == 2
    assert error in _one_line(result)


def test_socket_mode_with_a_refused_app_token_names_it(
    tmp_path: Path, slack: SlackEmulator
) -> None:
    env = _http_env(tmp_path, slack.url, SLACK_APP_TOKEN="xapp-1-revoked")
    result = run_coach("serve", env=env)
    assert result.returncode == 2
    line = _one_line(result)
    assert "SLACK_APP_TOKEN" in line
    assert "invalid_auth" in line


def test_socket_mode_with_no_slack_to_reach_is_exit_3(tmp_path: Path) -> None:
    port = _closed_port()
    unreachable = f"http://127.0.0.1:{port}/api/"
    env = _http_env(tmp_path, unreachable, SLACK_APP_TOKEN="xapp-1-fine")
    result = run_coach("serve", env=env)
    assert result.returncode == 3
    line = _one_line(result)
    assert f"127.0.0.1:{port}" in line
    assert "Socket Mode" in line


def test_an_unreachable_slack_still_serves_says_degraded_and_answers_privately(
    tmp_path: Path,
) -> None:
    port = _closed_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "COACH_"))},
        **_http_env(tmp_path, f"http://127.0.0.1:{_closed_port()}/api/"),
        "PORT": str(port),
        "COACH_WEB_WORKERS": "1",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--no-scheduler"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        health = _health_when_up(f"http://127.0.0.1:{port}/healthz", process)
        status, answer = _slash_command(f"http://127.0.0.1:{port}", "team")
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=30)
    assert health == {
        "status": "degraded",
        "database": True,
        "schema": "current",
        "slack": "unreachable",
    }
    assert "cannot reach Slack at 127.0.0.1" in stderr
    assert status == 200
    assert answer["response_type"] == "ephemeral"
    assert "Slack isn't answering me right now" in answer["text"]


def _slash_command(url: str, text: str) -> tuple[int, dict[str, str]]:
    body = Payloads().slash_command(text, user_id=MANAGER)
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        **payloads.signed_headers(body),
    }
    request = urllib.request.Request(url + "/slack/events", data=body, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as reply:
        return reply.status, json.loads(reply.read())


def _health_when_up(url: str, process: subprocess.Popen[Any], timeout: float = 30) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"coach serve exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1) as reply:
                return json.loads(reply.read())
        except OSError:
            time.sleep(0.1)
    raise AssertionError("coach serve never answered /healthz")


def test_socket_mode_serves_health_on_port_with_the_socket_state(
    tmp_path: Path, slack: SlackEmulator
) -> None:
    port = _closed_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "COACH_"))},
        **_http_env(tmp_path, slack.url, SLACK_APP_TOKEN=slack.workspace.app_token),
        "PORT": str(port),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--no-scheduler"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        health = _health_when_up(f"http://127.0.0.1:{port}/healthz", process)
    finally:
        process.terminate()
        process.wait(timeout=30)
    # The emulator's WebSocket URL has nobody behind it: up, but not connected.
    assert health == {
        "status": "degraded",
        "database": True,
        "schema": "current",
        "slack": "ok",
        "socket": "disconnected",
    }

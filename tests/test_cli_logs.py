"""What the ``coach`` command writes on stderr, read as an operator's log pipeline reads it:
with COACH_LOG_JSON every line is one JSON object (gunicorn's and uvicorn's own lines too,
and an early failure), lines outside a request carry request id "-", and Alembic's
step-by-step INFO lines appear only with ``-v``. Each test drives the real command."""

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
from tests.test_cli import run_coach

pytestmark = pytest.mark.slow  # every test here starts a process

FIELDS = ["time", "level", "logger", "request_id", "message"]


def _json_lines(stderr: str) -> list[dict[str, Any]]:
    lines = [line for line in stderr.splitlines() if line.strip()]
    records = []
    for line in lines:
        try:
            records.append(json.loads(line))
        except ValueError:
            raise AssertionError(f"not a JSON line on stderr: {line!r}") from None
    return records


def test_db_upgrade_is_quiet_on_stderr_and_says_where_it_is_on_stdout(tmp_path: Path) -> None:
    result = run_coach("db", "upgrade", env={"DATABASE_URL": f"sqlite:///{tmp_path}/c.db"})
    assert result.returncode == 0
    assert result.stderr == ""
    assert result.stdout.startswith("database is at revision ")


@pytest.mark.parametrize("args", [("db", "upgrade", "-v"), ("-v", "db", "upgrade")])
def test_verbose_shows_each_migration_step(args: tuple[str, ...], tmp_path: Path) -> None:
    result = run_coach(*args, env={"DATABASE_URL": f"sqlite:///{tmp_path}/c.db"})
    assert result.returncode == 0
    assert "alembic.runtime.migration [-] Running upgrade  -> 0001" in result.stderr


def test_other_commands_are_quiet_about_migrations_too(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path}/c.db", "COACH_LOG_JSON": "true"}
    assert run_coach("db", "upgrade", env=env).returncode == 0
    result = run_coach("tick", "--job", "retention", env={**env, "SLACK_BOT_TOKEN": "xoxb-1"})
    assert "alembic" not in result.stderr
    assert all(r["logger"] != "alembic.runtime.migration" for r in _json_lines(result.stderr))


def test_an_early_failure_is_one_json_line_with_request_id_dash(tmp_path: Path) -> None:
    env = {"COACH_LOG_JSON": "true", "COACH_LOG_LEVEL": "LOUD"}
    result = run_coach("db", "upgrade", env=env, cwd=tmp_path)
    assert result.returncode == 2
    [record] = _json_lines(result.stderr)
    assert list(record)[:5] == FIELDS
    assert record["level"] == "error"
    assert record["request_id"] == "-"
    assert "COACH_LOG_LEVEL" in record["message"]


def test_an_unreachable_database_in_json_is_one_json_line_and_exit_3(tmp_path: Path) -> None:
    env = {"COACH_LOG_JSON": "1", "DATABASE_URL": "postgresql://coach@127.0.0.1:9/coach"}
    result = run_coach("db", "upgrade", env=env, cwd=tmp_path)
    assert result.returncode == 3
    [record] = _json_lines(result.stderr)
    assert record["request_id"] == "-"
    assert "127.0.0.1:9" in record["message"]


def test_serve_writes_only_json_gunicorn_and_uvicorn_lines_included(
    tmp_path: Path, slack: SlackEmulator
) -> None:
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "COACH_"))},
        "SLACK_BOT_TOKEN": "xoxb-test-token",
        "SLACK_SIGNING_SECRET": payloads.SIGNING_SECRET,
        "SLACK_API_URL": slack.url,
        "DATABASE_URL": f"sqlite:///{tmp_path}/coach.db",
        "PORT": str(port),
        "HOST": "127.0.0.1",
        "COACH_WEB_WORKERS": "1",
        "COACH_LOG_JSON": "true",
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
        _wait_for_health(f"http://127.0.0.1:{port}/healthz", process)
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=30)
    records = _json_lines(stderr)
    loggers = {record["logger"] for record in records}
    assert {"gunicorn.error", "uvicorn.error"} <= loggers, loggers
    assert all(list(record)[:5] == FIELDS for record in records)
    assert all(record["request_id"] == "-" for record in records)
    assert any(r["message"].startswith("Listening at: http://127.0.0.1:") for r in records)
    assert "alembic.runtime.migration" not in loggers
    assert "xoxb-test-token" not in stderr


def _free_port() -> int:
    """A free TCP port on loopback (bound, then released for the server to take)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for_health(url: str, process: subprocess.Popen[str], timeout: float = 40) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"coach serve exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("coach serve never answered /healthz")

"""``coach serve`` as deployed: gunicorn workers, /healthz, signed commands, clean SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from slack_emulator import SlackEmulator, payloads
from slack_emulator.payloads import Payloads
from tests.conftest import MANAGER


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_healthy(url: str, process: subprocess.Popen[bytes], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"coach serve exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=1) as reply:
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("coach serve never became healthy")


@pytest.fixture
def served(database_url: str, slack: SlackEmulator, tmp_path: Path):
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "OPENAI_"))},
        "SLACK_BOT_TOKEN": "xoxb-test-token",
        "SLACK_SIGNING_SECRET": payloads.SIGNING_SECRET,
        "SLACK_API_URL": slack.url,
        "DATABASE_URL": database_url,
        "PORT": str(port),
        "COACH_WEB_WORKERS": "2",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--no-scheduler"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process)
        yield url, process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


def _post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    request = urllib.request.Request(url + "/slack/events", data=body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            return reply.status, reply.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.mark.slow  # starts a process
def test_served_app_answers_help_and_refuses_forgeries(served) -> None:
    url, _ = served
    body = Payloads().slash_command("help", user_id=MANAGER)
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    status, answer = _post(url, body, {**form, **payloads.signed_headers(body)})
    assert status == 200
    assert b"/coach team add @rep" in answer
    forged = payloads.signed_headers(body, secret="forged")
    assert _post(url, body, {**form, **forged})[0] == 401
    bad_stamp = {**form, "X-Slack-Request-Timestamp": "soon", "X-Slack-Signature": "v0=00"}
    assert _post(url, body, bad_stamp)[0] == 401


@pytest.mark.slow  # starts a process
def test_sigterm_shuts_down_cleanly(served) -> None:
    _, process = served
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0

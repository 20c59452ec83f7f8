"""``coach serve`` stops when told to, and never outlives its master: the way platforms
stop it (SIGTERM, then SIGKILL of the master at the end of their stop timeout) leaves no
worker behind after gunicorn's graceful timeout, even with the after-ack queue full of
answers waiting on a hanging model; and nobody is told "something went wrong"."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

import prompts
from slack_emulator import SlackEmulator, payloads
from slack_emulator.payloads import Payloads
from tests.conftest import MANAGER
from tests.fakes.openai_server import FakeOpenAI
from tests.http.test_server_process import _free_port, _wait_healthy

GRACEFUL = 4  # seconds: COACH_GRACEFUL_TIMEOUT for these servers


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.fixture
def llm() -> Iterator[FakeOpenAI]:
    with FakeOpenAI("hang") as fake:
        yield fake


@pytest.fixture
def server(database_url: str, slack: SlackEmulator, llm: FakeOpenAI, tmp_path: Path):
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "OPENAI_"))},
        "SLACK_BOT_TOKEN": "xoxb-test-token",
        "SLACK_SIGNING_SECRET": payloads.SIGNING_SECRET,
        "SLACK_API_URL": slack.url,
        "DATABASE_URL": database_url,
        "OPENAI_API_KEY": "test-key",
        "OPENAI_BASE_URL": llm.base_url,
        "PORT": str(port),
        "COACH_WEB_WORKERS": "2",
        "COACH_GRACEFUL_TIMEOUT": str(GRACEFUL),
    }
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve", "--no-scheduler"],
            env=env,
            cwd=tmp_path,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    workers: list[int] = []
    try:
        _wait_healthy(url, process)
        workers = children_of(process.pid)
        assert len(workers) == 2
        yield url, process, workers, log
    finally:
        for pid in [process.pid, *workers]:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        process.wait(timeout=10)


def _command(url: str, slack: SlackEmulator, text: str) -> int:
    body = Payloads().slash_command(
        text, user_id=MANAGER, response_url=slack.response_url("C0GENERAL", MANAGER)
    )
    headers = {"Content-Type": "application/x-www-form-urlencoded", **payloads.signed_headers(body)}
    request = urllib.request.Request(url + "/slack/events", data=body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=5) as reply:
            return reply.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0  # refused: the server had stopped listening


def _fill_the_queue(url: str, slack: SlackEmulator, n: int = 40) -> None:
    """Reframes that will wait on the hanging model, more than the pool can run at once."""
    for _ in range(n):
        assert _command(url, slack, "reframe you rambled through the demo again") == 200


@pytest.mark.slow  # starts a server
def test_killing_the_master_leaves_no_worker_after_the_graceful_timeout(
    server, slack: SlackEmulator
) -> None:
    url, process, workers, log = server
    _fill_the_queue(url, slack)
    process.send_signal(signal.SIGTERM)  # the platform's stop...
    time.sleep(0.5)
    process.kill()  # ...and, its patience over, SIGKILL for the master alone
    killed_at = time.monotonic()
    while any(alive(pid) for pid in workers) and time.monotonic() - killed_at < GRACEFUL + 5:
        time.sleep(0.1)
    gone_after = time.monotonic() - killed_at
    assert not any(alive(pid) for pid in workers), f"workers still running {gone_after:.1f} s on"
    assert gone_after <= GRACEFUL, f"workers took {gone_after:.1f} s to go"
    output = log.read_text()
    assert "after-ack work dropped at shutdown" in output
    assert "cannot schedule new futures" not in output


@pytest.mark.slow  # starts a server
def test_a_master_killed_outright_takes_its_workers_with_it(server, slack: SlackEmulator) -> None:
    url, process, workers, _ = server
    _fill_the_queue(url, slack, n=20)
    process.kill()
    killed_at = time.monotonic()
    while any(alive(pid) for pid in workers) and time.monotonic() - killed_at < GRACEFUL + 5:
        time.sleep(0.1)
    assert not any(alive(pid) for pid in workers)
    assert time.monotonic() - killed_at <= GRACEFUL


@pytest.mark.slow  # starts a server
def test_sigterm_in_a_burst_tells_nobody_something_went_wrong(
    server, slack: SlackEmulator, llm: FakeOpenAI
) -> None:
    url, process, _, log = server
    llm.behaviour = "good"
    statuses: list[int] = []

    def burst() -> None:
        for n in range(80):
            statuses.append(_command(url, slack, "help" if n % 2 else "team"))

    threads = [threading.Thread(target=burst) for _ in range(8)]
    for thread in threads:
        thread.start()
    time.sleep(0.5)
    process.send_signal(signal.SIGTERM)
    for thread in threads:
        thread.join()
    assert process.wait(timeout=GRACEFUL + 5) == 0
    assert set(statuses) <= {200, 0}, sorted(set(statuses))  # acked, or refused at the door
    assert statuses.count(200) > 0
    went_wrong = prompts.text("errors", "try_again")
    told = [c for c in slack.calls_to("response_url") if c.params.get("text") == went_wrong]
    assert told == []
    assert "cannot schedule new futures" not in log.read_text()


@pytest.mark.slow  # starts a server
def test_a_graceful_stop_ends_within_the_graceful_timeout(server, slack: SlackEmulator) -> None:
    url, process, workers, log = server
    _fill_the_queue(url, slack)
    process.send_signal(signal.SIGTERM)
    stopped_at = time.monotonic()
    assert process.wait(timeout=GRACEFUL + 5) == 0
    took = time.monotonic() - stopped_at
    assert took <= GRACEFUL, f"the stop took {took:.1f} s"
    assert not any(alive(pid) for pid in workers)
    assert "after-ack work dropped at shutdown" in log.read_text()

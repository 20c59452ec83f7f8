"""What every benchmark shares: the machine's description, percentiles, tables, free ports
and the memory of a process tree (read from /proc). Private PostgreSQL schemas come from
`storage.schemas`, the same the tests use."""

from __future__ import annotations

import json
import math
import os
import platform
import socket
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Sequence
from datetime import datetime
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import create_engine, text

from bot.settings import Settings, load_settings
from storage.db import normalise_url

if TYPE_CHECKING:
    from bot.services import Services

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SIGNING_SECRET = "benchmark-signing-secret"


# --- numbers and tables ---------------------------------------------------------------------


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile (``share`` 0.99 is p99): a value that was really measured."""
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def print_table(title: str, columns: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """A Markdown table, so the output pastes into the README as it is."""
    print(f"\n### {title}\n", flush=True)
    print("| " + " | ".join(columns) + " |")
    print("|" + "|".join("---" for _ in columns) + "|")
    for row in rows:
        print("| " + " | ".join(str(cell) for cell in row) + " |")
    print(flush=True)


def note(text: str) -> None:
    print(text, flush=True)


# --- the machine ----------------------------------------------------------------------------


def machine(postgres_url: str | None = None) -> list[tuple[str, str]]:
    """What the numbers were measured on."""
    facts = [
        ("CPU", f"{_cpu_model()}, {os.cpu_count()} logical cores"),
        ("memory", f"{_mem_total_gib():.1f} GiB"),
        ("OS", f"{platform.system()} {platform.release()}"),
        ("Python", platform.python_version()),
        ("SQLite", sqlite3.sqlite_version),
    ]
    if postgres_url:
        facts.append(("PostgreSQL", postgres_version(postgres_url)))
    libraries = ("slack_bolt", "slack_sdk", "gunicorn", "sqlalchemy", "psycopg")
    facts.append(("libraries", ", ".join(f"{name} {version(name)}" for name in libraries)))
    return facts


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _mem_total_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return float("nan")


def postgres_version(url: str) -> str:
    engine = create_engine(normalise_url(url))
    try:
        with engine.connect() as connection:
            return str(connection.execute(text("SHOW server_version")).scalar_one()).split()[0]
    finally:
        engine.dispose()


# --- settings -----------------------------------------------------------------------------


def emulated_settings(token: str, slack_api_url: str, database_url: str) -> Settings:
    """Settings for Coach run in-process against the emulator: no .env, no OpenAI key (the
    rule-based reframer), whatever the machine's environment holds."""
    return load_settings(
        env_file=None,
        slack_bot_token=token,
        slack_api_url=slack_api_url,
        database_url=database_url,
        openai_api_key=None,
    )


# --- processes ------------------------------------------------------------------------------


class SlackProcess:
    """The Slack emulator in a process of its own (benchmarks/slack_process.py), driven over
    its stdin/stdout: Slack's work is not charged to the process being measured."""

    def __init__(self, *, latency: str = "0") -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(HERE / "slack_process.py"), "--latency", latency],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        hello = json.loads(self._line())
        self.url: str = hello["url"]
        self.token: str = hello["token"]
        self._lock = threading.Lock()

    def ask(self, command: str) -> str:
        with self._lock:
            assert self.process.stdin is not None
            self.process.stdin.write(command + "\n")
            self.process.stdin.flush()
            return self._line()

    def count(self, method: str) -> int:
        return int(self.ask(f"count {method}"))

    def _line(self) -> str:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise SystemExit("the Slack emulator process stopped")
        return line.strip()

    def stop(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait(timeout=10)

    def __enter__(self) -> SlackProcess:
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()


def unpaced_services(settings: Settings, database_url: str, start: datetime) -> Services:
    """Services against the emulator with Coach's post pacer opened wide: Slack's rate limits
    are the fan-out benchmark's subject; elsewhere the figure is Coach's own cost."""
    from bot.clock import SandboxClock
    from bot.reframer import build_reframer
    from bot.services import Services
    from bot.slack_client import PostPacer, build_slack_client
    from storage.db import make_engine

    return Services(
        settings=settings,
        engine=make_engine(database_url),
        clock=SandboxClock(start=start),
        slack=build_slack_client(settings, pacer=PostPacer(per_minute=10**9)),
        reframer=build_reframer(settings),
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_http(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"nothing answered at {url} within {timeout:.0f} s")


def process_tree(pid: int) -> list[int]:
    """``pid`` and its descendants (gunicorn's master and workers)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(entry.name))
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(parents.get(current, []))
    return tree


def memory_mib(pid: int) -> tuple[float, float]:
    """(RSS, PSS) of one process in MiB. PSS shares pages between gunicorn's forked
    processes fairly, so the PSS of a tree adds up to what it really holds."""
    rss = pss = 0.0
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1]) / 1024
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                pss = int(line.split()[1]) / 1024
    except OSError:
        pass
    return rss, pss


def tree_memory(pid: int) -> dict[str, float]:
    """RSS of the biggest process, and RSS and PSS summed over the tree, in MiB."""
    sizes = [memory_mib(p) for p in process_tree(pid)]
    return {
        "processes": len(sizes),
        "max_rss": max((rss for rss, _ in sizes), default=0.0),
        "rss": sum(rss for rss, _ in sizes),
        "pss": sum(pss for _, pss in sizes),
    }

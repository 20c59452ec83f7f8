"""Signed acks during a slow-client flood: ``coach serve`` with N connections trickling.

    python benchmarks/slow_clients.py [--slow 200] [--requests 200] [--clients 4] [--gthread]

Starts ``coach serve --no-scheduler`` (gunicorn, 2 uvicorn workers, the ASGI front of
``bot/asgi.py``) on a fresh SQLite file against the Slack emulator, then sends signed
``/coach help`` from ``--clients`` threads: first with nothing else connected, then with
``--slow`` connections open that each trickle a request a byte a second (half their
headers, half a body; tests/support/slow_clients.py). Prints p50 / p99 / max in ms and how
many acks were answered. ``--gthread`` adds the server Coach ran before, gunicorn's
threaded workers (2 × 8 threads) serving the same WSGI app, as the baseline.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from contextlib import ExitStack
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # tests.support.slow_clients, from this checkout

import subprocess  # noqa: E402

from support import (  # noqa: E402
    SIGNING_SECRET,
    SlackProcess,
    free_port,
    machine,
    note,
    percentile,
    print_table,
    wait_for_http,
)

from bot.server import CoachHTTPServer  # noqa: E402
from bot.settings import load_settings  # noqa: E402
from bot.web import build_wsgi  # noqa: E402
from bot.wiring import build_coach  # noqa: E402
from slack_emulator.payloads import Payloads, signed_headers  # noqa: E402
from tests.support.slow_clients import SlowClients  # noqa: E402

TIMEOUT = 5.0  # seconds a client waits for an ack (Slack gives up at 3)


class GthreadServer(CoachHTTPServer):
    """The baseline: Coach's WSGI app on gunicorn's threaded workers, as before."""

    def load_config(self) -> None:
        super().load_config()
        self.cfg.set("worker_class", "gthread")
        self.cfg.set("threads", self.settings.coach_web_threads)

    def load(self) -> Any:
        services, app = build_coach(self.settings, migrate=False)
        return build_wsgi(app, services)


def _help(url: str, body: bytes) -> float | None:
    """Milliseconds to a 200 ack, or None when none came within TIMEOUT."""
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        **signed_headers(body, secret=SIGNING_SECRET),
    }
    request = urllib.request.Request(url + "/slack/events", data=body, headers=headers)
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as reply:
            reply.read()
            ok = reply.status == 200
    except (urllib.error.URLError, OSError):
        ok = False
    return (time.perf_counter() - started) * 1000 if ok else None


def measure(url: str, *, requests: int, clients: int) -> list[float | None]:
    body = Payloads().slash_command("help", user_id="UHELP000000")
    results: list[float | None] = []
    lock = threading.Lock()

    def client(n: int) -> None:
        for _ in range(n):
            took = _help(url, body)
            with lock:
                results.append(took)

    threads = [threading.Thread(target=client, args=(requests // clients,)) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def row(name: str, slow: int, results: list[float | None], still_open: int) -> list[object]:
    answered = sorted(r for r in results if r is not None)
    figures: list[object] = ["n/a", "n/a", "n/a"]
    if answered:
        p50, p99 = percentile(answered, 0.5), percentile(answered, 0.99)
        figures = [f"{p50:.1f}", f"{p99:.1f}", f"{answered[-1]:.1f}"]
    shown_open = still_open if slow else "n/a"
    return [name, slow, shown_open, f"{len(answered)} of {len(results)}", *figures]


COLUMNS = ["server", "slow connections", "still open", "answered", "p50 ms", "p99 ms", "max ms"]


def run(
    *, slow: int = 200, requests: int = 200, clients: int = 4, gthread: bool = False
) -> tuple[list[list[object]], list[float | None]]:
    """The table's rows, and Coach's ack times (ms, None if unanswered) under the flood."""
    rows: list[list[object]] = []
    flooded: list[float | None] = []
    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        slack = stack.enter_context(SlackProcess())  # Bolt asks auth.test once
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "OPENAI_"))},
            "SLACK_BOT_TOKEN": slack.token,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": slack.url,
            "DATABASE_URL": f"sqlite:///{workdir}/coach.db",
        }
        coach = ["-m", "bot", "serve", "--no-scheduler"]
        servers = [("Coach (uvicorn workers, ASGI front)", coach)]
        if gthread:
            servers.append(("before: gthread 2 × 8 threads", [__file__, "--serve-gthread"]))
        for name, command in servers:
            port = free_port()
            log = (workdir / f"{port}.log").open("wb")
            process = subprocess.Popen(
                [sys.executable, *command],
                env={**env, "PORT": str(port)},
                cwd=workdir,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            url = f"http://127.0.0.1:{port}"
            try:
                wait_for_http(url + "/healthz")
                measure(url, requests=40, clients=clients)  # warm-up
                quiet = measure(url, requests=requests, clients=clients)
                rows.append(row(name, 0, quiet, 0))
                with SlowClients("127.0.0.1", port, count=slow) as flood:
                    time.sleep(2)  # every slow connection has begun its request
                    results = measure(url, requests=requests, clients=clients)
                    rows.append(row(name, slow, results, flood.open))
                if not flooded:
                    flooded = results
            finally:
                process.terminate()
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
    return rows, flooded


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slow", type=int, default=200, help="slow connections held open")
    parser.add_argument("--requests", type=int, default=200, help="signed acks per measurement")
    parser.add_argument("--clients", type=int, default=4, help="threads sending them")
    parser.add_argument("--gthread", action="store_true", help="measure the old server too")
    parser.add_argument("--serve-gthread", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_gthread:
        GthreadServer(load_settings(), run_scheduler=False).run()
        return
    print_table("Machine", ["what", "value"], machine())
    rows, _ = run(
        slow=args.slow, requests=args.requests, clients=args.clients, gthread=args.gthread
    )
    print_table(
        f"Signed /coach help acks, {args.clients} clients, {args.requests} requests",
        COLUMNS,
        rows,
    )
    note(f"A request unanswered within {TIMEOUT:.0f} s counts as not answered (Slack waits 3).")


if __name__ == "__main__":
    main()

"""Ack latency under concurrent signed load: Coach beside bare Bolt on the same stack.

Starts, on free ports: the Slack emulator (a process of its own), ``coach serve
--no-scheduler`` on a seeded database, and bare Bolt (``benchmarks/bare_bolt.py``: a
``/coach`` that only acks, under Coach's own gunicorn configuration). Then, a few rounds
over, sends N signed slash commands from C concurrent clients (a new connection each, as
Slack makes them) to:

    bare Bolt   /coach               acks and nothing else
    Coach       /coach help          the usage rides on the ack
    Coach       /coach plan          a manager with 25 reps; the plan follows the empty ack
                                     through the response_url
    Coach       /coach team add @rep a new rep each time: users.info, a pairing, a DM to
                                     the rep and the App Home, all after the ack

and prints p50 / p99 / requests per second (medians over the rounds), the ratios to bare
Bolt, how long the work after the acks took to drain, and the servers' memory.

    python benchmarks/ack_latency.py [--requests 1000] [--clients 16] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from support import (
    SIGNING_SECRET,
    SlackProcess,
    free_port,
    median,
    note,
    percentile,
    print_table,
    tree_memory,
    wait_for_http,
)

from bot.domain.reframing import COMPETENCIES
from slack_emulator.payloads import Payloads, content_type, signed_headers
from storage.agenda import add_agenda_item
from storage.db import make_engine, session_scope
from storage.goals import add_check_in, start_goal
from storage.migrate import upgrade
from storage.pairings import add_pairing, record_one_on_one
from storage.schemas import private_schema
from storage.workspaces import ensure_workspace

HERE = Path(__file__).resolve().parent
TEAM = "T0COACH"  # the emulator's workspace
CHANNEL = "C0BENCH"
PLAN_MANAGERS = 16  # one per client: every manager coaches REPS_PER_MANAGER reps
REPS_PER_MANAGER = 25
ADDING_MANAGERS = 64
WARM_UP = 100
OPEN_LOOP_RATE = 25.0  # requests a second: far above a 10,000-person org's busiest minute
OPEN_LOOP_SECONDS = 16


# --- servers --------------------------------------------------------------------------------


@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    url: str
    log: Path

    def errors(self) -> int:
        text = self.log.read_text(errors="replace")
        return text.count("Traceback") + text.count(" ERROR ")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def _start(name: str, command: list[str], env: dict[str, str], workdir: Path) -> Server:
    port = free_port()
    log = workdir / f"{name.replace(' ', '_')}.log"
    process = subprocess.Popen(
        command,
        env={**env, "PORT": str(port)},
        cwd=workdir,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    server = Server(name, process, f"http://127.0.0.1:{port}", log)
    wait_for_http(server.url + "/healthz")
    return server


# --- the seeded database --------------------------------------------------------------------


def seed(database_url: str) -> None:
    """PLAN_MANAGERS managers with REPS_PER_MANAGER reps each: a 1:1 history, a goal with a
    check-in for every rep and an agenda item for some, so /coach plan has a full page."""
    now = datetime.now(UTC)
    today = now.date()
    engine = make_engine(database_url)
    upgrade(engine)
    with session_scope(engine) as session:
        ensure_workspace(session=session, team_id=TEAM, now=now)
        for m in range(PLAN_MANAGERS):
            manager = f"UPLANM{m:06d}"
            for r in range(REPS_PER_MANAGER):
                rep = f"UPLANR{m * REPS_PER_MANAGER + r:06d}"
                pairing = add_pairing(
                    session=session,
                    team_id=TEAM,
                    manager_id=manager,
                    rep_id=rep,
                    cadence_days=(7, 14, 28)[r % 3],
                    started_on=today - timedelta(days=90),
                    now=now,
                    accepted_at=now,
                )
                for weeks_ago in (1 + r % 5, 4 + r % 5, 8):
                    record_one_on_one(
                        session=session,
                        pairing=pairing,
                        held_on=today - timedelta(weeks=weeks_ago),
                        logged_by=manager,
                        now=now,
                    )
                goal = start_goal(
                    session=session,
                    team_id=TEAM,
                    rep_id=rep,
                    competency=COMPETENCIES[r % len(COMPETENCIES)],
                    behaviour="Ask two open questions before presenting the demo",
                    measure="Noted in the call log for every discovery call",
                    target_date=today + timedelta(days=30),
                    now=now - timedelta(days=20),
                )
                add_check_in(
                    session=session,
                    goal=goal,
                    status=("on_track", "stuck", "note")[r % 3],
                    note="Tried it on two calls; the second one went better",
                    now=now - timedelta(days=3),
                )
                if r % 3 == 0:
                    add_agenda_item(
                        session=session,
                        team_id=TEAM,
                        pairing_id=pairing.id or 0,
                        competency="listening",
                        focus="Let the buyer talk more than you do",
                        questions=["What did you notice?", "What would you try next time?"],
                        now=now,
                    )
    engine.dispose()


# --- load -----------------------------------------------------------------------------------


BENCH_SLACK = Payloads(team_id=TEAM, team_domain="coach-bench", app_id="A0COACHAPP")


def slash_command(text: str, *, user_id: str, response_url: str) -> bytes:
    return BENCH_SLACK.slash_command(
        text, user_id=user_id, channel_id=CHANNEL, channel_name="bench", response_url=response_url
    )


def _send(url: str, body: bytes) -> float:
    """One signed POST; milliseconds until the whole answer is read (signing not timed)."""
    request = urllib.request.Request(
        url + "/slack/events",
        data=body,
        headers={"Content-Type": content_type(body), **signed_headers(body, secret=SIGNING_SECRET)},
    )
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=30) as reply:
        reply.read()
        status = reply.status
    elapsed = (time.perf_counter() - started) * 1000
    if status != 200:
        raise RuntimeError(f"{url} answered {status}")
    return elapsed


@dataclass
class Result:
    p50: list[float] = field(default_factory=list)
    p99: list[float] = field(default_factory=list)
    rate: list[float] = field(default_factory=list)
    drain: list[float] = field(default_factory=list)
    peak_rss: float = 0.0
    peak_pss: float = 0.0


@contextmanager
def peak_memory(pid: int, result: Result) -> Iterator[None]:
    """Sample the server's memory every 100 ms while the block runs; keep the peak."""
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            memory = tree_memory(pid)
            result.peak_rss = max(result.peak_rss, memory["rss"])
            result.peak_pss = max(result.peak_pss, memory["pss"])
            done.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield
    finally:
        done.set()
        sampler.join()


def run_load(
    server: Server,
    bodies: list[bytes],
    clients: int,
    result: Result,
    drain: Callable[[], float],
    *,
    arrivals_per_second: float | None = None,
) -> None:
    """Closed loop (each of ``clients`` sends its next request when the last is answered),
    or open loop (requests arrive at a steady rate, whatever the answers, as Slack's do)."""
    with peak_memory(server.process.pid, result):
        with ThreadPoolExecutor(max_workers=clients) as pool:
            started = time.perf_counter()
            if arrivals_per_second is None:
                timings = list(pool.map(lambda body: _send(server.url, body), bodies))
            else:
                sent = []
                for n, body in enumerate(bodies):
                    time.sleep(max(0.0, started + n / arrivals_per_second - time.perf_counter()))
                    sent.append(pool.submit(_send, server.url, body))
                timings = [future.result() for future in sent]
            elapsed = time.perf_counter() - started
        result.drain.append(drain())
    result.p50.append(percentile(timings, 0.50))
    result.p99.append(percentile(timings, 0.99))
    result.rate.append(len(bodies) / elapsed)


def settle(slack: SlackProcess, quiet: float = 0.5, limit: float = 120) -> None:
    """Wait until the server has stopped calling Slack (a DM or App Home after a reply), so
    no work from one row runs into the next."""
    deadline = time.monotonic() + limit
    last, since = -1, time.monotonic()
    while time.monotonic() < deadline:
        seen = slack.count("*")
        if seen != last:
            last, since = seen, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return
        time.sleep(0.05)


def _waiter(slack: SlackProcess, expected: int) -> Callable[[], float]:
    """Seconds until the emulator has seen ``expected`` response_url replies in all."""

    def wait() -> float:
        started = time.perf_counter()
        deadline = started + 300
        while slack.count("response_url") < expected:
            if time.perf_counter() > deadline:
                raise SystemExit("the replies after the acks never all arrived")
            time.sleep(0.02)
        return time.perf_counter() - started

    return wait


# --- the benchmark --------------------------------------------------------------------------


@dataclass
class AckReport:
    rows: list[list[object]]
    open_loop_rows: list[list[object]]
    memory_rows: list[list[object]]
    notes: list[str]
    summary: dict[str, float]


def run(
    *,
    requests: int = 1000,
    clients: int = 16,
    rounds: int = 3,
    postgres: str | None = None,
    open_loop: bool = True,
) -> AckReport:
    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        database = (
            stack.enter_context(private_schema(postgres, prefix="coach_bench"))
            if postgres
            else f"sqlite:///{workdir}/coach.db"
        )
        slack = SlackProcess()
        stack.callback(slack.stop)
        total_adds = WARM_UP + rounds * requests + int(OPEN_LOOP_RATE * OPEN_LOOP_SECONDS)
        for prefix, count, tz in (
            ("UHELP", clients, "America/New_York"),
            ("UPLANM", PLAN_MANAGERS, "Europe/London"),
            ("UPLANR", PLAN_MANAGERS * REPS_PER_MANAGER, "America/Chicago"),
            ("UADDM", ADDING_MANAGERS, "America/Los_Angeles"),
            ("UADDR", total_adds, "America/Denver"),
        ):
            slack.ask(f"users {prefix} 0 {count} {tz}")
        response_url = slack.ask(f"response_url {CHANNEL} UHELP000000")
        seed(database)
        env = {
            **os.environ,
            "SLACK_BOT_TOKEN": slack.token,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": slack.url,
            "DATABASE_URL": database,
        }
        for name in ("SLACK_APP_TOKEN", "OPENAI_API_KEY", "OPENAI_BASE_URL"):
            env.pop(name, None)
        bare = _start("bare Bolt", [sys.executable, str(HERE / "bare_bolt.py")], env, workdir)
        stack.callback(bare.stop)
        coach = _start(
            "Coach", [sys.executable, "-m", "bot", "serve", "--no-scheduler"], env, workdir
        )
        stack.callback(coach.stop)
        time.sleep(1)

        def memory() -> dict[str, dict[str, float]]:
            return {server.name: tree_memory(server.process.pid) for server in (bare, coach)}

        at_start = memory()

        adds = iter(range(total_adds))

        def helps(n: int) -> list[bytes]:
            return [
                slash_command("help", user_id=f"UHELP{i % clients:06d}", response_url=response_url)
                for i in range(n)
            ]

        def plans(n: int) -> list[bytes]:
            return [
                slash_command(
                    "plan", user_id=f"UPLANM{i % PLAN_MANAGERS:06d}", response_url=response_url
                )
                for i in range(n)
            ]

        def team_adds(n: int) -> list[bytes]:
            bodies = []
            for i in range(n):
                rep = f"UADDR{next(adds):06d}"
                bodies.append(
                    slash_command(
                        f"team add <@{rep}> weekly",
                        user_id=f"UADDM{i % ADDING_MANAGERS:06d}",
                        response_url=response_url,
                    )
                )
            return bodies

        def replied(n: int) -> Callable[[], float]:
            return _waiter(slack, slack.count("response_url") + n)

        def no_replies() -> float:
            return 0.0

        cases: list[tuple[str, Server, Callable[[int], list[bytes]], bool]] = [
            ("bare Bolt `/coach` (ack only)", bare, helps, False),
            ("Coach `/coach help`", coach, helps, False),
            ("Coach `/coach plan` (25 reps)", coach, plans, True),
            ("Coach `/coach team add @rep`", coach, team_adds, True),
        ]
        # Warm every worker, thread, cache and compiled query before measuring anything.
        for _, server, bodies_for, replies in cases:
            bodies = bodies_for(WARM_UP)
            drain = replied(len(bodies)) if replies else no_replies
            run_load(server, bodies, clients, Result(), drain)
            settle(slack)
        time.sleep(1)
        warmed = memory()

        results = {name: Result() for name, *_ in cases}
        for round_ in range(1, rounds + 1):
            for name, server, bodies_for, replies in cases:
                bodies = bodies_for(requests)
                drain = replied(len(bodies)) if replies else no_replies
                run_load(server, bodies, clients, results[name], drain)
                settle(slack)
            note(f"  ack latency: round {round_}/{rounds} done")
        steady = {name: Result() for name, *_ in cases}
        if open_loop:
            for name, server, bodies_for, replies in cases:
                bodies = bodies_for(int(OPEN_LOOP_RATE * OPEN_LOOP_SECONDS))
                drain = replied(len(bodies)) if replies else no_replies
                run_load(
                    server, bodies, 64, steady[name], drain, arrivals_per_second=OPEN_LOOP_RATE
                )
                settle(slack)
            note("  ack latency: open loop done")
        errors = {bare.name: bare.errors(), "Coach": coach.errors()}

    base = results[cases[0][0]]
    rows = _latency_rows([(name, results[name]) for name, *_ in cases])
    open_rows = _latency_rows([(name, steady[name]) for name, *_ in cases]) if open_loop else []
    coach_peak = max(results[name].peak_rss for name, *_ in cases[1:])
    coach_peak_pss = max(results[name].peak_pss for name, *_ in cases[1:])
    memory_rows = [
        _memory_row(
            bare.name, at_start[bare.name], warmed[bare.name], base.peak_rss, base.peak_pss
        ),
        _memory_row("Coach", at_start["Coach"], warmed["Coach"], coach_peak, coach_peak_pss),
    ]
    plan = results[cases[2][0]]
    notes = [
        f"{requests:,} requests × {rounds} rounds per row from {clients} concurrent clients; "
        f"medians over the rounds. Database: {'PostgreSQL' if postgres else 'SQLite'}.",
        f"Errors in the server logs: bare Bolt {errors[bare.name]}, Coach {errors['Coach']}.",
    ]
    summary = {
        "plan_p50_ratio": median(plan.p50) / median(base.p50),
        "plan_p99_ms": median(plan.p99),
        "coach_rest_rss": warmed["Coach"]["rss"],
        "coach_rest_pss": warmed["Coach"]["pss"],
    }
    return AckReport(rows, open_rows, memory_rows, notes, summary)


def _latency_rows(results: list[tuple[str, Result]]) -> list[list[object]]:
    base = results[0][1]
    base_p50, base_p99 = median(base.p50), median(base.p99)
    rows: list[list[object]] = []
    for name, r in results:
        p50, p99, rate, drain = median(r.p50), median(r.p99), median(r.rate), median(r.drain)
        rows.append(
            [
                name,
                f"{p50:.1f}",
                f"{p99:.1f}",
                f"{rate:,.0f}",
                f"{p50 / base_p50:.2f}×",
                f"{p99 / base_p99:.2f}×",
                f"{drain:.2f} s" if drain else "n/a",
            ]
        )
    return rows


def _memory_row(
    name: str, start: dict[str, float], warm: dict[str, float], peak_rss: float, peak_pss: float
) -> list[object]:
    processes = int(start["processes"])
    return [
        f"{name} ({processes} processes)",
        f"{start['rss']:.0f} / {start['pss']:.0f}",
        f"{warm['rss']:.0f} / {warm['pss']:.0f}",
        f"{max(peak_rss, warm['rss']):.0f} / {max(peak_pss, warm['pss']):.0f}",
        f"{warm['max_rss']:.0f}",
    ]


ACK_COLUMNS = [
    "request",
    "p50 ms",
    "p99 ms",
    "req/s",
    "p50 vs bare",
    "p99 vs bare",
    "replies drained",
]
MEMORY_COLUMNS = [
    "server",
    "RSS / PSS MiB just started",
    "at rest after warm-up",
    "peak under load",
    "largest process RSS",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--postgres", help="run Coach on a private schema of this PostgreSQL")
    parser.add_argument("--no-open-loop", action="store_true", help="closed loop only")
    args = parser.parse_args()
    report = run(
        requests=args.requests,
        clients=args.clients,
        rounds=args.rounds,
        postgres=args.postgres,
        open_loop=not args.no_open_loop,
    )
    print_table("Ack latency", ACK_COLUMNS, report.rows)
    if report.open_loop_rows:
        title = f"Ack latency, open loop at {OPEN_LOOP_RATE:.0f} requests/s"
        print_table(title, ACK_COLUMNS, report.open_loop_rows)
    print_table("Server memory (MiB)", MEMORY_COLUMNS, report.memory_rows)
    for line in report.notes:
        note(line)


if __name__ == "__main__":
    main()

"""The cadence sweep at 1k, 10k and 100k pairings, on SQLite and PostgreSQL.

Seeds N pairings (10 reps per manager, cadences of 1, 2 and 4 weeks, two 1:1s each, about
half of them overdue) and a warm people cache (so users.info is not what is measured),
then measures, on a fresh SQLite file or a private PostgreSQL schema each time:

    find due    loading every active pairing with its last 1:1 and keeping the ones
                overdue somewhere on Earth today: the sweep's first step (median of 3)
    first sweep the whole sweep: ledger claims, one DM per manager (the emulator, no rate
                limits), sent marks
    quiet sweep the next sweep straight after, which finds everything settled and sends
                nothing: what runs every weekday

with the SQL statements each issued, the peak memory Python allocated while finding what
is due (tracemalloc, a separate run) and the time per 1,000 pairings, so growth shows.

    python benchmarks/cadence_sweep.py [--pairings 1000 10000 100000]
        [--postgres postgresql://postgres@127.0.0.1:5432/test] [--no-sweep-above 10000]
"""

from __future__ import annotations

import argparse
import math
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import event, insert, select, text
from sqlalchemy.engine import Engine
from support import emulated_settings, median, note, print_table, unpaced_services

from bot.flows.cadence_sweep import _possibly_overdue, run_cadence_sweep
from bot.services import Services
from slack_emulator import SlackEmulator
from storage.db import session_scope
from storage.migrate import upgrade
from storage.models import OneOnOne, Pairing, SlackUser, Workspace
from storage.pairings import pairing_rows
from storage.schemas import private_schema

TEAM = "T0COACH"
REPS_PER_MANAGER = 10
NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)  # a Monday afternoon
ZONES = ("America/Chicago", "Europe/London", "Asia/Kolkata", "America/Los_Angeles")


def manager_of(index: int) -> str:
    return f"UMGR{index // REPS_PER_MANAGER:07d}"


def rep_of(index: int) -> str:
    return f"UREP{index:07d}"


def seed(engine: Engine, pairings: int) -> None:
    """Bulk rows straight into the tables (seeding is not what is measured). PostgreSQL
    then gathers statistics, as autovacuum does in a database that has been in service:
    without them its planner joins the last 1:1s with a nested loop, quadratic in N."""
    today = NOW.date()
    managers = math.ceil(pairings / REPS_PER_MANAGER)
    with engine.begin() as connection:
        connection.execute(insert(Workspace), [{"team_id": TEAM, "created_at": NOW}])
        connection.execute(
            insert(Pairing),
            [
                {
                    "team_id": TEAM,
                    "manager_id": manager_of(i),
                    "rep_id": rep_of(i),
                    "cadence_days": (7, 14, 28)[i % 3],
                    "started_on": today - timedelta(days=120),
                    "created_at": NOW,
                }
                for i in range(pairings)
            ],
        )
        ids = connection.execute(select(Pairing.id).order_by(Pairing.id)).scalars().all()
        connection.execute(
            insert(OneOnOne),
            [
                {
                    "team_id": TEAM,
                    "pairing_id": pairing_id,
                    "held_on": today - timedelta(days=days_ago),
                    "logged_by": manager_of(i),
                    "created_at": NOW,
                }
                for i, pairing_id in enumerate(ids)
                for days_ago in (1 + i % 37, 40 + i % 37)
            ],
        )
        people = [rep_of(i) for i in range(pairings)] + [
            manager_of(m * REPS_PER_MANAGER) for m in range(managers)
        ]
        connection.execute(
            insert(SlackUser),
            [
                {
                    "team_id": TEAM,
                    "user_id": user_id,
                    "display_name": user_id.lower(),
                    # Managers are nudged at their own 09:00: NOW is 09:00 in Chicago.
                    "timezone": ZONES[n % len(ZONES)] if n < pairings else "America/Chicago",
                    "is_out": False,
                    "is_deleted": False,
                    "is_bot": False,
                    "fetched_at": NOW,
                }
                for n, user_id in enumerate(people)
            ],
        )
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("ANALYZE"))


class StatementCounter:
    def __init__(self, engine: Engine) -> None:
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._count)

    def _count(self, *_: Any) -> None:
        self.count += 1

    @contextmanager
    def counting(self) -> Iterator[list[int]]:
        start, seen = self.count, [0]
        try:
            yield seen
        finally:
            seen[0] = self.count - start


@dataclass
class SweepRow:
    engine: str
    pairings: int
    due: int
    find_seconds: float
    find_statements: int
    find_peak_mib: float
    sweep_seconds: float | None
    sweep_statements: int | None
    sweep_summary: str
    quiet_seconds: float | None
    quiet_statements: int | None


def _find_due(services: Services) -> int:
    with session_scope(services.engine) as session:
        rows = pairing_rows(session=session, team_id=TEAM)
    return len(_possibly_overdue(rows, services.clock.now()))


def _timed(action: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def run_one(pairings: int, postgres: str | None, *, sweep: bool) -> SweepRow:
    with ExitStack() as stack:
        workdir = stack.enter_context(tempfile.TemporaryDirectory())
        url = (
            stack.enter_context(private_schema(postgres, prefix="coach_bench"))
            if postgres
            else None
        )
        url = url or f"sqlite:///{workdir}/bench.db"
        slack = stack.enter_context(SlackEmulator())
        for i in range(0, pairings, REPS_PER_MANAGER):  # only asked about if the cache misses
            slack.workspace.add_user(manager_of(i), manager_of(i).lower(), tz="Europe/London")
        settings = emulated_settings(slack.token, slack.url, url)
        services = unpaced_services(settings, url, NOW)
        stack.callback(services.engine.dispose)
        upgrade(services.engine)
        seed(services.engine, pairings)
        counter = StatementCounter(services.engine)

        _find_due(services)  # warm: compiled statements, the connection, the page cache
        timings, due = [], 0
        for _ in range(3):
            with counter.counting() as statements:
                seconds, due = _timed(lambda: _find_due(services))
            timings.append(seconds)
        tracemalloc.start()
        tracemalloc.reset_peak()
        _find_due(services)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()

        sweep_seconds = quiet_seconds = None
        sweep_statements = quiet_statements = None
        summary = "not run at this size"
        if sweep:
            try:
                with counter.counting() as swept:
                    sweep_seconds, summary = _timed(lambda: run_cadence_sweep(services))
                with counter.counting() as quiet:
                    quiet_seconds, _ = _timed(lambda: run_cadence_sweep(services))
                sweep_statements, quiet_statements = swept[0], quiet[0]
            except Exception as error:  # a benchmark reports a failure rather than stopping
                reason = str(error).splitlines()[0].split(") ", 1)[-1]
                summary = f"**failed**: {type(error).__name__}: {reason[:100]}"
    return SweepRow(
        engine="PostgreSQL" if postgres else "SQLite",
        pairings=pairings,
        due=due,
        find_seconds=median(timings),
        find_statements=statements[0],
        find_peak_mib=peak,
        sweep_seconds=sweep_seconds,
        sweep_statements=sweep_statements,
        sweep_summary=summary,
        quiet_seconds=quiet_seconds,
        quiet_statements=quiet_statements,
    )


COLUMNS = [
    "database",
    "pairings",
    "due",
    "find due",
    "per 1k pairings",
    "statements",
    "peak MiB",
    "first sweep",
    "statements (per due pairing)",
    "quiet sweep",
    "statements",
]


def table_rows(rows: list[SweepRow]) -> list[list[object]]:
    out: list[list[object]] = []
    for row in rows:
        per_due = (
            f"{row.sweep_statements:,} ({row.sweep_statements / max(row.due, 1):.2f})"
            if row.sweep_statements is not None
            else "–"
        )
        out.append(
            [
                row.engine,
                f"{row.pairings:,}",
                f"{row.due:,}",
                f"{row.find_seconds:.3f} s",
                f"{row.find_seconds / row.pairings * 1000 * 1000:.1f} ms",
                row.find_statements,
                f"{row.find_peak_mib:.0f}",
                row.sweep_summary if row.sweep_seconds is None else f"{row.sweep_seconds:.1f} s",
                per_due,
                f"{row.quiet_seconds:.2f} s" if row.quiet_seconds is not None else "–",
                f"{row.quiet_statements:,}" if row.quiet_statements is not None else "–",
            ]
        )
    return out


def run(
    sizes: list[int], postgres: str | None, *, sweep_up_to: int, engines: tuple[str, ...]
) -> list[SweepRow]:
    rows = []
    for engine in engines:
        for pairings in sizes:
            url = postgres if engine == "PostgreSQL" else None
            if engine == "PostgreSQL" and not postgres:
                continue
            row = run_one(pairings, url, sweep=pairings <= sweep_up_to)
            note(f"  sweeps: {engine} {pairings:,} pairings done ({row.sweep_summary})")
            rows.append(row)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairings", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--postgres", help="also run on private schemas of this PostgreSQL")
    parser.add_argument(
        "--no-sweep-above", type=int, default=100_000, help="skip the full sweeps above this"
    )
    args = parser.parse_args()
    rows = run(
        args.pairings,
        args.postgres,
        sweep_up_to=args.no_sweep_above,
        engines=("SQLite", "PostgreSQL"),
    )
    print_table("Cadence sweep at scale", COLUMNS, table_rows(rows))


if __name__ == "__main__":
    main()

"""Sweeps at Slack's latency: one big workspace, and a thousand small ones on one clock.

The emulator (a process of its own) answers every call after ``--latency`` (150 ms, what
Slack's calls typically take) and enforces Slack's limits per workspace: 429 + Retry-After
past one post a second per channel, past ``POST_MESSAGE_PER_MINUTE`` posts a minute in a
workspace (Slack publishes no workspace figure; Coach paces itself to the same), and past
each other method's tier. Every manager's reps are overdue, the people cache is warm, and
each run is a fresh SQLite file (or a private PostgreSQL schema with ``--postgres``).

    one workspace       1,000 managers, one nudge DM each, in one workspace. The floor is
                        the least time the workspace's budget allows, whatever the
                        latency: 600 posts at once, the other 400 a minute after the first
                        (60 s). "sequential" is the sweep as it was (one post at a time,
                        COACH_SWEEP_SENDS=1); "fan-out" is Coach's defaults.
    many workspaces     1,000 workspaces × 10 managers (10,000 DMs), each with its own
                        token, on one clock process with Coach's defaults. "sequential"
                        (one workspace, one post at a time) is measured on ``--sample``
                        workspaces and scaled to 1,000: it grows linearly, and the whole
                        would take about half an hour.

Counted from the emulator: every 429 it answered, the most posts one workspace had
accepted in any minute, and the most posts one workspace had in flight at once.

    python benchmarks/many_workspaces.py [--latency 150ms] [--quick] [--postgres URL]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from support import SlackProcess, note, print_table

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests.support, from here

from bot.clock import SandboxClock
from bot.flows.sweeps import run_sweep
from bot.services import Services
from bot.settings import Settings, load_settings
from bot.slack_client import POST_MESSAGE_CHANNEL_INTERVAL, POST_MESSAGE_PER_MINUTE
from bot.wiring import build_services
from storage.migrate import upgrade
from storage.schemas import private_schema
from tests.support.many_workspaces import fan_out_team_ids, seed_overdue, token_of
from tests.support.workspace_clients import TokenPerWorkspace

# A Monday, 15:00 in London: six hours after the managers' nudge hour, still their day.
NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
TZ = "Europe/London"


@dataclass
class Run:
    label: str
    workspaces: int
    dms: int
    seconds: float
    sent: int
    stats: dict[str, int]
    summary: str


@contextmanager
def _database(postgres: str | None) -> Iterator[str]:
    if postgres:
        with private_schema(postgres, prefix="coach_fanout_bench") as url:
            yield url
        return
    with tempfile.TemporaryDirectory() as workdir:
        yield f"sqlite:///{workdir}/fanout.db"


def sweep(
    *,
    label: str,
    workspaces: int,
    managers: int,
    latency: str,
    postgres: str | None,
    sweep_workspaces: int | None = None,
    sweep_sends: int | None = None,
) -> Run:
    """One cadence sweep over ``workspaces`` × ``managers`` due nudges, timed."""
    with SlackProcess(latency=latency) as slack, _database(postgres) as url:
        teams = fan_out_team_ids(workspaces)
        slack.ask(f"workspaces {workspaces} {managers} 1 {TZ}")
        slack.ask(
            f"rate_limits {1 / POST_MESSAGE_CHANNEL_INTERVAL} {POST_MESSAGE_PER_MINUTE} tiers"
        )
        overrides: dict[str, object] = {}
        if sweep_workspaces is not None:
            overrides["coach_sweep_workspaces"] = sweep_workspaces
        if sweep_sends is not None:
            overrides["coach_sweep_sends"] = sweep_sends
        settings = load_settings(
            env_file=None,
            slack_bot_token=slack.token,
            slack_api_url=slack.url,
            database_url=url,
            openai_api_key=None,
            **overrides,
        )
        services = build_services(settings, clock=SandboxClock(start=NOW))
        try:
            upgrade(services.engine)
            seed_overdue(services.engine, teams, managers=managers, reps_per_manager=1, now=NOW)
            clients = TokenPerWorkspace(settings, {team: token_of(team) for team in teams})
            many: Services = dataclasses.replace(services, clients=clients)
            started = time.perf_counter()
            completed, summary = run_sweep(many, "cadence")
            seconds = time.perf_counter() - started
        finally:
            services.engine.dispose()
        stats = json.loads(slack.ask("stats"))
        sent = slack.count("chat.postMessage") - stats["429"]
    if not completed:
        raise SystemExit(f"{label}: the sweep did not complete: {summary}")
    note(f"  {label}: {seconds:.1f} s, {summary}, {stats}")
    return Run(label, workspaces, workspaces * managers, seconds, sent, stats, summary)


def floor_seconds(dms_per_workspace: int) -> float:
    """The least time one workspace's budget allows: a full budget at once, the next when
    the first posts are a minute old."""
    return 60.0 * ((dms_per_workspace - 1) // POST_MESSAGE_PER_MINUTE)


COLUMNS = [
    "scenario",
    "workspaces × DMs",
    "concurrency",
    "total time",
    "per DM",
    "against",
    "429s",
    "busiest minute (one workspace)",
    "most in flight (one workspace)",
    "sent",
]


def _row(run: Run, concurrency: str, against: str) -> list[object]:
    return [
        run.label,
        f"{run.workspaces:,} × {run.dms // run.workspaces:,}",
        concurrency,
        f"{run.seconds:.1f} s",
        f"{run.seconds / run.dms * 1000:.1f} ms",
        against,
        run.stats["429"],
        run.stats["busiest_minute"],
        run.stats["most_in_flight"],
        f"{run.sent:,}",
    ]


def run(
    *, latency: str = "150ms", quick: bool = False, postgres: str | None = None, sample: int = 50
) -> tuple[list[list[object]], list[list[object]]]:
    """(rows, targets) as the README shows them."""
    defaults = Settings.model_fields
    workers = defaults["coach_sweep_workspaces"].default
    sends = defaults["coach_sweep_sends"].default
    rows: list[list[object]] = []
    targets: list[list[object]] = []

    dms = 1_000
    floor = floor_seconds(dms)
    one = sweep(
        label="one workspace, fan-out",
        workspaces=1,
        managers=dms,
        latency=latency,
        postgres=postgres,
    )
    vs = one.seconds / floor if floor else float("nan")
    rows.append(_row(one, f"{sends} posts in flight", f"{vs:.3f}× the {floor:.0f} s floor"))
    if not quick:
        before = sweep(
            label="one workspace, sequential",
            workspaces=1,
            managers=dms,
            latency=latency,
            postgres=postgres,
            sweep_sends=1,
        )
        before_vs = before.seconds / floor
        rows.append(_row(before, "1", f"{before_vs:.3f}× the {floor:.0f} s floor"))
    targets.append(
        [
            f"{dms:,} DMs in one workspace within 1.15× the rate-limit floor ({latency} a call)",
            f"{vs:.3f}× ({one.seconds:.1f} s against {floor:.0f} s), 429s: {one.stats['429']}",
            _verdict(vs <= 1.15 and one.stats["429"] == 0),
        ]
    )

    count = 100 if quick else 1_000
    many = sweep(
        label="many workspaces, fan-out",
        workspaces=count,
        managers=10,
        latency=latency,
        postgres=postgres,
    )
    sampled = sweep(
        label=f"many workspaces, sequential ({sample} of them)",
        workspaces=sample,
        managers=10,
        latency=latency,
        postgres=postgres,
        sweep_workspaces=1,
        sweep_sends=1,
    )
    sequential = sampled.seconds / sample * count
    ratio = many.seconds / sequential
    rows.append(
        _row(many, f"{workers} workspaces × {sends} posts", f"1/{1 / ratio:.0f} of sequential")
    )
    rows.append(_row(sampled, "1", f"{sequential:,.0f} s scaled to {count:,}"))
    within = many.stats["busiest_minute"] <= POST_MESSAGE_PER_MINUTE
    targets.append(
        [
            f"{count:,} workspaces × 10 DMs under 1/20 of sequential, no workspace over its "
            "limits, no 429 storm",
            f"1/{1 / ratio:.0f} ({many.seconds:.1f} s against {sequential:,.0f} s), "
            f"429s: {many.stats['429']}, busiest minute {many.stats['busiest_minute']}",
            _verdict(ratio < 1 / 20 and within and many.stats["429"] == 0),
        ]
    )
    return rows, targets


def _verdict(met: bool) -> str:
    return "yes" if met else "**no**"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", default="150ms", help="each Slack call's delay")
    parser.add_argument(
        "--quick", action="store_true", help="no sequential one-workspace run, 100 workspaces"
    )
    parser.add_argument("--postgres", help="a PostgreSQL URL (a private schema per run)")
    parser.add_argument("--sample", type=int, default=50, help="workspaces swept sequentially")
    args = parser.parse_args()
    rows, targets = run(
        latency=args.latency, quick=args.quick, postgres=args.postgres, sample=args.sample
    )
    title = f"Sweeps at {args.latency} a call ({'PostgreSQL' if args.postgres else 'SQLite'})"
    print_table(title, COLUMNS, rows)
    print_table("Targets", ["target", "measured", "met"], targets)


if __name__ == "__main__":
    main()

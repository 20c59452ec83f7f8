"""Fan-out under Slack's rate limits: 10,000 due nudges against an emulator enforcing them.

The emulator answers chat.postMessage with 429 + Retry-After past one post a second to a
channel and past a per-minute budget for the whole workspace (Slack publishes no figure
for it; the emulator enforces the same ``POST_MESSAGE_PER_MINUTE`` Coach paces itself to).
10,000 overdue pairings, 10 reps per manager, make 1,000 nudge DMs (one per manager, as
the product sends them). Scenarios, each on a fresh SQLite database with a warm people
cache:

    paced               Coach's own client: the sweep paces its posts (bot/slack_client.py)
    unpaced             a plain WebClient whose only defence is slack_sdk's 429 retry
                        handler (what Coach had before pacing)
    two clocks, paced   two sweeps at once, each with its own pacer, splitting the work
                        through the ledger: together they overspend the budget, Slack's
                        429s tell them, and both wait out the Retry-After
    one channel         20 posts to one channel through ``deliver()``, paced and unpaced:
                        the one-a-second rule

The floor is the least time the limits allow: a full budget at once, the next when the
first posts are a minute old, so 60 × (⌈posts / budget⌉ − 1) seconds; for one channel,
(posts − 1) seconds.

    python benchmarks/fan_out.py [--nudges 10000] [--runs 3] [--quick]
"""

from __future__ import annotations

import argparse
import math
import tempfile
import threading
import time
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from sqlalchemy import insert
from sqlalchemy.engine import Engine
from support import SlackProcess, emulated_settings, median, note, print_table

from bot.clock import SandboxClock
from bot.flows.cadence_sweep import run_cadence_sweep
from bot.flows.delivery import deliver
from bot.reframer import build_reframer
from bot.services import Services
from bot.settings import Settings
from bot.slack_client import (
    POST_MESSAGE_CHANNEL_INTERVAL,
    POST_MESSAGE_PER_MINUTE,
    SLACK_API_URL,
    build_slack_client,
)
from storage.db import make_engine
from storage.migrate import upgrade
from storage.models import Pairing, SlackUser, Workspace

TEAM = "T0COACH"
REPS_PER_MANAGER = 10
NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
ONE_CHANNEL_POSTS = 20


def floor_seconds(posts: int, per_minute: int) -> float:
    return 60.0 * (math.ceil(posts / per_minute) - 1)


def seed(engine: Engine, nudges: int, reps_per_manager: int) -> list[str]:
    """Every pairing overdue (started 10 days ago on a weekly cadence, no 1:1 yet)."""
    started = NOW.date() - timedelta(days=10)
    managers = [f"UFANM{m:06d}" for m in range(math.ceil(nudges / reps_per_manager))]
    with engine.begin() as connection:
        connection.execute(insert(Workspace), [{"team_id": TEAM, "created_at": NOW}])
        connection.execute(
            insert(Pairing),
            [
                {
                    "team_id": TEAM,
                    "manager_id": managers[i // reps_per_manager],
                    "rep_id": f"UFANR{i:06d}",
                    "cadence_days": 7,
                    "started_on": started,
                    "created_at": NOW,
                }
                for i in range(nudges)
            ],
        )
        people = managers + [f"UFANR{i:06d}" for i in range(nudges)]
        connection.execute(
            insert(SlackUser),
            [
                {
                    "team_id": TEAM,
                    "user_id": user_id,
                    "timezone": "Europe/London",
                    "is_out": False,
                    "is_deleted": False,
                    "is_bot": False,
                    "fetched_at": NOW,
                }
                for user_id in people
            ],
        )
    return managers


def unpaced_client(settings: Settings) -> WebClient:
    """The client Coach had before pacing: slack_sdk waits out each 429 it is given."""
    client = WebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url or SLACK_API_URL,
        timeout=10,
    )
    client.retry_handlers.extend(
        [RateLimitErrorRetryHandler(max_retry_count=3), ServerErrorRetryHandler(max_retry_count=2)]
    )
    return client


@dataclass
class Outcome:
    seconds: float
    posts: int
    sent: int
    refused: int  # 429s the emulator answered
    summary: str


def _services(settings: Settings, engine: Engine, client: WebClient) -> Services:
    return Services(
        settings=settings,
        engine=engine,
        clock=SandboxClock(start=NOW),
        slack=client,
        reframer=build_reframer(settings),
    )


def _enforce_limits(slack: SlackProcess) -> None:
    slack.ask(f"rate_limits {1 / POST_MESSAGE_CHANNEL_INTERVAL} {POST_MESSAGE_PER_MINUTE}")


def run_sweep(
    nudges: int, *, paced: bool, clocks: int = 1, reps_per_manager: int = REPS_PER_MANAGER
) -> Outcome:
    with ExitStack() as stack:
        workdir = stack.enter_context(tempfile.TemporaryDirectory())
        slack = stack.enter_context(SlackProcess())
        url = f"sqlite:///{workdir}/fan_out.db"
        settings = emulated_settings(slack.token, slack.url, url)
        engine = make_engine(url)
        stack.callback(engine.dispose)
        upgrade(engine)
        managers = seed(engine, nudges, reps_per_manager)
        slack.ask(f"users UFANM 0 {len(managers)} Europe/London")
        _enforce_limits(slack)
        make_client = build_slack_client if paced else unpaced_client
        sweeps = [_services(settings, engine, make_client(settings)) for _ in range(clocks)]
        summaries: list[str] = []
        started = time.perf_counter()
        threads = [
            threading.Thread(target=lambda s=s: summaries.append(run_cadence_sweep(s)))
            for s in sweeps
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        seconds = time.perf_counter() - started
        posts, refused = slack.count("chat.postMessage"), slack.count("429")
    return Outcome(seconds, posts, posts - refused, refused, "; ".join(summaries))


def run_one_channel(*, paced: bool) -> Outcome:
    with SlackProcess() as slack:
        settings = emulated_settings(slack.token, slack.url, "sqlite://")
        slack.ask("channel C0LEADS sales-leads")
        _enforce_limits(slack)
        client = build_slack_client(settings) if paced else unpaced_client(settings)
        services = _services(settings, make_engine("sqlite://"), client)
        started = time.perf_counter()
        sent = 0
        for n in range(ONE_CHANNEL_POSTS):
            sent += deliver(services, [], team_id=TEAM, channel="C0LEADS", text=f"digest {n}").sent
        seconds = time.perf_counter() - started
        refused = slack.count("429")
    return Outcome(seconds, ONE_CHANNEL_POSTS, sent, refused, f"{sent} posted")


COLUMNS = [
    "scenario",
    "DMs (nudges)",
    "floor",
    "total time",
    "vs floor",
    "429s seen",
    "sent",
    "runs",
]


def run(*, nudges: int = 10_000, runs: int = 3, quick: bool = False) -> list[list[object]]:
    dms = math.ceil(nudges / REPS_PER_MANAGER)
    floor = floor_seconds(dms, POST_MESSAGE_PER_MINUTE)
    rows: list[list[object]] = []

    def row(name: str, outcomes: list[Outcome], floor: float, what: str) -> None:
        seconds = median([o.seconds for o in outcomes])
        rows.append(
            [
                name,
                what,
                f"{floor:.0f} s",
                f"{seconds:.1f} s",
                f"{seconds / floor:.3f}×" if floor else "–",
                " / ".join(str(o.refused) for o in outcomes),
                " / ".join(f"{o.sent:,}" for o in outcomes),
                len(outcomes),
            ]
        )
        note(f"  fan-out: {name}: {seconds:.1f} s, {outcomes[-1].summary}")

    what = f"{dms:,} ({nudges:,})"
    row("sweep, paced", [run_sweep(nudges, paced=True) for _ in range(runs)], floor, what)
    if not quick:
        unpaced = [run_sweep(nudges, paced=False)]
        row("sweep, unpaced (slack_sdk retries only)", unpaced, floor, what)
        row("two clocks at once, paced", [run_sweep(nudges, paced=True, clocks=2)], floor, what)
    one_floor = (ONE_CHANNEL_POSTS - 1) * POST_MESSAGE_CHANNEL_INTERVAL
    posts = f"{ONE_CHANNEL_POSTS} to one channel"
    row("one channel, paced", [run_one_channel(paced=True)], one_floor, posts)
    if not quick:
        row("one channel, unpaced", [run_one_channel(paced=False)], one_floor, posts)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nudges", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="one paced run of each, no baselines")
    args = parser.parse_args()
    rows = run(nudges=args.nudges, runs=1 if args.quick else args.runs, quick=args.quick)
    print_table(
        f"Fan-out at {POST_MESSAGE_PER_MINUTE} posts/min and 1 post/s per channel", COLUMNS, rows
    )


if __name__ == "__main__":
    main()

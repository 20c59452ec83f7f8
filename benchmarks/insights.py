"""``/coach insights`` for a big tree: the answer after the ack, on SQLite and PostgreSQL.

Seeds a director above 10 regional managers, each above 20 front-line managers with 10 reps
each (210 managers, 2,000 reps): 16 weeks of weekly or biweekly 1:1s (one in five missed),
a focus goal for half the reps with weekly check-ins (sent through the ledger, most
answered), a field day a month for a third of them, and a few reframes a week per manager.
Then it times what runs after the ack: loading the whole tree, computing every figure and
building the Block Kit answer (the listener's ``handle_insights``), and counts the SQL
statements it issued, at two sizes so any growth in the count would show.

    python benchmarks/insights.py [--postgres postgresql://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from contextlib import ExitStack
from datetime import UTC, date, datetime, timedelta

from cadence_sweep import StatementCounter
from sqlalchemy import insert, select, text
from sqlalchemy.engine import Engine
from sqlmodel import col
from support import emulated_settings, median, note, print_table, unpaced_services

from bot.domain import command_grammar as grammar
from bot.listeners.commands.context import CommandContext
from bot.listeners.commands.insights import handle_insights
from slack_emulator import SlackEmulator
from storage.migrate import upgrade
from storage.models import (
    CheckIn,
    FieldDay,
    Goal,
    OneOnOne,
    Pairing,
    ReframeEvent,
    SentMessage,
    SlackUser,
    Workspace,
)
from storage.schemas import private_schema

TEAM = "T0COACH"
DIRECTOR = "UDIRECTOR"
NOW = datetime(2026, 12, 7, 17, 0, tzinfo=UTC)  # Monday 09:00 in Los Angeles
WEEKS = 16


def _tree(regions: int, per_region: int, reps: int) -> list[tuple[str, str, int]]:
    """(manager, rep, cadence days) for the whole org chart."""
    edges: list[tuple[str, str, int]] = []
    for r in range(regions):
        region = f"UREG{r:04d}"
        edges.append((DIRECTOR, region, 14))
        for m in range(per_region):
            manager = f"UMGR{r:02d}{m:03d}"
            edges.append((region, manager, 14))
            edges.extend(
                (manager, f"UREP{r:02d}{m:03d}{n:02d}", 7 + 7 * (n % 2)) for n in range(reps)
            )
    return edges


def seed(engine: Engine, edges: list[tuple[str, str, int]]) -> None:
    today = NOW.date()
    start = today - timedelta(weeks=WEEKS)
    with engine.begin() as connection:
        connection.execute(insert(Workspace), [{"team_id": TEAM, "created_at": NOW}])
        connection.execute(
            insert(Pairing),
            [
                {
                    "team_id": TEAM,
                    "manager_id": manager,
                    "rep_id": rep,
                    "cadence_days": cadence,
                    "started_on": start,
                    "created_at": datetime.combine(start, datetime.min.time(), tzinfo=UTC),
                    "accepted_at": NOW,
                }
                for manager, rep, cadence in edges
            ],
        )
        pairings = connection.execute(
            select(
                col(Pairing.id),
                col(Pairing.manager_id),
                col(Pairing.rep_id),
                col(Pairing.cadence_days),
            )
        ).all()
        held: list[dict[str, object]] = []
        field_days: list[dict[str, object]] = []
        goals: list[dict[str, object]] = []
        for n, (pairing_key, manager, rep, cadence) in enumerate(pairings):
            pairing_id = int(pairing_key or 0)
            day = start + timedelta(days=cadence)
            k = 0
            while day < today:
                if (n + k) % 5:  # one in five missed
                    held.append(_row(pairing_id=pairing_id, held_on=day, logged_by=manager))
                day += timedelta(days=cadence)
                k += 1
            if rep.startswith("UREP") and n % 3 == 0:
                field_days.extend(
                    _row(
                        pairing_id=pairing_id, held_on=start + timedelta(weeks=w), logged_by=manager
                    )
                    for w in range(2, WEEKS, 4)
                )
            if rep.startswith("UREP") and n % 2 == 0:
                goals.append(
                    {
                        "team_id": TEAM,
                        "rep_id": rep,
                        "competency": "discovery",
                        "behaviour": "words the leader must never see",
                        "status": "active",
                        "created_at": NOW - timedelta(weeks=WEEKS),
                    }
                )
        connection.execute(insert(OneOnOne), held)
        connection.execute(insert(FieldDay), field_days)
        connection.execute(insert(Goal), goals)
        goal_rows = connection.execute(select(col(Goal.id), col(Goal.rep_id))).all()
        sends, answers = [], []
        for goal_key, rep in goal_rows:
            goal_id = int(goal_key or 0)
            for w in range(1, WEEKS):
                sent_at = NOW - timedelta(weeks=w, days=5)
                sends.append(
                    {
                        "team_id": TEAM,
                        "kind": "checkin",
                        "subject": f"goal:{goal_id}",
                        "period": f"w{w}",
                        "status": "sent",
                        "attempts": 1,
                        "claimed_at": sent_at,
                        "sent_at": sent_at,
                    }
                )
                if (goal_id + w) % 4:
                    answers.append(
                        {
                            "team_id": TEAM,
                            "goal_id": goal_id,
                            "rep_id": rep,
                            "status": "on_track",
                            "note": "more words the leader must never see",
                            "created_at": sent_at + timedelta(hours=3),
                        }
                    )
        connection.execute(insert(SentMessage), sends)
        connection.execute(insert(CheckIn), answers)
        managers = sorted({manager for manager, _, _ in edges})
        connection.execute(
            insert(ReframeEvent),
            [
                {
                    "team_id": TEAM,
                    "manager_id": manager,
                    "ref": f"{m:05d}{w:03d}",
                    "reframed_on": today - timedelta(days=3 + 7 * w),
                    "asked_on": today if (m + w) % 3 else None,
                    "created_at": NOW,
                }
                for m, manager in enumerate(managers)
                for w in range(WEEKS)
            ],
        )
        connection.execute(
            insert(SlackUser),
            [
                {
                    "team_id": TEAM,
                    "user_id": DIRECTOR,
                    "display_name": "jordan",
                    "timezone": "America/Los_Angeles",
                    "is_out": False,
                    "is_deleted": False,
                    "is_bot": False,
                    "fetched_at": NOW,
                }
            ],
        )
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("ANALYZE"))


def _row(*, pairing_id: int, held_on: date, logged_by: str) -> dict[str, object]:
    return {
        "team_id": TEAM,
        "pairing_id": pairing_id,
        "held_on": held_on,
        "logged_by": logged_by,
        "created_at": NOW,
    }


def run_one(postgres: str | None, regions: int, per_region: int, reps: int) -> list[object]:
    with ExitStack() as stack:
        workdir = stack.enter_context(tempfile.TemporaryDirectory())
        url = (
            stack.enter_context(private_schema(postgres, prefix="coach_bench_insights"))
            if postgres
            else f"sqlite:///{workdir}/bench.db"
        )
        slack = stack.enter_context(SlackEmulator())
        slack.workspace.add_user(DIRECTOR, "jordan", tz="America/Los_Angeles")
        settings = emulated_settings(slack.token, slack.url, url)
        services = unpaced_services(settings, url, NOW)
        stack.callback(services.engine.dispose)
        upgrade(services.engine)
        edges = _tree(regions, per_region, reps)
        seed(services.engine, edges)
        counter = StatementCounter(services.engine)
        ctx = CommandContext(team_id=TEAM, user_id=DIRECTOR, trigger_id="")
        request = grammar.Insights(manager_id=None)
        handle_insights(services, ctx, request)  # warm: compiled statements, the page cache
        timings, statements, blocks = [], 0, 0
        for _ in range(5):
            with counter.counting() as seen:
                started = time.perf_counter()
                notice = handle_insights(services, ctx, request)
                timings.append(time.perf_counter() - started)
            statements, blocks = seen[0], len(notice.blocks)
        assert "words the leader must never see" not in str(notice.blocks)
        managers = regions + regions * per_region
        return [
            "PostgreSQL" if postgres else "SQLite",
            f"{managers:,}",
            f"{regions * per_region * reps:,}",
            f"{median(timings) * 1000:.0f} ms",
            f"{max(timings) * 1000:.0f} ms",
            statements,
            blocks,
        ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", help="also run on a private schema of this PostgreSQL")
    args = parser.parse_args()
    rows = []
    for postgres in [None, args.postgres] if args.postgres else [None]:
        for regions, per_region in ((2, 10), (10, 20)):
            rows.append(run_one(postgres, regions, per_region, 10))
            note(f"  insights: {rows[-1][0]} {rows[-1][1]} managers done")
    print_table(
        "/coach insights after the ack (load the tree, every figure, the blocks)",
        ["database", "managers", "reps", "median of 5", "slowest", "statements", "blocks"],
        rows,
    )


if __name__ == "__main__":
    main()

"""Many workspaces with overdue 1:1s, for the fan-out tests and benchmark: the same people
in Coach's database (pairings, a warm people cache) and in an emulator workspace each."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import insert
from sqlalchemy.engine import Engine

from slack_emulator import Workspace as SlackWorkspace
from storage.models import Pairing, SlackUser, Workspace


def fan_out_team_ids(count: int) -> list[str]:
    """The benchmark's workspaces, the same in its database and its emulator process."""
    return [f"T0FAN{n:05d}" for n in range(count)]


def token_of(team_id: str) -> str:
    return f"xoxb-{team_id.lower()}"


def manager_ids(managers: int) -> list[str]:
    return [f"UMGR{m:06d}" for m in range(managers)]


def rep_ids(manager: int, reps_per_manager: int) -> list[str]:
    return [f"UREP{manager:04d}{r:02d}" for r in range(reps_per_manager)]


def seed_overdue(
    engine: Engine,
    team_ids: Sequence[str],
    *,
    managers: int,
    reps_per_manager: int,
    now: datetime,
    tz: str = "Europe/London",
) -> None:
    """In every workspace, each manager's reps all overdue (weekly, started 10 days ago, no
    1:1 yet) and everyone cached as just looked up in ``tz``: one nudge per manager due."""
    started = now.date() - timedelta(days=10)
    workspaces, pairings, people = [], [], []
    for team_id in team_ids:
        workspaces.append({"team_id": team_id, "created_at": now})
        for m, manager in enumerate(manager_ids(managers)):
            reps = rep_ids(m, reps_per_manager)
            pairings += [
                {
                    "team_id": team_id,
                    "manager_id": manager,
                    "rep_id": rep,
                    "cadence_days": 7,
                    "started_on": started,
                    "created_at": now,
                }
                for rep in reps
            ]
            people += [
                {
                    "team_id": team_id,
                    "user_id": user_id,
                    "timezone": tz,
                    "is_out": False,
                    "is_deleted": False,
                    "is_bot": False,
                    "fetched_at": now,
                }
                for user_id in (manager, *reps)
            ]
    with engine.begin() as connection:
        connection.execute(insert(Workspace), workspaces)
        connection.execute(insert(Pairing), pairings)
        connection.execute(insert(SlackUser), people)


def emulated_workspace(
    team_id: str,
    *,
    managers: int,
    reps_per_manager: int,
    tz: str = "Europe/London",
    make: Callable[..., SlackWorkspace] = SlackWorkspace,
) -> SlackWorkspace:
    """The emulator's side of one seeded workspace, answering to ``token_of(team_id)``
    (``make`` builds it: a Workspace, or a subclass such as the benchmark's counting one)."""
    workspace = make(
        team_id, f"Team {team_id}", bot_token=token_of(team_id), app_token=f"xapp-{team_id}"
    )
    for m, manager in enumerate(manager_ids(managers)):
        workspace.add_user(manager, manager.lower(), tz=tz)
        for rep in rep_ids(m, reps_per_manager):
            workspace.add_user(rep, rep.lower(), tz=tz)
    return workspace

"""How a sweep spreads its work: workspaces side by side, and a few posts in flight in each.

Slack counts its limits per app per workspace (and per method), so workspaces do not
slow each other: a sweep runs up to ``COACH_SWEEP_WORKSPACES`` of them at once, each
through its own client (``Services.slack_for``: its token, its pacer). Within a
workspace, a post waits on Slack's latency (100–300 ms) far longer than on Coach, so up
to ``COACH_SWEEP_SENDS`` posts are in flight at once; the workspace's pacer
(``bot/slack_client.py``) still keeps them all inside the workspace's budget and waits out
a 429 for all of them together.

Threads, not asyncio: the app is built on slack_sdk's synchronous WebClient and
SQLAlchemy sessions, shared with Bolt's listeners; what a sweep waits for is the network
and the database, which release the GIL. An asyncio sweep would need an async client, an
async engine and a second copy of every flow it calls.

What is in flight bounds what a ``kill -9`` can repeat: a claim is committed before its
post and the sent mark after it, so a process killed between the two leaves at most the
posts in flight unmarked, ``COACH_SWEEP_SENDS`` per workspace and
``COACH_SWEEP_WORKSPACES × COACH_SWEEP_SENDS`` in all; the next sweep looks for each in
Slack before sending it again (``delivery.unsettled``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, as_completed, wait
from dataclasses import dataclass, field
from functools import partial
from typing import Generic, TypeVar

from bot.flows.delivery import SweepAborted
from bot.logs import ContextCarryingExecutor
from bot.services import Services
from storage.db import session_scope
from storage.workspaces import list_team_ids

logger = logging.getLogger(__name__)

T = TypeVar("T")
Item = TypeVar("Item")


class WorkspacesRefused(SweepAborted):
    """Slack refused the token of some workspaces; the others were swept."""

    def __init__(self, summary: str, refused: dict[str, str]) -> None:
        super().__init__(summary)
        self.summary = summary
        self.refused = refused


@dataclass
class Swept(Generic[T]):
    """What each workspace's sweep returned, and the workspaces whose token was refused."""

    results: list[T] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)  # team id → Slack's error

    def summary(self, text: str) -> str:
        """``text``, or WorkspacesRefused carrying it when a workspace refused its token."""
        if self.refused:
            raise WorkspacesRefused(text, self.refused)
        return text


def workspace_ids(services: Services) -> list[str]:
    """The workspaces to sweep: every installation, or (one bot token) every team stored."""
    if services.clients is not None:
        return services.clients.team_ids()
    with session_scope(services.engine) as session:
        return list_team_ids(session=session)


def for_each_workspace(services: Services, sweep_team: Callable[[str], T]) -> Swept[T]:
    """``sweep_team(team_id)`` for every workspace, up to COACH_SWEEP_WORKSPACES at once.

    A workspace whose token Slack refuses stops alone, said once in the log. With a single
    bot token every workspace shares it, so the first refusal stops the whole sweep (the
    workspaces already running finish) and raises SweepAborted, as one workspace would.
    """
    team_ids = workspace_ids(services)
    swept: Swept[T] = Swept()
    if not team_ids:
        return swept
    workers = min(services.settings.coach_sweep_workspaces, len(team_ids))
    if workers == 1:
        for team_id in team_ids:
            _collect(services, swept, team_id, partial(sweep_team, team_id))
        return swept
    with ContextCarryingExecutor(max_workers=workers, thread_name_prefix="coach-sweep") as pool:
        futures: dict[Future[T], str] = {pool.submit(sweep_team, t): t for t in team_ids}
        try:
            for future in as_completed(futures):
                _collect(services, swept, futures[future], future.result)
        except BaseException:  # stop as a sequential sweep would: start no other workspace
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    return swept


def _collect(services: Services, swept: Swept[T], team_id: str, result: Callable[[], T]) -> None:
    try:
        swept.results.append(result())
    except SweepAborted as refused:
        if services.clients is None:
            raise  # one token for every team: nothing else can succeed either
        logger.error(
            "workspace %s: Slack refused its token (%s); its sweep stopped", team_id, refused
        )
        swept.refused[team_id] = str(refused)


def send_each(services: Services, items: Iterable[Item], send: Callable[[Item], T]) -> list[T]:
    """``send(item)`` for each item, at most COACH_SWEEP_SENDS at a time, in one workspace.

    ``items`` is read only as slots free up, so a generator that claims just ahead of
    sending (``delivery.claim_as_sent``) never runs further ahead than that. A refused
    token (SweepAborted) stops it: nothing more starts, the posts in flight finish (each
    records its own outcome), and the error is raised.
    """
    limit = services.settings.coach_sweep_sends
    if limit == 1:
        return [send(item) for item in items]
    results: list[T] = []
    # Leaving the block waits for every post still in flight, an error or not.
    with ContextCarryingExecutor(max_workers=limit, thread_name_prefix="coach-send") as pool:
        in_flight: set[Future[T]] = set()
        for item in items:
            if len(in_flight) >= limit:
                done, in_flight = wait(in_flight, return_when=FIRST_COMPLETED)
                results.extend(future.result() for future in done)
            in_flight.add(pool.submit(send, item))
        results.extend(future.result() for future in as_completed(in_flight))
    return results

"""What the weekly digest celebrates in a channel, and what each manager hears privately.

The channel hears only good news: the team's totals, thanks by name to every manager who
kept every 1:1, and the coaching streaks. Who is behind is told to that manager alone, in
their own summary. Nothing here names a manager next to a slipped 1:1 in public.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from bot.domain.cadence import CadenceState, CadenceSummary, Status, summarise_cadence


@dataclass(frozen=True)
class DigestEntry:
    """One pairing as the digest sees it: its manager, its standing, whether it has come
    due yet (``has_come_due``) and the rep, for the manager's private summary."""

    manager_id: str
    rep_id: str
    state: CadenceState
    tested: bool
    last_held_on: date | None = None


@dataclass(frozen=True)
class Celebration:
    """A channel's digest. ``just_started``: no 1:1 has come due yet, so the digest says the
    cadence has begun rather than thanking anyone for "3 of 3"; ``first_due`` is when."""

    summary: CadenceSummary
    thanked: tuple[str, ...]
    streaks: tuple[tuple[str, int], ...]  # (manager, weeks), longest first
    just_started: bool
    first_due: date | None


@dataclass(frozen=True)
class ManagerSummary:
    """One manager's private week: their totals, the reps to catch up with, the streak."""

    manager_id: str
    summary: CadenceSummary
    behind: tuple[DigestEntry, ...]  # most overdue first
    streak: int
    just_started: bool
    first_due: date | None


def celebrate(entries: Iterable[DigestEntry], streaks: dict[str, int]) -> Celebration:
    """Thank managers with every 1:1 on cadence: none behind, at least one pairing not
    paused and at least one that has come due. Streaks are listed for managers not behind
    now (a streak that an overdue 1:1 is about to end is not celebrated)."""
    items = list(entries)
    by_manager = _by_manager(items)
    thanked = tuple(
        manager
        for manager, own in sorted(by_manager.items())
        if not any(e.state.status is Status.OVERDUE for e in own)
        and any(e.state.status is not Status.PAUSED for e in own)
        and any(e.tested for e in own)
    )
    behind_now = {e.manager_id for e in items if e.state.status is Status.OVERDUE}
    listed = sorted(
        ((m, w) for m, w in streaks.items() if w > 0 and m in by_manager and m not in behind_now),
        key=lambda pair: (-pair[1], pair[0]),
    )
    started = not any(e.tested for e in items)
    return Celebration(
        summary=summarise_cadence(e.state for e in items),
        thanked=thanked,
        streaks=tuple(listed),
        just_started=started and bool(items),
        first_due=_first_due(items) if started else None,
    )


def summarise_manager(
    manager_id: str, entries: Iterable[DigestEntry], streak: int
) -> ManagerSummary:
    own = [e for e in entries if e.manager_id == manager_id]
    behind = sorted(
        (e for e in own if e.state.status is Status.OVERDUE),
        key=lambda e: (-e.state.days_overdue, e.rep_id),
    )
    started = bool(own) and not any(e.tested for e in own)
    return ManagerSummary(
        manager_id=manager_id,
        summary=summarise_cadence(e.state for e in own),
        behind=tuple(behind),
        streak=streak,
        just_started=started,
        first_due=_first_due(own) if started else None,
    )


def _by_manager(items: list[DigestEntry]) -> dict[str, list[DigestEntry]]:
    grouped: dict[str, list[DigestEntry]] = {}
    for entry in items:
        grouped.setdefault(entry.manager_id, []).append(entry)
    return grouped


def _first_due(items: list[DigestEntry]) -> date | None:
    due = [e.state.next_due for e in items if e.state.status is not Status.PAUSED]
    return min(due, default=None)

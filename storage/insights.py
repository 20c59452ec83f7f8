"""What a leader's insights are built from, for a whole tree in a fixed number of queries.

Every query selects counts' raw material only: dates, ids and statuses. A goal's words,
a check-in's note and feedback text are never selected here, so they cannot reach a
leader by mistake. ``IN`` lists are bounded (storage/batches.py): for up to 5,000
managers each kind of fact costs one statement.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from sqlalchemy import select as sa_select
from sqlalchemy import update
from sqlmodel import Session, col

from storage.batches import batched
from storage.models import (
    CheckIn,
    FieldDay,
    Goal,
    OneOnOne,
    Pairing,
    ReframeEvent,
    SentMessage,
)
from storage.pauses import PauseRow, team_pauses


@dataclass(frozen=True, slots=True)
class TreePairing:
    """An active pairing as the tree needs it."""

    id: int
    manager_id: str
    rep_id: str
    cadence_days: int
    started_on: date
    created_at: datetime
    accepted_at: datetime | None


@dataclass(frozen=True, slots=True)
class GoalDates:
    id: int
    rep_id: str
    status: str
    created_at: datetime
    closed_at: datetime | None


@dataclass
class TreeFacts:
    """The raw material of the figures, keyed for the flow to assemble per pairing."""

    held: dict[int, list[date]] = field(default_factory=lambda: defaultdict(list))
    field_days: dict[int, list[date]] = field(default_factory=lambda: defaultdict(list))
    pauses: dict[int, list[PauseRow]] = field(default_factory=dict)
    goals: dict[str, list[GoalDates]] = field(default_factory=lambda: defaultdict(list))
    # Per rep: when a check-in DM went out (goal id, instant) and when they answered.
    check_ins_sent: dict[str, list[tuple[int, datetime]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    check_ins_answered: dict[str, list[tuple[int, datetime]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    reframes: dict[str, list[tuple[date, bool]]] = field(default_factory=lambda: defaultdict(list))


def active_tree_pairings(*, session: Session, team_id: str) -> list[TreePairing]:
    """Every active pairing of the workspace: the org chart the tree is walked on (one query)."""
    statement = (
        sa_select(
            col(Pairing.id),
            col(Pairing.manager_id),
            col(Pairing.rep_id),
            col(Pairing.cadence_days),
            col(Pairing.started_on),
            col(Pairing.created_at),
            col(Pairing.accepted_at),
        )
        .where(col(Pairing.team_id) == team_id, col(Pairing.ended_at).is_(None))
        .order_by(col(Pairing.manager_id), col(Pairing.id))
    )
    return [
        TreePairing(int(id_ or 0), manager, rep, cadence, started, created, accepted)
        for id_, manager, rep, cadence, started, created, accepted in session.connection().execute(
            statement
        )
    ]


def tree_facts(
    *,
    session: Session,
    team_id: str,
    pairings: list[TreePairing],
    since: date,
    recent_since: date | None = None,
) -> TreeFacts:
    """The facts since ``since`` of the given pairings (those of the tree's managers), and
    only since ``recent_since`` (when given) for all but the 1:1s, which the streak reads
    further back:
    six statements whatever the tree's size (per 5,000 pairings or reps)."""
    facts = TreeFacts()
    recent = since if recent_since is None else max(since, recent_since)
    pairing_ids = [p.id for p in pairings]
    rep_ids = sorted({p.rep_id for p in pairings})
    manager_ids = sorted({p.manager_id for p in pairings})
    if not pairings:
        return facts
    for batch in batched(pairing_ids):
        for pairing_id, held_on in session.connection().execute(
            sa_select(col(OneOnOne.pairing_id), col(OneOnOne.held_on))
            .where(
                col(OneOnOne.team_id) == team_id,
                col(OneOnOne.pairing_id).in_(batch),
                col(OneOnOne.held_on) >= since,
            )
            .order_by(col(OneOnOne.held_on))
        ):
            facts.held[pairing_id].append(held_on)
        for pairing_id, held_on in session.connection().execute(
            sa_select(col(FieldDay.pairing_id), col(FieldDay.held_on))
            .where(
                col(FieldDay.team_id) == team_id,
                col(FieldDay.pairing_id).in_(batch),
                col(FieldDay.held_on) >= recent,
            )
            .order_by(col(FieldDay.held_on))
        ):
            facts.field_days[pairing_id].append(held_on)
    everyone = team_pauses(session=session, team_id=team_id)
    facts.pauses = {p.id: everyone.for_pairing(p.id, p.manager_id) for p in pairings}
    since_instant = datetime.combine(recent, time(), tzinfo=UTC)
    goal_rep: dict[int, str] = {}
    for reps in batched(rep_ids):
        for goal_id, rep_id, status, created_at, closed_at in session.connection().execute(
            sa_select(
                col(Goal.id),
                col(Goal.rep_id),
                col(Goal.status),
                col(Goal.created_at),
                col(Goal.closed_at),
            ).where(col(Goal.team_id) == team_id, col(Goal.rep_id).in_(reps))
        ):
            goal_rep[int(goal_id or 0)] = rep_id
            facts.goals[rep_id].append(
                GoalDates(int(goal_id or 0), rep_id, status, _aware(created_at), _aware(closed_at))
            )
        for goal_id, rep_id, created_at in session.connection().execute(
            sa_select(col(CheckIn.goal_id), col(CheckIn.rep_id), col(CheckIn.created_at)).where(
                col(CheckIn.team_id) == team_id,
                col(CheckIn.rep_id).in_(reps),
                col(CheckIn.created_at) >= since_instant,
            )
        ):
            facts.check_ins_answered[rep_id].append((int(goal_id), _aware(created_at)))
    subjects = [f"goal:{goal_id}" for goal_id in goal_rep]
    for subjects_batch in batched(subjects):
        for subject, sent_at in session.connection().execute(
            sa_select(col(SentMessage.subject), col(SentMessage.sent_at)).where(
                col(SentMessage.team_id) == team_id,
                col(SentMessage.kind) == "checkin",
                col(SentMessage.status) == "sent",
                col(SentMessage.subject).in_(subjects_batch),
                col(SentMessage.sent_at) >= since_instant,
            )
        ):
            goal_id = int(subject.removeprefix("goal:"))
            facts.check_ins_sent[goal_rep[goal_id]].append((goal_id, _aware(sent_at)))
    for managers_batch in batched(manager_ids):
        for manager_id, reframed_on, asked_on in session.connection().execute(
            sa_select(
                col(ReframeEvent.manager_id),
                col(ReframeEvent.reframed_on),
                col(ReframeEvent.asked_on),
            )
            .where(
                col(ReframeEvent.team_id) == team_id,
                col(ReframeEvent.manager_id).in_(managers_batch),
                col(ReframeEvent.reframed_on) >= recent,
            )
            .order_by(col(ReframeEvent.reframed_on))
        ):
            facts.reframes[manager_id].append((reframed_on, asked_on is not None))
    return facts


def _aware(value: datetime | None) -> datetime:
    """Raw column reads skip the ORM's UTC decorator on some drivers: make them aware."""
    if value is None:
        return datetime.min.replace(tzinfo=UTC)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def record_reframe(
    *, session: Session, team_id: str, manager_id: str, on: date, now: datetime
) -> str:
    """Count one reframe for the manager; the returned token rides on its buttons."""
    ref = secrets.token_hex(8)
    session.add(
        ReframeEvent(
            team_id=team_id, manager_id=manager_id, ref=ref, reframed_on=on, created_at=now
        )
    )
    return ref


def mark_asked(*, session: Session, team_id: str, manager_id: str, ref: str, on: date) -> bool:
    """The manager asked the reframe's questions (the first time counts); only their own."""
    result = session.execute(
        update(ReframeEvent)
        .where(
            col(ReframeEvent.team_id) == team_id,
            col(ReframeEvent.manager_id) == manager_id,
            col(ReframeEvent.ref) == ref,
            col(ReframeEvent.asked_on).is_(None),
        )
        .values(asked_on=on)
    )
    return bool(getattr(result, "rowcount", 0))


def record_field_day(
    *,
    session: Session,
    team_id: str,
    pairing_id: int,
    held_on: date,
    competency: str | None,
    logged_by: str,
    now: datetime,
) -> FieldDay:
    day = FieldDay(
        team_id=team_id,
        pairing_id=pairing_id,
        held_on=held_on,
        competency=competency,
        logged_by=logged_by,
        created_at=now,
    )
    session.add(day)
    return day


def field_days_for(
    *, session: Session, team_id: str, pairing_ids: list[int]
) -> dict[int, list[date]]:
    """Every field day of the pairings, oldest first (for the plan's suggestion)."""
    found: dict[int, list[date]] = {pairing_id: [] for pairing_id in pairing_ids}
    for batch in batched(pairing_ids):
        for pairing_id, held_on in session.connection().execute(
            sa_select(col(FieldDay.pairing_id), col(FieldDay.held_on))
            .where(col(FieldDay.team_id) == team_id, col(FieldDay.pairing_id).in_(batch))
            .order_by(col(FieldDay.held_on))
        ):
            found[pairing_id].append(held_on)
    return found

"""Focus goals and the check-ins on them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from storage.batches import batched
from storage.models import CheckIn, Goal, Pairing, SentMessage


def active_goal(*, session: Session, team_id: str, rep_id: str) -> Goal | None:
    statement = select(Goal).where(
        Goal.team_id == team_id, Goal.rep_id == rep_id, Goal.status == "active"
    )
    return session.exec(statement).first()


def goal_by_id(*, session: Session, team_id: str, goal_id: int) -> Goal | None:
    statement = select(Goal).where(Goal.team_id == team_id, Goal.id == goal_id)
    return session.exec(statement).first()


def start_goal(
    *,
    session: Session,
    team_id: str,
    rep_id: str,
    competency: str,
    behaviour: str,
    measure: str | None,
    target_date: date | None,
    now: datetime,
) -> Goal:
    """The rep's new focus; the active one (if any) is kept in history as replaced."""
    session.execute(
        update(Goal)
        .where(
            col(Goal.team_id) == team_id, col(Goal.rep_id) == rep_id, col(Goal.status) == "active"
        )
        .values(status="replaced", closed_at=now)
    )
    goal = Goal(
        team_id=team_id,
        rep_id=rep_id,
        competency=competency,
        behaviour=behaviour,
        measure=measure,
        target_date=target_date,
        status="active",
        created_at=now,
    )
    session.add(goal)
    session.flush()
    return goal


def update_goal(*, session: Session, goal: Goal, **changes: object) -> None:
    for name, value in changes.items():
        setattr(goal, name, value)
    session.add(goal)


def add_check_in(
    *, session: Session, goal: Goal, status: str, note: str | None, now: datetime
) -> CheckIn:
    check_in = CheckIn(
        team_id=goal.team_id,
        goal_id=goal.id or 0,
        rep_id=goal.rep_id,
        status=status,
        note=note,
        created_at=now,
    )
    session.add(check_in)
    return check_in


def goals_of(*, session: Session, team_id: str, rep_id: str, limit: int = 10) -> list[Goal]:
    statement = (
        select(Goal)
        .where(Goal.team_id == team_id, Goal.rep_id == rep_id)
        .order_by(col(Goal.created_at).desc(), col(Goal.id).desc())
        .limit(limit)
    )
    return list(session.exec(statement).all())


def check_ins_of(
    *,
    session: Session,
    team_id: str,
    rep_id: str,
    limit: int = 5,
    since: datetime | None = None,
) -> list[CheckIn]:
    """The rep's newest check-ins; ``since`` keeps only those written from that moment (a
    manager sees what was written within their own pairing, not for a previous manager)."""
    statement = select(CheckIn).where(CheckIn.team_id == team_id, CheckIn.rep_id == rep_id)
    if since is not None:
        statement = statement.where(CheckIn.created_at >= since)
    statement = statement.order_by(col(CheckIn.created_at).desc(), col(CheckIn.id).desc())
    return list(session.exec(statement.limit(limit)).all())


@dataclass(frozen=True)
class GoalRow:
    """An active goal with what the check-in sweep needs to decide, in one query."""

    goal: Goal
    rep_paused_until: date | None
    manager_id: str | None


def active_goal_rows(*, session: Session, team_id: str) -> list[GoalRow]:
    statement = (
        select(Goal, col(Pairing.paused_until), col(Pairing.manager_id))
        .outerjoin(
            Pairing,
            (col(Pairing.team_id) == Goal.team_id)
            & (col(Pairing.rep_id) == Goal.rep_id)
            & col(Pairing.ended_at).is_(None)
            # A manager the rep has not accepted is not told of (or named in) check-ins.
            & col(Pairing.accepted_at).is_not(None),
        )
        .where(Goal.team_id == team_id, Goal.status == "active")
        .order_by(col(Goal.id))
    )
    return [GoalRow(g, paused, manager) for g, paused, manager in session.exec(statement).all()]


def check_in_message_goal(
    *, session: Session, team_id: str, channel_id: str, message_ts: str
) -> int | None:
    """The goal a check-in DM (found by its channel and ts) asked about, if it was one."""
    statement = select(SentMessage.subject).where(
        SentMessage.team_id == team_id,
        SentMessage.kind == "checkin",
        SentMessage.channel_id == channel_id,
        SentMessage.message_ts == message_ts,
    )
    subject = session.exec(statement).first()
    if subject is None or not subject.startswith("goal:"):
        return None
    return int(subject.removeprefix("goal:"))


def active_goals_for(*, session: Session, team_id: str, rep_ids: list[str]) -> dict[str, Goal]:
    if not rep_ids:
        return {}
    found: dict[str, Goal] = {}
    for batch in batched(rep_ids):
        statement = select(Goal).where(
            Goal.team_id == team_id, col(Goal.rep_id).in_(batch), Goal.status == "active"
        )
        found.update((goal.rep_id, goal) for goal in session.exec(statement).all())
    return found


def latest_check_ins_for(
    *, session: Session, team_id: str, rep_ids: list[str]
) -> dict[str, CheckIn]:
    """Each rep's most recent check-in, in one query whatever the number of reps."""
    if not rep_ids:
        return {}
    found: dict[str, CheckIn] = {}
    for batch in batched(rep_ids):
        newest = (
            select(func.max(CheckIn.id))
            .where(CheckIn.team_id == team_id, col(CheckIn.rep_id).in_(batch))
            .group_by(col(CheckIn.rep_id))
        )
        statement = select(CheckIn).where(col(CheckIn.id).in_(newest))
        found.update((check_in.rep_id, check_in) for check_in in session.exec(statement).all())
    return found

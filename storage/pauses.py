"""Pause history: every ``/coach pause`` and every absence a sweep saw in a Slack status."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import or_, update
from sqlmodel import Session, col, select

from storage.models import Pairing, Pause


@dataclass(frozen=True, slots=True)
class PauseRow:
    """One pause as plain values: whose it is, and from when until when."""

    pairing_id: int | None
    manager_id: str | None
    starts_on: date
    ends_on: date | None
    source: str


@dataclass(frozen=True)
class TeamPauses:
    """A team's pauses, by pairing (a rep's) and by manager (their own leave)."""

    by_pairing: dict[int, list[PauseRow]]
    by_manager: dict[str, list[PauseRow]]

    def for_pairing(self, pairing_id: int, manager_id: str) -> list[PauseRow]:
        return [*self.by_pairing.get(pairing_id, []), *self.by_manager.get(manager_id, [])]


def team_pauses(*, session: Session, team_id: str, manager_id: str | None = None) -> TeamPauses:
    """Every pause of a team's active pairings and managers (or one manager's), one query."""
    statement = select(Pause).where(Pause.team_id == team_id).order_by(col(Pause.starts_on))
    if manager_id is not None:
        mine = select(Pairing.id).where(
            Pairing.team_id == team_id, Pairing.manager_id == manager_id
        )
        statement = statement.where(
            or_(col(Pause.manager_id) == manager_id, col(Pause.pairing_id).in_(mine))
        )
    by_pairing: dict[int, list[PauseRow]] = defaultdict(list)
    by_manager: dict[str, list[PauseRow]] = defaultdict(list)
    for pause in session.exec(statement).all():
        row = PauseRow(
            pause.pairing_id, pause.manager_id, pause.starts_on, pause.ends_on, pause.source
        )
        if pause.pairing_id is not None:
            by_pairing[pause.pairing_id].append(row)
        elif pause.manager_id is not None:
            by_manager[pause.manager_id].append(row)
    return TeamPauses(dict(by_pairing), dict(by_manager))


def record_pause(
    *,
    session: Session,
    team_id: str,
    starts_on: date,
    ends_on: date | None,
    now: datetime,
    pairing_id: int | None = None,
    manager_id: str | None = None,
    source: str = "command",
) -> None:
    if (pairing_id is None) == (manager_id is None):
        raise ValueError("a pause is a pairing's or a manager's, exactly one")
    session.add(
        Pause(
            team_id=team_id,
            pairing_id=pairing_id,
            manager_id=manager_id,
            starts_on=starts_on,
            ends_on=ends_on,
            source=source,
            created_at=now,
        )
    )


def end_pauses(
    *,
    session: Session,
    team_id: str,
    on: date,
    pairing_id: int | None = None,
    manager_id: str | None = None,
    source: str | None = None,
) -> int:
    """End every pause of the subject still running on ``on`` (a resume, or someone back
    from an absence): its end becomes ``on``, so the cadence restarts that day."""
    subject = (
        col(Pause.pairing_id) == pairing_id
        if pairing_id is not None
        else col(Pause.manager_id) == manager_id
    )
    statement = (
        update(Pause)
        .where(
            col(Pause.team_id) == team_id,
            subject,
            col(Pause.starts_on) <= on,
            or_(col(Pause.ends_on).is_(None), col(Pause.ends_on) > on),
        )
        .values(ends_on=on)
    )
    if source is not None:
        statement = statement.where(col(Pause.source) == source)
    return session.exec(statement).rowcount


def open_absences(*, session: Session, team_id: str) -> TeamPauses:
    """Absences seen in a status and not yet seen to end."""
    statement = select(Pause).where(
        Pause.team_id == team_id, Pause.source == "status", col(Pause.ends_on).is_(None)
    )
    by_pairing: dict[int, list[PauseRow]] = defaultdict(list)
    by_manager: dict[str, list[PauseRow]] = defaultdict(list)
    for pause in session.exec(statement).all():
        row = PauseRow(pause.pairing_id, pause.manager_id, pause.starts_on, None, pause.source)
        if pause.pairing_id is not None:
            by_pairing[pause.pairing_id].append(row)
        elif pause.manager_id is not None:
            by_manager[pause.manager_id].append(row)
    return TeamPauses(dict(by_pairing), dict(by_manager))

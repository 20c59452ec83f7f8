"""Processed Slack event ids: the memory that makes Slack's retries change nothing twice."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlmodel import Session, col, select

from storage.dialect import insert_for
from storage.models import ProcessedEvent


def claim_event(*, session: Session, team_id: str, event_id: str, now: datetime) -> bool:
    """Record the event id; False when some process recorded it first (a retry)."""
    statement = (
        insert_for(session, ProcessedEvent)
        .values(team_id=team_id, event_id=event_id, received_at=now)
        .on_conflict_do_nothing(index_elements=["team_id", "event_id"])
        .returning(ProcessedEvent.event_id)
    )
    return session.execute(statement).scalar_one_or_none() is not None


def event_seen(*, session: Session, team_id: str, event_id: str) -> bool:
    statement = select(ProcessedEvent.event_id).where(
        ProcessedEvent.team_id == team_id, ProcessedEvent.event_id == event_id
    )
    return session.exec(statement).first() is not None


def release_event(*, session: Session, team_id: str, event_id: str) -> None:
    """Forget a claimed event whose work failed, so Slack's retry of it is handled."""
    session.execute(
        delete(ProcessedEvent).where(
            col(ProcessedEvent.team_id) == team_id, col(ProcessedEvent.event_id) == event_id
        )
    )

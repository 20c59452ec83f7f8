"""Workspaces Coach has heard from."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from storage.dialect import insert_for
from storage.models import Workspace


def ensure_workspace(*, session: Session, team_id: str, now: datetime) -> None:
    """Remember the workspace the first time anyone in it uses Coach."""
    statement = (
        insert_for(session, Workspace)
        .values(team_id=team_id, created_at=now)
        .on_conflict_do_nothing(index_elements=["team_id"])
    )
    session.execute(statement)


def list_team_ids(*, session: Session) -> list[str]:
    return list(session.exec(select(Workspace.team_id).order_by(Workspace.team_id)).all())

"""Workspaces Coach has heard from, which Grid org each is in, and which were uninstalled."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from storage.dialect import insert_for
from storage.models import Workspace


def ensure_workspace(
    *, session: Session, team_id: str, now: datetime, enterprise_id: str | None = None
) -> None:
    """Remember the workspace the first time anyone in it uses Coach (with its Grid org,
    once known)."""
    statement = (
        insert_for(session, Workspace)
        .values(team_id=team_id, created_at=now, enterprise_id=enterprise_id)
        .on_conflict_do_nothing(index_elements=["team_id"])
    )
    session.execute(statement)
    if enterprise_id is not None:
        session.execute(
            update(Workspace)
            .where(col(Workspace.team_id) == team_id, col(Workspace.enterprise_id).is_(None))
            .values(enterprise_id=enterprise_id)
        )


def mark_installed(
    *,
    session: Session,
    team_id: str,
    now: datetime,
    enterprise_id: str | None = None,
    name: str | None = None,
) -> bool:
    """Coach was installed (or installed again) in the workspace: remembered with its org,
    and no longer waiting for erasure. True when it had been uninstalled (a reinstall within
    the grace period, which finds its data again)."""
    ensure_workspace(session=session, team_id=team_id, now=now, enterprise_id=enterprise_id)
    was_uninstalled = (
        session.exec(select(Workspace.uninstalled_at).where(Workspace.team_id == team_id)).first()
        is not None
    )
    values: dict[str, object] = {"uninstalled_at": None}
    if enterprise_id is not None:
        values["enterprise_id"] = enterprise_id
    if name is not None:
        values["name"] = name
    session.execute(update(Workspace).where(col(Workspace.team_id) == team_id).values(**values))
    return was_uninstalled


def mark_uninstalled(*, session: Session, team_ids: list[str], now: datetime) -> None:
    """Coach was uninstalled: the workspaces' data waits out the grace period, then goes.
    A workspace already waiting keeps its first date."""
    for team_id in team_ids:
        ensure_workspace(session=session, team_id=team_id, now=now)
    session.execute(
        update(Workspace)
        .where(col(Workspace.team_id).in_(team_ids), col(Workspace.uninstalled_at).is_(None))
        .values(uninstalled_at=now)
    )


def team_ids_in_org(*, session: Session, enterprise_id: str) -> list[str]:
    query = select(Workspace.team_id).where(Workspace.enterprise_id == enterprise_id)
    return list(session.exec(query.order_by(Workspace.team_id)).all())


def enterprise_of(*, session: Session, team_id: str) -> str | None:
    query = select(Workspace.enterprise_id).where(Workspace.team_id == team_id)
    return session.exec(query).first()


def uninstalled_before(*, session: Session, before: datetime) -> list[str]:
    """Workspaces uninstalled longer ago than the grace period: their data is to be erased."""
    query = select(Workspace.team_id).where(
        col(Workspace.uninstalled_at).is_not(None), col(Workspace.uninstalled_at) < before
    )
    return list(session.exec(query.order_by(Workspace.team_id)).all())


def list_team_ids(*, session: Session) -> list[str]:
    """The workspaces the sweeps serve: every one Coach has heard from, but the uninstalled."""
    query = select(Workspace.team_id).where(col(Workspace.uninstalled_at).is_(None))
    return list(session.exec(query.order_by(Workspace.team_id)).all())

"""A manager's own settings: the digest channel and their own leave."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session, col, select

from storage.dialect import insert_for
from storage.models import ManagerSettings

_UNSET = object()


def manager_settings(*, session: Session, team_id: str, manager_id: str) -> ManagerSettings | None:
    return session.get(ManagerSettings, (team_id, manager_id))


def update_manager_settings(
    *,
    session: Session,
    team_id: str,
    manager_id: str,
    now: datetime,
    digest_channel_id: str | object | None = _UNSET,
    paused_until: date | object | None = _UNSET,
    digest_set_at: datetime | object | None = _UNSET,
) -> None:
    """Change only the settings given; the row is created on first use."""
    changes: dict[str, object] = {"updated_at": now}
    if digest_channel_id is not _UNSET:
        changes["digest_channel_id"] = digest_channel_id
    if paused_until is not _UNSET:
        changes["paused_until"] = paused_until
    if digest_set_at is not _UNSET:
        changes["digest_set_at"] = digest_set_at
    statement = (
        insert_for(session, ManagerSettings)
        .values(team_id=team_id, manager_id=manager_id, **changes)
        .on_conflict_do_update(index_elements=["team_id", "manager_id"], set_=changes)
    )
    session.execute(statement)


def managers_with_digest(*, session: Session, team_id: str) -> list[ManagerSettings]:
    statement = select(ManagerSettings).where(
        ManagerSettings.team_id == team_id, col(ManagerSettings.digest_channel_id).is_not(None)
    )
    return list(session.exec(statement).all())

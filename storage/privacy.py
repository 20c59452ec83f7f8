"""Data rights: erasing a person, exporting a workspace or a person, and retention."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, or_, update
from sqlmodel import Session, SQLModel, col, select

from storage.models import (
    AgendaItem,
    CheckIn,
    Goal,
    ManagerSettings,
    OneOnOne,
    Pairing,
    ProcessedEvent,
    SentMessage,
    SlackUser,
    Workspace,
)


def erase_person(*, session: Session, team_id: str, user_id: str, now: datetime) -> dict[str, int]:
    """Everything held about someone as a rep goes; pairings they manage end.

    Returns how many rows of each kind were removed or changed, for the confirmation.
    """
    rep_pairings = select(Pairing.id).where(Pairing.team_id == team_id, Pairing.rep_id == user_id)
    counts = {
        "check-ins": _delete(
            session, delete(CheckIn).where(CheckIn.team_id == team_id, CheckIn.rep_id == user_id)
        ),
        "goals": _delete(
            session, delete(Goal).where(Goal.team_id == team_id, Goal.rep_id == user_id)
        ),
        "agenda items": _delete(
            session,
            delete(AgendaItem).where(
                AgendaItem.team_id == team_id, col(AgendaItem.pairing_id).in_(rep_pairings)
            ),
        ),
        "1:1s": _delete(
            session,
            delete(OneOnOne).where(
                OneOnOne.team_id == team_id, col(OneOnOne.pairing_id).in_(rep_pairings)
            ),
        ),
    }
    counts["pairings as a rep"] = _delete(
        session, delete(Pairing).where(Pairing.team_id == team_id, Pairing.rep_id == user_id)
    )
    counts["pairings ended as a manager"] = _delete(
        session,
        update(Pairing)
        .where(
            Pairing.team_id == team_id,
            Pairing.manager_id == user_id,
            col(Pairing.ended_at).is_(None),
        )
        .values(ended_at=now),
    )
    _delete(
        session,
        delete(ManagerSettings).where(
            ManagerSettings.team_id == team_id, ManagerSettings.manager_id == user_id
        ),
    )
    _delete(
        session,
        delete(SlackUser).where(SlackUser.team_id == team_id, SlackUser.user_id == user_id),
    )
    _delete(
        session,
        delete(SentMessage).where(
            SentMessage.team_id == team_id,
            col(SentMessage.subject).startswith(f"manager:{user_id}:"),
        ),
    )
    return counts


def export_rows(*, session: Session, team_id: str, user_id: str | None = None) -> dict[str, Any]:
    """A workspace's data, or only what concerns one person (as rep or manager), as JSON-ready
    dicts. The people cache and the delivery ledger are operational and left out."""
    pairings = select(Pairing).where(Pairing.team_id == team_id)
    if user_id is not None:
        pairings = pairings.where(or_(Pairing.rep_id == user_id, Pairing.manager_id == user_id))
    pairing_rows = list(session.exec(pairings).all())
    pairing_ids = [p.id for p in pairing_rows]
    goals = select(Goal).where(Goal.team_id == team_id)
    check_ins = select(CheckIn).where(CheckIn.team_id == team_id)
    settings = select(ManagerSettings).where(ManagerSettings.team_id == team_id)
    if user_id is not None:
        reps = {p.rep_id for p in pairing_rows} | {user_id}
        goals = goals.where(col(Goal.rep_id).in_(reps))
        check_ins = check_ins.where(col(CheckIn.rep_id).in_(reps))
        settings = settings.where(ManagerSettings.manager_id == user_id)
    workspace = select(Workspace).where(Workspace.team_id == team_id)
    held = select(OneOnOne).where(
        OneOnOne.team_id == team_id, col(OneOnOne.pairing_id).in_(pairing_ids)
    )
    agenda = select(AgendaItem).where(
        AgendaItem.team_id == team_id, col(AgendaItem.pairing_id).in_(pairing_ids)
    )
    return {
        "workspace": _rows(session, workspace),
        "pairings": [_row(p) for p in pairing_rows],
        "one_on_ones": _rows(session, held),
        "agenda_items": _rows(session, agenda),
        "goals": _rows(session, goals),
        "check_ins": _rows(session, check_ins),
        "manager_settings": _rows(session, settings),
    }


def forget_old_check_in_notes(*, session: Session, before: datetime) -> int:
    """Retention: the words of check-ins older than the cut-off are blanked (the fact of the
    check-in and its status stay, so history still reads)."""
    return _delete(
        session,
        update(CheckIn)
        .where(CheckIn.created_at < before, col(CheckIn.note).is_not(None))
        .values(note=None),
    )


def forget_processed_events(*, session: Session, before: datetime) -> int:
    return _delete(session, delete(ProcessedEvent).where(ProcessedEvent.received_at < before))


def _delete(session: Session, statement: Any) -> int:
    return int(session.execute(statement).rowcount or 0)


def _rows(session: Session, statement: Any) -> list[dict[str, Any]]:
    return [_row(model) for model in session.exec(statement).all()]


def _row(model: SQLModel) -> dict[str, Any]:
    return {key: _jsonable(value) for key, value in model.model_dump().items()}


def _jsonable(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value

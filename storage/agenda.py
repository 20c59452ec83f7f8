"""Agenda items: coaching prompts saved for a pairing's next 1:1."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from storage.batches import batched
from storage.models import AgendaItem


def add_agenda_item(
    *,
    session: Session,
    team_id: str,
    pairing_id: int,
    competency: str,
    focus: str,
    questions: list[str],
    now: datetime,
) -> AgendaItem:
    item = AgendaItem(
        team_id=team_id,
        pairing_id=pairing_id,
        competency=competency,
        focus=focus,
        questions="\n".join(questions),
        created_at=now,
    )
    session.add(item)
    session.flush()
    return item


def mark_agenda_covered(*, session: Session, team_id: str, pairing_id: int, now: datetime) -> int:
    result = session.exec(
        update(AgendaItem)
        .where(
            col(AgendaItem.team_id) == team_id,
            col(AgendaItem.pairing_id) == pairing_id,
            col(AgendaItem.covered_at).is_(None),
        )
        .values(covered_at=now)
    )
    return result.rowcount


def open_agenda_for(
    *, session: Session, team_id: str, pairing_ids: list[int]
) -> dict[int, list[AgendaItem]]:
    found: dict[int, list[AgendaItem]] = {pairing_id: [] for pairing_id in pairing_ids}
    if not pairing_ids:
        return found
    for batch in batched(pairing_ids):
        statement = (
            select(AgendaItem)
            .where(
                AgendaItem.team_id == team_id,
                col(AgendaItem.pairing_id).in_(batch),
                col(AgendaItem.covered_at).is_(None),
            )
            .order_by(col(AgendaItem.created_at))
        )
        for item in session.exec(statement).all():
            found[item.pairing_id].append(item)
    return found

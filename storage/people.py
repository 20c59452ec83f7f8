"""The short-lived cache of what Slack's users.info said about a person."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlmodel import Session, col, select

from storage.batches import batched
from storage.dialect import insert_for
from storage.models import SlackUser


def cached_people(
    *, session: Session, team_id: str, user_ids: Iterable[str]
) -> dict[str, SlackUser]:
    ids = sorted(set(user_ids))
    if not ids:
        return {}
    found: dict[str, SlackUser] = {}
    for batch in batched(ids):
        statement = select(SlackUser).where(
            SlackUser.team_id == team_id, col(SlackUser.user_id).in_(batch)
        )
        found.update((row.user_id, row) for row in session.exec(statement).all())
    return found


def save_person(
    *,
    session: Session,
    team_id: str,
    user_id: str,
    display_name: str | None,
    timezone: str | None,
    is_out: bool,
    is_deleted: bool,
    is_bot: bool,
    now: datetime,
    locale: str | None = None,
    email: str | None = None,
    real_name: str | None = None,
) -> None:
    values = {
        "locale": locale,
        "email": email,
        "real_name": real_name,
        "display_name": display_name,
        "timezone": timezone,
        "is_out": is_out,
        "is_deleted": is_deleted,
        "is_bot": is_bot,
        "fetched_at": now,
    }
    statement = (
        insert_for(session, SlackUser)
        .values(team_id=team_id, user_id=user_id, **values)
        .on_conflict_do_update(index_elements=["team_id", "user_id"], set_=values)
    )
    session.execute(statement)

"""Data rights: erasing a person, exporting a workspace or a person, and retention."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Delete, Update, delete, or_, update
from sqlmodel import Session, SQLModel, col, select

from storage.models import (
    AgendaItem,
    CalendarDismissal,
    CalendarEvent,
    CalendarFeed,
    CalendarSeries,
    CheckIn,
    FieldDay,
    Goal,
    ManagerSettings,
    OneOnOne,
    Pairing,
    Pause,
    ProcessedEvent,
    ReframeEvent,
    SentMessage,
    SlackUser,
    Workspace,
)


def erase_person(*, session: Session, team_id: str, user_id: str, now: datetime) -> dict[str, int]:
    """Every row that names the person goes: their goals and check-ins, every pairing they
    were in (as rep or as manager) with its 1:1s, pauses and saved prompts, 1:1s they logged,
    their own pauses, settings and cached profile, and the ledger rows about them or holding
    their DM channel.

    Ids are never reused (AUTOINCREMENT, sequences), so erasing a goal's ledger row cannot
    let a later goal's check-in be mistaken for one already sent. Returns how many rows of
    each kind were removed, for the confirmation.
    """
    goal_ids = list(
        session.exec(select(Goal.id).where(Goal.team_id == team_id, Goal.rep_id == user_id))
    )
    pairings = session.exec(
        select(Pairing.id, Pairing.manager_id, Pairing.ended_at).where(
            Pairing.team_id == team_id,
            or_(col(Pairing.rep_id) == user_id, col(Pairing.manager_id) == user_id),
        )
    ).all()
    pairing_ids = [pairing_id for pairing_id, _, _ in pairings]
    managed_ids = [pairing_id for pairing_id, manager, _ in pairings if manager == user_id]
    ended = sum(1 for _, manager, end in pairings if manager == user_id and end is None)
    _erase_ledger_rows(session, team_id, user_id, goal_ids, pairing_ids, managed_ids)
    calendars = _erase_calendar(session, team_id, user_id, pairing_ids)
    counts = {
        "check-ins": _delete(
            session,
            delete(CheckIn).where(col(CheckIn.team_id) == team_id, col(CheckIn.rep_id) == user_id),
        ),
        "goals": _delete(
            session, delete(Goal).where(col(Goal.team_id) == team_id, col(Goal.rep_id) == user_id)
        ),
        "agenda items": _delete(
            session,
            delete(AgendaItem).where(
                col(AgendaItem.team_id) == team_id, col(AgendaItem.pairing_id).in_(pairing_ids)
            ),
        ),
        "pauses": _delete(
            session,
            delete(Pause).where(
                col(Pause.team_id) == team_id,
                or_(col(Pause.pairing_id).in_(pairing_ids), col(Pause.manager_id) == user_id),
            ),
        ),
        "field days": _delete(
            session,
            delete(FieldDay).where(
                col(FieldDay.team_id) == team_id,
                or_(col(FieldDay.pairing_id).in_(pairing_ids), col(FieldDay.logged_by) == user_id),
            ),
        ),
        "reframe counts": _delete(
            session,
            delete(ReframeEvent).where(
                col(ReframeEvent.team_id) == team_id, col(ReframeEvent.manager_id) == user_id
            ),
        ),
        "1:1s": _delete(
            session,
            delete(OneOnOne).where(
                col(OneOnOne.team_id) == team_id,
                or_(col(OneOnOne.pairing_id).in_(pairing_ids), col(OneOnOne.logged_by) == user_id),
            ),
        ),
        "pairings": _delete(
            session,
            delete(Pairing).where(
                col(Pairing.team_id) == team_id, col(Pairing.id).in_(pairing_ids)
            ),
        ),
        "pairings ended as a manager": ended,
        "calendar connections": calendars,
    }
    _delete(
        session,
        delete(ManagerSettings).where(
            col(ManagerSettings.team_id) == team_id, col(ManagerSettings.manager_id) == user_id
        ),
    )
    _delete(
        session,
        delete(SlackUser).where(
            col(SlackUser.team_id) == team_id, col(SlackUser.user_id) == user_id
        ),
    )
    return counts


def _erase_calendar(
    session: Session, team_id: str, user_id: str, pairing_ids: list[int | None]
) -> int:
    """Their calendar feed (the encrypted address), what was matched in it and their answers
    about its series, and every calendar row of a pairing they were in."""
    _delete(
        session,
        delete(CalendarEvent).where(
            col(CalendarEvent.team_id) == team_id,
            or_(
                col(CalendarEvent.manager_id) == user_id,
                col(CalendarEvent.pairing_id).in_(pairing_ids),
            ),
        ),
    )
    _delete(
        session,
        delete(CalendarSeries).where(
            col(CalendarSeries.team_id) == team_id,
            or_(
                col(CalendarSeries.manager_id) == user_id,
                col(CalendarSeries.pairing_id).in_(pairing_ids),
            ),
        ),
    )
    _delete(
        session,
        delete(CalendarDismissal).where(
            col(CalendarDismissal.team_id) == team_id,
            col(CalendarDismissal.pairing_id).in_(pairing_ids),
        ),
    )
    return _delete(
        session,
        delete(CalendarFeed).where(
            col(CalendarFeed.team_id) == team_id, col(CalendarFeed.manager_id) == user_id
        ),
    )


def _erase_ledger_rows(
    session: Session,
    team_id: str,
    user_id: str,
    goal_ids: list[int | None],
    pairing_ids: list[int | None],
    managed_ids: list[int | None],
) -> None:
    """Ledger rows about the person's goals, pairings or digest problems, and every row
    addressed to their DM channel (found from what was sent to them: their check-ins, the
    nudges about reps they manage, their digest problems)."""
    mine = or_(  # their digest problems, and their own weekly summary
        col(SentMessage.subject).startswith(f"manager:{user_id}:"),
        col(SentMessage.subject) == f"manager:{user_id}",
    )
    sent_to_them = or_(
        col(SentMessage.subject).in_([f"goal:{g}" for g in goal_ids]),
        col(SentMessage.subject).in_([f"pairing:{p}" for p in managed_ids]),
        mine,
    )
    channels = session.exec(
        select(SentMessage.channel_id)
        .where(SentMessage.team_id == team_id, sent_to_them)
        .where(col(SentMessage.channel_id).startswith("D"))
        .distinct()
    ).all()
    about = or_(
        sent_to_them,
        col(SentMessage.subject).in_([f"pairing:{p}" for p in pairing_ids]),
        col(SentMessage.channel_id).in_([c for c in channels if c]),
    )
    _delete(session, delete(SentMessage).where(col(SentMessage.team_id) == team_id, about))


def erase_workspace(*, session: Session, team_id: str) -> dict[str, int]:
    """Every row the workspace has, in every table that has a ``team_id`` (children before
    their parents), including tables added after this was written. Returns rows per table."""
    counts: dict[str, int] = {}
    for table in reversed(SQLModel.metadata.sorted_tables):
        if "team_id" in table.c:
            counts[table.name] = _delete(session, delete(table).where(table.c.team_id == team_id))
    return counts


def export_rows(*, session: Session, team_id: str, user_id: str | None = None) -> dict[str, Any]:
    """A workspace's data, or only what concerns one person (as rep or manager), as JSON-ready
    dicts. The people cache and the delivery ledger are operational and left out."""
    pairings = select(Pairing).where(Pairing.team_id == team_id)
    if user_id is not None:
        pairings = pairings.where(
            or_(col(Pairing.rep_id) == user_id, col(Pairing.manager_id) == user_id)
        )
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
    field_days = select(FieldDay).where(
        FieldDay.team_id == team_id, col(FieldDay.pairing_id).in_(pairing_ids)
    )
    reframes = select(ReframeEvent).where(ReframeEvent.team_id == team_id)
    if user_id is not None:
        reframes = reframes.where(ReframeEvent.manager_id == user_id)
    goal_ids = [goal.id for goal in session.exec(goals).all()]
    # When each weekly check-in went out: what "check-ins answered" counts against.
    check_ins_sent = select(SentMessage.subject, SentMessage.sent_at).where(
        SentMessage.team_id == team_id,
        SentMessage.kind == "checkin",
        SentMessage.status == "sent",
        col(SentMessage.subject).in_([f"goal:{g}" for g in goal_ids]),
    )
    pauses = select(Pause).where(Pause.team_id == team_id)
    if user_id is not None:
        pauses = pauses.where(
            or_(col(Pause.pairing_id).in_(pairing_ids), col(Pause.manager_id) == user_id)
        )
    calendar_feeds = select(CalendarFeed).where(col(CalendarFeed.team_id) == team_id)
    if user_id is not None:
        calendar_feeds = calendar_feeds.where(col(CalendarFeed.manager_id) == user_id)
    return {
        "workspace": _rows(session, workspace),
        "pairings": [_row(p) for p in pairing_rows],
        "one_on_ones": _rows(session, held),
        "agenda_items": _rows(session, agenda),
        "pauses": _rows(session, pauses),
        "goals": _rows(session, goals),
        "check_ins": _rows(session, check_ins),
        "manager_settings": _rows(session, settings),
        # What leader insights are built from (counts and dates, no text).
        "field_days": _rows(session, field_days),
        "reframe_counts": _rows(session, reframes),
        "check_ins_sent": [
            {"goal_id": int(subject.removeprefix("goal:")), "sent_at": _jsonable(sent_at)}
            for subject, sent_at in session.exec(check_ins_sent).all()
        ],
        # Which calendar is connected, by its host only: the address is a secret.
        "calendar_feeds": [
            {
                "manager_id": feed.manager_id,
                "host": feed.url_hint,
                "connected_at": _jsonable(feed.created_at),
            }
            for feed in session.exec(calendar_feeds).all()
        ],
    }


def holds_workspace(*, session: Session, team_id: str) -> bool:
    """Whether any row belongs to the workspace (an export of an unknown team id is an
    operator's typo, not an empty workspace)."""
    columns = (
        Workspace.team_id,
        Pairing.team_id,
        Goal.team_id,
        CheckIn.team_id,
        ManagerSettings.team_id,
        Pause.team_id,
        OneOnOne.team_id,
        AgendaItem.team_id,
        SlackUser.team_id,
        SentMessage.team_id,
    )
    for column in map(col, columns):
        if session.exec(select(column).where(column == team_id).limit(1)).first() is not None:
            return True
    return False


def forget_old_check_in_notes(*, session: Session, before: datetime) -> int:
    """Retention: the words of check-ins older than the cut-off are blanked (the fact of the
    check-in and its status stay, so history still reads)."""
    return _delete(
        session,
        update(CheckIn)
        .where(col(CheckIn.created_at) < before, col(CheckIn.note).is_not(None))
        .values(note=None),
    )


def forget_processed_events(*, session: Session, before: datetime) -> int:
    return _delete(session, delete(ProcessedEvent).where(col(ProcessedEvent.received_at) < before))


def _delete(session: Session, statement: Delete | Update) -> int:
    return session.exec(statement).rowcount


def _rows(session: Session, statement: Any) -> list[dict[str, Any]]:
    return [_row(model) for model in session.exec(statement).all()]


def _row(model: SQLModel) -> dict[str, Any]:
    """A record's columns in the model's own order, the same for every record."""
    return {name: _jsonable(getattr(model, name)) for name in type(model).model_fields}


def _jsonable(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value

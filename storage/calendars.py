"""Calendar feeds: the encrypted address, the 1:1s matched in it, and what they count for.

The address is only ever stored as ciphertext (``storage.encryption``); ``rotate_feed_urls``
is registered in ``storage.secret_columns`` so ``coach keys rotate`` re-encrypts it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import CursorResult, delete, update
from sqlmodel import Session, col, select

from storage.batches import batched
from storage.dialect import insert_for
from storage.encryption import Cipher
from storage.models import (
    CalendarDismissal,
    CalendarEvent,
    CalendarFeed,
    CalendarSeries,
    OneOnOne,
    Pairing,
)

CALENDAR = "calendar"


@dataclass(frozen=True, slots=True)
class MatchedEvent:
    """A matched 1:1 occurrence as stored: which pairing, which series, when."""

    pairing_id: int
    series: str
    matched_by: str
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True, slots=True)
class Projection:
    added: int
    removed: int


def get_feed(*, session: Session, team_id: str, manager_id: str) -> CalendarFeed | None:
    return session.get(CalendarFeed, (team_id, manager_id))


def save_feed(
    *,
    session: Session,
    team_id: str,
    manager_id: str,
    url_ciphertext: str,
    url_hint: str,
    now: datetime,
) -> CalendarFeed:
    """Connect a feed, or replace the address of one connected before (its old reading is
    forgotten: a new address is a new feed)."""
    feed = get_feed(session=session, team_id=team_id, manager_id=manager_id)
    if feed is None:
        feed = CalendarFeed(
            team_id=team_id,
            manager_id=manager_id,
            url_ciphertext=url_ciphertext,
            url_hint=url_hint,
            created_at=now,
        )
    else:
        feed.url_ciphertext, feed.url_hint = url_ciphertext, url_hint
        feed.etag = feed.last_modified = feed.matched_for = feed.failure = None
        feed.failure_told_at = None
    session.add(feed)
    session.flush()
    return feed


def delete_feed(*, session: Session, team_id: str, manager_id: str) -> bool:
    """Disconnect: the address, its matched events and the series answers go. 1:1s already
    counted as held stay, as history."""
    for model in (CalendarEvent, CalendarSeries):
        session.execute(
            delete(model).where(col(model.team_id) == team_id, col(model.manager_id) == manager_id)
        )
    result = session.execute(
        delete(CalendarFeed).where(
            col(CalendarFeed.team_id) == team_id, col(CalendarFeed.manager_id) == manager_id
        )
    )
    return bool(cast(CursorResult[Any], result).rowcount)


def feeds_of_team(
    *, session: Session, team_id: str, read_before: datetime | None = None
) -> list[str]:
    """The managers of a workspace with a feed, those not read since ``read_before``."""
    statement = select(CalendarFeed.manager_id).where(CalendarFeed.team_id == team_id)
    if read_before is not None:
        statement = statement.where(
            (col(CalendarFeed.fetched_at).is_(None)) | (col(CalendarFeed.fetched_at) < read_before)
        )
    return list(session.exec(statement.order_by(col(CalendarFeed.manager_id))).all())


def record_read(
    *,
    session: Session,
    feed: CalendarFeed,
    now: datetime,
    etag: str | None,
    last_modified: str | None,
    matched_for: str,
) -> None:
    """A read that worked: its validators for the next conditional request; any failure
    reported before is over (a later one will be told again)."""
    feed.fetched_at = feed.read_ok_at = now
    feed.etag, feed.last_modified, feed.matched_for = etag, last_modified, matched_for
    feed.failure = None
    feed.failure_told_at = None
    session.add(feed)


def record_failure(*, session: Session, feed: CalendarFeed, failure: str, now: datetime) -> None:
    feed.fetched_at = now
    feed.failure = failure
    session.add(feed)


def claim_failure_notice(*, session: Session, team_id: str, manager_id: str, now: datetime) -> bool:
    """Whether this process is the one to tell the manager their feed fails: one UPDATE that
    only the first caller since the last good read wins, whichever process asks."""
    result = session.execute(
        update(CalendarFeed)
        .where(
            col(CalendarFeed.team_id) == team_id,
            col(CalendarFeed.manager_id) == manager_id,
            col(CalendarFeed.failure_told_at).is_(None),
            col(CalendarFeed.failure).is_not(None),
        )
        .values(failure_told_at=now)
    )
    return bool(cast(CursorResult[Any], result).rowcount)


def replace_events(
    *, session: Session, team_id: str, manager_id: str, events: Iterable[MatchedEvent]
) -> None:
    session.execute(
        delete(CalendarEvent).where(
            col(CalendarEvent.team_id) == team_id, col(CalendarEvent.manager_id) == manager_id
        )
    )
    session.add_all(
        CalendarEvent(
            team_id=team_id,
            manager_id=manager_id,
            pairing_id=event.pairing_id,
            series=event.series,
            matched_by=event.matched_by,
            starts_at=event.starts_at,
            ends_at=event.ends_at,
        )
        for event in events
    )


def events_of_manager(*, session: Session, team_id: str, manager_id: str) -> list[MatchedEvent]:
    statement = (
        select(CalendarEvent)
        .where(CalendarEvent.team_id == team_id, CalendarEvent.manager_id == manager_id)
        .order_by(col(CalendarEvent.starts_at))
    )
    return [_event(row) for row in session.exec(statement).all()]


def events_for(
    *, session: Session, team_id: str, pairing_ids: Iterable[int]
) -> dict[int, list[MatchedEvent]]:
    """Each pairing's stored 1:1 occurrences, oldest first (for the plan, Home and sweep)."""
    ids = sorted(set(pairing_ids))
    found: dict[int, list[MatchedEvent]] = {pairing_id: [] for pairing_id in ids}
    for batch in batched(ids):
        statement = (
            select(CalendarEvent)
            .where(CalendarEvent.team_id == team_id, col(CalendarEvent.pairing_id).in_(batch))
            .order_by(col(CalendarEvent.starts_at))
        )
        for row in session.exec(statement).all():
            found[row.pairing_id].append(_event(row))
    return found


def _event(row: CalendarEvent) -> MatchedEvent:
    return MatchedEvent(row.pairing_id, row.series, row.matched_by, row.starts_at, row.ends_at)


def series_choices(*, session: Session, team_id: str, manager_id: str) -> dict[str, int]:
    """The series the manager answered: series → pairing id, 0 for "not a 1:1"."""
    statement = select(CalendarSeries).where(
        CalendarSeries.team_id == team_id,
        CalendarSeries.manager_id == manager_id,
        col(CalendarSeries.answered_at).is_not(None),
    )
    return {
        row.series: 0 if row.not_one_on_one else (row.pairing_id or 0)
        for row in session.exec(statement).all()
    }


def ask_series(
    *, session: Session, team_id: str, manager_id: str, series: str, now: datetime
) -> bool:
    """Note that the manager is being asked about a series; False if asked before (by any
    process), so each series is asked about once."""
    statement = (
        insert_for(session, CalendarSeries)
        .values(
            team_id=team_id,
            manager_id=manager_id,
            series=series,
            not_one_on_one=False,
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["team_id", "manager_id", "series"])
    )
    # RETURNING, not rowcount: PostgreSQL's driver reports -1 for ON CONFLICT DO NOTHING.
    return session.execute(statement.returning(CalendarSeries.series)).first() is not None


def answer_series(
    *,
    session: Session,
    team_id: str,
    manager_id: str,
    series: str,
    pairing_id: int | None,
    now: datetime,
) -> None:
    """The manager's word on a series: their 1:1 with this pairing, or (None) no 1:1."""
    row = session.get(CalendarSeries, (team_id, manager_id, series))
    if row is None:
        row = CalendarSeries(team_id=team_id, manager_id=manager_id, series=series, created_at=now)
    row.pairing_id = pairing_id
    row.not_one_on_one = pairing_id is None
    row.answered_at = now
    session.add(row)


def dismiss_day(
    *, session: Session, team_id: str, pairing_id: int, day: date, now: datetime
) -> None:
    statement = (
        insert_for(session, CalendarDismissal)
        .values(team_id=team_id, pairing_id=pairing_id, held_on=day, created_at=now)
        .on_conflict_do_nothing(index_elements=["team_id", "pairing_id", "held_on"])
    )
    session.execute(statement)


def calendar_one_on_one(*, session: Session, team_id: str, one_on_one_id: int) -> OneOnOne | None:
    statement = select(OneOnOne).where(
        OneOnOne.team_id == team_id, OneOnOne.id == one_on_one_id, OneOnOne.source == CALENDAR
    )
    return session.exec(statement).first()


def latest_calendar_held(
    *, session: Session, team_id: str, pairing_ids: Iterable[int]
) -> dict[int, OneOnOne]:
    """Each pairing's latest 1:1 when it came from the calendar (none when a manual log is
    as late): what "that didn't happen" offers to undo."""
    found: dict[int, OneOnOne] = {}
    for batch in batched(sorted(set(pairing_ids))):
        statement = (
            select(OneOnOne)
            .where(OneOnOne.team_id == team_id, col(OneOnOne.pairing_id).in_(batch))
            .order_by(col(OneOnOne.held_on), col(OneOnOne.source).desc())
        )
        latest: dict[int, OneOnOne] = {}
        for row in session.exec(statement).all():
            latest[row.pairing_id] = row  # ordered: a manual log sorts after on its day
        found.update({pid: row for pid, row in latest.items() if row.source == CALENDAR})
    return found


def calendar_days(
    *, session: Session, team_id: str, pairing_id: int, days: Iterable[date]
) -> frozenset[date]:
    """Which of these days' 1:1s of a pairing were counted from the calendar."""
    wanted = sorted(set(days))
    if not wanted:
        return frozenset()
    statement = select(col(OneOnOne.held_on)).where(
        OneOnOne.team_id == team_id,
        OneOnOne.pairing_id == pairing_id,
        OneOnOne.source == CALENDAR,
        col(OneOnOne.held_on).in_(wanted),
    )
    return frozenset(session.exec(statement).all())


def drop_calendar_held_on(*, session: Session, team_id: str, pairing_id: int, day: date) -> None:
    """A manual log wins for its day: the calendar's 1:1 of that day goes."""
    session.execute(
        delete(OneOnOne).where(
            col(OneOnOne.team_id) == team_id,
            col(OneOnOne.pairing_id) == pairing_id,
            col(OneOnOne.held_on) == day,
            col(OneOnOne.source) == CALENDAR,
        )
    )


def project_held(
    *,
    session: Session,
    team_id: str,
    manager_id: str,
    wanted: Mapping[int, set[date]],
    since: date,
    now: datetime,
) -> Projection:
    """Make the calendar's 1:1s since ``since`` for the manager's pairings exactly
    ``wanted``: add the days missing (unless a manual log or a "that didn't happen" has the
    day) and remove calendar 1:1s the feed no longer backs."""
    pairing_ids = list(
        session.exec(
            select(Pairing.id).where(
                Pairing.team_id == team_id,
                Pairing.manager_id == manager_id,
                col(Pairing.ended_at).is_(None),
            )
        ).all()
    )
    ids = [pid for pid in pairing_ids if pid is not None]
    if not ids:
        return Projection(0, 0)
    held = session.exec(
        select(OneOnOne).where(
            OneOnOne.team_id == team_id,
            col(OneOnOne.pairing_id).in_(ids),
            OneOnOne.held_on >= since,
        )
    ).all()
    dismissed = set(
        session.exec(
            select(col(CalendarDismissal.pairing_id), col(CalendarDismissal.held_on)).where(
                CalendarDismissal.team_id == team_id,
                col(CalendarDismissal.pairing_id).in_(ids),
                col(CalendarDismissal.held_on) >= since,
            )
        ).all()
    )
    manual = {(row.pairing_id, row.held_on) for row in held if row.source != CALENDAR}
    existing = {(row.pairing_id, row.held_on): row for row in held if row.source == CALENDAR}
    target = {
        (pid, day)
        for pid, days in wanted.items()
        if pid in ids
        for day in days
        if day >= since and (pid, day) not in manual and (pid, day) not in dismissed
    }
    removed = 0
    for key, row in existing.items():
        if key not in target:
            session.delete(row)
            removed += 1
    for pid, day in sorted(target - set(existing)):
        session.add(
            OneOnOne(
                team_id=team_id,
                pairing_id=pid,
                held_on=day,
                logged_by=manager_id,
                created_at=now,
                source=CALENDAR,
            )
        )
    return Projection(len(target - set(existing)), removed)


def rotate_feed_urls(session: Session, cipher: Cipher) -> int:
    """``coach keys rotate``: every feed address re-encrypted under the first key."""
    rows = session.exec(select(CalendarFeed)).all()
    for row in rows:
        row.url_ciphertext = cipher.rotate(row.url_ciphertext)
        session.add(row)
    return len(rows)

"""Manager → rep pairings and the 1:1s held within them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from storage.batches import batched
from storage.calendars import drop_calendar_held_on
from storage.models import ManagerSettings, OneOnOne, Pairing
from storage.pauses import PauseRow, team_pauses


@dataclass(frozen=True, slots=True)
class ActivePairing:
    """The columns of an active pairing that reading code needs, as a plain value: a sweep
    loads every pairing of a workspace, and 100,000 ORM objects cost seconds where these
    cost a fraction of one."""

    id: int
    team_id: str
    manager_id: str
    rep_id: str
    cadence_days: int
    started_on: date
    paused_until: date | None
    snoozed_until: date | None
    created_at: datetime
    accepted_at: datetime | None

    @property
    def accepted(self) -> bool:
        """Whether the rep agreed to this manager: until then only name and cadence show."""
        return self.accepted_at is not None


@dataclass(frozen=True, slots=True)
class PairingRow:
    """An active pairing with what cadence math needs, fetched in one query."""

    pairing: ActivePairing
    last_held_on: date | None
    manager_paused_until: date | None
    # Every pause of the rep's (this pairing's) and of the manager's own.
    pauses: tuple[PauseRow, ...] = ()


def active_pairing_for_rep(*, session: Session, team_id: str, rep_id: str) -> Pairing | None:
    statement = select(Pairing).where(
        Pairing.team_id == team_id, Pairing.rep_id == rep_id, col(Pairing.ended_at).is_(None)
    )
    return session.exec(statement).first()


def active_pairing_by_id(*, session: Session, team_id: str, pairing_id: int) -> Pairing | None:
    statement = select(Pairing).where(
        Pairing.team_id == team_id, Pairing.id == pairing_id, col(Pairing.ended_at).is_(None)
    )
    return session.exec(statement).first()


def managers_above(*, session: Session, team_id: str, user_id: str, limit: int = 50) -> list[str]:
    """Who manages ``user_id``, who manages them, and so on up (bounded, in case of old
    data with a loop): a manager may not take anyone from this chain as a rep."""
    chain: list[str] = []
    current = user_id
    while len(chain) < limit:
        pairing = active_pairing_for_rep(session=session, team_id=team_id, rep_id=current)
        if pairing is None or pairing.manager_id in chain:
            break
        chain.append(pairing.manager_id)
        current = pairing.manager_id
    return chain


def accept_pairing(*, session: Session, pairing: Pairing, now: datetime) -> None:
    pairing.accepted_at = now
    session.add(pairing)


def managed_pairing(
    *,
    session: Session,
    team_id: str,
    manager_id: str,
    rep_id: str | None = None,
    pairing_id: int | None = None,
) -> Pairing | None:
    """The active pairing named by its rep or its id, only if ``manager_id`` manages it.

    Every manager action names a pairing from a payload or a mention, which is only ever a
    claim: this is the one check that the caller may act on it.
    """
    if (rep_id is None) == (pairing_id is None):
        raise ValueError("name the pairing by exactly one of rep_id and pairing_id")
    statement = select(Pairing).where(
        Pairing.team_id == team_id,
        Pairing.manager_id == manager_id,
        col(Pairing.ended_at).is_(None),
    )
    if rep_id is not None:
        statement = statement.where(Pairing.rep_id == rep_id)
    else:
        statement = statement.where(Pairing.id == pairing_id)
    return session.exec(statement).first()


def add_pairing(
    *,
    session: Session,
    team_id: str,
    manager_id: str,
    rep_id: str,
    cadence_days: int,
    started_on: date,
    now: datetime,
    accepted_at: datetime | None = None,
) -> Pairing:
    """Insert and flush, so a concurrent add of the same rep fails here, inside the
    transaction. A new pairing waits for the rep's Accept unless ``accepted_at`` says when
    it was given (imports, seeded benchmarks)."""
    pairing = Pairing(
        team_id=team_id,
        manager_id=manager_id,
        rep_id=rep_id,
        cadence_days=cadence_days,
        started_on=started_on,
        created_at=now,
        accepted_at=accepted_at,
    )
    session.add(pairing)
    session.flush()
    return pairing


def end_pairing(*, session: Session, pairing: Pairing, now: datetime) -> None:
    pairing.ended_at = now
    session.add(pairing)


def update_pairing(*, session: Session, pairing: Pairing, **changes: object) -> None:
    for name, value in changes.items():
        setattr(pairing, name, value)
    session.add(pairing)


def record_one_on_one(
    *, session: Session, pairing: Pairing, held_on: date, logged_by: str, now: datetime
) -> OneOnOne:
    # A manual log wins for its day over a 1:1 read from the calendar (issue 19).
    drop_calendar_held_on(
        session=session, team_id=pairing.team_id, pairing_id=pairing.id or 0, day=held_on
    )
    held = OneOnOne(
        team_id=pairing.team_id,
        pairing_id=pairing.id or 0,
        held_on=held_on,
        logged_by=logged_by,
        created_at=now,
    )
    session.add(held)
    # A logged 1:1 answers any snooze: the next nudge follows the new cadence.
    pairing.snoozed_until = None
    session.add(pairing)
    return held


def pairing_rows(
    *, session: Session, team_id: str, manager_id: str | None = None
) -> list[PairingRow]:
    """Active pairings of a team (or of one manager) with their last 1:1 (one query) and
    their pause history (a second)."""
    last_held = (
        select(OneOnOne.pairing_id, func.max(OneOnOne.held_on).label("last_held_on"))
        .where(OneOnOne.team_id == team_id)
        .group_by(col(OneOnOne.pairing_id))
        .subquery()
    )
    statement = (
        sa_select(
            col(Pairing.id),
            col(Pairing.team_id),
            col(Pairing.manager_id),
            col(Pairing.rep_id),
            col(Pairing.cadence_days),
            col(Pairing.started_on),
            col(Pairing.paused_until),
            col(Pairing.snoozed_until),
            col(Pairing.created_at),
            col(Pairing.accepted_at),
            last_held.c.last_held_on,
            col(ManagerSettings.paused_until),
        )
        .outerjoin(last_held, last_held.c.pairing_id == Pairing.id)
        .outerjoin(
            ManagerSettings,
            and_(
                col(ManagerSettings.team_id) == Pairing.team_id,
                col(ManagerSettings.manager_id) == Pairing.manager_id,
            ),
        )
        .where(col(Pairing.team_id) == team_id, col(Pairing.ended_at).is_(None))
        .order_by(col(Pairing.manager_id), col(Pairing.id))
    )
    if manager_id is not None:
        statement = statement.where(col(Pairing.manager_id) == manager_id)
    rows = list(session.connection().execute(statement))
    if not rows:
        return []
    pauses = team_pauses(session=session, team_id=team_id, manager_id=manager_id)
    return [
        PairingRow(
            ActivePairing(row[0] or 0, *row[1:10]),
            row[10],
            row[11],
            tuple(pauses.for_pairing(row[0] or 0, row[2])),
        )
        for row in rows
    ]


def last_held_on(*, session: Session, team_id: str, pairing_id: int) -> date | None:
    statement = select(func.max(OneOnOne.held_on)).where(
        OneOnOne.team_id == team_id, OneOnOne.pairing_id == pairing_id
    )
    return session.exec(statement).one()


def held_dates_for(
    *, session: Session, team_id: str, pairing_ids: list[int], since: date
) -> dict[int, list[date]]:
    """The dates of 1:1s held since a day, per pairing, oldest first (one query)."""
    found: dict[int, list[date]] = {pairing_id: [] for pairing_id in pairing_ids}
    if not pairing_ids:
        return found
    for batch in batched(pairing_ids):
        statement = (
            select(col(OneOnOne.pairing_id), col(OneOnOne.held_on))
            .where(
                OneOnOne.team_id == team_id,
                col(OneOnOne.pairing_id).in_(batch),
                OneOnOne.held_on >= since,
            )
            .order_by(col(OneOnOne.held_on))
        )
        for pairing_id, held_on in session.exec(statement).all():
            found[pairing_id].append(held_on)
    return found


def recent_one_on_ones(
    *, session: Session, team_id: str, pairing_id: int, limit: int = 4
) -> list[date]:
    statement = (
        select(col(OneOnOne.held_on))
        .where(OneOnOne.team_id == team_id, OneOnOne.pairing_id == pairing_id)
        .order_by(col(OneOnOne.held_on).desc())
        .limit(limit)
    )
    return list(session.exec(statement).all())

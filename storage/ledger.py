"""The sent-message ledger: claim a send before calling Slack, then mark how it went.

A claim is a row with a unique (team, kind, subject, period) key, committed before the
message goes out, so whichever process claims first is the only one that sends. A send
that failed, or whose process died mid-send, is claimed again by a later sweep, up to
``MAX_ATTEMPTS`` times.

A send whose outcome is unknown (Slack answered 5xx or the connection dropped after the
request went out: Slack may well have posted it) is ``unconfirmed``, never retried
blindly: the next sweep first looks for the message in Slack (see flows/delivery.py) and
marks it sent when found, and only claims it again when it is not there.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, false, or_, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from storage.batches import batched
from storage.dialect import insert_for
from storage.models import SentMessage

MAX_ATTEMPTS = 5
# A claim this old whose send never reported back was lost with its process.
STALE_CLAIM = timedelta(minutes=10)


# Claims inserted per statement: 7 parameters a row stays far below every engine's limit.
CLAIM_BATCH = 1_000

LedgerKey = tuple[str, str, str]  # (kind, subject, period)

# A failed send is claimed again; so is an unconfirmed one once Slack was asked whether it
# arrived and it had not.
RETRYABLE = ("failed", "unconfirmed")


@dataclass(frozen=True)
class Unconfirmed:
    """A send Slack may or may not have posted: where it went, and when it was claimed."""

    ledger_id: int
    kind: str
    subject: str
    period: str
    channel_id: str | None
    claimed_at: datetime
    attempts: int


def claim_sends(
    *,
    session: Session,
    team_id: str,
    keys: Sequence[LedgerKey],
    now: datetime,
    channels: Mapping[LedgerKey, str | None] | None = None,
) -> dict[LedgerKey, int]:
    """The ledger ids of the keys this caller now owns; keys sent or owned elsewhere are left
    out. New keys are claimed a thousand to a statement; only keys already in the ledger
    (a failed or lost earlier send) cost a statement each, to retry them."""
    owned: dict[LedgerKey, int] = {}
    # One order for every process, so two sweeps claiming at once never deadlock.
    for batch in batched(sorted(set(keys)), CLAIM_BATCH):
        inserted = session.execute(
            insert_for(session, SentMessage)
            .values(
                [
                    dict(
                        team_id=team_id,
                        kind=kind,
                        subject=subject,
                        period=period,
                        status="claimed",
                        attempts=1,
                        claimed_at=now,
                        channel_id=(channels or {}).get((kind, subject, period)),
                    )
                    for kind, subject, period in batch
                ]
            )
            .on_conflict_do_nothing(index_elements=["team_id", "kind", "subject", "period"])
            .returning(SentMessage.id, SentMessage.kind, SentMessage.subject, SentMessage.period)
        ).all()
        owned.update(((kind, subject, period), int(id_)) for id_, kind, subject, period in inserted)
        for key in batch:
            if key not in owned and (retried := _retry_claim(session, team_id, key, now)):
                owned[key] = retried
    return owned


def _retry_claim(session: Session, team_id: str, key: LedgerKey, now: datetime) -> int | None:
    """Take over a key whose last send failed or whose claimer died, while attempts remain."""
    kind, subject, period = key
    retried = session.execute(
        update(SentMessage)
        .where(
            col(SentMessage.team_id) == team_id,
            col(SentMessage.kind) == kind,
            col(SentMessage.subject) == subject,
            col(SentMessage.period) == period,
            col(SentMessage.attempts) < MAX_ATTEMPTS,
        )
        .where(
            or_(
                col(SentMessage.status).in_(RETRYABLE),
                _claimed_before(now - STALE_CLAIM),
            )
        )
        .values(status="claimed", attempts=SentMessage.attempts + 1, claimed_at=now)
        .returning(col(SentMessage.id))
    ).scalar_one_or_none()
    return None if retried is None else int(retried)


def _claimed_before(cutoff: datetime) -> ColumnElement[bool]:
    return (col(SentMessage.status) == "claimed") & (col(SentMessage.claimed_at) < cutoff)


def mark_sent(
    *,
    session: Session,
    ledger_ids: Sequence[int],
    channel_id: str | None,
    message_ts: str | None,
    now: datetime,
) -> None:
    """Every row one Slack message delivered (a nudge lists several pairings)."""
    for batch in batched(ledger_ids):
        session.execute(
            update(SentMessage)
            .where(col(SentMessage.id).in_(batch))
            .values(status="sent", channel_id=channel_id, message_ts=message_ts, sent_at=now)
        )


def mark_failed(
    *, session: Session, ledger_ids: Sequence[int], error: str, give_up: bool = False
) -> None:
    """Record why a send failed; a later sweep retries unless ``give_up`` or out of attempts."""
    for batch in batched(ledger_ids):
        session.execute(
            update(SentMessage)
            .where(col(SentMessage.id).in_(batch))
            .values(status="abandoned" if give_up else "failed", last_error=error[:255])
        )


def settled_keys(
    *,
    session: Session,
    team_id: str,
    kind: str,
    subjects: Iterable[str],
    stale_before: datetime | None = None,
) -> tuple[set[tuple[str, str]], list[Unconfirmed]]:
    """(subject, period) pairs already sent or given up on: a sweep need not claim them;
    and the sends among these subjects whose outcome is unknown, to be looked for first:
    unconfirmed ones, and claims older than ``stale_before`` (their process died) that
    recorded where they were going.

    One query instead of one failed claim per pairing keeps a quiet sweep cheap.
    """
    wanted = sorted(set(subjects))
    if not wanted:
        return set(), []
    settled: set[tuple[str, str]] = set()
    unconfirmed: list[Unconfirmed] = []
    for batch in batched(wanted):
        statement = sa_select(
            col(SentMessage.id),
            col(SentMessage.subject),
            col(SentMessage.period),
            col(SentMessage.status),
            col(SentMessage.channel_id),
            col(SentMessage.claimed_at),
            col(SentMessage.attempts),
        ).where(
            col(SentMessage.team_id) == team_id,
            col(SentMessage.kind) == kind,
            col(SentMessage.subject).in_(batch),
            or_(
                col(SentMessage.status).in_(("sent", "abandoned", "unconfirmed")),
                _claimed_before(stale_before) & col(SentMessage.channel_id).is_not(None)
                if stale_before is not None
                else false(),
            ),
        )
        # Seven columns: past what sqlmodel's select types; Core's select, as in pairings.py.
        for id_, subject, period, status, channel_id, claimed_at, attempts in (
            session.connection().execute(statement).all()
        ):
            if status in ("unconfirmed", "claimed"):
                unconfirmed.append(
                    Unconfirmed(
                        int(id_ or 0), kind, subject, period, channel_id, claimed_at, attempts
                    )
                )
            else:
                settled.add((subject, period))
    return settled, unconfirmed


def mark_unconfirmed(
    *, session: Session, ledger_ids: Sequence[int], channel_id: str, error: str
) -> None:
    """Slack may have posted it: remember where, so a later sweep can look before posting."""
    for batch in batched(ledger_ids):
        session.execute(
            update(SentMessage)
            .where(col(SentMessage.id).in_(batch))
            .values(status="unconfirmed", channel_id=channel_id, last_error=error[:255])
        )

"""Sending a claimed message and writing down how it went, for every sweep.

The claim is committed before Slack is called (see storage/ledger.py); this module makes
the call and records sent / failed (retried next sweep) / abandoned (never will work).
Every sweep sends through ``deliver``, so its posts are paced here to Slack's limits
(see bot/slack_client.py) rather than fired at once and refused with 429s.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse

from bot.services import Services
from bot.slack_client import TOKEN_REFUSED, UNDELIVERABLE, paced_posts
from storage.db import session_scope
from storage.ledger import claim_sends, mark_failed, mark_sent, settled_keys

logger = logging.getLogger(__name__)

# Keys claimed at a time by ``claim_as_sent``: a chunk's sends finish within a minute or
# two even when the post budget is spent, far inside storage.ledger.STALE_CLAIM.
CLAIM_AHEAD = 50


class SweepAborted(Exception):
    """Slack refused the bot's token; the sweep stops and says so once."""


@dataclass(frozen=True)
class Key:
    kind: str
    subject: str
    period: str


@dataclass(frozen=True)
class Delivery:
    sent: bool
    error: str | None = None


def unsettled(services: Services, team_id: str, keys: Sequence[Key]) -> list[Key]:
    """The keys not yet sent or given up on, asked once for a whole sweep.

    Asking once per message would cost a query each; and where PostgreSQL's statistics
    are older than the ledger's growth (autovacuum off or behind), each such query may
    scan every row of its kind, so a sweep would grow with the square of its size.
    """
    if not keys:
        return []
    with session_scope(services.engine) as session:
        settled = {
            kind: settled_keys(
                session=session,
                team_id=team_id,
                kind=kind,
                subjects=[key.subject for key in keys if key.kind == kind],
            )
            for kind in {key.kind for key in keys}
        }
    return [key for key in keys if (key.subject, key.period) not in settled[key.kind]]


def claim(services: Services, team_id: str, keys: Sequence[Key]) -> dict[Key, int]:
    """Claim the keys this process can own, in one committed transaction.

    Pass keys ``unsettled`` found: a key already sent is still refused, but costs a statement.
    """
    if not keys:
        return {}
    with session_scope(services.engine) as session:
        claimed = claim_sends(
            session=session,
            team_id=team_id,
            keys=[(key.kind, key.subject, key.period) for key in keys],
            now=services.clock.now(),
        )
    return {
        key: claimed[(key.kind, key.subject, key.period)]
        for key in keys
        if (key.kind, key.subject, key.period) in claimed
    }


def claim_all(services: Services, team_id: str, keys: Sequence[Key]) -> dict[Key, int]:
    """Claim every key this process can own, skipping those already settled."""
    return claim(services, team_id, unsettled(services, team_id, keys))


def claim_as_sent(
    services: Services, team_id: str, keys: Sequence[Key]
) -> Iterator[tuple[Key, int]]:
    """Claim keys a chunk at a time, just ahead of sending them.

    Claiming a whole sweep up front would leave the last claims waiting while the pacer
    spends Slack's budget (10,000 check-ins take 17 minutes at 600 a minute); a claim
    older than STALE_CLAIM looks lost, and another sweep would send it again.
    """
    fresh = unsettled(services, team_id, keys)
    for start in range(0, len(fresh), CLAIM_AHEAD):
        yield from claim(services, team_id, fresh[start : start + CLAIM_AHEAD]).items()


def deliver(
    services: Services, ledger_ids: Sequence[int], send: Callable[[], SlackResponse]
) -> Delivery:
    """Call Slack once for the claimed ledger rows and record the result on all of them."""
    try:
        with paced_posts():
            response = send()
    except SlackApiError as failure:
        error = str(failure.response.get("error") or "unknown_error")
        if error in TOKEN_REFUSED:
            _record_failure(services, ledger_ids, error, give_up=False)
            raise SweepAborted(error) from None
        _record_failure(services, ledger_ids, error, give_up=error in UNDELIVERABLE)
        return Delivery(sent=False, error=error)
    except OSError as failure:  # the connection failed after slack_sdk's own retries
        _record_failure(services, ledger_ids, type(failure).__name__, give_up=False)
        return Delivery(sent=False, error=type(failure).__name__)
    with session_scope(services.engine) as session:
        mark_sent(
            session=session,
            ledger_ids=ledger_ids,
            channel_id=response.get("channel"),
            message_ts=response.get("ts"),
            now=services.clock.now(),
        )
    return Delivery(sent=True)


def _record_failure(
    services: Services, ledger_ids: Sequence[int], error: str, *, give_up: bool
) -> None:
    logger.warning("send failed (%s)%s", error, "; giving up" if give_up else "; will retry")
    with session_scope(services.engine) as session:
        mark_failed(session=session, ledger_ids=ledger_ids, error=error, give_up=give_up)

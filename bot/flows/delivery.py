"""Sending a claimed message and writing down how it went, for every sweep.

The claim is committed before Slack is called (see storage/ledger.py); this module makes
the call and records sent / failed (retried next sweep) / abandoned (never will work).
Every sweep sends through ``deliver``, so its posts are paced here to Slack's limits
(see bot/slack_client.py) rather than fired at once and refused with 429s.

chat.postMessage is not idempotent, so a post is never repeated blindly: a 5xx answer or
a dropped connection may come after Slack posted the message. Such a send is recorded as
unconfirmed, and every message carries its ledger ids in its metadata; the next sweep
looks for it in the channel's history (``unsettled``) before claiming it again.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from slack_sdk.errors import SlackApiError

from bot.services import Services
from bot.slack_client import OUTCOME_UNKNOWN, TOKEN_REFUSED, UNDELIVERABLE, paced_posts
from storage.db import session_scope
from storage.ledger import (
    MAX_ATTEMPTS,
    STALE_CLAIM,
    Unconfirmed,
    claim_sends,
    mark_failed,
    mark_sent,
    mark_unconfirmed,
    settled_keys,
)

logger = logging.getLogger(__name__)

# Keys claimed at a time by ``claim_as_sent``: a chunk's sends finish within a minute or
# two even when the post budget is spent, far inside storage.ledger.STALE_CLAIM.
CLAIM_AHEAD = 50

# The message metadata that names the ledger rows a message delivers.
METADATA_EVENT = "coach_delivery"
# How far back in a channel's history an unconfirmed send is looked for.
HISTORY_PAGES, HISTORY_PAGE_SIZE = 5, 200


class SweepAborted(Exception):
    """Slack refused the bot's token; the sweep stops and says so once."""


@dataclass(frozen=True)
class Key:
    kind: str
    subject: str
    period: str
    # Where the message goes, kept with the claim: a claim whose process died can then be
    # looked for in Slack before it is sent again. Not part of the key's identity.
    channel: str | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Delivery:
    sent: bool
    error: str | None = None


def unsettled(services: Services, team_id: str, keys: Sequence[Key]) -> list[Key]:
    """The keys not yet sent or given up on, asked once for a whole sweep.

    Asking once per message would cost a query each; and where PostgreSQL's statistics
    are older than the ledger's growth (autovacuum off or behind), each such query may
    scan every row of its kind, so a sweep would grow with the square of its size.

    A send left unconfirmed (or a claim whose process died, once stale) is looked for in
    Slack first: found, it is marked sent; not found, it is claimed and sent again; when
    Slack cannot be asked now, it waits.
    """
    if not keys:
        return []
    settled: dict[str, set[tuple[str, str]]] = {}
    unknown: list[Unconfirmed] = []
    with session_scope(services.engine) as session:
        for kind in {key.kind for key in keys}:
            settled[kind], unconfirmed = settled_keys(
                session=session,
                team_id=team_id,
                kind=kind,
                subjects=[key.subject for key in keys if key.kind == kind],
                stale_before=services.clock.now() - STALE_CLAIM,
            )
            unknown.extend(unconfirmed)
    wanted = {(key.kind, key.subject, key.period) for key in keys}
    unknown = [row for row in unknown if (row.kind, row.subject, row.period) in wanted]
    for row in _look_for_unconfirmed(services, team_id, unknown):
        settled[row.kind].add((row.subject, row.period))
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
            channels={(key.kind, key.subject, key.period): key.channel for key in keys},
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
    services: Services,
    ledger_ids: Sequence[int],
    *,
    team_id: str,
    channel: str,
    text: str,
    blocks: Sequence[object] | None = None,
    **options: object,
) -> Delivery:
    """Post one message for the claimed ledger rows and record the result on all of them.

    Called once, never retried here: a retry is the next sweep's, after it looked."""
    metadata = {
        "event_type": METADATA_EVENT,
        "event_payload": {"ledger_ids": ",".join(str(i) for i in sorted(ledger_ids))},
    }
    try:
        with paced_posts():
            response = services.slack_for(team_id).chat_postMessage(
                channel=channel, text=text, blocks=blocks, metadata=metadata, **options
            )
    except SlackApiError as failure:
        error = str(failure.response.get("error") or "unknown_error")
        if failure.response.status_code >= 500 or error in OUTCOME_UNKNOWN:
            _record_unknown(services, ledger_ids, channel, error)
            return Delivery(sent=False, error=error)
        if error in TOKEN_REFUSED:
            _record_failure(services, ledger_ids, error, give_up=False)
            raise SweepAborted(error) from None
        _record_failure(services, ledger_ids, error, give_up=error in UNDELIVERABLE)
        return Delivery(sent=False, error=error)
    except OSError as failure:  # the request may have reached Slack before the line dropped
        _record_unknown(services, ledger_ids, channel, type(failure).__name__)
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


def _record_unknown(
    services: Services, ledger_ids: Sequence[int], channel: str, error: str
) -> None:
    logger.warning("send unconfirmed (%s); the next sweep looks for it before any retry", error)
    with session_scope(services.engine) as session:
        mark_unconfirmed(session=session, ledger_ids=ledger_ids, channel_id=channel, error=error)


def _look_for_unconfirmed(
    services: Services, team_id: str, rows: Sequence[Unconfirmed]
) -> list[Unconfirmed]:
    """The unconfirmed sends to leave out of this sweep: those Slack has (now marked sent),
    and those Slack could not be asked about right now (asked again next sweep). The rest
    are claimed and sent again, as a failed send is."""
    leave_out: list[Unconfirmed] = []
    found: list[tuple[Unconfirmed, str, str]] = []
    out_of_attempts: list[Unconfirmed] = []
    for row in rows:
        try:
            posted = _find_posted(services, team_id, row)
        except SlackApiError as failure:
            if failure.response.status_code >= 500 or failure.response.status_code == 429:
                leave_out.append(row)  # Slack is unwell: look again next sweep, post nothing
            else:  # cannot be checked (no such channel, not a member): retried as failed
                logger.info("cannot look for an unconfirmed send (%s)", failure.response["error"])
            continue
        except OSError:
            leave_out.append(row)
            continue
        if posted is not None:
            found.append((row, *posted))
            leave_out.append(row)
        elif row.attempts >= MAX_ATTEMPTS:
            out_of_attempts.append(row)
    if out_of_attempts:  # not there, and no attempt left: stop looking
        with session_scope(services.engine) as session:
            for row in out_of_attempts:
                mark_failed(session=session, ledger_ids=[row.ledger_id], error="never confirmed")
    if found:
        with session_scope(services.engine) as session:
            for row, channel_id, ts in found:
                mark_sent(
                    session=session,
                    ledger_ids=[row.ledger_id],
                    channel_id=channel_id,
                    message_ts=ts,
                    now=services.clock.now(),
                )
        logger.info("%d unconfirmed send(s) found in Slack: not sent again", len(found))
    return leave_out


def _find_posted(services: Services, team_id: str, row: Unconfirmed) -> tuple[str, str] | None:
    """(channel, ts) of the message that delivered this ledger row, if Slack has it."""
    if not row.channel_id:
        return None
    slack = services.slack_for(team_id)
    channel = row.channel_id
    if channel.startswith(("U", "W")):  # a DM addressed to a person: find its channel
        channel = slack.conversations_open(users=channel)["channel"]["id"]
    cursor = None
    for _ in range(HISTORY_PAGES):
        page = slack.conversations_history(
            channel=channel, limit=HISTORY_PAGE_SIZE, include_all_metadata=True, cursor=cursor
        )
        for message in page.get("messages") or []:
            if row.ledger_id in _ledger_ids_of(message):
                return channel, str(message["ts"])
        cursor = (page.get("response_metadata") or {}).get("next_cursor")
        if not page.get("has_more") or not cursor:
            return None
    return None


def _ledger_ids_of(message: dict) -> set[int]:
    metadata = message.get("metadata") or {}
    if metadata.get("event_type") != METADATA_EVENT:
        return set()
    ids = str((metadata.get("event_payload") or {}).get("ledger_ids") or "")
    return {int(part) for part in ids.split(",") if part.strip().isdigit()}

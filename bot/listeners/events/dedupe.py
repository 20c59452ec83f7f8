"""Slack retries an event it thinks we missed; the same event_id must change nothing twice,
and an event whose work failed must not be forgotten (its retry is the second chance).

A reply in a DM thread (a check-in note) records its event id in the same transaction as
the note, so it counts as handled exactly when the note is stored. Any other event is
claimed before its listener runs (two deliveries cannot both post a reply), and the
claim is released when the listener fails.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltRequest, BoltResponse
from slack_sdk.errors import SlackApiError

from bot.flows.retries import already_handled, forget_delivery, is_first_delivery
from bot.listeners.events.direct_message import CLAIM_IN_WORK, is_reply_in_dm
from bot.services import Services
from bot.slack_client import CHANNEL_GONE, NOT_IN_CHANNEL, TOKEN_REFUSED, UNDELIVERABLE

# Slack's answers that no retry of the same event can change.
FOR_GOOD = CHANNEL_GONE | NOT_IN_CHANNEL | TOKEN_REFUSED | UNDELIVERABLE

logger = logging.getLogger(__name__)


def skip_retried_events(
    services: Services,
    body: dict[str, Any],
    context: dict[str, Any],
    next: Callable[[], BoltResponse],
    request: BoltRequest,
) -> BoltResponse | None:
    event_id = body.get("event_id") if body.get("type") == "event_callback" else None
    if not event_id:
        return next()
    team_id, event_id = str(body.get("team_id") or ""), str(event_id)
    event = body.get("event") or {}
    if is_reply_in_dm(event):
        if not already_handled(services, team_id=team_id, event_id=event_id):
            context[CLAIM_IN_WORK] = event_id
            return next()
    elif is_first_delivery(services, team_id=team_id, event_id=event_id):
        return next()
    retry = request.headers.get("x-slack-retry-num", ["?"])[0]
    logger.info("event %s already handled; ignoring retry %s", event_id, retry)
    return BoltResponse(status=200, body="")


def release_failed_event(services: Services, body: dict[str, Any], error: Exception) -> None:
    """Called when an event's listener raised: its claim goes, so Slack's retry runs it,
    unless Slack refused for good (a user or channel that is gone, a revoked token): a
    retry could only fail the same way, and a copy arriving meanwhile must stay dropped."""
    if body.get("type") != "event_callback" or not body.get("event_id"):
        return
    if isinstance(error, SlackApiError) and error.response.get("error") in FOR_GOOD:
        return
    event = body.get("event") or {}
    if is_reply_in_dm(event):
        return  # its claim was in the transaction that failed
    forget_delivery(
        services, team_id=str(body.get("team_id") or ""), event_id=str(body["event_id"])
    )

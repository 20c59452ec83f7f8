"""Slack retries an event it thinks we missed; the same event_id must change nothing twice."""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_bolt import BoltRequest, BoltResponse

from bot.flows.retries import is_first_delivery
from bot.services import Services

logger = logging.getLogger(__name__)


def skip_retried_events(
    services: Services, body: dict, next: Callable[[], BoltResponse], request: BoltRequest
) -> BoltResponse | None:
    """Claim the event id in the database; a second delivery is acked and dropped."""
    event_id = body.get("event_id") if body.get("type") == "event_callback" else None
    if not event_id:
        return next()
    team_id = str(body.get("team_id") or "")
    if is_first_delivery(services, team_id=team_id, event_id=str(event_id)):
        return next()
    retry = request.headers.get("x-slack-retry-num", ["?"])[0]
    logger.info("event %s already handled; ignoring retry %s", event_id, retry)
    return BoltResponse(status=200, body="")

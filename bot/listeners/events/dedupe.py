"""Slack retries an event it thinks we missed; the same event_id must change nothing twice."""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_bolt import BoltRequest, BoltResponse

from bot.services import Services
from storage.db import session_scope
from storage.events import claim_event

logger = logging.getLogger(__name__)


def skip_retried_events(
    services: Services, body: dict, next: Callable[[], BoltResponse], request: BoltRequest
) -> BoltResponse | None:
    """Claim the event id in the database; a second delivery is acked and dropped."""
    event_id = body.get("event_id") if body.get("type") == "event_callback" else None
    if not event_id:
        return next()
    team_id = str(body.get("team_id") or "")
    with session_scope(services.engine) as session:
        first = claim_event(
            session=session, team_id=team_id, event_id=str(event_id), now=services.clock.now()
        )
    if first:
        return next()
    retry = request.headers.get("x-slack-retry-num", ["?"])[0]
    logger.info("event %s already handled; ignoring retry %s", event_id, retry)
    return BoltResponse(status=200, body="")

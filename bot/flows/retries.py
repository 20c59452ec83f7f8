"""Slack retries an event it thinks we missed: only its first delivery may change anything."""

from __future__ import annotations

from bot.services import Services
from storage.db import session_scope
from storage.events import claim_event, event_seen, release_event


def is_first_delivery(services: Services, *, team_id: str, event_id: str) -> bool:
    """Claim the event id in the database; False when a process (this one or another) has
    already claimed it, so a retry is acked and dropped."""
    with session_scope(services.engine) as session:
        return claim_event(
            session=session, team_id=team_id, event_id=event_id, now=services.clock.now()
        )


def already_handled(services: Services, *, team_id: str, event_id: str) -> bool:
    """Whether an earlier delivery of this event already did its work."""
    with session_scope(services.engine) as session:
        return event_seen(session=session, team_id=team_id, event_id=event_id)


def forget_delivery(services: Services, *, team_id: str, event_id: str) -> None:
    """The first delivery's work failed: Slack's retry may try again."""
    with session_scope(services.engine) as session:
        release_event(session=session, team_id=team_id, event_id=event_id)

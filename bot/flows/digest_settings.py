"""Where a manager's weekly digest goes: ``/coach digest #channel`` and ``/coach digest off``."""

from __future__ import annotations

from slack_sdk.errors import SlackApiError

from bot.blocks.replies import Outcome, done, refused
from bot.domain.checkins import WEEKDAY_NAMES
from bot.flows.channels import members_among
from bot.services import Services
from storage.db import session_scope
from storage.managers import manager_settings, update_manager_settings
from storage.pairings import pairing_rows


def set_digest_channel(
    services: Services, *, team_id: str, manager_id: str, channel_id: str | None
) -> Outcome:
    now = services.clock.now()
    with session_scope(services.engine) as session:
        if channel_id is None:
            own = manager_settings(session=session, team_id=team_id, manager_id=manager_id)
            if own is None or own.digest_channel_id is None:
                return refused("digest", "was_off")
            update_manager_settings(
                session=session,
                team_id=team_id,
                manager_id=manager_id,
                now=now,
                digest_channel_id=None,
            )
            return done("digest", "off")
        if not pairing_rows(session=session, team_id=team_id, manager_id=manager_id):
            return refused("digest", "no_team")
    # The digest names the manager's reps: only a channel the manager is in may get it.
    # A channel the bot cannot see yet is checked again before every post.
    if members_among(services, team_id, channel_id, [manager_id]) == set():
        return refused("digest", "manager_not_member", channel=channel_id)
    with session_scope(services.engine) as session:
        update_manager_settings(
            session=session,
            team_id=team_id,
            manager_id=manager_id,
            now=now,
            digest_channel_id=channel_id,
            digest_set_at=now,
        )
    weekday = WEEKDAY_NAMES[services.settings.coach_digest_weekday]
    key = "set" if _bot_is_in(services, channel_id) else "set_not_member"
    time = f"{services.settings.coach_sweep_hour:02d}:00"
    return done("digest", key, channel=channel_id, weekday=weekday, time=time)


def _bot_is_in(services: Services, channel_id: str) -> bool:
    """Whether the digest can be posted there; a private channel we can't see reads as no."""
    try:
        channel = services.slack.conversations_info(channel=channel_id)["channel"]
    except SlackApiError:
        return False
    return bool(channel.get("is_member"))

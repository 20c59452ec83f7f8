"""Who is in a channel, as far as the bot can see: a digest goes only where its manager is."""

from __future__ import annotations

from collections.abc import Iterable

from slack_sdk.errors import SlackApiError

from bot.services import Services
from bot.slack_client import CHANNEL_GONE, NOT_IN_CHANNEL

# Errors that mean "the bot cannot see that channel", not "try again later".
UNSEEABLE = NOT_IN_CHANNEL | CHANNEL_GONE
MEMBERS_PAGE = 1000


def members_among(
    services: Services, team_id: str, channel_id: str, user_ids: Iterable[str]
) -> set[str] | None:
    """Which of ``user_ids`` are members of the channel (conversations.members, paged);
    None when the bot cannot see the channel (a private one it is not in, or gone). Other
    Slack errors propagate: a sweep tries again next time rather than guess."""
    wanted = set(user_ids)
    found: set[str] = set()
    cursor = ""
    try:
        while True:
            page = services.slack_for(team_id).conversations_members(
                channel=channel_id, limit=MEMBERS_PAGE, cursor=cursor or None
            )
            found |= wanted & set(page.get("members") or [])
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or ""
            if not cursor or found == wanted:
                return found
    except SlackApiError as error:
        if error.response.get("error") in UNSEEABLE:
            return None
        raise

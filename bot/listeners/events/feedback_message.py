"""A message that starts with "feedback": its coaching version, seen only by its author.

In a channel the reply is ephemeral; in a DM to the bot it is a reply in that DM. Nothing
is ever posted publicly, and the feedback text itself is neither stored nor logged.

The reframe may call the LLM (up to its 8-second deadline), so it runs on the after-ack
pool: Bolt's listener threads, which every slash command's ack needs, only queue it.
The event counts as handled only once its reply went out: when the reply fails (or Coach
is too busy to queue it), the event's claim is released, so Slack's retry answers.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient

from bot.blocks.reframe import build_reframe
from bot.domain.feedback import feedback_body, is_feedback, mentioned_user
from bot.flows.asking import reframe_for
from bot.listeners.events.dedupe import release_failed_event
from bot.listeners.guard import report_unhandled
from bot.services import Services

logger = logging.getLogger(__name__)


def is_feedback_message(event: dict[str, Any]) -> bool:
    """Bolt matcher: a person's own new message whose text starts with "feedback"."""
    if event.get("bot_id") or event.get("subtype") not in (None, "file_share"):
        return False
    return is_feedback(str(event.get("text") or ""))


def handle_feedback_message(
    services: Services, body: dict[str, Any], event: dict[str, Any], client: WebClient
) -> None:
    """Bolt acked the event already; the reply is built off the listener pool."""

    def failed(error: Exception) -> None:
        release_failed_event(services, body, error)
        report_unhandled(error, body, None)

    services.after_ack.queue(
        lambda: reply_privately(services, event, client, team_id=str(body.get("team_id") or "")),
        failed,
    )


def reply_privately(
    services: Services, event: dict[str, Any], client: WebClient, *, team_id: str
) -> None:
    text, author, channel = str(event.get("text") or ""), event["user"], event["channel"]
    reframe, ref = reframe_for(
        services,
        team_id=team_id or str(event.get("team") or ""),
        author_id=author,
        text=feedback_body(text),
    )
    fallback, blocks = build_reframe(reframe, mentioned_user(text, excluding=author), ref)
    if event.get("channel_type") == "im":
        client.chat_postMessage(channel=channel, text=fallback, blocks=blocks)
    else:
        client.chat_postEphemeral(channel=channel, user=author, text=fallback, blocks=blocks)
    logger.info("reframed feedback privately (engine=%s)", reframe.engine)

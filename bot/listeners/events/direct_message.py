"""Messages in the bot's DMs: a reply in a check-in's thread is recorded on that goal (and
acknowledged with a reaction); anything else gets a one-line hint."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

import prompts
from bot.flows.goals import Reply, record_reply
from bot.services import Services
from bot.slack_client import ALREADY_REACTED

# The context key under which the dedupe middleware leaves an event id for this listener
# to record in the same transaction as the note (see events/dedupe.py).
CLAIM_IN_WORK = "coach_event_claim"


def is_person_in_dm(event: dict[str, Any]) -> bool:
    """Bolt matcher: a person's own new message in a DM with the bot."""
    return (
        event.get("channel_type") == "im"
        and not event.get("bot_id")
        and event.get("subtype") in (None, "file_share")
        and bool(event.get("user"))
    )


def is_reply_in_dm(event: dict[str, Any]) -> bool:
    """A person's reply in a thread of their DM with the bot: perhaps a check-in note."""
    thread_ts = event.get("thread_ts")
    return is_person_in_dm(event) and bool(thread_ts) and thread_ts != event.get("ts")


def handle_direct_message(
    services: Services,
    body: dict[str, Any],
    event: dict[str, Any],
    context: dict[str, Any],
    client: WebClient,
) -> None:
    thread_ts = event.get("thread_ts")
    if is_reply_in_dm(event):
        reply = record_reply(
            services,
            team_id=str(body.get("team_id") or ""),
            rep_id=event["user"],
            channel_id=event["channel"],
            thread_ts=str(thread_ts),
            text=str(event.get("text") or ""),
            event_id=context.get(CLAIM_IN_WORK),
        )
        if reply is Reply.DUPLICATE:
            return
        if reply is Reply.RECORDED:
            _react(client, event)
            return
    client.chat_postMessage(
        channel=event["channel"],
        thread_ts=thread_ts,
        text=prompts.text("goals", "checkin.dm_hint"),
    )


def _react(client: WebClient, event: dict[str, Any]) -> None:
    try:
        client.reactions_add(
            channel=event["channel"], timestamp=event["ts"], name="white_check_mark"
        )
    except SlackApiError as error:
        if error.response.get("error") != ALREADY_REACTED:
            raise

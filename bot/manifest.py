"""The Slack app manifest for a deployment: paste it into "Create New App → From a manifest"."""

from __future__ import annotations

from typing import Any

from bot import slack_ids
from bot.web import EVENTS_PATH

PLACEHOLDER_URL = "https://coach.example.com"

# Why each scope is there, so nobody has to guess before removing one.
BOT_SCOPES: dict[str, str] = {
    "commands": "the /coach command and the message shortcut",
    "chat:write": "nudges, check-ins, digests and private replies",
    "chat:write.public": "the weekly digest in a public channel the bot was not invited to",
    "im:history": "reading replies in check-in threads and feedback sent to the bot by DM",
    "im:read": "knowing a DM channel is a DM",
    "im:write": "opening DMs with managers and reps",
    "channels:history": "seeing messages that start with 'feedback' in public channels",
    "channels:read": "checking the digest channel exists",
    "groups:history": "seeing messages that start with 'feedback' in private channels",
    "groups:read": "checking a private digest channel",
    "users:read": "time zones and out-of-office status for kind, well-timed nudges",
    "users:read.email": "recognising a manager's 1:1s with a rep in their calendar feed",
    "reactions:write": "acknowledging a check-in reply with a reaction",
}

BOT_EVENTS = ("app_home_opened", "message.im", "message.channels", "message.groups")


def build_manifest(url: str = PLACEHOLDER_URL) -> dict[str, Any]:
    endpoint = url.rstrip("/") + EVENTS_PATH
    return {
        "display_information": {
            "name": "Coach",
            "description": "Coach your reps instead of judging them.",
            "background_color": "#1f4e5f",
            "long_description": (
                "Coach keeps every manager's 1:1s with their reps on cadence and nudges "
                "kindly when one falls behind, turns a manager's feedback into "
                "question-led coaching prompts, and keeps the development goals reps "
                "choose for themselves with weekly check-ins they answer in Slack."
            ),
        },
        "features": {
            "app_home": {
                "home_tab_enabled": True,
                "messages_tab_enabled": True,
                "messages_tab_read_only_enabled": False,
            },
            "bot_user": {"display_name": "Coach", "always_online": True},
            "slash_commands": [
                {
                    "command": slack_ids.COMMAND,
                    "url": endpoint,
                    "description": "Plan, log and nudge your 1:1s; set your focus goal",
                    "usage_hint": "help | team | plan | log @rep | goal … | reframe …",
                    "should_escape": True,
                }
            ],
            "shortcuts": [
                {
                    "name": "Reframe as coaching",
                    "type": "message",
                    "callback_id": slack_ids.SHORTCUT_REFRAME,
                    "description": "Turn this feedback into question-led coaching prompts",
                }
            ],
        },
        "oauth_config": {"scopes": {"bot": sorted(BOT_SCOPES)}},
        "settings": {
            "event_subscriptions": {"request_url": endpoint, "bot_events": list(BOT_EVENTS)},
            "interactivity": {"is_enabled": True, "request_url": endpoint},
            "org_deploy_enabled": False,
            "socket_mode_enabled": False,
            "token_rotation_enabled": False,
        },
    }

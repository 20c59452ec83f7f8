"""The Slack app manifest for a deployment: paste it into "Create New App → From a manifest"."""

from __future__ import annotations

import ipaddress
import re
from typing import Any
from urllib.parse import urlsplit

from bot import slack_ids
from bot.install_pages import REDIRECT_PATH
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
    "files:write": "the 12-week trend chart in a leader's weekly summary",
}

# app_uninstalled and tokens_revoked need no scope: Coach deletes the installation and, after
# the grace period, the workspace's data (bot/flows/installs.py).
BOT_EVENTS = (
    "app_home_opened",
    "message.im",
    "message.channels",
    "message.groups",
    "app_uninstalled",
    "tokens_revoked",
)

# Slack's manifest schema, version 1.1 (the "_metadata" block; 1 is the version for apps
# that are not Deno workflow apps).
MANIFEST_VERSION = {"major_version": 1, "minor_version": 1}

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


class BadUrl(ValueError):
    """``--url`` is not a public https address Slack would accept."""


def public_url(url: str) -> str:
    """``url`` checked as Slack checks a request URL: https, a public host name or address
    (Slack must reach it), no user, query or fragment. Raises BadUrl saying which."""
    given = url.strip()
    try:
        parts = urlsplit(given)
        port = parts.port
    except ValueError as error:
        raise BadUrl(f"{given!r} is not a URL ({error})") from None
    if parts.scheme.lower() != "https":
        raise BadUrl(f"{given!r} must start with https:// (Slack sends requests only over TLS)")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise BadUrl(f"{given!r} has no host name")
    if parts.username is not None or parts.query or parts.fragment:
        raise BadUrl(f"{given!r} must be only scheme, host, port and path (no user, ? or #)")
    if port == 0:
        raise BadUrl(f"{given!r} has port 0")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        try:
            labels = host.encode("idna").decode("ascii").split(".")  # bücher.de → xn--…
        except UnicodeError:
            raise BadUrl(f"{given!r}: {host!r} is not a public host name") from None
        if len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
            raise BadUrl(f"{given!r}: {host!r} is not a public host name") from None
        if labels[-1].isdigit():
            raise BadUrl(f"{given!r}: {host!r} is not a public host name") from None
        return given
    if not address.is_global:
        raise BadUrl(f"{given!r}: {host} is not an address Slack can reach")
    return given


def build_manifest(
    url: str | None = PLACEHOLDER_URL, *, socket_mode: bool = False, add_to_slack: bool = False
) -> dict[str, Any]:
    """The manifest for an app Slack reaches at ``url`` (every surface at /slack/events), or,
    with ``socket_mode``, one that connects out over Socket Mode and has no request URLs.

    ``add_to_slack``: the app installs into any number of workspaces by OAuth (its redirect
    URL, token rotation on, and org-wide installs on Enterprise Grid); OAuth needs a URL
    Slack redirects to, so it cannot be a Socket Mode manifest."""
    if socket_mode and add_to_slack:
        raise BadUrl("an Add to Slack manifest needs --url for its OAuth redirect, not Socket Mode")
    base = (url or PLACEHOLDER_URL).rstrip("/")
    endpoint = None if socket_mode else base + EVENTS_PATH
    at = {} if endpoint is None else {"url": endpoint}
    request_url = {} if endpoint is None else {"request_url": endpoint}
    oauth_config: dict[str, Any] = {"scopes": {"bot": sorted(BOT_SCOPES)}}
    if add_to_slack:
        oauth_config["redirect_urls"] = [base + REDIRECT_PATH]
    return {
        "_metadata": dict(MANIFEST_VERSION),
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
                    **at,
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
        "oauth_config": oauth_config,
        "settings": {
            "event_subscriptions": {**request_url, "bot_events": list(BOT_EVENTS)},
            "interactivity": {"is_enabled": True, **request_url},
            "org_deploy_enabled": add_to_slack,
            "socket_mode_enabled": socket_mode,
            "token_rotation_enabled": add_to_slack,
        },
    }

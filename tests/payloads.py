"""Request bodies as Slack sends them, and the signature headers that make them genuine."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
TEAM_ID = "T0COACH"


def signed_headers(
    body: bytes, *, secret: str = SIGNING_SECRET, timestamp: int | str | None = None
) -> dict[str, str]:
    """The two headers Slack adds, computed with slack_sdk's own signature tool."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=stamp, body=body)
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": signature or ""}


def slash_command(
    text: str,
    *,
    user_id: str,
    team_id: str = TEAM_ID,
    channel_id: str = "C0GENERAL",
    command: str = "/coach",
    response_url: str | None = None,
    trigger_id: str | None = None,
) -> bytes:
    fields = {
        "token": "legacy-verification-token",
        "team_id": team_id,
        "team_domain": "coach-sandbox",
        "channel_id": channel_id,
        "channel_name": "general",
        "user_id": user_id,
        "user_name": user_id.lower(),
        "command": command,
        "text": text,
        "api_app_id": "A0COACH",
        "is_enterprise_install": "false",
        "response_url": response_url
        or f"https://hooks.slack.test/commands/{team_id}/{uuid.uuid4().hex}",
        "trigger_id": trigger_id
        or f"{int(time.time())}.{uuid.uuid4().int % 10**12}.{uuid.uuid4().hex}",
    }
    return urlencode(fields).encode()


def block_actions(
    action_id: str,
    value: str,
    *,
    user_id: str,
    team_id: str = TEAM_ID,
    channel_id: str | None = None,
    message_ts: str | None = None,
    block_id: str = "actions",
    response_url: str | None = None,
    trigger_id: str | None = None,
) -> bytes:
    payload: dict[str, Any] = {
        "type": "block_actions",
        "team": {"id": team_id, "domain": "coach-sandbox"},
        "user": {"id": user_id, "team_id": team_id, "name": user_id.lower()},
        "api_app_id": "A0COACH",
        "trigger_id": trigger_id or f"{int(time.time())}.{uuid.uuid4().hex}",
        "actions": [
            {
                "type": "button",
                "action_id": action_id,
                "block_id": block_id,
                "value": value,
                "action_ts": f"{time.time():.6f}",
            }
        ],
    }
    if response_url:
        payload["response_url"] = response_url
    if channel_id:
        payload["channel"] = {"id": channel_id}
        payload["container"] = {"type": "message", "channel_id": channel_id}
    if message_ts:
        payload["message"] = {"ts": message_ts, "type": "message"}
        payload["container"] = {
            "type": "message",
            "message_ts": message_ts,
            "channel_id": channel_id,
        }
    return urlencode({"payload": json.dumps(payload)}).encode()


def view_submission(
    callback_id: str,
    values: dict[str, dict[str, dict[str, Any]]],
    *,
    user_id: str,
    team_id: str = TEAM_ID,
    private_metadata: str = "",
) -> bytes:
    payload = {
        "type": "view_submission",
        "team": {"id": team_id, "domain": "coach-sandbox"},
        "user": {"id": user_id, "team_id": team_id, "name": user_id.lower()},
        "api_app_id": "A0COACH",
        "trigger_id": f"{int(time.time())}.{uuid.uuid4().hex}",
        "view": {
            "id": "V" + uuid.uuid4().hex[:10].upper(),
            "type": "modal",
            "callback_id": callback_id,
            "private_metadata": private_metadata,
            "state": {"values": values},
        },
    }
    return urlencode({"payload": json.dumps(payload)}).encode()


def event_callback(
    event: dict[str, Any], *, team_id: str = TEAM_ID, event_id: str | None = None
) -> bytes:
    body = {
        "token": "legacy-verification-token",
        "team_id": team_id,
        "api_app_id": "A0COACH",
        "event": event,
        "type": "event_callback",
        "event_id": event_id or "Ev" + uuid.uuid4().hex[:10].upper(),
        "event_time": int(time.time()),
        "authorizations": [{"team_id": team_id, "user_id": "UCOACHBOT", "is_bot": True}],
    }
    return json.dumps(body).encode()


def url_verification(challenge: str) -> bytes:
    return json.dumps(
        {"token": "legacy", "challenge": challenge, "type": "url_verification"}
    ).encode()


def message_shortcut(
    callback_id: str,
    message: dict[str, Any],
    *,
    user_id: str,
    channel_id: str = "C0GENERAL",
    team_id: str = TEAM_ID,
    response_url: str | None = None,
    trigger_id: str | None = None,
) -> bytes:
    payload = {
        "type": "message_action",
        "callback_id": callback_id,
        "team": {"id": team_id, "domain": "coach-sandbox"},
        "user": {"id": user_id, "team_id": team_id, "name": user_id.lower()},
        "channel": {"id": channel_id, "name": "general"},
        "message": message,
        "message_ts": message.get("ts", "1700000000.000100"),
        "response_url": response_url or "https://hooks.slack.test/actions/x",
        "trigger_id": trigger_id or f"{int(time.time())}.{uuid.uuid4().hex}",
        "api_app_id": "A0COACH",
    }
    return urlencode({"payload": json.dumps(payload)}).encode()

"""Give every request an id that its log lines carry (Slack's own, when it sends one)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import BoltRequest, BoltResponse

from bot.logs import escape_controls, new_request_id, request_id


def tag_request(
    request: BoltRequest, body: dict[str, Any], next: Callable[[], BoltResponse]
) -> BoltResponse:
    slack_id = body.get("event_id") or body.get("trigger_id")
    request_id.set(escape_controls(str(slack_id))[:64] if slack_id else new_request_id())
    return next()

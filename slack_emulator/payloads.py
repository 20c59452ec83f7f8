"""Request bodies as Slack sends them to an app, and the signature headers that make them genuine.

Why here: the tests, the `coach try` sandbox and the benchmarks all play Slack towards the
app, and a slash command or a button press has one shape whichever of them sends it. The
bodies are bytes, form-encoded or JSON as Slack's are; `signed_headers` signs them with
slack_sdk's own `SignatureVerifier`, so what the app accepts is what Slack's signature
would get accepted, and nothing else.

`Payloads` holds what every request from one workspace repeats (team, app, bot, the clock
for `action_ts` and `event_time`); its defaults match `Workspace()`'s.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

JsonDict = dict[str, Any]

SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"  # a made-up app's, for tests
TEAM_ID = "T0COACH"
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


def signed_headers(
    body: bytes, *, secret: str = SIGNING_SECRET, timestamp: int | str | None = None
) -> dict[str, str]:
    """The two headers Slack adds, computed with slack_sdk's own signature tool. The time is
    real (Bolt refuses a stamp more than five minutes from its own clock)."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=stamp, body=body)
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": signature or ""}


def content_type(body: bytes) -> str:
    """How a body from this module is encoded: events are JSON, everything else a form."""
    return JSON if body.lstrip().startswith(b"{") else FORM


def url_verification(challenge: str) -> bytes:
    """The handshake Slack sends when the Request URL is saved."""
    return json.dumps(
        {"token": "legacy", "challenge": challenge, "type": "url_verification"}
    ).encode()


def modal(callback_id: str, *, private_metadata: str = "") -> JsonDict:
    """A minimal open modal, as a view_submission names it."""
    return {
        "id": "V" + uuid.uuid4().hex[:10].upper(),
        "type": "modal",
        "callback_id": callback_id,
        "private_metadata": private_metadata,
    }


@dataclass(frozen=True)
class Payloads:
    """The bodies Slack sends from one workspace: slash commands, button presses, modal
    submissions, message shortcuts and Events API deliveries."""

    team_id: str = TEAM_ID
    team_domain: str = "coach-sandbox"
    app_id: str = "A0COACH"
    bot_user_id: str = "UCOACHBOT"
    verification_token: str = "legacy-verification-token"
    # Enterprise Grid: the org of the workspace, and whether Coach was installed org-wide.
    enterprise_id: str | None = None
    is_enterprise_install: bool = False
    clock: Callable[[], float] = field(default=time.time, compare=False)

    def slash_command(
        self,
        text: str,
        *,
        user_id: str,
        user_name: str | None = None,
        channel_id: str = "C0GENERAL",
        channel_name: str = "general",
        command: str = "/coach",
        response_url: str | None = None,
        trigger_id: str | None = None,
    ) -> bytes:
        """`/coach text` typed by `user_id` in a channel."""
        fields = {
            "token": self.verification_token,
            "team_id": self.team_id,
            "team_domain": self.team_domain,
            "channel_id": channel_id,
            "channel_name": channel_name,
            "user_id": user_id,
            "user_name": user_name or user_id.lower(),
            "command": command,
            "text": text,
            "api_app_id": self.app_id,
            "is_enterprise_install": "true" if self.is_enterprise_install else "false",
            **({"enterprise_id": self.enterprise_id} if self.enterprise_id else {}),
            "response_url": response_url
            or f"https://hooks.slack.test/commands/{self.team_id}/{uuid.uuid4().hex}",
            "trigger_id": trigger_id or self._trigger_id(),
        }
        return urlencode(fields).encode()

    def block_actions(
        self,
        action: JsonDict,
        *,
        user_id: str,
        user_name: str | None = None,
        trigger_id: str | None = None,
        **where: Any,
    ) -> bytes:
        """A press of `action`. `where` holds the container, channel, message, view and
        response_url Slack includes for the surface the button was on (None: left out)."""
        payload = {
            "type": "block_actions",
            **self._envelope(user_id, user_name, trigger_id),
            "actions": [{**action, "action_ts": self._ts()}],
            "state": {"values": {}},
            **{key: value for key, value in where.items() if value is not None},
        }
        return _form_payload(payload)

    def button_press(
        self,
        action_id: str,
        value: str,
        *,
        user_id: str,
        channel_id: str | None = None,
        message_ts: str | None = None,
        block_id: str = "actions",
        response_url: str | None = None,
        trigger_id: str | None = None,
    ) -> bytes:
        """A plain button pressed, on a message when a channel (and ts) is given."""
        container: JsonDict | None = None
        if channel_id or message_ts:
            container = {"type": "message", "channel_id": channel_id}
            if message_ts:
                container["message_ts"] = message_ts
        button = {"type": "button", "action_id": action_id, "block_id": block_id, "value": value}
        return self.block_actions(
            button,
            user_id=user_id,
            trigger_id=trigger_id,
            response_url=response_url,
            channel={"id": channel_id} if channel_id else None,
            container=container,
            message={"ts": message_ts, "type": "message"} if message_ts else None,
        )

    def view_submission(
        self,
        view: JsonDict,
        values: JsonDict,
        *,
        user_id: str,
        user_name: str | None = None,
        trigger_id: str | None = None,
    ) -> bytes:
        """The modal `view` submitted with these input values."""
        payload = {
            "type": "view_submission",
            **self._envelope(user_id, user_name, trigger_id),
            "view": {**view, "state": {"values": values}},
            "response_urls": [],
        }
        return _form_payload(payload)

    def message_shortcut(
        self,
        callback_id: str,
        message: JsonDict,
        *,
        user_id: str,
        user_name: str | None = None,
        channel_id: str = "C0GENERAL",
        channel_name: str = "general",
        response_url: str | None = None,
        trigger_id: str | None = None,
    ) -> bytes:
        """A message shortcut chosen on `message`."""
        payload = {
            "type": "message_action",
            "callback_id": callback_id,
            **self._envelope(user_id, user_name, trigger_id),
            "channel": {"id": channel_id, "name": channel_name},
            "message": message,
            "message_ts": message.get("ts", "1700000000.000100"),
            "response_url": response_url or "https://hooks.slack.test/actions/x",
        }
        return _form_payload(payload)

    def event_callback(self, event: JsonDict, *, event_id: str | None = None) -> bytes:
        """An Events API delivery wrapping `event` (a fresh event_id unless one is given)."""
        body = {
            "token": self.verification_token,
            "team_id": self.team_id,
            "api_app_id": self.app_id,
            "event": {"event_ts": self._ts(), **event},
            "type": "event_callback",
            "event_id": event_id or "Ev" + uuid.uuid4().hex[:12].upper(),
            "event_time": int(self.clock()),
            "authorizations": [
                {
                    "enterprise_id": self.enterprise_id,
                    "team_id": None if self.is_enterprise_install else self.team_id,
                    "user_id": self.bot_user_id,
                    "is_bot": True,
                    "is_enterprise_install": self.is_enterprise_install,
                }
            ],
            **({"enterprise_id": self.enterprise_id} if self.enterprise_id else {}),
        }
        return json.dumps(body).encode()

    def _envelope(self, user_id: str, user_name: str | None, trigger_id: str | None) -> JsonDict:
        """What every interactive payload starts with: who, where and the trigger."""
        name = user_name or user_id.lower()
        return {
            "team": {"id": self.team_id, "domain": self.team_domain},
            "user": {"id": user_id, "username": name, "name": name, "team_id": self.team_id},
            "api_app_id": self.app_id,
            "token": self.verification_token,
            "trigger_id": trigger_id or self._trigger_id(),
            "is_enterprise_install": self.is_enterprise_install,
            "enterprise": {"id": self.enterprise_id} if self.enterprise_id else None,
        }

    def _trigger_id(self) -> str:
        return f"{int(self.clock())}.{uuid.uuid4().int % 10**12}.{uuid.uuid4().hex}"

    def _ts(self) -> str:
        return f"{self.clock():.6f}"


def _form_payload(payload: JsonDict) -> bytes:
    """Interactive payloads come as one form field holding JSON."""
    return urlencode({"payload": json.dumps(payload)}).encode()

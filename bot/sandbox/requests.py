"""Requests as Slack sends them, signed, handed to Coach's real WSGI application.

Why in-process WSGI rather than a socket: it is the exact production path (`bot/web.py`,
then Bolt's signature check, middleware and listeners) without a port to find or a server
thread to stop. Bodies are signed with the sandbox's own random signing secret, so an
unsigned or mis-signed request would be refused here just as in production.
"""

from __future__ import annotations

import io
import json
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode
from wsgiref.util import setup_testing_defaults

from slack_sdk.signature import SignatureVerifier

from bot import slack_ids
from bot.web import EVENTS_PATH

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIEnvironment

    WsgiApp = Callable[[WSGIEnvironment, StartResponse], Iterable[bytes]]

JsonDict = dict[str, Any]


@dataclass(frozen=True)
class Answer:
    """Coach's HTTP answer to one request (what Slack would receive as the ack)."""

    status: int
    body: bytes

    def json(self) -> JsonDict:
        """The ack's JSON body, or {} when the ack was empty (the usual case)."""
        try:
            data = json.loads(self.body) if self.body.strip() else {}
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}


@dataclass(frozen=True)
class Who:
    """The person a request comes from, as Slack names them in payloads."""

    user_id: str
    name: str


class SlackRequests:
    """Builds the payloads Slack would send for one workspace and posts them, signed."""

    def __init__(
        self,
        wsgi: WsgiApp,
        *,
        signing_secret: str,
        team_id: str,
        team_domain: str,
        app_id: str,
        bot_user_id: str,
        clock: Callable[[], float],
    ) -> None:
        self._wsgi = wsgi
        self._verifier = SignatureVerifier(signing_secret)
        self.team_id = team_id
        self.team_domain = team_domain
        self.app_id = app_id
        self.bot_user_id = bot_user_id
        self._clock = clock

    # --- the kinds of request ----------------------------------------------------------

    def slash_command(
        self,
        who: Who,
        text: str,
        *,
        channel: tuple[str, str],
        response_url: str,
        trigger_id: str,
    ) -> Answer:
        """`/coach text` typed by `who` in `channel` (id, name)."""
        fields = {
            "token": "sandbox-verification-token",
            "team_id": self.team_id,
            "team_domain": self.team_domain,
            "channel_id": channel[0],
            "channel_name": channel[1],
            "user_id": who.user_id,
            "user_name": who.name,
            "command": "/coach",
            "text": text,
            "api_app_id": self.app_id,
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": trigger_id,
        }
        return self._form(fields)

    def block_actions(self, who: Who, action: JsonDict, *, trigger_id: str, **where: Any) -> Answer:
        """A button press. `where` holds the container, channel, message, view and
        response_url that Slack includes for the surface the button was on."""
        payload = {
            "type": "block_actions",
            **self._envelope(who, trigger_id),
            "actions": [{**action, "action_ts": self._ts()}],
            "state": {"values": {}},
            **{key: value for key, value in where.items() if value is not None},
        }
        return self._form({"payload": json.dumps(payload)})

    def view_submission(
        self, who: Who, view: JsonDict, values: JsonDict, trigger_id: str
    ) -> Answer:
        """A modal submitted with these input values."""
        payload = {
            "type": "view_submission",
            **self._envelope(who, trigger_id),
            "view": {**view, "state": {"values": values}},
            "response_urls": [],
        }
        return self._form({"payload": json.dumps(payload)})

    def message_shortcut(
        self,
        who: Who,
        message: JsonDict,
        *,
        channel: tuple[str, str],
        response_url: str,
        trigger_id: str,
    ) -> Answer:
        """The "Reframe as coaching" shortcut, chosen on `message`."""
        payload = {
            "type": "message_action",
            "callback_id": slack_ids.SHORTCUT_REFRAME,
            **self._envelope(who, trigger_id),
            "channel": {"id": channel[0], "name": channel[1]},
            "message": message,
            "message_ts": message["ts"],
            "response_url": response_url,
        }
        return self._form({"payload": json.dumps(payload)})

    def event(self, event: JsonDict) -> Answer:
        """An Events API delivery wrapping `event`, with a fresh event_id."""
        body = {
            "token": "sandbox-verification-token",
            "team_id": self.team_id,
            "api_app_id": self.app_id,
            "event": {"event_ts": self._ts(), **event},
            "type": "event_callback",
            "event_id": "Ev" + uuid.uuid4().hex[:12].upper(),
            "event_time": int(self._clock()),
            "authorizations": [
                {"team_id": self.team_id, "user_id": self.bot_user_id, "is_bot": True}
            ],
        }
        return self.post(json.dumps(body).encode(), "application/json")

    # --- the wire ----------------------------------------------------------------------

    def post(self, body: bytes, content_type: str) -> Answer:
        """POST /slack/events, signed now (Bolt checks the signature against real time)."""
        stamp = str(int(time.time()))
        signature = self._verifier.generate_signature(timestamp=stamp, body=body.decode())
        environ: dict[str, Any] = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": EVENTS_PATH,
            "SERVER_PROTOCOL": "HTTP/1.1",
            "CONTENT_TYPE": content_type,
            "CONTENT_LENGTH": str(len(body)),
            "HTTP_X_SLACK_REQUEST_TIMESTAMP": stamp,
            "HTTP_X_SLACK_SIGNATURE": signature or "",
            "wsgi.input": io.BytesIO(body),
        }
        setup_testing_defaults(environ)
        statuses: list[int] = []

        def start_response(status: str, headers: list[tuple[str, str]], *_: Any) -> Any:
            statuses.append(int(status.split()[0]))
            return lambda data: None

        chunks = self._wsgi(environ, start_response)  # type: ignore[arg-type]
        return Answer(statuses[0] if statuses else 500, b"".join(chunks))

    def _form(self, fields: dict[str, str]) -> Answer:
        return self.post(urlencode(fields).encode(), "application/x-www-form-urlencoded")

    def _envelope(self, who: Who, trigger_id: str) -> JsonDict:
        return {
            "team": {"id": self.team_id, "domain": self.team_domain},
            "user": {
                "id": who.user_id,
                "username": who.name,
                "name": who.name,
                "team_id": self.team_id,
            },
            "api_app_id": self.app_id,
            "token": "sandbox-verification-token",
            "trigger_id": trigger_id,
            "is_enterprise_install": False,
            "enterprise": None,
        }

    def _ts(self) -> str:
        return f"{self._clock():.6f}"

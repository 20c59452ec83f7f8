"""Requests as Slack sends them, signed, handed to Coach's real WSGI application.

Why in-process WSGI rather than a socket: it is the exact production path (`bot/web.py`,
then Bolt's signature check, middleware and listeners) without a port to find or a server
thread to stop. The bodies are the emulator's (`slack_emulator.payloads`, the same the tests
and benchmarks send), signed with the sandbox's own random signing secret, so an unsigned or
mis-signed request would be refused here just as in production.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from wsgiref.util import setup_testing_defaults

from bot import slack_ids
from bot.web import EVENTS_PATH
from slack_emulator.payloads import Payloads, content_type, signed_headers

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIEnvironment

    WsgiApp = Callable[[WSGIEnvironment, StartResponse], Iterable[bytes]]

JsonDict = dict[str, Any]


@dataclass(frozen=True)
class Answer:
    """Coach's HTTP answer to one request (what Slack would receive as the ack)."""

    status: int
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)

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
        self._secret = signing_secret
        self._payloads = Payloads(
            team_id=team_id,
            team_domain=team_domain,
            app_id=app_id,
            bot_user_id=bot_user_id,
            verification_token="sandbox-verification-token",
            clock=clock,
        )

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
        return self.post(
            self._payloads.slash_command(
                text,
                user_id=who.user_id,
                user_name=who.name,
                channel_id=channel[0],
                channel_name=channel[1],
                response_url=response_url,
                trigger_id=trigger_id,
            )
        )

    def block_actions(self, who: Who, action: JsonDict, *, trigger_id: str, **where: Any) -> Answer:
        """A button press. `where` holds the container, channel, message, view and
        response_url that Slack includes for the surface the button was on."""
        return self.post(
            self._payloads.block_actions(
                action, user_id=who.user_id, user_name=who.name, trigger_id=trigger_id, **where
            )
        )

    def view_submission(
        self, who: Who, view: JsonDict, values: JsonDict, trigger_id: str
    ) -> Answer:
        """A modal submitted with these input values."""
        return self.post(
            self._payloads.view_submission(
                view, values, user_id=who.user_id, user_name=who.name, trigger_id=trigger_id
            )
        )

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
        return self.post(
            self._payloads.message_shortcut(
                slack_ids.SHORTCUT_REFRAME,
                message,
                user_id=who.user_id,
                user_name=who.name,
                channel_id=channel[0],
                channel_name=channel[1],
                response_url=response_url,
                trigger_id=trigger_id,
            )
        )

    def event(self, event: JsonDict) -> Answer:
        """An Events API delivery wrapping `event`, with a fresh event_id."""
        return self.post(self._payloads.event_callback(event))

    # --- the wire ----------------------------------------------------------------------

    def post(self, body: bytes) -> Answer:
        """POST /slack/events, signed now (Bolt checks the signature against real time)."""
        environ: dict[str, Any] = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": EVENTS_PATH,
            "SERVER_PROTOCOL": "HTTP/1.1",
            "CONTENT_TYPE": content_type(body),
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body),
        }
        for name, value in signed_headers(body, secret=self._secret).items():
            environ["HTTP_" + name.upper().replace("-", "_")] = value
        return self._call(environ)

    def browse(self, path: str, query: str = "", *, cookie: str | None = None) -> Answer:
        """GET a page as a browser does (the Add to Slack pages): no signature."""
        environ: dict[str, Any] = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SERVER_PROTOCOL": "HTTP/1.1",
            "wsgi.input": io.BytesIO(b""),
        }
        if cookie:
            environ["HTTP_COOKIE"] = cookie
        return self._call(environ)

    def _call(self, environ: dict[str, Any]) -> Answer:
        setup_testing_defaults(environ)
        statuses: list[int] = []
        sent: list[tuple[str, str]] = []

        def start_response(status: str, headers: list[tuple[str, str]], *_: Any) -> Any:
            statuses.append(int(status.split()[0]))
            sent.extend(headers)
            return lambda data: None

        chunks = self._wsgi(environ, start_response)
        return Answer(statuses[0] if statuses else 500, b"".join(chunks), tuple(sent))

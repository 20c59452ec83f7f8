"""The real Coach app (composition root, Bolt, WSGI front) served over HTTP on a free port."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from bot import slack_ids
from bot.clock import Clock
from bot.logs import ContextCarryingExecutor
from bot.services import Services
from bot.settings import Settings
from bot.slack_client import ClientTiming
from bot.web import build_wsgi
from bot.wiring import build_coach
from slack_emulator import SlackEmulator, payloads
from slack_emulator.payloads import TEAM_ID, Payloads
from tests.support.fake_time import instant_timing


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    request_queue_size = 128  # not 5: a burst of connections is not held back a second


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@dataclass
class Reply:
    status: int
    body: bytes
    headers: dict[str, str]

    @property
    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def text(self) -> str:
        """Every text field of a JSON reply (text and block texts), for plain assertions."""
        if not self.body:
            return ""
        try:
            data = self.json
        except ValueError:
            return self.body.decode()
        return "\n".join(_texts(data))


def _texts(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["text"]] if isinstance(node.get("text"), str) else []
        return found + [
            t for value in node.values() if not isinstance(value, str) for t in _texts(value)
        ]
    if isinstance(node, list):
        return [t for item in node for t in _texts(item)]
    return []


class RunningCoach:
    """Coach listening on 127.0.0.1:<free port>, as Slack would reach it.

    Its Web API client retries and paces on fake time (``instant_timing``) unless given a
    ``slack_timing``: the same calls in the same order, without the real waits between them.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        slack: SlackEmulator | None = None,
        clock: Clock | None = None,
        slack_timing: ClientTiming | None = None,
        migrate: bool = True,
        threaded: bool = True,
    ) -> None:
        """``threaded=False`` serves every request on one thread, one after the other, as
        a pooled worker thread of a production server does."""
        self.slack = slack
        self.services: Services
        self.services, self.app = build_coach(
            settings, clock=clock, slack_timing=slack_timing or instant_timing(), migrate=migrate
        )
        self._server = make_server(
            "127.0.0.1",
            0,
            build_wsgi(self.app, self.services),
            server_class=_ThreadingWSGIServer if threaded else WSGIServer,
            handler_class=_QuietHandler,
        )
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        # A short poll: shutdown() waits for the loop to notice, once per test.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        self._thread.start()

    def settle(self, timeout: float = 10) -> None:
        """Return once every acked request's work is over: the listeners Bolt runs after an
        ack, then the answers they queued. Nothing more reaches Slack from what was sent so
        far, so a test can assert what did not happen without sleeping on it."""
        listeners = self.app.listener_runner.listener_executor
        assert isinstance(listeners, ContextCarryingExecutor)
        assert listeners.wait_until_idle(timeout), "acked listeners still running"
        assert self.services.after_ack.wait_until_idle(timeout), "after-ack work still running"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        # As a graceful stop does: acked work still running finishes before the database
        # goes, so no listener outlives its test.
        self.app.listener_runner.listener_executor.shutdown(wait=True)
        self.services.after_ack.shutdown(wait=True)
        self.services.engine.dispose()

    # -- raw HTTP -------------------------------------------------------------------------

    def request(
        self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> Reply:
        request = urllib.request.Request(
            self.url + path, data=body or None, method=method, headers=headers or {}
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return Reply(response.status, response.read(), dict(response.headers))
        except urllib.error.HTTPError as error:
            return Reply(error.code, error.read(), dict(error.headers))

    def post_signed(self, body: bytes, *, content_type: str | None = None, **sign: Any) -> Reply:
        kind = content_type or payloads.content_type(body)
        headers = {"Content-Type": kind, **payloads.signed_headers(body, **sign)}
        return self.request("POST", "/slack/events", body, headers)

    # -- as a Slack user ------------------------------------------------------------------

    def command(self, text: str, *, user: str, team: str = TEAM_ID, **extra: Any) -> Reply:
        """Type ``/coach text`` as ``user``; Slack's reply URLs point at the emulator."""
        channel = extra.setdefault("channel_id", "C0GENERAL")
        if self.slack is not None:
            extra.setdefault("response_url", self.slack.response_url(channel, user))
            extra.setdefault("trigger_id", self.slack.workspace.new_trigger_id(user))
        return self.post_signed(Payloads(team_id=team).slash_command(text, user_id=user, **extra))

    def answer(self, text: str, *, user: str, **extra: Any) -> str:
        """Type ``/coach text`` and wait for the private answer that follows the ack."""
        reply = self.answer_params(text, user=user, **extra)
        return "\n".join(_texts(reply))

    def answer_params(self, text: str, *, user: str, **extra: Any) -> dict[str, Any]:
        """Type ``/coach text``; the private answer as posted (text, blocks, response_type)."""
        assert self.slack is not None, "answer() needs the Slack emulator"
        seen = len(self.slack.calls_to("response_url"))
        reply = self.command(text, user=user, **extra)
        assert reply.status == 200, reply
        if reply.body:
            return dict(reply.json)
        return dict(self.slack.wait_for("response_url", count=seen + 1)[seen].params)

    def pair(self, manager: str, rep: str, cadence: str = "", *, team: str = TEAM_ID) -> str:
        """``/coach team add`` as the manager, then the rep's Accept: a pairing in force.
        Returns the manager's answer to the add."""
        answer = self.answer(f"team add <@{rep}> {cadence}".strip(), user=manager, team=team)
        self.accept_invite(rep, team=team)
        return answer

    def invite_value(self, rep: str) -> str:
        """The pairing id on the newest Accept button DMed to ``rep``."""
        assert self.slack is not None, "invite_value() needs the Slack emulator"
        for call in reversed(self.slack.calls_to("chat.postMessage")):
            if call.params.get("channel") != rep:
                continue
            for block in call.params.get("blocks") or []:
                for element in block.get("elements") or []:
                    if element.get("action_id") == slack_ids.ACTION_PAIRING_ACCEPT:
                        return str(element["value"])
        raise AssertionError(f"no invitation was sent to {rep}")

    def accept_invite(self, rep: str, *, team: str = TEAM_ID, accept: bool = True) -> str:
        """The rep presses Accept (or Decline) on their newest invitation."""
        action = slack_ids.ACTION_PAIRING_ACCEPT if accept else slack_ids.ACTION_PAIRING_DECLINE
        return self.press(action, self.invite_value(rep), user=rep, team=team)

    def click(
        self, action_id: str, value: str, *, user: str, team: str = TEAM_ID, **extra: Any
    ) -> Reply:
        channel = extra.get("channel_id") or "D0CLICK"
        if self.slack is not None:
            extra.setdefault("response_url", self.slack.response_url(channel, user))
            extra.setdefault("trigger_id", self.slack.workspace.new_trigger_id(user))
        body = Payloads(team_id=team).button_press(action_id, value, user_id=user, **extra)
        return self.post_signed(body)

    def press(
        self, action_id: str, value: str, *, user: str, team: str = TEAM_ID, **extra: Any
    ) -> str:
        """Click a button and wait for the private answer that follows the ack."""
        assert self.slack is not None, "press() needs the Slack emulator"
        seen = len(self.slack.calls_to("response_url"))
        reply = self.click(action_id, value, user=user, team=team, **extra)
        assert reply.status == 200, reply
        calls = self.slack.wait_for("response_url", count=seen + 1)
        return "\n".join(_texts(calls[seen].params))

    def submit(
        self, callback_id: str, values: dict, *, user: str, private_metadata: str = ""
    ) -> Reply:
        view = payloads.modal(callback_id, private_metadata=private_metadata)
        return self.post_signed(Payloads().view_submission(view, values, user_id=user))

    def shortcut(self, callback_id: str, message: dict, *, user: str, **extra: Any) -> Reply:
        channel = extra.setdefault("channel_id", "C0GENERAL")
        if self.slack is not None:
            extra.setdefault("response_url", self.slack.response_url(channel, user))
            extra.setdefault("trigger_id", self.slack.workspace.new_trigger_id(user))
        return self.post_signed(
            Payloads().message_shortcut(callback_id, message, user_id=user, **extra)
        )

    def event(self, event: dict, **extra: Any) -> Reply:
        return self.post_signed(Payloads().event_callback(event, **extra))

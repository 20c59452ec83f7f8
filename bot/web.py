"""The WSGI application served in HTTP mode: ``POST /slack/events`` and ``GET /healthz``."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk.signature import SignatureVerifier

import prompts
from bot.logs import new_request_id, request_id
from bot.request_shape import shape_problem
from bot.services import Services
from bot.startup import SlackAuth
from storage.db import database_answers
from storage.migrate import schema_state

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIEnvironment

logger = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"

WsgiApp = Callable[["WSGIEnvironment", "StartResponse"], Iterable[bytes]]


def build_wsgi(app: App, services: Services, *, slack_auth: SlackAuth | None = None) -> WsgiApp:
    """``slack_auth`` is what /healthz reports of Slack; without one (tests, the sandbox)
    Slack is reported as ``not checked`` and does not make the server degraded."""
    slack = SlackRequestHandler(app, path=EVENTS_PATH)
    verifier = SignatureVerifier(services.settings.slack_signing_secret or "")

    def application(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        # A worker thread serves request after request: without a fresh id, lines logged
        # before Bolt's middleware names this one (a refused signature) carry the last one's.
        token = request_id.set(new_request_id())
        try:
            return route(environ, start_response)
        finally:
            request_id.reset(token)

    def route(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path == HEALTH_PATH and method in {"GET", "HEAD"}:
            return _health(services, slack_auth, start_response)
        if path == EVENTS_PATH and method == "POST":
            if not _timestamp_is_numeric(environ):
                # Bolt raises on a non-numeric timestamp; a forged header is a 401, not a 500.
                return _plain(start_response, "401 Unauthorized", "invalid request")
            body = _read_body(environ)
            # The signature first: nothing of an unsigned body is read, parsed or logged.
            if not _signed(verifier, body, environ):
                logger.info("Invalid request signature or timestamp: refused, body not read")
                return _plain(start_response, "401 Unauthorized", "invalid request")
            problem = _unreadable(body, environ.get("CONTENT_TYPE", ""))
            if problem is not None:
                # Signed but not what Slack sends: the sender's mistake, never our 500.
                logger.info("refused a signed request: %s", problem)
                return _plain(start_response, "400 Bad Request", "unreadable request body")
            if _slack_is_away(slack_auth) and _is_slash_command(
                body, environ.get("CONTENT_TYPE", "")
            ):
                # Bolt would call auth.test first and answer 500; the ack still reaches.
                return _slack_unreachable(start_response)
        return slack(environ, start_response)

    return application


def _read_body(environ: WSGIEnvironment) -> bytes:
    """Read the body once and put it back, so Bolt reads the same bytes."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    body = environ["wsgi.input"].read(length) if length > 0 else b""
    environ["wsgi.input"] = io.BytesIO(body)
    return body


def _unreadable(body: bytes, content_type: str) -> str | None:
    """What is wrong with a signed body, read as Bolt will read it (by its content type:
    JSON, or a form whose ``payload`` is JSON), or None when it is shaped as Slack's are."""
    try:
        text = body.decode("utf-8")
        if content_type.split(";")[0].strip().lower() == "application/json":
            parsed: Any = json.loads(text)
        else:
            form = {key: values[0] for key, values in parse_qs(text).items()}
            if not {"payload", "command", "ssl_check"} & form.keys():
                return "a form Slack does not send"
            parsed = json.loads(form["payload"]) if "payload" in form else form
    except (UnicodeDecodeError, ValueError, RecursionError):
        return "not JSON or a form"
    return shape_problem(parsed)


def _slack_is_away(slack_auth: SlackAuth | None) -> bool:
    return slack_auth is not None and slack_auth.state == "unreachable"


def _is_slash_command(body: bytes, content_type: str) -> bool:
    if content_type.split(";")[0].strip().lower() == "application/json":
        return False
    return "command" in parse_qs(body.decode("utf-8", errors="replace"))


def _slack_unreachable(start_response: StartResponse) -> Iterable[bytes]:
    """A private answer in the ack itself: the one reply that needs no call to Slack."""
    answer = {"response_type": "ephemeral", "text": prompts.text("errors", "slack_unreachable")}
    body = json.dumps(answer).encode()
    start_response(
        "200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    )
    return [body]


def _signed(verifier: SignatureVerifier, body: bytes, environ: WSGIEnvironment) -> bool:
    headers = {
        "x-slack-request-timestamp": environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", ""),
        "x-slack-signature": environ.get("HTTP_X_SLACK_SIGNATURE", ""),
    }
    if not all(headers.values()):
        return False
    try:
        return verifier.is_valid_request(body, headers)
    except (UnicodeDecodeError, ValueError):
        return False  # Slack only ever sends UTF-8, and stamps are numbers


def _timestamp_is_numeric(environ: WSGIEnvironment) -> bool:
    """Headers Slack always sends must be digits; anything else is not Slack."""
    if environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP") is None:
        return True  # let Bolt's own check answer the missing header with 401
    value = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", "")
    return value.isascii() and value.isdigit() and len(value) <= 12


def build_health_wsgi(
    services: Services, slack_auth: SlackAuth, socket_connected: Callable[[], bool]
) -> WsgiApp:
    """Socket Mode's only HTTP surface: ``GET /healthz`` on PORT, with the socket's state.
    No events path: Socket Mode has no signing secret to check a request with."""

    def application(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == HEALTH_PATH and environ.get("REQUEST_METHOD") in {
            "GET",
            "HEAD",
        }:
            return _health(services, slack_auth, start_response, socket=socket_connected())
        return _plain(start_response, "404 Not Found", "not found")

    return application


def _health(
    services: Services,
    slack_auth: SlackAuth | None,
    start_response: StartResponse,
    *,
    socket: bool | None = None,
) -> Iterable[bytes]:
    """503 unless the database answers and its schema is at the migration head (else every
    command would fail on a missing table); 200 ``degraded`` while Slack refuses or does not
    answer, or the Socket Mode connection is down (it reconnects by itself), since
    restarting would not help."""
    database = database_answers(services.engine)
    schema = schema_state(services.engine) if database else "unknown"
    slack = slack_auth.state if slack_auth is not None else "not checked"
    report: dict[str, object] = {"database": database, "schema": schema, "slack": slack}
    if socket is not None:
        report["socket"] = "connected" if socket else "disconnected"
    if not database or schema != "current":
        verdict, status = "unavailable", "503 Service Unavailable"
    elif slack not in {"ok", "not checked"} or socket is False:
        verdict, status = "degraded", "200 OK"
    else:
        verdict, status = "ok", "200 OK"
    body = json.dumps({"status": verdict, **report}).encode()
    start_response(
        status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    )
    return [body]


def _plain(start_response: StartResponse, status: str, text: str) -> Iterable[bytes]:
    body = text.encode()
    start_response(status, [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]

"""The WSGI application served in HTTP mode: ``POST /slack/events`` and ``GET /healthz``."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING
from urllib.parse import parse_qs

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk.signature import SignatureVerifier

from bot.logs import new_request_id, request_id
from bot.services import Services
from storage.db import database_answers

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIEnvironment

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"

WsgiApp = Callable[["WSGIEnvironment", "StartResponse"], Iterable[bytes]]


def build_wsgi(app: App, services: Services) -> WsgiApp:
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
            return _health(services, start_response)
        if path == EVENTS_PATH and method == "POST":
            if not _timestamp_is_numeric(environ):
                # Bolt raises on a non-numeric timestamp; a forged header is a 401, not a 500.
                return _plain(start_response, "401 Unauthorized", "invalid request")
            body = _read_body(environ)
            if not _parses(body):
                # Bolt would raise parsing it: a signed-but-broken body is the sender's fault.
                signed = _signed(verifier, body, environ)
                status = "400 Bad Request" if signed else "401 Unauthorized"
                return _plain(start_response, status, "unreadable request body")
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


def _parses(body: bytes) -> bool:
    """Whether Bolt can read this body: JSON, or a form whose ``payload`` is JSON."""
    try:
        text = body.decode("utf-8")
        if text.startswith("{"):
            json.loads(text)
        elif text.startswith("payload="):
            json.loads(parse_qs(text)["payload"][0])
    except (UnicodeDecodeError, ValueError, KeyError):
        return False
    return True


def _signed(verifier: SignatureVerifier, body: bytes, environ: WSGIEnvironment) -> bool:
    headers = {
        "x-slack-request-timestamp": environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", ""),
        "x-slack-signature": environ.get("HTTP_X_SLACK_SIGNATURE", ""),
    }
    try:
        return verifier.is_valid_request(body, headers)
    except UnicodeDecodeError:
        return False  # Slack only ever sends UTF-8


def _timestamp_is_numeric(environ: WSGIEnvironment) -> bool:
    """Headers Slack always sends must be digits; anything else is not Slack."""
    if environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP") is None:
        return True  # let Bolt's own check answer the missing header with 401
    value = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", "")
    return value.isascii() and value.isdigit() and len(value) <= 12


def _health(services: Services, start_response: StartResponse) -> Iterable[bytes]:
    ok = database_answers(services.engine)
    body = json.dumps({"status": "ok" if ok else "unavailable", "database": ok}).encode()
    status = "200 OK" if ok else "503 Service Unavailable"
    start_response(
        status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    )
    return [body]


def _plain(start_response: StartResponse, status: str, text: str) -> Iterable[bytes]:
    body = text.encode()
    start_response(status, [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]

"""Slack's Web API over HTTP on 127.0.0.1, backed by a `Workspace`.

Why: the app talks to Slack through a real slack_sdk WebClient, so pointing its base URL
(SLACK_API_URL) here exercises the same HTTP, encodings, retries and error handling as
production does. This module only turns requests into `Workspace.handle(...)` calls and
`Reply`s back into responses; what Slack does lives in `workspace.py`. One server may serve
many workspaces (`SlackEmulator.serve_workspace`), each call answered by the workspace its
token belongs to, after the emulator's latency (`latency.py`).

It also serves response_urls (`/response/<key>`), because Bolt's `respond()` posts to the
response_url of a slash command or an action rather than to the Web API.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
import time
from collections import Counter
from collections.abc import Iterator
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, cast
from urllib.parse import parse_qsl, urlsplit

from slack_emulator.latency import Latency
from slack_emulator.oauth import OAuthAuthority
from slack_emulator.wire import ApiCall, Reply
from slack_emulator.workspace import Workspace

logger = logging.getLogger(__name__)

# Parameters whose value is JSON; form-encoded requests carry them as JSON strings.
JSON_FIELDS = ("blocks", "attachments", "view", "metadata", "files")


def decode_params(params: dict[str, Any]) -> dict[str, Any]:
    """The params with JSON-string fields (blocks, view...) decoded to Python objects.

    A value that is not valid JSON is left as it came, so the method answers the error
    Slack would (`invalid_blocks`, `invalid_arguments`) instead of the server failing.
    """
    decoded = dict(params)
    for name in JSON_FIELDS:
        value = decoded.get(name)
        if isinstance(value, str) and value.strip()[:1] in ("[", "{"):
            with contextlib.suppress(json.JSONDecodeError):
                decoded[name] = json.loads(value)
    return decoded


def bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer …` header, if there is one."""
    if authorization and authorization.lower().startswith("bearer "):
        return authorization[len("bearer ") :].strip() or None
    return None


class _Server(ThreadingHTTPServer):
    """A threading HTTP server that knows the workspaces it serves."""

    daemon_threads = True
    # socketserver's default backlog of 5 overflows when a sweep's lookup threads connect
    # at once, and each refused SYN is retried a whole second later: about 1 s per sweep.
    # A fan-out sweep opens a connection per post in flight, for many workspaces at once.
    request_queue_size = 1024

    def __init__(self, address: tuple[str, int], emulator: SlackEmulator) -> None:
        super().__init__(address, _Handler)
        self.emulator = emulator


class _Handler(BaseHTTPRequestHandler):
    """One request: parse it, let the workspace answer, write the reply (or drop the line)."""

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _serve(self) -> None:
        url = urlsplit(self.path)
        if url.path.startswith("/upload/"):  # a file's bytes, as they are: never form fields
            length = int(self.headers.get("Content-Length") or 0)
            data = self.rfile.read(length) if length else b""
            emulator = cast(_Server, self.server).emulator
            team_id, _, file_id = url.path.removeprefix("/upload/").partition("/")
            workspace = emulator.workspaces.get(team_id, emulator.workspace)
            self._write(workspace.receive_upload(file_id, data))
            return
        params: dict[str, Any] = dict(parse_qsl(url.query, keep_blank_values=True))
        params.update(self._body_params())
        reply = self._route(url.path, params)
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the caller left
            self._write(reply)

    def _route(self, path: str, params: dict[str, Any]) -> Reply:
        emulator = cast(_Server, self.server).emulator
        authorization = self.headers.get("Authorization")
        if path == "/api/oauth.v2.access":  # no bearer token: the app's id and secret
            with emulator.answering("", "oauth.v2.access"):
                return emulator.oauth.access(params, authorization)
        if path.startswith("/api/"):
            token = bearer_token(authorization) or params.pop("token", None)
            params.pop("token", None)
            method = path.removeprefix("/api/")
            workspace = emulator.workspace_for(token, params.get("team_id"))
            with emulator.answering(workspace.team_id, method):
                if method == "apps.uninstall":
                    return emulator.uninstall_app(workspace, decode_params(params), token)
                return workspace.handle(method, decode_params(params), token)
        if path.startswith("/response/"):
            key = path.removeprefix("/response/")
            workspace = emulator.workspace_with_response_url(key)
            return workspace.respond(key, decode_params(params))
        return Reply(404, {"ok": False, "error": "not_found"})

    def _body_params(self) -> dict[str, Any]:
        """The body's fields, whichever of the encodings slack_sdk uses it came in."""
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if not raw:
            return {}
        kind = self.headers.get_content_type()
        if kind == "application/json":
            body = json.loads(raw.decode("utf-8"))
            return body if isinstance(body, dict) else {}
        if kind == "multipart/form-data":
            return _multipart_fields(self.headers.get("Content-Type", ""), raw)
        return dict(parse_qsl(raw.decode("utf-8"), keep_blank_values=True))

    def _write(self, reply: Reply) -> None:
        if reply.plain is not None:
            text = reply.plain.encode("utf-8")
            self.send_response(reply.status)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(text)))
            self.end_headers()
            self.wfile.write(text)
            return
        if reply.body is None:
            self.close_connection = True  # no status line at all: the client sees a reset
            return
        payload = json.dumps(reply.body).encode("utf-8")
        self.send_response(reply.status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet by default: one stderr line per request drowns a test run."""
        logger.debug("slack emulator: " + format, *args)


def _multipart_fields(content_type: str, raw: bytes) -> dict[str, Any]:
    """Fields of a multipart/form-data body (files come through as bytes)."""
    message = BytesParser(policy=HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + raw
    )
    fields: dict[str, Any] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if name:
            fields[str(name)] = part.get_content()
    return fields


class SlackEmulator:
    """A fake Slack Web API on 127.0.0.1 (a free port), for `WebClient(base_url=emulator.url)`.

    Use as a context manager or with `start()` / `stop()`. The workspace's setup, inspection
    and fault-injection helpers are reachable from the emulator itself, so a test needs one
    object: `emulator.add_user(...)`, `emulator.wait_for("chat.postMessage")`.
    """

    def __init__(
        self,
        workspace: Workspace | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        latency: Latency | str | None = None,
    ) -> None:
        self.workspace = workspace if workspace is not None else Workspace()
        if latency is None:
            latency = Latency.from_env()
        self.latency = Latency.parse(latency) if isinstance(latency, str) else latency
        # Every workspace served, by team id; the first is `workspace`. A call goes to the
        # workspace its token belongs to (the first when the token is nobody's), each with
        # its own state and its own limits.
        self.workspaces: dict[str, Workspace] = {self.workspace.team_id: self.workspace}
        self._by_token: dict[str, Workspace] = {}
        self._lock = threading.Lock()
        # Calls being answered right now, and the most there ever were, by (team, method).
        self._in_flight: Counter[tuple[str, str]] = Counter()
        self._most_in_flight: Counter[tuple[str, str]] = Counter()
        # "Add to Slack": installs, rotating tokens and uninstalls across the workspaces.
        self.oauth = OAuthAuthority(lambda: list(self.workspaces.values()))
        self._address = (host, port)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        ws = self.workspace
        # Setup.
        self.add_user = ws.add_user
        self.set_status = ws.set_status
        self.add_channel = ws.add_channel
        self.add_members = ws.add_members
        self.remove_bot_from = ws.remove_bot_from
        self.dm_channel_id = ws.dm_channel_id
        self.post_as_user = ws.post_as_user
        self.new_trigger_id = ws.new_trigger_id
        # Records and inspection.
        self.calls_to = ws.calls_to
        self.clear_calls = ws.clear_calls
        self.wait_for = ws.wait_for
        self.messages_in = ws.messages_in
        self.dm_messages = ws.dm_messages
        self.ephemerals_for = ws.ephemerals_for
        self.home_view = ws.home_view
        self.open_views = ws.open_views
        self.close_view = ws.close_view
        # Faults and pacing.
        self.fail_next = ws.fail_next
        self.rate_limit_next = ws.rate_limit_next
        self.server_error_next = ws.server_error_next
        self.reset_connection_next = ws.reset_connection_next
        self.server_error_after_accept_next = ws.server_error_after_accept_next
        self.reset_connection_after_accept_next = ws.reset_connection_after_accept_next
        self.clear_faults = ws.clear_faults
        self.enforce_rate_limits = ws.enforce_rate_limits
        self.relax_rate_limits = ws.relax_rate_limits

    def add_workspace(
        self,
        team_id: str,
        team_name: str,
        *,
        enterprise_id: str | None = None,
        enterprise_name: str | None = None,
    ) -> Workspace:
        """Another workspace on this Slack (in an Enterprise Grid org when ``enterprise_id``
        is given), reached with the tokens its installs are granted."""
        workspace = Workspace(
            team_id,
            team_name,
            bot_token=f"xoxb-{team_id.lower()}-static",
            clock=self.workspace.clock,
            enterprise_id=enterprise_id,
            enterprise_name=enterprise_name,
        )
        return self.serve_workspace(workspace)

    def serve_workspace(self, workspace: Workspace) -> Workspace:
        """Serve another, ready-made workspace (its own team id and tokens) from here too."""
        with self._lock:
            self.workspaces[workspace.team_id] = workspace
            self._by_token = {}
        if self._server is not None:
            workspace.upload_root = self._upload_root(workspace)
        return workspace

    def _upload_root(self, workspace: Workspace) -> str:
        """Where files.getUploadURLExternal sends a workspace's uploads: by team, so the
        bytes reach the workspace that asked for the URL."""
        return f"{self.root_url}upload/{workspace.team_id}/"

    def workspace_for(self, token: str | None, team_id: Any = None) -> Workspace:
        """The workspace a token speaks for: its static bot or app token first (an index,
        so a thousand workspaces cost one lookup), else the tokens its installs were
        granted; an org-wide token speaks for each workspace of its org, and the call's
        ``team_id`` picks one."""
        with self._lock:
            if not self._by_token:  # the first workspace keeps a token others share
                for each in self.workspaces.values():
                    self._by_token.setdefault(each.bot_token, each)
                    self._by_token.setdefault(each.app_token, each)
            known = self._by_token.get(token or "")
            workspaces = list(self.workspaces.values())
        if known is not None and (team_id is None or known.team_id == team_id):
            return known
        holders = [
            w
            for w in workspaces
            if token
            and (token == w.bot_token or token in w.granted_tokens or token in w.revoked_tokens)
        ]
        for workspace in holders:
            if workspace.team_id == team_id:
                return workspace
        return holders[0] if holders else self.workspace

    def workspace_with_response_url(self, key: str) -> Workspace:
        for workspace in self.workspaces.values():
            if key in workspace.response_targets:
                return workspace
        return self.workspace

    def uninstall_app(
        self, workspace: Workspace, params: dict[str, Any], token: str | None
    ) -> Reply:
        """apps.uninstall: the app's own id and secret, and a token of the workspace."""
        secret = self.oauth.apps.get(str(params.get("client_id", "")))
        if secret is None or secret != params.get("client_secret"):
            return Reply.error("invalid_client_id")
        reply = workspace.handle("apps.uninstall", params, token)
        if reply.body is not None and reply.body.get("ok"):
            self.oauth.uninstall(workspace)
        return reply

    def install(
        self,
        workspace: Workspace,
        *,
        user_id: str,
        client_id: str,
        org_wide: bool = False,
    ) -> str:
        """A member approves the install on Slack's page: the code for the redirect URL."""
        return self.oauth.authorize(
            workspace, user_id=user_id, client_id=client_id, org_wide=org_wide
        )

    @contextlib.contextmanager
    def answering(self, team_id: str, method: str) -> Iterator[None]:
        """Around one call: the latency (half before it takes effect, half after), counted
        as in flight for its workspace meanwhile."""
        key, delay = (team_id, method), self.latency.sample()
        with self._lock:
            self._in_flight[key] += 1
            self._most_in_flight[key] = max(self._most_in_flight[key], self._in_flight[key])
        try:
            time.sleep(delay / 2)  # the request on its way
            yield
            time.sleep(delay / 2)  # the answer on its way back
        finally:
            with self._lock:
                self._in_flight[key] -= 1

    @property
    def calls(self) -> list[ApiCall]:
        """Every call so far to the first workspace, in arrival order."""
        return self.workspace.calls

    def most_in_flight(self, method: str, team_id: str | None = None) -> int:
        """The most calls to ``method`` from one workspace (the first unless named) that
        were being answered at the same moment: what a client's bound on concurrency let
        through."""
        with self._lock:
            return self._most_in_flight[(team_id or self.workspace.team_id, method)]

    @property
    def token(self) -> str:
        """The bot token the emulator accepts."""
        return self.workspace.bot_token

    @property
    def root_url(self) -> str:
        """http://127.0.0.1:PORT/ (the server must be running)."""
        if self._server is None:
            raise RuntimeError("the Slack emulator is not running; call start() first")
        host, port = self._server.server_address[:2]
        return f"http://{host.decode() if isinstance(host, bytes) else host}:{port}/"

    @property
    def url(self) -> str:
        """The Web API base URL for `WebClient(base_url=...)` and SLACK_API_URL."""
        return self.root_url + "api/"

    def response_url(self, channel_id: str, user_id: str) -> str:
        """A response_url for a slash command or action payload from this member in this
        channel; what the app posts there shows up in `ephemerals_for` or `messages_in`."""
        key = self.workspace.new_response_target(channel_id, user_id)
        return f"{self.root_url}response/{key}"

    def start(self) -> SlackEmulator:
        """Listen on a free port and serve from a daemon thread."""
        if self._server is not None:
            return self
        self._server = _Server(self._address, self)
        for workspace in self.workspaces.values():
            workspace.upload_root = self._upload_root(workspace)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.01},
            name="slack-emulator",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and free the port."""
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server, self._thread = None, None

    def __enter__(self) -> SlackEmulator:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

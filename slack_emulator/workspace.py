"""One fake Slack workspace and the Web API over it.

Why this exists: Coach's tests and its `coach try` sandbox need a Slack that answers the way
Slack does (Slack-shaped ids and ts values, DM channels, `{"ok": false, "error": ...}`) without
a network. This module is that Slack minus HTTP: `Workspace.handle(method, params, token)`
takes decoded parameters and returns a `Reply` that `server.py` writes to the wire.

Every call is recorded as an `ApiCall`, so tests assert on what the app asked Slack to do, and
faults can be queued per method to exercise the app's retries. The state lives in
`state.py`, the objects in `objects.py`, each method in `methods.py`; this is the dispatch:
queued faults first, then authentication, pacing, and the method itself.
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Mapping
from typing import Any

from slack_emulator.methods import METHODS, message_content
from slack_emulator.objects import Ephemeral, ResponseTarget
from slack_emulator.state import WorkspaceState
from slack_emulator.wire import ApiCall, ApiError, Params, Reply


class Workspace(WorkspaceState):
    """The state of one fake Slack workspace and the Web API over it.

    Setup (`add_user`, `add_channel`...), inspection (`calls`, `messages_in`, `home_view`...)
    and fault injection (`fail_next`...) are for tests and the sandbox; `handle` is what the
    HTTP server calls. `clock` is the workspace's notion of now (ts values, `tz_offset`,
    status expiry, `ApiCall.at`), replaceable for time travel.
    """

    def handle(self, method: str, params: Mapping[str, Any], token: str | None) -> Reply:
        """Answer one Web API call, and record it."""
        with self.lock:
            reply, fault = self._answer(method, Params(params), token)
            self._record(method, params, token, reply, fault)
            return reply

    def respond(self, key: str, payload: Mapping[str, Any]) -> Reply:
        """Answer a POST to a response_url: an ephemeral reply, or `in_channel` for everyone.
        Recorded as method "response_url"."""
        with self.lock:
            target = self.response_targets.get(key)
            if target is None:
                reply = Reply(404, {"ok": False, "error": "expired_url"})
            else:
                self._respond_into(target, Params(payload))
                reply = Reply(200, {"ok": True})
            self._record("response_url", payload, None, reply, None)
            return reply

    def receive_upload(self, file_id: str, data: bytes) -> Reply:
        """A POST of a file's bytes to the URL files.getUploadURLExternal gave: answered as
        Slack does, in plain text. Recorded as method "upload" (with the byte count)."""
        with self.lock:
            reserved = self.files.get(file_id)
            if reserved is None or reserved.completed:
                reply = Reply(404, plain="Not Found")
            else:
                reserved.data = data
                reply = Reply(200, plain=f"OK - {len(data)}")
            self._record("upload", {"file_id": file_id, "bytes": len(data)}, None, reply, None)
            return reply

    def _answer(self, method: str, params: Params, token: str | None) -> tuple[Reply, str | None]:
        queued = self._faults.get(method)
        if queued:
            fault = queued.popleft()
            if fault.after_accept and method in METHODS:
                # Refused anyway: nothing happened, and the fault's reply still goes.
                with contextlib.suppress(ApiError):
                    METHODS[method](self, params)
            return fault.reply, fault.kind
        handler = METHODS.get(method)
        if handler is None:
            return Reply.error("unknown_method", req_method=method), None
        if not token:
            return Reply.error("not_authed"), None
        expected = self.app_token if method.startswith("apps.connections.") else self.bot_token
        if token != expected:
            problem = self.token_problem(token)
            if problem is not None or method.startswith("apps.connections."):
                return Reply.error(problem or "invalid_auth"), None
        wait = self._paced(method, params)
        if wait is not None:
            return Reply.rate_limited(wait), "paced"
        try:
            return Reply(200, {"ok": True, **handler(self, params)}), None
        except ApiError as refused:
            return Reply.error(refused.error), None

    def _paced(self, method: str, params: Params) -> int | None:
        if self._pacing is None:
            return None
        if method != "chat.postMessage":
            return self._pacing.retry_after_call(method)
        channel = self._resolve(params.text("channel"), create_dm=False)
        return self._pacing.retry_after(channel.id if channel else params.text("channel"))

    def _record(
        self,
        method: str,
        params: Mapping[str, Any],
        token: str | None,
        reply: Reply,
        fault: str | None,
    ) -> None:
        body = reply.body or {}
        if reply.plain is not None:
            body = {"ok": reply.status == 200}
        error = None if body.get("ok", reply.body is None) else body.get("error")
        recorded = {key: value for key, value in params.items() if key != "token"}
        self._calls.append(
            ApiCall(
                method,
                copy.deepcopy(recorded),
                token,
                self.clock(),
                fault,
                reply.status,
                error,
            )
        )
        self.lock.notify_all()

    def _respond_into(self, target: ResponseTarget, params: Params) -> None:
        if params.flag("delete_original"):
            return
        content = message_content(params, required=False)
        channel = self._resolve(target.channel, create_dm=True)
        if params.text("response_type") == "in_channel" and channel is not None:
            self.add_message(channel, self.bot_user_id, content, params.text("thread_ts") or None)
            return
        self.ephemerals.append(
            Ephemeral(
                target.channel,
                target.user,
                self.next_ts(),
                content["text"],
                content["blocks"],
                content["attachments"],
                params.text("thread_ts") or None,
            )
        )

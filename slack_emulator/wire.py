"""The Web API's wire protocol: what a call carries in, what is written back, and the record.

Why apart: the HTTP server, the method handlers and the workspace's dispatch all speak in
these terms (`Params` in, `Reply` or `ApiError` out, an `ApiCall` recorded), and none of
them needs the workspace's objects to do so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

JsonDict = dict[str, Any]


@dataclass(frozen=True)
class ApiCall:
    """One call as the emulator received it, in arrival order: what the app asked Slack to do.

    `params` are decoded (JSON strings such as `blocks` or `view` are Python objects) and never
    include the token. `at` is the workspace clock's time. `fault` names the injected fault or
    pacing limit that answered instead of the method ("fail", "rate_limit", "server_error",
    "reset_connection", "paced"), `status` is the HTTP status (0 when the connection was
    dropped) and `error` the `error` Slack answered with.
    """

    method: str
    params: JsonDict
    token: str | None
    at: float
    fault: str | None = None
    status: int = 200
    error: str | None = None

    @property
    def ok(self) -> bool:
        """Whether Slack answered `ok: true` (what the app saw as a success)."""
        return self.status == 200 and self.error is None


@dataclass(frozen=True)
class Reply:
    """What to write back: an HTTP status, a JSON body (None: drop the connection), headers."""

    status: int = 200
    body: JsonDict | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    # A plain-text answer instead of JSON (a file's upload URL answers "OK - <bytes>").
    plain: str | None = None

    @classmethod
    def error(cls, error: str, **extra: Any) -> Reply:
        """Slack's usual failure: HTTP 200 with `ok: false`."""
        return cls(200, {"ok": False, "error": error, **extra})

    @classmethod
    def rate_limited(cls, retry_after: int) -> Reply:
        """Slack's 429, whose `Retry-After` header says how many seconds to wait."""
        return cls(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(retry_after)})


DROPPED_CONNECTION = Reply(status=0, body=None)


class ApiError(Exception):
    """Raised by a method handler to answer `{"ok": false, "error": error}`."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


@dataclass(frozen=True)
class Fault:
    """A queued stand-in answer for the next call to one method."""

    kind: str
    reply: Reply
    # The method runs first (Slack did the work), then this reply goes out instead.
    after_accept: bool = False


class Params:
    """Read access to one call's decoded parameters, with Slack's lenient coercions."""

    def __init__(self, values: Mapping[str, Any]) -> None:
        self.values = dict(values)

    def __contains__(self, name: str) -> bool:
        return name in self.values

    def get(self, name: str) -> Any:
        return self.values.get(name)

    def text(self, name: str) -> str:
        value = self.values.get(name)
        return "" if value is None else str(value)

    def require(self, name: str, error: str) -> str:
        """The parameter's text, or the Slack error a call without it gets."""
        value = self.text(name)
        if not value:
            raise ApiError(error)
        return value

    def flag(self, name: str) -> bool:
        return self.values.get(name) in (True, 1, "1", "true", "True")

    def integer(self, name: str, default: int) -> int:
        value = self.values.get(name)
        if value in (None, ""):
            return default
        try:
            return int(value)
        except (TypeError, ValueError):
            raise ApiError("invalid_arguments") from None

"""One fake Slack workspace: its users, channels, messages and views, and the Web API over them.

Why this exists: Coach's tests and its `coach try` sandbox need a Slack that answers the way
Slack does (Slack-shaped ids and ts values, DM channels, `{"ok": false, "error": ...}`) without
a network. This module is that Slack minus HTTP: `Workspace.handle(method, params, token)`
takes decoded parameters and returns a `Reply` that `server.py` writes to the wire.

Every call is recorded as an `ApiCall`, so tests assert on what the app asked Slack to do, and
faults can be queued per method to exercise the app's retries. One re-entrant lock (a
`threading.Condition`) guards all state: the HTTP server's threads, the app's threads and the
test thread all share one workspace, and `wait_for` sleeps on the same condition.

Method handlers are small module-level functions `(workspace, params) -> body`, registered in
`METHODS`. They run with the lock held, validate everything before changing anything (a
refused call leaves no trace but its record), and raise `ApiError` to answer `ok: false`.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import itertools
import math
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

JsonDict = dict[str, Any]

_TZ_LABELS = {
    "EST": "Eastern Standard Time",
    "EDT": "Eastern Daylight Time",
    "CST": "Central Standard Time",
    "CDT": "Central Daylight Time",
    "MST": "Mountain Standard Time",
    "MDT": "Mountain Daylight Time",
    "PST": "Pacific Standard Time",
    "PDT": "Pacific Daylight Time",
    "GMT": "Greenwich Mean Time",
    "BST": "British Summer Time",
    "UTC": "Coordinated Universal Time",
    "CET": "Central European Time",
    "CEST": "Central European Summer Time",
}


# --- records and replies --------------------------------------------------------------------


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


class Pacing:
    """Roughly Slack's chat.postMessage limits: about one message per second per channel,
    and optionally a workspace-wide cap per minute. Real (monotonic) time, because the client
    waits out `Retry-After` in real time."""

    def __init__(
        self,
        per_channel_per_second: float,
        per_minute: int | None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if per_channel_per_second <= 0 or (per_minute is not None and per_minute <= 0):
            raise ValueError("rate limits must be positive")
        self.interval = 1.0 / per_channel_per_second
        self.per_minute = per_minute
        self.clock = clock
        self.last_post: dict[str, float] = {}
        self.recent: deque[float] = deque()

    def retry_after(self, channel_key: str) -> int | None:
        """Seconds to wait before posting to this channel, or None (and the post is counted)."""
        now = self.clock()
        waits = []
        last = self.last_post.get(channel_key)
        if last is not None and now - last < self.interval:
            waits.append(self.interval - (now - last))
        while self.recent and now - self.recent[0] >= 60:
            self.recent.popleft()
        if self.per_minute is not None and len(self.recent) >= self.per_minute:
            waits.append(60 - (now - self.recent[0]))
        if waits:
            return max(1, math.ceil(max(waits)))
        self.last_post[channel_key] = now
        self.recent.append(now)
        return None


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


# --- the workspace's objects ----------------------------------------------------------------


@dataclass
class User:
    """A member of the workspace, as `users.info` describes them."""

    id: str
    name: str
    real_name: str
    tz: str = "America/New_York"
    status_text: str = ""
    status_emoji: str = ""
    status_expiration: int = 0
    is_bot: bool = False
    deleted: bool = False

    def to_slack(self, *, team_id: str, now: float) -> JsonDict:
        """The `user` object; an expired status reads as empty, as Slack clears it."""
        live = not self.status_expiration or self.status_expiration > now
        local = datetime.fromtimestamp(now, ZoneInfo(self.tz))
        offset = local.utcoffset()
        abbreviation = local.tzname() or ""
        profile = {
            "real_name": self.real_name,
            "real_name_normalized": self.real_name,
            "display_name": self.name,
            "display_name_normalized": self.name,
            "status_text": self.status_text if live else "",
            "status_emoji": self.status_emoji if live else "",
            "status_expiration": self.status_expiration if live else 0,
            "team": team_id,
        }
        return {
            "id": self.id,
            "team_id": team_id,
            "name": self.name,
            "deleted": self.deleted,
            "real_name": self.real_name,
            "tz": self.tz,
            "tz_label": _TZ_LABELS.get(abbreviation, abbreviation),
            "tz_offset": int(offset.total_seconds()) if offset else 0,
            "profile": profile,
            "is_admin": False,
            "is_owner": False,
            "is_bot": self.is_bot,
            "is_app_user": False,
            "updated": int(now),
        }


@dataclass
class Channel:
    """A conversation: a public or private channel, a DM (`is_im`) or a group DM."""

    id: str
    name: str
    members: list[str]
    created: int
    is_private: bool = False
    is_im: bool = False
    is_mpim: bool = False
    user: str | None = None

    def has(self, user_id: str) -> bool:
        return user_id in self.members

    def to_slack(self, *, bot_user_id: str, include_num_members: bool = False) -> JsonDict:
        """The `channel` object of conversations.info / .join / .open."""
        if self.is_im:
            return {
                "id": self.id,
                "created": self.created,
                "is_im": True,
                "is_org_shared": False,
                "user": self.user,
                "is_user_deleted": False,
                "priority": 0,
            }
        body: JsonDict = {
            "id": self.id,
            "name": self.name,
            "name_normalized": self.name,
            "is_channel": not self.is_private and not self.is_mpim,
            "is_group": self.is_private and not self.is_mpim,
            "is_im": False,
            "is_mpim": self.is_mpim,
            "is_private": self.is_private,
            "is_archived": False,
            "is_general": False,
            "is_shared": False,
            "is_ext_shared": False,
            "is_org_shared": False,
            "is_member": self.has(bot_user_id),
            "created": self.created,
            "creator": "",
            "topic": {"value": "", "creator": "", "last_set": 0},
            "purpose": {"value": "", "creator": "", "last_set": 0},
        }
        if include_num_members:
            body["num_members"] = len(self.members)
        return body


@dataclass
class Message:
    """A message in a channel; a thread reply has a `thread_ts` other than its own `ts`."""

    channel: str
    ts: str
    user: str
    text: str = ""
    blocks: list[JsonDict] | None = None
    attachments: list[JsonDict] | None = None
    metadata: JsonDict | None = None
    thread_ts: str | None = None
    parent_user_id: str | None = None
    bot_id: str | None = None
    reply_count: int = 0
    edited: JsonDict | None = None
    reactions: dict[str, list[str]] = field(default_factory=dict)

    def to_slack(self) -> JsonDict:
        """The `message` object, as chat.postMessage and conversations.history return it."""
        body: JsonDict = {"type": "message", "user": self.user, "text": self.text, "ts": self.ts}
        optional = {
            "bot_id": self.bot_id,
            "blocks": self.blocks,
            "attachments": self.attachments,
            "metadata": self.metadata,
            "thread_ts": self.thread_ts,
            "parent_user_id": self.parent_user_id,
            "reply_count": self.reply_count or None,
            "edited": self.edited,
        }
        body.update({key: value for key, value in optional.items() if value is not None})
        if self.reactions:
            body["reactions"] = [
                {"name": name, "users": users, "count": len(users)}
                for name, users in self.reactions.items()
            ]
        return copy.deepcopy(body)


@dataclass
class Ephemeral:
    """A message only `user` sees (chat.postEphemeral, or an ephemeral response_url reply)."""

    channel: str
    user: str
    message_ts: str
    text: str = ""
    blocks: list[JsonDict] | None = None
    attachments: list[JsonDict] | None = None
    thread_ts: str | None = None

    def to_slack(self) -> JsonDict:
        return copy.deepcopy(
            {
                "type": "message",
                "channel": self.channel,
                "user": self.user,
                "message_ts": self.message_ts,
                "text": self.text,
                "blocks": self.blocks,
                "attachments": self.attachments,
                "thread_ts": self.thread_ts,
            }
        )


@dataclass
class View:
    """A modal (views.open / views.push) or a user's Home tab (views.publish)."""

    id: str
    payload: JsonDict
    hash: str
    root_view_id: str
    user_id: str | None = None
    previous_view_id: str | None = None
    is_open: bool = True

    def to_slack(self, *, team_id: str, app_id: str, bot_id: str) -> JsonDict:
        """The `view` object: the app's payload plus the ids and defaults Slack adds."""
        defaults: JsonDict = {
            "blocks": [],
            "private_metadata": "",
            "callback_id": "",
            "external_id": "",
            "clear_on_close": False,
            "notify_on_close": False,
            "state": {"values": {}},
        }
        assigned = {
            "id": self.id,
            "team_id": team_id,
            "hash": self.hash,
            "root_view_id": self.root_view_id,
            "previous_view_id": self.previous_view_id,
            "app_id": app_id,
            "app_installed_team_id": team_id,
            "bot_id": bot_id,
        }
        return copy.deepcopy({**defaults, **self.payload, **assigned})


@dataclass(frozen=True)
class ResponseTarget:
    """Where a slash command's or an action's response_url posts: a channel, for one user."""

    channel: str
    user: str


# --- the workspace --------------------------------------------------------------------------


class Workspace:
    """The state of one fake Slack workspace and the Web API over it.

    Setup (`add_user`, `add_channel`...), inspection (`calls`, `messages_in`, `home_view`...)
    and fault injection (`fail_next`...) are for tests and the sandbox; `handle` is what the
    HTTP server calls. `clock` is the workspace's notion of now (ts values, `tz_offset`,
    status expiry, `ApiCall.at`), replaceable for time travel.
    """

    def __init__(
        self,
        team_id: str = "T0COACH",
        team_name: str = "Coach Sandbox",
        bot_user_id: str = "UCOACHBOT",
        bot_token: str = "xoxb-test-token",
        *,
        bot_id: str = "B0COACHBOT",
        app_id: str = "A0COACHAPP",
        bot_name: str = "coach",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.lock = threading.Condition(threading.RLock())
        self.team_id = team_id
        self.team_name = team_name
        self.bot_user_id = bot_user_id
        self.bot_token = bot_token
        self.bot_id = bot_id
        self.app_id = app_id
        self.bot_name = bot_name
        self.clock = clock
        self.users: dict[str, User] = {}
        self.channels: dict[str, Channel] = {}
        self.messages: dict[str, list[Message]] = {}
        self.ephemerals: list[Ephemeral] = []
        self.views: dict[str, View] = {}
        self.homes: dict[str, str] = {}
        self.triggers: dict[str, str] = {}
        self.response_targets: dict[str, ResponseTarget] = {}
        self._calls: list[ApiCall] = []
        self._faults: dict[str, deque[Fault]] = {}
        self._pacing: Pacing | None = None
        self._last_ts_micros = 0
        self._serial = itertools.count(1)
        self.add_user(bot_user_id, bot_name, real_name="Coach", is_bot=True)

    @property
    def url(self) -> str:
        """The workspace's web address, as auth.test and permalinks give it."""
        slug = re.sub(r"[^a-z0-9]", "", self.team_name.lower()) or "coach"
        return f"https://{slug}.slack.com/"

    # --- setup ----------------------------------------------------------------------------

    def add_user(
        self,
        user_id: str,
        name: str,
        *,
        real_name: str | None = None,
        tz: str = "America/New_York",
        status_text: str = "",
        status_emoji: str = "",
        status_expiration: int = 0,
        is_bot: bool = False,
        deleted: bool = False,
    ) -> None:
        """Add (or replace) a member. `deleted=True` is a deactivated account."""
        ZoneInfo(tz)  # an unknown zone fails here, not in the middle of a test
        user = User(
            user_id,
            name,
            real_name or name,
            tz,
            status_text,
            status_emoji,
            status_expiration,
            is_bot,
            deleted,
        )
        with self.lock:
            self.users[user_id] = user

    def set_status(
        self,
        user_id: str,
        status_text: str = "",
        status_emoji: str = "",
        status_expiration: int = 0,
    ) -> None:
        """Set a member's Slack status (empty clears it); expiry is a Unix time, 0 for never."""
        with self.lock:
            user = self.users[user_id]
            user.status_text = status_text
            user.status_emoji = status_emoji
            user.status_expiration = status_expiration

    def add_channel(
        self,
        channel_id: str,
        name: str,
        *,
        members: Iterable[str] = (),
        bot_is_member: bool = True,
        is_private: bool = False,
    ) -> None:
        """Add a public (C…) or private (C…/G…) channel with these members."""
        if channel_id[:1] not in ("C", "G"):
            raise ValueError(f"channel ids start with C or G, not {channel_id!r}")
        people = list(dict.fromkeys(members))
        if bot_is_member and self.bot_user_id not in people:
            people.append(self.bot_user_id)
        with self.lock:
            self.channels[channel_id] = Channel(
                channel_id, name, people, int(self.clock()), is_private=is_private
            )
            self.messages.setdefault(channel_id, [])

    def add_members(self, channel_id: str, *user_ids: str) -> None:
        """Someone joined a channel."""
        with self.lock:
            channel = self.channels[channel_id]
            channel.members.extend(u for u in user_ids if not channel.has(u))

    def remove_bot_from(self, channel_id: str) -> None:
        """The bot was removed from (or never joined) a channel."""
        with self.lock:
            channel = self.channels[channel_id]
            channel.members = [u for u in channel.members if u != self.bot_user_id]

    def dm_channel_id(self, user_id: str) -> str:
        """The id of the bot's DM with this member (opened if need be), for building events."""
        with self.lock:
            return self.open_dm(self.users[user_id]).id

    def post_as_user(
        self, channel_id: str, user_id: str, text: str, *, thread_ts: str | None = None
    ) -> JsonDict:
        """A member writes a message (a U… channel means their DM with the bot). The sandbox
        calls this before sending the matching event to the app."""
        with self.lock:
            channel = self._resolve(channel_id, create_dm=True)
            if channel is None:
                raise KeyError(channel_id)
            message = self.add_message(channel, user_id, {"text": text}, thread_ts)
            return {**message.to_slack(), "channel": channel.id}

    def new_trigger_id(self, user_id: str) -> str:
        """A Slack-shaped trigger_id; views opened with it belong to this member."""
        with self.lock:
            serial = next(self._serial)
            digest = hashlib.sha1(f"{self.team_id}:trigger:{serial}".encode()).hexdigest()
            trigger_id = f"{serial}.{int(self.clock())}.{digest[:32]}"
            self.triggers[trigger_id] = user_id
            return trigger_id

    def new_response_target(self, channel_id: str, user_id: str) -> str:
        """A key for a response_url that answers into this channel for this member."""
        with self.lock:
            key = self.new_id("R", f"response:{next(self._serial)}")
            self.response_targets[key] = ResponseTarget(channel_id, user_id)
            return key

    # --- records --------------------------------------------------------------------------

    @property
    def calls(self) -> list[ApiCall]:
        """Every call so far, in arrival order."""
        with self.lock:
            return list(self._calls)

    def calls_to(self, method: str) -> list[ApiCall]:
        with self.lock:
            return [call for call in self._calls if call.method == method]

    def clear_calls(self) -> None:
        with self.lock:
            self._calls.clear()

    def wait_for(
        self,
        method: str,
        *,
        count: int = 1,
        timeout: float = 5.0,
        where: Callable[[ApiCall], bool] | None = None,
    ) -> list[ApiCall]:
        """All calls to `method` (matching `where`) once there are at least `count`.

        The app calls Slack after it has acked, so a test that sent an event must wait for the
        call rather than look for it at once. Raises AssertionError listing what was seen.
        """
        deadline = time.monotonic() + timeout
        with self.lock:
            while True:
                matching = [
                    call
                    for call in self._calls
                    if call.method == method and (where is None or where(call))
                ]
                remaining = deadline - time.monotonic()
                if len(matching) >= count:
                    return matching
                if remaining <= 0:
                    raise AssertionError(self._timeout_report(method, count, timeout, matching))
                self.lock.wait(remaining)

    def _timeout_report(
        self, method: str, count: int, timeout: float, matching: list[ApiCall]
    ) -> str:
        seen = "\n".join(
            f"  {call.method} -> {call.fault or call.error or 'ok'} {call.params!r:.300}"
            for call in self._calls
        )
        return (
            f"waited {timeout}s for {count} call(s) to {method}, saw {len(matching)} matching; "
            f"calls so far:\n{seen or '  (none)'}"
        )

    # --- inspection -----------------------------------------------------------------------

    def messages_in(self, channel_id: str) -> list[JsonDict]:
        """Every message in a channel (thread replies included), oldest first; a U… id means
        that member's DM with the bot."""
        with self.lock:
            channel = self._resolve(channel_id, create_dm=False)
            if channel is None:
                return []
            return [
                {**message.to_slack(), "channel": channel.id}
                for message in self.messages.get(channel.id, [])
            ]

    def dm_messages(self, user_id: str) -> list[JsonDict]:
        """What the bot posted in its DM with this member, thread replies included."""
        return [m for m in self.messages_in(user_id) if m["user"] == self.bot_user_id]

    def ephemerals_for(self, user_id: str) -> list[JsonDict]:
        """Messages only this member saw, oldest first."""
        with self.lock:
            return [e.to_slack() for e in self.ephemerals if e.user == user_id]

    def home_view(self, user_id: str) -> JsonDict | None:
        """The Home tab last published for this member, or None."""
        with self.lock:
            view_id = self.homes.get(user_id)
            return self.view_body(self.views[view_id]) if view_id else None

    def open_views(self, user_id: str | None = None) -> list[JsonDict]:
        """Modals still open, oldest first (only this member's, when a user is given and the
        trigger_id came from `new_trigger_id`)."""
        with self.lock:
            return [
                self.view_body(view)
                for view in self.views.values()
                if view.is_open
                and view.payload.get("type") != "home"
                and (user_id is None or view.user_id == user_id)
            ]

    def close_view(self, view_id: str) -> None:
        """The member closed or submitted a modal."""
        with self.lock:
            self.views[view_id].is_open = False

    # --- faults and pacing ----------------------------------------------------------------

    def fail_next(self, method: str, error: str = "channel_not_found", times: int = 1) -> None:
        """The next `times` calls to `method` answer HTTP 200 `ok: false, error: error`."""
        self._queue(method, Fault("fail", Reply.error(error)), times)

    def rate_limit_next(self, method: str, retry_after: int = 1, times: int = 1) -> None:
        """The next `times` calls to `method` answer 429 with this Retry-After."""
        self._queue(method, Fault("rate_limit", Reply.rate_limited(retry_after)), times)

    def server_error_next(self, method: str, status: int = 500, times: int = 1) -> None:
        """The next `times` calls to `method` answer this 5xx status."""
        body = {"ok": False, "error": "internal_error"}
        self._queue(method, Fault("server_error", Reply(status, body)), times)

    def reset_connection_next(self, method: str, times: int = 1) -> None:
        """The next `times` calls to `method` get their connection closed without a response."""
        self._queue(method, Fault("reset_connection", DROPPED_CONNECTION), times)

    def clear_faults(self) -> None:
        with self.lock:
            self._faults.clear()

    def _queue(self, method: str, fault: Fault, times: int) -> None:
        with self.lock:
            self._faults.setdefault(method, deque()).extend([fault] * times)

    def enforce_rate_limits(
        self, post_message_per_channel_per_second: float = 1.0, per_minute: int | None = None
    ) -> None:
        """Answer chat.postMessage with 429s beyond about this rate per channel (and, when
        `per_minute` is set, beyond that many posts a minute in the whole workspace)."""
        with self.lock:
            self._pacing = Pacing(post_message_per_channel_per_second, per_minute)

    def relax_rate_limits(self) -> None:
        with self.lock:
            self._pacing = None

    # --- dispatch -------------------------------------------------------------------------

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

    def _answer(self, method: str, params: Params, token: str | None) -> tuple[Reply, str | None]:
        queued = self._faults.get(method)
        if queued:
            fault = queued.popleft()
            return fault.reply, fault.kind
        handler = METHODS.get(method)
        if handler is None:
            return Reply.error("unknown_method", req_method=method), None
        if not token:
            return Reply.error("not_authed"), None
        if token != self.bot_token:
            return Reply.error("invalid_auth"), None
        wait = self._paced(method, params)
        if wait is not None:
            return Reply.rate_limited(wait), "paced"
        try:
            return Reply(200, {"ok": True, **handler(self, params)}), None
        except ApiError as refused:
            return Reply.error(refused.error), None

    def _paced(self, method: str, params: Params) -> int | None:
        if self._pacing is None or method != "chat.postMessage":
            return None
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

    # --- helpers for the method handlers (called with the lock held) ---------------------

    def now(self) -> float:
        return self.clock()

    def next_ts(self) -> str:
        """A Slack ts ("1732377600.000100"): from the clock, unique and increasing."""
        micros = max(int(self.clock() * 1_000_000), self._last_ts_micros + 1)
        self._last_ts_micros = micros
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def new_id(self, prefix: str, seed: str) -> str:
        """A Slack-shaped id (prefix + 10 uppercase alphanumerics), stable for a seed."""
        digest = hashlib.sha1(f"{self.team_id}:{seed}".encode()).digest()
        return prefix + base64.b32encode(digest).decode()[:10]

    def require_user(self, user_id: str) -> User:
        user = self.users.get(user_id)
        if user is None:
            raise ApiError("user_not_found")
        return user

    def require_channel(self, channel_id: str) -> Channel:
        """A channel the bot can see: private ones it is not in do not exist for it."""
        channel = self.channels.get(channel_id)
        if channel is None or (channel.is_private and not channel.has(self.bot_user_id)):
            raise ApiError("channel_not_found")
        return channel

    def require_message(self, channel_id: str, ts: str) -> Message:
        for message in self.messages.get(channel_id, []):
            if message.ts == ts:
                return message
        raise ApiError("message_not_found")

    def post_target(self, channel_or_user: str) -> Channel:
        """Where chat.post* lands: a channel, a DM, or (for a U… id) that member's DM."""
        user = self.users.get(channel_or_user)
        channel = self.channels.get(channel_or_user)
        if user is None and channel is not None and channel.is_im and channel.user:
            user = self.users.get(channel.user)
        if user is not None:
            if user.deleted:
                raise ApiError("account_inactive")
            if user.is_bot:
                raise ApiError("cannot_dm_bot")
            return self.open_dm(user)
        return self.require_channel(channel_or_user)

    def open_dm(self, user: User) -> Channel:
        """The bot's DM with a member: one stable D… id per member."""
        channel_id = self.new_id("D", f"im:{user.id}")
        if channel_id not in self.channels:
            self.channels[channel_id] = Channel(
                channel_id,
                user.id,
                [user.id, self.bot_user_id],
                int(self.clock()),
                is_im=True,
                user=user.id,
            )
            self.messages[channel_id] = []
        return self.channels[channel_id]

    def open_group_dm(self, users: list[User]) -> Channel:
        """A group DM between these members and the bot, one per set of members."""
        names = sorted(user.name for user in users)
        channel_id = self.new_id("G", "mpim:" + ",".join(sorted(u.id for u in users)))
        if channel_id not in self.channels:
            members = [user.id for user in users] + [self.bot_user_id]
            name = "mpdm-" + "--".join(names) + "-1"
            self.channels[channel_id] = Channel(
                channel_id, name, members, int(self.clock()), is_private=True, is_mpim=True
            )
            self.messages[channel_id] = []
        return self.channels[channel_id]

    def _resolve(self, channel_or_user: str, *, create_dm: bool) -> Channel | None:
        """A channel by id, or a member's DM by their user id (None when there is none)."""
        user = self.users.get(channel_or_user)
        if user is None:
            return self.channels.get(channel_or_user)
        dm_id = self.new_id("D", f"im:{user.id}")
        if create_dm or dm_id in self.channels:
            return self.open_dm(user)
        return None

    def add_message(
        self, channel: Channel, user_id: str, content: JsonDict, thread_ts: str | None
    ) -> Message:
        """Append a message; a reply to a reply joins its thread, as in Slack."""
        parent = self._thread_parent(channel.id, thread_ts)
        message = Message(
            channel=channel.id,
            ts=self.next_ts(),
            user=user_id,
            thread_ts=(parent.thread_ts if parent else thread_ts),
            parent_user_id=parent.user if parent else None,
            bot_id=self.bot_id if user_id == self.bot_user_id else None,
            **content,
        )
        if parent is not None:
            parent.reply_count += 1
        self.messages.setdefault(channel.id, []).append(message)
        return message

    def _thread_parent(self, channel_id: str, thread_ts: str | None) -> Message | None:
        """The message a reply threads under (a reply's own parent), or None if there is none:
        Slack still posts a reply whose thread_ts names no message."""
        by_ts = {message.ts: message for message in self.messages.get(channel_id, [])}
        message = by_ts.get(thread_ts or "")
        parent = by_ts.get(message.thread_ts or message.ts) if message else None
        if parent is not None:
            parent.thread_ts = parent.ts
        return parent

    def new_view(self, payload: JsonDict, *, user_id: str | None) -> View:
        """A new modal or Home tab, its own root until views.push says otherwise."""
        view_id = self.new_id("V", f"view:{next(self._serial)}")
        view = View(view_id, payload, self.new_hash(), view_id, user_id)
        self.views[view_id] = view
        return view

    def new_hash(self) -> str:
        """A view hash ("1732377600.1f0c9a2b"), new on every change, for views.update."""
        digest = hashlib.sha1(f"{self.team_id}:hash:{next(self._serial)}".encode()).hexdigest()
        return f"{int(self.clock())}.{digest[:8]}"

    def view_body(self, view: View) -> JsonDict:
        return view.to_slack(team_id=self.team_id, app_id=self.app_id, bot_id=self.bot_id)

    def find_view(self, params: Params) -> View:
        """The view a views.update names by view_id or external_id."""
        view_id, external_id = params.text("view_id"), params.text("external_id")
        if not view_id and not external_id:
            raise ApiError("invalid_arguments")
        for view in self.views.values():
            if view.id == view_id or (
                external_id and view.payload.get("external_id") == external_id
            ):
                return view
        raise ApiError("not_found")


# --- the Web API methods --------------------------------------------------------------------

Handler = Callable[[Workspace, Params], JsonDict]


def message_content(params: Params, *, required: bool = True) -> JsonDict:
    """The text, blocks and attachments a message carries; Slack refuses one with none."""
    blocks, attachments = params.get("blocks"), params.get("attachments")
    if blocks is not None and not _is_list_of_dicts(blocks):
        raise ApiError("invalid_blocks")
    if attachments is not None and not _is_list_of_dicts(attachments):
        raise ApiError("invalid_attachments")
    text = params.text("text")
    if required and not (text or blocks or attachments):
        raise ApiError("no_text")
    metadata = params.get("metadata")
    return {
        "text": text,
        "blocks": blocks or None,
        "attachments": attachments or None,
        "metadata": metadata if isinstance(metadata, dict) else None,
    }


def _is_list_of_dicts(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, dict) for item in value)


def _view_payload(params: Params, *, kind: str) -> JsonDict:
    view = params.get("view")
    if not isinstance(view, dict) or view.get("type") != kind:
        raise ApiError("invalid_arguments")
    return copy.deepcopy(view)


def _auth_test(ws: Workspace, params: Params) -> JsonDict:
    return {
        "url": ws.url,
        "team": ws.team_name,
        "user": ws.bot_name,
        "team_id": ws.team_id,
        "user_id": ws.bot_user_id,
        "bot_id": ws.bot_id,
        "is_enterprise_install": False,
    }


def _users_info(ws: Workspace, params: Params) -> JsonDict:
    user = ws.require_user(params.text("user"))
    return {"user": user.to_slack(team_id=ws.team_id, now=ws.now())}


def _conversations_open(ws: Workspace, params: Params) -> JsonDict:
    if params.text("channel"):
        channel = ws.require_channel(params.text("channel"))
        if not (channel.is_im or channel.is_mpim):
            raise ApiError("method_not_supported_for_channel_type")
        existed = True
    else:
        ids = [u.strip() for u in params.text("users").split(",") if u.strip()]
        if not ids:
            raise ApiError("users_list_not_supplied")
        users = [ws.require_user(user_id) for user_id in ids]
        if any(user.deleted for user in users):
            raise ApiError("user_disabled")
        existed_before = set(ws.channels)
        channel = ws.open_dm(users[0]) if len(users) == 1 else ws.open_group_dm(users)
        existed = channel.id in existed_before
    full = params.flag("return_im")
    body: JsonDict = {
        "channel": channel.to_slack(bot_user_id=ws.bot_user_id) if full else {"id": channel.id}
    }
    if existed:
        body.update(no_op=True, already_open=True)
    return body


def _conversations_info(ws: Workspace, params: Params) -> JsonDict:
    channel = ws.require_channel(params.text("channel"))
    include = params.flag("include_num_members")
    return {"channel": channel.to_slack(bot_user_id=ws.bot_user_id, include_num_members=include)}


def _conversations_members(ws: Workspace, params: Params) -> JsonDict:
    channel = ws.require_channel(params.text("channel"))
    limit = max(1, params.integer("limit", 100))
    start = _offset_from_cursor(params.text("cursor"))
    page = channel.members[start : start + limit]
    more = start + limit < len(channel.members)
    cursor = _cursor_for_offset(start + limit) if more else ""
    return {"members": list(page), "response_metadata": {"next_cursor": cursor}}


def _cursor_for_offset(offset: int) -> str:
    return base64.b64encode(f"offset:{offset}".encode()).decode()


def _offset_from_cursor(cursor: str) -> int:
    if not cursor:
        return 0
    try:
        return int(base64.b64decode(cursor).decode().removeprefix("offset:"))
    except ValueError:
        raise ApiError("invalid_cursor") from None


def _conversations_join(ws: Workspace, params: Params) -> JsonDict:
    channel = ws.require_channel(params.text("channel"))
    if channel.is_private or channel.is_im or channel.is_mpim:
        raise ApiError("method_not_supported_for_channel_type")
    body: JsonDict = {}
    if channel.has(ws.bot_user_id):
        body["warning"] = "already_in_channel"
        body["response_metadata"] = {"warnings": ["already_in_channel"]}
    else:
        channel.members.append(ws.bot_user_id)
    return {"channel": channel.to_slack(bot_user_id=ws.bot_user_id), **body}


def _chat_post_message(ws: Workspace, params: Params) -> JsonDict:
    channel = ws.post_target(params.text("channel"))
    if not channel.has(ws.bot_user_id):
        raise ApiError("not_in_channel")
    content = message_content(params)
    message = ws.add_message(channel, ws.bot_user_id, content, params.text("thread_ts") or None)
    return {"channel": channel.id, "ts": message.ts, "message": message.to_slack()}


def _chat_post_ephemeral(ws: Workspace, params: Params) -> JsonDict:
    channel = ws.post_target(params.text("channel"))
    user = ws.require_user(params.text("user"))
    if not channel.has(ws.bot_user_id):
        raise ApiError("not_in_channel")
    if not channel.has(user.id) or user.deleted:
        raise ApiError("user_not_in_channel")
    content = message_content(params)
    ephemeral = Ephemeral(
        channel.id,
        user.id,
        ws.next_ts(),
        content["text"],
        content["blocks"],
        content["attachments"],
        params.text("thread_ts") or None,
    )
    ws.ephemerals.append(ephemeral)
    return {"message_ts": ephemeral.message_ts}


def _chat_update(ws: Workspace, params: Params) -> JsonDict:
    channel = ws.require_channel(params.text("channel"))
    message = ws.require_message(channel.id, params.text("ts"))
    if message.user != ws.bot_user_id:
        raise ApiError("cant_update_message")
    content = message_content(params, required=False)
    if not any(name in params for name in ("text", "blocks", "attachments")):
        raise ApiError("no_text")
    for name in ("text", "blocks", "attachments"):
        if name in params:
            setattr(message, name, content[name])
    message.edited = {"user": ws.bot_user_id, "ts": ws.next_ts()}
    return {
        "channel": channel.id,
        "ts": message.ts,
        "text": message.text,
        "message": message.to_slack(),
    }


def _chat_delete(ws: Workspace, params: Params) -> JsonDict:
    channel = ws.require_channel(params.text("channel"))
    message = ws.require_message(channel.id, params.text("ts"))
    if message.user != ws.bot_user_id:
        raise ApiError("cant_delete_message")
    ws.messages[channel.id].remove(message)
    return {"channel": channel.id, "ts": message.ts}


def _chat_get_permalink(ws: Workspace, params: Params) -> JsonDict:
    channel = ws.require_channel(params.text("channel"))
    message = ws.require_message(channel.id, params.text("message_ts"))
    link = f"{ws.url}archives/{channel.id}/p{message.ts.replace('.', '')}"
    if message.thread_ts and message.thread_ts != message.ts:
        link += f"?thread_ts={message.thread_ts}&cid={channel.id}"
    return {"channel": channel.id, "permalink": link}


def _reactions_add(ws: Workspace, params: Params) -> JsonDict:
    if not params.text("channel") or not params.text("timestamp"):
        raise ApiError("no_item_specified")
    name = params.require("name", "invalid_name").strip(":")
    channel = ws.require_channel(params.text("channel"))
    message = ws.require_message(channel.id, params.text("timestamp"))
    reacted = message.reactions.setdefault(name, [])
    if ws.bot_user_id in reacted:
        raise ApiError("already_reacted")
    reacted.append(ws.bot_user_id)
    return {}


def _views_open(ws: Workspace, params: Params) -> JsonDict:
    trigger_id = params.require("trigger_id", "invalid_arguments")
    payload = _view_payload(params, kind="modal")
    _refuse_duplicate_external_id(ws, payload)
    view = ws.new_view(payload, user_id=ws.triggers.get(trigger_id))
    return {"view": ws.view_body(view)}


def _views_push(ws: Workspace, params: Params) -> JsonDict:
    trigger_id = params.require("trigger_id", "invalid_arguments")
    payload = _view_payload(params, kind="modal")
    _refuse_duplicate_external_id(ws, payload)
    user_id = ws.triggers.get(trigger_id)
    below = [v for v in ws.views.values() if v.is_open and v.payload.get("type") == "modal"]
    below = [v for v in below if user_id is None or v.user_id == user_id]
    view = ws.new_view(payload, user_id=user_id)
    if below:
        view.previous_view_id = below[-1].id
        view.root_view_id = below[-1].root_view_id
    return {"view": ws.view_body(view)}


def _refuse_duplicate_external_id(ws: Workspace, payload: JsonDict) -> None:
    external_id = payload.get("external_id")
    if external_id and any(v.payload.get("external_id") == external_id for v in ws.views.values()):
        raise ApiError("duplicate_external_id")


def _views_update(ws: Workspace, params: Params) -> JsonDict:
    view = ws.find_view(params)
    payload = params.get("view")
    if not isinstance(payload, dict):
        raise ApiError("invalid_arguments")
    if params.text("hash") and params.text("hash") != view.hash:
        raise ApiError("hash_conflict")
    view.payload = {"type": view.payload.get("type"), **copy.deepcopy(payload)}
    view.hash = ws.new_hash()
    return {"view": ws.view_body(view)}


def _views_publish(ws: Workspace, params: Params) -> JsonDict:
    user = ws.require_user(params.text("user_id"))
    payload = _view_payload(params, kind="home")
    current = ws.views.get(ws.homes.get(user.id, ""))
    if current is None:
        current = ws.new_view(payload, user_id=user.id)
        ws.homes[user.id] = current.id
    elif params.text("hash") and params.text("hash") != current.hash:
        raise ApiError("hash_conflict")
    else:
        current.payload = payload
        current.hash = ws.new_hash()
    return {"view": ws.view_body(current)}


METHODS: dict[str, Handler] = {
    "auth.test": _auth_test,
    "users.info": _users_info,
    "conversations.open": _conversations_open,
    "conversations.info": _conversations_info,
    "conversations.members": _conversations_members,
    "conversations.join": _conversations_join,
    "chat.postMessage": _chat_post_message,
    "chat.postEphemeral": _chat_post_ephemeral,
    "chat.update": _chat_update,
    "chat.delete": _chat_delete,
    "chat.getPermalink": _chat_get_permalink,
    "reactions.add": _reactions_add,
    "views.open": _views_open,
    "views.push": _views_push,
    "views.update": _views_update,
    "views.publish": _views_publish,
}

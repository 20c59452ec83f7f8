"""One fake Slack workspace's state: its users, channels, messages, views, records and faults.

Why apart from the Web API: setup, inspection and fault injection (for tests and the
sandbox) and the lookups the method handlers share all work on the same state, under one
re-entrant lock (a `threading.Condition`): the HTTP server's threads, the app's threads and
the test thread all share one workspace, and `wait_for` sleeps on the same condition.
Answering calls is `workspace.py`'s job; what each method does is `methods.py`'s.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from zoneinfo import ZoneInfo

from slack_emulator.objects import (
    Channel,
    Ephemeral,
    Message,
    ResponseTarget,
    UploadedFile,
    User,
    View,
)
from slack_emulator.pacing import Pacing, tier_limits
from slack_emulator.wire import (
    DROPPED_CONNECTION,
    ApiCall,
    ApiError,
    Fault,
    JsonDict,
    Params,
    Reply,
)


class WorkspaceState:
    """The state of one fake Slack workspace, and what tests and method handlers do with it.

    Setup (`add_user`, `add_channel`...), inspection (`calls`, `messages_in`, `home_view`...)
    and fault injection (`fail_next`...) are for tests and the sandbox; the lookups at the
    end (`require_user`, `post_target`...) are for the method handlers. `clock` is the
    workspace's notion of now (ts values, `tz_offset`, status expiry, `ApiCall.at`),
    replaceable for time travel.
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
        app_token: str = "xapp-test-token",
        clock: Callable[[], float] = time.time,
        enterprise_id: str | None = None,
        enterprise_name: str | None = None,
    ) -> None:
        self.lock = threading.Condition(threading.RLock())
        self.team_id = team_id
        self.team_name = team_name
        self.bot_user_id = bot_user_id
        self.bot_token = bot_token
        # Enterprise Grid: the org this workspace belongs to, if any.
        self.enterprise_id = enterprise_id
        self.enterprise_name = enterprise_name
        # Tokens handed out by "Add to Slack" installs (oauth.py): token → expiry (Unix
        # time, None for a token that does not rotate); revoked ones answer token_revoked.
        self.granted_tokens: dict[str, float | None] = {}
        self.revoked_tokens: set[str] = set()
        # Socket Mode: apps.connections.open takes the app-level token, and hands out this
        # WebSocket URL (nothing listens there by default: the socket stays disconnected).
        self.app_token = app_token
        self.socket_url = "ws://127.0.0.1:9/link"
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
        # Files reserved by files.getUploadURLExternal, by id; the URL root the server sets.
        self.files: dict[str, UploadedFile] = {}
        self.upload_root = "http://127.0.0.1:9/upload/"
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

    def grant_token(self, token: str, expires_at: float | None) -> None:
        """An install or a refresh gave the app this bot token for the workspace."""
        with self.lock:
            self.granted_tokens[token] = expires_at

    def revoke_tokens(self) -> None:
        """The app was uninstalled: every token granted here stops working."""
        with self.lock:
            self.revoked_tokens.update(self.granted_tokens)
            self.granted_tokens.clear()

    def token_problem(self, token: str) -> str | None:
        """Why a token granted by an install does not work now, or None when it does (or
        is not one of those: then the workspace's own bot token decides)."""
        with self.lock:
            if token in self.revoked_tokens:
                return "token_revoked"
            if token not in self.granted_tokens:
                return "invalid_auth"
            expires_at = self.granted_tokens[token]
            if expires_at is not None and self.clock() >= expires_at:
                return "token_expired"
            return None

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
        locale: str = "en-US",
        is_admin: bool = False,
        is_owner: bool = False,
        email: str | None = None,
    ) -> None:
        """Add (or replace) a member. `deleted=True` is a deactivated account; `locale` is
        what users.info returns with include_locale (it decides how they write dates);
        `is_admin` and `is_owner` are the workspace roles users.info reports; `email` is the
        profile's (``name@example.com`` unless given; "" for none, as for bots)."""
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
            locale,
            is_admin,
            is_owner,
            "" if is_bot else (email if email is not None else f"{name}@example.com"),
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

    def server_error_after_accept_next(
        self, method: str, status: int = 503, times: int = 1
    ) -> None:
        """The next `times` calls to `method` take effect (a post is posted), then answer
        this 5xx status: Slack did it but failed to say so."""
        body = {"ok": False, "error": "service_unavailable"}
        fault = Fault("server_error_after_accept", Reply(status, body), after_accept=True)
        self._queue(method, fault, times)

    def reset_connection_after_accept_next(self, method: str, times: int = 1) -> None:
        """The next `times` calls to `method` take effect, then lose their connection
        before the answer is written."""
        fault = Fault("reset_connection_after_accept", DROPPED_CONNECTION, after_accept=True)
        self._queue(method, fault, times)

    def clear_faults(self) -> None:
        with self.lock:
            self._faults.clear()

    def _queue(self, method: str, fault: Fault, times: int) -> None:
        with self.lock:
            self._faults.setdefault(method, deque()).extend([fault] * times)

    def enforce_rate_limits(
        self,
        post_message_per_channel_per_second: float = 1.0,
        per_minute: int | None = None,
        *,
        tiers: bool = False,
    ) -> None:
        """Answer chat.postMessage with 429s beyond about this rate per channel (and, when
        `per_minute` is set, beyond that many posts a minute in the whole workspace); with
        `tiers`, every other method past its tier's calls a minute too (`pacing.py`).
        Counted for this workspace alone, as Slack counts per workspace."""
        with self.lock:
            self._pacing = Pacing(
                post_message_per_channel_per_second,
                per_minute,
                tiers=tier_limits() if tiers else None,
            )

    @property
    def rate_limited(self) -> int:
        """How many calls the rate limits answered with 429 (injected faults not counted)."""
        with self.lock:
            return self._pacing.refused if self._pacing is not None else 0

    @property
    def busiest_minute(self) -> int:
        """The most chat.postMessage calls accepted in any 60 s while limits were on."""
        with self.lock:
            return self._pacing.busiest_minute if self._pacing is not None else 0

    def relax_rate_limits(self) -> None:
        with self.lock:
            self._pacing = None

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

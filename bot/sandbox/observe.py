"""What Coach just did in the sandbox's Slack, as the surfaces people would see.

The emulator records every Web API call in arrival order. `Observer.collect()` turns the
calls made since its last look into `Surface`s: a message in a channel or DM, a message
only one person sees, a modal, an App Home, a reaction, a removal, or a call Slack refused.
Each keeps the Block Kit exactly as Coach sent it, plus who sees it and where. Lookups
(users.info, auth.test, conversations.info…) change nothing anyone sees, so they are not
surfaces; they are still listed by `calls`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from slack_emulator import ApiCall, Workspace

JsonDict = dict[str, Any]


@dataclass(frozen=True)
class Posted:
    """A message. `viewer` is who alone sees it (an ephemeral, or a DM); None means everyone
    in the channel. `message` is the message as Slack stores it (None for ephemerals)."""

    channel: str
    viewer: str | None
    ts: str
    text: str
    blocks: list[JsonDict]
    ephemeral: bool = False
    thread_ts: str | None = None
    message: JsonDict | None = None
    edited: bool = False
    replaces: bool = False

    @property
    def in_thread(self) -> bool:
        return bool(self.thread_ts) and self.thread_ts != self.ts


@dataclass(frozen=True)
class Modal:
    view: JsonDict
    viewer: str | None
    updated: bool = False


@dataclass(frozen=True)
class Home:
    view: JsonDict
    viewer: str


@dataclass(frozen=True)
class Reacted:
    channel: str
    name: str
    author: str | None
    in_thread: bool = False


@dataclass(frozen=True)
class Removed:
    channel: str | None
    viewer: str | None


@dataclass(frozen=True)
class Refused:
    method: str
    error: str
    target: str | None


Surface = Posted | Modal | Home | Reacted | Removed | Refused

# Methods whose failure someone would notice (a lookup failing is the app's business).
VISIBLE = frozenset(
    {
        "chat.postMessage",
        "chat.postEphemeral",
        "chat.update",
        "chat.delete",
        "views.open",
        "views.push",
        "views.update",
        "views.publish",
        "reactions.add",
        "response_url",
        "files.completeUploadExternal",
    }
)


@dataclass
class Observer:
    """Reads the workspace's call record from where it last stopped."""

    workspace: Workspace
    step_calls: list[ApiCall] = field(default_factory=list)
    _calls: int = 0
    _ephemerals: int = 0
    _seen_ts: set[str] = field(default_factory=set)
    _seen_views: set[str] = field(default_factory=set)

    def skip(self) -> None:
        """Forget everything so far (the sandbox's own setup)."""
        self.collect(target=None)
        self.step_calls.clear()

    def calls_since_look(self) -> int:
        return len(self.workspace.calls) - self._calls

    def collect(self, *, target: tuple[str, str] | None) -> list[Surface]:
        """Surfaces for the calls since the last look. `target` is the (channel, user) the
        latest response_url answers into, as Slack knows from the request it came with."""
        calls = self.workspace.calls[self._calls :]
        self._calls += len(calls)
        self.step_calls.extend(calls)
        surfaces = [self._surface(call, target) for call in calls]
        return [surface for surface in surfaces if surface is not None]

    def _surface(self, call: ApiCall, target: tuple[str, str] | None) -> Surface | None:
        if call.method not in VISIBLE:
            return None
        if not call.ok:
            return Refused(call.method, call.error or f"HTTP {call.status}", _target_of(call))
        handlers: dict[str, Callable[[ApiCall, tuple[str, str] | None], Surface | None]] = {
            "chat.postMessage": self._posted,
            "chat.postEphemeral": self._ephemeral,
            "response_url": self._responded,
            "chat.update": self._updated,
            "chat.delete": self._deleted,
            "views.open": self._modal,
            "views.push": self._modal,
            "views.update": self._modal_updated,
            "views.publish": self._home,
            "reactions.add": self._reacted,
            "files.completeUploadExternal": self._shared,
        }
        return handlers[call.method](call, target)

    # --- messages ----------------------------------------------------------------------

    def _posted(self, call: ApiCall, target: tuple[str, str] | None) -> Surface | None:
        channel = self._channel_id(str(call.params.get("channel") or ""))
        return self._new_bot_message(channel)

    def _shared(self, call: ApiCall, target: tuple[str, str] | None) -> Surface | None:
        """A file Coach uploaded and shared: the message Slack posts to carry it."""
        channel = str(call.params.get("channel_id") or "")
        return self._new_bot_message(self._channel_id(channel)) if channel else None

    def _ephemeral(self, call: ApiCall, target: tuple[str, str] | None) -> Surface | None:
        with self.workspace.lock:
            ephemeral = self.workspace.ephemerals[self._ephemerals]
        self._ephemerals += 1
        return Posted(
            channel=ephemeral.channel,
            viewer=ephemeral.user,
            ts=ephemeral.message_ts,
            text=ephemeral.text,
            blocks=list(ephemeral.blocks or []),
            ephemeral=True,
            thread_ts=ephemeral.thread_ts,
            replaces=call.params.get("replace_original") in (True, "true"),
        )

    def _responded(self, call: ApiCall, target: tuple[str, str] | None) -> Surface | None:
        if call.params.get("delete_original") in (True, "true"):
            return Removed(*(target or (None, None)))
        if call.params.get("response_type") == "in_channel" and target is not None:
            return self._new_bot_message(target[0])
        return self._ephemeral(call, target)

    def _updated(self, call: ApiCall, target: tuple[str, str] | None) -> Surface | None:
        channel, ts = str(call.params.get("channel")), str(call.params.get("ts"))
        message = next((m for m in self.workspace.messages_in(channel) if m["ts"] == ts), None)
        return self._as_posted(channel, message, edited=True) if message else None

    def _deleted(self, call: ApiCall, target: tuple[str, str] | None) -> Surface | None:
        return Removed(str(call.params.get("channel")), None)

    def _new_bot_message(self, channel: str) -> Surface | None:
        """The oldest message Coach posted in `channel` that no surface has shown yet."""
        bot = self.workspace.bot_user_id
        for message in self.workspace.messages_in(channel):
            if message["user"] == bot and message["ts"] not in self._seen_ts:
                self._seen_ts.add(message["ts"])
                return self._as_posted(channel, message)
        return None

    def _as_posted(self, channel: str, message: JsonDict, *, edited: bool = False) -> Posted:
        dm_user = self._dm_user(channel)
        return Posted(
            channel=channel,
            viewer=dm_user,
            ts=message["ts"],
            text=message.get("text") or "",
            blocks=list(message.get("blocks") or []),
            thread_ts=message.get("thread_ts"),
            message=message,
            edited=edited,
        )

    # --- views and reactions -----------------------------------------------------------

    def _modal(self, call: ApiCall, target: tuple[str, str] | None) -> Surface | None:
        with self.workspace.lock:
            fresh = [v for v in self.workspace.views.values() if v.id not in self._seen_views]
            view = next((v for v in fresh if v.payload.get("type") == "modal"), None)
            if view is None:
                return None
            self._seen_views.add(view.id)
            return Modal(self.workspace.view_body(view), view.user_id)

    def _modal_updated(self, call: ApiCall, target: tuple[str, str] | None) -> Surface | None:
        wanted = call.params.get("view_id") or call.params.get("external_id")
        with self.workspace.lock:
            for view in self.workspace.views.values():
                if wanted in (view.id, view.payload.get("external_id")):
                    return Modal(self.workspace.view_body(view), view.user_id, updated=True)
        return None

    def _home(self, call: ApiCall, target: tuple[str, str] | None) -> Surface | None:
        user = str(call.params.get("user_id") or "")
        view = self.workspace.home_view(user)
        if view is None:
            return None
        self._seen_views.add(view["id"])
        return Home(view, user)

    def _reacted(self, call: ApiCall, target: tuple[str, str] | None) -> Surface | None:
        channel, ts = str(call.params.get("channel")), str(call.params.get("timestamp"))
        message = next((m for m in self.workspace.messages_in(channel) if m["ts"] == ts), None)
        author = message["user"] if message else None
        in_thread = bool(message and message.get("thread_ts") not in (None, message["ts"]))
        return Reacted(channel, str(call.params.get("name") or "").strip(":"), author, in_thread)

    # --- ids ---------------------------------------------------------------------------

    def _channel_id(self, channel_or_user: str) -> str:
        """A channel id; a user id means that member's DM with the bot, as in Slack."""
        if channel_or_user in self.workspace.users:
            return self.workspace.dm_channel_id(channel_or_user)
        return channel_or_user

    def _dm_user(self, channel_id: str) -> str | None:
        with self.workspace.lock:
            channel = self.workspace.channels.get(channel_id)
            return channel.user if channel is not None and channel.is_im else None


def _target_of(call: ApiCall) -> str | None:
    params = call.params
    value = params.get("channel") or params.get("user_id") or params.get("user")
    return str(value) if value else None

"""The workspace's objects (members, conversations, messages, views) and their Slack shape.

Why apart: each object knows how Slack describes it (`to_slack`), which is most of what
makes the emulator's answers look like Slack's; the state that holds them and the methods
that change them live in `state.py` and `methods.py`.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from slack_emulator.wire import JsonDict

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
    locale: str = "en-US"
    is_admin: bool = False
    is_owner: bool = False
    email: str = ""  # profile.email, which Slack returns with the users:read.email scope

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
        if self.email:
            profile["email"] = self.email
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
            "is_admin": self.is_admin or self.is_owner,
            "is_owner": self.is_owner,
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
    files: list[JsonDict] | None = None

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
            "files": self.files,
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


@dataclass
class UploadedFile:
    """A file as files.getUploadURLExternal reserved it; ``data`` arrives at its upload URL,
    and files.completeUploadExternal makes it a file (and shares it, when given a channel)."""

    id: str
    name: str
    length: int
    user: str
    created: int
    alt_txt: str = ""
    title: str = ""
    data: bytes | None = None
    completed: bool = False
    channels: list[str] = field(default_factory=list)

    @property
    def mimetype(self) -> str:
        if self.data is not None and self.data.startswith(b"\x89PNG\r\n\x1a\n"):
            return "image/png"
        return "application/octet-stream"

    def to_slack(self) -> JsonDict:
        """The ``file`` object, as files.completeUploadExternal and messages carry it."""
        return {
            "id": self.id,
            "created": self.created,
            "name": self.name,
            "title": self.title or self.name,
            "mimetype": self.mimetype,
            "filetype": "png" if self.mimetype == "image/png" else "binary",
            "user": self.user,
            "size": len(self.data or b""),
            "alt_txt": self.alt_txt or None,
            "channels": list(self.channels),
        }

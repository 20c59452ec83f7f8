"""Block Kit as readable text: who sees it, where, and what it says, from the real payload.

A sales leader's first look at Coach is this transcript, so it reads like Slack does:
each message is a small box headed by who sees it and where (a DM, a channel, "only
visible to" someone, a modal, the App Home), its sections and fields in order, and its
buttons numbered — `[1] Log 1:1 held` — so `click 1` can press them. Mentions and
channels come out as @names and #names, Slack's escapes are undone, and mrkdwn emphasis
is kept as typed (or shown in bold and italics on a colour terminal).
"""

from __future__ import annotations

import html
import re
import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.sandbox.observe import Home, Modal, Posted, Reacted, Refused, Removed, Surface

JsonDict = dict[str, Any]

EMOJI = {
    "large_green_circle": "🟢",
    "large_yellow_circle": "🟡",
    "red_circle": "🔴",
    "double_vertical_bar": "⏸",
    "white_check_mark": "✅",
    "palm_tree": "🌴",
    "tada": "🎉",
    "raised_hands": "🙌",
    "wave": "👋",
    "calendar": "📅",
    "thumbsup": "👍",
    "+1": "👍",
}
_ANGLE = re.compile(r"<([^<>\n]+)>")
_EMOJI = re.compile(r":([a-z0-9_+\-]+):")
_LEAD = re.compile(r"^(\s*(?:[•◦▪\-]\s+|\d+\.\s+)?)")
_STYLES = (
    (re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])"), "\033[1m", "\033[22m"),
    (re.compile(r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])"), "\033[3m", "\033[23m"),
    (re.compile(r"`([^`\n]+)`"), "\033[36m", "\033[39m"),
)
DIM, BOLD, RESET = "\033[2m", "\033[1m", "\033[0m"


@dataclass(frozen=True)
class Directory:
    """Names for the ids in payloads, and where people are, for local times."""

    users: Mapping[str, str]
    channels: Mapping[str, str]
    dms: Mapping[str, str] = field(default_factory=dict)
    zones: Mapping[str, tuple[str, str]] = field(default_factory=dict)

    def user(self, user_id: str | None) -> str:
        return "@" + self.users.get(user_id or "", user_id or "someone")

    def channel(self, channel_id: str | None) -> str:
        return "#" + self.channels.get(channel_id or "", channel_id or "a channel")

    def local_time(self, user_id: str | None, when: datetime) -> str | None:
        zone = self.zones.get(user_id or "")
        if zone is None:
            return None
        local = when.astimezone(ZoneInfo(zone[0]))
        return f"{local:%a %H:%M} in {zone[1]}"


@dataclass(frozen=True)
class Button:
    """A button as shown: its number, label, the element Coach sent, and where it was."""

    number: int
    label: str
    element: JsonDict
    block_id: str
    surface: Posted | Modal | Home

    @property
    def viewer(self) -> str | None:
        return self.surface.viewer


@dataclass
class _Page:
    """The buttons numbered so far in one rendering, and the surface being drawn."""

    next_number: int
    surface: Posted | Modal | Home | None = None
    buttons: list[Button] = field(default_factory=list)


class Renderer:
    """Turns surfaces into lines of text (with numbered buttons) for the terminal."""

    def __init__(self, directory: Directory, *, width: int = 88, color: bool = False) -> None:
        self.directory = directory
        self.width = width
        self.color = color

    def render(
        self, surfaces: list[Surface], *, when: datetime | None = None, first_number: int = 1
    ) -> tuple[str, list[Button]]:
        """Text for these surfaces, and their buttons numbered from `first_number`. `when`
        (during time travel) adds each DM's local time to its heading."""
        page = _Page(next_number=first_number)
        parts = [self._surface(surface, page, when) for surface in surfaces]
        return "\n".join(part for part in parts if part), page.buttons

    # --- one surface -------------------------------------------------------------------

    def _surface(self, surface: Surface, page: _Page, when: datetime | None) -> str:
        if isinstance(surface, Reacted):
            emoji = EMOJI.get(surface.name, f":{surface.name}:")
            whose = self.directory.user(surface.author)
            what = "reply in the thread" if surface.in_thread else "message"
            return f"  {emoji} Coach reacted {emoji} to {whose}'s {what}."
        if isinstance(surface, Removed):
            return "  ✕ Coach removed that message."
        if isinstance(surface, Refused):
            where = f" ({self.place(surface.target)})" if surface.target else ""
            return f"  ⚠ Slack refused Coach's {surface.method}{where}: {surface.error}"
        page.surface = surface
        heading, body, footer = self._parts(surface, page, when)
        return self._box(heading, body, footer)

    def _parts(
        self, surface: Posted | Modal | Home, page: _Page, when: datetime | None
    ) -> tuple[str, list[str], list[str]]:
        if isinstance(surface, Posted):
            body = self._blocks(surface.blocks, page) or self._mrkdwn_lines(surface.text)
            files = (surface.message or {}).get("files") or []
            return self._heading(surface, when), body + [_file_line(f) for f in files], []
        if isinstance(surface, Modal):
            return (
                self._modal_heading(surface),
                self._blocks(_blocks(surface.view), page),
                [self._modal_footer(surface.view)],
            )
        heading = f"App Home · what {self.directory.user(surface.viewer)} sees on Coach's Home tab"
        return heading, self._blocks(_blocks(surface.view), page), []

    def _heading(self, posted: Posted, when: datetime | None) -> str:
        d = self.directory
        if posted.ephemeral:
            place = self.place(posted.channel, posted.viewer)
            where = f"to {d.user(posted.viewer)} only · in {place}"
        elif posted.viewer is not None:
            where = f"DM to {d.user(posted.viewer)}"
        else:
            where = f"in {d.channel(posted.channel)} · everyone in the channel sees it"
        if posted.in_thread:
            where += " · in the thread"
        if posted.edited:
            where = "edited its message · " + where
        if posted.replaces:
            where += " · replaces the message clicked"
        local = d.local_time(posted.viewer, when) if when and posted.viewer else None
        return f"Coach · {where}" + (f" · {local}" if local else "")

    def place(self, channel_or_user: str | None, viewer: str | None = None) -> str:
        """#sales, or whose DM with Coach a D… channel (or a user id, as Slack allows) is."""
        d = self.directory
        if channel_or_user in d.channels:
            return d.channel(channel_or_user)
        owner = d.dms.get(channel_or_user or "") or (
            channel_or_user if channel_or_user in d.users else None
        )
        if owner is None:
            return "a DM"
        return "their DM with Coach" if owner == viewer else f"{d.user(owner)}'s DM with Coach"

    def _modal_heading(self, modal: Modal) -> str:
        title = _plain(modal.view.get("title"))
        verb = "updated" if modal.updated else "opened"
        return f"Modal “{title}” · {verb} for {self.directory.user(modal.viewer)}"

    def _modal_footer(self, view: JsonDict) -> str:
        names = [b.get("block_id", "") for b in _blocks(view) if b.get("type") == "input"]
        example = "; ".join(f"{name}=…" for name in names[:2]) or "…"
        submit = _plain(view.get("submit")) or "Submit"
        close = _plain(view.get("close")) or "Cancel"
        return f"→ `submit {example}` presses “{submit}”; `cancel` presses “{close}”."

    def _box(self, heading: str, body: list[str], footer: list[str]) -> str:
        """The surface as a box: a heading, a gutter, the wrapped lines."""
        top = f"  ╭─ {self._style(heading, BOLD)}"
        lines = [top]
        for line in [*body, *footer]:
            for piece in self._wrap(line):
                lines.append(f"  │ {piece}".rstrip())
        lines.append("  ╰─")
        return "\n".join(lines)

    # --- blocks ------------------------------------------------------------------------

    def _blocks(self, blocks: list[JsonDict], page: _Page) -> list[str]:
        lines: list[str] = []
        for block in blocks:
            draw = self._block_drawers().get(str(block.get("type")))
            lines.extend(draw(block, page) if draw else [f"[{block.get('type')} block]"])
        return lines

    def _block_drawers(self) -> dict[str, Callable[[JsonDict, _Page], list[str]]]:
        return {
            "section": self._section,
            "header": self._header,
            "context": self._context,
            "divider": lambda block, page: [self._style("┈" * 24, DIM)],
            "actions": self._actions,
            "input": self._input,
            "image": lambda block, page: [f"[image: {block.get('alt_text', '')}]"],
            "rich_text": lambda block, page: self._mrkdwn_lines(_rich_text(block)),
        }

    def _section(self, block: JsonDict, page: _Page) -> list[str]:
        lines = self._text_lines(block.get("text"))
        for item in block.get("fields") or []:
            lines.extend("  " + line for line in self._text_lines(item))
        accessory = block.get("accessory")
        if isinstance(accessory, dict):
            lines.append(self._element(accessory, str(block.get("block_id", "")), page))
        return lines

    def _header(self, block: JsonDict, page: _Page) -> list[str]:
        text = self.inline(_plain(block.get("text")), mrkdwn=False)
        return [self._style(text, BOLD), self._style("─" * min(len(text), 60), DIM)]

    def _context(self, block: JsonDict, page: _Page) -> list[str]:
        pieces = []
        for element in block.get("elements") or []:
            if element.get("type") == "image":
                pieces.append(f"[{element.get('alt_text', 'image')}]")
            else:
                pieces.append(self.inline(str(element.get("text", "")), mrkdwn=_is_mrkdwn(element)))
        text = "  ".join(pieces)
        return [self._style("  " + line, DIM) for line in text.split("\n")]

    def _actions(self, block: JsonDict, page: _Page) -> list[str]:
        block_id = str(block.get("block_id", ""))
        tokens = [self._element(e, block_id, page) for e in block.get("elements") or []]
        return ["   ".join(tokens)]

    def _input(self, block: JsonDict, page: _Page) -> list[str]:
        label = _plain(block.get("label"))
        optional = " (optional)" if block.get("optional") and "optional" not in label else ""
        name = str(block.get("block_id", ""))
        element = block.get("element") or {}
        lines = [f"{label}{optional}", f"  ✎ {name} = {self._describe_input(element)}"]
        if block.get("hint"):
            lines.append(self._style("    " + _plain(block.get("hint")), DIM))
        return lines

    # --- elements ----------------------------------------------------------------------

    def _element(self, element: JsonDict, block_id: str, page: _Page) -> str:
        kind = element.get("type")
        if kind == "button":
            return self._button(element, block_id, page)
        if kind in ("static_select", "users_select", "conversations_select", "channels_select"):
            return f"[▾ {_plain(element.get('placeholder')) or 'choose…'}]"
        if kind == "datepicker":
            return f"[📅 {element.get('initial_date') or 'pick a date'}]"
        if kind == "overflow":
            return "[⋯ " + ", ".join(_plain(o.get("text")) for o in element["options"]) + "]"
        if kind == "image":
            return f"[image: {element.get('alt_text', '')}]"
        return f"[{kind}]"

    def _button(self, element: JsonDict, block_id: str, page: _Page) -> str:
        label = self.inline(_plain(element.get("text")), mrkdwn=False)
        assert page.surface is not None
        button = Button(page.next_number, label, element, block_id, page.surface)
        page.buttons.append(button)
        page.next_number += 1
        link = f" ↗ {element['url']}" if element.get("url") else ""
        return self._style(f"[{button.number}] {label}{link}", BOLD)

    def _describe_input(self, element: JsonDict) -> str:
        kind = element.get("type")
        if kind in ("static_select", "radio_buttons", "checkboxes"):
            options = " · ".join(_plain(o.get("text")) for o in element.get("options") or [])
            chosen = _plain((element.get("initial_option") or {}).get("text"))
            return f"one of: {options}" + (f" (now: {chosen})" if chosen else "")
        if kind == "datepicker":
            initial = element.get("initial_date")
            return "a date, YYYY-MM-DD" + (f" (now: {initial})" if initial else "")
        if kind in ("users_select", "multi_users_select"):
            return "a person, e.g. @alex"
        if kind in ("conversations_select", "channels_select"):
            return "a channel, e.g. #sales"
        initial = element.get("initial_value")
        return "text" + (f" (now: “{initial}”)" if initial else "")

    # --- text --------------------------------------------------------------------------

    def _text_lines(self, text_object: Any) -> list[str]:
        if not isinstance(text_object, dict):
            return []
        text = self.inline(str(text_object.get("text", "")), mrkdwn=_is_mrkdwn(text_object))
        return text.split("\n")

    def _mrkdwn_lines(self, text: str) -> list[str]:
        return self.inline(text, mrkdwn=True).split("\n") if text else []

    def inline(self, text: str, *, mrkdwn: bool = True) -> str:
        """Slack text as a person reads it: <@U1> → @alex, <#C1|x> → #sales, &amp; → &."""
        if mrkdwn:
            text = html.unescape(_ANGLE.sub(self._angle, text))
        return _EMOJI.sub(lambda m: EMOJI.get(m.group(1), m.group(0)), text)

    def _angle(self, match: re.Match[str]) -> str:
        target, _, label = match.group(1).partition("|")
        if target.startswith("@"):
            name = self.directory.users.get(target[1:])
            return f"@{name}" if name else (f"@{label}" if label else target)
        if target.startswith("#"):
            name = self.directory.channels.get(target[1:])
            return f"#{name or label.lstrip('#') or target[1:]}"
        if target.startswith("!subteam^") or target.startswith("!date^"):
            return label or target
        if target.startswith("!"):
            return "@" + target[1:]
        return f"{label} ({target})" if label else target

    def _wrap(self, line: str) -> list[str]:
        if not line.strip():
            return [""]
        indent = " " * len(_LEAD.match(line).group(1))  # type: ignore[union-attr]
        pieces = textwrap.wrap(
            line,
            self.width - 4,
            subsequent_indent=indent,
            break_long_words=False,
            break_on_hyphens=False,
        )
        return [self._emphasis(piece) for piece in pieces or [line]]

    def _emphasis(self, line: str) -> str:
        if not self.color:
            return line
        for pattern, start, end in _STYLES:
            line = pattern.sub(start + r"\1" + end, line)
        return line

    def _style(self, text: str, code: str) -> str:
        return f"{code}{text}{RESET}" if self.color else text


def _file_line(file: JsonDict) -> str:
    """A shared file as the transcript shows it: its name, kind, size and title."""
    kind = "PNG image" if file.get("mimetype") == "image/png" else str(file.get("mimetype"))
    size = max(1, round(int(file.get("size") or 0) / 1024))
    return f"📎 {file.get('name')} · {kind}, {size} KB · “{file.get('title')}”"


def _plain(text_object: Any) -> str:
    if isinstance(text_object, dict):
        return str(text_object.get("text", ""))
    return str(text_object or "")


def _is_mrkdwn(text_object: JsonDict) -> bool:
    return text_object.get("type") == "mrkdwn"


def _blocks(view: JsonDict) -> list[JsonDict]:
    return list(view.get("blocks") or [])


def _rich_text(node: Any) -> str:
    """The words of a rich_text block, roughly as Slack lays them out."""
    if isinstance(node, list):
        return "".join(_rich_text(item) for item in node)
    if not isinstance(node, dict):
        return ""
    kind = node.get("type")
    if kind == "text":
        return str(node.get("text", ""))
    if kind == "user":
        return f"<@{node.get('user_id')}>"
    if kind == "channel":
        return f"<#{node.get('channel_id')}>"
    if kind == "link":
        return str(node.get("text") or node.get("url", ""))
    if kind == "emoji":
        return f":{node.get('name')}:"
    if kind == "rich_text_list":
        return "".join(f"• {_rich_text(item)}\n" for item in node.get("elements") or [])
    return _rich_text(node.get("elements") or [])

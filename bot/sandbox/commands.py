"""What a line typed into `coach try` means: one typed sandbox command, or a LineError.

Parsing is pure and knows nothing of the running app, so a script is checked line by line
before anything runs (a typo on line 40 fails at once, not after a month of time travel)
and every odd input can be unit-tested on its own.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from bot.sandbox.cast import EVERYONE, member_named

LONGEST_WAIT = timedelta(days=366)


class LineError(ValueError):
    """A line the sandbox cannot read; the message says what to type instead."""


@dataclass(frozen=True)
class Slash:
    """`/coach TEXT`, typed in #sales."""

    text: str


@dataclass(frozen=True)
class Say:
    """A message: in #sales (`feedback …`, `say …`) or in the DM with Coach (`dm …`)."""

    text: str
    in_dm: bool = False


@dataclass(frozen=True)
class Reply:
    """A reply in the thread of the latest check-in DM."""

    text: str


@dataclass(frozen=True)
class Click:
    """Press a button shown earlier, by its number or by its label."""

    number: int | None = None
    label: str | None = None


@dataclass(frozen=True)
class Submit:
    """Fill in the open modal's fields (by name) and submit it."""

    values: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Cancel:
    """Close the open modal without submitting it."""


@dataclass(frozen=True)
class Shortcut:
    """The "Reframe as coaching" message shortcut on the latest message in #sales."""


@dataclass(frozen=True)
class Home:
    """Open Coach's App Home tab."""


@dataclass(frozen=True)
class SetStatus:
    """Set (or, with empty text and emoji, clear) one's Slack status."""

    text: str
    emoji: str


@dataclass(frozen=True)
class As:
    """Do `action` as someone other than you."""

    name: str
    action: Action


@dataclass(frozen=True)
class Wait:
    """Move the sandbox clock forward, running the sweeps that fall due."""

    delta: timedelta
    words: str


@dataclass(frozen=True)
class People:
    """Who is in the sandbox, and their local time."""


@dataclass(frozen=True)
class Calls:
    """The Web API calls behind the last step."""


@dataclass(frozen=True)
class Help:
    """The sandbox commands."""


@dataclass(frozen=True)
class Quit:
    """Leave the sandbox."""


@dataclass(frozen=True)
class Install:
    """Add Coach to another sandbox workspace through Add to Slack."""

    name: str


@dataclass(frozen=True)
class Comment:
    """A blank line or a `# comment`: shown in a transcript, never run."""

    text: str


# What someone can do in Slack, and so what `as @name` accepts.
Action = Slash | Say | Reply | Click | Submit | Cancel | Shortcut | Home | SetStatus
Command = Action | As | Wait | People | Calls | Help | Quit | Comment | Install

_UNITS = {
    "minute": timedelta(minutes=1),
    "min": timedelta(minutes=1),
    "hour": timedelta(hours=1),
    "day": timedelta(days=1),
    "week": timedelta(weeks=1),
}
_WAIT = re.compile(r"(\d{1,4})\s*([a-z]+?)s?\b")
_WAITS = re.compile(r"\s*(?:\d{1,4}\s*[a-z]+\s*)+")
_EMOJI = re.compile(r":[a-z0-9_+\-]+:")


def parse_line(line: str) -> Command:
    """Read one line. Raises LineError with a helpful message when it means nothing."""
    text = line.strip()
    if not text or text.startswith("#"):
        return Comment(text)
    word, _, rest = text.partition(" ")
    lowered = word.lower()
    if lowered == "as":
        return _as(rest.strip())
    if lowered in _SESSION:
        return _SESSION[lowered](rest.strip())
    return _action(text)


def _action(text: str) -> Action:
    """Something a person does in Slack."""
    word, _, rest = text.partition(" ")
    lowered, rest = word.lower(), rest.strip()
    if lowered.startswith("/"):
        return _slash(lowered, rest)
    if lowered.startswith("feedback"):
        return Say(text)
    if lowered == "reply" or lowered.startswith("reply:"):
        body = text[len("reply") :].strip().removeprefix(":").strip()
        return Reply(_need_text(body, "reply: Tried it on two calls; it worked"))
    parser = _ACTIONS.get(lowered)
    if parser is None:
        raise LineError(_unknown(word))
    return parser(rest)


def _slash(command: str, rest: str) -> Slash:
    if command != "/coach":
        raise LineError(f"Only /coach is installed in this sandbox, not {command}.")
    return Slash(rest)


def _as(rest: str) -> As:
    name, _, action = rest.partition(" ")
    if not name.startswith("@"):
        raise LineError("Say who, with an @: for example `as @alex /coach goals`.")
    member = member_named(name)
    if member is None:
        raise LineError(f"There's nobody called {name} here. The people are {_handles()}.")
    first = action.split()[0].lower() if action.split() else ""
    if not first:
        raise LineError(f"Say what {name} does: for example `as {name} /coach goals`.")
    if first in _SESSION or first == "as":
        raise LineError(f"`{first}` is for the whole sandbox, not something {name} does.")
    return As(member.name, _action(action.strip()))


def _need_text(rest: str, example: str) -> str:
    if not rest:
        raise LineError(f"Say what to write: for example `{example}`.")
    return rest


def _say(rest: str) -> Say:
    return Say(_need_text(rest, "say Great call, everyone"))


def _dm(rest: str) -> Say:
    return Say(_need_text(rest, "dm hello"), in_dm=True)


def _click(rest: str) -> Click:
    if not rest:
        raise LineError("Click which button? Give its number, for example `click 1`.")
    if rest.isdigit():
        number = int(rest)
        if number < 1:
            raise LineError("Buttons are numbered from 1.")
        return Click(number=number)
    return Click(label=rest.strip("\"'“”"))


def _submit(rest: str) -> Submit:
    pairs = []
    for part in (p.strip() for p in rest.split(";")):
        if not part:
            continue
        name, sep, value = part.partition("=")
        if not sep or not name.strip():
            raise LineError(f"Fill in fields as NAME=VALUE separated by `;`, not `{part}`.")
        pairs.append((name.strip().lower(), value.strip()))
    return Submit(tuple(pairs))


def _status(rest: str) -> SetStatus:
    if rest.lower() in ("clear", "none", ""):
        return SetStatus("", "")
    first, _, after = rest.partition(" ")
    if _EMOJI.fullmatch(first):
        return SetStatus(after.strip(), first)
    return SetStatus(rest, "")


def _wait(rest: str) -> Wait:
    """`wait 8 days`, `wait 90 minutes`, `wait 4 days 1 hour`."""
    words = rest.lower()
    parts = _WAIT.findall(words) if _WAITS.fullmatch(words) else []
    units = [_UNITS.get(unit) for _, unit in parts]
    if not parts or any(unit is None for unit in units):
        raise LineError(
            "Wait how long? For example `wait 8 days`, `wait 3 hours` or `wait 1 week 2 days`."
        )
    delta = sum(
        (unit * int(n) for unit, (n, _) in zip(units, parts, strict=True) if unit), timedelta()
    )
    if not timedelta(0) < delta <= LONGEST_WAIT:
        raise LineError("Wait between a minute and a year.")
    return Wait(delta, rest)


def _bare(kind: Callable[[], Command], word: str) -> Callable[[str], Command]:
    """A parser for a command that takes nothing after it (`help` ignores what follows)."""

    def parse(rest: str) -> Command:
        if rest and word != "help":
            raise LineError(f"`{word}` takes nothing after it.")
        return kind()

    return parse


def _unknown(word: str) -> str:
    return (
        f"I don't know `{word}`. Type `help` for the sandbox commands; what Coach sees "
        "starts with /coach, feedback, say, dm or reply:."
    )


def _handles() -> str:
    return ", ".join(f"@{m.name}" for m in EVERYONE)


_ACTIONS: dict[str, Callable[[str], Action]] = {
    "say": _say,
    "dm": _dm,
    "click": _click,
    "submit": _submit,
    "cancel": _bare(Cancel, "cancel"),  # type: ignore[dict-item]
    "shortcut": _bare(Shortcut, "shortcut"),  # type: ignore[dict-item]
    "home": _bare(Home, "home"),  # type: ignore[dict-item]
    "status": _status,
}


def _install(rest: str) -> Install:
    return Install(rest.strip() or "Coach Sandbox Two")


_SESSION: dict[str, Callable[[str], Command]] = {
    "wait": _wait,
    "install": _install,
    "people": _bare(People, "people"),
    "who": _bare(People, "who"),
    "calls": _bare(Calls, "calls"),
    "help": _bare(Help, "help"),
    "?": _bare(Help, "help"),
    "quit": _bare(Quit, "quit"),
    "exit": _bare(Quit, "exit"),
}

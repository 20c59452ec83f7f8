"""The ``/coach`` grammar: text as Slack sends it → one typed command, or a usage problem.

Slack (with ``should_escape``) sends people as ``<@U123|name>`` or ``<@U123>`` and channels
as ``<#C123|name>``. Parsing is pure so that every odd input can be unit-tested without
Slack, and so the listener only has to route a typed value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_USER = re.compile(r"^<@([UW][A-Z0-9]{1,31})(?:\|[^>]*)?>$")
_CHANNEL = re.compile(r"^<#([CG][A-Z0-9]{1,31})(?:\|[^>]*)?>$")


@dataclass(frozen=True)
class Help:
    """Usage for every subcommand; ``unknown`` is the word we did not recognise, if any."""

    unknown: str | None = None


@dataclass(frozen=True)
class Usage:
    """A recognised subcommand typed the wrong way; ``problem`` keys a message in prompts."""

    subcommand: str
    problem: str
    given: str = ""


@dataclass(frozen=True)
class TeamList:
    pass


@dataclass(frozen=True)
class TeamAdd:
    rep_id: str
    cadence: str  # raw words such as "every 2 weeks"; the cadence module parses them


@dataclass(frozen=True)
class TeamRemove:
    rep_id: str


@dataclass(frozen=True)
class TeamLeave:
    pass


@dataclass(frozen=True)
class Log:
    rep_id: str
    held_on: str | None  # raw words ("yesterday", "Nov 20"), read by bot.domain.dates


@dataclass(frozen=True)
class Plan:
    rep_id: str | None


@dataclass(frozen=True)
class SetGoal:
    text: str  # empty: open the modal


@dataclass(frozen=True)
class GoalForSomeoneElse:
    """A manager typing ``/coach goal @rep …``: goals are the rep's to choose."""

    rep_id: str


@dataclass(frozen=True)
class Goals:
    pass


@dataclass(frozen=True)
class Reframe:
    text: str


@dataclass(frozen=True)
class Digest:
    channel_id: str | None  # None: turn the digest off


@dataclass(frozen=True)
class Pause:
    rep_id: str | None  # None: "me", every rep of the caller
    until: str  # raw words ("2026-03-10", "fri", "Jan 4"), read by bot.domain.dates


@dataclass(frozen=True)
class Resume:
    rep_id: str | None  # None: "me"


@dataclass(frozen=True)
class ForgetMe:
    pass


@dataclass(frozen=True)
class LogFieldDay:
    """``log @rep field day [when]``: a day spent observing the rep's routine calls."""

    rep_id: str
    held_on: str | None


@dataclass(frozen=True)
class Insights:
    """``insights`` (every manager below the caller) or ``insights @manager`` (one)."""

    manager_id: str | None


class ConnectCalendar:
    """``calendar``: the form for the secret iCal address."""


@dataclass(frozen=True)
class DisconnectCalendar:
    """``calendar off``."""


# What a subcommand asks Coach to do: answered after the ack, by the listener's ``match``.
Request = (
    TeamList
    | TeamAdd
    | TeamRemove
    | TeamLeave
    | Log
    | Plan
    | SetGoal
    | GoalForSomeoneElse
    | Goals
    | Reframe
    | Digest
    | Pause
    | Resume
    | ForgetMe
    | LogFieldDay
    | Insights
    | ConnectCalendar
    | DisconnectCalendar
)
# Help and Usage need nothing but the text, so they are answered on the ack itself.
Command = Help | Usage | Request

SUBCOMMANDS = (
    "help",
    "team",
    "log",
    "plan",
    "goal",
    "goals",
    "reframe",
    "digest",
    "pause",
    "resume",
    "forget",
    "insights",
    "calendar",
)


def user_id_of(token: str) -> str | None:
    """The user id in an escaped mention, or None when the token is not one."""
    match = _USER.match(token)
    return match.group(1) if match else None


def channel_id_of(token: str) -> str | None:
    match = _CHANNEL.match(token)
    return match.group(1) if match else None


def parse(text: str) -> Command:
    """Read one ``/coach`` text. Never raises: anything unreadable becomes Help or Usage."""
    cleaned = " ".join(text.replace("\u00a0", " ").split())
    if not cleaned:
        return Help()
    word, _, rest = cleaned.partition(" ")
    parser = _PARSERS.get(word.lower())
    if parser is None:
        return Help(unknown=word)
    return parser(rest)


def _help(rest: str) -> Command:
    return Help()


def _team(rest: str) -> Command:
    words = rest.split()
    if not words:
        return TeamList()
    action, args = words[0].lower(), words[1:]
    if action == "add":
        rep = user_id_of(args[0]) if args else None
        if rep is None:
            return Usage("team add", "need_rep", " ".join(args))
        return TeamAdd(rep_id=rep, cadence=" ".join(args[1:]) or "weekly")
    if action == "remove":
        rep = user_id_of(args[0]) if len(args) == 1 else None
        if rep is None:
            return Usage("team remove", "need_rep", " ".join(args))
        return TeamRemove(rep_id=rep)
    if action == "leave":
        return TeamLeave() if not args else Usage("team leave", "no_arguments", " ".join(args))
    return Usage("team", "unknown_action", words[0])


def _log(rest: str) -> Command:
    words = rest.split()
    rep = user_id_of(words[0]) if words else None
    if rep is None or len(words) > 5:
        return Usage("log", "need_rep", rest)
    if [word.lower() for word in words[1:3]] == ["field", "day"]:
        return LogFieldDay(rep_id=rep, held_on=" ".join(words[3:]) or None)
    return Log(rep_id=rep, held_on=" ".join(words[1:]) or None)


def _plan(rest: str) -> Command:
    words = rest.split()
    if not words:
        return Plan(rep_id=None)
    rep = user_id_of(words[0]) if len(words) == 1 else None
    return Plan(rep_id=rep) if rep else Usage("plan", "need_rep", rest)


def _goal(rest: str) -> Command:
    first = rest.split(" ", 1)[0]
    rep = user_id_of(first.rstrip(":,")) if first else None
    if rep is not None:
        return GoalForSomeoneElse(rep_id=rep)
    return SetGoal(text=rest.strip())


def _goals(rest: str) -> Command:
    return Goals() if not rest.strip() else Usage("goals", "no_arguments", rest)


def _reframe(rest: str) -> Command:
    return Reframe(text=rest.strip()) if rest.strip() else Usage("reframe", "need_text")


def _digest(rest: str) -> Command:
    words = rest.split()
    if len(words) == 1 and words[0].lower() == "off":
        return Digest(channel_id=None)
    channel = channel_id_of(words[0]) if len(words) == 1 else None
    return Digest(channel_id=channel) if channel else Usage("digest", "need_channel", rest)


def _target(token: str) -> tuple[bool, str | None]:
    """(understood, rep id or None for "me")."""
    if token.lower() == "me":
        return True, None
    rep = user_id_of(token)
    return rep is not None, rep


def _pause(rest: str) -> Command:
    words = rest.split()
    if not 3 <= len(words) <= 6 or words[1].lower() != "until":
        return Usage("pause", "shape", rest)
    understood, rep = _target(words[0])
    until = " ".join(words[2:])
    return Pause(rep_id=rep, until=until) if understood else Usage("pause", "shape", rest)


def _resume(rest: str) -> Command:
    words = rest.split()
    understood, rep = _target(words[0]) if len(words) == 1 else (False, None)
    return Resume(rep_id=rep) if understood else Usage("resume", "shape", rest)


def _forget(rest: str) -> Command:
    return ForgetMe() if rest.strip().lower() == "me" else Usage("forget", "shape", rest)


def _insights(rest: str) -> Command:
    words = rest.split()
    if not words:
        return Insights(manager_id=None)
    manager = user_id_of(words[0]) if len(words) == 1 else None
    return Insights(manager_id=manager) if manager else Usage("insights", "need_manager", rest)


def _calendar(rest: str) -> Command:
    words = rest.lower().split()
    if not words:
        return ConnectCalendar()
    if words == ["off"]:
        return DisconnectCalendar()
    return Usage("calendar", "shape", rest)


_PARSERS = {
    "help": _help,
    "team": _team,
    "log": _log,
    "plan": _plan,
    "goal": _goal,
    "goals": _goals,
    "reframe": _reframe,
    "digest": _digest,
    "pause": _pause,
    "resume": _resume,
    "forget": _forget,
    "insights": _insights,
    "calendar": _calendar,
}

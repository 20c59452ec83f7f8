"""Whether someone's Slack status says they are away, so Coach leaves them alone.

The words and emoji that mean "away" are data in ``prompts/presence.toml``, so a sales
leader can add "gone fishing" without touching Python. Matching is on whole words and
ignores case: "sick" counts, "sickle" does not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache

import prompts

_EMOJI_NAME = re.compile(r":([a-z0-9_+'-]+):")


@dataclass(frozen=True)
class _Signs:
    words: re.Pattern[str]
    emoji: frozenset[str]
    characters: tuple[str, ...]


@cache
def _signs() -> _Signs:
    """The compiled contents of ``prompts/presence.toml``, built once per process."""
    data = prompts.load("presence")
    phrases = (r"\s+".join(map(re.escape, k.split())) for k in data.get("keywords", []))
    alternatives = "|".join(p for p in phrases if p) or r"(?!)"
    return _Signs(
        words=re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE),
        emoji=frozenset(name.strip(":").lower() for name in data.get("emoji", [])),
        characters=tuple(data.get("emoji_characters", [])),
    )


def is_out_of_office(
    status_text: str, status_emoji: str, status_expiration: int, now: datetime
) -> bool:
    """True when the status says its owner is away and has not expired.

    ``status_expiration`` is Slack's unix time at which the status clears (0 = never).
    Slack clears expired statuses itself, but a cached profile can outlive that, so an
    expired "On vacation" is treated as gone. ``now`` must be timezone-aware.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    if status_expiration and now.timestamp() >= status_expiration:
        return False
    return _says_away(status_text or "", status_emoji or "")


def _says_away(text: str, emoji: str) -> bool:
    signs = _signs()
    bare = emoji.strip().strip(":")
    wrapped = f":{bare}:" if bare else ""  # tolerate "palm_tree" without its colons
    names = set(_EMOJI_NAME.findall(f"{wrapped} {text}".lower()))
    return (
        bool(names & signs.emoji)
        or any(char in text for char in signs.characters)
        or signs.words.search(text) is not None
    )
